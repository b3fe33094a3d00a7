#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-jobs.sh - the default scenarios on one kernel with --jobs 1 and with
# --jobs J (default: auto), side by side in one sitting, from one copy of
# this tree: each run's wall time, each boot's seconds (boots.tsv), the
# ratio, and the backport verdict between the two result folders (python3
# -m sst verdict), which must say nothing was fixed or broken: the same
# verdicts, check by check. Exit 1 when they differ.
# --base REV: first, the same run from a clone of REV (its own tools/run.sh,
# one boot at a time, as that revision had it), and the ratio of --jobs J
# to it too: issue 16 measures against the tree it was filed on (340ae1f).
#
# usage: tools/bench-jobs.sh [--kernel IMAGE] [--jobs J] [--base REV] [--out DIR] [SCENARIO...]
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kernel=() jobs=auto out= base=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=(--kernel "${2:?}"); shift ;;
	--jobs) jobs=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--base) base=$(git -C "$SST_TOP" rev-parse --short "${2:?}") || exit 3; shift ;;
	-h|--help) sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench-jobs.sh: unknown option $1" >&2; exit 3 ;;
	*) break ;;
	esac
	shift
done
out=${out:-$SST_TOP/results/bench-jobs-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
echo "# results: $out"
# A copy: bash reads scripts as it runs them.
git -C "$SST_TOP" archive HEAD | (mkdir -p "$out/src" && tar -x -C "$out/src")
rev=$(git -C "$SST_TOP" rev-parse --short HEAD)

declare -A total=()
if [ -n "$base" ]; then
	git clone -q "$SST_TOP" "$out/src-$base"
	git -C "$out/src-$base" checkout -q "$base"
	start=$SECONDS
	bash "$out/src-$base/tools/run.sh" "${kernel[@]}" --out "$out/base-$base" "$@" \
		> "$out/base-$base.log" 2>&1 || true
	total[base]=$((SECONDS - start))
	echo "# $base (--base): tools/run.sh took ${total[base]} s; boots (n verdict seconds scenarios):"
	awk -F'\t' '{ printf "#   %s %s %s s  %s\n", $1, $2, $3, $NF }' "$out/base-$base/boots.tsv"
fi
for j in 1 "$jobs"; do
	start=$SECONDS
	bash "$out/src/tools/run.sh" "${kernel[@]}" --jobs "$j" --out "$out/jobs-$j" "$@" \
		> "$out/jobs-$j.log" 2>&1 || true
	total[$j]=$((SECONDS - start))
	echo "# --jobs $j: tools/run.sh took ${total[$j]} s ($(grep -m1 '^# boots at once' "$out/jobs-$j.log" || echo "# boots at once: $j")); boots (n verdict seconds scenarios):"
	awk -F'\t' '{ printf "#   %s %s %s s  %s\n", $1, $2, $3, $8 }' "$out/jobs-$j/boots.tsv"
done
(cd "$out/src/tools" && python3 -m sst verdict "$out/jobs-1" "$out/jobs-$jobs") > "$out/verdict.txt"
sed 's/^/# /' "$out/verdict.txt"
awk -v o="${total[1]}" -v n="${total[$jobs]}" -v j="$jobs" -v r="$rev" \
	'BEGIN { printf "walltime at %s: --jobs 1 %d s, --jobs %s %d s, ratio %.2f\n", r, o, j, n, n / o }' |
	tee "$out/ratio.txt"
if [ -n "$base" ]; then
	(cd "$out/src/tools" && python3 -m sst verdict "$out/base-$base" "$out/jobs-$jobs") > "$out/verdict-base.txt"
	sed 's/^/# /' "$out/verdict-base.txt"
	awk -v o="${total[base]}" -v n="${total[$jobs]}" -v j="$jobs" -v b="$base" -v r="$rev" \
		'BEGIN { printf "walltime: %s (--base) %d s, %s --jobs %s %d s, ratio %.2f\n", b, o, r, j, n, n / o }' |
		tee -a "$out/ratio.txt"
fi
fixed=$(sed -n 's/^fixed ([^)]*): //p' "$out/verdict.txt")
broken=$(sed -n 's/^broken ([^)]*): //p' "$out/verdict.txt")
still=$(sed -n 's/^still failing on both: //p' "$out/verdict.txt")
if [ "$fixed" = 0 ] && [ "$broken" = 0 ]; then
	echo "verdicts: the same with --jobs 1 and --jobs $jobs ($still failing on both)"
else
	echo "verdicts: differ ($fixed fixed, $broken broken by --jobs $jobs): see $out/verdict.txt"
	exit 1
fi
