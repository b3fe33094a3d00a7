# purpose: field report 003: a device whose driver never set a DMA mask (virtio-mmio before 2017) keeps the bus default 32 bits; under swiotlb=force all its I/O bounces and keeps its data
# field-report: virtio-mmio-dma-mask-swiotlb-full.txt
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: align bug=9
# default: yes
