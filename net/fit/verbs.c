// SPDX-License-Identifier: GPL-2.0
/*
 * The verbs transport: FIT over RC queue pairs (include/rdma/ib_verbs.h
 * only, so it runs on any provider).  Documentation/fit.md, section 13.
 *
 * Per peer: one CQ and FITV_NR_QPS QPs (connection indices at the top of
 * the device's range, leaving the low ones to other users).  Messages of
 * up to FITV_MSG_SIZE bytes (header included) travel as one SEND into a
 * posted receive; larger ones by rendezvous: the sender copies them into
 * a registered staging area and SENDs a descriptor, the receiver RDMA
 * READs the message into one of its large buffers, hands it to fit_rx()
 * and SENDs a DONE so that the sender reuses the staging space.  The
 * immediate data of every SEND says which of the three it is.
 *
 * One kthread ("fit-verbs") connects to the peers the fabric shows, polls
 * the CQs (spinning briefly after work, then sleeping until a completion
 * handler wakes it), delivers messages and tears connections down.
 */
#define pr_fmt(fmt) "fit: verbs: " fmt

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fabric.h>
#include <tessera/kthread.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timekeeping.h>
#include <tessera/wait.h>
#include <rdma/ib_verbs.h>

#include "fit_internal.h"

#define FITV_NR_QPS		2
#define FITV_CREDITS		64
/* Receive buffers and send slots; larger messages go by rendezvous. */
#define FITV_MSG_SIZE		2048
#define FITV_INLINE_MAX		256
/* Rendezvous messages in flight to one peer (its DONEs to us, too). */
#define FITV_RDV_MAX		32
#define FITV_LARGE_BUFS		2
#define FITV_LARGE_SIZE		(sizeof(struct fit_hdr) + FIT_MAX_PAYLOAD)
/* What the credits allow in flight, plus the DONEs (fit.md, section 5). */
#define FITV_RECVS		(2 * FITV_CREDITS + 4 + CONFIG_FIT_NR_WORKERS + \
				 FITV_RDV_MAX)
#define FITV_SEND_SLOTS		64
/* Senders' share of a send queue; the rest is the poll thread's. */
#define FITV_SQ_SENDERS		128
#define FITV_SQ_DEPTH		(FITV_SQ_SENDERS + FITV_RDV_MAX + \
				 FITV_LARGE_BUFS + 8)
#define FITV_CQ_SIZE		(FITV_NR_QPS * (FITV_RECVS + FITV_SQ_DEPTH))
/* The staging area: remotely readable, shared by all peers. */
#define FITV_STAGE_UNIT		4096
#define FITV_STAGE_UNITS	(2 * DIV_ROUND_UP(FITV_LARGE_SIZE, \
						  FITV_STAGE_UNIT) + 62)
#define FITV_SPIN_NS		(100 * NSEC_PER_USEC)
#define FITV_SCAN_MS		100
#define FITV_WAIT_MS		CONFIG_FIT_DEFAULT_TIMEOUT_MS

/* imm_data of every SEND: a magic byte, the type, an argument. */
#define FITV_IMM_MAGIC		0xf1000000U
#define FITV_IMM_MSG		(FITV_IMM_MAGIC | 0x010000)
#define FITV_IMM_RDV		(FITV_IMM_MAGIC | 0x020000)
#define FITV_IMM_DONE		(FITV_IMM_MAGIC | 0x030000)	/* | id */
#define FITV_IMM_TYPE(imm)	((imm) & 0xffff0000U)
#define FITV_IMM_ARG(imm)	((imm) & 0xffffU)

/* A rendezvous descriptor (little-endian): READ len bytes at addr. */
struct fitv_rdv {
	u64 addr;
	u32 rkey;
	u32 len;
	u32 id;			/* the sender's rendezvous slot, for DONE */
	u32 reserved;
} __packed;

/* wr_id: type, QP index, buffer or slot index. */
enum { WR_RECV = 1, WR_INLINE, WR_SLOT, WR_RDV, WR_READ, WR_DONE };
#define WR_ID(type, q, i)	((u64)(type) << 56 | (u64)(q) << 48 | (i))
#define WR_TYPE(id)		((unsigned int)((id) >> 56))
#define WR_QP(id)		((unsigned int)((id) >> 48) & 0xff)
#define WR_IDX(id)		((u32)(id))

enum { FITV_IDLE, FITV_CONNECTING, FITV_UP, FITV_CLOSING };

enum fitv_drop {
	FD_RX_ERROR, FD_NO_IMM, FD_BAD_TYPE, FD_BAD_RDV, FD_BAD_DONE,
	FD_READ_ERROR, FD_NOMEM, FD_NR,
};

static const char *const fitv_drop_names[FD_NR] = {
	"receive error", "no immediate", "unknown type",
	"bad rendezvous descriptor", "bad DONE", "RDMA READ failed",
	"no memory",
};

