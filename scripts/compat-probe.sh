#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prints -D flags for compat.h, found by looking at the headers of the kernel
# the module is built against (never at its version number: distributions
# backport APIs). Called from Kbuild as: compat-probe.sh SRCTREE OBJTREE
#
# Each probe names the header line that proves the feature; adding a kernel
# (5.10, 5.15, ...) means adding probes here and fallbacks in compat.h.

src=$1
obj=$2

hdr() {
	# A header may live in the source tree or, for generated ones, the
	# build tree.
	for d in "$obj" "$src"; do
		[ -f "$d/include/$1" ] && { echo "$d/include/$1"; return; }
	done
}

has() { # has MACRO FILE REGEX
	f=$(hdr "$2")
	[ -n "$f" ] && grep -Eq "$3" "$f" && printf -- '-D%s ' "$1"
}

# Per-device bounce pool pointer (5.15+): struct device.dma_io_tlb_mem.
has SSTRESS_HAVE_DEV_DMA_IO_TLB_MEM linux/device.h 'struct io_tlb_mem[[:space:]]*\*dma_io_tlb_mem;'
# Forced bouncing recorded per pool (5.16+), not in a global swiotlb_force.
has SSTRESS_HAVE_IO_TLB_MEM_FORCE_BOUNCE linux/swiotlb.h 'bool[[:space:]]+force_bounce;'
# kmap_local_page() (5.11+).
has SSTRESS_HAVE_KMAP_LOCAL linux/highmem.h 'kmap_local_page'
# dma_opt_mapping_size() (6.0+).
has SSTRESS_HAVE_DMA_OPT_MAPPING_SIZE linux/dma-mapping.h 'dma_opt_mapping_size\('
# The pool's use kept in struct io_tlb_mem (6.6+, with CONFIG_DEBUG_FS).
has SSTRESS_HAVE_IO_TLB_TOTAL_USED linux/swiotlb.h 'atomic_long_t[[:space:]]+total_used;'
# The default pool's bounds moved into struct io_tlb_pool (6.8+).
has SSTRESS_HAVE_IO_TLB_POOL linux/swiotlb.h 'struct io_tlb_pool[[:space:]]+defpool;'
# bus_register() takes a const struct bus_type (6.4+).
has SSTRESS_HAVE_CONST_BUS_TYPE linux/device/bus.h 'int[[:space:]]+__must_check[[:space:]]+bus_register\(const struct bus_type'
# No per-device pool (5.10): the one global pool's size is exported.
has SSTRESS_HAVE_SWIOTLB_NR_TBL linux/swiotlb.h 'unsigned long swiotlb_nr_tbl\(void\)'
# The lazy (flush-queue) DMA domain type (5.15+); before, an attribute.
has SSTRESS_HAVE_IOMMU_DOMAIN_DMA_FQ linux/iommu.h 'define[[:space:]]+IOMMU_DOMAIN_DMA_FQ'
# struct_size_t() (6.5+, in 6.1.y from 6.1.187).
has SSTRESS_HAVE_STRUCT_SIZE_T linux/overflow.h 'define[[:space:]]+struct_size_t\('
# platform_driver.remove returns void (6.11+; an int before, and 6.1 has
# the void one as remove_new).
has SSTRESS_HAVE_PLATFORM_REMOVE_VOID linux/platform_device.h 'void \(\*remove\)\(struct platform_device \*\);'
# is_swiotlb_for_alloc(): a pool that serves dma_alloc_coherent() (5.16+).
has SSTRESS_HAVE_IS_SWIOTLB_FOR_ALLOC linux/swiotlb.h 'bool is_swiotlb_for_alloc\('
# dma_map_ops maps through map_phys (7.x), not map_page.
has SSTRESS_HAVE_DMA_OPS_MAP_PHYS linux/dma-map-ops.h 'dma_addr_t \(\*map_phys\)\('
echo
