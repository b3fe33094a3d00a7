// SPDX-License-Identifier: GPL-2.0
/*
 * blk_pattern: checks a block device that holds the known pattern the
 * runner wrote (tools/run.sh, vblk image): every 8-byte word at byte
 * offset O of the device holds O, little-endian.
 *
 *   blk_pattern DEV buffered RA_CHUNK   sequential read() of the whole
 *       device, RA_CHUNK bytes a call, through the page cache (read-ahead)
 *   blk_pattern DEV direct SIZE         O_DIRECT pread() of SIZE bytes into
 *       a buffer at every 512-byte offset of a page (0, 512, ... 3584),
 *       at device offsets that move by SIZE + 512 each time
 *   blk_pattern DEV direct-write SIZE   the same with pwrite() of the
 *       pattern (the device's contents stay what they were), each write
 *       read back by O_DIRECT into a buffer at another offset
 *
 * Prints "ok IOS BYTES" and exits 0, or "fail WHAT" and exits 1 (an I/O
 * error: the errno; a wrong word: its device offset, expected and seen).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <unistd.h>

static long ios;
static unsigned long long bytes;

static int check(const unsigned char *buf, size_t len, unsigned long long off)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, buf + i, 8);
		if (w != off + i) {
			printf("fail word at device offset %llu: expected %llu, seen %llu (0x%016llx)\n",
			       off + i, off + i, (unsigned long long)w,
			       (unsigned long long)w);
			return 1;
		}
	}
	return 0;
}

static void fill(unsigned char *buf, size_t len, unsigned long long off)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = off + i;

		memcpy(buf + i, &w, 8);
	}
}

static int xfer(int fd, int wr, unsigned char *buf, size_t len, unsigned long long off)
{
	ssize_t n = wr ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);

	if (n != (ssize_t)len) {
		printf("fail %s of %zu bytes at device offset %llu, buffer offset %lu: %s\n",
		       wr ? "O_DIRECT pwrite" : "O_DIRECT pread", len, off,
		       (unsigned long)((uintptr_t)buf & 4095),
		       n < 0 ? strerror(errno) : "short transfer");
		return 1;
	}
	ios++;
	bytes += len;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long devsize = 0, off;
	unsigned char *mem, *buf;
	size_t size;
	int fd, bo;

	if (argc != 4 || (size = strtoul(argv[3], NULL, 0)) == 0 || size % 512) {
		fprintf(stderr, "usage: blk_pattern DEV buffered|direct|direct-write SIZE (a multiple of 512)\n");
		return 2;
	}
	if (posix_memalign((void **)&mem, 4096, size + 2 * 4096)) {
		printf("fail no memory for %zu bytes\n", size);
		return 1;
	}
	if (!strcmp(argv[2], "buffered")) {
		fd = open(argv[1], O_RDONLY);
		if (fd < 0) {
			printf("fail open %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		for (off = 0;; off += size) {
			ssize_t n = read(fd, mem, size);

			if (n < 0) {
				printf("fail read of %zu bytes at device offset %llu: %s\n",
				       size, off, strerror(errno));
				return 1;
			}
			if (n == 0)
				break;
			ios++;
			bytes += n;
			if (check(mem, n, off))
				return 1;
			if ((size_t)n != size)
				off -= size - n;
		}
		printf("ok %ld %llu\n", ios, bytes);
		return 0;
	}
	if (strcmp(argv[2], "direct") && strcmp(argv[2], "direct-write")) {
		fprintf(stderr, "blk_pattern: mode '%s': buffered, direct or direct-write\n", argv[2]);
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd >= 0 && ioctl(fd, BLKGETSIZE64, &devsize))
		devsize = lseek(fd, 0, SEEK_END);	/* a file, tried on the host */
	if (fd < 0 || devsize == (unsigned long long)-1) {
		printf("fail open %s O_DIRECT: %s\n", argv[1], strerror(errno));
		return 1;
	}
	off = 0;
	for (bo = 0; bo < 4096; bo += 512) {
		if (off + size > devsize)
			off = 0;
		buf = mem + bo;
		if (!strcmp(argv[2], "direct-write")) {
			fill(buf, size, off);
			if (xfer(fd, 1, buf, size, off))
				return 1;
			buf = mem + ((bo + 1536) & 4095);
			memset(buf, 0xa5, size);
		} else {
			memset(buf, 0xa5, size);
		}
		if (xfer(fd, 0, buf, size, off) || check(buf, size, off)) {
			printf("fail (at buffer offset %d, %zu bytes)\n", (int)((uintptr_t)buf & 4095), size);
			return 1;
		}
		off += size + 512;
	}
	printf("ok %ld %llu\n", ios, bytes);
	return 0;
}
