#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The matrix: runs the same scenarios on several kernels (tools/run.sh per
# kernel, each scenario booted with the kernel parameters and memory it
# declares) and prints one table, scenario by kernel. With two kernels and
# --verdict, or with --compare on two finished runs, it also prints the
# backport verdict: which checks the second kernel fixed, broke or left as
# they were.
#
# Exit: 0 every cell passed or was skipped (with --expect-known, failures
# that a known finding of that kernel explains count as expected), 1 a cell
# failed, 2 a kernel panicked or hung, 3 bad usage or set-up.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/vm.sh
. "$SST_TOP/tools/lib/vm.sh"

usage() {
	cat <<EOF
usage: tools/matrix.sh [options] [SCENARIO...]
       tools/matrix.sh --compare BEFORE_RUN_DIR AFTER_RUN_DIR

  --kernel IMAGE   a kernel to test; repeat for each (default: every
                   /boot/vmlinuz-* that has a build tree)
  --kdir DIR       build tree of the --kernel before it
  --verdict        with two kernels: the backport verdict, first to second
  --expect-known   failures explained by findings/known.tsv do not fail
  --timeout S      per-boot timeout (default: tools/run.sh's)
  --smp N          guest CPUs
  --xen            boot each kernel as Xen dom0 (tools/run.sh --xen)
  --out DIR        results folder (default: results/matrix-<date>)
  --compare B A    no boots: the verdict between two tools/run.sh result
                   folders (or matrix kernel folders), B before, A after

SCENARIO: names from tools/run.sh --list (default: the default set).
EOF
}

die() { echo "matrix.sh: $*" >&2; exit 3; }

kernels=() kdirs=() unavailable=() runopts=() scenarios=() verdict=0 expect=0 out= compare=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("${2:?}"); kdirs+=(""); shift ;;
	--kdir) [ ${#kernels[@]} -gt 0 ] || die "--kdir goes after the --kernel it belongs to"
		kdirs[-1]=${2:?}; shift ;;
	--verdict) verdict=1 ;;
	--expect-known) expect=1 ;;
	--timeout|--smp) runopts+=("$1" "${2:?}"); shift ;;
	--xen) runopts+=(--xen) ;;
	--out) out=${2:?}; shift ;;
	--compare) compare=("${2:?}" "${3:?}"); shift 2 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option $1" ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done

# ---- cells ----

# cell RUN_DIR SCENARIO: the scenario's verdict in one run: pass, fail,
# xfail (every failure explained by a known finding), skip, hang, panic.
cell() {
	[ ! -e "$1/no-results" ] || { echo error; return; }
	awk -F'\t' -v s="$2" '
		$1 != s { next }
		{ n++ }
		$3 == "timeout" { hang = 1; if ($4 == "") uh = 1; next }
		$3 == "panic" || $3 == "fail" && $2 == "scenario" { pan = 1; if ($4 == "") up = 1; next }
		$3 == "pass" { pass++; next }
		$3 == "skip" { skip++; next }
		{ if ($4 == "") fail = 1; else known = 1 }
		END {
			if (hang) print (uh ? "hang" : "xhang")
			else if (pan) print (up ? "panic" : "xpanic")
			else if (fail) print "FAIL"
			else if (known) print "xfail"
			else if (pass) print (fixed ? "fixed" : "pass")
			else print "skip"
		}' fixed="$(awk -F'\t' -v s="$2" '$1 == s { n++ } END { print n + 0 }' "$1/fixed.tsv" 2>/dev/null || echo 0)" "$1/checks.tsv"
}

# backend SCENARIO: who plays the device: the CPU (fake devices) or QEMU's
# edu DMA engine, behind a vIOMMU or not.
backend() {
	local q
	q=$(sed -n 's/^# qemu: *//p' "$SST_TOP/scenarios/$1.sh" 2>/dev/null | head -n 1)
	case $q in
	*edu*viommu*|*viommu*edu*) echo edu+iommu ;;
	*edu*) echo edu ;;
	*) echo cpu ;;
	esac
}

run_kernel_name() { sed -n 's/^kernel: //p' "$1/report.txt" | head -n 1 | cut -d' ' -f1; }

