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

static int sstress_nvme_setup(struct sstress_dev *sd)
{
	int ret;

	/* nvme_pci_enable(): dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)) */
	ret = sstress_dev_set_masks_bits(sd, 64, "driver");
	if (ret)
		return ret;
	/* nvme_probe(): NVME_CTRL_PAGE_SIZE - 1, and no segment size limit. */
	dma_set_min_align_mask(&sd->dev, SSTRESS_NVME_CTRL_PAGE_SIZE - 1);
	dma_set_max_seg_size(&sd->dev, 0xffffffff);
	return 0;
}

const struct sstress_profile sstress_profile_nvme = {
	.name = "nvme",
	.purpose = "nvme-pci: 64-bit masks, min_align_mask 0xfff, max segment 4 GiB - 1",
	.setup = sstress_nvme_setup,
};
