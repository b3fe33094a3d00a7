#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tools/bench.sh (busybox sh, run as /sst/guest-main.sh).
# Reads /sst/bench.conf, loads the module with bench_pdev=1, hands that
# platform device to dma_map_benchmark when the kernel has it, and prints
# sections for the host:
#   facts     key: value lines about the kernel, pool and devices
#   cells     one "CELL k=v ..." line per measured run
#   memory    MemFree seen during runs against what the module reports
#   timeline  "T seconds used_slots" samples of io_tlb_used (mode timeline)
#   dmesg     the kernel log
# The storm engine and the benchmark run one after the other, never at once.

# shellcheck source=/dev/null
. /sst/selftests/functions.sh
# shellcheck source=/dev/null
. /sst/bench.conf

SST_MODULE=/sst/swiotlb_stress.ko
PDEV=swiotlb_stress_bench
BENCH_FILE=$SST_DEBUGFS/dma_map_benchmark

# Only KERN_EMERG on the console: sections must not be broken up.
echo 1 > /proc/sys/kernel/printk

why=$(sst_unusable_reason)
[ -z "$why" ] || { echo "bench: $why"; exit 1; }
insmod "$SST_MODULE" bench_pdev=1 || { echo "bench: insmod failed"; exit 1; }

ncpu=$(grep -c '^processor' /proc/cpuinfo)
[ -n "${THREADS:-}" ] || THREADS=$(seq 1 "$ncpu" | tr '\n' ' ')

# The benchmark: bound through driver_override, or the reason it is not.
bench_skip=
if [ ! -d /sys/bus/platform/drivers/dma_map_benchmark ]; then
	bench_skip="kernel built without CONFIG_DMA_MAP_BENCHMARK (no dma_map_benchmark driver)"
elif [ ! -d "/sys/bus/platform/devices/$PDEV" ]; then
	bench_skip="platform device $PDEV missing"
else
	echo dma_map_benchmark > "/sys/bus/platform/devices/$PDEV/driver_override"
	echo "$PDEV" > /sys/bus/platform/drivers_probe 2>/dev/null
	[ -e "$BENCH_FILE" ] ||
		bench_skip="dma_map_benchmark did not bind to $PDEV"
fi

sst_new_device d64 "profile=custom mask_bits=64" || { echo "bench: new_device d64 failed"; exit 1; }
sst_new_device d32 "profile=custom mask_bits=32" || { echo "bench: new_device d32 failed"; exit 1; }

cfg_key() { sst_key "$(sst_dev_file "$1" config)" "$2"; }
max32=$(cfg_key d32 max_mapping_size)
max64=$(cfg_key d64 max_mapping_size)

echo "SST-BEGIN facts"
echo "kernel: $(uname -r)"
echo "ncpu: $ncpu"
echo "mem_total_kb: $(sst_mem_kb)"
echo "cmdline: $(cat /proc/cmdline)"
echo "swiotlb_nslabs: $(sst_pool nslabs)"
echo "swiotlb_areas_dmesg: $(dmesg | sed -n 's/.*software IO TLB: area num \([0-9]*\).*/\1/p' | head -n 1)"
echo "swiotlb_mapped: $(dmesg | sed -n 's/.*software IO TLB: \(mapped .*\)/\1/p' | head -n 1)"
echo "bench_skip: ${bench_skip:-none}"
echo "max_mapping_size_direct: $max64"
echo "max_mapping_size_bounce: $max32"
echo "required_mask_bits: $(cfg_key d32 required_mask_bits)"
echo "module_size: $(sed -n 's/^swiotlb_stress \([0-9]*\) .*/\1/p' /proc/modules)"
echo "threads: $THREADS"
echo "SST-END facts"

# stats text -> the k=v words a CELL line carries.
cell_words() {
	printf '%s\n' "$1" | awk -F': ' '
		$1 ~ /^(state|iterations|elapsed_ms|maps|map_errors|map_errors_too_large|map_errors_pool_full|map_errors_unexpected|bounced|bounced_mask|direct|buffers_beyond_mask|pool_peak|run_memory_bytes|run_memory_limit|check_data|verdict)$/ ||
		$1 ~ /^(map|unmap)_ns_/ {
			v = $2; gsub(/ /, "_", v); printf " %s=%s", $1, v
		}'
}

# storm DEV SPEC: one storm run to its end, its stats on stdout.
# While the run lasts the shell must cost nothing, as map_bench does while
# the benchmark runs (it waits in its ioctl): a fork and exec during the run
# preempts a storm thread inside a timed call on a shared CPU, and under
# -icount the other vCPU's turn counts in every call in flight. So the
# sleeper is started and settled before the run, outlives it, and the shell
# waits for it with a builtin; sst_start is a builtin printf.
storm() {
	sleep "$WAIT_S" &
	sleeper=$!
	sleep 0.2
	if ! sst_start "$1" "$2"; then
		kill "$sleeper" 2>/dev/null
		wait "$sleeper" 2>/dev/null
		echo "state: start-failed"
		return
	fi
	wait "$sleeper"
	sst_wait "$1" 120 || { sst_stop "$1"; echo "state: timeout"; return; }
	sst_dev_file "$1" stats
}

