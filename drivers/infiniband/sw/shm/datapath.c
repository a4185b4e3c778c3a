// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated HCA's verbs, data path.
 *
 * SEND, SEND_WITH_IMM and the notification of an RDMA WRITE_WITH_IMM
 * travel as messages on the request ring of the sender's QP slot; the
 * receiver answers with cumulative ACKs (or a NAK) on the response ring.
 * RDMA WRITE and READ are one-sided: the requester checks the target's
 * MR entry and copies straight into or out of the target's window.
 * A poller thread per device runs the receive side, the responses and
 * whatever the send queues could not push at post time.
 * Documentation/verbs.md describes the protocol and its limits.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/wait.h>
#include "verbs.h"

static inline u32 shm_nr_elems(void)
{
	return shm.geo.ring_elems;
}

static inline void *shm_elem(u64 ring, u32 pos)
{
	return shm_at(ring + (u64)pos * SHMF_ELEM_SIZE);
}

/* Payload bytes of one SEND segment: a quarter of the ring per message. */
static inline u32 shm_seg_max(void)
{
	return (shm_nr_elems() / 4 - 1) * SHMF_ELEM_SIZE;
}

static void shm_msg_init(struct shmf_msg *h, struct shm_qp *qp, u8 op,
			 u8 flags, u32 nr_elems)
{
	shm_msg_fill(h, op, flags, nr_elems, qp->self_gen);
}

/*
 * Room for a message of n elements on a ring whose producer index is
 * *head: the position to write it at, or -1 if the ring is too full.  A
 * message never wraps: if it would, a PAD to the end of the ring goes
 * first, and *head moves past it (the caller publishes head + n).
 */
static int shm_ring_reserve(struct shm_qp *qp, u64 ring, u32 *head, u32 tail,
			    u32 n)
{
	u32 nr = shm_nr_elems(), used = *head - tail;
	u32 pos = *head & (nr - 1), pad = 0;
	struct shmf_msg h;

	if (used > nr)
		return -1;
	if (pos + n > nr)
		pad = nr - pos;
	if (nr - used < pad + n)
		return -1;
	if (pad) {
		shm_msg_init(&h, qp, SHMF_OP_PAD, 0, pad);
		memcpy(shm_elem(ring, pos), &h, sizeof(h));
		*head += pad;
		pos = 0;
	}
	return pos;
}

/* ------------------------------------------------------ completions --- */

static bool shm_cq_add(struct shm_cq *cq, const struct ib_wc *wc,
		       bool solicited)
{
	spin_lock(&cq->lock);
	if (cq->head - cq->tail >= cq->size) {
		if (!cq->full_warned)
			pr_warn("verbs: a CQ of %u entries is full: completions wait until it is polled\n",
				cq->size);
		cq->full_warned = true;
		spin_unlock(&cq->lock);
		return false;
	}
	cq->queue[cq->head++ & (cq->size - 1)] = *wc;
	if (cq->notify && ((cq->notify & IB_CQ_NEXT_COMP) || solicited ||
			   wc->status != IB_WC_SUCCESS)) {
		cq->notify = 0;
		cq->fire = true;
	}
	spin_unlock(&cq->lock);
	return true;
}

int shm_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc)
{
	struct shm_cq *cq = to_scq(ibcq);
	int n = 0;

	spin_lock(&cq->lock);
	while (n < num_entries && cq->tail != cq->head)
		wc[n++] = cq->queue[cq->tail++ & (cq->size - 1)];
	spin_unlock(&cq->lock);
	return n;
}

int shm_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags)
{
	struct shm_cq *cq = to_scq(ibcq);
	int missed = 0;

	spin_lock(&cq->lock);
	cq->notify = (flags & IB_CQ_NEXT_COMP) ? IB_CQ_NEXT_COMP :
						 IB_CQ_SOLICITED;
	if ((flags & IB_CQ_REPORT_MISSED_EVENTS) && cq->head != cq->tail)
		missed = 1;
	spin_unlock(&cq->lock);
	return missed;
}

/* Run the completion handler if a completion was added to an armed CQ. */
void shm_cq_fire(struct shm_cq *cq)
{
	bool fire;

	if (!READ_ONCE(cq->fire))
		return;
	spin_lock(&cq->lock);
	fire = cq->fire;
	cq->fire = false;
	spin_unlock(&cq->lock);
	if (fire && cq->ibcq.comp_handler)
		cq->ibcq.comp_handler(&cq->ibcq, cq->ibcq.cq_context);
}

/* ------------------------------------------------------- local data --- */

static bool shm_sges_ok(struct shm_qp *qp, const struct ib_sge *sge, u32 num,
			bool write)
{
	u32 i;

	for (i = 0; i < num; i++)
		if (!shm_lkey_ok(qp->dev, qp->ibqp.pd, sge[i].lkey, sge[i].addr,
				 sge[i].length, write))
			return false;
	return true;
}

/* Copy len bytes between buf and byte offset off of a scatter list. */
static void shm_sge_copy(const struct ib_sge *sge, u32 num, u32 off, void *buf,
			 u32 len, bool to_sge)
{
	u8 *b = buf;
	u32 i, n;

	for (i = 0; i < num && len; i++) {
		if (off >= sge[i].length) {
			off -= sge[i].length;
			continue;
		}
		n = min(sge[i].length - off, len);
		if (to_sge)
			memcpy((u8 *)sge[i].addr + off, b, n);
		else
			memcpy(b, (u8 *)sge[i].addr + off, n);
		b += n;
		len -= n;
		off = 0;
	}
}

