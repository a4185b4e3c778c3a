// SPDX-License-Identifier: GPL-2.0
/*
 * The FIT core: calls and their slots, handlers and the workers that run
 * them, credit-based flow control, the receive path that validates every
 * message, and failure handling.  Transport-independent: transports
 * (fit_transport.h) only move sealed messages.  Documentation/fit.md.
 *
 * Locks, outermost first: fit_handler_mutex (registration only);
 * peer->lock (flow-control state, state, epoch; taken in fit_rx, so with
 * interrupts off); fit_slot_lock, fit_rxq_lock, fit_fabric_lock (leaves).
 * Slots themselves are lock-free: a 64-bit word holds their state and
 * generation, and every transition is a cmpxchg.
 */
#define pr_fmt(fmt) "fit: " fmt

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/bug.h>
#include <tessera/completion.h>
#include <tessera/crc32c.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fabric.h>
#include <tessera/kthread.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/wait.h>
#include <asm/processor.h>

#include "fit_internal.h"

static bool fit_ready;
static u32 fit_self;
static u32 fit_epoch_val;

/* ------------------------------------------------------------ counters --- */

enum fit_counter {
	FC_CALLS, FC_CALLS_OK, FC_CALLS_REMOTE_ERR, FC_CALLS_TIMEDOUT,
	FC_CALLS_HOSTDOWN, FC_CALLS_MSGSIZE, FC_SENDS, FC_REQUESTS,
	FC_ONEWAYS, FC_DEFERRED, FC_REPLIES, FC_ERROR_REPLIES,
	FC_REPLY_SEND_ERRORS, FC_CREDIT_MSGS, FC_CREDIT_WAITS, FC_SLOT_WAITS,
	FC_PEERS_DOWN, FC_PEER_RESTARTS, FC_STALE_REPLIES,
	FC_NR,
};

static const char *const fit_counter_names[FC_NR] = {
	"calls", "ok", "remote_err", "timedout", "hostdown", "msgsize",
	"sends", "requests", "oneways", "deferred", "replies",
	"error_replies", "reply_send_errors", "credit_msgs", "credit_waits",
	"slot_waits", "peers_down", "peer_restarts", "stale_replies",
};

static atomic64_t fit_counters[FC_NR];
static atomic64_t fit_drops[FIT_DROP_NR];
static atomic_t fit_inflight;
static atomic_t fit_max_inflight;

static inline void fit_count(enum fit_counter c)
{
	atomic64_inc(&fit_counters[c]);
}

static void fit_drop(enum fit_drop_reason r, u32 node)
{
	atomic64_inc(&fit_drops[r]);
	pr_warn_ratelimited("dropped a message from node %u: %s\n", node,
			    fit_drop_reason_name(r));
}

/* --------------------------------------------------------------- peers --- */

enum { FIT_PST_NONE, FIT_PST_UP, FIT_PST_DOWN };

/*
 * What this node knows about another one (or itself).  Flow control:
 * tx_sent - tx_acked requests and one-way messages are unfinished at the
 * peer, at most credits; rx_received - rx_done from the peer are
 * unfinished here; rx_told is the last rx_done the peer was sent.  All
 * counts are free-running u32 from the last fit_peer_up() or restart.
 */
struct fit_peer {
	spinlock_t lock;
	int state;			/* FIT_PST_* */
	struct fit_transport *tp;
	u32 link;			/* +1 per up, down or restart */
	u32 epoch;			/* the peer's; 0 until it sends one */
	u32 credits;
	u32 tx_sent, tx_acked;
	u32 rx_received, rx_done, rx_told;
	unsigned long alive_checked;	/* jiffies of the last liveness check */
	atomic_t inflight;		/* calls to it in flight */
	struct wait_queue_head credit_wq;
};

static struct fit_peer fit_peers[FIT_MAX_NODES];
static LIST_HEAD(fit_transports);
static DEFINE_SPINLOCK(fit_fabric_lock);

static DECLARE_WAIT_QUEUE_HEAD(fit_watch_wq);

static void __fit_peer_down(u32 node, const char *why);

/* Is node alive as far as its transport and the fabric can tell? */
static bool fit_node_alive(u32 node, struct fit_transport *tp)
{
	bool alive = true;

	if (tp->peer_alive && !tp->peer_alive(tp, node))
		return false;
#ifdef CONFIG_INFINIBAND_SHM
	if (node != fit_self && fabric_joined()) {
		unsigned long flags;

		/* fabric_node_alive() keeps unlocked per-node state. */
		spin_lock_irqsave(&fit_fabric_lock, flags);
		alive = fabric_node_alive(node);
		spin_unlock_irqrestore(&fit_fabric_lock, flags);
	}
#endif
	return alive;
}

/*
 * Can a message go to node now?  0 with the transport, or -EHOSTUNREACH,
 * -EHOSTDOWN (declaring the node down if its liveness check just failed).
 */
static int fit_route(u32 node, struct fit_transport **tpp)
{
	struct fit_peer *p = &fit_peers[node];
	struct fit_transport *tp;
	int state = READ_ONCE(p->state);

	if (state == FIT_PST_NONE)
		return -EHOSTUNREACH;
	if (state != FIT_PST_UP)
		return -EHOSTDOWN;
	tp = READ_ONCE(p->tp);
	if (READ_ONCE(p->alive_checked) != jiffies) {
		WRITE_ONCE(p->alive_checked, jiffies);
		if (!fit_node_alive(node, tp)) {
			__fit_peer_down(node, "no heartbeat");
			return -EHOSTDOWN;
		}
	}
	*tpp = tp;
	return 0;
}

static size_t fit_route_max(const struct fit_transport *tp)
{
	return min((size_t)FIT_MAX_PAYLOAD, (size_t)tp->max_payload);
}

size_t fit_max_payload(u32 node)
{
	struct fit_transport *tp;

	if (!fit_ready || node >= FIT_MAX_NODES ||
	    READ_ONCE(fit_peers[node].state) != FIT_PST_UP)
		return 0;
	tp = READ_ONCE(fit_peers[node].tp);
	return fit_route_max(tp);
}

