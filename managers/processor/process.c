// SPDX-License-Identifier: GPL-2.0
/*
 * Processes: exec through the memory node, the first entry into user
 * mode, exit, and the deaths user faults cause.  Documentation/
 * processor.md describes the life of a process.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/jiffies.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/process.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/switch_to.h>
#include <asm/traps.h>
#include <uapi/linux/wait.h>
#include "process.h"
#include "tty.h"

static atomic_t next_tgid = ATOMIC_INIT(0);
/* Address spaces on M are named apart from pids: exec makes a new one. */
static atomic_t next_space_id = ATOMIC_INIT(0);

u32 space_id_alloc(void)
{
	return atomic_inc_return(&next_space_id);
}

pid_t pid_alloc(void)
{
	return atomic_inc_return(&next_tgid);
}

/* Processes per processor: a fork bomb meets -EAGAIN before P runs out. */
#define DEFAULT_NPROC	1024

struct process *process_alloc(const char *path, struct mm_struct *mm)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(path);
	struct process *p;
	int i;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->path = kmalloc(len + 1, GFP_KERNEL);
	if (mm) {
		refcount_inc(&mm->users);
		p->mm = mm;
	} else {
		p->mm = mm_alloc();
		if (p->mm)
			p->mm->space_id = space_id_alloc();
	}
	if (!p->path || !p->mm)
		goto fail;
	memcpy(p->path, path, len + 1);
	strscpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
	p->tgid = pid_alloc();
	p->start_time = jiffies;
	init_completion(&p->exited);
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->threads);
	INIT_LIST_HEAD(&p->sibling);
	INIT_LIST_HEAD(&p->list);
	init_waitqueue_head(&p->child_wait);
	init_waitqueue_head(&p->thread_exit_wait);
	if (signals_init(p))
		goto fail;
	p->pgid = p->sid = p->tgid;
	p->parent_sig = SIGCHLD;
	for (i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i].rlim_cur = p->rlim[i].rlim_max = RLIM_INFINITY;
	p->rlim[RLIMIT_STACK].rlim_cur = 8 << 20;
	p->rlim[RLIMIT_NPROC].rlim_cur = DEFAULT_NPROC;
	p->rlim[RLIMIT_NPROC].rlim_max = DEFAULT_NPROC;
	p->rlim[RLIMIT_NOFILE].rlim_cur = NR_OPEN_FILES;
	p->rlim[RLIMIT_NOFILE].rlim_max = NR_OPEN_FILES;
	if (files_init(p))
		goto fail;
	return p;
fail:
	process_free(p);
	return NULL;
}

unsigned long process_nr_forks(void)
{
	return atomic_read(&next_tgid);
}

void process_cputime(struct process *p, u64 *utime, u64 *stime)
{
	struct uthread *t;

	*utime = p->utime;
	*stime = p->stime;
	list_for_each_entry(t, &p->threads, node) {
		*utime += READ_ONCE(t->task->utime);
		*stime += READ_ONCE(t->task->stime);
	}
}

void process_account_child(struct process *parent, struct process *child)
{
	u64 u, s;

	process_cputime(child, &u, &s);
	parent->cutime += u + child->cutime;
	parent->cstime += s + child->cstime;
	parent->cmaxrss = max(parent->cmaxrss,
			      max(child->maxrss, child->cmaxrss));
}

/* After the process exited (or never started). */
void process_free(struct process *p)
{
	tty_session_exit(p);	/* one that never ran */
	files_release(p);
	signals_free(p);
	if (p->mm)
		mm_release(p->mm);
	kfree(p->cmdline);
	kfree(p->path);
	kfree(p);
}

/* The current thread's user FS and GS bases (fork, exec). */
void thread_set_bases(unsigned long fsbase, unsigned long gsbase)
{
	preempt_disable();
	current->thread.fsbase = fsbase;
	current->thread.gsbase = gsbase;
	wrmsr(MSR_FS_BASE, fsbase);
	wrmsr(MSR_KERNEL_GS_BASE, gsbase);	/* user GS while in the kernel */
	preempt_enable();
}

/* As the ELF ABI has it at the entry: every register 0 but IP and stack. */
void process_entry_regs(struct process *p, struct pt_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = p->entry;
	regs->rsp = p->sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
}

/* The first instructions of a process's task: enter user mode. */
static int process_enter_user(void *arg)
{
	struct pt_regs *regs = task_pt_regs(current);

	process_entry_regs(arg, regs);
	start_user_thread(regs);
}

struct uthread *uthread_alloc(struct process *p, pid_t tid)
{
	struct uthread *ut = kzalloc(sizeof(*ut), GFP_KERNEL);

	if (ut) {
		ut->proc = p;
		ut->tid = tid;
		INIT_LIST_HEAD(&ut->node);
	}
	return ut;
}

/* Users' threads on this processor: RLIMIT_NPROC counts them. */
static unsigned int nr_user_threads;

unsigned int thread_count(void)
{
	return READ_ONCE(nr_user_threads);
}

