// SPDX-License-Identifier: GPL-2.0
/*
 * Signals of the processor manager's processes, as Linux x86-64 has
 * them: raising, the dispositions and masks, delivery through a
 * Linux-compatible rt_sigframe on every return to user mode, system call
 * restarts, job control stops, and the interval timer.
 * Documentation/processor.md ("Signals") describes the model.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timekeeping.h>
#include <asm/bitops.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/switch_to.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <uapi/asm/sigcontext.h>
#include <uapi/linux/time.h>
#include <uapi/linux/wait.h>
#include "process.h"
#include "syscall.h"

#define SIG_KERNEL_ONLY	(sigmask(SIGKILL) | sigmask(SIGSTOP))
#define SIG_STOP_SET	(sigmask(SIGSTOP) | sigmask(SIGTSTP) |		\
			 sigmask(SIGTTIN) | sigmask(SIGTTOU))
#define SIG_IGNORE_SET	(sigmask(SIGCHLD) | sigmask(SIGCONT) |		\
			 sigmask(SIGURG) | sigmask(SIGWINCH))
#define SIG_CORE_SET	(sigmask(SIGQUIT) | sigmask(SIGILL) |		\
			 sigmask(SIGTRAP) | sigmask(SIGABRT) |		\
			 sigmask(SIGBUS) | sigmask(SIGFPE) |		\
			 sigmask(SIGSEGV) | sigmask(SIGXCPU) |		\
			 sigmask(SIGXFSZ) | sigmask(SIGSYS))
/* Faults: delivered before anything else pending, as on Linux. */
#define SIG_SYNC_SET	(sigmask(SIGSEGV) | sigmask(SIGBUS) |		\
			 sigmask(SIGILL) | sigmask(SIGTRAP) |		\
			 sigmask(SIGFPE) | sigmask(SIGSYS))

/* The frame a handler finds at its stack pointer (Linux's, x86-64). */
struct rt_sigframe {
	u64 pretcode;		/* sa_restorer: the handler's return address */
	struct ucontext uc;
	struct siginfo info;
	/* the fpstate lies above, 64-byte aligned */
};

/* The registers struct sigcontext and struct pt_regs both name so. */
#define SIGCONTEXT_REGS(X)						\
	X(r8) X(r9) X(r10) X(r11) X(r12) X(r13) X(r14) X(r15)		\
	X(rdi) X(rsi) X(rbp) X(rbx) X(rdx) X(rax) X(rcx) X(rsp) X(rip)

/* sigcontext eflags bits rt_sigreturn takes from user mode. */
#define FIX_EFLAGS	(X86_EFLAGS_AC | (1UL << 11) /* OF */ | X86_EFLAGS_DF | \
			 X86_EFLAGS_TF | (1UL << 7) /* SF */ | (1UL << 6) /* ZF */ | \
			 (1UL << 4) /* AF */ | (1UL << 2) /* PF */ | X86_EFLAGS_CF | \
			 X86_EFLAGS_RF)

static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	if (sig > 0 && sig < (int)ARRAY_SIZE(signal_names) && signal_names[sig])
		return signal_names[sig];
	return sig >= SIGRTMIN && sig <= SIGRTMAX ? "a real-time signal" :
	       "a signal";
}

static bool valid_signal(int sig)
{
	return sig >= 1 && sig <= _NSIG;
}

/* The action of sig in p (sigstate.lock held: p->sig.sighand is stable). */
static struct kernel_sigaction *sig_action(struct process *p, int sig)
{
	return &p->sig.sighand->action[sig - 1];
}

/* Does the action of sig throw it away?  s->lock held. */
static bool sig_handler_ignores(struct process *p, int sig)
{
	u64 handler = READ_ONCE(sig_action(p, sig)->sa_handler);

	if (handler == SIG_IGN)
		return true;
	return handler == SIG_DFL && (SIG_IGNORE_SET & sigmask(sig));
}

/* Does t keep sig from being taken now (blocked, or awaited by sigtimedwait)? */
static bool thread_blocks(struct uthread *t, int sig)
{
	return (t->sig.blocked | t->sig.real_blocked) & sigmask(sig);
}

/*
 * Would sig be thrown away if raised now, for thread t (or for the
 * process: t NULL)?  A blocked signal waits: its handler may change
 * meanwhile; so does one rt_sigtimedwait() unblocked only to be woken by
 * it.  For the process, it waits if every thread blocks it.  s->lock held.
 */
static bool sig_ignored(struct process *p, struct uthread *t, int sig)
{
	struct uthread *u;

	if (!sig_handler_ignores(p, sig))
		return false;
	if (t)
		return !thread_blocks(t, sig);
	list_for_each_entry(u, &p->threads, node)
		if (!thread_blocks(u, sig))
			return true;
	return false;
}

bool signal_blocked_or_ignored(struct process *p, int sig)
{
	struct sigstate *s = &p->sig;
	struct uthread *t = current_thread();
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&s->lock, flags);
	ret = (t && t->proc == p && (t->sig.blocked & sigmask(sig))) ||
	      sig_action(p, sig)->sa_handler == SIG_IGN;
	spin_unlock_irqrestore(&s->lock, flags);
	return ret;
}

/* ------------------------------------------------------------ raising --- */

void signal_wake_threads(struct process *p)
{
	struct uthread *t;

	list_for_each_entry(t, &p->threads, node)
		if (t->task != current)
			wake_up_state(t->task, TASK_INTERRUPTIBLE);
}

