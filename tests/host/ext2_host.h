/* SPDX-License-Identifier: GPL-2.0 */
/* Host disks for the ext2 tests (ext2_host.c). */
#ifndef _TESTS_HOST_EXT2_HOST_H
#define _TESTS_HOST_EXT2_HOST_H

#include <tessera/ext2.h>

extern int ext2_host_quiet;
extern unsigned long ext2_host_log_lines;

struct host_disk {
	struct ext2_blkdev bdev;
	int fd;			/* a file, or */
	u8 *mem;		/* memory */
	u64 size;
	bool fail_writes;
	unsigned long reads, writes, flushes;
};

void host_disk_file(struct host_disk *d, int fd, u64 size);
void host_disk_mem(struct host_disk *d, u8 *mem, u64 size);
/* system() of a formatted command: its exit status, 255 if killed. */
int host_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
