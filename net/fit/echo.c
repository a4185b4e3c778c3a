// SPDX-License-Identifier: GPL-2.0
/*
 * The echo service: a few handlers every node serves, so that tests and
 * the benchmark can call any node of a cluster (include/tessera/fit_echo.h).
 * Every handler checks every field of what it receives.
 */
#define pr_fmt(fmt) "fit: echo: " fmt

#include <tessera/kernel.h>
#include <tessera/crc32c.h>
#include <tessera/errno.h>
#include <tessera/fit_echo.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

#include "fit_internal.h"

#define SEQ_WORDS	(FIT_ECHO_MAX_SEQ / 64)

static struct {
	spinlock_t lock;		/* seen, counts, held */
	u64 *seen[FIT_MAX_NODES];	/* a bitmap per caller, on first use */
	struct fit_echo_seq_count count[FIT_MAX_NODES];
	struct fit_deferred *held[FIT_ECHO_MAX_HELD];
	unsigned int nr_held;
} echo;

static int echo_echo(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	if (len > max)
		return -EMSGSIZE;
	memcpy(reply, req, len);
	return len;
}

static int echo_seq(u32 node, const void *req, size_t len, void *reply,
		    size_t max, void *priv)
{
	const struct fit_echo_seq *r = req;
	struct fit_echo_seq_reply *out = reply;
	unsigned long flags;
	u64 *map, bit;
	bool dup;

	if (len < sizeof(*r) || len - sizeof(*r) != r->len ||
	    r->seq >= FIT_ECHO_MAX_SEQ || max < sizeof(*out))
		return -EBADMSG;
	out->crc = crc32c_buf(r->data, r->len);
	if (out->crc != r->crc)
		return -EBADMSG;
	spin_lock_irqsave(&echo.lock, flags);
	map = echo.seen[node];
	if (!map) {
		spin_unlock_irqrestore(&echo.lock, flags);
		map = kzalloc(SEQ_WORDS * sizeof(u64), GFP_KERNEL);
		if (!map)
			return -ENOMEM;
		spin_lock_irqsave(&echo.lock, flags);
		if (echo.seen[node]) {
			kfree(map);
			map = echo.seen[node];
		}
		echo.seen[node] = map;
	}
	bit = 1ULL << (r->seq % 64);
	dup = map[r->seq / 64] & bit;
	map[r->seq / 64] |= bit;
	if (dup)
		echo.count[node].dups++;
	else
		echo.count[node].seen++;
	spin_unlock_irqrestore(&echo.lock, flags);
	if (dup)
		pr_warn("node %u sent sequence number %u twice\n", node, r->seq);
	out->seq = r->seq;
	out->dup = dup;
	out->node = node;
	return sizeof(*out);
}

static int echo_seq_reset(u32 node, const void *req, size_t len, void *reply,
			  size_t max, void *priv)
{
	unsigned long flags;

	if (len)
		return -EBADMSG;
	spin_lock_irqsave(&echo.lock, flags);
	if (echo.seen[node])
		memset(echo.seen[node], 0, SEQ_WORDS * sizeof(u64));
	memset(&echo.count[node], 0, sizeof(echo.count[node]));
	spin_unlock_irqrestore(&echo.lock, flags);
	return 0;
}

static int echo_seq_count(u32 node, const void *req, size_t len, void *reply,
			  size_t max, void *priv)
{
	unsigned long flags;

	if (len || max < sizeof(echo.count[node]))
		return -EBADMSG;
	spin_lock_irqsave(&echo.lock, flags);
	memcpy(reply, &echo.count[node], sizeof(echo.count[node]));
	spin_unlock_irqrestore(&echo.lock, flags);
	return sizeof(echo.count[node]);
}

static int echo_stats(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	struct fit_stats st;

	if (len || max < sizeof(st))
		return -EBADMSG;
	fit_get_stats(&st);
	memcpy(reply, &st, sizeof(st));
	return sizeof(st);
}

static int echo_hold(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	struct fit_deferred *d;
	unsigned long flags;

	if (len)
		return -EBADMSG;
	spin_lock_irqsave(&echo.lock, flags);
	if (echo.nr_held == FIT_ECHO_MAX_HELD) {
		spin_unlock_irqrestore(&echo.lock, flags);
		return -EBUSY;
	}
	d = fit_defer_reply();
	if (d)
		echo.held[echo.nr_held++] = d;
	spin_unlock_irqrestore(&echo.lock, flags);
	return d ? FIT_DEFERRED : -EINVAL;
}

static int echo_release(u32 node, const void *req, size_t len, void *reply,
			size_t max, void *priv)
{
	struct fit_deferred *held[FIT_ECHO_MAX_HELD];
	unsigned long flags;
	unsigned int i, n;

	if (len || max < sizeof(u32))
		return -EBADMSG;
	spin_lock_irqsave(&echo.lock, flags);
	n = echo.nr_held;
	memcpy(held, echo.held, n * sizeof(held[0]));
	echo.nr_held = 0;
	spin_unlock_irqrestore(&echo.lock, flags);
	for (i = 0; i < n; i++)
		fit_reply_deferred(held[i], NULL, 0);
	memcpy(reply, &n, sizeof(u32));
	return sizeof(u32);
}

static const struct {
	u16 op;
	fit_handler_t fn;
} echo_handlers[] = {
	{ FIT_ECHO_OP_ECHO, echo_echo },
	{ FIT_ECHO_OP_SEQ, echo_seq },
	{ FIT_ECHO_OP_SEQ_RESET, echo_seq_reset },
	{ FIT_ECHO_OP_SEQ_COUNT, echo_seq_count },
	{ FIT_ECHO_OP_STATS, echo_stats },
	{ FIT_ECHO_OP_HOLD, echo_hold },
	{ FIT_ECHO_OP_RELEASE, echo_release },
};

int fit_echo_init(void)
{
	unsigned int i;
	int ret;

	spin_lock_init(&echo.lock);
	for (i = 0; i < ARRAY_SIZE(echo_handlers); i++) {
		ret = fit_register_handler(echo_handlers[i].op,
					   echo_handlers[i].fn, NULL);
		if (ret)
			return ret;
	}
	return 0;
}
