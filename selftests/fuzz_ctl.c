// SPDX-License-Identifier: GPL-2.0
/*
 * swiotlb_stress control-interface fuzzer: random and malformed writes to
 * every writable control file (new_device, del_device, devices/N/run) from
 * several processes at once, interleaved with valid commands and reads.
 *
 * Passes when every malformed write fails with the errno its kind calls
 * for, every valid command succeeds, and the device list, each device's
 * config and each device's run spec read back exactly as the valid
 * commands left them. Also checks that the control files are root-only.
 *
 * Usage: fuzz_ctl [-n WRITES] [-s SEED] [-p PROCS]
 *   (or SST_FUZZ_WRITES, SST_FUZZ_SEED, SST_FUZZ_PROCS in the environment)
 * WRITES malformed writes in all (default 10000), shared by PROCS worker
 * processes (default 4). The seed is printed; the same seed gives the same
 * writes per worker (their interleaving is up to the scheduler).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"
#include "sst_ctl.h"

#define ROOT		SSTRESS_ROOT
#define DEVS		SSTRESS_DEVS
#define MAX_PROCS	16
#define DEVS_PER_PROC	6
#define MSGS		4
#define MSG_LEN		240
#define SHARED_DEV	"fz_shared"

/* Devices a worker owns, as its valid commands left them. */
struct fz_dev {
	char name[SSTRESS_NAME_MAX];
	char config[2048];	/* config read right after creation */
	char run[1024];		/* run file read right after the last start */
	const char *want_dma_mask;
	const char *want_min_align;
	int used;
};

/* One worker's results, in memory shared with the parent. */
struct fz_worker {
	unsigned long tried, rejected, accepted, wrong_errno;
	unsigned long valid, valid_failed, reads;
	unsigned long by_errno[4];	/* EINVAL, ENODEV, EEXIST, EFAULT */
	unsigned int nmsgs;
	char msgs[MSGS][MSG_LEN];
	int state_ok;			/* its devices read back as left */
	char state_msg[MSG_LEN];
	char names[DEVS_PER_PROC * SSTRESS_NAME_MAX + 16];
	int done;
};

static struct fz_worker *shm;
static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rn(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void note(struct fz_worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->nmsgs >= MSGS)
		return;
	va_start(ap, fmt);
	vsnprintf(w->msgs[w->nmsgs++], MSG_LEN, fmt, ap);
	va_end(ap);
}

/* ---- malformed writes ---- */

/*
 * Bytes no valid command holds anywhere: neither alphanumeric nor space
 * in the kernel's ctype (so strim() keeps them), nor '=', ',', '-', '_'
 * or '+' (kstrtou64 takes a leading '+').
 */
static const unsigned char poison[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0e, 0x0f, 0x10,
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, '!',
	'"', '#', '$', '%', '&', '\'', '(', ')', '*', '.', '/', ':', ';',
	'<', '>', '?', '@', '[', '\\', ']', '^', '`', '{', '|', '}', '~',
};

/* new_device lines that must fail with EINVAL; %s is a fresh name. */
static const char *const bad_new[] = {
	"name=%s profile=bogus", "name=%s", "profile=nvme", "name=%s profile=NVME",
	"name=%s profile=", "name=%s profile", "name= profile=nvme",
	"name=%s profile=custom mask_bits=23", "name=%s profile=custom mask_bits=65",
	"name=%s profile=custom mask_bits=-1", "name=%s profile=custom mask_bits=-0",
	"name=%s profile=custom mask_bits=18446744073709551616",
	"name=%s profile=custom mask_bits=99999999999999999999999999",
	"name=%s profile=custom mask_bits=0x", "name=%s profile=custom mask_bits=",
	"name=%s profile=custom mask_bits", "name=%s profile=custom mask_bits=1e3",
	"name=%s profile=custom mask_bits=40.0", "name=%s profile=custom mask_bits=4O",
	"name=%s profile=custom mask_bits=++40", "name=%s profile=custom mask_bits=0x1g",
	"name=%s profile=custom coherent_bits=0", "name=%s profile=custom coherent_bits=4294967336",
	"name=%s profile=custom min_align_mask=0x1000", "name=%s profile=custom min_align_mask=-1",
	"name=%s profile=custom min_align_mask=0x1ffffffff", "name=%s profile=custom min_align_mask=6",
	"name=%s profile=custom seg_boundary=0", "name=%s profile=custom seg_boundary=0x10",
	"name=%s profile=custom seg_boundary=0x1ffffffffffffffff",
	"name=%s profile=custom max_seg_size=0", "name=%s profile=custom max_seg_size=4294967296",
	"name=%s profile=custom max_seg_size=-65536",
	"name=%s profile=nvme name=%s", "name=%s profile=nvme profile=sas",
	"name=%s profile=nvme mask_bits=40 mask_bits=40", "name=%s profile=nvme bogus=1",
	"name=%s profile=nvme =1", "name=%s profile=nvme =", "name=%s profile=nvme ==",
	"name=%s=x profile=nvme", "Name=%s profile=nvme", "name=%s profile=nvme stop",
	"name=%s profile=nvme a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15",
	"name=0123456789012345678901234567890123456789 profile=nvme",
	"name=01234567890123456789012345678901 profile=nvme",
	"name=a/b profile=nvme", "name=. profile=nvme", "name=.. profile=nvme",
	"name=%s. profile=nvme", "name=\xe9t\xe9 profile=nvme", "name=\xc3\xa9t\xc3\xa9 profile=nvme",
	"name=%s\xa0 profile=nvme", "name=%s\xff profile=nvme",
	"", "\n", " ", " \t \n", "\t\t", "=", "name", "profile",
};

