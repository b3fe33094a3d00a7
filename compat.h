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
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/swiotlb.h>
#include <xen/xen.h>
#ifdef CONFIG_XEN_PV
#include <asm/xen/page.h>
#endif

/* Number of 2 KiB slots in the bounce pool this device would use. */
static inline unsigned long sstress_swiotlb_nslabs(struct device *dev)
{
#ifdef SSTRESS_HAVE_DEV_DMA_IO_TLB_MEM
	return dev->dma_io_tlb_mem ? dev->dma_io_tlb_mem->nslabs : 0;
#elif defined(SSTRESS_HAVE_SWIOTLB_NR_TBL)
	/*
	 * One global pool. swiotlb_nr_tbl() gives the size asked for even
	 * where none was allocated (swiotlb=noforce sets it to 1, a pool x86
	 * never set up keeps swiotlb=N); swiotlb_max_segment() is 0 until a
	 * pool is set up and again after swiotlb_exit() frees it.
	 */
	return swiotlb_max_segment() ? swiotlb_nr_tbl() : 0;
#else
#error "swiotlb_stress: no probe for this kernel's bounce pool yet"
#endif
}

/* Last byte of the device's default bounce pool, 0 without a pool. */
/*
 * 0 also where the kernel does not tell a module (5.10 exports neither
 * io_tlb_start nor io_tlb_end): callers treat 0 as "not known".
 */
static inline phys_addr_t sstress_swiotlb_pool_end(struct device *dev)
{
#ifdef SSTRESS_HAVE_DEV_DMA_IO_TLB_MEM
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	if (!mem || !mem->nslabs)
		return 0;
#ifdef SSTRESS_HAVE_IO_TLB_POOL
	return mem->defpool.end - 1;
#else
	return mem->end - 1;
#endif
#else
	return 0;
#endif
}

/* First byte of the device's bounce pool; meaningful when the end is not 0. */
static inline phys_addr_t sstress_swiotlb_pool_start(struct device *dev)
{
#ifdef SSTRESS_HAVE_DEV_DMA_IO_TLB_MEM
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	if (!mem || !mem->nslabs)
		return 0;
#ifdef SSTRESS_HAVE_IO_TLB_POOL
	return mem->defpool.start;
#else
	return mem->start;
#endif
#else
	return 0;
#endif
}

/*
 * The function a device's DMA ops map through, to name them in reports:
 * map_page, or map_phys where the kernel has replaced it (7.x).
 */
static inline const void *sstress_dma_ops_map_fn(const struct dma_map_ops *ops)
{
#ifdef SSTRESS_HAVE_DMA_OPS_MAP_PHYS
	return ops->map_phys;
#else
	return ops->map_page;
#endif
}

/*
 * True when dma_alloc_coherent() is served from the device's bounce pool
 * (swiotlb_alloc(): a restricted DMA pool).
 */
static inline bool sstress_swiotlb_for_alloc(struct device *dev)
{
#ifdef SSTRESS_HAVE_IS_SWIOTLB_FOR_ALLOC
	return dev->dma_io_tlb_mem && is_swiotlb_for_alloc(dev);
#else
	return false;
#endif
}

