# purpose: minimal reproducer: a range sync that starts in the first min_align_mask-offset bytes of a mapping's second slot copies nothing (fixed in v6.9 by "swiotlb: fix swiotlb_bounce() to do partial sync's correctly")
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# default: yes
# The nvme mapping starts 184 bytes into its first 2 KiB slot; bytes
# 4020..4119 start 108 bytes into the third slot, below the 184-byte offset
# that swiotlb_bounce() before v6.9 subtracted from every slot.
