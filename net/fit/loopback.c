// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback transport: this node is its own peer.  send() copies the
 * message (as a wire would) into a FIFO; the "fit-loopback" kthread
 * hands each one to fit_rx(), so a call crosses two threads and the
 * core's receive path exactly as over a real transport.  Reliable and in
 * order unless a test injects faults.
 */
#define pr_fmt(fmt) "fit: loopback: " fmt

#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/fit_loopback.h>
#include <tessera/kthread.h>
#include <tessera/list.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/wait.h>

#include "fit_internal.h"

#define FIT_LO_MAX_FAULTS	8

struct fit_lo_msg {
	struct list_head list;
	u64 due_ns;			/* not before (a DELAY fault) */
	u32 link;			/* lo.link when it was sent */
	size_t len;
	u8 buf[] __aligned(8);
};

static struct {
	struct fit_transport tp;
	u32 self;
	spinlock_t lock;		/* queue, faults, flags, counters */
	struct list_head queue;
	struct task_struct *task;	/* "fit-loopback" */
	bool sleeping;			/* the task waits for the queue */
	struct mutex deliver;		/* held around fit_rx() */
	u32 link;			/* +1 per set_down/set_silent */
	bool down;
	bool silent;
	struct fit_lo_fault faults[FIT_LO_MAX_FAULTS];
	unsigned int nr_faults;
	struct fit_lo_stats st;
} lo;

static bool fit_lo_match(const struct fit_lo_fault *f, const struct fit_hdr *h)
{
	if (f->match_flags && !(h->flags & f->match_flags))
		return false;
	return !f->match_opcode || h->opcode == f->match_opcode;
}

static void fit_lo_corrupt(struct fit_lo_msg *m, const struct fit_lo_fault *f)
{
	u64 v = f->value;
	unsigned int i;

	for (i = 0; i < f->width && f->offset + i < m->len; i++, v >>= 8)
		m->buf[f->offset + i] = (u8)v;
	if (f->reseal && m->len >= sizeof(struct fit_hdr))
		fit_hdr_seal((struct fit_hdr *)m->buf);
	lo.st.corrupted++;
}

/* Apply the first fault that matches (under lo.lock); false: drop m. */
static bool fit_lo_apply_faults(struct fit_lo_msg *m, const struct fit_hdr *h)
{
	struct fit_lo_fault *f = NULL;
	unsigned int i;

	for (i = 0; i < lo.nr_faults; i++) {
		if (fit_lo_match(&lo.faults[i], h)) {
			f = &lo.faults[i];
			break;
		}
	}
	if (!f)
		return true;
	switch (f->kind) {
	case FIT_LO_DROP:
		lo.st.dropped++;
		break;
	case FIT_LO_CORRUPT:
		fit_lo_corrupt(m, f);
		break;
	case FIT_LO_TRUNCATE:
		m->len = min(m->len, f->len);
		lo.st.truncated++;
		break;
	case FIT_LO_DELAY:
		m->due_ns = ktime_get_ns() + (u64)f->delay_ms * 1000000;
		lo.st.delayed++;
		break;
	}
	if (f->count && !--f->count) {
		lo.faults[i] = lo.faults[--lo.nr_faults];
	}
	return f->kind != FIT_LO_DROP;
}

/* Queue m (lo.lock held); true if the thread must be woken. */
static bool fit_lo_queue(struct fit_lo_msg *m)
{
	bool wake = lo.sleeping;

	list_add_tail(&m->list, &lo.queue);
	lo.sleeping = false;
	return wake;
}