/* True when every streaming mapping of this device bounces (swiotlb=force). */
static inline bool sstress_swiotlb_force_bounce(struct device *dev)
{
#ifdef SSTRESS_HAVE_IO_TLB_MEM_FORCE_BOUNCE
	return dev->dma_io_tlb_mem && dev->dma_io_tlb_mem->force_bounce;
#elif defined(SSTRESS_HAVE_DEV_DMA_IO_TLB_MEM)
	return swiotlb_force == SWIOTLB_FORCE;
#else
	/*
	 * 5.10 exports neither swiotlb_force nor is_swiotlb_active(). Ask
	 * dma-direct instead: for a device it never needs to bounce (64-bit
	 * mask, no bus limit), dma_direct_max_mapping_size() caps the size at
	 * SWIOTLB's segment only under swiotlb=force. The device asked is a
	 * blank one of ours, so the answer does not depend on @dev's masks.
	 */
	static u64 sstress_probe_mask = DMA_BIT_MASK(64);
	static struct device sstress_probe_dev = {
		.dma_mask = &sstress_probe_mask,
		.coherent_dma_mask = DMA_BIT_MASK(64),
	};

	if (get_dma_ops(dev) || !sstress_swiotlb_nslabs(dev))
		return false;
	return !dma_addressing_limited(&sstress_probe_dev) &&
	       dma_max_mapping_size(&sstress_probe_dev) != SIZE_MAX;
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

/*
 * CONFIG_SWIOTLB_DYNAMIC: when the default pool has no room, SWIOTLB
 * serves the mapping from a transient pool allocated for it and grows the
 * pool in the background, so a full default pool is not a refusal there.
 */
static inline bool sstress_swiotlb_can_grow(struct device *dev)
{
#ifdef CONFIG_SWIOTLB_DYNAMIC
	return dev->dma_io_tlb_mem && READ_ONCE(dev->dma_io_tlb_mem->can_grow);
#else
	return false;
#endif
}

/* Slots in transient pools in use now; -1 where the kernel keeps no count. */
static inline long sstress_swiotlb_transient_used(struct device *dev)
{
#if defined(CONFIG_SWIOTLB_DYNAMIC) && defined(CONFIG_DEBUG_FS)
	return dev->dma_io_tlb_mem ?
	       atomic_long_read(&dev->dma_io_tlb_mem->transient_nslabs) : -1;
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

/*
 * Bus addresses: what a device is handed, and which memory that is.
 *
 * On the dma-direct path a bus address is the physical address (give or
 * take a DMA offset), and dma_to_phys() undoes phys_to_dma(). In a Xen PV
 * domain (dom0 is one) the kernel's physical addresses are pseudo-physical:
 * the domain's own numbering of its pages. Devices see machine addresses.
 * x86 then installs xen_swiotlb_dma_ops as the DMA ops of every device,
 * and those hand out machine addresses (xen_phys_to_dma() in
 * drivers/xen/swiotlb-xen.c). dma_to_phys() of a machine address names an
 * unrelated pseudo-physical page: a harness that followed it would read and
 * write memory that is neither the buffer nor its bounce slot.
 *
 * So under Xen PV, for a device with DMA ops, the helpers below translate
 * as swiotlb-xen does: phys -> machine through the p2m table, machine ->
 * phys through Xen's m2p table, keeping only frames that map back to this
 * domain (bfn_to_local_pfn(), as xen_swiotlb_find_pool() does), so a frame
 * that is not the domain's own (foreign, identity-mapped I/O, not RAM)
 * never becomes a page to touch. The tables and inlines are the kernel's
 * own (asm/xen/page.h; machine_to_phys_mapping, xen_p2m_addr & co. are
 * exported) in 6.1 and 6.12 alike. Elsewhere they are dma-direct's.
 */
#define SSTRESS_NO_PHYS		((phys_addr_t)-1)

/* The device's bus addresses are Xen machine addresses (xen-swiotlb). */
static inline bool sstress_xen_bus(struct device *dev)
{
	return IS_ENABLED(CONFIG_XEN_PV) && xen_pv_domain() && get_dma_ops(dev);
}

/* The bus address at which @dev reaches physical address @phys unbounced. */
static inline dma_addr_t sstress_phys_to_dma(struct device *dev,
					     phys_addr_t phys)
{
#ifdef CONFIG_XEN_PV
	if (sstress_xen_bus(dev))
		return phys_to_dma(dev, PFN_PHYS(pfn_to_bfn(PHYS_PFN(phys))) |
				   offset_in_page(phys));
#endif
	return phys_to_dma(dev, phys);
}

/*
 * The physical address of the memory @dev reaches at bus address @dma, or
 * SSTRESS_NO_PHYS when that is none of this kernel's memory. Exact for
 * @dma's page only: the next bus page may be another physical page.
 */
static inline phys_addr_t sstress_dma_to_phys(struct device *dev, dma_addr_t dma)
{
	phys_addr_t phys = dma_to_phys(dev, dma);

#ifdef CONFIG_XEN_PV
	if (sstress_xen_bus(dev)) {
		unsigned long pfn = bfn_to_local_pfn(PHYS_PFN(phys));

		if (pfn == (unsigned long)-1)
			return SSTRESS_NO_PHYS;
		phys = PFN_PHYS(pfn) | offset_in_page(phys);
	}
#endif
	return phys;
}

/*
 * Whether some byte of the CPU buffer [phys, phys + len) has a bus address
 * beyond @reach: a buffer @dev needs bounced for its mask. Under Xen a
 * buffer contiguous in physical memory need not be in machine memory, so
 * every page is looked at.
 */
static inline bool sstress_bus_beyond(struct device *dev, phys_addr_t phys,
				      size_t len, u64 reach)
{
	phys_addr_t end = phys + len - 1, p;

	if (!len)
		return false;
	if (!sstress_xen_bus(dev))
		return sstress_phys_to_dma(dev, end) > reach;
	for (p = phys; p <= end; p = PFN_PHYS(PHYS_PFN(p) + 1))
		if (sstress_phys_to_dma(dev, min(end, p | ~PAGE_MASK)) > reach)
			return true;
	return false;
}

/*
 * Under Xen PV with xen-swiotlb: the highest machine address of this
 * domain's RAM, which decides what a device mask must reach (and what
 * dma_get_required_mask(), a flat 32 bits from xen-swiotlb, does not say).
 * 0 elsewhere. Walks the p2m entries of every node's span: frames that are
 * missing (ballooned out), identity (holes, I/O) or foreign are not RAM.
 */
static inline u64 sstress_xen_mem_top(struct device *dev)
{
	u64 top = 0;
#ifdef CONFIG_XEN_PV
	unsigned long pfn, mfn;
	int nid;

	if (!sstress_xen_bus(dev))
		return 0;
	for_each_online_node(nid) {
		for (pfn = node_start_pfn(nid); pfn < node_end_pfn(nid); pfn++) {
			mfn = __pfn_to_mfn(pfn);
			if (mfn == INVALID_P2M_ENTRY ||
			    (mfn & (FOREIGN_FRAME_BIT | IDENTITY_FRAME_BIT)))
				continue;
			top = max_t(u64, top, PFN_PHYS(mfn + 1) - 1);
			if (!(pfn % (1UL << 18)))
				cond_resched();
		}
	}
#endif
	return top;
}

/*
 * The lazy DMA domain is a domain type since 5.15. Before, the flush mode
 * was the IOMMU driver's own (5.10's intel-iommu: intel_iommu_strict, lazy
 * unless "intel_iommu=strict"), which a module cannot read: the name of a
 * DMA domain then says only "dma".
 */
#ifdef SSTRESS_HAVE_IOMMU_DOMAIN_DMA_FQ
static inline const char *sstress_iommu_dma_domain_name(struct iommu_domain *dom)
{
	if (dom->type == IOMMU_DOMAIN_DMA)
		return "dma-strict";
	if (dom->type == IOMMU_DOMAIN_DMA_FQ)
		return "dma-lazy";
	return NULL;
}
#else
static inline const char *sstress_iommu_dma_domain_name(struct iommu_domain *dom)
{
	return dom->type == IOMMU_DOMAIN_DMA ? "dma" : NULL;
}
#endif

#ifdef SSTRESS_HAVE_STRUCT_SIZE_T
#define sstress_struct_size_t(type, member, count) \
	struct_size_t(type, member, count)
#else
#define sstress_struct_size_t(type, member, count) \
	struct_size((type *)NULL, member, count)
#endif

/* bus_register() takes a const bus_type since 6.4. */
#ifdef SSTRESS_HAVE_CONST_BUS_TYPE
#define sstress_bus_const	const
#else
#define sstress_bus_const
#endif

/*
 * platform_driver's .remove: void since 6.11, int before (6.1's void
 * remove_new is gone again in 6.13). Defines FN_cb, of the right type,
 * calling the void FN.
 */
#ifdef SSTRESS_HAVE_PLATFORM_REMOVE_VOID
#define sstress_platform_remove_fn(fn)				\
static void fn##_cb(struct platform_device *pdev)		\
{								\
	fn(pdev);						\
}
#else
#define sstress_platform_remove_fn(fn)				\
static int fn##_cb(struct platform_device *pdev)		\
{								\
	fn(pdev);						\
	return 0;						\
}
#endif

/* PCI_IRQ_LEGACY was renamed PCI_IRQ_INTX in 6.8, the old name removed later. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

#endif /* _SSTRESS_COMPAT_H */
