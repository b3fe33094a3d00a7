# purpose: check class offset: (dma ^ phys) & min_align_mask == 0 for every bounced mapping, offsets swept across a page, map_single, map_page and map_sg
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: offset bug=0
