# purpose: slot search: a nearly full, fragmented pool searched by min_align_mask devices at every offset class (bit 11 and higher set and clear) and sizes up to dma_max_mapping_size(), from several threads: every call returns; then, with the pool idle, every one of those maps succeeds
# field-report: virtio-mmio-dma-mask-swiotlb-full.txt
# append: swiotlb=2048,force
# mem: 2G
# requires: swiotlb=2048,force
# proves: search bug=10
# proves: hang bug=7
# default: yes
# boot: search
# timeout: 90
# Shares its boot with find-slots-hang, whose minimal reproducer hangs 5.10
# and 6.1 before this one starts; this is the broad form of the same
# search. In a 4 MiB pool (2048 slots), two fragmenters ask for about three
# times what it holds, in runs of 1-28 slots (frag0) and 1-8 slots (frag1)
# that they free at different times, so the pool is full or nearly so and
# its free space short holes. The searchers meanwhile ask for 16-127 slots
# at offsets that sweep bit 11 (nvme, min_align_mask 0xfff) and bits 11-13
# (0x3fff): a refusal then is pool_full, a call that never returns a hang.
# (A run's buffers and their shadows may take 64 MiB: the pool is small so
# that these runs can fill it.)
scn_device frag0 "profile=sas" &&
scn_device frag1 "profile=legacy" &&
scn_device search0 "profile=nvme" &&
scn_device search1 "profile=custom min_align_mask=0x3fff" || return
max0=$(sst_key "$(sst_dev_file search0 config)" max_mapping_size)
max1=$(sst_key "$(sst_dev_file search1 config)" max_mapping_size)
scn_storms 30 \
	frag0 "op=map_sg segs=16 threads=2 live=8 duration_ms=3000 size_min=2048 size_max=57344 dir=to" \
	frag1 "op=map_single threads=2 live=256 duration_ms=3000 size_min=512 size_max=16384 dir=to" \
	search0 "op=map_single threads=2 live=24 duration_ms=3000 size_min=2048 size_max=$max0 offset=sweep offset_step=2056 hang_ms=5000 dir=to" \
	search1 "op=map_single threads=2 live=24 duration_ms=3000 size_min=2048 size_max=$max1 offset=sweep offset_step=2056 hang_ms=5000 dir=to" || return
# The pool is idle now: what the searchers asked for must fit, at every
# offset class, up to exactly dma_max_mapping_size(). A refusal here is
# the search check's failure (idle_pool), not pool_full.
scn_storm search0 "op=map_single threads=1 iterations=256 size_min=2048 size_max=$max0 offset=sweep offset_step=2056 dir=to" &&
scn_expect_key search0 stats map_errors 0 "an idle pool found room for every size up to dma_max_mapping_size() at every offset" &&
scn_storm search0 "op=max_size threads=1 iterations=16 offset=sweep offset_step=2056" &&
scn_storm search1 "op=max_size threads=1 iterations=16 offset=sweep offset_step=2056" &&
scn_expect_key search1 stats map_errors 0 "an idle pool mapped dma_max_mapping_size() at every offset class of min_align_mask 0x3fff"
