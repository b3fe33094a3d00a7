/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swiotlb_stress: internal interfaces between the parts of the module.
 *
 * The layers, bottom first; each calls only the ones below it
 * (tools/deps-check.sh checks that on the built objects):
 *
 *   dev.c, profiles.c, fake_nvme_dev.c, fake_sas_dev.c, edu.c, rpool.c
 *                  the device model: bus, device lifetime and registry,
 *                  DMA queries, the profiles, the CPU and edu backends,
 *                  the restricted-pool platform devices
 *   runspec.c      the run spec: op and sync names, parsing, printing
 *   stats.c        counters and latency, the check and error names
 *   checks.c       what each side of a mapping must see; the verdicts
 *   storm.c        the storm engine: threads, runs, reports
 *   debugfs_ctl.c  the control files: writes into calls, reports into
 *                  text; the per-device create and delete sequences
 *   swiotlb_stress.c  module init and exit, wiring the layers
 *
 * The device model reaches what the layers above keep per device (its
 * control files, its run) only through struct sstress_dev_hooks, which
 * the control layer provides.
 *
 * Data flows one way: the control interface parses user requests into a
 * device description or a run spec; the device model and its profiles
 * create fake devices; the storm engine drives the DMA API on them and
 * feeds every mapping to the checks, which count into per-thread stats;
 * the reports turn the merged stats into key: value lines.
 */
#ifndef _SSTRESS_H
#define _SSTRESS_H

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include "swiotlb_stress_uapi.h"

struct dentry;
struct sstress_dev;

/* ---- device profiles (profiles.c, fake_nvme_dev.c, fake_sas_dev.c) ---- */

/*
 * A device's DMA configuration as a driver's probe sets it through the DMA
 * API. A profile fills one in, a pure function of what the bus tells a
 * driver; the overrides of new_device fill another, which replaces what
 * it names; sstress_dev_configure() applies the result in a driver's
 * order: both masks, then the streaming mask, the coherent mask and the
 * DMA parameters. A zero mask or a clear has_* flag leaves what the bus
 * gave.
 */
struct sstress_dma_cfg {
	unsigned int masks_bits;	/* dma_set_mask_and_coherent() */
	unsigned int masks_fallback_bits; /* tried if masks_bits is refused */
	const char *masks_source;	/* config's mask_source after masks_bits */
	unsigned int mask_bits;		/* dma_set_mask() alone */
	const char *mask_source;	/* config's mask_source after mask_bits */
	unsigned int coherent_bits;	/* dma_set_coherent_mask() alone */
	unsigned int min_align_mask;
	unsigned int max_seg_size;
	unsigned long seg_boundary;
	bool has_min_align_mask;
	bool has_max_seg_size;
	bool has_seg_boundary;
};

/* What the user asked for at creation: the profile and its overrides. */
struct sstress_dev_opts {
	char name[SSTRESS_NAME_MAX];
	const struct sstress_profile *profile;
	struct sstress_dma_cfg over;
};

struct sstress_profile {
	const char *name;
	const char *purpose;
	/*
	 * Fills in the DMA configuration the mirrored driver applies in its
	 * probe, from the bus's dma_get_required_mask(). Touches no device.
	 */
	void (*fill)(struct sstress_dma_cfg *cfg, u64 required_mask);
};

extern const struct sstress_profile sstress_profile_nvme;
extern const struct sstress_profile sstress_profile_sas;
extern const struct sstress_profile sstress_profile_legacy;
extern const struct sstress_profile sstress_profile_custom;
extern const struct sstress_profile sstress_profile_edu;
extern const struct sstress_profile sstress_profile_rpool;
extern const struct sstress_profile sstress_profile_platform;

const struct sstress_profile *sstress_profile_find(const char *name);
void sstress_profiles_show(struct seq_file *m);
int sstress_profile_apply(struct sstress_dev *sd,
			  const struct sstress_dev_opts *opts);
int sstress_dev_configure(struct sstress_dev *sd,
			  const struct sstress_dma_cfg *cfg,
			  const struct sstress_dma_cfg *asked);

/* ---- run spec (runspec.c): the words and the spec storm.c runs ---- */

enum sstress_op {
	SSTRESS_OP_MAP_SINGLE,
	SSTRESS_OP_MAP_PAGE,
	SSTRESS_OP_MAP_SG,
	SSTRESS_OP_ALLOC_COHERENT,
	SSTRESS_OP_MAX_SIZE,	/* map_single of exactly dma_max_mapping_size() */
	SSTRESS_NR_OPS,
};

