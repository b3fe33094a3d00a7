# purpose: edu backend: the partial-sync reproducer with a real device reading the bounce slot: after a range sync_for_device that starts in a later slot's first offset bytes, the device must read the new bytes (6.1 before v6.9 copies nothing)
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
# default: yes
# scenarios/partial-sync.sh on the edu device, and on a fake one for the
# cross-check.
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
