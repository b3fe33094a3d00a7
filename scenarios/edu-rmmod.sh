# purpose: edu backend: rmmod while storms run on an edu device stops them, waits for the DMA engine to be idle and unloads cleanly; the module loads again and the device works
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
# The storm is far longer than the wait: rmmod has to stop it. Each edu
# iteration holds the engine for a few 100 ms DMAs, which bounds how long
# the unload waits.
scn_need_edu edur0 &&
scn_device edur0 "profile=edu mask_bits=64 coherent_bits=64" &&
sst_start edur0 "op=map_single threads=2 iterations=100000 size_min=1 size_max=8192 dir=all partial=1 sync=whole" &&
sleep 3 &&
if t0=$(date +%s) && rmmod swiotlb_stress; then
	scn_result edur0.rmmod pass "unloaded during the storm in $(( $(date +%s) - t0 )) s"
	if dmesg | grep -q 'DMA engine still busy'; then
		scn_result edur0.engine_idle fail "$(dmesg | grep 'DMA engine still busy' | tail -n 1)"
	else
		scn_result edur0.engine_idle pass "the engine was idle at unbind and remove"
	fi
	if why=$(sst_load_module); then
		scn_device edur1 "profile=edu mask_bits=64 coherent_bits=64" &&
		scn_storm edur1 "op=map_single threads=1 iterations=4 size_min=1 size_max=4000 dir=all partial=1 sync=whole"
		sst_del_device edur1 2>/dev/null
	else
		scn_result edur0.reload fail "module did not load again: $why"
	fi
else
	scn_result edur0.rmmod fail "rmmod refused during the storm"
	sst_stop edur0; sst_wait edur0 60; sst_del_device edur0 2>/dev/null
fi
