# purpose: a restricted DMA pool whose size is not a multiple of a slot segment (IO_TLB_SEGSIZE slots, 256 KiB): 64 KiB, 32 slots. The free-list counts must stop at the pool's end: a two-slot bounce asked for when only the last slot is next must not run past it (6.1: its counts assume whole segments, so it does: in_pool fails), and freeing the last slot must not read the slot after it (every kernel up to 7.2.13: swiotlb_release_slots() does; a KASAN kernel reports it)
# append: swiotlb=force
# mem: 2G
# qemu: rpool=0x10000
# arch: arm64
# boot: alone
# Alone in its boot: the slot counts it tests are the fresh pool's, which
# another scenario's bounces would already have rewritten. A device
# without min_align_mask, so the slots each bounce takes are its
# size's alone. The storms are sequential on one thread: the pool's next
# search index carries from one to the next.
if ! dmesg | grep -q 'created restricted DMA pool'; then
	scn_result rp0.create skip "the kernel set up no restricted DMA pool: CONFIG_DMA_RESTRICTED_POOL is off (Debian's arm64 kernels; tools/build-kernel.sh --arch arm64 --config restricted-pool), or no '# qemu: rpool' devicetree"
	return 0
fi
scn_device rp0 "profile=rpool" || return 0
# One slot (slot 0): the next search starts at slot 1.
scn_storm rp0 "op=map_single threads=1 live=1 iterations=1 size=2048 offset=0 dir=to" 60 &&
# Fifteen two-slot bounces take slots 1-30; the sixteenth starts at slot
# 31, the last: it fits only by running past the pool's end. Refused
# (pool_full: the free slots are not contiguous) or placed elsewhere is
# right; in_pool says where it went.
scn_storm rp0 "op=map_single threads=1 live=16 iterations=1 size=4000 offset=0 dir=to" 60 &&
# Every slot, one each: unmapping frees slot 31, the pool's last.
scn_storm rp0 "op=map_single threads=1 live=32 iterations=1 size=2048 offset=0 dir=to" 60
# The pool's one device is free again for the next scenario of this boot.
sst_del_device rp0
