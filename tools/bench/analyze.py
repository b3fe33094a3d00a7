#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn what tools/bench.sh collected into report.txt, bench.json and plots.

Input: OUT/host.txt and, per kernel, OUT/<kernel>/{facts,cells,memory,
timeline,timeline-stats,boot}.txt as the guest (tools/bench/guest.sh) sent
them. Nothing here is measured: every figure comes from those files.

The comparison with dma_map_benchmark uses the benchmark's own estimator on
both sides: each sample is cut to 100 ns before it is summed (the module's
*_ns_avg_cut100), and the benchmark's average, an integer in 100 ns units,
is the floor of that mean: its true value lies in [b, b + 1). The ratio is
given at b + 0.5, with the bounds b + 1 and b.
"""

import json
import os
import subprocess
import sys

TARGET_BENCH = 1.05    # verify=0 map+unmap vs dma_map_benchmark
TARGET_VERIFY = 2.0    # verify=1 vs verify=0 at 4 KiB, bounce path


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def keyvals(text):
    out = {}
    for line in text.splitlines():
        if ": " in line:
            k, v = line.split(": ", 1)
            out.setdefault(k.strip(), v.strip())
    return out


def words(line):
    out = {}
    for w in line.split()[1:]:
        if "=" in w:
            k, v = w.split("=", 1)
            out[k] = v
    return out


def num(d, k, default=None):
    try:
        return float(d[k])
    except (KeyError, ValueError, TypeError):
        return default


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2.0


def fmt(x, nd=2, unit=""):
    if x is None:
        return "-"
    if nd == 0:
        return "%d%s" % (round(x), unit)
    return ("%." + str(nd) + "f%s") % (x, unit)


def size_name(s):
    s = int(s)
    if s % 1024 == 0:
        return "%dK" % (s // 1024)
    return str(s)


class Kernel:
    def __init__(self, out, name):
        self.name = name
        d = os.path.join(out, name)
        self.dir = d
        self.facts = keyvals(read(os.path.join(d, "facts.txt")))
        self.boot = read(os.path.join(d, "boot.txt")).strip()
        self.dmesg = read(os.path.join(d, "dmesg.txt"))
        self.cells_raw = [words(l) for l in read(os.path.join(d, "cells.txt")).splitlines()
                          if l.startswith("CELL ")]
        self.mem = [words(l) for l in read(os.path.join(d, "memory.txt")).splitlines()
                    if l.startswith("MEM ")]
        self.timeline = []
        self.tl_meta = {}
        for l in read(os.path.join(d, "timeline.txt")).splitlines():
            p = l.split()
            if len(p) == 3 and p[0] == "T":
                try:
                    self.timeline.append((float(p[1]), int(p[2])))
                except ValueError:
                    pass
            elif l.startswith("# ") and len(p) >= 3:
                self.tl_meta[p[1]] = " ".join(p[2:])
        self.tl_stats = keyvals(read(os.path.join(d, "timeline-stats.txt")))
        self.cells = self.build_cells()

    def build_cells(self):
        cells = {}
        for w in self.cells_raw:
            key = (w.get("path"), int(w.get("threads", 0)), int(w.get("size", 0)), w.get("dir"))
            c = cells.setdefault(key, {"path": key[0], "threads": key[1], "size": key[2],
                                       "dir": key[3], "storm0": [], "storm1": [], "bench": []})
            if w.get("kind") == "bench":
                c["bench"].append(w)
            elif w.get("kind") == "storm":
                c["storm" + w.get("verify", "1")].append(w)
        for c in cells.values():
            self.derive(c)
        return cells

    @staticmethod
    def storm_summary(runs):
        ok = [r for r in runs if r.get("state") in ("done", "stopped")]
        s = {"runs": len(runs), "ok_runs": len(ok)}
        if not ok:
            s["state"] = runs[0].get("state", "missing") if runs else "missing"
            return s
        s["state"] = "done"
        for k in ("map_ns_avg", "unmap_ns_avg", "map_ns_avg_cut100", "unmap_ns_avg_cut100",
                  "map_ns_p50", "map_ns_p99", "map_ns_p999", "unmap_ns_p50", "unmap_ns_p99",
                  "unmap_ns_p999", "run_memory_bytes"):
            s[k] = median([num(r, k) for r in ok])
        s["sum_cut100_runs"] = [num(r, "map_ns_avg_cut100", 0) + num(r, "unmap_ns_avg_cut100", 0)
                                for r in ok]
        s["sum_cut100"] = median(s["sum_cut100_runs"])
        ops = [num(r, "iterations") * 1000.0 / num(r, "elapsed_ms")
               for r in ok if num(r, "elapsed_ms")]
        s["ops_per_s"] = median(ops)
        s["ops_per_s_runs"] = ops
        s["maps"] = sum(num(r, "maps", 0) for r in ok)
        s["map_errors"] = sum(num(r, "map_errors", 0) for r in ok)
        s["too_large"] = sum(num(r, "map_errors_too_large", 0) for r in ok)
        s["unexpected"] = sum(num(r, "map_errors_unexpected", 0) for r in ok)
        s["bounced"] = sum(num(r, "bounced", 0) for r in ok)
        s["direct"] = sum(num(r, "direct", 0) for r in ok)
        s["verdicts"] = sorted({r.get("verdict", "?") for r in ok})
        s["check_data"] = sorted({r.get("check_data", "?") for r in ok})
        return s

    def derive(self, c):
        s0 = self.storm_summary(c["storm0"])
        s1 = self.storm_summary(c["storm1"])
        c["s0"], c["s1"] = s0, s1
        maps = s0.get("maps") or 0
        c["refused"] = bool(maps) and s0.get("too_large") == maps
        bl = c["bench"]
        okb = [b for b in bl if b.get("bench_rc") == "0"]
        b = bl[-1] if bl else {}
        c["bench_state"] = ("ok" if okb else
                            "skip" if b.get("bench_rc") == "skip" else
                            ("failed rc=%s %s" % (b.get("bench_rc"), b.get("bench_error", "")))
                            if b else "missing")
        c["ratio"] = None
        if okb and s0.get("map_ns_avg_cut100") is not None:
            # Medians over the rounds on both sides.
            bm = median([num(x, "avg_map_100ns") for x in okb])
            bu = median([num(x, "avg_unmap_100ns") for x in okb])
            bs = median([num(x, "avg_map_100ns") + num(x, "avg_unmap_100ns") for x in okb])
            sm, su = s0["map_ns_avg_cut100"] / 100.0, s0["unmap_ns_avg_cut100"] / 100.0
            ss = s0["sum_cut100"] / 100.0
            r = {"bench_map_100ns": bm, "bench_unmap_100ns": bu, "bench_runs": len(okb),
                 "bench_sum_runs": [num(x, "avg_map_100ns") + num(x, "avg_unmap_100ns")
                                    for x in okb],
                 "storm_map_100ns": sm, "storm_unmap_100ns": su, "storm_sum_100ns": ss}
            r["map"] = sm / (bm + 0.5)
            r["unmap"] = su / (bu + 0.5)
            # Round by round: the storm run and the benchmark run next to
            # it saw the same machine; the median of those ratios is the
            # figure, their range says how much the machine moved.
            pairs = []
            for x in okb:
                st = [y for y in c["storm0"] if y.get("rep") == x.get("rep")
                      and y.get("state") in ("done", "stopped")]
                if not st:
                    continue
                sv = (num(st[0], "map_ns_avg_cut100", 0) + num(st[0], "unmap_ns_avg_cut100", 0)) / 100.0
                bv = num(x, "avg_map_100ns") + num(x, "avg_unmap_100ns")
                pairs.append((sv / (bv + 1.0), sv / (bv + 2.0), sv / bv if bv > 0 else None))
            if pairs:
                r["sum"] = median([p[0] for p in pairs])
                r["sum_lo"] = median([p[1] for p in pairs])
                r["sum_hi"] = median([p[2] for p in pairs])
                r["rounds"] = [p[0] for p in pairs]
            else:
                r["sum"] = ss / (bs + 1.0)
                r["sum_lo"] = ss / (bs + 2.0)
                r["sum_hi"] = ss / bs if bs > 0 else None
                r["rounds"] = []
            sr = s0["sum_cut100_runs"]
            r["storm_spread"] = max(sr) / min(sr) if sr and min(sr) > 0 else None
            br = r["bench_sum_runs"]
            r["bench_spread"] = (max(br) + 1.0) / (min(br) + 1.0) if br else None
            c["ratio"] = r
        c["verify_lat"] = None
        c["verify_iter"] = None
        if (s0.get("map_ns_avg") and s1.get("map_ns_avg") and
                s0.get("unmap_ns_avg") and s1.get("unmap_ns_avg")):
            c["verify_lat"] = ((s1["map_ns_avg"] + s1["unmap_ns_avg"]) /
                               (s0["map_ns_avg"] + s0["unmap_ns_avg"]))
            if s0.get("ops_per_s") and s1.get("ops_per_s"):
                c["verify_iter"] = s0["ops_per_s"] / s1["ops_per_s"]
        # Did the path do what it is named for?
        if c["refused"] or not maps:
            c["path_ok"] = None
        elif c["path"] == "bounce":
            c["path_ok"] = s0.get("bounced") == maps - s0.get("map_errors", 0)
        else:
            c["path_ok"] = s0.get("bounced") == 0

    def threads(self):
        return sorted({k[1] for k in self.cells})

    def sizes(self):
        return sorted({k[2] for k in self.cells})


def gnuplot(script, cwd):
    try:
        r = subprocess.run(["gnuplot"], input=script, text=True, cwd=cwd,
                           capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "gnuplot failed: %s" % e
    return r.stderr.strip() if r.returncode else ""


def plots(out, kernels):
    notes = []
    term = 'set terminal pngcairo size 900,560 noenhanced font ",10"\n'
    for k in kernels:
        tag = k.name
        # throughput vs threads, 4 KiB dir=to (or the first size/dir there is)
        size = 4096 if 4096 in k.sizes() else (k.sizes() or [0])[0]
        dirs = sorted({key[3] for key in k.cells})
        dr = "to" if "to" in dirs else (dirs or ["to"])[0]
        dat = os.path.join(out, "%s-throughput.dat" % tag)
        with open(dat, "w") as f:
            f.write("# threads direct_v0 direct_v1 bounce_v0 bounce_v1 (map+unmap per second), size %d dir %s\n" % (size, dr))
            for t in k.threads():
                row = [t]
                for path in ("direct", "bounce"):
                    c = k.cells.get((path, t, size, dr))
                    for v in ("s0", "s1"):
                        row.append(c[v].get("ops_per_s") if c and c[v].get("ops_per_s") else "NaN")
                f.write(" ".join(str(x) for x in row) + "\n")
        png = "%s-throughput.png" % tag
        err = gnuplot(term + """set output '%s'
