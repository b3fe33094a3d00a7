// SPDX-License-Identifier: GPL-2.0
/*
 * The storm engine: kernel threads that map, let the device side read and
 * write, sync and unmap, over and over, handing every step to the checks.
 *
 * Each thread owns its buffers, its random state and its counters; nothing
 * is shared on the hot path, so what contends is the kernel's bounce pool,
 * not the harness. Counters are merged only when a thread has finished.
 *
 * Lifecycle (as kernel/dma/map_benchmark.c): threads are created with a
 * task reference held, run until their budget is spent or they are asked
 * to stop, and are reaped with kthread_stop() by whoever stops, replaces or
 * frees the run. A thread checks for a stop request only between
 * iterations, so no mapping is ever left behind; a DMA call that never
 * returns therefore keeps its thread, and whoever waits for it waits under
 * the device's stop_lock only, never under the lock reports take.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/dma-direct.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "compat.h"
#include "sstress.h"

/* Tries to find a buffer beyond the device's mask before giving up. */
#define SSTRESS_PLACE_TRIES	32

/* One mapping call: a single segment, or a scatterlist of several. */
struct sstress_xfer {
	enum dma_data_direction dir;
	unsigned int nsegs;
	struct sstress_seg *segs;
	struct scatterlist *sgl;
	bool mapped;
	/* No other mapping held pool space while it was mapped. */
	bool idle;
};

struct sstress_thread {
	struct sstress_run *run;
	struct task_struct *task;
	unsigned int idx;
	u64 rng;
	unsigned int nregions;
	struct sstress_region *regions;
	struct sstress_seg *segs;
	struct sstress_seg **bounced;	/* scratch for the overlap check */
	struct scatterlist *sgl;
	struct sstress_xfer *xfers;
	/* Start of the DMA call in progress, 0 between calls; for hangs. */
	u64 op_start_ns;
	/* Iterations done; read without the thread's help by reports. */
	u64 progress;
	/* Set (release) once @stats and @end_ns are final. */
	bool done;
	u64 end_ns;
	struct sstress_stats stats;
};

struct sstress_run {
	struct sstress_dev *sd;
	struct sstress_spec spec;
	/*
	 * RUNNING until stopped; "done" is RUNNING with no live thread.
	 * Under sd->lock, as are @start_ns, @stop_ns and @stop_req.
	 */
	enum sstress_run_state state;
	u64 start_ns;
	u64 stop_ns;
	/* Asks the threads to end; read by them without the lock. */
	bool stop_req;
	/* Threads that have not finished; @finished once none is left. */
	atomic_t live;
	struct completion finished;
	unsigned int nthreads;
	struct sstress_thread threads[];
};

static const enum dma_data_direction sstress_dirs[] = {
	DMA_TO_DEVICE, DMA_FROM_DEVICE, DMA_BIDIRECTIONAL,
};

static u64 sstress_rand(struct sstress_thread *t)
{
	/* xorshift64*: cheap and reproducible from the run's seed. */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dULL;
}

/* A random sub-range [*off, *off + *len) of @size bytes, never empty. */
static void sstress_rand_range(struct sstress_thread *t, u32 size, u32 *off,
			       u32 *len)
{
	*off = sstress_rand(t) % size;
	*len = 1 + sstress_rand(t) % (size - *off);
}

/* ---- one mapping call, whatever the operation ---- */

/*
 * Test only: a DMA call that does not return for a while, so the tests can
 * show what a livelocked kernel does to stop, reports and teardown without
 * needing such a kernel. Writing N makes the next DMA call of any storm
 * thread stall N ms inside the hang detector's stamp; it reads 0 again
 * once a thread has taken it.
 */
#define SSTRESS_TEST_STALL_MAX_MS	600000U

static unsigned int sstress_test_stall_ms;

static int sstress_test_stall_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned int ms;

	if (kstrtouint(val, 0, &ms) || ms > SSTRESS_TEST_STALL_MAX_MS) {
		sstress_reject("test_stall_ms: '%s' is not 0..%u", val,
			       SSTRESS_TEST_STALL_MAX_MS);
		return -EINVAL;
	}
	WRITE_ONCE(sstress_test_stall_ms, ms);
	return 0;
}

static const struct kernel_param_ops sstress_test_stall_ops = {
	.set = sstress_test_stall_set,
	.get = param_get_uint,
};

module_param_cb(test_stall_ms, &sstress_test_stall_ops,
		&sstress_test_stall_ms, 0600);
MODULE_PARM_DESC(test_stall_ms,
		 "test only: the next DMA call of any storm thread stalls this many ms");

static noinline void sstress_test_stall(void)
{
	unsigned int ms = xchg(&sstress_test_stall_ms, 0);
	unsigned long end;

	if (!ms)
		return;
	pr_info("test_stall_ms: a DMA call stalls for %u ms\n", ms);
	/*
	 * Idle, not uninterruptible: a stall is not a hung task. Slept out
	 * in full, as a stuck call would be: kthread_stop() wakes it.
	 */
	end = jiffies + msecs_to_jiffies(ms);
	while (time_before(jiffies, end))
		schedule_timeout_idle(end - jiffies);
}

/*
 * Only the DMA call lies between the two clock reads, as in
 * kernel/dma/map_benchmark.c: callers begin after every other step of the
 * operation (the switch on it, a scatterlist's set-up), and these are inlined
 * so that no return from a helper falls inside (measured: an out-of-line
 * begin added four instructions, 2-3% of a direct-path map under -icount).
 * The hang detector's stamp is set before and cleared after them.
 */
static __always_inline void sstress_op_begin(struct sstress_thread *t,
					     u64 *t0)
{
	WRITE_ONCE(t->op_start_ns, ktime_get_ns());
	/* Before the timed part: the benchmark figures never see it. */
	if (unlikely(READ_ONCE(sstress_test_stall_ms)))
		sstress_test_stall();
	*t0 = ktime_get_ns();
}

static __always_inline u64 sstress_op_end(struct sstress_thread *t, u64 t0)
{
	u64 ns = ktime_get_ns() - t0;

	WRITE_ONCE(t->op_start_ns, 0);
	return ns;
}

