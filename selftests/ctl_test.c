// SPDX-License-Identifier: GPL-2.0
/*
 * swiotlb_stress control interface: device creation with every profile
 * and override, the configuration each reports, and bad input: every
 * malformed write must fail with the right errno and change nothing.
 *
 * Needs the module loaded (functions.sh's sst_require does that) and root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "ktap.h"
#include "sst_ctl.h"

#define ROOT	SSTRESS_ROOT

static char buf[8192];

static int ctl_write(const char *file, const char *line)
{
	return sstress_ctl_write_str(file, line);
}

/* @file's text, in a static buffer. */
static const char *ctl_read(const char *file)
{
	return sstress_ctl_read(file, buf, sizeof(buf));
}

/* The value of "key: value" in @text, in a static buffer. */
static const char *key(const char *text, const char *k)
{
	static char val[256];

	return sstress_key(text, k, val, sizeof(val));
}

static const char *dev_file(const char *dev, const char *file)
{
	char rel[128];

	snprintf(rel, sizeof(rel), SSTRESS_DIR_DEVICES "/%s/%s", dev, file);
	return ctl_read(rel);
}

static int dev_key_is(const char *dev, const char *file, const char *k,
		      const char *want)
{
	const char *v = key(dev_file(dev, file), k);

	if (strcmp(v, want)) {
		ksft_print_msg("%s/%s: %s is '%s', want '%s'\n", dev, file, k, v,
			       want);
		return 0;
	}
	return 1;
}

struct bad_write {
	const char *file;
	const char *line;
	int err;
	const char *why;
};

/* The run file of the device the bad run specs are written to. */
#define T_RUN "devices/t_nvme/run"

static const struct bad_write bad_writes[] = {
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=bogus", EINVAL, "unknown profile" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom mask_bits=23", EINVAL, "mask bits below 24" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom mask_bits=65", EINVAL, "mask bits above 64" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom coherent_bits=0", EINVAL, "coherent bits 0" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom min_align_mask=0x1000", EINVAL, "min_align_mask not 2^n-1" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom min_align_mask=-1", EINVAL, "negative min_align_mask" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom seg_boundary=0", EINVAL, "zero segment boundary" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom max_seg_size=0", EINVAL, "zero max segment size" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=custom max_seg_size=99999999999", EINVAL, "huge max segment size" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=t_nvme profile=nvme", EEXIST, "duplicate name" },
	{ SSTRESS_FILE_NEW_DEVICE, "profile=nvme", EINVAL, "missing name" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x", EINVAL, "missing profile" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=a/b profile=nvme", EINVAL, "slash in name" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=0123456789012345678901234567890123 profile=nvme", EINVAL, "name too long" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=nvme bogus=1", EINVAL, "unknown key" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=nvme name=y", EINVAL, "key given twice" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x profile=nvme mask_bits", EINVAL, "key without value" },
	{ SSTRESS_FILE_NEW_DEVICE, "\n", EINVAL, "empty line" },
	{ SSTRESS_FILE_DEL_DEVICE, "nosuch", ENODEV, "no such device" },
	{ SSTRESS_FILE_DEL_DEVICE, "a b", EINVAL, "two names" },
	/* Found by fuzz_ctl: the kernel's isalnum() takes Latin-1 letters. */
	{ SSTRESS_FILE_NEW_DEVICE, "name=\xe9t\xe9 profile=nvme", EINVAL, "Latin-1 letters in a name" },
	{ SSTRESS_FILE_NEW_DEVICE, "name=x\xff profile=nvme", EINVAL, "byte 0xff in a name" },
	{ SSTRESS_FILE_DEL_DEVICE, "\xe9t\xe9", EINVAL, "Latin-1 letters in a del_device name" },
	{ T_RUN, "threads=0", EINVAL, "zero threads" },
	{ T_RUN, "threads=65", EINVAL, "too many threads" },
	{ T_RUN, "size=0", EINVAL, "zero size" },
	{ T_RUN, "size=999999999", EINVAL, "absurd size" },
	{ T_RUN, "iterations=0", EINVAL, "zero iterations" },
	{ T_RUN, "iterations=99999999999", EINVAL, "absurd iterations" },
	{ T_RUN, "duration_ms=0", EINVAL, "zero duration" },
	{ T_RUN, "iterations=5 duration_ms=5", EINVAL, "count and duration" },
	{ T_RUN, "size_min=10 size_max=5", EINVAL, "inverted size range" },
	{ T_RUN, "size=8 size_min=1 size_max=9", EINVAL, "size and range" },
	{ T_RUN, "offset=4096", EINVAL, "offset past a page" },
	{ T_RUN, "dir=sideways", EINVAL, "unknown direction" },
	{ T_RUN, "op=bogus", EINVAL, "unknown operation" },
	{ T_RUN, "place=moon", EINVAL, "unknown placement" },
	{ T_RUN, "oversize=2", EINVAL, "oversize not 0/1" },
	{ T_RUN, "threads=64 size=2097152 oversize=1", EINVAL, "more run memory than allowed" },
	/* Keys that mean nothing in their context are refused, not ignored. */
	{ T_RUN, "sync_off=10 sync_len=5", EINVAL, "sync_off/sync_len without sync=range" },
	{ T_RUN, "sync=whole sync_len=5", EINVAL, "sync_len with sync=whole" },
	{ T_RUN, "sync=range sync_off=10", EINVAL, "sync_off without sync_len" },
	{ T_RUN, "op=map_sg sync=range", EINVAL, "sync=range on map_sg (synced whole)" },
	{ T_RUN, "segs=4", EINVAL, "segs without op=map_sg" },
	{ T_RUN, "offset=random offset_step=64", EINVAL, "offset_step without offset=sweep" },
	{ T_RUN, "op=max_size size=4096", EINVAL, "a size for op=max_size" },
	{ T_RUN, "op=max_size oversize=1", EINVAL, "oversize for op=max_size" },
	{ T_RUN, "partial=1 dir=to", EINVAL, "partial with no device write" },
	{ T_RUN, "op=alloc_coherent sync=whole", EINVAL, "sync for alloc_coherent" },
	{ T_RUN, "op=alloc_coherent partial=1", EINVAL, "partial for alloc_coherent" },
	{ T_RUN, "op=alloc_coherent dir=to", EINVAL, "dir for alloc_coherent" },
	{ T_RUN, "op=alloc_coherent offset=64", EINVAL, "offset for alloc_coherent" },
	{ T_RUN, "op=alloc_coherent place=high", EINVAL, "place for alloc_coherent" },
	{ T_RUN, "op=alloc_coherent live=8", EINVAL, "live for alloc_coherent" },
	/* Whole-spec validation: a bad key late in the line leaves the run alone. */
	{ T_RUN, "threads=2 iterations=5 size=64 seed=7 bogus=1", EINVAL, "a bad last key" },
};

