// SPDX-License-Identifier: GPL-2.0
/*
 * The process table, the end of a process, zombies and their reaping
 * (wait4, waitid), and process groups and sessions.
 * Documentation/processor.md, "Processes".
 *
 * tasklist_lock (an rwlock) guards the table, every process's parent,
 * children, pgid, sid, state and reports.  A process is freed by whoever
 * reaps it: its parent's wait, the init= thread for a process of init=,
 * or its own exit when nobody will (its parent ignores SIGCHLD, or it
 * has none).
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/list.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/rwlock.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <uapi/linux/wait.h>
#include <uapi/asm/siginfo.h>
#include <asm/switch_to.h>
#include "process.h"
#include "syscall.h"
#include "futex.h"
#include "tty.h"

DEFINE_RWLOCK(tasklist_lock);
LIST_HEAD(process_list);
/* The running process of init=: orphans become its children. */
static struct process *init_proc;

struct process *find_process(pid_t pid)
{
	struct process *p;

	for_each_process(p)
		if (p->tgid == pid)
			return p;
	return NULL;
}

struct uthread *find_thread(pid_t tid)
{
	struct process *p;
	struct uthread *t;

	for_each_process(p)
		list_for_each_entry(t, &p->threads, node)
			if (t->tid == tid)
				return t;
	return NULL;
}

struct task_struct *process_main_task(struct process *p)
{
	struct uthread *t;

	t = list_first_entry_or_null(&p->threads, struct uthread, node);
	return t ? t->task : NULL;
}


void process_link(struct process *p, struct process *parent)
{
	write_lock(&tasklist_lock);
	p->parent = parent;
	if (parent) {
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		list_add_tail(&p->sibling, &parent->children);
	} else if (!init_proc) {
		init_proc = p;
	}
	list_add_tail(&p->list, &process_list);
	write_unlock(&tasklist_lock);
}

void thread_vfork_done(struct uthread *t)
{
	struct completion *done = xchg(&t->vfork_done, NULL);

	if (done)
		complete(done);
}

/* Off the table (tasklist_lock held for writing); the caller frees it. */
static void __process_unlink(struct process *p)
{
	if (list_empty(&p->list))
		return;
	list_del_init(&p->list);
	list_del_init(&p->sibling);
	if (init_proc == p)
		init_proc = NULL;
}

void process_unlink(struct process *p)
{
	write_lock(&tasklist_lock);
	__process_unlink(p);
	write_unlock(&tasklist_lock);
}

/* A child of parent changed state: wake its waits (tasklist_lock held). */
static void wake_parent(struct process *parent)
{
	parent->child_events++;
	wake_up_all(&parent->child_wait);
}

void notify_parent(struct process *p, int why, int status)
{
	read_lock(&tasklist_lock);
	if (p->parent) {
		do_notify_parent(p, why, status);
		wake_parent(p->parent);
	}
	read_unlock(&tasklist_lock);
}

/*
 * p is dead: its children go to init (or to nobody when init itself
 * died), and the zombies among them that nobody will reap are returned
 * on *reap.  tasklist_lock held for writing.
 */
static void forget_children(struct process *p, struct list_head *reap)
{
	struct process *c, *tmp;
	struct process *reaper = init_proc != p ? init_proc : NULL;

	list_for_each_entry_safe(c, tmp, &p->children, sibling) {
		list_del_init(&c->sibling);
		c->parent = reaper;
		if (reaper) {
			list_add_tail(&c->sibling, &reaper->children);
			if (c->state == PROC_ZOMBIE)
				wake_parent(reaper);
		} else if (c->state == PROC_ZOMBIE) {
			__process_unlink(c);
			list_add_tail(&c->sibling, reap);
		}
	}
}

/*
 * The current process p now runs in mm (NULL: none).  /proc reads p->mm
 * under tasklist_lock, and keeps the old one's peak RSS from here.
 */
void process_switch_mm(struct process *p, struct mm_struct *mm)
{
	write_lock(&tasklist_lock);
	p->maxrss = max(p->maxrss, p->mm->hiwater_rss);
	p->mm = mm;
	write_unlock(&tasklist_lock);
	preempt_disable();
	current->mm = mm;
	switch_mm(mm);
	preempt_enable();
}

