# SPDX-License-Identifier: GPL-2.0
"""Views of the results model (sst.model.Run): the text report
(report.txt), KTAP (results.ktap), JSON (summary.json), checks.tsv (one
line per check, for tools/matrix.sh and tools/test.sh) and the one-screen
terminal summary."""

import json
import os
import re

from .model import CONFIG_KEYS, STATS_KEYS
from .text import clean


def _keyline(lines, keys):
    return "; ".join(clean(l) for l in lines
                     if l.partition(":")[0] in keys and ":" in l)


def kernel_line(run):
    k = "kernel: " + run.kver
    if run.host:
        k += " (running kernel, --host)"
    if run.xen:
        # arm64 has no PV: its dom0 is a hardware-virtualized guest.
        k += " (Xen %sdom0 under Xen 4.17)" % ("" if "arm64" in run.kver else "PV ")
    return k


def report(run):
    """report.txt: every device, storm and check, and the fixes of each
    failure class."""
    o = ["swiotlb_stress report", kernel_line(run), "kdir: " + run.kdir]
    if run.ksrc or run.ksrc_how:
        o.append("fixes judged by: " + clean(run.fix_basis()))
    o += ["results: " + run.out, ""]
    for s in run.scenarios:
        o.append("== %s: %s" % (clean(s.name), clean(s.purpose)))
        for d in s.devices:
            o.append("   device %s: %s" % (clean(d.name), _keyline(d.config_lines, CONFIG_KEYS)))
        for st in s.storms:
            o.append("   storm %s: %s" % (clean(st.device), _keyline(st.stats_lines, STATS_KEYS)))
            o.extend("   " + clean(f) for f in st.failures)
        for c in s.checks:
            o.append("   %-28s %-5s %s" % (clean(c.name), clean(c.verdict), clean(c.full_reason)))
            o.extend("      upstream fix for this failure class: " + fp.line() for fp in c.fixes)
        o.append("   => %s: %s" % (clean(s.name), s.verdict))
        o.append("")
    n = run.counts()
    o.append("verdict: %s (%d passed, %d failed, %d skipped)" % (
        run.verdict, n["pass"], n["fail"], n["skip"]))
    o.extend("fixed here: %s (findings/known.tsv expects %s: %s to fail on %s; it passed)"
             % (f.id, clean(sc), clean(ch), clean(run.kver)) for sc, ch, f in run.fixed)
    return "\n".join(o) + "\n"


def fixed_tsv(run):
    """fixed.tsv (for tools/matrix.sh's "fixed" cell): scenario, check,
    finding id of each check a known finding of this kernel expects to
    fail that passed."""
    return "".join("%s\t%s\t%s\n" % (clean(sc), clean(ch), f.id) for sc, ch, f in run.fixed)


def ktap(run):
    """results.ktap: KTAP version 1, a subtest per scenario, a test per
    check (the kernel's tools/testing/kunit/kunit_parser.py reads it)."""
    o = ["KTAP version 1", "1..%d" % len(run.scenarios)]
    for i, s in enumerate(run.scenarios, 1):
        name = clean(s.name)
        o.append("    KTAP version 1")
        o.append("    # %s: %s" % (name, clean(s.purpose)))
        o.append("    1..%d" % len(s.checks))
        for j, c in enumerate(s.checks, 1):
            r = clean(c.full_reason)
            if c.verdict == "pass":
                o.append("    ok %d %s" % (j, clean(c.name)))
            elif c.verdict == "skip":
                o.append("    ok %d %s # SKIP %s" % (j, clean(c.name), r))
            else:
                o.append("    not ok %d %s # %s" % (j, clean(c.name), r))
        v = s.verdict
        if v == "pass":
            o.append("ok %d %s" % (i, name))
        elif v == "skip":
            o.append("ok %d %s # SKIP nothing to check in this boot" % (i, name))
        else:
            o.append("not ok %d %s" % (i, name))
    return "\n".join(o) + "\n"


def checks_tsv(run):
    """scenario, check, verdict, known finding id (or empty), reason."""
    return "".join("%s\t%s\t%s\t%s\t%s\n" % (
        clean(c.scenario), clean(c.name), clean(c.verdict),
        c.finding.id if c.finding else "", clean(c.full_reason))
        for c in run.checks())


