# SPDX-License-Identifier: GPL-2.0
"""sst.matrix: the matrix table, its JSON and the backport verdict, on the
results of tools/test.sh's matrix at 7ab3027 (data/matrix/runs/6.1-default,
6.12-default: checks.tsv and fixed.tsv as that run wrote them) and on
synthetic folders made from them (synth-612: a FAIL, a skip, a known
kernel_log failure, a hang, a known and an unknown panic, a fixed row;
no-results: a kernel whose run never produced results). expected/ is what
tools/matrix.sh's bash code (main at a2be254, its cell, backend and
verdict_between functions and the table code) printed for the same
folders, with their parent replaced by @RUNS@; data/matrix/top freezes the
known findings and scenario headers of that commit."""

import io
import json
import os
import shutil
import tempfile
import unittest
from contextlib import redirect_stdout, redirect_stderr

from sst import matrix

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "matrix")
TOP = os.path.join(DATA, "top")

CASES = {
    "61-612": (["6.1-default", "6.12-default"], [], []),
    "61-synth": (["6.1-default", "synth-612"], [], []),
    "three": (["6.1-default", "synth-612", "no-results"], [],
              ["debian:5.15: no Debian suite serves 5.15"]),
    "named": (["6.12-default", "synth-612"], ["mask-high", "slot-search", "fr002-no-pool"], []),
}


