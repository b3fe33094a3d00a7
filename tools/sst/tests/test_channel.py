# SPDX-License-Identifier: GPL-2.0
"""The results channel (vm_boot's second serial port, LOG.results): the
protocol read from it, the kernel's messages from the console, and the
console alone when the results file is empty or missing."""

import os
import shutil
import tempfile
import unittest

from sst import console, model
from sst.tests import recorded

PAIR = os.path.join(recorded.RUNS, "612-channel", "console-1.log")
# What the guest reported in that boot, and the kernel_log check the host
# adds from its dmesg section (the DMAR fault is expected there).
WANT = [("edu-iommu-fault", "eduf0.iommu_fault", "pass"),
        ("edu-iommu-fault", "kernel_log", "pass")]


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Pair(unittest.TestCase):
    """A real boot on 6.12 (edu-iommu-fault): the IOMMU's fault messages
    come on the console while the guest sends its result."""

    def setUp(self):
        self.con = console.parse_file(PAIR)

    def test_protocol_from_the_results_file(self):
        self.assertTrue(self.con.split)
        self.assertEqual(self.con.guest_rc, 0)
        self.assertEqual(self.con.info["kernel"], "6.12.117+deb12-amd64")
        self.assertIn("sst.results=ttyS1", self.con.info["cmdline"].split())
        self.assertEqual([r[:3] for r in self.con.results], WANT[:1])
        self.assertEqual(self.con.unterminated(), [])
        self.assertEqual(self.con.section_names(), ["dmesg", "dmesg:edu-iommu-fault"])

    def test_kernel_messages_from_the_console(self):
        self.assertFalse(any(l.startswith("[") for l in self.con.lines))
        fault = [l for l in self.con.console if "DMAR: [DMA Read" in l]
        self.assertEqual(len(fault), 1)
        # After the scenario's note on the console, before its end.
        after = self.con.kernel_after("edu-iommu-fault")
        self.assertEqual(after[3:5], [l for l in self.con.console if "DMAR: " in l][-2:])
        self.assertEqual(self.con.panic_lines, [])

    def test_model(self):
        r = recorded.RunDir("612-channel")
        self.addCleanup(r.close)
        self.assertEqual([(c.scenario, c.name, c.verdict) for c in r.run.checks()], WANT)
        self.assertEqual((r.run.status, r.run.upstream), (0, "6.12.117"))
        r.write()
        self.assertTrue(r.read("results.txt").startswith(
            b"edu-iommu-fault eduf0.iommu_fault pass the IOMMU reported the stray DMA: "))

    def test_on_a_shared_console_the_same_message_breaks_the_result(self):
        # What ttyS0 could show without the channel: the kernel's line
        # inside the result line, before its verdict.
        fault = [l for l in self.con.console if "DMAR: [DMA Read" in l][0]
        lines = [l.replace("eduf0.iommu_fault pass", "eduf0.iommu_fault " + fault + "\npass")
                 if l.startswith("SST-RESULT ") else l for l in self.con.lines]
        shared = console.parse("\n".join(lines) + "\n")
        self.assertFalse(shared.split)
        self.assertNotEqual([r[:3] for r in shared.results], WANT[:1])
        # The pair does not care where the console's messages fell.
        moved = read(PAIR).replace(b"sst: scenario edu-iommu-fault ended\n", b"") + fault.encode() + b"\n"
        pair = console.parse(moved, read(PAIR + ".results"))
        self.assertEqual([r[:3] for r in pair.results], WANT[:1])


class Panic(unittest.TestCase):
    """A real 6.1 boot with the channel that panics in its storm
    (partial-sync, panic_on_warn=1): the results file stops after the
    storm line, the panic is on the console."""

    def test_model(self):
        r = recorded.RunDir("61-panic-channel")
        self.addCleanup(r.close)
        con = r.run.boots[0].load()
        self.assertTrue(con.split)
        self.assertTrue(con.panic_lines)
        self.assertFalse(any("Kernel panic" in l for l in con.lines))
        self.assertEqual((r.run.status, r.run.verdict), (2, "hang-or-panic"))
        s = r.run.scenario("partial-sync")
        self.assertTrue(s.unfinished)
        self.assertEqual([(c.name, c.verdict) for c in s.checks], [("scenario", "panic")])
        self.assertIn("in the storm on nvme1 op=map_single", s.checks[0].reason)
        # The screen's splat line comes from the console.
        from sst import views
        self.assertIn("Kernel panic - not syncing", views.screen(r.run))