static unsigned long sstress_attrs(const struct sstress_spec *spec)
{
	unsigned long attrs = 0;

	/* Failure is what an oversize or map-many run asks to see. */
	if (spec->oversize || spec->live > 1)
		attrs |= DMA_ATTR_NO_WARN;
	if (spec->skip_cpu_sync)
		attrs |= DMA_ATTR_SKIP_CPU_SYNC;
	return attrs;
}

/*
 * Mappings live now, of every thread of every run (low 32 bits), and maps
 * that worked so far (high 32 bits, wrapping): a thread that holds none may
 * still find the shared pool full of the others' mappings, and that
 * failure is "pool_full", not "unexpected". Read before the call and again
 * after a failure: the others may have unmapped everything by the time the
 * failure is seen (found by the soak: 1 map in 180,129 misread so on 6.12).
 * One word, so a map or unmap costs one atomic operation on it.
 */
static atomic64_t sstress_pool_users = ATOMIC64_INIT(0);

#define SSTRESS_LIVE_MASK	GENMASK_ULL(31, 0)
#define SSTRESS_MAP_DONE	BIT_ULL(32)

/* Whether other mappings held pool space at any time during the call. */
static bool sstress_pool_was_busy(u64 before)
{
	u64 now = atomic64_read(&sstress_pool_users);

	return (before & SSTRESS_LIVE_MASK) || (now & SSTRESS_LIVE_MASK) ||
	       (now >> 32) != (before >> 32);
}

static void sstress_xfer_unmap(struct sstress_thread *t, struct sstress_xfer *x);

/*
 * Gives each scatterlist entry the DMA address of its bytes. The DMA API
 * lets an implementation merge consecutive entries into one DMA segment
 * (iommu_dma_map_sg() merges entries that meet at an IOVA granule
 * boundary; dma-direct never does), never split one: the @n DMA segments
 * carry the entries' bytes in order, and an entry starts at its place in
 * that stream. False when the DMA segments do not cover the entries so.
 */
static bool sstress_sg_dma_assign(struct sstress_xfer *x, int n)
{
	struct scatterlist *sg = x->sgl;
	unsigned int left = sg_dma_len(sg);	/* of the current DMA segment */
	int i, k = 0;

	for (i = 0; i < x->nsegs; i++) {
		struct sstress_seg *s = &x->segs[i];

		if (!left) {
			if (++k == n)
				return false;
			sg = sg_next(sg);
			left = sg_dma_len(sg);
		}
		if (left < s->len)
			return false;
		s->dma = sg_dma_address(sg) + sg_dma_len(sg) - left;
		left -= s->len;
	}
	return k == n - 1 && !left;
}

static bool sstress_xfer_map(struct sstress_thread *t, struct sstress_xfer *x,
			     const struct sstress_ctx *c, bool pool_busy)
{
	const struct sstress_spec *spec = &t->run->spec;
	struct device *dev = t->run->sd->dma_dev;
	unsigned long attrs = sstress_attrs(spec);
	struct sstress_seg *s = &x->segs[0];
	u64 seen;
	u64 t0;
	int i, n;

	t->stats.maps++;
	seen = atomic64_read(&sstress_pool_users);
	switch (spec->op) {
	case SSTRESS_OP_MAP_PAGE:
		sstress_op_begin(t, &t0);
		s->dma = dma_map_page_attrs(dev, virt_to_page(s->cpu),
					    offset_in_page(s->cpu), s->len,
					    x->dir, attrs);
		break;
	case SSTRESS_OP_MAP_SG:
		sg_init_table(x->sgl, x->nsegs);
		for (i = 0; i < x->nsegs; i++)
			sg_set_buf(&x->sgl[i], x->segs[i].cpu, x->segs[i].len);
		sstress_op_begin(t, &t0);
		n = dma_map_sg_attrs(dev, x->sgl, x->nsegs, x->dir, attrs);
		sstress_lat_add(&t->stats.lat_map, sstress_op_end(t, t0));
		if (!n) {
			sstress_count_map_error(c, s->len, s->phys, pool_busy ||
						sstress_pool_was_busy(seen));
			return false;
		}
		x->idle = !pool_busy && !sstress_pool_was_busy(seen);
		atomic64_add(SSTRESS_MAP_DONE + 1, &sstress_pool_users);
		if (n > x->nsegs || !sstress_sg_dma_assign(x, n)) {
			/*
			 * The device cannot be told where the data is: a
			 * data failure, and no device access to addresses
			 * the mapping does not have.
			 */
			t->stats.checked[SSTRESS_CHECK_DATA]++;
			sstress_record_failure(c, SSTRESS_CHECK_DATA, s, 0, NULL,
					       NULL);
			sstress_xfer_unmap(t, x);
			return false;
		}
		/* Entries the implementation merged, as the API allows. */
		t->stats.sg_merged += x->nsegs - n;
		return true;
	default:
		sstress_op_begin(t, &t0);
		s->dma = dma_map_single_attrs(dev, s->cpu, s->len, x->dir, attrs);
		break;
	}
	sstress_lat_add(&t->stats.lat_map, sstress_op_end(t, t0));
	if (dma_mapping_error(dev, s->dma)) {
		sstress_count_map_error(c, s->len, s->phys, pool_busy ||
					sstress_pool_was_busy(seen));
		return false;
	}
	x->idle = !pool_busy && !sstress_pool_was_busy(seen);
	atomic64_add(SSTRESS_MAP_DONE + 1, &sstress_pool_users);
	return true;
}

static void sstress_xfer_unmap(struct sstress_thread *t, struct sstress_xfer *x)
{
	const struct sstress_spec *spec = &t->run->spec;
	struct device *dev = t->run->sd->dma_dev;
	unsigned long attrs = sstress_attrs(spec);
	struct sstress_seg *s = &x->segs[0];
	u64 t0;

	switch (spec->op) {
	case SSTRESS_OP_MAP_PAGE:
		sstress_op_begin(t, &t0);
		dma_unmap_page_attrs(dev, s->dma, s->len, x->dir, attrs);
		break;
	case SSTRESS_OP_MAP_SG:
		sstress_op_begin(t, &t0);
		dma_unmap_sg_attrs(dev, x->sgl, x->nsegs, x->dir, attrs);
		break;
	default:
		sstress_op_begin(t, &t0);
		dma_unmap_single_attrs(dev, s->dma, s->len, x->dir, attrs);
		break;
	}
	sstress_lat_add(&t->stats.lat_unmap, sstress_op_end(t, t0));
	atomic64_dec(&sstress_pool_users);
	x->mapped = false;
}

