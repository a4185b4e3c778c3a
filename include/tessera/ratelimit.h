/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_RATELIMIT_H
#define _TESSERA_RATELIMIT_H

/*
 * Rate limiting for log lines that a peer or a flood can trigger: at
 * most burst messages per interval (in jiffies).  The first message of a
 * new interval reports how many were suppressed in the previous one.
 *
 *	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 10);
 *	if (__ratelimit(&rs))
 *		pr_warn("...");
 *
 * or simply pr_warn_ratelimited("...") (5 s, 10 messages per call site).
 */
#include <tessera/jiffies.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>

struct ratelimit_state {
	spinlock_t lock;
	unsigned long interval;	/* jiffies */
	unsigned int burst;
	unsigned int printed;	/* in the current interval */
	unsigned int missed;	/* suppressed in the current interval */
	unsigned long begin;	/* jiffies at the start of the interval */
};

#define DEFAULT_RATELIMIT_INTERVAL	(5 * HZ)
#define DEFAULT_RATELIMIT_BURST		10

#define RATELIMIT_STATE_INIT(name, ival, nburst) {			\
	.lock = __SPIN_LOCK_UNLOCKED(name.lock),			\
	.interval = (ival), .burst = (nburst),				\
}

#define DEFINE_RATELIMIT_STATE(name, ival, nburst)			\
	struct ratelimit_state name = RATELIMIT_STATE_INIT(name, ival, nburst)

/*
 * May the caller print?  Any context (a contended state says no rather
 * than spin).  Named after the caller for the "suppressed" line.
 */
bool ___ratelimit(struct ratelimit_state *rs, const char *func);
#define __ratelimit(rs)	___ratelimit(rs, __func__)

#define printk_ratelimited(fmt, ...) ({					\
	static DEFINE_RATELIMIT_STATE(__rs, DEFAULT_RATELIMIT_INTERVAL,	\
				      DEFAULT_RATELIMIT_BURST);		\
									\
	if (__ratelimit(&__rs))						\
		printk(fmt, ##__VA_ARGS__);				\
})

#define pr_err_ratelimited(fmt, ...)					\
	printk_ratelimited(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)					\
	printk_ratelimited(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...)					\
	printk_ratelimited(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

#endif /* _TESSERA_RATELIMIT_H */
