# SPDX-License-Identifier: GPL-2.0
"""The guest's serial console (and its results channel), parsed once.

The protocol (tools/lib/vm.sh, tools/guest/main.sh, scenario-lib.sh):

  SST-GUEST-START / SST-GUEST-END rc=N     /init around the guest script
  SST-INFO <key> <value>                   kernel, cmdline, memtotal_kb, cpus
  SST-SKIPALL <why>                        nothing can run in this boot
  SST-SETUP-ERROR <why>                    nothing ran: the module does not
                                           load (every scenario fails)
  SST-SCENARIO-BEGIN <s> / -END <s>        a scenario ran to its end
  SST-UPTIME <seconds>                     the guest's clock (scenario time)
  SST-STORM <s> <device> <spec>            a storm starts
  SST-RESULT <s> <check> <verdict> <why>   one check's verdict
  SST-BEGIN <name> ... SST-END <name>      a file sent back (file:S:D.config,
                                           file:S:D.stats, dmesg:S, dmesg, ktap:T)
  SST-RC <test> <rc>                       a selftest's exit code

Where they travel: vm_boot gives the guest a second serial port, its
results channel (LOG.results next to the console log LOG, tools/lib/vm.sh);
the guest sends every protocol line there and leaves the console to the
kernel's messages and a short "sst: scenario S" / "sst: storm ..." line for
people. A results file that holds a protocol line is where the protocol is
read from (Console.split); without one (no channel: --host, Xen dom0, LAVA,
recordings made before it; or a guest that did not use it) the console
carries both, as it always did. The panic lines and the kernel's boot
banner are read from the console either way.

Bytes are decoded as UTF-8 with surrogateescape, so every byte survives a
round trip to the files written back (sst.text.clean makes them printable
for JSON, KTAP and the report). On a shared console kernel messages land
among the protocol lines: lines that look like printk lines ("[  12.345678]
...") are dropped from sections, as vm_extract_section does. A protocol
line (SST-...) inside a section ends it, unterminated: no file the guest
sends has such lines, so its SST-END line was broken by a kernel message or
never came. On the results channel only the end can be missing: a last
line without its newline was cut (the guest stopped while sending it); a
result line cut before its verdict ended fails.
"""

import re

PRINTK_RE = re.compile(r"^\[ *[0-9]+\.[0-9]+\]")
# What vm_boot calls a panic or oops (VM_PANIC_RE in tools/lib/vm.sh).
PANIC_RE = re.compile(r"Kernel panic|BUG:|Oops:")
# The console's line as a scenario starts, when the results travel apart
# (sst_note in selftests/functions.sh, tools/guest/main.sh).
NOTE_SCENARIO_RE = re.compile(r"sst: scenario (\S+)$")


def decode(data):
    """Console bytes -> lines (str, surrogateescape), carriage returns gone."""
    if isinstance(data, str):
        text = data
    else:
        text = data.decode("utf-8", errors="surrogateescape")
    text = text.replace("\r", "")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class Section:
    """One SST-BEGIN/SST-END block."""

    def __init__(self, name, start):
        self.name = name
        self.start = start      # line index of SST-BEGIN
        self.lines = []
        self.terminated = False


def is_protocol(lines):
    """LINES (a results file) hold a protocol line."""
    return any(l.startswith("SST-") for l in lines)