/* An address space no CPU uses any more: its lines, M's copy, its tables. */
void process_drop_mm(struct process *p, struct mm_struct *mm)
{
	struct mp_exit_req req = { .tgid = mm->space_id };
	int ret;

	if (!atomic_dec_and_test(&mm->owners)) {
		mm_release(mm);
		return;
	}
	if (!p->local) {
		/* Stores through shared file mappings reach the file. */
		mm_flush_files(mm);
		pcache_exit_mm(mm);
		ret = fit_call(p->mnode, MEMOP_EXIT, &req, sizeof(req), NULL, 0, 0);
		if (ret < 0)
			pr_warn("processor: %s[%d]: memory node %u did not free an address space (%d)\n",
				p->comm, p->tgid, p->mnode, ret);
	}
	mm_release(mm);
}

/*
 * The current task leaves its address space and frees its FPU state;
 * from here on it runs on the kernel's page tables only, so the space
 * may go as soon as the process's last thread decides so.
 */
static void thread_leave_mm(void)
{
	struct fpu_state *fpu;

	preempt_disable();
	current->mm = NULL;
	switch_mm(NULL);
	fpu = current->thread.fpu;
	current->thread.fpu = NULL;
	preempt_enable();
	kfree(fpu);
}

/*
 * The current thread t leaves p's list; its CPU time becomes p's.
 * tasklist_lock (writer) and p->sig.lock held.
 */
static void thread_unlink(struct process *p, struct uthread *t)
{
	list_del(&t->node);
	p->nr_threads--;
	thread_unaccount();
	p->utime += current->utime;
	p->stime += current->stime;
	current->utime = current->stime = 0;
}

/*
 * The process-wide end, by its last thread t: its files and memory go at
 * once; it stays a zombie with its status until reaped.  Its children go
 * to init.
 */
static void __noreturn process_end(struct process *p, struct uthread *t)
{
	struct process *c, *tmp;
	bool self_reap = false;
	int why, code, sig = p->exit_signal;
	struct mm_struct *mm;
	LIST_HEAD(reap);

	signals_exit(p);
	tty_session_exit(p);
	files_release(p);

	/*
	 * Linux reports a core dump only when one was written, which
	 * RLIMIT_CORE 0 forbids; no file is written here, but the report
	 * follows the same rule.
	 */
	if ((sig & WCOREFLAG) && !p->rlim[RLIMIT_CORE].rlim_cur)
		sig &= ~WCOREFLAG;
	p->exit_signal = sig;	/* with WCOREFLAG */
	if (sig) {
		p->wait_status = sig & 0xff;
		why = sig & WCOREFLAG ? CLD_DUMPED : CLD_KILLED;
		code = sig & 0x7f;
		pr_info("processor: %s[%d] killed by %s%s\n", p->path, p->tgid,
			signal_name(code), sig & WCOREFLAG ? " (core dumped)" : "");
	} else {
		p->wait_status = W_EXITCODE(p->exit_status, 0);
		why = CLD_EXITED;
		code = p->exit_status;
		if (!p->parent)
			pr_info("processor: %s[%d] exited with status %d\n",
				p->path, p->tgid, p->exit_status);
	}

	/* What /proc and wait4() read once the threads are gone. */
	write_lock(&tasklist_lock);
	mm = p->mm;
	if (mm)
		p->maxrss = max(p->maxrss, mm->hiwater_rss);
	p->mm = NULL;
	write_unlock(&tasklist_lock);
	if (mm)
		process_drop_mm(p, mm);
	if (!p->local && !p->parent && pcache_stats_at_exit)
		pcache_print_stats();

	write_lock(&tasklist_lock);
	forget_children(p, &reap);
	p->state = PROC_ZOMBIE;
	spin_lock_irq(&p->sig.lock);
	thread_unlink(p, t);
	spin_unlock_irq(&p->sig.lock);
	current->proc = NULL;
	current->uthread = NULL;
	if (p->parent) {
		self_reap = do_notify_parent(p, why, code);
		if (self_reap)
			__process_unlink(p);
		else
			wake_parent(p->parent);
	}
	write_unlock(&tasklist_lock);

	kfree(t);
	list_for_each_entry_safe(c, tmp, &reap, sibling)
		process_free(c);
	if (self_reap)
		process_free(p);
	else if (!p->parent)
		complete(&p->exited);	/* process_run() reaps it */
	do_exit(0);
}

