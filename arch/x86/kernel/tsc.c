// SPDX-License-Identifier: GPL-2.0
/*
 * The TSC: a first calibration against PIT channel 2 at the very start
 * (for printk timestamps), refined against the HPET once ACPI and the
 * HPET are up (the PIT again, over a longer window, if there is no
 * HPET).  local_clock() -- nanoseconds since boot -- is the base of
 * printk timestamps and of ktime_get_ns(); a recalibration rebases it so
 * it never jumps or runs backwards.
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/time.h>
#include <asm/hpet.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/tsc.h>

#define PIT_TICK_RATE	1193182UL
#define CAL_MS		10
#define REFINE_PIT_MS	50
#define REFINE_HPET_NS	(20 * NSEC_PER_MSEC)

unsigned long tsc_khz;

/*
 * ns = base_ns + (tsc - base_tsc) * mult >> 32.  seq is odd while the
 * three are being changed (a seqcount: readers retry).
 */
static struct {
	u32 seq;
	u64 base_tsc;
	u64 base_ns;
	u64 mult;
} clk;

/* TSC cycles in ms milliseconds of PIT channel 2, one-shot mode. */
static u64 pit_measure_tsc(unsigned int ms)
{
	u32 latch = PIT_TICK_RATE * ms / 1000;
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

/*
 * A TSC value half way through an HPET read, and what the read gave.  Of
 * a few tries the quickest read counts: under a loaded host the virtual
 * CPU can stall for milliseconds inside one, which would skew the pair.
 */
static u64 tsc_at_hpet(u64 *hpet)
{
	u64 a, b, h, tsc = 0, best = U64_MAX;
	unsigned int i;

	*hpet = 0;
	for (i = 0; i < 8; i++) {
		a = rdtsc();
		h = hpet_ns();
		b = rdtsc();
		if (b - a < best) {
			best = b - a;
			tsc = a + (b - a) / 2;
			*hpet = h;
		}
	}
	return tsc;
}

static unsigned long hpet_measure_tsc_khz(void)
{
	u64 t0, t1, h0, h1;

	t0 = tsc_at_hpet(&h0);
	do {
		t1 = tsc_at_hpet(&h1);
	} while (h1 - h0 < REFINE_HPET_NS);
	return (t1 - t0) * NSEC_PER_MSEC / (h1 - h0);
}

static u64 median3(u64 a, u64 b, u64 c)
{
	if (a > b) {
		u64 t = a;

		a = b;
		b = t;
	}
	if (b > c)
		b = c;
	return a > b ? a : b;
}

static u64 cycles_to_ns(u64 cycles, u64 mult)
{
	return (u64)(((unsigned __int128)cycles * mult) >> 32);
}

/* Switch to a new frequency from now on, continuing from the current time. */
static void tsc_set_khz(unsigned long khz)
{
	unsigned long flags = local_irq_save();
	u64 now = rdtsc(), ns = 0;

	if (clk.mult && now > clk.base_tsc)
		ns = clk.base_ns + cycles_to_ns(now - clk.base_tsc, clk.mult);
	else if (clk.mult)
		ns = clk.base_ns;
	WRITE_ONCE(clk.seq, clk.seq + 1);
	barrier();
	clk.base_tsc = now;
	clk.base_ns = ns;
	clk.mult = (1000000ULL << 32) / khz;
	tsc_khz = khz;
	barrier();
	WRITE_ONCE(clk.seq, clk.seq + 1);
	local_irq_restore(flags);
}

void tsc_init(void)
{
	u64 start = rdtsc();
	unsigned long khz;

	khz = median3(pit_measure_tsc(CAL_MS), pit_measure_tsc(CAL_MS),
		      pit_measure_tsc(CAL_MS)) / CAL_MS;
	if (!khz) {
		pr_warn("tsc: calibration failed, timestamps stay at zero\n");
		return;
	}
	tsc_set_khz(khz);
	/* Time 0 is the start of tsc_init(), not the end of calibration. */
	clk.base_tsc = start;
	pr_info("tsc: %lu.%03lu MHz (calibrated against the PIT)\n",
		tsc_khz / 1000, tsc_khz % 1000);
}

void tsc_refine_calibration(void)
{
	unsigned long old = tsc_khz, khz;
	const char *src = "HPET";

	if (hpet_available()) {
		khz = median3(hpet_measure_tsc_khz(), hpet_measure_tsc_khz(),
			      hpet_measure_tsc_khz());
	} else {
		src = "PIT";
		khz = pit_measure_tsc(REFINE_PIT_MS) / REFINE_PIT_MS;
	}
	if (!khz) {
		pr_warn("tsc: refinement against the %s failed\n", src);
		return;
	}
	tsc_set_khz(khz);
	pr_info("tsc: refined against the %s: %lu.%03lu MHz (was %lu.%03lu MHz)\n",
		src, khz / 1000, khz % 1000, old / 1000, old % 1000);
}

u64 tsc_cycles_to_ns(u64 cycles)
{
	return cycles_to_ns(cycles, READ_ONCE(clk.mult));
}

u64 local_clock(void)
{
	u64 ns, now;
	u32 seq;

	do {
		seq = READ_ONCE(clk.seq);
		barrier();
		if (!clk.mult)
			return 0;
		now = rdtsc();
		ns = clk.base_ns;
		if (now > clk.base_tsc)
			ns += cycles_to_ns(now - clk.base_tsc, clk.mult);
		barrier();
	} while ((seq & 1) || READ_ONCE(clk.seq) != seq);
	return ns;
}

#ifdef CONFIG_SELFTEST
/*
 * Over 50 ms, the TSC clock and the HPET agree within 1 %.  A host stall
 * inside a bracketing read skews one try; the best of three counts.
 */
SELFTEST(tsc_hpet_agree)
{
	u64 t0, t1, h0, h1, dt, dh, diff, best = U64_MAX, best_dh = 1;
	unsigned int try;

	if (!hpet_available())
		return selftest_fail("no HPET");
	for (try = 0; try < 3; try++) {
		t0 = tsc_at_hpet(&h0);
		do {
			t1 = tsc_at_hpet(&h1);
		} while (h1 - h0 < 50 * NSEC_PER_MSEC);
		dt = tsc_cycles_to_ns(t1 - t0);
		dh = h1 - h0;
		diff = dt > dh ? dt - dh : dh - dt;
		if (diff < best) {
			best = diff;
			best_dh = dh;
		}
	}
	pr_info("selftest: tsc_hpet_agree: TSC and HPET differ by %llu ns in %llu ns (%llu ppm)\n",
		best, best_dh, best * 1000000 / best_dh);
	ST_ASSERT(best * 100 < best_dh);
	return 0;
}

/* A new calibration changes the rate, never the current value. */
SELFTEST(tsc_recalibration_monotonic)
{
	unsigned long khz = tsc_khz;
	u64 a, b, c, d;

	a = local_clock();
	tsc_set_khz(khz + khz / 2);
	b = local_clock();
	tsc_set_khz(khz / 2);
	c = local_clock();
	tsc_set_khz(khz);
	d = local_clock();
	ST_EQ(tsc_khz, khz);
	ST_ASSERT(a <= b && b <= c && c <= d);
	/* Nothing that took seconds happened in between. */
	ST_ASSERT(d - a < 10 * NSEC_PER_MSEC);
	return 0;
}
#endif
