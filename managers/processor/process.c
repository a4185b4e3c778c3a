// SPDX-License-Identifier: GPL-2.0
/*
 * Processes: exec through the memory node, the first entry into user
 * mode, exit, and the deaths user faults cause.  Documentation/
 * processor.md describes the life of a process.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
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
#include "process.h"
#include "tty.h"

static atomic_t next_tgid = ATOMIC_INIT(0);

#define RLIM_INFINITY	(~0ULL)
#define RLIMIT_STACK	3
#define RLIMIT_NOFILE	7

struct process *process_alloc(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(path);
	struct process *p;
	int i;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return NULL;
	p->path = kmalloc(len + 1, GFP_KERNEL);
	p->mm = mm_alloc();
	if (!p->path || !p->mm)
		goto fail;
	memcpy(p->path, path, len + 1);
	strscpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
	p->tgid = atomic_inc_return(&next_tgid);
	p->mm->tgid = p->tgid;
	mutex_init(&p->files_lock);
	init_completion(&p->exited);
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_LIST_HEAD(&p->list);
	init_waitqueue_head(&p->child_wait);
	p->pgid = p->sid = p->tgid;
	p->umask = 022;
	p->cwd = kstrdup("/", GFP_KERNEL);
	if (!p->cwd)
		goto fail;
	for (i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i].rlim_cur = p->rlim[i].rlim_max = RLIM_INFINITY;
	p->rlim[RLIMIT_STACK].rlim_cur = 8 << 20;
	p->rlim[RLIMIT_NOFILE].rlim_cur = NR_OPEN_FILES;
	p->rlim[RLIMIT_NOFILE].rlim_max = NR_OPEN_FILES;
	if (files_init(p))
		goto fail;
	return p;
fail:
	process_free(p);
	return NULL;
}

/* After the process exited (or never started). */
void process_free(struct process *p)
{
	tty_session_exit(p);	/* one that never ran */
	files_release(p);
	if (p->mm)
		mm_release(p->mm);
	kfree(p->cwd);
	kfree(p->path);
	kfree(p);
}

/* The first instructions of a process's task: enter user mode. */
static int process_enter_user(void *arg)
{
	struct process *p = arg;
	struct pt_regs *regs = task_pt_regs(current);

	/* Like a fresh execve: every register 0 but the stack and IP. */
	memset(regs, 0, sizeof(*regs));
	regs->rip = p->entry;
	regs->rsp = p->sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_FIXED;
	start_user_thread(regs);
}

/* Run p (exec'd: entry and sp set) in a task of its own. */
int process_start(struct process *p)
{
	struct fpu_state *fpu = fpu_alloc();
	struct task_struct *t;

	if (!fpu)
		return -ENOMEM;
	t = create_task(process_enter_user, p, p->comm);
	if (IS_ERR(t)) {
		kfree(fpu);
		return PTR_ERR(t);
	}
	t->thread.fpu = fpu;
	t->flags &= ~PF_KTHREAD;
	t->mm = p->mm;
	t->proc = p;
	p->task = t;
	wake_up_process(t);
	return 0;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	}
	return "a signal";
}

/*
 * The end of the current process: status from exit_group(), or sig if it
 * was killed.  Its pages go (pcache, then the memory node), then its
 * page tables once no CPU uses them; the task exits, and whoever started
 * the process learns the status.
 */
