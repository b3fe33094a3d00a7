# purpose: field report 000, the hang's condition: mpt3sas on a 32-bit mask (what it took in Xen dom0) with buffers above 4 GiB: every mapping bounces; large scatter-gather I/O held live on every CPU runs the pool dry, and each refusal must be a clean, classified error
# field-report: mpt3sas-xen-dom0-dma-mask.txt
# append: swiotlb=4096
# mem: 6G
# requires: swiotlb=4096 !swiotlb=force mem>4
# default: yes
# Outside Xen the kernel reports the required mask correctly, so the
# 32-bit choice is forced with an override. An 8 MiB pool (4096 slots) lets
# two CPUs run it dry the way a large host's I/O runs the default 64 MiB
# dry: 6 scatterlists of 16 segments of 48-64 KiB held live per CPU.
