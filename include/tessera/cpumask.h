/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_CPUMASK_H
#define _TESSERA_CPUMASK_H

/*
 * CPU masks: one bit per CPU id, NR_CPUS (CONFIG_NR_CPUS) bits.  The
 * set/clear operations on a single CPU are atomic; the whole-mask ones
 * are not.
 */
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/string.h>
#include <asm/bitops.h>

#define NR_CPUS		CONFIG_NR_CPUS

typedef struct cpumask {
	unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
} cpumask_t;

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *m)
{
	set_bit(cpu, m->bits);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *m)
{
	clear_bit(cpu, m->bits);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *m)
{
	return cpu < NR_CPUS && test_bit(cpu, m->bits);
}

static inline void cpumask_clear(cpumask_t *m)
{
	memset(m->bits, 0, sizeof(m->bits));
}

static inline void cpumask_setall(cpumask_t *m)
{
	unsigned int cpu;

	cpumask_clear(m);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		__set_bit(cpu, m->bits);
}

static inline void cpumask_copy(cpumask_t *dst, const cpumask_t *src)
{
	*dst = *src;
}

static inline unsigned int cpumask_next(int cpu, const cpumask_t *m)
{
	return find_next_bit(m->bits, NR_CPUS, cpu + 1);
}

static inline unsigned int cpumask_first(const cpumask_t *m)
{
	return find_first_bit(m->bits, NR_CPUS);
}

static inline bool cpumask_empty(const cpumask_t *m)
{
	return cpumask_first(m) >= NR_CPUS;
}

/* Does a share a CPU with b? */
static inline bool cpumask_intersects(const cpumask_t *a, const cpumask_t *b)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(a->bits); i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

static inline void cpumask_and(cpumask_t *dst, const cpumask_t *a,
			       const cpumask_t *b)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dst->bits); i++)
		dst->bits[i] = a->bits[i] & b->bits[i];
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(m->bits); i++)
		n += hweight64(m->bits[i]);
	return n;
}

#define for_each_cpu(cpu, mask)						\
	for ((cpu) = cpumask_first(mask); (cpu) < NR_CPUS;		\
	     (cpu) = cpumask_next(cpu, mask))

/*
 * The CPUs that exist (possible) and those that run kernel code now
 * (online).  kernel/cpu.c owns them; SMP bring-up sets CPUs online.
 */
extern cpumask_t __cpu_possible_mask, __cpu_online_mask;
#define cpu_possible_mask	((const cpumask_t *)&__cpu_possible_mask)
#define cpu_online_mask		((const cpumask_t *)&__cpu_online_mask)

#define for_each_possible_cpu(cpu)	for_each_cpu(cpu, cpu_possible_mask)
#define for_each_online_cpu(cpu)	for_each_cpu(cpu, cpu_online_mask)

static inline bool cpu_online(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, cpu_online_mask);
}

static inline unsigned int num_online_cpus(void)
{
	return cpumask_weight(cpu_online_mask);
}

void set_cpu_possible(unsigned int cpu, bool possible);
void set_cpu_online(unsigned int cpu, bool online);

#endif /* _TESSERA_CPUMASK_H */