/*
 * A process-directed signal: wake a thread that can take it (Linux's
 * complete_signal()), the current one if it can.  s->lock held.
 */
static void wake_taker(struct process *p, int sig)
{
	struct uthread *t, *cur = current_thread();

	if (cur && cur->proc == p && !(cur->sig.blocked & sigmask(sig)))
		return;		/* it looks before returning to user mode */
	list_for_each_entry(t, &p->threads, node) {
		if (!(t->sig.blocked & sigmask(sig))) {
			wake_up_state(t->task, TASK_INTERRUPTIBLE);
			return;
		}
	}
}

/* Raise sig in p, or in its thread t (not NULL).  Any context. */
static int __send_signal(struct process *p, struct uthread *t, int sig,
			 const struct siginfo *info)
{
	struct sigstate *s = &p->sig;
	struct thread_sigstate *ts;
	struct uthread *u;
	sigset_t *pending = t ? &t->sig.pending : &s->pending;
	struct siginfo *slot = t ? t->sig.info : s->info;
	unsigned long flags;

	if (!valid_signal(sig))
		return -EINVAL;
	spin_lock_irqsave(&s->lock, flags);
	if (!p->nr_threads || p->state != PROC_ALIVE || s->dead ||
	    s->group_exit)
		goto out;
	/* A stop cancels a pending continue and the reverse (Linux's prepare_signal). */
	if (sigmask(sig) & (SIG_STOP_SET | sigmask(SIGCONT))) {
		sigset_t drop = sig == SIGCONT ? SIG_STOP_SET : sigmask(SIGCONT);

		s->pending &= ~drop;
		list_for_each_entry(u, &p->threads, node)
			u->sig.pending &= ~drop;
	}
	if (sig == SIGCONT && s->stopped) {
		s->stopped = false;
		s->notify_cont = true;
		signal_wake_threads(p);
	}
	if (sig_ignored(p, t, sig))
		goto out;
	if (!(*pending & sigmask(sig))) {
		slot[sig - 1] = *info;
		slot[sig - 1].si_signo = sig;
	}
	*pending |= sigmask(sig);
	if (sig == SIGKILL) {
		/* Every thread goes; whichever takes it ends the process. */
		signal_wake_threads(p);
	} else if (t) {
		ts = &t->sig;
		if (!(ts->blocked & sigmask(sig)))
			wake_up_state(t->task, TASK_INTERRUPTIBLE);
	} else {
		wake_taker(p, sig);
	}
out:
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
}

int send_signal_info(struct process *p, int sig, const struct siginfo *info)
{
	return __send_signal(p, NULL, sig, info);
}

int send_signal_thread(struct uthread *t, int sig, const struct siginfo *info)
{
	return __send_signal(t->proc, t, sig, info);
}

int send_signal(struct process *p, int sig)
{
	struct siginfo info = { .si_code = SI_KERNEL };

	return send_signal_info(p, sig, &info);
}

/* sig 0 only checks that the target exists. */
static int send_checked(struct process *p, int sig, const struct siginfo *info)
{
	return sig ? send_signal_info(p, sig, info) : 0;
}

/* tasklist_lock held. */
static int kill_pgrp_info(pid_t pgid, int sig, const struct siginfo *info)
{
	struct process *p;
	int ret = -ESRCH;

	for_each_process(p)
		if (p->pgid == pgid && p->state == PROC_ALIVE)
			ret = send_checked(p, sig, info);
	return ret;
}

int kill_pgrp(pid_t pgid, int sig)
{
	struct siginfo info = { .si_code = SI_KERNEL };
	int ret;

	read_lock(&tasklist_lock);
	ret = kill_pgrp_info(pgid, sig, &info);
	read_unlock(&tasklist_lock);
	return ret;
}

bool thread_must_exit(struct process *p, struct uthread *t)
{
	struct uthread *exec = READ_ONCE(p->sig.group_exec);

	return READ_ONCE(p->sig.group_exit) || READ_ONCE(p->kill_signal) ||
	       (exec && exec != t);
}

bool signal_pending(struct task_struct *task)
{
	struct process *p = task->proc;
	struct uthread *t = task->uthread;

	if (!p || !t)
		return false;
	return ((READ_ONCE(t->sig.pending) | READ_ONCE(p->sig.pending)) &
		~READ_ONCE(t->sig.blocked)) ||
	       READ_ONCE(p->sig.stopped) || thread_must_exit(p, t);
}

bool signal_pending_current(void)
{
	return signal_pending(current);
}

void force_sig_fault(int sig, int code, unsigned long addr,
		     struct pt_regs *regs, const char *what)
{
	struct process *p = current_proc();
	struct sigstate *s = &p->sig;
	struct thread_sigstate *ts = &current_thread()->sig;
	struct kernel_sigaction *ka;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	ka = sig_action(p, sig);
	/* Blocked or ignored, it could only loop: it kills (Linux's force_sig). */
	if (ka->sa_handler == SIG_IGN || (ts->blocked & sigmask(sig))) {
		spin_lock(&s->sighand->lock);
		ka->sa_handler = SIG_DFL;
		spin_unlock(&s->sighand->lock);
		ts->blocked &= ~sigmask(sig);
	}
	memset(&ts->info[sig - 1], 0, sizeof(ts->info[0]));
	ts->info[sig - 1].si_signo = sig;
	ts->info[sig - 1].si_code = code;
	ts->info[sig - 1].fault.si_addr = addr;
	ts->pending |= sigmask(sig);
	ts->fault_sig = sig;
	ts->fault_name = what;
	ts->trapno = regs->vector;
	ts->err = regs->error_code;
	ts->cr2 = regs->vector == X86_TRAP_PF ? addr : 0;
	ts->fault_ip = regs->rip;
	spin_unlock_irqrestore(&s->lock, flags);
}

