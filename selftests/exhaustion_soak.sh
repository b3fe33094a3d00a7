#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Exhaustion soak: storms on every CPU keep a small bounce pool full for a
# while (default 60 s; first argument or SST_SOAK_SECONDS) with mappings
# failing all the time. Passes when nothing panics or hangs (hung-task
# timeout lowered to SST_SOAK_HUNG_S, default 10 s), every failed map is
# classified, the control files keep answering, and the pool's use comes
# back to its baseline once the storms end.
# Needs a boot with a small forced pool, e.g. swiotlb=1024,force.

# shellcheck disable=SC2034 # read by functions.sh
SST_TEST_NAME=exhaustion_soak
. "$(dirname "$0")/functions.sh"

secs=${1:-${SST_SOAK_SECONDS:-60}}
hung_s=${SST_SOAK_HUNG_S:-10}
splat_re=${SST_SPLAT_RE:-'BUG:|Oops|WARNING:|general protection|Kernel panic|UBSAN:|suspected memory leak|possible recursive locking|circular locking|INFO: task .* blocked|scheduling while atomic|DMA-API: .*device driver'}

sst_require
case $secs in
'' | *[!0-9]* | 0) ktap_skip_all "seconds must be a positive number, not '$secs'" ;;
esac
nslabs=$(sst_pool nslabs)
[ -n "$nslabs" ] || ktap_skip_all "no /sys/kernel/debug/swiotlb/io_tlb_nslabs: cannot watch the pool"
grep -qE '(^| )swiotlb=[0-9]+,force( |$)' /proc/cmdline && [ "$nslabs" -le 8192 ] ||
	ktap_skip_all "needs a small forced bounce pool (boot with swiotlb=1024,force; this boot: $nslabs slots)"

ktap_header
ktap_plan 5
ncpu=$(grep -c ^processor /proc/cpuinfo)
hung=/proc/sys/kernel/hung_task_timeout_secs
if [ -w $hung ]; then
	old_hung=$(cat $hung)
	echo "$hung_s" > $hung
	ktap_print "hung-task timeout lowered to $hung_s s for the soak"
else
	ktap_print "no hung-task detector in this kernel (CONFIG_DETECT_HUNG_TASK): a hang shows only as a stuck run"
fi
base=$(sst_pool used)
nsplat=$(dmesg | grep -cE "$splat_re")
ktap_print "$secs s on $ncpu CPUs, pool $nslabs slots, $base in use before"

# Two devices, min_align_mask 0 and 0xfff; each thread holds up to 64
# mappings of 64 KiB: far more than the pool, on every CPU. Offset 0: an
# offset with bit 11 set sends 6.1's slot search into an endless loop
# (findings/6.1-swiotlb-find-slots-hang.md), a kernel bug, not this test.
sst_new_device ex_leg "profile=legacy" && sst_new_device ex_nvme "profile=nvme" ||
	{ ktap_result fail "soak devices created"; ktap_finish; }