/*
 * A thread that starts while its process is on its way out (a group
 * exit, another thread's exec) leaves at its first return to user mode:
 * the process cannot have ended, since the creating thread is in it.
 */
int process_start_thread(struct process *p, struct uthread *ut,
			 int (*fn)(void *), void *arg, struct fpu_state *fpu)
{
	struct task_struct *t;
	unsigned long flags;

	/* Linux copies the name of the thread that forks or clones. */
	t = create_task(fn, arg, current->proc ? current->comm : p->comm);
	if (IS_ERR(t)) {
		kfree(ut);
		kfree(fpu);
		return PTR_ERR(t);
	}
	t->thread.fpu = fpu;
	t->flags &= ~PF_KTHREAD;
	t->mm = p->mm;
	t->proc = p;
	t->uthread = ut;
	ut->task = t;
	write_lock(&tasklist_lock);
	spin_lock_irqsave(&p->sig.lock, flags);
	list_add_tail(&ut->node, &p->threads);
	p->nr_threads++;
	nr_user_threads++;
	spin_unlock_irqrestore(&p->sig.lock, flags);
	write_unlock(&tasklist_lock);
	wake_up_process(t);
	return 0;
}

/* Start p's first thread at fn(arg), with fpu as its FPU state (taken over). */
int process_start_task(struct process *p, int (*fn)(void *), void *arg,
		       struct fpu_state *fpu)
{
	struct uthread *ut = uthread_alloc(p, p->tgid);

	if (!ut) {
		kfree(fpu);
		return -ENOMEM;
	}
	return process_start_thread(p, ut, fn, arg, fpu);
}

/* A thread left (tasklist_lock held for writing). */
void thread_unaccount(void)
{
	nr_user_threads--;
}

/* Run p (exec'd: entry and sp set) in a task of its own. */
int process_start(struct process *p)
{
	struct fpu_state *fpu = fpu_alloc();

	if (!fpu)
		return -ENOMEM;
	return process_start_task(p, process_enter_user, p, fpu);
}

/*
 * A memory-node call on behalf of the current process.  Without its
 * memory node the process cannot go on: it is killed on its way back to
 * user mode (the caller may hold mm->lock, which the exit needs).
 */
int mm_call(u16 op, const void *req, size_t len, void *reply, size_t max)
{
	struct process *p = current_proc();
	ssize_t ret;

	ret = fit_call(p->mnode, op, req, len, reply, max, 0);
	if ((ret == -EHOSTDOWN || ret == -EHOSTUNREACH || ret == -ETIMEDOUT) &&
	    !p->kill_signal) {
		pr_info("%s[%d]: memory node %u unreachable (%zd), killed\n",
			p->comm, p->tgid, p->mnode, ret);
		p->kill_signal = SIGKILL;
	}
	return ret;
}

/*
 * -EFAULT: no VMA there (or the memory node knows none), -EACCES: the VMA
 * forbids the access; either is a SIGSEGV the process may catch.  The
 * log line of Linux's format comes if the process dies of it (signal.c).
 */
void user_page_fault(struct pt_regs *regs, unsigned long addr)
{
	struct process *p = current_proc();
	int ret = -EFAULT;

	if (!p->local && addr < TASK_SIZE)
		ret = pcache_handle_fault(current->mm, addr, regs->error_code);
	if (!ret)
		return;
	if (ret == -EFAULT || ret == -EACCES) {
		force_sig_fault(SIGSEGV, ret == -EACCES ? SEGV_ACCERR : SEGV_MAPERR,
				addr, regs, NULL);
		return;
	}
	pr_info("%s[%d]: page fault at %#lx ip %#lx error %lx could not be served (%d)\n",
		p->comm, p->tgid, addr, regs->rip, regs->error_code, ret);
	process_exit(0, SIGKILL);
}

bool uaccess_page_fault(struct pt_regs *regs, unsigned long addr)
{
	struct process *p = current_proc();

	if (!p || !current->mm || p->local)
		return false;
	/* The access was on the process's behalf: fault as it would. */
	if (regs->rflags & X86_EFLAGS_IF)
		local_irq_enable();
	return !pcache_handle_fault(current->mm, addr,
				    regs->error_code | X86_PF_USER);
}

/* The signals and si_codes of Linux x86-64 for each exception. */
void user_fatal_trap(struct pt_regs *regs, const char *name)
{
	int sig = SIGSEGV, code = SI_KERNEL;
	unsigned long addr = 0;

	switch (regs->vector) {
	case X86_TRAP_DE:
		sig = SIGFPE;
		code = FPE_INTDIV;
		addr = regs->rip;
		break;
	case X86_TRAP_MF:
	case X86_TRAP_XF:
		sig = SIGFPE;
		addr = regs->rip;
		break;
	case X86_TRAP_UD:
		sig = SIGILL;
		code = ILL_ILLOPN;
		addr = regs->rip;
		break;
	case X86_TRAP_DB:
		sig = SIGTRAP;
		code = TRAP_TRACE;
		addr = regs->rip;
		break;
	case X86_TRAP_BP:
		/* int3: SI_KERNEL, rip after the instruction, as on Linux. */
		sig = SIGTRAP;
		break;
	case X86_TRAP_NP:
	case X86_TRAP_SS:
		sig = SIGBUS;
		break;
	case X86_TRAP_AC:
		sig = SIGBUS;
		code = BUS_ADRALN;
		break;
	}
	force_sig_fault(sig, code, addr, regs, name);
}