main_mode() {
	echo "SST-BEGIN cells"
	for path in $PATHS; do
		if [ "$path" = direct ]; then dev=d64 bits=64 max=$max64; else dev=d32 bits=32 max=$max32; fi
		place=any
		[ "$path" = bounce ] && place=high
		# SIZE_MAX (no limit) does not fit the shell's arithmetic.
		[ ${#max} -gt 15 ] && max=
		for t in $THREADS; do
			for size in $SIZES; do
				over=0
				[ -n "$max" ] && [ "$size" -gt "$max" ] && over=1
				for dir in $DIRS; do
					id="path=$path threads=$t size=$size dir=$dir"
					spec="op=map_single threads=$t duration_ms=$DUR_MS size=$size offset=0 dir=$dir place=$place live=1"
					[ $over = 1 ] && spec="$spec oversize=1"
					# verify=0 and the benchmark alternate, REPS
					# rounds: drift in the machine's speed (other
					# VMs on the host) hits both sides alike.
					rep=1
					while [ $rep -le "$REPS" ]; do
						if [ $((rep % 2)) = 0 ]; then bench_cell; fi
						st=$(storm "$dev" "$spec verify=0")
						echo "CELL kind=storm $id verify=0 rep=$rep over=$over$(cell_words "$st")"
						if [ $((rep % 2)) = 1 ]; then bench_cell; fi
						rep=$((rep + 1))
						# Refused sizes: once shows it.
						[ $over = 1 ] && break
					done
					st=$(storm "$dev" "$spec verify=1")
					echo "CELL kind=storm $id verify=1 rep=1 over=$over$(cell_words "$st")"
				done
			done
		done
	done
	echo "SST-END cells"
}

bench_cell() {
	if [ -n "$bench_skip" ]; then
		echo "CELL kind=bench $id bench_rc=skip"
		return
	fi
	if [ $((size % 4096)) != 0 ] || [ "$size" -gt $((1024 * 4096)) ]; then
		echo "CELL kind=bench $id bench_rc=skip bench_error=size-not-whole-pages"
		return
	fi
	echo "CELL kind=bench $id rep=$rep $(/sst/map_bench "$t" "$BENCH_S" "$bits" "$dir" $((size / 4096)))"
}

# MemFree while a run holds its buffers, against run_memory_bytes.
memory_mode() {
	echo "SST-BEGIN memory"
	t=$ncpu
	for size in 4096 $max32; do
		for v in 0 1; do
			free0=$(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo)
			sst_start d32 "op=map_single threads=$t duration_ms=1500 size=$size offset=0 dir=bidi place=high verify=$v" ||
				{ echo "MEM size=$size verify=$v state=start-failed"; continue; }
			sleep 0.7
			free1=$(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo)
			sst_wait d32 60
			st=$(sst_dev_file d32 stats)
			echo "MEM threads=$t size=$size verify=$v memfree_drop_kb=$((free0 - free1)) run_memory_bytes=$(sst_key "$st" run_memory_bytes) run_memory_limit=$(sst_key "$st" run_memory_limit)"
		done
	done
	echo "SST-END memory"
}

# io_tlb_used sampled while more mappings are held than the pool has slots.
timeline_mode() {
	echo "SST-BEGIN timeline"
	echo "# nslabs $(sst_pool nslabs)"
	echo "# spec $TL_SPEC"
	n=0 end=0
	while :; do
		read -r now _ < /proc/uptime
		read -r used < "$SST_DEBUGFS/swiotlb/io_tlb_used"
		echo "T $now $used"
		n=$((n + 1))
		if [ $n = 10 ]; then
			sst_start d32 "$TL_SPEC" || echo "# start failed"
			echo "# start $now"
			end=$((${now%.*} + TL_SECONDS + 2))
		fi
		[ $n -gt 10 ] && [ "${now%.*}" -ge $end ] && break
		sleep 0.05
	done
	echo "SST-END timeline"
	sst_wait d32 60 || sst_stop d32
	echo "SST-BEGIN timeline-stats"
	sst_dev_file d32 stats
	echo "SST-END timeline-stats"
}

case $MODE in
main) main_mode; memory_mode ;;
timeline) timeline_mode ;;
*) echo "bench: unknown MODE $MODE"; exit 1 ;;
esac

# Prefixed: the host drops console lines that look like printk lines.
echo "SST-BEGIN dmesg"
dmesg | sed 's/^/K /'
echo "SST-END dmesg"
[ -e "$BENCH_FILE" ] && echo "$PDEV" > /sys/bus/platform/drivers/dma_map_benchmark/unbind
rmmod swiotlb_stress || { echo "bench: rmmod failed"; exit 1; }
exit 0
