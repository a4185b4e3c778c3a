/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SWITCH_TO_H
#define _ASM_X86_SWITCH_TO_H

#include <tessera/compiler.h>

struct task_struct;

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

#endif /* _ASM_X86_SWITCH_TO_H */
