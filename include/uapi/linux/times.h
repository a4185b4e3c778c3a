/* SPDX-License-Identifier: GPL-2.0 */
/* times() (Linux x86-64): clock ticks of USER_HZ. */
#ifndef _UAPI_LINUX_TIMES_H
#define _UAPI_LINUX_TIMES_H

#include <uapi/linux/types.h>

/* The clock tick of times(), /proc and AT_CLKTCK, whatever the kernel's HZ. */
#define USER_HZ		100

struct tms {
	__s64 tms_utime;
	__s64 tms_stime;
	__s64 tms_cutime;
	__s64 tms_cstime;
};

#endif /* _UAPI_LINUX_TIMES_H */
