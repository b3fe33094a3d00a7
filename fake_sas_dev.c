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

static void sstress_sas_fill(struct sstress_dma_cfg *cfg, u64 required_mask)
{
	bool fits32 = required_mask <= DMA_BIT_MASK(32);

	/* dma_set_mask(), then dma_set_coherent_mask() of the same bits. */
	cfg->masks_bits = fits32 ? 32 : 64;
	cfg->masks_source = fits32 ? "driver (required mask fits 32 bits)" :
				     "driver (required mask exceeds 32 bits)";
	/*
	 * The SCSI midlayer's defaults for the host: BLK_MAX_SEGMENT_SIZE and
	 * a 4 GiB segment boundary.
	 */
	cfg->max_seg_size = 65536;
	cfg->has_max_seg_size = true;
	cfg->seg_boundary = 0xffffffff;
	cfg->has_seg_boundary = true;
}

const struct sstress_profile sstress_profile_sas = {
	.name = "sas",
	.purpose = "mpt3sas (5.10.149): 32-bit mask when the required mask fits 32 bits, else 64",
	.fill = sstress_sas_fill,
};
