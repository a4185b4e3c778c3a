/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_HARDIRQ_H
#define _TESSERA_HARDIRQ_H

/*
 * Entering and leaving hard interrupt context.  The IRQ layer calls
 * irq_enter() before running the handlers of an external interrupt and
 * irq_exit() after; in between in_irq() and in_interrupt() are true and
 * the scheduler will not switch tasks.  Preemption on the way out is the
 * entry code's job (irqentry_exit_cond_resched()), after irq_exit().
 */
#include <tessera/preempt.h>

struct pt_regs;

static __always_inline void irq_enter(void)
{
	preempt_count_add(HARDIRQ_OFFSET);
}

static __always_inline void irq_exit(void)
{
	preempt_count_sub(HARDIRQ_OFFSET);
}

/*
 * Handle an external interrupt (vectors >= 32).  Called by do_trap() with
 * interrupts disabled; brackets the handlers with irq_enter()/irq_exit().
 */
void do_IRQ(struct pt_regs *regs);

/*
 * On the way back from an interrupt: if the interrupted kernel code was
 * preemptible (preempt_count 0, interrupts enabled) and a reschedule is
 * pending, switch tasks now (kernel/sched/core.c).
 */
void irqentry_exit_cond_resched(struct pt_regs *regs);

#endif /* _TESSERA_HARDIRQ_H */
