# purpose: field report 001: nvme (min_align_mask 0xfff) under swiotlb=force keeps page offsets and data for every offset of a page, sizes across slot and page boundaries, single, page and scatter-gather maps; partial reads keep the rest of the buffer (stale), sync_for_device keeps what the device wrote, and a map of exactly dma_max_mapping_size() succeeds
# field-report: nvme-swiotlb-min-align-mask-backport.txt
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: stale bug=1
# proves: sync_for_device bug=2
# proves: max_mapping bug=4
# proves: search bug=10
# default: yes
# What broke mkfs.xfs: the NVMe PRP format carries the page offset in the
# address, so a bounce slot must keep (dma ^ phys) & 0xfff == 0. Sizes up to
# 20000 bytes cross 2 KiB slots and 4 KiB pages; offset=sweep walks every
# 8th byte of a page.
# What a real nvme does besides: reads that fill only part of the buffer
# (stale: CVE-2022-0854), sync_for_device before handing a read buffer back
# to the device (it must not undo what the device wrote: ath9k, 5.18), and
# I/O split at exactly dma_max_mapping_size() (which must hold back what
# min_align_mask costs, v5.16), at offsets below 2 KiB and then with bit 11
# set: there the mapping takes 127 slots from the second slot of a segment,
# all the room a free segment has at that alignment, which the idle pool
# has (a search that cannot be satisfied at bit 11 never returns on 5.10
# and 6.1: findings/6.1-swiotlb-find-slots-hang.md; this one can).
