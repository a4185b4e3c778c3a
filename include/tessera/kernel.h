/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_KERNEL_H
#define _TESSERA_KERNEL_H

#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/stdarg.h>

#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define clamp(v, lo, hi) min(max(v, lo), hi)

#define ALIGN(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

/* lib/vsprintf.c: C99 semantics (return the length that would be written). */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Like vsnprintf, but return the number of characters actually stored. */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Symbol lookup hook used by the %pS / %ps formats; set by kernel/kallsyms.c.
 * Returns the number of characters written to buf (0 if unknown).
 */
extern int (*vsprintf_symbol_hook)(char *buf, size_t size,
				   unsigned long addr, bool with_offset);

/* lib/kstrtox.c: 0 on success, -EINVAL / -ERANGE on error. */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtobool(const char *s, bool *res);
/* Parse "64M", "1G", "4096", "8k" ...; *retptr points past the number. */
unsigned long long memparse(const char *ptr, char **retptr);

/* lib/glob.c: shell-style match with '*', '?' and '[...]' classes. */
bool glob_match(const char *pat, const char *str);

#endif /* _TESSERA_KERNEL_H */