struct fitv_peer;

struct fitv_qp {
	struct fitv_peer *peer;
	struct ib_qp *qp;
	unsigned int index;
	bool established;
	unsigned int sq_avail;		/* senders' WRs left (peer->lock) */
	unsigned int nr_free;		/* free send slots (peer->lock) */
	u16 free_slot[FITV_SEND_SLOTS];
	void *slot[FITV_SEND_SLOTS];
	void *recv[FITV_RECVS];
};

struct fitv_peer {
	u32 node;
	u32 gen;			/* the peer's fabric generation */
	spinlock_t lock;		/* state, send resources, rdv[] */
	int state;
	bool broken;
	atomic_t users;			/* senders inside send() */
	struct wait_queue_head wq;
	struct ib_cq *cq;
	struct fitv_qp qp[FITV_NR_QPS];
	/* Our rendezvous messages to it: staging units until its DONE. */
	struct {
		bool busy;
		u16 unit, nr;
	} rdv[FITV_RDV_MAX];
	/* Its rendezvous messages to us (poll thread only). */
	void *large[FITV_LARGE_BUFS];
	bool large_busy[FITV_LARGE_BUFS];
	struct {
		struct fitv_rdv d;
		unsigned int q;
	} pend[FITV_RDV_MAX];
	unsigned int pend_head, pend_nr;
};

static struct {
	struct fit_transport tp;
	struct ib_device *dev;
	struct ib_pd *pd;
	u32 self;
	u32 conn_base;			/* the first connection index */
	u32 inline_max;
	struct task_struct *task;
	bool kicked;
	struct wait_queue_head wq;
	struct fitv_peer peers[FIT_MAX_NODES];
	/* staging area */
	struct mutex stage_mutex;	/* creating it */
	void *stage;
	struct ib_mr *stage_mr;
	spinlock_t stage_lock;
	u8 stage_used[FITV_STAGE_UNITS];
	struct wait_queue_head stage_wq;
	atomic64_t drops[FD_NR];
} fitv;

static void fitv_kick(void)
{
	WRITE_ONCE(fitv.kicked, true);
	wake_up(&fitv.wq);
}

static void fitv_drop(struct fitv_peer *p, enum fitv_drop r)
{
	atomic64_inc(&fitv.drops[r]);
	pr_warn_ratelimited("dropped a message from node %u: %s\n", p->node,
			    fitv_drop_names[r]);
}

/* ----------------------------------------------------------- staging --- */

static int fitv_stage_setup(void)
{
	void *buf;
	struct ib_mr *mr;
	size_t size = FITV_STAGE_UNITS * FITV_STAGE_UNIT;
	int ret = 0;

	if (READ_ONCE(fitv.stage_mr))
		return 0;
	mutex_lock(&fitv.stage_mutex);
	if (fitv.stage_mr)
		goto out;
	buf = ib_alloc_remote_buf(fitv.dev, size);
	if (!buf) {
		pr_err_ratelimited("no room for a %zu KiB staging area\n",
				   size >> 10);
		ret = -ENOMEM;
		goto out;
	}
	mr = ib_reg_mr(fitv.pd, buf, size, IB_ACCESS_REMOTE_READ);
	if (IS_ERR(mr)) {
		ib_free_remote_buf(fitv.dev, buf);
		pr_err_ratelimited("cannot register the staging area: %ld\n",
				   PTR_ERR(mr));
		ret = PTR_ERR(mr);
		goto out;
	}
	fitv.stage = buf;
	smp_wmb();
	WRITE_ONCE(fitv.stage_mr, mr);
out:
	mutex_unlock(&fitv.stage_mutex);
	return ret;
}

/* First fit of nr units; the first unit, or -EAGAIN / -EHOSTDOWN. */
static int fitv_stage_try(struct fitv_peer *p, unsigned int nr)
{
	unsigned long flags;
	unsigned int i, run = 0;
	int ret = -EAGAIN;

	if (READ_ONCE(p->state) != FITV_UP)
		return -EHOSTDOWN;
	spin_lock_irqsave(&fitv.stage_lock, flags);
	for (i = 0; i < FITV_STAGE_UNITS; i++) {
		run = fitv.stage_used[i] ? 0 : run + 1;
		if (run == nr) {
			ret = i + 1 - nr;
			memset(&fitv.stage_used[ret], 1, nr);
			break;
		}
	}
	spin_unlock_irqrestore(&fitv.stage_lock, flags);
	return ret;
}

static void fitv_stage_free(unsigned int unit, unsigned int nr)
{
	unsigned long flags;

	spin_lock_irqsave(&fitv.stage_lock, flags);
	memset(&fitv.stage_used[unit], 0, nr);
	spin_unlock_irqrestore(&fitv.stage_lock, flags);
	wake_up_all(&fitv.stage_wq);
}

/* -------------------------------------------------------------- send --- */

