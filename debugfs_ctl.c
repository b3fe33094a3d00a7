// SPDX-License-Identifier: GPL-2.0
/*
 * The control interface, under /sys/kernel/debug/swiotlb_stress/:
 *
 *   version, profiles          read: report version; the device profiles
 *   new_device                 write: "name=N profile=P [override=V ...]"
 *   del_device                 write: "N"
 *   devices/N/config           read: the device's effective DMA configuration
 *   devices/N/run              write: a run spec to start, "stop" to stop;
 *                              read: the spec of the last run
 *   devices/N/stats            read: the last run's counters and verdicts
 *
 * Every write is parsed whole before anything changes; a bad one fails
 * with an errno and one kernel log line that says why.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sstress.h"

#define SSTRESS_MAX_KEYS	16

static struct dentry *sstress_root;
static struct dentry *sstress_devices_dir;
/* The top-level files, removed before the devices at exit. */
static struct dentry *sstress_top_files[4];

struct sstress_kv {
	char *key;
	char *val;	/* NULL for a bare word */
};

/*
 * Copies a user write into a NUL-terminated line without its trailing
 * newline, refusing what no valid command contains.
 */
static char *sstress_copy_line(const char __user *ubuf, size_t count,
			       const char *what)
{
	char *line;

	if (!count || count > SSTRESS_WRITE_MAX) {
		sstress_reject("%s: write of %zu bytes (1..%u allowed)", what,
			       count, SSTRESS_WRITE_MAX);
		return ERR_PTR(-EINVAL);
	}
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return line;
	if (strlen(line) != count) {
		sstress_reject("%s: embedded NUL byte", what);
		kfree(line);
		return ERR_PTR(-EINVAL);
	}
	if (line[count - 1] == '\n')
		line[count - 1] = '\0';
	return line;
}

/* Splits "k=v k=v word" in place; rejects repeated keys. */
static int sstress_split(char *line, struct sstress_kv *kv, const char *what)
{
	int n = 0, i;
	char *tok;

	while ((tok = strsep(&line, " \t")) != NULL) {
		char *eq;

		if (!*tok)
			continue;
		if (n == SSTRESS_MAX_KEYS) {
			sstress_reject("%s: more than %d fields", what,
				       SSTRESS_MAX_KEYS);
			return -EINVAL;
		}
		eq = strchr(tok, '=');
		if (eq)
			*eq++ = '\0';
		kv[n].key = tok;
		kv[n].val = eq;
		for (i = 0; i < n; i++) {
			if (!strcmp(kv[i].key, tok)) {
				sstress_reject("%s: '%s' given twice", what, tok);
				return -EINVAL;
			}
		}
		n++;
	}
	if (!n) {
		sstress_reject("%s: empty request", what);
		return -EINVAL;
	}
	return n;
}

static int sstress_parse_u64(const struct sstress_kv *kv, u64 min, u64 max,
			     u64 *out, const char *what)
{
	u64 v;

	if (!kv->val || kstrtou64(kv->val, 0, &v)) {
		sstress_reject("%s: %s needs a number", what, kv->key);
		return -EINVAL;
	}
	if (v < min || v > max) {
		sstress_reject("%s: %s=%llu out of range %llu..%llu", what,
			       kv->key, v, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int sstress_parse_u32(const struct sstress_kv *kv, u32 min, u32 max,
			     u32 *out, const char *what)
{
	u64 v;
	int ret;

	ret = sstress_parse_u64(kv, min, max, &v, what);
	if (!ret)
		*out = v;
	return ret;
}

/* A mask of the form 2^n - 1, as min_align_mask and boundaries must be. */
static int sstress_parse_low_mask(const struct sstress_kv *kv, u64 max,
				  bool zero_ok, u64 *out, const char *what)
{
	int ret;

	ret = sstress_parse_u64(kv, zero_ok ? 0 : 1, max, out, what);
	if (ret)
		return ret;
	if (*out & (*out + 1)) {
		sstress_reject("%s: %s=%#llx is not of the form 2^n-1", what,
			       kv->key, *out);
		return -EINVAL;
	}
	return 0;
}

/* One of @n words; its index in *out. */
static int sstress_parse_word(const struct sstress_kv *kv,
			      const char *const *words, unsigned int n,
			      u32 *out, const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(kv->val, words[i])) {
			*out = i;
			return 0;
		}
	}
	sstress_reject("%s: unknown %s '%s'", what, kv->key, kv->val);
	return -EINVAL;
}

static int sstress_parse_name(const char *name, const char *what)
{
	size_t len = strlen(name), i;

	if (!len || len >= SSTRESS_NAME_MAX) {
		sstress_reject("%s: name must be 1..%d characters", what,
			       SSTRESS_NAME_MAX - 1);
		return -EINVAL;
	}
	/*
	 * The kernel's isalnum() takes Latin-1 letters (0xc0-0xff) too:
	 * ASCII only, or a name could hold bytes no shell or path expects.
	 */
	for (i = 0; i < len; i++) {
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && name[i] != '_' && name[i] != '-')) {
			sstress_reject("%s: name may hold only [A-Za-z0-9_-]",
				       what);
			return -EINVAL;
		}
	}
	return 0;
}

