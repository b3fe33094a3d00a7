#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The edu backend sees the same bugs as the fake devices: on the
# bug-switches kernel (patches/bugs/V/bug-switches.patch, one swiotlb_bug=
# bit per bug), scenarios/edu-data runs one storm on a fake nvme device (the
# CPU plays the device) and one on QEMU's edu device (its DMA engine plays
# the device). Each bounce-path bug must fail its check on both backends,
# the cross-check (agree.*) must hold, and the stock kernel must pass.
# Prints a table; exits 0 when every proof held.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
	echo "usage: tools/prove-edu.sh [--version 6.1|6.12] [--out DIR]"
}

version=6.1 out=
while [ $# -gt 0 ]; do
	case $1 in
	--version) version=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 3 ;;
	esac
	shift
done
out=${out:-$SST_TOP/results/prove-edu-$version-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

build=$(bash "$SST_TOP/tools/build-kernel.sh" --version "$version" \
	--patch "$SST_TOP/patches/bugs/$version/bug-switches.patch" 2> "$out/build.log") ||
	{ echo "prove-edu.sh: bug-switches kernel build failed, see $out/build.log" >&2; exit 3; }
bugk=$(sed -n 's/^kernel: //p' <<< "$build")
bugkd=$(sed -n 's/^kdir: //p' <<< "$build")

# bit, the check the bug must fail
proofs=("0 offset" "1 stale" "2 sync_for_device")
table=$out/table.txt
: > "$table"
ok=1
verdict_of() { # DIR CHECK: the verdict of CHECK in the run's checks.tsv
	awk -F'\t' -v c="$2" '$2 == c { print $3; exit }' "$1/checks.tsv" 2>/dev/null
}
for p in "${proofs[@]}"; do
	bit=${p%% *} check=${p#* }
	d=$out/bit$bit
	bash "$SST_TOP/tools/run.sh" --kernel "$bugk" --kdir "$bugkd" \
		--append "swiotlb_bug=$((1 << bit))" --out "$d" edu-data > "$d.log" 2>&1 || true
	fv=$(verdict_of "$d" "fake0.$check") ev=$(verdict_of "$d" "edu0.$check")
	bad=$(awk -F'\t' '$2 ~ /^agree\./ && $3 == "fail" { print $2 }' "$d/checks.tsv" 2>/dev/null | paste -sd ' ')
	if [ "$fv" = fail ] && [ "$ev" = fail ] && [ -z "$bad" ]; then
		res=proven
	else
		res="NOT-PROVEN fake=${fv:-none} edu=${ev:-none}${bad:+ disagree: $bad}"
		ok=0
	fi
	printf '%-16s swiotlb_bug=%-3s %s\n' "$check" "$((1 << bit))" "$res" | tee -a "$table"
done
# Without the bug: the stock-configured kernel of the same build passes.
d=$out/clean
bash "$SST_TOP/tools/run.sh" --kernel "$bugk" --kdir "$bugkd" --out "$d" edu-data > "$d.log" 2>&1 || true
for p in "${proofs[@]}"; do
	check=${p#* }
	fv=$(verdict_of "$d" "fake0.$check") ev=$(verdict_of "$d" "edu0.$check")
	if [ "$fv" = pass ] && [ "$ev" = pass ]; then res=pass; else res="NOT-PASSING fake=${fv:-none} edu=${ev:-none}"; ok=0; fi
	printf '%-16s swiotlb_bug=0   %s\n' "$check" "$res" | tee -a "$table"
done
[ $ok = 1 ]
