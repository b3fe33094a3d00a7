# purpose: check class max_mapping: a mapping of exactly dma_max_mapping_size() succeeds on an idle pool at every offset min_align_mask allows
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: max_mapping bug=4
# Offsets below 2 KiB first: on 6.1 an unsatisfiable request at an offset
# with bit 11 set never returns (findings/6.1-swiotlb-find-slots-hang.md),
# so a kernel with a wrong maximum is caught before it can hang.
