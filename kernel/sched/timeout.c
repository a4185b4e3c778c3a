// SPDX-License-Identifier: GPL-2.0
/*
 * schedule_timeout() and msleep().
 *
 * Timed sleeps arm a kernel timer (kernel/time/timer.c) that wakes
 * the task; delayed work uses the same timers.
 */
#include "sched.h"
#include <tessera/delay.h>
#include <tessera/time.h>
#include <tessera/timekeeping.h>

static void process_timeout(struct timer_list *t)
{
	wake_up_process(container_of(t, struct task_struct, sleep_timer));
}

long schedule_timeout(long timeout)
{
	struct task_struct *tsk = current;
	u64 expire;
	long left;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0) {
		pr_err("schedule_timeout: wrong timeout value %lx\n", timeout);
		WARN_ON_ONCE(1);
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	expire = get_jiffies_64() + timeout;
	tsk->sleep_timer.function = process_timeout;
	mod_timer(&tsk->sleep_timer, expire);
	schedule();
	del_timer_sync(&tsk->sleep_timer);
	left = (long)(expire - get_jiffies_64());
	return left < 0 ? 0 : left;
}

/* Returns early, with the time left, when a signal is pending. */
long schedule_timeout_interruptible(long timeout)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (signal_pending(current)) {
		__set_current_state(TASK_RUNNING);
		return timeout;
	}
	return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

/*
 * Sleep by ticks, but end by the clock: late ticks delivered in a burst
 * (a descheduled vCPU) advance jiffies faster than time passes, and a
 * sleep must never be shorter than asked.
 */
void msleep(unsigned int msecs)
{
	u64 deadline = ktime_get_ns() + (u64)msecs * NSEC_PER_MSEC;
	u64 now;

	might_sleep();
	while ((now = ktime_get_ns()) < deadline) {
		u64 left = deadline - now;

		/* +1: the tick period we are in has partly gone already. */
		schedule_timeout_uninterruptible(DIV_ROUND_UP(left, NSEC_PER_SEC / HZ) + 1);
	}
}

/* Like msleep(), but a signal ends it: the milliseconds left. */
unsigned long msleep_interruptible(unsigned int msecs)
{
	u64 deadline = ktime_get_ns() + (u64)msecs * NSEC_PER_MSEC;
	u64 now;

	might_sleep();
	while ((now = ktime_get_ns()) < deadline) {
		if (signal_pending(current))
			return DIV_ROUND_UP(deadline - now, NSEC_PER_MSEC);
		schedule_timeout_interruptible(DIV_ROUND_UP(deadline - now,
							    NSEC_PER_SEC / HZ) + 1);
	}
	return 0;
}