/* runspec.c */
extern const char *const sstress_op_names[SSTRESS_NR_OPS];
extern const char *const sstress_sync_names[3];

enum sstress_dir_bit {
	SSTRESS_DIR_TO = BIT(0),
	SSTRESS_DIR_FROM = BIT(1),
	SSTRESS_DIR_BIDI = BIT(2),
};

enum sstress_offset_mode {
	SSTRESS_OFFSET_FIXED,
	SSTRESS_OFFSET_SWEEP,
	SSTRESS_OFFSET_RANDOM,
};

enum sstress_place {
	SSTRESS_PLACE_ANY,
	SSTRESS_PLACE_HIGH,	/* buffers beyond the device's DMA mask */
};

enum sstress_sync {
	SSTRESS_SYNC_NONE,
	SSTRESS_SYNC_WHOLE,	/* dma_sync_single_for_*() over the mapping */
	SSTRESS_SYNC_RANGE,	/* dma_sync_single_range_for_*() sub-ranges */
};

#define SSTRESS_MAX_LIVE	256	/* mappings held at once per thread */
#define SSTRESS_MAX_SEGS	16	/* scatterlist entries per map_sg */

/* A validated run request; see sstress_spec_parse() for the syntax. */
struct sstress_spec {
	enum sstress_op op;
	u32 threads;
	u64 iterations;		/* per thread; 0 when bounded by time */
	u32 duration_ms;	/* 0 when bounded by count */
	u32 size_min;
	u32 size_max;
	enum sstress_offset_mode offset_mode;
	u32 offset;
	u32 offset_step;
	u32 dirs;		/* mask of enum sstress_dir_bit */
	enum sstress_place place;
	enum sstress_sync sync;
	u32 live;		/* mappings held before unmapping them all */
	u32 segs;		/* scatterlist entries, map_sg only */
	u64 seed;
	bool oversize;
	bool partial;		/* the device writes a random sub-range only */
	bool skip_cpu_sync;	/* DMA_ATTR_SKIP_CPU_SYNC, explicit syncs */
	bool pin;		/* thread i runs only on the i-th online CPU */
	/*
	 * verify=0 times map and unmap only, as kernel/dma/map_benchmark.c
	 * does: no pattern, no shadows, no device side, no syncs.
	 */
	bool verify;
	u32 hang_ms;		/* a DMA call this slow is a hang */
	u32 sync_off;		/* sync=range: a fixed range, when sync_len */
	u32 sync_len;
};

/* One CPU buffer region a thread maps, with what each side should see. */
struct sstress_region {
	struct page *pages;
	unsigned int order;
	u8 *va;
	u8 *shadow_cpu;		/* expected CPU buffer, by byte of mapping */
	u8 *shadow_dev;		/* expected device view, by byte of mapping */
	u8 guard_lo[64];
	u8 guard_hi[64];
	bool beyond_mask;
};

/* One mapped segment: the whole of a map_single, or one sg entry. */
struct sstress_seg {
	struct sstress_region *rg;
	u8 *cpu;
	phys_addr_t phys;
	dma_addr_t dma;
	phys_addr_t dev_phys;	/* what the device reaches through dma */
	u32 len;
	u32 offset;		/* cpu's offset in its page */
	u32 wr_off, wr_len;	/* what the device wrote */
	bool bounced;
};

/* What a failure log line and the report tell about one failure. */
#define SSTRESS_FAILURE_BYTES	8

struct sstress_failure {
	const char *check;
	enum sstress_op op;
	enum dma_data_direction dir;
	u32 size;
	u32 offset;
	dma_addr_t dma;
	phys_addr_t phys;
	u32 at;			/* byte index of the first bad byte */
	u8 expected[SSTRESS_FAILURE_BYTES];
	u8 seen[SSTRESS_FAILURE_BYTES];
	unsigned int nbytes;
};

/* The checks, each with its own counters and verdict. */
enum sstress_check {
	SSTRESS_CHECK_OFFSET,
	SSTRESS_CHECK_DATA,
	SSTRESS_CHECK_STALE,
	SSTRESS_CHECK_SYNC_FOR_DEVICE,
	SSTRESS_CHECK_OVERLAP,
	SSTRESS_CHECK_MAX_MAPPING,
	SSTRESS_CHECK_ERRORS,
	SSTRESS_CHECK_HANG,
	SSTRESS_CHECK_ALIGN,
	SSTRESS_CHECK_SEARCH,
	SSTRESS_CHECK_IN_POOL,
	SSTRESS_NR_CHECKS,
};

