/* SPDX-License-Identifier: GPL-2.0 */
/* Signal numbers and sigaction flags (Linux x86-64). */
#ifndef _UAPI_ASM_SIGNAL_H
#define _UAPI_ASM_SIGNAL_H

#include <uapi/linux/types.h>

#define _NSIG		64

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGIOT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPOLL		SIGIO
#define SIGPWR		30
#define SIGSYS		31
#define SIGRTMIN	32
#define SIGRTMAX	_NSIG

/* sigaction sa_flags */
#define SA_NOCLDSTOP	0x00000001
#define SA_NOCLDWAIT	0x00000002
#define SA_SIGINFO	0x00000004
#define SA_UNSUPPORTED	0x00000400
#define SA_EXPOSE_TAGBITS 0x00000800
#define SA_RESTORER	0x04000000
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000

#define SIG_DFL		0UL
#define SIG_IGN		1UL
#define SIG_ERR		(~0UL)

/* rt_sigprocmask how */
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

/* sigaltstack ss_flags */
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1U << 31)
#define MINSIGSTKSZ	2048
#define SIGSTKSZ	8192

/* The kernel's struct sigaction (rt_sigaction), sigset_t of 64 bits. */
struct kernel_sigaction {
	__u64 sa_handler;
	__u64 sa_flags;
	__u64 sa_restorer;
	__u64 sa_mask;
};

/* stack_t */
struct sigaltstack {
	__u64 ss_sp;
	__s32 ss_flags;
	__u32 __pad;
	__u64 ss_size;
};

#endif /* _UAPI_ASM_SIGNAL_H */