/* del_device lines that must fail with EINVAL. */
static const char *const bad_del[] = {
	"", "\n", " \t", "a b", "a\tb", "a/b", "..", ".", "a.b", "\xe9t\xe9", "\xff",
	"0123456789012345678901234567890123456789", "01234567890123456789012345678901",
	"name=x", "*", "fz_shared fz_shared",
};

/* run lines that must fail with EINVAL (or EBUSY when they parse). */
static const struct {
	const char *line;
} bad_run[] = {
	{ "threads=0" }, { "threads=65" }, { "threads=-1" }, { "threads=4294967297" },
	{ "threads=18446744073709551617" }, { "threads=" }, { "threads" },
	{ "size=0" }, { "size=2097153" }, { "size=-4096" }, { "iterations=0" },
	{ "iterations=1000000001" }, { "iterations=-1" }, { "duration_ms=0" },
	{ "duration_ms=3600001" }, { "iterations=5 duration_ms=5" },
	{ "size_min=10 size_max=5" }, { "size_min=10" }, { "size_max=10" },
	{ "size=8 size_min=1 size_max=9" }, { "offset=4096" }, { "offset=-1" },
	{ "offset=sweeps" }, { "offset_step=0" }, { "offset_step=4096" },
	{ "dir=sideways" }, { "dir=to," }, { "dir=," }, { "dir=" },
	{ "dir=to,from,bidi,all,to,from,bidi,all,to" }, { "dir=TO" },
	{ "op=bogus" }, { "op=" }, { "op=map_single op=map_sg" }, { "place=moon" },
	{ "place=" }, { "sync=bogus" }, { "sync=" }, { "live=0" }, { "live=257" },
	{ "segs=0" }, { "segs=17" }, { "hang_ms=99" }, { "hang_ms=3600001" },
	{ "oversize=2" }, { "partial=2" }, { "pin=2" }, { "skip_cpu_sync=2" },
	{ "seed=18446744073709551616" }, { "seed=-1" }, { "seed=0x" },
	{ "sync_off=2097152" }, { "sync_len=0" }, { "sync_len=2097153" },
	{ "op=alloc_coherent skip_cpu_sync=1" },
	{ "threads=64 size=2097152 oversize=1" },	/* may see EBUSY */
	{ "stop now" }, { "stopp" }, { "STOP" }, { "sto" }, { "bogus" }, { "=" },
	{ "threads=1 threads=1" }, { "threads=1 =2" },
	{ "a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15 p=16 q=17" },
	{ "" }, { "\n" }, { " " }, { "\t\n" },
};

/* One malformed write and the errno it must fail with. */
struct fz_bad {
	char file[128];
	char buf[4096];
	size_t len;
	const void *ptr;	/* if set, written instead of buf */
	int want, want2;
	const char *kind;
};

static void fz_random_bytes(struct fz_bad *b, size_t len)
{
	size_t i, npoison = 1 + rn(3);

	for (i = 0; i < len; i++)
		b->buf[i] = rn(256);
	/* A poison byte inside the line survives strim(). */
	for (i = 0; i < npoison; i++) {
		size_t at = len > 2 ? 1 + rn(len - 2) : 0;

		b->buf[at] = poison[rn(sizeof(poison))];
	}
	b->len = len;
}

