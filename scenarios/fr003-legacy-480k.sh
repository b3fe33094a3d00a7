# purpose: field report 003: the default-mask device asked for 480 KiB read-ahead requests above 4 GiB: each one past dma_max_mapping_size() must fail cleanly (too_large), never crash or fill the pool; a driver must split its I/O at dma_max_mapping_size()
# field-report: virtio-mmio-dma-mask-swiotlb-full.txt
# append:
# mem: 6G
# requires: !swiotlb=force mem>4
# default: yes
# 480 KiB is what uncapped read-ahead sent; one bounce mapping holds at most
# 128 slots of 2 KiB. Requests up to the maximum still go through, so the
# storm shows both sides of the limit.
scn_device legacy1 "profile=legacy" || return
max=$(sst_key "$(sst_dev_file legacy1 config)" max_mapping_size)
scn_storm legacy1 "op=map_single threads=$(sst_ncpus) iterations=64 size=491520 place=high dir=from oversize=1" &&
scn_expect_key legacy1 stats map_errors_too_large '[1-9]*' "480 KiB requests past dma_max_mapping_size() ($max bytes) were refused as too_large: a driver must split its I/O at dma_max_mapping_size()" &&
scn_expect_mapped legacy1 0 "no 480 KiB request was mapped" &&
scn_storm legacy1 "op=map_single threads=$(sst_ncpus) iterations=256 size_min=65536 size_max=$max place=high dir=all" &&
scn_expect_key legacy1 stats bounce_mechanism 'mask*' "requests split at the limit bounce, because the mask is 32 bits"