static struct fitv_peer *fitv_get(u32 node)
{
	struct fitv_peer *p;
	unsigned long flags;

	if (node >= FIT_MAX_NODES)
		return NULL;
	p = &fitv.peers[node];
	spin_lock_irqsave(&p->lock, flags);
	if (p->state != FITV_UP) {
		spin_unlock_irqrestore(&p->lock, flags);
		return NULL;
	}
	atomic_inc(&p->users);
	spin_unlock_irqrestore(&p->lock, flags);
	return p;
}

static void fitv_put(struct fitv_peer *p)
{
	if (atomic_dec_and_test(&p->users) &&
	    READ_ONCE(p->state) == FITV_CLOSING)
		wake_up_all(&p->wq);
}

enum { TAKE_WR, TAKE_SLOT, TAKE_RDV };

/* Take a send WR (and a slot or a rendezvous id); -EAGAIN if none. */
static int fitv_try_take(struct fitv_peer *p, struct fitv_qp *q, int what,
			 int *idx)
{
	unsigned long flags;
	int ret = 0, i;

	spin_lock_irqsave(&p->lock, flags);
	if (p->state != FITV_UP || p->broken) {
		ret = -EHOSTDOWN;
	} else if (!q->sq_avail || (what == TAKE_SLOT && !q->nr_free)) {
		ret = -EAGAIN;
	} else if (what == TAKE_RDV) {
		for (i = 0; i < FITV_RDV_MAX && p->rdv[i].busy; i++)
			;
		if (i == FITV_RDV_MAX) {
			ret = -EAGAIN;
		} else {
			p->rdv[i].busy = true;
			p->rdv[i].nr = 0;
			*idx = i;
			q->sq_avail--;
		}
	} else {
		if (what == TAKE_SLOT)
			*idx = q->free_slot[--q->nr_free];
		q->sq_avail--;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return ret;
}

static int fitv_take(struct fitv_peer *p, struct fitv_qp *q, int what,
		     int *idx)
{
	int ret = fitv_try_take(p, q, what, idx);

	if (ret != -EAGAIN)
		return ret;
	if (!wait_event_timeout(p->wq,
				(ret = fitv_try_take(p, q, what, idx)) != -EAGAIN,
				msecs_to_jiffies(FITV_WAIT_MS)))
		return -ETIMEDOUT;
	return ret;
}

/* Give back what fitv_take() took (a failed post, a send completion). */
static void fitv_give(struct fitv_peer *p, struct fitv_qp *q, int what,
		      int idx)
{
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	q->sq_avail++;
	if (what == TAKE_SLOT)
		q->free_slot[q->nr_free++] = idx;
	if (what == TAKE_RDV && p->rdv[idx].busy) {
		if (p->rdv[idx].nr)
			fitv_stage_free(p->rdv[idx].unit, p->rdv[idx].nr);
		p->rdv[idx].busy = false;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (wq_has_sleeper(&p->wq))
		wake_up_all(&p->wq);
}

static int fitv_post(struct fitv_qp *q, u64 wr_id, u32 imm,
		     struct ib_sge *sge, int nr, int flags)
{
	struct ib_send_wr wr = {
		.wr_id = wr_id, .sg_list = sge, .num_sge = nr,
		.opcode = IB_WR_SEND_WITH_IMM, .imm_data = imm,
		.send_flags = IB_SEND_SIGNALED | flags,
	};
	const struct ib_send_wr *bad;

	return ib_post_send(q->qp, &wr, &bad);
}

/* A large message: stage it, send its descriptor. */
static int fitv_send_rdv(struct fitv_peer *p, struct fitv_qp *q,
			 const struct fit_hdr *hdr, const void *payload,
			 size_t len)
{
	size_t total = sizeof(*hdr) + len;
	unsigned int nr = DIV_ROUND_UP(total, FITV_STAGE_UNIT);
	struct fitv_rdv d = { .len = total };
	struct ib_sge sge;
	unsigned long flags;
	int id, unit, ret;
	u8 *dst;

	ret = fitv_stage_setup();
	if (ret)
		return ret;
	ret = fitv_take(p, q, TAKE_RDV, &id);
	if (ret)
		return ret;
	unit = fitv_stage_try(p, nr);
	if (unit == -EAGAIN &&
	    !wait_event_timeout(fitv.stage_wq,
				(unit = fitv_stage_try(p, nr)) != -EAGAIN,
				msecs_to_jiffies(FITV_WAIT_MS)))
		unit = -ETIMEDOUT;
	if (unit < 0) {
		fitv_give(p, q, TAKE_RDV, id);
		return unit;
	}
	spin_lock_irqsave(&p->lock, flags);
	p->rdv[id].unit = unit;
	p->rdv[id].nr = nr;
	spin_unlock_irqrestore(&p->lock, flags);

	dst = (u8 *)fitv.stage + (size_t)unit * FITV_STAGE_UNIT;
	memcpy(dst, hdr, sizeof(*hdr));
	memcpy(dst + sizeof(*hdr), payload, len);
	d.addr = fitv.stage_mr->iova + (u64)unit * FITV_STAGE_UNIT;
	d.rkey = fitv.stage_mr->rkey;
	d.id = id;
	sge.addr = (u64)&d;
	sge.length = sizeof(d);
	sge.lkey = fitv.pd->local_dma_lkey;
	ret = fitv_post(q, WR_ID(WR_RDV, q->index, id), FITV_IMM_RDV, &sge, 1,
			IB_SEND_INLINE);
	if (ret)
		fitv_give(p, q, TAKE_RDV, id);
	return ret;
}

static int fitv_send(struct fit_transport *tp, u32 node,
		     const struct fit_hdr *hdr, const void *payload,
		     size_t len)
{
	size_t total = sizeof(*hdr) + len;
	struct ib_sge sge[2];
	struct fitv_peer *p;
	struct fitv_qp *q;
	int ret, slot;

	if (len > tp->max_payload)
		return -EMSGSIZE;
	p = fitv_get(node);
	if (!p)
		return -EHOSTDOWN;
	/* A caller's messages stay on one QP, and CPUs spread over them. */
	q = &p->qp[raw_smp_processor_id() % FITV_NR_QPS];
	if (total > FITV_MSG_SIZE) {
		ret = fitv_send_rdv(p, q, hdr, payload, len);
	} else if (total <= fitv.inline_max) {
		ret = fitv_take(p, q, TAKE_WR, NULL);
		if (!ret) {
			sge[0].addr = (u64)hdr;
			sge[0].length = sizeof(*hdr);
			sge[0].lkey = fitv.pd->local_dma_lkey;
			sge[1].addr = (u64)payload;
			sge[1].length = len;
			sge[1].lkey = fitv.pd->local_dma_lkey;
			ret = fitv_post(q, WR_ID(WR_INLINE, q->index, 0),
					FITV_IMM_MSG, sge, len ? 2 : 1,
					IB_SEND_INLINE);
			if (ret)
				fitv_give(p, q, TAKE_WR, 0);
		}
	} else {
		ret = fitv_take(p, q, TAKE_SLOT, &slot);
		if (!ret) {
			memcpy(q->slot[slot], hdr, sizeof(*hdr));
			memcpy((u8 *)q->slot[slot] + sizeof(*hdr), payload, len);
			sge[0].addr = (u64)q->slot[slot];
			sge[0].length = total;
			sge[0].lkey = fitv.pd->local_dma_lkey;
			ret = fitv_post(q, WR_ID(WR_SLOT, q->index, slot),
					FITV_IMM_MSG, sge, 1, 0);
			if (ret)
				fitv_give(p, q, TAKE_SLOT, slot);
		}
	}
	fitv_put(p);
	return ret;
}

static bool fitv_peer_alive(struct fit_transport *tp, u32 node)
{
	struct fitv_peer *p = &fitv.peers[node];

	return READ_ONCE(p->state) == FITV_UP && !READ_ONCE(p->broken);
}

/* ----------------------------------------------------------- receive --- */

static int fitv_post_recv(struct fitv_qp *q, unsigned int i)
{
	struct ib_sge sge = {
		.addr = (u64)q->recv[i], .length = FITV_MSG_SIZE,
		.lkey = fitv.pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = {
		.wr_id = WR_ID(WR_RECV, q->index, i), .sg_list = &sge,
		.num_sge = 1,
	};
	const struct ib_recv_wr *bad;

	return ib_post_recv(q->qp, &wr, &bad);
}

/* The poll thread's posts use the reserved part of the send queue. */
static void fitv_post_done(struct fitv_peer *p, unsigned int qi, u32 id)
{
	if (fitv_post(&p->qp[qi], WR_ID(WR_DONE, qi, id),
		      FITV_IMM_DONE | id, NULL, 0, IB_SEND_INLINE))
		WRITE_ONCE(p->broken, true);
}

/* Start the RDMA READs that a free large buffer allows. */
static void fitv_start_reads(struct fitv_peer *p)
{
	unsigned int b;

	while (p->pend_nr) {
		struct fitv_rdv *d = &p->pend[p->pend_head].d;
		unsigned int qi = p->pend[p->pend_head].q;
		struct ib_sge sge;
		struct ib_rdma_wr wr = { };
		const struct ib_send_wr *bad;

		for (b = 0; b < FITV_LARGE_BUFS && p->large_busy[b]; b++)
			;
		if (b == FITV_LARGE_BUFS)
			return;
		p->pend_head = (p->pend_head + 1) % FITV_RDV_MAX;
		p->pend_nr--;
		if (!p->large[b])
			p->large[b] = kmalloc(FITV_LARGE_SIZE, GFP_KERNEL);
		if (!p->large[b]) {
			fitv_drop(p, FD_NOMEM);
			fitv_post_done(p, qi, d->id);
			continue;
		}
		p->large_busy[b] = true;
		sge.addr = (u64)p->large[b];
		sge.length = d->len;
		sge.lkey = fitv.pd->local_dma_lkey;
		wr.wr.wr_id = WR_ID(WR_READ, qi, b | d->id << 8);
		wr.wr.sg_list = &sge;
		wr.wr.num_sge = 1;
		wr.wr.opcode = IB_WR_RDMA_READ;
		wr.wr.send_flags = IB_SEND_SIGNALED;
		wr.remote_addr = d->addr;
		wr.rkey = d->rkey;
		if (ib_post_send(p->qp[qi].qp, &wr.wr, &bad)) {
			p->large_busy[b] = false;
			WRITE_ONCE(p->broken, true);
			return;
		}
	}
}

static void fitv_rx_rdv(struct fitv_peer *p, unsigned int qi,
			const void *buf, u32 len)
{
	struct fitv_rdv d;
	unsigned int i;

	if (len != sizeof(d)) {
		fitv_drop(p, FD_BAD_RDV);
		return;
	}
	memcpy(&d, buf, sizeof(d));
	/* A well-behaved peer never has more than FITV_RDV_MAX out. */
	if (d.len < sizeof(struct fit_hdr) || d.len > FITV_LARGE_SIZE ||
	    d.id >= FITV_RDV_MAX || d.reserved || p->pend_nr == FITV_RDV_MAX) {
		fitv_drop(p, FD_BAD_RDV);
		return;
	}
	i = (p->pend_head + p->pend_nr++) % FITV_RDV_MAX;
	p->pend[i].d = d;
	p->pend[i].q = qi;
	fitv_start_reads(p);
}

static void fitv_rx_done(struct fitv_peer *p, u32 id)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&p->lock, flags);
	if (id < FITV_RDV_MAX && p->rdv[id].busy && p->rdv[id].nr) {
		fitv_stage_free(p->rdv[id].unit, p->rdv[id].nr);
		p->rdv[id].busy = false;
		ok = true;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (!ok)
		fitv_drop(p, FD_BAD_DONE);
	else if (wq_has_sleeper(&p->wq))
		wake_up_all(&p->wq);
}

static void fitv_make_up(struct fitv_peer *p)
{
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&p->lock, flags);
	p->state = FITV_UP;
	spin_unlock_irqrestore(&p->lock, flags);
	ret = fit_peer_up(&fitv.tp, p->node, FITV_CREDITS);
	if (ret)
		pr_err("node %u: fit_peer_up: %d\n", p->node, ret);
}

static void fitv_handle_recv(struct fitv_peer *p, struct fitv_qp *q,
			     const struct ib_wc *wc)
{
	unsigned int i = WR_IDX(wc->wr_id);
	void *buf = q->recv[i];

	if (wc->status == IB_WC_WR_FLUSH_ERR)
		return;			/* the QP is going away */
	if (wc->status != IB_WC_SUCCESS) {
		fitv_drop(p, FD_RX_ERROR);
	} else if (!(wc->wc_flags & IB_WC_WITH_IMM)) {
		fitv_drop(p, FD_NO_IMM);
	} else {
		/* Traffic proves the connection before COMM_EST is seen. */
		if (p->state == FITV_CONNECTING)
			fitv_make_up(p);
		switch (FITV_IMM_TYPE(wc->imm_data)) {
		case FITV_IMM_MSG:
			if (FITV_IMM_ARG(wc->imm_data))
				fitv_drop(p, FD_BAD_TYPE);
			else
				fit_rx(&fitv.tp, p->node, buf, wc->byte_len);
			break;
		case FITV_IMM_RDV:
			fitv_rx_rdv(p, q->index, buf, wc->byte_len);
			break;
		case FITV_IMM_DONE:
			if (wc->byte_len)
				fitv_drop(p, FD_BAD_DONE);
			else
				fitv_rx_done(p, FITV_IMM_ARG(wc->imm_data));
			break;
		default:
			fitv_drop(p, FD_BAD_TYPE);
		}
	}
	if (fitv_post_recv(q, i))
		WRITE_ONCE(p->broken, true);
}

static void fitv_handle_read(struct fitv_peer *p, unsigned int qi,
			     const struct ib_wc *wc)
{
	unsigned int b = WR_IDX(wc->wr_id) & 0xff;
	u32 id = WR_IDX(wc->wr_id) >> 8;

	if (wc->status == IB_WC_WR_FLUSH_ERR)
		return;
	if (wc->status == IB_WC_SUCCESS)
		fit_rx(&fitv.tp, p->node, p->large[b], wc->byte_len);
	else
		fitv_drop(p, FD_READ_ERROR);
	p->large_busy[b] = false;
	fitv_post_done(p, qi, id);
	fitv_start_reads(p);
}

static void fitv_handle_wc(struct fitv_peer *p, const struct ib_wc *wc)
{
	unsigned int type = WR_TYPE(wc->wr_id), qi = WR_QP(wc->wr_id);
	struct fitv_qp *q;

	if (qi >= FITV_NR_QPS)
		return;
	q = &p->qp[qi];
	switch (type) {
	case WR_RECV:
		fitv_handle_recv(p, q, wc);
		return;
	case WR_READ:
		fitv_handle_read(p, qi, wc);
		return;
	case WR_INLINE:
		fitv_give(p, q, TAKE_WR, 0);
		break;
	case WR_SLOT:
		fitv_give(p, q, TAKE_SLOT, WR_IDX(wc->wr_id));
		break;
	case WR_RDV:		/* the staging space waits for the DONE */
		if (wc->status == IB_WC_SUCCESS)
			fitv_give(p, q, TAKE_WR, 0);
		else
			fitv_give(p, q, TAKE_RDV, WR_IDX(wc->wr_id));
		break;
	}
	if (wc->status != IB_WC_SUCCESS && !READ_ONCE(p->broken)) {
		pr_warn_ratelimited("node %u: send failed: %s\n", p->node,
				    ib_wc_status_msg(wc->status));
		WRITE_ONCE(p->broken, true);
	}
}

/* ------------------------------------------------------- connections --- */

static void fitv_comp(struct ib_cq *cq, void *ctx)
{
	fitv_kick();
}

static void fitv_qp_event(struct ib_event *ev, void *ctx)
{
	struct fitv_qp *q = ctx;

	if (ev->event == IB_EVENT_COMM_EST)
		WRITE_ONCE(q->established, true);
	else if (ev->event == IB_EVENT_QP_FATAL)
		WRITE_ONCE(q->peer->broken, true);
	fitv_kick();
}

static void fitv_free_bufs(struct fitv_peer *p)
{
	unsigned int i, j;

	for (i = 0; i < FITV_NR_QPS; i++) {
		struct fitv_qp *q = &p->qp[i];

		for (j = 0; j < FITV_RECVS; j++) {
			kfree(q->recv[j]);
			q->recv[j] = NULL;
		}
		for (j = 0; j < FITV_SEND_SLOTS; j++) {
			kfree(q->slot[j]);
			q->slot[j] = NULL;
		}
	}
	for (i = 0; i < FITV_LARGE_BUFS; i++) {
		kfree(p->large[i]);
		p->large[i] = NULL;
		p->large_busy[i] = false;
	}
}

/* Tear the connection down; FIT hears of it first. */
static void fitv_disconnect(struct fitv_peer *p, const char *why)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_ERR };
	unsigned long flags;
	bool was_up;
	unsigned int i;

	spin_lock_irqsave(&p->lock, flags);
	was_up = p->state == FITV_UP;
	p->state = FITV_CLOSING;
	spin_unlock_irqrestore(&p->lock, flags);
	if (was_up) {
		pr_info("node %u: connection closed (%s)\n", p->node, why);
		fit_peer_down(p->node);
	}
	for (i = 0; i < FITV_NR_QPS; i++)
		if (p->qp[i].qp)
			ib_modify_qp(p->qp[i].qp, &attr, IB_QP_STATE);
	wake_up_all(&p->wq);
	wake_up_all(&fitv.stage_wq);
	/* Senders see CLOSING and leave; posting to a QP in ERR is fine. */
	wait_event(p->wq, !atomic_read(&p->users));
	for (i = 0; i < FITV_NR_QPS; i++) {
		if (p->qp[i].qp)
			ib_destroy_qp(p->qp[i].qp);
		p->qp[i].qp = NULL;
		p->qp[i].established = false;
	}
	if (p->cq)
		ib_destroy_cq(p->cq);
	p->cq = NULL;
	for (i = 0; i < FITV_RDV_MAX; i++) {
		if (p->rdv[i].busy && p->rdv[i].nr)
			fitv_stage_free(p->rdv[i].unit, p->rdv[i].nr);
		p->rdv[i].busy = false;
	}
	p->pend_nr = 0;
	fitv_free_bufs(p);
	spin_lock_irqsave(&p->lock, flags);
	p->state = FITV_IDLE;
	p->broken = false;
	spin_unlock_irqrestore(&p->lock, flags);
}

