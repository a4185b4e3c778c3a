// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU areas: one struct percpu per CPU, addressed through GS.
 */
#include <tessera/kernel.h>
#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <asm/percpu.h>
#include <asm/processor.h>

struct percpu percpu_areas[NR_CPUS];

/* The offsets assembly code relies on (asm/percpu.h). */
BUILD_BUG_ON(offsetof(struct percpu, self) != PERCPU_self);
BUILD_BUG_ON(offsetof(struct percpu, current_task) != PERCPU_current_task);
BUILD_BUG_ON(offsetof(struct percpu, top_of_stack) != PERCPU_top_of_stack);
BUILD_BUG_ON(offsetof(struct percpu, cpu_number) != PERCPU_cpu_number);
BUILD_BUG_ON(offsetof(struct percpu, preempt_count) != PERCPU_preempt_count);
BUILD_BUG_ON(offsetof(struct percpu, need_resched) != PERCPU_need_resched);
BUILD_BUG_ON(offsetof(struct percpu, user_sp) != PERCPU_user_sp);

/*
 * Run on cpu itself, first thing: until its GS base is set, nothing that
 * touches per-CPU data (spinlocks, printk, current) may run.  Its first
 * task is the boot CPU's init_task, or the idle task SMP bring-up gives
 * an AP (which then sets current_task itself).
 */
void setup_percpu_cpu(unsigned int cpu)
{
	struct percpu *pc = per_cpu_ptr(cpu);

	pc->self = pc;
	pc->cpu_number = cpu;
	pc->preempt_count = PREEMPT_DISABLED;
	if (cpu == 0) {
		pc->current_task = &init_task;
		pc->top_of_stack = task_stack_top(&init_task);
	}
	wrmsr(MSR_GS_BASE, (unsigned long)pc);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
