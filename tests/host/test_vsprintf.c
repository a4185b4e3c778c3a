// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for lib/vsprintf.c.
 *
 * Where the kernel's semantics match C99, the host libc's vsnprintf is the
 * reference; kernel-specific behaviour ((null), %p, %pS, unknown
 * conversions) is checked against literal expectations. Every case is
 * also run at each buffer size from 0 to len + 1 to check truncation,
 * termination, the return values and that nothing past size is touched.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <limits.h>
#include "check.h"

int k_vsnprintf(char *buf, unsigned long size, const char *fmt,
		__builtin_va_list ap);
int k_snprintf(char *buf, unsigned long size, const char *fmt, ...);
int k_vscnprintf(char *buf, unsigned long size, const char *fmt,
		 __builtin_va_list ap);
int k_scnprintf(char *buf, unsigned long size, const char *fmt, ...);
extern int (*k_vsprintf_symbol_hook)(char *buf, unsigned long size,
				     unsigned long addr, _Bool with_offset);

#define MAXOUT	4096
#define GUARD	16

/*
 * Run fmt through k_vsnprintf and k_vscnprintf at every size 0..len+1
 * and once with a roomy buffer; want/wantlen is the full expected output.
 */
static void verify(const char *file, int line, const char *want, int wantlen,
		   const char *fmt, va_list ap)
{
	static char buf[MAXOUT + GUARD];
	int bad = 0;

	for (int size = 0; size <= wantlen + 1; size++) {
		int keep = size ? (size - 1 < wantlen ? size - 1 : wantlen) : 0;
		va_list aq;
		int ret, cret;

		memset(buf, '\xa5', sizeof(buf));
		va_copy(aq, ap);
		ret = k_vsnprintf(size ? buf : NULL, size, fmt, aq);
		va_end(aq);
		if (ret != wantlen || (size && (memcmp(buf, want, keep) ||
						buf[keep] != '\0'))) {
			bad = 1;
			break;
		}
		for (int i = size; i < size + GUARD; i++)
			bad |= buf[i] != '\xa5';

		memset(buf, '\xa5', sizeof(buf));
		va_copy(aq, ap);
		cret = k_vscnprintf(size ? buf : NULL, size, fmt, aq);
		va_end(aq);
		bad |= cret != keep;
		bad |= size && (memcmp(buf, want, keep) || buf[keep] != '\0');
		if (bad)
			break;
	}

	/* On failure, show what a roomy buffer gets. */
	if (!CHECK_AT(file, line, !bad)) {
		va_list aq;
		int ret;

		va_copy(aq, ap);
		ret = k_vsnprintf(buf, MAXOUT, fmt, aq);
		va_end(aq);
		printf("  fmt \"%s\": got \"%.*s\" (%d), want \"%.*s\" (%d)\n",
		       fmt, ret < MAXOUT ? ret : MAXOUT, buf, ret,
		       wantlen, want, wantlen);
	}
}

/* Compare against the host libc. */
static void cmp_at(const char *file, int line, const char *fmt, ...)
{
	static char want[MAXOUT];
	va_list ap, aq;
	int len;

	va_start(ap, fmt);
	va_copy(aq, ap);
	len = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	if (len < 0 || len >= MAXOUT) {
		CHECK_AT(file, line, !"reference output too long");
	} else {
		verify(file, line, want, len, fmt, ap);
	}
	va_end(ap);
}

/* Compare against a literal expectation. */
static void expect_at(const char *file, int line, const char *want,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verify(file, line, want, strlen(want), fmt, ap);
	va_end(ap);
}

#define CMP(...)	cmp_at(__FILE__, __LINE__, __VA_ARGS__)
#define EXPECT(w, ...)	expect_at(__FILE__, __LINE__, w, __VA_ARGS__)

