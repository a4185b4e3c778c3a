// SPDX-License-Identifier: GPL-2.0
/*
 * printf-style formatting with C99 return semantics.
 *
 * Output goes through a bounded sink that counts every character it is
 * offered but only stores what fits, so truncation is safe for any size
 * (including 0 with a NULL buffer) and the return value is always the
 * length the full output would have had.
 */
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <tessera/ctype.h>

int (*vsprintf_symbol_hook)(char *buf, size_t size, unsigned long addr,
			    bool with_offset);

/* Bound the work an absurd field width or precision can cause. */
#define FIELD_MAX	(1 << 20)

#define F_LEFT		0x01	/* '-' */
#define F_ZERO		0x02	/* '0' */
#define F_PLUS		0x04	/* '+' */
#define F_SPACE		0x08	/* ' ' */
#define F_ALT		0x10	/* '#' */
#define F_UPPER		0x20	/* X: upper-case digits and prefix */
#define F_PREFIX	0x40	/* %p: 0x prefix even for zero */

enum qual { Q_NONE, Q_HH, Q_H, Q_L, Q_LL, Q_Z, Q_T, Q_J };

struct sink {
	char *buf;
	size_t size;
	size_t pos;
};

struct spec {
	unsigned int flags;
	int width;
	int prec;		/* -1 when absent */
	enum qual qual;
};

