# SPDX-License-Identifier: GPL-2.0
"""The results model: a run of tools/run.sh as boots, scenarios, devices,
storms and checks, each failing check with its known finding and the
upstream fixes of its failure class.

build_run() makes it from the guest consoles (console-N.log, and the results
channel's console-N.log.results when there is one; and boots.tsv, which run.sh
writes one line per boot); write_files() writes back what the guest sent
(per-device config and stats, the kernel logs) and results.txt, the raw
result lines tools/prove-checks.sh reads.
"""

import os
import re

from . import console as cons
from . import scenarios as scn
from . import findings as findings_mod
from .findings import Findings
from .text import clean

VERDICTS_OK = ("pass", "skip")

# The keys of a device's config and a storm's stats the report shows.
CONFIG_KEYS = ("profile", "dma_mask", "mask_source", "required_mask",
               "min_align_mask", "max_mapping_size", "bounces", "backend",
               "iommu_domain", "edu_pci", "edu_untrusted")
STATS_KEYS = ("seed", "maps", "map_errors", "bounced", "direct",
              "bounce_mechanism", "offset_failures", "data_failures",
              "elapsed_ms")


def keyvals(lines):
    d = {}
    for l in lines:
        k, sep, v = l.partition(": ")
        if sep and re.match(r"^[A-Za-z0-9_]+$", k):
            d.setdefault(k, v)
    return d


class Check:
    def __init__(self, scenario, name, verdict, reason):
        self.scenario = scenario
        self.name = name
        self.verdict = verdict
        self.reason = reason
        self.finding = None      # findings.Finding
        self.fixes = []          # findings.Fingerprint
        self.storm = 1           # the n-th report of this check in its scenario

    @property
    def failed(self):
        return self.verdict not in VERDICTS_OK

    @property
    def full_reason(self):
        """The reason as the report, KTAP, checks.tsv and JSON give it."""
        r = self.reason
        if self.finding is not None:
            r += " [known kernel bug: %s]" % self.finding.text
        return r

    @property
    def key(self):
        """scenario: check, with "(storm N)" from the second report on
        (the backport verdict's key)."""
        k = "%s: %s" % (self.scenario, self.name)
        return k if self.storm == 1 else "%s (storm %d)" % (k, self.storm)


class Device:
    def __init__(self, name, config_lines):
        self.name = name
        self.config_lines = config_lines
        self.config = keyvals(config_lines)


class Storm:
    def __init__(self, device, spec, stats_lines):
        self.device = device
        self.spec = spec
        self.stats_lines = stats_lines
        self.stats = keyvals(stats_lines)
        self.failures = [l for l in stats_lines if l.startswith("failure_")]


class Scenario:
    def __init__(self, name, top=None):
        self.name = name
        self.purpose = scn.meta(name, "purpose", top)
        self.boot = None
        self.devices = []
        self.storms = []
        self.checks = []
        self.seconds = None
        self.dmesg = None        # the kernel log during it (lines), or None
        self.unfinished = False  # the kernel stopped inside it

    @property
    def verdict(self):
        v = "skip"
        for c in self.checks:
            if c.failed:
                return "fail"
            if c.verdict == "pass":
                v = "pass"
        return v


class Boot:
    """One QEMU boot (or one --host run) and its console (with LOG.results,
    the results channel, when vm_boot wrote one: sst.console)."""

    FIELDS = ("n", "verdict", "elapsed", "timeout", "mem",
              "append", "qemu", "scenarios", "watchdog", "first_storm")

    def __init__(self, n, log, verdict="ok", elapsed=None, timeout=None,
                 mem="", append="", qemu="", scenarios=(), watchdog="",
                 first_storm=""):
        self.n = int(n)
        self.log = log
        self.verdict = verdict
        self.elapsed = None if elapsed in (None, "") else int(elapsed)
        self.timeout = None if timeout in (None, "") else int(timeout)
        self.mem = mem
        self.append = append
        self.qemu = qemu
        self.scenarios = list(scenarios)
        # What vm_boot's watchdog did (tools/lib/vm.sh): "term" (QEMU
        # ended on SIGTERM at the timeout), "kill" (it had to SIGKILL
        # QEMU and its process group), or "".
        self.watchdog = watchdog if watchdog in ("term", "kill") else ""
        # Seconds from QEMU's start to the first SST-STORM line, or None.
        try:
            self.first_storm = float(first_storm) if first_storm else None
        except ValueError:
            self.first_storm = None
        self.console = None

    def load(self):
        if self.console is None:
            try:
                self.console = cons.parse_file(self.log)
            except OSError:
                self.console = cons.parse(b"")
        return self.console


def boots_tsv(out):
    """boots.tsv's rows as dicts of strings keyed by Boot.FIELDS: n,
    verdict, elapsed s, timeout s, mem, append, qemu, scenarios
    (blank-separated), watchdog (term, kill or empty), first storm s
    (empty: none; the last two may be missing, as in runs before them)."""
    rows = []
    with open(os.path.join(out, "boots.tsv"), encoding="utf-8") as f:
        for line in f:
            fs = line.rstrip("\n").split("\t")
            if not fs[0].isdigit():
                continue
            fs += [""] * (len(Boot.FIELDS) - len(fs))
            rows.append(dict(zip(Boot.FIELDS, fs)))
    return rows