static u8 *shm_inline_data(struct shm_qp *qp, struct shm_swqe *wqe)
{
	return qp->inline_buf + (size_t)(wqe - qp->sq) * qp->max_inline;
}

/* Gather len bytes of a send WR's data from offset off into buf. */
static void shm_swqe_gather(struct shm_qp *qp, struct shm_swqe *wqe, u32 off,
			    void *buf, u32 len)
{
	if (wqe->inlined)
		memcpy(buf, shm_inline_data(qp, wqe) + off, len);
	else
		shm_sge_copy(wqe->sge, wqe->num_sge, off, buf, len, false);
}

/* --------------------------------------------------- one-sided RDMA --- */

static void shm_rdma_log(struct shm_qp *qp, struct shm_swqe *wqe,
			 const char *why)
{
	if (shm_log_ok(qp->dev))
		pr_info("verbs: QP %#x: RDMA %s of %u bytes at %#llx in node %u refused: %s\n",
			qp->ibqp.qp_num,
			wqe->opcode == IB_WR_RDMA_READ ? "READ" : "WRITE",
			wqe->length, wqe->remote_addr, qp->peer, why);
}

/*
 * Is the access allowed by the target's MR entry e and the target QP?
 * The caller counts itself in e->busy[] first, so the owner cannot
 * deregister the MR between this check and the copy.
 */
static enum ib_wc_status shm_rdma_check(struct shm_qp *qp,
					struct shm_swqe *wqe,
					struct shmf_mr *e, bool write)
{
	struct shmf_qp *ps = shm_qp(qp->peer_slot);
	u32 need = write ? SHMF_ACCESS_REMOTE_WRITE : SHMF_ACCESS_REMOTE_READ;
	u64 off, len, win = shm.geo.win_size;
	u32 key;

	key = __atomic_load_n(&e->rkey, __ATOMIC_ACQUIRE);
	if (!key || key != wqe->rkey) {
		shm_count(&shm_node(qp->peer)->err.rkey_errors);
		shm_rdma_log(qp, wqe, "invalid rkey");
		return IB_WC_REM_ACCESS_ERR;
	}
	off = READ_ONCE(e->offset);
	len = READ_ONCE(e->length);
	if (!(READ_ONCE(e->access) & need) || !(READ_ONCE(ps->flags) & need) ||
	    READ_ONCE(e->pd) != READ_ONCE(ps->pd) ||
	    off > win || len > win - off ||
	    wqe->remote_addr < off || wqe->length > len ||
	    wqe->remote_addr - off > len - wqe->length) {
		shm_count(&shm_node(qp->peer)->err.access_errors);
		shm_rdma_log(qp, wqe, "outside the MR or not permitted");
		return IB_WC_REM_ACCESS_ERR;
	}
	return IB_WC_SUCCESS;
}

static enum ib_wc_status shm_rdma(struct shm_qp *qp, struct shm_swqe *wqe)
{
	bool write = wqe->opcode != IB_WR_RDMA_READ;
	u32 index = SHMF_RKEY_INDEX(wqe->rkey);
	enum ib_wc_status status;
	struct shmf_mr *e;
	u8 *target;

	if (!wqe->inlined && !shm_sges_ok(qp, wqe->sge, wqe->num_sge, !write))
		return IB_WC_LOC_PROT_ERR;
	if (index >= SHMF_MRS_PER_NODE) {
		shm_count(&shm_node(qp->peer)->err.rkey_errors);
		shm_rdma_log(qp, wqe, "invalid rkey");
		return IB_WC_REM_ACCESS_ERR;
	}
	e = shm_mr(qp->peer, index);
	/* Counted before the key is checked: see shm_unpublish_mr(). */
	__atomic_fetch_add(&e->busy[shm.self], 1, __ATOMIC_SEQ_CST);
	status = shm_rdma_check(qp, wqe, e, write);
	if (status == IB_WC_SUCCESS && wqe->length) {
		target = shm_at(shmf_win_off(&shm.geo, qp->peer) +
				wqe->remote_addr);
		if (write)
			shm_swqe_gather(qp, wqe, 0, target, wqe->length);
		else
			shm_sge_copy(wqe->sge, wqe->num_sge, 0, target,
				     wqe->length, true);
	}
	__atomic_fetch_sub(&e->busy[shm.self], 1, __ATOMIC_RELEASE);
	return status;
}

/* ------------------------------------------------------- send queue --- */

static void shm_note_ring_full(struct shm_qp *qp)
{
	if (qp->ring_full)
		return;
	qp->ring_full = true;
	shm_count(&shm_self()->err.ring_full);
}

