# purpose: field report 004: forced bouncing under a storm on every CPU, the condition of the swiotlb_tbl_map_single crash: data intact, no two live mappings share slots, and every slot accounted for afterwards
# field-report: swiotlb-force-bounce-restricted-pool-crash.txt
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# default: yes
# Mixed sizes and mask types at once: an nvme-style device (min_align_mask)
# and a legacy one, each with live mappings on every CPU, so slots are
# allocated and freed concurrently from all areas of the pool.