static int sstress_opts_parse(char *line, struct sstress_dev_opts *o)
{
	static const char *what = "new_device";
	struct sstress_kv kv[SSTRESS_MAX_KEYS];
	u64 v;
	int n, i, ret = 0;

	n = sstress_split(line, kv, what);
	if (n < 0)
		return n;
	memset(o, 0, sizeof(*o));
	for (i = 0; i < n && !ret; i++) {
		const char *k = kv[i].key;

		if (!kv[i].val) {
			sstress_reject("%s: '%s' is not key=value", what, k);
			ret = -EINVAL;
		} else if (!strcmp(k, "name")) {
			ret = sstress_parse_name(kv[i].val, what);
			if (!ret)
				strscpy(o->name, kv[i].val, sizeof(o->name));
		} else if (!strcmp(k, "profile")) {
			o->profile = sstress_profile_find(kv[i].val);
			if (!o->profile) {
				sstress_reject("%s: unknown profile '%s' (see the profiles file)",
					       what, kv[i].val);
				ret = -EINVAL;
			}
		} else if (!strcmp(k, "mask_bits")) {
			ret = sstress_parse_u32(&kv[i], SSTRESS_MASK_BITS_MIN,
						SSTRESS_MASK_BITS_MAX,
						&o->mask_bits, what);
			o->has_mask_bits = true;
		} else if (!strcmp(k, "coherent_bits")) {
			ret = sstress_parse_u32(&kv[i], SSTRESS_MASK_BITS_MIN,
						SSTRESS_MASK_BITS_MAX,
						&o->coherent_bits, what);
			o->has_coherent_bits = true;
		} else if (!strcmp(k, "min_align_mask")) {
			ret = sstress_parse_low_mask(&kv[i], U32_MAX, true, &v,
						     what);
			o->min_align_mask = v;
			o->has_min_align_mask = true;
		} else if (!strcmp(k, "max_seg_size")) {
			ret = sstress_parse_u32(&kv[i], 1, U32_MAX,
						&o->max_seg_size, what);
			o->has_max_seg_size = true;
		} else if (!strcmp(k, "seg_boundary")) {
			ret = sstress_parse_low_mask(&kv[i], ULONG_MAX, false,
						     &v, what);
			o->seg_boundary = v;
			o->has_seg_boundary = true;
		} else {
			sstress_reject("%s: unknown key '%s'", what, k);
			ret = -EINVAL;
		}
	}
	if (ret)
		return ret;
	if (!o->name[0] || !o->profile) {
		sstress_reject("%s: name= and profile= are required", what);
		return -EINVAL;
	}
	return 0;
}

