# purpose: the mpt3sas mask choice (5.10.149): required mask, chosen mask, and whether its I/O bounces; storm with scatter-gather-sized buffers
# field-report: mpt3sas-xen-dom0-dma-mask.txt
# append:
# mem: 6G
# default: yes
scn_device sas0 "profile=sas" || return
req=$(sst_key "$(sst_dev_file sas0 config)" required_mask_bits)
if [ "$req" -le 32 ]; then want=32; else want=64; fi
scn_expect_key sas0 config dma_mask_bits "$want" "required mask is $req bits, so mpt3sas takes $want"
scn_storm sas0 "threads=2 iterations=256 size_min=4096 size_max=65536 place=high dir=all"
