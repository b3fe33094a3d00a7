#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the Debian package swiotlb-stress-dkms (dkms.conf, debian/) into
# OUTDIR: the module's sources, dkms.conf and debian/ are copied to a
# temporary directory and built there with dpkg-buildpackage -us -uc -b, so
# nothing is written into the tree. Prints the .deb's path.
# Needs: dpkg-dev debhelper dh-dkms (apt-get install dpkg-dev debhelper dh-dkms).
# Exit: 0 built, 3 bad usage or a missing tool, 1 the build failed.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/build.sh
. "$SST_TOP/tools/lib/build.sh"

die() { echo "dkms-deb.sh: $*" >&2; exit 3; }

[ $# = 1 ] && [ "$1" != -h ] && [ "$1" != --help ] || {
	echo "usage: tools/dkms-deb.sh OUTDIR" >&2; exit 3; }
out=$1
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
for t in dpkg-buildpackage dh dh_dkms; do
	command -v $t > /dev/null || die "$t not found: apt-get install dpkg-dev debhelper dh-dkms"
done

ver=$(cd "$SST_TOP" && dpkg-parsechangelog -S Version)
tmp=$(mktemp -d /tmp/sst-dkms-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/swiotlb-stress-$ver
mkdir -p "$src"
(cd "$SST_TOP" && { sst_module_sources; echo dkms.conf; find debian -type f; }) |
while read -r f; do
	mkdir -p "$src/$(dirname "$f")"
	cp -p "$SST_TOP/$f" "$src/$f"
done
if ! (cd "$src" && nice dpkg-buildpackage -us -uc -b -j1) > "$tmp/build.log" 2>&1; then
	cat "$tmp/build.log" >&2
	echo "dkms-deb.sh: dpkg-buildpackage failed" >&2
	exit 1
fi
deb=swiotlb-stress-dkms_${ver}_all.deb
[ -f "$tmp/$deb" ] || { cat "$tmp/build.log" >&2; echo "dkms-deb.sh: no $deb built" >&2; exit 1; }
cp "$tmp/$deb" "$out/"
echo "$out/$deb"
