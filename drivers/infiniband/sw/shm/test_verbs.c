// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the verbs on one node: the API's argument checks and a
 * queue pair connected to itself (loopback) for SEND/RECV, RDMA and the
 * protection checks.  They need the fabric device (any cluster node, or
 * one VM with an ivshmem device) and skip without it.
 */
#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/vmalloc.h>
#include "test_verbs.h"
#include "verbs.h"

/* ---------------------------------------------------------- helpers --- */

static void vt_comp_handler(struct ib_cq *cq, void *ctx)
{
	struct vt *vt = ctx;

	if (cq == vt->rcq)
		WRITE_ONCE(vt->rcq_events, vt->rcq_events + 1);
	WRITE_ONCE(vt->events, vt->events + 1);
	wake_up(&vt->wq);
}

static void vt_qp_event(struct ib_event *ev, void *ctx)
{
	struct vt *vt = ctx;
	unsigned int i;

	for (i = 0; i < vt->nr_qp; i++) {
		if (vt->qp[i] != ev->element.qp)
			continue;
		if (ev->event == IB_EVENT_COMM_EST)
			WRITE_ONCE(vt->est[i], true);
		else
			WRITE_ONCE(vt->fatal[i], true);
	}
	WRITE_ONCE(vt->events, vt->events + 1);
	wake_up(&vt->wq);
}

/*
 * The consumer of the running test.  A test that fails returns at once,
 * leaving its objects behind: the next vt_open() destroys them, so one
 * failure does not cascade (the handlers' context is on the heap, so a
 * late completion never writes into a dead stack frame).
 */
static struct vt *vt_current;

int vt_open(struct vt **vtp, int cqe)
{
	struct vt *vt;

	if (vt_current) {
		pr_info("selftest: destroying the verbs objects a failed test left\n");
		vt_close(vt_current);
	}
	*vtp = NULL;
	vt = kzalloc(sizeof(*vt), GFP_KERNEL);
	if (!vt)
		return selftest_fail("out of memory"), -ENOMEM;
	init_waitqueue_head(&vt->wq);
	vt->dev = ib_get_device(NULL);
	if (!vt->dev)
		goto fail_dev;
	vt->pd = ib_alloc_pd(vt->dev);
	if (IS_ERR(vt->pd))
		goto fail_pd;
	vt->scq = ib_create_cq(vt->dev, cqe, vt_comp_handler, vt);
	if (IS_ERR(vt->scq))
		goto fail_scq;
	vt->rcq = ib_create_cq(vt->dev, cqe, vt_comp_handler, vt);
	if (IS_ERR(vt->rcq))
		goto fail_rcq;
	vt_current = vt;
	*vtp = vt;
	return 0;
fail_rcq:
	ib_destroy_cq(vt->scq);
fail_scq:
	ib_dealloc_pd(vt->pd);
fail_pd:
	ib_put_device(vt->dev);
fail_dev:
	kfree(vt);
	return selftest_fail("cannot set up a verbs device, PD and CQs"), -ENOMEM;
}

int vt_add_qp(struct vt *vt, u32 send_wr, u32 recv_wr, u32 max_inline,
	      enum ib_sig_type sig)
{
	struct ib_qp_init_attr attr = {
		.event_handler = vt_qp_event,
		.qp_context = vt,
		.send_cq = vt->scq,
		.recv_cq = vt->rcq,
		.cap = {
			.max_send_wr = send_wr,
			.max_recv_wr = recv_wr,
			.max_send_sge = 4,
			.max_recv_sge = 4,
			.max_inline_data = max_inline,
		},
		.sq_sig_type = sig,
		.qp_type = IB_QPT_RC,
	};
	struct ib_qp *qp;

	if (vt->nr_qp == VT_MAX_QP)
		return -ENOSPC;
	qp = ib_create_qp(vt->pd, &attr);
	if (IS_ERR(qp))
		return PTR_ERR(qp);
	vt->qp[vt->nr_qp] = qp;
	return vt->nr_qp++;
}

int vt_connect(struct vt *vt, int i, u32 peer, u32 index, int access)
{
	struct ib_qp_attr attr = { 0 };
	int ret;

	attr.qp_state = IB_QPS_INIT;
	attr.qp_access_flags = access;
	attr.port_num = 1;
	ret = ib_modify_qp(vt->qp[i], &attr,
			   IB_QP_STATE | IB_QP_ACCESS_FLAGS | IB_QP_PORT);
	if (ret)
		return ret;
	attr.qp_state = IB_QPS_RTR;
	attr.dest_node = peer;
	attr.dest_qp_num = ib_conn_qpn(vt->dev, peer, vt->dev->node_id, index);
	ret = ib_modify_qp(vt->qp[i], &attr,
			   IB_QP_STATE | IB_QP_DEST_NODE | IB_QP_DEST_QPN);
	if (ret)
		return ret;
	attr.qp_state = IB_QPS_RTS;
	return ib_modify_qp(vt->qp[i], &attr, IB_QP_STATE);
}

static bool vt_wait_flag(struct vt *vt, bool *flag, unsigned int timeout_ms)
{
	return wait_event_timeout(vt->wq, READ_ONCE(*flag),
				  msecs_to_jiffies(timeout_ms)) > 0;
}

bool vt_wait_est(struct vt *vt, int i, unsigned int timeout_ms)
{
	return vt_wait_flag(vt, &vt->est[i], timeout_ms);
}

void vt_close(struct vt *vt)
{
	unsigned int i;
	struct ib_wc wc;

	if (!vt)
		return;
	for (i = 0; i < vt->nr_qp; i++)
		ib_destroy_qp(vt->qp[i]);
	while (ib_poll_cq(vt->scq, 1, &wc) || ib_poll_cq(vt->rcq, 1, &wc))
		;
	ib_destroy_cq(vt->rcq);
	ib_destroy_cq(vt->scq);
	/* A failed test may have left MRs in it: then the PD stays too. */
	if (refcount_read(&vt->pd->usecnt) == 1)
		ib_dealloc_pd(vt->pd);
	ib_put_device(vt->dev);
	if (vt_current == vt)
		vt_current = NULL;
	kfree(vt);
}

int vt_poll(struct vt *vt, struct ib_cq *cq, struct ib_wc *wc,
	    unsigned int timeout_ms)
{
	u64 deadline = ktime_get_ns() + (u64)timeout_ms * NSEC_PER_MSEC, now;
	unsigned int seen;

	for (;;) {
		if (ib_poll_cq(cq, 1, wc) == 1)
			return 1;
		seen = READ_ONCE(vt->events);
		if (ib_req_notify_cq(cq, IB_CQ_NEXT_COMP |
				     IB_CQ_REPORT_MISSED_EVENTS) > 0)
			continue;
		now = ktime_get_ns();
		if (now >= deadline)
			return 0;
		wait_event_timeout(vt->wq, READ_ONCE(vt->events) != seen,
				   msecs_to_jiffies((deadline - now) / NSEC_PER_MSEC + 1));
	}
}

bool vt_quiet(struct vt *vt, struct ib_cq *cq, unsigned int ms)
{
	struct ib_wc wc;

	return !vt_poll(vt, cq, &wc, ms);
}

int vt_post_recv(struct ib_qp *qp, u64 wr_id, void *buf, u32 len, u32 lkey)
{
	struct ib_sge sge = { .addr = (u64)buf, .length = len, .lkey = lkey };
	struct ib_recv_wr wr = {
		.wr_id = wr_id, .sg_list = &sge, .num_sge = 1,
	};

	return ib_post_recv(qp, &wr, NULL);
}

