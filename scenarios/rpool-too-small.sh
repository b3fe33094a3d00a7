# purpose: bad input (issue 17): a restricted DMA pool smaller than one maximum mapping (64 KiB, 32 slots, where dma_max_mapping_size() says 256 KiB: swiotlb_max_mapping_size() does not look at the pool's size): bounces that fit work, larger ones fail cleanly and are classified pool_too_small (not a slot-search failure), the config and the kernel log say why; no hang, no oops
# append: swiotlb=force
# mem: 2G
# qemu: rpool=0x10000
# arch: arm64
if ! dmesg | grep -q 'created restricted DMA pool'; then
	scn_result rp0.create skip "the kernel set up no restricted DMA pool: CONFIG_DMA_RESTRICTED_POOL is off (Debian's arm64 kernels; tools/build-kernel.sh --arch arm64 --config restricted-pool), or no '# qemu: rpool' devicetree"
	return 0
fi
scn_device rp0 "profile=rpool" || return 0
scn_expect_key rp0 config pool_note "*less than dma_max_mapping_size()*" "the config says the pool cannot hold a maximum mapping"
# Bounces that fit: data both ways, page offsets, four live per thread.
scn_storm rp0 "op=map_single threads=2 iterations=200 size_min=1 size_max=4096 dir=all live=4 sync=whole partial=1" 120
# Larger than the whole pool, within dma_max_mapping_size(): each refused,
# on an idle pool, and classified as what it is.
scn_storm rp0 "op=map_single threads=1 iterations=20 size=131072 dir=to" 120
scn_expect_key rp0 stats map_errors_pool_too_small "[1-9]*" "128 KiB bounces on a 64 KiB pool refused and classified"
scn_expect_key rp0 stats map_errors_idle_pool 0 "none counted as a slot-search failure on an idle pool"
# A map of dma_max_mapping_size(): the max_mapping check has no subject here.
scn_storm rp0 "op=max_size threads=1 iterations=4" 60
scn_expect_key rp0 stats check_max_mapping_reason "*smaller than dma_max_mapping_size()*" "max_mapping skipped with the reason"
# The pool's one device is free again for the next scenario of this boot.
sst_del_device rp0
