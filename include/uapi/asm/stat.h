/* SPDX-License-Identifier: GPL-2.0 */
/* struct stat as x86-64 Linux's stat(), fstat() and newfstatat() fill it. */
#ifndef _UAPI_ASM_STAT_H
#define _UAPI_ASM_STAT_H

#include <uapi/linux/types.h>

struct stat {
	__u64 st_dev;
	__u64 st_ino;
	__u64 st_nlink;
	__u32 st_mode;
	__u32 st_uid;
	__u32 st_gid;
	__u32 __pad0;
	__u64 st_rdev;
	__s64 st_size;
	__s64 st_blksize;
	__s64 st_blocks;	/* 512-byte units */
	__u64 st_atime;
	__u64 st_atime_nsec;
	__u64 st_mtime;
	__u64 st_mtime_nsec;
	__u64 st_ctime;
	__u64 st_ctime_nsec;
	__s64 __reserved[3];	/* Linux: __unused, a macro here */
};

#endif /* _UAPI_ASM_STAT_H */
