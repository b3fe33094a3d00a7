# purpose: field report 000, VM under 4 GiB: dma_get_required_mask() says 32 bits and mpt3sas takes a 32-bit mask, which reaches all of RAM: no bouncing, and large scatter-gather I/O on every CPU keeps its data
# field-report: mpt3sas-xen-dom0-dma-mask.txt
# append:
# mem: 2560M
# requires: !swiotlb=force
# default: yes
# q35 keeps up to 2.75 GiB of RAM below the PCI hole, so a 2560 MiB guest
# has no memory above 4 GiB: the field report's dom0_mem=4096M case, where
# the maintainers said a 32-bit mask is correct and nothing should bounce.
