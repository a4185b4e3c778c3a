// SPDX-License-Identifier: GPL-2.0
/*
 * Time for the fabric: every wait loop of the fabric sleeps through
 * fabric_delay_ms() and reads fabric_now_ms(), the monotonic clock.
 */
#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/fabric.h>
#include <tessera/time.h>
#include <tessera/timekeeping.h>

void fabric_delay_ms(unsigned int ms)
{
	msleep(ms);
}

u64 fabric_now_ms(void)
{
	return ktime_get_ns() / NSEC_PER_MSEC;
}
