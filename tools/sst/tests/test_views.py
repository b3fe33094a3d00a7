# SPDX-License-Identifier: GPL-2.0
"""The model and every view (report, KTAP, JSON, checks.tsv, results.txt,
the files the guest sent, the one-screen summary) on recorded runs,
against what main's bash report code wrote for the same consoles."""

import json
import os
import re
import unittest

from sst import views
from sst.tests import recorded

# Runs whose expected files are bash's output byte for byte.
CLEAN_RUNS = ("612-fr001-mask-high", "612-truncated", "61-partial-sync",
              "61-panic", "61-hang")
# The files compared byte for byte (report.txt and summary.json below).
EXACT = ("results.txt", "checks.tsv", "results.ktap")


def merge_storm_lines(report):
    """The report as bash wrote it: one "storm D:" line per device, the
    key lines of all its storms joined by "; " (the model gives each storm
    its own line)."""
    out = []
    for line in report.split("\n"):
        m = re.match(r"^   storm (\S+): (.*)$", line)
        if m and out:
            p = re.match(r"^   storm (\S+): ", out[-1])
            if p and p.group(1) == m.group(1):
                out[-1] += "; " + m.group(2)
                continue
        out.append(line)
    return "\n".join(out)


def bash_fixes(report):
    """The report without the fixes the model adds to a scenario the kernel
    stopped answering in (bash gave "scenario timeout" no class; the model
    gives it the hang class)."""
    out, drop = [], False
    for line in report.split("\n"):
        if line.startswith("      upstream fix for this failure class: ") and drop:
            continue
        drop = bool(re.match(r"^   scenario +timeout ", line))
        out.append(line)
    return "\n".join(out)


def bash_summary(d):
    """The keys of the model's summary.json that bash's had."""
    return {
        "kernel": d["kernel"],
        "scenarios": [{"scenario": s["scenario"], "verdict": s["verdict"],
                       "checks": [{**{k: c[k] for k in ("check", "verdict", "reason",
                                                         "finding", "upstream_fixes")},
                                   **({"upstream_fixes": []}
                                      if (c["check"], c["verdict"]) == ("scenario", "timeout")
                                      else {})}
                                  for c in s["checks"]]}
                      for s in d["scenarios"]],
        **{k: d[k] for k in ("passed", "failed", "skipped", "verdict")},
    }


class AgainstBash(unittest.TestCase):
    def test_files(self):
        for name in CLEAN_RUNS:
            with self.subTest(run=name):
                r = recorded.RunDir(name).write()
                self.addCleanup(r.close)
                for f in recorded.expected_names(name):
                    want = recorded.expected(name, f, r.out)
                    if f == "report.txt":
                        self.assertEqual(bash_fixes(merge_storm_lines(r.read(f).decode())),
                                         want.decode())
                    elif f == "summary.json":
                        self.assertEqual(bash_summary(json.loads(r.read(f))), json.loads(want))
                    else:
                        self.assertEqual(r.read(f), want, f)

    def test_each_storm_has_its_line(self):
        r = recorded.RunDir("612-fr001-mask-high").write()
        self.addCleanup(r.close)
        rep = r.read("report.txt").decode()
        # fr001 runs two storms on nvme0 (single maps, then scatter-gather).
        self.assertEqual(len(re.findall(r"(?m)^   storm nvme0: seed: ", rep)), 2)
        self.assertEqual(len(re.findall(r"(?m)^   storm nvme0: ",
                                        recorded.expected(name := "612-fr001-mask-high",
                                                          "report.txt", r.out).decode())), 1, name)
        s = r.run.scenario("fr001-nvme-offsets")
        self.assertEqual([st.stats["maps"] for st in s.storms], ["8192", "512"])
        self.assertIn("op=map_sg", s.storms[1].spec)


