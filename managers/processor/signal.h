/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PROCESSOR_SIGNAL_H
#define _PROCESSOR_SIGNAL_H

/*
 * Signals of the processor manager's processes (signal.c,
 * Documentation/processor.md "Signals").  As on Linux, a signal is
 * sent to a process (its shared pending set, taken by any thread that
 * does not block it) or to one thread (tgkill, faults); masks, the
 * alternate stack and the frame of a fault are per thread; the actions
 * are shared by the threads and by processes made with CLONE_SIGHAND.
 */
#include <tessera/types.h>
#include <tessera/spinlock.h>
#include <tessera/timer.h>
#include <uapi/asm/signal.h>
#include <uapi/asm/siginfo.h>
#include <asm/ptrace.h>

struct process;

/* Signal sets: bit (sig - 1), as Linux's 64-bit sigset_t. */
typedef u64 sigset_t;
#define sigmask(sig)	(1ULL << ((sig) - 1))

/* What restart_syscall() resumes after -ERESTART_RESTARTBLOCK. */
struct restart_block {
	long (*fn)(struct restart_block *rb);
	unsigned long clk;		/* nanosleep: the clock, */
	u64 deadline_ns;		/* the absolute end of the sleep */
	void __user *rmtp;		/* and where the time left goes */
	/* futex: the wait on uaddr for val (clk, deadline_ns: its timeout) */
	u32 __user *uaddr;
	u32 val, bitset;
	unsigned int flags;
};

/* The actions: shared by a thread group, and by CLONE_SIGHAND. */
struct sighand {
	refcount_t count;
	spinlock_t lock;		/* nests inside sigstate.lock */
	struct kernel_sigaction action[_NSIG];
};

/* A thread's part, under its process's sigstate.lock. */
struct thread_sigstate {
	sigset_t pending;		/* sent to this thread */
	struct siginfo info[_NSIG];	/* of each (no queueing) */
	sigset_t blocked;		/* rt_sigprocmask */
	sigset_t real_blocked;		/* the mask rt_sigtimedwait lifted for its set */
	sigset_t saved_mask;		/* rt_sigsuspend: restored after delivery */
	bool restore_mask;		/* saved_mask is to be restored */
	/* The last fault, for the sigcontext and the log line of a death. */
	int fault_sig;
	const char *fault_name;
	unsigned long trapno, err, cr2, fault_ip;
	struct sigaltstack altstack;	/* ss_sp 0 and ss_size 0: none */
	struct restart_block restart;
};

struct uthread;

/* A process's part. */
struct sigstate {
	spinlock_t lock;		/* all of it, its threads' parts; irqsave */
	sigset_t pending;		/* sent to the process, not yet taken */
	struct siginfo info[_NSIG];	/* of each (no queueing) */
	struct sighand *sighand;	/* changes only at exec, under lock */
	bool stopped;			/* by a stop signal, until SIGCONT */
	bool notify_cont;		/* continued: tell the parent */
	bool dead;			/* exiting: nothing more is raised */
	bool group_exit;		/* every thread is to exit */
	struct uthread *group_exec;	/* this one execs: the others exit */
	/* ITIMER_REAL (setitimer, alarm): expiry in ns of ktime_get_ns(). */
	struct timer_list real_timer;
	u64 real_expires, real_interval;
};

/*
 * Raise sig in p from the kernel (si_code SI_KERNEL).  Wakes p if it
 * sleeps interruptibly.  0 or -EINVAL.  Any context; takes p's signal lock.
 */
int send_signal(struct process *p, int sig);
/* Is sig blocked by the current thread or set to SIG_IGN (job control's "ignored")? */
bool signal_blocked_or_ignored(struct process *p, int sig);
/* The same with a siginfo of the caller's (si_signo is set here). */
int send_signal_info(struct process *p, int sig, const struct siginfo *info);
/* To one thread of its process (tgkill): -ESRCH if it is exiting. */
int send_signal_thread(struct uthread *t, int sig, const struct siginfo *info);
/*
 * Must the current thread t of p leave (a group exit, another thread's
 * exec, or p killed)?  Checked on the way to user mode.
 */
bool thread_must_exit(struct process *p, struct uthread *t);
/* Wake every thread of p but the current one (sigstate.lock held). */
void signal_wake_threads(struct process *p);
/* kill(-pgid, sig): every process of the group; -ESRCH if none. */
int kill_pgrp(pid_t pgid, int sig);
/* Has current an unblocked signal pending (its slow calls return)? */
bool signal_pending_current(void);
/*
 * On every return to user mode, interrupts enabled: syscall restarts,
 * stops, deaths and handler frames for what is pending (signal.c).
 */
void do_signal(struct pt_regs *regs);
/* Anything for do_signal() to do? */
bool signal_work_pending(struct pt_regs *regs);
/*
 * A fault of the current process (exception what, NULL for a page
 * fault): the signal Linux's force_sig_fault() sends.
 */
void force_sig_fault(int sig, int code, unsigned long addr,
		     struct pt_regs *regs, const char *what);
/* process_alloc(): empty signal state, its own actions; 0 or -ENOMEM. */
int signals_init(struct process *p);
/*
 * fork: the child's copy of the parent's dispositions, or the parent's
 * own with CLONE_SIGHAND.
 */
void signals_fork(struct process *child, struct process *parent, bool share);
/* A new thread t: the creating thread's mask; the altstack unless a new stack. */
void signals_thread(struct uthread *t, bool keep_altstack);
/* execve: handled signals go back to their default, no altstack; 0 or -ENOMEM. */
int signals_exec(struct process *p);
/* process_free(): drop p's reference on its actions. */
void signals_free(struct process *p);
/* process_exit(): stop the interval timer before p goes away. */
void signals_exit(struct process *p);
/*
 * For exit.c, tasklist_lock held for writing: send SIGCHLD for child's
 * state change why (CLD_*) to its parent.  True if the parent ignores
 * SIGCHLD or set SA_NOCLDWAIT: an exited child is then reaped at once.
 */
bool do_notify_parent(struct process *child, int why, int status);
/* "SIGSEGV" and so on, for the log. */
const char *signal_name(int sig);

#endif /* _PROCESSOR_SIGNAL_H */
