# purpose: check class sync_for_device: on a DMA_FROM_DEVICE mapping it leaves what the device wrote (5.18 semantics, after the ath9k regression)
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: sync_for_device bug=2
