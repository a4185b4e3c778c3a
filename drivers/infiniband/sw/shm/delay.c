// SPDX-License-Identifier: GPL-2.0
/*
 * Time for the fabric, in one place, until the core-kernel branches land.
 *
 * There are no timer interrupts yet, so a delay is a busy-wait that polls
 * the TSC (calibrated against the PIT at boot), and "now" is local_clock().
 *
 * MERGE: with the time branch, fabric_delay_ms() becomes msleep() (or
 * mdelay() where sleeping is not allowed) and fabric_now_ms() the kernel's
 * monotonic clock; every wait loop of the fabric goes through these two.
 */
#include <tessera/kernel.h>
#include <tessera/fabric.h>
#include <tessera/printk.h>	/* local_clock() */
#include <asm/processor.h>
#include <asm/tsc.h>

/* Used only if TSC calibration failed: assume a 1 GHz TSC. */
#define FALLBACK_TSC_KHZ	1000000UL

void fabric_delay_ms(unsigned int ms)
{
	u64 khz = tsc_khz ? tsc_khz : FALLBACK_TSC_KHZ;
	u64 start = rdtsc(), cycles = (u64)ms * khz;

	while (rdtsc() - start < cycles)
		cpu_relax();
}

u64 fabric_now_ms(void)
{
	if (tsc_khz)
		return local_clock() / 1000000;
	return rdtsc() / FALLBACK_TSC_KHZ;
}
