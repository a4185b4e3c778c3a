// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/rtc.h>

/*
 * Days from 1970-01-01 to a date, counting the year from March so the
 * leap day comes last: 367 * m / 12 gives the days before month m of
 * such a year (March = 1), the rest is whole years and leap days.
 */
s64 rtc_tm_to_time64(const struct rtc_time *tm)
{
	s64 year = tm->tm_year + 1900, days;
	int mon = tm->tm_mon + 1 - 2;		/* March = 1 ... February = 12 */

	if (mon <= 0) {
		mon += 12;
		year--;
	}
	days = year / 4 - year / 100 + year / 400 + 367 * mon / 12 +
	       tm->tm_mday + year * 365 - 719499;
	return ((days * 24 + tm->tm_hour) * 60 + tm->tm_min) * 60 + tm->tm_sec;
}
