#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/deps-check.sh can fail: it is fed objects compiled with gcc -c from
# generated C, one per object its layers name, each defining a symbol of
# its own and referencing the objects a case says. Cases:
#
#   down      every object references the one below it: exit 0
#   up        dev.o also references a symbol of storm.o (the device model
#             calling the engine): exit 1, exactly one "bad edge" line,
#             naming dev.o -> storm.o and the symbol
#   up2       checks.o references runspec.o (down) and debugfs_ctl.o, and
#             stats.o references checks.o: exit 1, two "bad edge" lines
#   unknown   an object no layer names (a new file): exit 2
#   missing   a layer's object is absent: exit 2
#
# Prints "ok"/"not ok" lines and "N passed, N failed"; exits 1 if one
# failed. Needs gcc and nm; takes about a second.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check=$SST_TOP/tools/deps-check.sh
objs="dev profiles fake_nvme_dev fake_sas_dev edu rpool runspec stats checks storm debugfs_ctl swiotlb_stress"
pass=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# mkobjs DIR EDGES...: every object defines sstress_test_<name>(); an edge
# "a:b" makes a.o call b's.
mkobjs() {
	local dir=$1 o e
	shift
	mkdir -p "$dir"
	for o in $objs; do
		{
			for e in "$@"; do
				[ "${e%%:*}" = "$o" ] || continue
				echo "void sstress_test_${e#*:}(void);"
			done
			echo "void sstress_test_$o(void);"
			echo "void sstress_test_$o(void)"
			echo "{"
			for e in "$@"; do
				[ "${e%%:*}" = "$o" ] && echo "	sstress_test_${e#*:}();"
			done
			echo "}"
		} > "$dir/$o.c"
		gcc -c -o "$dir/$o.o" "$dir/$o.c"
		rm "$dir/$o.c"
	done
}

# expect NAME RC LINES DIR [GREP]: deps-check on DIR exits RC with LINES
# "bad edge" lines, one of them matching GREP.
expect() {
	local name=$1 want_rc=$2 want_lines=$3 dir=$4 pat=${5:-} rc=0 out lines
	out=$(bash "$check" --objdir "$dir" 2>&1) || rc=$?
	lines=$(grep -c '^bad edge: ' <<< "$out" || true)
	if [ "$rc" = "$want_rc" ] && [ "$lines" = "$want_lines" ] &&
	   { [ -z "$pat" ] || grep -q -- "$pat" <<< "$out"; }; then
		echo "ok - $name: exit $rc, $lines bad edges"
		pass=$((pass + 1))
	else
		echo "not ok - $name: exit $rc (want $want_rc), $lines bad edges (want $want_lines)"
		sed 's/^/#   /' <<< "$out"
		failed=$((failed + 1))
	fi
}

down=(profiles:dev fake_nvme_dev:dev fake_sas_dev:dev edu:dev dev:edu rpool:dev dev:rpool
      runspec:dev stats:runspec checks:stats storm:checks
      debugfs_ctl:storm swiotlb_stress:debugfs_ctl)
mkobjs "$tmp/down" "${down[@]}"
expect "down: every edge points down" 0 0 "$tmp/down"

mkobjs "$tmp/up" "${down[@]}" dev:storm
expect "up: the device model calls the engine" 1 1 "$tmp/up" \
	'^bad edge: dev.o -> storm.o (symbol sstress_test_storm)$'

mkobjs "$tmp/up2" "${down[@]}" checks:runspec checks:debugfs_ctl stats:checks
expect "up2: checks call the control layer, stats the checks" 1 2 "$tmp/up2" \
	'^bad edge: stats.o -> checks.o'

mkobjs "$tmp/unknown" "${down[@]}"
gcc -c -o "$tmp/unknown/newfile.o" -x c - <<< 'int sstress_test_newfile;'
expect "unknown: an object with no layer" 2 0 "$tmp/unknown" 'newfile.o has no layer'

mkobjs "$tmp/missing" "${down[@]}"
rm "$tmp/missing/stats.o"
expect "missing: a layer's object is absent" 2 0 "$tmp/missing" 'stats.o is missing'

echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
