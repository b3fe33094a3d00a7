# SPDX-License-Identifier: GPL-2.0
"""The scenario x kernel matrix and the backport verdict, as views of
finished tools/run.sh result folders (their checks.tsv and fixed.tsv,
which sst.views writes from the run's model).

  python3 -m sst matrix OUT [--expect-known] [--verdict] [--scenario S]...
                        [--unavailable TEXT]... RUN_DIR...
        writes OUT/matrix.txt, OUT/matrix.json (and with --verdict, two
        runs: OUT/verdict.txt, OUT/verdict.json), prints the table (and the
        verdict); exit 0 every cell passes or skips (--expect-known: known
        findings too), 1 a cell failed or has no results, 2 a kernel
        panicked or hung, 3 bad input
  python3 -m sst verdict BEFORE_DIR AFTER_DIR
        prints the backport verdict between two finished runs
  python3 -m sst matrix-cells OUT
        OUT/matrix.json as tab-separated lines: kernel number (from 1),
        kernel, scenario, verdict, known findings (space-separated), the
        first reason; '-' for an empty field, since bash's read joins
        empty tab-separated fields (what tools/test.sh reads)
  python3 -m sst farm [--workers N]... RUN_DIR...
        what a farm of N workers, one job per boot, would take for the
        boots of finished runs (their boots.tsv seconds; runs of --jobs 1,
        where no boot shared the host): each boot to the least loaded
        worker, longest first

tools/matrix.sh boots the kernels (tools/run.sh per kernel) and calls this.
"""

import argparse
import json
import os
import sys

from . import TOP
from . import scenarios as scn
from .text import clean


class BadInput(Exception):
    pass


LEGEND = (
    "backend: cpu (fake device, the CPU plays the device), edu (QEMU's edu DMA engine), "
    "edu+iommu (behind an emulated IOMMU: Intel VT-d on x86, SMMUv3 on arm64)",
    "pass: every check passed; FAIL: a check failed; skip: nothing to check in that boot "
    "(reasons in the kernel's report.txt); error: no results (set-up failed, see the kernel's log)",
    "xfail/xhang/xpanic: failed, hung or panicked as a known kernel bug in findings/known.tsv "
    "explains; hang/panic: the kernel under test stopped",
    "fixed: passed, although findings/known.tsv lists a bug of this kernel in it: the kernel "
    "took the fix (the row should be narrowed)",
)


