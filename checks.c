// SPDX-License-Identifier: GPL-2.0
/*
 * The checks: what each side of a mapping must see, and the verdicts drawn
 * from the counts.
 *
 * The device side is a backend's (struct sstress_backend). The CPU
 * backend (dev.c): on the dma-direct/SWIOTLB path a device reaches the memory at
 * dma_to_phys(dev, dma). The harness reads and writes there as the device
 * would, so it sees the bounce slot when a mapping bounced and the CPU
 * buffer when it did not. The edu backend (edu.c) has a real device's DMA
 * engine do the same through the DMA address.
 *
 * Each region keeps two shadows: what the CPU buffer and what the device
 * view should hold, byte by byte. Writes update a shadow; the DMA API's
 * promises move bytes between the shadows (map and sync_for_device copy
 * CPU to device, sync_for_cpu and unmap copy device to CPU); the checks
 * compare memory with the shadows. For a mapping that did not bounce the
 * two views are one memory, and the shadows move together.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sort.h>

#include "compat.h"
#include "sstress.h"

/*
 * Byte j of a pattern tagged @tag. Position dependent, so data that moved
 * (a lost offset, a copy from the wrong place) does not match, and distinct
 * per tag, so stale data from an earlier mapping does not either.
 */
static inline u8 sstress_pattern_byte(u32 tag, size_t j)
{
	return (u8)(tag + j * 31 + (j >> 8) + (tag >> 8) * (j & 7));
}

/* Bytewise a + b in each of the eight bytes, no carry between them. */
static inline u64 sstress_add_bytes(u64 a, u64 b)
{
	const u64 high = 0x8080808080808080ULL;

	return ((a & ~high) + (b & ~high)) ^ ((a ^ b) & high);
}

/*
 * Eight bytes at a time where base + j is a multiple of 8: there byte k of
 * the pattern is A(m) + B(k) with m = (base + j) / 8, A the part that
 * depends on m only and B the part that depends on k only. Keeps the cost
 * of verify=1 within a small factor of the mapping itself.
 */
