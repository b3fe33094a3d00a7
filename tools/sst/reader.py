# SPDX-License-Identifier: GPL-2.0
"""The console reader of vm_boot (tools/lib/vm.sh): QEMU's serial output on
stdin -> the console log, carriage returns dropped (as sed 's/\\r//g' did),
every byte kept otherwise and written as it comes; with --echo, to stdout
too. With --marks FILE it appends "NAME SECONDS" to FILE the first time a
line opens with one of MARKERS, SECONDS counted from --t0 (the epoch time
QEMU was started; default: when the reader started).

  python3 tools/sst/reader.py LOG [--marks FILE] [--t0 EPOCH] [--echo]

It ends at end of input (QEMU and everything holding its output gone). It
imports nothing from the sst package, so it runs by its path.
"""

import os
import sys
import time

# Line openings worth a time stamp, and the name each gets in --marks.
MARKERS = ((b"SST-GUEST-START", "guest_start"),
           (b"SST-STORM ", "first_storm"),
           (b"SST-GUEST-END", "guest_end"))

# A line longer than this is only searched for markers at its start.
MAX_LINE = 4096


class Reader:
    """Feed it chunks; it gives back the bytes for the log and notes the
    first time each marker opens a line (self.marks: name -> seconds)."""

    def __init__(self, t0):
        self.t0 = t0
        self.marks = {}
        self.order = []     # names in the order first seen
        self._line = b""    # the start of the current line (MAX_LINE at most)
        self._long = False  # the current line passed MAX_LINE

    def feed(self, chunk, now):
        data = chunk.replace(b"\r", b"")
        parts = data.split(b"\n")
        for k, part in enumerate(parts):
            if not self._long:
                self._line += part
                if len(self._line) >= MAX_LINE:
                    self._line = self._line[:MAX_LINE]
                    self._long = True
                self._look(now)
            if k < len(parts) - 1:  # a newline ended this line
                self._line = b""
                self._long = False
        return data

    def _look(self, now):
        for m, name in MARKERS:
            if name not in self.marks and self._line.startswith(m):
                self.marks[name] = round(now - self.t0, 1)
                self.order.append(name)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    log = marks = None
    t0 = time.time()
    echo = False
    while argv:
        a = argv.pop(0)
        if a == "--marks" and argv:
            marks = argv.pop(0)
        elif a == "--t0" and argv:
            t0 = float(argv.pop(0).replace(",", "."))
        elif a == "--echo":
            echo = True
        elif log is None and not a.startswith("-"):
            log = a
        else:
            sys.stderr.write("reader.py: usage: reader.py LOG [--marks FILE] [--t0 EPOCH] [--echo]\n")
            return 2
    if log is None:
        sys.stderr.write("reader.py: no LOG\n")
        return 2
    r = Reader(t0)
    out = open(log, "wb", buffering=0)
    mk = open(marks, "a", buffering=1) if marks else None
    fd = sys.stdin.fileno()
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen = len(r.order)
        data = r.feed(chunk, time.time())
        out.write(data)
        if echo:
            try:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            except (BrokenPipeError, OSError):
                echo = False  # the log goes on
        if mk:
            for name in r.order[seen:]:
                mk.write("%s %s\n" % (name, r.marks[name]))
    out.close()
    if mk:
        mk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
