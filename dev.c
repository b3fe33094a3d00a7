// SPDX-License-Identifier: GPL-2.0
/*
 * The device model, the bottom layer of the module: a bus of its own, so
 * each fake device is a real struct device that dma-direct and SWIOTLB
 * treat exactly as a driver's device (own dma_parms, DMA mask, coherent
 * mask, the default bounce pool); the registry that creates and destroys
 * devices at run time; what the layers above ask of a device's DMA (phys,
 * reach, pool, forced bouncing, masks); and the CPU backend, the device
 * side of a fake device. The profiles, the edu backend and the
 * restricted-pool platform devices plug in here.
 *
 * Nothing here calls the layers above. What they keep per device (the
 * control files, the run) they add and remove through the one set of
 * hooks given to sstress_dev_init().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "compat.h"
#include "sstress.h"

static sstress_bus_const struct bus_type sstress_bus = {
	.name = "swiotlb_stress",
};

/*
 * Protects sstress_devices, sstress_ndevices, sstress_devices_enabled and
 * every sstress_dev::dying.
 */
static DEFINE_MUTEX(sstress_devices_lock);
static LIST_HEAD(sstress_devices);
static unsigned int sstress_ndevices;
/*
 * New devices are refused until init has finished and from the start of
 * exit, as netdevsim's nsim_bus_enable does: the control files are
 * reachable while the module is still coming up, and a device created
 * then must not outlive a failed init.
 */
static bool sstress_devices_enabled;

/* What the layers above keep per device: sstress_dev_init()'s. */
static const struct sstress_dev_hooks *sstress_dev_hooks;

/*
 * Devices whose release has not run yet. A release may come late (another
 * holder's put_device(), CONFIG_DEBUG_KOBJECT_RELEASE): module exit waits
 * for it, before the module text goes away. It only frees: the real work
 * (the edu unbind may wait seconds for the engine) is done by teardown and
 * by the error paths of creation, in the caller's context.
 */
static atomic_t sstress_devices_unreleased = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(sstress_devices_released);

static void sstress_dev_release(struct device *dev)
{
	struct sstress_dev *sd = to_sstress_dev(dev);

	/* Teardown or a failed creation unbound the edu device already. */
	if (WARN_ON_ONCE(sd->edu))
		sstress_edu_unbind(sd);
	if (WARN_ON_ONCE(sd->rpool))
		sstress_rpool_unbind(sd);
	mutex_destroy(&sd->lock);
	mutex_destroy(&sd->stop_lock);
	kfree(sd);
	/* Last: once the count is zero, exit may free the module. */
	if (atomic_dec_and_test(&sstress_devices_unreleased))
		wake_up(&sstress_devices_released);
}

static struct sstress_dev *sstress_dev_find_locked(const char *name)
{
	struct sstress_dev *sd;

	lockdep_assert_held(&sstress_devices_lock);
	list_for_each_entry(sd, &sstress_devices, node)
		if (!strcmp(sd->name, name))
			return sd;
	return NULL;
}

/* Highest DMA address the device can reach without bouncing. */
u64 sstress_dev_reach(struct sstress_dev *sd)
{
	u64 reach = *sd->dma_dev->dma_mask;

	if (sd->dma_dev->bus_dma_limit)
		reach = min_t(u64, reach, sd->dma_dev->bus_dma_limit);
	return reach;
}

/* True when a DMA API IOMMU domain (dma-iommu, not dma-direct) maps it. */
static bool sstress_dev_iommu_dma(struct sstress_dev *sd)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(sd->dma_dev);

	return dom && (dom->type & __IOMMU_DOMAIN_DMA_API);
}

/* swiotlb=force is dma-direct's: dma-iommu never reads it. */
bool sstress_dev_is_bounce_forced(struct sstress_dev *sd)
{
	return !sstress_dev_iommu_dma(sd) &&
	       sstress_swiotlb_force_bounce(sd->dma_dev);
}

bool sstress_dev_has_pool(struct sstress_dev *sd)
{
	return sstress_swiotlb_nslabs(sd->dma_dev) > 0;
}

/*
 * Whether a bounce of @size could ever fit the device's pool: not when it
 * is larger than the whole pool, which a devicetree may make a restricted
 * pool (swiotlb_max_mapping_size() does not look at the pool's size). A
 * pool that grows on demand fits what dma_max_mapping_size() allows.
 */
bool sstress_dev_pool_fits(struct sstress_dev *sd, size_t size)
{
	struct device *dev = sd->dma_dev;

	return sstress_swiotlb_can_grow(dev) ||
	       size <= (size_t)sstress_swiotlb_nslabs(dev) << IO_TLB_SHIFT;
}

