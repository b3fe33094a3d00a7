# purpose: edu backend behind the emulated IOMMU: a device DMA to an address no mapping covers is an IOMMU fault, and the fault shows in the kernel log where tools/run.sh's kernel_log check (SST_SPLAT_RE) fails any other scenario on it
# append: intel_iommu=on iommu.passthrough=0 iommu.strict=1
# mem: 2G
# qemu: edu=1 viommu=strict
# requires: intel_iommu=on
# default: yes
# expect-log: DMAR: \[DMA Read|DMAR: DRHD: handling fault
# The module's edu_stray_dma (test only) has the engine read DMA address 0.
# Here the fault is expected; in every other scenario the same lines fail
# the kernel_log check.
