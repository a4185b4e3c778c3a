/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_DELAY_H
#define _TESSERA_DELAY_H

#include <tessera/types.h>

/* Busy-waits on the TSC: for short waits, and where sleeping is not allowed. */
void ndelay(unsigned long nsecs);
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);

/*
 * Sleep at least msecs milliseconds (kernel/sched/timeout.c).  Task
 * context only; the CPU runs other tasks or idles meanwhile.  The
 * granularity is one tick (1000/HZ ms); the sleep may last up to two
 * ticks longer than asked.  msleep_interruptible() returns the
 * milliseconds left when a signal ends it early, else 0.
 */
void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);

#endif /* _TESSERA_DELAY_H */