static int fitv_qp_create(struct fitv_peer *p, unsigned int i)
{
	struct fitv_qp *q = &p->qp[i];
	struct ib_qp_init_attr init = {
		.event_handler = fitv_qp_event,
		.qp_context = q,
		.send_cq = p->cq,
		.recv_cq = p->cq,
		.cap = {
			.max_send_wr = FITV_SQ_DEPTH,
			.max_recv_wr = FITV_RECVS,
			.max_send_sge = 2,
			.max_recv_sge = 1,
			.max_inline_data = fitv.inline_max,
		},
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.qp_type = IB_QPT_RC,
	};
	struct ib_qp_attr attr = { };
	unsigned int j;
	int ret;

	q->peer = p;
	q->index = i;
	q->established = false;
	q->sq_avail = FITV_SQ_SENDERS;
	q->nr_free = FITV_SEND_SLOTS;
	for (j = 0; j < FITV_SEND_SLOTS; j++) {
		q->free_slot[j] = j;
		q->slot[j] = kmalloc(FITV_MSG_SIZE, GFP_KERNEL);
		if (!q->slot[j])
			return -ENOMEM;
	}
	for (j = 0; j < FITV_RECVS; j++) {
		q->recv[j] = kmalloc(FITV_MSG_SIZE, GFP_KERNEL);
		if (!q->recv[j])
			return -ENOMEM;
	}
	q->qp = ib_create_qp(fitv.pd, &init);
	if (IS_ERR(q->qp)) {
		ret = PTR_ERR(q->qp);
		q->qp = NULL;
		return ret;
	}
	attr.qp_state = IB_QPS_INIT;
	attr.qp_access_flags = IB_ACCESS_REMOTE_READ;
	ret = ib_modify_qp(q->qp, &attr, IB_QP_STATE | IB_QP_ACCESS_FLAGS);
	for (j = 0; j < FITV_RECVS && !ret; j++)
		ret = fitv_post_recv(q, j);
	if (ret)
		return ret;
	attr.qp_state = IB_QPS_RTR;
	attr.dest_node = p->node;
	attr.dest_qp_num = ib_conn_qpn(fitv.dev, p->node, fitv.self,
				       fitv.conn_base + i);
	ret = ib_modify_qp(q->qp, &attr,
			   IB_QP_STATE | IB_QP_DEST_NODE | IB_QP_DEST_QPN);
	if (ret)
		return ret;
	attr.qp_state = IB_QPS_RTS;
	return ib_modify_qp(q->qp, &attr, IB_QP_STATE);
}

