// SPDX-License-Identifier: GPL-2.0
/*
 * The architecture side of task creation.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/user_mm.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>
#include <tessera/preempt.h>

/* The frame __switch_to_asm() pops before "returning" to ret_from_kthread. */
struct fork_frame {
	unsigned long r15, r14, r13, r12, rbx, rbp;
	unsigned long ret_addr;
};

void copy_thread(struct task_struct *p, int (*fn)(void *), void *arg)
{
	/*
	 * The top of the stack is left for the struct pt_regs of entries
	 * from user mode (task_pt_regs()); 16 bytes of headroom under it
	 * keep the stack 16-byte aligned at ret_from_kthread's calls, as
	 * the ABI wants.
	 */
	struct fork_frame *frame =
		(struct fork_frame *)((unsigned long)task_pt_regs(p) - 16) - 1;

	BUILD_BUG_ON(sizeof(*frame) % 16 != 8);
	BUILD_BUG_ON(sizeof(struct pt_regs) != PTREGS_SIZE);
	BUILD_BUG_ON(PTREGS_SIZE % 16);
	*frame = (struct fork_frame) {
		.rbx = (unsigned long)fn,
		.r12 = (unsigned long)arg,
		.rbp = 0,
		.ret_addr = (unsigned long)ret_from_kthread,
	};
	p->thread.sp = (unsigned long)frame;
}

/* The fxsave image: x87, MMX and SSE registers, MXCSR. */
struct fpu_state {
	u16 fcw, fsw;
	u8 ftw, reserved0;
	u16 fop;
	u64 fip, fdp;
	u32 mxcsr, mxcsr_mask;
	u8 regs[512 - 32];
} __aligned(16);

static void fpu_init_state(struct fpu_state *fpu)
{
	memset(fpu, 0, sizeof(*fpu));
	fpu->fcw = 0x37f;	/* all x87 exceptions masked, extended precision */
	fpu->mxcsr = 0x1f80;	/* all SSE exceptions masked, round to nearest */
}

/* User FPU state in its reset values (as after execve on Linux). */
struct fpu_state *fpu_alloc(void)
{
	struct fpu_state *fpu;

	BUILD_BUG_ON(sizeof(*fpu) != 512);
	/* kmalloc(512) comes from a 512-byte size class: 16-byte aligned. */
	fpu = kzalloc(sizeof(*fpu), GFP_KERNEL);
	if (!fpu)
		return NULL;
	if (WARN_ON((unsigned long)fpu & 15)) {
		kfree(fpu);
		return NULL;
	}
	fpu_init_state(fpu);
	return fpu;
}

int fpu_save_user(void __user *buf)
{
	struct fpu_state *fpu = current->thread.fpu;

	preempt_disable();
	asm volatile("fxsave64 %0" : "=m"(*fpu));
	preempt_enable();
	/* A fault here may switch tasks: that saves the same registers again. */
	return copy_to_user(buf, fpu, sizeof(*fpu)) ? -EFAULT : 0;
}

int fpu_restore_user(const void __user *buf)
{
	static u32 mxcsr_mask;
	struct fpu_state tmp;
	struct fpu_state *fpu = current->thread.fpu;

	if (copy_from_user(&tmp, buf, sizeof(tmp)))
		return -EFAULT;
	preempt_disable();
	if (!mxcsr_mask) {
		/* fxsave reports the MXCSR bits this CPU has; 0 means 0xffbf. */
		asm volatile("fxsave64 %0" : "=m"(*fpu));
		mxcsr_mask = fpu->mxcsr_mask ?: 0xffbf;
	}
	/* A reserved MXCSR bit would make fxrstor fault in the kernel. */
	tmp.mxcsr &= mxcsr_mask;
	*fpu = tmp;
	asm volatile("fxrstor64 %0" : : "m"(*fpu));
	preempt_enable();
	return 0;
}

void fpu_reset_current(void)
{
	struct fpu_state *fpu = current->thread.fpu;

	preempt_disable();
	fpu_init_state(fpu);
	asm volatile("fxrstor64 %0" : : "m"(*fpu));
	preempt_enable();
}

/*
 * The current task's live FPU registers (saved in thread.fpu only at a
 * context switch) copied to dst (fork).
 */
void fpu_save_current(struct fpu_state *dst)
{
	preempt_disable();
	asm volatile("fxsave64 %0" : "=m"(*dst));
	preempt_enable();
}

/*
 * The user state of the task switched out and of the one switched in:
 * FPU registers, FS and GS bases (user GS is in MSR_KERNEL_GS_BASE while
 * in the kernel), page tables.  Kernel threads use the kernel's page
 * tables, so no CPU keeps a user PML4 loaded after its process left it.
 */
void switch_user_state(struct task_struct *prev, struct task_struct *next)
{
	if (prev->thread.fpu)
		asm volatile("fxsave64 %0" : "=m"(*prev->thread.fpu));
	if (next->thread.fpu) {
		asm volatile("fxrstor64 %0" : : "m"(*next->thread.fpu));
		wrmsr(MSR_FS_BASE, next->thread.fsbase);
		wrmsr(MSR_KERNEL_GS_BASE, next->thread.gsbase);
	}
	if (prev->mm != next->mm)
		switch_mm(next->mm);
}
