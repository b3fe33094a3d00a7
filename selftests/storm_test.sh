#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# swiotlb_stress storms: runs map_single storms on fake devices and checks
# the module's verdicts against what this boot must give. Under
# swiotlb=force every mapping bounces and offsets and data must be kept;
# without it, a 32-bit device bounces only buffers above 4 GiB, and a check
# with nothing bounced must say skip, never pass.

SST_TEST_NAME=storm_test
. "$(dirname "$0")/functions.sh"

sst_require
ktap_header
ktap_plan 10

if sst_cmdline_has swiotlb=force; then forced=1; else forced=0; fi
memkb=$(sst_mem_kb)
ktap_print "swiotlb=force: $forced, MemTotal: $memkb kB"


# 1: nvme, offsets swept across a page, sizes across slots and pages.
sst_new_device s_nvme "profile=nvme"
st=$(sst_run_storm s_nvme "threads=2 iterations=512 size_min=1 size_max=20000 offset=sweep offset_step=8 seed=1")
if [ $forced = 1 ]; then
	sst_expect "$st" "nvme under swiotlb=force keeps offsets and data" \
		state=done check_offset=pass check_data=pass verdict=pass \
		direct=0 map_errors=0 'bounce_mechanism=force*'
else
	sst_expect "$st" "nvme without bouncing: offset check skips, never passes" \
		state=done check_offset=skip 'check_offset_reason=nothing bounced*' \
		check_data=pass bounced=0
fi

# 2: the report format: a version line first, key: value lines only.
first=$(sst_dev_file s_nvme stats | head -n 1)
bad=$(sst_dev_file s_nvme stats | grep -cv '^[a-z_0-9]*: ')
if [ "$first" = "version: 1" ] && [ "$bad" = 0 ]; then
	ktap_result pass "stats are key: value lines after a version line"
else
	ktap_result fail "stats are key: value lines after a version line" "first '$first', $bad other lines"
fi

# 3: a 32-bit device with buffers placed beyond its mask.
sst_new_device s_c32 "profile=custom mask_bits=32 coherent_bits=32 min_align_mask=0xfff"
st=$(sst_run_storm s_c32 "threads=2 iterations=300 size_min=1 size_max=8192 offset=random place=high seed=2")
if [ $forced = 1 ]; then
	sst_expect "$st" "32-bit device under swiotlb=force: forced bounce, offsets kept" \
		state=done check_offset=pass check_data=pass 'bounce_mechanism=force*'
elif [ "$(sst_key "$st" buffers_beyond_mask)" = 0 ]; then
	ktap_result skip "32-bit device bounces high buffers" "no memory above 4 GiB in this boot (give the VM 6 GiB)"
else
	sst_expect "$st" "32-bit device bounces buffers above its mask, offsets and data kept" \
		state=done check_offset=pass check_data=pass 'bounce_mechanism=mask*' \
		bounced_force=0
fi

# 4: the same device with buffers anywhere; low ones must not bounce.
st=$(sst_run_storm s_c32 "threads=1 iterations=200 size=4096 seed=3")
if [ $forced = 1 ]; then
	sst_expect "$st" "32-bit device, any buffer, swiotlb=force: all bounce" state=done direct=0 verdict=pass
else
	sst_expect "$st" "32-bit device, any buffer: data intact" state=done check_data=pass
fi

# 5: the legacy device: its default mask and what it says about bouncing.
sst_new_device s_leg "profile=legacy"
cfg=$(sst_dev_file s_leg config)
ktap_print "legacy: dma_mask $(sst_key "$cfg" dma_mask), max_mapping_size $(sst_key "$cfg" max_mapping_size), bounces: $(sst_key "$cfg" bounces)"
st=$(sst_run_storm s_leg "threads=1 iterations=200 size_min=512 size_max=65536 dir=from seed=4")
sst_expect "$st" "legacy device storm: data intact, no map errors" state=done check_data=pass map_errors=0

# 6: a report read while threads start DMA calls must not see a call that
# began after the read's clock as one running for ages (a false hang).
sst_start s_nvme "threads=2 duration_ms=6000 size=64 verify=0"
for r in 1 2 3 4; do
	(
		i=0
		while [ $i -lt 60 ]; do
			cat "$SST_DIR/devices/s_nvme/stats"
			i=$((i + 1))
		done | grep -E '^(state: running|hang_thread_|check_hang: fail)' | sort | uniq -c
	) > "/tmp/sst-live.$r" &
done
wait
sst_stop s_nvme
running=$(cat /tmp/sst-live.* | awk '$2 == "state:" { n += $1 } END { print n + 0 }')
hangs=$(cat /tmp/sst-live.* | awk '$2 != "state:" { n += $1 } END { print n + 0 }')
rm -f /tmp/sst-live.*
if [ "$running" = 0 ]; then
	ktap_result skip "live reports name no false hang" "the storm ended before any read"
elif [ "$hangs" = 0 ]; then
	ktap_result pass "live reports name no false hang ($running reads while running)"
else
	ktap_result fail "live reports name no false hang" "$hangs hang lines in $running reads while running, with no call slower than a few ms"
