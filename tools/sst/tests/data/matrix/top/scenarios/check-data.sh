# purpose: check class data: both directions through map, whole and sub-range syncs swept across the mapping, and unmap
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: data finding=6.1-swiotlb-partial-sync
# proves: data bug=8