static int sstress_parse_dirs(const char *val, u32 *dirs, const char *what)
{
	char buf[32], *s = buf, *tok;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		goto bad;
	*dirs = 0;
	while ((tok = strsep(&s, ",")) != NULL) {
		if (!strcmp(tok, "to"))
			*dirs |= SSTRESS_DIR_TO;
		else if (!strcmp(tok, "from"))
			*dirs |= SSTRESS_DIR_FROM;
		else if (!strcmp(tok, "bidi"))
			*dirs |= SSTRESS_DIR_BIDI;
		else if (!strcmp(tok, "all"))
			*dirs |= SSTRESS_DIR_TO | SSTRESS_DIR_FROM | SSTRESS_DIR_BIDI;
		else
			goto bad;
	}
	return 0;
bad:
	sstress_reject("%s: dir=%s: use to, from, bidi, all or a comma list",
		       what, val);
	return -EINVAL;
}

/* Whether @key was given, with or without a value. */
static bool sstress_kv_has(const struct sstress_kv *kv, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return true;
	return false;
}

/*
 * Keys that mean nothing with the rest of the spec are refused, not
 * ignored: a reproducer that names one believes it has an effect.
 */
static int sstress_spec_check_context(const struct sstress_spec *spec,
				      const struct sstress_kv *kv, int n,
				      const char *what)
{
	static const char *const no_coherent[] = {
		"dir", "offset", "offset_step", "place",
	};
	bool sync_off = sstress_kv_has(kv, n, "sync_off");
	bool sync_len = sstress_kv_has(kv, n, "sync_len");
	const char *why = NULL;
	unsigned int i;

	if ((sync_off || sync_len) && spec->sync != SSTRESS_SYNC_RANGE)
		why = "sync_off= and sync_len= need sync=range";
	else if (sync_off && !sync_len)
		why = "sync_off= needs sync_len= (without them the ranges are random)";
	else if (spec->sync == SSTRESS_SYNC_RANGE && spec->op == SSTRESS_OP_MAP_SG)
		why = "sync=range means nothing to map_sg, synced whole (sync=whole)";
	else if (sstress_kv_has(kv, n, "segs") && spec->op != SSTRESS_OP_MAP_SG)
		why = "segs= needs op=map_sg";
	else if (sstress_kv_has(kv, n, "offset_step") &&
		 spec->offset_mode != SSTRESS_OFFSET_SWEEP)
		why = "offset_step= needs offset=sweep";
	else if (spec->op == SSTRESS_OP_MAX_SIZE &&
		 (sstress_kv_has(kv, n, "size") ||
		  sstress_kv_has(kv, n, "size_min") ||
		  sstress_kv_has(kv, n, "size_max")))
		why = "op=max_size maps dma_max_mapping_size() bytes: no size=";
	else if (spec->op == SSTRESS_OP_MAX_SIZE && spec->oversize)
		why = "oversize= means nothing to op=max_size";
	else if (spec->partial &&
		 !(spec->dirs & (SSTRESS_DIR_FROM | SSTRESS_DIR_BIDI)))
		why = "partial=1 needs dir=from or bidi: the device writes nothing to dir=to";
	if (why) {
		sstress_reject("%s: %s", what, why);
		return -EINVAL;
	}
	if (spec->op != SSTRESS_OP_ALLOC_COHERENT)
		return 0;
	/* One coherent buffer at a time, used whole, seen by both sides. */
	for (i = 0; i < ARRAY_SIZE(no_coherent); i++) {
		if (sstress_kv_has(kv, n, no_coherent[i])) {
			sstress_reject("%s: %s= means nothing to alloc_coherent",
				       what, no_coherent[i]);
			return -EINVAL;
		}
	}
	if (spec->sync != SSTRESS_SYNC_NONE || spec->partial || spec->live > 1) {
		sstress_reject("%s: alloc_coherent takes no sync=, partial=1 or live= above 1",
			       what);
		return -EINVAL;
	}
	return 0;
}

/*
 * Parses a run spec into @out. The whole line is checked before @out is
 * written: a bad spec leaves it as it was.
 */