/* stats.c */
extern const char *const sstress_check_names[SSTRESS_NR_CHECKS];

/* Why a map failed, as far as the harness can tell. */
enum sstress_err {
	SSTRESS_ERR_TOO_LARGE,		/* past dma_max_mapping_size() */
	SSTRESS_ERR_NO_POOL,		/* needs bouncing, no bounce pool */
	SSTRESS_ERR_POOL_FULL,		/* needs bouncing, pool in use */
	SSTRESS_ERR_IDLE_POOL,		/* needs bouncing, pool idle: refused */
	SSTRESS_ERR_POOL_TOO_SMALL,	/* larger than the whole pool */
	SSTRESS_ERR_ALIGN,		/* min_align_mask leaves no room */
	SSTRESS_ERR_UNEXPECTED,		/* nothing explains it */
	/* alloc_coherent: no free memory in reach, as the API allows */
	SSTRESS_ERR_NO_MEMORY,
	SSTRESS_NR_ERRS,
};

/* stats.c */
extern const char *const sstress_err_names[SSTRESS_NR_ERRS];

/* Latency in ns: 8 linear sub-buckets per power of two (12% resolution). */
#define SSTRESS_HIST_SUB	8
#define SSTRESS_HIST_BUCKETS	(64 * SSTRESS_HIST_SUB)

struct sstress_lat {
	u64 count;
	u64 sum;
	/* Sum of each sample cut to 100 ns, dma_map_benchmark's estimator. */
	u64 sum_100ns;
	u64 min;
	u64 max;
	/* u64: a u32 bucket wraps in a long run, and so do its percentiles. */
	u64 hist[SSTRESS_HIST_BUCKETS];
};

/* Counters of one thread, merged into a run's totals once it has ended. */
struct sstress_stats {
	u64 iterations;
	u64 maps;
	u64 map_errors;
	u64 errs[SSTRESS_NR_ERRS];
	u64 bytes_mapped;
	u64 segments;
	u64 sg_merged;		/* map_sg entries merged into another's segment */
	u64 bounced;
	u64 bounced_force;
	u64 bounced_mask;
	u64 bounced_other;
	u64 direct;
	u64 checked[SSTRESS_NR_CHECKS];
	u64 failed[SSTRESS_NR_CHECKS];
	u64 buffers_beyond_mask;
	u64 buffers;
	u64 max_live;		/* most mappings held at once */
	long pool_peak;		/* most pool slots in use seen, -1: unknown */
	long transient_peak;	/* most transient-pool slots seen, -1: unknown */
	long pool_used_at_fail;	/* pool slots in use at the first map error */
	u64 first_fail_ns;	/* when that was, 0: no map error */
	struct sstress_lat lat_map;
	struct sstress_lat lat_unmap;
	unsigned int nfailures;	/* entries used in first[] */
	struct sstress_failure first[4];
};

enum sstress_run_state {
	SSTRESS_RUN_IDLE,
	SSTRESS_RUN_RUNNING,
	SSTRESS_RUN_DONE,
	SSTRESS_RUN_STOPPED,
};

/* ---- run spec parsing and printing (runspec.c) ---- */

#define SSTRESS_MAX_KEYS	16

/* One field of a control-file write: "key=value", or a bare word. */
struct sstress_kv {
	char *key;
	char *val;	/* NULL for a bare word */
};

int sstress_split(char *line, struct sstress_kv *kv, const char *what);
int sstress_parse_u64(const struct sstress_kv *kv, u64 min, u64 max, u64 *out,
		      const char *what);
int sstress_parse_u32(const struct sstress_kv *kv, u32 min, u32 max, u32 *out,
		      const char *what);
int sstress_spec_parse(struct sstress_dev *sd, char *line,
		       struct sstress_spec *spec);
void sstress_spec_show(struct seq_file *m, const struct sstress_spec *spec);

/* ---- storm engine (storm.c) ---- */

struct sstress_run;

void sstress_run_spec_show(struct seq_file *m, struct sstress_dev *sd);
int sstress_run_start(struct sstress_dev *sd, const struct sstress_spec *spec);
int sstress_run_stop(struct sstress_dev *sd);
void sstress_run_free(struct sstress_dev *sd);
unsigned int sstress_run_live(struct sstress_dev *sd);
enum sstress_run_state sstress_run_state(struct sstress_dev *sd);
void sstress_run_report(struct seq_file *m, struct sstress_dev *sd);

