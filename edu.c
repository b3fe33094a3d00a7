// SPDX-License-Identifier: GPL-2.0
/*
 * The edu backend: QEMU's "edu" PCI device (hw/misc, 1234:11e8)
 * plays the device side of the checks with its own DMA engine, so what the
 * checks see is what a device really read and wrote through the DMA
 * address: through SWIOTLB's bounce slots, and through QEMU's IOMMU model
 * when the VM has one. A fake device can only look at dma_to_phys().
 *
 * The engine copies between guest memory and a 4 KiB buffer inside the
 * device (device address 0x40000), one transfer at a time, finishing from a
 * QEMU timer about 100 ms later. The CPU cannot read that buffer, so every
 * device access is two DMAs through a coherent staging buffer: a device
 * write is stage -> device buffer -> mapping, a device read is mapping ->
 * device buffer -> stage. Larger accesses go in chunks of 4095 bytes.
 *
 * An edu device is taken by "new_device name=N profile=edu": the next
 * device not driven yet, so options (mask_bits=, min_align_mask=, ...)
 * apply as to any profile; the DMA API is then called on the PCI device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "sstress.h"

#define SSTRESS_EDU_VENDOR	0x1234
#define SSTRESS_EDU_DEVICE	0x11e8

/* Registers in BAR 0, as QEMU's hw/misc source defines them. */
#define SSTRESS_EDU_REG_ID	0x00	/* 0xRRrr00ed: version, 0xed */
#define SSTRESS_EDU_REG_IRQ_STATUS	0x24
#define SSTRESS_EDU_REG_IRQ_ACK		0x64
#define SSTRESS_EDU_REG_DMA_SRC	0x80
#define SSTRESS_EDU_REG_DMA_DST	0x88
#define SSTRESS_EDU_REG_DMA_CNT	0x90
#define SSTRESS_EDU_REG_DMA_CMD	0x98
#define SSTRESS_EDU_REGS_LEN	0xa0
#define SSTRESS_EDU_CMD_RUN	BIT(0)	/* start; reads 1 while busy */
#define SSTRESS_EDU_CMD_TO_RAM	BIT(1)	/* device buffer -> guest memory */
#define SSTRESS_EDU_CMD_IRQ	BIT(2)	/* interrupt when done */

/* The device's buffer as a DMA source or destination. */
#define SSTRESS_EDU_BUF		0x40000
#define SSTRESS_EDU_BUF_SIZE	4096
/*
 * Bytes per transfer. QEMU 7.2 (Debian 12) still rejects a transfer that
 * ends at the buffer's last byte, by aborting itself ("EDU: DMA range ...
 * out of bounds"), so one byte less than the buffer.
 */
#define SSTRESS_EDU_CHUNK	(SSTRESS_EDU_BUF_SIZE - 1)

struct sstress_edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	char bdf[16];
	/* pdev->untrusted set by this module (edu_untrusted=1). */
	bool untrusted;

	/*
	 * Serializes the DMA engine, @stage and the fields below: one
	 * transfer at a time, whichever storm thread asks.
	 */
	struct mutex engine_lock;
	/*
	 * The engine's completion interrupt, if one could be had (MSI, else
	 * INTx): a transfer takes QEMU's 100 ms timer, which the waiting CPU
	 * then sleeps through instead of polling (0 when it polls). The
	 * handler only acknowledges and completes @dma_done, which is
	 * re-armed under engine_lock before each transfer.
	 */
	int irq;
	struct completion dma_done;
	/* Coherent: the CPU's end of every transfer. */
	u8 *stage;
	dma_addr_t stage_dma;
	/* Why the engine must not be used any more, or NULL. */
	const char *broken;
	/* @broken is a timeout, cleared once the engine is idle at unbind. */
	bool timed_out;
	u64 dmas;
	u64 dma_ns_max;

	/* Protected by sstress_edu_lock. */
	struct sstress_dev *owner;
	struct list_head node;
};

/* Protects sstress_edus and every sstress_edu::owner. */
static DEFINE_MUTEX(sstress_edu_lock);
static LIST_HEAD(sstress_edus);