int sstress_spec_parse(struct sstress_dev *sd, char *line,
		       struct sstress_spec *out)
{
	static const char *what = "run";
	struct sstress_kv kv[SSTRESS_MAX_KEYS];
	bool has_size = false, has_range = false;
	struct sstress_spec parsed, *spec = &parsed;
	u32 size = 4096, w;
	int n, i, ret = 0;

	n = sstress_split(line, kv, what);
	if (n < 0)
		return n;
	memset(spec, 0, sizeof(*spec));
	spec->threads = 1;
	spec->size_min = 0;
	spec->size_max = 0;
	spec->offset_mode = SSTRESS_OFFSET_SWEEP;
	spec->offset_step = 8;
	spec->dirs = SSTRESS_DIR_TO | SSTRESS_DIR_FROM | SSTRESS_DIR_BIDI;
	spec->live = 1;
	spec->segs = 4;
	spec->hang_ms = 10000;
	spec->verify = true;

	for (i = 0; i < n && !ret; i++) {
		const char *k = kv[i].key, *v = kv[i].val;

		if (!v) {
			sstress_reject("%s: '%s' is not key=value", what, k);
			ret = -EINVAL;
		} else if (!strcmp(k, "op")) {
			ret = sstress_parse_word(&kv[i], sstress_op_names,
						 SSTRESS_NR_OPS, &w, what);
			spec->op = w;
		} else if (!strcmp(k, "sync")) {
			ret = sstress_parse_word(&kv[i], sstress_sync_names,
						 ARRAY_SIZE(sstress_sync_names),
						 &w, what);
			spec->sync = w;
		} else if (!strcmp(k, "live")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_LIVE,
						&spec->live, what);
		} else if (!strcmp(k, "segs")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_SEGS,
						&spec->segs, what);
		} else if (!strcmp(k, "hang_ms")) {
			ret = sstress_parse_u32(&kv[i], 100, SSTRESS_MAX_DURATION_MS,
						&spec->hang_ms, what);
		} else if (!strcmp(k, "sync_off")) {
			ret = sstress_parse_u32(&kv[i], 0, SSTRESS_MAX_MAP_SIZE - 1,
						&spec->sync_off, what);
		} else if (!strcmp(k, "sync_len")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&spec->sync_len, what);
		} else if (!strcmp(k, "partial")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->partial = w;
		} else if (!strcmp(k, "pin")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->pin = w;
		} else if (!strcmp(k, "verify")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->verify = w;
		} else if (!strcmp(k, "skip_cpu_sync")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->skip_cpu_sync = w;
		} else if (!strcmp(k, "threads")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_THREADS,
						&spec->threads, what);
		} else if (!strcmp(k, "iterations")) {
			ret = sstress_parse_u64(&kv[i], 1, SSTRESS_MAX_ITERATIONS,
						&spec->iterations, what);
		} else if (!strcmp(k, "duration_ms")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_DURATION_MS,
						&spec->duration_ms, what);
		} else if (!strcmp(k, "size")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&size, what);
			has_size = true;
		} else if (!strcmp(k, "size_min")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&spec->size_min, what);
			has_range = true;
		} else if (!strcmp(k, "size_max")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&spec->size_max, what);
			has_range = true;
		} else if (!strcmp(k, "offset")) {
			if (!strcmp(v, "sweep")) {
				spec->offset_mode = SSTRESS_OFFSET_SWEEP;
			} else if (!strcmp(v, "random")) {
				spec->offset_mode = SSTRESS_OFFSET_RANDOM;
			} else {
				spec->offset_mode = SSTRESS_OFFSET_FIXED;
				ret = sstress_parse_u32(&kv[i], 0, PAGE_SIZE - 1,
							&spec->offset, what);
			}
		} else if (!strcmp(k, "offset_step")) {
			ret = sstress_parse_u32(&kv[i], 1, PAGE_SIZE - 1,
						&spec->offset_step, what);
		} else if (!strcmp(k, "dir")) {
			ret = sstress_parse_dirs(v, &spec->dirs, what);
		} else if (!strcmp(k, "place")) {
			if (!strcmp(v, "any")) {
				spec->place = SSTRESS_PLACE_ANY;
			} else if (!strcmp(v, "high")) {
				spec->place = SSTRESS_PLACE_HIGH;
			} else {
				sstress_reject("%s: place=%s: use any or high",
					       what, v);
				ret = -EINVAL;
			}
		} else if (!strcmp(k, "seed")) {
			ret = sstress_parse_u64(&kv[i], 0, U64_MAX, &spec->seed,
						what);
		} else if (!strcmp(k, "oversize")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->oversize = w;
		} else {
			sstress_reject("%s: unknown key '%s'", what, k);
			ret = -EINVAL;
		}
	}
	if (ret)
		return ret;

	if (spec->iterations && spec->duration_ms) {
		sstress_reject("%s: give iterations= or duration_ms=, not both",
			       what);
		return -EINVAL;
	}
	if (!spec->iterations && !spec->duration_ms)
		spec->iterations = 1000;
	if (has_size && has_range) {
		sstress_reject("%s: give size= or size_min=/size_max=, not both",
			       what);
		return -EINVAL;
	}
	if (has_range) {
		if (!spec->size_min || !spec->size_max) {
			sstress_reject("%s: size_min= and size_max= go together",
				       what);
			return -EINVAL;
		}
		if (spec->size_min > spec->size_max) {
			sstress_reject("%s: size_min %u > size_max %u", what,
				       spec->size_min, spec->size_max);
			return -EINVAL;
		}
	} else {
		spec->size_min = size;
		spec->size_max = size;
	}
	if (!spec->verify && (spec->sync != SSTRESS_SYNC_NONE ||
			      spec->partial || spec->skip_cpu_sync)) {
		sstress_reject("%s: verify=0 allows no sync, partial or skip_cpu_sync",
			       what);
		return -EINVAL;
	}
	if (spec->skip_cpu_sync && spec->op == SSTRESS_OP_ALLOC_COHERENT) {
		sstress_reject("%s: skip_cpu_sync means nothing to alloc_coherent",
			       what);
		return -EINVAL;
	}
	ret = sstress_spec_check_context(spec, kv, n, what);
	if (ret)
		return ret;
	*out = parsed;
	return 0;
}