void thread_exit(int status)
{
	struct process *p = current_proc();
	struct uthread *t = current_thread();
	bool last;

	thread_vfork_done(t);
	/*
	 * What other threads of the space may watch: pthread_join waits on
	 * the tid word, robust mutexes on their owner.  Not worth the round
	 * trips when the whole process goes, unless another process shares
	 * the space (CLONE_VM).
	 */
	if (current->mm && (!READ_ONCE(p->sig.group_exit) ||
			    atomic_read(&current->mm->owners) > 1)) {
		/* Linux's order (mm_release): the robust list, then the tid word. */
		futex_exit_robust(t);
		if (t->clear_child_tid &&
		    !put_user(0, (u32 __user *)t->clear_child_tid))
			futex_wake_user((u32 __user *)t->clear_child_tid, 1);
	}
	thread_leave_mm();

	write_lock(&tasklist_lock);
	spin_lock_irq(&p->sig.lock);
	last = p->nr_threads == 1;
	if (!last) {
		thread_unlink(p, t);
		/* exec waits for the others to go. */
		wake_up_all(&p->thread_exit_wait);
	} else if (!p->sig.group_exit) {
		/* The last thread's exit is the process's (exit_group's) */
		p->sig.group_exit = true;
		p->exit_status = status & 0xff;
	}
	spin_unlock_irq(&p->sig.lock);
	write_unlock(&tasklist_lock);
	if (last)
		process_end(p, t);
	current->proc = NULL;
	current->uthread = NULL;
	kfree(t);
	do_exit(0);
}

void process_exit(int status, int sig)
{
	struct process *p = current_proc();
	unsigned long flags;

	spin_lock_irqsave(&p->sig.lock, flags);
	if (!p->sig.group_exit) {
		p->sig.group_exit = true;
		p->exit_status = status & 0xff;
		p->exit_signal = sig;
	}
	signal_wake_threads(p);
	spin_unlock_irqrestore(&p->sig.lock, flags);
	thread_exit(status);
}

int de_thread(struct process *p)
{
	struct uthread *t = current_thread();
	int ret = 0;

	spin_lock_irq(&p->sig.lock);
	if (p->sig.group_exit || p->sig.group_exec) {
		spin_unlock_irq(&p->sig.lock);
		return -EINTR;		/* it dies on its way out */
	}
	if (p->nr_threads > 1) {
		p->sig.group_exec = t;
		signal_wake_threads(p);
	}
	spin_unlock_irq(&p->sig.lock);
	wait_event(p->thread_exit_wait, READ_ONCE(p->nr_threads) == 1 ||
				       READ_ONCE(p->sig.group_exit));
	write_lock(&tasklist_lock);
	spin_lock_irq(&p->sig.lock);
	p->sig.group_exec = NULL;
	if (p->sig.group_exit)
		ret = -EINTR;
	else
		t->tid = p->tgid;	/* Linux: the exec'ing thread becomes the leader */
	spin_unlock_irq(&p->sig.lock);
	write_unlock(&tasklist_lock);
	return ret;
}

/* ------------------------------------------------------------ wait --- */

struct wait_opts {
	int type;		/* P_ALL, P_PID, P_PGID */
	pid_t id;
	int options;		/* W* */
	/* The result. */
	pid_t pid;
	int status;		/* wait4's status word */
	int why;		/* CLD_* for waitid */
	int code;		/* si_status for waitid */
};

static bool wait_matches(const struct wait_opts *wo, const struct process *c)
{
	switch (wo->type) {
	case P_PID:
		return c->tgid == wo->id;
	case P_PGID:
		return c->pgid == wo->id;
	}
	return true;
}

