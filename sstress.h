/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swiotlb_stress: internal interfaces between the parts of the module.
 *
 * Data flows one way: the control interface parses user requests into a
 * device description or a run spec; the device layer and its profiles
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

#include "include/uapi/swiotlb_stress.h"

struct dentry;
struct sstress_dev;

/* ---- device profiles (profiles.c, fake_nvme_dev.c, fake_sas_dev.c) ---- */

/*
 * What the user asked for at creation. A field whose has_* flag is clear
 * takes the profile's value.
 */
struct sstress_dev_opts {
	char name[SSTRESS_NAME_MAX];
	const struct sstress_profile *profile;
	unsigned int mask_bits;
	unsigned int coherent_bits;
	unsigned int min_align_mask;
	unsigned int max_seg_size;
	unsigned long seg_boundary;
	bool has_mask_bits;
	bool has_coherent_bits;
	bool has_min_align_mask;
	bool has_max_seg_size;
	bool has_seg_boundary;
};

struct sstress_profile {
	const char *name;
	const char *purpose;
	/*
	 * Applies the DMA configuration the mirrored driver applies in its
	 * probe. Called on a device whose dma_mask pointer and dma_parms are
	 * set up, before any override. Returns 0 or -errno with the reason
	 * logged.
	 */
	int (*setup)(struct sstress_dev *sd);
};

extern const struct sstress_profile sstress_profile_nvme;
extern const struct sstress_profile sstress_profile_sas;
extern const struct sstress_profile sstress_profile_legacy;
extern const struct sstress_profile sstress_profile_custom;

const struct sstress_profile *sstress_profile_find(const char *name);
void sstress_profiles_show(struct seq_file *m);
int sstress_profile_apply(struct sstress_dev *sd,
			  const struct sstress_dev_opts *opts);
int sstress_dev_set_mask_bits(struct sstress_dev *sd, unsigned int bits,
			      const char *source);

/* ---- storm engine (storm.c) ---- */

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

/* A validated run request; see sstress_spec_parse() for the syntax. */
struct sstress_spec {
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
	u64 seed;
	bool oversize;
};

/* The checks' view of one mapping, filled by the engine. */
struct sstress_map_ctx {
	const char *op;
	enum dma_data_direction dir;
	void *cpu;		/* the CPU buffer that was mapped */
	phys_addr_t phys;	/* its physical address */
	size_t size;
	unsigned int offset;	/* cpu's offset in its page */
	dma_addr_t dma;
	phys_addr_t dev_phys;	/* what the device reaches through dma */
	bool bounced;
};

#define SSTRESS_FAILURE_BYTES	8

struct sstress_failure {
	const char *check;
	const char *op;
	enum dma_data_direction dir;
	size_t size;
	unsigned int offset;
	dma_addr_t dma;
	phys_addr_t phys;
	size_t at;		/* byte index of the first bad byte */
	u8 expected[SSTRESS_FAILURE_BYTES];
	u8 seen[SSTRESS_FAILURE_BYTES];
	unsigned int nbytes;
};

/* Counters of one thread, merged into a run's totals once it has ended. */
struct sstress_stats {
	u64 iterations;
	u64 maps;
	u64 map_errors;
	u64 bytes_mapped;
	u64 bounced;
	u64 bounced_force;
	u64 bounced_mask;
	u64 bounced_other;
	u64 direct;
	u64 offset_checked;
	u64 offset_failures;
	u64 data_checked;
	u64 data_failures;
	u64 guard_failures;
	u64 buffers_beyond_mask;
	u64 buffers;
	unsigned int nfailures;	/* entries used in first[] */
	struct sstress_failure first[2];
};

enum sstress_run_state {
	SSTRESS_RUN_IDLE,
	SSTRESS_RUN_RUNNING,
	SSTRESS_RUN_DONE,
	SSTRESS_RUN_STOPPED,
};

struct sstress_run;

int sstress_spec_parse(struct sstress_dev *sd, char *line,
		       struct sstress_spec *spec);
void sstress_spec_show(struct seq_file *m, const struct sstress_spec *spec);
void sstress_run_spec_show(struct seq_file *m, struct sstress_dev *sd);
int sstress_run_start(struct sstress_dev *sd, const struct sstress_spec *spec);
void sstress_run_stop(struct sstress_dev *sd);
void sstress_run_free(struct sstress_dev *sd);
enum sstress_run_state sstress_run_state(struct sstress_dev *sd);
void sstress_run_report(struct seq_file *m, struct sstress_dev *sd);

/* ---- checks (checks.c) ---- */

void sstress_pattern_fill(void *buf, size_t len, u32 tag);
int sstress_dev_fill(struct sstress_dev *sd, dma_addr_t dma, size_t len,
		     u32 tag);
void sstress_check_mapping(struct sstress_dev *sd, struct sstress_stats *st,
			   struct sstress_map_ctx *mc);
void sstress_check_cpu_data(struct sstress_dev *sd, struct sstress_stats *st,
			    const struct sstress_map_ctx *mc, u32 tag,
			    const char *check);
void sstress_check_dev_data(struct sstress_dev *sd, struct sstress_stats *st,
			    const struct sstress_map_ctx *mc, u32 tag);
void sstress_check_guards(struct sstress_dev *sd, struct sstress_stats *st,
			  const struct sstress_map_ctx *mc, const u8 *guard_lo,
			  const u8 *guard_hi, size_t guard);
void sstress_checks_report(struct seq_file *m, struct sstress_dev *sd,
			   const struct sstress_stats *tot);

/* ---- fake devices (swiotlb_stress.c) ---- */

struct sstress_dev {
	struct device dev;
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
	 * Serializes run start/stop/free and report reads against each
	 * other; protects @run and the run's state. Never held while
	 * waiting for debugfs removal.
	 */
	struct mutex lock;
	struct sstress_run *run;
};

static inline struct sstress_dev *to_sstress_dev(struct device *dev)
{
	return container_of(dev, struct sstress_dev, dev);
}

int sstress_dev_create(const struct sstress_dev_opts *opts);
int sstress_dev_destroy(const char *name);
void sstress_dev_config_show(struct seq_file *m, struct sstress_dev *sd);
bool sstress_dev_is_bounce_forced(struct sstress_dev *sd);
u64 sstress_dev_reach(struct sstress_dev *sd);

/* ---- control interface (debugfs_ctl.c) ---- */

int sstress_ctl_init(void);
void sstress_ctl_exit(void);
int sstress_ctl_dev_add(struct sstress_dev *sd);
void sstress_ctl_dev_remove(struct sstress_dev *sd);

/* Reasons for rejected requests go to the kernel log, one line each. */
#define sstress_reject(fmt, ...) pr_warn("rejected: " fmt "\n", ##__VA_ARGS__)

#endif /* _SSTRESS_H */