int vt_post_rdma(struct ib_qp *qp, enum ib_wr_opcode op, u64 wr_id,
		 void *buf, u32 len, u32 lkey, u64 remote_addr, u32 rkey,
		 int flags, u32 imm)
{
	struct ib_sge sge = { .addr = (u64)buf, .length = len, .lkey = lkey };
	struct ib_rdma_wr wr = {
		.wr = {
			.wr_id = wr_id, .sg_list = &sge, .num_sge = 1,
			.opcode = op, .send_flags = flags, .imm_data = imm,
		},
		.remote_addr = remote_addr,
		.rkey = rkey,
	};

	return ib_post_send(qp, &wr.wr, NULL);
}

int vt_post_send(struct ib_qp *qp, enum ib_wr_opcode op, u64 wr_id,
		 void *buf, u32 len, u32 lkey, int flags, u32 imm)
{
	return vt_post_rdma(qp, op, wr_id, buf, len, lkey, 0, 0, flags, imm);
}

int vt_check_wc(const struct ib_wc *wc, u64 wr_id, enum ib_wc_status status,
		int opcode)
{
	if (wc->wr_id != wr_id || wc->status != status ||
	    (opcode >= 0 && wc->opcode != (enum ib_wc_opcode)opcode))
		return selftest_fail("completion wr_id %#llx status '%s' opcode %#x, expected wr_id %#llx status '%s' opcode %#x",
				     wc->wr_id, ib_wc_status_msg(wc->status),
				     wc->opcode, wr_id, ib_wc_status_msg(status),
				     opcode);
	return 0;
}

int vt_expect(struct vt *vt, struct ib_cq *cq, u64 wr_id,
	      enum ib_wc_status status, int opcode, unsigned int timeout_ms)
{
	struct ib_wc wc;

	if (!vt_poll(vt, cq, &wc, timeout_ms))
		return selftest_fail("no completion for wr_id %#llx within %u ms",
				     wr_id, timeout_ms);
	return vt_check_wc(&wc, wr_id, status, opcode);
}

void vt_fill(void *buf, size_t len, u32 seed)
{
	u32 x = seed * 2654435761U + 1;
	u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x;
	}
}