/*
 * One look at the children (tasklist_lock held for writing): 1 with
 * wo's result (a zombie to free in *dead), 0 if a matching child exists
 * with nothing to report, -ECHILD if none does.
 */
static int wait_scan(struct process *p, struct wait_opts *wo,
		     struct process **dead)
{
	bool found = false;
	struct process *c;

	list_for_each_entry(c, &p->children, sibling) {
		if (!wait_matches(wo, c))
			continue;
		found = true;
		if (c->state == PROC_ZOMBIE && (wo->options & WEXITED)) {
			wo->pid = c->tgid;
			wo->status = c->wait_status;
			if (c->exit_signal) {
				wo->why = c->wait_status & WCOREFLAG ?
					  CLD_DUMPED : CLD_KILLED;
				wo->code = c->exit_signal & 0x7f;
			} else {
				wo->why = CLD_EXITED;
				wo->code = c->exit_status;
			}
			if (!(wo->options & WNOWAIT)) {
				process_account_child(p, c);
				__process_unlink(c);
				*dead = c;
			}
			return 1;
		}
		if (c->state != PROC_ALIVE)
			continue;
		if (c->stop_report && (wo->options & WSTOPPED)) {
			wo->pid = c->tgid;
			wo->status = W_STOPCODE(c->stop_report);
			wo->why = CLD_STOPPED;
			wo->code = c->stop_report;
			if (!(wo->options & WNOWAIT))
				c->stop_report = 0;
			return 1;
		}
		if (c->cont_report && (wo->options & WCONTINUED)) {
			wo->pid = c->tgid;
			wo->status = W_CONTINUED;
			wo->why = CLD_CONTINUED;
			wo->code = SIGCONT;
			if (!(wo->options & WNOWAIT))
				c->cont_report = false;
			return 1;
		}
	}
	return found ? 0 : -ECHILD;
}

/* 1 with a result in wo, 0 (WNOHANG, nothing yet) or an errno. */
static long do_wait(struct wait_opts *wo)
{
	struct process *p = current_proc();
	struct process *dead;
	unsigned long events;
	long ret;

	for (;;) {
		dead = NULL;
		write_lock(&tasklist_lock);
		events = p->child_events;
		ret = wait_scan(p, wo, &dead);
		write_unlock(&tasklist_lock);
		if (dead)
			process_free(dead);
		if (ret || (wo->options & WNOHANG))
			return ret;
		ret = wait_event_interruptible(p->child_wait,
					       READ_ONCE(p->child_events) != events);
		if (ret)
			return -ERESTARTSYS;
		if (signal_pending_current())
			return -ERESTARTSYS;
	}
}

