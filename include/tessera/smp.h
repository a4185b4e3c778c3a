/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SMP_H
#define _TESSERA_SMP_H

#include <tessera/cpumask.h>
#include <tessera/preempt.h>
#include <asm/percpu.h>

/*
 * The CPU this code runs on.  Only stable while preemption is disabled
 * (or in an interrupt); raw_smp_processor_id() is for statistics and
 * hints where a stale answer is harmless.
 */
#define raw_smp_processor_id()	((int)this_cpu_read(cpu_number))
#define smp_processor_id()	raw_smp_processor_id()

/*
 * Ask cpu to reschedule (an IPI).  A weak no-op until the APIC code
 * provides it: with one CPU there is never anyone else to ask.
 */
void smp_send_reschedule(int cpu);

/* The CPU number from the local APIC ID: works before per-CPU areas. */
unsigned int hard_smp_processor_id(void);

typedef void (*smp_call_func_t)(void *info);

/*
 * Run func(info) on cpu (or on every online CPU, this one included),
 * from its interrupt handler; wait for it to finish if asked.  Call with
 * interrupts enabled.
 */
int smp_call_function_single(unsigned int cpu, smp_call_func_t func,
			     void *info, bool wait);
void on_each_cpu(smp_call_func_t func, void *info, bool wait);

/* Flush a kernel virtual range from every CPU's TLB. */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

#endif /* _TESSERA_SMP_H */
