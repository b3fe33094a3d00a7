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
# --matrix: tools/matrix.sh instead of tools/run.sh, on every --kernel given
# (repeat it; debian:SPEC such as debian:all is fetched before the clock
# starts), each kernel's boots --jobs 1 and --jobs J; the seconds per kernel
# (kernel-seconds.tsv) and the verdict kernel by kernel. Both ways: what a
# farm of N workers would take for the --jobs 1 boots (python3 -m sst farm).
#
# usage: tools/bench-jobs.sh [--matrix] [--kernel IMAGE]... [--jobs J] [--base REV] [--out DIR] [SCENARIO...]
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kernel=() jobs=auto out= base= matrix=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel+=(--kernel "${2:?}"); shift ;;
	--matrix) matrix=1 ;;
	--jobs) jobs=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--base) base=$(git -C "$SST_TOP" rev-parse --short "${2:?}") || exit 3; shift ;;
	-h|--help) sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench-jobs.sh: unknown option $1" >&2; exit 3 ;;
	*) break ;;
	esac
	shift
done
if [ $matrix = 0 ]; then
	[ ${#kernel[@]} -le 2 ] || { echo "bench-jobs.sh: one --kernel, or --matrix" >&2; exit 3; }
	runner=run.sh
else
	[ -z "$base" ] || { echo "bench-jobs.sh: --base is for one kernel, not --matrix" >&2; exit 3; }
	runner=matrix.sh
	# Fetched (or found in the cache) now, so that neither run's clock
	# holds the download: each debian:SPEC becomes --kernel IMAGE --kdir DIR.
	# shellcheck source=tools/lib/vm.sh
	. "$SST_TOP/tools/lib/vm.sh"
	spec=("${kernel[@]}") kernel=()
	for ((i = 1; i < ${#spec[@]}; i += 2)); do
		if [[ ${spec[$i]} != debian:* ]]; then
			kernel+=(--kernel "${spec[$i]}")
			continue
		fi
		fetched=$(vm_debian_kernels "${spec[$i]}" amd64) || exit 3
		while read -r img kd why; do
			if [ "$img" = - ]; then
				echo "# kernel debian:$kd: not benched: $why"
				continue
			fi
			kernel+=(--kernel "$img" --kdir "$kd")
		done <<< "$fetched"
	done
	[ ${#kernel[@]} -gt 0 ] || { echo "bench-jobs.sh: --matrix has no kernel" >&2; exit 3; }
fi
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
	bash "$out/src/tools/$runner" "${kernel[@]}" --jobs "$j" --out "$out/jobs-$j" "$@" \
		> "$out/jobs-$j.log" 2>&1 || true
	total[$j]=$((SECONDS - start))
	if [ $matrix = 1 ]; then
		echo "# --jobs $j: tools/matrix.sh took ${total[$j]} s; seconds per kernel:"
		sed 's/^/#   /' "$out/jobs-$j/kernel-seconds.tsv"
		continue
	fi
	echo "# --jobs $j: tools/run.sh took ${total[$j]} s ($(grep -m1 '^# boots at once' "$out/jobs-$j.log" || echo "# boots at once: $j")); boots (n verdict seconds scenarios):"
	awk -F'\t' '{ printf "#   %s %s %s s  %s\n", $1, $2, $3, $8 }' "$out/jobs-$j/boots.tsv"
done
if [ $matrix = 1 ]; then
	# One verdict per kernel column, summed into the lines read below.
	f=0 b=0 st=0 nc=0
	for d in "$out"/jobs-1/k*/; do
		k=$(basename "$d")
		[ -d "$out/jobs-$jobs/$k" ] || { echo "bench-jobs.sh: $k has no --jobs $jobs results" >&2; exit 1; }
		(cd "$out/src/tools" && python3 -m sst verdict "$out/jobs-1/$k" "$out/jobs-$jobs/$k") > "$out/verdict-$k.txt" || true
		grep -q '^not compared ' "$out/verdict-$k.txt" ||
			{ echo "bench-jobs.sh: no verdict for $k: $(tail -n 1 "$out/verdict-$k.txt")" >&2; exit 1; }
		f=$((f + $(sed -n 's/^fixed ([^)]*): //p' "$out/verdict-$k.txt")))
		b=$((b + $(sed -n 's/^broken ([^)]*): //p' "$out/verdict-$k.txt")))
		st=$((st + $(sed -n 's/^still failing on both: //p' "$out/verdict-$k.txt")))
		nc=$((nc + $(sed -n 's/^not compared ([^)]*): //p' "$out/verdict-$k.txt")))
		echo "# $k ($(sed -n 's/^kernel: //p' "$d/report.txt" | head -n 1 | cut -d' ' -f1)): $(grep -E '^(fixed|broken|still|unchanged|skipped|not compared)' "$out/verdict-$k.txt" | tr '\n' ' ')"
	done
	printf 'fixed (all kernels): %d\nbroken (all kernels): %d\nstill failing on both: %d\nnot compared (all kernels): %d\n' \
		"$f" "$b" "$st" "$nc" > "$out/verdict.txt"
else
	(cd "$out/src/tools" && python3 -m sst verdict "$out/jobs-1" "$out/jobs-$jobs") > "$out/verdict.txt"
fi
sed 's/^/# /' "$out/verdict.txt"
awk -v o="${total[1]}" -v n="${total[$jobs]}" -v j="$jobs" -v r="$rev" \
	'BEGIN { printf "walltime at %s: --jobs 1 %d s, --jobs %s %d s, ratio %.2f\n", r, o, j, n, n / o }' |
	tee "$out/ratio.txt"
# What a farm would take, from the --jobs 1 boots' seconds (no boot there
# shared the host), one farm job per boot.
if [ $matrix = 1 ]; then farm=("$out"/jobs-1/k*/); else farm=("$out/jobs-1"); fi
(cd "$out/src/tools" && python3 -m sst farm "${farm[@]}") | tee "$out/farm.txt" || true
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
other=$(sed -n 's/^not compared ([^)]*): //p' "$out/verdict.txt")
if [ "$fixed" = 0 ] && [ "$broken" = 0 ] && [ "$other" = 0 ]; then
	echo "verdicts: the same with --jobs 1 and --jobs $jobs ($still failing on both)"
else
	echo "verdicts: differ ($fixed fixed, $broken broken, $other passed or failed on one side and skipped or absent on the other, by --jobs $jobs): see $out/verdict.txt"
	exit 1
fi