/* Put the next segments of a SEND on the ring; false if it ran out of room. */
static bool shm_tx_send(struct shm_qp *qp, struct shm_swqe *wqe)
{
	struct shmf_qp *ms = shm_qp(qp->slot);
	u64 ring = shmf_req_ring_off(&shm.geo, qp->slot);
	u32 head = READ_ONCE(ms->req_head), tail, len, n;
	struct shmf_msg h;
	bool more;
	int pos;

	do {
		tail = __atomic_load_n(&ms->req_tail, __ATOMIC_ACQUIRE);
		len = min(wqe->length - wqe->sent, shm_seg_max());
		n = shmf_msg_elems(len);
		pos = shm_ring_reserve(qp, ring, &head, tail, n);
		if (pos < 0) {
			shm_note_ring_full(qp);
			return false;
		}
		qp->ring_full = false;
		more = wqe->sent + len < wqe->length;
		shm_msg_init(&h, qp, wqe->opcode == IB_WR_SEND_WITH_IMM ?
			     SHMF_OP_SEND_IMM : SHMF_OP_SEND,
			     SHMF_MSG_INLINE | (more ? SHMF_MSG_MORE : 0), n);
		if (!more && (wqe->send_flags & IB_SEND_SOLICITED))
			h.flags |= SHMF_MSG_SOLICITED;
		if (wqe->send_flags & IB_SEND_SIGNALED)
			h.flags |= SHMF_MSG_SIGNALED;
		h.length = len;
		h.imm = wqe->imm;
		h.psn = qp->next_psn++;
		h.wr_id = wqe->wr_id;
		h.remote_addr = wqe->sent;	/* offset of the segment */
		memcpy(shm_elem(ring, pos), &h, sizeof(h));
		shm_swqe_gather(qp, wqe, wqe->sent, shm_elem(ring, pos + 1), len);
		head += n;
		WRITE_ONCE(ms->req_msgs, qp->next_psn);
		__atomic_store_n(&ms->req_head, head, __ATOMIC_RELEASE);
		wqe->sent += len;
	} while (more);
	wqe->last_psn = h.psn;
	wqe->state = SWQE_WAIT_ACK;
	return true;
}

/* The notification of a WRITE_WITH_IMM whose data is in place. */
static bool shm_tx_write_imm(struct shm_qp *qp, struct shm_swqe *wqe)
{
	struct shmf_qp *ms = shm_qp(qp->slot);
	u64 ring = shmf_req_ring_off(&shm.geo, qp->slot);
	u32 head = READ_ONCE(ms->req_head);
	struct shmf_msg h;
	int pos;

	pos = shm_ring_reserve(qp, ring, &head,
			       __atomic_load_n(&ms->req_tail, __ATOMIC_ACQUIRE),
			       1);
	if (pos < 0) {
		shm_note_ring_full(qp);
		return false;
	}
	qp->ring_full = false;
	shm_msg_init(&h, qp, SHMF_OP_WRITE_IMM, 0, 1);
	if (wqe->send_flags & IB_SEND_SOLICITED)
		h.flags |= SHMF_MSG_SOLICITED;
	if (wqe->send_flags & IB_SEND_SIGNALED)
		h.flags |= SHMF_MSG_SIGNALED;
	h.length = wqe->length;
	h.imm = wqe->imm;
	h.psn = qp->next_psn++;
	h.wr_id = wqe->wr_id;
	h.rkey = wqe->rkey;
	h.remote_addr = wqe->remote_addr;
	memcpy(shm_elem(ring, pos), &h, sizeof(h));
	WRITE_ONCE(ms->req_msgs, qp->next_psn);
	__atomic_store_n(&ms->req_head, head + 1, __ATOMIC_RELEASE);
	wqe->last_psn = h.psn;
	wqe->state = SWQE_WAIT_ACK;
	return true;
}

/* Do what a WR needs now; false if it must wait for ring room. */
static bool shm_swqe_execute(struct shm_qp *qp, struct shm_swqe *wqe)
{
	switch (wqe->opcode) {
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_READ:
		wqe->status = shm_rdma(qp, wqe);
		wqe->state = SWQE_DONE;
		return true;
	case IB_WR_RDMA_WRITE_WITH_IMM:
		if (wqe->state == SWQE_QUEUED) {
			wqe->status = shm_rdma(qp, wqe);
			if (wqe->status != IB_WC_SUCCESS) {
				wqe->state = SWQE_DONE;
				return true;
			}
			wqe->state = SWQE_ACTIVE;
		}
		return shm_tx_write_imm(qp, wqe);
	case IB_WR_SEND:
	case IB_WR_SEND_WITH_IMM:
		if (wqe->state == SWQE_QUEUED) {
			if (!wqe->inlined &&
			    !shm_sges_ok(qp, wqe->sge, wqe->num_sge, false)) {
				wqe->status = IB_WC_LOC_PROT_ERR;
				wqe->state = SWQE_DONE;
				return true;
			}
			wqe->state = SWQE_ACTIVE;
		}
		return shm_tx_send(qp, wqe);
	}
	return true;
}

static bool shm_sq_progress(struct shm_qp *qp)
{
	bool work = false;

	if (qp->state != IB_QPS_RTS || !qp->linked)
		return false;
	while (qp->sq_tx != qp->sq_head) {
		if (!shm_swqe_execute(qp, &qp->sq[qp->sq_tx & (qp->sq_size - 1)]))
			break;
		qp->sq_tx++;
		work = true;
	}
	return work;
}

static enum ib_wc_opcode shm_wc_opcode(enum ib_wr_opcode op)
{
	switch (op) {
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
		return IB_WC_RDMA_WRITE;
	case IB_WR_RDMA_READ:
		return IB_WC_RDMA_READ;
	default:
		return IB_WC_SEND;
	}
}

/* Complete finished WRs in order (signaled ones and errors get a CQE). */
static bool shm_sq_retire(struct shm_qp *qp)
{
	struct shm_cq *cq = to_scq(qp->ibqp.send_cq);
	struct shm_swqe *wqe;
	struct ib_wc wc;
	bool work = false;

	while (qp->sq_tail != qp->sq_tx) {
		wqe = &qp->sq[qp->sq_tail & (qp->sq_size - 1)];
		if (wqe->state != SWQE_DONE)
			break;
		if (wqe->status != IB_WC_SUCCESS ||
		    qp->sig_type == IB_SIGNAL_ALL_WR ||
		    (wqe->send_flags & IB_SEND_SIGNALED)) {
			memset(&wc, 0, sizeof(wc));
			wc.wr_id = wqe->wr_id;
			wc.status = wqe->status;
			wc.opcode = shm_wc_opcode(wqe->opcode);
			wc.byte_len = wqe->length;
			wc.qp = &qp->ibqp;
			if (!shm_cq_add(cq, &wc, false))
				break;
		}
		qp->sq_tail++;
		work = true;
	}
	return work;
}

