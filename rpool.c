// SPDX-License-Identifier: GPL-2.0
/*
 * The restricted-pool devices of the device model (field report 004): a
 * platform driver for devicetree nodes compatible with
 * "swiotlb-stress,restricted-dma" whose memory-region names a
 * reserved-memory node compatible with "restricted-dma-pool". The platform
 * bus's of_dma_configure() gives such a device an io_tlb_mem of its own
 * (dev->dma_io_tlb_mem, CONFIG_DMA_RESTRICTED_POOL) before our probe runs,
 * exactly as for the real devices that use those pools: every streaming
 * mapping bounces through that pool and dma_alloc_coherent() is served
 * from it (swiotlb_alloc()). new_device profile=rpool binds a free one; the
 * device side is the CPU backend, as for a fake device.
 *
 * A node whose pool the kernel did not set up (the option off, a
 * memory-region that names nothing) is kept with the reason, which
 * new_device gives when it refuses the device.
 *
 * The same driver binds nodes compatible with "swiotlb-stress,dma": plain
 * platform devices (profile=platform), whose DMA ops are whatever the
 * platform gives a devicetree device: xen-swiotlb in a Xen dom0 on arm64
 * (field report 002), where a fake device of our own bus gets none.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "compat.h"
#include "sstress.h"

struct sstress_rpool {
	struct platform_device *pdev;
	/* The reserved-memory node's name, base and size; 0 size: none. */
	char pool[32];
	phys_addr_t base;
	phys_addr_t size;
	/* Why the device cannot be used, or NULL. */
	const char *broken;
	/* "swiotlb-stress,dma": no pool of its own expected. */
	bool plain;
	/* On sstress_rpools; protected by sstress_rpool_lock. */
	struct list_head node;
	/* The sstress device bound to it; protected by sstress_rpool_lock. */
	struct sstress_dev *owner;
};

/* Where such a device comes from, for the reason of a refusal. */
#define SSTRESS_RPOOL_HINT \
	" (a devicetree node compatible \"swiotlb-stress,restricted-dma\"; tools/run.sh: '# qemu: rpool', arm64)"

#define SSTRESS_DMA_HINT \
	" (a node compatible \"swiotlb-stress,dma\": tools/run.sh --arch arm64 --xen)"

/* Protects sstress_rpools and every sstress_rpool::owner. */
static DEFINE_MUTEX(sstress_rpool_lock);
static LIST_HEAD(sstress_rpools);

/*
 * The kernel set up a pool of the device's own when the device's pool is
 * exactly the reserved memory its memory-region names.
 */
static const char *sstress_rpool_inspect(struct sstress_rpool *rp)
{
	struct device *dev = &rp->pdev->dev;
	struct device_node *np;
	struct reserved_mem *rmem;
	bool compatible;

	np = of_parse_phandle(dev->of_node, "memory-region", 0);
	if (!np)
		return "no memory-region property, or it names no node";
	compatible = of_device_is_compatible(np, "restricted-dma-pool");
	rmem = of_reserved_mem_lookup(np);
	of_node_put(np);
	if (!compatible)
		return "memory-region names a node not compatible with restricted-dma-pool";
	if (!rmem)
		return "memory-region names no reserved memory the kernel set aside";
	strscpy(rp->pool, rmem->name, sizeof(rp->pool));
	rp->base = rmem->base;
	rp->size = rmem->size;
	/* rmem_swiotlb_device_init() makes it a pool of no slots. */
	if (rmem->size < IO_TLB_SIZE)
		return "restricted pool smaller than one IO TLB slot: no slots";
	if (!sstress_swiotlb_pool_end(dev) ||
	    sstress_swiotlb_pool_start(dev) != rmem->base ||
	    sstress_swiotlb_pool_end(dev) != rmem->base + rmem->size - 1)
		return "no pool of its own: CONFIG_DMA_RESTRICTED_POOL off, or setup failed";
	return NULL;
}

static int sstress_rpool_probe(struct platform_device *pdev)
{
	struct sstress_rpool *rp;

	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp)
		return -ENOMEM;
	rp->pdev = pdev;
	INIT_LIST_HEAD(&rp->node);
	rp->plain = of_device_is_compatible(pdev->dev.of_node, "swiotlb-stress,dma");
	/* A node without a usable pool is kept, to say why at new_device. */
	if (!rp->plain)
		rp->broken = sstress_rpool_inspect(rp);
	if (rp->plain)
		dev_info(&pdev->dev, "platform device, DMA ops %ps\n",
			 get_dma_ops(&pdev->dev) ?
			 sstress_dma_ops_map_fn(get_dma_ops(&pdev->dev)) : NULL);
	else if (rp->broken)
		dev_warn(&pdev->dev, "restricted pool unusable: %s\n", rp->broken);
	else
		dev_info(&pdev->dev, "restricted pool %s at %pa, %pa bytes\n",
			 rp->pool, &rp->base, &rp->size);
	if (!rp->plain && !rp->broken && rp->size < dma_max_mapping_size(&pdev->dev))
		dev_warn(&pdev->dev, "restricted pool smaller than dma_max_mapping_size() %zu: larger bounces fail\n",
			 dma_max_mapping_size(&pdev->dev));
	platform_set_drvdata(pdev, rp);
	mutex_lock(&sstress_rpool_lock);
	list_add_tail(&rp->node, &sstress_rpools);
	mutex_unlock(&sstress_rpool_lock);
	return 0;
}

