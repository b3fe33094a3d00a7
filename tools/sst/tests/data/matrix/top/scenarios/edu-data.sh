# purpose: edu backend: a real device's DMA engine (QEMU edu) reads and writes through the bounce slots: data both ways, partial device writes (stale), sync_for_device, offsets; the same storm on a fake nvme-like device must give the same verdicts
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
# default: yes
# The edu device takes the nvme profile's DMA configuration by overrides
# (64-bit masks, min_align_mask 0xfff), and both devices run one storm with
# one seed: same sizes, offsets, directions and partial writes. Each 4 KiB
# of a device access costs the edu engine two DMAs of ~100 ms, hence the
# small iteration count.
# Bad input: the only edu device is taken; a mapping the engine would need
# minutes for.
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
