# SPDX-License-Identifier: GPL-2.0
"""The KTAP the tool writes, read by the kernel's own parser
(tools/testing/kunit/kunit_parser.py of a Linux tree: $SST_KSRC, else the
linux-source-6.12 tree tools/test.sh unpacks in
/var/tmp/swiotlb_stress/src/linux-6.12)."""

import contextlib
import importlib
import io
import os
import sys
import unittest

from sst import views
from sst.tests import recorded

CANDIDATES = [os.environ.get("SST_KSRC", ""), "/var/tmp/swiotlb_stress/src/linux-6.12"]


def kunit_dir():
    for t in CANDIDATES:
        d = os.path.join(t, "tools", "testing", "kunit")
        if t and os.path.isfile(os.path.join(d, "kunit_parser.py")):
            return d
    return None


KUNIT = kunit_dir()


@unittest.skipIf(KUNIT is None, "no Linux tree with tools/testing/kunit/kunit_parser.py "
                 "($SST_KSRC or /var/tmp/swiotlb_stress/src/linux-6.12)")
class KernelParser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, KUNIT)
        try:
            cls.kp = importlib.import_module("kunit_parser")
        finally:
            sys.path.remove(KUNIT)

    def parse(self, ktap):
        out = io.StringIO()
        # kunit_parser prints through kunit_printer.stdout.
        printer = self.kp.stdout
        saved = printer._output
        printer._output = out
        try:
            with contextlib.redirect_stdout(out):
                return self.kp.parse_run_tests(ktap.splitlines())
        finally:
            printer._output = saved

    def check_run(self, name):
        r = recorded.RunDir(name)
        self.addCleanup(r.close)
        run = r.run
        t = self.parse(views.ktap(run))
        S = self.kp.TestStatus
        self.assertEqual(t.counts.errors, 0, "parse errors in the KTAP of %s" % name)
        self.assertEqual([s.name for s in t.subtests], [s.name for s in run.scenarios])
        for sub, s in zip(t.subtests, run.scenarios):
            self.assertEqual([c.name for c in sub.subtests], [c.name for c in s.checks])
            for ct, c in zip(sub.subtests, s.checks):
                want = {"pass": S.SUCCESS, "skip": S.SKIPPED}.get(c.verdict, S.FAILURE)
                self.assertEqual(ct.status, want, "%s: %s" % (s.name, c.name))
            want = {"pass": S.SUCCESS, "skip": S.SKIPPED}.get(s.verdict, S.FAILURE)
            self.assertEqual(sub.status, want, s.name)
        n = run.counts()
        self.assertEqual((t.counts.passed, t.counts.failed, t.counts.skipped),
                         (n["pass"], n["fail"], n["skip"]))
        self.assertEqual(t.status, S.SUCCESS if run.status == 0 else S.FAILURE)

    def test_every_recorded_run(self):
        for name in recorded.KERNELS:
            with self.subTest(run=name):
                self.check_run(name)

    def test_the_parser_does_fail(self):
        # The same KTAP with its plan broken is not accepted silently.
        r = recorded.RunDir("612-fr001-mask-high")
        self.addCleanup(r.close)
        bad = views.ktap(r.run).replace("    1..20\n", "    1..21\n", 1)
        self.assertGreater(self.parse(bad).counts.errors, 0)


if __name__ == "__main__":
    unittest.main()