class Truncated(unittest.TestCase):
    """The results file cut mid-line: the guest stopped while sending."""

    def cut(self, marker, extra):
        data = read(PAIR + ".results")
        return console.parse(read(PAIR), data[:data.index(marker) + len(marker) + extra])

    def test_cut_in_a_result_line_before_its_verdict_ended(self):
        con = self.cut(b"SST-RESULT edu-iommu-fault eduf0.iommu_fault ", 2)  # "pa"
        self.assertTrue(con.split and con.cut)
        self.assertEqual(con.results[0][:3], ("edu-iommu-fault", "eduf0.iommu_fault", "fail"))
        self.assertIn("cut short", con.results[0][3])
        self.assertIsNone(con.guest_rc)
        self.assertNotIn("edu-iommu-fault", con.scenario_end)

    def test_cut_after_the_verdict(self):
        con = self.cut(b"SST-RESULT edu-iommu-fault eduf0.iommu_fault pass the IOMMU", 0)
        self.assertEqual(con.results[0][2:4], ("pass", "the IOMMU"))

    def test_cut_in_a_section(self):
        con = self.cut(b"SST-BEGIN dmesg:edu-iommu-fault\n", 7)
        self.assertEqual(con.unterminated(), ["dmesg:edu-iommu-fault"])
        self.assertEqual(len(con.section("dmesg:edu-iommu-fault")), 1)

    def test_model_of_a_boot_that_died_there(self):
        tmp = tempfile.mkdtemp(prefix="sst-test-")
        self.addCleanup(shutil.rmtree, tmp)
        recorded.copy_run("612-channel", tmp)
        res = os.path.join(tmp, "console-1.log.results")
        data = read(res)
        with open(res, "wb") as f:
            f.write(data[:data.index(b"eduf0.iommu_fault ") + 20])
        with open(os.path.join(tmp, "boots.tsv"), "r+") as f:
            row = f.read().replace("\tok\t", "\tpanic\t")
            f.seek(0)
            f.write(row)
        run = model.build_run("6.12.117+deb12-amd64", model.read_boots(tmp), ["edu-iommu-fault"],
                              out=tmp, findings=recorded.findings(), top=recorded.TOP)
        s = run.scenario("edu-iommu-fault")
        self.assertTrue(s.unfinished)
        self.assertEqual([(c.name, c.verdict) for c in s.checks],
                         [("eduf0.iommu_fault", "fail"), ("scenario", "panic")])
        self.assertEqual(run.status, 2)