def read_boots(out):
    """The boots of boots.tsv (boots_tsv()); the console is console-N.log."""
    boots = []
    for d in boots_tsv(out):
        d["scenarios"] = d["scenarios"].split()
        boots.append(Boot(log=os.path.join(out, "console-%s.log" % d["n"]), **d))
    return boots


def worse_status(a, b):
    """The status of two runs together: a hang or panic over a failure
    over a pass over a skip (4, nothing tested, only when both are)."""
    rank = {4: 0, 0: 1, 1: 2, 2: 3}
    return a if rank.get(a, 4) >= rank.get(b, 4) else b


class Run:
    def __init__(self, kver, kdir="", out="", host=False, xen=False):
        self.kver = kver
        self.kdir = kdir
        self.out = out
        self.host = host
        self.xen = xen
        self.boots = []
        self.scenarios = []      # Scenario, in the order asked for
        self.results_lines = []  # results.txt, as run.sh wrote it
        self.fixed = []          # (scenario, check, Finding): expected to fail, passed
        self.base = findings_mod.release_tuple(kver)  # mainline (major, minor)
        self.upstream = None     # exact upstream version, from Debian's banner
        self.ksrc = None         # the kernel's source tree, for the fixes' probes
        self.ksrc_how = ""       # how that tree was found, or why there is none

    def fix_status(self, fp):
        """findings.Fingerprint.in_kernel for this run's kernel."""
        return fp.in_kernel(self.base, self.upstream, self.ksrc)

    def fix_basis(self):
        """How fix_status judges, in one line (the screen and the report)."""
        from .findings import Fingerprint
        if self.ksrc:
            from .findings import ksrc_version
            got = ksrc_version(self.ksrc)
            warn = ("; the tree is %s, the kernel's banner says %s" % (got, self.upstream)
                    if self.upstream and got and got != self.upstream else "")
            return ("source probes of %s (%s%s); a fix without a probe: as without a tree"
                    % (self.ksrc, self.ksrc_how, warn))
        why = " (no source tree: %s)" % self.ksrc_how if self.ksrc_how else \
            " (no source tree: give --ksrc DIR)"
        if self.upstream in Fingerprint.TREES:
            return "findings/fingerprints.tsv's reading of Debian %s's tree%s" % (
                self.upstream, why)
        if self.base:
            return "each fix's first mainline release against %d.%d%s" % (self.base + (why,))
        return "nothing: the kernel's release is not known%s" % why

    def scenario(self, name):
        for s in self.scenarios:
            if s.name == name:
                return s
        return None

    def checks(self):
        for s in self.scenarios:
            yield from s.checks

    def counts(self):
        n = {"pass": 0, "fail": 0, "skip": 0}
        for c in self.checks():
            n["pass" if c.verdict == "pass" else "skip" if c.verdict == "skip" else "fail"] += 1
        return n

    @property
    def status(self):
        """Exit code: 0 every check passed or skipped, and one passed; 1 a
        check failed; 2 the kernel under test panicked or hung (a scenario
        did not finish); 4 every check skipped: nothing was tested, which
        is not a pass (KTAP's and kselftest's skip)."""
        if any(s.unfinished for s in self.scenarios):
            return 2
        if any(s.verdict == "fail" for s in self.scenarios):
            return 1
        if not any(s.verdict == "pass" for s in self.scenarios):
            return 4
        return 0

    @property
    def verdict(self):
        return {0: "pass", 1: "fail", 2: "hang-or-panic", 4: "skip"}[self.status]

    def known_findings(self):
        seen = []
        for c in self.checks():
            if c.finding is not None and c.finding.id not in seen:
                seen.append(c.finding.id)
        return seen


def _why_unfinished(boot, con, scenario):
    last = con.last_storm(scenario)
    v = boot.verdict
    if v == "panic":
        why = "kernel panicked or oopsed"
    elif v == "timeout":
        why = "guest stopped answering within %ss (hang in the kernel under test)" % boot.timeout
        if boot.watchdog == "kill":
            why += "; QEMU did not end on SIGTERM and was SIGKILLed by the watchdog"
    else:
        why = "scenario did not finish: VM verdict %s" % v
    if last:
        why += ", in the storm on %s %s" % (last[1], last[2])
    return why + "; see %s" % boot.log


# Debian's banner: "Linux version 6.1.0-57-amd64 (...) #1 SMP
# PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-...)".
BANNER_RE = re.compile(r"Linux version \S+ \(.*\) #[0-9]+ .*?\bDebian ([0-9]+\.[0-9]+\.[0-9]+)-")


def debian_upstream(con):
    """The upstream version of a Debian kernel from its boot banner on the
    console (None for other kernels)."""
    for line in con.console[:400] + (con.section("dmesg") or [])[:5]:
        m = BANNER_RE.search(line)
        if m:
            return m.group(1)
    return None


