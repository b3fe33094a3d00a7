// SPDX-License-Identifier: GPL-2.0
/*
 * The storm engine: kernel threads that map, let the device side touch,
 * and unmap, over and over, handing every mapping to the checks.
 *
 * Each thread owns its buffer, its random state and its counters; nothing
 * is shared on the hot path, so what contends is the kernel's bounce pool,
 * not the harness. Counters are merged only when a thread has finished.
 *
 * Lifecycle (as kernel/dma/map_benchmark.c): threads are created with a
 * task reference held, run until their budget is spent or they are asked
 * to stop, and are reaped with kthread_stop() by whoever stops or replaces
 * the run, under the device lock. A thread checks for a stop request only
 * between iterations, so no mapping is ever left behind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "compat.h"
#include "sstress.h"

/* Bytes on each side of a mapping that must come back untouched. */
#define SSTRESS_GUARD		64
/* Tries to find a buffer beyond the device's mask before giving up. */
#define SSTRESS_PLACE_TRIES	32

struct sstress_thread {
	struct sstress_run *run;
	struct task_struct *task;
	unsigned int idx;
	u64 rng;
	struct page *pages;
	unsigned int order;
	u8 *buf;
	u8 guard_lo[SSTRESS_GUARD];
	u8 guard_hi[SSTRESS_GUARD];
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
	/* RUNNING until stopped; "done" is RUNNING with no live thread. */
	enum sstress_run_state state;
	u64 start_ns;
	u64 stop_ns;
	atomic_t live;
	unsigned int nthreads;
	struct sstress_thread threads[];
};

static const char *const sstress_dir_names[] = { "to", "from", "bidi" };
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

void sstress_spec_show(struct seq_file *m, const struct sstress_spec *spec)
{
	static const char *const offset_modes[] = {
		[SSTRESS_OFFSET_FIXED] = "fixed",
		[SSTRESS_OFFSET_SWEEP] = "sweep",
		[SSTRESS_OFFSET_RANDOM] = "random",
	};
	const char *sep = "";
	int i;

	seq_printf(m, "op=map_single threads=%u iterations=%llu duration_ms=%u size_min=%u size_max=%u offset=",
		   spec->threads, spec->iterations, spec->duration_ms,
		   spec->size_min, spec->size_max);
	if (spec->offset_mode == SSTRESS_OFFSET_FIXED)
		seq_printf(m, "%u", spec->offset);
	else
		seq_puts(m, offset_modes[spec->offset_mode]);
	seq_printf(m, " offset_step=%u dir=", spec->offset_step);
	for (i = 0; i < ARRAY_SIZE(sstress_dir_names); i++) {
		if (spec->dirs & BIT(i)) {
			seq_printf(m, "%s%s", sep, sstress_dir_names[i]);
			sep = ",";
		}
	}
	seq_printf(m, " place=%s seed=%llu oversize=%d",
		   spec->place == SSTRESS_PLACE_HIGH ? "high" : "any",
		   spec->seed, spec->oversize);
}