/*
 * The memory a device reaches at @dma: behind an IOMMU, what the domain's
 * page table maps the IOVA to (dma_to_phys() would be meaningless there);
 * without one, dma_to_phys(), or under Xen PV the m2p translation
 * (sstress_dma_to_phys(), compat.h). A fake device is never behind an
 * IOMMU. SSTRESS_NO_PHYS: none of this kernel's memory.
 */
phys_addr_t sstress_dev_phys(struct sstress_dev *sd, dma_addr_t dma)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(sd->dma_dev);

	if (dom)
		return iommu_iova_to_phys(dom, dma);
	return sstress_dma_to_phys(sd->dma_dev, dma);
}

/* The kind of IOMMU domain the device's DMA goes through. */
const char *sstress_dev_iommu_name(struct sstress_dev *sd)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(sd->dma_dev);
	const char *name;

	if (!dom)
		return "none";
	if (dom->type == IOMMU_DOMAIN_IDENTITY)
		return "identity";
	name = sstress_iommu_dma_domain_name(dom);
	return name ? name : "other";
}

/* Both masks, as dma_set_mask_and_coherent() in a driver's probe. */
static int sstress_dev_set_masks(struct sstress_dev *sd,
				 const struct sstress_dma_cfg *cfg)
{
	unsigned int bits = cfg->masks_bits;
	int ret;

	ret = dma_set_mask_and_coherent(sd->dma_dev, DMA_BIT_MASK(bits));
	if (ret && cfg->masks_fallback_bits) {
		bits = cfg->masks_fallback_bits;
		ret = dma_set_mask_and_coherent(sd->dma_dev, DMA_BIT_MASK(bits));
		if (ret)
			sstress_reject("%s: the platform serves neither %u- nor %u-bit DMA masks",
				       sd->name, cfg->masks_bits, bits);
	} else if (ret) {
		sstress_reject("%s: dma_set_mask_and_coherent(%u bits) failed (%d)",
			       sd->name, bits, ret);
	}
	if (!ret)
		sd->mask_source = cfg->masks_source;
	return ret;
}

/*
 * Applies CFG to the device through the DMA API, as a driver's probe
 * would. ASKED is what the user overrode: the kernel must keep those DMA
 * parameters exactly, or creation fails. The parameter setters differ in
 * return type between kernel versions, so each is read back instead.
 */
int sstress_dev_configure(struct sstress_dev *sd,
			  const struct sstress_dma_cfg *cfg,
			  const struct sstress_dma_cfg *asked)
{
	struct device *dev = sd->dma_dev;
	int ret;

	if (cfg->masks_bits) {
		ret = sstress_dev_set_masks(sd, cfg);
		if (ret)
			return ret;
	}
	if (cfg->mask_bits) {
		ret = dma_set_mask(dev, DMA_BIT_MASK(cfg->mask_bits));
		if (ret) {
			sstress_reject("%s: dma_set_mask(%u bits) failed (%d): not served",
				       sd->name, cfg->mask_bits, ret);
			return ret;
		}
		sd->mask_source = cfg->mask_source;
	}
	if (cfg->coherent_bits) {
		ret = dma_set_coherent_mask(dev, DMA_BIT_MASK(cfg->coherent_bits));
		if (ret) {
			sstress_reject("%s: dma_set_coherent_mask(%u bits) failed (%d)",
				       sd->name, cfg->coherent_bits, ret);
			return ret;
		}
	}
	if (cfg->has_min_align_mask)
		dma_set_min_align_mask(dev, cfg->min_align_mask);
	if (cfg->has_max_seg_size)
		dma_set_max_seg_size(dev, cfg->max_seg_size);
	if (cfg->has_seg_boundary)
		dma_set_seg_boundary(dev, cfg->seg_boundary);

	if ((asked->has_min_align_mask &&
	     dma_get_min_align_mask(dev) != asked->min_align_mask) ||
	    (asked->has_max_seg_size &&
	     dma_get_max_seg_size(dev) != asked->max_seg_size) ||
	    (asked->has_seg_boundary &&
	     dma_get_seg_boundary(dev) != asked->seg_boundary)) {
		sstress_reject("%s: the kernel did not keep a DMA parameter override",
			       sd->name);
		return -EIO;
	}
	return 0;
}