static void fz_pick_bad(struct fz_bad *b, int me, struct fz_dev *devs,
			unsigned long seq)
{
	char fresh[SSTRESS_NAME_MAX];
	int ndev = 0, i, which;
	const char *own = NULL;
	unsigned int kind;

	for (i = 0; i < DEVS_PER_PROC; i++)
		if (devs[i].used)
			ndev++;
	if (ndev) {
		which = rn(ndev);
		for (i = 0; i < DEVS_PER_PROC; i++)
			if (devs[i].used && !which--)
				own = devs[i].name;
	}
	snprintf(fresh, sizeof(fresh), "fzx%d_%lu", me, seq);
	b->ptr = NULL;
	b->want = EINVAL;
	b->want2 = 0;

	/* Which file: new_device, del_device, an own run file, the shared one. */
	switch (rn(4)) {
	case 0:
		strcpy(b->file, SSTRESS_FILE_NEW_DEVICE);
		break;
	case 1:
		strcpy(b->file, SSTRESS_FILE_DEL_DEVICE);
		break;
	case 2:
		if (own) {
			snprintf(b->file, sizeof(b->file), SSTRESS_DIR_DEVICES "/%.32s/run", own);
			break;
		}
		/* fall through */
	default:
		strcpy(b->file, SSTRESS_DIR_DEVICES "/" SHARED_DEV "/run");
		break;
	}

	kind = rn(100);
	if (kind < 15) {
		b->kind = "random bytes";
		fz_random_bytes(b, 1 + rn(SSTRESS_WRITE_MAX));
	} else if (kind < 22) {
		/* A valid-looking line cut by a NUL somewhere. */
		b->kind = "embedded NUL";
		if (!strcmp(b->file, SSTRESS_FILE_NEW_DEVICE))
			b->len = snprintf(b->buf, sizeof(b->buf), "name=%s profile=nvme\n", fresh);
		else if (!strcmp(b->file, SSTRESS_FILE_DEL_DEVICE))
			b->len = snprintf(b->buf, sizeof(b->buf), "%s\n", own ? own : SHARED_DEV);
		else
			b->len = snprintf(b->buf, sizeof(b->buf), "%s\n",
					  rn(2) ? "stop" : "threads=1 iterations=1 size=512");
		/* Inside the count, or the write would be valid. */
		b->buf[rn(b->len)] = '\0';
		if (rn(2))
			b->buf[b->len++] = '\0';
	} else if (kind < 28) {
		/* Longer than any control write may be. */
		b->kind = "over-long line";
		b->len = SSTRESS_WRITE_MAX + 1 + rn(sizeof(b->buf) - SSTRESS_WRITE_MAX - 1);
		if (!strcmp(b->file, SSTRESS_FILE_NEW_DEVICE))
			i = snprintf(b->buf, sizeof(b->buf), "name=%s profile=nvme", fresh);
		else
			i = snprintf(b->buf, sizeof(b->buf), "stop");
		memset(b->buf + i, rn(2) ? ' ' : 'a', b->len - i);
		b->buf[b->len - 1] = '\n';
	} else if (kind < 30) {
		/* Bounds the kernel must check before touching the buffer. */
		static const size_t huge[] = {
			SSTRESS_WRITE_MAX + 1, 1 << 20, 1U << 31, (size_t)1 << 40,
		};
		b->kind = "huge count on a bad pointer";
		b->ptr = (const void *)(uintptr_t)16;
		b->len = huge[rn(4)];
	} else if (kind < 32) {
		b->kind = "bad pointer";
		b->ptr = (const void *)(uintptr_t)16;
		b->len = 1 + rn(SSTRESS_WRITE_MAX);
		b->want = EFAULT;
	} else if (kind < 33) {
		b->kind = "zero-length write";
		b->len = 0;
	} else if (!strcmp(b->file, SSTRESS_FILE_NEW_DEVICE)) {
		if (own && kind < 40) {
			b->kind = "name in use";
			b->len = snprintf(b->buf, sizeof(b->buf), "name=%s profile=legacy", own);
			b->want = EEXIST;
		} else {
			b->kind = "malformed new_device";
			b->len = snprintf(b->buf, sizeof(b->buf),
					  bad_new[rn(sizeof(bad_new) / sizeof(bad_new[0]))],
					  fresh, fresh);
		}
	} else if (!strcmp(b->file, SSTRESS_FILE_DEL_DEVICE)) {
		if (kind < 60) {
			b->kind = "no such device";
			b->len = snprintf(b->buf, sizeof(b->buf), "%s%s", fresh,
					  rn(2) ? "\n" : "");
			b->want = ENODEV;
		} else {
			b->kind = "malformed del_device";
			b->len = snprintf(b->buf, sizeof(b->buf), "%s",
					  bad_del[rn(sizeof(bad_del) / sizeof(bad_del[0]))]);
		}
	} else {
		which = rn(sizeof(bad_run) / sizeof(bad_run[0]));
		b->kind = "malformed run";
		/* Sometimes buried among valid fields. */
		/* Blank entries, buried, would leave a valid line. */
		if (rn(3) || !bad_run[which].line[strspn(bad_run[which].line, " \t\n")])
			b->len = snprintf(b->buf, sizeof(b->buf), "%s", bad_run[which].line);
		else
			b->len = snprintf(b->buf, sizeof(b->buf), "size=512\t%s iterations=1",
					  bad_run[which].line);
		if (strstr(bad_run[which].line, "oversize=1"))
			b->want2 = EBUSY;
	}
	/* A trailing newline or not, as echo and printf write. */
	if (!b->ptr && b->len && b->len < sizeof(b->buf) - 1 && b->buf[b->len - 1] != '\n' &&
	    b->kind[0] != 'e' && rn(2))
		b->buf[b->len++] = '\n';
}