/*
 * Syncs each segment's range [off[i], off[i] + len[i]). A scatterlist is
 * synced whole: the API has no sub-range sync for it.
 */
static void sstress_xfer_sync(struct sstress_thread *t, struct sstress_xfer *x,
			      bool for_device, const u32 *off, const u32 *len)
{
	struct device *dev = t->run->sd->dma_dev;
	unsigned int i;
	u64 t0;

	sstress_op_begin(t, &t0);
	if (t->run->spec.op == SSTRESS_OP_MAP_SG) {
		if (for_device)
			dma_sync_sg_for_device(dev, x->sgl, x->nsegs, x->dir);
		else
			dma_sync_sg_for_cpu(dev, x->sgl, x->nsegs, x->dir);
	} else {
		for (i = 0; i < x->nsegs; i++) {
			if (for_device)
				dma_sync_single_range_for_device(dev, x->segs[i].dma,
								 off[i], len[i],
								 x->dir);
			else
				dma_sync_single_range_for_cpu(dev, x->segs[i].dma,
							      off[i], len[i],
							      x->dir);
		}
	}
	sstress_op_end(t, t0);
}

/* Ranges for a sync: random sub-ranges, or whole segments. */
static void sstress_sync_ranges(struct sstress_thread *t, struct sstress_xfer *x,
				u32 *off, u32 *len)
{
	unsigned int i;

	for (i = 0; i < x->nsegs; i++) {
		const struct sstress_spec *spec = &t->run->spec;
		u32 seg_len = x->segs[i].len;

		if (spec->sync != SSTRESS_SYNC_RANGE ||
		    spec->op == SSTRESS_OP_MAP_SG) {
			off[i] = 0;
			len[i] = seg_len;
		} else if (spec->sync_len) {
			/* A reproducer's fixed range, clipped to the mapping. */
			off[i] = min(spec->sync_off, seg_len - 1);
			len[i] = min(spec->sync_len, seg_len - off[i]);
		} else {
			sstress_rand_range(t, seg_len, &off[i], &len[i]);
		}
	}
}

/* ---- one iteration of a streaming storm ---- */

static u32 sstress_pick_size(struct sstress_thread *t)
{
	const struct sstress_spec *spec = &t->run->spec;

	if (spec->size_max == spec->size_min)
		return spec->size_min;
	return spec->size_min +
	       sstress_rand(t) % (spec->size_max - spec->size_min + 1);
}

static u32 sstress_pick_offset(struct sstress_thread *t, u64 n)
{
	const struct sstress_spec *spec = &t->run->spec;
	u32 off = 0;

	switch (spec->offset_mode) {
	case SSTRESS_OFFSET_FIXED:
		off = spec->offset;
		break;
	case SSTRESS_OFFSET_SWEEP:
		off = (n * spec->offset_step) % PAGE_SIZE;
		break;
	case SSTRESS_OFFSET_RANDOM:
		off = sstress_rand(t) % PAGE_SIZE;
		break;
	}
	/* max_size sweeps only the offsets min_align_mask lets it keep. */
	if (spec->op == SSTRESS_OP_MAX_SIZE)
		off &= dma_get_min_align_mask(t->run->sd->dma_dev);
	return off;
}

static enum dma_data_direction sstress_pick_dir(struct sstress_thread *t, u64 n)
{
	u32 dirs = t->run->spec.dirs;
	unsigned int pick = n % hweight32(dirs), i;

	for (i = 0; i < ARRAY_SIZE(sstress_dirs); i++)
		if ((dirs & BIT(i)) && !pick--)
			break;
	return sstress_dirs[i];
}

/* Lays out the segments of mapping @k: direction, offsets, sizes. */
static struct sstress_xfer *sstress_xfer_layout(struct sstress_thread *t,
						unsigned int k, u64 n,
						struct sstress_ctx *c)
{
	const struct sstress_spec *spec = &t->run->spec;
	struct sstress_xfer *x = &t->xfers[k];
	unsigned int i;

	x->dir = sstress_pick_dir(t, n);
	x->nsegs = spec->op == SSTRESS_OP_MAP_SG ? spec->segs : 1;
	x->segs = &t->segs[k * x->nsegs];
	x->sgl = &t->sgl[k * x->nsegs];
	c->dir = x->dir;
	for (i = 0; i < x->nsegs; i++) {
		struct sstress_seg *s = &x->segs[i];
		struct sstress_region *rg = &t->regions[k * x->nsegs + i];

		s->rg = rg;
		s->offset = sstress_pick_offset(t, n * x->nsegs + i);
		s->len = spec->op == SSTRESS_OP_MAX_SIZE ? spec->size_max :
			 sstress_pick_size(t);
		/* The first page of the region holds the low guard. */
		s->cpu = rg->va + PAGE_SIZE + s->offset;
		s->phys = virt_to_phys(s->cpu);
		s->bounced = false;
	}
	return x;
}

/* Lays out mapping @k and fills it with CPU data and guards. */
static void sstress_xfer_prepare(struct sstress_thread *t, unsigned int k,
				 u64 n, struct sstress_ctx *c)
{
	struct sstress_xfer *x = sstress_xfer_layout(t, k, n, c);
	unsigned int i;

	for (i = 0; i < x->nsegs; i++) {
		struct sstress_seg *s = &x->segs[i];
		struct sstress_region *rg = s->rg;

		memcpy(s->cpu - sizeof(rg->guard_lo), rg->guard_lo,
		       sizeof(rg->guard_lo));
		memcpy(s->cpu + s->len, rg->guard_hi, sizeof(rg->guard_hi));
		sstress_cpu_write(c, s, 0, s->len, (u32)sstress_rand(t));
	}
}

