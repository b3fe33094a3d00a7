#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copies selftests/ into a kernel tree as tools/testing/selftests/
# swiotlb_stress/, with the module's private protocol header in uapi/ (in-tree
# selftests reach such headers by a relative path into the tree; ours lives
# in this repository), so the kernel's own runner can run them:
#   make -C LINUX/tools/testing/selftests TARGETS=swiotlb_stress run_tests
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ktree=${1:-}
if [ -z "$ktree" ] || [ ! -f "$ktree/tools/testing/selftests/lib.mk" ]; then
	echo "usage: tools/kselftest-install.sh LINUX_TREE (a tree with tools/testing/selftests/lib.mk)" >&2
	exit 3
fi
dst=$ktree/tools/testing/selftests/swiotlb_stress
rm -rf "$dst"
mkdir -p "$dst/uapi"
cp "$SST_TOP"/selftests/{Makefile,settings,config,ktap.h,sst_ctl.h,functions.sh} "$dst/"
cp "$SST_TOP"/selftests/*.c "$SST_TOP"/selftests/*.sh "$dst/"
cp "$SST_TOP/swiotlb_stress_uapi.h" "$dst/uapi/"
echo "$dst"