class Recorded(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sst-matrix-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.runs = os.path.join(self.tmp, "runs")
        shutil.copytree(os.path.join(DATA, "runs"), self.runs)

    def expected(self, case, name):
        path = os.path.join(DATA, "expected", case, name)
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            return f.read().replace("@RUNS@", self.runs)

    def build(self, case):
        dirs, scen, unavail = CASES[case]
        results = [matrix.Result(os.path.join(self.runs, d)) for d in dirs]
        return matrix.Matrix(results, scen, unavail, top=TOP), results

    def test_table_as_the_bash_code_printed_it(self):
        for case in CASES:
            with self.subTest(case=case):
                m, _ = self.build(case)
                self.assertEqual(m.table(), self.expected(case, "matrix.txt"))

    def test_verdict_as_the_bash_code_printed_it(self):
        for case in CASES:
            exp = self.expected(case, "verdict.txt")
            if exp is None:
                continue
            with self.subTest(case=case):
                _, (b, a) = self.build(case)
                self.assertEqual(matrix.verdict_text(matrix.verdict(b, a)), exp)

    def test_json_has_every_cell_the_bash_code_wrote(self):
        for case in CASES:
            with self.subTest(case=case):
                m, _ = self.build(case)
                ours = m.as_dict()
                bash = json.loads(self.expected(case, "matrix.json"))
                self.assertEqual(ours["kernels"], bash["kernels"])
                self.assertEqual([{k: c[k] for k in ("scenario", "backend", "kernel", "verdict")}
                                  for c in ours["cells"]], bash["cells"])

    def test_every_cell_word(self):
        m, _ = self.build("three")
        words = {c["verdict"] for c in m.as_dict()["cells"]}
        self.assertEqual(words, {"pass", "FAIL", "skip", "error", "hang", "xhang", "panic",
                                 "xpanic", "xfail", "fixed"})

    def test_exit_status(self):
        m, _ = self.build("61-612")
        self.assertEqual(m.status(expect_known=True), 0)
        self.assertEqual(m.status(), 1)          # 6.1's known findings
        m, _ = self.build("three")
        self.assertEqual(m.status(expect_known=True), 2)

    def test_command_line(self):
        out = os.path.join(self.tmp, "out")
        os.mkdir(out)
        dirs = [os.path.join(self.runs, d) for d in CASES["61-612"][0]]
        so = io.StringIO()
        old = matrix.TOP
        matrix.TOP = TOP
        try:
            with redirect_stdout(so):
                rc = matrix.main("matrix", [out, "--verdict", "--expect-known"] + dirs)
        finally:
            matrix.TOP = old
        self.assertEqual(rc, 0)
        self.assertIn("backport verdict: 6.1.0-57-amd64 -> 6.12.117+deb12-amd64", so.getvalue())
        with open(os.path.join(out, "verdict.json"), encoding="utf-8") as f:
            v = json.load(f)
        self.assertEqual(len(v["fixed"]), 12)
        self.assertEqual(v["broken"], [])
        with open(os.path.join(out, "matrix.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["verdict"]["same"], v["same"])
        so = io.StringIO()
        with redirect_stdout(so):
            self.assertEqual(matrix.main("matrix-cells", [out]), 0)
        rows = [l.split("\t") for l in so.getvalue().splitlines()]
        self.assertIn(["1", "6.1.0-57-amd64", "slot-search", "xhang",
                       "6.1-swiotlb-find-slots-hang"], [r[:5] for r in rows])
        self.assertEqual(len(rows), 2 * len(matrix.Result(dirs[0]).scenarios()))

    def test_bad_input(self):
        se = io.StringIO()
        with redirect_stderr(se), redirect_stdout(io.StringIO()):
            self.assertEqual(matrix.main("matrix", [self.tmp, self.tmp]), 3)
            self.assertEqual(matrix.main("verdict", [self.runs]), 3)
            self.assertEqual(matrix.main("matrix-cells", [self.tmp]), 3)
            one = os.path.join(self.runs, "6.1-default")
            self.assertEqual(matrix.main("matrix", [self.tmp, "--verdict", one]), 3)
            self.assertEqual(matrix.main("matrix", ["/nonexistent", one]), 3)
        lines = se.getvalue().splitlines()
        self.assertEqual(len(lines), 5)
        self.assertTrue(all(l.startswith("sst ") for l in lines))

    def test_control_bytes_make_valid_json(self):
        d = os.path.join(self.runs, "6.1-default")
        with open(os.path.join(d, "checks.tsv"), "a", encoding="utf-8",
                  errors="surrogateescape") as f:
            f.write('weird\tx.data\tfail\t\tquote " back \\ \x1b[31m bell \x07 \udcff\n')
        m = matrix.Matrix([matrix.Result(d)], top=TOP)
        out = os.path.join(self.tmp, "m.json")
        matrix._json(out, m.as_dict())
        with open(out, encoding="utf-8") as f:
            cells = json.load(f)["cells"]
        self.assertEqual(cells[-1]["verdict"], "FAIL")
        self.assertNotIn("\x1b", cells[-1]["reason"])
        self.assertIn('quote " back', cells[-1]["reason"])


if __name__ == "__main__":
    unittest.main()


RUNS = os.path.join(DATA, "..", "runs")


class Farm(unittest.TestCase):
    def run_farm(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = matrix.main("farm", list(argv))
        return rc, out.getvalue(), err.getvalue()

    def test_longest_first_to_the_first_free_worker(self):
        self.assertEqual(matrix.farm_makespan([5, 5, 4, 4, 3, 3], 2), 12)
        self.assertEqual(matrix.farm_makespan([7, 1, 1, 1], 2), 7)
        self.assertEqual(matrix.farm_makespan([7, 1, 1, 1], 1), 10)
        # More workers than boots: the longest boot.
        self.assertEqual(matrix.farm_makespan([7, 1, 1, 1], 64), 7)
        with self.assertRaises(matrix.BadInput):
            matrix.farm_makespan([1], 0)

    def test_recorded_runs(self):
        rc, out, err = self.run_farm(os.path.join(RUNS, "612-fr001-mask-high"),
                                     os.path.join(RUNS, "612-channel"),
                                     os.path.join(RUNS, "61-partial-sync"))
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out.splitlines(), [
            "farm: 4 boots of 3 run(s), 70 s of boots in all, the longest 21 s "
            "(61-partial-sync boot 1)",
            "workers 1: 70 s", "workers 2: 36 s", "workers 4: 21 s"])

    def test_chosen_workers_and_a_stopped_boot(self):
        rc, out, _ = self.run_farm("--workers", "3", "--workers", "1",
                                   os.path.join(RUNS, "61-panic-channel"),
                                   os.path.join(RUNS, "612-fr001-mask-high"))
        self.assertEqual(rc, 0)
        lines = out.splitlines()
        self.assertIn("1 boot(s) did not end by themselves (61-panic-channel boot 1 panic)",
                      lines[1])
        self.assertEqual(lines[2:], ["workers 1: 52 s", "workers 3: 19 s"])

    def test_bad_input(self):
        for argv, says in (([os.path.join(RUNS, "61-hang")], "has no seconds"),
                           (["/nonexistent"], "no boots.tsv"),
                           (["--workers", "0", os.path.join(RUNS, "61-partial-sync")],
                            "at least one worker"),
                           ([], "usage")):
            rc, out, err = self.run_farm(*argv)
            self.assertEqual((rc, out), (3, ""), argv)
            self.assertIn(says, err, argv)
            self.assertEqual(len(err.splitlines()), 1, err)

    def test_boots_named_by_the_run_kernel(self):
        tmp = tempfile.mkdtemp(prefix="sst-farm-")
        self.addCleanup(shutil.rmtree, tmp)
        run = os.path.join(tmp, "k1")
        shutil.copytree(os.path.join(RUNS, "61-partial-sync"), run)
        with open(os.path.join(run, "report.txt"), "w", encoding="utf-8") as f:
            f.write("kernel: 6.1.0-57-amd64 (x86_64)\n")
        rc, out, _ = self.run_farm(run)
        self.assertEqual(rc, 0)
        self.assertIn("the longest 21 s (6.1.0-57-amd64 boot 1)", out)