int sstress_dev_create(const struct sstress_dev_opts *opts)
{
	struct sstress_dev *sd;
	int ret;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return -ENOMEM;

	strscpy(sd->name, opts->name, sizeof(sd->name));
	mutex_init(&sd->lock);
	mutex_init(&sd->stop_lock);
	INIT_LIST_HEAD(&sd->node);

	/* Dropped by the release, which every path below ends in. */
	atomic_inc(&sstress_devices_unreleased);
	device_initialize(&sd->dev);
	sd->dev.bus = &sstress_bus;
	sd->dev.release = sstress_dev_release;
	/*
	 * What a bus gives a new device before its driver probes: storage
	 * for the DMA parameters and the 32-bit default masks of PCI and
	 * platform devices. A profile then does what its driver does.
	 */
	sd->dev.dma_parms = &sd->dma_parms;
	sd->dma_mask = DMA_BIT_MASK(32);
	sd->dev.dma_mask = &sd->dma_mask;
	sd->dev.coherent_dma_mask = DMA_BIT_MASK(32);
	sd->mask_source = "bus-default";
	sd->dma_dev = &sd->dev;
	sd->backend = &sstress_backend_cpu;
	ret = dev_set_name(&sd->dev, "%s", sd->name);
	if (ret)
		goto err_put_device;

	/* Unbound again by teardown, or below if creation fails. */
	if (opts->profile == &sstress_profile_edu)
		ret = sstress_edu_bind(sd);
	else if (opts->profile == &sstress_profile_rpool ||
		 opts->profile == &sstress_profile_platform)
		ret = sstress_rpool_bind(sd, opts->profile == &sstress_profile_platform);
	if (ret)
		goto err_put_device;
	ret = sstress_profile_apply(sd, opts);
	if (ret)
		goto err_unbind;
	if (sd->edu) {
		ret = sstress_edu_ready(sd);
		if (ret)
			goto err_unbind;
	}

	mutex_lock(&sstress_devices_lock);
	if (!sstress_devices_enabled) {
		sstress_reject("new_device: the module is loading or unloading");
		ret = -EBUSY;
		goto err_unlock;
	}
	if (sstress_dev_find_locked(opts->name)) {
		sstress_reject("new_device: name '%s' is in use", opts->name);
		ret = -EEXIST;
		goto err_unlock;
	}
	if (sstress_ndevices >= SSTRESS_MAX_DEVICES) {
		sstress_reject("new_device: already %u devices, the limit",
			       sstress_ndevices);
		ret = -ENOSPC;
		goto err_unlock;
	}
	ret = device_add(&sd->dev);
	if (ret)
		goto err_unlock;
	ret = sstress_dev_hooks->add(sd);
	if (ret)
		goto err_device_del;
	list_add_tail(&sd->node, &sstress_devices);
	sstress_ndevices++;
	mutex_unlock(&sstress_devices_lock);

	dev_info(&sd->dev, "created: profile %s, backend %s, dma_mask %#llx (%s), min_align_mask %#x\n",
		 sd->profile->name, sd->backend->name, *sd->dma_dev->dma_mask,
		 sd->mask_source, dma_get_min_align_mask(sd->dma_dev));
	return 0;

err_device_del:
	device_del(&sd->dev);
err_unlock:
	mutex_unlock(&sstress_devices_lock);
err_unbind:
	if (sd->edu)
		sstress_edu_unbind(sd);
	if (sd->rpool)
		sstress_rpool_unbind(sd);
err_put_device:
	put_device(&sd->dev);
	return ret;
}

/*
 * Called on a device marked dying: no run can start and no lookup finds it
 * for a new user. The caller still holds the device's last reference.
 */
static void sstress_dev_teardown(struct sstress_dev *sd)
{
	/*
	 * Waits for the calls in flight on the device's control files, and
	 * for every thread of its run: a DMA call that never returns stops
	 * here.
	 */
	sstress_dev_hooks->remove(sd);
	device_del(&sd->dev);
	/* No run and no control file is left to use the engine. */
	if (sd->edu)
		sstress_edu_unbind(sd);
	if (sd->rpool)
		sstress_rpool_unbind(sd);
}

