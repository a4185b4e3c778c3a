/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_JIFFIES_H
#define _TESSERA_JIFFIES_H

#include <tessera/kernel.h>
#include <tessera/time.h>
#include <uapi/linux/times.h>

#define HZ		CONFIG_HZ

/*
 * Ticks since the tick started: 64 bits (unsigned long on x86-64), so it
 * never wraps in practice; still, compare with the time_* macros.
 * Incremented by the boot CPU's tick only.
 */
extern volatile unsigned long jiffies;

static inline u64 get_jiffies_64(void)
{
	return jiffies;
}

/* Wrap-safe comparisons of jiffies values. */
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)

/* Longest timeout a long can express without overflowing jiffies math. */
#define MAX_JIFFY_OFFSET	((LONG_MAX >> 1) - 1)

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return j * MSEC_PER_SEC / HZ;
}

static inline unsigned int jiffies_to_usecs(unsigned long j)
{
	return j * USEC_PER_SEC / HZ;
}

/* Ticks of HZ as the clock ticks of the user ABI (times(), /proc). */
static inline u64 jiffies_to_clock_t(u64 j)
{
	return j * USER_HZ / HZ;
}

/* Rounded up: a timeout is never shorter than asked. */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return DIV_ROUND_UP((unsigned long)m * HZ, MSEC_PER_SEC);
}

static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return DIV_ROUND_UP((unsigned long)u * HZ, USEC_PER_SEC);
}

#endif /* _TESSERA_JIFFIES_H */