static void sstress_iter_map_single(struct sstress_thread *t, u64 iter)
{
	const struct sstress_spec *spec = &t->run->spec;
	struct sstress_dev *sd = t->run->sd;
	struct device *dev = &sd->dev;
	struct sstress_stats *st = &t->stats;
	struct sstress_map_ctx mc = { .op = "map_single" };
	unsigned long attrs = 0;
	unsigned int ndirs = hweight32(spec->dirs), pick, i;
	u32 tag, tag_dev;

	mc.size = spec->size_min;
	if (spec->size_max > spec->size_min)
		mc.size += sstress_rand(t) % (spec->size_max - spec->size_min + 1);
	switch (spec->offset_mode) {
	case SSTRESS_OFFSET_FIXED:
		mc.offset = spec->offset;
		break;
	case SSTRESS_OFFSET_SWEEP:
		mc.offset = (iter * spec->offset_step) % PAGE_SIZE;
		break;
	case SSTRESS_OFFSET_RANDOM:
		mc.offset = sstress_rand(t) % PAGE_SIZE;
		break;
	}
	/* The enabled directions in turn. */
	pick = iter % ndirs;
	for (i = 0; i < ARRAY_SIZE(sstress_dirs); i++) {
		if ((spec->dirs & BIT(i)) && !pick--)
			break;
	}
	mc.dir = sstress_dirs[i];

	/* The first page of the buffer holds the low guard. */
	mc.cpu = t->buf + PAGE_SIZE + mc.offset;
	mc.phys = virt_to_phys(mc.cpu);
	tag = (u32)sstress_rand(t);
	tag_dev = tag ^ 0x5a5a5a5a;
	sstress_pattern_fill(mc.cpu, mc.size, tag);
	memcpy((u8 *)mc.cpu - SSTRESS_GUARD, t->guard_lo, SSTRESS_GUARD);
	memcpy((u8 *)mc.cpu + mc.size, t->guard_hi, SSTRESS_GUARD);

	/* Failure is what an oversize run asks to see: no log noise. */
	if (spec->oversize)
		attrs |= DMA_ATTR_NO_WARN;
	mc.dma = dma_map_single_attrs(dev, mc.cpu, mc.size, mc.dir, attrs);
	st->maps++;
	if (dma_mapping_error(dev, mc.dma)) {
		st->map_errors++;
		return;
	}
	st->bytes_mapped += mc.size;
	sstress_check_mapping(sd, st, &mc);

	/* The device side: it reads what the CPU wrote, then writes back. */
	if (mc.dir != DMA_FROM_DEVICE)
		sstress_check_dev_data(sd, st, &mc, tag);
	if (mc.dir != DMA_TO_DEVICE && sstress_dev_fill(sd, mc.dma, mc.size, tag_dev))
		st->data_failures++;

	dma_unmap_single_attrs(dev, mc.dma, mc.size, mc.dir, 0);

	if (mc.dir == DMA_TO_DEVICE)
		sstress_check_cpu_data(sd, st, &mc, tag, "cpu-unchanged");
	else
		sstress_check_cpu_data(sd, st, &mc, tag_dev, "data-from-device");
	sstress_check_guards(sd, st, &mc, t->guard_lo, t->guard_hi,
			     SSTRESS_GUARD);
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

	while (!kthread_should_stop() && !sstress_budget_spent(t)) {
		sstress_iter_map_single(t, t->stats.iterations);
		t->stats.iterations++;
		WRITE_ONCE(t->progress, t->stats.iterations);
		cond_resched();
	}
	t->end_ns = ktime_get_ns();
	/* Publishes stats and end_ns to sstress_run_report(). */
	smp_store_release(&t->done, true);
	atomic_dec(&t->run->live);
	return 0;
}

static size_t sstress_buf_bytes(const struct sstress_spec *spec)
{
	/* Guard page, up to a page of offset, the mapping, the high guard. */
	return 2 * PAGE_SIZE + spec->size_max + SSTRESS_GUARD;
}

/*
 * A buffer for one thread. place=high wants one the device cannot reach
 * directly; when the machine has none, any buffer does and the report's
 * buffers_beyond_mask says so.
 */
static int sstress_thread_alloc(struct sstress_thread *t)
{
	const struct sstress_spec *spec = &t->run->spec;
	u64 reach = sstress_dev_reach(t->run->sd);
	struct page *rejected[SSTRESS_PLACE_TRIES];
	unsigned int nrejected = 0, i;
	struct page *page;

	t->order = get_order(sstress_buf_bytes(spec));
	for (;;) {
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				   t->order);
		if (!page || spec->place != SSTRESS_PLACE_HIGH ||
		    page_to_phys(page) > reach ||
		    nrejected == SSTRESS_PLACE_TRIES)
			break;
		rejected[nrejected++] = page;
	}
	if (!page && nrejected)
		page = rejected[--nrejected];
	for (i = 0; i < nrejected; i++)
		__free_pages(rejected[i], t->order);
	if (!page)
		return -ENOMEM;

	t->pages = page;
	t->buf = page_address(page);
	t->stats.buffers++;
	if (page_to_phys(page) > reach)
		t->stats.buffers_beyond_mask++;
	sstress_pattern_fill(t->guard_lo, SSTRESS_GUARD, 0xa5a5a5a5 + t->idx);
	sstress_pattern_fill(t->guard_hi, SSTRESS_GUARD, 0x3c3c3c3c + t->idx);
	return 0;
}

