// SPDX-License-Identifier: GPL-2.0
/*
 * Run statistics: per-thread counters and latency histograms, merged once
 * the threads have finished, and printed as key: value lines. A leaf: the
 * names of the counters' checks and error classes are kept here, for the
 * checks above to use.
 */
#include <linux/log2.h>
#include <linux/math64.h>

#include "compat.h"
#include "sstress.h"

const char *const sstress_check_names[SSTRESS_NR_CHECKS] = {
	[SSTRESS_CHECK_OFFSET] = "offset",
	[SSTRESS_CHECK_DATA] = "data",
	[SSTRESS_CHECK_STALE] = "stale",
	[SSTRESS_CHECK_SYNC_FOR_DEVICE] = "sync_for_device",
	[SSTRESS_CHECK_OVERLAP] = "overlap",
	[SSTRESS_CHECK_MAX_MAPPING] = "max_mapping",
	[SSTRESS_CHECK_ERRORS] = "errors",
	[SSTRESS_CHECK_HANG] = "hang",
	[SSTRESS_CHECK_ALIGN] = "align",
	[SSTRESS_CHECK_SEARCH] = "search",
	[SSTRESS_CHECK_IN_POOL] = "in_pool",
};

const char *const sstress_err_names[SSTRESS_NR_ERRS] = {
	[SSTRESS_ERR_TOO_LARGE] = "too_large",
	[SSTRESS_ERR_NO_POOL] = "no_pool",
	[SSTRESS_ERR_POOL_FULL] = "pool_full",
	[SSTRESS_ERR_IDLE_POOL] = "idle_pool",
	[SSTRESS_ERR_POOL_TOO_SMALL] = "pool_too_small",
	[SSTRESS_ERR_ALIGN] = "align",
	[SSTRESS_ERR_UNEXPECTED] = "unexpected",
	[SSTRESS_ERR_NO_MEMORY] = "no_memory",
};

/* Bucket of @ns: 8 linear steps within each power of two. */
static unsigned int sstress_lat_bucket(u64 ns)
{
	unsigned int shift;

	if (ns < SSTRESS_HIST_SUB)
		return ns;
	shift = ilog2(ns) - ilog2(SSTRESS_HIST_SUB);
	return (shift + 1) * SSTRESS_HIST_SUB +
	       ((ns >> shift) - SSTRESS_HIST_SUB);
}

/* The smallest value that falls in bucket @b's successor: an upper bound. */
static u64 sstress_lat_bucket_top(unsigned int b)
{
	unsigned int shift;

	if (b < SSTRESS_HIST_SUB)
		return b;
	shift = b / SSTRESS_HIST_SUB - 1;
	return (((u64)(b % SSTRESS_HIST_SUB) + SSTRESS_HIST_SUB + 1) << shift) - 1;
}

void sstress_lat_add(struct sstress_lat *l, u64 ns)
{
	l->count++;
	l->sum += ns;
	l->sum_100ns += div_u64(ns, 100);
	l->min = min(l->min, ns);
	l->max = max(l->max, ns);
	l->hist[min_t(unsigned int, sstress_lat_bucket(ns),
		      SSTRESS_HIST_BUCKETS - 1)]++;
}

void sstress_stats_init(struct sstress_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->lat_map.min = U64_MAX;
	st->lat_unmap.min = U64_MAX;
	st->pool_peak = -1;
	st->transient_peak = -1;
	st->pool_used_at_fail = -1;
}

static void sstress_lat_merge(struct sstress_lat *tot, const struct sstress_lat *l)
{
	unsigned int i;

	tot->count += l->count;
	tot->sum += l->sum;
	tot->sum_100ns += l->sum_100ns;
	tot->min = min(tot->min, l->min);
	tot->max = max(tot->max, l->max);
	for (i = 0; i < SSTRESS_HIST_BUCKETS; i++)
		tot->hist[i] += l->hist[i];
}

void sstress_stats_add(struct sstress_stats *tot, const struct sstress_stats *s)
{
	unsigned int i;

	tot->iterations += s->iterations;
	tot->maps += s->maps;
	tot->map_errors += s->map_errors;
	for (i = 0; i < SSTRESS_NR_ERRS; i++)
		tot->errs[i] += s->errs[i];
	tot->bytes_mapped += s->bytes_mapped;
	tot->segments += s->segments;
	tot->sg_merged += s->sg_merged;
	tot->bounced += s->bounced;
	tot->bounced_force += s->bounced_force;
	tot->bounced_mask += s->bounced_mask;
	tot->bounced_other += s->bounced_other;
	tot->direct += s->direct;
	for (i = 0; i < SSTRESS_NR_CHECKS; i++) {
		tot->checked[i] += s->checked[i];
		tot->failed[i] += s->failed[i];
	}
	tot->buffers_beyond_mask += s->buffers_beyond_mask;
	tot->buffers += s->buffers;
	tot->max_live = max(tot->max_live, s->max_live);
	tot->pool_peak = max(tot->pool_peak, s->pool_peak);
	tot->transient_peak = max(tot->transient_peak, s->transient_peak);
	/* The run's first map error is the earliest of the threads'. */
	if (s->first_fail_ns &&
	    (!tot->first_fail_ns || s->first_fail_ns < tot->first_fail_ns)) {
		tot->first_fail_ns = s->first_fail_ns;
		tot->pool_used_at_fail = s->pool_used_at_fail;
	}
	sstress_lat_merge(&tot->lat_map, &s->lat_map);
	sstress_lat_merge(&tot->lat_unmap, &s->lat_unmap);
	for (i = 0; i < s->nfailures && tot->nfailures < ARRAY_SIZE(tot->first); i++)
		tot->first[tot->nfailures++] = s->first[i];
}

