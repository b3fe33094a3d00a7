# purpose: edu backend on the untrusted-device path: behind the IOMMU, dma-iommu bounces an untrusted device's unaligned mappings through SWIOTLB; offsets (min_align_mask with the IOVA granule) and data through the bounce slots, and dma_max_mapping_size() mapping (the 2024 fixes "iommu/dma: Force swiotlb_max_mapping_size on an untrusted device", "swiotlb: Fix alignment checks when both allocation and DMA masks are present")
# append: intel_iommu=on iommu.passthrough=0 iommu.strict=1 swiotlb=force
# mem: 2G
# qemu: edu=1 viommu=strict
# requires: intel_iommu=on iommu.strict=1
# default: yes
# QEMU cannot describe an external-facing port, so the module marks the
# device untrusted when new_device takes it (edu_untrusted=1, test only),
# as set_pcie_untrusted() does at enumeration. swiotlb=force only makes
# the kernel allocate its bounce pool in a guest below 4 GiB; dma-iommu
# does not read it.
scn_need_edu eduu0 &&
echo 1 > /sys/module/swiotlb_stress/parameters/edu_untrusted &&
scn_device eduu0 "profile=edu mask_bits=64 coherent_bits=64 min_align_mask=0xfff"
rc=$?
echo 0 > /sys/module/swiotlb_stress/parameters/edu_untrusted
[ $rc = 0 ] &&
scn_expect_key eduu0 config edu_untrusted 1 "pci_dev->untrusted set before the first mapping" &&
scn_expect_key eduu0 config kernel_modified 'yes*' "the config says the module changed the kernel under test" &&
if dmesg | grep -q 'kernel modified for a test: pci_dev->untrusted'; then
	scn_result eduu0.kernel_modified_logged pass "the kernel log says the module changed the kernel under test"
else
	scn_result eduu0.kernel_modified_logged fail "no 'kernel modified for a test' line in the kernel log"
fi &&
scn_expect_domain eduu0 dma-strict "an untrusted device's domain is a strict DMA domain" &&
scn_storm eduu0 "op=map_single threads=1 iterations=16 size_min=1 size_max=6000 offset=random dir=all sync=whole partial=1 seed=16" &&
scn_expect_key eduu0 stats bounced '[1-9]*' "dma-iommu bounced the unaligned mappings" &&
scn_storm eduu0 "op=max_size threads=1 iterations=1 offset=100 dir=to"
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
sst_dev_file eduu0 config 2>/dev/null | scn_section eduu0.config-end
for d in eduu0 ; do sst_del_device "$d" 2>/dev/null; done
