# purpose: edu backend behind an emulated Intel IOMMU (strict invalidation): DMA addresses are IOVAs, the device's DMA goes through QEMU's IOMMU model; data both ways and partial writes, no DMAR fault
# append: intel_iommu=on iommu.passthrough=0 iommu.strict=1
# mem: 2G
# qemu: edu=1 viommu=strict
# requires: intel_iommu=on iommu.strict=1
# default: yes
scn_need_edu eduv0 &&
scn_device eduv0 "profile=edu mask_bits=64 coherent_bits=64 min_align_mask=0xfff" &&
scn_expect_domain eduv0 dma-strict "DMA API on the edu device goes through an IOMMU DMA domain" &&
scn_storm eduv0 "op=map_single threads=1 iterations=16 size_min=1 size_max=6000 offset=random dir=all sync=whole partial=1 seed=12" &&
scn_storm eduv0 "op=map_sg segs=4 threads=1 iterations=4 size_min=1 size_max=3000 offset=random dir=all seed=13" &&
# Page-aligned whole pages: dma-iommu merges the entries into fewer DMA
# segments, as the API allows; the device must still find every byte.
scn_storm eduv0 "op=map_sg segs=4 threads=1 iterations=4 size=4096 offset=0 dir=all seed=14" &&
scn_expect_key eduv0 stats sg_merged '[1-9]*' "dma-iommu merged page-aligned entries" &&
scn_expect_key eduv0 stats direct '[1-9]*' "mappings went through IOVAs without bouncing"
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
sst_dev_file eduv0 config 2>/dev/null | scn_section eduv0.config-end
for d in eduv0 ; do sst_del_device "$d" 2>/dev/null; done
