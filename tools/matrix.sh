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

  --arch A         amd64 (default) or arm64 (tools/run.sh --arch: QEMU
                   virt, the module cross-built); arm64 needs --kernel,
                   e.g. debian:6.1 and debian:6.12
  --kernel IMAGE   a kernel to test; repeat for each (default: every
                   /boot/vmlinuz-* that has a build tree)
  --kdir DIR       build tree of the --kernel before it
  --verdict        with two kernels: the backport verdict, first to second
  --expect-known   failures explained by findings/known.tsv do not fail
  --timeout S      per-boot timeout (default: tools/run.sh's)
  --smp N          guest CPUs
  --jobs N         each kernel's boots at once (tools/run.sh --jobs;
                   default auto); the kernels run one after the other
  --xen            boot each kernel as Xen dom0 (tools/run.sh --xen)
  --out DIR        results folder (default: results/matrix-<date>)
  --compare B A    no boots: the verdict between two tools/run.sh result
                   folders (or matrix kernel folders), B before, A after

SCENARIO: names from tools/run.sh --list (default: the default set).
EOF
}

die() { echo "matrix.sh: $*" >&2; exit 3; }

kernels=() kdirs=() unavailable=() runopts=() scenarios=() verdict=0 expect=0 out= compare=() arch=amd64
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("${2:?}"); kdirs+=(""); shift ;;
	--kdir) [ ${#kernels[@]} -gt 0 ] || die "--kdir goes after the --kernel it belongs to"
		kdirs[-1]=${2:?}; shift ;;
	--arch) arch=${2:?}; shift
		case $arch in amd64|x86_64) arch=amd64 ;; arm64|aarch64) arch=arm64 ;;
		*) die "unknown --arch '$arch' (amd64 or arm64)" ;; esac ;;
	--verdict) verdict=1 ;;
	--expect-known) expect=1 ;;
	--timeout|--smp|--jobs) runopts+=("$1" "${2:?}"); shift ;;
	--xen) runopts+=(--xen) ;;
	--out) out=${2:?}; shift ;;
	--compare) compare=("${2:?}" "${3:?}"); shift 2 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option $1" ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done

# The table, its JSON and the backport verdict are views of the runs'
# results (tools/sst/matrix.py); this script boots.
sst() { PYTHONPATH="$SST_TOP/tools${PYTHONPATH:+:$PYTHONPATH}" python3 -m sst "$@"; }
run_kernel_name() { sed -n 's/^kernel: //p' "$1/report.txt" | head -n 1 | cut -d' ' -f1; }

if [ ${#compare[@]} = 2 ]; then
	command -v python3 > /dev/null || die "python3 is needed (tools/sst): apt-get install python3"
	rc=0
	sst verdict "${compare[0]}" "${compare[1]}" || rc=$?
	exit $rc
fi

# ---- check everything before anything runs ----
runopts+=(--arch "$arch")
if [ ${#kernels[@]} = 0 ]; then
	[ $arch = amd64 ] || die "--arch $arch needs --kernel (debian:6.12, or an $arch Image with --kdir)"
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
	fetched=$(vm_debian_kernels "${kernels[$i]}" "$arch") || exit 3
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
: > "$out/kernel-seconds.tsv"

dirs=() names=() worst=0
for i in "${!kernels[@]}"; do
	k=${kernels[$i]}
	d=$out/k$((i + 1))
	echo "# kernel $((i + 1)): $k"
	rc=0 start=$SECONDS
	# A reused --out: an earlier set-up failure's marker is not this run's.
	rm -f "$d/no-results"
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
	# What each kernel's column cost: kernel number, release, seconds, boots.
	printf '%d\t%s\t%d\t%d\n' $((i + 1)) "${names[-1]}" $((SECONDS - start)) \
		"$( (wc -l < "$d/boots.tsv") 2>/dev/null || echo 0)" >> "$out/kernel-seconds.tsv"
	echo "#   kernel $((i + 1)): $((SECONDS - start)) s"
done

# The scenarios as run (the default set when none were named).
if [ ${#scenarios[@]} = 0 ]; then
	mapfile -t scenarios < <(cut -f1 "${dirs[@]/%//checks.tsv}" | awk '!seen[$0]++')
fi

margs=()
[ $expect = 0 ] || margs+=(--expect-known)
[ $verdict = 0 ] || margs+=(--verdict)
for sc in "${scenarios[@]}"; do margs+=(--scenario "$sc"); done
for u in "${unavailable[@]}"; do margs+=(--unavailable "$u"); done
rc=0
sst matrix "$out" "${margs[@]}" "${dirs[@]}" || rc=$?
[ $rc != 3 ] || exit 3
exit $(( rc > worst ? rc : worst ))