void sstress_pattern_fill(void *buf, size_t len, u32 tag, size_t base)
{
	u8 *p = buf;
	u64 lanes = 0;
	unsigned int k;
	size_t j = 0;

	for (; j < len && ((base + j) & 7); j++)
		p[j] = sstress_pattern_byte(tag, base + j);
	if (len - j >= 8) {
		for (k = 0; k < 8; k++)
			lanes |= (u64)(u8)(31 * k + (tag >> 8) * k) << (8 * k);
		for (; len - j >= 8; j += 8) {
			size_t m = (base + j) >> 3;
			u64 a = 0x0101010101010101ULL * (u8)(tag + 248 * m + (m >> 5));
			__le64 v = cpu_to_le64(sstress_add_bytes(a, lanes));

			memcpy(p + j, &v, sizeof(v));
		}
	}
	for (; j < len; j++)
		p[j] = sstress_pattern_byte(tag, base + j);
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

void sstress_record_failure(const struct sstress_ctx *c,
			    enum sstress_check check, const struct sstress_seg *s,
			    u32 at, const u8 *expected, const u8 *seen)
{
	struct sstress_stats *st = c->st;
	struct sstress_failure *f;
	unsigned int n = 0;

	st->failed[check]++;
	if (st->nfailures >= ARRAY_SIZE(st->first))
		return;
	f = &st->first[st->nfailures++];
	f->check = sstress_check_names[check];
	f->op = c->op;
	f->dir = c->dir;
	f->size = s ? s->len : 0;
	f->offset = s ? s->offset : 0;
	f->dma = s ? s->dma : 0;
	f->phys = s ? s->phys : 0;
	f->at = at;
	if (s && expected && seen) {
		n = min_t(u32, SSTRESS_FAILURE_BYTES, s->len - at);
		memcpy(f->expected, expected, n);
		memcpy(f->seen, seen, n);
	}
	f->nbytes = n;
	dev_err(&c->sd->dev, "check %s failed: op %s dir %s size %u offset %u dma %pad phys %pa at byte %u: expected %*phN seen %*phN\n",
		f->check, sstress_op_names[c->op], sstress_dir_name(c->dir),
		f->size, f->offset, &f->dma, &f->phys, at, n, f->expected, n,
		f->seen);
}

static long sstress_dev_walk(struct sstress_dev *sd, const struct sstress_seg *s,
			     u32 off, u32 len, const u8 *src,
			     const u8 *expect, u8 *seen)
{
	return sd->backend->walk(sd, s, off, len, src, expect, seen);
}

/* The CPU writes pattern @tag into bytes [off, off + len) of the mapping. */
void sstress_cpu_write(const struct sstress_ctx *c, struct sstress_seg *s,
		       u32 off, u32 len, u32 tag)
{
	sstress_pattern_fill(s->cpu + off, len, tag, off);
	memcpy(s->rg->shadow_cpu + off, s->cpu + off, len);
	if (!s->bounced)
		memcpy(s->rg->shadow_dev + off, s->cpu + off, len);
}

/* The device writes pattern @tag into bytes [off, off + len). */
void sstress_dev_write(const struct sstress_ctx *c, struct sstress_seg *s,
		       u32 off, u32 len, u32 tag)
{
	u8 *shadow = s->rg->shadow_dev;

	sstress_pattern_fill(shadow + off, len, tag, off);
	if (sstress_dev_walk(c->sd, s, off, len, shadow + off, NULL, NULL) >= 0)
		sstress_record_failure(c, SSTRESS_CHECK_DATA, s, off, NULL, NULL);
	if (!s->bounced)
		memcpy(s->rg->shadow_cpu + off, shadow + off, len);
	s->wr_off = off;
	s->wr_len = len;
}

/* What the API promises a sync_for_device (or map) moves. */
void sstress_synced_to_dev(struct sstress_seg *s, u32 off, u32 len)
{
	memcpy(s->rg->shadow_dev + off, s->rg->shadow_cpu + off, len);
}

/* What the API promises a sync_for_cpu (or unmap) moves. */
void sstress_synced_to_cpu(struct sstress_seg *s, u32 off, u32 len)
{
	memcpy(s->rg->shadow_cpu + off, s->rg->shadow_dev + off, len);
}

/* dma-iommu, not dma-direct, maps for the device. */
static bool sstress_behind_dma_iommu(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	return dom && (dom->type & __IOMMU_DOMAIN_DMA_API);
}

/*
 * Whether the device's pool is where its bounces must be: the range is
 * known (not on 5.10) and no transient pool of CONFIG_SWIOTLB_DYNAMIC may
 * serve a bounce from elsewhere.
 */
bool sstress_check_pool_known(struct sstress_dev *sd)
{
	return sstress_swiotlb_pool_end(sd->dma_dev) &&
	       !sstress_swiotlb_can_grow(sd->dma_dev);
}

/*
 * A bounce, or an allocation of a pool that serves them, lies wholly in
 * the device's own pool: a restricted-pool device's memory never spills
 * into the default pool, nor another device's into its pool.
 */
void sstress_check_in_pool(const struct sstress_ctx *c,
			   const struct sstress_seg *s)
{
	struct device *dev = c->sd->dma_dev;
	phys_addr_t start = sstress_swiotlb_pool_start(dev);
	phys_addr_t end = sstress_swiotlb_pool_end(dev);

	if (!sstress_check_pool_known(c->sd))
		return;
	c->st->checked[SSTRESS_CHECK_IN_POOL]++;
	if (s->dev_phys < start || s->dev_phys > end ||
	    s->len - 1 > end - s->dev_phys)
		sstress_record_failure(c, SSTRESS_CHECK_IN_POOL, s, 0, NULL, NULL);
}

/*
 * Right after a successful map: was it bounced, by what, did the bounce
 * keep the address bits min_align_mask covers, and did a bounce of a page
 * or more start on a page.
 */
void sstress_check_mapped(const struct sstress_ctx *c, struct sstress_seg *s)
{
	struct sstress_dev *sd = c->sd;
	struct sstress_stats *st = c->st;
	unsigned int align = dma_get_min_align_mask(sd->dma_dev);

	st->segments++;
	s->dev_phys = sstress_dev_phys(sd, s->dma);
	s->bounced = s->dev_phys != s->phys;
	s->wr_off = 0;
	s->wr_len = 0;
	if (!s->bounced) {
		st->direct++;
		return;
	}
	st->bounced++;
	if (sstress_dev_is_bounce_forced(sd))
		st->bounced_force++;
	else if (sstress_bus_beyond(sd->dma_dev, s->phys, s->len,
				    sstress_dev_reach(sd)))
		st->bounced_mask++;
	else
		st->bounced_other++;
	/* dma-iommu bounces through the default pool whatever the device's. */
	if (!sstress_behind_dma_iommu(sd->dma_dev))
		sstress_check_in_pool(c, s);

	/*
	 * SWIOTLB's promise, not the DMA API's: with no min_align_mask to
	 * keep, a streaming bounce of PAGE_SIZE or more starts on a page of
	 * the pool, as drivers came to rely on. v6.3 lost it ("swiotlb: fix
	 * slot alignment checks") and v6.9 put it back ("swiotlb: Reinstate
	 * page-alignment for mappings >= PAGE_SIZE"). dma-iommu bounces on
	 * its own granule instead.
	 */
	if (!align && s->len >= PAGE_SIZE && !sstress_behind_dma_iommu(sd->dma_dev)) {
		st->checked[SSTRESS_CHECK_ALIGN]++;
		if (offset_in_page(s->dev_phys))
			sstress_record_failure(c, SSTRESS_CHECK_ALIGN, s, 0, NULL,
					       NULL);
	}

	/* Nothing to keep: the check has no subject for this device. */
	if (!align)
		return;
	st->checked[SSTRESS_CHECK_OFFSET]++;
	if ((s->dma ^ s->phys) & align)
		sstress_record_failure(c, SSTRESS_CHECK_OFFSET, s, 0, NULL, NULL);
}

/* The device view equals its shadow; a mismatch counts against @check. */
bool sstress_check_dev_view(const struct sstress_ctx *c,
			    const struct sstress_seg *s,
			    enum sstress_check check)
{
	u8 seen[SSTRESS_FAILURE_BYTES] = { };
	long bad;

	c->st->checked[check]++;
	/*
	 * A device may only write a DMA_FROM_DEVICE mapping, and dma-iommu
	 * maps it write-only: an IOMMU that enforces that (7.2's intel-iommu
	 * under QEMU's model does) faults the device's read. Look at what
	 * the device would see through the IOMMU's translation instead.
	 */
	if (c->dir == DMA_FROM_DEVICE && sstress_behind_dma_iommu(c->sd->dma_dev))
		bad = sstress_backend_cpu.walk(c->sd, s, 0, s->len, NULL,
					       s->rg->shadow_dev, seen);
	else
		bad = sstress_dev_walk(c->sd, s, 0, s->len, NULL,
				       s->rg->shadow_dev, seen);
	if (bad < 0)
		return true;
	sstress_record_failure(c, check, s, bad, s->rg->shadow_dev + bad, seen);
	return false;
}

/*
 * The CPU buffer's bytes [off, off + len) equal their shadow. After an
 * unmap, a bad byte the device did not write is stale bounce data
 * (CVE-2022-0854) when the mapping carried data from the device; any other
 * bad byte is a data failure.
 */
bool sstress_check_cpu_view(const struct sstress_ctx *c,
			    const struct sstress_seg *s, u32 off, u32 len,
			    bool unmapped)
{
	const u8 *want = s->rg->shadow_cpu;
	enum sstress_check check = SSTRESS_CHECK_DATA;
	bool stale = unmapped && c->dir != DMA_TO_DEVICE && s->wr_len < s->len;
	u32 j;

	c->st->checked[SSTRESS_CHECK_DATA]++;
	if (stale)
		c->st->checked[SSTRESS_CHECK_STALE]++;
	if (!memcmp(s->cpu + off, want + off, len))
		return true;
	for (j = off; s->cpu[j] == want[j]; j++)
		;
	if (stale && (j < s->wr_off || j >= s->wr_off + s->wr_len))
		check = SSTRESS_CHECK_STALE;
	sstress_record_failure(c, check, s, j, want + j, s->cpu + j);
	return false;
}

/* The 64 bytes either side of a mapping in the CPU buffer are untouched. */
void sstress_check_guards(const struct sstress_ctx *c,
			  const struct sstress_seg *s)
{
	const struct sstress_region *rg = s->rg;

	if (memcmp(s->cpu - sizeof(rg->guard_lo), rg->guard_lo,
		   sizeof(rg->guard_lo)) ||
	    memcmp(s->cpu + s->len, rg->guard_hi, sizeof(rg->guard_hi)))
		sstress_record_failure(c, SSTRESS_CHECK_DATA, s, s->len, NULL,
				       NULL);
}

static int sstress_seg_cmp(const void *a, const void *b)
{
	const struct sstress_seg *x = *(const struct sstress_seg **)a;
	const struct sstress_seg *y = *(const struct sstress_seg **)b;

	return x->dma < y->dma ? -1 : x->dma > y->dma;
}

/*
 * No two live bounced mappings share device addresses (CVE-2024-35814:
 * slots handed out twice). @segs holds the live bounced segments.
 */
void sstress_check_overlap(const struct sstress_ctx *c,
			   struct sstress_seg **segs, unsigned int n)
{
	unsigned int i;

	if (n < 2)
		return;
	c->st->checked[SSTRESS_CHECK_OVERLAP]++;
	sort(segs, n, sizeof(*segs), sstress_seg_cmp, NULL);
	for (i = 1; i < n; i++) {
		if (segs[i - 1]->dma + segs[i - 1]->len > segs[i]->dma) {
			sstress_record_failure(c, SSTRESS_CHECK_OVERLAP, segs[i],
					       0, NULL, NULL);
			return;
		}
	}
}

/*
 * Classifies a failed map. Every class but "unexpected" and "idle_pool" is
 * a refusal the kernel may make; an unexpected one fails the errors check,
 * an idle_pool one (a bounce refused while nothing held the pool) the
 * search check.
 */
void sstress_count_map_error(const struct sstress_ctx *c, size_t size,
			     phys_addr_t phys, bool pool_busy)
{
	struct sstress_dev *sd = c->sd;
	struct device *dev = sd->dma_dev;
	unsigned int align = dma_get_min_align_mask(dev);
	bool bounce = sstress_dev_is_bounce_forced(sd) ||
		      sstress_bus_beyond(dev, phys, size, sstress_dev_reach(sd));
	enum sstress_err err;

	c->st->map_errors++;
	if (!c->st->first_fail_ns) {
		c->st->first_fail_ns = ktime_get_ns();
		c->st->pool_used_at_fail = sstress_swiotlb_used(dev);
	}
	/*
	 * dma_max_mapping_size() holds back what min_align_mask may cost;
	 * a request past it but within that allowance fits only at some
	 * offsets.
	 */
	if (size > dma_max_mapping_size(dev))
		err = align && size <= dma_max_mapping_size(dev) + align ?
		      SSTRESS_ERR_ALIGN : SSTRESS_ERR_TOO_LARGE;
	else if (bounce && !sstress_dev_has_pool(sd))
		err = SSTRESS_ERR_NO_POOL;
	else if (bounce && !sstress_dev_pool_fits(sd, size))
		err = SSTRESS_ERR_POOL_TOO_SMALL;
	else if (bounce && (pool_busy || sstress_swiotlb_used(dev) > 0))
		err = SSTRESS_ERR_POOL_FULL;
	else if (bounce)
		err = SSTRESS_ERR_IDLE_POOL;
	else
		err = SSTRESS_ERR_UNEXPECTED;
	c->st->errs[err]++;
	if (err == SSTRESS_ERR_UNEXPECTED)
		sstress_record_failure(c, SSTRESS_CHECK_ERRORS, NULL, 0, NULL, NULL);
	/*
	 * Nothing held the pool, and the size is one the kernel says it maps:
	 * the slot search failed with room to spare.
	 */
	if (err == SSTRESS_ERR_IDLE_POOL) {
		struct sstress_seg what = {
			.len = size, .phys = phys, .offset = offset_in_page(phys),
		};

		c->st->checked[SSTRESS_CHECK_SEARCH]++;
		sstress_record_failure(c, SSTRESS_CHECK_SEARCH, &what, 0, NULL,
				       NULL);
	}
}

/*
 * A failed dma_alloc_coherent(). Its contract allows failure when no free
 * memory the coherent mask reaches comes in one piece: expected for an
 * order the page allocator may refuse under load (above
 * PAGE_ALLOC_COSTLY_ORDER, where CMA or fragmentation decide), or for a
 * mask that confines the buffer to a zone below the top of memory
 * (ZONE_DMA, ZONE_DMA32) which other allocations can fill. A small buffer
 * any memory can hold does not fail without an OOM: that is unexpected.
 */
void sstress_count_alloc_error(const struct sstress_ctx *c, size_t size)
{
	struct sstress_dev *sd = c->sd;
	struct device *dev = sd->dma_dev;
	enum sstress_err err = SSTRESS_ERR_UNEXPECTED;

	c->st->map_errors++;
	if (!c->st->first_fail_ns) {
		c->st->first_fail_ns = ktime_get_ns();
		c->st->pool_used_at_fail = sstress_swiotlb_used(dev);
	}
	if (get_order(size) > PAGE_ALLOC_COSTLY_ORDER ||
	    dev->coherent_dma_mask < sd->required_mask)
		err = SSTRESS_ERR_NO_MEMORY;
	c->st->errs[err]++;
	if (err == SSTRESS_ERR_UNEXPECTED)
		sstress_record_failure(c, SSTRESS_CHECK_ERRORS, NULL, 0, NULL, NULL);
}

static void sstress_verdict(struct seq_file *m, enum sstress_check check,
			    const char *verdict, const char *reason)
{
	seq_printf(m, "check_%s: %s\n", sstress_check_names[check], verdict);
	seq_printf(m, "check_%s_reason: %s\n", sstress_check_names[check], reason);
}

/*
 * Why each check failed or passed. align: SWIOTLB kept this before v6.3 and
 * again since v6.9 ("swiotlb: Reinstate page-alignment for mappings >=
 * PAGE_SIZE", 14cebf689a78); v6.3's "swiotlb: fix slot alignment checks"
 * (0eee5ae10256) had lost it.
 */
static const char *const sstress_why_fail[SSTRESS_NR_CHECKS] = {
	[SSTRESS_CHECK_OFFSET] = "a bounced mapping lost address bits under min_align_mask",
	[SSTRESS_CHECK_DATA] =
		"bytes seen by the device or the CPU differ from what the other side wrote",
	[SSTRESS_CHECK_STALE] =
		"bytes the device did not write came back different from the CPU's (stale bounce data)",
	[SSTRESS_CHECK_SYNC_FOR_DEVICE] =
		"sync_for_device on a DMA_FROM_DEVICE mapping overwrote what the device wrote",
	[SSTRESS_CHECK_OVERLAP] = "two live bounced mappings share device addresses",
	[SSTRESS_CHECK_MAX_MAPPING] =
		"a mapping of dma_max_mapping_size() failed on an idle pool",
	[SSTRESS_CHECK_ERRORS] = "a mapping failed that nothing explains",
	[SSTRESS_CHECK_HANG] = "a DMA call did not return within the bound",
	[SSTRESS_CHECK_ALIGN] =
		"a bounce >= PAGE_SIZE is not page-aligned: SWIOTLB's promise, not the DMA API's",
	[SSTRESS_CHECK_SEARCH] =
		"an idle pool refused a bounce of a size dma_max_mapping_size() allows",
	[SSTRESS_CHECK_IN_POOL] =
		"a bounce or a pool allocation lies outside the device's own pool (dev->dma_io_tlb_mem)",
};

static const char *const sstress_why_pass[SSTRESS_NR_CHECKS] = {
	[SSTRESS_CHECK_OFFSET] = "every bounced mapping kept its min_align_mask bits",
	[SSTRESS_CHECK_DATA] = "data intact both ways",
	[SSTRESS_CHECK_STALE] = "bytes the device did not write kept the CPU's contents",
	[SSTRESS_CHECK_SYNC_FOR_DEVICE] = "sync_for_device left the device's data alone",
	[SSTRESS_CHECK_OVERLAP] = "live bounced mappings never shared device addresses",
	[SSTRESS_CHECK_MAX_MAPPING] =
		"dma_max_mapping_size() mapped at every allowed offset",
	[SSTRESS_CHECK_ERRORS] = "every failed mapping had a reason",
	[SSTRESS_CHECK_HANG] = "every DMA call returned",
	[SSTRESS_CHECK_ALIGN] =
		"bounces >= PAGE_SIZE are page-aligned: SWIOTLB's promise, not the DMA API's",
	[SSTRESS_CHECK_SEARCH] = "every bounce asked of an idle pool found its slots",
	[SSTRESS_CHECK_IN_POOL] = "every bounce and pool allocation lay in the device's own pool",
};

/* op=alloc_coherent: the offset check is the allocation's alignment. */
static const char *const sstress_coherent_why[2] = {
	"dma_alloc_coherent() memory not aligned to the smallest page order >= its size (DMA-API-HOWTO)",
	"every dma_alloc_coherent() was aligned to the smallest page order >= its size",
};

/* The data check's pass for dma_alloc_coherent(): from a pool or not. */
static const char * const sstress_coherent_data_why[] = {
	"data intact both ways in coherent memory (one buffer both sides see: nothing to bounce)",
	"data intact both ways in coherent memory from the device's own pool (swiotlb_alloc())",
};

/*
 * One verdict per check. A check passes only when it had a subject: e.g.
 * offsets are never reported kept when nothing bounced.
 */
void sstress_checks_report(struct seq_file *m, struct sstress_dev *sd,
			   const struct sstress_spec *spec,
			   const struct sstress_stats *tot, bool hung)
{
	bool failed = false, passed = false;
	enum sstress_check ck;
	unsigned int i;

	for (ck = 0; ck < SSTRESS_NR_CHECKS; ck++) {
		const char *why_fail = sstress_why_fail[ck];
		const char *why_pass = sstress_why_pass[ck];
		bool coherent = spec->op == SSTRESS_OP_ALLOC_COHERENT;
		const char *skip = NULL;

		/* For dma_alloc_coherent() the offset check is its alignment. */
		if (coherent && ck == SSTRESS_CHECK_OFFSET) {
			why_fail = sstress_coherent_why[0];
			why_pass = sstress_coherent_why[1];
		}
		if (ck == SSTRESS_CHECK_HANG) {
			if (hung) {
				sstress_verdict(m, ck, SSTRESS_FAIL, sstress_why_fail[ck]);
				failed = true;
			} else {
				sstress_verdict(m, ck, SSTRESS_PASS, sstress_why_pass[ck]);
			}
			continue;
		}
		if (tot->failed[ck]) {
			sstress_verdict(m, ck, SSTRESS_FAIL, why_fail);
			failed = true;
			continue;
		}
		switch (ck) {
		case SSTRESS_CHECK_OFFSET:
			if (coherent) {
				if (!tot->checked[ck])
					skip = "no allocation succeeded";
			} else if (!dma_get_min_align_mask(sd->dma_dev)) {
				skip = "device has no min_align_mask: no offset to keep";
			} else if (!tot->bounced) {
				skip = "nothing bounced: no swiotlb=force, no buffer beyond mask";
			}
			break;
		case SSTRESS_CHECK_STALE:
			if (!tot->bounced)
				skip = "nothing bounced: the CPU and the device share the buffer";
			else if (!tot->checked[ck])
				skip = "no partial device write (partial=1, dir=from or bidi)";
			break;
		case SSTRESS_CHECK_SYNC_FOR_DEVICE:
			if (!tot->bounced)
				skip = "nothing bounced: the CPU and the device share the buffer";
			else if (!tot->checked[ck])
				skip = "no sync_for_device on a from-device map (sync=, dir=from)";
			break;
		case SSTRESS_CHECK_OVERLAP:
			if (!tot->checked[ck])
				skip = "never two live bounced mappings at once (live=N, bounced)";
			break;
		case SSTRESS_CHECK_MAX_MAPPING:
			if (spec->op != SSTRESS_OP_MAX_SIZE)
				skip = "not asked for (op=max_size)";
			else if (!sstress_dev_pool_fits(sd, dma_max_mapping_size(sd->dma_dev)))
				skip = "pool smaller than dma_max_mapping_size() (see pool_note)";
			else if (!tot->checked[ck])
				skip = "dma_max_mapping_size() unbounded: nothing bounces";
			break;
		case SSTRESS_CHECK_ERRORS:
			if (!tot->maps)
				skip = "no mapping was tried";
			break;
		case SSTRESS_CHECK_ALIGN:
			if (dma_get_min_align_mask(sd->dma_dev))
				skip = "device has a min_align_mask: bounces keep its bits";
			else if (sstress_behind_dma_iommu(sd->dma_dev))
				skip = "behind an IOMMU: dma-iommu bounces on its own granule";
			else if (!tot->bounced)
				skip = "nothing bounced: no swiotlb=force, no buffer beyond mask";
			else if (!tot->checked[ck])
				skip = "no bounce of PAGE_SIZE or more";
			break;
		case SSTRESS_CHECK_SEARCH:
			if (!tot->checked[ck])
				skip = "no bounce was asked of an idle pool (threads=1 live=1)";
			break;
		case SSTRESS_CHECK_IN_POOL:
			if (!sstress_swiotlb_pool_end(sd->dma_dev))
				skip = "the pool's range is unknown here, or there is no pool";
			else if (sstress_swiotlb_can_grow(sd->dma_dev))
				skip = "CONFIG_SWIOTLB_DYNAMIC: transient pools may serve bounces";
			else if (sstress_behind_dma_iommu(sd->dma_dev))
				skip = "behind an IOMMU: dma-iommu bounces via the default pool";
			else if (!tot->checked[ck])
				skip = "nothing bounced and nothing was allocated from a pool";
			break;
		default:
			if (!tot->checked[ck])
				skip = "no mapping succeeded";
			break;
		}
		if (!spec->verify && !tot->checked[ck] &&
		    ck != SSTRESS_CHECK_ERRORS && ck != SSTRESS_CHECK_MAX_MAPPING &&
		    ck != SSTRESS_CHECK_SEARCH)
			skip = "verify=0: map and unmap timed only, data not checked";
		if (skip) {
			sstress_verdict(m, ck, SSTRESS_SKIP, skip);
		} else if (ck == SSTRESS_CHECK_DATA && coherent) {
			/* Coherent memory never bounces; a restricted pool serves it. */
			i = sstress_swiotlb_for_alloc(sd->dma_dev);
			sstress_verdict(m, ck, SSTRESS_PASS, sstress_coherent_data_why[i]);
			passed = true;
		} else if (ck == SSTRESS_CHECK_DATA && !tot->bounced) {
			sstress_verdict(m, ck, SSTRESS_PASS,
					"data intact both ways; nothing bounced, so SWIOTLB was not exercised");
			passed = true;
		} else {
			sstress_verdict(m, ck, SSTRESS_PASS, why_pass);
			passed = true;
		}
	}

	for (i = 0; i < tot->nfailures; i++) {
		const struct sstress_failure *f = &tot->first[i];

		seq_printf(m, "failure_%u: check=%s op=%s dir=%s size=%u offset=%u dma=%pad phys=%pa at=%u expected=%*phN seen=%*phN\n",
			   i, f->check, sstress_op_names[f->op],
			   sstress_dir_name(f->dir), f->size, f->offset, &f->dma,
			   &f->phys, f->at, f->nbytes, f->expected, f->nbytes,
			   f->seen);
	}
	seq_printf(m, "verdict: %s\n", failed ? SSTRESS_FAIL :
		   passed ? SSTRESS_PASS : SSTRESS_SKIP);
}
