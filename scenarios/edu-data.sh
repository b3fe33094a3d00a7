# purpose: edu backend: a real device's DMA engine (QEMU edu) reads and writes through the bounce slots: data both ways, partial device writes (stale), sync_for_device, offsets; the same storm on a fake nvme-like device must give the same verdicts
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
# default: yes
# The edu device takes the nvme profile's DMA configuration by overrides
# (64-bit masks, min_align_mask 0xfff), and both devices run one storm with
# one seed: same sizes, offsets, directions and partial writes. Each 4 KiB
# of a device access costs the edu engine two DMAs of ~100 ms, hence the
# small iteration count.
scn_need_edu edu0 &&
scn_device edu0 "profile=edu mask_bits=64 coherent_bits=64 min_align_mask=0xfff" &&
scn_device fake0 "profile=nvme" &&
scn_expect_key edu0 config backend edu "device side played by the edu DMA engine" &&
scn_storm edu0 "op=map_single threads=1 iterations=24 size_min=1 size_max=6000 offset=random dir=all sync=whole partial=1 seed=11" &&
scn_storm fake0 "op=map_single threads=1 iterations=24 size_min=1 size_max=6000 offset=random dir=all sync=whole partial=1 seed=11" &&
scn_agree fake0 edu0
# Bad input: the only edu device is taken; a mapping the engine would need
# minutes for.
if scn_have_edu; then
	if sst_new_device edu9 "profile=edu"; then
		scn_result edu9.refused fail "a second edu device was created from one PCI device"
		sst_del_device edu9
	else
		why=$(dmesg | grep 'swiotlb_stress: rejected:' | tail -n 1 | sed 's/.*rejected: //')
		case $why in
		*'no free edu'*) scn_result edu9.refused pass "$why" ;;
		*) scn_result edu9.refused fail "refused for another reason: $why" ;;
		esac
	fi
	# refused CHECK SPEC REASON WHAT: starting SPEC on edu0 must be
	# refused, and for REASON (a pattern of the "rejected:" log line).
	refused() {
		if sst_start edu0 "$2"; then
			scn_result "edu0.$1" fail "$4 were accepted"
			sst_stop edu0; sst_wait edu0 300
			return
		fi
		why=$(dmesg | grep 'swiotlb_stress: rejected:' | tail -n 1 | sed 's/.*rejected: //')
		case $why in
		*$3*) scn_result "edu0.$1" pass "$why" ;;
		*) scn_result "edu0.$1" fail "refused for another reason: $why" ;;
		esac
	}
	refused too_large "op=map_single threads=1 iterations=1 size=300000 oversize=1" \
		'the most an edu device checks' "300000-byte edu runs"
	# 8 threads of 200 KB accesses: one would wait ~70 s for the engine.
	# (256 KiB is past dma_max_mapping_size() with min_align_mask 0xfff,
	# refused for that before the engine wait is looked at.)
	refused threads "op=map_single threads=8 iterations=1 size=200000" \
		'engine wait' "8 threads of 200 KB edu accesses"
fi
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
sst_dev_file edu0 config 2>/dev/null | scn_section edu0.config-end
for d in edu0 fake0 ; do sst_del_device "$d" 2>/dev/null; done
