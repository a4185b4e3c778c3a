/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PROCESSOR_SYSCALL_H
#define _PROCESSOR_SYSCALL_H

/*
 * System call handlers.  Every handler takes the six argument registers
 * (rdi, rsi, rdx, r10, r8, r9) as unsigned longs, whatever it uses, and
 * returns the value for rax: a result or a negative errno.
 */
#include <tessera/types.h>

#define SYSCALL(nr, name)	__NR_##name = nr,
enum {
#include "syscall_list.h"
	NR_syscalls
};
#undef SYSCALL

#define SYSCALL_DEFINE(name)						\
	long sys_##name(unsigned long a0, unsigned long a1,		\
			unsigned long a2, unsigned long a3,		\
			unsigned long a4, unsigned long a5)

typedef long (*syscall_fn_t)(unsigned long, unsigned long, unsigned long,
			     unsigned long, unsigned long, unsigned long);

#define SYSCALL(nr, name)	SYSCALL_DEFINE(name);
#include "syscall_list.h"
#undef SYSCALL

#endif /* _PROCESSOR_SYSCALL_H */
