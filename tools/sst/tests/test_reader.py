# SPDX-License-Identifier: GPL-2.0
"""sst/reader.py, vm_boot's console reader, on recorded consoles with the
serial port's carriage returns put back: the log it writes and the time
marks it takes."""

import os
import subprocess
import sys
import tempfile
import unittest

from sst import reader
from sst.tests import recorded

READER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reader.py")


def raw(name, n=1):
    with open(os.path.join(recorded.RUNS, name, "console-%d.log" % n), "rb") as f:
        return f.read()


def serial(data):
    """What QEMU's serial port gives: CR LF line ends."""
    return data.replace(b"\n", b"\r\n")


class Feed(unittest.TestCase):

    def test_hang_console_line_by_line(self):
        # 61-hang: SST-GUEST-START on line 12, the first SST-STORM on 44,
        # no SST-GUEST-END (the guest hung); the time is the line number.
        data = raw("61-hang")
        r = reader.Reader(t0=0)
        out = b"".join(r.feed(l, now=i + 1)
                       for i, l in enumerate(serial(data).splitlines(keepends=True)))
        self.assertEqual(out, data)
        self.assertEqual(r.marks, {"guest_start": 12, "first_storm": 44})
        self.assertEqual(r.order, ["guest_start", "first_storm"])

    def test_chunks_cut_anywhere(self):
        # The same bytes in 7-byte chunks: a marker cut between chunks is
        # seen in the chunk that completes it.
        data = raw("61-partial-sync")
        s = serial(data)
        r = reader.Reader(t0=100.0)
        out = b""
        storm_at = s.index(b"\nSST-STORM ") + 1 + len(b"SST-STORM ")
        for k in range(0, len(s), 7):
            out += r.feed(s[k:k + 7], now=100.0 + k // 7)
        self.assertEqual(out, data)
        self.assertEqual(r.marks["first_storm"], float((storm_at - 1) // 7))
        self.assertIn("guest_end", r.marks)
        self.assertEqual(r.order, ["guest_start", "first_storm", "guest_end"])

    def test_bad_bytes_kept(self):
        # Control bytes, NUL and invalid UTF-8 pass as they are; only CR goes.
        data = raw("61-badbytes")
        r = reader.Reader(t0=0)
        self.assertEqual(r.feed(serial(data), now=3), data)
        self.assertEqual(r.feed(b"a\rb\r\r\nc", now=4), b"ab\nc")

    def test_marker_only_at_line_start(self):
        r = reader.Reader(t0=0)
        r.feed(b"[    1.0] printk landed here SST-STORM x\n", now=1)
        r.feed(b"  SST-STORM indented\n", now=2)
        self.assertEqual(r.marks, {})
        r.feed(b"SST-STORM s d op=map_single\n", now=3)
        r.feed(b"SST-STORM s d op=map_single\n", now=4)
        self.assertEqual(r.marks, {"first_storm": 3})

    def test_long_line(self):
        r = reader.Reader(t0=0)
        long = b"x" * (reader.MAX_LINE * 3)
        self.assertEqual(r.feed(long, now=1) + r.feed(b"SST-STORM a\n", now=2), long + b"SST-STORM a\n")
        self.assertEqual(r.marks, {})  # the marker was mid-line
        r.feed(b"SST-STORM b\n", now=5)
        self.assertEqual(r.marks, {"first_storm": 5})


class Script(unittest.TestCase):
    """reader.py run by its path, as vm_boot runs it."""

    def test_log_marks_echo(self):
        data = raw("61-hang")
        with tempfile.TemporaryDirectory() as d:
            log, marks = os.path.join(d, "console.log"), os.path.join(d, "marks")
            p = subprocess.run([sys.executable, READER, log, "--marks", marks, "--echo"],
                               input=serial(data), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, data)
            with open(log, "rb") as f:
                self.assertEqual(f.read(), data)
            with open(marks) as f:
                names = [l.split()[0] for l in f]
            self.assertEqual(names, ["guest_start", "first_storm"])

    def test_t0_and_no_echo(self):
        with tempfile.TemporaryDirectory() as d:
            log, marks = os.path.join(d, "console.log"), os.path.join(d, "marks")
            # t0 an hour ago: the mark says about 3600 s.
            import time
            p = subprocess.run([sys.executable, READER, log, "--marks", marks,
                                "--t0", "%.6f" % (time.time() - 3600)],
                               input=b"SST-STORM s d op=x\r\n", stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
            self.assertEqual((p.returncode, p.stdout), (0, b""))
            with open(marks) as f:
                name, secs = f.read().split()
            self.assertEqual(name, "first_storm")
            self.assertTrue(3599 <= float(secs) < 3660, secs)

    def test_usage(self):
        p = subprocess.run([sys.executable, READER], input=b"", stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