/* Create and connect the QPs; FIT hears of the peer once they link. */
static void fitv_connect(struct fitv_peer *p, u32 gen)
{
	unsigned int i;
	int ret = 0;

	p->gen = gen;
	p->broken = false;
	p->pend_head = p->pend_nr = 0;
	p->cq = ib_create_cq(fitv.dev, FITV_CQ_SIZE, fitv_comp, p);
	if (IS_ERR(p->cq)) {
		ret = PTR_ERR(p->cq);
		p->cq = NULL;
	}
	for (i = 0; i < FITV_NR_QPS && !ret; i++)
		ret = fitv_qp_create(p, i);
	WRITE_ONCE(p->state, FITV_CONNECTING);
	if (ret) {
		/* -EHOSTUNREACH: it is leaving; try again at the next scan. */
		if (ret != -EHOSTUNREACH)
			pr_warn("node %u: cannot connect: %d\n", p->node, ret);
		fitv_disconnect(p, "connect failed");
	}
}

/* Follow the fabric: connect new peers, drop those gone or restarted. */
static void fitv_scan(void)
{
	struct fabric_node_info info;
	unsigned int id;

	for (id = 0; id < FIT_MAX_NODES; id++) {
		struct fitv_peer *p = &fitv.peers[id];
		bool up;

		if (id == fitv.self)
			continue;
		up = fabric_node_info(id, &info) && info.state == SHMF_NODE_UP;
		if (p->state != FITV_IDLE && (!up || info.generation != p->gen))
			fitv_disconnect(p, up ? "restarted" : "left the fabric");
		if (p->state == FITV_IDLE && up)
			fitv_connect(p, info.generation);
	}
}