def summary(run):
    """The JSON summary as a dict (summary.json: json.dumps of it).
    Every string goes through clean(): valid UTF-8, no control bytes."""
    n = run.counts()
    scen = []
    for s in run.scenarios:
        scen.append({
            "scenario": clean(s.name),
            "verdict": s.verdict,
            "purpose": clean(s.purpose),
            "boot": s.boot.n if s.boot else None,
            "seconds": s.seconds,
            "devices": [{"device": clean(d.name),
                         "config": {k: clean(v) for k, v in d.config.items()}}
                        for d in s.devices],
            "storms": [{"device": clean(st.device), "spec": clean(st.spec),
                        "stats": {k: clean(v) for k, v in st.stats.items()},
                        "failures": [clean(f) for f in st.failures]}
                       for st in s.storms],
            "checks": [{"check": clean(c.name), "verdict": clean(c.verdict),
                        "reason": clean(c.full_reason),
                        "finding": c.finding.id if c.finding else "",
                        "upstream_fixes": [fp.line() for fp in c.fixes],
                        "fixes": [_fix_dict(run, fp) for fp in c.fixes]}
                       for c in s.checks],
        })
    return {
        "kernel": clean(run.kver),
        "kernel_upstream": run.upstream,
        "kdir": run.kdir,
        "ksrc": run.ksrc,
        "fixes_judged_by": clean(run.fix_basis()),
        "results": run.out,
        "wall_s": getattr(run, "wall", None),
        "boots_at_once": getattr(run, "jobs", 1) or 1,
        "boots": [{"boot": b.n, "verdict": b.verdict, "elapsed_s": b.elapsed,
                   "timeout_s": b.timeout,
                   "mem": b.mem, "append": b.append, "qemu": b.qemu,
                   "scenarios": b.scenarios, "console": b.log,
                   "watchdog": b.watchdog or None,
                   "first_storm_s": b.first_storm,
                   "kernel_version": clean(b.load().info.get("kernel", ""))}
                  for b in run.boots],
        "scenarios": scen,
        "passed": n["pass"], "failed": n["fail"], "skipped": n["skip"],
        "verdict": run.verdict,
        "known_findings": run.known_findings(),
        "fixed_here": [{"scenario": clean(sc), "check": clean(ch), "finding": f.id}
                       for sc, ch, f in run.fixed],
    }


def _fix_dict(run, fp):
    d = fp.as_dict()
    d["this_kernel"], d["why"] = run.fix_status(fp)
    # What the probe found in the kernel's tree: has, lacks or n/a; None
    # without a tree or a probe (then this_kernel is the table's or the
    # release's judgement).
    d["probe_result"] = d["this_kernel"] if run.ksrc and d["probe"] else None
    return d


def summary_json(run):
    return json.dumps(summary(run), indent=1, ensure_ascii=False) + "\n"


