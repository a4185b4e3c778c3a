/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_JIFFIES_H
#define _TESSERA_JIFFIES_H

/*
 * jiffies: ticks since boot, HZ (CONFIG_HZ) per second, advanced by the
 * periodic tick.  64 bits, so it never wraps in practice; still compare
 * with time_after() and friends, which are correct across a wrap.
 * Aligned 64-bit loads are atomic on x86-64: read it with
 * get_jiffies_64() (or READ_ONCE) so the compiler reloads it.
 */
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/kernel.h>

#define HZ		CONFIG_HZ

extern u64 jiffies;

static inline u64 get_jiffies_64(void)
{
	return READ_ONCE(jiffies);
}

#define time_after(a, b)	((s64)((u64)(b) - (u64)(a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((s64)((u64)(a) - (u64)(b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)

/* Longest timeout a long can express without overflowing jiffies math. */
#define MAX_JIFFY_OFFSET	((LONG_MAX >> 1) - 1)

/* Round up: a timeout of m ms never expires early. */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return DIV_ROUND_UP((u64)m * HZ, 1000);
}

static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return DIV_ROUND_UP((u64)u * HZ, 1000000);
}

static inline unsigned int jiffies_to_msecs(u64 j)
{
	return j * 1000 / HZ;
}

#endif /* _TESSERA_JIFFIES_H */