/* ---- valid commands ---- */

static const struct {
	const char *fields;
	const char *dma_mask;		/* NULL: depends on the machine */
	const char *min_align;
} good_new[] = {
	{ "profile=nvme", "0xffffffffffffffff", "0xfff" },
	{ "profile=legacy", "0xffffffff", "0x0" },
	{ "profile=custom mask_bits=40 coherent_bits=36 min_align_mask=0x7ff max_seg_size=65536 seg_boundary=0xffff",
	  "0xffffffffff", "0x7ff" },
	{ "profile=nvme mask_bits=32 min_align_mask=0", "0xffffffff", "0x0" },
	{ "profile=custom\tmask_bits=+48  min_align_mask=0x3ff", "0xffffffffffff", "0x3ff" },
	{ "profile=sas", NULL, NULL },
};

static const char *const good_run[] = {
	"threads=1 iterations=2 size=512 live=1 seed=%lu",
	"op=map_sg threads=1 iterations=1 size_min=1 size_max=4096 segs=2 live=1 seed=%lu",
	"op=alloc_coherent threads=1 iterations=1 size=4096 live=1 seed=%lu",
	"op=map_page\tthreads=1  iterations=1 size=8192 dir=to,from offset=64 seed=%lu\n",
};

/* Valid command on an own device; 0 when it did what it should. */
static int fz_valid(struct fz_worker *w, int me, struct fz_dev *devs,
		    unsigned long *ndevs_made)
{
	char line[512], file[128], val[64];
	struct fz_dev *d = NULL;
	int i, n = 0, err, slot = -1;

	for (i = 0; i < DEVS_PER_PROC; i++) {
		if (devs[i].used)
			n++;
		else if (slot < 0)
			slot = i;
	}
	if (slot >= 0 && (!n || rn(3) == 0)) {
		int t = rn(sizeof(good_new) / sizeof(good_new[0]));

		d = &devs[slot];
		snprintf(d->name, sizeof(d->name), "fz%d_%lu", me, (*ndevs_made)++);
		/* Either order, either separator. */
		if (rn(2))
			snprintf(line, sizeof(line), "name=%s %s%s", d->name,
				 good_new[t].fields, rn(2) ? "\n" : "");
		else
			snprintf(line, sizeof(line), "%s\tname=%s%s",
				 good_new[t].fields, d->name, rn(2) ? "\n" : "");
		err = sstress_ctl_write_str(SSTRESS_FILE_NEW_DEVICE, line);
		if (err) {
			note(w, "valid new_device '%s' failed: %s", line, strerror(err));
			return -1;
		}
		d->used = 1;
		snprintf(file, sizeof(file), SSTRESS_DIR_DEVICES "/%.32s/config", d->name);
		sstress_ctl_read(file, d->config, sizeof(d->config));
		strcpy(d->run, "none\n");
		d->want_dma_mask = good_new[t].dma_mask;
		d->want_min_align = good_new[t].min_align;
		if ((d->want_dma_mask &&
		     strcmp(sstress_key(d->config, "dma_mask", val, sizeof(val)), d->want_dma_mask)) ||
		    (d->want_min_align &&
		     strcmp(sstress_key(d->config, "min_align_mask", val, sizeof(val)), d->want_min_align)) ||
		    strcmp(sstress_key(d->config, "name", val, sizeof(val)), d->name)) {
			note(w, "'%s' created a device whose config disagrees", line);
			return -1;
		}
		return 0;
	}

	n = rn(n);
	for (i = 0; i < DEVS_PER_PROC; i++)
		if (devs[i].used && !n--)
			d = &devs[i];
	snprintf(file, sizeof(file), SSTRESS_DIR_DEVICES "/%.32s/run", d->name);
	switch (rn(5)) {
	case 0:
	case 1:
		snprintf(line, sizeof(line), good_run[rn(sizeof(good_run) / sizeof(good_run[0]))],
			 (unsigned long)(1 + rn(1000000)));
		err = sstress_ctl_write_str(file, line);
		if (err == EBUSY)
			return 0;	/* the previous run is still going: refused */
		if (err) {
			note(w, "valid run '%s' on %s failed: %s", line, d->name, strerror(err));
			return -1;
		}
		sstress_ctl_read(file, d->run, sizeof(d->run));
		return 0;
	case 2:
		err = sstress_ctl_write_str(file, rn(2) ? "stop" : "  stop\n");
		if (err) {
			note(w, "stop on %s failed: %s", d->name, strerror(err));
			return -1;
		}
		return 0;
	default:
		/* A running device refuses del_device: stop it first. */
		err = sstress_ctl_write_str(file, "stop\n");
		if (!err)
			err = sstress_ctl_write_str(SSTRESS_FILE_DEL_DEVICE, d->name);
		if (err) {
			note(w, "del_device %s failed: %s", d->name, strerror(err));
			return -1;
		}
		d->used = 0;
		return 0;
	}
}

