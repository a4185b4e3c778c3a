/* SPDX-License-Identifier: GPL-2.0 */
/* siginfo_t as Linux x86-64 lays it out, and the si_code values. */
#ifndef _UAPI_ASM_SIGINFO_H
#define _UAPI_ASM_SIGINFO_H

#include <uapi/linux/types.h>

#define SI_MAX_SIZE	128

struct siginfo {
	__s32 si_signo;
	__s32 si_errno;
	__s32 si_code;
	__s32 __pad0;
	union {
		__u8 __pad[SI_MAX_SIZE - 16];
		struct {		/* kill(), tkill(), sigqueue() */
			__s32 si_pid;
			__u32 si_uid;
			__u64 si_value;
		} kill;
		struct {		/* SIGCHLD */
			__s32 si_pid;
			__u32 si_uid;
			__s32 si_status;
			__s32 __pad1;
			__s64 si_utime;
			__s64 si_stime;
		} chld;
		struct {		/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			__u64 si_addr;
		} fault;
	};
};

/* si_code: who sent it */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_QUEUE	-1
#define SI_TIMER	-2
#define SI_MESGQ	-3
#define SI_ASYNCIO	-4
#define SI_SIGIO	-5
#define SI_TKILL	-6

/* SIGILL */
#define ILL_ILLOPC	1
#define ILL_ILLOPN	2
#define ILL_ILLADR	3
#define ILL_ILLTRP	4
#define ILL_PRVOPC	5
#define ILL_PRVREG	6
#define ILL_COPROC	7
#define ILL_BADSTK	8

/* SIGFPE */
#define FPE_INTDIV	1
#define FPE_INTOVF	2
#define FPE_FLTDIV	3
#define FPE_FLTOVF	4
#define FPE_FLTUND	5
#define FPE_FLTRES	6
#define FPE_FLTINV	7
#define FPE_FLTSUB	8

/* SIGSEGV */
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2

/* SIGBUS */
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define BUS_OBJERR	3

/* SIGTRAP */
#define TRAP_BRKPT	1
#define TRAP_TRACE	2

/* SIGCHLD */
#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_TRAPPED	4
#define CLD_STOPPED	5
#define CLD_CONTINUED	6

#endif /* _UAPI_ASM_SIGINFO_H */
