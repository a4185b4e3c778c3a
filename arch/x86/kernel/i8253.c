// SPDX-License-Identifier: GPL-2.0
/*
 * The PIT.  Channel 2 calibrates the TSC (tsc.c); channel 0, which the
 * BIOS leaves ticking at 18.2 Hz, is not needed once the local APIC timer
 * gives the tick.
 */
#include <tessera/kernel.h>
#include <asm/io.h>
#include <asm/tsc.h>

#define PIT_MODE	0x43
#define PIT_CH0		0x40

void pit_shutdown(void)
{
	/* Channel 0, one-shot (mode 0), longest count: one last edge, then quiet. */
	outb(0x30, PIT_MODE);
	outb(0, PIT_CH0);
	outb(0, PIT_CH0);
}