static const char *const dev_files[] = { "config", "stats", "run" };

static void fz_read_something(int me, struct fz_dev *devs)
{
	static char big[8192];
	char file[128];
	int i = rn(DEVS_PER_PROC);

	(void)me;
	switch (rn(4)) {
	case 0:
		sstress_ctl_read(rn(2) ? SSTRESS_FILE_VERSION : SSTRESS_FILE_PROFILES, big, sizeof(big));
		return;
	case 1:
		/* Another worker's device may be going away: any result will do. */
		snprintf(file, sizeof(file), SSTRESS_DIR_DEVICES "/fz%u_%u/%s",
			 rn(4), rn(8), rn(2) ? "stats" : "config");
		sstress_ctl_read(file, big, sizeof(big));
		return;
	default:
		snprintf(file, sizeof(file), SSTRESS_DIR_DEVICES "/%.32s/%s",
			 devs[i].used ? devs[i].name : SHARED_DEV, dev_files[rn(3)]);
		sstress_ctl_read(file, big, sizeof(big));
	}
}

static int errno_slot(int e)
{
	switch (e) {
	case EINVAL: return 0;
	case ENODEV: return 1;
	case EEXIST: return 2;
	case EFAULT: return 3;
	}
	return -1;
}

static void fz_worker_run(int me, unsigned long quota, uint64_t seed)
{
	struct fz_worker *w = &shm[me];
	struct fz_dev devs[DEVS_PER_PROC];
	static struct fz_bad b;
	unsigned long made = 0, seq = 0;
	char file[128], text[2048], val[64];
	int i, err;

	memset(devs, 0, sizeof(devs));
	rng = seed ? seed : 1;
	while (w->tried < quota) {
		unsigned int r = rn(100);

		if (r < 15) {
			w->valid++;
			if (fz_valid(w, me, devs, &made))
				w->valid_failed++;
			continue;
		}
		if (r < 22) {
			w->reads++;
			fz_read_something(me, devs);
			continue;
		}
		fz_pick_bad(&b, me, devs, seq++);
		w->tried++;
		err = sstress_ctl_write(b.file, b.ptr ? b.ptr : b.buf, b.len);
		if (!err) {
			w->accepted++;
			note(w, "%s to %s accepted (%zu bytes: '%.*s')", b.kind, b.file,
			     b.len, (int)(b.len > 80 ? 80 : b.len), b.ptr ? "" : b.buf);
			continue;
		}
		if (err > 0 && errno_slot(err) >= 0)
			w->by_errno[errno_slot(err)]++;
		if (err == b.want || (b.want2 && err == b.want2)) {
			w->rejected++;
			continue;
		}
		if (err > 0 && err != ENOENT)
			w->rejected++;	/* refused, but not as it should be */
		w->wrong_errno++;
		note(w, "%s to %s: %s, want %s (%zu bytes: '%.*s')", b.kind, b.file,
		     err < 0 ? "short write" : strerror(err), strerror(b.want), b.len,
		     (int)(b.len > 60 ? 60 : b.len), b.ptr ? "" : b.buf);
	}

	/* Own devices must read back as the valid commands left them. */
	w->state_ok = 1;
	for (i = 0; i < DEVS_PER_PROC; i++) {
		struct fz_dev *d = &devs[i];

		if (!d->used)
			continue;
		strcat(w->names, d->name);
		strcat(w->names, " ");
		snprintf(file, sizeof(file), SSTRESS_DIR_DEVICES "/%.32s/config", d->name);
		if (strcmp(sstress_ctl_read(file, text, sizeof(text)), d->config)) {
			w->state_ok = 0;
			snprintf(w->state_msg, MSG_LEN, "%.32s: config changed (dma_mask now %.40s)",
				 d->name, sstress_key(text, "dma_mask", val, sizeof(val)));
		}
		snprintf(file, sizeof(file), SSTRESS_DIR_DEVICES "/%.32s/run", d->name);
		if (strcmp(sstress_ctl_read(file, text, sizeof(text)), d->run)) {
			w->state_ok = 0;
			snprintf(w->state_msg, MSG_LEN,  "%.32s: run spec is '%.80s', want '%.80s'",
				 d->name, text, d->run);
		}
	}
	w->done = 1;
}

