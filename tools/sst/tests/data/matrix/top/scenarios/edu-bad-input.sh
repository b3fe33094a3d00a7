# purpose: edu backend, bad input: an edu device whose DMA engine reaches only 28 bits (QEMU's default dma_mask) cannot serve the bounce pool or the staging buffer of a 2 GiB guest: new_device refuses it with the reason, nothing hangs
# append: swiotlb=force
# mem: 2G
# qemu: edu=1,0xfffffff
# requires: swiotlb=force
# Which reason depends on where the staging buffer landed: the self-test
# at probe (its DMA was cut to 28 bits) or the pool check at new_device.