u32 vt_sum(const void *buf, size_t len)
{
	const u8 *p = buf;
	u32 h = 2166136261U;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

/* ------------------------------------------------------------- tests --- */

#define VT_TIMEOUT	5000

static bool vt_skip(const char *name)
{
	if (fabric_joined() && shm_dev)
		return false;
	pr_info("selftest: %s: no fabric, nothing to check\n", name);
	return true;
}

/* Arguments the core or the provider must refuse; objects and counts. */
SELFTEST(verbs_api)
{
	struct ib_qp_attr attr = { 0 };
	struct ib_mr *mr, *mrs[SHMF_MRS_PER_NODE + 1];
	struct ib_device *dev;
	u8 local[64], *win;
	struct vt *vt;
	int i, q, n;

	if (vt_skip("verbs_api"))
		return 0;
	dev = ib_get_device("shm0");
	ST_ASSERT(dev && dev->node_id == fabric_self_id());
	ST_ASSERT(!ib_get_device("mlx4_0"));
	ST_EQ(ib_conn_qpn(dev, 2, 5, 1), 0x100 + (2 * 16 + 5) * 4 + 1);
	ST_EQ(ib_conn_qpn(dev, 2, 16, 0), 0);
	ST_EQ(ib_conn_qpn(dev, 2, 5, 4), 0);
	ib_put_device(dev);
	if (vt_open(&vt, 16))
		return -1;

	/* Remote access needs the window; a remote writer writes locally. */
	mr = ib_reg_mr(vt->pd, local, sizeof(local), IB_ACCESS_REMOTE_READ);
	ST_EQ(PTR_ERR(mr), -EINVAL);
	win = ib_alloc_remote_buf(vt->dev, 8192);
	ST_ASSERT(win);
	ST_EQ(PTR_ERR(ib_reg_mr(vt->pd, win, 4096, IB_ACCESS_REMOTE_WRITE)),
	      -EINVAL);
	ST_EQ(PTR_ERR(ib_reg_mr(vt->pd, shm_dev->win_base + shm.geo.win_size - 64,
				65, IB_ACCESS_REMOTE_READ)), -EINVAL);
	ST_EQ(PTR_ERR(ib_reg_mr(vt->pd, shm_dev->win_base - 64, 65,
				IB_ACCESS_REMOTE_READ)), -EINVAL);
	ST_EQ(PTR_ERR(ib_reg_mr(vt->pd, win, 0, IB_ACCESS_REMOTE_READ)), -EINVAL);
	ST_EQ(PTR_ERR(ib_reg_mr(vt->pd, win, 4096, 0x40)), -EINVAL);

	/* Window MRs: 64 of them, keys unique, published in the region. */
	for (n = 0; n < SHMF_MRS_PER_NODE + 1; n++) {
		mrs[n] = ib_reg_mr(vt->pd, win + n * 64, 64,
				   IB_ACCESS_REMOTE_READ);
		if (IS_ERR(mrs[n]))
			break;
		ST_ASSERT(mrs[n]->rkey && mrs[n]->lkey == mrs[n]->rkey);
		ST_EQ(mrs[n]->iova, (u64)(win - shm_dev->win_base) + n * 64);
		ST_EQ(shm_mr(shm.self, SHMF_RKEY_INDEX(mrs[n]->rkey))->rkey,
		      mrs[n]->rkey);
		for (i = 0; i < n; i++)
			ST_ASSERT(mrs[i]->rkey != mrs[n]->rkey);
	}
	ST_EQ(n, SHMF_MRS_PER_NODE);
	ST_EQ(PTR_ERR(mrs[n]), -ENOSPC);
	/* A local MR still fits, without an rkey. */
	mr = ib_reg_mr(vt->pd, local, sizeof(local), IB_ACCESS_LOCAL_WRITE);
	ST_ASSERT(!IS_ERR(mr) && !mr->rkey && mr->lkey);
	ST_EQ(ib_dereg_mr(mr), 0);
	for (i = 0; i < n; i++) {
		u32 key = mrs[i]->rkey;

		ST_EQ(ib_dereg_mr(mrs[i]), 0);
		ST_EQ(shm_mr(shm.self, SHMF_RKEY_INDEX(key))->rkey, 0);
	}
	/* Registering an index again gives it a new key. */
	for (i = 0; i < 8; i++) {
		u32 key;

		mr = ib_reg_mr(vt->pd, win, 64, IB_ACCESS_REMOTE_READ);
		ST_ASSERT(!IS_ERR(mr));
		key = mr->rkey;
		ST_EQ(ib_dereg_mr(mr), 0);
		mr = ib_reg_mr(vt->pd, win, 64, IB_ACCESS_REMOTE_READ);
		ST_ASSERT(!IS_ERR(mr));
		ST_EQ(SHMF_RKEY_INDEX(mr->rkey), SHMF_RKEY_INDEX(key));
		ST_ASSERT(mr->rkey != key);
		ST_EQ(ib_dereg_mr(mr), 0);
	}

	/* QP state machine and connection arguments. */
	q = vt_add_qp(vt, 4, 4, 0, IB_SIGNAL_ALL_WR);
	ST_ASSERT(q >= 0);
	ST_EQ(vt->qp[q]->qp_num, 0);
	ST_EQ(vt_post_recv(vt->qp[q], 1, local, 8, vt->pd->local_dma_lkey),
	      -EINVAL);
	attr.qp_state = IB_QPS_RTS;
	ST_EQ(ib_modify_qp(vt->qp[q], &attr, IB_QP_STATE), -EINVAL);
	attr.qp_state = IB_QPS_INIT;
	ST_EQ(ib_modify_qp(vt->qp[q], &attr, IB_QP_STATE | IB_QP_DEST_QPN),
	      -EINVAL);
	ST_EQ(ib_modify_qp(vt->qp[q], &attr, IB_QP_STATE), 0);
	ST_EQ(vt_post_send(vt->qp[q], IB_WR_SEND, 1, local, 8,
			   vt->pd->local_dma_lkey, 0, 0), -EINVAL);
	attr.qp_state = IB_QPS_RTR;
	ST_EQ(ib_modify_qp(vt->qp[q], &attr, IB_QP_STATE), -EINVAL);
	attr.dest_node = SHMF_MAX_NODES;
	ST_EQ(ib_modify_qp(vt->qp[q], &attr,
			   IB_QP_STATE | IB_QP_DEST_NODE | IB_QP_DEST_QPN),
	      -EINVAL);
	/* A QP number that is not the peer's for this node. */
	attr.dest_node = shm.self;
	attr.dest_qp_num = ib_conn_qpn(vt->dev, shm.self, shm.self ^ 1, 0);
	ST_EQ(ib_modify_qp(vt->qp[q], &attr,
			   IB_QP_STATE | IB_QP_DEST_NODE | IB_QP_DEST_QPN),
	      -EINVAL);
	/* A node that is not up. */
	for (i = 0; i < SHMF_MAX_NODES; i++)
		if (SHMF_WORD_STATE(shm_load_word(i)) != SHMF_NODE_UP)
			break;
	ST_ASSERT(i < SHMF_MAX_NODES);
	attr.dest_node = i;
	attr.dest_qp_num = ib_conn_qpn(vt->dev, i, shm.self, 0);
	ST_EQ(ib_modify_qp(vt->qp[q], &attr,
			   IB_QP_STATE | IB_QP_DEST_NODE | IB_QP_DEST_QPN),
	      -EHOSTUNREACH);
	attr.dest_node = shm.self;
	attr.dest_qp_num = ib_conn_qpn(vt->dev, shm.self, shm.self, 3);
	ST_EQ(ib_modify_qp(vt->qp[q], &attr,
			   IB_QP_STATE | IB_QP_DEST_NODE | IB_QP_DEST_QPN), 0);
	ST_EQ(vt->qp[q]->qp_num, ib_conn_qpn(vt->dev, shm.self, shm.self, 3));
	/* The connection is taken: a second QP cannot have it. */
	i = vt_add_qp(vt, 4, 4, 0, IB_SIGNAL_ALL_WR);
	ST_ASSERT(i >= 0);
	ST_EQ(vt_connect(vt, i, shm.self, 3, 0), -EBUSY);
	ST_EQ(ib_query_qp(vt->qp[q], &attr), 0);
	ST_EQ(attr.qp_state, IB_QPS_RTR);
	ST_EQ(attr.dest_node, shm.self);
	ST_EQ(attr.cap.max_send_wr, 4);
	ST_EQ(attr.cap.max_send_sge, 4);
	/* More sges than the QP was created for. */
	{
		struct ib_sge sg[5] = { 0 };
		struct ib_recv_wr rwr = { .sg_list = sg, .num_sge = 5 };
		const struct ib_recv_wr *bad = NULL;

		ST_EQ(ib_post_recv(vt->qp[q], &rwr, &bad), -EINVAL);
		ST_ASSERT(bad == &rwr);
		rwr.num_sge = 4;
		ST_EQ(ib_post_recv(vt->qp[q], &rwr, &bad), 0);
	}

	/* Objects in use cannot go. */
	ST_EQ(ib_destroy_cq(vt->scq), -EBUSY);
	ST_EQ(PTR_ERR(ib_create_cq(vt->dev, 0, NULL, NULL)), -EINVAL);
	ST_EQ(PTR_ERR(ib_create_cq(vt->dev, SHM_MAX_CQE + 1, NULL, NULL)),
	      -EINVAL);

	/* The window allocator: page granular, exhaustible, reusable. */
	ib_free_remote_buf(vt->dev, win);
	win = ib_alloc_remote_buf(vt->dev, shm.geo.win_size);
	ST_ASSERT(win == shm_dev->win_base);
	ST_ASSERT(!ib_alloc_remote_buf(vt->dev, 1));
	ib_free_remote_buf(vt->dev, win);
	win = ib_alloc_remote_buf(vt->dev, 1);
	ST_ASSERT(win == shm_dev->win_base);
	ib_free_remote_buf(vt->dev, win);
	vt_close(vt);
	return 0;
}

/* One loopback QP: connected to itself, SENDs come back as receives. */
static int vt_loopback(struct vt **vtp, u32 index, u32 inline_max,
		       enum ib_sig_type sig, int access)
{
	struct vt *vt;
	int q;

	if (vt_open(vtp, 256))
		return -1;
	vt = *vtp;
	q = vt_add_qp(vt, 64, 64, inline_max, sig);
	if (q < 0 || vt_connect(vt, q, shm.self, index, access)) {
		vt_close(vt);
		*vtp = NULL;
		return selftest_fail("cannot connect a loopback QP");
	}
	if (!vt_wait_est(vt, q, VT_TIMEOUT)) {
		vt_close(vt);
		*vtp = NULL;
		return selftest_fail("the loopback QP did not link");
	}
	return q;
}

/* SEND/RECV through the ring: every size class, checksummed; IMM; INLINE. */
SELFTEST(verbs_loopback_send)
{
	static const u32 sizes[] = {
		0, 1, 2, 63, 64, 65, 1000, 1984, 1985, 4032, 4096, 10000,
		65536 + 7, 1U << 20,
	};
	struct ib_wc wc;
	u8 *tx, *rx;
	struct ib_qp *qp;
	unsigned int i;
	struct vt *vt;
	u32 dma, len;
	u64 ring_full;
	int q;

	if (vt_skip("verbs_loopback_send"))
		return 0;
	tx = vmalloc(SHM_MAX_MSG + 64);
	rx = vmalloc(SHM_MAX_MSG + 64);
	ST_ASSERT(tx && rx);
	q = vt_loopback(&vt, 0, 256, IB_SIGNAL_ALL_WR, 0);
	if (q < 0)
		goto out;
	qp = vt->qp[q];
	dma = vt->pd->local_dma_lkey;
	ST_EQ(qp->qp_num, ib_conn_qpn(vt->dev, shm.self, shm.self, 0));

	ring_full = READ_ONCE(shm_self()->err.ring_full);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		len = sizes[i];
		vt_fill(tx, len, len);
		memset(rx, 0xee, len + 64);
		ST_EQ(vt_post_recv(qp, 100 + i, rx, len + 64, dma), 0);
		ST_EQ(vt_post_send(qp, i & 1 ? IB_WR_SEND_WITH_IMM : IB_WR_SEND,
				   200 + i, tx, len, dma, 0, 0xabc000 + i), 0);
		if (vt_expect(vt, vt->scq, 200 + i, IB_WC_SUCCESS, IB_WC_SEND,
			      VT_TIMEOUT) ||
		    vt_expect(vt, vt->rcq, 100 + i, IB_WC_SUCCESS, IB_WC_RECV,
			      0))
			goto fail;
		ST_EQ(vt_sum(rx, len), vt_sum(tx, len));
		ST_EQ(rx[len], 0xee);
	}
	/* 1 MiB does not fit the ring: the sender waited for room. */
	ST_ASSERT(READ_ONCE(shm_self()->err.ring_full) > ring_full);
	/* The details of a receive completion. */
	len = 10;
	ST_EQ(vt_post_recv(qp, 7, rx, 64, dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND_WITH_IMM, 8, tx, len, dma, 0, 0x1234),
	      0);
	ST_ASSERT(vt_poll(vt, vt->rcq, &wc, VT_TIMEOUT));
	ST_EQ(wc.byte_len, len);
	ST_EQ(wc.imm_data, 0x1234);
	ST_ASSERT(wc.wc_flags & IB_WC_WITH_IMM);
	ST_EQ(wc.src_node, shm.self);
	ST_EQ(wc.src_qp, qp->qp_num);
	ST_ASSERT(wc.qp == qp);
	ST_EQ(vt_expect(vt, vt->scq, 8, IB_WC_SUCCESS, IB_WC_SEND, VT_TIMEOUT),
	      0);

	/* INLINE: the buffer is free again as soon as the post returns. */
	vt_fill(tx, 200, 77);
	ST_EQ(vt_post_recv(qp, 9, rx, 256, dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 10, tx, 200, 0xdead,
			   IB_SEND_INLINE, 0), 0);
	memset(tx, 0, 200);
	ST_EQ(vt_expect(vt, vt->rcq, 9, IB_WC_SUCCESS, IB_WC_RECV, VT_TIMEOUT),
	      0);
	vt_fill(tx, 200, 77);
	ST_EQ(vt_sum(rx, 200), vt_sum(tx, 200));
	ST_EQ(vt_expect(vt, vt->scq, 10, IB_WC_SUCCESS, IB_WC_SEND, VT_TIMEOUT),
	      0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 11, tx, 257, dma, IB_SEND_INLINE, 0),
	      -EINVAL);
	/* Larger than a message may be. */
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 12, tx, SHM_MAX_MSG + 1, dma, 0, 0),
	      -EINVAL);

	/* A receive too small: LOC_LEN here, REM_INV_REQ for the sender. */
	ST_EQ(vt_post_recv(qp, 13, rx, 100, dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 14, tx, 5000, dma, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->rcq, 13, IB_WC_LOC_LEN_ERR, IB_WC_RECV,
			VT_TIMEOUT), 0);
	ST_EQ(vt_expect(vt, vt->scq, 14, IB_WC_REM_INV_REQ_ERR, IB_WC_SEND,
			VT_TIMEOUT), 0);
	/* A bad lkey: on the send side no message, on the receive side a NAK. */
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 15, tx, 10, dma ^ 0x100, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 15, IB_WC_LOC_PROT_ERR, IB_WC_SEND,
			VT_TIMEOUT), 0);
	ST_EQ(vt_post_recv(qp, 16, rx, 100, dma ^ 0x100), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 17, tx, 10, dma, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->rcq, 16, IB_WC_LOC_PROT_ERR, IB_WC_RECV,
			VT_TIMEOUT), 0);
	ST_EQ(vt_expect(vt, vt->scq, 17, IB_WC_REM_OP_ERR, IB_WC_SEND,
			VT_TIMEOUT), 0);
	/* And the QP still works. */
	ST_EQ(vt_post_recv(qp, 18, rx, 100, dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 19, tx, 100, dma, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->rcq, 18, IB_WC_SUCCESS, IB_WC_RECV, VT_TIMEOUT),
	      0);
	ST_EQ(vt_expect(vt, vt->scq, 19, IB_WC_SUCCESS, IB_WC_SEND, VT_TIMEOUT),
	      0);
	vt_close(vt);
	vfree(rx);
	vfree(tx);
	return 0;
