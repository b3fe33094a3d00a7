# purpose: field report 002: swiotlb=noforce leaves no bounce pool; a 32-bit device with buffers above 4 GiB must get clean mapping errors, classified no_pool, and no crash (Xen arm64 dom0 dereferenced the missing pool)
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
