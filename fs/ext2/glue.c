// SPDX-License-Identifier: GPL-2.0
/*
 * ext2's kernel environment: the wall clock for timestamps.  Host tests
 * provide their own (tests/host/ext2_host.c).
 */
#include <tessera/ext2.h>
#include <tessera/time.h>
#include <tessera/timekeeping.h>

void ext2_time_now(s64 *sec, u32 *nsec)
{
	u64 ns = ktime_get_real_ns();

	*sec = ns / NSEC_PER_SEC;
	*nsec = ns % NSEC_PER_SEC;
}
