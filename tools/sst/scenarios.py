# SPDX-License-Identifier: GPL-2.0
"""Scenario files (scenarios/*.sh): their '# key: value' header lines."""

import os

from . import TOP


def scenario_dir(top=None):
    return os.path.join(top or TOP, "scenarios")


def meta(name, key, top=None):
    """The first '# KEY: value' line of scenarios/NAME.sh ('' if none), as
    run.sh's scn_meta reads it."""
    path = os.path.join(scenario_dir(top), name + ".sh")
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                line = line.rstrip("\n")
                prefix = "# " + key + ":"
                if line.startswith(prefix):
                    return line[len(prefix):].lstrip(" ")
    except OSError:
        pass
    return ""


def all_names(top=None):
    d = scenario_dir(top)
    return sorted(f[:-3] for f in os.listdir(d) if f.endswith(".sh"))


def backend(name, top=None):
    """Who plays the device: the CPU (fake devices), QEMU's edu engine,
    behind a vIOMMU or not (matrix.sh's backend())."""
    q = meta(name, "qemu", top)
    if "edu" in q and "viommu" in q:
        return "edu+iommu"
    if "edu" in q:
        return "edu"
    return "cpu"
