// SPDX-License-Identifier: GPL-2.0
/*
 * The PC CMOS real-time clock (MC146818): read once at boot to start the
 * wall clock.  The RTC is assumed to run in UTC.
 */
#define pr_fmt(fmt) "rtc: " fmt

#include <tessera/kernel.h>
#include <tessera/acpi.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/rtc.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <asm/io.h>

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71

#define RTC_SECONDS	0x00
#define RTC_MINUTES	0x02
#define RTC_HOURS	0x04
#define  RTC_HOURS_PM	0x80	/* 12-hour mode */
#define RTC_MDAY	0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09

#define UIP_WAIT_NS	(20 * NSEC_PER_MSEC)	/* an update takes < 2 ms */

struct cmos_regs {
	u8 sec, min, hour, mday, mon, year, century;
};

static DEFINE_SPINLOCK(rtc_lock);

u8 cmos_read(u8 reg)
{
	unsigned long flags;
	u8 v;

	spin_lock_irqsave(&rtc_lock, flags);
	outb(reg, CMOS_INDEX);
	v = inb(CMOS_DATA);
	spin_unlock_irqrestore(&rtc_lock, flags);
	return v;
}

void cmos_write(u8 val, u8 reg)
{
	unsigned long flags;

	spin_lock_irqsave(&rtc_lock, flags);
	outb(reg, CMOS_INDEX);
	outb(val, CMOS_DATA);
	spin_unlock_irqrestore(&rtc_lock, flags);
}

static bool wait_uip_clear(void)
{
	u64 end = ktime_get_ns() + UIP_WAIT_NS;

	while (cmos_read(RTC_REG_A) & RTC_UIP)
		if (ktime_get_ns() > end)
			return false;
	return true;
}

static void read_regs(struct cmos_regs *r)
{
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->mday = cmos_read(RTC_MDAY);
	r->mon = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->century = acpi_fadt_century ? cmos_read(acpi_fadt_century) : 0;
}

static unsigned int rtc_val(u8 v, bool bcd)
{
	return bcd ? (v & 0x0f) + (v >> 4) * 10 : v;
}

/*
 * Decode the registers as status register B says: BCD or binary, 12 or
 * 24 hours.  No century register (century == 0): 20xx.
 */
static int cmos_regs_to_tm(const struct cmos_regs *r, u8 regb,
			   struct rtc_time *tm)
{
	bool bcd = !(regb & RTC_DM_BINARY);
	unsigned int hour = rtc_val(r->hour & ~RTC_HOURS_PM, bcd);
	unsigned int century = 20;

	if (!(regb & RTC_24H)) {
		if (hour < 1 || hour > 12)
			return -EIO;
		hour %= 12;
		if (r->hour & RTC_HOURS_PM)
			hour += 12;
	}
	if (r->century && rtc_val(r->century, bcd) >= 19 &&
	    rtc_val(r->century, bcd) <= 99)
		century = rtc_val(r->century, bcd);
	tm->tm_sec = rtc_val(r->sec, bcd);
	tm->tm_min = rtc_val(r->min, bcd);
	tm->tm_hour = hour;
	tm->tm_mday = rtc_val(r->mday, bcd);
	tm->tm_mon = (int)rtc_val(r->mon, bcd) - 1;
	tm->tm_year = century * 100 + rtc_val(r->year, bcd) - 1900;
	if (tm->tm_sec > 59 || tm->tm_min > 59 || tm->tm_hour > 23 ||
	    tm->tm_mday < 1 || tm->tm_mday > 31 || tm->tm_mon < 0 ||
	    tm->tm_mon > 11 || rtc_val(r->year, bcd) > 99)
		return -EIO;
	return 0;
}

int cmos_read_time(struct rtc_time *tm)
{
	struct cmos_regs a, b;
	int tries;

	/* Two identical reads, each outside an update: a consistent time. */
	for (tries = 0; tries < 10; tries++) {
		if (!wait_uip_clear())
			return -EIO;
		read_regs(&a);
		if (!wait_uip_clear())
			return -EIO;
		read_regs(&b);
		if (!memcmp(&a, &b, sizeof(a)))
			return cmos_regs_to_tm(&a, cmos_read(RTC_REG_B), tm);
	}
	return -EIO;
}