fi

# 7: a DMA call that does not return (test_stall_ms: the next call stalls)
# must not freeze reports, other devices or del_device; stop waits for it
# and can be interrupted; once the call returns, stop finishes.
stall=/sys/module/swiotlb_stress/parameters/test_stall_ms
if [ ! -w "$stall" ]; then
	ktap_result skip "a stuck DMA call freezes nothing but its own stop" "no test_stall_ms parameter"
else
	why=
	sst_new_device s_stall "profile=nvme"
	sst_start s_stall "threads=1 duration_ms=60000 size=512 hang_ms=100"
	echo 15000 > "$stall"
	sleep 1
	( sst_stop s_stall; echo "rc=$?" > /tmp/sst-stop.rc ) &
	stopper=$!
	sleep 1
	st=$(timeout 5 cat "$SST_DIR/devices/s_stall/stats") || why="$why; stats read blocked"
	case $(sst_key "$st" check_hang) in
	fail) ;;
	*) why="$why; check_hang is '$(sst_key "$st" check_hang)' while a call is stuck" ;;
	esac
	timeout 5 cat "$SST_DIR/devices/s_stall/run" > /dev/null || why="$why; run read blocked"
	timeout 5 sh -c "printf 'name=s_other profile=nvme\n' > $SST_DIR/new_device" ||
		why="$why; new_device of another device failed or blocked"
	timeout 5 sh -c "printf 's_stall\n' > $SST_DIR/del_device" 2>/dev/null &&
		why="$why; del_device of the stuck device succeeded"
	err=$(dmesg | grep 'rejected: del_device' | tail -n 1)
	case $err in
	*"'s_stall' is stopping"*) ;;
	*) why="$why; del_device not refused as stopping: '${err#*rejected: }'" ;;
	esac
	kill -0 $stopper 2>/dev/null || why="$why; stop returned while the call was stuck"
	sst_stop s_stall &
	second=$!
	sleep 1
	kill $second 2>/dev/null
	sleep 1
	kill -0 $second 2>/dev/null && why="$why; a second stop could not be interrupted"
	n=0
	while kill -0 $stopper 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
	[ "$(cat /tmp/sst-stop.rc 2>/dev/null)" = rc=0 ] || why="$why; stop did not finish after the call returned"
	[ "$(sst_key "$(sst_dev_file s_stall stats)" state)" = stopped ] || why="$why; state not stopped"
	[ "$(ps 2>/dev/null | grep -c '[[]sstress/s_stall')" = 0 ] || why="$why; threads left"
	sst_del_device s_stall || why="$why; del_device after stop failed"
	sst_del_device s_other
	rm -f /tmp/sst-stop.rc
	echo 0 > "$stall"
	if [ -z "$why" ]; then
		ktap_result pass "a stuck DMA call freezes nothing but its own stop"
	else
		ktap_result fail "a stuck DMA call freezes nothing but its own stop" "${why#; }"
	fi
fi

# 8: a flood of bad writes does not flood the kernel log.
before=$(dmesg | grep -c 'swiotlb_stress: rejected:')
i=0
while [ $i -lt 300 ]; do
	printf 'threads=0\n' > "$SST_DIR/devices/s_nvme/run" 2>/dev/null
	i=$((i + 1))
done
n=$(($(dmesg | grep -c 'swiotlb_stress: rejected:') - before))
if [ "$n" -ge 1 ] && [ "$n" -le 60 ]; then
	ktap_result pass "300 rejected writes log $n 'rejected:' lines (rate-limited)"
else
	ktap_result fail "300 rejected writes are rate-limited in the log" "$n 'rejected:' lines"
fi

# 9: stop during a run: results stay readable, threads gone.
sst_start s_nvme "threads=2 duration_ms=60000 size=4096"
sleep 1
sst_stop s_nvme
st=$(sst_dev_file s_nvme stats)
n=$(ps 2>/dev/null | grep -c '[[]sstress/')
if [ "$(sst_key "$st" state)" = stopped ] && [ "$n" = 0 ]; then
	ktap_result pass "stop ends a running storm at once"
else
	ktap_result fail "stop ends a running storm at once" "state $(sst_key "$st" state), $n threads left"
fi

# 10: rmmod with devices and storms running frees everything.
if [ -n "${SST_MODULE:-}" ] && [ -f "$SST_MODULE" ]; then
	sst_start s_nvme "threads=2 duration_ms=60000 size=4096"
	sst_start s_c32 "threads=2 duration_ms=60000 size=4096"
	sleep 1
	if rmmod swiotlb_stress && [ ! -d "$SST_DIR" ] &&
	   ! grep -q swiotlb_stress /proc/modules && insmod "$SST_MODULE"; then
		ktap_result pass "rmmod during storms on two devices stops them and frees all"
	else
		ktap_result fail "rmmod during storms on two devices stops them and frees all"
	fi
else
	ktap_result skip "rmmod during storms" "SST_MODULE (path of the .ko) not given, so it could not be reloaded"
	for d in s_nvme s_c32 s_leg; do sst_stop $d; sst_del_device $d; done
fi

ktap_finish
