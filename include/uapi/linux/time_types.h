/* SPDX-License-Identifier: GPL-2.0 */
/* The time structures of the system calls (Linux x86-64: long is 64 bits). */
#ifndef _UAPI_LINUX_TIME_TYPES_H
#define _UAPI_LINUX_TIME_TYPES_H

#include <uapi/linux/types.h>

struct timespec {
	__s64 tv_sec;
	__s64 tv_nsec;
};

struct timeval {
	__s64 tv_sec;
	__s64 tv_usec;
};

struct timezone {
	__s32 tz_minuteswest;
	__s32 tz_dsttime;
};

struct itimerspec {
	struct timespec it_interval;
	struct timespec it_value;
};

struct itimerval {
	struct timeval it_interval;
	struct timeval it_value;
};

#endif /* _UAPI_LINUX_TIME_TYPES_H */
