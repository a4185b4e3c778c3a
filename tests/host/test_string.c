// SPDX-License-Identifier: GPL-2.0
/* Host tests for lib/string.c, checked against simple references. */
#include <stdlib.h>
#include "check.h"

void *k_memcpy(void *dst, const void *src, unsigned long n);
void *k_memmove(void *dst, const void *src, unsigned long n);
void *k_memset(void *s, int c, unsigned long n);
int k_memcmp(const void *a, const void *b, unsigned long n);
void *k_memchr(const void *s, int c, unsigned long n);
void *k_memchr_inv(const void *s, int c, unsigned long n);
unsigned long k_strlen(const char *s);
unsigned long k_strnlen(const char *s, unsigned long max);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, unsigned long n);
char *k_strchr(const char *s, int c);
char *k_strrchr(const char *s, int c);
char *k_strstr(const char *hay, const char *needle);
long k_strscpy(char *dst, const char *src, unsigned long size);
char *k_skip_spaces(const char *s);
char *k_strim(char *s);

#define E2BIG	7
#define BUF	96

static void fill_pattern(unsigned char *p, int n, int seed)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 37 + (i >> 3));
}

/* Every length and both alignments; bytes outside the range stay put. */
static void test_memcpy_memset(void)
{
	unsigned char src[BUF], dst[BUF], ref[BUF];

	fill_pattern(src, BUF, 1);
	for (int off = 0; off < 8; off++) {
		for (int n = 0; off + n <= 64; n++) {
			memset(dst, 0xa5, BUF);
			memcpy(ref, dst, BUF);
			for (int i = 0; i < n; i++)
				ref[off + i] = src[7 - off / 2 + i];
			CHECK_PTR(k_memcpy(dst + off, src + 7 - off / 2, n),
				  dst + off);
			CHECK(!memcmp(dst, ref, BUF));

			memset(dst, 0x5a, BUF);
			memset(ref, 0x5a, BUF);
			for (int i = 0; i < n; i++)
				ref[off + i] = 0xc3;
			/* Only the low byte of c counts. */
			CHECK_PTR(k_memset(dst + off, 0x7c3, n), dst + off);
			CHECK(!memcmp(dst, ref, BUF));
		}
	}
}

/* Overlap in both directions at every small distance and length. */
static void test_memmove(void)
{
	unsigned char buf[BUF], ref[BUF], tmp[BUF];

	for (int from = 0; from < 24; from++) {
		for (int to = 0; to < 24; to++) {
			for (int n = 0; n <= 40; n += (n < 10 ? 1 : 7)) {
				fill_pattern(buf, BUF, from * 3 + to);
				memcpy(ref, buf, BUF);
				memcpy(tmp, ref + from, n);
				memcpy(ref + to, tmp, n);
				CHECK_PTR(k_memmove(buf + to, buf + from, n),
					  buf + to);
				if (!CHECK(!memcmp(buf, ref, BUF)))
					printf("  memmove from %d to %d n %d\n",
					       from, to, n);
			}
		}
	}
}

static void test_memcmp_memchr(void)
{
	unsigned char a[32], b[32];

	fill_pattern(a, 32, 9);
	memcpy(b, a, 32);
	CHECK_INT(k_memcmp(a, b, 32), 0);
	CHECK_INT(k_memcmp(a, b, 0), 0);
	for (int i = 0; i < 32; i++) {
		b[i] = a[i] + 1;
		CHECK_INT(SIGN(k_memcmp(a, b, 32)), SIGN(memcmp(a, b, 32)));
		CHECK_INT(k_memcmp(a, b, i), 0);
		b[i] = a[i];
	}
	/* Bytes compare as unsigned: 0x80 sorts after 0x7f. */
	CHECK_INT(SIGN(k_memcmp("\x80", "\x7f", 1)), 1);
	CHECK_INT(SIGN(k_memcmp("\x01", "\xff", 1)), -1);
	CHECK_INT(SIGN(k_memcmp("ab", "ac", 2)), -1);

	const char *s = "hello\0world";

	CHECK_PTR(k_memchr(s, 'l', 11), s + 2);
	CHECK_PTR(k_memchr(s, 'w', 11), s + 6);
	CHECK_PTR(k_memchr(s, '\0', 11), s + 5);
	CHECK_PTR(k_memchr(s, 'w', 6), NULL);
	CHECK_PTR(k_memchr(s, 'h', 0), NULL);
	/* c is converted to unsigned char. */
	const char *hi = "a\xff\xe9";

	CHECK_PTR(k_memchr(hi, 0xff, 3), hi + 1);
	CHECK_PTR(k_memchr(hi, -1, 3), hi + 1);
	CHECK_PTR(k_memchr(hi, 0x1e9, 3), hi + 2);
}

/* Every alignment, length and position of the odd byte out. */
static void test_memchr_inv(void)
{
	unsigned char buf[80];

	for (int off = 0; off < 8; off++) {
		for (int n = 0; off + n <= 72; n++) {
			memset(buf, 0x6b, sizeof(buf));
			CHECK_PTR(k_memchr_inv(buf + off, 0x6b, n), NULL);
			for (int i = 0; i < n; i++) {
				buf[off + i] = 0x6a;
				CHECK_PTR(k_memchr_inv(buf + off, 0x6b, n),
					  buf + off + i);
				buf[off + i] = 0x6b;
			}
			/* Bytes outside the range do not count. */
			buf[off + n] = 0;
			CHECK_PTR(k_memchr_inv(buf + off, 0x16b, n), NULL);
		}
	}
}

