# purpose: edu backend behind an emulated Intel IOMMU (lazy invalidation: flush queue): DMA addresses are IOVAs, the device's DMA goes through QEMU's IOMMU model; data both ways and partial writes, no DMAR fault
# append: intel_iommu=on iommu.passthrough=0 iommu.strict=0
# mem: 2G
# qemu: edu=1 viommu=lazy
# requires: intel_iommu=on iommu.strict=0
# default: yes
scn_need_edu eduv1 &&
scn_device eduv1 "profile=edu mask_bits=64 coherent_bits=64 min_align_mask=0xfff" &&
scn_expect_domain eduv1 dma-lazy "DMA API on the edu device goes through an IOMMU DMA domain" &&
scn_storm eduv1 "op=map_single threads=1 iterations=16 size_min=1 size_max=6000 offset=random dir=all sync=whole partial=1 seed=14" &&
scn_storm eduv1 "op=map_sg segs=4 threads=1 iterations=4 size_min=1 size_max=3000 offset=random dir=all seed=15" &&
scn_expect_key eduv1 stats direct '[1-9]*' "mappings went through IOVAs without bouncing"
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
sst_dev_file eduv1 config 2>/dev/null | scn_section eduv1.config-end
for d in eduv1 ; do sst_del_device "$d" 2>/dev/null; done
