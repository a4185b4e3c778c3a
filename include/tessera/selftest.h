/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SELFTEST_H
#define _TESSERA_SELFTEST_H

#include <tessera/kernel.h>

/*
 * In-kernel self-tests.  Declare one anywhere:
 *
 *	SELFTEST(subsys_thing)
 *	{
 *		ST_ASSERT(1 + 1 == 2);
 *		ST_EQ(foo(), 42);
 *		return 0;
 *	}
 *
 * They run with selftest=all or selftest=<glob>[,<glob>...].  A test marked
 * SELFTEST_EXPLICIT (deliberate failures, the oops demo) runs only when a
 * pattern names it without wildcards.
 */
struct selftest {
	const char *name;
	int (*fn)(void);
	unsigned int flags;
};

#define SELFTEST_EXPLICIT	0x1

#define __SELFTEST(tname, tflags)					\
	static int __selftest_fn_##tname(void);				\
	static const struct selftest __selftest_##tname			\
	__used __section(".selftests") __aligned(8) = {			\
		.name = #tname, .fn = __selftest_fn_##tname,		\
		.flags = tflags,					\
	};								\
	static int __selftest_fn_##tname(void)

#define SELFTEST(name)		__SELFTEST(name, 0)
#define SELFTEST_EXPLICIT_ONLY(name) __SELFTEST(name, SELFTEST_EXPLICIT)

/*
 * Run fn(arg, cpu) at once on every online CPU, each in a kthread bound
 * to its CPU; wait for all (bounded).  Returns the first non-zero result,
 * or -ETIMEDOUT.
 */
int selftest_run_on_each_cpu(int (*fn)(void *arg, unsigned int cpu), void *arg);

/* A test that triggers n WARNs on purpose declares them first. */
void selftest_expect_warnings(unsigned long n);

/* Record why the running test failed; returns -1 for "return selftest_fail(...)". */
int selftest_fail(const char *fmt, ...) __printf(1, 2);

/*
 * The running test cannot run here (no disk, no ECAM on this machine):
 * "return selftest_skip(reason)" reports it as skipped, neither passed
 * nor failed.
 */
#define SELFTEST_SKIPPED	77
int selftest_skip(const char *fmt, ...) __printf(1, 2);

#define ST_ASSERT(cond) do {						\
	if (!(cond))							\
		return selftest_fail("%s:%d: %s", __FILE__, __LINE__,	\
				     #cond);				\
} while (0)

#define ST_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b)							\
		return selftest_fail("%s:%d: %s == %lld, expected %lld",\
				     __FILE__, __LINE__, #a, __a, __b);	\
} while (0)

#define ST_STREQ(a, b) do {						\
	const char *__a = (a), *__b = (b);				\
	if (strcmp(__a, __b))						\
		return selftest_fail("%s:%d: %s == \"%s\", expected \"%s\"",\
				     __FILE__, __LINE__, #a, __a, __b);	\
} while (0)

#ifdef CONFIG_SELFTEST
/* Run the self-tests selected on the command line, if any; does not return then. */
void selftest_run_requested(void);
/* Did the command line ask for self-tests (they then own the run)? */
bool selftest_requested(void);
#else
static inline void selftest_run_requested(void) { }
static inline bool selftest_requested(void) { return false; }
#endif

#endif /* _TESSERA_SELFTEST_H */
