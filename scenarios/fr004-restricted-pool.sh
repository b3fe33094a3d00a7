# purpose: field report 004 on its own code path (arm64): a devicetree device with a restricted DMA pool of its own (restricted-dma-pool, 1 MiB: dev->dma_io_tlb_mem) storming beside a default-pool device under swiotlb=force: data both ways, page offsets, overlap, every bounce in the device's own pool; the small pool run dry with clean pool_full refusals; dma_alloc_coherent() served from it (swiotlb_alloc()) in the pool and with the alignment the API promises; a device whose memory-region names no restricted pool refused with the reason; rmmod mid-storm
# field-report: swiotlb-force-bounce-restricted-pool-crash.txt
# append: swiotlb=force
# mem: 2G
# qemu: rpool
# arch: arm64
# default: yes
# proves: in_pool bug=12
# proves: offset bug=11
# The devicetree is virt's own with a reserved-memory node and two
# platform devices added (tools/lib/vm.sh, vm_devicetree): sst-rpool, whose
# memory-region is a 1 MiB restricted-dma-pool, and sst-rpool-bad, whose
# memory-region is a plain no-map reservation. Debian's arm64 kernels have
# CONFIG_DMA_RESTRICTED_POOL off: tools/build-kernel.sh --arch arm64
# --config restricted-pool builds one that has it.
if ! dmesg | grep -q 'created restricted DMA pool'; then
	scn_result rp0.create skip "the kernel set up no restricted DMA pool: CONFIG_DMA_RESTRICTED_POOL is off (Debian's arm64 kernels; tools/build-kernel.sh --arch arm64 --config restricted-pool), or no '# qemu: rpool' devicetree"
	return 0
fi
scn_device rp0 "profile=rpool min_align_mask=0xfff" || return 0
cfg=$(sst_dev_file rp0 config)
case $(sst_key "$cfg" pool) in
restricted*) scn_result rp0.own_pool pass "config: pool $(sst_key "$cfg" pool_range), $(sst_key "$cfg" swiotlb_nslabs) slots, node $(sst_key "$cfg" rpool_node) of $(sst_key "$cfg" rpool_device)" ;;
*) scn_result rp0.own_pool fail "config says pool '$(sst_key "$cfg" pool)', not restricted" ;;
esac
# The second node's pool is no restricted pool: refused, with the reason.
scn_expect_refused rp1 "profile=rpool" "*not compatible with restricted-dma-pool*" \
	"a device whose memory-region names a plain reservation"
scn_device def0 "profile=nvme" || return 0

# Both at once: streaming bounces with offsets, both directions, 32 live.
scn_storms 300 \
	rp0 "op=map_single threads=2 duration_ms=3000 size_min=1 size_max=16384 offset=sweep dir=all live=8 sync=whole partial=1" \
	def0 "op=map_single threads=2 duration_ms=3000 size_min=1 size_max=16384 offset=sweep dir=all live=8 sync=whole partial=1"
# Coherent memory from the restricted pool: in it, aligned to its order.
scn_storm rp0 "op=alloc_coherent threads=2 iterations=400 size_min=1 size_max=65536" 120
# 1 MiB is 512 slots: 32 live 64 KiB mappings cannot all fit. On a
# device without min_align_mask, as the drivers behind restricted pools
# are: with one, 6.1's slot search never ends on a full pool, a pool of
# its own or not (findings/6.1-swiotlb-find-slots-hang.md).
sst_del_device rp0 &&
scn_device rp0 "profile=rpool" &&
scn_storm rp0 "op=map_single threads=1 live=32 iterations=10 size=65536 dir=to hang_ms=5000" 120 &&
scn_expect_pool_full rp0 "the restricted pool ran out, and the refusals were classified"
# The default pool served none of it: no spill (the in_pool check says
# where each bounce was; the default pool's use came back, pool check).

# rmmod while both devices storm.
sst_start rp0 "op=map_single threads=2 iterations=100000000 size_min=1 size_max=8192 dir=all" &&
sst_start def0 "op=map_single threads=2 iterations=100000000 size_min=1 size_max=8192 dir=all" &&
sleep 2 &&
if t0=$(date +%s) && rmmod swiotlb_stress; then
	scn_result rp0.rmmod pass "unloaded during storms on the restricted-pool and the default-pool device in $(( $(date +%s) - t0 )) s"
	if why=$(sst_load_module); then
		scn_device rp2 "profile=rpool" &&
		scn_storm rp2 "op=map_single threads=1 iterations=200 size_min=1 size_max=4096 dir=all" 60
		sst_del_device rp2 2>/dev/null
	else
		scn_result rp0.reload fail "module did not load again: $why"
	fi
else
	scn_result rp0.rmmod fail "rmmod refused during the storm"
	for d in rp0 def0; do sst_stop $d; sst_wait $d 60; sst_del_device $d 2>/dev/null; done
fi
