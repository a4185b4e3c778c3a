// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel timers: one list of pending timers sorted by expiry (ties in
 * arming order), run from the boot CPU's tick.  A callback runs with the
 * list unlocked, so it may re-arm its own timer.  Insertion is linear in
 * the number of pending timers, which stays small in this kernel; a
 * timer wheel can replace the list without changing the interface.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/interrupt.h>
#include <tessera/spinlock.h>
#include <tessera/timer.h>

static struct timer_list *timer_head;
static struct timer_list *running_timer;
static DEFINE_SPINLOCK(timer_lock);

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *),
		 unsigned int flags)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expires = 0;
	t->function = fn;
	t->flags = flags;
}

static void detach_timer(struct timer_list *t)
{
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	t->next = NULL;
	WRITE_ONCE(t->pprev, NULL);
}

static void enqueue_timer(struct timer_list *t)
{
	struct timer_list **pp = &timer_head;

	while (*pp && !time_before(t->expires, (*pp)->expires))
		pp = &(*pp)->next;
	t->next = *pp;
	if (*pp)
		(*pp)->pprev = &t->next;
	*pp = t;
	WRITE_ONCE(t->pprev, pp);
}

int mod_timer(struct timer_list *t, unsigned long expires)
{
	unsigned long flags;
	int pending;

	spin_lock_irqsave(&timer_lock, flags);
	pending = timer_pending(t);
	if (pending)
		detach_timer(t);
	t->expires = expires;
	enqueue_timer(t);
	spin_unlock_irqrestore(&timer_lock, flags);
	return pending;
}

void add_timer(struct timer_list *t)
{
	WARN_ON(timer_pending(t));
	mod_timer(t, t->expires);
}

int del_timer(struct timer_list *t)
{
	unsigned long flags;
	int pending;

	spin_lock_irqsave(&timer_lock, flags);
	pending = timer_pending(t);
	if (pending)
		detach_timer(t);
	spin_unlock_irqrestore(&timer_lock, flags);
	return pending;
}

int del_timer_sync(struct timer_list *t)
{
	int ret;

	/* From its own callback this would wait forever. */
	if (WARN_ON(in_interrupt() && READ_ONCE(running_timer) == t))
		return del_timer(t);
	for (;;) {
		ret = del_timer(t);
		if (READ_ONCE(running_timer) != t)
			return ret;
		cpu_relax();
	}
}

void run_timers(void)
{
	struct timer_list *t;
	void (*fn)(struct timer_list *);

	spin_lock(&timer_lock);
	while ((t = timer_head) && time_after_eq(jiffies, t->expires)) {
		detach_timer(t);
		fn = t->function;
		WRITE_ONCE(running_timer, t);
		spin_unlock(&timer_lock);
		fn(t);
		spin_lock(&timer_lock);
		WRITE_ONCE(running_timer, NULL);
	}
	spin_unlock(&timer_lock);
}

#ifdef CONFIG_SELFTEST
#include <tessera/delay.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <asm/hpet.h>

struct test_timer {
	struct timer_list timer;
	char name;
	unsigned int rearm;
};

static char fired[16];
static unsigned int nr_fired;

static void test_timer_fn(struct timer_list *t)
{
	struct test_timer *tt = from_timer(tt, t, timer);

	if (nr_fired < sizeof(fired) - 1)
		fired[nr_fired++] = tt->name;
	if (tt->rearm) {
		tt->rearm--;
		mod_timer(t, jiffies + 1);
	}
}

/* Sleep until jiffies reach j; false after a second without getting there. */
static bool wait_jiffies(unsigned long j)
{
	u64 end = ktime_get_ns() + NSEC_PER_SEC;

	while (time_before(jiffies, j) && ktime_get_ns() < end)
		msleep(10);
	return time_after_eq(jiffies, j);
}

/* Timers fire in expiry order (ties: arming order); deleted ones never. */
SELFTEST(timer_order)
{
	static struct test_timer t[6];
	unsigned long now;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		timer_setup(&t[i].timer, test_timer_fn, 0);
		t[i].name = 'A' + i;
		t[i].rearm = 0;
	}
	nr_fired = 0;
	memset(fired, 0, sizeof(fired));
	t[5].rearm = 1;				/* F re-arms itself once */

	now = jiffies;
	ST_EQ(mod_timer(&t[0].timer, now + 3), 0);	/* A */
	ST_EQ(mod_timer(&t[1].timer, now + 1), 0);	/* B */
	ST_EQ(mod_timer(&t[2].timer, now + 2), 0);	/* C */
	ST_EQ(mod_timer(&t[3].timer, now + 2), 0);	/* D, deleted below */
	t[4].timer.expires = now + 2;
	add_timer(&t[4].timer);				/* E, after C */
	ST_EQ(mod_timer(&t[0].timer, now + 6), 1);	/* A moves later */
	ST_EQ(mod_timer(&t[5].timer, now + 4), 0);	/* F, then F again */
	ST_ASSERT(timer_pending(&t[3].timer));
	ST_EQ(del_timer(&t[3].timer), 1);
	ST_ASSERT(!timer_pending(&t[3].timer));
	ST_EQ(del_timer(&t[3].timer), 0);

	ST_ASSERT(wait_jiffies(now + 8));
	ST_STREQ(fired, "BCEFFA");
	for (i = 0; i < ARRAY_SIZE(t); i++)
		ST_ASSERT(!timer_pending(&t[i].timer));

	/* del_timer_sync on a pending timer: it never runs. */
	now = jiffies;
	mod_timer(&t[1].timer, now + 1);
	ST_EQ(del_timer_sync(&t[1].timer), 1);
	ST_ASSERT(wait_jiffies(now + 3));
	ST_STREQ(fired, "BCEFFA");
	return 0;
}