set title '%s: map+unmap throughput vs threads (%d B, dir=%s, TCG)'
set xlabel 'threads'; set ylabel 'map+unmap per second'
set xtics 1; set key left top; set grid
plot '%s' u 1:2 w lp t 'direct verify=0', '' u 1:3 w lp t 'direct verify=1', \\
     '' u 1:4 w lp t 'bounce verify=0', '' u 1:5 w lp t 'bounce verify=1'
""" % (png, tag, size, dr, os.path.basename(dat)), out)
        notes.append((png, err))

        # latency percentiles vs size, 1 thread, verify=0
        dat = os.path.join(out, "%s-latency.dat" % tag)
        with open(dat, "w") as f:
            f.write("# size then for direct and bounce: map p50 p99 p999 unmap p50 p99 p999 (ns), 1 thread, dir %s, verify=0\n" % dr)
            for s in k.sizes():
                row = [s]
                for path in ("direct", "bounce"):
                    c = k.cells.get((path, 1, s, dr))
                    for m in ("map_ns_p50", "map_ns_p99", "map_ns_p999",
                              "unmap_ns_p50", "unmap_ns_p99", "unmap_ns_p999"):
                        v = c["s0"].get(m) if c and not c["refused"] else None
                        row.append(v if v else "NaN")
                f.write(" ".join(str(x) for x in row) + "\n")
        png = "%s-latency.png" % tag
        err = gnuplot(term + """set output '%s'