def build_run(kver, boots, scenario_names, kdir="", out="", host=False,
              xen=False, findings=None, top=None, ksrc=None, ksrc_how=""):
    """The model of one run: BOOTS (Boot, each with its console log) ran
    SCENARIO_NAMES (the order of the report). KSRC: the kernel's source
    tree (the fixes' probes read it), KSRC_HOW how it was found or why
    there is none."""
    findings = findings or Findings(top=top)
    run = Run(kver, kdir, out, host, xen)
    run.ksrc, run.ksrc_how = ksrc or None, ksrc_how
    run.boots = boots
    by_name = {}
    for name in scenario_names:
        s = Scenario(name, top)
        run.scenarios.append(s)
        by_name[name] = s
    for boot in boots:
        con = boot.load()
        if run.upstream is None:
            run.upstream = debian_upstream(con)
        results = []
        for (sname, check, verdict, reason, _) in con.results:
            results.append(Check(sname, check, verdict, reason))
        run.results_lines += con.result_lines
        for name in boot.scenarios:
            s = by_name.get(name)
            if s is None:
                # Booted but not asked for: its files and results.txt lines
                # are kept, the report, KTAP and JSON leave it out.
                s = by_name[name] = Scenario(name, top)
            s.boot = boot
            s.seconds = con.scenario_seconds(name)
            s.checks = [c for c in results if c.scenario == name]
            # devices and storms, from the files the guest sent
            for sec in con.section_names():
                m = re.match(r"^file:%s:(.+)\.config$" % re.escape(name), sec)
                if m:
                    s.devices.append(Device(m.group(1), con.section(sec)))
            s.devices.sort(key=lambda d: d.name)
            storms_of = {}
            for st in con.storms:
                if st[0] == name:
                    storms_of.setdefault(st[1], []).append(st[2])
            for d in s.devices:
                for k, blk in enumerate(con.blocks("file:%s:%s.stats" % (name, d.name))):
                    specs = storms_of.get(d.name, [])
                    s.storms.append(Storm(d.name, specs[k] if k < len(specs) else "", blk.lines))
            tail = []
            dm = con.section("dmesg:" + name)
            if con.setup_error is not None:
                tail.append(Check(name, "module_load", "fail", con.setup_error))
            elif con.skipall is not None:
                tail.append(Check(name, "scenario", "skip", con.skipall))
            elif dm is not None:
                s.dmesg = [l[2:] if l.startswith("| ") else l for l in dm]
                lv, lr, _ = findings.log_check(kver, s.dmesg, scn.meta(name, "expect-log", top))
                tail.append(Check(name, "kernel_log", lv, lr))
            s.unfinished = False
            if con.skipall is None and con.setup_error is None and name not in con.scenario_end:
                tail.append(Check(name, "scenario", boot.verdict,
                                  _why_unfinished(boot, con, name)))
                s.unfinished = True
            s.checks += tail
            run.results_lines += ["%s %s %s %s" % (c.scenario, c.name, c.verdict, c.reason)
                                  for c in tail]
    for s in run.scenarios:
        seen = {}
        for c in s.checks:
            seen[c.name] = seen.get(c.name, 0) + 1
            c.storm = seen[c.name]
            if c.verdict == "pass":
                # A check a known finding of this kernel expects to fail
                # passed: the kernel took the fix; say so.
                f = findings.finding_for(kver, "%s: %s" % (s.name, c.name))
                if f is not None:
                    run.fixed.append((s.name, c.name, f))
            if not c.failed:
                continue
            c.finding = findings.finding_for(kver, "%s: %s" % (s.name, c.name))
            if c.finding is None and c.name == "kernel_log":
                c.finding = findings.finding_for_log(kver, c.reason)
            c.fixes = findings.fixes_for(c.name, c.verdict if c.name == "scenario" else c.reason)
    # Not fixed where the same finding failed in this run (find-slots-hang
    # passes its hang check in the first storm and hangs in the second).
    seen = set(run.known_findings())
    run.fixed = [x for x in run.fixed if x[2].id not in seen]
    return run


def write_files(run):
    """What the guest sent back, as run.sh kept it: <scenario>.<device>.config
    and .stats, dmesg-N.txt, <scenario>.dmesg.txt; and results.txt."""
    out = run.out
    for boot in run.boots:
        con = boot.load()
        for name in con.section_names():
            if name.startswith("file:"):
                _write_lines(os.path.join(out, name[5:].replace(":", ".")), con.section(name))
        dm = con.section("dmesg")
        _write_lines(os.path.join(out, "dmesg-%d.txt" % boot.n),
                     [l[2:] if l.startswith("| ") else l for l in (dm or [])])
    for s in run.scenarios:
        if s.dmesg is not None:
            _write_lines(os.path.join(out, s.name + ".dmesg.txt"), s.dmesg)
    _write_lines(os.path.join(out, "results.txt"), run.results_lines)


def _write_lines(path, lines):
    with open(path, "wb") as f:
        for l in lines:
            f.write(l.encode("utf-8", errors="surrogateescape") + b"\n")


__all__ = ["Boot", "Check", "Device", "Run", "Scenario", "Storm", "build_run",
           "read_boots", "write_files", "clean"]
