/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swiotlb_stress: every difference between kernel versions lives here.
 *
 * The SSTRESS_HAVE_* macros come from scripts/compat-probe.sh, which looks
 * at the headers being built against; nothing here tests a version number,
 * because distributions backport APIs. Supporting an older kernel means a
 * probe there and a fallback here.
 *
 * Deliberately avoided, so they need no entry:
 *  - is_swiotlb_active(): not exported in 6.12; the pool is read through
 *    dev->dma_io_tlb_mem instead.
 *  - swiotlb_find_pool()/is_swiotlb_buffer(): with CONFIG_SWIOTLB_DYNAMIC
 *    (6.6+) they call an unexported function; a mapping is "bounced" when
 *    the device reaches other memory than the CPU buffer, which needs no
 *    pool lookup.
 *  - dma_set_min_align_mask(), dma_set_max_seg_size(),
 *    dma_set_seg_boundary(): int in 6.1, void in 6.12; called as
 *    statements and read back with the getters.
 *  - kthread_stop_put(): 6.12 only; kthread_stop() + put_task_struct().
 */
#ifndef _SSTRESS_COMPAT_H
#define _SSTRESS_COMPAT_H

#include <linux/device.h>
#include <linux/highmem.h>
#include <linux/dma-mapping.h>
#include <linux/swiotlb.h>

/* Number of 2 KiB slots in the bounce pool this device would use. */
static inline unsigned long sstress_swiotlb_nslabs(struct device *dev)
{
#ifdef SSTRESS_HAVE_DEV_DMA_IO_TLB_MEM
	return dev->dma_io_tlb_mem ? dev->dma_io_tlb_mem->nslabs : 0;
#else
#error "swiotlb_stress: no probe for this kernel's bounce pool yet"
#endif
}

/* True when every streaming mapping of this device bounces (swiotlb=force). */
static inline bool sstress_swiotlb_force_bounce(struct device *dev)
{
#ifdef SSTRESS_HAVE_IO_TLB_MEM_FORCE_BOUNCE
	return dev->dma_io_tlb_mem && dev->dma_io_tlb_mem->force_bounce;
#else
	return swiotlb_force == SWIOTLB_FORCE;
#endif
}

/*
 * Slots of the device's pool in use, or -1 where the kernel keeps no count
 * a module can read (6.1 keeps it per area, in a private struct).
 */
static inline long sstress_swiotlb_used(struct device *dev)
{
#if defined(SSTRESS_HAVE_IO_TLB_TOTAL_USED) && defined(CONFIG_DEBUG_FS)
	return dev->dma_io_tlb_mem ?
	       atomic_long_read(&dev->dma_io_tlb_mem->total_used) : -1;
#else
	return -1;
#endif
}

static inline size_t sstress_dma_opt_mapping_size(struct device *dev)
{
#ifdef SSTRESS_HAVE_DMA_OPT_MAPPING_SIZE
	return dma_opt_mapping_size(dev);
#else
	return dma_max_mapping_size(dev);
#endif
}

/* Kernels before kmap_local_page() (5.11) are 64-bit only here. */
#ifdef SSTRESS_HAVE_KMAP_LOCAL
#define sstress_kmap(page)	kmap_local_page(page)
#define sstress_kunmap(addr)	kunmap_local(addr)
#elif defined(CONFIG_HIGHMEM)
#error "swiotlb_stress: HIGHMEM without kmap_local_page() is not supported"
#else
#define sstress_kmap(page)	page_address(page)
#define sstress_kunmap(addr)	((void)(addr))
#endif

/* bus_register() takes a const bus_type since 6.4. */
#ifdef SSTRESS_HAVE_CONST_BUS_TYPE
#define sstress_bus_const	const
#else
#define sstress_bus_const
#endif

#endif /* _SSTRESS_COMPAT_H */
