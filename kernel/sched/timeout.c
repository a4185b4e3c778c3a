// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeper timers, schedule_timeout() and msleep().
 *
 * STAND-IN: the sched_timer list is the minimal timer this branch needs
 * for timed sleeps and delayed work.  When the kernel timers arrive
 * (timer_setup/mod_timer/del_timer_sync), struct sched_timer becomes a
 * struct timer_list, sched_timer_mod() mod_timer(), sched_timer_del()
 * del_timer(), sched_timer_del_sync() del_timer_sync(), and the call to
 * sched_timer_run() leaves scheduler_tick().
 *
 * One list sorted by expiry, one lock.  Arming walks the list from the
 * tail (new timers usually expire last); the tick pops expired timers
 * from the head and runs their callbacks with the lock dropped, one CPU
 * at a time (running_timer), which del_sync waits out.
 */
#include "sched.h"
#include <tessera/delay.h>

static LIST_HEAD(sched_timers);
static DEFINE_SPINLOCK(sched_timer_lock);
static struct sched_timer *running_timer;
static bool timers_running;

void sched_timer_init(struct sched_timer *t, void (*fn)(struct sched_timer *t))
{
	INIT_LIST_HEAD(&t->entry);
	t->expires = 0;
	t->fn = fn;
}

bool sched_timer_pending(const struct sched_timer *t)
{
	return !list_empty_careful(&t->entry);
}

bool sched_timer_mod(struct sched_timer *t, u64 expires)
{
	struct list_head *pos;
	unsigned long flags;
	bool was_pending;

	spin_lock_irqsave(&sched_timer_lock, flags);
	was_pending = !list_empty(&t->entry);
	if (was_pending)
		list_del_init(&t->entry);
	t->expires = expires;
	/* After the last timer that expires no later: FIFO among equals. */
	for (pos = sched_timers.prev; pos != &sched_timers; pos = pos->prev)
		if (!time_after(list_entry(pos, struct sched_timer, entry)->expires,
				expires))
			break;
	list_add(&t->entry, pos);
	spin_unlock_irqrestore(&sched_timer_lock, flags);
	return was_pending;
}

bool sched_timer_del(struct sched_timer *t)
{
	unsigned long flags;
	bool was_pending;

	spin_lock_irqsave(&sched_timer_lock, flags);
	was_pending = !list_empty(&t->entry);
	if (was_pending)
		list_del_init(&t->entry);
	spin_unlock_irqrestore(&sched_timer_lock, flags);
	return was_pending;
}

bool sched_timer_del_sync(struct sched_timer *t)
{
	unsigned long flags;
	bool was_pending;

	for (;;) {
		spin_lock_irqsave(&sched_timer_lock, flags);
		was_pending = !list_empty(&t->entry);
		if (was_pending)
			list_del_init(&t->entry);
		if (running_timer != t) {
			spin_unlock_irqrestore(&sched_timer_lock, flags);
			return was_pending;
		}
		spin_unlock_irqrestore(&sched_timer_lock, flags);
		cpu_relax();
	}
}

void sched_timer_run(void)
{
	u64 now = get_jiffies_64();
	struct sched_timer *t;
	unsigned long flags;

	spin_lock_irqsave(&sched_timer_lock, flags);
	if (timers_running) {		/* another CPU is at it */
		spin_unlock_irqrestore(&sched_timer_lock, flags);
		return;
	}
	timers_running = true;
	while (!list_empty(&sched_timers)) {
		t = list_first_entry(&sched_timers, struct sched_timer, entry);
		if (time_after(t->expires, now))
			break;
		list_del_init(&t->entry);
		running_timer = t;
		spin_unlock_irqrestore(&sched_timer_lock, flags);
		t->fn(t);
		spin_lock_irqsave(&sched_timer_lock, flags);
		running_timer = NULL;
	}
	timers_running = false;
	spin_unlock_irqrestore(&sched_timer_lock, flags);
}

static void process_timeout(struct sched_timer *t)
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
	tsk->sleep_timer.fn = process_timeout;
	sched_timer_mod(&tsk->sleep_timer, expire);
	schedule();
	sched_timer_del_sync(&tsk->sleep_timer);
	left = (long)(expire - get_jiffies_64());
	return left < 0 ? 0 : left;
}

long schedule_timeout_interruptible(long timeout)
{
	__set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

void msleep(unsigned int msecs)
{
	/* +1: the tick period we are in has partly gone already. */
	long timeout = msecs_to_jiffies(msecs) + 1;

	might_sleep();
	while (timeout)
		timeout = schedule_timeout_uninterruptible(timeout);
}

unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);		/* no signals to cut it short yet */
	return 0;
}