static unsigned int sstress_edu_timeout_ms = 5000;
module_param_named(edu_timeout_ms, sstress_edu_timeout_ms, uint, 0644);
MODULE_PARM_DESC(edu_timeout_ms,
		 "an edu DMA not done in this time fails the check and retires the engine");

/*
 * Test-only stand-in for an external-facing port: QEMU cannot describe one
 * to the guest, so the flag set_pcie_untrusted() sets at enumeration is set
 * here, when new_device takes the device, before its first mapping, and
 * cleared when it lets go. dma-iommu reads the flag on every map call;
 * only the default domain type (chosen at enumeration, strict for an
 * untrusted device) is not affected, so runs use iommu.strict=1 and the
 * config file reports the domain.
 */
static bool sstress_edu_untrusted;
module_param_named(edu_untrusted, sstress_edu_untrusted, bool, 0644);
MODULE_PARM_DESC(edu_untrusted,
		 "test only: edu devices taken from now on are marked untrusted (pci_dev->untrusted)");

static bool sstress_edu_busy(struct sstress_edu *edu)
{
	return readq(edu->regs + SSTRESS_EDU_REG_DMA_CMD) & SSTRESS_EDU_CMD_RUN;
}

/*
 * After a timeout: how much longer the harness waits for the transfer
 * before it gives up on it and lets its mapping go.
 */
#define SSTRESS_EDU_GRACE_MS	10000

/* Waits, sleeping, up to @ms for the engine to be idle. */
static bool sstress_edu_wait_idle(struct sstress_edu *edu, unsigned int ms)
{
	u64 deadline = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;

	while (sstress_edu_busy(edu)) {
		if (ktime_get_ns() > deadline)
			return false;
		usleep_range(500, 1000);
	}
	return true;
}

/*
 * Waits up to @ms for the transfer just started to end: asleep until its
 * interrupt when the engine has one, then (or else) by polling; the busy
 * bit has the last word either way.
 */
static bool sstress_edu_wait_done(struct sstress_edu *edu, unsigned int ms)
{
	u64 t0 = ktime_get_ns();
	u64 waited_ms;

	if (edu->irq)
		wait_for_completion_timeout(&edu->dma_done, msecs_to_jiffies(ms));
	waited_ms = div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC);
	return sstress_edu_wait_idle(edu, waited_ms < ms ? ms - waited_ms : 0);
}

static irqreturn_t sstress_edu_irq(int irq, void *data)
{
	struct sstress_edu *edu = data;
	u32 status = readl(edu->regs + SSTRESS_EDU_REG_IRQ_STATUS);

	/* INTx may be shared. */
	if (!status)
		return IRQ_NONE;
	writel(status, edu->regs + SSTRESS_EDU_REG_IRQ_ACK);
	complete(&edu->dma_done);
	return IRQ_HANDLED;
}

/*
 * One transfer of @len bytes between DMA address @ram and offset 0 of the
 * device's buffer, @to_ram giving the direction. Returns 0, or -EIO with
 * the reason logged and the engine retired.
 */
static int sstress_edu_dma(struct sstress_edu *edu, dma_addr_t ram, u32 len,
			   bool to_ram)
{
	u64 t0, ns;

	lockdep_assert_held(&edu->engine_lock);
	if (edu->broken)
		return -EIO;
	/* The device aborts QEMU on a range outside its buffer. */
	if (WARN_ON_ONCE(!len || len > SSTRESS_EDU_CHUNK))
		return -EINVAL;
	writeq(to_ram ? SSTRESS_EDU_BUF : ram, edu->regs + SSTRESS_EDU_REG_DMA_SRC);
	writeq(to_ram ? ram : SSTRESS_EDU_BUF, edu->regs + SSTRESS_EDU_REG_DMA_DST);
	writeq(len, edu->regs + SSTRESS_EDU_REG_DMA_CNT);
	reinit_completion(&edu->dma_done);
	t0 = ktime_get_ns();
	/* writeq() orders the CPU's stores to @stage before the start. */
	writeq(SSTRESS_EDU_CMD_RUN | (to_ram ? SSTRESS_EDU_CMD_TO_RAM : 0) |
	       (edu->irq ? SSTRESS_EDU_CMD_IRQ : 0),
	       edu->regs + SSTRESS_EDU_REG_DMA_CMD);
	if (!sstress_edu_wait_done(edu, READ_ONCE(sstress_edu_timeout_ms))) {
		edu->broken = "a DMA did not complete within edu_timeout_ms";
		edu->timed_out = true;
		dev_err(&edu->pdev->dev, "DMA %s %pad len %u not done after %u ms: engine retired until unbind\n",
			to_ram ? "to" : "from", &ram, len,
			READ_ONCE(sstress_edu_timeout_ms));
		/* Its target must outlive it: the caller unmaps next. */
		if (!sstress_edu_wait_idle(edu, SSTRESS_EDU_GRACE_MS))
			dev_err(&edu->pdev->dev, "DMA engine still busy %u ms later: it may write after the mapping is gone\n",
				SSTRESS_EDU_GRACE_MS);
		return -EIO;
	}
	ns = ktime_get_ns() - t0;
	edu->dmas++;
	edu->dma_ns_max = max(edu->dma_ns_max, ns);
	/* The device's writes to @stage before the CPU reads it. */
	dma_rmb();
	return 0;
}