def _secs(t):
    if t is None:
        return ""
    if t >= 60:
        return "%dm%02ds" % (t // 60, t % 60)
    return "%.1fs" % t


def _plural(n, word):
    return "%d %s%s" % (n, word, "" if n == 1 else "s")


# The one-screen summary lists this many failures (the rest: report.txt)
# and this many fixes per failure.
SCREEN_FAILURES = 10
SCREEN_FIXES = 3


def scenario_cell(s):
    """A scenario's verdict on the screen, in tools/matrix.sh's words:
    pass, skip, FAIL, HANG, PANIC, and xfail, xhang, xpanic when a known
    finding explains every failure."""
    known = all(c.finding is not None for c in s.checks if c.failed)
    if s.unfinished:
        stop = [c for c in s.checks if c.name == "scenario"][-1]
        v = {"timeout": "hang", "panic": "panic"}.get(stop.verdict, "fail")
    elif s.verdict == "fail":
        v = "fail"
    else:
        return s.verdict
    return "x" + v if known else v.upper()


# What a dying or hung kernel prints: panics, oopses, BUGs (a soft
# lockup is "BUG: soft lockup"), RCU stalls and hung tasks.
DYING_RE = re.compile(r"Kernel panic|BUG:|Oops:|rcu: INFO: .*detected stalls|"
                      r"blocked for more than [0-9]+ seconds")


def _first_splat(run, scenario):
    """The first line of a dying or hung kernel the console shows after
    SCENARIO began, without its time stamp."""
    s = run.scenario(scenario)
    if s is None or s.boot is None:
        return ""
    con = s.boot.load()
    for line in con.kernel_after(scenario):
        if DYING_RE.search(line):
            return clean(re.sub(r"^\[[^]]*\] ", "", line))
    return ""


def screen(run, files=True):
    """The one-screen summary: a line per scenario (verdict, time), each
    failure with its reason, known finding and the fixes of its class,
    then where the report, KTAP, JSON and logs are."""
    n = run.counts()
    nb = len(run.boots)
    # The boots' own times add up to the run's unless they ran at once.
    wall = run.wall if getattr(run, "wall", None) else sum(b.elapsed or 0 for b in run.boots)
    jobs = getattr(run, "jobs", 1) or 1
    o = ["swiotlb_stress: %s: %s in %s%s%s" % (
        clean(kernel_line(run)[len("kernel: "):]), _plural(len(run.scenarios), "scenario"),
        _plural(nb, "boot"), " (%d at once)" % jobs if jobs > 1 and nb > 1 else "",
        ", %s" % _secs(wall) if wall else "")]
    w = max([len(s.name) for s in run.scenarios] + [8])
    for s in run.scenarios:
        cn = {"pass": 0, "fail": 0, "skip": 0}
        for c in s.checks:
            cn["pass" if c.verdict == "pass" else "skip" if c.verdict == "skip" else "fail"] += 1
        what = "%s: %d passed, %d failed, %d skipped" % (
            _plural(len(s.checks), "check"), cn["pass"], cn["fail"], cn["skip"])
        if not s.checks:
            what = "no results"
        o.append("  %-6s %-*s %7s  %s" % (scenario_cell(s), w, clean(s.name),
                                           _secs(s.seconds), what))
    fails = [c for c in run.checks() if c.failed]
    hidden = 0  # fixes of a failure's class left out: the kernel has them
    if fails:
        o.append("")
        o.append("failures:")
        for c in fails[:SCREEN_FAILURES]:
            o.append("  %s: %s %s: %s" % (clean(c.scenario), clean(c.name),
                                          clean(c.verdict), clean(c.reason)))
            if c.name == "scenario" and c.verdict in ("panic", "timeout"):
                line = _first_splat(run, c.scenario)
                if line:
                    o.append("    console: " + line)
            if c.finding is not None:
                m = re.search(r"(findings/[A-Za-z0-9_.@-]+\.md)", c.finding.text)
                o.append("    known kernel bug: %s%s" % (
                    c.finding.id, " (%s)" % m.group(1) if m else ""))
            # The fixes of its class this kernel lacks, or may lack; not
            # the ones it has (report.txt lists them all).
            st = [(fp, run.fix_status(fp)[0]) for fp in c.fixes]
            want = [(fp, v) for fp, v in st if v in ("lacks", "unknown")]
            for fp, v in want[:SCREEN_FIXES]:
                o.append("    %s: %s" % ("fix it lacks" if v == "lacks" else
                                         "fix it may lack", fp.line()))
            if len(want) > SCREEN_FIXES:
                o.append("    ... %d more fixes in report.txt" % (len(want) - SCREEN_FIXES))
            hidden += len(st) - len(want)
        if len(fails) > SCREEN_FAILURES:
            o.append("  ... %d more failures in report.txt" % (len(fails) - SCREEN_FAILURES))
        if hidden:
            o.append("  (fixes: those this kernel lacks or may lack; report.txt lists"
                     " every fix of each failure class)")
        if any(c.fixes for c in fails[:SCREEN_FAILURES]):
            o.append("  (fixes judged by %s)" % clean(run.fix_basis()))
    o.append("")
    o.append("verdict: %s (%d passed, %d failed, %d skipped)" % (
        run.verdict, n["pass"], n["fail"], n["skip"]))
    fixed = {}
    for sc, ch, f in run.fixed:
        fixed.setdefault(f.id, []).append("%s: %s" % (clean(sc), clean(ch)))
    for fid, checks in fixed.items():
        o.append("fixed here: %s (expected to fail here, passed: %s%s)" % (
            fid, ", ".join(checks[:3]), " and %d more" % (len(checks) - 3) if len(checks) > 3 else ""))
    known = run.known_findings()
    if known:
        o.append("known kernel bugs: %s (%s)" % (", ".join(known),
                 "every failure is one" if all(c.finding is not None for c in fails)
                 else "other failures are not"))
    if files and run.out:
        o.append("report: %s" % os.path.join(run.out, "report.txt"))
        o.append("KTAP: %s  JSON: %s" % (os.path.join(run.out, "results.ktap"),
                                         os.path.join(run.out, "summary.json")))
        o.append("logs: %s" % os.path.join(run.out, "console-*.log"))
    return "\n".join(o) + "\n"


def write_all(run):
    """report.txt, results.ktap, summary.json, checks.tsv and fixed.tsv in
    run.out."""
    for name, text in (("report.txt", report(run)), ("results.ktap", ktap(run)),
                       ("summary.json", summary_json(run)),
                       ("checks.tsv", checks_tsv(run)), ("fixed.tsv", fixed_tsv(run))):
        with open(os.path.join(run.out, name), "w", encoding="utf-8") as f:
            f.write(text)
