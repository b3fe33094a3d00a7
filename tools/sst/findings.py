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
            r"DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|IO_PAGE_FAULT|"
            r"arm-smmu-v3 .*event 0x[0-9a-f]+ received|arm-smmu-v3 .*EVTQ overflow")


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
               "source", "notes", "probe")

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
    # The lines whose trees every probe was checked against: only there
    # does a probe that is not found mean "lacks".
    PROBED_LINES = ((6, 1), (6, 12))

    def in_kernel(self, base, upstream=None, ksrc=None):
        """Whether a kernel has this fix: (status, why). BASE is its
        mainline release (major, minor), UPSTREAM its exact upstream
        version ("6.1.192", from Debian's banner) or None, KSRC its source
        tree or None. Status: "has", "lacks", "n/a" (the bug it fixes is
        not in that tree), "superseded", or "unknown" (a fix newer than the
        kernel's base release; whether a stable release took it is not
        known here). With a tree, the row's probe decides; a row without
        one is judged as without a tree."""
        probe = Probe.parse(self.probe)
        if ksrc and probe is not None:
            status, why = probe.judge(ksrc)
            if status == "lacks" and base not in self.PROBED_LINES:
                # A probe is a line of the fixed code as 6.1 and 6.12
                # have it; other lines may carry the fix written
                # otherwise (5.10.47's backport of 5f89468e2f06 is).
                return ("unknown", "%s; the probes were checked on the 6.1 and 6.12 "
                        "trees only, and %d.%d may carry the fix in other words"
                        % ((why,) + base if base else (why, 0, 0)))
            return status, why
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
                "in_6.1.192": self.in_6_1, "in_6.12.117": self.in_6_12,
                "probe": self.probe if self.probe not in ("", "-") else None}


class ProbeError(ValueError):
    """A probe of findings/fingerprints.tsv that cannot be read."""


class Probe:
    """A source probe of a fix (findings/fingerprints.tsv, column probe):
    TERM[ AND TERM]...[ n/a-if TERM[ AND TERM]...], a TERM being
    FILE:REGEX (REGEX found in FILE, relative to the tree's root) or
    !FILE:REGEX (FILE exists and REGEX is not in it). The fix terms all
    hold: has; else lacks; but first, when the n/a-if terms all hold, the
    tree does not have the bug: n/a. A FILE missing from the tree is
    "not found" (so a fix term fails, a ! term fails too)."""

    AND, NA = " AND ", " n/a-if "

    def __init__(self, text):
        self.text = text
        fix, _, na = text.partition(self.NA)
        self.fix = [self._term(t) for t in fix.split(self.AND)]
        self.na = [self._term(t) for t in na.split(self.AND)] if na else []

    @classmethod
    def parse(cls, text):
        """None for '-' or an empty cell."""
        return None if text in ("", "-", None) else cls(text)

    @staticmethod
    def _term(t):
        neg = t.startswith("!")
        path, sep, rx = t[1:].partition(":") if neg else t.partition(":")
        if not sep or not path or not rx or path.startswith("/") or ".." in path.split("/"):
            raise ProbeError("probe term %r is not [!]FILE:REGEX" % t)
        try:
            return (neg, path, re.compile(rx, re.M))
        except re.error as e:
            raise ProbeError("probe term %r: bad regex: %s" % (t, e))

    @staticmethod
    def _holds(ksrc, term):
        neg, path, rx = term
        text = _read_source(os.path.join(ksrc, path))
        if text is None:
            return False
        return (rx.search(text) is None) if neg else (rx.search(text) is not None)

    def judge(self, ksrc):
        """(status, why) for the tree KSRC."""
        if self.na and all(self._holds(ksrc, t) for t in self.na):
            return ("n/a", "probe %s holds in %s: the bug it fixes is not in this tree"
                    % (self.text.partition(self.NA)[2], ksrc))
        fix = self.text.partition(self.NA)[0]
        if all(self._holds(ksrc, t) for t in self.fix):
            return ("has", "probe %s found in %s" % (fix, ksrc))
        return ("lacks", "probe %s not found in %s" % (fix, ksrc))


_SOURCES = {}


def _read_source(path):
    """A source file's text (cached; None when it cannot be read)."""
    if path not in _SOURCES:
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                _SOURCES[path] = f.read()
        except OSError:
            _SOURCES[path] = None
    return _SOURCES[path]


def ksrc_problem(path):
    """None if PATH is a kernel source tree a probe can read, else what is
    wrong with it (one line)."""
    if not os.path.isdir(path):
        return "%s is not a directory" % path
    try:
        with open(os.path.join(path, "Makefile"), encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        head = ""
    if not re.search(r"^VERSION = [0-9]+$", head, re.M):
        return "%s is not a kernel source tree (no Makefile with VERSION =)" % path
    if not os.path.isdir(os.path.join(path, "kernel", "dma")):
        return "%s is not a kernel source tree (no kernel/dma/)" % path
    return None


def ksrc_version(path):
    """"6.1.192" from a tree's Makefile (VERSION, PATCHLEVEL, SUBLEVEL), or None."""
    try:
        with open(os.path.join(path, "Makefile"), encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return None
    v = [re.search(r"^%s = ([0-9]+)$" % k, head, re.M)
         for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")]
    if not all(v):
        return None
    return ".".join(m.group(1) for m in v)


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
        elif klass in ("map_errors_pool_full", "map_errors_pool_too_small",
                       "map_errors_unexpected"):
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