# verdict_between BEFORE_DIR AFTER_DIR: what changed, check by check.
verdict_between() {
	local b=$1 a=$2 bn an
	bn=$(run_kernel_name "$b") an=$(run_kernel_name "$a")
	echo "backport verdict: $bn -> $an"
	awk -F'\t' -v bn="$bn" -v an="$an" '
		function bad(v) { return v == "fail" || v == "timeout" || v == "panic" }
		# A scenario with several storms reports a check once per storm.
		{ k = $1 ": " $2; m = ++occ[FILENAME, k]; if (m > 1) k = k " (storm " m ")" }
		FILENAME == ARGV[1] { bv[k] = $3; bf[k] = $4; br[k] = $5; if (!(k in seen)) { seen[k] = 1; ord[++n] = k } next }
		{ av[k] = $3; af[k] = $4; ar[k] = $5; if (!(k in seen)) { seen[k] = 1; ord[++n] = k } }
		END {
			for (i = 1; i <= n; i++) {
				k = ord[i]; x = (k in bv) ? bv[k] : "absent"; y = (k in av) ? av[k] : "absent"
				# These rows exist only when a scenario, storm or device did not finish.
				if (k ~ /: (scenario|[^ ]*\.(storm|start|create))$/) { if (x == "absent") x = "pass"; if (y == "absent") y = "pass" }
				known = bf[k] != "" ? " [" bf[k] "]" : ""
				if (bad(x) && y == "pass") fixed[++nf] = k known
				else if (x == "pass" && bad(y)) broke[++nb] = k ": " ar[k] (af[k] != "" ? " [" af[k] "]" : "")
				else if (bad(x) && bad(y)) still[++ns] = k ": " ar[k] (af[k] != "" ? " [" af[k] "]" : "")
				else if (x == "pass" && y == "pass") same++
				else if (x == "skip" && y == "skip") skipped++
				else other[++no] = k ": " x " -> " y
			}
			printf "fixed (failed on %s, passes on %s): %d\n", bn, an, nf
			for (i = 1; i <= nf; i++) print "  " fixed[i]
			printf "broken (passed on %s, fails on %s): %d\n", bn, an, nb
			for (i = 1; i <= nb; i++) print "  " broke[i]
			printf "still failing on both: %d\n", ns
			for (i = 1; i <= ns; i++) print "  " still[i]
			printf "unchanged, passing on both: %d checks\n", same
			printf "skipped on both: %d checks\n", skipped
			printf "not compared (skipped or absent on one side): %d\n", no
			for (i = 1; i <= no; i++) print "  " other[i]
		}' "$b/checks.tsv" "$a/checks.tsv"
}