fail:
	vt_close(vt);
out:
	vfree(rx);
	vfree(tx);
	return -1;
}

/*
 * Many SENDs in flight with only some of them signaled; the receive
 * side gets all of them in order; a receive posted late is waited for.
 */
SELFTEST(verbs_loopback_order)
{
	enum { N = 48 };
	u32 seq[N], dma, i;
	struct ib_wc wc;
	struct ib_qp *qp;
	struct vt *vt;
	int q;

	if (vt_skip("verbs_loopback_order"))
		return 0;
	q = vt_loopback(&vt, 1, 16, IB_SIGNAL_REQ_WR, 0);
	if (q < 0)
		return -1;
	qp = vt->qp[q];
	dma = vt->pd->local_dma_lkey;
	for (i = 0; i < N; i++) {
		seq[i] = 0;
		ST_EQ(vt_post_recv(qp, i, &seq[i], sizeof(u32), dma), 0);
	}
	for (i = 0; i < N; i++) {
		u32 *v = kmalloc(sizeof(*v), GFP_KERNEL);

		*v = i + 1;
		ST_EQ(vt_post_send(qp, IB_WR_SEND, 1000 + i, v, sizeof(*v), dma,
				   IB_SEND_INLINE |
				   (i % 8 == 7 ? IB_SEND_SIGNALED : 0), 0), 0);
		kfree(v);
	}
	for (i = 0; i < N; i++) {
		ST_ASSERT(vt_poll(vt, vt->rcq, &wc, VT_TIMEOUT));
		if (vt_check_wc(&wc, i, IB_WC_SUCCESS, IB_WC_RECV))
			goto fail;
		ST_EQ(seq[i], i + 1);
	}
	/* Only the signaled sends complete, in order. */
	for (i = 7; i < N; i += 8)
		if (vt_expect(vt, vt->scq, 1000 + i, IB_WC_SUCCESS, IB_WC_SEND,
			      VT_TIMEOUT))
			goto fail;
	ST_ASSERT(vt_quiet(vt, vt->scq, 50));

	/* No receive posted: the SEND waits (RNR), then lands. */
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 2000, seq, sizeof(u32), dma,
			   IB_SEND_SIGNALED, 0), 0);
	ST_ASSERT(vt_quiet(vt, vt->scq, 100));
	ST_EQ(vt_post_recv(qp, 3000, &seq[1], sizeof(u32), dma), 0);
	ST_EQ(vt_expect(vt, vt->rcq, 3000, IB_WC_SUCCESS, IB_WC_RECV,
			VT_TIMEOUT), 0);
	ST_EQ(vt_expect(vt, vt->scq, 2000, IB_WC_SUCCESS, IB_WC_SEND,
			VT_TIMEOUT), 0);
	vt_close(vt);
	return 0;
fail:
	vt_close(vt);
	return -1;
}