/*
 * Test only: writing 1 has the first edu device's engine read 8 bytes at
 * DMA address 0, which no mapping covers (IOVA allocators never hand out
 * page 0). Behind an IOMMU that is a translation fault the IOMMU reports
 * in the kernel log, which proves the runner fails a run on one; without
 * an IOMMU it copies guest page 0's first bytes into the device, harmless.
 */
static int sstress_edu_stray_set(const char *val, const struct kernel_param *kp)
{
	struct sstress_edu *edu;
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret || !on)
		return ret;
	mutex_lock(&sstress_edu_lock);
	edu = list_first_entry_or_null(&sstress_edus, struct sstress_edu, node);
	if (edu) {
		mutex_lock(&edu->engine_lock);
		ret = sstress_edu_dma(edu, 0, 8, false);
		mutex_unlock(&edu->engine_lock);
	} else {
		sstress_reject("edu_stray_dma: no edu device");
		ret = -ENODEV;
	}
	mutex_unlock(&sstress_edu_lock);
	return ret;
}

static const struct kernel_param_ops sstress_edu_stray_ops = {
	.set = sstress_edu_stray_set,
};

module_param_cb(edu_stray_dma, &sstress_edu_stray_ops, NULL, 0200);
MODULE_PARM_DESC(edu_stray_dma,
		 "test only: write 1 to have an edu device read DMA address 0 (an IOMMU fault)");

/* The backend's walk; see struct sstress_backend. */
static long sstress_edu_walk(struct sstress_dev *sd, const struct sstress_seg *s,
			     u32 off, u32 len, const u8 *src, const u8 *expect,
			     u8 *seen)
{
	struct sstress_edu *edu = sd->edu;
	long bad = -1;
	u32 done = 0;

	mutex_lock(&edu->engine_lock);
	while (done < len) {
		u32 chunk = min_t(u32, len - done, SSTRESS_EDU_CHUNK);
		dma_addr_t dma = s->dma + off + done;
		u32 j;

		if (src) {
			memcpy(edu->stage, src + done, chunk);
			if (sstress_edu_dma(edu, edu->stage_dma, chunk, false) ||
			    sstress_edu_dma(edu, dma, chunk, true)) {
				bad = off + done;
				break;
			}
			done += chunk;
			continue;
		}
		/* Every byte differs unless the transfer really wrote it. */
		for (j = 0; j < chunk; j++)
			edu->stage[j] = ~expect[done + j];
		if (sstress_edu_dma(edu, dma, chunk, false) ||
		    sstress_edu_dma(edu, edu->stage_dma, chunk, true)) {
			bad = off + done;
			break;
		}
		if (memcmp(edu->stage, expect + done, chunk)) {
			for (j = 0; edu->stage[j] == expect[done + j]; j++)
				;
			bad = off + done + j;
			memcpy(seen, edu->stage + j,
			       min_t(u32, SSTRESS_FAILURE_BYTES, chunk - j));
			break;
		}
		done += chunk;
	}
	mutex_unlock(&edu->engine_lock);
	if (bad >= 0 && edu->broken)
		dev_err(&sd->dev, "edu %s: device access not made: %s\n",
			edu->bdf, edu->broken);
	return bad;
}

