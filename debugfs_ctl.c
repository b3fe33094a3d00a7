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
 * with an errno and one kernel log line that says why. The run spec's
 * grammar is runspec.c's; this file turns writes into calls and reports
 * into text, and owns a device's create and delete sequences (its files
 * and its run, through sstress_ctl_dev_hooks).
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

static struct dentry *sstress_root;
static struct dentry *sstress_devices_dir;
/* The top-level files, removed before the devices at exit. */
static struct dentry *sstress_top_files[4];

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
						&o->over.mask_bits, what);
			o->over.mask_source = "override";
		} else if (!strcmp(k, "coherent_bits")) {
			ret = sstress_parse_u32(&kv[i], SSTRESS_MASK_BITS_MIN,
						SSTRESS_MASK_BITS_MAX,
						&o->over.coherent_bits, what);
		} else if (!strcmp(k, "min_align_mask")) {
			ret = sstress_parse_low_mask(&kv[i], U32_MAX, true, &v,
						     what);
			o->over.min_align_mask = v;
			o->over.has_min_align_mask = true;
		} else if (!strcmp(k, "max_seg_size")) {
			ret = sstress_parse_u32(&kv[i], 1, U32_MAX,
						&o->over.max_seg_size, what);
			o->over.has_max_seg_size = true;
		} else if (!strcmp(k, "seg_boundary")) {
			ret = sstress_parse_low_mask(&kv[i], ULONG_MAX, false,
						     &v, what);
			o->over.seg_boundary = v;
			o->over.has_seg_boundary = true;
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

/* ---- a device's create and delete sequences (sstress_dev_hooks) ---- */

static int sstress_ctl_dev_add(struct sstress_dev *sd)
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

/* Whether a delete would have to wait for the device's run. */
static int sstress_ctl_dev_busy(struct sstress_dev *sd)
{
	lockdep_assert_held(&sd->lock);
	if (sstress_run_state(sd) == SSTRESS_RUN_RUNNING) {
		sstress_reject("del_device: '%s' is running; write 'stop' to its run file first",
			       sd->name);
		return -EBUSY;
	}
	if (sstress_run_live(sd)) {
		sstress_reject("del_device: '%s' is stopping: a DMA call has not returned",
			       sd->name);
		return -EBUSY;
	}
	return 0;
}

/*
 * The files go first, and the call returns once no call into them is in
 * flight; then the run is stopped and freed, which waits for every thread
 * (a DMA call that never returns stops here). The device model then
 * deletes the device.
 */
static void sstress_ctl_dev_remove(struct sstress_dev *sd)
{
	debugfs_remove(sd->debugfs);
	sd->debugfs = NULL;
	sstress_run_free(sd);
}

const struct sstress_dev_hooks sstress_ctl_dev_hooks = {
	.add = sstress_ctl_dev_add,
	.busy = sstress_ctl_dev_busy,
	.remove = sstress_ctl_dev_remove,
};

/* ---- the control directory ---- */

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