/* Remote access to our own window: WRITE, READ, WRITE_WITH_IMM, keys. */
SELFTEST(verbs_loopback_rdma)
{
	const u32 len = 64 * 1024, page = 4096;
	struct shmf_node_errors *err = &shm_self()->err;
	u64 rkey_errors, access_errors;
	struct ib_mr *mr, *ro, *stale;
	u8 *win, *buf, *back;
	struct ib_sge sge[3];
	struct ib_rdma_wr wr;
	struct ib_qp *qp;
	struct ib_wc wc;
	u32 dma, key;
	struct vt *vt;
	int q;

	if (vt_skip("verbs_loopback_rdma"))
		return 0;
	buf = vmalloc(len + page);
	back = vmalloc(len + page);
	ST_ASSERT(buf && back);
	q = vt_loopback(&vt, 2, 0, IB_SIGNAL_ALL_WR, IB_ACCESS_REMOTE);
	if (q < 0)
		goto out;
	qp = vt->qp[q];
	dma = vt->pd->local_dma_lkey;
	/* Canary page | MR (len) | canary page, and a read-only MR. */
	win = ib_alloc_remote_buf(vt->dev, len + 3 * page);
	ST_ASSERT(win);
	memset(win, 0xa5, len + 3 * page);
	mr = ib_reg_mr(vt->pd, win + page, len,
		       IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE);
	ro = ib_reg_mr(vt->pd, win + 2 * page + len, page,
		       IB_ACCESS_REMOTE_READ);
	ST_ASSERT(!IS_ERR(mr) && !IS_ERR(ro));

	/* WRITE from three pieces, READ back in one. */
	vt_fill(buf, len, 3);
	sge[0] = (struct ib_sge){ (u64)buf, 100, dma };
	sge[1] = (struct ib_sge){ (u64)buf + 100, 4000, dma };
	sge[2] = (struct ib_sge){ (u64)buf + 4100, len - 4100, dma };
	memset(&wr, 0, sizeof(wr));
	wr.wr.wr_id = 1;
	wr.wr.sg_list = sge;
	wr.wr.num_sge = 3;
	wr.wr.opcode = IB_WR_RDMA_WRITE;
	wr.remote_addr = mr->iova;
	wr.rkey = mr->rkey;
	ST_EQ(ib_post_send(qp, &wr.wr, NULL), 0);
	if (vt_expect(vt, vt->scq, 1, IB_WC_SUCCESS, IB_WC_RDMA_WRITE,
		      VT_TIMEOUT))
		goto fail;
	ST_EQ(vt_sum(win + page, len), vt_sum(buf, len));
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_READ, 2, back, len, dma, mr->iova,
			   mr->rkey, 0, 0), 0);
	ST_ASSERT(vt_poll(vt, vt->scq, &wc, VT_TIMEOUT));
	if (vt_check_wc(&wc, 2, IB_WC_SUCCESS, IB_WC_RDMA_READ))
		goto fail;
	ST_EQ(wc.byte_len, len);
	ST_EQ(vt_sum(back, len), vt_sum(buf, len));
	/* Unaligned, inside. */
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_WRITE, 3, buf, 1001, dma,
			   mr->iova + 3, mr->rkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 3, IB_WC_SUCCESS, IB_WC_RDMA_WRITE,
			VT_TIMEOUT), 0);
	ST_EQ(memcmp(win + page + 3, buf, 1001), 0);

	/* WRITE_WITH_IMM: the data, then a receive with the immediate. */
	vt_fill(buf, 777, 9);
	ST_EQ(vt_post_recv(qp, 4, NULL, 0, dma), 0);
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_WRITE_WITH_IMM, 5, buf, 777, dma,
			   mr->iova + 100, mr->rkey, 0, 0xfeed), 0);
	ST_ASSERT(vt_poll(vt, vt->rcq, &wc, VT_TIMEOUT));
	if (vt_check_wc(&wc, 4, IB_WC_SUCCESS, IB_WC_RECV_RDMA_WITH_IMM))
		goto fail;
	ST_EQ(wc.imm_data, 0xfeed);
	ST_EQ(wc.byte_len, 777);
	ST_ASSERT(wc.wc_flags & IB_WC_WITH_IMM);
	ST_EQ(memcmp(win + page + 100, buf, 777), 0);
	ST_EQ(vt_expect(vt, vt->scq, 5, IB_WC_SUCCESS, IB_WC_RDMA_WRITE,
			VT_TIMEOUT), 0);
	/* Zero bytes with an immediate. */
	ST_EQ(vt_post_recv(qp, 6, NULL, 0, dma), 0);
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_WRITE_WITH_IMM, 7, NULL, 0, dma,
			   mr->iova, mr->rkey, 0, 42), 0);
	ST_ASSERT(vt_poll(vt, vt->rcq, &wc, VT_TIMEOUT));
	ST_EQ(wc.imm_data, 42);
	ST_EQ(wc.byte_len, 0);
	ST_EQ(vt_expect(vt, vt->scq, 7, IB_WC_SUCCESS, IB_WC_RDMA_WRITE,
			VT_TIMEOUT), 0);

	/* Refused accesses: each an error completion, nothing touched. */
	vt_fill(win + page, len, 11);
	rkey_errors = err->rkey_errors;
	access_errors = err->access_errors;
	memset(buf, 0x5a, len);
#define REFUSE(id, op, n, addr, key) do {				\
	ST_EQ(vt_post_rdma(qp, op, id, buf, n, dma, addr, key, 0, 0), 0); \
	if (vt_expect(vt, vt->scq, id, IB_WC_REM_ACCESS_ERR, -1, VT_TIMEOUT)) \
		goto fail;						\
} while (0)
	REFUSE(10, IB_WR_RDMA_WRITE, 8, mr->iova, mr->rkey ^ 0x100);
	REFUSE(11, IB_WR_RDMA_WRITE, 8, mr->iova, SHMF_RKEY(1, 200));
	REFUSE(12, IB_WR_RDMA_WRITE, 8, mr->iova, 0);
	REFUSE(13, IB_WR_RDMA_WRITE, 11, mr->iova + len - 10, mr->rkey);
	REFUSE(14, IB_WR_RDMA_WRITE, 8, mr->iova - 1, mr->rkey);
	REFUSE(15, IB_WR_RDMA_WRITE, 16, ~0ULL - 7, mr->rkey);
	REFUSE(16, IB_WR_RDMA_WRITE, 8, ro->iova, ro->rkey);
	REFUSE(17, IB_WR_RDMA_READ, len + 1, mr->iova, mr->rkey);
	REFUSE(18, IB_WR_RDMA_WRITE_WITH_IMM, 8, ro->iova, ro->rkey);
	/* A stale key: deregistered, then the index is registered again. */
	stale = ib_reg_mr(vt->pd, win + page, 64,
			  IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE);
	ST_ASSERT(!IS_ERR(stale));
	key = stale->rkey;
	ST_EQ(ib_dereg_mr(stale), 0);
	REFUSE(19, IB_WR_RDMA_WRITE, 8, mr->iova, key);
	stale = ib_reg_mr(vt->pd, win + page, 64,
			  IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE);
	ST_ASSERT(!IS_ERR(stale) && stale->rkey != key &&
		  SHMF_RKEY_INDEX(stale->rkey) == SHMF_RKEY_INDEX(key));
	REFUSE(20, IB_WR_RDMA_WRITE, 8, mr->iova, key);
	ST_EQ(ib_dereg_mr(stale), 0);
#undef REFUSE
	ST_EQ(err->rkey_errors - rkey_errors, 5);
	ST_EQ(err->access_errors - access_errors, 6);
	/* The MR and both canaries are as they were. */
	vt_fill(back, len, 11);
	ST_EQ(vt_sum(win + page, len), vt_sum(back, len));
	ST_ASSERT(!memchr_inv(win, 0xa5, page));
	ST_ASSERT(!memchr_inv(win + page + len, 0xa5, page));
	/* The WRITE_WITH_IMM refused above consumed no receive. */
	ST_ASSERT(vt_quiet(vt, vt->rcq, 20));

	/* Local protection: bad lkey, or a READ into a read-only MR. */
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_READ, 30, buf, 8, dma ^ 0x200,
			   mr->iova, mr->rkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 30, IB_WC_LOC_PROT_ERR, IB_WC_RDMA_READ,
			VT_TIMEOUT), 0);
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_READ, 31, win + 2 * page + len, 8,
			   ro->lkey, mr->iova, mr->rkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 31, IB_WC_LOC_PROT_ERR, IB_WC_RDMA_READ,
			VT_TIMEOUT), 0);
	/* A READ of the read-only MR is fine. */
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_READ, 32, buf, page, dma, ro->iova,
			   ro->rkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 32, IB_WC_SUCCESS, IB_WC_RDMA_READ,
			VT_TIMEOUT), 0);
	ST_ASSERT(!memchr_inv(buf, 0xa5, page));

	ST_EQ(ib_dereg_mr(ro), 0);
	ST_EQ(ib_dereg_mr(mr), 0);
	ib_free_remote_buf(vt->dev, win);
	vt_close(vt);
	vfree(back);
	vfree(buf);
	return 0;
fail:
	vt_close(vt);
out:
	vfree(back);
	vfree(buf);
	return -1;
}

/*
 * A QP that accepts no remote access refuses RDMA even with a valid key;
 * so does a QP of another PD than the MR's.
 */
