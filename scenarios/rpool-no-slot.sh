# purpose: bad input (issue 17): a restricted DMA pool smaller than one IO TLB slot (1 KiB): the kernel sets it up with no slots (rmem_swiotlb_device_init() does not check), so a device bound to it must never map; new_device refuses it with the reason; no oops
# append: swiotlb=force
# mem: 2G
# qemu: rpool=0x400
# arch: arm64
if ! dmesg | grep -q 'created restricted DMA pool'; then
	scn_result rp0.create skip "the kernel set up no restricted DMA pool: CONFIG_DMA_RESTRICTED_POOL is off (Debian's arm64 kernels; tools/build-kernel.sh --arch arm64 --config restricted-pool), or no '# qemu: rpool' devicetree"
	return 0
fi
scn_expect_refused rp0 "profile=rpool" "*sst-rpool unusable: restricted pool smaller than one IO TLB slot*" \
	"a device whose restricted pool holds no slot"