/* Connection events: a broken connection, or both QPs linked. */
static void fitv_check_peer(struct fitv_peer *p)
{
	unsigned int i;
	bool est = true;

	if (p->state == FITV_IDLE)
		return;
	if (READ_ONCE(p->broken)) {
		fitv_disconnect(p, "connection lost");
		return;
	}
	if (p->state != FITV_CONNECTING)
		return;
	for (i = 0; i < FITV_NR_QPS; i++)
		est &= READ_ONCE(p->qp[i].established);
	if (est)
		fitv_make_up(p);
}

static unsigned int fitv_poll_peer(struct fitv_peer *p)
{
	struct ib_wc wc[16];
	unsigned int done = 0;
	int n, i;

	if (!p->cq)
		return 0;
	do {
		n = ib_poll_cq(p->cq, ARRAY_SIZE(wc), wc);
		for (i = 0; i < n; i++)
			fitv_handle_wc(p, &wc[i]);
		done += max(n, 0);
	} while (n == ARRAY_SIZE(wc) && done < 256);
	return done;
}

/* Arm every CQ; true if completions are already waiting. */
static bool fitv_arm(void)
{
	unsigned int id;
	bool missed = false;

	for (id = 0; id < FIT_MAX_NODES; id++) {
		struct ib_cq *cq = fitv.peers[id].cq;

		if (cq && ib_req_notify_cq(cq, IB_CQ_NEXT_COMP |
					   IB_CQ_REPORT_MISSED_EVENTS) > 0)
			missed = true;
	}
	return missed;
}

