#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - the storm engine against the kernel's own dma_map_benchmark,
# and how SWIOTLB's bounce path scales, in QEMU guests (TCG).
#
# Per kernel: one boot (6 GiB, no swiotlb=force) measures every cell
# (path x threads x size x direction x verify) with the storm engine and,
# in the same boot, dma_map_benchmark on a platform device with the same
# mask; a second, short boot with a small pool records io_tlb_used during
# an exhaustion storm. The host then writes results/bench-<date>/:
# report.txt, bench.json, *.dat and plots (*.png).
#
# Run with -h for usage.

set -euo pipefail

PROG=${0##*/}
ARGS="$*"
SST_TOP=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
export SST_TOP
# shellcheck source=tools/lib/vm.sh
. "$SST_TOP/tools/lib/vm.sh"
# shellcheck source=tools/lib/build.sh
. "$SST_TOP/tools/lib/build.sh"

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS]

Options:
  --kernel K     6.1 or 6.12: that series built with CONFIG_DMA_MAP_BENCHMARK
                 by tools/build-kernel.sh --config bench (cached); or a
                 kernel image (/boot/vmlinuz-*, .../arch/x86/boot/bzImage):
                 without the benchmark the comparison is skipped, with the
                 reason. Repeatable; default: 6.1 and 6.12.
  --smp N        guest CPUs; threads run 1..N (default 2; 6.1 under
                 --clock icount gets 1, as it hangs bringing up a second)
  --mem SIZE     guest memory (default 6G: buffers above 4 GiB bounce for a
                 32-bit mask, so one boot has both paths)
  --dur-ms MS    length of each run (default 1000, 2000 with --clock
                 icount; the benchmark runs whole seconds: MS rounded up)
  --sizes LIST   mapping sizes in bytes (default "64 512 4096 16384 65536
                 262144 266240"; a size past dma_max_mapping_size() is
                 reported as refused)
  --dirs LIST    directions (default "to from bidi")
  --reps N       rounds per cell, storm engine and benchmark alternating
                 (default 3; 5 with --clock icount)
  --clock C      the guest's clock (default wall):
                 wall       TCG in real time; threads run in parallel, so
                            this is the one for scaling, but load on the
                            host moves every figure
                 icount     QEMU -icount shift=6,sleep=off: time counted in
                            guest instructions, 64 ns each, so nothing on
                            the host moves it; the storm/benchmark ratios
                            are decided here. One host thread runs the
                            vCPUs in turn. Runs default to 2000 ms.
                 icount=N   the same with 2^N ns per instruction
  --quick        a smoke run: 4096, 262144 and 266240 bytes, dir=to, 300 ms
  --no-timeline  skip the exhaustion-timeline boot
  --out DIR      output directory (default results/bench-<UTC date>)
  -h, --help     this help

Prints the report on stdout; exits 1 when a boot or the analysis failed
(the targets are reported with their measured ratios, not turned into an
exit code).
EOF
}

die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

KERNELS=()
SMP=2
MEM=6G
DUR_MS=
SIZES="64 512 4096 16384 65536 262144 266240"
DIRS="to from bidi"
TIMELINE=1
OUT=
QUICK=0
REPS=
CLOCK=wall

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || die "--kernel needs a value"; KERNELS+=("$2"); shift 2 ;;
	--smp) [ $# -ge 2 ] || die "--smp needs a value"; SMP=$2; shift 2 ;;
	--mem) [ $# -ge 2 ] || die "--mem needs a value"; MEM=$2; shift 2 ;;
	--dur-ms) [ $# -ge 2 ] || die "--dur-ms needs a value"; DUR_MS=$2; shift 2 ;;
	--sizes) [ $# -ge 2 ] || die "--sizes needs a value"; SIZES=$2; shift 2 ;;
	--dirs) [ $# -ge 2 ] || die "--dirs needs a value"; DIRS=$2; shift 2 ;;
	--reps) [ $# -ge 2 ] || die "--reps needs a value"; REPS=$2; shift 2 ;;
	--clock) [ $# -ge 2 ] || die "--clock needs a value"; CLOCK=$2; shift 2 ;;
	--quick) QUICK=1; shift ;;
	--no-timeline) TIMELINE=0; shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a value"; OUT=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done