/* ---- checks (checks.c) ---- */

/* What the checks need to know of the mapping under test. */
struct sstress_ctx {
	struct sstress_dev *sd;
	struct sstress_stats *st;
	enum sstress_op op;
	enum dma_data_direction dir;
};

void sstress_pattern_fill(void *buf, size_t len, u32 tag, size_t base);
void sstress_cpu_write(const struct sstress_ctx *c, struct sstress_seg *s,
		       u32 off, u32 len, u32 tag);
void sstress_dev_write(const struct sstress_ctx *c, struct sstress_seg *s,
		       u32 off, u32 len, u32 tag);
void sstress_synced_to_dev(struct sstress_seg *s, u32 off, u32 len);
void sstress_synced_to_cpu(struct sstress_seg *s, u32 off, u32 len);
void sstress_check_mapped(const struct sstress_ctx *c, struct sstress_seg *s);
bool sstress_check_pool_known(struct sstress_dev *sd);
void sstress_check_in_pool(const struct sstress_ctx *c,
			   const struct sstress_seg *s);
bool sstress_check_dev_view(const struct sstress_ctx *c,
			    const struct sstress_seg *s,
			    enum sstress_check check);
bool sstress_check_cpu_view(const struct sstress_ctx *c,
			    const struct sstress_seg *s, u32 off, u32 len,
			    bool unmapped);
void sstress_check_guards(const struct sstress_ctx *c,
			  const struct sstress_seg *s);
void sstress_check_overlap(const struct sstress_ctx *c,
			   struct sstress_seg **segs, unsigned int n);
void sstress_count_map_error(const struct sstress_ctx *c, size_t size,
			     phys_addr_t phys, bool pool_busy);
void sstress_count_alloc_error(const struct sstress_ctx *c, size_t size);
void sstress_record_failure(const struct sstress_ctx *c,
			    enum sstress_check check, const struct sstress_seg *s,
			    u32 at, const u8 *expected, const u8 *seen);
void sstress_checks_report(struct seq_file *m, struct sstress_dev *sd,
			   const struct sstress_spec *spec,
			   const struct sstress_stats *tot, bool hung);

/* ---- stats (stats.c) ---- */

void sstress_lat_add(struct sstress_lat *l, u64 ns);
void sstress_stats_init(struct sstress_stats *st);
void sstress_stats_add(struct sstress_stats *tot, const struct sstress_stats *s);
void sstress_stats_report(struct seq_file *m, struct sstress_dev *sd,
			  const struct sstress_stats *tot);

/* ---- device backends: who plays the device side of a mapping ---- */

/*
 * The device side of the checks. @walk reads or writes the device's view
 * of a segment's bytes [off, off + len): with @src it writes them (a device
 * write); otherwise it compares them with @expect and returns the index of
 * the first bad byte, copying up to SSTRESS_FAILURE_BYTES of what it saw to
 * @seen, or -1 when all match. A device access that could not be made
 * returns @off, with the reason logged.
 */
struct sstress_backend {
	const char *name;
	long (*walk)(struct sstress_dev *sd, const struct sstress_seg *s,
		     u32 off, u32 len, const u8 *src, const u8 *expect,
		     u8 *seen);
};

/* The CPU at dma_to_phys() (or the IOMMU's translation): dev.c. */
extern const struct sstress_backend sstress_backend_cpu;
/* QEMU's edu DMA engine: edu.c. */
extern const struct sstress_backend sstress_backend_edu;

struct sstress_edu;

int sstress_edu_init(void);
void sstress_edu_exit(void);
int sstress_edu_bind(struct sstress_dev *sd);
void sstress_edu_unbind(struct sstress_dev *sd);
int sstress_edu_ready(struct sstress_dev *sd);
void sstress_edu_config_show(struct seq_file *m, struct sstress_dev *sd);
/*
 * Longest mapping an edu run may check: each 4 KiB of a device access
 * costs two DMAs of about 100 ms each. 256 KiB is SWIOTLB's largest
 * mapping (IO_TLB_SEGSIZE slots), so op=max_size still fits.
 */
#define SSTRESS_EDU_MAX_SIZE	(256U << 10)
/*
 * A thread waits for the engine (a mutex, uninterruptible) while the other
 * threads make their device accesses; a run's threads times its longest
 * access must stay this far under the hung-task timeout (120 s by default
 * and in tools/kconfig/debug.config), with room for mutex unfairness.
 */