/* --------------------------------------------------- the parent's side --- */

bool do_notify_parent(struct process *child, int why, int status)
{
	struct process *parent = child->parent;
	struct kernel_sigaction ka;
	struct siginfo info = {
		.si_code = why,
		.chld = { .si_pid = child->tgid, .si_status = status },
	};
	bool stopcont = why == CLD_STOPPED || why == CLD_CONTINUED;
	unsigned long flags;

	if (!parent)
		return false;
	spin_lock_irqsave(&parent->sig.lock, flags);
	ka = *sig_action(parent, SIGCHLD);
	spin_unlock_irqrestore(&parent->sig.lock, flags);
	if (!(stopcont && (ka.sa_flags & SA_NOCLDSTOP)))
		send_signal_info(parent, SIGCHLD, &info);
	return ka.sa_handler == SIG_IGN || (ka.sa_flags & SA_NOCLDWAIT);
}

/* ------------------------------------------------------------ delivery --- */

static bool on_sig_stack(struct thread_sigstate *s, unsigned long sp)
{
	/* SS_AUTODISARM: the stack is the handler's, never "in use". */
	if (s->altstack.ss_flags & SS_AUTODISARM)
		return false;
	return sp > s->altstack.ss_sp &&
	       sp - s->altstack.ss_sp <= s->altstack.ss_size;
}

static int sas_ss_flags(struct thread_sigstate *s, unsigned long sp)
{
	if (!s->altstack.ss_size)
		return SS_DISABLE;
	return on_sig_stack(s, sp) ? SS_ONSTACK : 0;
}

static bool canonical(unsigned long a)
{
	return (unsigned long)((long)(a << 16) >> 16) == a;
}

/* The frame for a handler; 0 or -EFAULT (the process then dies of SIGSEGV). */
static int setup_rt_frame(int sig, const struct siginfo *info,
			  const struct kernel_sigaction *ka,
			  struct pt_regs *regs, sigset_t oldset)
{
	struct sigstate *ps = &current_proc()->sig;
	struct thread_sigstate *s = &current_thread()->sig;
	bool nested = on_sig_stack(s, regs->rsp), entering = false;
	unsigned long sp = regs->rsp - 128;	/* the ABI's red zone */
	unsigned long fp, flags;
	struct rt_sigframe f;
	struct sigcontext *sc = &f.uc.uc_mcontext;

	/* x86-64 handlers return through sa_restorer, as on Linux. */
	if (!(ka->sa_flags & SA_RESTORER))
		return -EFAULT;
	spin_lock_irqsave(&ps->lock, flags);
	if ((ka->sa_flags & SA_ONSTACK) && sas_ss_flags(s, sp) == 0) {
		sp = s->altstack.ss_sp + s->altstack.ss_size;
		entering = true;
	}
	fp = ALIGN_DOWN(sp - sizeof(struct fpstate), 64);
	sp = ALIGN_DOWN(fp - sizeof(f), 16) - 8;	/* as after a call */
	if ((nested || entering) && !on_sig_stack(s, sp)) {
		/* It would overflow the alternate stack. */
		spin_unlock_irqrestore(&ps->lock, flags);
		return -EFAULT;
	}
	memset(&f, 0, sizeof(f));
	f.uc.uc_stack.ss_sp = s->altstack.ss_sp;
	f.uc.uc_stack.ss_flags = sas_ss_flags(s, regs->rsp);
	f.uc.uc_stack.ss_size = s->altstack.ss_size;
	if (s->altstack.ss_flags & SS_AUTODISARM)
		memset(&s->altstack, 0, sizeof(s->altstack));
	sc->err = s->err;
	sc->trapno = s->trapno;
	sc->cr2 = s->cr2;
	spin_unlock_irqrestore(&ps->lock, flags);

	f.pretcode = ka->sa_restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
#define SAVE_REG(r)	sc->r = regs->r;
	SIGCONTEXT_REGS(SAVE_REG)
#undef SAVE_REG
	sc->eflags = regs->rflags;
	sc->cs = regs->cs;
	sc->ss = regs->ss;
	sc->oldmask = oldset;
	sc->fpstate = fp;
	f.uc.uc_sigmask = oldset;
	f.info = *info;

	if (fpu_save_user((void __user *)fp) ||
	    copy_to_user((void __user *)sp, &f, sizeof(f)))
		return -EFAULT;

	regs->rdi = sig;
	regs->rax = 0;		/* no vector registers used (variadic handlers) */
	regs->rsi = sp + offsetof(struct rt_sigframe, info);
	regs->rdx = sp + offsetof(struct rt_sigframe, uc);
	regs->rip = ka->sa_handler;
	regs->rsp = sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->rflags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	fpu_reset_current();
	return 0;
}

/* The process dies of sig (its default action); logs a fault's details. */
static void __noreturn sig_default_death(struct process *p, int sig,
					 struct pt_regs *regs)
{
	struct thread_sigstate *s = &current_thread()->sig;

