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

#endif /* _TESSERA_SMP_H */