static void test_basic(void)
{
	CMP("");
	CMP("plain text");
	CMP("%%");
	CMP("a%%b%%%%c");
	CMP("%d %i %u", 42, -42, 42u);
	CMP("%d|%d|%d", 0, INT_MAX, INT_MIN);
	CMP("%u|%x|%X|%o", UINT_MAX, UINT_MAX, 0xabcdefu, UINT_MAX);
	CMP("%ld|%lu|%lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
	CMP("%lld|%llu|%llx|%llo", LLONG_MIN, ULLONG_MAX, ULLONG_MAX,
	    ULLONG_MAX);
	CMP("%lld|%lld", LLONG_MAX, -1LL);
	CMP("%zu|%zd|%zx", (size_t)-1, (ssize_t)-5, (size_t)0x1234);
	CMP("%td|%tx", (ptrdiff_t)-77, (ptrdiff_t)0x40);
	CMP("%jd|%ju", INTMAX_MIN, UINTMAX_MAX);
	CMP("%c%c%c", 'a', 'b', 'c');
	CMP("[%s] [%s]", "hello", "");
	CMP("%s=%d;", "x", 3);
	CMP("%5s|%-5s|%.2s|%5.1s|%-5.3s|", "abc", "abc", "abc", "abc", "abc");
	CMP("%.0s|%.10s|%3s", "abc", "abc", "abcdef");
	/* An embedded NUL from %c is counted and stored. */
	CMP("a%cb", 0);
	CMP("%3c|%-3c|", 'x', 'y');
	CMP("%1000d|", 5);
	CMP("%-300x|", 0xbeef);
	CMP("%.300u", 7u);
}

static void test_flags(void)
{
	CMP("%+d|%+d|%+d", 5, -5, 0);
	CMP("% d|% d|% d", 5, -5, 0);
	CMP("%05d|%05d|%-5d|%-05d|", 42, -42, 42, -42);
	CMP("%+05d|% 05d|%+5d|% 5d", 42, 42, 42, 42);
	CMP("%#x|%#X|%#o|%#x|%#o", 255u, 255u, 8u, 0u, 0u);
	CMP("%#10x|%#-10x|%#010x|%#010X", 255u, 255u, 255u, 255u);
	CMP("%#5o|%#05o|%#.3o|%#.0o|%#.0o", 8u, 8u, 8u, 0u, 1u);
	CMP("%#.3o|%#.4o", 01234u, 01234u);
	CMP("%.0d|%.0u|%.0x|%#.0x|%5.0d|", 0, 0u, 0u, 0u, 0);
	CMP("%.5d|%.5d|%8.5d|%-8.5d|%08.5d|", 42, -42, 42, -42, 42);
	CMP("%+.3d|% .3d|%+08d|%+-8d|", 7, 7, -7, 7);
	CMP("%#.5x|%#8.5x|%#08x", 0xabu, 0xabu, 0xabu);
	/* Sign flags do nothing for unsigned conversions. */
	CMP("%+u|% u|%+x|% o", 5u, 5u, 5u, 5u);
}

static void test_star(void)
{
	CMP("%*d|", 6, 42);
	CMP("%*d|", -6, 42);
	CMP("%-*d|", -6, 42);
	CMP("%.*d|", 4, 42);
	CMP("%.*d|", -4, 42);
	CMP("%.*d|", 0, 0);
	CMP("%*.*d|", 8, 4, -42);
	CMP("%*.*s|", -8, 2, "abcdef");
	CMP("%.*s|", 3, "abcdef");
	CMP("%0*d|", 5, -3);
	CMP("%0*.*d|", 8, -1, -3);
	CMP("%*c|", 3, 'z');
	CMP("%*s%*s|", 2, "a", -3, "b");
}

static void test_length(void)
{
	CMP("%hhd|%hhd|%hhu|%hhx", 300, -129, -1, 0x1ff);
	CMP("%hd|%hd|%hu|%hx", 70000, -32769, -1, 0x12345);
	CMP("%hhi|%hi|%li|%lli", 127, -32768, -1L, LLONG_MIN);
	CMP("%lo|%llX|%zo|%jx", 077L, 0xabcLL, (size_t)8, (uintmax_t)255);
}

static void test_pointer(void)
{
	int x;
	void *p = &x;

	/* Non-NULL %p matches glibc's %#lx rendering. */
	CMP("%p", p);
	CMP("%p", (void *)0x1234);
	CMP("%20p|%-20p|", (void *)0xabc, (void *)0xabc);
	CMP("%p", (void *)UINTPTR_MAX);
	EXPECT("0x0", "%p", NULL);
	EXPECT("0x1234X", "%pX", (void *)0x1234);
	EXPECT("0x00ab", "%06p", (void *)0xab);
}

static void test_kernel_specific(void)
{
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("  (null)|", "%8s|", (char *)NULL);
	EXPECT("(nu|", "%.3s|", (char *)NULL);
	EXPECT("%", "%5%");
	/* Unknown conversions print literally and consume nothing. */
	EXPECT("%y|%-5y|%hhq|7", "%y|%-5y|%hhq|%d", 7);
	EXPECT("%n", "%n");
	EXPECT("abc%", "abc%");
	EXPECT("x%5", "x%5");
	EXPECT("%-0#l", "%-0#l");
	EXPECT("%*y!", "%*y!", 3);
	/* Absurd widths must neither overflow nor go negative. */
	CHECK(k_snprintf(NULL, 0, "%99999999999999999999d", 1) > 1);
	CHECK(k_snprintf(NULL, 0, "%*d", INT_MIN, 1) > 1);
	CHECK(k_snprintf(NULL, 0, "%.99999999999999999999d", 1) > 1);
}

static void test_wrappers(void)
{
	char buf[16];

	/* Direct (non-v) entry points. */
	CHECK_INT(k_snprintf(buf, sizeof(buf), "%d-%s", 12, "ab"), 5);
	CHECK_STR(buf, "12-ab");
	CHECK_INT(k_snprintf(buf, 4, "%d", 123456), 6);
	CHECK_STR(buf, "123");
	CHECK_INT(k_snprintf(NULL, 0, "%s", "hello"), 5);
	CHECK_INT(k_scnprintf(buf, 4, "%d", 123456), 3);
	CHECK_STR(buf, "123");
	CHECK_INT(k_scnprintf(buf, sizeof(buf), "%d", 12), 2);
	CHECK_INT(k_scnprintf(NULL, 0, "%d", 12), 0);
	buf[0] = 'x';
	CHECK_INT(k_snprintf(buf, 1, "abc"), 3);
	CHECK_INT(buf[0], '\0');
}

/* Symbol hook: names 0x1000..0x10ff "func", 0x3000 a very long name. */
static int hook_calls;

static int test_hook(char *buf, unsigned long size, unsigned long addr,
		     _Bool with_offset)
{
	hook_calls++;
	if (addr >= 0x1000 && addr < 0x1100) {
		if (with_offset)
			return snprintf(buf, size, "func+%#lx/%#x",
					addr - 0x1000, 0x100);
		return snprintf(buf, size, "func");
	}
	if (addr == 0x3000) {
		/* Misbehaves: claims more than it could have written. */
		memset(buf, 'L', size);
		return 1000;
	}
	return 0;
}

static void test_symbols(void)
{
	char buf[256];

	k_vsprintf_symbol_hook = NULL;
	EXPECT("0x0000000000001010", "%pS", (void *)0x1010);
	EXPECT("0x0000000000001010", "%ps", (void *)0x1010);
	EXPECT("[0xffffffff81000000]", "[%pS]", (void *)0xffffffff81000000);

	k_vsprintf_symbol_hook = test_hook;
	hook_calls = 0;
	EXPECT("func+0x10/0x100", "%pS", (void *)0x1010);
	EXPECT("func+0/0x100", "%pS", (void *)0x1000);
	EXPECT("func", "%ps", (void *)0x10ff);
	CHECK(hook_calls > 0);
	/* The S/s is part of the conversion; what follows is literal. */
	EXPECT("<func>s", "<%ps>s", (void *)0x1001);
	EXPECT("func  |  func|", "%-6ps|%6ps|", (void *)0x1001,
	       (void *)0x1002);
	EXPECT("at func+0x1/0x100 and 0x0000000000002000 (5)",
	       "at %pS and %pS (%d)", (void *)0x1001, (void *)0x2000, 5);

	/* An over-long hook result is clamped, never overrun. */
	int n = k_snprintf(buf, sizeof(buf), "%pS|", (void *)0x3000);

	CHECK(n > 64 && n < 200);
	CHECK_INT(buf[n - 1], '|');
	CHECK_INT((int)strspn(buf, "L"), n - 1);

	k_vsprintf_symbol_hook = NULL;
}

/* Deterministic xorshift64* so failures reproduce. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned long long rnd_value(void)
{
	static const unsigned long long edges[] = {
		0, 1, 7, 8, 9, 10, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff,
		0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
	};
	unsigned long long v = rnd();

	switch (rnd() % 4) {
	case 0:
		return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return v % 1000;
	case 2:
		return -(v % 1000);
	default:
		return v >> (rnd() % 64);
	}
}

/* Append a random width or precision; returns 1 if it used '*'. */
static int rnd_field(char **p, int *star)
{
	switch (rnd() % 4) {
	case 0:
		return 0;
	case 1:
		*star = (int)(rnd() % 61) - 30;
		*(*p)++ = '*';
		return 1;
	default:
		*p += sprintf(*p, "%d", (int)(rnd() % 26));
		return 0;
	}
}

/* Random integer conversions, checked against libc. */
static void test_random_ints(void)
{
	static const char *const quals[] = {
		"", "hh", "h", "l", "ll", "z", "t", "j",
	};
	static const char convs[] = "diuxXo";

	for (int iter = 0; iter < 20000; iter++) {
		char fmt[64], *p = fmt;
		int q = rnd() % 8, c = convs[rnd() % 6];
		int ws = 0, ps = 0, wv = 0, pv = 0;
		unsigned long long v = rnd_value();

		*p++ = '<';
		*p++ = '%';
		for (const char *f = "-0+ #"; *f; f++) {
			/* '#' is undefined for d, i and u. */
			if (*f == '#' && (c == 'd' || c == 'i' || c == 'u'))
				continue;
			if (rnd() % 3 == 0)
				*p++ = *f;
		}
		ws = rnd_field(&p, &wv);
		if (rnd() % 2) {
			*p++ = '.';
			ps = rnd_field(&p, &pv);
		}
		p += sprintf(p, "%s%c>", quals[q], c);

		/* l, ll, z, t and j are all 64-bit on x86-64. */
		if (q <= 2) {
			int iv = (int)v;

			if (ws && ps)
				CMP(fmt, wv, pv, iv);
			else if (ws)
				CMP(fmt, wv, iv);
			else if (ps)
				CMP(fmt, pv, iv);
			else
				CMP(fmt, iv);
		} else {
			long long lv = (long long)v;

			if (ws && ps)
				CMP(fmt, wv, pv, lv);
			else if (ws)
				CMP(fmt, wv, lv);
			else if (ps)
				CMP(fmt, pv, lv);
			else
				CMP(fmt, lv);
		}
	}
}

/* Random %s and %c with width, precision and '-', checked against libc. */
static void test_random_strings(void)
{
	static const char *const strs[] = {
		"", "a", "hello", "with space", "0123456789abcdefghij",
	};

	for (int iter = 0; iter < 3000; iter++) {
		char fmt[64], *p = fmt;
		int wv = 0, pv = 0, ws, ps = 0;
		int is_c = rnd() % 4 == 0;

		*p++ = '%';
		if (rnd() % 2)
			*p++ = '-';
		ws = rnd_field(&p, &wv);
		if (!is_c && rnd() % 2) {
			*p++ = '.';
			ps = rnd_field(&p, &pv);
		}
		*p++ = is_c ? 'c' : 's';
		strcpy(p, "|");

		if (is_c) {
			int ch = 'A' + rnd() % 26;

			if (ws)
				CMP(fmt, wv, ch);
			else
				CMP(fmt, ch);
			continue;
		}

		const char *s = strs[rnd() % (sizeof(strs) / sizeof(strs[0]))];

		if (ws && ps)
			CMP(fmt, wv, pv, s);
		else if (ws)
			CMP(fmt, wv, s);
		else if (ps)
			CMP(fmt, pv, s);
		else
			CMP(fmt, s);
	}
}

int main(void)
{
	test_basic();
	test_flags();
	test_star();
	test_length();
	test_pointer();
	test_kernel_specific();
	test_wrappers();
	test_symbols();
	test_random_ints();
	test_random_strings();
	return check_report();
}
