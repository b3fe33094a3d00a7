# purpose: edu backend behind an emulated Intel IOMMU (strict invalidation): DMA addresses are IOVAs, the device's DMA goes through QEMU's IOMMU model; data both ways and partial writes, no DMAR fault
# append: intel_iommu=on iommu.passthrough=0 iommu.strict=1
# mem: 2G
# qemu: edu=1 viommu=strict
# requires: intel_iommu=on iommu.strict=1
# default: yes
# Page-aligned whole pages: dma-iommu merges the entries into fewer DMA
# segments, as the API allows; the device must still find every byte.
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
