# purpose: nvme (min_align_mask 0xfff) under swiotlb=force: page offsets and data kept for every offset of a page, sizes across slot and page boundaries
# field-report: nvme-swiotlb-min-align-mask-backport.txt
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# default: yes
scn_device nvme0 "profile=nvme" &&
scn_storm nvme0 "threads=2 iterations=4096 size_min=1 size_max=20000 offset=sweep offset_step=8 dir=all"
