// SPDX-License-Identifier: GPL-2.0
#include <tessera/ratelimit.h>

bool ___ratelimit(struct ratelimit_state *rs, const char *func)
{
	unsigned long flags;
	unsigned int missed = 0;
	bool ok;

	if (!rs->interval)
		return true;
	if (!spin_trylock_irqsave(&rs->lock, flags))
		return false;
	if (!rs->begin || time_after_eq(jiffies, rs->begin + rs->interval)) {
		missed = rs->missed;
		rs->begin = jiffies ?: 1;
		rs->printed = 0;
		rs->missed = 0;
	}
	ok = rs->printed < rs->burst;
	if (ok)
		rs->printed++;
	else
		rs->missed++;
	spin_unlock_irqrestore(&rs->lock, flags);
	if (missed)
		pr_warn("%s: %u messages suppressed\n", func, missed);
	return ok;
}

#ifdef CONFIG_SELFTEST
#include <tessera/delay.h>
#include <tessera/selftest.h>

SELFTEST(ratelimit_burst)
{
	static DEFINE_RATELIMIT_STATE(rs, 5, 3);	/* 3 per 5 jiffies */
	int i, allowed = 0;

	for (i = 0; i < 10; i++)
		allowed += __ratelimit(&rs);
	ST_EQ(allowed, 3);
	ST_EQ(rs.missed, 7);
	msleep(jiffies_to_msecs(6));
	/* A new interval: allowed again (and the 7 are reported). */
	ST_ASSERT(__ratelimit(&rs));
	ST_EQ(rs.missed, 0);
	return 0;
}
#endif
