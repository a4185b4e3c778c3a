// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of fs/ext2/ for test_ext2 and test_ext2_fuzz: the clock,
 * the log switch, and disks backed by a file or by memory.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include "ext2_host.h"

int ext2_host_quiet;
unsigned long ext2_host_log_lines;

void ext2_time_now(s64 *sec, u32 *nsec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
}

static int file_read(void *dev, u64 off, void *buf, size_t len)
{
	struct host_disk *d = dev;

	if (pread(d->fd, buf, len, off) != (ssize_t)len)
		return -EIO;
	d->reads++;
	return 0;
}

static int file_write(void *dev, u64 off, const void *buf, size_t len)
{
	struct host_disk *d = dev;

	if (d->fail_writes)
		return -EIO;
	if (pwrite(d->fd, buf, len, off) != (ssize_t)len)
		return -EIO;
	d->writes++;
	return 0;
}

static int file_flush(void *dev)
{
	struct host_disk *d = dev;

	d->flushes++;
	return fsync(d->fd) ? -EIO : 0;
}

static int mem_read(void *dev, u64 off, void *buf, size_t len)
{
	struct host_disk *d = dev;

	if (off > d->size || len > d->size - off)
		return -EIO;
	memcpy(buf, d->mem + off, len);
	d->reads++;
	return 0;
}

static int mem_write(void *dev, u64 off, const void *buf, size_t len)
{
	struct host_disk *d = dev;

	if (off > d->size || len > d->size - off)
		return -EIO;
	memcpy(d->mem + off, buf, len);
	d->writes++;
	return 0;
}

static int mem_flush(void *dev)
{
	struct host_disk *d = dev;

	d->flushes++;
	return 0;
}

void host_disk_file(struct host_disk *d, int fd, u64 size)
{
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	d->size = size;
	d->bdev = (struct ext2_blkdev){ file_read, file_write, file_flush, d,
					size };
}

void host_disk_mem(struct host_disk *d, u8 *mem, u64 size)
{
	memset(d, 0, sizeof(*d));
	d->mem = mem;
	d->size = size;
	d->bdev = (struct ext2_blkdev){ mem_read, mem_write, mem_flush, d,
					size };
}

int host_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}
