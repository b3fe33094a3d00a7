// SPDX-License-Identifier: GPL-2.0
/*
 * The nvme profile: the DMA configuration nvme-pci applies in its probe
 * (drivers/nvme/host/pci.c). NVMe PRP entries carry the offset into a
 * 4 KiB controller page, so the driver sets min_align_mask to keep that
 * offset through SWIOTLB; losing it broke mkfs.xfs under swiotlb=force
 * before "swiotlb: respect min_align_mask" (v5.12).
 */
#include "sstress.h"

#define SSTRESS_NVME_CTRL_PAGE_SIZE	4096

static void sstress_nvme_fill(struct sstress_dma_cfg *cfg, u64 required_mask)
{
	/* nvme_pci_enable(): dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)) */
	cfg->masks_bits = 64;
	cfg->masks_source = "driver";
	/* nvme_probe(): NVME_CTRL_PAGE_SIZE - 1, and no segment size limit. */
	cfg->min_align_mask = SSTRESS_NVME_CTRL_PAGE_SIZE - 1;
	cfg->has_min_align_mask = true;
	cfg->max_seg_size = 0xffffffff;
	cfg->has_max_seg_size = true;
}

const struct sstress_profile sstress_profile_nvme = {
	.name = "nvme",
	.purpose = "nvme-pci: 64-bit masks, min_align_mask 0xfff, max segment 4 GiB - 1",
	.fill = sstress_nvme_fill,
};