SELFTEST(verbs_loopback_qp_access)
{
	struct ib_mr *mr;
	struct ib_pd *pd2;
	struct ib_qp *qp;
	struct vt *vt;
	u8 buf[16], *win;
	int q;

	if (vt_skip("verbs_loopback_qp_access"))
		return 0;
	q = vt_loopback(&vt, 3, 0, IB_SIGNAL_ALL_WR, IB_ACCESS_REMOTE_READ);
	if (q < 0)
		return -1;
	qp = vt->qp[q];
	win = ib_alloc_remote_buf(vt->dev, 4096);
	mr = ib_reg_mr(vt->pd, win, 4096,
		       IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE);
	ST_ASSERT(win && !IS_ERR(mr));
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_WRITE, 1, buf, 16,
			   vt->pd->local_dma_lkey, mr->iova, mr->rkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 1, IB_WC_REM_ACCESS_ERR, IB_WC_RDMA_WRITE,
			VT_TIMEOUT), 0);
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_READ, 2, buf, 16,
			   vt->pd->local_dma_lkey, mr->iova, mr->rkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 2, IB_WC_SUCCESS, IB_WC_RDMA_READ,
			VT_TIMEOUT), 0);
	ST_EQ(ib_dereg_mr(mr), 0);
	/* The same memory in another PD. */
	pd2 = ib_alloc_pd(vt->dev);
	ST_ASSERT(!IS_ERR(pd2));
	mr = ib_reg_mr(pd2, win, 4096, IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE);
	ST_ASSERT(!IS_ERR(mr));
	ST_EQ(vt_post_rdma(qp, IB_WR_RDMA_READ, 3, buf, 16,
			   vt->pd->local_dma_lkey, mr->iova, mr->rkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 3, IB_WC_REM_ACCESS_ERR, IB_WC_RDMA_READ,
			VT_TIMEOUT), 0);
	/* And its lkey is not ours. */
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 4, win, 16, mr->lkey, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 4, IB_WC_LOC_PROT_ERR, IB_WC_SEND,
			VT_TIMEOUT), 0);
	ST_EQ(ib_dereg_mr(mr), 0);
	ib_dealloc_pd(pd2);
	ib_free_remote_buf(vt->dev, win);
	vt_close(vt);
	return 0;
}

/*
 * To ERR: every WR completes (flushed), so do the ones posted after;
 * back through RESET the QP connects again (a new epoch) and works.
 */
SELFTEST(verbs_loopback_flush)
{
	struct ib_qp_attr attr = { 0 };
	struct ib_wc wc;
	struct ib_qp *qp;
	u32 dma, i;
	struct vt *vt;
	u8 buf[64];
	int q;

	if (vt_skip("verbs_loopback_flush"))
		return 0;
	q = vt_loopback(&vt, 0, 0, IB_SIGNAL_REQ_WR, 0);
	if (q < 0)
		return -1;
	qp = vt->qp[q];
	dma = vt->pd->local_dma_lkey;
	for (i = 0; i < 4; i++)
		ST_EQ(vt_post_recv(qp, 10 + i, buf, sizeof(buf), dma), 0);
	/* Four receives, eight unsignaled sends: four wait for receives. */
	for (i = 0; i < 8; i++)
		ST_EQ(vt_post_send(qp, IB_WR_SEND, 20 + i, buf, 8, dma, 0, 0), 0);
	for (i = 0; i < 4; i++)
		ST_EQ(vt_expect(vt, vt->rcq, 10 + i, IB_WC_SUCCESS, IB_WC_RECV,
				VT_TIMEOUT), 0);
	ST_EQ(vt_post_recv(qp, 30, buf, sizeof(buf), dma), 0);
	ST_EQ(vt_expect(vt, vt->rcq, 30, IB_WC_SUCCESS, IB_WC_RECV, VT_TIMEOUT),
	      0);
	ST_ASSERT(vt_quiet(vt, vt->scq, 50));
	ST_EQ(vt_post_recv(qp, 31, buf, sizeof(buf), dma), 0);
	attr.qp_state = IB_QPS_ERR;
	ST_EQ(ib_modify_qp(qp, &attr, IB_QP_STATE), 0);
	/*
	 * The receive may or may not have taken the fifth message first;
	 * either way every WR completes, and every send that did not make
	 * it reports an error.
	 */
	while (vt_poll(vt, vt->scq, &wc, 200)) {
		ST_ASSERT(wc.wr_id >= 25 && wc.wr_id < 28);
		ST_ASSERT(wc.status == IB_WC_WR_FLUSH_ERR);
		ST_EQ(wc.opcode, IB_WC_SEND);
	}
	ST_ASSERT(vt_poll(vt, vt->rcq, &wc, VT_TIMEOUT));
	ST_EQ(wc.wr_id, 31);
	/* Posted in ERR: flushed. */
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 40, buf, 8, dma, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 40, IB_WC_WR_FLUSH_ERR, IB_WC_SEND,
			VT_TIMEOUT), 0);
	ST_EQ(vt_post_recv(qp, 41, buf, sizeof(buf), dma), 0);
	ST_EQ(vt_expect(vt, vt->rcq, 41, IB_WC_WR_FLUSH_ERR, IB_WC_RECV,
			VT_TIMEOUT), 0);
	ST_EQ(ib_query_qp(qp, &attr), 0);
	ST_EQ(attr.qp_state, IB_QPS_ERR);
	ST_EQ(shm_qp(SHMF_QP_INDEX(shm.self, shm.self, 0))->state,
	      SHMF_QP_ERROR);

	/* Reset and reconnect. */
	attr.qp_state = IB_QPS_RESET;
	ST_EQ(ib_modify_qp(qp, &attr, IB_QP_STATE), 0);
	ST_EQ(shm_qp(SHMF_QP_INDEX(shm.self, shm.self, 0))->state,
	      SHMF_QP_RESET);
	vt->est[q] = false;
	ST_EQ(vt_connect(vt, q, shm.self, 0, 0), 0);
	ST_ASSERT(vt_wait_est(vt, q, VT_TIMEOUT));
	ST_EQ(vt_post_recv(qp, 50, buf, sizeof(buf), dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 51, buf, 8, dma, IB_SEND_SIGNALED, 0),
	      0);
	ST_EQ(vt_expect(vt, vt->rcq, 50, IB_WC_SUCCESS, IB_WC_RECV, VT_TIMEOUT),
	      0);
	ST_EQ(vt_expect(vt, vt->scq, 51, IB_WC_SUCCESS, IB_WC_SEND, VT_TIMEOUT),
	      0);
	vt_close(vt);
	return 0;
}

