# purpose: edu backend, bad input: a DMA that does not complete in time (edu_timeout_ms=1 against the engine's ~100 ms) fails the data check with the reason instead of hanging; the transfer is waited out before its mapping goes, and the engine serves again once the device is deleted
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