void rtc_init(void)
{
	struct rtc_time tm;

	if (acpi_fadt_no_cmos_rtc) {
		pr_info("no CMOS RTC (FADT), the wall clock starts at 1970\n");
		return;
	}
	if (cmos_read_time(&tm)) {
		pr_err("cannot read the CMOS clock, the wall clock starts at 1970\n");
		return;
	}
	timekeeping_set_real_ns(rtc_tm_to_time64(&tm) * NSEC_PER_SEC);
	pr_info("%04d-%02d-%02d %02d:%02d:%02d UTC\n", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

#ifdef CONFIG_SELFTEST
#include <tessera/delay.h>
#include <tessera/interrupt.h>
#include <tessera/selftest.h>

static s64 regs_time(const struct cmos_regs *r, u8 regb)
{
	struct rtc_time tm;

	return cmos_regs_to_tm(r, regb, &tm) ? -1 : rtc_tm_to_time64(&tm);
}

SELFTEST(rtc_decode)
{
	struct cmos_regs bcd = { 0x07, 0x41, 0x00, 0x24, 0x11, 0x26, 0 };
	struct cmos_regs bin = { 7, 41, 0, 24, 11, 26, 20 };
	struct rtc_time tm = { 0, 0, 0, 1, 0, 70 };

	/* Gregorian calendar arithmetic, leap days included. */
	ST_EQ(rtc_tm_to_time64(&tm), 0);
	tm = (struct rtc_time){ 0, 0, 0, 1, 2, 100 };
	ST_EQ(rtc_tm_to_time64(&tm), 951868800);	/* 2000-03-01 */
	tm = (struct rtc_time){ 59, 59, 23, 28, 1, 200 };
	ST_EQ(rtc_tm_to_time64(&tm), 4107542399LL);	/* 2100-02-28 */

	/* 2026-11-24 00:41:07, BCD and binary, 24 h, no century register. */
	ST_EQ(regs_time(&bcd, RTC_24H), 1795480867);
	ST_EQ(regs_time(&bin, RTC_24H | RTC_DM_BINARY), 1795480867);
	/* 12-hour mode: 12 AM is 0 h, 12 PM is 12 h, 1 PM is 13 h. */
	bcd.hour = 0x12;
	ST_EQ(regs_time(&bcd, 0), 1795480867);
	bcd.hour = RTC_HOURS_PM | 0x12;
	ST_EQ(regs_time(&bcd, 0), 1795480867 + 12 * 3600);
	bin.hour = RTC_HOURS_PM | 1;
	ST_EQ(regs_time(&bin, RTC_DM_BINARY), 1795480867 + 13 * 3600);
	/* The century register: 1999-12-31 12:00:00. */
	bcd = (struct cmos_regs){ 0, 0, 0x12, 0x31, 0x12, 0x99, 0x19 };
	ST_EQ(regs_time(&bcd, RTC_24H), 946641600);
	/* Nonsense is refused. */
	bcd.mon = 0x13;
	ST_EQ(regs_time(&bcd, RTC_24H), -1);
	bcd.mon = 0x12;
	bcd.hour = 0x13;
	ST_EQ(regs_time(&bcd, 0), -1);
	return 0;
}

SELFTEST(rtc_wall_clock)
{
	struct rtc_time tm;
	u64 r0, r1, a0, b0, a1, b1;
	s64 rtc, off0, off1, slack;

	ST_EQ(cmos_read_time(&tm), 0);
	ST_ASSERT(tm.tm_year + 1900 >= 2024 && tm.tm_year + 1900 <= 2100);
	/* The wall clock follows the RTC... */
	rtc = rtc_tm_to_time64(&tm);
	ST_ASSERT(rtc - (s64)ktime_get_real_seconds() <= 2 &&
		  (s64)ktime_get_real_seconds() - rtc <= 2);
	/*
	 * ...and advances with the monotonic clock: wall minus monotonic
	 * stays constant.  Each wall read sits between two monotonic reads,
	 * so a vCPU stall in between widens the bracket, not the error.
	 */
	a0 = ktime_get_ns();
	r0 = ktime_get_real_ns();
	b0 = ktime_get_ns();
	mdelay(20);
	a1 = ktime_get_ns();
	r1 = ktime_get_real_ns();
	b1 = ktime_get_ns();
	ST_ASSERT(r1 - r0 >= 20 * NSEC_PER_MSEC);
	off0 = (s64)(r0 - a0);
	off1 = (s64)(r1 - a1);
	slack = (s64)(b0 - a0) + (s64)(b1 - a1) + 100 * NSEC_PER_USEC;
	ST_ASSERT(off1 - off0 <= slack && off0 - off1 <= slack);
	return 0;
}

static irqreturn_t rtc_test_interrupt(int irq, void *dev_id)
{
	if (!(cmos_read(RTC_REG_C) & RTC_PF))
		return IRQ_NONE;
	(*(volatile unsigned int *)dev_id)++;
	return IRQ_HANDLED;
}

/*
 * The RTC periodic interrupt (ISA IRQ 8) through the IOAPIC, at 64 Hz:
 * interrupts keep coming, no faster than programmed, and stop at free_irq.
 */
SELFTEST(rtc_periodic_irq)
{
	static volatile unsigned int hits;
	u8 a = cmos_read(RTC_REG_A), b = cmos_read(RTC_REG_B);
	u64 t0, t1, end;
	unsigned int n;

	hits = 0;
	ST_EQ(request_irq(8, rtc_test_interrupt, 0, "rtc0", (void *)&hits), 0);
	cmos_write((a & ~RTC_RATE_MASK) | 10, RTC_REG_A);	/* 64 Hz */
	cmos_write(b | RTC_PIE, RTC_REG_B);
	cmos_read(RTC_REG_C);
	t0 = ktime_get_ns();
	end = t0 + NSEC_PER_SEC;
	while (hits < 6 && ktime_get_ns() < end)
		cpu_relax();
	t1 = ktime_get_ns();
	free_irq(8, (void *)&hits);
	n = hits;
	mdelay(50);
	cmos_write(b & ~RTC_PIE, RTC_REG_B);
	cmos_write(a, RTC_REG_A);
	cmos_read(RTC_REG_C);
	ST_ASSERT(n >= 6);
	ST_ASSERT(n <= (t1 - t0) * 64 / NSEC_PER_SEC + 2);
	ST_ASSERT(kstat_irqs(8) >= n);
	ST_EQ(hits, n);
	return 0;
}
#endif
