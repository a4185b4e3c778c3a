// SPDX-License-Identifier: GPL-2.0
/*
 * Strict string to integer conversion.
 *
 * The kstrto*() family rejects anything but a complete number: no leading
 * whitespace, no trailing garbage (one trailing '\n' is tolerated so that
 * values written by "echo" parse), and overflow is an error rather than a
 * silently wrapped value.
 */
#include <tessera/kernel.h>
#include <tessera/ctype.h>
#include <tessera/errno.h>

/* Value of digit c, or 16 (invalid in every supported base) if none. */
static unsigned int digit_val(char c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 16;
}

/* Resolve base 0 from a 0x / 0 prefix and skip a 0x prefix for base 16. */
static const char *fixup_radix(const char *s, unsigned int *base)
{
	bool hex = s[0] == '0' && tolower(s[1]) == 'x';

	if (*base == 0) {
		if (hex && isxdigit(s[2]))
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && hex && isxdigit(s[2]))
		s += 2;
	return s;
}

/*
 * Parse digits of an already fixed-up base into *res. Returns the number
 * of characters consumed; *overflow is set if the value did not fit, in
 * which case *res saturates at ULLONG_MAX.
 */
static size_t parse_digits(const char *s, unsigned int base,
			   unsigned long long *res, bool *overflow)
{
	unsigned long long v = 0;
	unsigned int d;
	size_t n = 0;

	*overflow = false;
	while ((d = digit_val(s[n])) < base) {
		if (v > (ULLONG_MAX - d) / base) {
			*overflow = true;
			v = ULLONG_MAX;
		} else {
			v = v * base + d;
		}
		n++;
	}
	*res = v;
	return n;
}

/* Strict unsigned parse without sign handling; shared by all wrappers. */
static int parse_ull(const char *s, unsigned int base,
		     unsigned long long *res)
{
	unsigned long long v;
	bool overflow;
	size_t n;

	if (!s || base == 1 || base > 16)
		return -EINVAL;
	s = fixup_radix(s, &base);
	n = parse_digits(s, base, &v, &overflow);
	/* As in Linux, overflow is reported ahead of trailing garbage. */
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s && *s == '+')
		s++;
	return parse_ull(s, base, res);
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int ret = kstrtoull(s, base, &v);

	if (ret)
		return ret;
	if (v > ULONG_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int ret;

	if (s && *s == '-') {
		ret = parse_ull(s + 1, base, &v);
		if (ret)
			return ret;
		/* The magnitude of LLONG_MIN is LLONG_MAX + 1. */
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		*res = (long long)-v;
		return 0;
	}

	ret = kstrtoull(s, base, &v);
	if (ret)
		return ret;
	if (v > LLONG_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int ret = kstrtoll(s, base, &v);

	if (ret)
		return ret;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int ret = kstrtoull(s, base, &v);

	if (ret)
		return ret;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

/*
 * As in Linux, only the leading character(s) are examined: "yes" and
 * "no" parse, and so do "y\n" and "off".
 */
int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;

	switch (s[0]) {
	case 'y':
	case 'Y':
	case '1':
		*res = true;
		return 0;
	case 'n':
	case 'N':
	case '0':
		*res = false;
		return 0;
	case 'o':
	case 'O':
		switch (s[1]) {
		case 'n':
		case 'N':
			*res = true;
			return 0;
		case 'f':
		case 'F':
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

/*
 * Parse a size with an optional binary suffix (K, M, G, T, P, E; either
 * case). Lenient like Linux: parsing stops at the first character that
 * does not belong to the number, overflow saturates at ULLONG_MAX, and no
 * digits at all yields 0 with *retptr == ptr.
 */
unsigned long long memparse(const char *ptr, char **retptr)
{
	static const char suffixes[] = "kmgtpe";
	unsigned long long v;
	unsigned int base = 0, shift = 0, i;
	const char *s = fixup_radix(ptr, &base);
	bool overflow;
	size_t n;

	n = parse_digits(s, base, &v, &overflow);
	/* No digits (so s == ptr): a lone suffix is not a size either. */
	if (!n)
		goto out;
	s += n;

	for (i = 0; suffixes[i]; i++) {
		if (tolower(*s) == suffixes[i]) {
			shift = 10 * (i + 1);
			s++;
			break;
		}
	}
	if (shift)
		v = v > (ULLONG_MAX >> shift) ? ULLONG_MAX : v << shift;
out:
	if (retptr)
		*retptr = (char *)s;
	return v;
}