bool fit_node_up(u32 node)
{
	return fit_ready && node < FIT_MAX_NODES &&
	       READ_ONCE(fit_peers[node].state) == FIT_PST_UP;
}

u32 fit_self_id(void)
{
	return fit_self;
}

u32 fit_epoch(void)
{
	return fit_epoch_val;
}

/*
 * Take an ack for the peer's messages we finished (under p->lock): a
 * cumulative count, so a lost or reordered one costs nothing.
 */
static u32 fit_ack_locked(struct fit_peer *p)
{
	p->rx_told = p->rx_done;
	return p->rx_done;
}

/* The peer finished up to ack of our messages; true if credits came back. */
static bool fit_credit_ack_locked(struct fit_peer *p, u32 ack)
{
	if ((s32)(ack - p->tx_acked) <= 0 || (s32)(p->tx_sent - ack) < 0)
		return false;
	p->tx_acked = ack;
	return true;
}

static bool fit_credit_avail(struct fit_peer *p)
{
	return READ_ONCE(p->state) != FIT_PST_UP ||
	       READ_ONCE(p->tx_sent) - READ_ONCE(p->tx_acked) <
	       READ_ONCE(p->credits);
}

/*
 * Take a credit to send a request or one-way message to p, sleeping
 * until deadline for one.  Fills in the header fields that come from the
 * peer state.  0, -EHOSTDOWN or -ETIMEDOUT.
 */
static int fit_credit_get(struct fit_peer *p, unsigned long deadline,
			  struct fit_hdr *hdr)
{
	bool waited = false;
	unsigned long flags;
	long left;
	int ret;

	for (;;) {
		ret = 1;
		spin_lock_irqsave(&p->lock, flags);
		if (p->state != FIT_PST_UP) {
			ret = -EHOSTDOWN;
		} else if (p->tx_sent - p->tx_acked < p->credits) {
			p->tx_sent++;
			hdr->credit_ack = fit_ack_locked(p);
			hdr->dst_epoch = p->epoch;
			ret = 0;
		}
		spin_unlock_irqrestore(&p->lock, flags);
		if (ret <= 0)
			return ret;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return -ETIMEDOUT;
		if (!waited) {
			fit_count(FC_CREDIT_WAITS);
			waited = true;
		}
		wait_event_timeout(p->credit_wq, fit_credit_avail(p), left);
	}
}

/* ---------------------------------------------------------------- slots --- */

/*
 * A call in flight.  word = gen << 2 | state; req_id = gen << 16 | index.
 * WAITING -> FILLING is the one transition that lets a reply, a timeout,
 * a failed send or a peer failure decide the result, whoever wins the
 * cmpxchg; the winner then stores DONE and completes (unless it is the
 * caller itself).  The generation changes on every reuse, so a late
 * reply for an earlier call in the same slot cannot match.
 */
enum { FIT_SLOT_FREE, FIT_SLOT_WAITING, FIT_SLOT_FILLING, FIT_SLOT_DONE };

#define FIT_GEN_MASK		((1ULL << 48) - 1)
#define FIT_WORD(gen, st)	((u64)(gen) << 2 | (st))
#define FIT_WORD_GEN(w)		((w) >> 2)
#define FIT_WORD_STATE(w)	((unsigned int)(w) & 3)

struct fit_slot {
	atomic64_t word;
	u32 node;
	u16 opcode;
	u16 index;
	void *reply;
	size_t max;
	long result;
	struct completion done;
};

static struct fit_slot *fit_slots;
static u16 *fit_free_slots;
static unsigned int fit_nr_free;
static DEFINE_SPINLOCK(fit_slot_lock);
static DECLARE_WAIT_QUEUE_HEAD(fit_slot_wq);

static struct fit_slot *fit_slot_tryget(void)
{
	struct fit_slot *slot = NULL;
	unsigned long flags;

	spin_lock_irqsave(&fit_slot_lock, flags);
	if (fit_nr_free)
		slot = &fit_slots[fit_free_slots[--fit_nr_free]];
	spin_unlock_irqrestore(&fit_slot_lock, flags);
	return slot;
}

static struct fit_slot *fit_slot_get(unsigned long deadline)
{
	struct fit_slot *slot = fit_slot_tryget();
	long left;

	if (slot)
		return slot;
	fit_count(FC_SLOT_WAITS);
	left = (long)(deadline - jiffies);
	if (left <= 0)
		return NULL;
	wait_event_timeout(fit_slot_wq, (slot = fit_slot_tryget()) != NULL,
			   left);
	return slot;
}

static void fit_slot_put(struct fit_slot *slot)
{
	u64 gen = (FIT_WORD_GEN(atomic64_read(&slot->word)) + 1) & FIT_GEN_MASK;
	unsigned long flags;

	atomic64_set(&slot->word, FIT_WORD(gen ?: 1, FIT_SLOT_FREE));
	spin_lock_irqsave(&fit_slot_lock, flags);
	fit_free_slots[fit_nr_free++] = slot->index;
	spin_unlock_irqrestore(&fit_slot_lock, flags);
	if (wq_has_sleeper(&fit_slot_wq))
		wake_up(&fit_slot_wq);
}

/* Claim a waiting slot to decide its result: the cmpxchg everyone races. */
static bool fit_slot_claim(struct fit_slot *slot, u64 gen)
{
	u64 w = FIT_WORD(gen, FIT_SLOT_WAITING);

	return atomic64_cmpxchg(&slot->word, w,
				FIT_WORD(gen, FIT_SLOT_FILLING)) == w;
}

/* After a successful claim by someone other than the caller. */
static void fit_slot_finish(struct fit_slot *slot, u64 gen, long result)
{
	slot->result = result;
	smp_wmb();
	atomic64_set(&slot->word, FIT_WORD(gen, FIT_SLOT_DONE));
	complete(&slot->done);
}