	if (s->fault_sig == sig) {
		if (s->trapno == X86_TRAP_PF)
			/* Linux's format, minus the mapping name. */
			pr_info("%s[%d]: segfault at %#lx ip %#lx error %lx\n",
				p->comm, current_thread()->tid, s->cr2,
				s->fault_ip, s->err);
		else if (s->trapno == X86_TRAP_GP)
			pr_info("%s[%d]: general protection fault ip %#lx sp %#lx error %lx\n",
				p->comm, current_thread()->tid, s->fault_ip,
				regs->rsp, s->err);
		else
			pr_info("%s[%d]: trap %s ip %#lx sp %#lx error %lx\n",
				p->comm, current_thread()->tid, s->fault_name,
				s->fault_ip, regs->rsp, s->err);
	}
	process_exit(0, (SIG_CORE_SET & sigmask(sig)) ? sig | WCOREFLAG : sig);
}

/* Is SIGKILL pending for thread t of p? */
static bool kill_pending(struct process *p, struct uthread *t)
{
	return (READ_ONCE(p->sig.pending) | READ_ONCE(t->sig.pending)) &
	       sigmask(SIGKILL);
}

/*
 * A stop signal's default: every thread sleeps until SIGCONT, SIGKILL or
 * its exit.
 */
static void do_stop(struct process *p, struct uthread *t)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(p->sig.stopped) || kill_pending(p, t) ||
		    thread_must_exit(p, t))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

/* Take sig off the pending set it is in (the thread's first). */
static void dequeue(struct process *p, struct uthread *t, int sig,
		    struct siginfo *info)
{
	if (t->sig.pending & sigmask(sig)) {
		t->sig.pending &= ~sigmask(sig);
		*info = t->sig.info[sig - 1];
	} else {
		p->sig.pending &= ~sigmask(sig);
		*info = p->sig.info[sig - 1];
	}
}

/*
 * The next signal with a handler (its number, info and action), after
 * acting on those without: ignore, stop, die.  0 if none is pending.
 */
static int get_signal(struct process *p, struct uthread *t,
		      struct siginfo *info, struct kernel_sigaction *ka,
		      struct pt_regs *regs)
{
	struct sigstate *s = &p->sig;
	unsigned long flags;
	sigset_t ready;
	int sig;

	for (;;) {
		if (thread_must_exit(p, t))
			return 0;	/* exit_to_user_mode() ends it */
		spin_lock_irqsave(&s->lock, flags);
		if (s->notify_cont) {
			s->notify_cont = false;
			spin_unlock_irqrestore(&s->lock, flags);
			p->cont_report = true;
			notify_parent(p, CLD_CONTINUED, SIGCONT);
			continue;
		}
		if (s->stopped && !kill_pending(p, t)) {
			spin_unlock_irqrestore(&s->lock, flags);
			do_stop(p, t);
			continue;
		}
		ready = (s->pending | t->sig.pending) & ~t->sig.blocked;
		if (!ready) {
			spin_unlock_irqrestore(&s->lock, flags);
			return 0;
		}
		if (ready & sigmask(SIGKILL))
			ready = sigmask(SIGKILL);
		else if (ready & SIG_SYNC_SET)
			ready &= SIG_SYNC_SET;
		sig = __ffs(ready) + 1;
		dequeue(p, t, sig, info);
		spin_lock(&s->sighand->lock);
		*ka = *sig_action(p, sig);
		if (ka->sa_handler != SIG_DFL && ka->sa_handler != SIG_IGN &&
		    (ka->sa_flags & SA_RESETHAND))
			sig_action(p, sig)->sa_handler = SIG_DFL;
		spin_unlock(&s->sighand->lock);
		if (ka->sa_handler == SIG_IGN) {
			spin_unlock_irqrestore(&s->lock, flags);
			continue;
		}
		if (ka->sa_handler != SIG_DFL) {
			spin_unlock_irqrestore(&s->lock, flags);
			return sig;
		}
		if (SIG_IGNORE_SET & sigmask(sig)) {
			spin_unlock_irqrestore(&s->lock, flags);
			continue;
		}
		if (SIG_STOP_SET & sigmask(sig)) {
			/* A group stop: the other threads stop on their way out. */
			s->stopped = true;
			signal_wake_threads(p);
			spin_unlock_irqrestore(&s->lock, flags);
			p->stop_report = sig;
			notify_parent(p, CLD_STOPPED, sig);
			continue;
		}
		spin_unlock_irqrestore(&s->lock, flags);
		sig_default_death(p, sig, regs);
	}
}

static void handle_signal(struct process *p, int sig,
			  const struct siginfo *info,
			  const struct kernel_sigaction *ka,
			  struct pt_regs *regs)
{
	struct sigstate *ps = &p->sig;
	struct thread_sigstate *s = &current_thread()->sig;
	unsigned long flags;
	sigset_t oldset;

	if (syscall_get_nr(regs) >= 0) {
		switch (regs->rax) {
		case -ERESTART_RESTARTBLOCK:
		case -ERESTARTNOHAND:
			regs->rax = -EINTR;
			break;
		case -ERESTARTSYS:
			if (!(ka->sa_flags & SA_RESTART)) {
				regs->rax = -EINTR;
				break;
			}
			/* fall through */
		case -ERESTARTNOINTR:
			regs->rax = regs->error_code;
			regs->rip -= 2;
			break;
		}
	}
	spin_lock_irqsave(&ps->lock, flags);
	oldset = s->restore_mask ? s->saved_mask : s->blocked;
	spin_unlock_irqrestore(&ps->lock, flags);

	if (setup_rt_frame(sig, info, ka, regs, oldset)) {
		pr_info("%s[%d]: cannot set up the frame for %s at sp %#lx, killed\n",
			p->comm, current_thread()->tid, signal_name(sig),
			regs->rsp);
		process_exit(0, SIGSEGV | WCOREFLAG);
	}

