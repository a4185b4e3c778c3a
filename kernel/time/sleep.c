// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping until a point in time.  Without a scheduler there is nothing
 * else to run, so the CPU halts with interrupts on and the tick (or any
 * other interrupt) wakes it to check the clock: an idle node sleeps
 * instead of spinning, and a sleep ends at most one tick late.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/delay.h>
#include <tessera/interrupt.h>
#include <tessera/timekeeping.h>
#include <asm/processor.h>

static unsigned long nr_sleep_halts;	/* wake-ups while sleeping */

void sleep_until(u64 deadline_ns)
{
	if (!(local_save_flags() & X86_EFLAGS_IF) || !tick_running() ||
	    WARN_ON_ONCE(in_interrupt())) {
		while (ktime_get_ns() < deadline_ns)
			cpu_relax();
		return;
	}
	for (;;) {
		local_irq_disable();
		if (ktime_get_ns() >= deadline_ns)
			break;
		safe_halt();
		nr_sleep_halts++;
	}
	local_irq_enable();
}

void msleep(unsigned int msecs)
{
	sleep_until(ktime_get_ns() + (u64)msecs * NSEC_PER_MSEC);
}

unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}

#ifdef CONFIG_SELFTEST
#include <tessera/jiffies.h>
#include <tessera/selftest.h>

/* msleep halts between ticks rather than spinning: about one wake-up per tick. */
SELFTEST(msleep_halts)
{
	unsigned long halts = nr_sleep_halts, j = jiffies;

	msleep(100);
	ST_ASSERT(jiffies - j >= 1);
	ST_ASSERT(nr_sleep_halts - halts >= 1);
	ST_ASSERT(nr_sleep_halts - halts <= 3 * (jiffies - j) + 3);
	return 0;
}
#endif
