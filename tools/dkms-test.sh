#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests the DKMS package: builds swiotlb-stress-dkms with tools/dkms-deb.sh
# into a temporary directory, checks what it holds (dkms.conf, every file
# the module's build needs, nothing else) and, when dkms and a kernel's
# headers are here, builds the module from the package's sources with
# `dkms build` in a private DKMS tree for each kernel (default: every
# /lib/modules/<version> with its build tree; -k VERSION, repeatable, names
# them) and checks the .ko and that modinfo documents every parameter.
# Nothing outside the temporary directory is written: the system's DKMS
# tree is not used, and modules are not signed (no key is generated).
#
# Prints KTAP-ish ok / not ok lines. Exit: 0 all passed, 1 something
# failed, 4 something was skipped (the reason is on its line), 3 bad usage.
set -uo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/build.sh
. "$SST_TOP/tools/lib/build.sh"

kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	-k) kernels+=("${2:?-k needs a kernel version}"); shift ;;
	-h|--help) echo "usage: tools/dkms-test.sh [-k KERNEL_VERSION]..."; exit 0 ;;
	*) echo "dkms-test.sh: unknown argument $1 (usage: tools/dkms-test.sh [-k VERSION]...)" >&2; exit 3 ;;
	esac
	shift
done

n=0 failed=0 skipped=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1${2:+ # $2}"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $1 # SKIP $2"; }
finish() {
	echo "1..$n"
	echo "# $n tests: $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
	[ $failed = 0 ] || exit 1
	[ $skipped = 0 ] || exit 4
	exit 0
}

echo "TAP version 13"
for t in dpkg-buildpackage dh dh_dkms; do
	if ! command -v $t > /dev/null; then
		echo "1..1"
		skip "dkms package" "$t not found: apt-get install dpkg-dev debhelper dh-dkms"
		finish
	fi
done

tmp=$(mktemp -d /tmp/sst-dkms-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# ---- the package ----
if ! deb=$("$SST_TOP/tools/dkms-deb.sh" "$tmp/out" 2> "$tmp/deb.log"); then
	sed 's/^/# /' "$tmp/deb.log"
	notok "deb builds" "tools/dkms-deb.sh failed"
	finish
fi
ok "deb builds: $(basename "$deb")"
ver=$(dpkg-deb -f "$deb" Version)
up=${ver%-*}
[ "$(dpkg-deb -f "$deb" Package)" = swiotlb-stress-dkms ] && [ "$(dpkg-deb -f "$deb" Architecture)" = all ] &&
	[ "$(basename "$deb")" = "swiotlb-stress-dkms_${ver}_all.deb" ] &&
	dpkg-deb -f "$deb" Depends | grep -q 'dkms' &&
	ok "deb is swiotlb-stress-dkms $ver, all, depends on dkms" ||
	notok "deb control fields" "$(dpkg-deb -f "$deb" Package Version Architecture Depends | tr '\n' ' ')"

dpkg-deb -x "$deb" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/ctl"
srcdir=usr/src/swiotlb-stress-$up
# The files in the package: the sources and dkms.conf under $srcdir, and
# the package's own documentation.
(cd "$tmp/root" && find . -type f | sed 's|^\./||' | sort) > "$tmp/files"
outside=$(grep -v -e "^$srcdir/" -e '^usr/share/doc/swiotlb-stress-dkms/' "$tmp/files")
[ -z "$outside" ] && ok "deb installs only under /$srcdir and its doc directory" ||
	notok "deb installs files elsewhere" "$(xargs <<< "$outside")"
sed -n "s|^$srcdir/||p" "$tmp/files" > "$tmp/have"
{ (cd "$SST_TOP" && sst_module_sources) | sed 's|^\./||'; echo dkms.conf; } | sort -u > "$tmp/want"
if cmp -s "$tmp/have" "$tmp/want"; then
	ok "sources in the deb are the module's sources and dkms.conf ($(wc -l < "$tmp/have") files)"
else
	notok "sources in the deb" "missing: $(comm -13 "$tmp/have" "$tmp/want" | xargs) extra: $(comm -23 "$tmp/have" "$tmp/want" | xargs)"
fi
# What the Kbuild needs, read from the packaged files themselves: the
# objects' .c files, the files Kbuild runs from $(src), the headers the
# sources include.
pk=$tmp/root/$srcdir
{
	sed -n '/^swiotlb-stress-y/,/^$/p' "$pk/Kbuild" | grep -o '[A-Za-z0-9_]*\.o' | sed 's/\.o$/.c/'
	grep -o '\$(src)/[A-Za-z0-9_./-]*' "$pk/Kbuild" | sed 's|^\$(src)/||'
	cat "$pk"/*.c "$pk"/*.h 2>/dev/null | sed -n 's/^#include "\([^"]*\)".*/\1/p'
} | sort -u > "$tmp/needed"
missing=$(comm -23 "$tmp/needed" "$tmp/have" | xargs)
[ -s "$tmp/needed" ] && [ -z "$missing" ] &&
	ok "every file the Kbuild needs is in the deb ($(xargs < "$tmp/needed"))" ||
	notok "files the Kbuild needs" "missing: ${missing:-nothing found in Kbuild}"
bad=$(grep -E '(^|/)(\.git|results|debian|tools|selftests)(/|$)|\.(o|ko|cmd|mod|mod\.c)$' "$tmp/have" | xargs)
[ -z "$bad" ] && ok "no .git, results/, debian/, tools/ or build output in the deb" ||
	notok "build output or other files in the deb" "$bad"

# dkms.conf wherever the package put it (a PACKAGE_VERSION other than the
# changelog's moves it out of $srcdir).
conf=$(find "$tmp/root/usr/src" -name dkms.conf | head -n 1)
conf=${conf:-$pk/dkms.conf}
# shellcheck source=/dev/null
cv() { [ -r "$conf" ] && (set +u; . "$conf"; eval "echo \"\${$1}\""); }
[ "$(cv PACKAGE_NAME)" = swiotlb-stress ] && [ "$(cv PACKAGE_VERSION)" = "$up" ] &&
	[ "$(cv 'BUILT_MODULE_NAME[0]')" = swiotlb-stress ] && [ "$(cv AUTOINSTALL)" = yes ] &&
	ok "dkms.conf: swiotlb-stress $up (the changelog's version), module swiotlb-stress, AUTOINSTALL=yes" ||
	notok "dkms.conf" "${conf#"$tmp/root"}: PACKAGE_NAME=$(cv PACKAGE_NAME) PACKAGE_VERSION=$(cv PACKAGE_VERSION) (deb: $up) BUILT_MODULE_NAME=$(cv 'BUILT_MODULE_NAME[0]') AUTOINSTALL=$(cv AUTOINSTALL)"
grep -q '/usr/lib/dkms/common.postinst' "$tmp/ctl/postinst" 2>/dev/null &&
	grep -q '\$DKMS_POSTINST \$DKMS_NAME \$DKMS_VERSION' "$tmp/ctl/postinst" &&
	grep -q '^DKMS_VERSION='"$up"'$' "$tmp/ctl/postinst" &&
	grep -q '^[[:space:]]*export autoinstall_all_kernels' "$tmp/ctl/postinst" &&
	grep -q 'dkms remove' "$tmp/ctl/prerm" 2>/dev/null &&
	ok "maintainer scripts: dkms add/build/install for all kernels on configure, dkms remove on removal" ||
	notok "maintainer scripts" "postinst or prerm lacks dh_dkms's dkms calls or autoinstall_all_kernels"

# ---- dkms build, per kernel ----
if [ ${#kernels[@]} = 0 ]; then
	for d in /lib/modules/*/build/include; do
		[ -d "$d" ] || continue
		d=${d%/build/include}
		kernels+=("${d##*/}")
	done
fi
if ! command -v dkms > /dev/null; then
	skip "dkms build" "dkms not installed: apt-get install dkms"
	finish
fi
[ ${#kernels[@]} != 0 ] || { skip "dkms build" "no kernel with headers in /lib/modules/*/build (apt-get install linux-headers-amd64)"; finish; }
dkt=$tmp/dkms
mkdir -p "$dkt"
# A private DKMS tree; sign_file pointing nowhere: dkms would otherwise
# create a signing key in /var/lib/dkms.
dk() { sign_file=/nonexistent nice dkms "$@" -m swiotlb-stress -v "$up" --sourcetree "$tmp/root/usr/src" --dkmstree "$dkt"; }
if ! dk add > "$tmp/add.log" 2>&1; then
	sed 's/^/# /' "$tmp/add.log"
	notok "dkms add (private tree)"
	finish
fi
ok "dkms add (private tree)"
# Parameters, read from the packaged sources: module_param*(NAME, ...).
params=$(grep -ho 'module_param[a-z_]*([[:space:]]*[A-Za-z0-9_]*' "$pk"/*.c | sed 's/.*(\s*//' | sort -u)
for k in "${kernels[@]}"; do
	if [ ! -e "/lib/modules/$k/build/include" ]; then
		skip "dkms build $k" "no headers for $k: /lib/modules/$k/build/include missing (apt-get install linux-headers-$k)"
		continue
	fi
	t0=$SECONDS
	if ! dk build -k "$k" -j 1 > "$tmp/build-$k.log" 2>&1; then
		sed 's/^/# /' "$tmp/build-$k.log"
		tail -n 20 "$dkt/swiotlb-stress/$up/$k/"*/log/make.log "$dkt/swiotlb-stress/$up/build/make.log" 2>/dev/null | sed 's/^/# /'
		notok "dkms build $k" "dkms build failed"
		continue
	fi
	ko=$(ls "$dkt/swiotlb-stress/$up/$k/"*/module/swiotlb_stress.ko* 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		notok "dkms build $k" "no swiotlb_stress.ko* in $dkt/swiotlb-stress/$up/$k/*/module/"
		continue
	fi
	ok "dkms build $k: $(basename "$ko") in $((SECONDS - t0))s"
	vm=$(modinfo -F vermagic "$ko" | awk '{print $1}')
	name=$(modinfo -F name "$ko")
	[ "$vm" = "$k" ] && [ "$name" = swiotlb_stress ] &&
		ok "modinfo $k: name swiotlb_stress, vermagic $vm" ||
		notok "modinfo $k" "name '$name', vermagic '$vm'"
	# modinfo's parm lines: NAME:DESCRIPTION (TYPE); a parameter without
	# MODULE_PARM_DESC has none.
	undoc=
	for p in $params; do
		d=$(modinfo -F parm "$ko" | sed -n "s/^$p:\(.*\)/\1/p" | sed 's/ *([a-z]*)$//')
		[ -n "$d" ] || undoc+=" $p"
	done
	[ -n "$params" ] && [ -z "$undoc" ] &&
		ok "modinfo $k documents every parameter: $(xargs <<< "$params")" ||
		notok "modinfo $k: parameters without a description (MODULE_PARM_DESC)" "${undoc:-no module_param found in the sources}"
done
finish