/* Fail every call in flight to node with err; returns how many. */
static unsigned int fit_fail_calls(u32 node, long err)
{
	unsigned int i, n = 0;

	for (i = 0; i < FIT_NR_SLOTS; i++) {
		struct fit_slot *slot = &fit_slots[i];
		u64 w = atomic64_read(&slot->word);

		if (FIT_WORD_STATE(w) != FIT_SLOT_WAITING ||
		    READ_ONCE(slot->node) != node)
			continue;
		/* A successful claim proves node was read for this gen. */
		if (fit_slot_claim(slot, FIT_WORD_GEN(w))) {
			fit_slot_finish(slot, FIT_WORD_GEN(w), err);
			n++;
		}
	}
	return n;
}

/* A reply or error reply for one of our calls. */
static void fit_complete_call(u32 node, const struct fit_hdr *h,
			      const void *payload)
{
	u32 index = FIT_REQ_SLOT(h->req_id);
	u64 gen = h->req_id >> FIT_REQ_SLOT_BITS;
	struct fit_slot *slot;
	long result;

	if (index >= FIT_NR_SLOTS)
		goto unmatched;
	slot = &fit_slots[index];
	if (READ_ONCE(slot->node) != node || !fit_slot_claim(slot, gen))
		goto unmatched;
	if (slot->node != node || slot->opcode != h->opcode) {
		/* Forged or misrouted: give the slot back to its call. */
		atomic64_set(&slot->word, FIT_WORD(gen, FIT_SLOT_WAITING));
		goto unmatched;
	}
	if (h->flags == FIT_F_ERROR) {
		result = -(long)h->status;
	} else if (h->payload_len > slot->max) {
		result = -EMSGSIZE;
	} else {
		memcpy(slot->reply, payload, h->payload_len);
		result = h->payload_len;
	}
	fit_slot_finish(slot, gen, result);
	return;

unmatched:
	fit_drop(FIT_DROP_UNMATCHED_REPLY, node);
}

static void fit_inflight_inc(struct fit_peer *p)
{
	int n, max;

	/* The peer's count first: the watchdog looks at it once woken. */
	atomic_inc(&p->inflight);
	n = atomic_inc_return(&fit_inflight);
	max = atomic_read(&fit_max_inflight);
	while (n > max && !atomic_try_cmpxchg(&fit_max_inflight, &max, n))
		;
	/*
	 * The watchdog sleeps while nothing is in flight: whoever takes the
	 * total from 0 wakes it.  (Waking only on a peer's own 0 -> 1 could
	 * miss it when two CPUs start calls to one peer at once.)
	 */
	if (n == 1)
		wake_up(&fit_watch_wq);
}

static void fit_inflight_dec(struct fit_peer *p)
{
	atomic_dec(&p->inflight);
	atomic_dec(&fit_inflight);
}

static void fit_hdr_fill(struct fit_hdr *h, u16 flags, u16 opcode, u32 node,
			 size_t len)
{
	fit_hdr_init(h);
	h->flags = flags;
	h->opcode = opcode;
	h->src_node = fit_self;
	h->dst_node = node;
	h->payload_len = len;
	h->src_epoch = fit_epoch_val;
}

static void fit_count_result(long ret)
{
	switch (ret) {
	case -ETIMEDOUT:
		fit_count(FC_CALLS_TIMEDOUT);
		break;
	case -EHOSTDOWN:
		fit_count(FC_CALLS_HOSTDOWN);
		break;
	case -EMSGSIZE:
		fit_count(FC_CALLS_MSGSIZE);
		break;
	}
}

static int fit_check_args(u32 node, u16 opcode, const void *buf, size_t len)
{
	if (!fit_ready)
		return -ENODEV;
	if (node >= FIT_MAX_NODES || !opcode || (len && !buf))
		return -EINVAL;
	return 0;
}

ssize_t fit_call(u32 node, u16 opcode, const void *req, size_t len,
		 void *reply, size_t max, unsigned int timeout_ms)
{
	struct fit_peer *p = &fit_peers[node % FIT_MAX_NODES];
	struct fit_transport *tp;
	unsigned long deadline;
	struct fit_slot *slot;
	struct fit_hdr hdr;
	long ret, left;
	size_t cap;
	u64 gen;

	might_sleep();
	ret = fit_check_args(node, opcode, req, len);
	if (ret)
		return ret;
	if (max && !reply)
		return -EINVAL;
	ret = fit_route(node, &tp);
	if (ret)
		goto out_count;
	cap = fit_route_max(tp);
	if (len > cap)
		return -EMSGSIZE;

	/* One tick more: the current tick is already partly gone. */
	deadline = jiffies + 1 + msecs_to_jiffies(timeout_ms ?:
						  CONFIG_FIT_DEFAULT_TIMEOUT_MS);
	slot = fit_slot_get(deadline);
	if (!slot) {
		ret = -ETIMEDOUT;
		goto out_count;
	}
	gen = FIT_WORD_GEN(atomic64_read(&slot->word));
	slot->node = node;
	slot->opcode = opcode;
	slot->reply = reply;
	slot->max = min(max, cap);
	reinit_completion(&slot->done);
	fit_hdr_fill(&hdr, FIT_F_REQUEST, opcode, node, len);
	hdr.req_id = gen << FIT_REQ_SLOT_BITS | slot->index;
	hdr.reply_max = slot->max;
	/* Visible to a peer failure before we look at the peer's state. */
	atomic64_set(&slot->word, FIT_WORD(gen, FIT_SLOT_WAITING));
	fit_inflight_inc(p);

	ret = fit_credit_get(p, deadline, &hdr);
	if (!ret) {
		fit_count(FC_CALLS);
		fit_hdr_seal(&hdr);
		ret = tp->send(tp, node, &hdr, req, len);
	}
	if (ret) {
		/* Not sent (or not all of it): settle it ourselves. */
		if (fit_slot_claim(slot, gen))
			slot->result = ret;
		else
			wait_for_completion(&slot->done);
		goto out_slot;
	}

	left = (long)(deadline - jiffies);
	if (left <= 0 || !wait_for_completion_timeout(&slot->done, left)) {
		if (fit_slot_claim(slot, gen))
			slot->result = -ETIMEDOUT;
		else
			wait_for_completion(&slot->done);
	}
out_slot:
	smp_rmb();
	ret = slot->result;
	fit_inflight_dec(p);
	fit_slot_put(slot);
	if (ret >= 0)
		fit_count(FC_CALLS_OK);
	else if (ret != -ETIMEDOUT && ret != -EHOSTDOWN && ret != -EMSGSIZE)
		fit_count(FC_CALLS_REMOTE_ERR);
out_count:
	fit_count_result(ret);
	return ret;
}

