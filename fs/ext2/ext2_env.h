/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fs/ext2/ needs from its environment: the kernel's allocator,
 * mutex and log in the kernel; libc and pthreads in host tests
 * (tests/host/), which build the same .c files without __KERNEL__.
 */
#ifndef _FS_EXT2_ENV_H
#define _FS_EXT2_ENV_H

#ifdef __KERNEL__

#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/string.h>
#include <tessera/slab.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>

#define ext2_alloc(size)	kmalloc(size, GFP_KERNEL)
#define ext2_zalloc(size)	kzalloc(size, GFP_KERNEL)
#define ext2_free(p)		kfree(p)

typedef struct mutex ext2_lock_t;
#define ext2_lock_init(l)	mutex_init(l)
#define ext2_lock(l)		mutex_lock(l)
#define ext2_unlock(l)		mutex_unlock(l)
#define ext2_lock_destroy(l)	do { } while (0)

#define ext2_err(fmt, ...)	pr_err("ext2: " fmt "\n", ##__VA_ARGS__)
#define ext2_corrupt_log(fmt, ...) \
	pr_err_ratelimited("ext2: " fmt "\n", ##__VA_ARGS__)

#else /* host tests */

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <errno.h>
#include <pthread.h>

typedef int32_t s32;

#define ext2_alloc(size)	malloc(size)
#define ext2_zalloc(size)	calloc(1, size)
#define ext2_free(p)		free(p)

typedef pthread_mutex_t ext2_lock_t;
#define ext2_lock_init(l)	pthread_mutex_init(l, NULL)
#define ext2_lock(l)		pthread_mutex_lock(l)
#define ext2_unlock(l)		pthread_mutex_unlock(l)
#define ext2_lock_destroy(l)	pthread_mutex_destroy(l)

/* The fuzzer silences the log; the host test counts its lines. */
extern int ext2_host_quiet;
extern unsigned long ext2_host_log_lines;
#define ext2_err(fmt, ...) do {						\
	ext2_host_log_lines++;						\
	if (!ext2_host_quiet)						\
		fprintf(stderr, "ext2: " fmt "\n", ##__VA_ARGS__);	\
} while (0)
#define ext2_corrupt_log(fmt, ...) ext2_err(fmt, ##__VA_ARGS__)

#ifndef __packed
#define __packed __attribute__((__packed__))
#endif

#endif /* __KERNEL__ */

#endif /* _FS_EXT2_ENV_H */
