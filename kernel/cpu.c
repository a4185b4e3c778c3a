// SPDX-License-Identifier: GPL-2.0
/*
 * Which CPUs exist and which are online.  The boot CPU is both from the
 * start; SMP bring-up adds the others.
 */
#include <tessera/kernel.h>
#include <tessera/cpumask.h>

cpumask_t __cpu_possible_mask = { .bits = { 1 } };
cpumask_t __cpu_online_mask = { .bits = { 1 } };

void set_cpu_possible(unsigned int cpu, bool possible)
{
	if (possible)
		cpumask_set_cpu(cpu, &__cpu_possible_mask);
	else
		cpumask_clear_cpu(cpu, &__cpu_possible_mask);
}

void set_cpu_online(unsigned int cpu, bool online)
{
	if (online)
		cpumask_set_cpu(cpu, &__cpu_online_mask);
	else
		cpumask_clear_cpu(cpu, &__cpu_online_mask);
}