/* Keep argv for /proc/PID/cmdline: the strings, each with its NUL. */
static void process_set_cmdline(struct process *p, char *const argv[],
				int argc)
{
	size_t len = 0, off = 0;
	char *cmd, *old;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	cmd = len ? kmalloc(len, GFP_KERNEL) : NULL;
	for (i = 0; cmd && i < argc; i++) {
		memcpy(cmd + off, argv[i], strlen(argv[i]) + 1);
		off += strlen(argv[i]) + 1;
	}
	write_lock(&tasklist_lock);
	old = p->cmdline;
	p->cmdline = cmd;
	p->cmdline_len = cmd ? len : 0;
	write_unlock(&tasklist_lock);
	kfree(old);
}

/*
 * Exec path on mm's memory node: a new address space is built there
 * under mm->space_id from the ELF file; mirror its VMAs into mm (new, not in
 * use) and set p's entry and stack.  argv and envp are NULL-free arrays
 * of argc and envc strings.  On an error after M built the space, *built
 * says that M holds a space to free.
 */
int mm_exec(struct process *p, struct mm_struct *mm, const char *path,
	    char *const argv[], int argc, char *const envp[], int envc,
	    bool *built)
{
	size_t len = sizeof(struct mp_exec_req), max, off;
	struct mp_exec_req *req;
	struct mp_exec_reply *rep;
	struct mp_vma *vmas;
	void *buf;
	ssize_t ret;
	int i;

	len += strlen(path) + 1;
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	for (i = 0; i < envc; i++)
		len += strlen(envp[i]) + 1;
	if (len - sizeof(*req) > MEMPROTO_ARGS_MAX)
		return -E2BIG;
	max = sizeof(*rep) + MEMPROTO_MAX_VMAS * sizeof(struct mp_vma);
	buf = kmalloc(max(len, max), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	req = buf;
	req->tgid = mm->space_id;
	req->argc = argc;
	req->envc = envc;
	req->strings_len = len - sizeof(*req);
	off = sizeof(*req);
#define PUT_STR(s) do {						\
	size_t __l = strlen(s) + 1;					\
	memcpy((char *)buf + off, (s), __l);				\
	off += __l;							\
} while (0)
	PUT_STR(path);
	for (i = 0; i < argc; i++)
		PUT_STR(argv[i]);
	for (i = 0; i < envc; i++)
		PUT_STR(envp[i]);
#undef PUT_STR

	/* A big binary takes a while to load on an emulated node. */
	*built = false;
	ret = fit_call(mm->mnode, MEMOP_EXEC, buf, len, buf, max, 60000);
	if (ret < 0)
		goto out;
	*built = true;
	rep = buf;
	vmas = (struct mp_vma *)(rep + 1);
	if (ret < (ssize_t)sizeof(*rep) || rep->nr_vmas > MEMPROTO_MAX_VMAS ||
	    ret < (ssize_t)(sizeof(*rep) + rep->nr_vmas * sizeof(*vmas)) ||
	    rep->entry >= TASK_SIZE || rep->sp >= TASK_SIZE) {
		ret = -EPROTO;
		goto out;
	}
	mutex_lock(&mm->lock);
	for (i = 0, ret = 0; i < rep->nr_vmas && !ret; i++)
		ret = vma_mirror(mm, &vmas[i]);
	mm->start_brk = mm->brk = rep->brk;
	mutex_unlock(&mm->lock);
	p->entry = rep->entry;
	p->sp = rep->sp;
	process_set_cmdline(p, argv, argc);
out:
	kfree(buf);
	return ret;
}

/*
 * Run one program to its end on memory node mnode; the wait status as
 * Linux's wait() would report it: status << 8, or the signal number.
 */
int process_run(u32 mnode, const char *path, char *const argv[], int argc,
		char *const envp[], int envc)
{
	struct process *p;
	bool built = false;
	int ret;

	p = process_alloc(path, NULL);
	if (!p)
		return -ENOMEM;
	p->mnode = p->mm->mnode = mnode;
	ret = mm_exec(p, p->mm, path, argv, argc, envp, envc, &built);
	if (!ret) {
		process_link(p, NULL);
		/* A session leader: the console becomes its terminal. */
		tty_attach(p);
		ret = process_start(p);
	}
	if (ret) {
		/* Free what the memory node built. */
		if (built) {
			process_drop_mm(p, p->mm);
			p->mm = NULL;
		}
		process_unlink(p);
		process_free(p);
		return ret;
	}
	wait_for_completion(&p->exited);
	process_unlink(p);
	ret = p->exit_signal ? p->exit_signal : p->exit_status << 8;
	process_free(p);
	return ret;
}