/* Completion notification: once per arming; solicited-only arming. */
SELFTEST(verbs_loopback_notify)
{
	struct ib_wc wc;
	struct ib_qp *qp;
	unsigned int ev;
	struct vt *vt;
	u8 buf[16];
	u32 dma, i;
	int q;

	if (vt_skip("verbs_loopback_notify"))
		return 0;
	q = vt_loopback(&vt, 1, 0, IB_SIGNAL_ALL_WR, 0);
	if (q < 0)
		return -1;
	qp = vt->qp[q];
	dma = vt->pd->local_dma_lkey;
	/* Not armed: no handler call. */
	ev = READ_ONCE(vt->rcq_events);
	ST_EQ(vt_post_recv(qp, 1, buf, 16, dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 2, buf, 4, dma, 0, 0), 0);
	ST_EQ(vt_expect(vt, vt->scq, 2, IB_WC_SUCCESS, IB_WC_SEND, VT_TIMEOUT),
	      0);
	msleep(30);
	ST_EQ(READ_ONCE(vt->rcq_events), ev);
	ST_EQ(ib_poll_cq(vt->rcq, 1, &wc), 1);
	ST_EQ(wc.wr_id, 1);
	/* Armed for solicited completions: an unsolicited one does not call. */
	ST_EQ(ib_req_notify_cq(vt->rcq, IB_CQ_SOLICITED), 0);
	ST_EQ(vt_post_recv(qp, 3, buf, 16, dma), 0);
	ST_EQ(vt_post_recv(qp, 4, buf, 16, dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 5, buf, 4, dma, 0, 0), 0);
	msleep(30);
	ST_EQ(READ_ONCE(vt->rcq_events), ev);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 6, buf, 4, dma, IB_SEND_SOLICITED,
			   0), 0);
	ST_ASSERT(wait_event_timeout(vt->wq, READ_ONCE(vt->rcq_events) != ev,
				     msecs_to_jiffies(VT_TIMEOUT)));
	ev = READ_ONCE(vt->rcq_events);
	ST_EQ(ib_poll_cq(vt->rcq, 1, &wc), 1);
	ST_EQ(wc.wr_id, 3);
	ST_EQ(ib_poll_cq(vt->rcq, 1, &wc), 1);
	ST_EQ(wc.wr_id, 4);
	/* Disarmed after one call. */
	ST_EQ(vt_post_recv(qp, 7, buf, 16, dma), 0);
	ST_EQ(vt_post_send(qp, IB_WR_SEND, 8, buf, 4, dma, IB_SEND_SOLICITED,
			   0), 0);
	for (i = 5; i <= 8; i++)
		if (i != 7)
			ST_EQ(vt_expect(vt, vt->scq, i, IB_WC_SUCCESS, IB_WC_SEND,
					VT_TIMEOUT), 0);
	msleep(30);
	ST_EQ(READ_ONCE(vt->rcq_events), ev);
	/* Missed events are reported to whoever arms. */
	ST_EQ(ib_req_notify_cq(vt->rcq, IB_CQ_NEXT_COMP |
			       IB_CQ_REPORT_MISSED_EVENTS), 1);
	vt_close(vt);
	return 0;
}

/* A full CQ holds completions back; none is lost, the order is kept. */
SELFTEST(verbs_loopback_cq_full)
{
	enum { N = 12 };
	unsigned int sends = 0, recvs = 0, polls = 0;
	u32 seq[N], dma, i;
	struct ib_wc wc;
	struct ib_qp *qp;
	struct vt *vt;
	int q;

	if (vt_skip("verbs_loopback_cq_full"))
		return 0;
	q = vt_loopback(&vt, 2, 16, IB_SIGNAL_ALL_WR, 0);
	if (q < 0)
		return -1;
	vt_close(vt);
	/* Again, with CQs of 4 entries. */
	if (vt_open(&vt, 4))
		return -1;
	q = vt_add_qp(vt, N, N, 16, IB_SIGNAL_ALL_WR);
	ST_ASSERT(q >= 0);
	ST_EQ(vt->scq->cqe, 4);
	ST_EQ(vt_connect(vt, q, shm.self, 2, 0), 0);
	ST_ASSERT(vt_wait_est(vt, q, VT_TIMEOUT));
	qp = vt->qp[q];
	dma = vt->pd->local_dma_lkey;
	for (i = 0; i < N; i++)
		ST_EQ(vt_post_recv(qp, i, &seq[i], sizeof(u32), dma), 0);
	for (i = 0; i < N; i++)
		ST_EQ(vt_post_send(qp, IB_WR_SEND, 100 + i, &i, sizeof(u32), dma,
				   IB_SEND_INLINE, 0), 0);
	msleep(50);
	while (sends < N || recvs < N) {
		if (ib_poll_cq(vt->scq, 1, &wc)) {
			if (vt_check_wc(&wc, 100 + sends, IB_WC_SUCCESS,
					IB_WC_SEND))
				goto fail;
			sends++;
		} else if (ib_poll_cq(vt->rcq, 1, &wc)) {
			if (vt_check_wc(&wc, recvs, IB_WC_SUCCESS, IB_WC_RECV))
				goto fail;
			ST_EQ(seq[recvs], recvs);
			recvs++;
		} else if (++polls > 500) {
			return selftest_fail("%u sends and %u receives completed of %u",
					     sends, recvs, N);
		} else {
			msleep(10);
		}
	}
	ST_ASSERT(vt_quiet(vt, vt->scq, 20) && vt_quiet(vt, vt->rcq, 20));
	vt_close(vt);
	return 0;
fail:
	vt_close(vt);
	return -1;
}

struct vt_dereg {
	struct ib_mr *mr;
	bool done;
};

static int vt_dereg_thread(void *data)
{
	struct vt_dereg *d = data;

	ib_dereg_mr(d->mr);
	WRITE_ONCE(d->done, true);
	return 0;
}

/*
 * Deregistration clears the key, then waits while an accessor that may
 * have seen the old key is inside its copy (busy[] of a live node); a
 * dead node's count does not hold it up.
 */
SELFTEST(verbs_dereg_waits)
{
	struct task_struct *t;
	struct vt_dereg d = { 0 };
	struct shmf_mr *e;
	struct vt *vt;
	u32 idle, i;
	u8 *win;

	if (vt_skip("verbs_dereg_waits"))
		return 0;
	if (vt_open(&vt, 4))
		return -1;
	win = ib_alloc_remote_buf(vt->dev, 4096);
	d.mr = ib_reg_mr(vt->pd, win, 4096, IB_ACCESS_REMOTE_READ);
	ST_ASSERT(win && !IS_ERR(d.mr));
	e = shm_mr(shm.self, SHMF_RKEY_INDEX(d.mr->rkey));
	ST_EQ(e->rkey, d.mr->rkey);
	/* This node is inside an access. */
	__atomic_fetch_add(&e->busy[shm.self], 1, __ATOMIC_SEQ_CST);
	t = kthread_run(vt_dereg_thread, &d, "vt-dereg");
	ST_ASSERT(!IS_ERR(t));
	msleep(100);
	ST_EQ(READ_ONCE(e->rkey), 0);
	ST_ASSERT(!READ_ONCE(d.done));
	__atomic_fetch_sub(&e->busy[shm.self], 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < 500 && !READ_ONCE(d.done); i++)
		msleep(10);
	ST_ASSERT(READ_ONCE(d.done));

	/* A node that is not up: its count is stale, not waited for. */
	for (idle = 0; idle < SHMF_MAX_NODES; idle++)
		if (SHMF_WORD_STATE(shm_load_word(idle)) != SHMF_NODE_UP)
			break;
	ST_ASSERT(idle < SHMF_MAX_NODES);
	d.done = false;
	d.mr = ib_reg_mr(vt->pd, win, 4096, IB_ACCESS_REMOTE_READ);
	ST_ASSERT(!IS_ERR(d.mr));
	e = shm_mr(shm.self, SHMF_RKEY_INDEX(d.mr->rkey));
	__atomic_fetch_add(&e->busy[idle], 1, __ATOMIC_SEQ_CST);
	ST_EQ(ib_dereg_mr(d.mr), 0);
	ST_EQ(e->busy[idle], 1);
	__atomic_fetch_sub(&e->busy[idle], 1, __ATOMIC_SEQ_CST);
	ib_free_remote_buf(vt->dev, win);
	vt_close(vt);
	return 0;
}

/* --------------------------------------------- garbage on the rings --- */

static void vt_msg(struct shmf_msg *h, u8 op, u8 flags, u32 nr_elems,
		   u32 length, u64 psn)
{
	shm_msg_fill(h, op, flags, nr_elems, shm.gen);
	h->length = length;
	h->psn = psn;
}

/*
 * Publish h and zeroed elements after it on a ring of a loopback slot,
 * as its producer would: publish elements in all (0: h->nr_elems), after
 * a PAD if fewer than that plus one are left before the end.
 */
