/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal check macros for host-side unit tests.
 *
 * Every CHECK*() counts one check; a failing one prints file:line and the
 * mismatch. The *_AT variants take the location explicitly so helpers can
 * report their caller's line. End main() with "return check_report();".
 */
#ifndef _TESTS_HOST_CHECK_H
#define _TESTS_HOST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_total;
static int check_failed;

static inline int check_fail(const char *file, int line)
{
	check_failed++;
	printf("%s:%d: ", file, line);
	return 0;
}

static inline int check_true_at(const char *file, int line, int ok,
				const char *expr)
{
	check_total++;
	if (ok)
		return 1;
	check_fail(file, line);
	printf("check failed: %s\n", expr);
	return 0;
}

static inline int check_int_at(const char *file, int line, long long got,
			       long long want, const char *expr)
{
	check_total++;
	if (got == want)
		return 1;
	check_fail(file, line);
	printf("%s: got %lld (%#llx), want %lld (%#llx)\n", expr,
	       got, (unsigned long long)got, want, (unsigned long long)want);
	return 0;
}

static inline int check_uint_at(const char *file, int line,
				unsigned long long got, unsigned long long want,
				const char *expr)
{
	check_total++;
	if (got == want)
		return 1;
	check_fail(file, line);
	printf("%s: got %llu (%#llx), want %llu (%#llx)\n", expr,
	       got, got, want, want);
	return 0;
}

static inline int check_str_at(const char *file, int line, const char *got,
			       const char *want, const char *expr)
{
	check_total++;
	if (got == want || (got && want && !strcmp(got, want)))
		return 1;
	check_fail(file, line);
	printf("%s: got \"%s\", want \"%s\"\n", expr,
	       got ? got : "(NULL)", want ? want : "(NULL)");
	return 0;
}

static inline int check_ptr_at(const char *file, int line, const void *got,
			       const void *want, const char *expr)
{
	check_total++;
	if (got == want)
		return 1;
	check_fail(file, line);
	printf("%s: got %p, want %p\n", expr, got, want);
	return 0;
}

#define CHECK_AT(f, l, c)	check_true_at(f, l, !!(c), #c)
#define CHECK_INT_AT(f, l, g, w) check_int_at(f, l, (g), (w), #g)
#define CHECK_UINT_AT(f, l, g, w) check_uint_at(f, l, (g), (w), #g)
#define CHECK_STR_AT(f, l, g, w) check_str_at(f, l, (g), (w), #g)
#define CHECK_PTR_AT(f, l, g, w) check_ptr_at(f, l, (g), (w), #g)

#define CHECK(c)		CHECK_AT(__FILE__, __LINE__, c)
#define CHECK_INT(g, w)		CHECK_INT_AT(__FILE__, __LINE__, g, w)
#define CHECK_UINT(g, w)	CHECK_UINT_AT(__FILE__, __LINE__, g, w)
#define CHECK_STR(g, w)		CHECK_STR_AT(__FILE__, __LINE__, g, w)
#define CHECK_PTR(g, w)		CHECK_PTR_AT(__FILE__, __LINE__, g, w)

/* Sign of a comparison result, for checking memcmp-like functions. */
#define SIGN(x)			(((x) > 0) - ((x) < 0))

static inline int check_report(void)
{
	if (check_failed) {
		printf("FAILED: %d of %d checks\n", check_failed, check_total);
		return 1;
	}
	printf("ok: %d checks\n", check_total);
	return 0;
}

#endif /* _TESTS_HOST_CHECK_H */