int fit_send(u32 node, u16 opcode, const void *msg, size_t len)
{
	struct fit_peer *p = &fit_peers[node % FIT_MAX_NODES];
	struct fit_transport *tp;
	struct fit_hdr hdr;
	int ret;

	might_sleep();
	ret = fit_check_args(node, opcode, msg, len);
	if (ret)
		return ret;
	ret = fit_route(node, &tp);
	if (ret)
		return ret;
	if (len > fit_route_max(tp))
		return -EMSGSIZE;
	fit_hdr_fill(&hdr, FIT_F_ONEWAY, opcode, node, len);
	ret = fit_credit_get(p, jiffies +
			     msecs_to_jiffies(CONFIG_FIT_DEFAULT_TIMEOUT_MS),
			     &hdr);
	if (ret)
		return ret;
	fit_hdr_seal(&hdr);
	ret = tp->send(tp, node, &hdr, msg, len);
	if (!ret)
		fit_count(FC_SENDS);
	return ret;
}

/* ------------------------------------------------------------ handlers --- */

struct fit_handler_ent {
	fit_handler_t fn;
	void *priv;
	atomic_t active;		/* invocations running */
};

/* Two levels, 256 x 256, the second allocated on first registration. */
static struct fit_handler_ent *fit_handlers[256];
static DEFINE_MUTEX(fit_handler_mutex);

int fit_register_handler(u16 opcode, fit_handler_t fn, void *priv)
{
	struct fit_handler_ent *tbl, *ent;
	int ret = 0;

	if (!fit_ready)
		return -ENODEV;
	if (!opcode || !fn)
		return -EINVAL;
	mutex_lock(&fit_handler_mutex);
	tbl = fit_handlers[opcode >> 8];
	if (!tbl) {
		tbl = kcalloc(256, sizeof(*tbl), GFP_KERNEL);
		if (!tbl) {
			ret = -ENOMEM;
			goto out;
		}
		smp_store_release(&fit_handlers[opcode >> 8], tbl);
	}
	ent = &tbl[opcode & 0xff];
	if (ent->fn) {
		ret = -EEXIST;
		goto out;
	}
	ent->priv = priv;
	smp_store_release(&ent->fn, fn);
out:
	mutex_unlock(&fit_handler_mutex);
	return ret;
}

void fit_unregister_handler(u16 opcode)
{
	struct fit_handler_ent *tbl;

	might_sleep();
	mutex_lock(&fit_handler_mutex);
	tbl = fit_handlers[opcode >> 8];
	if (tbl && tbl[opcode & 0xff].fn) {
		struct fit_handler_ent *ent = &tbl[opcode & 0xff];

		WRITE_ONCE(ent->fn, NULL);
		smp_mb();
		while (atomic_read(&ent->active))
			msleep(1);
	}
	mutex_unlock(&fit_handler_mutex);
}

/* The handler for opcode, held until fit_handler_put(); NULL if none. */
static struct fit_handler_ent *fit_handler_get(u16 opcode, fit_handler_t *fn)
{
	struct fit_handler_ent *tbl = smp_load_acquire(&fit_handlers[opcode >> 8]);
	struct fit_handler_ent *ent;

	if (!tbl)
		return NULL;
	ent = &tbl[opcode & 0xff];
	atomic_inc(&ent->active);	/* a full barrier, paired with unregister */
	*fn = smp_load_acquire(&ent->fn);
	if (!*fn) {
		atomic_dec(&ent->active);
		return NULL;
	}
	return ent;
}

static void fit_handler_put(struct fit_handler_ent *ent)
{
	atomic_dec(&ent->active);
}

/* ------------------------------------------------------------- workers --- */

/* A received request or one-way message, queued for a worker. */
struct fit_rxd {
	struct list_head list;
	u32 node;
	u32 link;			/* the peer's link when it arrived */
	u16 opcode;
	u16 flags;			/* FIT_F_REQUEST or FIT_F_ONEWAY */
	bool counted;			/* took one of the peer's credits */
	bool deferred;
	int err;			/* reply with this error, no handler */
	u64 req_id;
	u32 src_epoch;
	u32 cap;			/* the handler's reply capacity */
	u32 len;
	u8 data[] __aligned(8);
};

struct fit_worker {
	struct task_struct *task;
	struct list_head idle;		/* on fit_idle_workers while asleep */
	struct fit_rxd *cur;		/* the request its handler runs for */
	void *buf;			/* FIT_MAX_PAYLOAD bytes for replies */
};

/*
 * The work queue.  An idle worker puts itself on fit_idle_workers and
 * sleeps; whoever queues work takes one idle worker off and wakes it, so
 * a message costs one lock round trip and at most one wake-up, and busy
 * workers take the next message without sleeping (no shared wait queue
 * for every worker to lock on every message).
 */
static struct fit_worker fit_workers[CONFIG_FIT_NR_WORKERS];
static LIST_HEAD(fit_rxq);
static LIST_HEAD(fit_idle_workers);
static DEFINE_SPINLOCK(fit_rxq_lock);

static void fit_rxq_add(struct fit_rxd *d)
{
	struct fit_worker *w;
	unsigned long flags;

	spin_lock_irqsave(&fit_rxq_lock, flags);
	list_add_tail(&d->list, &fit_rxq);
	w = list_first_entry_or_null(&fit_idle_workers, struct fit_worker,
				     idle);
	if (w)
		list_del_init(&w->idle);
	spin_unlock_irqrestore(&fit_rxq_lock, flags);
	if (w)
		wake_up_process(w->task);
}

