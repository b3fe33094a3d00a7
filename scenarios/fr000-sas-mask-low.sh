# purpose: field report 000, VM under 4 GiB: dma_get_required_mask() says 32 bits and mpt3sas takes a 32-bit mask, which reaches all of RAM: no bouncing, and large scatter-gather I/O on every CPU keeps its data
# field-report: mpt3sas-xen-dom0-dma-mask.txt
# append:
# mem: 2560M
# requires: !swiotlb=force
# default: yes
# q35 keeps up to 2.75 GiB of RAM below the PCI hole, so a 2560 MiB guest
# has no memory above 4 GiB: the field report's dom0_mem=4096M case, where
# the maintainers said a 32-bit mask is correct and nothing should bounce.
scn_device sas0 "profile=sas" || return
req=$(sst_key "$(sst_dev_file sas0 config)" required_mask_bits)
if [ "$req" -gt 32 ]; then
	scn_result sas0.required_mask_bits skip "this boot has RAM above 4 GiB ($req-bit required mask)"
	return
fi
scn_expect_key sas0 config dma_mask_bits 32 "required mask is $req bits, so mpt3sas takes 32"
scn_storm sas0 "op=map_sg segs=16 threads=$(sst_ncpus) iterations=256 size_min=4096 size_max=65536 dir=all" &&
scn_expect_key sas0 stats bounced 0 "all RAM lies under the 32-bit mask: SWIOTLB stays out of the way"
