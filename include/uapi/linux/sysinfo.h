/* SPDX-License-Identifier: GPL-2.0 */
/* sysinfo() (Linux x86-64: 112 bytes). */
#ifndef _UAPI_LINUX_SYSINFO_H
#define _UAPI_LINUX_SYSINFO_H

#include <uapi/linux/types.h>

#define SI_LOAD_SHIFT	16

struct sysinfo {
	__s64 uptime;		/* seconds since boot */
	__u64 loads[3];		/* 1, 5, 15 minute load averages << SI_LOAD_SHIFT */
	__u64 totalram;		/* in mem_unit */
	__u64 freeram;
	__u64 sharedram;
	__u64 bufferram;
	__u64 totalswap;
	__u64 freeswap;
	__u16 procs;
	__u16 pad;
	__u64 totalhigh;
	__u64 freehigh;
	__u32 mem_unit;		/* bytes */
};

#endif /* _UAPI_LINUX_SYSINFO_H */
