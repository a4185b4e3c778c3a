/* SPDX-License-Identifier: GPL-2.0 */
/* Resource usage and limits (Linux x86-64). */
#ifndef _UAPI_LINUX_RESOURCE_H
#define _UAPI_LINUX_RESOURCE_H

#include <uapi/linux/time_types.h>

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_BOTH	(-2)
#define RUSAGE_THREAD	1

struct rusage {
	struct timeval ru_utime;	/* user time */
	struct timeval ru_stime;	/* system time */
	__s64 ru_maxrss;		/* KiB */
	__s64 ru_ixrss;
	__s64 ru_idrss;
	__s64 ru_isrss;
	__s64 ru_minflt;
	__s64 ru_majflt;
	__s64 ru_nswap;
	__s64 ru_inblock;
	__s64 ru_oublock;
	__s64 ru_msgsnd;
	__s64 ru_msgrcv;
	__s64 ru_nsignals;
	__s64 ru_nvcsw;		/* voluntary context switches */
	__s64 ru_nivcsw;	/* involuntary */
};

struct rlimit {
	__u64 rlim_cur;
	__u64 rlim_max;
};

struct rlimit64 {
	__u64 rlim_cur;
	__u64 rlim_max;
};

#define RLIM_INFINITY	(~0ULL)

#define RLIMIT_CPU		0
#define RLIMIT_FSIZE		1
#define RLIMIT_DATA		2
#define RLIMIT_STACK		3
#define RLIMIT_CORE		4
#define RLIMIT_RSS		5
#define RLIMIT_NPROC		6
#define RLIMIT_NOFILE		7
#define RLIMIT_MEMLOCK		8
#define RLIMIT_AS		9
#define RLIMIT_LOCKS		10
#define RLIMIT_SIGPENDING	11
#define RLIMIT_MSGQUEUE		12
#define RLIMIT_NICE		13
#define RLIMIT_RTPRIO		14
#define RLIMIT_RTTIME		15
#define RLIM_NLIMITS		16

#define PRIO_PROCESS	0
#define PRIO_PGRP	1
#define PRIO_USER	2

#endif /* _UAPI_LINUX_RESOURCE_H */
