# purpose: edu backend behind the emulated IOMMU: a device DMA to an address no mapping covers is an IOMMU fault, and the fault shows in the kernel log where tools/run.sh's kernel_log check (SST_SPLAT_RE) fails any other scenario on it
# append: intel_iommu=on iommu.passthrough=0 iommu.strict=1
# mem: 2G
# qemu: edu=1 viommu=strict
# requires: intel_iommu=on
# default: yes
# expect-log: DMAR: \[DMA Read|DMAR: DRHD: handling fault|arm-smmu-v3 .*event 0x10 received
# The module's edu_stray_dma (test only) has the engine read DMA address 0.
# Here the fault is expected; in every other scenario the same lines fail
# the kernel_log check. arm64 (virt's SMMUv3): a translation fault is
# event 0x10 (F_TRANSLATION), which arm-smmu-v3.c prints as "event 0x10
# received:" and the event's dwords.
pat='DMAR: \[DMA Read' what=DMAR
[ "$(uname -m)" != aarch64 ] || pat='arm-smmu-v3 .*event 0x10 received' what='SMMUv3 F_TRANSLATION'
if scn_need_edu eduf0; then
	before=$(dmesg | grep -c "$pat")
	if echo 1 > /sys/module/swiotlb_stress/parameters/edu_stray_dma; then
		sleep 1
		line=$(dmesg | grep "$pat" | tail -n 1)
		if [ "$(dmesg | grep -c "$pat")" -gt "$before" ]; then
			scn_result eduf0.iommu_fault pass "the IOMMU reported the stray DMA: ${line#*] }"
		else
			scn_result eduf0.iommu_fault fail "no $what fault line after a DMA to address 0 behind the IOMMU"
		fi
	else
		scn_result eduf0.iommu_fault fail "edu_stray_dma refused: $(dmesg | tail -n 1)"
	fi
fi