class Verdicts(unittest.TestCase):
    def model(self, name):
        r = recorded.RunDir(name)
        self.addCleanup(r.close)
        return r.run

    def test_passing(self):
        run = self.model("612-fr001-mask-high")
        self.assertEqual((run.status, run.verdict), (0, "pass"))
        self.assertEqual([s.verdict for s in run.scenarios], ["pass", "pass"])
        self.assertEqual(run.counts(), {"pass": 20, "fail": 0, "skip": 11})
        self.assertEqual([b.elapsed for b in run.boots], [19, 17])

    def test_known_finding(self):
        run = self.model("61-partial-sync")
        self.assertEqual(run.status, 1)
        failed = [c for c in run.checks() if c.failed]
        self.assertEqual([c.name for c in failed], ["nvme1.data", "kernel_log"])
        self.assertEqual({c.finding.id for c in failed}, {"6.1-swiotlb-partial-sync"})
        self.assertIn("e8068f2d756d", [fp.commit for fp in failed[0].fixes])
        self.assertEqual(run.known_findings(), ["6.1-swiotlb-partial-sync"])

    def test_panic(self):
        run = self.model("61-panic")
        self.assertEqual((run.status, run.verdict), (2, "hang-or-panic"))
        s = run.scenario("partial-sync")
        self.assertTrue(s.unfinished)
        self.assertEqual([(c.name, c.verdict) for c in s.checks], [("scenario", "panic")])
        self.assertIsNone(s.checks[0].finding)

    def test_hang(self):
        run = self.model("61-hang")
        self.assertEqual(run.status, 2)
        c = run.scenario("find-slots-hang").checks[-1]
        self.assertEqual((c.name, c.verdict), ("scenario", "timeout"))
        self.assertIn("within 90s", c.reason)
        self.assertEqual(c.finding.id, "6.1-swiotlb-find-slots-hang")
        # A scenario the kernel hung in gets the fixes of the hang class,
        # both of which Debian's 6.1.192 lacks.
        self.assertEqual([(fp.commit, run.fix_status(fp)[0]) for fp in c.fixes],
                         [("7c3940bf81e5", "lacks"), ("0eee5ae10256", "lacks")])

    def test_truncated(self):
        run = self.model("612-truncated")
        self.assertEqual(run.status, 2)
        s = run.scenario("fr001-nvme-offsets")
        self.assertIsNone(s.dmesg)
        self.assertEqual(s.checks[-1].verdict, "timeout")
        self.assertIn("op=map_sg", s.checks[-1].reason)

    def test_default_set_checks_tsv(self):
        # 20 scenarios (the default set and three edu ones) in 11 boots on 6.12 (tools/test.sh's matrix
        # run), cut to what the verdicts need: checks.tsv as bash wrote it.
        r = recorded.RunDir("612-default-set")
        self.addCleanup(r.close)
        self.assertEqual(len(r.run.scenarios), 20)
        self.assertEqual(views.checks_tsv(r.run).encode(),
                         recorded.expected("612-default-set", "checks.tsv", r.out))
        self.assertEqual(r.run.status, 0)


