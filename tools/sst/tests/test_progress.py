# SPDX-License-Identifier: GPL-2.0
"""sst/progress.py: the progress lines of tools/run.sh, from boots.tsv as
it grows (recorded rows, and rows in the format with the watchdog and
first-storm columns)."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from sst import model, progress
from sst.tests import recorded

TOOLS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# 612-fr001-mask-high's boots.tsv (8 columns, as run.sh wrote before the
# watchdog), then two rows as run.sh writes them now: a hang the watchdog
# had to SIGKILL, and a boot whose first storm came 41.3 s in.
OLD = os.path.join(recorded.RUNS, "612-fr001-mask-high", "boots.tsv")
NEW_ROWS = ("3\ttimeout\t98\t90\t2G\tswiotlb=force\t\tfind-slots-hang\tkill\t38.5\n"
            "4\tok\t61\t300\t2G\t\t\tpartial-sync mask-high\t\t41.3\n")


class Progress(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sst-test-")
        self.out = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text, mode="w"):
        with open(os.path.join(self.out, "boots.tsv"), mode) as f:
            f.write(text)

    def test_fmt(self):
        self.assertEqual([progress.fmt(s) for s in (0, 41.3, 59.6, 60, 185, 3599, 3600, 3725)],
                         ["0s", "41s", "1m00s", "1m00s", "3m05s", "59m59s", "1h00m", "1h02m"])

    def test_first_boot_has_no_estimate(self):
        self.write("")
        self.assertEqual(progress.start_line(self.out, 1, 5, 12, ["fr001-nvme-offsets", "mask-high"]),
                         "# boot 1 of 5: fr001-nvme-offsets mask-high; 12s elapsed, "
                         "no estimate before a boot ends")

    def test_estimate_from_recorded_boots(self):
        # Boots of 19 and 17 s done: 18 s a boot, 3 to go (the third included).
        shutil.copy(OLD, os.path.join(self.out, "boots.tsv"))
        self.assertEqual(progress.start_line(self.out, 3, 5, 50, ["find-slots-hang"]),
                         "# boot 3 of 5: find-slots-hang; 50s elapsed, about 54s left")
        self.assertEqual(progress.end_line(self.out, 2, 5, 50),
                         "# boot 2 of 5: ok in 17s, no storm on the console; "
                         "50s elapsed, about 54s left")

    def test_watchdog_and_first_storm(self):
        shutil.copy(OLD, os.path.join(self.out, "boots.tsv"))
        row3, row4 = NEW_ROWS.splitlines(keepends=True)
        self.write(row3, "a")
        # boot 3 of 5 ended: (19 + 17 + 98) / 3 = 44.7 s a boot, two to go
        self.assertEqual(progress.end_line(self.out, 3, 5, 170),
                         "# boot 3 of 5: timeout in 1m38s (QEMU did not end on SIGTERM: "
                         "the watchdog SIGKILLed it), first storm 38s after QEMU started; "
                         "2m50s elapsed, about 1m29s left")
        self.write(row4, "a")
        self.assertEqual(progress.end_line(self.out, 4, 4, 240),
                         "# boot 4 of 4: ok in 1m01s, first storm 41s after QEMU started; 4m00s elapsed")

    def test_model_reads_the_new_columns(self):
        shutil.copy(OLD, os.path.join(self.out, "boots.tsv"))
        self.write(NEW_ROWS, "a")
        b = model.read_boots(self.out)
        self.assertEqual([(x.n, x.watchdog, x.first_storm) for x in b],
                         [(1, "", None), (2, "", None), (3, "kill", 38.5), (4, "", 41.3)])
        self.assertEqual(b[3].scenarios, ["partial-sync", "mask-high"])

    def test_cli(self):
        shutil.copy(OLD, os.path.join(self.out, "boots.tsv"))
        self.write(NEW_ROWS, "a")
        env = dict(os.environ, PYTHONPATH=TOOLS)
        env.pop("SST_JOBS", None)
        # Four boots done, (19 + 17 + 98 + 61) / 4 = 48.75 s a boot, one to go.
        p = subprocess.run([sys.executable, "-m", "sst", "progress", "start", self.out,
                            "5", "5", "200", "fr002-no-pool"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, cwd=TOOLS, timeout=60)
        self.assertEqual((p.returncode, p.stdout.decode()),
                         (0, "# boot 5 of 5: fr002-no-pool; 3m20s elapsed, about 49s left\n"))
        p = subprocess.run([sys.executable, "-m", "sst", "progress", "start", self.out, "x"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                           cwd=TOOLS, timeout=60)
        self.assertEqual(p.returncode, 3)


    def test_boots_at_once(self):
        # tools/run.sh --jobs 2: boots 1 and 2 done (19 s, 17 s), 3 and 4
        # still running as 5 starts. Left: the four not in boots.tsv, two
        # at a time: 18 s x 4 / 2.
        shutil.copy(OLD, os.path.join(self.out, "boots.tsv"))
        old = os.environ.get("SST_JOBS")
        os.environ["SST_JOBS"] = "2"
        try:
            self.assertEqual(progress.start_line(self.out, 5, 6, 40, ["mask-high"]),
                             "# boot 5 of 6: mask-high; 40s elapsed, about 36s left")
            # Boot 2 ends while 3 and 4 run: 4 left, 2 at a time.
            self.assertEqual(progress.end_line(self.out, 2, 6, 41),
                             "# boot 2 of 6: ok in 17s, no storm on the console; "
                             "41s elapsed, about 36s left")
        finally:
            if old is None:
                del os.environ["SST_JOBS"]
            else:
                os.environ["SST_JOBS"] = old


class WatchdogInTheReport(unittest.TestCase):
    """61-hang with its boots.tsv row saying the watchdog SIGKILLed QEMU:
    the scenario's reason says so, and the JSON carries it."""

    def test_reason_and_json(self):
        import json
        r = recorded.RunDir("61-hang")
        try:
            with open(os.path.join(r.out, "boots.tsv"), "w") as f:
                f.write("1\ttimeout\t97\t90\t2G\tswiotlb=force\t\tfind-slots-hang\tkill\t12.5\n")
            kver, scns = recorded.KERNELS["61-hang"]
            run = model.build_run(kver, model.read_boots(r.out), scns, out=r.out,
                                  findings=recorded.findings(), top=recorded.TOP)
            c = [c for c in run.checks() if c.name == "scenario"][0]
            self.assertIn("guest stopped answering within 90s", c.reason)
            self.assertIn("QEMU did not end on SIGTERM and was SIGKILLed by the watchdog", c.reason)
            from sst import views
            d = views.summary(run)
            self.assertEqual((d["boots"][0]["watchdog"], d["boots"][0]["first_storm_s"]), ("kill", 12.5))
            json.dumps(d)
        finally:
            r.close()


if __name__ == "__main__":
    unittest.main()