int sstress_dev_destroy(const char *name)
{
	struct sstress_dev *sd;
	int ret;

	mutex_lock(&sstress_devices_lock);
	sd = sstress_dev_find_locked(name);
	if (!sd || sd->dying) {
		mutex_unlock(&sstress_devices_lock);
		sstress_reject("del_device: no device named '%s'", name);
		return -ENODEV;
	}
	mutex_lock(&sd->lock);
	/* Teardown would wait for a run with the name held: refuse instead. */
	ret = sstress_dev_hooks->busy(sd);
	if (ret) {
		mutex_unlock(&sd->lock);
		mutex_unlock(&sstress_devices_lock);
		return ret;
	}
	/* A run cannot start any more: sstress_run_start() checks dying. */
	sd->dying = true;
	mutex_unlock(&sd->lock);
	mutex_unlock(&sstress_devices_lock);

	sstress_dev_teardown(sd);

	/* The name stays taken until here, so new_device cannot reuse it. */
	mutex_lock(&sstress_devices_lock);
	list_del(&sd->node);
	sstress_ndevices--;
	mutex_unlock(&sstress_devices_lock);
	put_device(&sd->dev);
	return 0;
}

/* Refuses new devices from now on, and destroys every device there is. */
void sstress_dev_destroy_all(void)
{
	struct sstress_dev *sd, *tmp;
	LIST_HEAD(doomed);

	mutex_lock(&sstress_devices_lock);
	sstress_devices_enabled = false;
	list_for_each_entry_safe(sd, tmp, &sstress_devices, node) {
		if (sd->dying)
			continue;
		mutex_lock(&sd->lock);
		sd->dying = true;
		mutex_unlock(&sd->lock);
		list_move_tail(&sd->node, &doomed);
		sstress_ndevices--;
	}
	mutex_unlock(&sstress_devices_lock);

	list_for_each_entry_safe(sd, tmp, &doomed, node) {
		list_del(&sd->node);
		sstress_dev_teardown(sd);
		put_device(&sd->dev);
	}
}

/* Waits until every device ever created has been released. */
void sstress_dev_wait_released(void)
{
	wait_event(sstress_devices_released,
		   !atomic_read(&sstress_devices_unreleased));
}

void sstress_dev_config_show(struct seq_file *m, struct sstress_dev *sd)
{
	struct device *dev = sd->dma_dev;
	u64 reach = sstress_dev_reach(sd);
	bool forced = sstress_dev_is_bounce_forced(sd);
	unsigned long nslabs = sstress_swiotlb_nslabs(dev);
	/*
	 * Under Xen PV the required mask is xen-swiotlb's flat 32 bits,
	 * whatever the machine addresses of the domain's RAM: use those.
	 */
	u64 xen_top = sstress_xen_mem_top(dev);
	u64 top = xen_top ?: sd->required_mask;
	const char *bounce;

	/* Which buffers this device's streaming mappings bounce. */
	if (sstress_dev_iommu_dma(sd) && dev_is_pci(dev) &&
	    to_pci_dev(dev)->untrusted)
		bounce = "unaligned (untrusted: dma-iommu bounces what is not IOVA-aligned)";
	else if (sstress_dev_iommu_dma(sd))
		bounce = "none (IOMMU DMA domain: IOVAs)";
	else if (forced)
		bounce = "all (swiotlb=force)";
	else if (xen_top > reach && nslabs)
		bounce = "above-mask (Xen PV: RAM at machine addresses beyond dma_mask bounces)";
	else if (top > reach && nslabs)
		bounce = "above-mask (memory beyond dma_mask bounces)";
	else if (top > reach)
		bounce = "none (memory beyond dma_mask, but no bounce pool: mappings there fail)";
	else
		bounce = "none (dma_mask reaches all memory)";

	seq_printf(m, "version: %d\n", SSTRESS_REPORT_VERSION);
	seq_printf(m, "name: %s\n", sd->name);
	seq_printf(m, "profile: %s\n", sd->profile->name);
	seq_printf(m, "dma_mask: %#llx\n", *dev->dma_mask);
	seq_printf(m, "dma_mask_bits: %d\n", fls64(*dev->dma_mask));
	seq_printf(m, "mask_source: %s\n", sd->mask_source);
	seq_printf(m, "coherent_dma_mask: %#llx\n", dev->coherent_dma_mask);
	seq_printf(m, "bus_dma_limit: %#llx\n", (u64)dev->bus_dma_limit);
	seq_printf(m, "required_mask: %#llx\n", sd->required_mask);
	seq_printf(m, "required_mask_bits: %d\n", fls64(sd->required_mask));
	seq_printf(m, "bus_addresses: %s\n", sstress_xen_bus(dev) ?
		   "xen-machine (xen-swiotlb)" : "dma-direct");
	/* Whose map_page the DMA API calls: none for dma-direct. */
	if (get_dma_ops(dev))
		seq_printf(m, "dma_ops: %ps\n", sstress_dma_ops_map_fn(get_dma_ops(dev)));
	else
		seq_puts(m, "dma_ops: dma-direct\n");
	if (xen_top)
		seq_printf(m, "xen_ram_top: %#llx\n", xen_top);
	seq_printf(m, "min_align_mask: %#x\n", dma_get_min_align_mask(dev));
	seq_printf(m, "max_segment_size: %u\n", dma_get_max_seg_size(dev));
	seq_printf(m, "segment_boundary: %#lx\n", dma_get_seg_boundary(dev));
	seq_printf(m, "max_mapping_size: %zu\n", dma_max_mapping_size(dev));
	seq_printf(m, "opt_mapping_size: %zu\n", sstress_dma_opt_mapping_size(dev));
	seq_printf(m, "swiotlb_nslabs: %lu\n", nslabs);
	/* Which pool the device's bounces and, if it is one, allocations use. */
	seq_printf(m, "pool: %s\n", !nslabs ? "none" : sstress_swiotlb_for_alloc(dev) ?
		   "restricted (the device's own: dma_map_*() and dma_alloc_coherent() use it)" :
		   "default");
	if (nslabs) {
		phys_addr_t start = sstress_swiotlb_pool_start(dev);
		phys_addr_t end = sstress_swiotlb_pool_end(dev);

		if (end)
			seq_printf(m, "pool_range: %pa-%pa\n", &start, &end);
		if (!sstress_dev_pool_fits(sd, dma_max_mapping_size(dev)))
			seq_printf(m, "pool_note: the pool's %zu bytes are less than dma_max_mapping_size(): a larger bounce fails (map_errors_pool_too_small)\n",
				   (size_t)nslabs << IO_TLB_SHIFT);
	}
	seq_printf(m, "swiotlb_force_bounce: %d\n", forced);
	seq_printf(m, "bounces: %s\n", bounce);
	seq_printf(m, "backend: %s\n", sd->backend->name);
	seq_printf(m, "iommu_domain: %s\n", sstress_dev_iommu_name(sd));
	if (sd->edu)
		sstress_edu_config_show(m, sd);
	if (sd->rpool)
		sstress_rpool_config_show(m, sd);
}

