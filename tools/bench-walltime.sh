#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-walltime.sh - the default run's wall time at two revisions, side by
# side in one sitting: each revision is cloned from this repository and
# runs `tools/run.sh` (the default scenarios) on the same kernel, one after
# the other; prints each boot's seconds (boots.tsv) and the ratio of the
# totals. Issue 13 allows the default run to grow by at most a fifth.
#
# usage: tools/bench-walltime.sh [--kernel IMAGE] [--out DIR] OLD_REV [NEW_REV]
#        NEW_REV defaults to HEAD.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kernel=() out=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=(--kernel "${2:?}"); shift ;;
	--out) out=${2:?}; shift ;;
	-h|--help) sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench-walltime.sh: unknown option $1" >&2; exit 3 ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || { echo "usage: tools/bench-walltime.sh [--kernel IMAGE] [--out DIR] OLD_REV [NEW_REV]" >&2; exit 3; }
old=$(git -C "$SST_TOP" rev-parse --short "$1")
new=$(git -C "$SST_TOP" rev-parse --short "${2:-HEAD}")
out=${out:-$SST_TOP/results/bench-walltime-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
echo "# results: $out"

declare -A total=()
for rev in "$old" "$new"; do
	git clone -q "$SST_TOP" "$out/src-$rev"
	git -C "$out/src-$rev" checkout -q "$rev"
	start=$SECONDS
	bash "$out/src-$rev/tools/run.sh" "${kernel[@]}" --out "$out/run-$rev" \
		> "$out/run-$rev.log" 2>&1 || true
	total[$rev]=$((SECONDS - start))
	echo "# $rev: tools/run.sh took ${total[$rev]} s; boots (n verdict seconds scenarios):"
	awk -F'\t' '{ printf "#   %s %s %s s  %s\n", $1, $2, $3, $8 }' "$out/run-$rev/boots.tsv"
	rm -rf "$out/src-$rev"
done
awk -v o="${total[$old]}" -v n="${total[$new]}" -v a="$old" -v b="$new" \
	'BEGIN { printf "walltime: %s %d s, %s %d s, ratio %.2f (at most 1.20 allowed)\n", a, o, b, n, n / o }' |
	tee "$out/ratio.txt"
