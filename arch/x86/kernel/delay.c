// SPDX-License-Identifier: GPL-2.0
/* Busy-wait delays on the TSC. */
#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/tsc.h>

static void delay_cycles(u64 cycles)
{
	u64 start = rdtsc();

	while (rdtsc() - start < cycles)
		cpu_relax();
}

void ndelay(unsigned long nsecs)
{
	delay_cycles(DIV_ROUND_UP((u64)nsecs * tsc_khz, 1000000));
}

void udelay(unsigned long usecs)
{
	/* Before the TSC is calibrated: port 0x80 writes, ~1 us each. */
	if (!tsc_khz) {
		while (usecs--)
			io_delay();
		return;
	}
	delay_cycles(DIV_ROUND_UP((u64)usecs * tsc_khz, 1000));
}

/* One deadline, so that a stall of the CPU part way does not add up. */
void mdelay(unsigned long msecs)
{
	if (!tsc_khz) {
		while (msecs--)
			udelay(1000);
		return;
	}
	delay_cycles((u64)msecs * tsc_khz);
}
