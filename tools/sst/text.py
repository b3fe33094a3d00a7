# SPDX-License-Identifier: GPL-2.0
"""Making kernel text safe for one-line fields (KTAP, TSV, the report).

Console text is decoded with surrogateescape (sst.console): an invalid
UTF-8 byte B is the code point U+DC00+B. clean() shows such a byte and
every control character but tab as \\xNN, and a tab as a blank, so the
result is valid UTF-8 on one line, and JSON of it is valid JSON.
"""

import re

_BAD = re.compile("[\x00-\x08\x0a-\x1f\x7f\udc80-\udcff]")


def _esc(m):
    c = ord(m.group(0))
    if c >= 0xDC80:
        c -= 0xDC00
    return "\\x%02x" % c


def clean(s):
    if s is None:
        return ""
    return _BAD.sub(_esc, s).replace("\t", " ")


def raw(s):
    """The bytes a decoded line came from."""
    return s.encode("utf-8", errors="surrogateescape")
