// SPDX-License-Identifier: GPL-2.0
/* Host tests for lib/kstrtox.c. */
#include <limits.h>
#include <stdbool.h>
#include "check.h"

int k_kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int k_kstrtoul(const char *s, unsigned int base, unsigned long *res);
int k_kstrtoll(const char *s, unsigned int base, long long *res);
int k_kstrtoint(const char *s, unsigned int base, int *res);
int k_kstrtouint(const char *s, unsigned int base, unsigned int *res);
int k_kstrtobool(const char *s, bool *res);
unsigned long long k_memparse(const char *ptr, char **retptr);

#define EINVAL	22
#define ERANGE	34
#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* A value no case expects, to spot writes to *res on failure. */
#define POISON	0x5a5a5a5a

struct ucase {
	const char *s;
	unsigned int base;
	int ret;
	unsigned long long val;
};

struct scase {
	const char *s;
	unsigned int base;
	int ret;
	long long val;
};

static const struct ucase ull_cases[] = {
	{ "0", 10, 0, 0 },
	{ "0", 0, 0, 0 },
	{ "123", 10, 0, 123 },
	{ "123", 0, 0, 123 },
	{ "123\n", 10, 0, 123 },
	{ "+5", 10, 0, 5 },
	{ "007", 10, 0, 7 },
	{ "0x1f", 0, 0, 0x1f },
	{ "0X1F", 0, 0, 0x1f },
	{ "0x1f", 16, 0, 0x1f },
	{ "1f", 16, 0, 0x1f },
	{ "DeadBeef", 16, 0, 0xdeadbeef },
	{ "010", 0, 0, 8 },
	{ "010", 10, 0, 10 },
	{ "777", 8, 0, 0777 },
	{ "101", 2, 0, 5 },
	{ "18446744073709551615", 10, 0, ULLONG_MAX },
	{ "0xffffffffffffffff", 0, 0, ULLONG_MAX },
	{ "01777777777777777777777", 0, 0, ULLONG_MAX },
	{ "1111111111111111111111111111111111111111111111111111111111111111",
	  2, 0, ULLONG_MAX },
	{ "18446744073709551616", 10, -ERANGE, 0 },
	{ "0x10000000000000000", 0, -ERANGE, 0 },
	{ "02000000000000000000000", 0, -ERANGE, 0 },
	{ "99999999999999999999999999", 10, -ERANGE, 0 },
	{ "99999999999999999999999999x", 10, -ERANGE, 0 },
	{ "", 10, -EINVAL, 0 },
	{ "\n", 10, -EINVAL, 0 },
	{ "+", 10, -EINVAL, 0 },
	{ "123\n\n", 10, -EINVAL, 0 },
	{ "123 ", 10, -EINVAL, 0 },
	{ " 123", 10, -EINVAL, 0 },
	{ "12a", 10, -EINVAL, 0 },
	{ "-5", 10, -EINVAL, 0 },
	{ "-0", 10, -EINVAL, 0 },
	{ "++5", 10, -EINVAL, 0 },
	{ "0x", 0, -EINVAL, 0 },
	{ "0x", 16, -EINVAL, 0 },
	{ "0x1g", 0, -EINVAL, 0 },
	{ "0x0x1", 16, -EINVAL, 0 },
	{ "08", 0, -EINVAL, 0 },
	{ "8", 8, -EINVAL, 0 },
	{ "2", 2, -EINVAL, 0 },
	{ "ff", 10, -EINVAL, 0 },
	{ "1", 1, -EINVAL, 0 },
	{ "1", 17, -EINVAL, 0 },
};

