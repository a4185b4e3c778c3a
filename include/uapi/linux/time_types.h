/* SPDX-License-Identifier: GPL-2.0 */
/* The time structures of the system call ABI (Linux x86-64). */
#ifndef _UAPI_LINUX_TIME_TYPES_H
#define _UAPI_LINUX_TIME_TYPES_H

#include <uapi/linux/types.h>

struct __kernel_timespec {
	__s64 tv_sec;
	__s64 tv_nsec;
};

/* select()'s and gettimeofday()'s struct timeval. */
struct __kernel_old_timeval {
	__s64 tv_sec;
	__s64 tv_usec;
};

#endif /* _UAPI_LINUX_TIME_TYPES_H */
