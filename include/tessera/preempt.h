/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_PREEMPT_H
#define _TESSERA_PREEMPT_H

/*
 * Preemption counting.
 *
 * Each CPU has a preempt_count (struct percpu, read with one %gs-relative
 * instruction):
 *
 *	bits  0- 7	preemption disable depth (preempt_disable, spinlocks)
 *	bits  8-15	softirq depth (reserved: there are no softirqs yet)
 *	bits 16-19	hardirq depth (irq_enter/irq_exit)
 *	bits 20-23	NMI depth
 *
 * The running task may be preempted only when the whole count is zero
 * and interrupts are enabled.  The count is per CPU, not per task: every
 * context switch happens at the same depth (see kernel/sched/core.c), so
 * it need not be saved.  The boot CPU starts at 1 and its idle task
 * stays at 1; every other task starts running at 0.
 *
 * need_resched is a per-CPU flag set when something more important than
 * the running task became runnable here (or its time slice ran out).  It
 * is honoured at preempt_enable() reaching zero, on return from an
 * interrupt to preemptible kernel code, and in cond_resched().
 */
#include <tessera/compiler.h>
#include <asm/percpu.h>
#include <asm/processor.h>

#define PREEMPT_BITS	8
#define SOFTIRQ_BITS	8
#define HARDIRQ_BITS	4
#define NMI_BITS	4

#define PREEMPT_SHIFT	0
#define SOFTIRQ_SHIFT	(PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT	(SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT	(HARDIRQ_SHIFT + HARDIRQ_BITS)

#define __IRQ_MASK(x)	((1U << (x)) - 1)
#define PREEMPT_MASK	(__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK	(__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK	(__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK	(__IRQ_MASK(NMI_BITS) << NMI_SHIFT)

#define PREEMPT_OFFSET	(1U << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET	(1U << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET	(1U << HARDIRQ_SHIFT)
#define NMI_OFFSET	(1U << NMI_SHIFT)

/* The count the boot CPU starts with and its idle task keeps. */
#define PREEMPT_DISABLED	PREEMPT_OFFSET

static __always_inline int preempt_count(void)
{
	return this_cpu_read(preempt_count);
}

static __always_inline void preempt_count_add(int val)
{
	this_cpu_add(preempt_count, val);
}

static __always_inline void preempt_count_sub(int val)
{
	this_cpu_add(preempt_count, -val);
}

/* Decrement; true if the count reached zero. */
static __always_inline bool __preempt_count_dec_and_test(void)
{
	bool zero;

	asm volatile("decl %%gs:%c1"
		     : "=@ccz"(zero) : "i"(__percpu_off(preempt_count))
		     : "memory");
	return zero;
}

static __always_inline bool need_resched(void)
{
	return unlikely(this_cpu_read(need_resched));
}

#define hardirq_count()	(preempt_count() & HARDIRQ_MASK)
#define softirq_count()	(preempt_count() & SOFTIRQ_MASK)
#define irq_count()	(preempt_count() & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK))

/* In an interrupt handler (hard or soft) or an NMI. */
#define in_interrupt()	(irq_count() != 0)
#define in_irq()	(hardirq_count() != 0)
#define in_hardirq()	in_irq()
#define in_nmi()	((preempt_count() & NMI_MASK) != 0)
/* Running a task, not an interrupt. */
#define in_task()	(!in_interrupt())
/* Sleeping is forbidden: preemption is off or an interrupt is running. */
#define in_atomic()	(preempt_count() != 0)

static __always_inline bool irqs_disabled(void)
{
	return !(local_save_flags() & X86_EFLAGS_IF);
}

/* Could the running task be preempted right now? */
#define preemptible()	(preempt_count() == 0 && !irqs_disabled())

/* kernel/sched/core.c: reschedule if needed and allowed. */
void preempt_schedule(void);

#define preempt_disable() do {						\
	preempt_count_add(1);						\
	barrier();							\
} while (0)

#define preempt_enable_no_resched() do {				\
	barrier();							\
	preempt_count_sub(1);						\
} while (0)

#define sched_preempt_enable_no_resched()	preempt_enable_no_resched()

#define preempt_enable() do {						\
	barrier();							\
	if (unlikely(__preempt_count_dec_and_test()) && need_resched())	\
		preempt_schedule();					\
} while (0)

/* Reschedule if a preemption request is pending (preemption enabled). */
#define preempt_check_resched() do {					\
	if (need_resched())						\
		preempt_schedule();					\
} while (0)

#endif /* _TESSERA_PREEMPT_H */
