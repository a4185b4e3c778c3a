// SPDX-License-Identifier: GPL-2.0
/*
 * fork, vfork, clone and clone3: a new thread of the process
 * (CLONE_THREAD), or a new process whose address space is the parent's
 * (CLONE_VM) or a copy-on-write copy of it.
 *
 * The copy is made on the memory node (MEMOP_FORK): both spaces share
 * the backing frames and M copies a frame when either space writes it
 * back.  The pcache needs no write protection for this: its lines belong
 * to one mm each (a line is never mapped into two processes), so a write
 * by one process lands in its own line and reaches M only as that
 * process's write-back.  What the parent wrote but M has not seen yet
 * is written back before the fork (pcache_clean_mm), so the child's
 * first misses read the parent's data as of the fork.
 * Documentation/processor.md, "Processes".
 */
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/process.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/linux/sched.h>
#include <asm/switch_to.h>
#include "process.h"
#include "syscall.h"


/* What the child's task starts from. */
struct fork_start {
	struct pt_regs regs;
	int __user *ctid;	/* CLONE_CHILD_SETTID */
	unsigned long clear_child_tid;	/* CLONE_CHILD_CLEARTID */
	unsigned long fsbase, gsbase;
};

static int child_enter_user(void *arg)
{
	struct fork_start *fs = arg;
	struct pt_regs *regs = task_pt_regs(current);

	*regs = fs->regs;
	thread_set_bases(fs->fsbase, fs->gsbase);
	current_thread()->clear_child_tid = fs->clear_child_tid;
	/* In the child's address space: its copy of the word. */
	if (fs->ctid && put_user(current_thread()->tid, fs->ctid))
		pr_info("%s[%d]: CLONE_CHILD_SETTID at %p faulted\n",
			current_proc()->comm, current_thread()->tid, fs->ctid);
	kfree(fs);
	local_irq_disable();
	exit_to_user_mode(regs);
	start_user_thread(regs);
}

/* The child's VMAs mirror the parent's (parent's mm->lock held). */
static int mirror_vmas(struct mm_struct *to, struct mm_struct *from)
{
	struct rb_node *n;
	int ret = 0;

	mutex_lock(&to->lock);
	for (n = rb_first(&from->vmas); n && !ret; n = rb_next(n)) {
		struct vm_area *v = rb_entry(n, struct vm_area, rb);
		struct mp_vma w = {
			.start = v->start, .end = v->end,
			.prot = v->prot, .flags = v->flags,
		};

		ret = vma_mirror(to, &w);
		if (!ret && v->fkey)
			vma_set_file(to, v->start, v->fkey, v->pgoff);
	}
	to->start_brk = from->start_brk;
	to->brk = from->brk;
	mutex_unlock(&to->lock);
	return ret;
}

/*
 * The copy of the address space: the parent's dirty lines reach M, then
 * M copies the space.  Under the parent's mm->lock so that no mapping
 * changes between the two.
 */
static int copy_mm(struct process *child, struct process *parent)
{
	struct mm_struct *mm = parent->mm;
	struct mp_fork_req req = {
		.parent = mm->space_id,
		.child = child->mm->space_id,
	};
	int ret;

	mutex_lock(&mm->lock);
	ret = mirror_vmas(child->mm, mm);
	if (!ret)
		ret = pcache_clean_mm(mm);
	if (!ret)
		ret = mm_call(MEMOP_FORK, &req, sizeof(req), NULL, 0);
	mutex_unlock(&mm->lock);
	return ret;
}

static int check_clone_flags(u64 flags)
{
	/* Linux's rules for the combinations. */
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	/* No namespaces, cgroups or pidfds: as a kernel built without them. */
	if (flags & (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |
		     CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
		     CLONE_NEWNET | CLONE_PIDFD | CLONE_INTO_CGROUP))
		return -EINVAL;
	return 0;
}

/*
 * The child process of the current one: everything copied or shared as
 * flags say, stopped before its first instruction.
 */
static struct process *copy_process(struct process *parent, u64 flags)
{
	struct process *child;
	int ret = -ENOMEM;

	child = process_alloc(parent->path,
			      flags & CLONE_VM ? parent->mm : NULL);
	if (!child)
		return ERR_PTR(-ENOMEM);
	child->mnode = child->mm->mnode = parent->mnode;
	memcpy(child->comm, current->comm, sizeof(child->comm));
	memcpy(child->rlim, parent->rlim, sizeof(child->rlim));
	child->parent_sig = flags & CSIGNAL;
	ret = files_fork(child, parent, flags);
	if (ret)
		goto fail;
	signals_fork(child, parent, flags & CLONE_SIGHAND);
	if (flags & CLONE_VM) {
		/* The same address space on P and on M: nothing to copy. */
		atomic_inc(&child->mm->owners);
		return child;
	}
	ret = copy_mm(child, parent);
	if (ret)
		goto fail;
	return child;
fail:
	process_free(child);
	return ERR_PTR(ret);
}