if [ ${#compare[@]} = 2 ]; then
	for d in "${compare[@]}"; do
		[ -r "$d/checks.tsv" ] && [ -r "$d/report.txt" ] ||
			die "$d is not a finished tools/run.sh result folder (no checks.tsv)"
	done
	verdict_between "${compare[0]}" "${compare[1]}"
	exit 0
fi

# ---- check everything before anything runs ----
if [ ${#kernels[@]} = 0 ]; then
	for k in $(ls /boot/vmlinuz-* 2>/dev/null | sort -V); do
		d=$(vm_kdir_for "$k" 2>/dev/null) || continue
		kernels+=("$k"); kdirs+=("$d")
	done
	[ ${#kernels[@]} -gt 0 ] || die "no kernel with a build tree in /boot; give --kernel"
fi
# debian:SPEC (tools/sst/debian.py): fetched, one entry per kernel it names.
# tools/sst needs python3 (run.sh installs it too, but only later).
[ "$(id -u)" != 0 ] || [ ! -r /etc/debian_version ] || vm_need_packages python3 ||
	die "python3 is needed (tools/sst): apt-get install python3"
for i in "${!kernels[@]}"; do
	[[ ${kernels[$i]} == debian:* ]] || continue
	fetched=$(vm_debian_kernels "${kernels[$i]}") || exit 3
	while read -r img kd why; do
		if [ "$img" = - ]; then
			unavailable+=("debian:$kd: $why")
			echo "# kernel debian:$kd: not in the matrix: $why"
			continue
		fi
		kernels+=("$img"); kdirs+=("$kd")
	done <<< "$fetched"
	unset 'kernels[i]' 'kdirs[i]'
done
kernels=("${kernels[@]}") kdirs=("${kdirs[@]}")
for i in "${!kernels[@]}"; do
	k=${kernels[$i]}
	[ -f "$k" ] && [ -r "$k" ] || die "unknown kernel '$k': no such readable image"
	if [ -z "${kdirs[$i]}" ]; then
		kdirs[i]=$(vm_kdir_for "$k" 2>/dev/null) ||
			die "kernel '$k' has no matching build tree: give --kdir after it, or install its linux-headers package"
	fi
	[ -e "${kdirs[$i]}/Makefile" ] || die "--kdir ${kdirs[$i]} (for $k) is not a kernel build tree"
done
[ $verdict = 0 ] || [ ${#kernels[@]} = 2 ] || die "--verdict compares exactly two kernels (got ${#kernels[@]})"
# tools/run.sh checks the scenario names again; asking it first means an
# unknown name stops the matrix before any boot.
known_scn=$(bash "$SST_TOP/tools/run.sh" --list | awk '/^[^ ]/ { print $1 }')
for s in "${scenarios[@]}"; do
	grep -qx -- "$s" <<< "$known_scn" || die "unknown scenario '$s' (see tools/run.sh --list)"
done

out=${out:-$SST_TOP/results/matrix-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
echo "# matrix results: $out"

dirs=() names=() worst=0
for i in "${!kernels[@]}"; do
	k=${kernels[$i]}
	d=$out/k$((i + 1))
	echo "# kernel $((i + 1)): $k"
	rc=0
	# All of run.sh's output goes to its log; its progress lines (stderr)
	# also to ours.
	: > "$d.log"
	# shellcheck disable=SC2094 # both append to the log
	bash "$SST_TOP/tools/run.sh" --kernel "$k" --kdir "${kdirs[$i]}" --out "$d" \
		"${runopts[@]}" "${scenarios[@]}" >> "$d.log" \
		2> >(tee -a "$d.log" | grep --line-buffered -E '^# boot [0-9]+ of [0-9]+: ' |
			sed -u "s/^# /#   kernel $((i + 1)): /" >&2) || rc=$?
	if [ ! -r "$d/checks.tsv" ]; then
		# No results at all (set-up failed): the whole column says so.
		echo "#   no results (tools/run.sh exit $rc): $(tail -n 1 "$d.log")"
		worst=$(( worst > 1 ? worst : 1 ))
		mkdir -p "$d"
		: > "$d/checks.tsv"
		tail -n 5 "$d.log" > "$d/no-results"
		echo "kernel: $(basename "$k" | sed 's/^vmlinuz-//')" > "$d/report.txt"
	fi
	dirs+=("$d")
	names+=("$(run_kernel_name "$d")")
done

# The scenarios as run (the default set when none were named).
if [ ${#scenarios[@]} = 0 ]; then
	mapfile -t scenarios < <(cut -f1 "${dirs[@]/%//checks.tsv}" | awk '!seen[$0]++')
fi

table=$out/matrix.txt
json=$out/matrix.json
w=24
for n in "${names[@]}"; do [ ${#n} -lt $w ] || w=$((${#n} + 2)); done
{
	printf '%-26s %-10s' scenario backend
	for n in "${names[@]}"; do printf " %-${w}s" "$n"; done
	echo
	for s in "${scenarios[@]}"; do
		printf '%-26s %-10s' "$s" "$(backend "$s")"
		for d in "${dirs[@]}"; do printf " %-${w}s" "$(cell "$d" "$s")"; done
		echo
	done
	echo
	echo "backend: cpu (fake device, the CPU plays the device), edu (QEMU's edu DMA engine), edu+iommu (behind an emulated Intel IOMMU)"
	echo "pass: every check passed; FAIL: a check failed; skip: nothing to check in that boot (reasons in the kernel's report.txt); error: no results (set-up failed, see the kernel's log)"
	echo "xfail/xhang/xpanic: failed, hung or panicked as a known kernel bug in findings/known.tsv explains; hang/panic: the kernel under test stopped"
	echo "fixed: passed, although findings/known.tsv lists a bug of this kernel in it: the kernel took the fix (the row should be narrowed)"
	for i in "${!dirs[@]}"; do
		f=$(awk -F'\t' '$4 != "" { print $4 }' "${dirs[$i]}/checks.tsv" | sort -u | paste -sd' ')
		[ -z "$f" ] || echo "known findings on ${names[$i]}: $f"
	done
	# Each finding seen, once, as findings/known.tsv words it (with its fix).
	for f in $(awk -F'\t' '$4 != "" { print $4 }' "${dirs[@]/%//checks.tsv}" | sort -u); do
		awk -F'\t' -v f="$f" 'index($4, f ":") == 1 { print "  " $4; exit }' "$SST_TOP/findings/known.tsv"
	done
	for u in "${unavailable[@]}"; do echo "not in the matrix: $u"; done
	for i in "${!dirs[@]}"; do echo "${names[$i]}: ${dirs[$i]}/report.txt"; done
} > "$table"

{
	printf '{"kernels": ['
	for i in "${!names[@]}"; do printf '%s"%s"' "$([ "$i" = 0 ] || echo ', ')" "${names[$i]}"; done
	printf '], "cells": ['
	first=1
	for s in "${scenarios[@]}"; do
		for i in "${!dirs[@]}"; do
			[ $first = 1 ] || printf ', '
			first=0
			printf '{"scenario": "%s", "backend": "%s", "kernel": "%s", "verdict": "%s"}' "$s" "$(backend "$s")" "${names[$i]}" "$(cell "${dirs[$i]}" "$s")"
		done
	done
	printf ']}\n'
} > "$json"

cat "$table"
for s in "${scenarios[@]}"; do
	for d in "${dirs[@]}"; do
		case $(cell "$d" "$s") in
		hang|panic) worst=2 ;;
		FAIL|error) worst=$(( worst > 1 ? worst : 1 )) ;;
		xfail|xhang|xpanic) [ $expect = 1 ] || worst=$(( worst > 1 ? worst : 1 )) ;;
		esac
	done
done

if [ $verdict = 1 ]; then
	echo
	verdict_between "${dirs[0]}" "${dirs[1]}" | tee "$out/verdict.txt"
fi
exit $worst
