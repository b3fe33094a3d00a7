# purpose: check class max_mapping: a mapping of exactly dma_max_mapping_size() succeeds on an idle pool at every offset min_align_mask allows
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: max_mapping bug=4
scn_device max0 "profile=nvme" &&
scn_storm max0 "op=max_size threads=1 iterations=64 offset=sweep offset_step=64"
