# purpose: check class sync_for_device: on a DMA_FROM_DEVICE mapping it leaves what the device wrote (5.18 semantics, after the ath9k regression)
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: sync_for_device bug=2
scn_device sfd0 "profile=nvme" &&
scn_storm sfd0 "op=map_single threads=2 iterations=512 size_min=16 size_max=8192 dir=from sync=whole"
