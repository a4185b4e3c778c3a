// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for managers/memory/cpio.c: archives built here entry by
 * entry parse back field for field; bad magic, bad hex, names and data
 * running past the end, and every truncation of a good archive are
 * rejected without reading outside the buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include "check.h"

#define cpio_next k_cpio_next
#include "../../managers/memory/cpio.h"

static unsigned char arc[8192];
static size_t arc_len;

static void pad4(void)
{
	while (arc_len & 3)
		arc[arc_len++] = 0;
}

/* Append an entry; namesize and size may lie (0: the true value). */
static void add(const char *magic, const char *name, unsigned int mode,
		const char *data, size_t size, unsigned int namesize_lie)
{
	size_t nlen = strlen(name) + 1;

	arc_len += sprintf((char *)arc + arc_len,
			   "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
			   magic, 42, mode, 1000, 100, 1, 1700000000,
			   (unsigned int)size, 0, 0, 0, 0,
			   namesize_lie ? namesize_lie : (unsigned int)nlen, 0);
	memcpy(arc + arc_len, name, nlen);
	arc_len += nlen;
	pad4();
	memcpy(arc + arc_len, data, size);
	arc_len += size;
	pad4();
}

static void good_archive(void)
{
	arc_len = 0;
	add("070701", ".", 040755, "", 0, 0);
	add("070701", "bin", 040755, "", 0, 0);
	add("070701", "bin/hello", 0100755, "hello world\n", 12, 0);
	add("070702", "bin/sh", 0120777, "hello", 5, 0);
	add("070701", "TRAILER!!!", 0, "", 0, 0);
}

/* Parse buf; returns entries seen, or the negative error. */
static int parse(const void *buf, size_t len)
{
	struct cpio_entry e;
	size_t pos = 0, last = 0;
	int n = 0, ret;

	while ((ret = k_cpio_next(buf, len, &pos, &e)) > 0) {
		CHECK(pos > last && pos <= len);
		CHECK((const char *)e.data + e.size <= (const char *)buf + len);
		CHECK(e.name + e.namelen < (const char *)buf + len);
		last = pos;
		n++;
	}
	return ret < 0 ? ret : n;
}

static void test_good(void)
{
	struct cpio_entry e;
	size_t pos = 0;

	good_archive();
	CHECK_INT(k_cpio_next(arc, arc_len, &pos, &e), 1);
	CHECK_STR(e.name, ".");
	CHECK_INT(e.namelen, 1);
	CHECK_INT(e.mode, 040755);
	CHECK_INT(pos % 4, 0);
	CHECK_INT(k_cpio_next(arc, arc_len, &pos, &e), 1);
	CHECK_STR(e.name, "bin");
	CHECK_INT(k_cpio_next(arc, arc_len, &pos, &e), 1);
	CHECK_STR(e.name, "bin/hello");
	CHECK_INT(e.size, 12);
	CHECK(!memcmp(e.data, "hello world\n", 12));
	CHECK_INT(e.ino, 42);
	CHECK_INT(e.uid, 1000);
	CHECK_INT(e.gid, 100);
	CHECK_INT(e.nlink, 1);
	CHECK_INT(e.mtime, 1700000000);
	CHECK_INT(e.mode, 0100755);
	CHECK_INT(k_cpio_next(arc, arc_len, &pos, &e), 1);
	CHECK_STR(e.name, "bin/sh");
	CHECK_INT(e.mode & CPIO_S_IFMT, CPIO_S_IFLNK);
	CHECK_INT(k_cpio_next(arc, arc_len, &pos, &e), 0);
	CHECK_INT(pos, arc_len);
	CHECK_INT(parse(arc, arc_len), 4);
}

static void test_bad(void)
{
	struct cpio_entry e;
	size_t pos;

	good_archive();
	arc[3] = '8';
	CHECK_INT(parse(arc, arc_len), -EBADMSG);
	good_archive();
	arc[5] = '7';				/* 070707: old binary cpio */
	CHECK_INT(parse(arc, arc_len), -EBADMSG);
	good_archive();
	arc[6 + 8 * 6 + 3] = 'g';		/* filesize not hex */
	CHECK_INT(parse(arc, arc_len), -EINVAL);
	good_archive();
	arc[6 + 8 * 11] = ' ';			/* namesize */
	CHECK_INT(parse(arc, arc_len), -EINVAL);

	/* Lies in the sizes. */
	arc_len = 0;
	add("070701", "x", 0100644, "abc", 3, 0);
	memcpy(arc + 6 + 8 * 6, "FFFFFFFF", 8);	/* data past the end */
	CHECK_INT(parse(arc, arc_len), -EOVERFLOW);
	arc_len = 0;
	add("070701", "x", 0100644, "abc", 3, 0xffffffff);
	CHECK_INT(parse(arc, arc_len), -EOVERFLOW);
	arc_len = 0;
	add("070701", "xy", 0100644, "abc", 3, 2);	/* no NUL */
	CHECK_INT(parse(arc, arc_len), -EINVAL);
	arc_len = 0;
	add("070701", "", 0100644, "", 0, 0);	/* empty name */
	CHECK_INT(parse(arc, arc_len), -EINVAL);
	arc_len = 0;
	add("070701", "x", 0100644, "", 0, 0);
	memcpy(arc + 6 + 8 * 11, "00000000", 8);	/* namesize 0 */
	CHECK_INT(parse(arc, arc_len), -EINVAL);
	arc_len = 0;
	add("070701", "a\0b", 0100644, "", 0, 4);	/* NUL inside */
	add("070701", "TRAILER!!!", 0, "", 0, 0);
	CHECK_INT(parse(arc, arc_len), -EINVAL);

	/* No trailer: running off the end is "truncated". */
	arc_len = 0;
	add("070701", "x", 0100644, "abc", 3, 0);
	CHECK_INT(parse(arc, arc_len), -EOVERFLOW);
	CHECK_INT(parse(arc, 0), -EOVERFLOW);
	pos = 100;
	CHECK_INT(k_cpio_next(arc, 10, &pos, &e), -EOVERFLOW);
}

/* Every prefix of a good archive, in a buffer of exactly that size. */
static void test_truncations(void)
{
	size_t len;
	int ok = 0;

	good_archive();
	for (len = 0; len < arc_len; len++) {
		unsigned char *b = malloc(len ? len : 1);
		int r;

		memcpy(b, arc, len);
		r = parse(b, len);
		CHECK(r == -EOVERFLOW);
		if (r == -EOVERFLOW)
			ok++;
		free(b);
	}
	CHECK_INT(ok, arc_len);
}

int main(void)
{
	test_good();
	test_bad();
	test_truncations();
	return check_report();
}
