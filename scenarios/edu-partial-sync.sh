# purpose: edu backend: the partial-sync reproducer with a real device reading the bounce slot: after a range sync_for_device that starts in a later slot's first offset bytes, the device must read the new bytes (6.1 before v6.9 copies nothing)
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
# default: yes
# scenarios/partial-sync.sh on the edu device, and on a fake one for the
# cross-check.
scn_need_edu edu1 &&
scn_device edu1 "profile=edu mask_bits=64 coherent_bits=64 min_align_mask=0xfff" &&
scn_device fake1 "profile=nvme" &&
scn_storm edu1 "op=map_single threads=1 iterations=1 size=4435 offset=184 dir=to sync=range sync_off=4020 sync_len=100" &&
scn_storm fake1 "op=map_single threads=1 iterations=1 size=4435 offset=184 dir=to sync=range sync_off=4020 sync_len=100" &&
scn_agree fake1 edu1 data
# The DMA engine's count and slowest transfer, then the devices go: a later
# scenario in this boot takes the edu device afresh.
sst_dev_file edu1 config 2>/dev/null | scn_section edu1.config-end
for d in edu1 fake1 ; do sst_del_device "$d" 2>/dev/null; done
