# SPDX-License-Identifier: GPL-2.0
"""swiotlb_stress host side: one results model and its views.

The guest's console (and the files tools/run.sh keeps per device) is parsed
once (sst.console, sst.model) into scenarios, devices, storms, checks,
findings and fingerprints (sst.findings); the report, KTAP, JSON, checks.tsv
and the one-screen summary are views of that model (sst.views). sst.debian
fetches Debian kernels. Standard library only (Python 3.11, Debian 12's
/usr/bin/python3).
"""

import os

# The project's top directory (tools/sst/__init__.py -> ../..).
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