class Json(unittest.TestCase):
    def test_every_run_parses_and_agrees_with_checks_tsv(self):
        for name in recorded.KERNELS:
            with self.subTest(run=name):
                r = recorded.RunDir(name).write()
                self.addCleanup(r.close)
                d = json.loads(r.read("summary.json").decode("utf-8"))
                rows = [l.split("\t") for l in r.read("checks.tsv").decode().splitlines()]
                got = [[s["scenario"], c["check"], c["verdict"], c["finding"], c["reason"]]
                       for s in d["scenarios"] for c in s["checks"]]
                self.assertEqual(got, rows)
                self.assertEqual(d["verdict"], r.run.verdict)
                self.assertEqual(len(d["boots"]), len(r.run.boots))

    def test_written_by_the_json_module(self):
        r = recorded.RunDir("61-partial-sync").write()
        self.addCleanup(r.close)
        text = r.read("summary.json").decode()
        self.assertEqual(text, json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n")


class FixesOfThisKernel(unittest.TestCase):
    """Which upstream fixes of a failure class the kernel under test has:
    the table's judgement of Debian's 6.1.192 and 6.12.117 trees, else the
    kernel's mainline base release."""

    def run_of(self, name):
        r = recorded.RunDir(name)
        self.addCleanup(r.close)
        return r.run

    def test_version_from_debians_banner(self):
        for name, want in (("612-fr001-mask-high", "6.12.117"), ("612-truncated", "6.12.117"),
                           ("61-partial-sync", "6.1.192"), ("61-panic", "6.1.192"),
                           ("61-hang", "6.1.192")):
            with self.subTest(run=name):
                self.assertEqual(self.run_of(name).upstream, want)
        # The verdicts-only recording has no banner.
        self.assertIsNone(self.run_of("612-default-set").upstream)

    def test_debian_tree(self):
        run = self.run_of("61-partial-sync")
        data = [c for c in run.checks() if c.name == "nvme1.data"][0]
        self.assertEqual({fp.commit: run.fix_status(fp)[0] for fp in data.fixes},
                         {"e8068f2d756d": "lacks", "5f89468e2f06": "has"})

    def test_base_release_without_a_known_tree(self):
        run = self.run_of("61-partial-sync")
        run.upstream = None  # as for a 6.1 the table does not judge
        data = [c for c in run.checks() if c.name == "nvme1.data"][0]
        got = {fp.commit: run.fix_status(fp) for fp in data.fixes}
        self.assertEqual(got["5f89468e2f06"][0], "has")    # v5.13 <= 6.1
        self.assertEqual(got["e8068f2d756d"][0], "unknown")  # v6.9 > 6.1
        self.assertIn("stable backport", got["e8068f2d756d"][1])
        # Every row of the table gets an answer on any base.
        for fp in recorded.findings().fingerprints:
            self.assertIn(fp.in_kernel((5, 10))[0], ("has", "unknown"))
            self.assertIn(fp.in_kernel((6, 1), "6.1.192")[0],
                          ("has", "lacks", "n/a", "superseded"))

    def test_json(self):
        r = recorded.RunDir("61-partial-sync").write()
        self.addCleanup(r.close)
        d = json.loads(r.read("summary.json"))
        self.assertEqual(d["kernel_upstream"], "6.1.192")
        fixes = d["scenarios"][0]["checks"][1]["fixes"]
        self.assertEqual([(f["commit"], f["this_kernel"]) for f in fixes],
                         [("e8068f2d756d", "lacks"), ("5f89468e2f06", "has")])


class FixedHere(unittest.TestCase):
    """A check a known finding of this kernel expects to fail that passed:
    fixed.tsv (tools/matrix.sh's "fixed" cell), the report, the screen."""

    def test_against_bash(self):
        # The 6.12 default set with 6.1's findings claimed for 6.12: what
        # sst_findings_fixed (tools/lib/findings.sh, main 33572ec) printed
        # for the same checks.tsv and table.
        known = os.path.join(recorded.DATA, "top-fixed", "known.tsv")
        r = recorded.RunDir("612-default-set", known=known).write()
        self.addCleanup(r.close)
        want = recorded.expected("612-default-set", "fixed-with-6.1-rows.tsv", r.out)
        self.assertEqual(r.read("fixed.tsv"), want)
        report = r.read("report.txt").decode().splitlines()
        rows = [l.split("\t") for l in want.decode().splitlines()]
        self.assertEqual(report[-len(rows):], [
            "fixed here: %s (findings/known.tsv expects %s: %s to fail on "
            "6.12.117+deb12-amd64; it passed)" % (f, sc, ch) for sc, ch, f in rows])
        screen = views.screen(r.run)
        self.assertIn("fixed here: 6.1-swiotlb-partial-sync (expected to fail here, passed: "
                      "edu-partial-sync: edu1.data, edu-partial-sync: fake1.data, "
                      "edu-partial-sync: kernel_log and 1 more)", screen)
        self.assertEqual(len(json.loads(r.read("summary.json"))["fixed_here"]), len(rows))

    def test_not_fixed_where_it_failed(self):
        # find-slots-hang on 6.1: the first storm's hang check passes, the
        # second storm hangs the kernel; the finding is not fixed.
        r = recorded.RunDir("61-hang").write()
        self.addCleanup(r.close)
        s = r.run.scenario("find-slots-hang")
        self.assertIn(("hang0.hang", "pass"), [(c.name, c.verdict) for c in s.checks])
        self.assertEqual(r.run.fixed, [])
        self.assertEqual(r.read("fixed.tsv"), b"")
        self.assertNotIn(b"fixed here", r.read("report.txt"))


class BadBytes(unittest.TestCase):
    """Control bytes and invalid UTF-8 on the console: results.txt and the
    files sent back keep every byte; report, KTAP, checks.tsv and JSON show
    them as \\xNN and stay valid UTF-8 on one line each."""

    def setUp(self):
        self.r = recorded.RunDir("61-badbytes").write()
        self.addCleanup(self.r.close)

    def test_raw_files_keep_every_byte(self):
        for f in ("results.txt", "partial-sync.nvme1.config", "partial-sync.nvme1.stats",
                  "partial-sync.dmesg.txt", "dmesg-1.txt"):
            self.assertEqual(self.r.read(f), recorded.expected("61-badbytes", f, self.r.out), f)
        self.assertIn(b"\x1b[31mred\x1b[0m \xff\xfe bad \xc3 tab\there \x00nul",
                      self.r.read("results.txt"))

    def test_views_are_clean(self):
        for f in ("report.txt", "results.ktap", "checks.tsv", "summary.json"):
            t = self.r.read(f).decode("utf-8")  # strict
            self.assertFalse(re.search("[\x00-\x08\x0b-\x1f\x7f]", t), f)
        json.loads(self.r.read("summary.json"))

    def test_escapes(self):
        tsv = self.r.read("checks.tsv").decode()
        row = [l for l in tsv.splitlines() if "\tnvme1.data\t" in l][0].split("\t")
        self.assertEqual(len(row), 5)
        self.assertIn(r"\x1b[31mred\x1b[0m \xff\xfe bad \xc3 tab here \x00nul", row[4])
        self.assertIn(r"swiotlb_bounce\x01\xfa+0x169", tsv)
        # bash's report dropped a device line with a bad byte; this one escapes it.
        self.assertIn(r"device nvme1: profile: nvme\x07\xe9; dma_mask:",
                      self.r.read("report.txt").decode())
        d = json.loads(self.r.read("summary.json"))
        self.assertTrue(d["scenarios"][0]["storms"][0]["spec"].endswith(r"note=\x02\xff"))

    def test_other_lines_as_bash_wrote_them(self):
        want = recorded.expected("61-badbytes", "checks.tsv", self.r.out).split(b"\n")
        got = self.r.read("checks.tsv").split(b"\n")
        self.assertEqual(len(got), len(want))
        differ = [g.split(b"\t")[1] for g, w in zip(got, want) if g != w]
        # (nvme1.pool's reason ends in valid UTF-8, kept as it is.)
        self.assertEqual(differ, [b"nvme1.data", b"kernel_log"])


class Screen(unittest.TestCase):
    def screen(self, name):
        r = recorded.RunDir(name)
        self.addCleanup(r.close)
        return r, views.screen(r.run).splitlines()

    def test_passing(self):
        r, s = self.screen("612-fr001-mask-high")
        self.assertLessEqual(len(s), 40)
        self.assertEqual(s[0], "swiotlb_stress: 6.12.117+deb12-amd64: 2 scenarios in 2 boots, 36.0s")
        self.assertRegex(s[1], r"^  pass   fr001-nvme-offsets +[0-9.]+s  20 checks: 13 passed, 0 failed, 7 skipped$")
        self.assertRegex(s[2], r"^  pass   mask-high +[0-9.]+s  11 checks: 7 passed, 0 failed, 4 skipped$")
        self.assertNotIn("failures:", s)
        self.assertIn("verdict: pass (20 passed, 0 failed, 11 skipped)", s)
        self.assertIn("report: %s/report.txt" % r.out, s)

    def test_default_set_fits(self):
        r = recorded.RunDir("612-default-set")
        self.addCleanup(r.close)
        run = r.run
        s = views.screen(run).splitlines()
        self.assertEqual(len(run.scenarios), 20)
        # A line per scenario, the verdict, where the files are; with
        # run.sh's "# results" and a line per boot, at most about 40.
        self.assertLessEqual(len(s) + 1 + len(run.boots), 40)
        self.assertEqual(sum(1 for l in s if l.startswith("  pass ")), 20)

    def test_xfail(self):
        _, s = self.screen("61-partial-sync")
        self.assertRegex(s[1], r"^  xfail  partial-sync +[0-9.]+s  10 checks: 4 passed, 2 failed, 4 skipped$")
        i = s.index("failures:")
        self.assertTrue(s[i + 1].startswith("  partial-sync: nvme1.data fail: bytes seen"))
        self.assertEqual(s[i + 2], "    known kernel bug: 6.1-swiotlb-partial-sync"
                                   " (findings/6.1-swiotlb-partial-sync.md)")
        self.assertIn("known kernel bugs: 6.1-swiotlb-partial-sync (every failure is one)", s)
        # Of the two fixes of the data class, the screen names the one
        # Debian's 6.1.192 lacks, not the one it has.
        self.assertEqual(s[i + 3], "    fix it lacks: \"swiotlb: fix swiotlb_bounce() to do"
                         " partial sync's correctly\" (v6.9, e8068f2d756d)")
        self.assertTrue(s[i + 4].startswith("  partial-sync: kernel_log fail: WARNING: "))
        self.assertIn("  (fixes: those this kernel lacks or may lack; report.txt lists"
                      " every fix of each failure class)", s)
        self.assertFalse([l for l in s if "5f89468e2f06" in l])

    def test_panic_and_hang_say_what_the_console_showed(self):
        _, s = self.screen("61-panic")
        self.assertTrue(s[1].startswith("  PANIC  partial-sync"))
        self.assertIn("    console: Kernel panic - not syncing: kernel: panic_on_warn set ...", s)
        _, s = self.screen("61-hang")
        self.assertTrue(s[1].startswith("  xhang  find-slots-hang"))
        # The first sign of the hang on that console is an RCU stall.
        self.assertIn("    console: rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", s)

    def test_failures_are_bounded(self):
        r = recorded.RunDir("61-partial-sync")
        self.addCleanup(r.close)
        s = r.run.scenario("partial-sync")
        base = list(s.checks)
        s.checks = base * 8  # 16 failures
        lines = views.screen(r.run).splitlines()
        self.assertIn("  ... %d more failures in report.txt" % (16 - views.SCREEN_FAILURES), lines)
        self.assertEqual(sum(1 for l in lines if l.startswith("  partial-sync: ")),
                         views.SCREEN_FAILURES)


if __name__ == "__main__":
    unittest.main()