/* The device's part while mapped: read, CPU updates, write, syncs. */
static void sstress_xfer_device(struct sstress_thread *t, struct sstress_xfer *x,
				struct sstress_ctx *c)
{
	const struct sstress_spec *spec = &t->run->spec;
	u32 off[SSTRESS_MAX_SEGS], len[SSTRESS_MAX_SEGS];
	unsigned int i;
	u32 tag;

	for (i = 0; i < x->nsegs; i++) {
		off[i] = 0;
		len[i] = x->segs[i].len;
	}
	if (spec->skip_cpu_sync && x->dir != DMA_FROM_DEVICE)
		sstress_xfer_sync(t, x, true, off, len);
	/* Since 5.18 a map copies the CPU's data in, whatever the direction. */
	if (!spec->skip_cpu_sync || x->dir != DMA_FROM_DEVICE)
		for (i = 0; i < x->nsegs; i++)
			sstress_synced_to_dev(&x->segs[i], 0, x->segs[i].len);
	if (x->dir != DMA_FROM_DEVICE)
		for (i = 0; i < x->nsegs; i++)
			sstress_check_dev_view(c, &x->segs[i], SSTRESS_CHECK_DATA);

	if (spec->sync != SSTRESS_SYNC_NONE && x->dir != DMA_FROM_DEVICE) {
		sstress_sync_ranges(t, x, off, len);
		tag = sstress_rand(t);
		for (i = 0; i < x->nsegs; i++)
			sstress_cpu_write(c, &x->segs[i], off[i], len[i], tag);
		sstress_xfer_sync(t, x, true, off, len);
		for (i = 0; i < x->nsegs; i++) {
			sstress_synced_to_dev(&x->segs[i], off[i], len[i]);
			sstress_check_dev_view(c, &x->segs[i], SSTRESS_CHECK_DATA);
		}
	}

	if (x->dir == DMA_TO_DEVICE)
		return;
	tag = sstress_rand(t);
	for (i = 0; i < x->nsegs; i++) {
		struct sstress_seg *s = &x->segs[i];
		u32 wo = 0, wl = s->len;

		/* Undefined bytes after a skipped sync: write them all. */
		if (spec->partial && !spec->skip_cpu_sync)
			sstress_rand_range(t, s->len, &wo, &wl);
		sstress_dev_write(c, s, wo, wl, tag);
	}
	if (spec->sync == SSTRESS_SYNC_NONE)
		return;
	if (x->dir == DMA_FROM_DEVICE) {
		/* ath9k: sync_for_device must not undo the device's writes. */
		for (i = 0; i < x->nsegs; i++) {
			off[i] = 0;
			len[i] = x->segs[i].len;
		}
		sstress_xfer_sync(t, x, true, off, len);
		for (i = 0; i < x->nsegs; i++)
			sstress_check_dev_view(c, &x->segs[i],
					       SSTRESS_CHECK_SYNC_FOR_DEVICE);
	}
	sstress_sync_ranges(t, x, off, len);
	sstress_xfer_sync(t, x, false, off, len);
	for (i = 0; i < x->nsegs; i++) {
		sstress_synced_to_cpu(&x->segs[i], off[i], len[i]);
		sstress_check_cpu_view(c, &x->segs[i], off[i], len[i], false);
	}
}

static void sstress_xfer_finish(struct sstress_thread *t, struct sstress_xfer *x,
				struct sstress_ctx *c)
{
	const struct sstress_spec *spec = &t->run->spec;
	u32 off[SSTRESS_MAX_SEGS], len[SSTRESS_MAX_SEGS];
	unsigned int i;

	for (i = 0; i < x->nsegs; i++) {
		off[i] = 0;
		len[i] = x->segs[i].len;
	}
	if (spec->skip_cpu_sync && x->dir != DMA_TO_DEVICE)
		sstress_xfer_sync(t, x, false, off, len);
	sstress_xfer_unmap(t, x);
	for (i = 0; i < x->nsegs; i++) {
		struct sstress_seg *s = &x->segs[i];

		if (x->dir != DMA_TO_DEVICE)
			sstress_synced_to_cpu(s, 0, s->len);
		sstress_check_cpu_view(c, s, 0, s->len, true);
		sstress_check_guards(c, s);
	}
}

/*
 * After a map that worked: the pool's high mark, the bytes, and where each
 * segment landed, checked. With @nbounced, the bounced segments are also
 * collected in t->bounced for the overlap check.
 */
static void sstress_xfer_account(struct sstress_thread *t,
				 struct sstress_xfer *x,
				 const struct sstress_ctx *c,
				 unsigned int *nbounced)
{
	bool bounced = false;
	unsigned int i;

	t->stats.pool_peak = max(t->stats.pool_peak,
				 sstress_swiotlb_used(t->run->sd->dma_dev));
	t->stats.transient_peak = max(t->stats.transient_peak,
				      sstress_swiotlb_transient_used(t->run->sd->dma_dev));
	for (i = 0; i < x->nsegs; i++) {
		struct sstress_seg *s = &x->segs[i];

		t->stats.bytes_mapped += s->len;
		sstress_check_mapped(c, s);
		bounced |= s->bounced;
		if (nbounced && s->bounced)
			t->bounced[(*nbounced)++] = s;
	}
	/* An idle pool found room: the search check's subject. */
	if (x->idle && bounced)
		t->stats.checked[SSTRESS_CHECK_SEARCH]++;
}

