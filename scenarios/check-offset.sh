# purpose: check class offset: (dma ^ phys) & min_align_mask == 0 for every bounced mapping, offsets swept across a page, map_single, map_page and map_sg
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: offset bug=0
scn_device off0 "profile=nvme" &&
scn_storm off0 "op=map_single threads=2 iterations=512 size_min=1 size_max=20000 offset=sweep offset_step=8" &&
scn_storm off0 "op=map_page threads=2 iterations=256 size_min=1 size_max=9000 offset=random" &&
scn_storm off0 "op=map_sg segs=8 threads=2 iterations=64 size_min=1 size_max=6000 offset=random"
