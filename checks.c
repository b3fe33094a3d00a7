// SPDX-License-Identifier: GPL-2.0
/*
 * The checks: what a mapping must look like to the device and to the CPU,
 * and the verdicts drawn from the counts.
 *
 * The device side: on the dma-direct/SWIOTLB path a device reaches the
 * memory at dma_to_phys(dev, dma). The harness reads and writes there as
 * the device would, so it sees the bounce slot when a mapping bounced and
 * the CPU buffer when it did not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/mm.h>

#include "compat.h"
#include "sstress.h"

/*
 * Byte j of a pattern tagged @tag. Position dependent, so data that moved
 * (a lost offset, a copy from the wrong slot) does not match, and distinct
 * per tag, so stale data from an earlier mapping does not either.
 */
static inline u8 sstress_pattern_byte(u32 tag, size_t j)
{
	return (u8)(tag + j * 31 + (j >> 8) + (tag >> 8) * (j & 7));
}

static void sstress_pattern_fill_from(u8 *p, size_t len, u32 tag, size_t base)
{
	size_t j;

	for (j = 0; j < len; j++)
		p[j] = sstress_pattern_byte(tag, base + j);
}

void sstress_pattern_fill(void *buf, size_t len, u32 tag)
{
	sstress_pattern_fill_from(buf, len, tag, 0);
}

/* Index of the first byte of @p that is not pattern @tag from @base, or -1. */
static long sstress_pattern_find_bad(const u8 *p, size_t len, u32 tag,
				     size_t base)
{
	size_t j;

	for (j = 0; j < len; j++)
		if (p[j] != sstress_pattern_byte(tag, base + j))
			return j;
	return -1;
}

static const char *sstress_dir_name(enum dma_data_direction dir)
{
	switch (dir) {
	case DMA_TO_DEVICE:
		return "to";
	case DMA_FROM_DEVICE:
		return "from";
	case DMA_BIDIRECTIONAL:
		return "bidi";
	default:
		return "none";
	}
}

static void sstress_record_failure(struct sstress_dev *sd,
				   struct sstress_stats *st,
				   const struct sstress_map_ctx *mc,
				   const char *check, size_t at,
				   const u8 *seen, u32 tag, size_t avail)
{
	struct sstress_failure *f;
	unsigned int i, n;

	if (st->nfailures >= ARRAY_SIZE(st->first))
		return;
	f = &st->first[st->nfailures++];
	f->check = check;
	f->op = mc->op;
	f->dir = mc->dir;
	f->size = mc->size;
	f->offset = mc->offset;
	f->dma = mc->dma;
	f->phys = mc->phys;
	f->at = at;
	n = min_t(size_t, SSTRESS_FAILURE_BYTES, avail);
	for (i = 0; i < n; i++) {
		f->seen[i] = seen ? seen[i] : 0;
		f->expected[i] = sstress_pattern_byte(tag, at + i);
	}
	f->nbytes = seen ? n : 0;
	dev_err(&sd->dev, "check %s failed: op %s dir %s size %zu offset %u dma %pad phys %pa at byte %zu: expected %*phN seen %*phN\n",
		check, mc->op, sstress_dir_name(mc->dir), mc->size, mc->offset, &mc->dma,
		&mc->phys, at, f->nbytes, f->expected, f->nbytes, f->seen);
}

/*
 * Walks the device's view of [dma, dma + len) a page at a time. With @fill
 * it writes pattern @tag (a device write); otherwise it compares against
 * it, returning the index of the first bad byte (and up to
 * SSTRESS_FAILURE_BYTES of what it saw), or -1.
 */
static long sstress_dev_walk(struct sstress_dev *sd, dma_addr_t dma,
			     size_t len, u32 tag, bool fill, u8 *seen)
{
	phys_addr_t phys = dma_to_phys(&sd->dev, dma);
	size_t done = 0;

	while (done < len) {
		unsigned long pfn = PHYS_PFN(phys + done);
		size_t in_page = offset_in_page(phys + done);
		size_t chunk = min_t(size_t, len - done, PAGE_SIZE - in_page);
		long bad = -1;
		u8 *va;

		/* A device address outside RAM is itself a failure. */
		if (!pfn_valid(pfn))
			return done;
		va = sstress_kmap(pfn_to_page(pfn));
		if (fill) {
			sstress_pattern_fill_from(va + in_page, chunk, tag, done);
		} else {
			bad = sstress_pattern_find_bad(va + in_page, chunk, tag,
						       done);
			if (bad >= 0 && seen)
				memcpy(seen, va + in_page + bad,
				       min_t(size_t, SSTRESS_FAILURE_BYTES,
					     chunk - bad));
		}
		sstress_kunmap(va);
		if (bad >= 0)
			return done + bad;
		done += chunk;
	}
	return -1;
}

int sstress_dev_fill(struct sstress_dev *sd, dma_addr_t dma, size_t len,
		     u32 tag)
{
	return sstress_dev_walk(sd, dma, len, tag, true, NULL) < 0 ? 0 : -EFAULT;
}

/*
 * Per mapping, right after a successful map: was it bounced, by what, and
 * did the bounce keep the bits of the address min_align_mask covers.
 */
void sstress_check_mapping(struct sstress_dev *sd, struct sstress_stats *st,
			   struct sstress_map_ctx *mc)
{
	unsigned int align = dma_get_min_align_mask(&sd->dev);

