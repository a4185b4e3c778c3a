/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_PERCPU_H
#define _ASM_X86_PERCPU_H

/*
 * Per-CPU data.  Each CPU has one struct percpu; its GS base points at
 * it while in the kernel (entry_64.S swaps GS on entry from user mode),
 * so a field is one %gs-relative instruction away and reading or
 * updating it cannot be torn by an interrupt or a migration in the
 * middle.  Reading a field and then acting on it can still be: code
 * that needs "this CPU" to stay the same disables preemption.
 *
 * Layout (the offsets are ABI for assembly code, checked at build time
 * in arch/x86/kernel/setup_percpu.c):
 *
 *	0	self		this struct (this_cpu_ptr())
 *	8	current_task	the task running on this CPU (current)
 *	16	top_of_stack	top of current's kernel stack
 *	24	cpu_number	smp_processor_id()
 *	28	preempt_count	see include/tessera/preempt.h
 *	32	need_resched	set when this CPU should call schedule()
 *	40	user_sp		user stack pointer, saved by the syscall entry
 */
#define PERCPU_self		0
#define PERCPU_current_task	8
#define PERCPU_top_of_stack	16
#define PERCPU_cpu_number	24
#define PERCPU_preempt_count	28
#define PERCPU_need_resched	32
#define PERCPU_user_sp		40

#ifndef __ASSEMBLY__
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/cpumask.h>

struct task_struct;
struct mm_struct;

struct percpu {
	struct percpu *self;
	struct task_struct *current_task;
	unsigned long top_of_stack;
	unsigned int cpu_number;
	int preempt_count;
	int need_resched;
	unsigned long user_sp;
	struct mm_struct *loaded_mm;	/* user page tables in CR3, or NULL */
} __aligned(64);

extern struct percpu percpu_areas[NR_CPUS];

#define __percpu_off(m)		offsetof(struct percpu, m)
#define __percpu_type(m)	__typeof__(((struct percpu *)0)->m)

/* Read a field of this CPU's struct percpu. */
#define this_cpu_read(m) ({						\
	__percpu_type(m) __v;						\
	asm volatile("mov %%gs:%c1, %0"					\
		     : "=r"(__v) : "i"(__percpu_off(m)));		\
	__v;								\
})

/*
 * For fields that never change under the running code (current): the
 * compiler may reuse an earlier read.
 */
#define this_cpu_read_stable(m) ({					\
	__percpu_type(m) __v;						\
	asm("mov %%gs:%c1, %0" : "=r"(__v) : "i"(__percpu_off(m)));	\
	__v;								\
})

#define this_cpu_write(m, val) do {					\
	__percpu_type(m) __v = (val);					\
	asm volatile("mov %1, %%gs:%c0"					\
		     : : "i"(__percpu_off(m)), "r"(__v) : "memory");	\
} while (0)

/* Add to a field; one instruction, so safe against local interrupts. */
#define this_cpu_add(m, val) do {					\
	__percpu_type(m) __v = (val);					\
	asm volatile("add %1, %%gs:%c0"					\
		     : : "i"(__percpu_off(m)), "r"(__v)			\
		     : "memory", "cc");					\
} while (0)

/* This CPU's struct percpu, and another CPU's. */
#define this_cpu_ptr()		this_cpu_read_stable(self)
#define per_cpu_ptr(cpu)	(&percpu_areas[cpu])
#define per_cpu(cpu, m)		(per_cpu_ptr(cpu)->m)

/* Point this CPU's GS base at its struct percpu (arch/x86/kernel/setup_percpu.c). */
void setup_percpu_cpu(unsigned int cpu);
#endif /* !__ASSEMBLY__ */

#endif /* _ASM_X86_PERCPU_H */