static int fit_lo_send(struct fit_transport *tp, u32 node,
		       const struct fit_hdr *hdr, const void *payload,
		       size_t len)
{
	struct fit_lo_msg *m;
	unsigned long flags;
	bool wake = false;
	int ret = 0;

	if (node != lo.self)
		return -EHOSTUNREACH;
	if (len > tp->max_payload)
		return -EMSGSIZE;
	m = kmalloc(sizeof(*m) + sizeof(*hdr) + len, GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	memcpy(m->buf, hdr, sizeof(*hdr));
	if (len)
		memcpy(m->buf + sizeof(*hdr), payload, len);
	m->len = sizeof(*hdr) + len;
	m->due_ns = 0;

	spin_lock_irqsave(&lo.lock, flags);
	m->link = lo.link;
	if (lo.down) {
		ret = -EHOSTDOWN;
	} else if (lo.silent) {
		lo.st.dropped++;		/* a dead peer swallows it */
		lo.st.sent++;
	} else {
		lo.st.sent++;
		if (fit_lo_apply_faults(m, hdr)) {
			wake = fit_lo_queue(m);
			m = NULL;
		}
	}
	spin_unlock_irqrestore(&lo.lock, flags);
	if (wake)
		wake_up_process(lo.task);
	kfree(m);
	return ret;
}

static bool fit_lo_peer_alive(struct fit_transport *tp, u32 node)
{
	return !READ_ONCE(lo.silent);
}

/*
 * The first queued message if it is due; else how long to wait (ns), or
 * 0 with the task's state set to sleep until a sender wakes it.
 */
static struct fit_lo_msg *fit_lo_next(u64 *wait_ns)
{
	struct fit_lo_msg *m;
	unsigned long flags;
	u64 now = ktime_get_ns();

	*wait_ns = 0;
	spin_lock_irqsave(&lo.lock, flags);
	m = list_first_entry_or_null(&lo.queue, struct fit_lo_msg, list);
	if (!m) {
		set_current_state(TASK_INTERRUPTIBLE);
		lo.sleeping = true;
	} else if (m->due_ns > now) {
		*wait_ns = m->due_ns - now;
		m = NULL;
	} else {
		list_del(&m->list);
	}
	spin_unlock_irqrestore(&lo.lock, flags);
	return m;
}

static int fit_lo_thread(void *unused)
{
	struct fit_lo_msg *m;
	u64 wait_ns;

	while (!kthread_should_stop()) {
		mutex_lock(&lo.deliver);
		m = fit_lo_next(&wait_ns);
		if (m) {
			if (m->link == READ_ONCE(lo.link)) {
				fit_rx(&lo.tp, lo.self, m->buf, m->len);
				lo.st.delivered++;
			} else {
				lo.st.flushed++;
			}
			kfree(m);
		}
		mutex_unlock(&lo.deliver);
		if (m)
			continue;
		if (wait_ns) {
			msleep(DIV_ROUND_UP(wait_ns, 1000000));
		} else {
			if (!kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
		}
	}
	return 0;
}

/* Discard the queue: a connection reset (with lo.deliver held). */
static void fit_lo_flush(void)
{
	struct fit_lo_msg *m, *n;
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&lo.lock, flags);
	lo.link++;
	list_splice_init(&lo.queue, &dead);
	spin_unlock_irqrestore(&lo.lock, flags);
	list_for_each_entry_safe(m, n, &dead, list) {
		lo.st.flushed++;
		kfree(m);
	}
}

int fit_loopback_add_fault(const struct fit_lo_fault *f)
{
	unsigned long flags;
	int ret = 0;

	if (f->kind < FIT_LO_DROP || f->kind > FIT_LO_DELAY)
		return -EINVAL;
	if (f->kind == FIT_LO_CORRUPT &&
	    (!f->width || f->width > 8 || (f->width & (f->width - 1))))
		return -EINVAL;
	spin_lock_irqsave(&lo.lock, flags);
	if (lo.nr_faults == FIT_LO_MAX_FAULTS)
		ret = -ENOSPC;
	else
		lo.faults[lo.nr_faults++] = *f;
	spin_unlock_irqrestore(&lo.lock, flags);
	return ret;
}

void fit_loopback_clear_faults(void)
{
	unsigned long flags;

	spin_lock_irqsave(&lo.lock, flags);
	lo.nr_faults = 0;
	spin_unlock_irqrestore(&lo.lock, flags);
}

int fit_loopback_inject(const void *msg, size_t len)
{
	struct fit_lo_msg *m = kmalloc(sizeof(*m) + len, GFP_KERNEL);
	unsigned long flags;
	bool wake;

	if (!m)
		return -ENOMEM;
	memcpy(m->buf, msg, len);
	m->len = len;
	m->due_ns = 0;
	spin_lock_irqsave(&lo.lock, flags);
	m->link = lo.link;
	lo.st.injected++;
	wake = fit_lo_queue(m);
	spin_unlock_irqrestore(&lo.lock, flags);
	if (wake)
		wake_up_process(lo.task);
	return 0;
}

void fit_loopback_set_down(void)
{
	mutex_lock(&lo.deliver);
	WRITE_ONCE(lo.down, true);
	fit_lo_flush();
	mutex_unlock(&lo.deliver);
	fit_peer_down(lo.self);
}

void fit_loopback_set_silent(void)
{
	mutex_lock(&lo.deliver);
	WRITE_ONCE(lo.silent, true);
	fit_lo_flush();
	mutex_unlock(&lo.deliver);
}

int fit_loopback_revive(void)
{
	/* A new connection: nothing of the old one may arrive. */
	mutex_lock(&lo.deliver);
	fit_lo_flush();
	WRITE_ONCE(lo.down, false);
	WRITE_ONCE(lo.silent, false);
	mutex_unlock(&lo.deliver);
	fit_peer_down(lo.self);
	return fit_peer_up(&lo.tp, lo.self, CONFIG_FIT_CREDITS);
}

int fit_loopback_drain(unsigned int timeout_ms)
{
	u64 end = ktime_get_ns() + (u64)timeout_ms * 1000000;

	while (!list_empty_careful(&lo.queue)) {
		if (ktime_get_ns() > end)
			return -ETIMEDOUT;
		msleep(1);
	}
	/* A message taken off the queue is delivered under the mutex. */
	mutex_lock(&lo.deliver);
	mutex_unlock(&lo.deliver);
	return 0;
}

void fit_loopback_get_stats(struct fit_lo_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&lo.lock, flags);
	*st = lo.st;
	spin_unlock_irqrestore(&lo.lock, flags);
}

int fit_loopback_init(void)
{
	struct task_struct *t;
	int ret;

	lo.self = fit_self_id();
	lo.tp.name = "loopback";
	lo.tp.max_payload = FIT_MAX_PAYLOAD;
	lo.tp.send = fit_lo_send;
	lo.tp.peer_alive = fit_lo_peer_alive;
	spin_lock_init(&lo.lock);
	INIT_LIST_HEAD(&lo.queue);
	mutex_init(&lo.deliver);
	t = kthread_run(fit_lo_thread, NULL, "fit-loopback");
	if (IS_ERR(t))
		return PTR_ERR(t);
	lo.task = t;
	ret = fit_transport_register(&lo.tp);
	if (ret)
		return ret;
	return fit_peer_up(&lo.tp, lo.self, CONFIG_FIT_CREDITS);
}

ssize_t fit_call_self(u16 opcode, const void *req, size_t len, void *reply,
		      size_t max, unsigned int timeout_ms)
{
	static u8 scratch[8];

	return fit_call(fit_self_id(), opcode, req ?: scratch, len,
			reply ?: scratch, reply ? max : sizeof(scratch),
			timeout_ms);
}
