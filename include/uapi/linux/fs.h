/* SPDX-License-Identifier: GPL-2.0 */
/* lseek() whences, directory entries of getdents64() (Linux). */
#ifndef _UAPI_LINUX_FS_H
#define _UAPI_LINUX_FS_H

#include <uapi/linux/types.h>

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#define SEEK_DATA	3
#define SEEK_HOLE	4
#define SEEK_MAX	SEEK_HOLE

/* d_type: the S_IFMT bits of the mode, shifted (dirent.h's DT_*). */
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define DT_WHT		14
#define IFTODT(mode)	(((mode) & 0170000) >> 12)

/* One getdents64() record; d_reclen is a multiple of 8. */
struct linux_dirent64 {
	__u64 d_ino;
	__s64 d_off;		/* the cursor of the next entry */
	__u16 d_reclen;
	__u8 d_type;
	char d_name[];		/* NUL-terminated */
};

#endif /* _UAPI_LINUX_FS_H */
