/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STORAGE_INTERNAL_H
#define _STORAGE_INTERNAL_H

#include <tessera/types.h>
#include <tessera/storproto.h>

struct ext2_fs;

/* struct sp_statfs's flags: as statfs(2)'s f_flags. */
#define ST_RDONLY	0x1

#define SP_NR_OPS	(SPOP_LAST - SPOP_LOOKUP)

/* Per-opcode counters; an index is op - SPOP_LOOKUP. */
struct storage_stats {
	u64 requests[SP_NR_OPS];
	u64 errors[SP_NR_OPS];	/* any error reply */
	u64 malformed;		/* requests refused as malformed (-EINVAL) */
};

/*
 * The file system the server serves: fs (NULL without one) and the
 * error every request gets then (-ENODEV: no disk, -EIO: a disk without
 * a file system we can mount).
 */
void storage_server_start(struct ext2_fs *fs, bool rdonly, int err);
void storage_get_stats(struct storage_stats *st);
const char *storage_op_name(u16 op);
bool storage_has_fs(void);

#endif /* _STORAGE_INTERNAL_H */
