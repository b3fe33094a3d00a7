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