set title '%s: latency percentiles vs size (1 thread, dir=%s, verify=0, TCG)'
set xlabel 'mapping size (bytes)'; set ylabel 'ns'
set logscale xy; set key left top; set grid
plot '%s' u 1:2 w lp dt 1 lc 1 t 'direct map p50', '' u 1:3 w lp dt 2 lc 1 t 'direct map p99', \\
     '' u 1:4 w lp dt 3 lc 1 t 'direct map p99.9', \\
     '' u 1:8 w lp dt 1 lc 2 t 'bounce map p50', '' u 1:9 w lp dt 2 lc 2 t 'bounce map p99', \\
     '' u 1:10 w lp dt 3 lc 2 t 'bounce map p99.9', \\
     '' u 1:11 w lp dt 1 lc 3 t 'bounce unmap p50', '' u 1:12 w lp dt 2 lc 3 t 'bounce unmap p99', \\
     '' u 1:13 w lp dt 3 lc 3 t 'bounce unmap p99.9'
""" % (png, tag, dr, os.path.basename(dat)), out)
        notes.append((png, err))

        # timeline of pool use
        if k.timeline:
            dat = os.path.join(out, "%s-timeline.dat" % tag)
            t0 = k.timeline[0][0]
            with open(dat, "w") as f:
                f.write("# seconds io_tlb_used (slots); pool %s slots; %s\n" %
                        (k.tl_meta.get("nslabs", "?"), k.tl_meta.get("spec", "")))
                for t, u in k.timeline:
                    f.write("%.2f %d\n" % (t - t0, u))
            png = "%s-timeline.png" % tag
            nslabs = k.tl_meta.get("nslabs", "0")
            start = k.tl_meta.get("start")
            arrow = ""
            if start:
                try:
                    arrow = "set arrow from %.2f, graph 0 to %.2f, graph 1 nohead dt 2\n" % (
                        float(start) - t0, float(start) - t0)
                except ValueError:
                    pass
            err = gnuplot(term + """set output '%s'
