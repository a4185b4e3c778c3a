// SPDX-License-Identifier: GPL-2.0
/*
 * The HPET, as a clock only: the main counter is the reference the TSC
 * and the local APIC timer are calibrated against.  No comparator is
 * used, and legacy replacement stays off so the PIT and the RTC keep
 * their ISA interrupts.
 */
#define pr_fmt(fmt) "hpet: " fmt

#include <tessera/kernel.h>
#include <tessera/acpi.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/time.h>
#include <asm/hpet.h>
#include <asm/io.h>

#define HPET_ID			0x000
#define  HPET_ID_NUMBER_SHIFT	8
#define  HPET_ID_64BIT		(1 << 13)
#define HPET_CFG		0x010
#define  HPET_CFG_ENABLE	(1 << 0)
#define  HPET_CFG_LEGACY	(1 << 1)
#define HPET_COUNTER		0x0f0
#define HPET_Tn_CFG(n)		(0x100 + 0x20 * (n))
#define  HPET_TN_INT_ENB	(1 << 2)
#define HPET_MAX_PERIOD_FS	100000000U	/* 100 ns: 10 MHz minimum */
#define HPET_MMIO_SIZE		0x400

static void __iomem *hpet_base;
static u32 hpet_period;			/* fs per count */
static u64 hpet_mult;			/* ns = count * mult >> 32 */
static bool hpet_64bit;
static u64 hpet_last, hpet_high;	/* 32-bit counters: extension */

bool hpet_available(void)
{
	return hpet_base != NULL;
}

u32 hpet_period_fs(void)
{
	return hpet_period;
}

u64 hpet_frequency(void)
{
	return hpet_period ? 1000000000000000ULL / hpet_period : 0;
}

u64 hpet_read_counter(void)
{
	if (hpet_64bit)
		return readq(hpet_base + HPET_COUNTER);
	return readl(hpet_base + HPET_COUNTER);
}

u64 hpet_ns(void)
{
	u64 c;

	if (!hpet_base)
		return 0;
	c = hpet_read_counter();
	if (!hpet_64bit) {
		/* Good while read at least once per wrap (minutes). */
		if (c < hpet_last)
			hpet_high += 1ULL << 32;
		hpet_last = c;
		c += hpet_high;
	}
	return (u64)(((unsigned __int128)c * hpet_mult) >> 32);
}

int hpet_init(void)
{
	unsigned int i, nr_timers;
	u64 id, cfg;

	if (!acpi_hpet_address)
		return -ENODEV;
	hpet_base = ioremap(acpi_hpet_address, HPET_MMIO_SIZE);
	if (!hpet_base)
		return -ENODEV;
	id = readq(hpet_base + HPET_ID);
	hpet_period = id >> 32;
	if (!hpet_period || hpet_period > HPET_MAX_PERIOD_FS) {
		pr_err("invalid period %u fs, not used\n", hpet_period);
		iounmap(hpet_base);
		hpet_base = NULL;
		return -ENODEV;
	}
	hpet_64bit = id & HPET_ID_64BIT;
	/* 2^32 * period / 10^6 fits: period <= 10^8 fs. */
	hpet_mult = ((u64)hpet_period << 32) / 1000000;
	nr_timers = ((id >> HPET_ID_NUMBER_SHIFT) & 0x1f) + 1;

	cfg = readq(hpet_base + HPET_CFG);
	cfg &= ~(HPET_CFG_ENABLE | HPET_CFG_LEGACY);
	writeq(cfg, hpet_base + HPET_CFG);
	for (i = 0; i < nr_timers; i++) {
		u64 t = readq(hpet_base + HPET_Tn_CFG(i));

		writeq(t & ~HPET_TN_INT_ENB, hpet_base + HPET_Tn_CFG(i));
	}
	writeq(0, hpet_base + HPET_COUNTER);
	writeq(cfg | HPET_CFG_ENABLE, hpet_base + HPET_CFG);

	pr_info("%u comparators, %d-bit counter, %llu.%06llu MHz, at %#llx\n",
		nr_timers, hpet_64bit ? 64 : 32, hpet_frequency() / 1000000,
		hpet_frequency() % 1000000, acpi_hpet_address);
	return 0;
}

#ifdef CONFIG_SELFTEST
SELFTEST(hpet_counter)
{
	u64 c0, c1, n0, n1;
	unsigned int i;

	ST_ASSERT(hpet_available());
	ST_ASSERT(readq(hpet_base + HPET_CFG) & HPET_CFG_ENABLE);
	ST_ASSERT(!(readq(hpet_base + HPET_CFG) & HPET_CFG_LEGACY));
	ST_ASSERT(hpet_frequency() >= 10000000);
	/* The counter moves forward, never back. */
	c0 = hpet_read_counter();
	n0 = hpet_ns();
	for (i = 0; i < 1000; i++) {
		c1 = hpet_read_counter();
		ST_ASSERT(c1 >= c0);
		c0 = c1;
	}
	n1 = hpet_ns();
	ST_ASSERT(n1 > n0);
	/* QEMU: 100 MHz, mult exactly 10 << 32. */
	if (hpet_period == 10000000)
		ST_EQ(hpet_mult, 10ULL << 32);
	return 0;
}
#endif
