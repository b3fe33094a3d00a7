# purpose: field report 002 without swiotlb=noforce (arm64 Xen dom0, tools/run.sh --arch arm64 --xen): dom0's memory lies all below arm64's DMA limit, the condition where mem_init() set up no pool (5.13: xen-swiotlb then used the missing one); xen-swiotlb must have a pool (xen_mm_init()), accept only masks that reach it, and bounce or refuse cleanly what lies beyond a mask it accepted; no NULL dereference
# field-report: xen-arm64-dom0-swiotlb-missing.txt
# mem: 2G
if ! grep -qs 'swiotlb-stress,dma' /sys/firmware/devicetree/base/sst-dma/compatible; then
	scn_result xp0.create skip "no devicetree platform device here: only a Xen dom0 boot on arm64 has one (tools/run.sh --arch arm64 --xen)"
	return 0
fi
sst_note "pool: $(dmesg | grep -m 1 'software IO TLB' || echo 'no software IO TLB line')"
scn_device xp0 "profile=platform" || return 0
cfg=$(sst_dev_file xp0 config)
scn_expect_key xp0 config dma_ops 'xen_swiotlb_map_*' "the device's DMA ops are xen-swiotlb's"
scn_expect_key xp0 config swiotlb_nslabs '[1-9]*' "xen-swiotlb has a pool though dom0's memory is all below the DMA limit"
scn_storm xp0 "op=map_single threads=$(sst_ncpus) iterations=200 size_min=512 size_max=65536 dir=all"
sst_del_device xp0
# The pool's top as the device sees it decides which masks xen-swiotlb may
# accept (xen_swiotlb_dma_supported()): accepted, the pool lies within.
top=$(sst_key "$cfg" pool_range)
top=${top#*-}
for bits in 31 30; do
	if ! sst_new_device xp$bits "profile=platform mask_bits=$bits" 2>/dev/null; then
		why=$(dmesg | grep 'rejected: ' | tail -n 1 | sed 's/.*rejected: //')
		if [ -n "$top" ] && [ $((top)) -lt $((1 << bits)) ]; then
			scn_result xp$bits.mask fail "a $bits-bit mask refused though the pool (top $top) lies within it: $why"
		else
			scn_result xp$bits.mask pass "a $bits-bit mask refused: the pool (top ${top:-unknown}) lies beyond it: $why"
		fi
		continue
	fi
	sst_dev_file xp$bits config | scn_section "xp$bits.config"
	if [ -n "$top" ] && [ $((top)) -ge $((1 << bits)) ]; then
		scn_result xp$bits.mask fail "a $bits-bit mask accepted, but the pool (top $top) lies beyond it"
	else
		scn_result xp$bits.mask pass "a $bits-bit mask accepted: the pool (top ${top:-unknown}) lies within it"
	fi
	scn_storm xp$bits "op=map_single threads=$(sst_ncpus) iterations=200 size_min=512 size_max=65536 place=high dir=all"
	scn_expect_key xp$bits stats map_errors_unexpected 0 "xen-swiotlb: no refusal left unexplained"
	sst_del_device xp$bits
done
