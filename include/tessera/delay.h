/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_DELAY_H
#define _TESSERA_DELAY_H

#include <tessera/types.h>

/* Busy-waits on the TSC: for short waits, and where sleeping is not allowed. */
void ndelay(unsigned long nsecs);
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);

/*
 * Sleep at least msecs: the CPU halts until the deadline, woken by the
 * tick, so the wait ends up to one tick (1000/HZ ms) late.  Falls back to
 * busy-waiting with interrupts off, in interrupt context, or before the
 * tick runs.  msleep_interruptible() returns the milliseconds left (0:
 * there are no signals yet).
 */
void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);

/*
 * sleep_until - wait until ktime_get_ns() >= deadline_ns.
 * The one place that waits for time to pass; the scheduler replaces its
 * body (a timer and schedule()).
 */
void sleep_until(u64 deadline_ns);

#endif /* _TESSERA_DELAY_H */