/* What one device access of @len bytes holds the engine for, about. */
#define SSTRESS_EDU_DMA_MS	100	/* QEMU's timer per transfer */

unsigned int sstress_edu_access_ms(u32 len)
{
	/* Two transfers per chunk: through the device buffer and back. */
	return DIV_ROUND_UP(len, SSTRESS_EDU_CHUNK) * 2 * SSTRESS_EDU_DMA_MS;
}

const struct sstress_backend sstress_backend_edu = {
	.name = "edu",
	.walk = sstress_edu_walk,
};

/*
 * Round trip through the device: stage -> device -> stage. Fails when the
 * device's DMA does not reach the staging buffer, e.g. because QEMU's
 * dma_mask property (28 bits by default) cuts its address.
 */
static const char *sstress_edu_selftest(struct sstress_edu *edu)
{
	unsigned int i;

	mutex_lock(&edu->engine_lock);
	for (i = 0; i < SSTRESS_EDU_CHUNK; i++)
		edu->stage[i] = (u8)(i * 7 + 1);
	if (sstress_edu_dma(edu, edu->stage_dma, SSTRESS_EDU_CHUNK, false))
		goto out;
	memset(edu->stage, 0, SSTRESS_EDU_CHUNK);
	if (sstress_edu_dma(edu, edu->stage_dma, SSTRESS_EDU_CHUNK, true))
		goto out;
	for (i = 0; i < SSTRESS_EDU_CHUNK; i++) {
		if (edu->stage[i] != (u8)(i * 7 + 1)) {
			/* e.g. QEMU's dma_mask property cut the address */
			edu->broken = "self-test: DMA missed the staging buffer";
			break;
		}
	}
out:
	mutex_unlock(&edu->engine_lock);
	return edu->broken;
}

int sstress_edu_bind(struct sstress_dev *sd)
{
	struct sstress_edu *edu, *found = NULL;
	struct device *dev;

	mutex_lock(&sstress_edu_lock);
	list_for_each_entry(edu, &sstress_edus, node) {
		if (!edu->owner) {
			found = edu;
			break;
		}
	}
	if (!found) {
		mutex_unlock(&sstress_edu_lock);
		sstress_reject("new_device: no free edu PCI device %04x:%04x (QEMU -device edu)",
			       SSTRESS_EDU_VENDOR, SSTRESS_EDU_DEVICE);
		return -ENODEV;
	}
	found->owner = sd;
	mutex_unlock(&sstress_edu_lock);

	get_device(&found->pdev->dev);
	sd->edu = found;
	sd->dma_dev = &found->pdev->dev;
	sd->backend = &sstress_backend_edu;
	/*
	 * What the PCI core gives a device before its driver probes, so no
	 * earlier edu device's settings carry over.
	 */
	dev = sd->dma_dev;
	dma_set_min_align_mask(dev, 0);
	dma_set_max_seg_size(dev, 65536);
	dma_set_seg_boundary(dev, 0xffffffff);
	/* Before the first mapping: dma-iommu reads it on every call. */
	if (READ_ONCE(sstress_edu_untrusted) && !found->pdev->untrusted) {
		found->pdev->untrusted = 1;
		found->untrusted = true;
		/*
		 * The kernel under test no longer runs as booted: say so in
		 * the log (once per load) as in the config report.
		 */
		dev_warn_once(&found->pdev->dev,
			      "kernel modified for a test: pci_dev->untrusted set by edu_untrusted=1\n");
	}
	return 0;
}

