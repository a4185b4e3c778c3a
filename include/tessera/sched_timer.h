/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SCHED_TIMER_H
#define _TESSERA_SCHED_TIMER_H

/*
 * Sleeper timers (kernel/sched/timeout.c): the minimal timer behind
 * schedule_timeout() and delayed work until the kernel timers of the
 * time branch (timer_setup/mod_timer/del_timer) replace them at merge.
 *
 * Pending timers sit on one list sorted by expiry, under one lock;
 * scheduler_tick() runs the expired ones in interrupt context, so the
 * callback must not sleep.  Arming is O(pending timers), firing O(1)
 * per timer.
 */
#include <tessera/list.h>
#include <tessera/types.h>

struct sched_timer {
	struct list_head entry;		/* on the list while pending */
	u64 expires;			/* in jiffies */
	void (*fn)(struct sched_timer *t);
};

void sched_timer_init(struct sched_timer *t, void (*fn)(struct sched_timer *t));
/* Arm t to fire once jiffies reaches expires; true if it was pending. */
bool sched_timer_mod(struct sched_timer *t, u64 expires);
/* Disarm; true if t was pending.  The callback may still be running. */
bool sched_timer_del(struct sched_timer *t);
/* Disarm and wait for a running callback to return; may not be called
 * from the callback itself or with a lock the callback takes. */
bool sched_timer_del_sync(struct sched_timer *t);
bool sched_timer_pending(const struct sched_timer *t);

/* Run the expired timers (scheduler_tick()). */
void sched_timer_run(void);

#endif /* _TESSERA_SCHED_TIMER_H */
