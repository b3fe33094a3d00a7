# SPDX-License-Identifier: GPL-2.0
"""python3 -m sst COMMAND ... (from tools/, or PYTHONPATH=tools).

  collect OUT --kernel-name KVER [--kdir DIR] [--ksrc DIR] [--kernel-image IMAGE]
          [--host] [--xen] [--wall-seconds S] [--jobs N] [-v] SCENARIO...
        the run in OUT (boots.tsv, console-N.log) -> the files the guest
        sent, results.txt, report.txt, results.ktap, summary.json,
        checks.tsv; prints the one-screen summary (-v: the full report and
        the KTAP); exits 0/1/2/4 as tools/run.sh does. --ksrc: the kernel's
        source tree, read by the fixes' probes (findings/fingerprints.tsv);
        without it, a kernel IMAGE tools/sst/debian.py fetched gets the
        linux-source tree of its version if the cache has one
  ksrc DIR
        exit 0 if DIR is a kernel source tree the probes can read, else say
        what is wrong in one line and exit 3 (tools/run.sh --ksrc)
  progress start|end OUT N M ELAPSED [SCENARIO...]
        the progress line of boot N of M (sst/progress.py)
  lava jobs|collect ...
        LAVA jobs for a run's boots, and their results back (sst/lava.py)
  matrix OUT RUN_DIR... | verdict BEFORE AFTER | matrix-cells OUT | farm RUN_DIR...
        the scenario x kernel matrix and the backport verdict of finished
        runs, and what a farm would take for their boots (sst/matrix.py)
"""

import argparse
import os
import sys


def cmd_collect(a):
    from . import model, views
    if not os.path.isdir(a.out):
        sys.stderr.write("sst collect: %s is not a directory\n" % a.out)
        return 3
    try:
        boots = model.read_boots(a.out)
    except OSError as e:
        sys.stderr.write("sst collect: %s\n" % e)
        return 3
    ksrc, how = kernel_tree(a)
    if ksrc is False:
        sys.stderr.write("sst collect: --ksrc %s\n" % how)
        return 3
    run = model.build_run(a.kernel_name, boots, a.scenarios, kdir=a.kdir,
                          out=a.out, host=a.host, xen=a.xen, ksrc=ksrc, ksrc_how=how)
    run.wall, run.jobs = a.wall_seconds, a.jobs
    model.write_files(run)
    views.write_all(run)
    if a.verbose:
        sys.stdout.write(views.report(run))
        sys.stdout.write("\n")
        sys.stdout.write(views.ktap(run))
    else:
        sys.stdout.write(views.screen(run))
    return run.status


def kernel_tree(a):
    """(tree, how) for the fixes' probes: --ksrc, else the linux-source tree
    of a fetched Debian kernel; (None, why not) without one; (False, what
    is wrong) for a bad --ksrc."""
    from . import findings
    if a.ksrc:
        bad = findings.ksrc_problem(a.ksrc)
        if bad:
            return False, bad
        return os.path.abspath(a.ksrc), "--ksrc; its Makefile says %s" % (
            findings.ksrc_version(a.ksrc) or "no version")
    if a.kernel_image:
        from . import debian
        return debian.source_tree(a.kernel_image)
    return None, ""


def cmd_ksrc(argv):
    from . import findings
    if len(argv) != 1:
        sys.stderr.write("usage: python3 -m sst ksrc DIR\n")
        return 3
    bad = findings.ksrc_problem(argv[0])
    if bad:
        sys.stderr.write("--ksrc %s\n" % bad)
        return 3
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["progress"]:
        from . import progress
        return progress.main(argv[1:])
    if argv[:1] == ["ksrc"]:
        return cmd_ksrc(argv[1:])
    if argv[:1] and argv[0] in ("matrix", "verdict", "matrix-cells", "farm"):
        from . import matrix
        return matrix.main(argv[0], argv[1:])
    if argv[:1] == ["lava"]:
        from . import lava
        return lava.main(argv[1:])
    p = argparse.ArgumentParser(prog="sst", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="results of a tools/run.sh run")
    c.add_argument("out")
    c.add_argument("--kernel-name", required=True)
    c.add_argument("--kdir", default="")
    c.add_argument("--ksrc", default="")
    c.add_argument("--kernel-image", default="")
    c.add_argument("--host", action="store_true")
    c.add_argument("--xen", action="store_true")
    c.add_argument("-v", "--verbose", action="store_true")
    c.add_argument("--wall-seconds", type=int, default=None,
                   help="the run's wall time (boots may have run at once)")
    c.add_argument("--jobs", type=int, default=1, help="boots that ran at once")
    c.add_argument("scenarios", nargs="*")
    c.set_defaults(fn=cmd_collect)
    a, rest = p.parse_known_args(argv)
    # Scenario names after the options (collect OUT --kernel-name K S1 S2).
    bad = [r for r in rest if r.startswith("-")]
    if bad:
        p.error("unrecognized arguments: " + " ".join(bad))
    a.scenarios += rest
    try:
        return a.fn(a)
    except Exception:  # a bug here is not a kernel's failed check
        import traceback
        traceback.print_exc()
        sys.stderr.write("sst: internal error (exit 3)\n")
        return 3


if __name__ == "__main__":
    sys.exit(main())