/* ---- top-level files ---- */

static int sstress_version_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "version: %d\n", SSTRESS_REPORT_VERSION);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sstress_version);

static int sstress_profiles_file_show(struct seq_file *m, void *unused)
{
	sstress_profiles_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sstress_profiles_file);

static ssize_t sstress_new_device_write(struct file *file,
					const char __user *ubuf, size_t count,
					loff_t *ppos)
{
	struct sstress_dev_opts *opts;
	char *line;
	int ret;

	line = sstress_copy_line(ubuf, count, "new_device");
	if (IS_ERR(line))
		return PTR_ERR(line);
	opts = kmalloc(sizeof(*opts), GFP_KERNEL);
	if (!opts) {
		ret = -ENOMEM;
		goto out_free_line;
	}
	ret = sstress_opts_parse(line, opts);
	if (!ret)
		ret = sstress_dev_create(opts);
	kfree(opts);
out_free_line:
	kfree(line);
	return ret ?: count;
}

static const struct file_operations sstress_new_device_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sstress_new_device_write,
	.llseek = noop_llseek,
};

static ssize_t sstress_del_device_write(struct file *file,
					const char __user *ubuf, size_t count,
					loff_t *ppos)
{
	char *line, *name;
	int ret;

	line = sstress_copy_line(ubuf, count, "del_device");
	if (IS_ERR(line))
		return PTR_ERR(line);
	name = strim(line);
	ret = sstress_parse_name(name, "del_device");
	if (!ret)
		ret = sstress_dev_destroy(name);
	kfree(line);
	return ret ?: count;
}

static const struct file_operations sstress_del_device_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sstress_del_device_write,
	.llseek = noop_llseek,
};

/* ---- per-device files ---- */

static int sstress_config_show(struct seq_file *m, void *unused)
{
	sstress_dev_config_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sstress_config);