def _tsv(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return [line.rstrip("\n").split("\t") for line in f if line.strip("\n")]
    except OSError:
        return []


class Result:
    """One kernel's finished run: its checks.tsv rows (scenario, check,
    verdict, finding, reason), fixed.tsv, and the kernel's name."""

    def __init__(self, path):
        self.path = path
        self.no_results = os.path.isfile(os.path.join(path, "no-results"))
        if not self.no_results and not os.path.isfile(os.path.join(path, "checks.tsv")):
            raise BadInput("%s is not a finished tools/run.sh result folder (no checks.tsv)"
                           % path)
        rows = _tsv(os.path.join(path, "checks.tsv"))
        self.rows = [(r + [""] * 5)[:5] for r in rows]
        self.fixed = [r[0] for r in _tsv(os.path.join(path, "fixed.tsv"))]
        self.name = ""
        try:
            with open(os.path.join(path, "report.txt"), encoding="utf-8",
                      errors="surrogateescape") as f:
                for line in f:
                    if line.startswith("kernel: "):
                        self.name = line[len("kernel: "):].split(" ")[0].rstrip("\n")
                        break
        except OSError:
            pass

    def scenarios(self):
        seen = []
        for r in self.rows:
            if r[0] not in seen:
                seen.append(r[0])
        return seen

    def cell(self, scenario):
        """The scenario's verdict in this run: pass, FAIL, skip, error,
        hang, panic, fixed, or xfail, xhang, xpanic when known findings
        explain every failure."""
        if self.no_results:
            return "error"
        hang = unknown_hang = panic = unknown_panic = fail = known = False
        passed = 0
        for s, check, v, finding, _ in self.rows:
            if s != scenario:
                continue
            if v == "timeout":
                hang = True
                unknown_hang |= finding == ""
            elif v == "panic" or (v == "fail" and check == "scenario"):
                panic = True
                unknown_panic |= finding == ""
            elif v == "pass":
                passed += 1
            elif v == "skip":
                pass
            elif finding == "":
                fail = True
            else:
                known = True
        if hang:
            return "hang" if unknown_hang else "xhang"
        if panic:
            return "panic" if unknown_panic else "xpanic"
        if fail:
            return "FAIL"
        if known:
            return "xfail"
        if passed:
            return "fixed" if scenario in self.fixed else "pass"
        return "skip"

    def findings(self, scenario=None):
        ids = sorted({r[3] for r in self.rows if r[3] and (scenario is None or r[0] == scenario)})
        return ids

    def first_reason(self, scenario):
        for r in self.rows:
            if r[0] == scenario:
                return r[4]
        return ""


def _known_text(fid, top):
    """The finding as findings/known.tsv words it (its fourth column)."""
    for r in _tsv(os.path.join(top, "findings", "known.tsv")):
        if r and not r[0].startswith("#") and len(r) >= 4 and r[3].startswith(fid + ":"):
            return r[3]
    return None


class Matrix:
    def __init__(self, results, scenarios=None, unavailable=(), top=None):
        self.results = results
        self.top = top or TOP
        self.unavailable = list(unavailable)
        if scenarios:
            self.scenarios = list(scenarios)
        else:
            self.scenarios = []
            for r in results:
                for s in r.scenarios():
                    if s not in self.scenarios:
                        self.scenarios.append(s)

    def backend(self, s):
        return scn.backend(s, self.top)

    def table(self):
        names = [r.name for r in self.results]
        w = 24
        for n in names:
            if len(n) >= w:
                w = len(n) + 2
        o = ["%-26s %-10s" % ("scenario", "backend") +
             "".join(" %-*s" % (w, n) for n in names)]
        for s in self.scenarios:
            o.append("%-26s %-10s" % (s, self.backend(s)) +
                     "".join(" %-*s" % (w, r.cell(s)) for r in self.results))
        o.append("")
        o.extend(LEGEND)
        for r in self.results:
            f = r.findings()
            if f:
                o.append("known findings on %s: %s" % (r.name, " ".join(f)))
        for fid in sorted({f for r in self.results for f in r.findings()}):
            text = _known_text(fid, self.top)
            if text is not None:
                o.append("  " + text)
        for u in self.unavailable:
            o.append("not in the matrix: " + u)
        for r in self.results:
            o.append("%s: %s" % (r.name, os.path.join(r.path, "report.txt")))
        return "\n".join(o) + "\n"

    def as_dict(self):
        cells = []
        for s in self.scenarios:
            for r in self.results:
                cells.append({"scenario": s, "backend": self.backend(s), "kernel": r.name,
                              "verdict": r.cell(s), "findings": r.findings(s),
                              "reason": r.first_reason(s)})
        return {"kernels": [r.name for r in self.results],
                "results": [r.path for r in self.results],
                "unavailable": self.unavailable,
                "cells": cells}

    def status(self, expect_known=False):
        worst = 0
        for s in self.scenarios:
            for r in self.results:
                c = r.cell(s)
                if c in ("hang", "panic"):
                    worst = 2
                elif c in ("FAIL", "error") or (c in ("xfail", "xhang", "xpanic")
                                                and not expect_known):
                    worst = max(worst, 1)
        return worst


def _bad(v):
    return v in ("fail", "timeout", "panic")


# Rows that exist only when a scenario, storm or device did not finish.
def _only_when_unfinished(key):
    tail = key.split(": ", 1)[1]
    return tail == "scenario" or (" " not in tail and
                                  tail.rsplit(".", 1)[-1] in ("storm", "start", "create")
                                  and "." in tail)


def verdict(before, after):
    """What changed from BEFORE to AFTER, check by check: a dict of lists
    (fixed, broken, still, other) and counts (same, skipped)."""
    def keyed(res):
        occ, out = {}, []
        for s, check, v, finding, reason in res.rows:
            k = "%s: %s" % (s, check)
            occ[k] = occ.get(k, 0) + 1
            if occ[k] > 1:
                k = "%s (storm %d)" % (k, occ[k])
            out.append((k, v, finding, reason))
        return out
    b, a = keyed(before), keyed(after)
    order, bv, av = [], {}, {}
    for k, v, f, r in b:
        bv[k] = (v, f, r)
        if k not in order:
            order.append(k)
    for k, v, f, r in a:
        av[k] = (v, f, r)
        if k not in order:
            order.append(k)
    res = {"before": before.name, "after": after.name, "fixed": [], "broken": [],
           "still": [], "other": [], "same": 0, "skipped": 0}
    seen = set()
    for k in order:
        if k in seen:
            continue
        seen.add(k)
        x = bv[k][0] if k in bv else "absent"
        y = av[k][0] if k in av else "absent"
        if _only_when_unfinished(k):
            x = "pass" if x == "absent" else x
            y = "pass" if y == "absent" else y
        bf = bv[k][1] if k in bv else ""
        af, ar = (av[k][1], av[k][2]) if k in av else ("", "")
        if _bad(x) and y == "pass":
            res["fixed"].append({"check": k, "finding": bf})
        elif x == "pass" and _bad(y):
            res["broken"].append({"check": k, "reason": ar, "finding": af})
        elif _bad(x) and _bad(y):
            res["still"].append({"check": k, "reason": ar, "finding": af})
        elif x == "pass" and y == "pass":
            res["same"] += 1
        elif x == "skip" and y == "skip":
            res["skipped"] += 1
        else:
            res["other"].append({"check": k, "before": x, "after": y})
    return res


def verdict_text(v):
    bn, an = v["before"], v["after"]

    def fnd(f):
        return " [%s]" % f if f else ""
    o = ["backport verdict: %s -> %s" % (bn, an),
         "fixed (failed on %s, passes on %s): %d" % (bn, an, len(v["fixed"]))]
    o += ["  %s%s" % (e["check"], fnd(e["finding"])) for e in v["fixed"]]
    o.append("broken (passed on %s, fails on %s): %d" % (bn, an, len(v["broken"])))
    o += ["  %s: %s%s" % (e["check"], e["reason"], fnd(e["finding"])) for e in v["broken"]]
    o.append("still failing on both: %d" % len(v["still"]))
    o += ["  %s: %s%s" % (e["check"], e["reason"], fnd(e["finding"])) for e in v["still"]]
    o.append("unchanged, passing on both: %d checks" % v["same"])
    o.append("skipped on both: %d checks" % v["skipped"])
    o.append("not compared (skipped or absent on one side): %d" % len(v["other"]))
    o += ["  %s: %s -> %s" % (e["check"], e["before"], e["after"]) for e in v["other"]]
    return "\n".join(o) + "\n"


def _write(path, text):
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)


