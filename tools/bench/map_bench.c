// SPDX-License-Identifier: GPL-2.0
/*
 * map_bench: one run of the kernel's dma_map_benchmark (kernel/dma/
 * map_benchmark.c, CONFIG_DMA_MAP_BENCHMARK) on the device bound to it, as
 * tools/testing/selftests/dma/dma_map_benchmark.c does, with its result as
 * one line of key=value words for tools/bench.sh. Static, for a busybox
 * guest.
 *
 * Usage: map_bench THREADS SECONDS DMA_BITS DIR GRANULE
 *   DIR: to, from or bidi; GRANULE: pages per mapping (1..1024)
 * Output: bench_rc=0 avg_map_100ns=N map_stddev=N avg_unmap_100ns=N
 *         unmap_stddev=N, or bench_rc=ERRNO bench_error=WORD on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * include/linux/map_benchmark.h; the same layout in 6.1 and 6.12 (the
 * header moved out of the selftest in 5.16 and has not changed since).
 */
struct map_benchmark {
	uint64_t avg_map_100ns;
	uint64_t map_stddev;
	uint64_t avg_unmap_100ns;
	uint64_t unmap_stddev;
	uint32_t threads;
	uint32_t seconds;
	int32_t node;
	uint32_t dma_bits;
	uint32_t dma_dir;
	uint32_t dma_trans_ns;
	uint32_t granule;
	uint8_t expansion[76];
};

#define DMA_MAP_BENCHMARK	_IOWR('d', 1, struct map_benchmark)
#define DMA_MAP_BIDIRECTIONAL	0
#define DMA_MAP_TO_DEVICE	1
#define DMA_MAP_FROM_DEVICE	2
#define NUMA_NO_NODE		(-1)

static const char *path = "/sys/kernel/debug/dma_map_benchmark";

static int fail(int err, const char *what)
{
	printf("bench_rc=%d bench_error=%s\n", err, what);
	return 1;
}

int main(int argc, char **argv)
{
	struct map_benchmark mb;
	int fd;

	if (argc != 6) {
		fprintf(stderr, "usage: %s THREADS SECONDS DMA_BITS to|from|bidi GRANULE\n",
			argv[0]);
		return 2;
	}
	memset(&mb, 0, sizeof(mb));
	mb.threads = strtoul(argv[1], NULL, 0);
	mb.seconds = strtoul(argv[2], NULL, 0);
	mb.dma_bits = strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[4], "to"))
		mb.dma_dir = DMA_MAP_TO_DEVICE;
	else if (!strcmp(argv[4], "from"))
		mb.dma_dir = DMA_MAP_FROM_DEVICE;
	else if (!strcmp(argv[4], "bidi"))
		mb.dma_dir = DMA_MAP_BIDIRECTIONAL;
	else
		return fail(EINVAL, "bad-direction");
	mb.granule = strtoul(argv[5], NULL, 0);
	mb.node = NUMA_NO_NODE;
	/* The storm engine has no "DMA in flight" delay either. */
	mb.dma_trans_ns = 0;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail(errno, "open");
	if (ioctl(fd, DMA_MAP_BENCHMARK, &mb)) {
		int err = errno;

		close(fd);
		return fail(err, err == ENOMEM ? "map-failed" : "ioctl");
	}
	close(fd);
	printf("bench_rc=0 avg_map_100ns=%llu map_stddev=%llu avg_unmap_100ns=%llu unmap_stddev=%llu\n",
	       (unsigned long long)mb.avg_map_100ns,
	       (unsigned long long)mb.map_stddev,
	       (unsigned long long)mb.avg_unmap_100ns,
	       (unsigned long long)mb.unmap_stddev);
	return 0;
}
