# SPDX-License-Identifier: GPL-2.0
"""python3 -m sst COMMAND ... (PYTHONPATH=tools), or tools/sst-report.

  collect OUT --kernel-name KVER [--kdir DIR] [--host] [--xen] [-v] SCENARIO...
        the run in OUT (boots.tsv, console-N.log) -> the files the guest
        sent, results.txt, report.txt, results.ktap, summary.json,
        checks.tsv; prints the one-screen summary (-v: the report and the
        KTAP); exits 0/1/2 as tools/run.sh does
  matrix OUT [--expect-known] [--scenario S]... DIR...
        the scenario x kernel table of finished runs (matrix.txt,
        matrix.json); exits 0/1/2 as tools/matrix.sh does
  verdict BEFORE_DIR AFTER_DIR
        the backport verdict between two finished runs
  cell DIR SCENARIO
        one cell of the matrix
  boot --timeout S [--grace G] --log FILE [--tee] -- QEMU ARGS...
        run QEMU under the wall-time watchdog (sst.watchdog)
"""

import argparse
import os
import sys


def cmd_collect(a):
    from . import model, views
    boots = model.read_boots(a.out)
    run = model.build_run(a.kernel_name, boots, a.scenarios, kdir=a.kdir,
                          out=a.out, host=a.host, xen=a.xen)
    model.write_files(run)
    views.write_all(run)
    if a.verbose:
        sys.stdout.write(views.report(run))
        sys.stdout.write("\n")
        sys.stdout.write(views.ktap(run))
    else:
        sys.stdout.write(views.screen(run))
    return run.status


def cmd_matrix(a):
    from . import matrix
    m = matrix.Matrix(a.dirs, scenarios=a.scenario or None)
    with open(os.path.join(a.out, "matrix.txt"), "w", encoding="utf-8") as f:
        f.write(m.table())
    with open(os.path.join(a.out, "matrix.json"), "w", encoding="utf-8") as f:
        f.write(m.json())
    sys.stdout.write(m.table())
    return m.worst(a.expect_known)


def cmd_verdict(a):
    from . import matrix
    for d in (a.before, a.after):
        if not (os.access(os.path.join(d, "checks.tsv"), os.R_OK) and
                os.access(os.path.join(d, "report.txt"), os.R_OK)):
            sys.stderr.write("sst: %s is not a finished tools/run.sh result folder (no checks.tsv)\n" % d)
            return 3
    sys.stdout.write(matrix.verdict_between(a.before, a.after))
    return 0


def cmd_cell(a):
    from . import matrix
    print(matrix.cell(a.dir, a.scenario))
    return 0


def cmd_boot(a):
    from . import watchdog
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        sys.stderr.write("sst boot: no command\n")
        return 4
    return watchdog.run(cmd, a.timeout, a.log, grace=a.grace, tee=a.tee,
                        record=a.record)


def main(argv=None):
    p = argparse.ArgumentParser(prog="sst", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("out")
    c.add_argument("--kernel-name", required=True)
    c.add_argument("--kdir", default="")
    c.add_argument("--host", action="store_true")
    c.add_argument("--xen", action="store_true")
    c.add_argument("-v", "--verbose", action="store_true")
    c.add_argument("scenarios", nargs="*")
    c.set_defaults(fn=cmd_collect)
    m = sub.add_parser("matrix")
    m.add_argument("out")
    m.add_argument("--expect-known", action="store_true")
    m.add_argument("--scenario", action="append")
    m.add_argument("dirs", nargs="+")
    m.set_defaults(fn=cmd_matrix)
    v = sub.add_parser("verdict")
    v.add_argument("before")
    v.add_argument("after")
    v.set_defaults(fn=cmd_verdict)
    e = sub.add_parser("cell")
    e.add_argument("dir")
    e.add_argument("scenario")
    e.set_defaults(fn=cmd_cell)
    b = sub.add_parser("boot")
    b.add_argument("--timeout", type=float, required=True)
    b.add_argument("--grace", type=float, default=5.0)
    b.add_argument("--log", required=True)
    b.add_argument("--record", default=None,
                   help="where to write what the watchdog did (default LOG.watchdog)")
    b.add_argument("--tee", action="store_true")
    b.add_argument("cmd", nargs=argparse.REMAINDER)
    b.set_defaults(fn=cmd_boot)
    a, rest = p.parse_known_args(argv)
    if rest:
        # Positionals after options (collect OUT --kernel-name K S1 S2).
        if a.command not in ("collect", "matrix") or any(r.startswith("-") for r in rest):
            p.error("unrecognized arguments: " + " ".join(rest))
        if a.command == "collect":
            a.scenarios += rest
        else:
            a.dirs += rest
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
