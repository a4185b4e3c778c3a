/* SPDX-License-Identifier: GPL-2.0 */
/* getdents64() records (Linux). */
#ifndef _UAPI_LINUX_DIRENT_H
#define _UAPI_LINUX_DIRENT_H

#include <uapi/linux/types.h>

/* d_type */
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

/* Then the NUL-terminated name; d_reclen is a multiple of 8. */
struct linux_dirent64 {
	__u64 d_ino;
	__s64 d_off;
	__u16 d_reclen;
	__u8 d_type;
	char d_name[];
};

#endif /* _UAPI_LINUX_DIRENT_H */
