# purpose: field report 000, RAM above 4 GiB: the required mask must exceed 32 bits, mpt3sas takes the mask dma_get_required_mask() asks for, and nothing bounces; scatter-gather I/O on every CPU
# field-report: mpt3sas-xen-dom0-dma-mask.txt
# append:
# mem: 6G
# requires: !swiotlb=force mem>4
# default: yes
# The 5.10.149 rule: 32-bit mask when the required mask is 32 bits,
# 64-bit otherwise. With RAM above 4 GiB the kernel must ask for more than
# 32 bits; if it does not (Xen dom0, see --xen), every buffer up there
# bounces.
scn_device sas0 "profile=sas" || return
req=$(sst_key "$(sst_dev_file sas0 config)" required_mask_bits)
if [ "$req" -le 32 ]; then want=32; else want=64; fi
if [ "$req" -gt 32 ]; then
	scn_result sas0.required_mask_bits pass "RAM ends above 4 GiB, and the kernel requires $req bits"
else
	scn_result sas0.required_mask_bits fail "RAM ends above 4 GiB, yet dma_get_required_mask() says $req bits (the Xen dom0 report)"
fi
scn_expect_key sas0 config dma_mask_bits "$want" "required mask is $req bits, so mpt3sas takes $want"
scn_storm sas0 "op=map_sg segs=16 threads=$(sst_ncpus) iterations=256 size_min=4096 size_max=65536 place=high dir=all" &&
scn_expect_key sas0 stats bounced 0 "the $want-bit mask mpt3sas chose must reach every buffer: nothing should bounce"