/*
 * Runs at module exit only (bind and unbind through sysfs are off), after
 * every sstress device let go of its platform device.
 */
static void sstress_rpool_remove(struct platform_device *pdev)
{
	struct sstress_rpool *rp = platform_get_drvdata(pdev);

	mutex_lock(&sstress_rpool_lock);
	WARN_ON(rp->owner);
	list_del(&rp->node);
	mutex_unlock(&sstress_rpool_lock);
	kfree(rp);
}

sstress_platform_remove_fn(sstress_rpool_remove)

int sstress_rpool_bind(struct sstress_dev *sd, bool plain)
{
	struct sstress_rpool *rp, *found = NULL, *broken = NULL;
	struct device *dev;

	mutex_lock(&sstress_rpool_lock);
	list_for_each_entry(rp, &sstress_rpools, node) {
		if (rp->owner || rp->plain != plain)
			continue;
		if (!rp->broken) {
			found = rp;
			break;
		}
		/* The first unusable one is the one to name. */
		if (!broken)
			broken = rp;
	}
	if (found)
		found->owner = sd;
	mutex_unlock(&sstress_rpool_lock);
	if (!found) {
		if (broken)
			sstress_reject("new_device: restricted-pool device %s unusable: %s",
				       dev_name(&broken->pdev->dev), broken->broken);
		else if (plain)
			sstress_reject("new_device: no free devicetree platform device%s",
				       SSTRESS_DMA_HINT);
		else
			sstress_reject("new_device: no free restricted-pool device%s",
				       SSTRESS_RPOOL_HINT);
		return -ENODEV;
	}

	get_device(&found->pdev->dev);
	sd->rpool = found;
	sd->dma_dev = &found->pdev->dev;
	/*
	 * What the platform bus gives a device before its driver probes, so
	 * no earlier binding's settings carry over.
	 */
	dev = sd->dma_dev;
	dma_set_min_align_mask(dev, 0);
	dma_set_max_seg_size(dev, 65536);
	dma_set_seg_boundary(dev, 0xffffffff);
	return 0;
}

void sstress_rpool_unbind(struct sstress_dev *sd)
{
	struct sstress_rpool *rp = sd->rpool;

	dma_set_min_align_mask(sd->dma_dev, 0);
	sd->dma_dev = &sd->dev;
	sd->rpool = NULL;
	put_device(&rp->pdev->dev);
	mutex_lock(&sstress_rpool_lock);
	rp->owner = NULL;
	mutex_unlock(&sstress_rpool_lock);
}

void sstress_rpool_config_show(struct seq_file *m, struct sstress_dev *sd)
{
	struct sstress_rpool *rp = sd->rpool;

	seq_printf(m, "rpool_device: %s\n", dev_name(&rp->pdev->dev));
	if (rp->plain)
		return;
	seq_printf(m, "rpool_node: %s\n", rp->pool);
	seq_printf(m, "rpool_base: %pa\n", &rp->base);
	seq_printf(m, "rpool_size: %pa\n", &rp->size);
}

static const struct of_device_id sstress_rpool_of_ids[] = {
	{ .compatible = "swiotlb-stress,restricted-dma" },
	{ .compatible = "swiotlb-stress,dma" },
	{ }
};

/* No MODULE_DEVICE_TABLE: the module is loaded by hand, never by udev. */

static struct platform_driver sstress_rpool_driver = {
	.probe = sstress_rpool_probe,
	.remove = sstress_rpool_remove_cb,
	.driver = {
		.name = KBUILD_MODNAME "_rpool",
		.of_match_table = sstress_rpool_of_ids,
		/* A restricted-pool device goes away only with the module. */
		.suppress_bind_attrs = true,
	},
};

int sstress_rpool_init(void)
{
	return platform_driver_register(&sstress_rpool_driver);
}

void sstress_rpool_exit(void)
{
	platform_driver_unregister(&sstress_rpool_driver);
}

/*
 * The rpool profile: a platform driver with a device able to reach all
 * memory, as the drivers of SoC devices behind restricted pools set; the
 * pool, not the mask, is what makes every mapping bounce.
 */
static void sstress_rpool_fill(struct sstress_dma_cfg *cfg, u64 required_mask)
{
	cfg->masks_bits = 64;
	cfg->masks_fallback_bits = 32;
	cfg->masks_source = "driver";
}

/*
 * The platform profile: a devicetree device whose driver sets no mask,
 * so the platform bus's 32-bit default stands, as for the legacy SoC
 * devices of field report 002.
 */
static void sstress_platform_fill(struct sstress_dma_cfg *cfg, u64 required_mask)
{
}

const struct sstress_profile sstress_profile_platform = {
	.name = "platform",
	.purpose =
		"devicetree platform device (\"swiotlb-stress,dma\"): the platform's DMA ops (xen-swiotlb in a Xen arm64 dom0), 32-bit default masks",
	.fill = sstress_platform_fill,
};

const struct sstress_profile sstress_profile_rpool = {
	.name = "rpool",
	.purpose =
		"devicetree platform device with a restricted DMA pool of its own (memory-region -> restricted-dma-pool); 64-bit masks",
	.fill = sstress_rpool_fill,
};