	spin_lock_irqsave(&ps->lock, flags);
	s->restore_mask = false;
	s->blocked |= ka->sa_mask;
	if (!(ka->sa_flags & SA_NODEFER))
		s->blocked |= sigmask(sig);
	s->blocked &= ~SIG_KERNEL_ONLY;
	s->fault_sig = 0;
	spin_unlock_irqrestore(&ps->lock, flags);
}

static bool restart_pending(const struct pt_regs *regs)
{
	if (syscall_get_nr(regs) < 0)
		return false;
	switch (regs->rax) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return true;
	}
	return false;
}

bool signal_work_pending(struct pt_regs *regs)
{
	struct sigstate *s = &current_proc()->sig;
	struct thread_sigstate *ts = &current_thread()->sig;

	return ((READ_ONCE(s->pending) | READ_ONCE(ts->pending)) &
		~READ_ONCE(ts->blocked)) ||
	       READ_ONCE(s->stopped) || READ_ONCE(s->notify_cont) ||
	       READ_ONCE(ts->restore_mask) || restart_pending(regs);
}

void do_signal(struct pt_regs *regs)
{
	struct process *p = current_proc();
	struct uthread *t = current_thread();
	struct kernel_sigaction ka;
	struct siginfo info;
	unsigned long flags;
	int sig;

	sig = get_signal(p, t, &info, &ka, regs);
	if (sig) {
		handle_signal(p, sig, &info, &ka, regs);
		return;
	}
	if (thread_must_exit(p, t))
		return;
	/* No handler ran: the call restarts as if nothing happened. */
	if (syscall_get_nr(regs) >= 0) {
		switch (regs->rax) {
		case -ERESTARTNOHAND:
		case -ERESTARTSYS:
		case -ERESTARTNOINTR:
			regs->rax = regs->error_code;
			regs->rip -= 2;
			break;
		case -ERESTART_RESTARTBLOCK:
			regs->rax = __NR_restart_syscall;
			regs->rip -= 2;
			break;
		}
	}
	spin_lock_irqsave(&p->sig.lock, flags);
	if (t->sig.restore_mask) {
		t->sig.blocked = t->sig.saved_mask;
		t->sig.restore_mask = false;
	}
	spin_unlock_irqrestore(&p->sig.lock, flags);
}

/* ------------------------------------------------ process life cycle --- */

static void real_timer_fn(struct timer_list *t);

static struct sighand *sighand_alloc(void)
{
	struct sighand *sh = kzalloc(sizeof(*sh), GFP_KERNEL);

	if (sh) {
		refcount_set(&sh->count, 1);
		spin_lock_init(&sh->lock);
	}
	return sh;
}

static void sighand_put(struct sighand *sh)
{
	if (sh && refcount_dec_and_test(&sh->count))
		kfree(sh);
}

int signals_init(struct process *p)
{
	spin_lock_init(&p->sig.lock);
	timer_setup(&p->sig.real_timer, real_timer_fn, 0);
	p->sig.sighand = sighand_alloc();
	return p->sig.sighand ? 0 : -ENOMEM;
}

void signals_free(struct process *p)
{
	sighand_put(p->sig.sighand);
	p->sig.sighand = NULL;
}

