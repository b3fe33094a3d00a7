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
static void sstress_legacy_fill(struct sstress_dma_cfg *cfg, u64 required_mask)
{
}

const struct sstress_profile sstress_profile_legacy = {
	.name = "legacy",
	.purpose = "virtio-mmio before 2017: no dma_set_mask(), the bus default 32-bit masks",
	.fill = sstress_legacy_fill,
};

/* custom: everything comes from the overrides, 64-bit unless told. */
static void sstress_custom_fill(struct sstress_dma_cfg *cfg, u64 required_mask)
{
	cfg->masks_bits = 64;
	cfg->masks_source = "custom";
}

const struct sstress_profile sstress_profile_custom = {
	.name = "custom",
	.purpose = "anything: mask_bits, coherent_bits, min_align_mask, max_seg_size, seg_boundary",
	.fill = sstress_custom_fill,
};

static const struct sstress_profile *const sstress_profiles[] = {
	&sstress_profile_nvme,
	&sstress_profile_sas,
	&sstress_profile_legacy,
	&sstress_profile_custom,
	&sstress_profile_edu,
	&sstress_profile_rpool,
	&sstress_profile_platform,
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
 * The profile's configuration with the overrides in place of what they
 * name (the parser has range checked them), applied to the device.
 */
int sstress_profile_apply(struct sstress_dev *sd,
			  const struct sstress_dev_opts *opts)
{
	const struct sstress_dma_cfg *over = &opts->over;
	struct sstress_dma_cfg cfg = {};

	sd->profile = opts->profile;
	sd->required_mask = dma_get_required_mask(sd->dma_dev);
	opts->profile->fill(&cfg, sd->required_mask);

	if (over->mask_bits) {
		cfg.mask_bits = over->mask_bits;
		cfg.mask_source = over->mask_source;
	}
	if (over->coherent_bits)
		cfg.coherent_bits = over->coherent_bits;
	if (over->has_min_align_mask) {
		cfg.min_align_mask = over->min_align_mask;
		cfg.has_min_align_mask = true;
	}
	if (over->has_max_seg_size) {
		cfg.max_seg_size = over->max_seg_size;
		cfg.has_max_seg_size = true;
	}
	if (over->has_seg_boundary) {
		cfg.seg_boundary = over->seg_boundary;
		cfg.has_seg_boundary = true;
	}
	return sstress_dev_configure(sd, &cfg, over);
}
