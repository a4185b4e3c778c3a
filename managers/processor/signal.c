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

/* Would sig be thrown away if raised now?  s->lock held. */
static bool sig_ignored(struct sigstate *s, int sig)
{
	u64 handler = s->action[sig - 1].sa_handler;

	/*
	 * A blocked signal waits: its handler may change meanwhile.  So does
	 * one rt_sigtimedwait() unblocked only to be woken by it.
	 */
	if ((s->blocked | s->real_blocked) & sigmask(sig))
		return false;
	if (handler == SIG_IGN)
		return true;
	return handler == SIG_DFL && (SIG_IGNORE_SET & sigmask(sig));
}

bool signal_blocked_or_ignored(struct process *p, int sig)
{
	struct sigstate *s = &p->sig;
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&s->lock, flags);
	ret = (s->blocked & sigmask(sig)) ||
	      s->action[sig - 1].sa_handler == SIG_IGN;
	spin_unlock_irqrestore(&s->lock, flags);
	return ret;
}

/* ------------------------------------------------------------ raising --- */

int send_signal_info(struct process *p, int sig, const struct siginfo *info)
{
	struct sigstate *s = &p->sig;
	unsigned long flags;
	bool wake = false;

	if (!valid_signal(sig))
		return -EINVAL;
	spin_lock_irqsave(&s->lock, flags);
	if (!p->task || p->state != PROC_ALIVE || s->dead)
		goto out;
	/* A stop cancels a pending continue and the reverse (Linux's prepare_signal). */
	if (sigmask(sig) & SIG_STOP_SET)
		s->pending &= ~sigmask(SIGCONT);
	if (sig == SIGCONT) {
		s->pending &= ~SIG_STOP_SET;
		if (s->stopped) {
			s->stopped = false;
			s->notify_cont = true;
			wake = true;
		}
	}
	if (sig == SIGKILL)
		wake = true;
	if (!sig_ignored(s, sig)) {
		if (!(s->pending & sigmask(sig))) {
			s->info[sig - 1] = *info;
			s->info[sig - 1].si_signo = sig;
		}
		s->pending |= sigmask(sig);
		if (!(s->blocked & sigmask(sig)))
			wake = true;
	}
	if (wake)
		wake_up_state(p->task, TASK_INTERRUPTIBLE);
out:
	spin_unlock_irqrestore(&s->lock, flags);
	return 0;
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

bool signal_pending(struct task_struct *t)
{
	struct process *p = t->proc;

	return p && ((READ_ONCE(p->sig.pending) & ~READ_ONCE(p->sig.blocked)) ||
		     READ_ONCE(p->kill_signal));
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
	struct kernel_sigaction *ka = &s->action[sig - 1];
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	/* Blocked or ignored, it could only loop: it kills (Linux's force_sig). */
	if (ka->sa_handler == SIG_IGN || (s->blocked & sigmask(sig))) {
		ka->sa_handler = SIG_DFL;
		s->blocked &= ~sigmask(sig);
	}
	memset(&s->info[sig - 1], 0, sizeof(s->info[0]));
	s->info[sig - 1].si_signo = sig;
	s->info[sig - 1].si_code = code;
	s->info[sig - 1].fault.si_addr = addr;
	s->pending |= sigmask(sig);
	s->fault_sig = sig;
	s->fault_name = what;
	s->trapno = regs->vector;
	s->err = regs->error_code;
	s->cr2 = regs->vector == X86_TRAP_PF ? addr : 0;
	s->fault_ip = regs->rip;
	spin_unlock_irqrestore(&s->lock, flags);
}

/* --------------------------------------------------- the parent's side --- */

bool do_notify_parent(struct process *child, int why, int status)
{
	struct process *parent = child->parent;
	struct kernel_sigaction *ka;
	struct siginfo info = {
		.si_code = why,
		.chld = { .si_pid = child->tgid, .si_status = status },
	};
	bool stopcont = why == CLD_STOPPED || why == CLD_CONTINUED;
	bool autoreap;

	if (!parent)
		return false;
	/* Read without the parent's lock: a racing sigaction is as if first or after. */
	ka = &parent->sig.action[SIGCHLD - 1];
	autoreap = READ_ONCE(ka->sa_handler) == SIG_IGN ||
		   (READ_ONCE(ka->sa_flags) & SA_NOCLDWAIT);
	if (!(stopcont && (READ_ONCE(ka->sa_flags) & SA_NOCLDSTOP)))
		send_signal_info(parent, SIGCHLD, &info);
	return autoreap;
}

/* ------------------------------------------------------------ delivery --- */

static bool on_sig_stack(struct sigstate *s, unsigned long sp)
{
	/* SS_AUTODISARM: the stack is the handler's, never "in use". */
	if (s->altstack.ss_flags & SS_AUTODISARM)
		return false;
	return sp > s->altstack.ss_sp &&
	       sp - s->altstack.ss_sp <= s->altstack.ss_size;
}

static int sas_ss_flags(struct sigstate *s, unsigned long sp)
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
	struct sigstate *s = &current_proc()->sig;
	bool nested = on_sig_stack(s, regs->rsp), entering = false;
	unsigned long sp = regs->rsp - 128;	/* the ABI's red zone */
	unsigned long fp, flags;
	struct rt_sigframe f;
	struct sigcontext *sc = &f.uc.uc_mcontext;

	/* x86-64 handlers return through sa_restorer, as on Linux. */
	if (!(ka->sa_flags & SA_RESTORER))
		return -EFAULT;
	spin_lock_irqsave(&s->lock, flags);
	if ((ka->sa_flags & SA_ONSTACK) && sas_ss_flags(s, sp) == 0) {
		sp = s->altstack.ss_sp + s->altstack.ss_size;
		entering = true;
	}
	fp = ALIGN_DOWN(sp - sizeof(struct fpstate), 64);
	sp = ALIGN_DOWN(fp - sizeof(f), 16) - 8;	/* as after a call */
	if ((nested || entering) && !on_sig_stack(s, sp)) {
		/* It would overflow the alternate stack. */
		spin_unlock_irqrestore(&s->lock, flags);
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
	spin_unlock_irqrestore(&s->lock, flags);

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
	struct sigstate *s = &p->sig;

	if (s->fault_sig == sig) {
		if (s->trapno == X86_TRAP_PF)
			/* Linux's format, minus the mapping name. */
			pr_info("%s[%d]: segfault at %#lx ip %#lx error %lx\n",
				p->comm, p->tgid, s->cr2, s->fault_ip, s->err);
		else if (s->trapno == X86_TRAP_GP)
			pr_info("%s[%d]: general protection fault ip %#lx sp %#lx error %lx\n",
				p->comm, p->tgid, s->fault_ip, regs->rsp, s->err);
		else
			pr_info("%s[%d]: trap %s ip %#lx sp %#lx error %lx\n",
				p->comm, p->tgid, s->fault_name, s->fault_ip,
				regs->rsp, s->err);
	}
	process_exit(0, (SIG_CORE_SET & sigmask(sig)) ? sig | WCOREFLAG : sig);
}

/* A stop signal's default: sleep until SIGCONT or SIGKILL. */
static void do_stop(struct process *p)
{
	struct sigstate *s = &p->sig;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(s->stopped) ||
		    (READ_ONCE(s->pending) & sigmask(SIGKILL)))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

/*
 * The next signal with a handler (its number, info and action), after
 * acting on those without: ignore, stop, die.  0 if none is pending.
 */
static int get_signal(struct process *p, struct siginfo *info,
		      struct kernel_sigaction *ka, struct pt_regs *regs)
{
	struct sigstate *s = &p->sig;
	unsigned long flags;
	sigset_t ready;
	int sig;

	for (;;) {
		spin_lock_irqsave(&s->lock, flags);
		if (s->notify_cont) {
			s->notify_cont = false;
			spin_unlock_irqrestore(&s->lock, flags);
			p->cont_report = true;
			notify_parent(p, CLD_CONTINUED, SIGCONT);
			continue;
		}
		if (s->stopped && !(s->pending & sigmask(SIGKILL))) {
			spin_unlock_irqrestore(&s->lock, flags);
			do_stop(p);
			continue;
		}
		ready = s->pending & ~s->blocked;
		if (!ready) {
			spin_unlock_irqrestore(&s->lock, flags);
			return 0;
		}
		if (ready & sigmask(SIGKILL))
			ready = sigmask(SIGKILL);
		else if (ready & SIG_SYNC_SET)
			ready &= SIG_SYNC_SET;
		sig = __ffs(ready) + 1;
		s->pending &= ~sigmask(sig);
		*info = s->info[sig - 1];
		*ka = s->action[sig - 1];
		if (ka->sa_handler == SIG_IGN) {
			spin_unlock_irqrestore(&s->lock, flags);
			continue;
		}
		if (ka->sa_handler != SIG_DFL) {
			if (ka->sa_flags & SA_RESETHAND)
				s->action[sig - 1].sa_handler = SIG_DFL;
			spin_unlock_irqrestore(&s->lock, flags);
			return sig;
		}
		if (SIG_IGNORE_SET & sigmask(sig)) {
			spin_unlock_irqrestore(&s->lock, flags);
			continue;
		}
		if (SIG_STOP_SET & sigmask(sig)) {
			s->stopped = true;
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
	struct sigstate *s = &p->sig;
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
	spin_lock_irqsave(&s->lock, flags);
	oldset = s->restore_mask ? s->saved_mask : s->blocked;
	spin_unlock_irqrestore(&s->lock, flags);

	if (setup_rt_frame(sig, info, ka, regs, oldset)) {
		pr_info("%s[%d]: cannot set up the frame for %s at sp %#lx, killed\n",
			p->comm, p->tgid, signal_name(sig), regs->rsp);
		process_exit(0, SIGSEGV | WCOREFLAG);
	}

	spin_lock_irqsave(&s->lock, flags);
	s->restore_mask = false;
	s->blocked |= ka->sa_mask;
	if (!(ka->sa_flags & SA_NODEFER))
		s->blocked |= sigmask(sig);
	s->blocked &= ~SIG_KERNEL_ONLY;
	s->fault_sig = 0;
	spin_unlock_irqrestore(&s->lock, flags);
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

	return (READ_ONCE(s->pending) & ~READ_ONCE(s->blocked)) ||
	       READ_ONCE(s->stopped) || READ_ONCE(s->notify_cont) ||
	       READ_ONCE(s->restore_mask) || restart_pending(regs);
}

void do_signal(struct pt_regs *regs)
{
	struct process *p = current_proc();
	struct sigstate *s = &p->sig;
	struct kernel_sigaction ka;
	struct siginfo info;
	unsigned long flags;
	int sig;

	sig = get_signal(p, &info, &ka, regs);
	if (sig) {
		handle_signal(p, sig, &info, &ka, regs);
		return;
	}
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
	spin_lock_irqsave(&s->lock, flags);
	if (s->restore_mask) {
		s->blocked = s->saved_mask;
		s->restore_mask = false;
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

/* ------------------------------------------------ process life cycle --- */

static void real_timer_fn(struct timer_list *t);

void signals_init(struct process *p)
{
	spin_lock_init(&p->sig.lock);
	timer_setup(&p->sig.real_timer, real_timer_fn, 0);
}

void signals_fork(struct process *child, struct process *parent)
{
	struct sigstate *s = &parent->sig;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	child->sig.blocked = s->blocked;
	memcpy(child->sig.action, s->action, sizeof(s->action));
	child->sig.altstack = s->altstack;
	spin_unlock_irqrestore(&s->lock, flags);
}

void signals_exec(struct process *p)
{
	struct sigstate *s = &p->sig;
	unsigned long flags;
	int i;

	spin_lock_irqsave(&s->lock, flags);
	for (i = 0; i < _NSIG; i++) {
		u64 handler = s->action[i].sa_handler;

		memset(&s->action[i], 0, sizeof(s->action[i]));
		if (handler == SIG_IGN)
			s->action[i].sa_handler = SIG_IGN;
	}
	memset(&s->altstack, 0, sizeof(s->altstack));
	s->restart.fn = NULL;
	spin_unlock_irqrestore(&s->lock, flags);
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
	struct sigstate *s = &current_proc()->sig;
	struct kernel_sigaction act, old;
	unsigned long flags;

	if (a3 != sizeof(sigset_t) || !valid_signal(sig))
		return -EINVAL;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	spin_lock_irqsave(&s->lock, flags);
	old = s->action[sig - 1];
	if (uact) {
		act.sa_mask &= ~SIG_KERNEL_ONLY;
		s->action[sig - 1] = act;
		/* POSIX: ignoring a pending signal discards it, blocked or not. */
		if (act.sa_handler == SIG_IGN ||
		    (act.sa_handler == SIG_DFL && (SIG_IGNORE_SET & sigmask(sig))))
			s->pending &= ~sigmask(sig);
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
	struct sigstate *s = &current_proc()->sig;
	sigset_t set, old;
	unsigned long flags;
	int ret = 0;

	if (a3 != sizeof(sigset_t))
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY;
	spin_lock_irqsave(&s->lock, flags);
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
	spin_unlock_irqrestore(&s->lock, flags);
	if (ret)
		return ret;
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(rt_sigpending)
{
	struct sigstate *s = &current_proc()->sig;
	sigset_t set;

	if (a1 > sizeof(sigset_t))
		return -EINVAL;
	set = READ_ONCE(s->pending) & READ_ONCE(s->blocked);
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
	struct sigstate *s = &current_proc()->sig;
	unsigned long flags;
	sigset_t set;

	if (a1 != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, (const void __user *)a0, sizeof(set)))
		return -EFAULT;
	spin_lock_irqsave(&s->lock, flags);
	/* do_signal() puts the old mask back once the handler's frame has it. */
	s->saved_mask = s->blocked;
	s->restore_mask = true;
	s->blocked = set & ~SIG_KERNEL_ONLY;
	spin_unlock_irqrestore(&s->lock, flags);
	sleep_for_signal();
	return -ERESTARTNOHAND;
}

/* The lowest signal of set pending, taken off; 0 if none.  s->lock held. */
static int dequeue_from(struct sigstate *s, sigset_t set, struct siginfo *info)
{
	sigset_t ready = s->pending & set;
	int sig;

	if (!ready)
		return 0;
	sig = __ffs(ready) + 1;
	s->pending &= ~sigmask(sig);
	*info = s->info[sig - 1];
	return sig;
}

SYSCALL_DEFINE(rt_sigtimedwait)
{
	const struct timespec __user *uts = (const void __user *)a2;
	struct sigstate *s = &current_proc()->sig;
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
	spin_lock_irqsave(&s->lock, flags);
	sig = dequeue_from(s, set, &info);
	if (!sig) {
		/* The awaited signals wake the sleep below: unblock them for it. */
		saved = s->blocked;
		s->blocked &= ~set;
		s->real_blocked = saved;
		spin_unlock_irqrestore(&s->lock, flags);
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
		spin_lock_irqsave(&s->lock, flags);
		s->blocked = saved;
		s->real_blocked = 0;
		sig = dequeue_from(s, set, &info);
	}
	spin_unlock_irqrestore(&s->lock, flags);
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
	struct sigstate *s = &current_proc()->sig;
	unsigned long flags;
	int mode, ret = 0;

	spin_lock_irqsave(&s->lock, flags);
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
	spin_unlock_irqrestore(&s->lock, flags);
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
		p->comm, p->tgid, why, regs->rsp);
	process_exit(0, SIGSEGV | WCOREFLAG);
}

SYSCALL_DEFINE(rt_sigreturn)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct sigstate *s = &current_proc()->sig;
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

	spin_lock_irqsave(&s->lock, flags);
	s->blocked = uc.uc_sigmask & ~SIG_KERNEL_ONLY;
	s->restart.fn = NULL;
	spin_unlock_irqrestore(&s->lock, flags);
	/* Linux ignores all but a fault here (e.g. EPERM on the stack itself). */
	do_sigaltstack(&uc.uc_stack, NULL, regs->rsp);
	return regs->rax;
}

SYSCALL_DEFINE(restart_syscall)
{
	struct restart_block *rb = &current_proc()->sig.restart;
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
	struct process *p;
	int ret = -ESRCH;

	if (tid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	read_lock(&tasklist_lock);
	/* One thread per process: its tid is the pid. */
	p = tid == current_proc()->tgid ? current_proc() : find_process(tid);
	if (p && p->state == PROC_ALIVE && (tgid <= 0 || p->tgid == tgid))
		ret = send_checked(p, sig, &info);
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