# Back-to-back storm windows of $win s, until they add up to $secs s of
# storm: each window's report must show maps failing for want of pool,
# so the pool was full in every one. (Between windows the threads and
# their buffers are set up again: wall time exceeds storm time.)
win=${SST_SOAK_WINDOW:-15}
[ "$win" -le "$secs" ] || win=$secs
spec="op=map_single threads=$ncpu pin=1 live=64 size=65536 offset=0 dir=to hang_ms=5000 duration_ms=$((win * 1000))"
windows=0 full_windows=0 bad_state=0 samples=0 slow=0 peak=0
maps=0 errs=0 full_errs=0 unexp=0 bad_checks=0
t0=$(cut -d. -f1 /proc/uptime)
while [ $((windows * win)) -lt "$secs" ]; do
	windows=$((windows + 1))
	w0=$(cut -d. -f1 /proc/uptime)
	if ! sst_start ex_leg "$spec seed=$((windows * 2))" ||
	   ! sst_start ex_nvme "$spec seed=$((windows * 2 + 1))"; then
		bad_state=$((bad_state + 1))
		ktap_print "window $windows: a storm did not start"
		break
	fi
	# Watch the pool and the control files while it lasts.
	while [ "$(sst_key "$(sst_dev_file ex_leg stats)" state)" = running ] ||
	      [ "$(sst_key "$(sst_dev_file ex_nvme stats)" state)" = running ]; do
		used=$(sst_pool used)
		samples=$((samples + 1))
		[ "$used" -gt "$peak" ] && peak=$used
		a=$(sed 's/ .*//; s/\.//' /proc/uptime)
		sst_dev_file ex_nvme stats > /dev/null
		b=$(sed 's/ .*//; s/\.//' /proc/uptime)
		[ $((b - a)) -gt 500 ] && slow=$((slow + 1))
		[ $(( $(cut -d. -f1 /proc/uptime) - w0 )) -lt $((win + 120)) ] ||
			{ ktap_print "window $windows: storms still running long after their end"; break; }
		sleep 1
	done
	wfull=0
	for d in ex_leg ex_nvme; do
		st=$(sst_dev_file $d stats)
		[ "$(sst_key "$st" state)" = "done" ] && [ "$(sst_key "$st" check_hang)" != fail ] ||
			{ bad_state=$((bad_state + 1)); ktap_print "window $windows: $d state $(sst_key "$st" state), check_hang $(sst_key "$st" check_hang)"; }
		[ "$(sst_key "$st" check_errors)" = pass ] || bad_checks=$((bad_checks + 1))
		maps=$((maps + $(sst_key "$st" maps)))
		errs=$((errs + $(sst_key "$st" map_errors)))
		f=$(sst_key "$st" map_errors_pool_full)
		full_errs=$((full_errs + f))
		wfull=$((wfull + f))
		unexp=$((unexp + $(sst_key "$st" map_errors_unexpected)))
	done
	[ "$wfull" -gt 0 ] && full_windows=$((full_windows + 1))
	[ "$bad_state" = 0 ] || break
done
elapsed=$(( $(cut -d. -f1 /proc/uptime) - t0 ))
for k in map_errors map_errors_pool_full map_errors_align map_errors_too_large map_errors_no_pool map_errors_unexpected check_errors check_hang verdict; do
	ktap_print "last window: $k: ex_leg $(sst_key "$(sst_dev_file ex_leg stats)" $k), ex_nvme $(sst_key "$(sst_dev_file ex_nvme stats)" $k)"
done
ktap_print "figures: soak_seconds=$((windows * win)) soak_wall_seconds=$elapsed soak_windows=$windows soak_maps=$maps soak_map_errors=$errs soak_full_windows=$full_windows/$windows soak_pool_peak=$peak/$nslabs"

if [ "$bad_state" = 0 ] && [ $((windows * win)) -ge "$secs" ]; then
	ktap_result pass "storms on $ncpu CPUs ran for $((windows * win)) s ($windows windows of $win s, $elapsed s wall), no DMA call hung"
else
	ktap_result fail "storms on $ncpu CPUs ran for $secs s, no DMA call hung" "$bad_state bad window ends, $elapsed s"
	sst_stop ex_leg
	sst_stop ex_nvme
fi
if [ "$windows" -gt 0 ] && [ "$full_windows" = "$windows" ]; then
	ktap_result pass "maps failed for want of pool in every window ($full_errs of $maps maps; pool peak $peak of $nslabs)"
else
	ktap_result fail "maps failed for want of pool in every window" "$full_windows of $windows windows; pool peak $peak of $nslabs"
fi
if [ "$errs" -gt 0 ] && [ "$unexp" = 0 ] && [ "$bad_checks" = 0 ]; then
	ktap_result pass "every failed map classified ($full_errs pool_full of $errs, none unexpected)"
else
	ktap_result fail "every failed map classified" "$unexp unexpected of $errs, $bad_checks failed errors checks"
fi
now=$(dmesg | grep -cE "$splat_re")
if [ "$now" = "$nsplat" ] && [ "$slow" = 0 ]; then
	ktap_result pass "no panic, hung task or splat; control files answered within 5 s"
else
	dmesg | grep -E "$splat_re" | tail -n $((now - nsplat)) | head -n 5 | sed 's/^/# /'
	ktap_result fail "no panic, hung task or splat; control files answered within 5 s" \
		"$((now - nsplat)) splat lines, $slow slow reads"
fi
used=$(sst_pool_settle "$base")
if [ "$used" = "$base" ]; then
	ktap_result pass "the pool's use came back to its baseline ($base)"
else
	ktap_result fail "the pool's use came back to its baseline ($base)" "$used in use"
fi
sst_del_device ex_leg
sst_del_device ex_nvme
[ -z "${old_hung:-}" ] || echo "$old_hung" > $hung
ktap_finish
