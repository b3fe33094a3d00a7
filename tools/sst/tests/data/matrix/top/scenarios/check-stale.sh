# purpose: check class stale (CVE-2022-0854): bytes a device does not write in a DMA_FROM_DEVICE mapping keep the CPU's contents after unmap
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: stale bug=1