#define SSTRESS_EDU_MAX_WAIT_MS	30000U
unsigned int sstress_edu_access_ms(u32 len);

/* Restricted-pool platform devices (rpool.c), played by the CPU backend. */
struct sstress_rpool;

int sstress_rpool_init(void);
void sstress_rpool_exit(void);
int sstress_rpool_bind(struct sstress_dev *sd, bool plain);
void sstress_rpool_unbind(struct sstress_dev *sd);
void sstress_rpool_config_show(struct seq_file *m, struct sstress_dev *sd);

/* ---- the device model (dev.c) ---- */

struct sstress_dev {
	struct device dev;
	/*
	 * The device the DMA API is called on: &dev for a fake device, the
	 * PCI device for an edu device, the platform device for a
	 * restricted-pool one, so dma-direct, dma-iommu and SWIOTLB treat it
	 * as the real device it is.
	 */
	struct device *dma_dev;
	const struct sstress_backend *backend;
	/* The edu PCI device this one drives, or NULL. */
	struct sstress_edu *edu;
	/* The restricted-pool platform device this one drives, or NULL. */
	struct sstress_rpool *rpool;
	/* Storage for dev.dma_parms, as a bus provides it for its devices. */
	struct device_dma_parameters dma_parms;
	/* Storage for *dev.dma_mask. */
	u64 dma_mask;
	const struct sstress_profile *profile;
	/* Who chose the streaming mask: "driver", "bus-default", ... */
	const char *mask_source;
	/* dma_get_required_mask() at creation, as the sas profile saw it. */
	u64 required_mask;
	char name[SSTRESS_NAME_MAX];

	/* On sstress_devices; protected by sstress_devices_lock. */
	struct list_head node;
	/* Set under sstress_devices_lock once teardown has begun. */
	bool dying;
	struct dentry *debugfs;

	/*
	 * Protects @run and the run's state; taken by reports, so held only
	 * for moments: never while waiting for threads or debugfs removal.
	 */
	struct mutex lock;
	struct sstress_run *run;
	/*
	 * Serializes starting, stopping and freeing the run, and keeps it
	 * from being freed while held; the waits for its threads happen
	 * under it alone. Taken before @lock.
	 */
	struct mutex stop_lock;
};

static inline struct sstress_dev *to_sstress_dev(struct device *dev)
{
	return container_of(dev, struct sstress_dev, dev);
}

/*
 * What the layers above keep per device, added and removed by the device
 * model without knowing what it is (the control layer's files and run).
 */
struct sstress_dev_hooks {
	/* Under the registry lock, once the device is added: 0 or -errno. */
	int (*add)(struct sstress_dev *sd);
	/*
	 * Under the registry lock and sd->lock, before a destroy: 0, or
	 * -EBUSY with the reason logged when teardown would have to wait.
	 */
	int (*busy)(struct sstress_dev *sd);
	/* Teardown of a dying device: returns once nothing of it is used. */
	void (*remove)(struct sstress_dev *sd);
};

int sstress_dev_init(const struct sstress_dev_hooks *hooks);
void sstress_dev_enable(void);
void sstress_dev_destroy_all(void);
void sstress_dev_wait_released(void);
void sstress_dev_exit(void);
int sstress_dev_create(const struct sstress_dev_opts *opts);
int sstress_dev_destroy(const char *name);
void sstress_dev_config_show(struct seq_file *m, struct sstress_dev *sd);
bool sstress_dev_is_bounce_forced(struct sstress_dev *sd);
bool sstress_dev_has_pool(struct sstress_dev *sd);
bool sstress_dev_pool_fits(struct sstress_dev *sd, size_t size);
u64 sstress_dev_reach(struct sstress_dev *sd);
phys_addr_t sstress_dev_phys(struct sstress_dev *sd, dma_addr_t dma);
const char *sstress_dev_iommu_name(struct sstress_dev *sd);

/* ---- control interface (debugfs_ctl.c) ---- */

int sstress_ctl_init(void);
void sstress_ctl_close(void);
void sstress_ctl_exit(void);
extern const struct sstress_dev_hooks sstress_ctl_dev_hooks;

/*
 * Reasons for rejected requests go to the kernel log, one line each,
 * rate-limited per call site: a fuzzer must not flood the log, and one
 * kind of bad input must not hide the reasons for another.
 */
#define sstress_reject(fmt, ...) \
	pr_warn_ratelimited("rejected: " fmt "\n", ##__VA_ARGS__)

#endif /* _SSTRESS_H */
