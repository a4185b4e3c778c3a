/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SWITCH_TO_H
#define _ASM_X86_SWITCH_TO_H

#include <tessera/compiler.h>
#include <asm/ptrace.h>
#include <asm/stacktrace.h>

struct task_struct;
struct fpu_state;

/*
 * arch/x86/kernel/switch_to.S: save the callee-saved registers on the
 * current stack, store the stack pointer in *prev_sp, load next_sp and
 * restore the registers saved there.  Returns prev in the next task's
 * context: the task it switched away from.
 */
struct task_struct *__switch_to_asm(unsigned long *prev_sp,
				    unsigned long next_sp,
				    struct task_struct *prev);

/* Where a new kernel thread starts: the frame built by copy_thread(). */
void ret_from_kthread(void);

/*
 * Prepare the stack of a task that has never run so that switching to
 * it enters fn(arg) through ret_from_kthread.
 */
void copy_thread(struct task_struct *p, int (*fn)(void *), void *arg);

/* Kernel stack for entries from user mode (TSS.rsp0), arch/x86/kernel/cpu.c. */
void load_sp0(unsigned long sp0);

/*
 * The registers of an entry from user mode, at the top of every task's
 * kernel stack (where TSS.rsp0 and the syscall entry put them).
 */
#define task_pt_regs(p) \
	((struct pt_regs *)(task_stack_top(p) - sizeof(struct pt_regs)))

/* Switch FPU state, FS/GS bases and page tables (context_switch()). */
void switch_user_state(struct task_struct *prev, struct task_struct *next);
/* User FPU state in its reset values (for thread.fpu; kfree() it). */
struct fpu_state *fpu_alloc(void);
/* The current task's live FPU registers copied to dst (fork). */
void fpu_save_current(struct fpu_state *dst);
/*
 * The current task's user FPU state (fxsave image) to user memory ubuf,
 * and back; the live registers are saved and loaded with preemption
 * disabled.  fpu_restore_user() drops MXCSR bits the CPU does not have.
 * 0 or -EFAULT.
 */
int fpu_save_user(void *ubuf);
int fpu_restore_user(const void *ubuf);
/* The current task's FPU registers to their reset values (a handler's). */
void fpu_reset_current(void);
/* Enter user mode with regs (entry_64.S); the kernel stack is reset. */
void start_user_thread(struct pt_regs *regs) __noreturn;

#endif /* _ASM_X86_SWITCH_TO_H */