/* The next message, or NULL after w went idle (its state set to sleep). */
static struct fit_rxd *fit_rxq_pop(struct fit_worker *w)
{
	struct fit_rxd *d;
	unsigned long flags;

	spin_lock_irqsave(&fit_rxq_lock, flags);
	d = list_first_entry_or_null(&fit_rxq, struct fit_rxd, list);
	if (d) {
		list_del(&d->list);
	} else {
		set_current_state(TASK_INTERRUPTIBLE);
		list_add(&w->idle, &fit_idle_workers);
	}
	spin_unlock_irqrestore(&fit_rxq_lock, flags);
	return d;
}

/*
 * d from p is finished: count it (if it took a credit and the link did
 * not change since).  *stale if the link changed (the peer went down or
 * restarted meanwhile).  For a reply (reply set), or when enough credits
 * piled up that a credit message should go (*credit_msg), returns the
 * ack to send and takes note that it was sent.
 */
static u32 fit_rx_finished(struct fit_peer *p, struct fit_rxd *d, bool reply,
			   bool *stale, bool *credit_msg,
			   struct fit_transport **tpp, u32 *epoch)
{
	unsigned long flags;
	u32 ack = 0;

	spin_lock_irqsave(&p->lock, flags);
	*stale = d->link != p->link || p->state != FIT_PST_UP;
	if (!*stale && d->counted)
		p->rx_done++;
	*credit_msg = !*stale && !reply &&
		      p->rx_done - p->rx_told >= max(1U, p->credits / 4);
	if (reply || *credit_msg)
		ack = fit_ack_locked(p);
	*tpp = p->tp;
	*epoch = p->epoch;
	spin_unlock_irqrestore(&p->lock, flags);
	return ack;
}

/* Send the reply to request d (ret: length in buf, or -errno); frees d. */
static int fit_finish_request(struct fit_rxd *d, const void *buf, long ret)
{
	struct fit_peer *p = &fit_peers[d->node];
	struct fit_transport *tp;
	bool stale, unused;
	struct fit_hdr hdr;
	u32 ack, epoch;
	int err;

	if (ret > (long)d->cap) {
		ret = -EMSGSIZE;
	} else if (ret < -FIT_WIRE_MAX_ERRNO) {
		WARN_ON_ONCE(1);
		ret = -EPROTO;
	}
	ack = fit_rx_finished(p, d, true, &stale, &unused, &tp, &epoch);
	if (stale) {
		/* The caller's node went down or restarted meanwhile. */
		fit_count(FC_STALE_REPLIES);
		kfree(d);
		return -EHOSTDOWN;
	}
	fit_hdr_fill(&hdr, ret < 0 ? FIT_F_ERROR : FIT_F_REPLY, d->opcode,
		     d->node, ret < 0 ? 0 : ret);
	hdr.req_id = d->req_id;
	hdr.dst_epoch = d->src_epoch;
	hdr.status = ret < 0 ? -ret : 0;
	hdr.credit_ack = ack;
	fit_hdr_seal(&hdr);
	err = tp->send(tp, d->node, &hdr, buf, ret < 0 ? 0 : ret);
	if (err)
		fit_count(FC_REPLY_SEND_ERRORS);
	else
		fit_count(ret < 0 ? FC_ERROR_REPLIES : FC_REPLIES);
	kfree(d);
	return err;
}

/* A one-way message is done: return credits once enough piled up. */
static void fit_finish_oneway(struct fit_rxd *d)
{
	struct fit_peer *p = &fit_peers[d->node];
	struct fit_transport *tp;
	bool stale, credit_msg;
	struct fit_hdr hdr;
	u32 ack, epoch;

	ack = fit_rx_finished(p, d, false, &stale, &credit_msg, &tp, &epoch);
	if (credit_msg) {
		fit_hdr_fill(&hdr, FIT_F_CREDIT, FIT_OPCODE_NONE, d->node, 0);
		hdr.dst_epoch = epoch;
		hdr.credit_ack = ack;
		fit_hdr_seal(&hdr);
		if (!tp->send(tp, d->node, &hdr, NULL, 0))
			fit_count(FC_CREDIT_MSGS);
	}
	kfree(d);
}

static bool fit_rxd_current(struct fit_rxd *d)
{
	struct fit_peer *p = &fit_peers[d->node];

	return READ_ONCE(p->link) == d->link &&
	       READ_ONCE(p->state) == FIT_PST_UP;
}

static void fit_handle(struct fit_worker *w, struct fit_rxd *d)
{
	struct fit_handler_ent *ent;
	fit_handler_t fn;
	long ret;

	/* The notifiers hear of a restart before the new incarnation's calls. */
	fit_notify_wait_node(d->node);
	if (!fit_rxd_current(d)) {
		/* The peer went away; its caller no longer waits. */
		fit_drop(FIT_DROP_PEER_DOWN, d->node);
		kfree(d);
		return;
	}
	if (d->err) {
		fit_finish_request(d, NULL, d->err);
		return;
	}
	ent = fit_handler_get(d->opcode, &fn);
	if (!ent) {
		fit_drop(FIT_DROP_UNKNOWN_OPCODE, d->node);
		if (d->flags == FIT_F_REQUEST)
			fit_finish_request(d, NULL, -EPROTO);
		else
			fit_finish_oneway(d);
		return;
	}
	WRITE_ONCE(w->cur, d);
	ret = fn(d->node, d->data, d->len, w->buf,
		 d->flags == FIT_F_REQUEST ? d->cap : 0, ent->priv);
	WRITE_ONCE(w->cur, NULL);
	fit_handler_put(ent);

	if (d->flags == FIT_F_ONEWAY) {
		fit_count(FC_ONEWAYS);
		fit_finish_oneway(d);
		return;
	}
	fit_count(FC_REQUESTS);
	if (d->deferred) {
		WARN_ON_ONCE(ret != FIT_DEFERRED);
		fit_count(FC_DEFERRED);
		return;
	}
	if (WARN_ON_ONCE(ret == FIT_DEFERRED))
		ret = -EPROTO;
	fit_finish_request(d, w->buf, ret);
}

