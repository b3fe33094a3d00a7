/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP output for the C selftests. Inside a kernel tree
 * (tools/testing/selftests/swiotlb_stress/) the kernel's kselftest.h is
 * used; out of tree, where Debian's header packages do not ship it, this
 * minimal equivalent with the same names and exit codes stands in.
 */
#ifndef SSTRESS_KTAP_H
#define SSTRESS_KTAP_H

#if __has_include("../kselftest.h")
#include "../kselftest.h"
#else
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

static unsigned int ksft_n, ksft_fails, ksft_skips;

static inline void ksft_print_header(void)
{
	printf("KTAP version 1\n");
}

static inline void ksft_set_plan(unsigned int plan)
{
	printf("1..%u\n", plan);
}

static inline void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static inline void ksft_vresult(const char *pre, const char *fmt, va_list ap)
{
	printf("%s %u ", pre, ++ksft_n);
	vprintf(fmt, ap);
	fflush(stdout);
}

static inline void ksft_test_result(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ksft_vresult(ok ? "ok" : "not ok", fmt, ap);
	va_end(ap);
	if (!ok)
		ksft_fails++;
}

static inline void ksft_test_result_skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %u # SKIP ", ++ksft_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	ksft_skips++;
}

static inline void ksft_exit_skip(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	exit(KSFT_SKIP);
}

static inline void ksft_finished(void)
{
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       ksft_n - ksft_fails - ksft_skips, ksft_fails, ksft_skips);
	exit(ksft_fails ? KSFT_FAIL : KSFT_PASS);
}
#endif /* kselftest.h */

#endif /* SSTRESS_KTAP_H */