class SetupError(unittest.TestCase):
    """The module does not load (found on a fresh machine: a tree prepared
    without pahole, the kernel refused the module as "invalid module
    format"). Once that read as every scenario skipped and the run as a
    pass with nothing passed; now every scenario fails, with the reason."""

    def guest_ends_early(self, tail):
        """A copy of 612-channel whose guest wrote TAIL after its
        SST-INFO lines, instead of its scenario; the copy's folder."""
        tmp = tempfile.mkdtemp(prefix="sst-test-")
        self.addCleanup(shutil.rmtree, tmp)
        recorded.copy_run("612-channel", tmp)
        res = os.path.join(tmp, "console-1.log.results")
        head = read(res).split(b"SST-SCENARIO-BEGIN")[0]
        with open(res, "wb") as f:
            f.write(head + tail)
        return tmp

    def test_every_scenario_fails_with_the_reason(self):
        why = (b"the module does not load in this kernel: insmod: can't insert "
               b"'/sst/swiotlb_stress.ko': invalid module format (kernel: module: "
               b"x86/modules: Invalid relocation target, existing value is nonzero)")
        tmp = self.guest_ends_early(b"SST-SETUP-ERROR " + why + b"\nSST-GUEST-END rc=1\n")
        with open(os.path.join(tmp, "boots.tsv"), "r+") as f:
            row = f.read().replace("\tedu-iommu-fault", "\tedu-iommu-fault mask-high")
            f.seek(0)
            f.write(row)
        con = console.parse_file(os.path.join(tmp, "console-1.log"))
        self.assertEqual(con.setup_error, why.decode())
        self.assertIsNone(con.skipall)
        names = ["edu-iommu-fault", "mask-high"]
        run = model.build_run("6.12.117+deb12-amd64", model.read_boots(tmp), names,
                              out=tmp, findings=recorded.findings(), top=recorded.TOP)
        for n in names:
            s = run.scenario(n)
            self.assertFalse(s.unfinished)
            self.assertEqual([(c.name, c.verdict, c.reason) for c in s.checks],
                             [("module_load", "fail", why.decode())])
        self.assertEqual((run.status, run.verdict), (1, "fail"))

    def test_nothing_tested_is_a_skip_not_a_pass(self):
        why = b"kernel lockdown (integrity): the module was refused (Operation not permitted)"
        tmp = self.guest_ends_early(b"SST-SKIPALL " + why + b"\nSST-GUEST-END rc=4\n")
        run = model.build_run("6.12.117+deb12-amd64", model.read_boots(tmp), ["edu-iommu-fault"],
                              out=tmp, findings=recorded.findings(), top=recorded.TOP)
        self.assertEqual([(c.name, c.verdict) for c in run.scenario("edu-iommu-fault").checks],
                         [("scenario", "skip")])
        self.assertEqual((run.status, run.verdict), (4, "skip"))

    def test_runs_together(self):
        w = model.worse_status
        self.assertEqual([w(4, 0), w(0, 4), w(4, 4), w(0, 1), w(1, 2), w(2, 4), w(4, 1)],
                         [0, 0, 4, 1, 2, 2, 1])


class Fallback(unittest.TestCase):
    """No protocol line in the results file: the console, as before."""

    def test_empty_or_blank_results_file(self):
        for name in ("61-partial-sync", "61-panic", "612-truncated"):
            log = os.path.join(recorded.RUNS, name, "console-1.log")
            want = console.parse_file(log)
            self.assertFalse(want.split)
            for res in (b"", b"\r\n", b"\n\n"):
                with self.subTest(run=name, results=res):
                    got = console.parse(read(log), res)
                    self.assertFalse(got.split)
                    self.assertEqual(got.lines, want.lines)
                    self.assertEqual(got.results, want.results)
                    self.assertEqual(got.sections and [(s.name, s.lines) for s in got.sections],
                                     want.sections and [(s.name, s.lines) for s in want.sections])
                    self.assertEqual(got.panic_lines, want.panic_lines)
                    self.assertEqual(got.kernel_after("partial-sync"), want.kernel_after("partial-sync"))

    def test_same_files_with_an_empty_results_file(self):
        # Every file the model writes, byte for byte, with an empty
        # console-N.log.results next to each console.
        for name in ("61-partial-sync", "61-panic", "612-fr001-mask-high"):
            with self.subTest(run=name):
                a = recorded.RunDir(name).write()
                self.addCleanup(a.close)
                tmp = tempfile.mkdtemp(prefix="sst-test-")
                self.addCleanup(shutil.rmtree, tmp)
                recorded.copy_run(name, tmp)
                for f in os.listdir(tmp):
                    if f.startswith("console-") and f.endswith(".log"):
                        open(os.path.join(tmp, f + ".results"), "wb").close()
                kver, scns = recorded.KERNELS[name]
                run = model.build_run(kver, model.read_boots(tmp), scns,
                                      kdir="/lib/modules/%s/build" % kver, out=tmp,
                                      findings=recorded.findings(), top=recorded.TOP)
                from sst import views
                model.write_files(run)
                views.write_all(run)
                names = [f for f in sorted(os.listdir(a.out))
                         if not f.startswith("console-") and f != "boots.tsv"]
                self.assertIn("report.txt", names)
                for f in names:
                    got = read(os.path.join(tmp, f)).replace(tmp.encode(), b"@OUT@")
                    self.assertEqual(got, a.read(f).replace(a.out.encode(), b"@OUT@"), f)