static void sstress_iter_stream(struct sstress_thread *t, u64 iter)
{
	const struct sstress_spec *spec = &t->run->spec;
	struct sstress_ctx c = {
		.sd = t->run->sd, .st = &t->stats, .op = spec->op,
	};
	unsigned int k, nbounced = 0, nlive = 0;

	for (k = 0; k < spec->live; k++) {
		struct sstress_xfer *x = &t->xfers[k];

		sstress_xfer_prepare(t, k, iter * spec->live + k, &c);
		x->mapped = sstress_xfer_map(t, x, &c, nlive > 0);
		if (!x->mapped)
			continue;
		nlive++;
		sstress_xfer_account(t, x, &c, &nbounced);
		if (spec->op == SSTRESS_OP_MAX_SIZE && x->segs[0].bounced)
			t->stats.checked[SSTRESS_CHECK_MAX_MAPPING]++;
	}
	/* A failed max_size map on an idle pool is that check's failure. */
	if (spec->op == SSTRESS_OP_MAX_SIZE && !t->xfers[0].mapped &&
	    sstress_dev_pool_fits(c.sd, t->xfers[0].segs[0].len) &&
	    (sstress_dev_is_bounce_forced(c.sd) ||
	     sstress_bus_beyond(c.sd->dma_dev, t->xfers[0].segs[0].phys,
				t->xfers[0].segs[0].len, sstress_dev_reach(c.sd)))) {
		c.dir = t->xfers[0].dir;
		t->stats.checked[SSTRESS_CHECK_MAX_MAPPING]++;
		sstress_record_failure(&c, SSTRESS_CHECK_MAX_MAPPING,
				       &t->xfers[0].segs[0], 0, NULL, NULL);
	}
	t->stats.max_live = max_t(u64, t->stats.max_live, nlive);
	c.dir = DMA_NONE;
	sstress_check_overlap(&c, t->bounced, nbounced);

	for (k = 0; k < spec->live; k++) {
		if (!t->xfers[k].mapped)
			continue;
		c.dir = t->xfers[k].dir;
		sstress_xfer_device(t, &t->xfers[k], &c);
	}
	for (k = 0; k < spec->live; k++) {
		if (!t->xfers[k].mapped)
			continue;
		c.dir = t->xfers[k].dir;
		sstress_xfer_finish(t, &t->xfers[k], &c);
	}
}

/*
 * verify=0: the loop of kernel/dma/map_benchmark.c, so the two compare.
 * The CPU dirties what goes to the device (as the benchmark's memset),
 * then map and unmap, each timed; what bounced is still counted.
 */
static void sstress_iter_fast(struct sstress_thread *t, u64 iter)
{
	const struct sstress_spec *spec = &t->run->spec;
	struct sstress_ctx c = {
		.sd = t->run->sd, .st = &t->stats, .op = spec->op,
	};
	unsigned int k, i, nlive = 0;

	for (k = 0; k < spec->live; k++) {
		struct sstress_xfer *x;

		x = sstress_xfer_layout(t, k, iter * spec->live + k, &c);
		if (x->dir != DMA_FROM_DEVICE)
			for (i = 0; i < x->nsegs; i++)
				memset(x->segs[i].cpu, 0x66, x->segs[i].len);
		x->mapped = sstress_xfer_map(t, x, &c, nlive > 0);
		if (!x->mapped)
			continue;
		nlive++;
		sstress_xfer_account(t, x, &c, NULL);
	}
	t->stats.max_live = max_t(u64, t->stats.max_live, nlive);
	for (k = 0; k < spec->live; k++)
		if (t->xfers[k].mapped)
			sstress_xfer_unmap(t, &t->xfers[k]);
}

/* dma_alloc_coherent(): alignment as promised, data visible both ways. */
static void sstress_iter_coherent(struct sstress_thread *t)
{
	struct sstress_ctx c = {
		.sd = t->run->sd, .st = &t->stats, .op = SSTRESS_OP_ALLOC_COHERENT,
		.dir = DMA_BIDIRECTIONAL,
	};
	struct device *dev = t->run->sd->dma_dev;
	struct sstress_seg *s = &t->segs[0];
	size_t align;
	void *cpu;
	u64 t0;

	s->rg = &t->regions[0];
	s->len = sstress_pick_size(t);
	s->offset = 0;
	t->stats.maps++;
	sstress_op_begin(t, &t0);
	cpu = dma_alloc_attrs(dev, s->len, &s->dma, GFP_KERNEL | __GFP_NOWARN, 0);
	sstress_lat_add(&t->stats.lat_map, sstress_op_end(t, t0));
	if (!cpu) {
		sstress_count_alloc_error(&c, s->len);
		return;
	}
	s->cpu = cpu;
	s->phys = virt_addr_valid(cpu) ? virt_to_phys(cpu) : 0;
	s->dev_phys = sstress_dev_phys(t->run->sd, s->dma);
	/* A restricted pool serves the allocation (swiotlb_alloc()). */
	if (sstress_swiotlb_for_alloc(dev))
		sstress_check_in_pool(&c, s);
	/* "aligned to the smallest PAGE_SIZE order >= size" (DMA-API-HOWTO) */
	align = PAGE_SIZE << get_order(s->len);
	t->stats.checked[SSTRESS_CHECK_OFFSET]++;
	if ((s->dma & (align - 1)) || ((unsigned long)cpu & (align - 1)))
		sstress_record_failure(&c, SSTRESS_CHECK_OFFSET, s, 0, NULL, NULL);
	t->stats.segments++;
	t->stats.bytes_mapped += s->len;
	t->stats.direct++;
	/* One memory seen by both sides: the shadows move together. */
	s->bounced = false;
	if (t->run->spec.verify && s->phys && s->phys == s->dev_phys) {
		sstress_cpu_write(&c, s, 0, s->len, (u32)sstress_rand(t));
		sstress_check_dev_view(&c, s, SSTRESS_CHECK_DATA);
		sstress_dev_write(&c, s, 0, s->len, (u32)sstress_rand(t));
		sstress_check_cpu_view(&c, s, 0, s->len, false);
	}
	sstress_op_begin(t, &t0);
	dma_free_attrs(dev, s->len, cpu, s->dma, 0);
	sstress_lat_add(&t->stats.lat_unmap, sstress_op_end(t, t0));
}

static bool sstress_budget_spent(struct sstress_thread *t)
{
	const struct sstress_spec *spec = &t->run->spec;

	if (spec->iterations)
		return t->stats.iterations >= spec->iterations;
	return ktime_get_ns() - t->run->start_ns >=
	       (u64)spec->duration_ms * NSEC_PER_MSEC;
}