[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(6.1 6.12)
[[ $SMP =~ ^[1-8]$ ]] || die "--smp must be 1..8 (qemu.config has NR_CPUS=8)"
case $CLOCK in
wall) QEMU_CLOCK= ;;
icount) CLOCK=icount=6; QEMU_CLOCK="-icount shift=6,sleep=off" ;;
icount=[0-9] | icount=10) QEMU_CLOCK="-icount shift=${CLOCK#icount=},sleep=off" ;;
*) die "--clock must be wall, icount or icount=SHIFT (0..10)" ;;
esac
if [ -n "$QEMU_CLOCK" ]; then
	REPS=${REPS:-5} DUR_MS=${DUR_MS:-2000}
else
	REPS=${REPS:-3} DUR_MS=${DUR_MS:-1000}
fi
[[ $DUR_MS =~ ^[1-9][0-9]*$ ]] || die "--dur-ms must be a positive number"
[[ $REPS =~ ^[1-9][0-9]?$ ]] || die "--reps must be 1..99"
if [ $QUICK = 1 ]; then
	SIZES="4096 262144 266240" DIRS=to DUR_MS=300
fi
for s in $SIZES; do
	if ! [[ $s =~ ^[1-9][0-9]*$ ]] || [ "$s" -gt $((2 << 20)) ]; then
		die "bad size '$s' (1..2097152 bytes)"
	fi
done
for d in $DIRS; do
	case $d in to | from | bidi) ;; *) die "bad direction '$d' (to, from, bidi)" ;; esac
done
BENCH_S=$(((DUR_MS + 999) / 1000))
OUT=${OUT:-$SST_TOP/results/bench-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# shellcheck disable=SC2086 # package lists are words
vm_need_packages $SST_PKGS_BUILD $SST_PKGS_VM python3 gnuplot-nox ||
	die "missing packages (see above)"

WORK=$OUT/work
mkdir -p "$WORK"
# The guest needs only the shell helpers of the selftests.
mkdir -p "$WORK/selftests"
cp "$SST_TOP/selftests/functions.sh" "$WORK/selftests/"
gcc -static -O2 -Wall -Wextra -Werror -o "$WORK/map_bench" \
	"$SST_TOP/tools/bench/map_bench.c" || die "map_bench build failed"

# resolve_kernel K: sets KIMG, KDIR and KNAME.
resolve_kernel() {
	local k=$1 out
	case $k in
	6.1 | 6.12)
		log "kernel $k with CONFIG_DMA_MAP_BENCHMARK (tools/build-kernel.sh --config bench)"
		out=$(nice -n 10 "$SST_TOP/tools/build-kernel.sh" --version "$k" --config bench) ||
			die "kernel build for $k failed"
		KIMG=$(sed -n 's/^kernel: //p' <<< "$out")
		KDIR=$(sed -n 's/^kdir: //p' <<< "$out")
		KNAME=$k-qemu-bench ;;
	*)
		[ -f "$k" ] || die "no kernel image $k"
		KIMG=$k
		KDIR=$(vm_kdir_for "$k") || die "no build tree for $k"
		KNAME=$(basename "$k")
		if [ "$KNAME" = bzImage ]; then
			KNAME=$(basename "$(cd "$(dirname "$k")/../../../.." && pwd)")
		fi ;;
	esac
}


# payload DIR MODE: the guest's /sst for one boot.
payload() {
	local dir=$1 mode=$2
	sst_stage_payload "$dir" "$KO" "$WORK/selftests"
	cp "$WORK/map_bench" "$dir/map_bench"
	cp "$SST_TOP/tools/bench/guest.sh" "$dir/bench-guest.sh"
	printf '#!/bin/sh\nexec sh /sst/bench-guest.sh\n' > "$dir/guest-main.sh"
	chmod +x "$dir/guest-main.sh" "$dir/map_bench"
	cat > "$dir/bench.conf" <<EOC
MODE=$mode
PATHS="direct bounce"
THREADS="$(seq -s ' ' 1 "$KSMP")"
SIZES="$SIZES"
DIRS="$DIRS"
VERIFY="0 1"
REPS=$REPS
DUR_MS=$DUR_MS
WAIT_S=$(((DUR_MS + 400) / 1000)).$(printf '%03d' $(((DUR_MS + 400) % 1000)))
BENCH_S=$BENCH_S
TL_SECONDS=4
TL_SPEC="op=map_single threads=$((KSMP > 1 ? KSMP - 1 : 1)) duration_ms=4000 size=32768 offset=0 dir=to place=high live=256 verify=0"
EOC
}