static int fitv_thread(void *unused)
{
	u64 last = local_clock(), scanned = 0, now;
	unsigned int id, work;

	while (!kthread_should_stop()) {
		WRITE_ONCE(fitv.kicked, false);
		work = 0;
		for (id = 0; id < FIT_MAX_NODES; id++) {
			fitv_check_peer(&fitv.peers[id]);
			work += fitv_poll_peer(&fitv.peers[id]);
		}
		now = local_clock();
		if (now - scanned >= FITV_SCAN_MS * NSEC_PER_MSEC) {
			fitv_scan();
			scanned = now;
		}
		if (work) {
			last = now;
			cond_resched();
			continue;
		}
		/* Spin a little after work: the next message often follows. */
		if (now - last < FITV_SPIN_NS) {
			yield();
			continue;
		}
		if (fitv_arm())
			continue;
		wait_event_timeout(fitv.wq, READ_ONCE(fitv.kicked) ||
				   kthread_should_stop(),
				   msecs_to_jiffies(FITV_SCAN_MS));
	}
	return 0;
}

static void fitv_dump(struct fit_transport *tp)
{
	unsigned int i, up = 0, staged = 0;
	char line[256];
	size_t pos = 0;
	u64 n;

	for (i = 0; i < FIT_MAX_NODES; i++)
		up += READ_ONCE(fitv.peers[i].state) == FITV_UP;
	for (i = 0; i < FITV_STAGE_UNITS; i++)
		staged += READ_ONCE(fitv.stage_used[i]);
	for (i = 0; i < FD_NR; i++) {
		n = atomic64_read(&fitv.drops[i]);
		if (n && pos < sizeof(line))
			pos += snprintf(line + pos, sizeof(line) - pos, "%s%s %llu",
					pos ? ", " : " ", fitv_drop_names[i], n);
	}
	pr_info("%u peers connected, staging %u/%u units in use; dropped:%s\n",
		up, staged, (unsigned int)FITV_STAGE_UNITS, pos ? line : " none");
}