static int sstress_thread_fn(void *data)
{
	struct sstress_thread *t = data;
	bool coherent = t->run->spec.op == SSTRESS_OP_ALLOC_COHERENT;

	while (!kthread_should_stop() && !READ_ONCE(t->run->stop_req) &&
	       !sstress_budget_spent(t)) {
		if (coherent)
			sstress_iter_coherent(t);
		else if (!t->run->spec.verify)
			sstress_iter_fast(t, t->stats.iterations);
		else
			sstress_iter_stream(t, t->stats.iterations);
		t->stats.iterations++;
		WRITE_ONCE(t->progress, t->stats.iterations);
		cond_resched();
	}
	t->end_ns = ktime_get_ns();
	/* Publishes stats and end_ns to sstress_run_report(). */
	smp_store_release(&t->done, true);
	/* The run outlives this: it is freed only after kthread_stop(). */
	if (atomic_dec_and_test(&t->run->live))
		complete_all(&t->run->finished);
	return 0;
}

/* ---- buffers ---- */

static unsigned int sstress_nregions(const struct sstress_spec *spec)
{
	return spec->live * (spec->op == SSTRESS_OP_MAP_SG ? spec->segs : 1);
}

static size_t sstress_region_bytes(const struct sstress_spec *spec)
{
	/* Guard page, up to a page of offset, the mapping, the high guard. */
	return 2 * PAGE_SIZE + spec->size_max + 64;
}

static void sstress_thread_free(struct sstress_thread *t)
{
	unsigned int i;

	for (i = 0; t->regions && i < t->nregions; i++) {
		struct sstress_region *rg = &t->regions[i];

		if (rg->pages)
			__free_pages(rg->pages, rg->order);
		kvfree(rg->shadow_cpu);
		kvfree(rg->shadow_dev);
	}
	kfree(t->regions);
	kfree(t->segs);
	kfree(t->bounced);
	kfree(t->sgl);
	kfree(t->xfers);
}

static u64 sstress_run_memory(const struct sstress_spec *spec);

/*
 * A buffer for one region. place=high wants one the device cannot reach
 * directly; when the machine has none, any buffer does and the report's
 * buffers_beyond_mask says so.
 */
static int sstress_region_alloc(struct sstress_thread *t,
				struct sstress_region *rg)
{
	const struct sstress_spec *spec = &t->run->spec;
	struct device *dev = t->run->sd->dma_dev;
	u64 reach = sstress_dev_reach(t->run->sd);
	struct page *rejected[SSTRESS_PLACE_TRIES];
	unsigned int nrejected = 0, tries, i;
	struct page *page;
	u64 spare;

	rg->order = get_order(sstress_region_bytes(spec));
	/*
	 * The buffers set aside while looking count in the run's memory
	 * limit too: only as many as fit beside what the run holds at most
	 * (sstress_spec_fit_device() checked that against the limit).
	 */
	spare = SSTRESS_MAX_RUN_MEMORY - sstress_run_memory(spec);
	tries = min_t(u64, SSTRESS_PLACE_TRIES,
		      div64_u64(spare, PAGE_SIZE << rg->order));
	for (;;) {
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				   rg->order);
		if (!page || spec->place != SSTRESS_PLACE_HIGH ||
		    sstress_bus_beyond(dev, page_to_phys(page),
				       PAGE_SIZE << rg->order, reach) ||
		    nrejected == tries)
			break;
		rejected[nrejected++] = page;
	}
	if (!page && nrejected)
		page = rejected[--nrejected];
	for (i = 0; i < nrejected; i++)
		__free_pages(rejected[i], rg->order);
	if (!page)
		return -ENOMEM;

	rg->pages = page;
	rg->va = page_address(page);
	t->stats.buffers++;
	rg->beyond_mask = sstress_bus_beyond(dev, page_to_phys(page),
					     PAGE_SIZE << rg->order, reach);
	if (rg->beyond_mask)
		t->stats.buffers_beyond_mask++;
	/* verify=0 never looks at what the sides should see. */
	if (spec->verify) {
		rg->shadow_cpu = kvmalloc(spec->size_max, GFP_KERNEL);
		rg->shadow_dev = kvzalloc(spec->size_max, GFP_KERNEL);
		if (!rg->shadow_cpu || !rg->shadow_dev)
			return -ENOMEM;
	}
	sstress_pattern_fill(rg->guard_lo, sizeof(rg->guard_lo),
			     0xa5a5a5a5 + t->idx, 0);
	sstress_pattern_fill(rg->guard_hi, sizeof(rg->guard_hi),
			     0x3c3c3c3c + t->idx, 0);
	return 0;
}