static int shm_swqe_init(struct shm_qp *qp, struct shm_swqe *wqe,
			 const struct ib_send_wr *wr)
{
	u64 length = 0, limit;
	int i;

	if (wr->num_sge < 0 || wr->num_sge > qp->max_send_sge)
		return -EINVAL;
	switch (wr->opcode) {
	case IB_WR_SEND:
	case IB_WR_SEND_WITH_IMM:
		limit = SHM_MAX_MSG;
		break;
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
	case IB_WR_RDMA_READ:
		limit = shm.geo.win_size;
		break;
	default:
		return -EINVAL;
	}
	for (i = 0; i < wr->num_sge; i++)
		length += wr->sg_list[i].length;
	if (length > limit)
		return -EINVAL;

	memset(wqe, 0, offsetof(struct shm_swqe, sge));
	wqe->wr_id = wr->wr_id;
	wqe->opcode = wr->opcode;
	wqe->state = SWQE_QUEUED;
	wqe->send_flags = wr->send_flags;
	wqe->imm = wr->imm_data;
	wqe->length = length;
	if (wr->opcode != IB_WR_SEND && wr->opcode != IB_WR_SEND_WITH_IMM) {
		wqe->rkey = rdma_wr(wr)->rkey;
		wqe->remote_addr = rdma_wr(wr)->remote_addr;
	}
	if (wr->send_flags & IB_SEND_INLINE) {
		if (wr->opcode == IB_WR_RDMA_READ || length > qp->max_inline)
			return -EINVAL;
		/* The data now; the buffers are the caller's again. */
		wqe->inlined = true;
		shm_sge_copy(wr->sg_list, wr->num_sge, 0,
			     shm_inline_data(qp, wqe), length, false);
		return 0;
	}
	wqe->num_sge = wr->num_sge;
	memcpy(wqe->sge, wr->sg_list, wr->num_sge * sizeof(*wr->sg_list));
	return 0;
}

int shm_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		  const struct ib_send_wr **bad_wr)
{
	struct shm_qp *qp = to_sqp(ibqp);
	int ret = 0;

	spin_lock(&qp->lock);
	if (qp->state != IB_QPS_RTS && qp->state != IB_QPS_ERR) {
		ret = -EINVAL;
		goto out;
	}
	for (; wr; wr = wr->next) {
		if (qp->sq_head - qp->sq_tail >= qp->sq_cap) {
			ret = -ENOMEM;
			break;
		}
		ret = shm_swqe_init(qp, &qp->sq[qp->sq_head & (qp->sq_size - 1)],
				    wr);
		if (ret)
			break;
		qp->sq_head++;
	}
	/* The fast path: on the ring (or done) before returning. */
	if (shm_sq_progress(qp))
		shm_sq_retire(qp);
out:
	if (ret)
		*bad_wr = wr;
	spin_unlock(&qp->lock);
	shm_kick(qp->dev);
	return ret;
}

int shm_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		  const struct ib_recv_wr **bad_wr)
{
	struct shm_qp *qp = to_sqp(ibqp);
	struct shm_rwqe *rwqe;
	int ret = 0;

	spin_lock(&qp->lock);
	if (qp->state == IB_QPS_RESET) {
		ret = -EINVAL;
		goto out;
	}
	for (; wr; wr = wr->next) {
		if (qp->rq_head - qp->rq_tail >= qp->rq_cap) {
			ret = -ENOMEM;
			break;
		}
		if (wr->num_sge < 0 || wr->num_sge > qp->max_recv_sge) {
			ret = -EINVAL;
			break;
		}
		rwqe = &qp->rq[qp->rq_head & (qp->rq_size - 1)];
		rwqe->wr_id = wr->wr_id;
		rwqe->num_sge = wr->num_sge;
		memcpy(rwqe->sge, wr->sg_list, wr->num_sge * sizeof(*wr->sg_list));
		qp->rq_head++;
	}
out:
	if (ret)
		*bad_wr = wr;
	spin_unlock(&qp->lock);
	shm_kick(qp->dev);
	return ret;
}

/* --------------------------------------------------------- flushing --- */

void shm_qp_flush(struct shm_qp *qp)
{
	struct shm_cq *rcq = to_scq(qp->ibqp.recv_cq);
	struct shm_swqe *wqe;
	struct ib_wc wc;
	u32 i;

	/* Started WRs fail as the connection did; the others are flushed. */
	for (i = qp->sq_tail; i != qp->sq_head; i++) {
		wqe = &qp->sq[i & (qp->sq_size - 1)];
		if (wqe->state == SWQE_DONE)
			continue;
		wqe->status = wqe->state == SWQE_QUEUED ? IB_WC_WR_FLUSH_ERR :
							  qp->lost_status;
		wqe->state = SWQE_DONE;
	}
	qp->sq_tx = qp->sq_head;
	shm_sq_retire(qp);

	qp->ack_pending = false;
	qp->nak_pending = false;
	if (qp->rx_wc_pending) {
		if (!shm_cq_add(rcq, &qp->rx_wc, false))
			return;
		qp->rx_wc_pending = false;
	}
	qp->rx_in_msg = false;
	while (qp->rq_tail != qp->rq_head) {
		memset(&wc, 0, sizeof(wc));
		wc.wr_id = qp->rq[qp->rq_tail & (qp->rq_size - 1)].wr_id;
		wc.status = IB_WC_WR_FLUSH_ERR;
		wc.opcode = IB_WC_RECV;
		wc.qp = &qp->ibqp;
		if (!shm_cq_add(rcq, &wc, false))
			break;
		qp->rq_tail++;
	}
}

