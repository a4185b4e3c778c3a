/* SPDX-License-Identifier: GPL-2.0 */
/*
 * utest.h - helpers shared by the usr/ test programs (header only: each
 * program stays one .c file, built with glibc and with musl).
 *
 * Every program prints lines prefixed with its name, counts failed
 * checks, and ends with "NAME: OK" (exit 0) or "NAME: FAILED: N of M
 * checks" (exit 1).
 */
#ifndef USR_UTEST_H
#define USR_UTEST_H

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *utest_name = "?";
static unsigned long utest_checks, utest_failed;

static void utest_init(const char *name)
{
	utest_name = name;
	/* Lines must reach the console in order even when we die. */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", utest_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* check(cond, fmt, ...): count a check; print "NAME: FAIL: ..." if false. */
__attribute__((format(printf, 2, 3)))
static int check(int ok, const char *fmt, ...)
{
	va_list ap;

	utest_checks++;
	if (ok)
		return 1;
	utest_failed++;
	printf("%s: FAIL: ", utest_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 0;
}

/* check_err(ret, errno, want_errno, what): a call that must fail with want_errno. */
__attribute__((unused))
static int check_err(long ret, int err, int want, const char *what)
{
	return check(ret == -1 && err == want, "%s: returned %ld errno %d (%s), expected -1 errno %d (%s)",
		     what, ret, ret == -1 ? err : 0, ret == -1 ? strerror(err) : "-",
		     want, strerror(want));
}

/* CHECK_ERR(call, want_errno, what): errno read after the call returned. */
#define CHECK_ERR(call, want, what)				\
	({							\
		long __r = (long)(call);			\
		int __e = errno;				\
		check_err(__r, __e, (want), (what));		\
	})

static int utest_finish(void)
{
	if (utest_failed) {
		printf("%s: FAILED: %lu of %lu checks\n", utest_name, utest_failed, utest_checks);
		fflush(stdout);
		return 1;
	}
	printf("%s: OK (%lu checks)\n", utest_name, utest_checks);
	fflush(stdout);
	return 0;
}

__attribute__((unused))
/* Does the listing of dir name the entry name? */
static inline int dir_has(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, name))
			found = 1;
	closedir(d);
	return found;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

__attribute__((unused))
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A 64-bit mix (splitmix64's finaliser): seeds per page. */
__attribute__((unused))
static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* xorshift64: the next word of a page's pseudo-random stream. */
__attribute__((unused))
static inline uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

#endif /* USR_UTEST_H */