def _cleaned(obj):
    """Every string through text.clean: valid UTF-8, no control bytes
    (a reason may carry a kernel log line's bytes)."""
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, list):
        return [_cleaned(o) for o in obj]
    if isinstance(obj, dict):
        return {k: _cleaned(v) for k, v in obj.items()}
    return obj


def _json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_cleaned(obj), f, indent=1, ensure_ascii=False)
        f.write("\n")


def cmd_matrix(argv):
    p = argparse.ArgumentParser(prog="sst matrix")
    p.add_argument("out")
    p.add_argument("runs", nargs="+")
    p.add_argument("--expect-known", action="store_true")
    p.add_argument("--verdict", action="store_true")
    p.add_argument("--scenario", action="append", default=[])
    p.add_argument("--unavailable", action="append", default=[])
    a = p.parse_args(argv)
    if not os.path.isdir(a.out):
        raise BadInput("%s is not a directory" % a.out)
    results = [Result(d) for d in a.runs]
    if a.verdict and len(results) != 2:
        raise BadInput("--verdict compares exactly two runs (got %d)" % len(results))
    m = Matrix(results, a.scenario, a.unavailable)
    table = m.table()
    _write(os.path.join(a.out, "matrix.txt"), table)
    d = m.as_dict()
    sys.stdout.write(table)
    if a.verdict:
        v = verdict(*results)
        d["verdict"] = v
        text = verdict_text(v)
        _write(os.path.join(a.out, "verdict.txt"), text)
        _json(os.path.join(a.out, "verdict.json"), v)
        sys.stdout.write("\n" + text)
    _json(os.path.join(a.out, "matrix.json"), d)
    return m.status(a.expect_known)


def cmd_verdict(argv):
    if len(argv) != 2:
        raise BadInput("usage: sst verdict BEFORE_DIR AFTER_DIR")
    b, a = (Result(d) for d in argv)
    for r in (b, a):
        if r.no_results or not os.path.isfile(os.path.join(r.path, "report.txt")):
            raise BadInput("%s is not a finished tools/run.sh result folder (no checks.tsv)"
                           % r.path)
    sys.stdout.write(verdict_text(verdict(b, a)))
    return 0


