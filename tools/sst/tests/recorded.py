# SPDX-License-Identifier: GPL-2.0
"""The recorded runs under data/runs/ and how to build the model of one.

Each run has boots.tsv and console-N.log as tools/run.sh leaves them, and
expected/: what main's bash report code (tools/run.sh at 8c39d5b) wrote for
exactly those consoles, with the results folder replaced by @OUT@. The
findings, fingerprints and scenario headers of that commit are frozen in
data/top/, so the tests do not move when findings/ or scenarios/ change.
"""

import os
import shutil
import tempfile

from sst import model
from sst.findings import Findings

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
RUNS = os.path.join(DATA, "runs")
TOP = os.path.join(DATA, "top")

# run -> (kernel release, scenarios asked for)
KERNELS = {
    "612-fr001-mask-high": ("6.12.117+deb12-amd64", ["fr001-nvme-offsets", "mask-high"]),
    "612-truncated": ("6.12.117+deb12-amd64", ["fr001-nvme-offsets"]),
    "61-partial-sync": ("6.1.0-57-amd64", ["partial-sync"]),
    "61-panic": ("6.1.0-57-amd64", ["partial-sync"]),
    "61-hang": ("6.1.0-57-amd64", ["find-slots-hang"]),
    "61-badbytes": ("6.1.0-57-amd64", ["partial-sync"]),
    # console-1.log and console-1.log.results: the results channel
    "612-channel": ("6.12.117+deb12-amd64", ["edu-iommu-fault"]),
    "61-panic-channel": ("6.1.0-57-amd64", ["partial-sync"]),
    # tools/test.sh's matrix on 6.12, in the order it asked for them
    "612-default-set": ("6.12.117+deb12-amd64", (
        "edu-bad-input edu-data edu-iommu-fault edu-iommu-lazy edu-iommu "
        "edu-partial-sync edu-rmmod edu-timeout edu-untrusted find-slots-hang "
        "fr000-sas-32bit-high fr000-sas-mask-high fr000-sas-mask-low "
        "fr001-nvme-offsets fr002-no-pool fr003-legacy-480k "
        "fr003-legacy-default-mask fr004-force-all-cpus mask-high "
        "partial-sync").split()),
}


def findings(known=None):
    return Findings(known=known or os.path.join(TOP, "findings", "known.tsv"),
                    fingerprints=os.path.join(TOP, "findings", "fingerprints.tsv"))


def copy_run(name, dest):
    """boots.tsv and the consoles of NAME into DEST (a results folder)."""
    src = os.path.join(RUNS, name)
    for f in os.listdir(src):
        if f == "boots.tsv" or f.startswith("console-"):
            shutil.copy(os.path.join(src, f), dest)


def expected(name, fname, out):
    """An expected file of NAME as bytes, @OUT@ replaced by OUT."""
    with open(os.path.join(RUNS, name, "expected", fname), "rb") as f:
        return f.read().replace(b"@OUT@", out.encode())


def expected_names(name):
    return sorted(os.listdir(os.path.join(RUNS, name, "expected")))


class RunDir:
    """A temporary results folder holding one recorded run, its model
    built and its files written, as tools/run.sh would leave them."""

    def __init__(self, name, known=None):
        self.name = name
        self.tmp = tempfile.TemporaryDirectory(prefix="sst-test-")
        self.out = self.tmp.name
        copy_run(name, self.out)
        kver, scns = KERNELS[name]
        self.run = model.build_run(kver, model.read_boots(self.out), scns,
                                   kdir="/lib/modules/%s/build" % kver,
                                   out=self.out, findings=findings(known), top=TOP)

    def write(self):
        from sst import views
        model.write_files(self.run)
        views.write_all(self.run)
        return self

    def read(self, fname):
        with open(os.path.join(self.out, fname), "rb") as f:
            return f.read()

    def close(self):
        self.tmp.cleanup()