int main(void)
{
	char before[1024], after[1024], cfg_before[4096];
	const char *cfg;
	unsigned int i;
	size_t max_map;
	char big[SSTRESS_WRITE_MAX + 64];
	int err;

	ksft_print_header();
	if (sstress_lockdown_reason())
		ksft_exit_skip("%s\n", sstress_lockdown_reason());
	if (access(ROOT, F_OK))
		ksft_exit_skip("%s missing: module not loaded\n", ROOT);
	ksft_set_plan(14 + sizeof(bad_writes) / sizeof(bad_writes[0]));

	ksft_test_result(!strcmp(key(ctl_read(SSTRESS_FILE_VERSION), "version"), "1"),
			 "version file says report version %d\n",
			 SSTRESS_REPORT_VERSION);
	cfg = ctl_read(SSTRESS_FILE_PROFILES);
	ksft_test_result(strstr(cfg, "nvme:") && strstr(cfg, "sas:") &&
			 strstr(cfg, "legacy:") && strstr(cfg, "custom:"),
			 "profiles lists nvme, sas, legacy, custom\n");

	/* nvme: as nvme-pci sets itself up. */
	err = ctl_write(SSTRESS_FILE_NEW_DEVICE, "name=t_nvme profile=nvme");
	ksft_test_result(!err && dev_key_is("t_nvme", "config", "dma_mask_bits", "64") &&
			 dev_key_is("t_nvme", "config", "coherent_dma_mask", "0xffffffffffffffff") &&
			 dev_key_is("t_nvme", "config", "min_align_mask", "0xfff") &&
			 dev_key_is("t_nvme", "config", "max_segment_size", "4294967295") &&
			 dev_key_is("t_nvme", "config", "mask_source", "driver"),
			 "nvme profile: 64-bit masks, min_align_mask 0xfff, 4 GiB segments\n");

	/* sas: the mpt3sas choice from the required mask. */
	err = ctl_write(SSTRESS_FILE_NEW_DEVICE, "name=t_sas profile=sas");
	cfg = dev_file("t_sas", "config");
	{
		int req = atoi(key(cfg, "required_mask_bits"));
		const char *want = req <= 32 ? "32" : "64";

		ksft_print_msg("sas: required_mask %s\n", key(cfg, "required_mask"));
		ksft_print_msg("sas: chose %s bits\n", key(cfg, "dma_mask_bits"));
		ksft_print_msg("sas: mask_source %s\n", key(cfg, "mask_source"));
		ksft_test_result(!err && req > 0 &&
				 dev_key_is("t_sas", "config", "dma_mask_bits", want) &&
				 dev_key_is("t_sas", "config", "max_segment_size", "65536"),
				 "sas profile: %s-bit mask for a %d-bit required mask\n",
				 want, req);
	}

	err = ctl_write(SSTRESS_FILE_NEW_DEVICE, "name=t_legacy profile=legacy");
	ksft_test_result(!err && dev_key_is("t_legacy", "config", "dma_mask", "0xffffffff") &&
			 dev_key_is("t_legacy", "config", "coherent_dma_mask", "0xffffffff") &&
			 dev_key_is("t_legacy", "config", "mask_source", "bus-default") &&
			 dev_key_is("t_legacy", "config", "min_align_mask", "0x0"),
			 "legacy profile: the bus default 32-bit masks, nothing set\n");

	err = ctl_write(SSTRESS_FILE_NEW_DEVICE,
			"name=t_custom profile=custom mask_bits=40 coherent_bits=36 min_align_mask=0x7ff max_seg_size=65536 seg_boundary=0xffff");
	ksft_test_result(!err && dev_key_is("t_custom", "config", "dma_mask", "0xffffffffff") &&
			 dev_key_is("t_custom", "config", "coherent_dma_mask", "0xfffffffff") &&
			 dev_key_is("t_custom", "config", "min_align_mask", "0x7ff") &&
			 dev_key_is("t_custom", "config", "max_segment_size", "65536") &&
			 dev_key_is("t_custom", "config", "segment_boundary", "0xffff"),
			 "custom profile: every attribute as given\n");

	err = ctl_write(SSTRESS_FILE_NEW_DEVICE, "name=t_over profile=nvme mask_bits=32 min_align_mask=0");
	ksft_test_result(!err && dev_key_is("t_over", "config", "dma_mask", "0xffffffff") &&
			 dev_key_is("t_over", "config", "mask_source", "override") &&
			 dev_key_is("t_over", "config", "min_align_mask", "0x0"),
			 "a profile's attributes can be overridden at creation\n");

	cfg = dev_file("t_nvme", "config");
	ksft_print_msg("nvme: bounces: %s\n", key(cfg, "bounces"));
	ksft_print_msg("nvme: max_mapping_size: %s\n", key(cfg, "max_mapping_size"));
	ksft_test_result(strtoull(key(cfg, "max_mapping_size"), NULL, 0) > 0 &&
			 *key(cfg, "bounces") && *key(cfg, "swiotlb_nslabs"),
			 "config reports max_mapping_size and whether mappings bounce\n");

	/* Bad input: the errno, and nothing changed. */
	sstress_device_list(before, sizeof(before));
	snprintf(cfg_before, sizeof(cfg_before), "%s", dev_file("t_nvme", "config"));
	for (i = 0; i < sizeof(bad_writes) / sizeof(bad_writes[0]); i++) {
		const struct bad_write *b = &bad_writes[i];

		err = ctl_write(b->file, b->line);
		ksft_test_result(err == b->err, "bad input rejected: %s (errno %d, want %d)\n",
				 b->why, err, b->err);
	}
	err = sstress_ctl_write(SSTRESS_FILE_NEW_DEVICE, "name=x\0profile=nvme", 19);
	memset(big, 'a', sizeof(big));
	memcpy(big, "name=", 5);
	err = err == EINVAL && sstress_ctl_write(SSTRESS_FILE_NEW_DEVICE, big, sizeof(big)) == EINVAL;
	ksft_test_result(err, "embedded NUL and over-long writes rejected with EINVAL\n");

	/* Past dma_max_mapping_size only when asked, where there is a limit. */
	max_map = strtoull(key(dev_file("t_nvme", "config"), "max_mapping_size"), NULL, 0);
	if (max_map < SSTRESS_MAX_MAP_SIZE) {
		snprintf(big, sizeof(big), "size=%zu iterations=1", max_map + 1);
		ksft_test_result(ctl_write("devices/t_nvme/run", big) == EINVAL,
				 "a size past dma_max_mapping_size (%zu) is refused without oversize=1\n",
				 max_map);
	} else {
		ksft_test_result_skip("dma_max_mapping_size is unlimited here (nothing bounces)\n");
	}

	sstress_device_list(after, sizeof(after));
	ksft_test_result(!strcmp(before, after) &&
			 !strcmp(cfg_before, dev_file("t_nvme", "config")) &&
			 !strcmp(key(dev_file("t_nvme", "stats"), "state"), "idle"),
			 "bad input changed nothing (devices: %s)\n", after);

	/* A running device cannot be destroyed; stop, then it can. */
	err = ctl_write("devices/t_legacy/run", "duration_ms=60000 size=512");
	ksft_test_result(!err && ctl_write(SSTRESS_FILE_DEL_DEVICE, "t_legacy") == EBUSY &&
			 ctl_write("devices/t_legacy/run", "size=512") == EBUSY,
			 "a running device refuses del_device and a second run (EBUSY)\n");
	err = ctl_write("devices/t_legacy/run", "stop");
	ksft_test_result(!err && dev_key_is("t_legacy", "stats", "state", "stopped") &&
			 !ctl_write(SSTRESS_FILE_DEL_DEVICE, "t_legacy"),
			 "stop ends the run at once; then del_device succeeds\n");

	err = 0;
	err |= ctl_write(SSTRESS_FILE_DEL_DEVICE, "t_nvme");
	err |= ctl_write(SSTRESS_FILE_DEL_DEVICE, "t_sas");
	err |= ctl_write(SSTRESS_FILE_DEL_DEVICE, "t_custom");
	err |= ctl_write(SSTRESS_FILE_DEL_DEVICE, "t_over");
	sstress_device_list(after, sizeof(after));
	ksft_test_result(!err && !after[0], "all devices destroyed (left: '%s')\n", after);

	ksft_finished();
	return 0;
}