static const struct scase ll_cases[] = {
	{ "0", 10, 0, 0 },
	{ "-0", 10, 0, 0 },
	{ "-1", 10, 0, -1 },
	{ "+7", 10, 0, 7 },
	{ "-5\n", 10, 0, -5 },
	{ "-0x10", 0, 0, -16 },
	{ "-010", 0, 0, -8 },
	{ "9223372036854775807", 10, 0, LLONG_MAX },
	{ "-9223372036854775808", 10, 0, LLONG_MIN },
	{ "9223372036854775808", 10, -ERANGE, 0 },
	{ "-9223372036854775809", 10, -ERANGE, 0 },
	{ "-18446744073709551615", 10, -ERANGE, 0 },
	{ "-99999999999999999999999", 10, -ERANGE, 0 },
	{ "-", 10, -EINVAL, 0 },
	{ "-\n", 10, -EINVAL, 0 },
	{ "--1", 10, -EINVAL, 0 },
	{ "-+1", 10, -EINVAL, 0 },
	{ "+-1", 10, -EINVAL, 0 },
	{ " -1", 10, -EINVAL, 0 },
	{ "- 1", 10, -EINVAL, 0 },
	{ "1-", 10, -EINVAL, 0 },
};

static const struct scase int_cases[] = {
	{ "2147483647", 10, 0, INT_MAX },
	{ "-2147483648", 10, 0, INT_MIN },
	{ "0x7fffffff", 16, 0, INT_MAX },
	{ "-42\n", 0, 0, -42 },
	{ "2147483648", 10, -ERANGE, 0 },
	{ "-2147483649", 10, -ERANGE, 0 },
	{ "0x80000000", 16, -ERANGE, 0 },
	{ "4294967296", 10, -ERANGE, 0 },
	{ "x", 10, -EINVAL, 0 },
};

static const struct ucase uint_cases[] = {
	{ "4294967295", 10, 0, UINT_MAX },
	{ "0xffffffff", 0, 0, UINT_MAX },
	{ "4294967296", 10, -ERANGE, 0 },
	{ "18446744073709551615", 10, -ERANGE, 0 },
	{ "-1", 10, -EINVAL, 0 },
	{ "", 10, -EINVAL, 0 },
};

static void test_unsigned(void)
{
	for (unsigned i = 0; i < N(ull_cases); i++) {
		const struct ucase *c = &ull_cases[i];
		unsigned long long ull = POISON;
		unsigned long ul = POISON;
		int ret;

		ret = k_kstrtoull(c->s, c->base, &ull);
		if (!CHECK_INT(ret, c->ret))
			printf("  kstrtoull(\"%s\", %u)\n", c->s, c->base);
		CHECK_UINT(ull, c->ret ? POISON : c->val);

		/* unsigned long is 64-bit here: same results. */
		CHECK_INT(k_kstrtoul(c->s, c->base, &ul), c->ret);
		CHECK_UINT(ul, c->ret ? POISON : c->val);
	}

	for (unsigned i = 0; i < N(uint_cases); i++) {
		const struct ucase *c = &uint_cases[i];
		unsigned int u = POISON;

		if (!CHECK_INT(k_kstrtouint(c->s, c->base, &u), c->ret))
			printf("  kstrtouint(\"%s\", %u)\n", c->s, c->base);
		CHECK_UINT(u, c->ret ? POISON : c->val);
	}
}

static void test_signed(void)
{
	for (unsigned i = 0; i < N(ll_cases); i++) {
		const struct scase *c = &ll_cases[i];
		long long ll = POISON;
		int n = POISON;

		if (!CHECK_INT(k_kstrtoll(c->s, c->base, &ll), c->ret))
			printf("  kstrtoll(\"%s\", %u)\n", c->s, c->base);
		CHECK_INT(ll, c->ret ? POISON : c->val);

		/* Small values behave identically through kstrtoint. */
		if (c->val >= INT_MIN && c->val <= INT_MAX) {
			CHECK_INT(k_kstrtoint(c->s, c->base, &n), c->ret);
			CHECK_INT(n, c->ret ? POISON : c->val);
		}
	}

	for (unsigned i = 0; i < N(int_cases); i++) {
		const struct scase *c = &int_cases[i];
		int n = POISON;

		if (!CHECK_INT(k_kstrtoint(c->s, c->base, &n), c->ret))
			printf("  kstrtoint(\"%s\", %u)\n", c->s, c->base);
		CHECK_INT(n, c->ret ? POISON : c->val);
	}

	/* Signed parsers also accept every valid unsigned case in range. */
	for (unsigned i = 0; i < N(ull_cases); i++) {
		const struct ucase *c = &ull_cases[i];
		long long ll;

		if (c->ret || c->val > LLONG_MAX)
			continue;
		CHECK_INT(k_kstrtoll(c->s, c->base, &ll), 0);
		CHECK_INT(ll, (long long)c->val);
	}
}

