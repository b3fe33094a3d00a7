# SPDX-License-Identifier: GPL-2.0
"""The fixes' source probes (findings/fingerprints.tsv, column probe): the
probe language on a fake tree, every row of the repository's table against
the real Debian 6.1.192 and 6.12.117 trees when the cache has them, the
screen of a 6.1 run judged by its tree, --ksrc on the command line, and
how a fetched Debian kernel's linux-source tree is found."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from sst import debian, findings, model, views
from sst.findings import Fingerprint, Findings, Probe, ProbeError
from sst.tests import recorded

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("SST_CACHE", "/var/tmp/swiotlb_stress")
# The trees the table's in_ columns judge, where tools/build-kernel.sh
# extracts them (tools/test.sh's harden and prove tiers build 6.1 and 6.12
# from linux-source-6.1/6.12, so a machine that ran those has them).
REAL_TREES = {"6.1.192": os.path.join(CACHE, "src", "linux-6.1"),
              "6.12.117": os.path.join(CACHE, "src", "linux-6.12")}


def write(root, path, text):
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)


def fake_tree(root, sublevel="192", swiotlb=""):
    """A tiny kernel tree: a Makefile with its version, kernel/dma/swiotlb.c."""
    write(root, "Makefile", "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\n"
          "PATCHLEVEL = 1\nSUBLEVEL = %s\nEXTRAVERSION =\n" % sublevel)
    write(root, "kernel/dma/swiotlb.c", swiotlb)
    return root


def real_tree(version):
    """The real tree of VERSION, or None (with why) when the cache lacks it."""
    t = REAL_TREES[version]
    if findings.ksrc_problem(t):
        return None, "no %s tree at %s (tools/build-kernel.sh %s extracts it)" % (
            version, t, version.rsplit(".", 1)[0])
    got = findings.ksrc_version(t)
    if got != version:
        return None, "%s is %s, the table judges %s" % (t, got, version)
    return t, ""


class Language(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sst-ksrc-")
        self.addCleanup(self.tmp.cleanup)
        self.fixed = fake_tree(os.path.join(self.tmp.name, "fixed"),
                               swiotlb="static int f(void)\n{\n\tunsigned short pad_slots;\n"
                               "\tfor (slots_checked = 0; slots_checked < n; ) {}\n}\n")
        self.old = fake_tree(os.path.join(self.tmp.name, "old"),
                             swiotlb="static int f(void)\n{\n\tdo {} while (index != wrap);\n"
                             "\tstride << (PAGE_SHIFT - IO_TLB_SHIFT);\n}\n")

    def judge(self, text, tree):
        return Probe(text).judge(tree)[0]

    def test_found_and_not_found(self):
        p = r"kernel/dma/swiotlb.c:\bpad_slots\b"
        self.assertEqual(self.judge(p, self.fixed), "has")
        self.assertEqual(self.judge(p, self.old), "lacks")
        st, why = Probe(p).judge(self.old)
        self.assertEqual(why, "probe %s not found in %s" % (p, self.old))
        self.assertEqual(Probe(p).judge(self.fixed)[1], "probe %s found in %s" % (p, self.fixed))

    def test_multiline_regex(self):
        self.assertEqual(self.judge(r"kernel/dma/swiotlb.c:^\tunsigned short pad_slots;$\s*"
                                    r"for \(slots_checked", self.fixed), "has")

    def test_negation_and_conjunction(self):
        neg = r"!kernel/dma/swiotlb.c:while \(index != wrap\)"
        self.assertEqual(self.judge(neg, self.fixed), "has")
        self.assertEqual(self.judge(neg, self.old), "lacks")
        both = r"kernel/dma/swiotlb.c:slots_checked AND " + neg
        self.assertEqual(self.judge(both, self.fixed), "has")
        self.assertEqual(self.judge(r"kernel/dma/swiotlb.c:slots_checked AND "
                                    r"kernel/dma/swiotlb.c:nothing_like_this", self.fixed), "lacks")

    def test_missing_file_is_not_found(self):
        # For a plain term and for a ! term alike: the file must be there.
        self.assertEqual(self.judge("drivers/iommu/dma-iommu.c:iova_align_down", self.fixed), "lacks")
        self.assertEqual(self.judge("!drivers/iommu/dma-iommu.c:iova_align_down", self.fixed), "lacks")

    def test_not_applicable(self):
        p = (r"kernel/dma/swiotlb.c:\bpad_slots\b n/a-if "
             r"kernel/dma/swiotlb.c:stride << \(PAGE_SHIFT - IO_TLB_SHIFT\)")
        self.assertEqual(self.judge(p, self.fixed), "has")
        st, why = Probe(p).judge(self.old)
        self.assertEqual(st, "n/a")
        self.assertIn("the bug it fixes is not in this tree", why)

    def test_bad_probes(self):
        for bad in ("no-colon", ":regex", "/abs/path:x", "../up:x", "kernel/dma/swiotlb.c:(",
                    "kernel/dma/swiotlb.c:x AND nothing"):
            with self.subTest(probe=bad):
                self.assertRaises(ProbeError, Probe, bad)
        self.assertIsNone(Probe.parse("-"))
        self.assertIsNone(Probe.parse(""))

    def test_in_kernel_with_and_without_a_tree(self):
        row = ["offset", "af133562d5af", "v6.9", "swiotlb: extend buffer pre-padding", "no",
               "yes", "src", "notes", r"kernel/dma/swiotlb.c:\bpad_slots\b"]
        fp = Fingerprint(row)
        self.assertEqual(fp.in_kernel((6, 1), "6.1.192", self.fixed)[0], "has")
        self.assertEqual(fp.in_kernel((6, 1), "6.1.192", self.old)[0], "lacks")
        self.assertEqual(fp.in_kernel((6, 1), "6.1.192")[0], "lacks")   # the column
        self.assertEqual(fp.in_kernel((6, 12))[0], "has")               # the release
        self.assertEqual(fp.in_kernel((6, 1))[0], "unknown")
        # A row without a probe is judged as without a tree.
        fp = Fingerprint(row[:8] + ["-"])
        self.assertEqual(fp.in_kernel((6, 1), "6.1.192", self.fixed)[0], "lacks")
        self.assertIn("fingerprints.tsv", fp.in_kernel((6, 1), "6.1.192", self.fixed)[1])
        # The frozen 8-column table of the recorded runs: no probe.
        self.assertEqual(Fingerprint(row[:8]).probe, "")

    def test_not_found_on_an_unchecked_line_proves_nothing(self):
        # The probes were read against 6.1 and 6.12; 5.10.47 carries
        # 5f89468e2f06 in other words, so not finding a probe on 5.10 or
        # 7.2 is "unknown", while finding it is still "has".
        row = ["offset", "af133562d5af", "v6.9", "swiotlb: extend buffer pre-padding", "no",
               "yes", "src", "notes", r"kernel/dma/swiotlb.c:\bpad_slots\b"]
        fp = Fingerprint(row)
        status, why = fp.in_kernel((5, 10), None, self.old)
        self.assertEqual(status, "unknown")
        self.assertIn("6.1 and 6.12 trees only", why)
        self.assertEqual(fp.in_kernel((7, 2), None, self.fixed)[0], "has")

    def test_ksrc_problem(self):
        self.assertIsNone(findings.ksrc_problem(self.fixed))
        self.assertEqual(findings.ksrc_version(self.fixed), "6.1.192")
        f = os.path.join(self.fixed, "Makefile")
        self.assertIn("is not a directory", findings.ksrc_problem(f))
        self.assertIn("no Makefile with VERSION =", findings.ksrc_problem(self.tmp.name))
        nodma = os.path.join(self.tmp.name, "nodma")
        write(nodma, "Makefile", "VERSION = 6\n")
        self.assertIn("no kernel/dma/", findings.ksrc_problem(nodma))


class RepositoryTable(unittest.TestCase):
    """The probes of findings/fingerprints.tsv as it is now."""

    def setUp(self):
        self.fps = Findings().fingerprints

    def test_every_row_has_a_probe_cell_that_parses(self):
        for fp in self.fps:
            with self.subTest(commit=fp.commit, klass=fp.klass):
                self.assertTrue(fp.probe, "no probe column")
                p = Probe.parse(fp.probe)
                if p is None:
                    self.assertIn("probe: none", fp.notes)
        # The fixes the 6.1 report must name have probes.
        for c in ("af133562d5af", "2650073f1b58", "327e2c97c46a", "7c3940bf81e5",
                  "e8068f2d756d"):
            self.assertTrue(all(Probe.parse(fp.probe) for fp in self.fps if fp.commit == c), c)

    def check_tree(self, version, column):
        tree, why = real_tree(version)
        if tree is None:
            self.skipTest(why)
        base = findings.release_tuple(version)
        for fp in self.fps:
            col = getattr(fp, column)
            got, reason = fp.in_kernel(base, version, tree)
            with self.subTest(klass=fp.klass, commit=fp.commit, column=col):
                if Probe.parse(fp.probe) is None:
                    # No probe: the column decides, as without a tree.
                    self.assertIn(col, ("n/a", "superseded", "yes", "no"))
                    self.assertIn("fingerprints.tsv", reason)
                elif col == "superseded":
                    # 5f89468e2f06 on 6.12: e8068f2d756d rewrote
                    # swiotlb_bounce() but kept its orig_addr += tlb_offset,
                    # so the probe says has; fine, the tree has the cure.
                    self.assertEqual(got, "has", reason)
                else:
                    self.assertEqual(got, {"yes": "has", "no": "lacks", "n/a": "n/a"}[col], reason)

    def test_debian_6_1_192(self):
        self.check_tree("6.1.192", "in_6_1")

    def test_debian_6_12_117(self):
        self.check_tree("6.12.117", "in_6_12")


def failing_61_run(ksrc=None, how=""):
    """The 6.1 partial-sync run with the repository's table, its checks
    replaced by failures of the classes whose fixes 6.1.192 lacks: offset
    (af133562d5af), stale (2650073f1b58), max_mapping (327e2c97c46a)."""
    r = recorded.RunDir("61-partial-sync")
    f = Findings(known=os.path.join(recorded.TOP, "findings", "known.tsv"))
    r.run.ksrc, r.run.ksrc_how = ksrc, how
    s = r.run.scenario("partial-sync")
    s.checks = []
    for name in ("edu0.offset", "edu0.stale", "edu0.max_mapping", "edu0.data",
                 "edu0.sync_for_device", "hang0.hang"):
        c = model.Check("partial-sync", name, "fail", "a made-up failure of " + name)
        c.fixes = f.fixes_for(c.name, c.reason)
        s.checks.append(c)
    return r


class Screen61(unittest.TestCase):
    """On Debian 6.1 the screen names, for each failure, the fixes 6.1.192
    lacks and none it has: judged by the table's column without a tree,
    by the probes with the real tree."""

    def check(self, r, tree=None):
        self.addCleanup(r.close)
        lines = views.screen(r.run).splitlines()
        lacks = [l for l in lines if l.startswith("    fix it lacks: ")]
        self.assertFalse([l for l in lines if l.startswith("    fix it may lack: ")], lines)
        for c in ("af133562d5af", "2650073f1b58", "327e2c97c46a", "7c3940bf81e5"):
            self.assertTrue([l for l in lacks if c in l], (c, lines))
        # None the tree has (or does not need).
        has = set()
        for c in r.run.checks():
            for fp in c.fixes:
                st, _ = r.run.fix_status(fp)
                if st != "lacks":
                    has.add(fp.commit)
        for c in has - {"-"}:
            self.assertFalse([l for l in lines if c in l], (c, lines))
        self.assertIn("36950f2da1ea", has)   # v5.12: 6.1 obviously has it
        self.assertIn("14cebf689a78", has)   # n/a on 6.1
        return lines

    def test_by_the_table(self):
        lines = self.check(failing_61_run())
        self.assertIn("  (fixes judged by findings/fingerprints.tsv's reading of Debian "
                      "6.1.192's tree (no source tree: give --ksrc DIR))", lines)

    def test_by_the_probes(self):
        tree, why = real_tree("6.1.192")
        if tree is None:
            self.skipTest(why)
        r = failing_61_run(tree, "--ksrc")
        lines = self.check(r, tree)
        self.assertIn("  (fixes judged by source probes of %s (--ksrc); a fix without a "
                      "probe: as without a tree)" % tree, lines)
        # And each fix's reason names the probe.
        c = r.run.scenario("partial-sync").checks[0]
        fp = [fp for fp in c.fixes if fp.commit == "af133562d5af"][0]
        self.assertEqual(r.run.fix_status(fp)[1],
                         "probe %s not found in %s" % (fp.probe, tree))

    def test_by_a_fake_tree(self):
        # Without the real tree: a fake one that has af133562d5af's
        # pad_slots; the screen then leaves that fix out.
        with tempfile.TemporaryDirectory(prefix="sst-ksrc-") as d:
            fake_tree(d, swiotlb="\tunsigned short pad_slots;\n\tpad_slots = offset >> IO_TLB_SHIFT;\n")
            r = failing_61_run(d, "--ksrc")
            self.addCleanup(r.close)
            lines = views.screen(r.run).splitlines()
            self.assertFalse([l for l in lines if "af133562d5af" in l], lines)
            # The fake tree has nothing else: the hang class's first fix
            # is one it lacks.
            self.assertTrue([l for l in lines if "fix it lacks" in l and "7c3940bf81e5" in l])
            d2 = views.summary(r.run)
            fixes = [f for s in d2["scenarios"] for c in s["checks"] for f in c["fixes"]]
            pad = [f for f in fixes if f["commit"] == "af133562d5af"][0]
            self.assertEqual((pad["this_kernel"], pad["probe_result"]), ("has", "has"))
            nop = [f for f in fixes if f["commit"] == "bbb73a103fbb"][0]
            self.assertIsNone(nop["probe_result"])   # no probe: the column
            self.assertEqual(nop["this_kernel"], "n/a")
            self.assertEqual(d2["ksrc"], d)


def collect(out, *opts):
    return subprocess.run(
        [sys.executable, "-m", "sst", "collect", "--kernel-name", "6.1.0-57-amd64",
         "--kdir", "/kdir", *opts, out, "partial-sync"],
        cwd=TOOLS, capture_output=True, text=True, timeout=60)


class TreeOfAnotherVersion(unittest.TestCase):
    def test_the_screen_says_so(self):
        with tempfile.TemporaryDirectory(prefix="sst-ksrc-") as d:
            fake_tree(d, sublevel="176")
            r = failing_61_run(d, "--ksrc")
            self.addCleanup(r.close)
            self.assertIn("the tree is 6.1.176, the kernel's banner says 6.1.192",
                          r.run.fix_basis())


class CommandLine(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sst-test-")
        self.addCleanup(self.tmp.cleanup)
        self.out = os.path.join(self.tmp.name, "out")
        os.makedirs(self.out)
        recorded.copy_run("61-partial-sync", self.out)

    def test_bad_ksrc(self):
        notdir = os.path.join(self.out, "boots.tsv")
        for arg, what in ((notdir, "is not a directory"),
                          (self.tmp.name, "is not a kernel source tree (no Makefile with VERSION =)")):
            with self.subTest(ksrc=arg):
                p = collect(self.out, "--ksrc", arg)
                self.assertEqual(p.returncode, 3)
                self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
                self.assertIn("--ksrc %s %s" % (arg, what), p.stderr)
                p = subprocess.run([sys.executable, "-m", "sst", "ksrc", arg], cwd=TOOLS,
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual((p.returncode, p.stderr.count("\n")), (3, 1))

    def test_run_sh_refuses_a_bad_ksrc_before_booting(self):
        p = subprocess.run(["bash", os.path.join(TOOLS, "run.sh"), "--ksrc", self.tmp.name,
                            "--out", os.path.join(self.tmp.name, "never")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(p.stderr, "run.sh: --ksrc %s is not a kernel source tree "
                         "(no Makefile with VERSION =)\n" % self.tmp.name)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "never")))

    def test_ksrc_reaches_summary_json(self):
        tree = fake_tree(os.path.join(self.tmp.name, "linux"))
        p = collect(self.out, "--ksrc", tree)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("fixes judged by source probes of %s" % tree, p.stdout)
        with open(os.path.join(self.out, "summary.json"), encoding="utf-8") as f:
            d = json.load(f)
        self.assertEqual(d["ksrc"], tree)
        fixes = d["scenarios"][0]["checks"][1]["fixes"]
        # The frozen table of the recorded runs has no probes: the
        # repository's is used here (collect reads findings/).
        got = {f["commit"]: (f["this_kernel"], f["probe_result"]) for f in fixes}
        self.assertEqual(got["e8068f2d756d"], ("lacks", "lacks"))
        self.assertIn("not found in %s" % tree,
                      [f for f in fixes if f["commit"] == "e8068f2d756d"][0]["why"])
        with open(os.path.join(self.out, "report.txt"), encoding="utf-8") as f:
            self.assertIn("fixes judged by: source probes of %s" % tree, f.read())


class DebianSourceTree(unittest.TestCase):
    """debian.source_tree(): a fetched kernel's linux-source tree, from the
    cache only."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sst-cache-")
        self.addCleanup(self.tmp.cleanup)
        self.cache = self.tmp.name
        final = os.path.join(self.cache, "debian", "6.1.192-3-amd64")
        self.image = os.path.join(final, "root", "boot", "vmlinuz-6.1.0-57-amd64")
        write(final, "root/boot/vmlinuz-6.1.0-57-amd64", "")
        write(final, "done", "kernel: %s\nrelease: 6.1.0-57-amd64\nversion: 6.1.192-3\n"
              "suite: bookworm-security\n" % self.image)

    def test_build_kernels_pristine_tree(self):
        self.assertEqual(debian.source_tree(self.image, self.cache),
                         (None, "no linux-source tree of Debian 6.1.192-3 (6.1.192) in the cache"))
        fake_tree(os.path.join(self.cache, "src", "linux-6.1"), sublevel="176")
        tree, why = debian.source_tree(self.image, self.cache)
        self.assertIsNone(tree)
        self.assertIn("linux-6.1 is 6.1.176", why)
        fake_tree(os.path.join(self.cache, "src", "linux-6.1-0123456789ab"))
        tree, why = debian.source_tree(self.image, self.cache)
        self.assertEqual(tree, os.path.join(self.cache, "src", "linux-6.1-0123456789ab"))
        self.assertIn("Debian 6.1.192-3", why)

    def test_the_fetchs_own_tree_first(self):
        fake_tree(os.path.join(self.cache, "src", "linux-6.1"))
        own = fake_tree(os.path.join(self.cache, "debian", "6.1.192-3-amd64", "src"))
        self.assertEqual(debian.source_tree(self.image, self.cache)[0], own)

    def test_not_a_fetched_kernel(self):
        tree, why = debian.source_tree("/boot/vmlinuz-6.1.0-57-amd64", self.cache)
        self.assertIsNone(tree)
        self.assertIn("not a kernel tools/sst/debian.py fetched", why)

    def test_collect_finds_it(self):
        tree = fake_tree(os.path.join(self.cache, "src", "linux-6.1"))
        out = os.path.join(self.cache, "out")
        os.makedirs(out)
        recorded.copy_run("61-partial-sync", out)
        env = dict(os.environ, SST_CACHE=self.cache)
        p = subprocess.run([sys.executable, "-m", "sst", "collect", "--kernel-name",
                            "6.1.0-57-amd64", "--kdir", "/k", "--kernel-image", self.image,
                            out, "partial-sync"], cwd=TOOLS, env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stderr)
        with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
            d = json.load(f)
        self.assertEqual(d["ksrc"], tree)
        self.assertIn("the linux-source tree of Debian 6.1.192-3", d["fixes_judged_by"])


if __name__ == "__main__":
    unittest.main()