static void vt_inject(u32 slot, bool rsp, const struct shmf_msg *h,
		      u32 publish)
{
	struct shmf_qp *s = shm_qp(slot);
	u64 ring = rsp ? shmf_rsp_ring_off(&shm.geo, slot) :
			 shmf_req_ring_off(&shm.geo, slot);
	u32 *headp = rsp ? &s->rsp_head : &s->req_head;
	u32 nr = shm.geo.ring_elems, head = READ_ONCE(*headp);
	u32 pos = head & (nr - 1), n = publish ? publish : h->nr_elems;
	struct shmf_msg pad;

	if (pos + n + 1 > nr) {
		vt_msg(&pad, SHMF_OP_PAD, 0, nr - pos, 0, 0);
		memcpy(shm_at(ring + (u64)pos * SHMF_ELEM_SIZE), &pad,
		       sizeof(pad));
		head += nr - pos;
		pos = 0;
	}
	memset(shm_at(ring + (u64)pos * SHMF_ELEM_SIZE), 0,
	       (size_t)n * SHMF_ELEM_SIZE);
	memcpy(shm_at(ring + (u64)pos * SHMF_ELEM_SIZE), h, sizeof(*h));
	__atomic_store_n(headp, head + n, __ATOMIC_RELEASE);
}

/* Until the consumer of the ring caught up (or the QP went to ERR). */
static bool vt_drained(struct ib_qp *qp, u32 slot, bool rsp)
{
	struct shmf_qp *s = shm_qp(slot);
	struct ib_qp_attr attr;
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		if (rsp ? READ_ONCE(s->rsp_tail) == READ_ONCE(s->rsp_head) :
			  READ_ONCE(s->req_tail) == READ_ONCE(s->req_head))
			return true;
		if (!ib_query_qp(qp, &attr) && attr.qp_state == IB_QPS_ERR)
			return true;
		msleep(5);
	}
	return false;
}

static int vt_ping(struct vt *vt, struct ib_qp *qp, u64 id)
{
	u8 buf[32];

	if (vt_post_recv(qp, id, buf, sizeof(buf), vt->pd->local_dma_lkey) ||
	    vt_post_send(qp, IB_WR_SEND, id + 1, buf, 20,
			 vt->pd->local_dma_lkey, IB_SEND_SIGNALED, 0))
		return selftest_fail("cannot post");
	if (vt_expect(vt, vt->rcq, id, IB_WC_SUCCESS, IB_WC_RECV, VT_TIMEOUT) ||
	    vt_expect(vt, vt->scq, id + 1, IB_WC_SUCCESS, IB_WC_SEND,
		      VT_TIMEOUT))
		return -1;
	return 0;
}

/* A message that breaks the framing or the sequence: the QP is lost. */
static int vt_expect_lost(struct vt *vt, int q, u32 slot, bool rsp,
			  const struct shmf_msg *h, u32 publish)
{
	struct ib_qp_attr attr = { 0 };
	struct ib_qp *qp = vt->qp[q];
	u8 buf[16];

	if (vt_post_recv(qp, 77, buf, sizeof(buf), vt->pd->local_dma_lkey))
		return selftest_fail("cannot post");
	vt->fatal[q] = false;
	vt_inject(slot, rsp, h, publish);
	if (!vt_wait_flag(vt, &vt->fatal[q], VT_TIMEOUT))
		return selftest_fail("QP not lost after opcode %#x psn %llu",
				     h->opcode, h->psn);
	if (ib_query_qp(qp, &attr) || attr.qp_state != IB_QPS_ERR)
		return selftest_fail("QP in %s", ib_qp_state_name(attr.qp_state));
	if (vt_expect(vt, vt->rcq, 77, IB_WC_WR_FLUSH_ERR, IB_WC_RECV,
		      VT_TIMEOUT))
		return -1;
	/* Back in business through RESET. */
	attr.qp_state = IB_QPS_RESET;
	vt->est[q] = false;
	if (ib_modify_qp(qp, &attr, IB_QP_STATE) ||
	    vt_connect(vt, q, shm.self, 3, 0) || !vt_wait_est(vt, q, VT_TIMEOUT))
		return selftest_fail("cannot reconnect");
	return vt_ping(vt, qp, 80);
}

/*
 * Garbage on the rings of a loopback connection: malformed messages are
 * dropped and counted and the QP carries on; a message that breaks the
 * framing or the sequence loses the connection (ERR, flushed, event);
 * nothing else happens.
 */
SELFTEST(verbs_loopback_garbage)
{
	struct shmf_node_errors *err = &shm_self()->err, before;
	u32 slot = SHMF_QP_INDEX(shm.self, shm.self, 3);
	struct shmf_qp *s = shm_qp(slot);
	struct shmf_msg h;
	struct ib_qp *qp;
	u64 dropped;
	struct vt *vt;
	int q;

	if (vt_skip("verbs_loopback_garbage"))
		return 0;
	q = vt_loopback(&vt, 3, 0, IB_SIGNAL_ALL_WR, 0);
	if (q < 0)
		return -1;
	qp = vt->qp[q];
	if (vt_ping(vt, qp, 1))
		goto fail;
	memcpy(&before, err, sizeof(before));
	dropped = READ_ONCE(s->req_dropped);

	vt_msg(&h, SHMF_OP_SEND, SHMF_MSG_INLINE, 1, 0, 0);
	h.hdr_len = 16;
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, SHMF_OP_SEND, SHMF_MSG_INLINE, 2, 100000, 0);
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, SHMF_OP_SEND, 0, 2, 6, 0);		/* not inline */
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, 0x55, SHMF_MSG_INLINE, 2, 6, 0);
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, SHMF_OP_WRITE, 0, 1, 8, 0);		/* one-sided here */
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, SHMF_OP_ACK, 0, 1, 0, 0);		/* wrong ring */
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, SHMF_OP_PAD, 0, 1, 0, 0);		/* not to the end */
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, SHMF_OP_SEND, SHMF_MSG_INLINE, 2, 6, 0);
	h.src_gen = shm.gen + 7;			/* stale */
	vt_inject(slot, false, &h, 0);
	vt_msg(&h, 0x66, 0, 1, 0, 0);			/* response ring */
	vt_inject(slot, true, &h, 0);
	ST_ASSERT(vt_drained(qp, slot, false) && vt_drained(qp, slot, true));
	ST_EQ(err->rx_truncated - before.rx_truncated, 1);
	ST_EQ(err->rx_bad_length - before.rx_bad_length, 3);
	ST_EQ(err->rx_bad_opcode - before.rx_bad_opcode, 4);
	ST_EQ(READ_ONCE(s->req_dropped) - dropped, 8);
	ST_ASSERT(!vt->fatal[q]);
	if (vt_ping(vt, qp, 10))
		goto fail;

	/* Lost: a bad magic, an element count off the ring, a psn gap. */
	vt_msg(&h, SHMF_OP_SEND, SHMF_MSG_INLINE, 1, 0, 0);
	h.magic = 0xbad;
	if (vt_expect_lost(vt, q, slot, false, &h, 0))
		goto fail;
	vt_msg(&h, SHMF_OP_SEND, SHMF_MSG_INLINE, 5, 256, 0);
	if (vt_expect_lost(vt, q, slot, false, &h, 1))
		goto fail;
	vt_msg(&h, SHMF_OP_SEND, SHMF_MSG_INLINE, 1, 0, 1000000);
	if (vt_expect_lost(vt, q, slot, false, &h, 0))
		goto fail;
	/* A response to a request never sent. */
	vt_msg(&h, SHMF_OP_ACK, 0, 1, 0, 1000000);
	if (vt_expect_lost(vt, q, slot, true, &h, 0))
		goto fail;
	vt_close(vt);
	return 0;
fail:
	vt_close(vt);
	return -1;
}
