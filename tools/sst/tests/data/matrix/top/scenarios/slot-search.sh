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
# The pool is idle now: what the searchers asked for must fit, at every
# offset class, up to exactly dma_max_mapping_size(). A refusal here is
# the search check's failure (idle_pool), not pool_full.
