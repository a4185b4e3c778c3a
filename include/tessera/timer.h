/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_TIMER_H
#define _TESSERA_TIMER_H

#include <tessera/jiffies.h>

/*
 * Kernel timers: a callback run from the tick (interrupt context,
 * interrupts off) once jiffies reaches expires.  Pending timers sit in
 * one list sorted by expiry; timers due on the same tick run in the order
 * they were armed.
 */
struct timer_list {
	struct timer_list *next;	/* pending list; private */
	struct timer_list **pprev;	/* NULL when not pending */
	unsigned long expires;		/* in jiffies */
	void (*function)(struct timer_list *t);
	unsigned int flags;
};

/* The structure containing a timer, from the timer (in its callback). */
#define from_timer(var, timer, field) \
	container_of(timer, __typeof__(*(var)), field)

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags);
/* Arm (or re-arm) for expires; returns 1 if it was pending, else 0. */
int mod_timer(struct timer_list *t, unsigned long expires);
/* Arm for t->expires. */
void add_timer(struct timer_list *t);
/* Disarm; returns 1 if it was pending.  The callback may still be running. */
int del_timer(struct timer_list *t);
/* Disarm and wait for a running callback to finish (not from that callback). */
int del_timer_sync(struct timer_list *t);

static inline bool timer_pending(const struct timer_list *t)
{
	return READ_ONCE(t->pprev) != NULL;
}

/* From the tick: run every timer whose time has come. */
void run_timers(void);

#endif /* _TESSERA_TIMER_H */
