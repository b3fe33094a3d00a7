// SPDX-License-Identifier: GPL-2.0
/*
 * The sas profile: the mask choice of mpt3sas's
 * _base_config_dma_addressing() as 5.10.149 shipped it, after "scsi:
 * mpt3sas: Fix return value check of dma_get_required_mask()": a 32-bit
 * mask whenever dma_get_required_mask() says 32 bits suffice. On Xen dom0
 * that answer is 32 bits while dom0's memory lies above 4 GiB, so all I/O
 * bounced and large I/O hung (Debian bug 1022126).
 */
#include "sstress.h"

static int sstress_sas_setup(struct sstress_dev *sd)
{
	unsigned int bits;
	int ret;

	bits = sd->required_mask <= DMA_BIT_MASK(32) ? 32 : 64;
	/* dma_set_mask(), then dma_set_coherent_mask() of the same bits. */
	ret = sstress_dev_set_masks_bits(sd, bits, bits == 32 ?
					 "driver (required mask fits 32 bits)" :
					 "driver (required mask exceeds 32 bits)");
	if (ret)
		return ret;
	/*
	 * The SCSI midlayer's defaults for the host: BLK_MAX_SEGMENT_SIZE and
	 * a 4 GiB segment boundary.
	 */
	dma_set_max_seg_size(&sd->dev, 65536);
	dma_set_seg_boundary(&sd->dev, 0xffffffff);
	return 0;
}

const struct sstress_profile sstress_profile_sas = {
	.name = "sas",
	.purpose = "mpt3sas (5.10.149): 32-bit mask when the required mask fits 32 bits, else 64",
	.setup = sstress_sas_setup,
};