long do_fork(u64 flags, unsigned long stack, int __user *ptid,
	     int __user *ctid, unsigned long tls)
{
	struct process *parent = current_proc(), *child = NULL;
	struct completion vfork_done;
	struct fork_start *fs;
	struct fpu_state *fpu;
	struct uthread *ut;
	pid_t tid;
	int ret;

	ret = check_clone_flags(flags);
	if (ret)
		return ret;
	if (!(flags & CLONE_THREAD) && (flags & CSIGNAL) > _NSIG)
		return -EINVAL;
	if (thread_count() >= parent->rlim[RLIMIT_NPROC].rlim_cur)
		return -EAGAIN;
	if ((flags & CLONE_PARENT) && !parent->parent)
		return -EINVAL;		/* init has no parent to share */

	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	fpu = fpu_alloc();
	if (!fs || !fpu) {
		kfree(fs);
		kfree(fpu);
		return -ENOMEM;
	}
	if (flags & CLONE_THREAD) {
		tid = pid_alloc();
		ut = uthread_alloc(parent, tid);
	} else {
		child = copy_process(parent, flags);
		if (IS_ERR(child)) {
			kfree(fs);
			kfree(fpu);
			return PTR_ERR(child);
		}
		tid = child->tgid;
		ut = uthread_alloc(child, tid);
	}
	ret = -ENOMEM;
	if (!ut)
		goto fail;
	/* A thread on a stack of its own starts without the altstack. */
	signals_thread(ut, (flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM);

	/* The child returns from the same call with 0, on its own stack if given. */
	fs->regs = *task_pt_regs(current);
	fs->regs.rax = 0;
	if (stack)
		fs->regs.rsp = stack;
	if (flags & CLONE_CHILD_SETTID)
		fs->ctid = ctid;
	if (flags & CLONE_CHILD_CLEARTID)
		fs->clear_child_tid = (unsigned long)ctid;
	fs->fsbase = flags & CLONE_SETTLS ? tls : current->thread.fsbase;
	fs->gsbase = current->thread.gsbase;
	fpu_save_current(fpu);

	if ((flags & CLONE_PARENT_SETTID) && put_user(tid, ptid)) {
		ret = -EFAULT;
		goto fail;
	}
	if (flags & CLONE_VFORK) {
		init_completion(&vfork_done);
		ut->vfork_done = &vfork_done;
	}
	if (child)
		process_link(child, flags & CLONE_PARENT ? parent->parent :
							   parent);
	ret = process_start_thread(child ?: parent, ut, child_enter_user, fs,
				   fpu);
	if (ret) {
		if (child)
			process_unlink(child);
		fpu = NULL;
		ut = NULL;
		goto fail;
	}
	if (flags & CLONE_VFORK)
		wait_for_completion(&vfork_done);
	return tid;

fail:
	kfree(ut);
	if (child) {
		process_drop_mm(child, child->mm);	/* M made a copy of it */
		child->mm = NULL;
		process_free(child);
	}
	kfree(fs);
	kfree(fpu);
	return ret;
}

SYSCALL_DEFINE(fork)
{
	return do_fork(SIGCHLD, 0, NULL, NULL, 0);
}

SYSCALL_DEFINE(vfork)
{
	return do_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL, NULL, 0);
}

/* x86-64 order: flags, stack, parent_tid, child_tid, tls. */
SYSCALL_DEFINE(clone)
{
	return do_fork(a0 & 0xffffffffULL, a1, (int __user *)a2,
		       (int __user *)a3, a4);
}

SYSCALL_DEFINE(clone3)
{
	struct clone_args args;
	size_t size = a1;

	if (size < CLONE_ARGS_SIZE_VER0 || size > PAGE_SIZE)
		return -EINVAL;
	memset(&args, 0, sizeof(args));
	if (copy_from_user(&args, (void __user *)a0, min(size, sizeof(args))))
		return -EFAULT;
	if (size > sizeof(args)) {
		u8 b;
		size_t i;

		/* Fields we do not know must be zero, as Linux checks. */
		for (i = sizeof(args); i < size; i++) {
			if (get_user(b, (u8 __user *)a0 + i))
				return -EFAULT;
			if (b)
				return -E2BIG;
		}
	}
	if (args.exit_signal > _NSIG || (args.flags & CSIGNAL) ||
	    args.set_tid || args.set_tid_size)
		return -EINVAL;
	if ((args.flags & (CLONE_THREAD | CLONE_PARENT)) && args.exit_signal)
		return -EINVAL;
	if (args.stack && !args.stack_size)
		return -EINVAL;
	return do_fork(args.flags | args.exit_signal,
		       args.stack ? args.stack + args.stack_size : 0,
		       (int __user *)args.parent_tid,
		       (int __user *)args.child_tid, args.tls);
}
