/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SMP_H
#define _TESSERA_SMP_H

#include <tessera/types.h>

typedef void (*smp_call_func_t)(void *info);

bool cpu_online(unsigned int cpu);
unsigned int num_online_cpus(void);
unsigned int hard_smp_processor_id(void);

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