void process_exit(int status, int sig)
{
	struct process *p = current_proc();
	struct mm_struct *mm = current->mm;
	struct fpu_state *fpu;
	struct mp_exit_req req = { .tgid = p->tgid };
	int ret;

	tty_session_exit(p);
	files_release(p);

	/* Off the user page tables and FPU state before they are freed. */
	preempt_disable();
	current->mm = NULL;
	switch_mm(NULL);
	fpu = current->thread.fpu;
	current->thread.fpu = NULL;
	preempt_enable();
	kfree(fpu);

	if (!p->local) {
		pcache_exit_mm(mm);
		ret = fit_call(p->mnode, MEMOP_EXIT, &req, sizeof(req), NULL, 0, 0);
		if (ret < 0)
			pr_warn("processor: %s[%d]: memory node %u did not free the address space (%d)\n",
				p->comm, p->tgid, p->mnode, ret);
	}
	mm_release(mm);
	p->mm = NULL;

	p->exit_status = status & 0xff;
	p->exit_signal = sig;
	if (sig)
		pr_info("processor: %s[%d] killed by %s\n", p->path, p->tgid,
			signal_name(sig));
	else
		pr_info("processor: %s[%d] exited with status %d\n", p->path,
			p->tgid, p->exit_status);
	if (!p->local && pcache_stats_at_exit)
		pcache_print_stats();
	complete(&p->exited);
	do_exit(0);
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

void user_page_fault(struct pt_regs *regs, unsigned long addr)
{
	struct process *p = current_proc();
	int ret = -EFAULT;

	if (!p->local && addr < TASK_SIZE)
		ret = pcache_handle_fault(current->mm, addr, regs->error_code);
	if (!ret)
		return;
	if (ret == -EFAULT) {
		/* Linux's format, minus the mapping name. */
		pr_info("%s[%d]: segfault at %#lx ip %#lx error %lx\n",
			p->comm, p->tgid, addr, regs->rip, regs->error_code);
	} else {
		pr_info("%s[%d]: page fault at %#lx ip %#lx error %lx could not be served (%d)\n",
			p->comm, p->tgid, addr, regs->rip, regs->error_code,
			ret);
	}
	process_exit(0, ret == -EFAULT ? SIGSEGV : SIGKILL);
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

void user_fatal_trap(struct pt_regs *regs, const char *name)
{
	struct process *p = current_proc();
	int sig;

	switch (regs->vector) {
	case X86_TRAP_DE:
	case X86_TRAP_MF:
	case X86_TRAP_XF:
		sig = SIGFPE;
		break;
	case X86_TRAP_UD:
		sig = SIGILL;
		break;
	case X86_TRAP_DB:
	case X86_TRAP_BP:
		sig = SIGTRAP;
		break;
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_AC:
		sig = SIGBUS;
		break;
	default:
		sig = SIGSEGV;
	}
	if (regs->vector == X86_TRAP_GP)
		pr_info("%s[%d]: general protection fault ip %#lx sp %#lx error %lx\n",
			p->comm, p->tgid, regs->rip, regs->rsp, regs->error_code);
	else
		pr_info("%s[%d]: trap %s ip %#lx sp %#lx error %lx\n", p->comm,
			p->tgid, name, regs->rip, regs->rsp, regs->error_code);
	process_exit(0, sig);
}

/*
 * Exec path on the memory node: the address space of p is built there
 * from the ELF file; mirror its VMAs.  argv and envp are NULL-free arrays
 * of argc and envc strings.
 */
static int process_exec(struct process *p, const char *path,
			char *const argv[], int argc,
			char *const envp[], int envc)
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
	req->tgid = p->tgid;
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
	ret = fit_call(p->mnode, MEMOP_EXEC, buf, len, buf, max, 60000);
	if (ret < 0)
		goto out;
	rep = buf;
	vmas = (struct mp_vma *)(rep + 1);
	if (ret < (ssize_t)sizeof(*rep) || rep->nr_vmas > MEMPROTO_MAX_VMAS ||
	    ret < (ssize_t)(sizeof(*rep) + rep->nr_vmas * sizeof(*vmas)) ||
	    rep->entry >= TASK_SIZE || rep->sp >= TASK_SIZE) {
		ret = -EPROTO;
		goto out;
	}
	mutex_lock(&p->mm->lock);
	for (i = 0, ret = 0; i < rep->nr_vmas && !ret; i++)
		ret = vma_mirror(p->mm, &vmas[i]);
	p->mm->start_brk = p->mm->brk = rep->brk;
	mutex_unlock(&p->mm->lock);
	p->entry = rep->entry;
	p->sp = rep->sp;
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
	int ret;

	p = process_alloc(path);
	if (!p)
		return -ENOMEM;
	p->mnode = p->mm->mnode = mnode;
	ret = process_exec(p, path, argv, argc, envp, envc);
	if (!ret)
		ret = process_start(p);
	if (ret) {
		/* Free what the memory node may have built. */
		struct mp_exit_req req = { .tgid = p->tgid };

		fit_call(mnode, MEMOP_EXIT, &req, sizeof(req), NULL, 0, 0);
		process_free(p);
		return ret;
	}
	wait_for_completion(&p->exited);
	ret = p->exit_signal ? p->exit_signal : p->exit_status << 8;
	process_free(p);
	return ret;
}