static int fit_worker_thread(void *data)
{
	struct fit_worker *w = data;
	unsigned long flags;
	struct fit_rxd *d;

	while (!kthread_should_stop()) {
		d = fit_rxq_pop(w);
		if (d) {
			fit_handle(w, d);
			continue;
		}
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
		/* Not taken off the idle list: woken by kthread_stop(). */
		if (!list_empty_careful(&w->idle)) {
			spin_lock_irqsave(&fit_rxq_lock, flags);
			list_del_init(&w->idle);
			spin_unlock_irqrestore(&fit_rxq_lock, flags);
		}
	}
	return 0;
}

static struct fit_worker *fit_current_worker(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fit_workers); i++)
		if (fit_workers[i].task == current)
			return &fit_workers[i];
	return NULL;
}

struct fit_deferred *fit_defer_reply(void)
{
	struct fit_worker *w = fit_current_worker();
	struct fit_rxd *d = w ? w->cur : NULL;

	if (!d || d->flags != FIT_F_REQUEST || d->deferred)
		return NULL;
	d->deferred = true;
	return (struct fit_deferred *)d;
}

size_t fit_deferred_capacity(const struct fit_deferred *d)
{
	return ((const struct fit_rxd *)d)->cap;
}

u64 fit_deferred_req_id(const struct fit_deferred *d)
{
	return ((const struct fit_rxd *)d)->req_id;
}

int fit_reply_deferred(struct fit_deferred *d, const void *reply,
		       int len_or_err)
{
	if (len_or_err > 0 && !reply)
		len_or_err = -EPROTO;
	return fit_finish_request((struct fit_rxd *)d, reply, len_or_err);
}

/* ---------------------------------------------------------- receiving --- */

static void fit_peer_restarted(u32 node, u32 old, u32 new)
{
	unsigned int n = fit_fail_calls(node, -EHOSTDOWN);

	fit_count(FC_PEER_RESTARTS);
	fit_notify_peer(node, FIT_PEER_RESTART);
	pr_warn("node %u restarted (epoch %#x -> %#x); %u calls to it failed\n",
		node, old, new, n);
}