	mc->dev_phys = dma_to_phys(&sd->dev, mc->dma);
	mc->bounced = mc->dev_phys != mc->phys;
	if (!mc->bounced) {
		st->direct++;
		return;
	}
	st->bounced++;
	if (sstress_dev_is_bounce_forced(sd))
		st->bounced_force++;
	else if (mc->phys + mc->size - 1 > sstress_dev_reach(sd))
		st->bounced_mask++;
	else
		st->bounced_other++;

	/* Nothing to keep: the check has no subject for this device. */
	if (!align)
		return;
	st->offset_checked++;
	if ((mc->dma ^ mc->phys) & align) {
		st->offset_failures++;
		sstress_record_failure(sd, st, mc, "offset", 0, NULL, 0, 0);
	}
}

/* The CPU buffer holds pattern @tag (after unmap, or untouched). */
void sstress_check_cpu_data(struct sstress_dev *sd, struct sstress_stats *st,
			    const struct sstress_map_ctx *mc, u32 tag,
			    const char *check)
{
	long bad;

	st->data_checked++;
	bad = sstress_pattern_find_bad(mc->cpu, mc->size, tag, 0);
	if (bad < 0)
		return;
	st->data_failures++;
	sstress_record_failure(sd, st, mc, check, bad, (u8 *)mc->cpu + bad, tag,
			       mc->size - bad);
}

/* The device reads pattern @tag through the mapping. */
void sstress_check_dev_data(struct sstress_dev *sd, struct sstress_stats *st,
			    const struct sstress_map_ctx *mc, u32 tag)
{
	u8 seen[SSTRESS_FAILURE_BYTES] = { };
	long bad;

	st->data_checked++;
	bad = sstress_dev_walk(sd, mc->dma, mc->size, tag, false, seen);
	if (bad < 0)
		return;
	st->data_failures++;
	sstress_record_failure(sd, st, mc, "data-to-device", bad, seen, tag,
			       mc->size - bad);
}

/* Bytes around the mapping in the CPU buffer were not written. */
void sstress_check_guards(struct sstress_dev *sd, struct sstress_stats *st,
			  const struct sstress_map_ctx *mc, const u8 *guard_lo,
			  const u8 *guard_hi, size_t guard)
{
	const u8 *cpu = mc->cpu;

	if (!guard)
		return;
	if (memcmp(cpu - guard, guard_lo, guard) ||
	    memcmp(cpu + mc->size, guard_hi, guard)) {
		st->guard_failures++;
		sstress_record_failure(sd, st, mc, "guard", mc->size, NULL, 0, 0);
	}
}

static void sstress_verdict(struct seq_file *m, const char *check,
			    const char *verdict, const char *reason)
{
	seq_printf(m, "check_%s: %s\n", check, verdict);
	seq_printf(m, "check_%s_reason: %s\n", check, reason);
}

/*
 * A check passes only when it had a subject: offsets are never reported
 * kept when nothing bounced.
 */
void sstress_checks_report(struct seq_file *m, struct sstress_dev *sd,
			   const struct sstress_stats *tot)
{
	bool failed = false, passed = false;
	unsigned int i;

	if (tot->offset_failures) {
		sstress_verdict(m, "offset", SSTRESS_FAIL,
				"a bounced mapping lost address bits under min_align_mask");
		failed = true;
	} else if (!dma_get_min_align_mask(&sd->dev)) {
		sstress_verdict(m, "offset", SSTRESS_SKIP,
				"device has no min_align_mask: no offset to keep");
	} else if (!tot->bounced) {
		sstress_verdict(m, "offset", SSTRESS_SKIP,
				"nothing bounced: boot with swiotlb=force, or place=high with memory beyond the mask");
	} else {
		sstress_verdict(m, "offset", SSTRESS_PASS,
				"every bounced mapping kept its min_align_mask bits");
		passed = true;
	}

	if (tot->data_failures || tot->guard_failures) {
		sstress_verdict(m, "data", SSTRESS_FAIL,
				"bytes seen by the device or the CPU differ from what the other side wrote");
		failed = true;
	} else if (!tot->data_checked) {
		sstress_verdict(m, "data", SSTRESS_SKIP, "no mapping succeeded");
	} else if (!tot->bounced) {
		sstress_verdict(m, "data", SSTRESS_PASS,
				"data intact both ways; nothing bounced, so SWIOTLB was not exercised");
		passed = true;
	} else {
		sstress_verdict(m, "data", SSTRESS_PASS,
				"data intact both ways through bounced and direct mappings");
		passed = true;
	}

	for (i = 0; i < tot->nfailures; i++) {
		const struct sstress_failure *f = &tot->first[i];

		seq_printf(m, "failure_%u: check=%s op=%s dir=%s size=%zu offset=%u dma=%pad phys=%pa at=%zu expected=%*phN seen=%*phN\n",
			   i, f->check, f->op, sstress_dir_name(f->dir), f->size, f->offset,
			   &f->dma, &f->phys, f->at, f->nbytes, f->expected,
			   f->nbytes, f->seen);
	}
	seq_printf(m, "verdict: %s\n", failed ? SSTRESS_FAIL :
		   passed ? SSTRESS_PASS : SSTRESS_SKIP);
}
