/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_RTC_H
#define _TESSERA_RTC_H

#include <tessera/types.h>

/* Broken-down UTC time, with the struct tm conventions. */
struct rtc_time {
	int tm_sec;
	int tm_min;
	int tm_hour;
	int tm_mday;	/* 1-31 */
	int tm_mon;	/* 0-11 */
	int tm_year;	/* years since 1900 */
};

/* Seconds since 1970-01-01 00:00:00 UTC. */
s64 rtc_tm_to_time64(const struct rtc_time *tm);

/* The MC146818-style CMOS RTC (drivers/rtc/cmos.c). */
#define RTC_REG_A		0x0a
#define  RTC_UIP		0x80	/* update in progress */
#define  RTC_RATE_MASK		0x0f
#define RTC_REG_B		0x0b
#define  RTC_PIE		0x40	/* periodic interrupt enable */
#define  RTC_DM_BINARY		0x04
#define  RTC_24H		0x02
#define RTC_REG_C		0x0c	/* interrupt flags; reading clears */
#define  RTC_PF			0x40

/* CMOS register access; the lock is taken inside (IRQ-safe). */
u8 cmos_read(u8 reg);
void cmos_write(u8 val, u8 reg);

/* Read the date and time; 0, or -EIO when the clock never settles. */
int cmos_read_time(struct rtc_time *tm);

/* Read the RTC and set the wall clock from it; logs "rtc: <date> UTC". */
#ifdef CONFIG_RTC_CMOS
void rtc_init(void);
#else
static inline void rtc_init(void)
{
}
#endif

#endif /* _TESSERA_RTC_H */
