/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_DELAY_H
#define _TESSERA_DELAY_H

/*
 * Sleep at least msecs milliseconds (kernel/sched/timeout.c).  Task
 * context only; the CPU runs other tasks or idles meanwhile.  The
 * granularity is one tick (1000/HZ ms); the sleep may last up to two
 * ticks longer than asked.
 */
void msleep(unsigned int msecs);

#endif /* _TESSERA_DELAY_H */
