# purpose: field report 003: the default-mask device asked for 480 KiB read-ahead requests above 4 GiB: each one past dma_max_mapping_size() must fail cleanly (too_large), never crash or fill the pool; a driver must split its I/O at dma_max_mapping_size()
# field-report: virtio-mmio-dma-mask-swiotlb-full.txt
# append:
# mem: 6G
# requires: !swiotlb=force mem>4
# default: yes
# 480 KiB is what uncapped read-ahead sent; one bounce mapping holds at most
# 128 slots of 2 KiB. Requests up to the maximum still go through, so the
# storm shows both sides of the limit.
