/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_STRING_H
#define _TESSERA_STRING_H

#include <tessera/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
/* First byte that differs from c, or NULL. */
void *memchr_inv(const void *start, int c, size_t bytes);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strchrnul(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
/* Copy with truncation; always terminates; -E2BIG if truncated, else length. */
ssize_t strscpy(char *dst, const char *src, size_t size);
char *skip_spaces(const char *s);
char *strim(char *s);

#endif /* _TESSERA_STRING_H */