/* Checks what only the device knows; the parser checked the rest. */
static int sstress_spec_fits_device(struct sstress_dev *sd,
				    const struct sstress_spec *spec)
{
	size_t max = dma_max_mapping_size(&sd->dev);
	u64 mem = (u64)spec->threads *
		  (PAGE_SIZE << get_order(sstress_buf_bytes(spec)));

	if (spec->size_max > max && !spec->oversize) {
		sstress_reject("%s: run: size %u exceeds dma_max_mapping_size %zu (see oversize=)",
			       sd->name, spec->size_max, max);
		return -EINVAL;
	}
	if (mem > SSTRESS_MAX_RUN_MEMORY) {
		sstress_reject("%s: run: buffers need %llu bytes, the limit is %u",
			       sd->name, mem, SSTRESS_MAX_RUN_MEMORY);
		return -EINVAL;
	}
	return 0;
}

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

/* Reaps the threads; the run's results stay readable. */
void sstress_run_stop(struct sstress_dev *sd)
{
	struct sstress_run *run = sd->run;
	unsigned int i;

	lockdep_assert_held(&sd->lock);
	if (!run)
		return;
	if (run->state == SSTRESS_RUN_RUNNING) {
		run->state = atomic_read(&run->live) ? SSTRESS_RUN_STOPPED :
						       SSTRESS_RUN_DONE;
		run->stop_ns = ktime_get_ns();
	}
	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];

		if (!t->task)
			continue;
		kthread_stop(t->task);
		put_task_struct(t->task);
		t->task = NULL;
	}
}

/* Frees a stopped run. */
void sstress_run_free(struct sstress_dev *sd)
{
	struct sstress_run *run = sd->run;
	unsigned int i;

	lockdep_assert_held(&sd->lock);
	if (!run)
		return;
	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];

		WARN_ON_ONCE(t->task);
		if (t->pages)
			__free_pages(t->pages, t->order);
	}
	kfree(run);
	sd->run = NULL;
}

int sstress_run_start(struct sstress_dev *sd, const struct sstress_spec *spec)
{
	struct sstress_run *run;
	unsigned int i;
	int ret;

	mutex_lock(&sd->lock);
	if (sd->dying) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (sstress_run_state(sd) == SSTRESS_RUN_RUNNING) {
		sstress_reject("%s: run: already running; write 'stop' first",
			       sd->name);
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = sstress_spec_fits_device(sd, spec);
	if (ret)
		goto out_unlock;

	run = kzalloc(struct_size(run, threads, spec->threads), GFP_KERNEL);
	if (!run) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	run->sd = sd;
	run->spec = *spec;
	if (!run->spec.seed)
		run->spec.seed = get_random_u64() ?: 1;
	run->nthreads = spec->threads;
	run->state = SSTRESS_RUN_RUNNING;

	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];

		t->run = run;
		t->idx = i;
		/* Never zero, or xorshift stays at zero. */
		t->rng = (run->spec.seed ^ (0x9e3779b97f4a7c15ULL * (i + 1))) | 1;
		ret = sstress_thread_alloc(t);
		if (ret) {
			sstress_reject("%s: run: no memory for a %zu-byte buffer",
				       sd->name, sstress_buf_bytes(spec));
			goto err_free_run;
		}
		t->task = kthread_create(sstress_thread_fn, t, "sstress/%s:%u",
					 sd->name, i);
		if (IS_ERR(t->task)) {
			ret = PTR_ERR(t->task);
			t->task = NULL;
			goto err_free_run;
		}
		get_task_struct(t->task);
	}

	/* The previous run's results are replaced only by a started run. */
	sstress_run_stop(sd);
	sstress_run_free(sd);
	sd->run = run;
	atomic_set(&run->live, run->nthreads);
	run->start_ns = ktime_get_ns();
	for (i = 0; i < run->nthreads; i++)
		wake_up_process(run->threads[i].task);
	mutex_unlock(&sd->lock);
	return 0;

err_free_run:
	/* Threads that never ran exit at once from kthread_stop(). */
	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];

		if (t->task) {
			kthread_stop(t->task);
			put_task_struct(t->task);
			t->task = NULL;
		}
		if (t->pages)
			__free_pages(t->pages, t->order);
	}
	kfree(run);
out_unlock:
	mutex_unlock(&sd->lock);
	return ret;
}

