// SPDX-License-Identifier: GPL-2.0
/*
 * Peer notifiers: tell the upper layers that a peer went down or came
 * back as a new incarnation, so that they can drop what they keep for
 * it.  The core notices both where it holds a peer's lock, in the
 * receive path or in the watchdog; it only queues the event here (any
 * context, no allocation) and the "fit-notify" thread calls the
 * notifiers, in process context, one event at a time, in the order the
 * events happened.  Documentation/fit.md, "Peer notifiers".
 *
 * Locks: fit_notify_mutex (the notifier list; held while callbacks run)
 * outside fit_notify_lock (the event ring, interrupts off; a leaf).
 */
#define pr_fmt(fmt) "fit: " fmt

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/kthread.h>
#include <tessera/list.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/wait.h>

#include "fit_internal.h"

/* Events not yet delivered; past this, a peer's events become one DOWN. */
#define FIT_NOTIFY_RING		64

struct fit_peer_ev {
	u32 node;
	enum fit_peer_event ev;
	u32 upto;		/* the node's events this one stands for */
};

static struct fit_peer_ev fit_ev_ring[FIT_NOTIFY_RING];
static unsigned int fit_ev_head, fit_ev_tail;	/* free-running */
static bool fit_ev_lost[FIT_MAX_NODES];
static bool fit_ev_any_lost;
static u64 fit_ev_queued, fit_ev_done;		/* under fit_notify_lock */
/* Per node, under fit_notify_lock: events queued, events delivered. */
static u32 fit_node_queued[FIT_MAX_NODES], fit_node_done[FIT_MAX_NODES];
static DEFINE_SPINLOCK(fit_notify_lock);
static DECLARE_WAIT_QUEUE_HEAD(fit_notify_wq);
static DECLARE_WAIT_QUEUE_HEAD(fit_notify_done_wq);

static LIST_HEAD(fit_notifiers);
static DEFINE_MUTEX(fit_notify_mutex);
static struct task_struct *fit_notify_task;

const char *fit_peer_event_name(enum fit_peer_event ev)
{
	return ev == FIT_PEER_RESTART ? "restart" : "down";
}

void fit_register_peer_notifier(struct fit_peer_notifier *n)
{
	mutex_lock(&fit_notify_mutex);
	list_add_tail(&n->list, &fit_notifiers);
	mutex_unlock(&fit_notify_mutex);
}

void fit_unregister_peer_notifier(struct fit_peer_notifier *n)
{
	mutex_lock(&fit_notify_mutex);
	list_del(&n->list);
	mutex_unlock(&fit_notify_mutex);
}

/* Queue an event for the notifiers: any context, never sleeps. */
void fit_notify_peer(u32 node, enum fit_peer_event ev)
{
	unsigned long flags;

	spin_lock_irqsave(&fit_notify_lock, flags);
	fit_ev_queued++;
	fit_node_queued[node]++;
	/* Once one is lost, the later ones follow it: the order holds. */
	if (!fit_ev_any_lost && fit_ev_head - fit_ev_tail < FIT_NOTIFY_RING) {
		struct fit_peer_ev *e = &fit_ev_ring[fit_ev_head++ %
						     FIT_NOTIFY_RING];

		e->node = node;
		e->ev = ev;
		e->upto = fit_node_queued[node];
	} else {
		/* Either event means the old state is gone: say DOWN later. */
		fit_ev_lost[node] = true;
		fit_ev_any_lost = true;
	}
	spin_unlock_irqrestore(&fit_notify_lock, flags);
	wake_up(&fit_notify_wq);
}

static bool fit_notify_pending(void)
{
	return READ_ONCE(fit_ev_head) != READ_ONCE(fit_ev_tail) ||
	       READ_ONCE(fit_ev_any_lost);
}

/* The next event, or false; the ring first, then the overflowed nodes. */
static bool fit_notify_next(struct fit_peer_ev *out, unsigned int *n)
{
	unsigned long flags;
	bool ret = true;
	u32 node;

	spin_lock_irqsave(&fit_notify_lock, flags);
	*n = 1;
	if (fit_ev_head != fit_ev_tail) {
		*out = fit_ev_ring[fit_ev_tail++ % FIT_NOTIFY_RING];
	} else if (fit_ev_any_lost) {
		*n = 0;
		for (node = 0; node < FIT_MAX_NODES; node++)
			if (fit_ev_lost[node])
				break;
		if (node < FIT_MAX_NODES) {
			fit_ev_lost[node] = false;
			out->node = node;
			out->ev = FIT_PEER_DOWN;
			out->upto = fit_node_queued[node];
		} else {
			fit_ev_any_lost = false;
			ret = false;
		}
	} else {
		ret = false;
	}
	spin_unlock_irqrestore(&fit_notify_lock, flags);
	return ret;
}

static void fit_notify_deliver(const struct fit_peer_ev *e)
{
	struct fit_peer_notifier *n;

	mutex_lock(&fit_notify_mutex);
	list_for_each_entry(n, &fit_notifiers, list)
		n->fn(n, e->node, e->ev);
	mutex_unlock(&fit_notify_mutex);
}

static int fit_notify_thread(void *unused)
{
	struct fit_peer_ev e;
	unsigned long flags;
	unsigned int n;

	while (!kthread_should_stop()) {
		wait_event_interruptible(fit_notify_wq, fit_notify_pending() ||
					 kthread_should_stop());
		while (fit_notify_next(&e, &n)) {
			fit_notify_deliver(&e);
			spin_lock_irqsave(&fit_notify_lock, flags);
			fit_ev_done += n;
			fit_node_done[e.node] = e.upto;
			/* Overflowed events are done once their DOWNs are. */
			if (!fit_notify_pending())
				fit_ev_done = fit_ev_queued;
			spin_unlock_irqrestore(&fit_notify_lock, flags);
			wake_up_all(&fit_notify_done_wq);
		}
	}
	return 0;
}

static bool fit_notify_reached(u64 seq)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&fit_notify_lock, flags);
	ret = fit_ev_done >= seq;
	spin_unlock_irqrestore(&fit_notify_lock, flags);
	return ret;
}

void fit_flush_peer_notifiers(void)
{
	unsigned long flags;
	u64 seq;

	if (current == fit_notify_task)
		return;
	spin_lock_irqsave(&fit_notify_lock, flags);
	seq = fit_ev_queued;
	spin_unlock_irqrestore(&fit_notify_lock, flags);
	wait_event(fit_notify_done_wq, fit_notify_reached(seq));
}

static bool fit_notify_node_settled(u32 node)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&fit_notify_lock, flags);
	ret = fit_node_done[node] == fit_node_queued[node];
	spin_unlock_irqrestore(&fit_notify_lock, flags);
	return ret;
}

/*
 * A worker, before it runs a handler for a message from node: the
 * events about node that came before the message are delivered first,
 * so that a notifier dropping the old incarnation's state never drops
 * what the new one's requests built.
 */
void fit_notify_wait_node(u32 node)
{
	if (!fit_notify_node_settled(node))
		wait_event(fit_notify_done_wq, fit_notify_node_settled(node));
}

bool fit_in_peer_notifier(void)
{
	return fit_notify_task && current == fit_notify_task;
}

int fit_notify_init(void)
{
	struct task_struct *t = kthread_run(fit_notify_thread, NULL,
					    "fit-notify");

	if (IS_ERR(t))
		return PTR_ERR(t);
	fit_notify_task = t;
	return 0;
}