def cmd_cells(argv):
    if len(argv) != 1:
        raise BadInput("usage: sst matrix-cells OUT")
    path = os.path.join(argv[0], "matrix.json")
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        kernels = d["kernels"]
        for c in d["cells"]:
            sys.stdout.write("%d\t%s\t%s\t%s\t%s\t%s\n" % (
                kernels.index(c["kernel"]) + 1, c["kernel"], c["scenario"], c["verdict"],
                " ".join(c.get("findings", [])) or "-",
                clean(c.get("reason", "")).replace("\t", " ") or "-"))
    except (OSError, ValueError, KeyError) as e:
        raise BadInput("%s: not a matrix of sst matrix (%s)" % (path, e))
    return 0


def farm_makespan(seconds, workers):
    """Seconds until the last of these boots ends on a farm of WORKERS
    workers, each boot given, longest first, to the worker that is free
    first (LPT: within 4/3 of the best schedule; a farm's scheduler takes
    jobs in submission order, so this is what submitting longest first
    gets)."""
    if workers < 1:
        raise BadInput("a farm has at least one worker (got %d)" % workers)
    lanes = [0.0] * min(workers, max(len(seconds), 1))
    for s in sorted(seconds, reverse=True):
        i = lanes.index(min(lanes))
        lanes[i] += s
    return max(lanes)


def farm_boots(run_dir):
    """[(seconds, verdict, label)] of a finished run's boots.tsv."""
    from .model import boots_tsv
    try:
        rows = boots_tsv(run_dir)
    except OSError as e:
        raise BadInput("%s: no boots.tsv (%s)" % (run_dir, e.strerror or e))
    if not rows:
        raise BadInput("%s: boots.tsv lists no boot" % run_dir)
    name = os.path.basename(os.path.normpath(run_dir))
    try:
        with open(os.path.join(run_dir, "report.txt"), encoding="utf-8",
                  errors="replace") as f:
            for line in f:
                if line.startswith("kernel: "):
                    name = line.split()[1]
                    break
    except OSError:
        pass
    out = []
    for r in rows:
        try:
            secs = float(r["elapsed"])
        except ValueError:
            raise BadInput("%s: boot %s has no seconds (%r): boots.tsv is truncated "
                           "or older than its seconds column" % (run_dir, r["n"], r["elapsed"]))
        out.append((secs, r["verdict"], "%s boot %s" % (name, r["n"])))
    return out


class _Parser(argparse.ArgumentParser):
    """One line on bad usage, as BadInput, not argparse's usage and exit."""

    def error(self, message):
        raise BadInput("%s (usage: %s [--workers N]... RUN_DIR...)" % (message, self.prog))


def cmd_farm(argv):
    p = _Parser(prog="sst farm")
    p.add_argument("--workers", type=int, action="append", default=[])
    p.add_argument("runs", nargs="+")
    a = p.parse_args(argv)
    boots = [b for d in a.runs for b in farm_boots(d)]
    secs = [b[0] for b in boots]
    total, longest = sum(secs), max(boots)
    workers = sorted(set(a.workers)) or sorted(
        {n for n in (1, 2, 4, 8, 16, 32, 64) if n < len(boots)} | {len(boots)})
    o = ["farm: %d boots of %d run(s), %.0f s of boots in all, the longest %.0f s (%s)"
         % (len(boots), len(a.runs), total, longest[0], longest[2])]
    stopped = [b for b in boots if b[1] != "ok"]
    if stopped:
        o.append("note: %d boot(s) did not end by themselves (%s): their seconds are the "
                 "time until they were stopped" % (len(stopped), ", ".join(
                     "%s %s" % (b[2], b[1]) for b in stopped)))
    for n in workers:
        o.append("workers %d: %.0f s" % (n, farm_makespan(secs, n)))
    sys.stdout.write("\n".join(o) + "\n")
    return 0


def main(cmd, argv):
    fn = {"matrix": cmd_matrix, "verdict": cmd_verdict, "matrix-cells": cmd_cells,
          "farm": cmd_farm}[cmd]
    try:
        return fn(argv)
    except BadInput as e:
        sys.stderr.write("sst %s: %s\n" % (cmd, e))
        return 3