static void put(struct sink *o, char c)
{
	if (o->pos < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void put_n(struct sink *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct sink *o, const char *s, size_t len)
{
	while (len--)
		put(o, *s++);
}

/* Emit len chars of s, space-padded to the field width. */
static void emit_padded(struct sink *o, const char *s, size_t len,
			const struct spec *sp)
{
	int pad = sp->width > (int)len ? sp->width - (int)len : 0;

	if (!(sp->flags & F_LEFT))
		put_n(o, ' ', pad);
	put_str(o, s, len);
	if (sp->flags & F_LEFT)
		put_n(o, ' ', pad);
}

static void emit_number(struct sink *o, unsigned long long num, bool neg,
			unsigned int base, const struct spec *sp)
{
	const char *digits = (sp->flags & F_UPPER) ? "0123456789ABCDEF"
						   : "0123456789abcdef";
	char tmp[24];		/* 22 octal digits cover 64 bits */
	char sign = 0;
	bool prefix = false;
	int ndig = 0, zeros, pad, len;

	if (neg)
		sign = '-';
	else if (sp->flags & F_PLUS)
		sign = '+';
	else if (sp->flags & F_SPACE)
		sign = ' ';

	if (base == 16 && ((sp->flags & F_PREFIX) ||
			   ((sp->flags & F_ALT) && num)))
		prefix = true;

	/* An explicit zero precision prints no digits for a zero value. */
	if (num || sp->prec != 0) {
		do {
			tmp[ndig++] = digits[num % base];
			num /= base;
		} while (num);
	}

	zeros = sp->prec > ndig ? sp->prec - ndig : 0;
	/* '#' with 'o' forces a leading zero digit. */
	if (base == 8 && (sp->flags & F_ALT) && !zeros &&
	    (!ndig || tmp[ndig - 1] != '0'))
		zeros = 1;

	len = !!sign + 2 * prefix + zeros + ndig;
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0 &&
	    sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	pad = sp->width > len ? sp->width - len : 0;

	if (!(sp->flags & F_LEFT))
		put_n(o, ' ', pad);
	if (sign)
		put(o, sign);
	if (prefix) {
		put(o, '0');
		put(o, (sp->flags & F_UPPER) ? 'X' : 'x');
	}
	put_n(o, '0', zeros);
	while (ndig)
		put(o, tmp[--ndig]);
	if (sp->flags & F_LEFT)
		put_n(o, ' ', pad);
}

static void emit_string(struct sink *o, const char *s, const struct spec *sp)
{
	size_t len;

	if (!s)
		s = "(null)";
	/* Never read past the precision: s need not be terminated. */
	len = sp->prec < 0 ? strlen(s) : strnlen(s, sp->prec);
	emit_padded(o, s, len, sp);
}

static void emit_symbol(struct sink *o, unsigned long addr, bool with_offset,
			const struct spec *sp)
{
	/* Unknown symbols fall back to 0x%016lx. */
	static const struct spec hex = {
		.flags = F_PREFIX | F_ZERO, .width = 18, .prec = -1,
	};
	char sym[128];
	int n = 0;

	if (vsprintf_symbol_hook)
		n = vsprintf_symbol_hook(sym, sizeof(sym), addr, with_offset);
	if (n <= 0) {
		emit_number(o, addr, false, 16, &hex);
		return;
	}
	/* Trust neither the hook's count nor its terminator. */
	emit_padded(o, sym, strnlen(sym, min((size_t)n, sizeof(sym) - 1)), sp);
}

static long long get_signed(va_list *ap, enum qual q)
{
	switch (q) {
	case Q_HH:
		return (signed char)va_arg(*ap, int);
	case Q_H:
		return (short)va_arg(*ap, int);
	case Q_L:
		return va_arg(*ap, long);
	case Q_LL:
	case Q_J:
		return va_arg(*ap, long long);
	case Q_Z:
		return va_arg(*ap, ssize_t);
	case Q_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static unsigned long long get_unsigned(va_list *ap, enum qual q)
{
	switch (q) {
	case Q_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case Q_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case Q_L:
		return va_arg(*ap, unsigned long);
	case Q_LL:
	case Q_J:
		return va_arg(*ap, unsigned long long);
	case Q_Z:
		return va_arg(*ap, size_t);
	case Q_T:
		return (unsigned long)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static unsigned int parse_flags(const char **fmtp)
{
	unsigned int flags = 0;

	for (;; (*fmtp)++) {
		switch (**fmtp) {
		case '-':
			flags |= F_LEFT;
			break;
		case '0':
			flags |= F_ZERO;
			break;
		case '+':
			flags |= F_PLUS;
			break;
		case ' ':
			flags |= F_SPACE;
			break;
		case '#':
			flags |= F_ALT;
			break;
		default:
			return flags;
		}
	}
}

/* Parse a decimal field, saturating at FIELD_MAX. */
static int parse_num(const char **fmtp)
{
	int n = 0;

	while (isdigit(**fmtp)) {
		n = n * 10 + (*(*fmtp)++ - '0');
		if (n > FIELD_MAX)
			n = FIELD_MAX;
	}
	return n;
}

static void parse_width_prec(const char **fmtp, va_list *ap, struct spec *sp)
{
	sp->width = 0;
	if (**fmtp == '*') {
		(*fmtp)++;
		sp->width = va_arg(*ap, int);
		/* A negative '*' width means '-' flag plus positive width. */
		if (sp->width < 0) {
			sp->flags |= F_LEFT;
			sp->width = sp->width == INT_MIN ? FIELD_MAX
							 : -sp->width;
		}
		sp->width = min(sp->width, FIELD_MAX);
	} else {
		sp->width = parse_num(fmtp);
	}

	sp->prec = -1;
	if (**fmtp != '.')
		return;
	(*fmtp)++;
	if (**fmtp == '*') {
		(*fmtp)++;
		sp->prec = va_arg(*ap, int);
		/* A negative '*' precision is taken as if it were omitted. */
		if (sp->prec < 0)
			sp->prec = -1;
		sp->prec = min(sp->prec, FIELD_MAX);
	} else {
		sp->prec = parse_num(fmtp);
	}
}

static enum qual parse_qual(const char **fmtp)
{
	const char *f = *fmtp;
	enum qual q;

	switch (*f) {
	case 'h':
		q = f[1] == 'h' ? Q_HH : Q_H;
		break;
	case 'l':
		q = f[1] == 'l' ? Q_LL : Q_L;
		break;
	case 'z':
		q = Q_Z;
		break;
	case 't':
		q = Q_T;
		break;
	case 'j':
		q = Q_J;
		break;
	default:
		return Q_NONE;
	}
	*fmtp += (q == Q_HH || q == Q_LL) ? 2 : 1;
	return q;
}

/* Handle %p and its S/s extensions; returns the format position after it. */
static const char *emit_pointer(struct sink *o, const char *fmt, va_list *ap,
				struct spec *sp)
{
	unsigned long addr = (unsigned long)va_arg(*ap, void *);

	if (*fmt == 'S' || *fmt == 's') {
		emit_symbol(o, addr, *fmt == 'S', sp);
		return fmt + 1;
	}
	sp->flags |= F_PREFIX;
	sp->flags &= ~(F_PLUS | F_SPACE | F_ALT);
	emit_number(o, addr, false, 16, sp);
	return fmt;
}

/*
 * Format one conversion starting just after its '%'. Returns the format
 * position after it; unknown conversions are echoed literally.
 */
static const char *format_one(struct sink *o, const char *start,
			      va_list *ap)
{
	const char *fmt = start;
	struct spec sp;
	unsigned int base = 10;
	long long sval;
	char c;

	sp.flags = parse_flags(&fmt);
	parse_width_prec(&fmt, ap, &sp);
	sp.qual = parse_qual(&fmt);

	switch (c = *fmt++) {
	case '%':
		put(o, '%');
		return fmt;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(o, &c, 1, &sp);
		return fmt;
	case 's':
		emit_string(o, va_arg(*ap, const char *), &sp);
		return fmt;
	case 'p':
		return emit_pointer(o, fmt, ap, &sp);
	case 'd':
	case 'i':
		sval = get_signed(ap, sp.qual);
		emit_number(o, sval < 0 ? -(unsigned long long)sval : sval,
			    sval < 0, 10, &sp);
		return fmt;
	case 'X':
		sp.flags |= F_UPPER;
		/* fall through */
	case 'x':
		base = 16;
		break;
	case 'o':
		base = 8;
		break;
	case 'u':
		break;
	case '\0':
		fmt--;		/* don't run past the end of the format */
		/* fall through */
	default:
		put(o, '%');
		put_str(o, start, fmt - start);
		return fmt;
	}

	/* Sign flags only apply to signed conversions. */
	sp.flags &= ~(F_PLUS | F_SPACE);
	emit_number(o, get_unsigned(ap, sp.qual), false, base, &sp);
	return fmt;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink o = { .buf = buf, .size = size, .pos = 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = format_one(&o, fmt + 1, &args);
	}
	va_end(args);

	if (size)
		buf[min(o.pos, size - 1)] = '\0';
	return o.pos > INT_MAX ? INT_MAX : (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (!size)
		return 0;
	return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
