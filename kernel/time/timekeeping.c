// SPDX-License-Identifier: GPL-2.0
/*
 * Timekeeping.  The monotonic clock is the TSC (local_clock(), calibrated
 * against the HPET); the wall clock is that plus the offset found when
 * the RTC was read at boot, so both advance together and only
 * timekeeping_set_real_ns() moves the wall clock.
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/timekeeping.h>

static u64 wall_offset_ns;	/* wall clock at monotonic time 0 */

u64 ktime_get_ns(void)
{
	return local_clock();
}

u64 ktime_get_real_ns(void)
{
	return READ_ONCE(wall_offset_ns) + ktime_get_ns();
}

u64 ktime_get_real_seconds(void)
{
	return ktime_get_real_ns() / NSEC_PER_SEC;
}

void timekeeping_set_real_ns(u64 now_ns)
{
	WRITE_ONCE(wall_offset_ns, now_ns - ktime_get_ns());
}