void signals_fork(struct process *child, struct process *parent, bool share)
{
	struct sigstate *s = &parent->sig;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	if (share) {
		/* No one sees the child yet: its pointer may change unlocked. */
		refcount_inc(&s->sighand->count);
		sighand_put(child->sig.sighand);
		child->sig.sighand = s->sighand;
	} else {
		spin_lock(&s->sighand->lock);
		memcpy(child->sig.sighand->action, s->sighand->action,
		       sizeof(s->sighand->action));
		spin_unlock(&s->sighand->lock);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

void signals_thread(struct uthread *t, bool keep_altstack)
{
	struct thread_sigstate *cur = &current_thread()->sig;
	struct sigstate *s = &current_proc()->sig;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	t->sig.blocked = cur->blocked;
	if (keep_altstack)
		t->sig.altstack = cur->altstack;
	spin_unlock_irqrestore(&s->lock, flags);
}

int signals_exec(struct process *p)
{
	struct sigstate *s = &p->sig;
	struct thread_sigstate *ts = &current_thread()->sig;
	struct sighand *sh = NULL, *old = NULL;
	unsigned long flags;
	int i;

	/* Actions shared with another process (CLONE_SIGHAND) become its own. */
	if (refcount_read(&s->sighand->count) > 1) {
		sh = sighand_alloc();
		if (!sh)
			return -ENOMEM;
	}
	spin_lock_irqsave(&s->lock, flags);
	if (sh) {
		spin_lock(&s->sighand->lock);
		memcpy(sh->action, s->sighand->action, sizeof(sh->action));
		spin_unlock(&s->sighand->lock);
		old = s->sighand;
		s->sighand = sh;
	}
	for (i = 0; i < _NSIG; i++) {
		struct kernel_sigaction *ka = &s->sighand->action[i];
		u64 handler = ka->sa_handler;

		memset(ka, 0, sizeof(*ka));
		if (handler == SIG_IGN)
			ka->sa_handler = SIG_IGN;
	}
	memset(&ts->altstack, 0, sizeof(ts->altstack));
	ts->restart.fn = NULL;
	spin_unlock_irqrestore(&s->lock, flags);
	sighand_put(old);
	return 0;
}

void signals_exit(struct process *p)
{
	struct sigstate *s = &p->sig;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	s->dead = true;
	s->real_expires = 0;
	spin_unlock_irqrestore(&s->lock, flags);
	del_timer_sync(&s->real_timer);
}

/* ------------------------------------------------------ system calls --- */

SYSCALL_DEFINE(rt_sigaction)
{
	int sig = a0;
	const struct kernel_sigaction __user *uact = (const void __user *)a1;
	struct kernel_sigaction __user *uoact = (void __user *)a2;
	struct process *p = current_proc();
	struct sigstate *s = &p->sig;
	struct kernel_sigaction act, old;
	struct uthread *t;
	unsigned long flags;

	if (a3 != sizeof(sigset_t) || !valid_signal(sig))
		return -EINVAL;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	spin_lock_irqsave(&s->lock, flags);
	spin_lock(&s->sighand->lock);
	old = *sig_action(p, sig);
	if (uact) {
		act.sa_mask &= ~SIG_KERNEL_ONLY;
		*sig_action(p, sig) = act;
	}
	spin_unlock(&s->sighand->lock);
	/* POSIX: ignoring a pending signal discards it, blocked or not. */
	if (uact && sig_handler_ignores(p, sig)) {
		s->pending &= ~sigmask(sig);
		list_for_each_entry(t, &p->threads, node)
			t->sig.pending &= ~sigmask(sig);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (uoact && copy_to_user(uoact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(rt_sigprocmask)
{
	int how = a0;
	const sigset_t __user *uset = (const void __user *)a1;
	sigset_t __user *uoset = (void __user *)a2;
	struct sigstate *ps = &current_proc()->sig;
	struct thread_sigstate *s = &current_thread()->sig;
	sigset_t set, old;
	unsigned long flags;
	int ret = 0;

	if (a3 != sizeof(sigset_t))
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY;
	spin_lock_irqsave(&ps->lock, flags);
	old = s->blocked;
	if (uset) {
		switch (how) {
		case SIG_BLOCK:
			s->blocked |= set;
			break;
		case SIG_UNBLOCK:
			s->blocked &= ~set;
			break;
		case SIG_SETMASK:
			s->blocked = set;
			break;
		default:
			ret = -EINVAL;
		}
	}
	spin_unlock_irqrestore(&ps->lock, flags);
	if (ret)
		return ret;
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(rt_sigpending)
{
	struct sigstate *s = &current_proc()->sig;
	struct thread_sigstate *ts = &current_thread()->sig;
	sigset_t set;

	if (a1 > sizeof(sigset_t))
		return -EINVAL;
	set = (READ_ONCE(s->pending) | READ_ONCE(ts->pending)) &
	      READ_ONCE(ts->blocked);
	return copy_to_user((void __user *)a0, &set, a1) ? -EFAULT : 0;
}

/* Sleep until a signal is pending (the caller's mask decides which). */
static void sleep_for_signal(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending_current())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

SYSCALL_DEFINE(pause)
{
	sleep_for_signal();
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(rt_sigsuspend)
{
	struct sigstate *ps = &current_proc()->sig;
	struct thread_sigstate *s = &current_thread()->sig;
	unsigned long flags;
	sigset_t set;

	if (a1 != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, (const void __user *)a0, sizeof(set)))
		return -EFAULT;
	spin_lock_irqsave(&ps->lock, flags);
	/* do_signal() puts the old mask back once the handler's frame has it. */
	s->saved_mask = s->blocked;
	s->restore_mask = true;
	s->blocked = set & ~SIG_KERNEL_ONLY;
	spin_unlock_irqrestore(&ps->lock, flags);
	sleep_for_signal();
	return -ERESTARTNOHAND;
}

/* The lowest signal of set pending for t, taken off; 0 if none.  s->lock held. */
static int dequeue_from(struct process *p, struct uthread *t, sigset_t set,
			struct siginfo *info)
{
	sigset_t ready = (p->sig.pending | t->sig.pending) & set;
	int sig;

	if (!ready)
		return 0;
	sig = __ffs(ready) + 1;
	dequeue(p, t, sig, info);
	return sig;
}

SYSCALL_DEFINE(rt_sigtimedwait)
{
	const struct timespec __user *uts = (const void __user *)a2;
	struct process *p = current_proc();
	struct uthread *t = current_thread();
	struct sigstate *ps = &p->sig;
	struct thread_sigstate *s = &t->sig;
	u64 deadline = U64_MAX, now;
	struct siginfo info;
	struct timespec ts;
	unsigned long flags;
	sigset_t set, saved;
	int sig;

	if (a3 != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, (const void __user *)a0, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		deadline = ktime_get_ns() + ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	}
	spin_lock_irqsave(&ps->lock, flags);
	sig = dequeue_from(p, t, set, &info);
	if (!sig) {
		/* The awaited signals wake the sleep below: unblock them for it. */
		saved = s->blocked;
		s->blocked &= ~set;
		s->real_blocked = saved;
		spin_unlock_irqrestore(&ps->lock, flags);
		for (;;) {
			set_current_state(TASK_INTERRUPTIBLE);
			if (signal_pending_current())
				break;
			now = ktime_get_ns();
			if (now >= deadline)
				break;
			if (deadline == U64_MAX)
				schedule();
			else
				schedule_timeout(min(DIV_ROUND_UP(deadline - now,
								  NSEC_PER_SEC / HZ),
						     (u64)MAX_JIFFY_OFFSET));
		}
		__set_current_state(TASK_RUNNING);
		spin_lock_irqsave(&ps->lock, flags);
		s->blocked = saved;
		s->real_blocked = 0;
		sig = dequeue_from(p, t, set, &info);
	}
	spin_unlock_irqrestore(&ps->lock, flags);
	if (sig) {
		if (a1 && copy_to_user((void __user *)a1, &info, sizeof(info)))
			return -EFAULT;
		return sig;
	}
	return signal_pending_current() ? -EINTR : -EAGAIN;
}

static int do_sigaltstack(const struct sigaltstack *ss, struct sigaltstack *oss,
			  unsigned long sp)
{
	struct sigstate *ps = &current_proc()->sig;
	struct thread_sigstate *s = &current_thread()->sig;
	unsigned long flags;
	int mode, ret = 0;

	spin_lock_irqsave(&ps->lock, flags);
	if (oss) {
		oss->ss_sp = s->altstack.ss_sp;
		oss->ss_size = s->altstack.ss_size;
		oss->ss_flags = sas_ss_flags(s, sp) |
				(s->altstack.ss_flags & SS_AUTODISARM);
		oss->__pad = 0;
	}
	if (ss) {
		mode = ss->ss_flags & ~SS_AUTODISARM;
		if (on_sig_stack(s, sp))
			ret = -EPERM;
		else if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			ret = -EINVAL;
		else if (mode == SS_DISABLE)
			memset(&s->altstack, 0, sizeof(s->altstack));
		else if (ss->ss_size < MINSIGSTKSZ)
			ret = -ENOMEM;
		else {
			s->altstack.ss_sp = ss->ss_sp;
			s->altstack.ss_size = ss->ss_size;
			s->altstack.ss_flags = ss->ss_flags & SS_AUTODISARM;
		}
	}
	spin_unlock_irqrestore(&ps->lock, flags);
	return ret;
}

SYSCALL_DEFINE(sigaltstack)
{
	const struct sigaltstack __user *uss = (const void __user *)a0;
	struct sigaltstack __user *uoss = (void __user *)a1;
	struct sigaltstack ss, oss;
	int ret;

	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	ret = do_sigaltstack(uss ? &ss : NULL, &oss, task_pt_regs(current)->rsp);
	if (!ret && uoss && copy_to_user(uoss, &oss, sizeof(oss)))
		return -EFAULT;
	return ret;
}

/* A frame rt_sigreturn cannot use: the process dies of SIGSEGV. */
static long bad_frame(struct pt_regs *regs, const char *why)
{
	struct process *p = current_proc();

	pr_info("%s[%d]: bad frame in rt_sigreturn (%s) sp %#lx, killed\n",
		p->comm, current_thread()->tid, why, regs->rsp);
	process_exit(0, SIGSEGV | WCOREFLAG);
}

SYSCALL_DEFINE(rt_sigreturn)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct sigstate *ps = &current_proc()->sig;
	struct thread_sigstate *s = &current_thread()->sig;
	/* The handler's ret popped pretcode. */
	struct rt_sigframe __user *frame = (void __user *)(regs->rsp - 8);
	struct ucontext uc;
	struct sigcontext *sc = &uc.uc_mcontext;
	unsigned long flags, ss;

	if (copy_from_user(&uc, &frame->uc, sizeof(uc)))
		return bad_frame(regs, "unreadable");
	ss = uc.uc_flags & UC_STRICT_RESTORE_SS ? sc->ss | 3 : __USER_DS;
	if ((sc->cs | 3) != __USER_CS || ss != __USER_DS)
		return bad_frame(regs, "segment");
	if (!canonical(sc->rip) || !canonical(sc->rsp))
		return bad_frame(regs, "address");
	/* Copied, not used in place: any alignment will do, as on Linux. */
	if (sc->fpstate) {
		if (fpu_restore_user((const void __user *)sc->fpstate))
			return bad_frame(regs, "fpstate");
	} else {
		fpu_reset_current();
	}

#define RESTORE_REG(r)	regs->r = sc->r;
	SIGCONTEXT_REGS(RESTORE_REG)
#undef RESTORE_REG
	regs->rflags = (regs->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	/* Not a system call to restart: rax is the interrupted code's. */
	regs->error_code = -1;

	spin_lock_irqsave(&ps->lock, flags);
	s->blocked = uc.uc_sigmask & ~SIG_KERNEL_ONLY;
	s->restart.fn = NULL;
	spin_unlock_irqrestore(&ps->lock, flags);
	/* Linux ignores all but a fault here (e.g. EPERM on the stack itself). */
	do_sigaltstack(&uc.uc_stack, NULL, regs->rsp);
	return regs->rax;
}

SYSCALL_DEFINE(restart_syscall)
{
	struct restart_block *rb = &current_thread()->sig.restart;
	long (*fn)(struct restart_block *rb) = rb->fn;

	rb->fn = NULL;
	return fn ? fn(rb) : -EINTR;
}

SYSCALL_DEFINE(kill)
{
	pid_t pid = (int)a0;
	int sig = a1, ret = -ESRCH, found = 0;
	struct process *me = current_proc(), *p;
	struct siginfo info = {
		.si_code = SI_USER,
		.kill = { .si_pid = me->tgid },
	};

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	read_lock(&tasklist_lock);
	if (pid > 0) {
		p = pid == me->tgid ? me : find_process(pid);
		if (!p) {
			/* A tid names its thread's process, as on Linux. */
			struct uthread *t = find_thread(pid);

			p = t ? t->proc : NULL;
		}
		if (p)
			ret = send_checked(p, sig, &info);
	} else if (pid == 0) {
		ret = kill_pgrp_info(me->pgid, sig, &info);
	} else if (pid == -1) {
		/* Everybody but init and the caller. */
		for_each_process(p) {
			if (p->tgid <= 1 || p == me || p->state != PROC_ALIVE)
				continue;
			found++;
			send_checked(p, sig, &info);
		}
		ret = found ? 0 : -ESRCH;
	} else if (pid != INT_MIN) {
		ret = kill_pgrp_info(-pid, sig, &info);
	}
	read_unlock(&tasklist_lock);
	return ret;
}

static long do_tkill(pid_t tgid, pid_t tid, int sig)
{
	struct siginfo info = {
		.si_code = SI_TKILL,
		.kill = { .si_pid = current_proc()->tgid },
	};
	struct uthread *t;
	int ret = -ESRCH;

	if (tid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	read_lock(&tasklist_lock);
	t = tid == current_thread()->tid ? current_thread() : find_thread(tid);
	if (t && t->proc->state == PROC_ALIVE &&
	    (tgid <= 0 || t->proc->tgid == tgid))
		ret = sig ? send_signal_thread(t, sig, &info) : 0;
	read_unlock(&tasklist_lock);
	return ret;
}

SYSCALL_DEFINE(tkill)
{
	return do_tkill(0, a0, a1);
}

SYSCALL_DEFINE(tgkill)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return do_tkill(a0, a1, a2);
}

/* ------------------------------------------------ the interval timer --- */

static u64 ns_to_jiffies_up(u64 ns)
{
	return min(DIV_ROUND_UP(ns, NSEC_PER_SEC / HZ), (u64)MAX_JIFFY_OFFSET);
}

/* Arm for s->real_expires.  s->lock held. */
static void real_timer_arm(struct sigstate *s, u64 now)
{
	mod_timer(&s->real_timer,
		  jiffies + ns_to_jiffies_up(s->real_expires - now) + 1);
}

static void real_timer_fn(struct timer_list *t)
{
	struct sigstate *s = from_timer(s, t, real_timer);
	struct process *p = container_of(s, struct process, sig);
	u64 now = ktime_get_ns();
	unsigned long flags;
	bool fire = false;

	spin_lock_irqsave(&s->lock, flags);
	if (!s->real_expires || s->dead) {
		/* Disarmed meanwhile. */
	} else if (now < s->real_expires) {
		/* Ticks ran ahead of the clock: not yet. */
		real_timer_arm(s, now);
	} else {
		fire = true;
		if (s->real_interval) {
			/* Skip the periods that went by unseen, as Linux does. */
			s->real_expires += ((now - s->real_expires) /
					    s->real_interval + 1) * s->real_interval;
			real_timer_arm(s, now);
		} else {
			s->real_expires = 0;
		}
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (fire)
		send_signal(p, SIGALRM);
}

static u64 timeval_to_ns(const struct timeval *tv)
{
	return tv->tv_sec * NSEC_PER_SEC + tv->tv_usec * NSEC_PER_USEC;
}

static void ns_to_timeval(u64 ns, struct timeval *tv)
{
	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = DIV_ROUND_UP(ns % NSEC_PER_SEC, NSEC_PER_USEC);
	if (tv->tv_usec == USEC_PER_SEC) {
		tv->tv_sec++;
		tv->tv_usec = 0;
	}
}

static bool timeval_valid(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < USEC_PER_SEC;
}

/* ITIMER_REAL: old value out, new value (or NULL) in. */
static void do_itimer_real(const struct itimerval *nv, struct itimerval *ov)
{
	struct sigstate *s = &current_proc()->sig;
	u64 now = ktime_get_ns();
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	memset(ov, 0, sizeof(*ov));
	if (s->real_expires) {
		ns_to_timeval(s->real_expires > now ? s->real_expires - now : 1,
			      &ov->it_value);
		ns_to_timeval(s->real_interval, &ov->it_interval);
	}
	if (nv) {
		u64 value = timeval_to_ns(&nv->it_value);

		s->real_interval = value ? timeval_to_ns(&nv->it_interval) : 0;
		s->real_expires = value ? now + value : 0;
		if (value)
			real_timer_arm(s, now);
		else
			del_timer(&s->real_timer);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

SYSCALL_DEFINE(getitimer)
{
	struct itimerval ov;

	/* Only ITIMER_REAL: there is no per-process CPU time accounting. */
	if (a0 != ITIMER_REAL)
		return -EINVAL;
	do_itimer_real(NULL, &ov);
	return copy_to_user((void __user *)a1, &ov, sizeof(ov)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(setitimer)
{
	struct itimerval nv, ov;

	if (a0 != ITIMER_REAL)
		return -EINVAL;
	if (a1) {
		if (copy_from_user(&nv, (const void __user *)a1, sizeof(nv)))
			return -EFAULT;
	} else {
		/* Linux takes NULL as a zero value. */
		memset(&nv, 0, sizeof(nv));
	}
	if (!timeval_valid(&nv.it_value) || !timeval_valid(&nv.it_interval))
		return -EINVAL;
	do_itimer_real(&nv, &ov);
	if (a2 && copy_to_user((void __user *)a2, &ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(alarm)
{
	struct itimerval nv = { .it_value = { .tv_sec = (unsigned int)a0 } };
	struct itimerval ov;

	do_itimer_real(&nv, &ov);
	/* Whole seconds, rounded to nearest, and never 0 for a live alarm. */
	if ((!ov.it_value.tv_sec && ov.it_value.tv_usec) ||
	    ov.it_value.tv_usec >= 500000)
		ov.it_value.tv_sec++;
	return ov.it_value.tv_sec;
}