/* Upper bound of the bucket holding the @permille-th value. */
static u64 sstress_lat_pct(const struct sstress_lat *l, unsigned int permille)
{
	u64 want = div_u64(l->count * permille + 999, 1000), seen = 0;
	unsigned int i;

	for (i = 0; i < SSTRESS_HIST_BUCKETS; i++) {
		seen += l->hist[i];
		if (seen >= want)
			return min(sstress_lat_bucket_top(i), l->max);
	}
	return l->max;
}

static void sstress_lat_show(struct seq_file *m, const char *name,
			     const struct sstress_lat *l)
{
	if (!l->count)
		return;
	seq_printf(m, "%s_ns_min: %llu\n", name, l->min);
	seq_printf(m, "%s_ns_avg: %llu\n", name, div64_u64(l->sum, l->count));
	/*
	 * dma_map_benchmark sums each sample cut to 100 ns; the same
	 * estimator here makes the two averages comparable.
	 */
	seq_printf(m, "%s_ns_avg_cut100: %llu\n", name,
		   div64_u64(l->sum_100ns * 100, l->count));
	seq_printf(m, "%s_ns_max: %llu\n", name, l->max);
	seq_printf(m, "%s_ns_p50: %llu\n", name, sstress_lat_pct(l, 500));
	seq_printf(m, "%s_ns_p99: %llu\n", name, sstress_lat_pct(l, 990));
	seq_printf(m, "%s_ns_p999: %llu\n", name, sstress_lat_pct(l, 999));
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

void sstress_stats_report(struct seq_file *m, struct sstress_dev *sd,
			  const struct sstress_stats *tot)
{
	unsigned long nslabs = sstress_swiotlb_nslabs(sd->dma_dev);
	unsigned int i;

	seq_printf(m, "maps: %llu\n", tot->maps);
	seq_printf(m, "map_errors: %llu\n", tot->map_errors);
	for (i = 0; i < SSTRESS_NR_ERRS; i++)
		seq_printf(m, "map_errors_%s: %llu\n", sstress_err_names[i],
			   tot->errs[i]);
	seq_printf(m, "bytes_mapped: %llu\n", tot->bytes_mapped);
	seq_printf(m, "segments: %llu\n", tot->segments);
	seq_printf(m, "sg_merged: %llu\n", tot->sg_merged);
	seq_printf(m, "max_live: %llu\n", tot->max_live);
	seq_printf(m, "buffers: %llu\n", tot->buffers);
	seq_printf(m, "buffers_beyond_mask: %llu\n", tot->buffers_beyond_mask);
	seq_printf(m, "bounced: %llu\n", tot->bounced);
	seq_printf(m, "bounced_force: %llu\n", tot->bounced_force);
	seq_printf(m, "bounced_mask: %llu\n", tot->bounced_mask);
	seq_printf(m, "bounced_other: %llu\n", tot->bounced_other);
	seq_printf(m, "direct: %llu\n", tot->direct);
	seq_printf(m, "bounce_mechanism: %s\n", sstress_mechanism(tot));
	seq_printf(m, "pool_slots: %lu\n", nslabs);
	if (tot->pool_peak < 0)
		seq_puts(m, "pool_peak: unavailable (this kernel keeps no pool count a module can read)\n");
	else
		seq_printf(m, "pool_peak: %ld\n", tot->pool_peak);
	seq_printf(m, "pool_can_grow: %s\n",
		   sstress_swiotlb_can_grow(sd->dma_dev) ?
		   "yes (CONFIG_SWIOTLB_DYNAMIC: transient pools serve what the pool cannot)" :
		   "no");
	if (tot->transient_peak < 0)
		seq_puts(m, "pool_transient_peak: unavailable (no CONFIG_SWIOTLB_DYNAMIC, or no count a module can read)\n");
	else
		seq_printf(m, "pool_transient_peak: %ld\n", tot->transient_peak);
	if (!tot->first_fail_ns)
		seq_puts(m, "pool_headroom_at_first_failure: none (no map error)\n");
	else if (tot->pool_used_at_fail < 0)
		seq_puts(m, "pool_headroom_at_first_failure: unavailable (this kernel keeps no pool count a module can read)\n");
	else
		seq_printf(m, "pool_headroom_at_first_failure: %ld\n",
			   (long)nslabs - tot->pool_used_at_fail);
	for (i = 0; i < SSTRESS_NR_CHECKS; i++) {
		seq_printf(m, "%s_checked: %llu\n", sstress_check_names[i],
			   tot->checked[i]);
		seq_printf(m, "%s_failures: %llu\n", sstress_check_names[i],
			   tot->failed[i]);
	}
	sstress_lat_show(m, "map", &tot->lat_map);
	sstress_lat_show(m, "unmap", &tot->lat_unmap);
}
