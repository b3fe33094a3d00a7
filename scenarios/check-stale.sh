# purpose: check class stale (CVE-2022-0854): bytes a device does not write in a DMA_FROM_DEVICE mapping keep the CPU's contents after unmap
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: stale bug=1
scn_device stale0 "profile=nvme" &&
scn_storm stale0 "op=map_single threads=2 iterations=512 size_min=16 size_max=8192 dir=from,bidi partial=1"
