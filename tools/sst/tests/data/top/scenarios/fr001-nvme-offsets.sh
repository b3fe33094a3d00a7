# purpose: field report 001: nvme (min_align_mask 0xfff) under swiotlb=force keeps page offsets and data for every offset of a page, sizes across slot and page boundaries, single, page and scatter-gather maps
# field-report: nvme-swiotlb-min-align-mask-backport.txt
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# default: yes
# What broke mkfs.xfs: the NVMe PRP format carries the page offset in the
# address, so a bounce slot must keep (dma ^ phys) & 0xfff == 0. Sizes up to
# 20000 bytes cross 2 KiB slots and 4 KiB pages; offset=sweep walks every
# 8th byte of a page.