/* Queue a request or one-way message for the workers. */
static void fit_rx_request(struct fit_peer *p, u32 node,
			   const struct fit_hdr *h, const void *payload,
			   u32 link, u32 cap, bool overrun)
{
	struct fit_rxd *d;
	u32 len = overrun ? 0 : h->payload_len;

	if (overrun) {
		fit_drop(FIT_DROP_CREDIT_OVERRUN, node);
		if (h->flags == FIT_F_ONEWAY)
			return;
	}
	d = kmalloc(sizeof(*d) + len, GFP_ATOMIC | __GFP_NOWARN);
	if (!d) {
		unsigned long flags;

		fit_drop(FIT_DROP_NOMEM, node);
		/* Finished, as far as the credits go. */
		spin_lock_irqsave(&p->lock, flags);
		if (!overrun && p->link == link)
			p->rx_done++;
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	d->node = node;
	d->link = link;
	d->opcode = h->opcode;
	d->flags = h->flags;
	d->counted = !overrun;
	d->deferred = false;
	d->err = overrun ? -ENOBUFS : 0;
	d->req_id = h->req_id;
	d->src_epoch = h->src_epoch;
	d->cap = min(h->reply_max, cap);
	d->len = len;
	memcpy(d->data, payload, len);
	fit_rxq_add(d);
}

void fit_rx(struct fit_transport *tp, u32 node, const void *buf, size_t len)
{
	struct fit_hdr_expect exp;
	struct fit_peer *p;
	enum fit_drop_reason r;
	struct fit_hdr h;
	bool wake = false, overrun = false;
	u32 link, cap, old_epoch = 0;
	unsigned long flags;

	if (!fit_ready || node >= FIT_MAX_NODES) {
		fit_drop(FIT_DROP_NO_ROUTE, node);
		return;
	}
	exp.self = fit_self;
	exp.src = node;
	exp.self_epoch = fit_epoch_val;
	exp.max_payload = FIT_MAX_PAYLOAD;
	r = fit_hdr_check(buf, len, &exp, &h);
	if (r) {
		fit_drop(r, node);
		return;
	}

	p = &fit_peers[node];
	spin_lock_irqsave(&p->lock, flags);
	if (p->tp != tp)
		r = FIT_DROP_NO_ROUTE;
	else if (p->state != FIT_PST_UP)
		r = FIT_DROP_PEER_DOWN;
	if (r) {
		spin_unlock_irqrestore(&p->lock, flags);
		fit_drop(r, node);
		return;
	}
	if (p->epoch != h.src_epoch) {
		/* A new incarnation: what we had in flight with it is lost. */
		if (p->epoch) {
			old_epoch = p->epoch;
			p->link++;
			p->tx_sent = p->tx_acked = 0;
			p->rx_received = p->rx_done = p->rx_told = 0;
		}
		p->epoch = h.src_epoch;
	}
	wake = fit_credit_ack_locked(p, h.credit_ack);
	if (h.flags & (FIT_F_REQUEST | FIT_F_ONEWAY)) {
		if (p->rx_received - p->rx_done >= p->credits)
			overrun = true;
		else
			p->rx_received++;
	}
	link = p->link;
	cap = fit_route_max(tp);
	spin_unlock_irqrestore(&p->lock, flags);

	if (old_epoch)
		fit_peer_restarted(node, old_epoch, h.src_epoch);
	if ((wake || old_epoch) && wq_has_sleeper(&p->credit_wq))
		wake_up_all(&p->credit_wq);

	switch (h.flags) {
	case FIT_F_REPLY:
	case FIT_F_ERROR:
		fit_complete_call(node, &h, (const u8 *)buf + sizeof(h));
		break;
	case FIT_F_REQUEST:
	case FIT_F_ONEWAY:
		fit_rx_request(p, node, &h, (const u8 *)buf + sizeof(h), link,
			       cap, overrun);
		break;
	}
}

/* ----------------------------------------------------- peers up, down --- */

int fit_transport_register(struct fit_transport *tp)
{
	if (!fit_ready)
		return -ENODEV;
	if (!tp || !tp->name || !tp->send || !tp->max_payload)
		return -EINVAL;
	list_add_tail(&tp->list, &fit_transports);
	pr_info("transport %s: payloads up to %u bytes\n", tp->name,
		min(tp->max_payload, (u32)FIT_MAX_PAYLOAD));
	return 0;
}

int fit_peer_up(struct fit_transport *tp, u32 node, unsigned int credits)
{
	struct fit_peer *p;
	unsigned long flags;
	int ret = 0;

	if (!fit_ready)
		return -ENODEV;
	if (!tp || node >= FIT_MAX_NODES || !credits ||
	    credits > FIT_MAX_CREDITS)
		return -EINVAL;
	p = &fit_peers[node];
	spin_lock_irqsave(&p->lock, flags);
	if (p->state == FIT_PST_UP) {
		ret = -EBUSY;
	} else {
		p->tp = tp;
		p->credits = credits;
		p->epoch = 0;
		p->tx_sent = p->tx_acked = 0;
		p->rx_received = p->rx_done = p->rx_told = 0;
		p->link++;
		p->alive_checked = jiffies - 1;
		smp_wmb();
		WRITE_ONCE(p->state, FIT_PST_UP);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (!ret)
		pr_info("node %u%s up via %s, %u credits\n", node,
			node == fit_self ? " (self)" : "", tp->name, credits);
	return ret;
}

static void __fit_peer_down(u32 node, const char *why)
{
	struct fit_peer *p = &fit_peers[node];
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&p->lock, flags);
	if (p->state != FIT_PST_UP) {
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	WRITE_ONCE(p->state, FIT_PST_DOWN);
	p->link++;
	spin_unlock_irqrestore(&p->lock, flags);
	smp_mb();
	n = fit_fail_calls(node, -EHOSTDOWN);
	wake_up_all(&p->credit_wq);
	fit_count(FC_PEERS_DOWN);
	fit_notify_peer(node, FIT_PEER_DOWN);
	pr_warn("node %u is down (%s); %u calls in flight failed\n", node, why,
		n);
}

void fit_peer_down(u32 node)
{
	if (fit_ready && node < FIT_MAX_NODES)
		__fit_peer_down(node, "transport");
}

int fit_peer_info(u32 node, struct fit_peer_info *info)
{
	struct fit_peer *p;
	unsigned long flags;

	if (!fit_ready || node >= FIT_MAX_NODES)
		return -EINVAL;
	p = &fit_peers[node];
	spin_lock_irqsave(&p->lock, flags);
	info->up = p->state == FIT_PST_UP;
	info->credits = p->credits;
	info->tx_in_use = p->tx_sent - p->tx_acked;
	info->rx_unfinished = p->rx_received - p->rx_done;
	info->inflight = atomic_read(&p->inflight);
	spin_unlock_irqrestore(&p->lock, flags);
	return 0;
}

/* ------------------------------------------------------------- watchdog --- */

/*
 * While calls are in flight, ask every node they wait for whether it is
 * still alive, every FIT_WATCH_MS; sleep while nothing is in flight.
 */
static int fit_watch_thread(void *unused)
{
	unsigned int node;

	while (!kthread_should_stop()) {
		wait_event_interruptible(fit_watch_wq,
					 atomic_read(&fit_inflight) ||
					 kthread_should_stop());
		for (node = 0; node < FIT_MAX_NODES; node++) {
			struct fit_peer *p = &fit_peers[node];

			if (!atomic_read(&p->inflight) ||
			    READ_ONCE(p->state) != FIT_PST_UP)
				continue;
			WRITE_ONCE(p->alive_checked, jiffies);
			if (!fit_node_alive(node, READ_ONCE(p->tp)))
				__fit_peer_down(node, "no heartbeat");
		}
		msleep(FIT_WATCH_MS);
	}
	return 0;
}

/* ------------------------------------------------------------- counters --- */

void fit_get_stats(struct fit_stats *st)
{
	unsigned int i;

	BUILD_BUG_ON(FIT_DROP_NR > ARRAY_SIZE(st->drops));
	memset(st, 0, sizeof(*st));
	st->calls = atomic64_read(&fit_counters[FC_CALLS]);
	st->calls_ok = atomic64_read(&fit_counters[FC_CALLS_OK]);
	st->calls_remote_err = atomic64_read(&fit_counters[FC_CALLS_REMOTE_ERR]);
	st->calls_timedout = atomic64_read(&fit_counters[FC_CALLS_TIMEDOUT]);
	st->calls_hostdown = atomic64_read(&fit_counters[FC_CALLS_HOSTDOWN]);
	st->calls_msgsize = atomic64_read(&fit_counters[FC_CALLS_MSGSIZE]);
	st->sends = atomic64_read(&fit_counters[FC_SENDS]);
	st->requests = atomic64_read(&fit_counters[FC_REQUESTS]);
	st->oneways = atomic64_read(&fit_counters[FC_ONEWAYS]);
	st->deferred = atomic64_read(&fit_counters[FC_DEFERRED]);
	st->replies = atomic64_read(&fit_counters[FC_REPLIES]);
	st->error_replies = atomic64_read(&fit_counters[FC_ERROR_REPLIES]);
	st->reply_send_errors = atomic64_read(&fit_counters[FC_REPLY_SEND_ERRORS]);
	st->credit_msgs = atomic64_read(&fit_counters[FC_CREDIT_MSGS]);
	st->credit_waits = atomic64_read(&fit_counters[FC_CREDIT_WAITS]);
	st->slot_waits = atomic64_read(&fit_counters[FC_SLOT_WAITS]);
	st->peers_down = atomic64_read(&fit_counters[FC_PEERS_DOWN]);
	st->peer_restarts = atomic64_read(&fit_counters[FC_PEER_RESTARTS]);
	st->stale_replies = atomic64_read(&fit_counters[FC_STALE_REPLIES]);
	st->inflight = atomic_read(&fit_inflight);
	st->max_inflight = atomic_read(&fit_max_inflight);
	for (i = 0; i < FIT_DROP_NR; i++)
		st->drops[i] = atomic64_read(&fit_drops[i]);
}

/* Append " name value" for the non-zero counters to a line. */
static size_t fit_dump_line(char *buf, size_t size, size_t pos,
			    const char *name, u64 v)
{
	if (v && pos < size)
		pos += scnprintf(buf + pos, size - pos, " %s %llu", name, v);
	return pos;
}

void fit_dump_stats(void)
{
	static const char *const states[] = { "none", "up", "down" };
	struct fit_transport *tp;
	char line[256];
	size_t pos = 0;
	unsigned int i;

	if (!fit_ready) {
		pr_info("not initialised\n");
		return;
	}
	pr_info("node %u epoch %#x: %d calls in flight (at most %d), %u slots free\n",
		fit_self, fit_epoch_val, atomic_read(&fit_inflight),
		atomic_read(&fit_max_inflight), READ_ONCE(fit_nr_free));
	for (i = 0; i < FC_NR; i++)
		pos = fit_dump_line(line, sizeof(line), pos,
				    fit_counter_names[i],
				    atomic64_read(&fit_counters[i]));
	pr_info("counters:%s\n", pos ? line : " none");
	pos = 0;
	for (i = 1; i < FIT_DROP_NR; i++)
		pos = fit_dump_line(line, sizeof(line), pos,
				    fit_drop_reason_name(i),
				    atomic64_read(&fit_drops[i]));
	pr_info("dropped:%s\n", pos ? line : " none");
	for (i = 0; i < FIT_MAX_NODES; i++) {
		struct fit_peer *p = &fit_peers[i];

		if (p->state == FIT_PST_NONE)
			continue;
		pr_info("node %u: %s via %s, epoch %#x, credits %u/%u in use, %u unfinished here, %d calls in flight\n",
			i, states[p->state], p->tp->name, p->epoch,
			p->tx_sent - p->tx_acked, p->credits,
			p->rx_received - p->rx_done,
			atomic_read(&p->inflight));
	}
	list_for_each_entry(tp, &fit_transports, list)
		if (tp->dump)
			tp->dump(tp);
}

/* ---------------------------------------------------------------- init --- */

/* Different at every boot (and for every node of a cluster), never 0. */
static u32 fit_make_epoch(void)
{
	struct {
		u64 real_ns, mono_ns, tsc;
		u32 self, gen;
	} seed = {
		.real_ns = ktime_get_real_ns(),
		.mono_ns = ktime_get_ns(),
		.tsc = rdtsc(),
		.self = fit_self,
	};
	u32 e;

#ifdef CONFIG_INFINIBAND_SHM
	struct fabric_node_info info;

	if (fabric_joined() && fabric_node_info(fit_self, &info))
		seed.gen = info.generation;
#endif
	e = crc32c_buf(&seed, sizeof(seed));
	return e ?: 1;
}

static int fit_start_threads(void)
{
	struct task_struct *t;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fit_workers); i++) {
		struct fit_worker *w = &fit_workers[i];

		INIT_LIST_HEAD(&w->idle);
		w->buf = kmalloc(FIT_MAX_PAYLOAD, GFP_KERNEL);
		if (!w->buf)
			return -ENOMEM;
		t = kthread_create(fit_worker_thread, w, "fit-worker/%u", i);
		if (IS_ERR(t))
			return PTR_ERR(t);
		w->task = t;
		wake_up_process(t);
	}
	t = kthread_run(fit_watch_thread, NULL, "fit-watch");
	if (IS_ERR(t))
		return PTR_ERR(t);
	return fit_notify_init();
}