/* -------------------------------------------------------- responses --- */

/* ACK or NAK the peer's request psn on our response ring to it. */
static bool shm_tx_response(struct shm_qp *qp, u8 op, u64 psn, u64 wr_id,
			    u32 status)
{
	struct shmf_qp *ps = shm_qp(qp->peer_slot);
	u64 ring = shmf_rsp_ring_off(&shm.geo, qp->peer_slot);
	u32 head = READ_ONCE(ps->rsp_head);
	struct shmf_msg h;
	int pos;

	pos = shm_ring_reserve(qp, ring, &head,
			       __atomic_load_n(&ps->rsp_tail, __ATOMIC_ACQUIRE),
			       1);
	if (pos < 0)
		return false;
	shm_msg_init(&h, qp, op, 0, 1);
	h.psn = psn;
	h.wr_id = wr_id;
	h.status = status;
	memcpy(shm_elem(ring, pos), &h, sizeof(h));
	__atomic_store_n(&ps->rsp_head, head + 1, __ATOMIC_RELEASE);
	return true;
}

static enum ib_wc_status shm_nak_status(u32 st)
{
	switch (st) {
	case SHMF_ST_REM_ACCESS:
		return IB_WC_REM_ACCESS_ERR;
	case SHMF_ST_REM_INVALID:
		return IB_WC_REM_INV_REQ_ERR;
	case SHMF_ST_RNR:
		return IB_WC_RNR_RETRY_EXC_ERR;
	default:
		return IB_WC_REM_OP_ERR;
	}
}

/* The responder handled our requests up to psn (the last one failed if nak). */
static void shm_acked(struct shm_qp *qp, u64 psn, bool nak, u32 st)
{
	struct shm_swqe *wqe;
	u32 i;

	for (i = qp->sq_tail; i != qp->sq_tx; i++) {
		wqe = &qp->sq[i & (qp->sq_size - 1)];
		if (wqe->state != SWQE_WAIT_ACK)
			continue;
		if (wqe->last_psn > psn)
			break;
		wqe->state = SWQE_DONE;
		wqe->status = IB_WC_SUCCESS;
		if (nak && wqe->last_psn == psn)
			wqe->status = shm_nak_status(st);
	}
	qp->acked_psn = psn + 1;
}

static void shm_rx_log(struct shm_qp *qp, const char *ring,
		       const struct shmf_msg *h, const char *why)
{
	if (shm_log_ok(qp->dev))
		pr_warn("verbs: QP %#x: dropped a message on the %s ring from node %u: %s (opcode %#x, %u elements, length %u, header %u bytes)\n",
			qp->ibqp.qp_num, ring, qp->peer, why, h->opcode,
			h->nr_elems, h->length, h->hdr_len);
}

enum shm_verdict {
	SHM_MSG_OK,
	SHM_MSG_SKIP,		/* rejected (counted), framing intact */
	SHM_MSG_LOST,		/* the framing cannot be trusted */
};

/*
 * Check the frame of the message at pos (avail elements published):
 * magic, header length, element count.  Counts and logs rejections.
 */
static enum shm_verdict shm_check_frame(struct shm_qp *qp, const char *ring,
					const struct shmf_msg *h, u32 pos,
					u32 avail)
{
	struct shmf_node_errors *err = &shm_self()->err;
	u32 nr = shm_nr_elems();

	if (h->magic != SHMF_MSG_MAGIC) {
		shm_count(&err->rx_truncated);
		shm_rx_log(qp, ring, h, "bad magic");
		return SHM_MSG_LOST;
	}
	if (!h->nr_elems || h->nr_elems > avail || pos + h->nr_elems > nr) {
		shm_count(&err->rx_bad_length);
		shm_rx_log(qp, ring, h, "element count off the ring");
		return SHM_MSG_LOST;
	}
	if (h->hdr_len != SHMF_MSG_HDR_SIZE) {
		shm_count(&err->rx_truncated);
		shm_rx_log(qp, ring, h, "truncated header");
		return SHM_MSG_SKIP;
	}
	if (h->opcode == SHMF_OP_PAD && pos + h->nr_elems != nr) {
		shm_count(&err->rx_bad_length);
		shm_rx_log(qp, ring, h, "PAD not up to the end of the ring");
		return SHM_MSG_SKIP;
	}
	return SHM_MSG_OK;
}

