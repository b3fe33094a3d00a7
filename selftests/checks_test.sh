#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# swiotlb_stress detector set: every operation of the storm engine and
# every check, on a device whose mappings bounce in this boot (swiotlb=force,
# or a 32-bit device with buffers above 4 GiB). Each check must give pass
# here; tools/prove-checks.sh shows each failing on a kernel with the bug.

SST_TEST_NAME=checks_test
. "$(dirname "$0")/functions.sh"

sst_require
ktap_header
ktap_plan 13

DEV=k32
sst_new_device $DEV "profile=custom mask_bits=32 coherent_bits=32 min_align_mask=0xfff" ||
	ktap_skip_all "cannot create a 32-bit device"
if sst_cmdline_has swiotlb=force || sst_cmdline_has 'swiotlb=[0-9]*,force'; then
	bounce="swiotlb=force"
elif [ "$(sst_mem_kb)" -gt 4400000 ]; then
	bounce="place=high"
else
	for i in $(seq 13); do
		ktap_result skip "check $i" "nothing bounces in this boot: no swiotlb=force and no memory above 4 GiB"
	done
	ktap_finish
fi
ktap_print "bouncing by: $bounce"
pool0=$(sst_pool used)
place=place=high

expect() { # NAME SPEC KEY=PATTERN...
	name=$1 spec=$2
	shift 2
	# Coherent buffers are the allocator's: place= is refused there.
	case $spec in
	*op=alloc_coherent*) sst_expect "$(sst_run_storm $DEV "$spec")" "$name" "$@" ;;
	*) sst_expect "$(sst_run_storm $DEV "$spec $place")" "$name" "$@" ;;
	esac
}

expect "map_single: offsets and data, every direction" \
	"op=map_single threads=2 pin=1 iterations=400 size_min=1 size_max=9000 offset=sweep" \
	state=done check_offset=pass check_data=pass check_errors=pass check_hang=pass direct=0
expect "map_page: offsets and data" \
	"op=map_page threads=2 iterations=400 size_min=1 size_max=9000 offset=random" \
	state=done check_offset=pass check_data=pass direct=0
expect "map_sg: 6 entries of mixed lengths and offsets" \
	"op=map_sg segs=6 threads=2 iterations=200 size_min=1 size_max=6000 offset=random sync=whole" \
	state=done check_offset=pass check_data=pass map_errors=0
expect "sub-range syncs swept across the mapping keep data both ways" \
	"op=map_single threads=2 iterations=400 size_min=64 size_max=20000 sync=range" \
	state=done check_data=pass check_sync_for_device=pass
expect "partial device writes: untouched bytes keep the CPU's data (no stale bounce data)" \
	"op=map_single threads=2 iterations=400 size_min=16 size_max=8192 dir=from,bidi partial=1" \
	state=done check_stale=pass check_data=pass
expect "sync_for_device on DMA_FROM_DEVICE leaves the device's data (5.18 semantics)" \
	"op=map_single threads=1 iterations=300 size_min=16 size_max=8192 dir=from sync=whole" \
	state=done check_sync_for_device=pass
expect "DMA_ATTR_SKIP_CPU_SYNC with explicit syncs" \
	"op=map_page threads=1 iterations=300 size_min=16 size_max=8192 skip_cpu_sync=1 sync=whole" \
	state=done check_data=pass check_offset=pass
expect "64 live mappings never share device addresses" \
	"op=map_single threads=2 live=64 iterations=40 size_min=1 size_max=12000" \
	state=done check_overlap=pass check_data=pass max_live=64
expect "dma_max_mapping_size() maps at every offset min_align_mask allows" \
	"op=max_size threads=1 iterations=64 offset=sweep offset_step=64" \
	state=done check_max_mapping=pass map_errors=0
expect "oversize requests fail cleanly, classified too_large" \
	"op=map_single threads=1 iterations=50 size=300000 oversize=1 dir=to" \
	state=done check_errors=pass 'map_errors_too_large=[1-9]*' map_errors_unexpected=0
max=$(sst_key "$(sst_dev_file $DEV config)" max_mapping_size)
# Past the limit a map may fail or, where the limit is conservative, not.
expect "one byte past dma_max_mapping_size() ($max): data intact or a classified failure" \
	"op=map_single threads=1 iterations=32 size=$((max + 1)) offset=random oversize=1" \
	state=done check_errors=pass check_data=pass map_errors_unexpected=0
expect "alloc_coherent: aligned as promised, data both ways" \
	"op=alloc_coherent threads=2 iterations=200 size_min=1 size_max=70000" \
	state=done check_data=pass map_errors=0 offset_failures=0

if [ -z "$pool0" ]; then
	ktap_result skip "bounce pool use back to its baseline" "no /sys/kernel/debug/swiotlb/io_tlb_used"
elif [ "$(sst_pool_settle "$pool0")" = "$pool0" ]; then
	ktap_result pass "bounce pool use back to its baseline ($pool0 slots) after all storms"
else
	ktap_result fail "bounce pool use back to its baseline" "io_tlb_used $(sst_pool used), was $pool0"
fi

sst_del_device $DEV
ktap_finish