static int sstress_stats_show(struct seq_file *m, void *unused)
{
	sstress_run_report(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sstress_stats);

static int sstress_run_show(struct seq_file *m, void *unused)
{
	struct sstress_dev *sd = m->private;

	mutex_lock(&sd->lock);
	if (sd->run)
		sstress_run_spec_show(m, sd);
	else
		seq_puts(m, "none");
	seq_putc(m, '\n');
	mutex_unlock(&sd->lock);
	return 0;
}

static int sstress_run_open(struct inode *inode, struct file *file)
{
	return single_open(file, sstress_run_show, inode->i_private);
}

static ssize_t sstress_run_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct sstress_dev *sd = file_inode(file)->i_private;
	struct sstress_spec spec;
	char *line, *cmd;
	int ret;

	line = sstress_copy_line(ubuf, count, "run");
	if (IS_ERR(line))
		return PTR_ERR(line);
	cmd = strim(line);
	if (!strcmp(cmd, "stop")) {
		ret = sstress_run_stop(sd);
	} else {
		ret = sstress_spec_parse(sd, cmd, &spec);
		if (!ret)
			ret = sstress_run_start(sd, &spec);
	}
	kfree(line);
	return ret ?: count;
}

static const struct file_operations sstress_run_fops = {
	.owner = THIS_MODULE,
	.open = sstress_run_open,
	.read = seq_read,
	.write = sstress_run_write,
	.llseek = seq_lseek,
	.release = single_release,
};

int sstress_ctl_dev_add(struct sstress_dev *sd)
{
	struct dentry *dir;

	dir = debugfs_create_dir(sd->name, sstress_devices_dir);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	sd->debugfs = dir;
	debugfs_create_file(SSTRESS_FILE_CONFIG, 0400, dir, sd,
			    &sstress_config_fops);
	debugfs_create_file(SSTRESS_FILE_RUN, 0600, dir, sd, &sstress_run_fops);
	debugfs_create_file(SSTRESS_FILE_STATS, 0400, dir, sd,
			    &sstress_stats_fops);
	return 0;
}

/* Returns once no call into this device's files is in flight. */
void sstress_ctl_dev_remove(struct sstress_dev *sd)
{
	debugfs_remove(sd->debugfs);
	sd->debugfs = NULL;
}

int sstress_ctl_init(void)
{
	sstress_root = debugfs_create_dir(SSTRESS_DEBUGFS_DIR, NULL);
	if (IS_ERR(sstress_root)) {
		pr_err("cannot create debugfs directory (%ld): is debugfs enabled?\n",
		       PTR_ERR(sstress_root));
		return PTR_ERR(sstress_root);
	}
	sstress_devices_dir = debugfs_create_dir(SSTRESS_DIR_DEVICES,
						 sstress_root);
	sstress_top_files[0] =
		debugfs_create_file(SSTRESS_FILE_VERSION, 0400, sstress_root,
				    NULL, &sstress_version_fops);
	sstress_top_files[1] =
		debugfs_create_file(SSTRESS_FILE_PROFILES, 0400, sstress_root,
				    NULL, &sstress_profiles_file_fops);
	sstress_top_files[2] =
		debugfs_create_file(SSTRESS_FILE_NEW_DEVICE, 0200, sstress_root,
				    NULL, &sstress_new_device_fops);
	sstress_top_files[3] =
		debugfs_create_file(SSTRESS_FILE_DEL_DEVICE, 0200, sstress_root,
				    NULL, &sstress_del_device_fops);
	return 0;
}

/*
 * Removes the top-level files, new_device and del_device first of all;
 * returns once no call into them is in flight. The device directories
 * stay until their devices are torn down.
 */
void sstress_ctl_close(void)
{
	int i;

	for (i = ARRAY_SIZE(sstress_top_files) - 1; i >= 0; i--) {
		debugfs_remove(sstress_top_files[i]);
		sstress_top_files[i] = NULL;
	}
}

/* Removes what is left: the directories, once every device is gone. */
void sstress_ctl_exit(void)
{
	debugfs_remove(sstress_root);
}
