# purpose: edu backend behind an emulated Intel IOMMU (lazy invalidation: flush queue): DMA addresses are IOVAs, the device's DMA goes through QEMU's IOMMU model; data both ways and partial writes, no DMAR fault
# append: intel_iommu=on iommu.passthrough=0 iommu.strict=0
# mem: 2G
# qemu: edu=1 viommu=lazy
# requires: intel_iommu=on iommu.strict=0
# default: yes
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
