# purpose: field report 003 on its own transport (arm64): a real virtio-blk disk on QEMU virt's virtio-mmio under swiotlb=force with a 1024-slot pool: read-ahead of 480 KiB requests and O_DIRECT reads and writes at every 512-byte buffer offset; no I/O error, data equal to the image's pattern, the I/O bounced through the pool
# field-report: virtio-mmio-dma-mask-swiotlb-full.txt
# append: swiotlb=1024,force
# mem: 2G
# qemu: vblk
# arch: arm64
# default: yes
# The disk is tools/run.sh's 64 MiB image, every 8-byte word its own byte
# offset (selftests/blk_pattern.c checks and writes it back unchanged); the
# device has VIRTIO_F_ACCESS_PLATFORM (vm_qemu_meta_args), so virtio uses
# the DMA API and every request bounces. fr003-legacy-480k is the same
# report on the fake legacy device.
kmod=$SST_ROOT/selftests/kmod
for m in virtio_mmio virtio_blk; do
	[ -f "$kmod/$m.ko" ] || continue
	grep -q "^$m " /proc/modules || insmod "$kmod/$m.ko" ||
		scn_result vblk.modules fail "insmod $m.ko failed: $(dmesg | tail -n 1)"
done
i=0
while [ $i -lt 20 ] && ! ls -d /sys/block/vd* > /dev/null 2>&1; do
	sleep 0.5
	i=$((i + 1))
done
blk=$(ls -d /sys/block/vd* 2>/dev/null | head -n 1)
if [ -z "$blk" ]; then
	scn_result vblk.disk fail "no virtio-blk disk appeared (/sys/block/vd*) after loading virtio_mmio and virtio_blk: $(dmesg | grep -i virtio | tail -n 1)"
	return 0
fi
name=${blk##*/}
dev=/dev/$name
[ -b "$dev" ] || mknod "$dev" b "$(cut -d: -f1 "$blk/dev")" "$(cut -d: -f2 "$blk/dev")"
q=$blk/queue
scn_result vblk.disk pass "$name on $(readlink -f "$blk/device" | sed 's|.*/\([^/]*\)/virtio[0-9]*$|\1|'): $(($(cat "$blk/size") / 2048)) MiB, max_hw_sectors_kb $(cat "$q/max_hw_sectors_kb"), max_segment_size $(cat "$q/max_segment_size"), max_segments $(cat "$q/max_segments")"
hw=$SST_DEBUGFS/swiotlb/io_tlb_used_hiwater
[ -w "$hw" ] && echo 0 > "$hw" 2>/dev/null
errs0=$(dmesg | grep -c 'I/O error')
full0=$(dmesg | grep -c 'swiotlb buffer is full')

# Read-ahead: 480 KiB windows, read() of 480 KiB at a time, whole disk.
blockdev --setra 960 "$dev" 2>/dev/null || echo 480 > "$q/read_ahead_kb"
ra=$(cat "$q/read_ahead_kb")
echo 3 > /proc/sys/vm/drop_caches
r=$("$SST_ROOT/selftests/blk_pattern" "$dev" buffered 491520)
case $r in
ok*) scn_result vblk.readahead pass "read_ahead_kb $ra, 480 KiB reads of the whole disk through the page cache: pattern intact (${r#ok })" ;;
*) scn_result vblk.readahead fail "read_ahead_kb $ra: $r" ;;
esac

# O_DIRECT at every 512-byte offset of a page: reads of 512 B, 4 KiB,
# 64 KiB + 512 and 480 KiB, writes (of the pattern) of 4 KiB and 480 KiB.
bad=
n=0
for sz in 512 4096 66048 491520; do
	r=$("$SST_ROOT/selftests/blk_pattern" "$dev" direct $sz)
	case $r in ok*) n=$((n + 1)) ;; *) bad="${bad:+$bad; }$sz bytes: $r" ;; esac
done
if [ -z "$bad" ]; then
	scn_result vblk.direct_read pass "O_DIRECT reads of 512 B, 4 KiB, 64.5 KiB and 480 KiB into buffers at every 512-byte page offset: pattern intact"
else
	scn_result vblk.direct_read fail "$bad"
fi
bad=
for sz in 4096 491520; do
	r=$("$SST_ROOT/selftests/blk_pattern" "$dev" direct-write $sz)
	case $r in ok*) ;; *) bad="${bad:+$bad; }$sz bytes: $r" ;; esac
done
if [ -z "$bad" ]; then
	scn_result vblk.direct_write pass "O_DIRECT writes of 4 KiB and 480 KiB from buffers at every 512-byte page offset, each read back at another offset: intact"
else
	scn_result vblk.direct_write fail "$bad"
fi
echo 3 > /proc/sys/vm/drop_caches
r=$("$SST_ROOT/selftests/blk_pattern" "$dev" buffered 491520)
case $r in
ok*) scn_result vblk.after_write pass "the whole disk read again after the writes: pattern intact" ;;
*) scn_result vblk.after_write fail "after the O_DIRECT writes: $r" ;;
esac

errs=$(($(dmesg | grep -c 'I/O error') - errs0))
full=$(($(dmesg | grep -c 'swiotlb buffer is full') - full0))
if [ "$errs" = 0 ]; then
	scn_result vblk.io_errors pass "no I/O error logged ($full 'swiotlb buffer is full' lines: requests the pool could not take at once, retried by blk-mq)"
else
	scn_result vblk.io_errors fail "$errs I/O error lines: $(dmesg | grep 'I/O error' | tail -n 1)"
fi
if [ -r "$hw" ]; then
	peak=$(cat "$hw")
	total=$(cat "$SST_DEBUGFS/swiotlb/io_tlb_nslabs" 2>/dev/null)
	if [ "${peak:-0}" -gt 0 ]; then
		scn_result vblk.bounced pass "the disk's I/O went through the bounce pool: peak $peak of ${total:-?} slots in use"
	else
		scn_result vblk.bounced fail "the bounce pool's high-water mark stayed 0: the disk's I/O did not bounce (no VIRTIO_F_ACCESS_PLATFORM?)"
	fi
else
	scn_result vblk.bounced skip "no $hw (debugfs without swiotlb's counters): whether the I/O bounced cannot be read"
fi