/*
 * jiffies advance HZ/10 (+-2) in 100 ms of HPET time.  A loaded host may
 * stall the virtual CPU, and QEMU drops the ticks it could not deliver
 * meanwhile; so the time the loop saw no HPET progress for over a
 * millisecond is measured, and only the ticks of the rest are required.
 */
static bool tick_rate_once(void)
{
	unsigned long j0, n;
	u64 h0, h, prev, stalled = 0, need;

	j0 = jiffies;
	h0 = prev = hpet_ns();
	do {
		h = hpet_ns();
		if (h - prev > NSEC_PER_MSEC)
			stalled += h - prev;
		prev = h;
	} while (h - h0 < 100 * NSEC_PER_MSEC);
	n = jiffies - j0;
	need = (h - h0 - min(stalled, h - h0)) * HZ / NSEC_PER_SEC;
	pr_info("selftest: tick_jiffies_rate: %lu ticks in 100 ms (HZ=%d, %llu us stalled)\n",
		n, HZ, stalled / 1000);
	return n + 2 >= need && n <= HZ / 10 + 2;
}

/* Up to five tries: a host busy enough can spoil any single one. */
SELFTEST(tick_jiffies_rate)
{
	int try;

	ST_ASSERT(tick_running());
	ST_ASSERT(hpet_available());
	for (try = 0; try < 5; try++)
		if (tick_rate_once())
			return 0;
	return selftest_fail("the tick rate was off in five tries of 100 ms");
}

SELFTEST(jiffies_conversions)
{
	ST_EQ(msecs_to_jiffies(0), 0);
	ST_EQ(msecs_to_jiffies(1), 1);			/* rounded up */
	ST_EQ(msecs_to_jiffies(1000), HZ);
	ST_EQ(jiffies_to_msecs(HZ), 1000);
	ST_ASSERT(jiffies_to_msecs(msecs_to_jiffies(25)) >= 25);
	ST_EQ(usecs_to_jiffies(1), 1);
	ST_ASSERT(time_after(1UL, 0UL));
	ST_ASSERT(time_after(0UL, ULONG_MAX));		/* across a wrap */
	ST_ASSERT(time_before(ULONG_MAX, 0UL));
	ST_ASSERT(time_after_eq(5UL, 5UL) && time_before_eq(5UL, 5UL));
	ST_ASSERT(!time_after(5UL, 5UL));
	return 0;
}

/*
 * Delays are never short, and not much longer than asked: msleep(100)
 * within +20 ms (a tick of 10 ms plus slack), udelay(1000) within +10 %,
 * mdelay(20) within +5 %.  A stalled host thread only makes a wait
 * longer, so the lower bounds hold on every try and the upper bounds on
 * the best of up to five.
 */
static void msleep_ul(unsigned long ms)
{
	msleep(ms);
}

/*
 * How long fn(arg) takes: never less than min_ns (checked every time);
 * up to twenty tries to come in under max_ns, since a loaded host can
 * stall the vCPU in any one of them.  Returns the best time.
 */
static u64 time_delay(void (*fn)(unsigned long), unsigned long arg,
		      u64 min_ns, u64 max_ns, bool *short_wait)
{
	u64 h0, d, best = U64_MAX;
	unsigned int try;

	for (try = 0; try < 20 && best > max_ns; try++) {
		h0 = hpet_ns();
		fn(arg);
		d = hpet_ns() - h0;
		if (d < min_ns)
			*short_wait = true;
		best = min(best, d);
	}
	return best;
}

SELFTEST(delay_accuracy)
{
	bool short_wait = false;
	u64 ms, us, md;

	ms = time_delay(msleep_ul, 100, 100 * NSEC_PER_MSEC,
			120 * NSEC_PER_MSEC, &short_wait);
	us = time_delay(udelay, 1000, 1000 * NSEC_PER_USEC,
			1100 * NSEC_PER_USEC, &short_wait);
	md = time_delay(mdelay, 20, 20 * NSEC_PER_MSEC, 21 * NSEC_PER_MSEC,
			&short_wait);
	pr_info("selftest: delay_accuracy: msleep(100) %llu us, udelay(1000) %llu us, mdelay(20) %llu us\n",
		ms / 1000, us / 1000, md / 1000);
	ST_ASSERT(!short_wait);
	ST_ASSERT(ms <= 120 * NSEC_PER_MSEC);
	ST_ASSERT(us <= 1100 * NSEC_PER_USEC);
	ST_ASSERT(md <= 21 * NSEC_PER_MSEC);
	ST_EQ(msleep_interruptible(10), 0);
	return 0;
}
#endif
