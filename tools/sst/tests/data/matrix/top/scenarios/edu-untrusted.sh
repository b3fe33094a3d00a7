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
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
