# SPDX-License-Identifier: GPL-2.0
"""python3 -m sst collect, as tools/run.sh calls it, and the findings files
of the repository as the model reads them."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

from sst import TOP, findings
from sst.tests import recorded

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def collect(out, kver, scenarios, *opts):
    return subprocess.run(
        [sys.executable, "-m", "sst", "collect", "--kernel-name", kver, "--kdir", "/kdir",
         *opts, out, *scenarios],
        cwd=TOOLS, capture_output=True, text=True, timeout=60)


class Collect(unittest.TestCase):
    def run_of(self, name, *opts):
        tmp = tempfile.TemporaryDirectory(prefix="sst-test-")
        self.addCleanup(tmp.cleanup)
        recorded.copy_run(name, tmp.name)
        kver, scns = recorded.KERNELS[name]
        return tmp.name, collect(tmp.name, kver, scns, *opts)

    def test_exit_codes_and_files(self):
        for name, rc in (("612-fr001-mask-high", 0), ("61-partial-sync", 1),
                         ("61-panic", 2), ("61-hang", 2), ("612-truncated", 2),
                         ("61-badbytes", 1)):
            with self.subTest(run=name):
                out, p = self.run_of(name)
                self.assertEqual(p.returncode, rc, p.stderr)
                self.assertEqual(p.stderr, "")
                for f in ("results.txt", "checks.tsv", "results.ktap", "summary.json",
                          "report.txt", "dmesg-1.txt"):
                    self.assertTrue(os.path.isfile(os.path.join(out, f)), f)
                with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
                    self.assertEqual(json.load(f)["kernel"], recorded.KERNELS[name][0])
                # The one screen names the report.
                self.assertIn("report: %s/report.txt" % out, p.stdout)

    def test_verbose_prints_the_report_and_the_ktap(self):
        out, p = self.run_of("61-partial-sync", "-v")
        with open(os.path.join(out, "report.txt"), encoding="utf-8") as f:
            report = f.read()
        with open(os.path.join(out, "results.ktap"), encoding="utf-8") as f:
            ktap = f.read()
        self.assertEqual(p.stdout, report + "\n" + ktap)

    def test_bad_usage(self):
        p = collect("/nonexistent/sst-out", "k", [])
        self.assertEqual(p.returncode, 3)
        with tempfile.TemporaryDirectory() as d:  # no boots.tsv
            p = collect(d, "k", [])
            self.assertEqual(p.returncode, 3)
            self.assertIn("boots.tsv", p.stderr)


class RepositoryFindings(unittest.TestCase):
    """findings/known.tsv, findings/fingerprints.tsv and tools/lib/findings.sh
    as they are now (not the frozen copies the other tests use)."""

    def test_splat_expression_is_the_shell_one(self):
        with open(os.path.join(TOP, "tools", "lib", "findings.sh"), encoding="utf-8") as f:
            m = re.search(r"^SST_SPLAT_RE='([^']*)'$", f.read(), re.M)
        self.assertIsNotNone(m)
        self.assertEqual(findings.SPLAT_RE, m.group(1))

    def test_smmuv3_fault_is_a_splat(self):
        # What Debian's arm64 6.12 printed behind QEMU virt's SMMUv3 for
        # the edu device's DMA to IOVA 0 (docs/arm64-6.12-smmuv3.txt): the
        # event line fails a scenario, the event's dwords alone do not,
        # and edu-iommu-fault's expect-log takes it.
        f = findings.Findings()
        ev = "[   44.226881] arm-smmu-v3 9050000.smmuv3: event 0x10 received:"
        dw = "[   44.227048] arm-smmu-v3 9050000.smmuv3: \t0x0000001000000010"
        probe = "[    5.179872] arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00008305)"
        self.assertEqual(f.log_check("6.12.117+deb12-arm64", [probe, dw])[0], "pass")
        self.assertEqual(f.log_check("6.12.117+deb12-arm64", [probe, ev, dw])[0], "fail")
        with open(os.path.join(TOP, "scenarios", "edu-iommu-fault.sh"), encoding="utf-8") as sf:
            expect = re.search(r"^# expect-log: (.*)$", sf.read(), re.M).group(1)
        self.assertEqual(f.log_check("6.12.117+deb12-arm64", [ev, dw], expect)[0], "pass")

    def test_tables_parse(self):
        f = findings.Findings()
        self.assertTrue(f.known)
        for k in f.known:
            self.assertTrue(k.kglob and k.pattern and k.id, k.text)
            if k.log_re:
                re.compile(k.log_re)
        self.assertTrue(f.fingerprints)
        for fp in f.fingerprints:
            self.assertTrue(fp.klass and fp.title, fp.title)
            self.assertRegex(fp.commit, r"^([0-9a-f]{12}|-)$")
            self.assertRegex(fp.release, r"^(v[0-9]+\.[0-9]+|-)$")


if __name__ == "__main__":
    unittest.main()