/* wait4's and waitid's rusage: no accounting of children's time yet. */
static int put_rusage(void __user *ru)
{
	static const u8 zero[144];

	return ru && copy_to_user(ru, zero, sizeof(zero)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(wait4)
{
	pid_t pid = a0;
	int __user *ustatus = (int __user *)a1;
	struct wait_opts wo = { .options = (int)a2 | WEXITED };
	long ret;

	if (a2 & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL |
		   __WCLONE))
		return -EINVAL;
	if (pid == -1) {
		wo.type = P_ALL;
	} else if (pid < 0) {
		if (pid == INT_MIN)
			return -ESRCH;
		wo.type = P_PGID;
		wo.id = -pid;
	} else if (pid == 0) {
		wo.type = P_PGID;
		read_lock(&tasklist_lock);
		wo.id = current_proc()->pgid;
		read_unlock(&tasklist_lock);
	} else {
		wo.type = P_PID;
		wo.id = pid;
	}
	ret = do_wait(&wo);
	if (ret <= 0)
		return ret;
	if (ustatus && put_user(wo.status, ustatus))
		return -EFAULT;
	if (put_rusage((void __user *)a3))
		return -EFAULT;
	return wo.pid;
}

/* Linux's siginfo for SIGCHLD, as waitid() fills it (128 bytes). */
struct waitid_info {
	s32 si_signo, si_errno, si_code, pad;
	s32 si_pid, si_uid, si_status;
	u8 rest[128 - 28];
};

SYSCALL_DEFINE(waitid)
{
	struct wait_opts wo = { .type = a0, .id = a1, .options = a3 };
	struct waitid_info info;
	long ret;

	if (a3 & ~(WNOHANG | WEXITED | WSTOPPED | WCONTINUED | WNOWAIT |
		   __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (!(a3 & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (wo.type) {
	case P_ALL:
		break;
	case P_PID:
	case P_PGID:
		if ((pid_t)a1 < 0)
			return -EINVAL;
		if (wo.type == P_PGID && !a1) {
			read_lock(&tasklist_lock);
			wo.id = current_proc()->pgid;
			read_unlock(&tasklist_lock);
		}
		break;
	default:
		return -EINVAL;
	}
	ret = do_wait(&wo);
	if (ret < 0)
		return ret;
	memset(&info, 0, sizeof(info));
	if (ret) {
		info.si_signo = SIGCHLD;
		info.si_code = wo.why;
		info.si_pid = wo.pid;
		info.si_status = wo.code;
	}
	/* WNOHANG with nothing to report: a zeroed siginfo (si_pid 0). */
	if (a2 && copy_to_user((void __user *)a2, &info, sizeof(info)))
		return -EFAULT;
	if (put_rusage((void __user *)a4))
		return -EFAULT;
	return 0;
}

/* ---------------------------------------------- groups and sessions --- */

SYSCALL_DEFINE(getppid)
{
	struct process *p = current_proc();
	pid_t ppid;

	read_lock(&tasklist_lock);
	ppid = p->parent ? p->parent->tgid : 0;
	read_unlock(&tasklist_lock);
	return ppid;
}

/* The process pid (0: the caller) or NULL (tasklist_lock held). */
static struct process *find_or_self(pid_t pid)
{
	if (!pid)
		return current_proc();
	return find_process(pid);
}

static long get_id(pid_t pid, bool session)
{
	struct process *p;
	long ret;

	if (pid < 0)
		return -ESRCH;
	read_lock(&tasklist_lock);
	p = find_or_self(pid);
	ret = !p ? -ESRCH : session ? p->sid : p->pgid;
	read_unlock(&tasklist_lock);
	return ret;
}

SYSCALL_DEFINE(getpgid)
{
	return get_id(a0, false);
}

SYSCALL_DEFINE(getpgrp)
{
	return get_id(0, false);
}

SYSCALL_DEFINE(getsid)
{
	return get_id(a0, true);
}

SYSCALL_DEFINE(setpgid)
{
	struct process *self = current_proc(), *p, *q;
	pid_t pid = a0, pgid = a1;
	long ret = 0;

	if (pid < 0 || pgid < 0)
		return -EINVAL;
	write_lock(&tasklist_lock);
	p = find_or_self(pid);
	if (!pgid && p)
		pgid = p->tgid;
	if (!p || (p != self && p->parent != self)) {
		ret = -ESRCH;
	} else if (p != self && p->did_exec) {
		ret = -EACCES;
	} else if (p->sid != self->sid) {
		ret = -EPERM;
	} else if (p->sid == p->tgid) {
		ret = -EPERM;		/* a session leader */
	} else if (pgid != p->tgid) {
		/* The group must exist in the caller's session. */
		ret = -EPERM;
		for_each_process(q)
			if (q->pgid == pgid && q->sid == self->sid &&
			    q->state == PROC_ALIVE)
				ret = 0;
	}
	if (!ret)
		p->pgid = pgid;
	write_unlock(&tasklist_lock);
	return ret;
}

SYSCALL_DEFINE(setsid)
{
	struct process *self = current_proc(), *q;
	long ret = self->tgid;

	write_lock(&tasklist_lock);
	for_each_process(q)
		if (q->pgid == self->tgid)
			ret = -EPERM;	/* a group with our id exists */
	if (ret > 0)
		self->pgid = self->sid = self->tgid;
	write_unlock(&tasklist_lock);
	return ret;
}