/* ---- permissions ---- */

static int check_mode(const char *path, mode_t want, char *why, size_t size)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (st.st_uid != 0 || (st.st_mode & 0777) != want) {
		snprintf(why, size, "%s: mode %03o uid %u, want %03o uid 0", path,
			 st.st_mode & 0777, st.st_uid, want);
		return 0;
	}
	return 1;
}

/* As nobody: every control file must refuse to open. */
static int unprivileged_refused(char *why, size_t size)
{
	static const struct {
		const char *path;
		int flags;
	} files[] = {
		{ ROOT "/" SSTRESS_FILE_NEW_DEVICE, O_WRONLY },
		{ ROOT "/" SSTRESS_FILE_DEL_DEVICE, O_WRONLY },
		{ DEVS "/" SHARED_DEV "/run", O_WRONLY },
		{ DEVS "/" SHARED_DEV "/run", O_RDONLY },
		{ DEVS "/" SHARED_DEV "/config", O_RDONLY },
		{ DEVS "/" SHARED_DEV "/stats", O_RDONLY },
		{ ROOT "/" SSTRESS_FILE_VERSION, O_RDONLY },
	};
	int pipefd[2], status;
	struct stat top;
	pid_t pid;
	ssize_t n;

	/*
	 * The debugfs mount is 0700: open it up while the child tries, so
	 * the control files' own modes are what refuses it.
	 */
	if (stat(ROOT "/../", &top) || chmod(ROOT "/../", 0755)) {
		snprintf(why, size, "cannot open up the debugfs mount: %s", strerror(errno));
		return 0;
	}
	if (pipe(pipefd)) {
		chmod(ROOT "/../", top.st_mode & 07777);
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		char msg[MSG_LEN] = "";
		unsigned int i;

		close(pipefd[0]);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
			snprintf(msg, sizeof(msg), "cannot become nobody: %s", strerror(errno));
		} else {
			for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
				int fd = open(files[i].path, files[i].flags);

				if (fd >= 0) {
					snprintf(msg, sizeof(msg), "uid 65534 opened %s %s",
						 files[i].path,
						 files[i].flags == O_WRONLY ? "for writing" : "for reading");
					close(fd);
					break;
				}
			}
		}
		n = write(pipefd[1], msg, strlen(msg));
		_exit(n < 0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], why, size - 1);
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	chmod(ROOT "/../", top.st_mode & 07777);
	why[n > 0 ? n : 0] = '\0';
	return n == 0;
}

