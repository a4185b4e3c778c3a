/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader for "newc" cpio archives (070701, and 070702 whose checksum
 * is ignored).  Pure logic: built into the memory manager and into the
 * host unit test (tests/host/test_cpio.c).
 */
#ifndef _MEMORY_CPIO_H
#define _MEMORY_CPIO_H

#ifdef __KERNEL__
#include <tessera/types.h>
#else
#include <stddef.h>
#include <stdint.h>
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#define CPIO_HDR_LEN	110

/* File types in a cpio mode (Linux's S_IF* values). */
#define CPIO_S_IFMT	0170000
#define CPIO_S_IFREG	0100000
#define CPIO_S_IFDIR	0040000
#define CPIO_S_IFLNK	0120000

struct cpio_entry {
	const char *name;	/* NUL-terminated, inside the archive */
	u32 namelen;		/* without the NUL */
	u32 ino;
	u32 mode;
	u32 uid;
	u32 gid;
	u32 nlink;
	u32 mtime;
	u32 size;
	const void *data;	/* size bytes, inside the archive */
	u64 offset;		/* of the header */
};

/*
 * Read the entry at *pos of the len-byte archive at buf and advance
 * *pos past it.  Returns 1 for an entry, 0 at the trailer, or:
 *   -EBADMSG	 bad magic
 *   -EINVAL	 a field that is not 8 hex digits, a name without its NUL
 *		 or empty, or a non-trailer entry without a name
 *   -EOVERFLOW	 the header, name or data runs past the end
 */
int cpio_next(const void *buf, size_t len, size_t *pos,
	      struct cpio_entry *e);

#endif /* _MEMORY_CPIO_H */
