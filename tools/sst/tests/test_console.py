# SPDX-License-Identifier: GPL-2.0
"""sst.console on recorded guest consoles: the protocol lines, the
sections the guest sends, and consoles that end badly."""

import os
import re
import unittest

from sst import console, text
from sst.tests import recorded


def raw(name, n=1):
    with open(os.path.join(recorded.RUNS, name, "console-%d.log" % n), "rb") as f:
        return f.read()


def parse(name, n=1):
    return console.parse(raw(name, n))


class Complete(unittest.TestCase):
    """A console that ran to its end (6.1, partial-sync, the full log)."""

    def setUp(self):
        self.data = raw("61-partial-sync")
        self.con = console.parse(self.data)

    def test_info(self):
        self.assertEqual(self.con.info["kernel"], "6.1.0-57-amd64")
        self.assertIn("swiotlb=force", self.con.info["cmdline"].split())
        self.assertEqual(self.con.info["cpus"], "2")

    def test_guest_ran_to_its_end(self):
        self.assertTrue(self.con.guest_started)
        self.assertEqual(self.con.guest_rc, 0)
        self.assertIsNone(self.con.skipall)
        self.assertIn("partial-sync", self.con.scenario_begin)
        self.assertIn("partial-sync", self.con.scenario_end)

    def test_every_result_line(self):
        n = len(re.findall(rb"(?m)^SST-RESULT ", self.data))
        self.assertEqual(n, 9)
        self.assertEqual(len(self.con.results), n)
        self.assertEqual(len(self.con.result_lines), n)
        self.assertEqual(self.con.results[1][:3], ("partial-sync", "nvme1.data", "fail"))

    def test_sections(self):
        self.assertEqual(self.con.section_names(), [
            "dmesg", "dmesg:partial-sync", "file:partial-sync:nvme1.config",
            "file:partial-sync:nvme1.stats"])
        self.assertEqual(self.con.unterminated(), [])
        # The whole-boot log: every line of the section, none dropped.
        body = self.data.split(b"\nSST-BEGIN dmesg\n")[1].split(b"\nSST-END dmesg\n")[0]
        self.assertEqual(len(self.con.section("dmesg")), body.count(b"\n") + 1)

    def test_scenario_time_from_the_guest_clock(self):
        up = [float(x) for x in re.findall(rb"(?m)^SST-UPTIME ([0-9.]+)$", self.data)]
        self.assertEqual(len(up), 2)
        self.assertAlmostEqual(self.con.scenario_seconds("partial-sync"), up[1] - up[0])

    def test_storm(self):
        st = self.con.last_storm("partial-sync")
        self.assertEqual(st[1], "nvme1")
        self.assertIn("sync=range", st[2])

    def test_carriage_returns_change_nothing(self):
        crlf = console.parse(self.data.replace(b"\n", b"\r\n"))
        self.assertEqual(crlf.lines, self.con.lines)


class BrokenSections(unittest.TestCase):
    """Kernel messages on the shared console, and a lost SST-END."""

    def test_printk_line_inside_a_section_is_dropped(self):
        data = raw("61-partial-sync").replace(
            b"\nSST-END file:partial-sync:nvme1.config\n",
            b"\n[   12.345678] a kernel message\nSST-END file:partial-sync:nvme1.config\n")
        got = console.parse(data).section("file:partial-sync:nvme1.config")
        self.assertEqual(got, parse("61-partial-sync").section("file:partial-sync:nvme1.config"))

    def test_protocol_line_ends_a_section_that_lost_its_end(self):
        data = raw("61-partial-sync").replace(b"\nSST-END file:partial-sync:nvme1.config\n", b"\n")
        con = console.parse(data)
        self.assertEqual(con.unterminated(), ["file:partial-sync:nvme1.config"])
        self.assertEqual(con.section("file:partial-sync:nvme1.config"),
                         parse("61-partial-sync").section("file:partial-sync:nvme1.config"))
        # The storm line that ended it still counts.
        self.assertEqual(con.last_storm("partial-sync")[1], "nvme1")


class Truncated(unittest.TestCase):
    """A console cut in the middle of a storm's stats (the guest died)."""

    def setUp(self):
        self.con = parse("612-truncated")

    def test_unfinished(self):
        self.assertIsNone(self.con.guest_rc)
        self.assertIn("fr001-nvme-offsets", self.con.scenario_begin)
        self.assertNotIn("fr001-nvme-offsets", self.con.scenario_end)

    def test_open_section_is_kept_unterminated(self):
        self.assertEqual(self.con.unterminated(), ["file:fr001-nvme-offsets:nvme0.stats"])
        blocks = self.con.blocks("file:fr001-nvme-offsets:nvme0.stats")
        self.assertEqual(len(blocks), 2)
        self.assertTrue(blocks[0].terminated)
        # Up to the cut: 30 lines, then the half line.
        self.assertEqual(len(blocks[1].lines), 30)

    def test_last_storm_is_the_one_that_did_not_finish(self):
        self.assertIn("op=map_sg", self.con.last_storm("fr001-nvme-offsets")[2])


class Died(unittest.TestCase):
    def test_panic(self):
        con = parse("61-panic")
        self.assertIsNone(con.guest_rc)
        self.assertNotIn("partial-sync", con.scenario_end)
        self.assertTrue(con.panic_lines)
        self.assertIn("Kernel panic - not syncing", con.panic_lines[0][1])

    def test_hang(self):
        con = parse("61-hang")
        self.assertIsNone(con.guest_rc)
        self.assertNotIn("find-slots-hang", con.scenario_end)
        self.assertTrue(any("soft lockup" in l for _, l in con.panic_lines))
        self.assertIn("terminating on signal 15", con.lines[-1])


class BadBytes(unittest.TestCase):
    """Control bytes and invalid UTF-8 in result lines, device files, the
    kernel log and a storm line."""

    def setUp(self):
        self.data = raw("61-badbytes")
        self.con = console.parse(self.data)

    def test_every_byte_survives(self):
        back = b"".join(text.raw(l) + b"\n" for l in self.con.lines)
        self.assertEqual(back, self.data)

    def test_clean_is_printable_utf8_on_one_line(self):
        reason = [r for r in self.con.results if r[1] == "nvme1.data"][0][3]
        c = text.clean(reason)
        c.encode("utf-8")  # no lone surrogates
        self.assertFalse(re.search("[\x00-\x1f\x7f]", c))
        self.assertIn(r"\x1b[31mred\x1b[0m \xff\xfe bad \xc3 tab here \x00nul", c)

    def test_valid_utf8_is_kept(self):
        reason = [r for r in self.con.results if r[1] == "nvme1.pool"][0][3]
        self.assertTrue(text.clean(reason).endswith("\u2713 ok"))


if __name__ == "__main__":
    unittest.main()