static void sstress_stats_add(struct sstress_stats *tot,
			      const struct sstress_stats *s)
{
	unsigned int i;

	tot->iterations += s->iterations;
	tot->maps += s->maps;
	tot->map_errors += s->map_errors;
	tot->bytes_mapped += s->bytes_mapped;
	tot->bounced += s->bounced;
	tot->bounced_force += s->bounced_force;
	tot->bounced_mask += s->bounced_mask;
	tot->bounced_other += s->bounced_other;
	tot->direct += s->direct;
	tot->offset_checked += s->offset_checked;
	tot->offset_failures += s->offset_failures;
	tot->data_checked += s->data_checked;
	tot->data_failures += s->data_failures;
	tot->guard_failures += s->guard_failures;
	tot->buffers_beyond_mask += s->buffers_beyond_mask;
	tot->buffers += s->buffers;
	for (i = 0; i < s->nfailures && tot->nfailures < ARRAY_SIZE(tot->first); i++)
		tot->first[tot->nfailures++] = s->first[i];
}

static const char *sstress_mechanism(const struct sstress_stats *tot)
{
	unsigned int kinds = !!tot->bounced_force + !!tot->bounced_mask +
			     !!tot->bounced_other;

	if (!kinds)
		return "none";
	if (kinds > 1)
		return "mixed";
	if (tot->bounced_force)
		return "force (swiotlb=force bounces every mapping)";
	if (tot->bounced_mask)
		return "mask (buffers beyond the device's DMA mask)";
	return "other (bounced for a reason the harness cannot name)";
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
	u64 progress = 0, end_ns = 0;
	unsigned int i, finished = 0;

	tot = kzalloc(sizeof(*tot), GFP_KERNEL);
	mutex_lock(&sd->lock);
	run = sd->run;
	state = sstress_run_state(sd);
	seq_printf(m, "version: %d\n", SSTRESS_REPORT_VERSION);
	seq_printf(m, "device: %s\n", sd->name);
	seq_printf(m, "profile: %s\n", sd->profile->name);
	seq_printf(m, "state: %s\n", states[state]);
	if (!run || !tot)
		goto out_unlock;

	for (i = 0; i < run->nthreads; i++) {
		struct sstress_thread *t = &run->threads[i];

		progress += READ_ONCE(t->progress);
		/* Pairs with the release in sstress_thread_fn(). */
		if (!smp_load_acquire(&t->done))
			continue;
		finished++;
		end_ns = max(end_ns, t->end_ns);
		sstress_stats_add(tot, &t->stats);
	}
	if (finished < run->nthreads)
		end_ns = run->stop_ns ?: ktime_get_ns();

	seq_puts(m, "spec: ");
	sstress_spec_show(m, &run->spec);
	seq_putc(m, '\n');
	seq_printf(m, "seed: %llu\n", run->spec.seed);
	seq_printf(m, "threads: %u\n", run->nthreads);
	seq_printf(m, "threads_finished: %u\n", finished);
	seq_printf(m, "iterations: %llu\n", progress);
	seq_printf(m, "elapsed_ms: %llu\n", (end_ns - run->start_ns) / NSEC_PER_MSEC);
	if (state == SSTRESS_RUN_RUNNING) {
		/* Counters are merged once threads finish; no verdict yet. */
		goto out_unlock;
	}
	seq_printf(m, "maps: %llu\n", tot->maps);
	seq_printf(m, "map_errors: %llu\n", tot->map_errors);
	seq_printf(m, "bytes_mapped: %llu\n", tot->bytes_mapped);
	seq_printf(m, "buffers: %llu\n", tot->buffers);
	seq_printf(m, "buffers_beyond_mask: %llu\n", tot->buffers_beyond_mask);
	seq_printf(m, "bounced: %llu\n", tot->bounced);
	seq_printf(m, "bounced_force: %llu\n", tot->bounced_force);
	seq_printf(m, "bounced_mask: %llu\n", tot->bounced_mask);
	seq_printf(m, "bounced_other: %llu\n", tot->bounced_other);
	seq_printf(m, "direct: %llu\n", tot->direct);
	seq_printf(m, "bounce_mechanism: %s\n", sstress_mechanism(tot));
	seq_printf(m, "offset_checked: %llu\n", tot->offset_checked);
	seq_printf(m, "offset_failures: %llu\n", tot->offset_failures);
	seq_printf(m, "data_checked: %llu\n", tot->data_checked);
	seq_printf(m, "data_failures: %llu\n", tot->data_failures);
	seq_printf(m, "guard_failures: %llu\n", tot->guard_failures);
	sstress_checks_report(m, sd, tot);
out_unlock:
	mutex_unlock(&sd->lock);
	kfree(tot);
}