/* Checks what needs the final DMA configuration; after the profile. */
int sstress_edu_ready(struct sstress_dev *sd)
{
	struct sstress_edu *edu = sd->edu;
	struct device *dev = sd->dma_dev;
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);
	phys_addr_t pool_end = sstress_swiotlb_pool_end(dev);
	const char *broken;

	mutex_lock(&edu->engine_lock);
	broken = edu->broken;
	mutex_unlock(&edu->engine_lock);
	if (broken) {
		sstress_reject("%s: edu %s unusable: %s", sd->name, edu->bdf,
			       broken);
		return -EIO;
	}
	/* Without a DMA domain nothing reads the flag: no untrusted path. */
	if (edu->untrusted && (!dom || !(dom->type & __IOMMU_DOMAIN_DMA_API))) {
		sstress_reject("%s: edu_untrusted needs an IOMMU DMA domain (intel_iommu=on)",
			       sd->name);
		return -EINVAL;
	}
	/*
	 * On dma-direct a bounce slot must be below the mask, or every
	 * bounced map fails with a warning; an IOMMU's IOVAs always are.
	 */
	if ((!dom || dom->type == IOMMU_DOMAIN_IDENTITY) && pool_end &&
	    pool_end > sstress_dev_reach(sd)) {
		sstress_reject("%s: dma_mask %#llx does not reach the bounce pool end %pa",
			       sd->name, sstress_dev_reach(sd), &pool_end);
		return -EINVAL;
	}
	return 0;
}

void sstress_edu_unbind(struct sstress_dev *sd)
{
	struct sstress_edu *edu = sd->edu;

	/* A transfer in flight must not outlive the mapping it targets. */
	mutex_lock(&edu->engine_lock);
	if (!sstress_edu_wait_idle(edu, SSTRESS_EDU_GRACE_MS)) {
		dev_err(&edu->pdev->dev, "DMA engine still busy at unbind\n");
	} else if (edu->timed_out) {
		edu->timed_out = false;
		edu->broken = NULL;
	}
	mutex_unlock(&edu->engine_lock);
	dma_set_min_align_mask(sd->dma_dev, 0);
	if (edu->untrusted) {
		edu->pdev->untrusted = 0;
		edu->untrusted = false;
	}
	sd->dma_dev = &sd->dev;
	sd->backend = &sstress_backend_cpu;
	sd->edu = NULL;
	put_device(&edu->pdev->dev);
	mutex_lock(&sstress_edu_lock);
	edu->owner = NULL;
	mutex_unlock(&sstress_edu_lock);
}

void sstress_edu_config_show(struct seq_file *m, struct sstress_dev *sd)
{
	struct sstress_edu *edu = sd->edu;

	mutex_lock(&edu->engine_lock);
	seq_printf(m, "edu_pci: %s\n", edu->bdf);
	seq_printf(m, "edu_untrusted: %d\n", edu->pdev->untrusted);
	seq_printf(m, "kernel_modified: %s\n", edu->untrusted ?
		   "yes (pci_dev->untrusted set by edu_untrusted=1, test only)" :
		   "no");
	seq_printf(m, "edu_dmas: %llu\n", edu->dmas);
	seq_printf(m, "edu_dma_ns_max: %llu\n", edu->dma_ns_max);
	seq_printf(m, "edu_engine: %s\n", edu->broken ? edu->broken : "ok");
	mutex_unlock(&edu->engine_lock);
}

static int sstress_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct sstress_edu *edu;
	const char *why;
	int ret;

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	mutex_init(&edu->engine_lock);
	init_completion(&edu->dma_done);
	INIT_LIST_HEAD(&edu->node);
	strscpy(edu->bdf, pci_name(pdev), sizeof(edu->bdf));

	ret = pcim_enable_device(pdev);
	if (ret)
		goto err_free;
	if (pci_resource_len(pdev, 0) < SSTRESS_EDU_REGS_LEN) {
		dev_err(&pdev->dev, "BAR 0 too small for the edu registers\n");
		ret = -ENODEV;
		goto err_free;
	}
	ret = pcim_iomap_regions(pdev, BIT(0), KBUILD_MODNAME);
	if (ret)
		goto err_free;
	edu->regs = pcim_iomap_table(pdev)[0];
	if ((readl(edu->regs + SSTRESS_EDU_REG_ID) & 0xff) != 0xed) {
		dev_err(&pdev->dev, "identification register %#x is not edu's\n",
			readl(edu->regs + SSTRESS_EDU_REG_ID));
		ret = -ENODEV;
		goto err_free;
	}
	pci_set_master(pdev);
	/* The staging buffer: where the PCI default masks put it. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto err_free;
	edu->stage = dma_alloc_coherent(&pdev->dev, SSTRESS_EDU_BUF_SIZE,
					&edu->stage_dma, GFP_KERNEL);
	if (!edu->stage) {
		ret = -ENOMEM;
		goto err_free;
	}
	/* Without an interrupt the engine is polled: slower, as correct. */
	if (pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX) == 1) {
		if (!request_irq(pci_irq_vector(pdev, 0), sstress_edu_irq,
				 IRQF_SHARED, KBUILD_MODNAME, edu))
			edu->irq = pci_irq_vector(pdev, 0);
		else
			pci_free_irq_vectors(pdev);
	}
	/* A failed self-test keeps the device, to say why at new_device. */
	why = sstress_edu_selftest(edu);
	dev_info(&pdev->dev, "edu %#x: staging buffer at %pad, iommu domain %s, untrusted %d, %s: %s\n",
		 readl(edu->regs + SSTRESS_EDU_REG_ID), &edu->stage_dma,
		 iommu_get_domain_for_dev(&pdev->dev) ? "yes" : "none",
		 pdev->untrusted,
		 !edu->irq ? "polled" : pdev->msi_enabled ? "MSI" : "INTx",
		 why ? why : "self-test passed");
	pci_set_drvdata(pdev, edu);
	mutex_lock(&sstress_edu_lock);
	list_add_tail(&edu->node, &sstress_edus);
	mutex_unlock(&sstress_edu_lock);
	return 0;

