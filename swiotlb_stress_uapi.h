/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * swiotlb_stress: the contract between the module and its own tests
 * (selftests, tools/run.sh). The module exposes text files under debugfs;
 * this header names them, the report keys and the limits a control write is
 * checked against, so both sides agree on one definition.
 *
 * Not a kernel ABI: a private test protocol, so it lives next to the module
 * (as lib/test_hmm_uapi.h does for test_hmm), not in include/uapi/.
 */
#ifndef _SWIOTLB_STRESS_UAPI_H
#define _SWIOTLB_STRESS_UAPI_H

/* Directory under the debugfs mount point. */
#define SSTRESS_DEBUGFS_DIR	"swiotlb_stress"

/* Top-level files. */
#define SSTRESS_FILE_VERSION	"version"
#define SSTRESS_FILE_PROFILES	"profiles"
#define SSTRESS_FILE_NEW_DEVICE	"new_device"
#define SSTRESS_FILE_DEL_DEVICE	"del_device"
#define SSTRESS_DIR_DEVICES	"devices"

/* Per-device files, in devices/<name>/. */
#define SSTRESS_FILE_CONFIG	"config"
#define SSTRESS_FILE_RUN	"run"
#define SSTRESS_FILE_STATS	"stats"

/*
 * Every report starts with "version: SSTRESS_REPORT_VERSION". Keys are only
 * ever added; a key's meaning never changes within a version.
 */
#define SSTRESS_REPORT_VERSION	1

/*
 * Platform device registered with the module parameter bench_pdev=1, for
 * the kernel's dma_map_benchmark (tools/bench.sh).
 */
#define SSTRESS_BENCH_PDEV	"swiotlb_stress_bench"

/* Limits enforced on control writes. */
#define SSTRESS_NAME_MAX	32	/* device name, including the NUL */
#define SSTRESS_MAX_DEVICES	64
#define SSTRESS_WRITE_MAX	512	/* bytes in one control write */
#define SSTRESS_MASK_BITS_MIN	24	/* ZONE_DMA on x86 */
#define SSTRESS_MASK_BITS_MAX	64
#define SSTRESS_MAX_THREADS	64
#define SSTRESS_MAX_ITERATIONS	1000000000ULL
#define SSTRESS_MAX_DURATION_MS	3600000U
#define SSTRESS_MAX_MAP_SIZE	(2U << 20)	/* one mapping, oversize runs included */
#define SSTRESS_MAX_RUN_MEMORY	(64U << 20)	/* buffers of all threads of one run */

/* Verdict words used by "check_<name>:" and "verdict:" lines. */
#define SSTRESS_PASS		"pass"
#define SSTRESS_FAIL		"fail"
#define SSTRESS_SKIP		"skip"

#endif /* _SWIOTLB_STRESS_UAPI_H */