/* strcmp() for qsort(): the order sstress_device_list() gives (C locale). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned long env_or(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n WRITES] [-s SEED] [-p PROCS]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long writes = env_or("SST_FUZZ_WRITES", 10000);
	unsigned long procs = env_or("SST_FUZZ_PROCS", 4);
	uint64_t seed = env_or("SST_FUZZ_SEED", 0);
	unsigned long tried = 0, rejected = 0, accepted = 0, wrong = 0;
	unsigned long valid = 0, valid_failed = 0, reads = 0, by_errno[4] = { 0 };
	char before[4096], after[4096], want[4096], why[MSG_LEN];
	char text[2048], shared_cfg[2048], shared_run[1024];
	int opt, ok, state_ok = 1, all_done = 1;
	struct timeval t0, t1;
	unsigned int i, j;
	pid_t pids[MAX_PROCS];

	while ((opt = getopt(argc, argv, "n:s:p:h")) != -1) {
		switch (opt) {
		case 'n':
			writes = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			procs = strtoul(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (!procs || procs > MAX_PROCS || !writes)
		usage(argv[0]);
	if (!seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec << 20) ^ ts.tv_nsec ^ getpid();
	}

	ksft_print_header();
	if (geteuid())
		ksft_exit_skip("must run as root\n");
	if (sstress_lockdown_reason())
		ksft_exit_skip("%s\n", sstress_lockdown_reason());
	if (access(ROOT, F_OK))
		ksft_exit_skip("%s missing: module not loaded\n", ROOT);
	ksft_set_plan(9);
	ksft_print_msg("seed %llu, %lu malformed writes from %lu processes\n",
		       (unsigned long long)seed, writes, procs);

	sstress_device_list(before, sizeof(before));
	if (sstress_ctl_write_str(SSTRESS_FILE_NEW_DEVICE, "name=" SHARED_DEV " profile=nvme") ||
	    sstress_ctl_write_str(SSTRESS_DIR_DEVICES "/" SHARED_DEV "/run", "threads=1 iterations=1 size=512 seed=7")) {
		ksft_print_msg("cannot create the shared device %s\n", SHARED_DEV);
		ksft_test_result(0, "fuzz setup\n");
		ksft_finished();
	}
	sstress_ctl_read(SSTRESS_DIR_DEVICES "/" SHARED_DEV "/config", shared_cfg, sizeof(shared_cfg));
	sstress_ctl_read(SSTRESS_DIR_DEVICES "/" SHARED_DEV "/run", shared_run, sizeof(shared_run));

	/* 1, 2: root-only control files. */
	ok = check_mode(ROOT "/" SSTRESS_FILE_NEW_DEVICE, 0200, why, sizeof(why)) &&
	     check_mode(ROOT "/" SSTRESS_FILE_DEL_DEVICE, 0200, why, sizeof(why)) &&
	     check_mode(ROOT "/" SSTRESS_FILE_VERSION, 0400, why, sizeof(why)) &&
	     check_mode(ROOT "/" SSTRESS_FILE_PROFILES, 0400, why, sizeof(why)) &&
	     check_mode(DEVS "/" SHARED_DEV "/run", 0600, why, sizeof(why)) &&
	     check_mode(DEVS "/" SHARED_DEV "/config", 0400, why, sizeof(why)) &&
	     check_mode(DEVS "/" SHARED_DEV "/stats", 0400, why, sizeof(why));
	if (!ok)
		ksft_print_msg("%s\n", why);
	ksft_test_result(ok, "control files are root-only (0200 writers, 0600 run, 0400 readers, uid 0)\n");
	ok = unprivileged_refused(why, sizeof(why));
	if (!ok)
		ksft_print_msg("%s\n", why);
	ksft_test_result(ok, "an unprivileged user can open no control file\n");

	/* 3..8: the fuzz. */
	shm = mmap(NULL, sizeof(*shm) * procs, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		ksft_exit_skip("mmap: %s\n", strerror(errno));
	memset(shm, 0, sizeof(*shm) * procs);
	fflush(stdout);
	gettimeofday(&t0, NULL);
	for (i = 0; i < procs; i++) {
		unsigned long quota = writes / procs + (i < writes % procs);

		pids[i] = fork();
		if (pids[i] == 0) {
			fz_worker_run(i, quota, seed + 0x9e3779b97f4a7c15ULL * (i + 1));
			_exit(0);
		}
	}
	for (i = 0; i < procs; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) || !shm[i].done) {
			all_done = 0;
			ksft_print_msg("worker %u died (status %#x)\n", i, status);
		}
	}
	gettimeofday(&t1, NULL);

	for (i = 0; i < procs; i++) {
		struct fz_worker *w = &shm[i];

		tried += w->tried;
		rejected += w->rejected;
		accepted += w->accepted;
		wrong += w->wrong_errno;
		valid += w->valid;
		valid_failed += w->valid_failed;
		reads += w->reads;
		for (j = 0; j < 4; j++)
			by_errno[j] += w->by_errno[j];
		for (j = 0; j < w->nmsgs; j++)
			ksft_print_msg("worker %u: %s\n", i, w->msgs[j]);
		if (!w->state_ok) {
			state_ok = 0;
			ksft_print_msg("worker %u: %s\n", i, w->state_msg);
		}
	}
	ksft_print_msg("%lu malformed writes tried, %lu rejected (EINVAL %lu, ENODEV %lu, EEXIST %lu, EFAULT %lu), %lu accepted, %lu with the wrong errno; %lu valid commands (%lu failed), %lu reads; %.1f s\n",
		       tried, rejected, by_errno[0], by_errno[1], by_errno[2], by_errno[3],
		       accepted, wrong, valid, valid_failed, reads,
		       (t1.tv_sec - t0.tv_sec) + (t1.tv_usec - t0.tv_usec) / 1e6);
	/* One line for the runner to collect. */
	ksft_print_msg("figures: fuzz_writes_tried=%lu fuzz_writes_rejected=%lu fuzz_seed=%llu\n",
		       tried, rejected, (unsigned long long)seed);

	ksft_test_result(all_done && tried == writes,
			 "%lu processes wrote %lu malformed writes (seed %llu)\n",
			 procs, tried, (unsigned long long)seed);
	ksft_test_result(all_done && !accepted && rejected == tried,
			 "every malformed write was rejected (%lu of %lu)\n", rejected, tried);
	ksft_test_result(all_done && !wrong,
			 "every rejection had the errno its input calls for (%lu did not)\n", wrong);
	ksft_test_result(all_done && valid && !valid_failed,
			 "valid commands interleaved with them all succeeded (%lu)\n", valid);

	/* The list: what was there, the shared device, what workers left. */
	snprintf(want, sizeof(want), "%.3000s%s ", before, SHARED_DEV);
	for (i = 0; i < procs; i++)
		strncat(want, shm[i].names, sizeof(want) - strlen(want) - 1);
	{
		char *names[512], *tok, *save = NULL, copy[4096];
		size_t n = 0;

		snprintf(copy, sizeof(copy), "%s", want);
		for (tok = strtok_r(copy, " ", &save); tok && n < 512;
		     tok = strtok_r(NULL, " ", &save))
			names[n++] = tok;
		qsort(names, n, sizeof(names[0]), cmp_str);
		want[0] = '\0';
		for (j = 0; j < n; j++) {
			strcat(want, names[j]);
			strcat(want, " ");
		}
	}
	sstress_device_list(after, sizeof(after));
	ok = !strcmp(after, want);
	if (!ok)
		ksft_print_msg("devices: '%s', want '%s'\n", after, want);
	ksft_test_result(ok, "the device list reads back as the valid commands left it\n");

	ok = state_ok &&
	     !strcmp(sstress_ctl_read(SSTRESS_DIR_DEVICES "/" SHARED_DEV "/config", text, sizeof(text)), shared_cfg) &&
	     !strcmp(sstress_ctl_read(SSTRESS_DIR_DEVICES "/" SHARED_DEV "/run", text, sizeof(text)), shared_run);
	if (state_ok && !ok)
		ksft_print_msg("%s: config or run spec changed: run '%.100s'\n", SHARED_DEV, text);
	ksft_test_result(ok, "every device's config and run spec read back unchanged\n");

	/* Clean up: stop and delete what the fuzz made. */
	ok = 1;
	for (i = 0; i <= procs; i++) {
		char copy[sizeof(shm[0].names)], *tok, *save = NULL, file[128];

		snprintf(copy, sizeof(copy), "%s", i < procs ? shm[i].names : SHARED_DEV);
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			snprintf(file, sizeof(file), SSTRESS_DIR_DEVICES "/%.32s/run", tok);
			if (sstress_ctl_write_str(file, "stop") || sstress_ctl_write_str(SSTRESS_FILE_DEL_DEVICE, tok)) {
				ksft_print_msg("cannot delete %s\n", tok);
				ok = 0;
			}
		}
	}
	sstress_device_list(after, sizeof(after));
	ok = ok && !strcmp(after, before);
	ksft_test_result(ok, "the fuzz's devices stop and delete cleanly (left: '%s')\n", after);
	ksft_finished();
	return 0;
}