static void test_bool(void)
{
	static const char *const yes[] = {
		"1", "y", "Y", "yes", "y\n", "on", "ON", "oN", "On\n",
	};
	static const char *const no[] = {
		"0", "n", "N", "no", "0\n", "off", "OFF", "of",
	};
	static const char *const bad[] = {
		"", "\n", "o", "ox", "2", "x", " y", "-1",
	};

	for (unsigned i = 0; i < N(yes); i++) {
		bool b = false;

		if (!CHECK_INT(k_kstrtobool(yes[i], &b), 0))
			printf("  kstrtobool(\"%s\")\n", yes[i]);
		CHECK_INT(b, true);
	}
	for (unsigned i = 0; i < N(no); i++) {
		bool b = true;

		if (!CHECK_INT(k_kstrtobool(no[i], &b), 0))
			printf("  kstrtobool(\"%s\")\n", no[i]);
		CHECK_INT(b, false);
	}
	for (unsigned i = 0; i < N(bad); i++) {
		bool b = true;

		if (!CHECK_INT(k_kstrtobool(bad[i], &b), -EINVAL))
			printf("  kstrtobool(\"%s\")\n", bad[i]);
		CHECK_INT(b, true);
	}
	CHECK_INT(k_kstrtobool(NULL, &(bool){ 0 }), -EINVAL);
}

static void test_memparse(void)
{
	static const struct {
		const char *s;
		unsigned long long val;
		int end;	/* offset of *retptr */
	} cases[] = {
		{ "4096", 4096, 4 },
		{ "0", 0, 1 },
		{ "8k", 8 << 10, 2 },
		{ "8K", 8 << 10, 2 },
		{ "64m", 64 << 20, 3 },
		{ "64M", 64 << 20, 3 },
		{ "1g", 1ULL << 30, 2 },
		{ "3G", 3ULL << 30, 2 },
		{ "2t", 2ULL << 40, 2 },
		{ "2T", 2ULL << 40, 2 },
		{ "1P", 1ULL << 50, 2 },
		{ "1e", 1ULL << 60, 2 },
		{ "0x10K", 16 << 10, 5 },
		{ "010k", 8 << 10, 4 },
		{ "16M\n", 16 << 20, 3 },
		{ "5Kb", 5 << 10, 2 },
		{ "12abc", 12, 2 },
		{ "12 M", 12, 2 },
		{ "0x", 0, 1 },
		{ "", 0, 0 },
		{ "abc", 0, 0 },
		{ "K", 0, 0 },
		{ "-1", 0, 0 },
		{ "18446744073709551615", ULLONG_MAX, 20 },
		{ "99999999999999999999999", ULLONG_MAX, 23 },
		{ "16777216T", ULLONG_MAX, 9 },
		{ "16777215T", 16777215ULL << 40, 9 },
	};

	for (unsigned i = 0; i < N(cases); i++) {
		char *end = NULL;
		unsigned long long v = k_memparse(cases[i].s, &end);

		if (!CHECK_UINT(v, cases[i].val))
			printf("  memparse(\"%s\")\n", cases[i].s);
		if (!CHECK_INT(end - cases[i].s, cases[i].end))
			printf("  memparse(\"%s\")\n", cases[i].s);
		/* retptr is optional. */
		CHECK_UINT(k_memparse(cases[i].s, NULL), cases[i].val);
	}
}

int main(void)
{
	test_unsigned();
	test_signed();
	test_bool();
	test_memparse();
	return check_report();
}