/*
 * The CPU backend: walks the memory the device reaches a bus page at a
 * time (consecutive bus pages need not be consecutive pages: IOMMU, Xen
 * PV); see struct sstress_backend for the contract.
 */
static long sstress_cpu_walk(struct sstress_dev *sd, const struct sstress_seg *s,
			     u32 off, u32 len, const u8 *src,
			     const u8 *expect, u8 *seen)
{
	u32 done = 0;

	while (done < len) {
		phys_addr_t phys = sstress_dev_phys(sd, s->dma + off + done);
		size_t in_page = offset_in_page(phys);
		u32 chunk = min_t(size_t, len - done, PAGE_SIZE - in_page);
		long bad = -1;
		u8 *va;
		u32 j;

		/* A device address outside this kernel's RAM is a failure. */
		if (phys == SSTRESS_NO_PHYS || !pfn_valid(PHYS_PFN(phys)))
			return off + done;
		va = sstress_kmap(pfn_to_page(PHYS_PFN(phys)));
		if (src) {
			memcpy(va + in_page, src + done, chunk);
		} else if (memcmp(va + in_page, expect + done, chunk)) {
			for (j = 0; va[in_page + j] == expect[done + j]; j++)
				;
			bad = off + done + j;
			memcpy(seen, va + in_page + j,
			       min_t(u32, SSTRESS_FAILURE_BYTES, chunk - j));
		}
		sstress_kunmap(va);
		if (bad >= 0)
			return bad;
		done += chunk;
	}
	return -1;
}

const struct sstress_backend sstress_backend_cpu = {
	.name = "cpu",
	.walk = sstress_cpu_walk,
};

/*
 * Registers the bus. @hooks are called for every device: ->add under the
 * registry lock once the device is added, ->busy under the registry lock
 * and the device's lock before a destroy, ->remove at teardown.
 */
int sstress_dev_init(const struct sstress_dev_hooks *hooks)
{
	sstress_dev_hooks = hooks;
	return bus_register(&sstress_bus);
}

/* From now on new_device may create devices: init has finished. */
void sstress_dev_enable(void)
{
	mutex_lock(&sstress_devices_lock);
	sstress_devices_enabled = true;
	mutex_unlock(&sstress_devices_lock);
}

/* After sstress_dev_wait_released(): no device is left on the bus. */
void sstress_dev_exit(void)
{
	bus_unregister(&sstress_bus);
}
