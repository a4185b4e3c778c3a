// SPDX-License-Identifier: GPL-2.0
/*
 * TSC calibration against PIT channel 2, and the clock behind printk
 * timestamps.  Good to a fraction of a percent; the core-kernel work
 * refines it against the HPET.
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#define PIT_TICK_RATE	1193182UL
#define CAL_MS		10

unsigned long tsc_khz;
static u64 tsc_at_boot;
static u64 tsc_to_ns_mult;	/* ns = cycles * mult >> 32 */

/* TSC cycles in CAL_MS milliseconds of PIT channel 2, one-shot mode. */
static u64 pit_measure_tsc(void)
{
	u32 latch = PIT_TICK_RATE / (1000 / CAL_MS);
	u64 t1, t2;
	u8 gate;

	/* Gate channel 2 on, speaker off. */
	gate = inb(0x61);
	outb((gate & ~0x02) | 0x01, 0x61);
	outb(0xb0, 0x43);	/* channel 2, lobyte/hibyte, mode 0, binary */
	outb(latch & 0xff, 0x42);
	outb(latch >> 8, 0x42);

	t1 = rdtsc();
	while (!(inb(0x61) & 0x20))	/* OUT2 goes high at terminal count */
		;
	t2 = rdtsc();
	outb(gate, 0x61);
	return t2 - t1;
}

void tsc_init(void)
{
	u64 samples[3], t;
	int i, j;

	tsc_at_boot = rdtsc();
	for (i = 0; i < 3; i++)
		samples[i] = pit_measure_tsc();
	/* Median of three: one preempted host thread must not skew it. */
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (samples[j] < samples[i]) {
				t = samples[i];
				samples[i] = samples[j];
				samples[j] = t;
			}
	tsc_khz = samples[1] / CAL_MS;
	if (!tsc_khz) {
		pr_warn("tsc: calibration failed, timestamps stay at zero\n");
		return;
	}
	tsc_to_ns_mult = (1000000ULL << 32) / tsc_khz;
	pr_info("tsc: %lu.%03lu MHz (calibrated against the PIT)\n",
		tsc_khz / 1000, tsc_khz % 1000);
}

u64 tsc_cycles_to_ns(u64 cycles)
{
	return (u64)(((unsigned __int128)cycles * tsc_to_ns_mult) >> 32);
}

u64 local_clock(void)
{
	if (!tsc_to_ns_mult)
		return 0;
	return tsc_cycles_to_ns(rdtsc() - tsc_at_boot);
}