static int sstress_thread_alloc(struct sstress_thread *t)
{
	const struct sstress_spec *spec = &t->run->spec;
	unsigned int i;
	int ret;

	t->nregions = sstress_nregions(spec);
	t->regions = kcalloc(t->nregions, sizeof(*t->regions), GFP_KERNEL);
	t->segs = kcalloc(t->nregions, sizeof(*t->segs), GFP_KERNEL);
	t->bounced = kcalloc(t->nregions, sizeof(*t->bounced), GFP_KERNEL);
	t->sgl = kcalloc(t->nregions, sizeof(*t->sgl), GFP_KERNEL);
	t->xfers = kcalloc(spec->live, sizeof(*t->xfers), GFP_KERNEL);
	if (!t->regions || !t->segs || !t->bounced || !t->sgl || !t->xfers)
		return -ENOMEM;
	for (i = 0; i < t->nregions; i++) {
		ret = sstress_region_alloc(t, &t->regions[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Bytes a run holds for its buffers: the regions, their shadows, the
 * per-thread bookkeeping. What the report calls the harness's memory.
 */
static u64 sstress_run_memory(const struct sstress_spec *spec)
{
	u64 per_region = (PAGE_SIZE << get_order(sstress_region_bytes(spec))) +
			 sizeof(struct sstress_region) +
			 sizeof(struct sstress_seg) +
			 sizeof(struct sstress_seg *) +
			 sizeof(struct scatterlist);

	if (spec->verify)
		per_region += 2 * (u64)spec->size_max;
	return spec->threads *
	       ((u64)sstress_nregions(spec) * per_region +
		spec->live * sizeof(struct sstress_xfer)) +
	       sstress_struct_size_t(struct sstress_run, threads, spec->threads);
}

/*
 * Checks what only the device knows, and fills in what depends on it; the
 * parser checked the rest.
 */
static int sstress_spec_fit_device(struct sstress_dev *sd,
				   struct sstress_spec *spec)
{
	size_t max = dma_max_mapping_size(sd->dma_dev);
	u64 mem;

	if (spec->op == SSTRESS_OP_MAX_SIZE) {
		/* With no finite bound there is nothing to check: 4 KiB. */
		spec->size_min = max <= SSTRESS_MAX_MAP_SIZE ? max : PAGE_SIZE;
		spec->size_max = spec->size_min;
	} else if (spec->size_max > max && !spec->oversize) {
		sstress_reject("%s: run: size %u exceeds dma_max_mapping_size %zu (see oversize=)",
			       sd->name, spec->size_max, max);
		return -EINVAL;
	}
	/* 100 ms of device time per 4 KiB: a bound, not a hang. */
	if (sd->edu && spec->verify && spec->size_max > SSTRESS_EDU_MAX_SIZE) {
		sstress_reject("%s: run: size %u exceeds %u, the most an edu device checks",
			       sd->name, spec->size_max, SSTRESS_EDU_MAX_SIZE);
		return -EINVAL;
	}
	/* Threads queue for the one engine: bound how long one waits. */
	if (sd->edu && spec->verify &&
	    (u64)spec->threads * sstress_edu_access_ms(spec->size_max) >
	    SSTRESS_EDU_MAX_WAIT_MS) {
		sstress_reject("%s: run: %u threads x %u ms edu accesses exceed %u ms engine wait",
			       sd->name, spec->threads,
			       sstress_edu_access_ms(spec->size_max),
			       SSTRESS_EDU_MAX_WAIT_MS);
		return -EINVAL;
	}
	mem = sstress_run_memory(spec);
	if (mem > SSTRESS_MAX_RUN_MEMORY) {
		sstress_reject("%s: run: buffers need %llu bytes, the limit is %u",
			       sd->name, mem, SSTRESS_MAX_RUN_MEMORY);
		return -EINVAL;
	}
	return 0;
}

/* ---- run lifecycle ---- */

void sstress_run_spec_show(struct seq_file *m, struct sstress_dev *sd)
{
	lockdep_assert_held(&sd->lock);
	sstress_spec_show(m, &sd->run->spec);
}

enum sstress_run_state sstress_run_state(struct sstress_dev *sd)
{
	struct sstress_run *run = sd->run;

	lockdep_assert_held(&sd->lock);
	if (!run)
		return SSTRESS_RUN_IDLE;
	if (run->state == SSTRESS_RUN_RUNNING && !atomic_read(&run->live))
		return SSTRESS_RUN_DONE;
	return run->state;
}

/* Threads of the device's run that have not finished. */
unsigned int sstress_run_live(struct sstress_dev *sd)
{
	lockdep_assert_held(&sd->lock);
	return sd->run ? atomic_read(&sd->run->live) : 0;
}

/* Asks the threads to end; the run's results stay readable. */
static void sstress_run_request_stop(struct sstress_run *run)
{
	lockdep_assert_held(&run->sd->lock);
	if (run->state == SSTRESS_RUN_RUNNING) {
		run->state = atomic_read(&run->live) ? SSTRESS_RUN_STOPPED :
						       SSTRESS_RUN_DONE;
		run->stop_ns = ktime_get_ns();
	}
	WRITE_ONCE(run->stop_req, true);
}

/*
 * Reaps the threads: waits, uninterruptibly, for each to exit. Under
 * stop_lock, which keeps @run from being freed, and never under sd->lock.
 */
static void sstress_run_reap(struct sstress_run *run)
{
	unsigned int i;

	lockdep_assert_held(&run->sd->stop_lock);
	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];

		/* Threads that never ran exit at once from kthread_stop(). */
		if (!t->task)
			continue;
		kthread_stop(t->task);
		put_task_struct(t->task);
		t->task = NULL;
	}
}

/* Reaps and frees a run nobody can reach any more. */
static void sstress_run_destroy(struct sstress_run *run)
{
	unsigned int i;

	sstress_run_reap(run);
	for (i = 0; i < run->nthreads; i++)
		sstress_thread_free(&run->threads[i]);
	kvfree(run);
}

/*
 * The "stop" command: asks the threads to end and waits for them, with
 * neither wait uninterruptible, so a DMA call that never returns holds up
 * only this writer, and a signal ends its wait (the threads are then
 * reaped by the next stop, run or teardown).
 */
int sstress_run_stop(struct sstress_dev *sd)
{
	struct sstress_run *run;
	int ret;

	ret = mutex_lock_interruptible(&sd->stop_lock);
	if (ret)
		return ret;
	mutex_lock(&sd->lock);
	run = sd->run;
	if (run)
		sstress_run_request_stop(run);
	mutex_unlock(&sd->lock);
	if (run) {
		ret = wait_for_completion_interruptible(&run->finished);
		if (!ret)
			sstress_run_reap(run);
	}
	mutex_unlock(&sd->stop_lock);
	return ret;
}

/* Teardown: stops the run, waits for every thread, frees it. */
void sstress_run_free(struct sstress_dev *sd)
{
	struct sstress_run *run;

	mutex_lock(&sd->stop_lock);
	mutex_lock(&sd->lock);
	run = sd->run;
	sd->run = NULL;
	if (run)
		sstress_run_request_stop(run);
	mutex_unlock(&sd->lock);
	if (run)
		sstress_run_destroy(run);
	mutex_unlock(&sd->stop_lock);
}

int sstress_run_start(struct sstress_dev *sd, const struct sstress_spec *req)
{
	struct sstress_spec spec = *req;
	struct sstress_run *run, *old;
	unsigned int i;
	int ret;

	/* Held throughout: no other start, stop or free runs meanwhile. */
	ret = mutex_lock_interruptible(&sd->stop_lock);
	if (ret)
		return ret;
	mutex_lock(&sd->lock);
	if (sd->dying) {
		ret = -ENODEV;
	} else if (sstress_run_state(sd) == SSTRESS_RUN_RUNNING) {
		sstress_reject("%s: run: already running; write 'stop' first",
			       sd->name);
		ret = -EBUSY;
	} else if (sstress_run_live(sd)) {
		sstress_reject("%s: run: the last run still has a thread in a DMA call",
			       sd->name);
		ret = -EBUSY;
	}
	mutex_unlock(&sd->lock);
	if (ret)
		goto out_unlock_stop;
	ret = sstress_spec_fit_device(sd, &spec);
	if (ret)
		goto out_unlock_stop;

	run = kvzalloc(struct_size(run, threads, spec.threads), GFP_KERNEL);
	if (!run) {
		ret = -ENOMEM;
		goto out_unlock_stop;
	}
	run->sd = sd;
	run->spec = spec;
	if (!run->spec.seed)
		run->spec.seed = get_random_u64() ?: 1;
	run->nthreads = spec.threads;
	run->state = SSTRESS_RUN_RUNNING;
	init_completion(&run->finished);

	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];

		t->run = run;
		t->idx = i;
		sstress_stats_init(&t->stats);
		/* Never zero, or xorshift stays at zero. */
		t->rng = (run->spec.seed ^ (0x9e3779b97f4a7c15ULL * (i + 1))) | 1;
		ret = sstress_thread_alloc(t);
		if (ret) {
			sstress_reject("%s: run: no memory for %u buffers of %zu bytes",
				       sd->name, t->nregions,
				       sstress_region_bytes(&spec));
			goto err_destroy_run;
		}
		t->task = kthread_create(sstress_thread_fn, t, "sstress/%s:%u",
					 sd->name, i);
		if (IS_ERR(t->task)) {
			ret = PTR_ERR(t->task);
			t->task = NULL;
			goto err_destroy_run;
		}
		get_task_struct(t->task);
		if (spec.pin)
			kthread_bind(t->task, cpumask_local_spread(i, NUMA_NO_NODE));
	}

	mutex_lock(&sd->lock);
	/* del_device came while the buffers were allocated. */
	if (sd->dying) {
		mutex_unlock(&sd->lock);
		ret = -ENODEV;
		goto err_destroy_run;
	}
	/* The previous run's results are replaced only by a started run. */
	old = sd->run;
	sd->run = run;
	atomic_set(&run->live, run->nthreads);
	run->start_ns = ktime_get_ns();
	for (i = 0; i < run->nthreads; i++)
		wake_up_process(run->threads[i].task);
	mutex_unlock(&sd->lock);
	/* Its threads have all finished (checked above): no wait here. */
	if (old)
		sstress_run_destroy(old);
	mutex_unlock(&sd->stop_lock);
	return 0;

err_destroy_run:
	sstress_run_destroy(run);
out_unlock_stop:
	mutex_unlock(&sd->stop_lock);
	return ret;
}