static void test_strlen(void)
{
	char buf[80];

	for (int n = 0; n < 70; n++) {
		memset(buf, 'x', sizeof(buf));
		buf[n] = '\0';
		CHECK_UINT(k_strlen(buf), n);
		CHECK_UINT(k_strnlen(buf, 80), n);
		CHECK_UINT(k_strnlen(buf, n / 2), n / 2);
		CHECK_UINT(k_strnlen(buf, n), n);
	}
	CHECK_UINT(k_strnlen("abc", 0), 0);
	/* strnlen must not read past max: no terminator in range. */
	CHECK_UINT(k_strnlen("abcdef", 3), 3);
}

static void test_strcmp(void)
{
	static const char *const strs[] = {
		"", "a", "b", "ab", "abc", "abd", "abcd", "ABC", "\x80",
		"\x7f", "a\xff", "a\x01", "zz", "zzz",
	};
	int n = sizeof(strs) / sizeof(strs[0]);

	for (int i = 0; i < n; i++) {
		for (int j = 0; j < n; j++) {
			const char *a = strs[i], *b = strs[j];

			CHECK_INT(SIGN(k_strcmp(a, b)), SIGN(strcmp(a, b)));
			for (int k = 0; k < 6; k++)
				CHECK_INT(SIGN(k_strncmp(a, b, k)),
					  SIGN(strncmp(a, b, k)));
		}
	}
	/* Bytes past the first difference or terminator are not compared. */
	CHECK_INT(k_strncmp("abcX", "abcY", 3), 0);
	CHECK_INT(k_strncmp("ab\0X", "ab\0Y", 4), 0);
}

static void test_strchr(void)
{
	const char *s = "a/b/c";

	CHECK_PTR(k_strchr(s, '/'), s + 1);
	CHECK_PTR(k_strrchr(s, '/'), s + 3);
	CHECK_PTR(k_strchr(s, 'a'), s);
	CHECK_PTR(k_strrchr(s, 'a'), s);
	CHECK_PTR(k_strchr(s, 'x'), NULL);
	CHECK_PTR(k_strrchr(s, 'x'), NULL);
	/* The terminator is part of the string. */
	CHECK_PTR(k_strchr(s, '\0'), s + 5);
	CHECK_PTR(k_strrchr(s, '\0'), s + 5);
	CHECK_PTR(k_strchr("", 'a'), NULL);
	CHECK_PTR(k_strrchr("", 'a'), NULL);
	/* c is converted to char. */
	CHECK_PTR(k_strchr(s, 0x100 + 'b'), s + 2);

	const char *e = "x\xe9y\xe9z";

	CHECK_PTR(k_strchr(e, 0xe9), e + 1);
	CHECK_PTR(k_strrchr(e, 0xe9), e + 3);
}

static void test_strstr(void)
{
	static const char *const hays[] = {
		"", "a", "aaab", "abababc", "hello world", "mississippi",
	};
	static const char *const needles[] = {
		"", "a", "b", "ab", "abc", "aab", "world", "issip", "ppi",
		"ippix", "hello world!", "mississippi",
	};

	for (unsigned i = 0; i < sizeof(hays) / sizeof(hays[0]); i++) {
		for (unsigned j = 0; j < sizeof(needles) / sizeof(needles[0]);
		     j++) {
			const char *h = hays[i], *n = needles[j];

			CHECK_PTR(k_strstr(h, n), strstr(h, n));
		}
	}
}

/* Every buffer size around the source length, with a guard byte. */
static void test_strscpy(void)
{
	static const char *const srcs[] = { "", "a", "hello", "0123456789" };
	char buf[32];

	for (unsigned i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		const char *src = srcs[i];
		long len = strlen(src);

		for (long size = 0; size <= len + 2; size++) {
			long want = size > len ? len : -E2BIG;
			long copied = size > len ? len : size - 1;

			memset(buf, '#', sizeof(buf));
			CHECK_INT(k_strscpy(buf, src, size), want);
			if (size) {
				CHECK(!memcmp(buf, src, copied));
				CHECK_INT(buf[copied], '\0');
			}
			CHECK_INT(buf[size], '#');
		}
	}
	/* The source need not be terminated past size - 1 bytes. */
	char nonterm[4] = { 'w', 'x', 'y', 'z' };

	CHECK_INT(k_strscpy(buf, nonterm, 4), -E2BIG);
	CHECK_STR(buf, "wxy");
}

static void test_spaces(void)
{
	static const struct {
		const char *in, *out;
		int lead;
	} cases[] = {
		{ "", "", 0 },
		{ "abc", "abc", 0 },
		{ "  abc", "abc", 2 },
		{ "abc  ", "abc", 0 },
		{ " \t\n a b \r\v\f ", "a b", 4 },
		{ "   ", "", 3 },
		{ "\n", "", 1 },
		{ "x", "x", 0 },
		{ " x ", "x", 1 },
	};
	char buf[32];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r;

		strcpy(buf, cases[i].in);
		CHECK_PTR(k_skip_spaces(buf), buf + cases[i].lead);
		r = k_strim(buf);
		CHECK_STR(r, cases[i].out);
		/* An all-space string is emptied from the end first. */
		if (*cases[i].out)
			CHECK_PTR(r, buf + cases[i].lead);
		else
			CHECK_PTR(r, buf);
	}
	/* Trimming happens in place: the trailing space becomes a NUL. */
	strcpy(buf, "ab  ");
	k_strim(buf);
	CHECK_INT(buf[2], '\0');
	CHECK_INT(buf[3], ' ');
	CHECK_STR(k_skip_spaces("  \x80"), "\x80");
}

int main(void)
{
	test_memcpy_memset();
	test_memmove();
	test_memcmp_memchr();
	test_memchr_inv();
	test_strlen();
	test_strcmp();
	test_strchr();
	test_strstr();
	test_strscpy();
	test_spaces();
	return check_report();
}