void fit_verbs_break(u32 node)
{
	if (node < FIT_MAX_NODES) {
		WRITE_ONCE(fitv.peers[node].broken, true);
		fitv_kick();
	}
}

u32 fit_verbs_conn_index(unsigned int qp)
{
	return fitv.conn_base + qp;
}

int fit_verbs_init(void)
{
	struct task_struct *t;
	unsigned int i;
	int ret;

	if (!fabric_joined())
		return 0;
	fitv.dev = ib_get_device(NULL);
	if (!fitv.dev) {
		pr_info("no RDMA device\n");
		return 0;
	}
	if (fitv.dev->attrs.max_conn_per_peer < FITV_NR_QPS ||
	    fitv.dev->attrs.max_msg_sz < FITV_MSG_SIZE) {
		pr_err("%s cannot carry FIT\n", fitv.dev->name);
		return -EINVAL;
	}
	fitv.pd = ib_alloc_pd(fitv.dev);
	if (IS_ERR(fitv.pd))
		return PTR_ERR(fitv.pd);
	fitv.self = fit_self_id();
	fitv.conn_base = fitv.dev->attrs.max_conn_per_peer - FITV_NR_QPS;
	fitv.inline_max = min((u32)FITV_INLINE_MAX,
			      fitv.dev->attrs.max_inline_data);
	mutex_init(&fitv.stage_mutex);
	spin_lock_init(&fitv.stage_lock);
	init_waitqueue_head(&fitv.stage_wq);
	init_waitqueue_head(&fitv.wq);
	for (i = 0; i < FIT_MAX_NODES; i++) {
		struct fitv_peer *p = &fitv.peers[i];

		p->node = i;
		spin_lock_init(&p->lock);
		init_waitqueue_head(&p->wq);
	}
	fitv.tp.name = "verbs";
	fitv.tp.max_payload = FIT_MAX_PAYLOAD;
	fitv.tp.send = fitv_send;
	fitv.tp.peer_alive = fitv_peer_alive;
	fitv.tp.dump = fitv_dump;
	ret = fit_transport_register(&fitv.tp);
	if (ret)
		return ret;
	t = kthread_run(fitv_thread, NULL, "fit-verbs");
	if (IS_ERR(t))
		return PTR_ERR(t);
	fitv.task = t;
	pr_info("%s: %u QPs per peer (connections %u-%u), %u credits, messages up to %u bytes by SEND, larger by RDMA READ\n",
		fitv.dev->name, FITV_NR_QPS, fitv.conn_base,
		fitv.conn_base + FITV_NR_QPS - 1, FITV_CREDITS, FITV_MSG_SIZE);
	return 0;
}