# Boot time budget: every storm run, the benchmark, the shell around them.
ncells=$(($(wc -w <<< "$SIZES") * $(wc -w <<< "$DIRS") * SMP * 2))
BOOT_TIMEOUT=$((180 + ncells * (REPS * (DUR_MS / 1000 + 1 + BENCH_S) + DUR_MS / 1000 + 13)))

failed=0
for k in "${KERNELS[@]}"; do
	resolve_kernel "$k"
	kout=$OUT/$KNAME
	mkdir -p "$kout"
	KO=$(sst_build_module "$KDIR" "$WORK/$KNAME-module") || die "module build failed for $KNAME"
	KSMP=$SMP smp_note=
	# Seen here: under -icount, 6.1 hangs at "x86: Booting SMP
	# configuration" (6.12 boots); it gets one CPU, and says so.
	if [ -n "$QEMU_CLOCK" ] && [ "$KSMP" -gt 1 ] &&
	   [[ $(cat "$KDIR/include/config/kernel.release" 2>/dev/null) == 6.1.* ]]; then
		KSMP=1
		smp_note="smp 1, not $SMP: 6.1 does not bring up a second vCPU under QEMU -icount"
		log "$KNAME: $smp_note"
	fi
	log "$KNAME: main boot (mem $MEM, smp $KSMP, up to $BOOT_TIMEOUT s)"
	payload "$WORK/$KNAME-main" main
	vm_build_initramfs "$WORK/$KNAME-main.cpio.gz" "$WORK/$KNAME-main"
	start=$SECONDS
	vm_boot --kernel "$KIMG" --initrd "$WORK/$KNAME-main.cpio.gz" \
		--log "$kout/console-main.log" --mem "$MEM" --smp "$KSMP" \
		--timeout "$BOOT_TIMEOUT" ${QEMU_CLOCK:+--extra "$QEMU_CLOCK"} || true
	echo "main_boot: verdict=$VM_VERDICT seconds=$((SECONDS - start))${smp_note:+ note=\"$smp_note\"}" > "$kout/boot.txt"
	log "$KNAME: main boot $VM_VERDICT in $((SECONDS - start)) s"
	[ "$VM_VERDICT" = ok ] || failed=1
	for s in facts cells memory dmesg; do
		vm_extract_section "$kout/console-main.log" "$s" > "$kout/$s.txt" 2>/dev/null || true
	done
	if [ $TIMELINE = 1 ] && [ "$KSMP" = 1 ]; then
		# The sampler would run only when the storm thread yields, which
		# is after it has unmapped: it would see an empty pool.
		echo "timeline_boot: skipped (one CPU: the sampling shell runs only between the storm's iterations)" >> "$kout/boot.txt"
		log "$KNAME: exhaustion timeline skipped: one CPU"
	elif [ $TIMELINE = 1 ]; then
		log "$KNAME: exhaustion-timeline boot (swiotlb=2048: a 4 MiB pool)"
		payload "$WORK/$KNAME-tl" timeline
		vm_build_initramfs "$WORK/$KNAME-tl.cpio.gz" "$WORK/$KNAME-tl"
		start=$SECONDS
		vm_boot --kernel "$KIMG" --initrd "$WORK/$KNAME-tl.cpio.gz" \
			--log "$kout/console-timeline.log" --mem "$MEM" --smp "$KSMP" \
			--timeout 300 --append swiotlb=2048 ${QEMU_CLOCK:+--extra "$QEMU_CLOCK"} || true
		echo "timeline_boot: verdict=$VM_VERDICT seconds=$((SECONDS - start))" >> "$kout/boot.txt"
		log "$KNAME: timeline boot $VM_VERDICT in $((SECONDS - start)) s"
		[ "$VM_VERDICT" = ok ] || failed=1
		for s in timeline timeline-stats; do
			vm_extract_section "$kout/console-timeline.log" "$s" > "$kout/$s.txt" 2>/dev/null || true
		done
	fi
done

{
	echo "host: $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(nproc) CPUs"
	echo "qemu: $(qemu-system-x86_64 --version | head -n 1); TCG -cpu max, -smp $SMP -m $MEM${QEMU_CLOCK:+ $QEMU_CLOCK}"
	echo "command: tools/$PROG $ARGS"
	echo "clock: $CLOCK"
	echo "date: $(date -u -Is)"
} > "$OUT/host.txt"
python3 "$SST_TOP/tools/bench/analyze.py" "$OUT" || failed=1
[ ! -f "$OUT/report.txt" ] || cat "$OUT/report.txt"
log "results in $OUT"
exit $failed
