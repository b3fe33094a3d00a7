# SPDX-License-Identifier: GPL-2.0
"""The progress lines tools/run.sh prints on stderr, one as each boot starts
and one as it ends, from the boots.tsv rows written so far:

  # boot 2 of 5: fr003-legacy-default-mask fr004-force-all-cpus; 3m12s elapsed, about 6m30s left
  # boot 2 of 5: ok in 1m40s, first storm 41s after QEMU started; 4m52s elapsed, about 4m50s left

The estimate of the rest is the mean wall time of the boots done (the
rows of boots.tsv) times the boots not done (the one starting counts as
not done), divided by the boots run at once (SST_JOBS, tools/run.sh
--jobs; 1 if unset); before the first boot ends there is none.

  python3 -m sst progress start OUT N M ELAPSED SCENARIO...
  python3 -m sst progress end OUT N M ELAPSED
"""

import os
import sys


def fmt(secs):
    """Seconds as "42s", "3m05s" or "1h02m"."""
    secs = int(round(secs))
    if secs < 60:
        return "%ds" % secs
    if secs < 3600:
        return "%dm%02ds" % (secs // 60, secs % 60)
    return "%dh%02dm" % (secs // 3600, secs % 3600 // 60)


def rows(out):
    """boots.tsv as dicts with n, verdict, elapsed (int or None),
    watchdog and first_storm (str, "" if none)."""
    from .model import boots_tsv
    try:
        res = boots_tsv(out)
    except OSError:
        return []
    for d in res:
        d["elapsed"] = int(d["elapsed"]) if d["elapsed"].isdigit() else None
    return res
    with f:
        for line in f:
            fs = line.rstrip("\n").split("\t")
            if not fs[0].isdigit():
                continue
            fs += [""] * (len(Boot.FIELDS) - len(fs))
            d = dict(zip(Boot.FIELDS, fs))
            d["elapsed"] = int(d["elapsed"]) if d["elapsed"].isdigit() else None
            res.append(d)
    return res


def jobs():
    v = os.environ.get("SST_JOBS", "1")
    return int(v) if v.isdigit() and int(v) > 0 else 1


def estimate(done, left, njobs=1):
    """The rest of a run with LEFT boots not done: the mean wall time of
    the boots DONE (rows) times LEFT, over NJOBS boots at once; None when
    none is done."""
    times = [d["elapsed"] for d in done if d["elapsed"] is not None]
    if not times:
        return None
    return sum(times) / len(times) * max(left, 0) / max(1, min(njobs, max(left, 1)))


def _tail(done, left, elapsed):
    s = "%s elapsed" % fmt(elapsed)
    if left <= 0:
        return s
    rest = estimate(done, left, jobs())
    if rest is None:
        return s + ", no estimate before a boot ends"
    return s + ", about %s left" % fmt(rest)


def start_line(out, n, m, elapsed, scenarios):
    done = rows(out)
    # Boot N starts: it and every boot not in boots.tsv yet are left
    # (boots that run at once end in any order).
    return "# boot %d of %d: %s; %s" % (n, m, " ".join(scenarios), _tail(done, m - len(done), elapsed))


def end_line(out, n, m, elapsed):
    done = rows(out)
    this = next((d for d in done if d["n"] == str(n)), None)
    if this is None:
        return "# boot %d of %d: not recorded in boots.tsv; %s" % (n, m, _tail(done, m - len(done), elapsed))
    s = "# boot %d of %d: %s" % (n, m, this["verdict"])
    if this["elapsed"] is not None:
        s += " in %s" % fmt(this["elapsed"])
    wd = this.get("watchdog", "")
    if wd == "kill":
        s += " (QEMU did not end on SIGTERM: the watchdog SIGKILLed it)"
    elif wd == "term":
        s += " (stopped by the watchdog at the %ss timeout)" % this["timeout"]
    fs = this.get("first_storm", "")
    if fs:
        s += ", first storm %s after QEMU started" % fmt(float(fs))
    else:
        s += ", no storm on the console"
    return s + "; " + _tail(done, m - len(done), elapsed)


def main(argv):
    try:
        what, out, n, m, elapsed = argv[:5]
        n, m, elapsed = int(n), int(m), int(elapsed)
    except ValueError:
        sys.stderr.write(__doc__.split("\n\n")[-1] + "\n")
        return 3
    if what == "start":
        print(start_line(out, n, m, elapsed, argv[5:]))
    elif what == "end":
        print(end_line(out, n, m, elapsed))
    else:
        sys.stderr.write("sst progress: start or end, not %r\n" % what)
        return 3
    return 0