set title '%s: bounce pool use during an exhaustion storm (pool %s slots)'
set xlabel 'seconds'; set ylabel 'slots in use (io_tlb_used)'
set grid; set key right bottom; set yrange [0:%s*1.1]
%splot '%s' u 1:2 w steps lw 2 t 'io_tlb_used', %s w l dt 2 t 'pool size'
""" % (png, tag, nslabs, nslabs, arrow, os.path.basename(dat), nslabs), out)
            notes.append((png, err))
    return notes


def report(out, kernels):
    host = read(os.path.join(out, "host.txt")).strip()
    L = []
    J = {"host": keyvals(host), "kernels": {}, "targets": {}}
    L.append("swiotlb_stress benchmark: storm engine vs dma_map_benchmark, SWIOTLB scaling")
    L.append(host)
    clock = keyvals(host).get("clock", "wall")
    if clock.startswith("icount"):
        L.append("(clock %s: QEMU -icount, guest time counts guest instructions, 2^shift ns" % clock)
        L.append("each, so load on the host does not move it; one host thread runs the vCPUs")
        L.append("in turn, so with 2+ threads a timed call can include the other vCPU's turn)")
    L.append("")
    L.append("map/unmap: storm engine, verify=0, average ns per call with each sample cut to")
    L.append("100 ns (dma_map_benchmark's estimator). bmap/bumap: dma_map_benchmark's own")
    L.append("averages, in its 100 ns units, same threads/size/dir/mask, same boot. Each is")
    L.append("the median over rounds in which the two alternate. r.map, r.unm: ratio of those")
    L.append("medians; r.map+unmap: median of the per-round ratios storm/benchmark (each")
    L.append("round pairs runs a second apart), at the middle of the benchmark's rounding")
    L.append("interval, [lo-hi] its bounds (wide where the latency is a few 100 ns units).")
    L.append("notes: range of the per-round ratios and max/min of each side over its rounds")
    L.append("(how much the shared host moved). v1: verify=1 average ns; v1/v0: map+unmap")
    L.append("latency ratio; iter: time per whole iteration ratio (checks included).")
    all_sum = []
    all_verify = []
    for k in kernels:
        f = k.facts
        L.append("")
        L.append("=" * 100)
        L.append("kernel %s (%s)" % (f.get("kernel", "?"), k.name))
        L.append("boots: %s" % k.boot.replace("\n", "; "))
        L.append("guest: %s CPUs, %s kB; pool %s slots, SWIOTLB areas: %s%s" % (
            f.get("ncpu", "?"), f.get("mem_total_kb", "?"), f.get("swiotlb_nslabs", "?"),
            f.get("swiotlb_areas_dmesg") or "1",
            "" if f.get("swiotlb_areas_dmesg") else " (no 'area num' line in dmesg)"))
        mx = f.get("max_mapping_size_direct", "?")
        if mx == str(2 ** 64 - 1):
            mx = "unlimited (SIZE_MAX)"
        L.append("dma_max_mapping_size: bounce device (32-bit mask) %s, direct device (64-bit) %s" % (
            f.get("max_mapping_size_bounce", "?"), mx))
        bskip = f.get("bench_skip", "?")
        if bskip != "none":
            L.append("dma_map_benchmark comparison SKIPPED: %s" % bskip)
        if not k.cells:
            L.append("no cells measured (see %s)" % os.path.relpath(k.dir, out))
            continue
        L.append("")
        hdr = ("%-6s %2s %7s %-4s | %8s %8s | %5s %5s | %-5s %-5s %-17s | %8s %8s | %5s %5s | %9s | %s" % (
            "path", "th", "size", "dir", "map", "unmap", "bmap", "bumap", "r.map", "r.unm",
            "r.map+unmap", "v1 map", "v1 unm", "v1/v0", "iter", "v0 ops/s", "notes"))
        L.append(hdr)
        L.append("-" * len(hdr))
        kj = {"facts": f, "boot": k.boot, "cells": []}
        for key in sorted(k.cells, key=lambda x: (x[0] != "direct", x[1], x[2], x[3])):
            c = k.cells[key]
            s0, s1, r = c["s0"], c["s1"], c["ratio"]
            notes = []
            if c["refused"]:
                notes.append("REFUSED (map_errors_too_large %d/%d: past dma_max_mapping_size)" %
                             (s0["too_large"], s0["maps"]))
            elif s0.get("state") != "done":
                notes.append("storm %s" % s0.get("state"))
            for nm, sx in (("verify=0", s0), ("verify=1", s1)):
                if sx.get("state") == "done" and not sx.get("maps"):
                    notes.append("%s: no iteration ran (the thread got no CPU within the run)" % nm)
            if c["path_ok"] is False:
                notes.append("PATH MISMATCH bounced=%d direct=%d" % (s0["bounced"], s0["direct"]))
            if s0.get("unexpected"):
                notes.append("unexpected map errors %d" % s0["unexpected"])
            if c["bench_state"] not in ("ok", "skip"):
                notes.append("bench %s" % c["bench_state"])
            elif c["bench_state"] == "skip" and c["bench"] and c["bench"][-1].get("bench_error"):
                notes.append("bench n/a: %s" % c["bench"][-1]["bench_error"])
            if r and r.get("rounds"):
                notes.append("rounds %s-%s; spread storm x%s bench x%s" % (
                    fmt(min(r["rounds"])), fmt(max(r["rounds"])), fmt(r["storm_spread"]),
                    fmt(r["bench_spread"])))
            if "fail" in s1.get("verdicts", []):
                notes.append("verify=1 verdict fail")
            if c["refused"]:
                L.append("%-6s %2d %7s %-4s | %s" % (c["path"], c["threads"], size_name(c["size"]),
                                                       c["dir"], "; ".join(notes)))
            else:
                rs = ("%s-%s" % (fmt(r["sum_lo"]), fmt(r["sum_hi"]))) if r else ""
                L.append("%-6s %2d %7s %-4s | %8s %8s | %5s %5s | %-5s %-5s %-17s | %8s %8s | %5s %5s | %9s | %s" % (
                    c["path"], c["threads"], size_name(c["size"]), c["dir"],
                    fmt(s0.get("map_ns_avg_cut100"), 0), fmt(s0.get("unmap_ns_avg_cut100"), 0),
                    fmt(r and r["bench_map_100ns"], 0), fmt(r and r["bench_unmap_100ns"], 0),
                    fmt(r and r["map"]), fmt(r and r["unmap"]),
                    ("%s [%s]" % (fmt(r["sum"]), rs)) if r else "-",
                    fmt(s1.get("map_ns_avg"), 0), fmt(s1.get("unmap_ns_avg"), 0),
                    fmt(c["verify_lat"]), fmt(c["verify_iter"]),
                    fmt(s0.get("ops_per_s"), 0), "; ".join(notes)))
            if r and not c["refused"]:
                all_sum.append((k.name, c, r["sum"], r["sum_hi"]))
            if c["path"] == "bounce" and c["size"] == 4096 and c["verify_lat"] and not c["refused"]:
                all_verify.append((k.name, c))
            cj = {kk: c[kk] for kk in ("path", "threads", "size", "dir", "refused", "path_ok",
                                       "bench_state", "ratio", "verify_lat", "verify_iter")}
            cj["storm_verify0"] = s0
            cj["storm_verify1"] = s1
            cj["bench_runs"] = c["bench"]
            kj["cells"].append(cj)

        # scaling on the bounce path
        L.append("")
        th = k.threads()
        tmax = max(th)
        L.append("Bounce-path scaling (verify=0 map+unmap per second; areas: %s):" %
                 (f.get("swiotlb_areas_dmesg") or "1"))
        if clock.startswith("icount"):
            L.append("  (under -icount one host thread runs the vCPUs in turn: threads cannot")
            L.append("  scale here, and these figures are not a scaling measurement; --clock wall is)")
        scal = []
        for key in sorted(k.cells):
            if key[0] != "bounce" or key[1] != 1:
                continue
            c1 = k.cells[key]
            if c1["refused"] or not c1["s0"].get("ops_per_s"):
                continue
            row = {"size": key[2], "dir": key[3], "ops_1": c1["s0"]["ops_per_s"]}
            for t in th[1:]:
                ct = k.cells.get(("bounce", t, key[2], key[3]))
                if ct and ct["s0"].get("ops_per_s"):
                    row["ops_%d" % t] = ct["s0"]["ops_per_s"]
            scal.append(row)
            L.append("  %7s %-4s 1 thread %9s/s%s" % (
                size_name(key[2]), key[3], fmt(row["ops_1"], 0), "".join(
                    "  %d threads %9s/s (x%s)" % (t, fmt(row.get("ops_%d" % t), 0),
                                                   fmt(row["ops_%d" % t] / row["ops_1"])
                                                   if row.get("ops_%d" % t) else "-")
                    for t in th[1:])))
        kj["scaling"] = scal
        if len(th) == 1:
            L.append("  one guest CPU: no scaling measured")
        L.append("  largest thread count measured: %d (guest CPUs %s; host CPUs shared with other VMs)" %
                 (tmax, f.get("ncpu", "?")))

        # memory
        L.append("")
        L.append("Harness memory (one run on one device; the module refuses a run above run_memory_limit):")
        for m in k.mem:
            L.append("  threads %s size %s verify=%s: run_memory_bytes %s (%.1f MiB), MemFree drop seen during the run %s kB; limit %s" % (
                m.get("threads"), m.get("size"), m.get("verify"), m.get("run_memory_bytes"),
                (num(m, "run_memory_bytes", 0) or 0) / 1048576.0, m.get("memfree_drop_kb"),
                m.get("run_memory_limit")))
        L.append("  module text+data: %s bytes" % f.get("module_size", "?"))
        kj["memory"] = k.mem

        # timeline
        if k.timeline:
            used = [u for _, u in k.timeline]
            st = k.tl_stats
            L.append("")
            L.append("Exhaustion storm (pool %s slots, %s): %d samples, peak io_tlb_used %d; storm maps %s, map_errors_pool_full %s, unexpected %s, verdict %s" % (
                k.tl_meta.get("nslabs", "?"), k.tl_meta.get("spec", "?"), len(used), max(used),
                st.get("maps", "?"), st.get("map_errors_pool_full", "?"),
                st.get("map_errors_unexpected", "?"), st.get("verdict", "?")))
        kj["timeline"] = {"meta": k.tl_meta, "samples": k.timeline, "stats": k.tl_stats}
        J["kernels"][k.name] = kj

    # targets
    L.append("")
    L.append("=" * 100)
    L.append("Targets (measured):")
    if all_sum:
        worst = max(all_sum, key=lambda x: x[2])
        over = [x for x in all_sum if x[2] > TARGET_BENCH]
        L.append("  verify=0 map+unmap <= %.2fx dma_map_benchmark on every cell: %s (%d cells compared; worst %.2f at %s %s %d thr %s %s; %d over)" % (
            TARGET_BENCH, "MET" if not over else "NOT MET", len(all_sum), worst[2], worst[0],
            worst[1]["path"], worst[1]["threads"], size_name(worst[1]["size"]), worst[1]["dir"],
            len(over)))
        for x in over:
            L.append("      over: %s %s %d thr %s %s ratio %.2f (upper bound %s)" % (
                x[0], x[1]["path"], x[1]["threads"], size_name(x[1]["size"]), x[1]["dir"],
                x[2], fmt(x[3])))
        # How the ratios fall, and how far the benchmark moves against itself.
        summ = {}
        for kname in sorted({x[0] for x in all_sum}):
            for path in ("direct", "bounce"):
                rs = [x[2] for x in all_sum if x[0] == kname and x[1]["path"] == path]
                sp = [x[1]["ratio"]["bench_spread"] for x in all_sum
                      if x[0] == kname and x[1]["path"] == path and x[1]["ratio"].get("bench_spread")]
                if not rs:
                    continue
                n_ok = len([r for r in rs if r <= TARGET_BENCH])
                summ["%s/%s" % (kname, path)] = {
                    "cells": len(rs), "median": median(rs), "min": min(rs), "max": max(rs),
                    "within": n_ok, "below_1": len([r for r in rs if r < 1.0]),
                    "bench_self_spread_median": median(sp)}
                L.append("      %s %s: %d cells, ratio median %.2f (min %.2f, max %.2f), %d within %.2f, %d below 1.00; the benchmark's own max/min over its rounds: median x%s" % (
                    kname, path, len(rs), median(rs), min(rs), max(rs), n_ok, TARGET_BENCH,
                    len([r for r in rs if r < 1.0]), fmt(median(sp))))
        L.append("      (a benchmark that moves by more than 5% between its own rounds cannot resolve a 5% target: the ratios fall on both sides of 1)")
        J["targets"]["storm_vs_bench"] = {"limit": TARGET_BENCH, "met": not over,
                                          "cells": len(all_sum), "worst": worst[2],
                                          "summary": summ}
    else:
        L.append("  verify=0 vs dma_map_benchmark: NOT EVALUATED (no benchmark cell: see the skip reasons above)")
        J["targets"]["storm_vs_bench"] = {"limit": TARGET_BENCH, "met": None}
    if all_verify:
        worst = max(all_verify, key=lambda x: x[1]["verify_lat"])
        worst_it = max(all_verify, key=lambda x: x[1]["verify_iter"] or 0)
        met = worst[1]["verify_lat"] <= TARGET_VERIFY
        L.append("  verify=1 <= %.1fx verify=0 at 4 KiB bounce (map+unmap latency): %s (worst %.2f at %s %d thr %s)" % (
            TARGET_VERIFY, "MET" if met else "NOT MET", worst[1]["verify_lat"], worst[0],
            worst[1]["threads"], worst[1]["dir"]))
        for kname in sorted({x[0] for x in all_verify}):
            vs = [x[1] for x in all_verify if x[0] == kname]
            L.append("      %s, each 4 KiB bounce cell (threads/dir: latency ratio, iteration ratio): %s; median latency ratio %.2f" % (
                kname, ", ".join("%d/%s: %s, %s" % (c["threads"], c["dir"], fmt(c["verify_lat"]),
                                                    fmt(c["verify_iter"])) for c in vs),
                median([c["verify_lat"] for c in vs])))
        L.append("      (verify=1 is one run per cell against the median of the verify=0 rounds; the")
        L.append("      checks run outside the timed calls, so the latency ratio moves with the host;")
        L.append("      the iteration ratio is what verification costs in throughput)")
        L.append("      whole iteration (map, device side, checks, unmap): verify=1 costs up to %.2fx verify=0 (%s %d thr %s)" % (
            worst_it[1]["verify_iter"] or 0, worst_it[0], worst_it[1]["threads"], worst_it[1]["dir"]))
        J["targets"]["verify_cost"] = {"limit": TARGET_VERIFY, "met": met,
                                       "worst_latency_ratio": worst[1]["verify_lat"],
                                       "worst_iteration_ratio": worst_it[1]["verify_iter"]}
    else:
        L.append("  verify=1 vs verify=0 at 4 KiB bounce: NOT EVALUATED (no such cell)")
    refused = [(k.name, c) for k in kernels for c in k.cells.values() if c["refused"]]
    if refused:
        fast = [x for x in refused if x[1]["s0"].get("bounced")]
        L.append("  sizes past dma_max_mapping_size() on the bounce path: %d cells, every map refused (too_large) by the storm engine%s; none reported as a latency" % (
            len(refused), "" if not fast else " EXCEPT %d" % len(fast)))
        bref = [x for x in refused if x[1]["bench_state"].startswith("failed")]
        why = ""
        for k in kernels:
            for line in k.dmesg.splitlines():
                if "swiotlb_stress_bench" in line and "swiotlb buffer is full" in line:
                    why = "; the kernel logs: " + line.split("] ", 1)[-1]
                    break
            if why:
                break
        L.append("      dma_map_benchmark on the same cells: %d of %d failed (ENOMEM)%s" % (
            len(bref), len(refused), why))
    mems = [num(m, "run_memory_bytes") for k in kernels for m in k.mem if num(m, "run_memory_bytes")]
    lim = [num(m, "run_memory_limit") for k in kernels for m in k.mem if num(m, "run_memory_limit")]
    if mems:
        L.append("  harness memory per device bounded: largest run %.1f MiB, limit %.0f MiB enforced at run start: %s" % (
            max(mems) / 1048576.0, (lim[0] if lim else 0) / 1048576.0,
            "MET" if lim and max(mems) <= lim[0] else "NOT MET"))
    J["report"] = L
    with open(os.path.join(out, "report.txt"), "w") as f:
        f.write("\n".join(L) + "\n")
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump(J, f, indent=1, default=str)


def main():
    out = sys.argv[1]
    names = sorted(d for d in os.listdir(out)
                   if os.path.isfile(os.path.join(out, d, "boot.txt")))
    kernels = [Kernel(out, n) for n in names]
    report(out, kernels)
    bad = 0
    for png, err in plots(out, kernels):
        if err:
            print("plot %s: %s" % (png, err), file=sys.stderr)
            bad = 1
    with open(os.path.join(out, "report.txt"), "a") as f:
        f.write("\nPlots: %s\n" % ", ".join(sorted(p for p in os.listdir(out) if p.endswith(".png"))))
    return bad


if __name__ == "__main__":
    sys.exit(main())