class Console:
    """Everything the guest said, in order of appearance. LINES is the
    console; RESULTS the results channel's lines (None: there was none),
    CUT whether its last line lacked its newline."""

    def __init__(self, lines, results=None, cut=False):
        self.console = lines          # the kernel's messages (and sst: notes)
        self.split = results is not None and is_protocol(results)
        # The lines the protocol is read from; line indexes below are theirs.
        self.lines = results if self.split else lines
        self.cut = self.split and cut
        self.info = {}
        self.skipall = None
        self.setup_error = None
        self.guest_started = False
        self.guest_rc = None
        self.results = []        # (scenario, check, verdict, reason, line index)
        self.result_lines = []   # every SST-RESULT line, without its prefix
        self.sections = []       # Section, in order
        self.storms = []         # (scenario, device, spec, line index)
        self.scenario_begin = {}  # scenario -> line index
        self.scenario_end = {}
        self.uptimes = []        # (line index, seconds)
        self.rcs = {}            # selftest -> rc
        self.panic_lines = []    # (console line index, text) matching PANIC_RE
        self._parse()
        for i, line in enumerate(self.console):
            if PANIC_RE.search(line):
                self.panic_lines.append((i, line))

    def _parse(self):
        open_sec = None
        last = len(self.lines) - 1
        for i, line in enumerate(self.lines):
            if open_sec is not None:
                if line == "SST-END " + open_sec.name:
                    open_sec.terminated = True
                    open_sec = None
                    continue
                if not line.startswith("SST-"):
                    if not PRINTK_RE.match(line):
                        open_sec.lines.append(line)
                    continue
                # No section holds protocol lines: its SST-END was lost
                # (a kernel message broke the line); it stays unterminated.
                open_sec = None
            if not line.startswith("SST-"):
                # /init's last line may follow a kernel message on the
                # same line; vm_boot looks for it anywhere.
                m = re.search(r"SST-GUEST-END rc=([0-9]+)", line)
                if m:
                    self.guest_rc = int(m.group(1))
                continue
            word, _, rest = line.partition(" ")
            if word == "SST-BEGIN" and rest:
                open_sec = Section(rest, i)
                self.sections.append(open_sec)
            elif word == "SST-RESULT":
                self.result_lines.append(rest)
                f = rest.split(None, 3)
                if self.cut and i == last and len(f) == 3:
                    # Cut after its verdict's first letters, or right
                    # after it: which, nobody knows.
                    self.results.append((f[0], f[1], "fail",
                                         "result line cut short (the guest stopped while sending it)", i))
                elif len(f) == 2:
                    # A result without a verdict: a broken line fails.
                    self.results.append((f[0], f[1], "fail",
                                         "result line without a verdict", i))
                elif len(f) >= 3:
                    reason = f[3].strip() if len(f) > 3 else ""
                    self.results.append((f[0], f[1], f[2], reason, i))
            elif word == "SST-STORM":
                f = rest.split(" ", 2)
                if len(f) >= 2:
                    self.storms.append((f[0], f[1], f[2] if len(f) > 2 else "", i))
            elif word == "SST-SCENARIO-BEGIN":
                self.scenario_begin.setdefault(rest, i)
            elif word == "SST-SCENARIO-END":
                self.scenario_end.setdefault(rest, i)
            elif word == "SST-UPTIME":
                try:
                    self.uptimes.append((i, float(rest)))
                except ValueError:
                    pass
            elif word == "SST-INFO":
                k, _, v = rest.partition(" ")
                self.info.setdefault(k, v)
            elif word == "SST-SKIPALL":
                if self.skipall is None:
                    self.skipall = rest
            elif word == "SST-SETUP-ERROR":
                if self.setup_error is None:
                    self.setup_error = rest
            elif word == "SST-GUEST-START":
                self.guest_started = True
            elif word == "SST-GUEST-END":
                m = re.match(r"rc=([0-9]+)", rest)
                if m:
                    self.guest_rc = int(m.group(1))
            elif word == "SST-RC":
                t, _, rc = rest.partition(" ")
                if rc.strip().isdigit():
                    self.rcs.setdefault(t, int(rc))

    # -- sections --
    def section_names(self):
        return sorted({s.name for s in self.sections})

    def section(self, name):
        """The lines of every block named NAME, concatenated (None: no such
        section), as vm_extract_section prints them."""
        blocks = [s for s in self.sections if s.name == name]
        if not blocks:
            return None
        out = []
        for b in blocks:
            out.extend(b.lines)
        return out

    def blocks(self, name):
        return [s for s in self.sections if s.name == name]

    def unterminated(self):
        return [s.name for s in self.sections if not s.terminated]

    def scenario_seconds(self, scenario):
        """Guest seconds between SST-SCENARIO-BEGIN and -END (None when the
        guest did not print its clock there)."""
        b = self.scenario_begin.get(scenario)
        e = self.scenario_end.get(scenario)
        if b is None or e is None:
            return None
        inside = [t for i, t in self.uptimes if b < i < e]
        if len(inside) < 2:
            return None
        return inside[-1] - inside[0]

    def kernel_after(self, scenario):
        """The kernel's messages from SCENARIO's start on: on a shared
        console, the lines after its SST-SCENARIO-BEGIN; with a results
        channel, the console after its "sst: scenario" note (all of it
        without one), then the protocol lines after its begin (the kernel
        logs the guest sent)."""
        begin = self.scenario_begin.get(scenario, -1)
        if not self.split:
            return self.lines[begin + 1:]
        start = 0
        for i, line in enumerate(self.console):
            m = NOTE_SCENARIO_RE.search(line)
            if m and m.group(1) == scenario:
                start = i + 1
                break
        return self.console[start:] + self.lines[begin + 1:]

    def last_storm(self, scenario):
        st = [s for s in self.storms if s[0] == scenario]
        return st[-1] if st else None


def _cut(data):
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogateescape")
    return bool(data.replace(b"\r", b"")) and not data.replace(b"\r", b"").endswith(b"\n")


def parse(data, results=None):
    """DATA: the console's bytes; RESULTS: the results channel's (None:
    none)."""
    if results is None:
        return Console(decode(data))
    return Console(decode(data), decode(results), _cut(results))


def results_path(path):
    """The results file vm_boot writes next to the console log PATH."""
    return path + ".results"


def parse_file(path, results=None):
    """The console log PATH, with its results file (RESULTS, default
    PATH.results) when there is one."""
    with open(path, "rb") as f:
        data = f.read()
    res = None
    try:
        with open(results or results_path(path), "rb") as f:
            res = f.read()
    except OSError:
        pass
    return parse(data, res)
