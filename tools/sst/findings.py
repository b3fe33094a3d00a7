# SPDX-License-Identifier: GPL-2.0
"""Known findings (findings/known.tsv), kernel log splats, and fingerprints
(findings/fingerprints.tsv): the Python side of tools/lib/findings.sh."""

import fnmatch
import os
import re

from . import TOP

# Kernel log lines that open a splat: any of them fails a run. The same
# expression as SST_SPLAT_RE in tools/lib/findings.sh (a unit test keeps
# them equal).
SPLAT_RE = (r"BUG:|Oops|WARNING:|general protection|Kernel panic|UBSAN:|"
            r"suspected memory leak|possible recursive locking|circular locking|"
            r"INFO: task .* blocked|scheduling while atomic|DMA-API: .*device driver|"
            r"DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|IO_PAGE_FAULT")


def _glob(pattern, name):
    """bash [[ NAME == PATTERN ]]: a shell glob over the whole string."""
    return fnmatch.fnmatchcase(name, pattern)


def _strip_stamp(line):
    line = line[2:] if line.startswith("| ") else line
    return re.sub(r"^\[[^]]*\] ", "", line, count=1)


class Finding:
    def __init__(self, kglob, pattern, log_re, text):
        self.kglob = kglob
        self.pattern = pattern
        self.log_re = None if log_re in ("", "-") else log_re
        self.text = text

    @property
    def id(self):
        return self.text.split(":", 1)[0]


class Fingerprint:
    COLUMNS = ("klass", "commit", "release", "title", "in_6_1", "in_6_12",
               "source", "notes")

    def __init__(self, fields):
        fields = list(fields) + [""] * (len(self.COLUMNS) - len(fields))
        for k, v in zip(self.COLUMNS, fields):
            setattr(self, k, v)

    def line(self):
        rel = "release not verified" if self.release == "-" else self.release
        commit = "commit id not verified" if self.commit == "-" else self.commit
        return '"%s" (%s, %s)' % (self.title, rel, commit)

    # The Debian trees the table's in_6.1.192 and in_6.12.117 columns judge.
    TREES = {"6.1.192": "in_6_1", "6.12.117": "in_6_12"}

    def in_kernel(self, base, upstream=None):
        """Whether a kernel has this fix: (status, why). BASE is its
        mainline release (major, minor), UPSTREAM its exact upstream
        version ("6.1.192", from Debian's banner) or None. Status: "has",
        "lacks", "n/a" (the bug it fixes is not in that tree),
        "superseded", or "unknown" (a fix newer than the kernel's base
        release; whether a stable release took it is not known here)."""
        col = self.TREES.get(upstream)
        v = getattr(self, col) if col else ""
        if v in ("yes", "no", "n/a", "superseded"):
            return ({"yes": "has", "no": "lacks"}.get(v, v),
                    "Debian %s's tree, read for findings/fingerprints.tsv" % upstream)
        rel = release_tuple(self.release)
        if rel is None or base is None:
            return ("unknown", "first release not verified")
        if rel <= base:
            return ("has", "in mainline %s, which %d.%d follows" % ((self.release,) + base))
        return ("unknown", "in mainline %s, after %d.%d; a stable backport is not known here"
                % ((self.release,) + base))

    def as_dict(self):
        return {"class": self.klass, "title": self.title,
                "release": None if self.release == "-" else self.release,
                "commit": None if self.commit == "-" else self.commit,
                "in_6.1.192": self.in_6_1, "in_6.12.117": self.in_6_12}


def release_tuple(v):
    """"v6.9", "6.12" or "6.1.0-57-amd64" -> (major, minor); None if none."""
    m = re.match(r"^v?([0-9]+)\.([0-9]+)", v or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def _rows(path):
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                yield line.split("\t")
    except OSError:
        return


class Findings:
    def __init__(self, known=None, fingerprints=None, top=None):
        top = top or TOP
        self.known_path = known or os.environ.get("SST_FINDINGS") or \
            os.path.join(top, "findings", "known.tsv")
        self.fp_path = fingerprints or os.environ.get("SST_FINGERPRINTS") or \
            os.path.join(top, "findings", "fingerprints.tsv")
        self.known = [Finding(*(r + [""] * 4)[:4]) for r in _rows(self.known_path)]
        self.fingerprints = [Fingerprint(r) for r in _rows(self.fp_path)]

    # sst_finding_for
    def finding_for(self, kver, name):
        for f in self.known:
            if _glob(f.kglob, kver) and _glob(f.pattern, name):
                return f
        return None

    # sst_finding_log_regex
    def log_regex(self, kver):
        return "|".join(f.log_re for f in self.known
                        if f.log_re and _glob(f.kglob, kver))

    # sst_finding_for_log
    def finding_for_log(self, kver, line):
        for f in self.known:
            if f.log_re and _glob(f.kglob, kver) and re.search(f.log_re, line):
                return f
        return None

    # sst_log_check
    def log_check(self, kver, lines, expect=""):
        """The verdict on a kernel log a scenario produced: (verdict, reason,
        finding or None)."""
        splats = [l for l in lines if re.search(SPLAT_RE, l)]
        if not splats:
            return ("pass", "no warning, BUG, KASAN, lockdep or DMA-API report", None)
        rest = [l for l in splats if not (expect and re.search(expect, l))]
        if not rest:
            return ("pass", "only what this scenario expects the kernel to print: "
                    + _strip_stamp(splats[0]), None)
        finding = None
        for l in rest:
            finding = self.finding_for_log(kver, l)
            if finding is None:
                return ("fail", _strip_stamp(l), None)
        return ("fail", _strip_stamp(rest[0]), finding)

    # sst_fingerprints
    @staticmethod
    def fix_class(check, verdict_or_reason=""):
        klass = check.rsplit(".", 1)[-1]
        if klass == "map_errors_no_pool":
            klass = "no_pool"
        elif klass in ("map_errors_pool_full", "map_errors_unexpected"):
            klass = "errors"
        elif klass in ("dma_mask_bits", "required_mask_bits"):
            klass = "mask"
        elif klass == "scenario" and verdict_or_reason == "panic":
            klass = "panic"
        elif klass == "scenario" and verdict_or_reason == "timeout":
            # The kernel stopped answering inside the scenario: the
            # class of a DMA call that never returns.
            klass = "hang"
        elif klass == "kernel_log" and "Kernel panic" in (verdict_or_reason or ""):
            klass = "panic"
        return klass

    def fixes_for(self, check, verdict_or_reason=""):
        klass = self.fix_class(check, verdict_or_reason)
        return [fp for fp in self.fingerprints if fp.klass == klass]