/* Responses to our requests: turn ACKs and NAKs into completions. */
static bool shm_rx_responses(struct shm_qp *qp)
{
	struct shmf_node_errors *err = &shm_self()->err;
	struct shmf_qp *ms = shm_qp(qp->slot);
	u64 ring = shmf_rsp_ring_off(&shm.geo, qp->slot);
	u32 nr = shm_nr_elems(), tail = READ_ONCE(ms->rsp_tail), head, pos;
	u32 budget = nr;	/* a ring's worth per pass: other QPs wait */
	enum shm_verdict v;
	struct shmf_msg h;
	bool work = false;

	while (budget--) {
		head = __atomic_load_n(&ms->rsp_head, __ATOMIC_ACQUIRE);
		if (head == tail)
			break;
		if (head - tail > nr) {
			shm_qp_lost(qp, "response ring indices out of range");
			return true;
		}
		pos = tail & (nr - 1);
		memcpy(&h, shm_elem(ring, pos), sizeof(h));
		v = shm_check_frame(qp, "response", &h, pos, head - tail);
		if (v == SHM_MSG_LOST) {
			__atomic_store_n(&ms->rsp_tail, head, __ATOMIC_RELEASE);
			shm_qp_lost(qp, "malformed response framing");
			return true;
		}
		if (v == SHM_MSG_OK && h.opcode != SHMF_OP_PAD) {
			if (h.opcode != SHMF_OP_ACK && h.opcode != SHMF_OP_NAK) {
				shm_count(&err->rx_bad_opcode);
				shm_rx_log(qp, "response", &h, "unknown opcode");
			} else if (h.nr_elems != 1) {
				shm_count(&err->rx_bad_length);
				shm_rx_log(qp, "response", &h, "bad length");
			} else if (h.src_node != qp->peer ||
				   h.src_gen != qp->peer_gen) {
				/* stale: from another incarnation */
			} else if (h.psn >= qp->next_psn) {
				__atomic_store_n(&ms->rsp_tail, head,
						 __ATOMIC_RELEASE);
				shm_qp_lost(qp, "response to a request never sent");
				return true;
			} else if (h.psn >= qp->acked_psn) {
				shm_acked(qp, h.psn, h.opcode == SHMF_OP_NAK,
					  h.status);
			}
		}
		tail += h.nr_elems;
		__atomic_store_n(&ms->rsp_tail, tail, __ATOMIC_RELEASE);
		work = true;
	}
	return work;
}

/* ----------------------------------------------------- receive side --- */

enum shm_rx_result {
	SHM_RX_DONE,		/* consumed */
	SHM_RX_STALL,		/* no receive posted, or no CQ room: later */
	SHM_RX_LOST,		/* protocol violation: the QP is lost */
};

static void shm_rx_complete(struct shm_qp *qp, struct ib_wc *wc,
			    bool solicited)
{
	if (!shm_cq_add(to_scq(qp->ibqp.recv_cq), wc, solicited)) {
		qp->rx_wc = *wc;
		qp->rx_wc_pending = true;
	}
}

static void shm_rx_wc_init(struct shm_qp *qp, struct ib_wc *wc,
			   const struct shmf_msg *h, struct shm_rwqe *rwqe)
{
	memset(wc, 0, sizeof(*wc));
	wc->wr_id = rwqe->wr_id;
	wc->qp = &qp->ibqp;
	wc->src_qp = SHMF_QPN(qp->peer, shm.self, qp->index);
	wc->src_node = qp->peer;
	if (h->opcode != SHMF_OP_SEND) {
		wc->imm_data = h->imm;
		wc->wc_flags = IB_WC_WITH_IMM;
	}
}

/* Answer a finished message: ACK it later (cumulative) or NAK it now. */
static void shm_rx_answer(struct shm_qp *qp, const struct shmf_msg *h,
			  enum ib_wc_status status)
{
	if (status == IB_WC_SUCCESS) {
		qp->ack_pending = true;
		qp->ack_psn = h->psn;
		return;
	}
	/* A NAK acknowledges everything before it too. */
	qp->ack_pending = false;
	qp->nak_pending = true;
	qp->nak_psn = h->psn;
	qp->nak_wr_id = h->wr_id;
	qp->nak_status = status == IB_WC_LOC_LEN_ERR ? SHMF_ST_REM_INVALID :
						       SHMF_ST_REM_OP;
}

static enum shm_rx_result shm_rx_send(struct shm_qp *qp,
				      const struct shmf_msg *h, u64 ring,
				      u32 pos)
{
	struct shm_rwqe *rwqe;
	struct ib_wc wc;
	u64 cap = 0;
	u32 i;

	if (!qp->rx_in_msg) {
		if (h->remote_addr) {
			shm_qp_lost(qp, "a SEND segment out of place");
			return SHM_RX_LOST;
		}
		if (qp->rq_tail == qp->rq_head)
			return SHM_RX_STALL;	/* receiver not ready: wait */
		rwqe = &qp->rq[qp->rq_tail & (qp->rq_size - 1)];
		qp->rx_in_msg = true;
		qp->rx_offset = 0;
		qp->rx_status = IB_WC_SUCCESS;
		if (!shm_sges_ok(qp, rwqe->sge, rwqe->num_sge, true))
			qp->rx_status = IB_WC_LOC_PROT_ERR;
	} else if (h->remote_addr != qp->rx_offset) {
		shm_qp_lost(qp, "a SEND segment out of place");
		return SHM_RX_LOST;
	}
	rwqe = &qp->rq[qp->rq_tail & (qp->rq_size - 1)];
	for (i = 0; i < rwqe->num_sge; i++)
		cap += rwqe->sge[i].length;
	if (qp->rx_status == IB_WC_SUCCESS) {
		if (h->length > cap || qp->rx_offset > cap - h->length)
			qp->rx_status = IB_WC_LOC_LEN_ERR;
		else
			shm_sge_copy(rwqe->sge, rwqe->num_sge, qp->rx_offset,
				     shm_elem(ring, pos + 1), h->length, true);
	}
	qp->rx_offset += h->length;
	if (h->flags & SHMF_MSG_MORE)
		return SHM_RX_DONE;

	shm_rx_wc_init(qp, &wc, h, rwqe);
	wc.status = qp->rx_status;
	wc.opcode = IB_WC_RECV;
	wc.byte_len = qp->rx_status == IB_WC_SUCCESS ? qp->rx_offset : 0;
	qp->rq_tail++;
	qp->rx_in_msg = false;
	shm_rx_answer(qp, h, wc.status);
	shm_rx_complete(qp, &wc, h->flags & SHMF_MSG_SOLICITED);
	return SHM_RX_DONE;
}

