// SPDX-License-Identifier: GPL-2.0
/*
 * The table of device profiles, the two profiles too small for a file of
 * their own (legacy, custom), and the overrides any profile accepts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>

#include "compat.h"
#include "sstress.h"

/*
 * legacy: the driver never calls dma_set_mask(), as virtio-mmio did until
 * 2017; the device keeps the bus default of 32 bits, and large read-ahead
 * requests ran the bounce pool dry.
 */
static int sstress_legacy_setup(struct sstress_dev *sd)
{
	return 0;
}

const struct sstress_profile sstress_profile_legacy = {
	.name = "legacy",
	.purpose = "virtio-mmio before 2017: no dma_set_mask(), the bus default 32-bit masks",
	.setup = sstress_legacy_setup,
};

/* custom: everything comes from the overrides, 64-bit unless told. */
static int sstress_custom_setup(struct sstress_dev *sd)
{
	return sstress_dev_set_masks_bits(sd, 64, "custom");
}

const struct sstress_profile sstress_profile_custom = {
	.name = "custom",
	.purpose = "anything: mask_bits, coherent_bits, min_align_mask, max_seg_size, seg_boundary",
	.setup = sstress_custom_setup,
};

static const struct sstress_profile *const sstress_profiles[] = {
	&sstress_profile_nvme,
	&sstress_profile_sas,
	&sstress_profile_legacy,
	&sstress_profile_custom,
	&sstress_profile_edu,
};

const struct sstress_profile *sstress_profile_find(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(sstress_profiles); i++)
		if (!strcmp(sstress_profiles[i]->name, name))
			return sstress_profiles[i];
	return NULL;
}

void sstress_profiles_show(struct seq_file *m)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(sstress_profiles); i++)
		seq_printf(m, "%s: %s\n", sstress_profiles[i]->name,
			   sstress_profiles[i]->purpose);
}

/*
 * Runs the profile, then the overrides; the values are already range
 * checked by the parser. The setters differ in return type between kernel
 * versions, so each is read back instead.
 */
int sstress_profile_apply(struct sstress_dev *sd,
			  const struct sstress_dev_opts *opts)
{
	struct device *dev = sd->dma_dev;
	int ret;

	sd->profile = opts->profile;
	sd->required_mask = dma_get_required_mask(dev);
	ret = opts->profile->setup(sd);
	if (ret)
		return ret;

	if (opts->has_mask_bits) {
		ret = sstress_dev_set_mask_bits(sd, opts->mask_bits, "override");
		if (ret)
			return ret;
	}
	if (opts->has_coherent_bits) {
		ret = dma_set_coherent_mask(dev, DMA_BIT_MASK(opts->coherent_bits));
		if (ret) {
			sstress_reject("%s: dma_set_coherent_mask(%u bits) failed (%d)",
				       sd->name, opts->coherent_bits, ret);
			return ret;
		}
	}
	if (opts->has_min_align_mask)
		dma_set_min_align_mask(dev, opts->min_align_mask);
	if (opts->has_max_seg_size)
		dma_set_max_seg_size(dev, opts->max_seg_size);
	if (opts->has_seg_boundary)
		dma_set_seg_boundary(dev, opts->seg_boundary);

	if ((opts->has_min_align_mask &&
	     dma_get_min_align_mask(dev) != opts->min_align_mask) ||
	    (opts->has_max_seg_size &&
	     dma_get_max_seg_size(dev) != opts->max_seg_size) ||
	    (opts->has_seg_boundary &&
	     dma_get_seg_boundary(dev) != opts->seg_boundary)) {
		sstress_reject("%s: the kernel did not keep a DMA parameter override",
			       sd->name);
		return -EIO;
	}
	return 0;
}