void sstress_run_report(struct seq_file *m, struct sstress_dev *sd)
{
	static const char *const states[] = {
		[SSTRESS_RUN_IDLE] = "idle",
		[SSTRESS_RUN_RUNNING] = "running",
		[SSTRESS_RUN_DONE] = "done",
		[SSTRESS_RUN_STOPPED] = "stopped",
	};
	struct sstress_stats *tot;
	struct sstress_run *run;
	enum sstress_run_state state;
	u64 progress = 0, end_ns = 0, now;
	unsigned int i, finished = 0;
	bool hung = false;

	tot = kvmalloc(sizeof(*tot), GFP_KERNEL);
	mutex_lock(&sd->lock);
	/*
	 * Read once the lock is held, so that the run's start and stop
	 * stamps, taken under it, are never later than @now.
	 */
	now = ktime_get_ns();
	run = sd->run;
	state = sstress_run_state(sd);
	seq_printf(m, "version: %d\n", SSTRESS_REPORT_VERSION);
	seq_printf(m, "device: %s\n", sd->name);
	seq_printf(m, "profile: %s\n", sd->profile->name);
	seq_printf(m, "state: %s\n", states[state]);
	if (!run || !tot)
		goto out_unlock;
	sstress_stats_init(tot);

	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];
		u64 op_start = READ_ONCE(t->op_start_ns);

		progress += READ_ONCE(t->progress);
		/*
		 * A thread stamps its calls without the lock: one that began
		 * after @now was read is younger than nothing, not a hang. A
		 * stopped run's thread still in its call is one too.
		 */
		if (op_start && op_start < now &&
		    now - op_start > (u64)run->spec.hang_ms * NSEC_PER_MSEC) {
			seq_printf(m, "hang_thread_%u_ms: %llu\n", i,
				   (now - op_start) / NSEC_PER_MSEC);
			hung = true;
		}
		/* Pairs with the release in sstress_thread_fn(). */
		if (!smp_load_acquire(&t->done))
			continue;
		finished++;
		end_ns = max(end_ns, t->end_ns);
		sstress_stats_add(tot, &t->stats);
	}
	if (finished < run->nthreads)
		end_ns = run->stop_ns ?: now;

	seq_puts(m, "spec: ");
	sstress_spec_show(m, &run->spec);
	seq_putc(m, '\n');
	seq_printf(m, "seed: %llu\n", run->spec.seed);
	seq_printf(m, "threads: %u\n", run->nthreads);
	seq_printf(m, "threads_finished: %u\n", finished);
	seq_printf(m, "iterations: %llu\n", progress);
	seq_printf(m, "elapsed_ms: %llu\n",
		   end_ns > run->start_ns ?
		   (end_ns - run->start_ns) / NSEC_PER_MSEC : 0);
	seq_printf(m, "run_memory_bytes: %llu\n", sstress_run_memory(&run->spec));
	seq_printf(m, "run_memory_limit: %u\n", SSTRESS_MAX_RUN_MEMORY);
	if (state == SSTRESS_RUN_RUNNING && !hung) {
		/* Counters are merged once threads finish; no verdict yet. */
		goto out_unlock;
	}
	sstress_stats_report(m, sd, tot);
	sstress_checks_report(m, sd, &run->spec, tot, hung);
out_unlock:
	mutex_unlock(&sd->lock);
	kvfree(tot);
}
