/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PROCESSOR_SIGNAL_H
#define _PROCESSOR_SIGNAL_H

/*
 * Signals of the processor manager's processes (signal.c).  The state
 * below lives in struct process (one thread per process for now).
 */
#include <tessera/types.h>
#include <uapi/asm/signal.h>
#include <asm/ptrace.h>

struct process;

/* Signal sets: bit (sig - 1), as Linux's 64-bit sigset_t. */
typedef u64 sigset_t;
#define sigmask(sig)	(1ULL << ((sig) - 1))

struct sigstate {
	sigset_t pending;	/* raised, not yet delivered */
	sigset_t blocked;	/* rt_sigprocmask */
};

/*
 * Raise sig in p (from the kernel when info_code is 0, SI_USER from
 * kill()).  Wakes p if it sleeps interruptibly.  0 or -EINVAL.
 */
int send_signal(struct process *p, int sig);
/* kill(-pgid, sig): every process of the group; -ESRCH if none. */
int kill_pgrp(pid_t pgid, int sig);
/* Has current an unblocked signal pending (its slow calls return)? */
bool signal_pending_current(void);
/* On every return to user mode: deliver what is pending (signal.c). */
void do_signal(struct pt_regs *regs);
/* fork: the child's copy of the parent's dispositions and mask. */
void signals_fork(struct process *child, struct process *parent);
/* execve: handled signals go back to their default. */
void signals_exec(struct process *p);

#endif /* _PROCESSOR_SIGNAL_H */