err_free:
	mutex_destroy(&edu->engine_lock);
	kfree(edu);
	return ret;
}

/*
 * Runs at module exit only (bind and unbind through sysfs are off), after
 * every sstress device let go of its edu device.
 */
static void sstress_edu_remove(struct pci_dev *pdev)
{
	struct sstress_edu *edu = pci_get_drvdata(pdev);

	mutex_lock(&sstress_edu_lock);
	WARN_ON(edu->owner);
	list_del(&edu->node);
	mutex_unlock(&sstress_edu_lock);
	mutex_lock(&edu->engine_lock);
	if (!sstress_edu_wait_idle(edu, SSTRESS_EDU_GRACE_MS))
		dev_err(&pdev->dev, "DMA engine still busy at remove\n");
	mutex_unlock(&edu->engine_lock);
	/* An interrupt still due is handled, or masked, before the line goes. */
	if (edu->irq) {
		free_irq(edu->irq, edu);
		pci_free_irq_vectors(pdev);
	}
	dma_free_coherent(&pdev->dev, SSTRESS_EDU_BUF_SIZE, edu->stage,
			  edu->stage_dma);
	pci_clear_master(pdev);
	mutex_destroy(&edu->engine_lock);
	kfree(edu);
}

static const struct pci_device_id sstress_edu_ids[] = {
	{ PCI_DEVICE(SSTRESS_EDU_VENDOR, SSTRESS_EDU_DEVICE) },
	{ }
};

/* No MODULE_DEVICE_TABLE: the module is loaded by hand, never by udev. */

static struct pci_driver sstress_edu_driver = {
	.name = KBUILD_MODNAME "_edu",
	.id_table = sstress_edu_ids,
	.probe = sstress_edu_probe,
	.remove = sstress_edu_remove,
	/* An edu device goes away only with the module. */
	.driver.suppress_bind_attrs = true,
};

int sstress_edu_init(void)
{
	return pci_register_driver(&sstress_edu_driver);
}

void sstress_edu_exit(void)
{
	pci_unregister_driver(&sstress_edu_driver);
}

/*
 * The edu profile: QEMU's device and its default dma_mask property, 28
 * bits; a kernel without ZONE_DMA serves nothing below 32 bits, and there
 * the PCI default of 32 bits stands. Runners give the device a wider
 * dma_mask property and the sstress device mask_bits= to match.
 */
static void sstress_edu_fill(struct sstress_dma_cfg *cfg, u64 required_mask)
{
	cfg->masks_bits = 28;
	cfg->masks_fallback_bits = 32;
	cfg->masks_source = "driver";
}

const struct sstress_profile sstress_profile_edu = {
	.name = "edu",
	.purpose = "QEMU edu PCI device 1234:11e8, real DMA; 28-bit masks (QEMU's default) or 32",
	.fill = sstress_edu_fill,
};
