# purpose: edu backend, bad input: a DMA that does not complete in time (edu_timeout_ms=1 against the engine's ~100 ms) fails the data check with the reason instead of hanging; the transfer is waited out before its mapping goes, and the engine serves again once the device is deleted
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
P=/sys/module/swiotlb_stress/parameters
if scn_need_edu edut0 && scn_device edut0 "profile=edu mask_bits=64 coherent_bits=64"; then
	echo 1 > $P/edu_timeout_ms
	sst_start edut0 "op=map_single threads=1 iterations=2 size=1000 dir=to" && sst_wait edut0 60
	echo 5000 > $P/edu_timeout_ms
	v=$(sst_key "$(sst_dev_file edut0 stats)" check_data)
	line=$(dmesg | grep 'not done after 1 ms' | tail -n 1)
	if [ "$v" = fail ] && [ -n "$line" ]; then
		scn_result edut0.timeout pass "the data check failed on the timeout, no hang: ${line#*] }"
	else
		scn_result edut0.timeout fail "check_data '$v', timeout line '$line'"
	fi
	scn_expect_key edut0 config edu_engine 'a DMA did not complete*' "engine retired after the timeout"
	if dmesg | grep -q 'still busy'; then
		scn_result edut0.waited_out fail "$(dmesg | grep 'still busy' | tail -n 1)"
	else
		scn_result edut0.waited_out pass "the late transfer finished before its mapping went"
	fi
	sst_del_device edut0
	scn_device edut1 "profile=edu mask_bits=64 coherent_bits=64" &&
	scn_storm edut1 "op=map_single threads=1 iterations=2 size=1000 dir=all"
	sst_del_device edut1 2>/dev/null
fi
