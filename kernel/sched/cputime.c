// SPDX-License-Identifier: GPL-2.0
/*
 * Tick-based CPU time accounting and the load average (/proc/stat,
 * /proc/loadavg, times(), getrusage(), sysinfo()).
 *
 * Each tick is charged whole to what it interrupted: user mode of the
 * current task, the idle task, or kernel mode of the current task.  The
 * load average is Linux's: every LOAD_FREQ the number of runnable tasks
 * is folded into three exponentially decaying averages.
 */
#include "sched.h"
#include <tessera/jiffies.h>

static u64 kcpustat[NR_CPUS][NR_CPUTIME];

void account_process_tick(bool user)
{
	struct task_struct *curr = current;
	u64 *stat = kcpustat[smp_processor_id()];

	if (user) {
		curr->utime++;
		stat[CPUTIME_USER]++;
	} else if (is_idle_task(curr)) {
		stat[CPUTIME_IDLE]++;
	} else {
		curr->stime++;
		stat[CPUTIME_SYSTEM]++;
	}
}

u64 kcpustat_cpu(unsigned int cpu, enum cpu_usage_stat what)
{
	return READ_ONCE(kcpustat[cpu][what]);
}

unsigned long nr_running(void)
{
	unsigned long n = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		n += READ_ONCE(cpu_rq(cpu)->nr_running);
	return n;
}

u64 nr_context_switches(void)
{
	u64 n = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		n += READ_ONCE(cpu_rq(cpu)->nr_switches);
	return n;
}

/* Linux's constants: 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min). */
#define LOAD_FREQ	(5 * HZ + 1)
#define EXP_1		1884
#define EXP_5		2014
#define EXP_15		2037

static unsigned long avenrun[3];
static unsigned long calc_load_update = LOAD_FREQ;

static unsigned long calc_load(unsigned long load, unsigned long exp,
			       unsigned long active)
{
	unsigned long newload = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		newload += FIXED_1 - 1;
	return newload / FIXED_1;
}

void calc_global_load(void)
{
	unsigned long active;

	if (time_before(jiffies, calc_load_update))
		return;
	calc_load_update += LOAD_FREQ;
	active = nr_running() * FIXED_1;
	WRITE_ONCE(avenrun[0], calc_load(avenrun[0], EXP_1, active));
	WRITE_ONCE(avenrun[1], calc_load(avenrun[1], EXP_5, active));
	WRITE_ONCE(avenrun[2], calc_load(avenrun[2], EXP_15, active));
}

void get_avenrun(unsigned long *loads, unsigned long offset, int shift)
{
	int i;

	for (i = 0; i < 3; i++)
		loads[i] = (READ_ONCE(avenrun[i]) + offset) << shift;
}
