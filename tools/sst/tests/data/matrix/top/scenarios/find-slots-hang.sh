# purpose: minimal reproducer: after a few mappings have moved the pool's search start, an nvme-style device (min_align_mask 0xfff) asks at a page offset with bit 11 set for more than any free run holds; the search must fail it, and on 6.1 it never returns
# field-report: virtio-mmio-dma-mask-swiotlb-full.txt
# append: swiotlb=2048,force
# mem: 2G
# requires: swiotlb=2048,force
# default: yes
# boot: search
# The 4 MiB pool is slot-search's, which shares this boot; the search
# fails here at any pool size.
# timeout: 90
# 300000 bytes need 147 slots, more than any free run holds. Before
# "swiotlb: fix slot alignment checks" the search stepped on from a slot it
# had shifted by one for alignment and never met its (nonzero) start again.