void fit_init(void)
{
	unsigned int i;
	int ret;

#ifdef CONFIG_INFINIBAND_SHM
	if (fabric_joined())
		fit_self = fabric_self_id();
#endif
	if (fit_self >= FIT_MAX_NODES) {
		pr_err("node id %u is above CONFIG_FIT_MAX_NODES; FIT is off\n",
		       fit_self);
		return;
	}
	fit_epoch_val = fit_make_epoch();
	for (i = 0; i < FIT_MAX_NODES; i++) {
		spin_lock_init(&fit_peers[i].lock);
		init_waitqueue_head(&fit_peers[i].credit_wq);
	}
	fit_slots = kcalloc(FIT_NR_SLOTS, sizeof(*fit_slots), GFP_KERNEL);
	fit_free_slots = kcalloc(FIT_NR_SLOTS, sizeof(*fit_free_slots),
				 GFP_KERNEL);
	if (!fit_slots || !fit_free_slots) {
		pr_err("cannot allocate %u call slots; FIT is off\n",
		       FIT_NR_SLOTS);
		return;
	}
	/* Slot 0 is handed out first: a LIFO stack, top at the end. */
	for (i = 0; i < FIT_NR_SLOTS; i++) {
		struct fit_slot *slot = &fit_slots[i];

		slot->index = i;
		slot->node = U32_MAX;
		atomic64_set(&slot->word, FIT_WORD(1, FIT_SLOT_FREE));
		init_completion(&slot->done);
		fit_free_slots[i] = FIT_NR_SLOTS - 1 - i;
	}
	fit_nr_free = FIT_NR_SLOTS;
	ret = fit_start_threads();
	if (ret) {
		pr_err("cannot start the worker threads (%d); FIT is off\n", ret);
		return;
	}
	fit_ready = true;
	pr_info("node %u, epoch %#x: %u call slots, %u workers, payloads up to %u bytes\n",
		fit_self, fit_epoch_val, FIT_NR_SLOTS, CONFIG_FIT_NR_WORKERS,
		FIT_MAX_PAYLOAD);
	ret = fit_echo_init();
	if (ret)
		pr_err("echo service: %d\n", ret);
	ret = fit_verbs_init();
	if (ret)
		pr_err("verbs transport: %d\n", ret);
	ret = fit_loopback_init();
	if (ret)
		pr_err("loopback transport: %d\n", ret);
	else
		fit_bench_run();
}
