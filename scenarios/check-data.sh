# purpose: check class data: both directions through map, whole and sub-range syncs swept across the mapping, and unmap
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: data finding=6.1-swiotlb-partial-sync
# proves: data bug=8
scn_device data0 "profile=nvme" &&
scn_storm data0 "op=map_single threads=2 iterations=512 size_min=64 size_max=20000 sync=range dir=all"
