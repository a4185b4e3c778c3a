// SPDX-License-Identifier: GPL-2.0
/*
 * Freestanding string and memory routines.
 *
 * GCC may recognise a byte loop as a memcpy/memset/memmove/strlen pattern
 * and replace it with a call to that very function, i.e. infinite
 * recursion. hide_loop() makes the loop pointer opaque to the optimiser so
 * the pattern is never matched. (The optimize("no-tree-loop-distribute-
 * patterns") attribute would also work, but it silently drops
 * -fno-omit-frame-pointer for the function.)
 */
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/ctype.h>
#include <tessera/errno.h>
#include <tessera/string.h>

#define hide_loop(p)	__asm__("" : "+r" (p))

#ifdef __x86_64__

/*
 * Eight bytes per iteration, then the tail: "rep movsb/stosb" is fast on
 * CPUs with ERMS, but emulators (QEMU TCG) pay per iteration.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t words = n >> 3, tail = n & 7;

	__asm__ __volatile__("rep movsq\n\t"
			     "movq %3, %%rcx\n\t"
			     "rep movsb"
			     : "+D" (dst), "+S" (src), "+c" (words)
			     : "r" (tail)
			     : "memory");
	return ret;
}

void *memset(void *s, int c, size_t n)
{
	void *ret = s;
	size_t words = n >> 3, tail = n & 7;
	u64 v = (u8)c * 0x0101010101010101ULL;

	__asm__ __volatile__("rep stosq\n\t"
			     "movq %3, %%rcx\n\t"
			     "rep stosb"
			     : "+D" (s), "+c" (words)
			     : "a" (v), "r" (tail)
			     : "memory");
	return ret;
}

#else /* !__x86_64__ */

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--) {
		*d++ = *s++;
		hide_loop(d);
	}
	return dst;
}

void *memset(void *s, int c, size_t n)
{
	u8 *p = s;

	while (n--) {
		*p++ = (u8)c;
		hide_loop(p);
	}
	return s;
}

#endif /* __x86_64__ */

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	/*
	 * Both memcpy variants copy forwards, which is safe unless dst
	 * starts inside (src, src + n).
	 */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);

	d += n;
	s += n;
	while (n--) {
		*--d = *--s;
		hide_loop(d);
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (; n; n--, p++) {
		if (*p == (u8)c)
			return (void *)p;
	}
	return NULL;
}

/*
 * memchr_inv - find the first byte that is NOT c
 * @start: memory
 * @c: byte value
 * @bytes: length
 *
 * Returns its address, or NULL if all bytes equal c.  Compares a word at
 * a time: it checks poisoned memory on allocation paths.
 */
void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;
	u64 word = (u8)c * 0x0101010101010101ULL;

	while (bytes && ((unsigned long)p & 7)) {
		if (*p != (u8)c)
			return (void *)p;
		p++;
		bytes--;
	}
	while (bytes >= 8) {
		if (*(const u64 *)p != word)
			break;
		p += 8;
		bytes -= 8;
		hide_loop(p);
	}
	for (; bytes; bytes--, p++)
		if (*p != (u8)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p) {
		p++;
		hide_loop(p);
	}
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n]) {
		n++;
		hide_loop(n);
	}
	return n;
}

int strcmp(const char *a, const char *b)
{
	const u8 *p = (const u8 *)a, *q = (const u8 *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	if (*p == *q)
		return 0;
	return *p < *q ? -1 : 1;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const u8 *p = (const u8 *)a, *q = (const u8 *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p < *q ? -1 : 1;
		if (!*p)
			break;
	}
	return 0;
}

/* Like strchr(), but the terminating NUL when c is not found. */
char *strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *hay, const char *needle)
{
	size_t nlen = strlen(needle);

	if (!nlen)
		return (char *)hay;
	for (; *hay; hay++) {
		if (*hay == *needle && !strncmp(hay, needle, nlen))
			return (char *)hay;
	}
	return NULL;
}

ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t i;

	if (!size)
		return -E2BIG;
	for (i = 0; i < size - 1; i++) {
		dst[i] = src[i];
		if (!src[i])
			return i;
	}
	dst[i] = '\0';
	/* Truncated unless the byte we could not copy was the terminator. */
	return src[i] ? -E2BIG : (ssize_t)i;
}

char *skip_spaces(const char *s)
{
	while (isspace((u8)*s))
		s++;
	return (char *)s;
}

char *strim(char *s)
{
	size_t len = strlen(s);

	while (len && isspace((u8)s[len - 1]))
		len--;
	s[len] = '\0';
	return skip_spaces(s);
}
