# purpose: edu backend, bad input: an edu device whose DMA engine reaches only 28 bits (QEMU's default dma_mask) cannot serve the bounce pool or the staging buffer of a 2 GiB guest: new_device refuses it with the reason, nothing hangs
# append: swiotlb=force
# mem: 2G
# qemu: edu=1,0xfffffff
# requires: swiotlb=force
# Which reason depends on where the staging buffer landed: the self-test
# at probe (its DMA was cut to 28 bits) or the pool check at new_device.
if scn_need_edu edub0; then
	if sst_new_device edub0 "profile=edu"; then
		scn_result edub0.refused fail "new_device took a 28-bit edu device under swiotlb=force: $(sst_dev_file edub0 config | grep -E '^(dma_mask|edu_engine):' | paste -sd ' ')"
		sst_del_device edub0
	else
		why=$(dmesg | grep 'swiotlb_stress: rejected:' | tail -n 1)
		case $why in
		*self-test*|*'does not reach the bounce pool'*) scn_result edub0.refused pass "${why#*rejected: }" ;;
		*) scn_result edub0.refused fail "refused for another reason: $why" ;;
		esac
	fi
fi
