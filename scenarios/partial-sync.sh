# purpose: minimal reproducer: a range sync that starts in the first min_align_mask-offset bytes of a mapping's second slot copies nothing (fixed in v6.9 by "swiotlb: fix swiotlb_bounce() to do partial sync's correctly")
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# default: yes
# The nvme mapping starts 184 bytes into its first 2 KiB slot; bytes
# 4020..4119 start 108 bytes into the third slot, below the 184-byte offset
# that swiotlb_bounce() before v6.9 subtracted from every slot.
scn_device nvme1 "profile=nvme" &&
scn_storm nvme1 "op=map_single threads=1 iterations=1 size=4435 offset=184 dir=to sync=range sync_off=4020 sync_len=100"
