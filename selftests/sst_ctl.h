/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control files as the C selftests use them: write, read, pick a
 * "key: value" line, list the devices, and tell why kernel lockdown keeps
 * a test from them. Shared by ctl_test.c and fuzz_ctl.c so both read the
 * interface the same way.
 */
#ifndef SSTRESS_CTL_H
#define SSTRESS_CTL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "swiotlb_stress_uapi.h"	/* the module's private test protocol */

#define SSTRESS_ROOT	"/sys/kernel/debug/" SSTRESS_DEBUGFS_DIR
#define SSTRESS_DEVS	SSTRESS_ROOT "/" SSTRESS_DIR_DEVICES

/*
 * Writes @len bytes from @data to @file (relative to SSTRESS_ROOT) in one
 * write(): 0, the errno, or -1 for a short write (neither taken whole nor
 * refused, which no control file may do).
 */
static inline int sstress_ctl_write(const char *file, const void *data,
				    size_t len)
{
	char path[256];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), SSTRESS_ROOT "/%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, data, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = -1;
	close(fd);
	return err;
}

static inline int sstress_ctl_write_str(const char *file, const char *s)
{
	return sstress_ctl_write(file, s, strlen(s));
}

/* The whole of @file, NUL-terminated in @out ("" when it cannot be read). */
static inline const char *sstress_ctl_read(const char *file, char *out,
					   size_t size)
{
	char path[256];
	ssize_t n, got = 0;
	int fd;

	snprintf(path, sizeof(path), SSTRESS_ROOT "/%s", file);
	out[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return out;
	while ((size_t)got < size - 1 &&
	       (n = read(fd, out + got, size - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(fd);
	return out;
}

/* The value of the "@k: value" line of @text in @val ("" when absent). */
static inline const char *sstress_key(const char *text, const char *k,
				      char *val, size_t size)
{
	size_t klen = strlen(k);
	const char *p = text;

	val[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, k, klen) && p[klen] == ':' && p[klen + 1] == ' ') {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p - klen - 2) :
					 strlen(p + klen + 2);

			if (len >= size)
				len = size - 1;
			memcpy(val, p + klen + 2, len);
			val[len] = '\0';
			break;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return val;
}

/* Names in devices/, sorted, joined by spaces: the state bad input keeps. */
static inline void sstress_device_list(char *out, size_t size)
{
	struct dirent **names;
	int n, i;

	out[0] = '\0';
	n = scandir(SSTRESS_DEVS, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			strncat(out, names[i]->d_name, size - strlen(out) - 2);
			strcat(out, " ");
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* Under kernel lockdown: why the control files cannot be used, or NULL. */
static inline const char *sstress_lockdown_reason(void)
{
	static char why[256];
	char lvl[128] = "", *b, *e;
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");
	int fd;

	if (!f)
		return NULL;
	if (!fgets(lvl, sizeof(lvl), f))
		lvl[0] = '\0';
	fclose(f);
	b = strchr(lvl, '[');
	e = b ? strchr(b, ']') : NULL;
	if (!e || !strncmp(b, "[none]", 6))
		return NULL;
	*e = '\0';
	if (access(SSTRESS_ROOT, F_OK)) {
		snprintf(why, sizeof(why), "kernel lockdown (%s): the module is not loaded (lockdown refuses unsigned modules)",
			 b + 1);
		return why;
	}
	fd = open(SSTRESS_ROOT "/" SSTRESS_FILE_NEW_DEVICE, O_WRONLY);
	if (fd >= 0) {
		close(fd);
		return NULL;
	}
	snprintf(why, sizeof(why), "kernel lockdown (%s): module loaded, but debugfs writes to its control files are refused (%s)",
		 b + 1, strerror(errno));
	return why;
}

#endif /* SSTRESS_CTL_H */