/* The data of a WRITE_WITH_IMM is in place: consume a receive for it. */
static enum shm_rx_result shm_rx_write_imm(struct shm_qp *qp,
					   const struct shmf_msg *h)
{
	struct ib_wc wc;

	if (qp->rx_in_msg) {
		shm_qp_lost(qp, "a WRITE_WITH_IMM inside a SEND");
		return SHM_RX_LOST;
	}
	if (qp->rq_tail == qp->rq_head)
		return SHM_RX_STALL;
	shm_rx_wc_init(qp, &wc, h, &qp->rq[qp->rq_tail & (qp->rq_size - 1)]);
	wc.status = IB_WC_SUCCESS;
	wc.opcode = IB_WC_RECV_RDMA_WITH_IMM;
	wc.byte_len = h->length;
	qp->rq_tail++;
	shm_rx_answer(qp, h, IB_WC_SUCCESS);
	shm_rx_complete(qp, &wc, h->flags & SHMF_MSG_SOLICITED);
	return SHM_RX_DONE;
}

/*
 * Validate everything about a request beyond its frame; SKIP counts
 * and logs a malformed one.  Stale messages (another incarnation of the
 * sender) are skipped without counting them as malformed.
 */
static enum shm_verdict shm_check_request(struct shm_qp *qp,
					  const struct shmf_msg *h)
{
	struct shmf_node_errors *err = &shm_self()->err;

	switch (h->opcode) {
	case SHMF_OP_PAD:
		return SHM_MSG_OK;
	case SHMF_OP_SEND:
	case SHMF_OP_SEND_IMM:
		if (!(h->flags & SHMF_MSG_INLINE) ||
		    h->nr_elems > shm_nr_elems() / 2 ||
		    h->nr_elems != shmf_msg_elems(h->length)) {
			shm_count(&err->rx_bad_length);
			shm_rx_log(qp, "request", h, "length does not match the elements");
			return SHM_MSG_SKIP;
		}
		break;
	case SHMF_OP_WRITE_IMM:
		if ((h->flags & SHMF_MSG_INLINE) || h->nr_elems != 1 ||
		    h->length > shm.geo.win_size) {
			shm_count(&err->rx_bad_length);
			shm_rx_log(qp, "request", h, "bad length");
			return SHM_MSG_SKIP;
		}
		break;
	default:
		/* WRITE and READ are one-sided here: never on a ring. */
		shm_count(&err->rx_bad_opcode);
		shm_rx_log(qp, "request", h, "unknown opcode");
		return SHM_MSG_SKIP;
	}
	if (h->src_node != qp->peer || h->src_gen != qp->peer_gen)
		return SHM_MSG_SKIP;
	return SHM_MSG_OK;
}

/* The peer's requests to us, in order. */
static bool shm_rx(struct shm_qp *qp)
{
	struct shmf_qp *ps = shm_qp(qp->peer_slot);
	u64 ring = shmf_req_ring_off(&shm.geo, qp->peer_slot);
	u32 nr = shm_nr_elems(), tail = READ_ONCE(ps->req_tail), head, pos;
	u32 budget = nr;	/* a ring's worth per pass: other QPs wait */
	enum shm_rx_result r = SHM_RX_DONE;
	enum shm_verdict v;
	struct shmf_msg h;
	bool work = false;

	if (qp->nak_pending) {
		if (!shm_tx_response(qp, SHMF_OP_NAK, qp->nak_psn,
				     qp->nak_wr_id, qp->nak_status))
			return false;
		qp->nak_pending = false;
		work = true;
	}
	if (qp->rx_wc_pending) {
		if (!shm_cq_add(to_scq(qp->ibqp.recv_cq), &qp->rx_wc, false))
			return work;
		qp->rx_wc_pending = false;
		work = true;
	}
	while (budget--) {
		head = __atomic_load_n(&ps->req_head, __ATOMIC_ACQUIRE);
		if (head == tail)
			break;
		if (head - tail > nr) {
			__atomic_store_n(&ps->req_tail, head, __ATOMIC_RELEASE);
			shm_qp_lost(qp, "request ring indices out of range");
			return true;
		}
		pos = tail & (nr - 1);
		memcpy(&h, shm_elem(ring, pos), sizeof(h));
		v = shm_check_frame(qp, "request", &h, pos, head - tail);
		if (v == SHM_MSG_OK)
			v = shm_check_request(qp, &h);
		if (v == SHM_MSG_LOST) {
			/* Drain what the peer published: nothing is trusted. */
			__atomic_store_n(&ps->req_tail, head, __ATOMIC_RELEASE);
			WRITE_ONCE(ps->req_dropped, ps->req_dropped + 1);
			shm_qp_lost(qp, "malformed request framing");
			return true;
		}
		if (v == SHM_MSG_SKIP) {
			WRITE_ONCE(ps->req_dropped, ps->req_dropped + 1);
		} else if (h.opcode != SHMF_OP_PAD) {
			if (h.psn != qp->expect_psn) {
				shm_qp_lost(qp, "a request out of sequence");
				return true;
			}
			if (h.opcode == SHMF_OP_WRITE_IMM)
				r = shm_rx_write_imm(qp, &h);
			else
				r = shm_rx_send(qp, &h, ring, pos);
			if (r == SHM_RX_LOST)
				return true;
			if (r == SHM_RX_STALL)
				break;
			qp->expect_psn++;
		}
		tail += h.nr_elems;
		__atomic_store_n(&ps->req_tail, tail, __ATOMIC_RELEASE);
		work = true;
		if (qp->rx_wc_pending)
			break;
		if (qp->nak_pending) {
			if (!shm_tx_response(qp, SHMF_OP_NAK, qp->nak_psn,
					     qp->nak_wr_id, qp->nak_status))
				break;
			qp->nak_pending = false;
		}
	}
	if (qp->ack_pending &&
	    shm_tx_response(qp, SHMF_OP_ACK, qp->ack_psn, 0, SHMF_ST_OK))
		qp->ack_pending = false;
	return work;
}

