# purpose: field report 002: swiotlb=noforce leaves no bounce pool; a 32-bit device with buffers above 4 GiB must get clean mapping errors, classified no_pool, and no crash (Xen arm64 dom0 dereferenced the missing pool); in a Xen arm64 dom0 (tools/run.sh --arch arm64 --xen) the same through xen-swiotlb, on a devicetree platform device
# field-report: xen-arm64-dom0-swiotlb-missing.txt
# append: swiotlb=noforce
# mem: 6G
# requires: swiotlb=noforce mem>4
# default: yes
# expect-log: WARNING: (CPU: [0-9]+ PID: [0-9]+ at )?kernel/dma/direct.h:[0-9]+ (at )?(dma_map_page_attrs|dma_direct_map_page|dma_map_phys)
# dma-direct warns once per device when it cannot reach a buffer and has
# no pool to bounce through (dev_WARN_ONCE in dma_direct_map_page(), in
# 7.2 dma_direct_map_phys() under dma_map_phys()): that
# warning is the kernel's correct answer here, so this scenario expects it.
scn_device nopool0 "profile=legacy" &&
scn_storm nopool0 "op=map_single threads=$(sst_ncpus) iterations=64 size_min=512 size_max=65536 place=high dir=all" &&
scn_expect_key nopool0 stats map_errors_no_pool '[1-9]*' "buffers above the 32-bit mask with no pool: refused, classified no_pool" &&
scn_expect_mapped nopool0 0 "nothing above the mask was mapped" &&
scn_expect_key nopool0 stats map_errors_unexpected 0 "no refusal left unexplained"
# Xen dom0 on arm64 (tools/lib/xen.sh adds the node): a devicetree device
# gets xen-swiotlb's DMA ops, the code path of the report; the fake device
# above took dma-direct's. Its mappings that need bouncing must fail
# cleanly, or bounce through a pool that exists.
if ! grep -qs 'swiotlb-stress,dma' /sys/firmware/devicetree/base/sst-dma/compatible; then
	scn_result xp0.create skip "no devicetree platform device here: only a Xen dom0 boot on arm64 has one (tools/run.sh --arch arm64 --xen)"
	return 0
fi
scn_device xp0 "profile=platform" || return 0
scn_expect_key xp0 config dma_ops 'xen_swiotlb_map_*' "the device's DMA ops are xen-swiotlb's"
scn_storm xp0 "op=map_single threads=$(sst_ncpus) iterations=64 size_min=512 size_max=65536 place=high dir=all"
st=$(sst_dev_file xp0 stats)
if [ "$(sst_key "$(sst_dev_file xp0 config)" swiotlb_nslabs)" = 0 ]; then
	scn_expect_key xp0 stats map_errors_no_pool '[1-9]*' "xen-swiotlb, no pool: buffers above the 32-bit mask refused, classified no_pool"
	scn_expect_mapped xp0 0 "xen-swiotlb, no pool: nothing above the mask was mapped"
else
	scn_result xp0.no_pool skip "Xen gave dom0 a bounce pool despite swiotlb=noforce ($(sst_key "$(sst_dev_file xp0 config)" swiotlb_nslabs) slots): its mappings bounced ($(sst_key "$st" bounced)) instead"
fi
scn_expect_key xp0 stats map_errors_unexpected 0 "xen-swiotlb: no refusal left unexplained"
