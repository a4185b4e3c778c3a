// SPDX-License-Identifier: GPL-2.0
/*
 * newc cpio reader: every field is checked against the archive's length
 * before anything is dereferenced, since the archive is boot-time input
 * that nothing else validated.
 */
#include <tessera/errno.h>
#include <tessera/string.h>
#include "cpio.h"

static int cpio_hex(const char *p, u32 *val)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -EINVAL;
	}
	*val = v;
	return 0;
}

static size_t cpio_pad4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

int cpio_next(const void *buf, size_t len, size_t *pos,
	      struct cpio_entry *e)
{
	const char *h = (const char *)buf + *pos;
	u32 f[13], check;
	size_t name_off, data_off, end;
	int i;

	if (*pos > len || len - *pos < CPIO_HDR_LEN)
		return -EOVERFLOW;
	if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
		return -EBADMSG;
	for (i = 0; i < 13; i++)
		if (cpio_hex(h + 6 + 8 * i, &f[i]))
			return -EINVAL;

	e->offset = *pos;
	e->ino = f[0];
	e->mode = f[1];
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	e->size = f[6];
	/* f[7..10]: device numbers, f[11]: name size, f[12]: checksum */
	check = f[11];
	if (check == 0)
		return -EINVAL;

	name_off = *pos + CPIO_HDR_LEN;
	if (len - name_off < check)
		return -EOVERFLOW;
	e->name = (const char *)buf + name_off;
	if (e->name[check - 1] != '\0' || memchr(e->name, '\0', check - 1))
		return -EINVAL;
	e->namelen = check - 1;

	data_off = cpio_pad4(name_off + check);
	if (data_off > len || len - data_off < e->size)
		return -EOVERFLOW;
	e->data = (const char *)buf + data_off;
	end = cpio_pad4(data_off + e->size);
	*pos = end < len ? end : len;

	if (e->namelen == 10 && !memcmp(e->name, "TRAILER!!!", 10))
		return 0;
	if (e->namelen == 0)
		return -EINVAL;
	return 1;
}