/* ----------------------------------------------------------- poller --- */

/* One pass over a QP; true if anything moved.  qp->lock held. */
static bool shm_qp_process(struct shm_qp *qp, bool *busy)
{
	bool work = false;
	u32 before;

	shm_qp_check_link(qp);
	if (qp->state == IB_QPS_ERR) {
		before = qp->sq_tail + qp->rq_tail;
		shm_qp_flush(qp);
		return before != qp->sq_tail + qp->rq_tail;
	}
	if (!qp->linked)
		return false;
	work |= shm_rx(qp);
	if (qp->state == IB_QPS_ERR)
		return true;
	work |= shm_rx_responses(qp);
	if (qp->state == IB_QPS_ERR)
		return true;
	work |= shm_sq_progress(qp);
	work |= shm_sq_retire(qp);
	if (qp->sq_tail != qp->sq_head)
		*busy = true;
	return work;
}

static void shm_qp_events(struct shm_qp *qp)
{
	bool est = false, fatal = false;
	struct ib_event ev;

	spin_lock(&qp->lock);
	if (qp->linked && !qp->est_reported)
		est = qp->est_reported = true;
	if (qp->state == IB_QPS_ERR && !qp->fatal_reported)
		fatal = qp->fatal_reported = true;
	spin_unlock(&qp->lock);
	if (!qp->ibqp.event_handler)
		return;
	ev.device = &qp->dev->ibdev;
	ev.element.qp = &qp->ibqp;
	if (est) {
		ev.event = IB_EVENT_COMM_EST;
		qp->ibqp.event_handler(&ev, qp->ibqp.qp_context);
	}
	if (fatal) {
		ev.event = IB_EVENT_QP_FATAL;
		qp->ibqp.event_handler(&ev, qp->ibqp.qp_context);
	}
}

static bool shm_poll_once(struct shm_dev *dev, bool *busy)
{
	struct shm_qp *qp;
	bool work = false;

	mutex_lock(&dev->mutex);
	list_for_each_entry(qp, &dev->qps, list) {
		if (!qp->bound && qp->state != IB_QPS_ERR)
			continue;
		spin_lock(&qp->lock);
		work |= shm_qp_process(qp, busy);
		spin_unlock(&qp->lock);
		shm_qp_events(qp);
		shm_cq_fire(to_scq(qp->ibqp.send_cq));
		shm_cq_fire(to_scq(qp->ibqp.recv_cq));
	}
	mutex_unlock(&dev->mutex);
	return work;
}

void shm_kick(struct shm_dev *dev)
{
	WRITE_ONCE(dev->kicked, true);
	if (wq_has_sleeper(&dev->poll_wq))
		wake_up(&dev->poll_wq);
}

static bool shm_poller_should_wake(struct shm_dev *dev)
{
	return READ_ONCE(dev->kicked) || kthread_should_stop();
}

/*
 * The poller: passes over the connected QPs.  After work it keeps
 * polling (yielding to other tasks) for SHM_SPIN_NS, or SHM_SPIN_BUSY_NS
 * while requests wait for responses; then it sleeps between passes, 1 ms
 * growing to SHM_POLL_MAX_MS (timed sleeps end on a tick: at HZ=100,
 * 10 ms then 20 ms).  Without a connected QP it sleeps until one comes.
 * Posting a WR wakes it.
 */
static int shm_poller(void *data)
{
	struct shm_dev *dev = data;
	unsigned int sleep_ms = SHM_POLL_MIN_MS;
	u64 last = local_clock(), now;
	bool busy, work;

	while (!kthread_should_stop()) {
		busy = false;
		if (__atomic_exchange_n(&dev->kicked, false, __ATOMIC_SEQ_CST))
			last = local_clock();
		work = shm_poll_once(dev, &busy);
		now = local_clock();
		if (work) {
			last = now;
			sleep_ms = SHM_POLL_MIN_MS;
		}
		if (!READ_ONCE(dev->nr_bound) && !work) {
			wait_event(dev->poll_wq, shm_poller_should_wake(dev));
			continue;
		}
		if (now - last < (busy ? SHM_SPIN_BUSY_NS : SHM_SPIN_NS)) {
			yield();
			continue;
		}
		wait_event_timeout(dev->poll_wq, shm_poller_should_wake(dev),
				   msecs_to_jiffies(sleep_ms));
		sleep_ms = min(sleep_ms * 2, (unsigned int)SHM_POLL_MAX_MS);
	}
	return 0;
}

int shm_start_poller(struct shm_dev *dev)
{
	struct task_struct *t;

	t = kthread_run(shm_poller, dev, "shm-poll");
	if (IS_ERR(t))
		return PTR_ERR(t);
	dev->poller = t;
	return 0;
}
