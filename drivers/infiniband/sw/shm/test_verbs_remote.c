// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the verbs between two nodes: a memory node runs the
 * responder (selftest=verbs_responder), a processor runs verbs_remote_*
 * against it (tests/55-verbs.sh).
 *
 * The responder connects QP index 0 (requests) and 1 (a sink that never
 * posts a receive) to the processor, registers a 1 MiB MR in its window
 * between two canary pages, plus a read-only and a write-only page, and
 * sends their keys in a HELLO.  Then it serves:
 *   - a SEND without immediate: echoed back as SEND_WITH_IMM, the
 *     immediate being the checksum of what arrived;
 *   - a SEND_WITH_IMM(op) carrying a struct vr_msg: SUM or FILL a range
 *     of the MR, check the CANARY pages; answered by a SEND of a vr_msg;
 *   - a WRITE_WITH_IMM: answered with the immediate, the length and the
 *     checksum of that many bytes at the start of the MR.
 * When the processor drops its QPs (a test ends), the responder connects
 * again; it stops when the processor is gone.
 */
#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/vmalloc.h>
#include "test_verbs.h"
#include "verbs.h"

#define VR_MR_LEN	(1U << 20)
#define VR_PAGE		4096U
#define VR_RX		4		/* receive buffers per side */
#define VR_RX_LEN	(1U << 20)
#define VR_CANARY	0xa5
#define VR_RO_SEED	0x0d
#define VR_CONNECT_MS	20000
#define VR_TIMEOUT	10000

enum vr_op {
	VR_HELLO = 1,		/* arg: mr iova, rkey, len; ro iova, rkey; wo iova, rkey */
	VR_SUM,			/* arg: offset, length -> arg[0]: checksum */
	VR_FILL,		/* arg: offset, length, seed */
	VR_CANARY_CHECK,	/* -> status 0: intact */
	VR_WIMM,		/* arg: imm, byte_len, checksum */
};

struct vr_msg {
	u32 op;
	u32 status;
	u64 arg[8];
};

/* ---------------------------------------------------------- responder --- */

struct vr_server {
	struct vt *vt;
	u32 peer;
	u8 *win;		/* canary | MR | canary | RO page | WO page */
	u8 *mr_buf;
	struct ib_mr *mr, *ro, *wo;
	u8 *rx[VR_RX];
	struct vr_msg reply;
	unsigned long served;
};

static void vr_drop_qps(struct vt *vt)
{
	struct ib_wc wc;

	while (vt->nr_qp)
		ib_destroy_qp(vt->qp[--vt->nr_qp]);
	while (ib_poll_cq(vt->scq, 1, &wc) || ib_poll_cq(vt->rcq, 1, &wc))
		;
	memset(vt->est, 0, sizeof(vt->est));
	memset(vt->fatal, 0, sizeof(vt->fatal));
}

static bool vr_canaries_ok(struct vr_server *s)
{
	u8 ro[VR_PAGE];

	vt_fill(ro, VR_PAGE, VR_RO_SEED);
	return !memchr_inv(s->win, VR_CANARY, VR_PAGE) &&
	       !memchr_inv(s->mr_buf + VR_MR_LEN, VR_CANARY, VR_PAGE) &&
	       !memcmp(s->mr_buf + VR_MR_LEN + VR_PAGE, ro, VR_PAGE);
}

static bool vr_range_ok(u64 off, u64 len)
{
	return off <= VR_MR_LEN && len <= VR_MR_LEN - off;
}

/* Send s->reply and wait for its completion. */
static int vr_reply(struct vr_server *s)
{
	struct ib_qp *qp = s->vt->qp[0];

	if (vt_post_send(qp, IB_WR_SEND, 0x5e4d, &s->reply, sizeof(s->reply),
			 s->vt->pd->local_dma_lkey, 0, 0))
		return -1;
	return vt_expect(s->vt, s->vt->scq, 0x5e4d, IB_WC_SUCCESS, IB_WC_SEND,
			 VR_TIMEOUT);
}

/* Handle one receive; -1 when the connection is gone. */
static int vr_serve_one(struct vr_server *s, struct ib_wc *wc)
{
	struct vr_msg *m;
	u8 *buf;

	if (wc->status != IB_WC_SUCCESS || wc->wr_id >= VR_RX)
		return -1;
	buf = s->rx[wc->wr_id];
	memset(&s->reply, 0, sizeof(s->reply));
	if (wc->opcode == IB_WC_RECV_RDMA_WITH_IMM) {
		s->reply.op = VR_WIMM;
		s->reply.arg[0] = wc->imm_data;
		s->reply.arg[1] = wc->byte_len;
		s->reply.arg[2] = vr_range_ok(0, wc->byte_len) ?
				  vt_sum(s->mr_buf, wc->byte_len) : 0;
		if (vr_reply(s))
			return -1;
	} else if (!(wc->wc_flags & IB_WC_WITH_IMM)) {
		/* Echo, from the receive buffer itself. */
		if (vt_post_send(s->vt->qp[0], IB_WR_SEND_WITH_IMM, 0xec40, buf,
				 wc->byte_len, s->vt->pd->local_dma_lkey, 0,
				 vt_sum(buf, wc->byte_len)) ||
		    vt_expect(s->vt, s->vt->scq, 0xec40, IB_WC_SUCCESS,
			      IB_WC_SEND, VR_TIMEOUT))
			return -1;
	} else {
		m = (struct vr_msg *)buf;
		s->reply.op = wc->imm_data;
		if (wc->byte_len < sizeof(*m)) {
			s->reply.status = EINVAL;
		} else if (wc->imm_data == VR_SUM &&
			   vr_range_ok(m->arg[0], m->arg[1])) {
			s->reply.arg[0] = vt_sum(s->mr_buf + m->arg[0],
						 m->arg[1]);
		} else if (wc->imm_data == VR_FILL &&
			   vr_range_ok(m->arg[0], m->arg[1])) {
			vt_fill(s->mr_buf + m->arg[0], m->arg[1], m->arg[2]);
		} else if (wc->imm_data == VR_CANARY_CHECK) {
			s->reply.status = !vr_canaries_ok(s);
			pr_info("selftest: verbs_responder: canaries %s\n",
				s->reply.status ? "DAMAGED" : "intact");
		} else {
			s->reply.status = EINVAL;
		}
		if (vr_reply(s))
			return -1;
	}
	s->served++;
	return vt_post_recv(s->vt->qp[0], wc->wr_id, buf, VR_RX_LEN,
			    s->vt->pd->local_dma_lkey) ? -1 : 0;
}

/* One connection: set up, HELLO, serve until it is lost. */
static void vr_serve_connection(struct vr_server *s)
{
	struct ib_wc wc;
	unsigned int i;

	if (vt_add_qp(s->vt, 16, VR_RX, 0, IB_SIGNAL_ALL_WR) != 0 ||
	    vt_add_qp(s->vt, 16, 4, 0, IB_SIGNAL_ALL_WR) != 1 ||
	    vt_connect(s->vt, 0, s->peer, 0, IB_ACCESS_REMOTE) ||
	    vt_connect(s->vt, 1, s->peer, 1, IB_ACCESS_REMOTE)) {
		msleep(100);
		return;
	}
	for (i = 0; i < VR_RX; i++)
		if (vt_post_recv(s->vt->qp[0], i, s->rx[i], VR_RX_LEN,
				 s->vt->pd->local_dma_lkey))
			return;
	while (!vt_wait_est(s->vt, 0, 1000))
		if (!fabric_node_alive(s->peer))
			return;

	memset(&s->reply, 0, sizeof(s->reply));
	s->reply.op = VR_HELLO;
	s->reply.arg[0] = s->mr->iova;
	s->reply.arg[1] = s->mr->rkey;
	s->reply.arg[2] = VR_MR_LEN;
	s->reply.arg[3] = s->ro->iova;
	s->reply.arg[4] = s->ro->rkey;
	s->reply.arg[5] = s->wo->iova;
	s->reply.arg[6] = s->wo->rkey;
	if (vr_reply(s))
		return;
	for (;;) {
		if (!vt_poll(s->vt, s->vt->rcq, &wc, 1000)) {
			if (READ_ONCE(s->vt->fatal[0]) ||
			    !fabric_node_alive(s->peer))
				return;
			continue;
		}
		if (vr_serve_one(s, &wc))
			return;
	}
}

/*
 * The memory node's side: serve the first processor node until it is
 * gone.  Explicit only: it does not return while the processor lives.
 */
SELFTEST_EXPLICIT_ONLY(verbs_responder)
{
	struct vr_server *s;
	unsigned int i, conns = 0;
	u32 id;

	ST_ASSERT(fabric_joined() && shm_dev);
	ST_EQ(fabric_wait_for_role(SHMF_ROLE_PROCESSOR, shm_wait_ms), 0);
	s = vzalloc(sizeof(*s));
	ST_ASSERT(s);
	s->peer = FABRIC_NO_NODE;
	for (id = 0; id < SHMF_MAX_NODES && s->peer == FABRIC_NO_NODE; id++)
		if (shm_node(id)->role == SHMF_ROLE_PROCESSOR &&
		    shm_node_confirmed(id))
			s->peer = id;
	ST_ASSERT(s->peer != FABRIC_NO_NODE);
	if (vt_open(&s->vt, 64))
		return -1;
	s->win = ib_alloc_remote_buf(s->vt->dev, VR_MR_LEN + 4 * VR_PAGE);
	ST_ASSERT(s->win);
	s->mr_buf = s->win + VR_PAGE;
	memset(s->win, VR_CANARY, VR_MR_LEN + 2 * VR_PAGE);
	vt_fill(s->mr_buf + VR_MR_LEN + VR_PAGE, VR_PAGE, VR_RO_SEED);
	s->mr = ib_reg_mr(s->vt->pd, s->mr_buf, VR_MR_LEN,
			  IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE);
	s->ro = ib_reg_mr(s->vt->pd, s->mr_buf + VR_MR_LEN + VR_PAGE, VR_PAGE,
			  IB_ACCESS_REMOTE_READ);
	s->wo = ib_reg_mr(s->vt->pd, s->mr_buf + VR_MR_LEN + 2 * VR_PAGE,
			  VR_PAGE, IB_ACCESS_LOCAL_WRITE |
			  IB_ACCESS_REMOTE_WRITE);
	ST_ASSERT(!IS_ERR(s->mr) && !IS_ERR(s->ro) && !IS_ERR(s->wo));
	for (i = 0; i < VR_RX; i++) {
		s->rx[i] = vmalloc(VR_RX_LEN);
		ST_ASSERT(s->rx[i]);
	}
	pr_info("selftest: verbs_responder: serving processor node %u (MR %u bytes at %#llx, rkey %#x)\n",
		s->peer, VR_MR_LEN, s->mr->iova, s->mr->rkey);
	while (fabric_node_alive(s->peer)) {
		vr_serve_connection(s);
		vr_drop_qps(s->vt);
		conns++;
	}
	pr_info("selftest: verbs_responder: processor node %u is gone; %lu requests over %u connections\n",
		s->peer, s->served, conns);
	return 0;
}

/* ---------------------------------------------------------- processor --- */

struct vr {
	struct vt *vt;
	u32 peer;
	struct vr_msg hello;
	u8 *rx[VR_RX];
	u8 *tx;
	u8 *scratch;
};

static void vr_close(struct vr *r)
{
	unsigned int i;

	vt_close(r->vt);
	for (i = 0; i < VR_RX; i++)
		vfree(r->rx[i]);
	vfree(r->tx);
	vfree(r->scratch);
}

/* The next receive on QP 0, which must be a SEND; reposted after copying. */
static int vr_recv(struct vr *r, struct ib_wc *wc, void *copy, u32 max)
{
	if (!vt_poll(r->vt, r->vt->rcq, wc, VR_TIMEOUT))
		return selftest_fail("no message from node %u within %u ms",
				     r->peer, VR_TIMEOUT);
	if (wc->status != IB_WC_SUCCESS || wc->opcode != IB_WC_RECV ||
	    wc->wr_id >= VR_RX || wc->src_node != r->peer)
		return selftest_fail("receive: status '%s', opcode %#x, wr_id %llu, from node %u",
				     ib_wc_status_msg(wc->status), wc->opcode,
				     wc->wr_id, wc->src_node);
	if (copy)
		memcpy(copy, r->rx[wc->wr_id], min(wc->byte_len, max));
	return 0;
}

static int vr_repost(struct vr *r, u64 i)
{
	return vt_post_recv(r->vt->qp[0], i, r->rx[i], VR_RX_LEN,
			    r->vt->pd->local_dma_lkey);
}

/* The memory node running the responder: the first confirmed one. */
static u32 vr_find_peer(void)
{
	u32 id;

	if (fabric_wait_for_role(SHMF_ROLE_MEMORY, shm_wait_ms))
		return FABRIC_NO_NODE;
	for (id = 0; id < SHMF_MAX_NODES; id++)
		if (shm_node(id)->role == SHMF_ROLE_MEMORY &&
		    shm_node_confirmed(id))
			return id;
	return FABRIC_NO_NODE;
}

/* 0: connected, HELLO received; 1: no fabric, skip; -1: failed. */
static int vr_open(struct vr *r, const char *name)
{
	struct ib_wc wc;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	if (!fabric_joined() || !shm_dev) {
		pr_info("selftest: %s: no fabric, nothing to check\n", name);
		return 1;
	}
	r->peer = vr_find_peer();
	if (r->peer == FABRIC_NO_NODE)
		return selftest_fail("no memory node");
	r->tx = vmalloc(VR_RX_LEN + VR_PAGE);
	r->scratch = vmalloc(VR_RX_LEN + VR_PAGE);
	for (i = 0; i < VR_RX; i++)
		r->rx[i] = vmalloc(VR_RX_LEN);
	if (!r->tx || !r->scratch || !r->rx[VR_RX - 1] || vt_open(&r->vt, 64))
		goto fail;
	if (vt_add_qp(r->vt, 64, VR_RX, 128, IB_SIGNAL_ALL_WR) != 0 ||
	    vt_add_qp(r->vt, 64, 4, 0, IB_SIGNAL_ALL_WR) != 1 ||
	    vt_connect(r->vt, 0, r->peer, 0, 0) ||
	    vt_connect(r->vt, 1, r->peer, 1, 0)) {
		selftest_fail("cannot connect to node %u", r->peer);
		goto fail;
	}
	for (i = 0; i < VR_RX; i++)
		if (vr_repost(r, i))
			goto fail;
	if (!vt_wait_est(r->vt, 0, VR_CONNECT_MS)) {
		selftest_fail("no connection to node %u within %u s (is it running selftest=verbs_responder?)",
			      r->peer, VR_CONNECT_MS / 1000);
		goto fail;
	}
	if (vr_recv(r, &wc, &r->hello, sizeof(r->hello)) ||
	    vr_repost(r, wc.wr_id))
		goto fail;
	if (r->hello.op != VR_HELLO || r->hello.arg[2] != VR_MR_LEN) {
		selftest_fail("no HELLO from node %u", r->peer);
		goto fail;
	}
	return 0;
fail:
	vr_close(r);
	return -1;
}

/* A request to the responder and its answer. */
static int vr_call(struct vr *r, u32 op, u64 a0, u64 a1, u64 a2,
		   struct vr_msg *reply)
{
	struct vr_msg m = { .op = op, .arg = { a0, a1, a2 } };
	struct ib_wc wc;

	if (vt_post_send(r->vt->qp[0], IB_WR_SEND_WITH_IMM, 0xca11, &m,
			 sizeof(m), 0, IB_SEND_INLINE, op) ||
	    vt_expect(r->vt, r->vt->scq, 0xca11, IB_WC_SUCCESS, IB_WC_SEND,
		      VR_TIMEOUT) ||
	    vr_recv(r, &wc, reply, sizeof(*reply)) || vr_repost(r, wc.wr_id))
		return -1;
	if (reply->op != op || reply->status)
		return selftest_fail("request %u: reply %u, status %u", op,
				     reply->op, reply->status);
	return 0;
}

/* Echo len bytes of pattern seed; both ends check the checksum. */
static int vr_echo(struct vr *r, u32 len, u32 seed)
{
	struct ib_wc wc;
	u32 sum;

	vt_fill(r->tx, len, seed);
	sum = vt_sum(r->tx, len);
	if (vt_post_send(r->vt->qp[0], IB_WR_SEND, 0xec, r->tx, len,
			 r->vt->pd->local_dma_lkey, 0, 0) ||
	    vt_expect(r->vt, r->vt->scq, 0xec, IB_WC_SUCCESS, IB_WC_SEND,
		      VR_TIMEOUT))
		return -1;
	if (!vt_poll(r->vt, r->vt->rcq, &wc, VR_TIMEOUT))
		return selftest_fail("echo of %u bytes: no answer", len);
	if (wc.status != IB_WC_SUCCESS || !(wc.wc_flags & IB_WC_WITH_IMM) ||
	    wc.byte_len != len || wc.imm_data != sum ||
	    vt_sum(r->rx[wc.wr_id], len) != sum)
		return selftest_fail("echo of %u bytes: status '%s', %u bytes, checksum %#x there, %#x back, %#x sent",
				     len, ib_wc_status_msg(wc.status),
				     wc.byte_len, wc.imm_data,
				     vt_sum(r->rx[wc.wr_id], wc.byte_len), sum);
	return vr_repost(r, wc.wr_id);
}

/* SEND/RECV ping-pong from 1 byte to 1 MiB, checksummed; round trips. */
SELFTEST(verbs_remote_send)
{
	static const u32 sizes[] = {
		1, 2, 3, 63, 64, 65, 127, 1000, 1984, 1985, 4096, 4097, 16384,
		65536, 100000, 262144, 1U << 20,
	};
	static const u32 timed[] = { 1, 64, 4096, 65536, 1U << 20 };
	u64 t0, ns;
	unsigned int i, n, iters;
	struct vr r;
	int ret;

	ret = vr_open(&r, "verbs_remote_send");
	if (ret)
		return ret < 0 ? -1 : 0;
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (vr_echo(&r, sizes[i], i))
			goto fail;
	for (i = 0; i < ARRAY_SIZE(timed); i++) {
		iters = timed[i] >= 65536 ? 10 : 200;
		t0 = ktime_get_ns();
		for (n = 0; n < iters; n++)
			if (vr_echo(&r, timed[i], n))
				goto fail;
		ns = (ktime_get_ns() - t0) / iters;
		pr_info("selftest: verbs_remote_send: %u-byte SEND round trip %llu us (%u runs)\n",
			timed[i], ns / 1000, iters);
	}
	vr_close(&r);
	return 0;
fail:
	vr_close(&r);
	return -1;
}

/* RDMA WRITE and READ of the responder's MR, checked on both sides. */
SELFTEST(verbs_remote_rdma)
{
	static const u32 sizes[] = { 1, 64, 4095, 65537, 1U << 20 };
	u64 iova, t0, ns;
	struct vr_msg rep;
	struct ib_sge sge[3];
	struct ib_rdma_wr wr;
	unsigned int i, n;
	u32 rkey, dma, len;
	struct vr r;
	int ret;

	ret = vr_open(&r, "verbs_remote_rdma");
	if (ret)
		return ret < 0 ? -1 : 0;
	iova = r.hello.arg[0];
	rkey = r.hello.arg[1];
	dma = r.vt->pd->local_dma_lkey;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		len = sizes[i];
		/* WRITE ours, the responder checks it; READ it back. */
		vt_fill(r.tx, len, 100 + i);
		if (vt_post_rdma(r.vt->qp[0], IB_WR_RDMA_WRITE, 1, r.tx, len, dma,
				 iova, rkey, 0, 0) ||
		    vt_expect(r.vt, r.vt->scq, 1, IB_WC_SUCCESS,
			      IB_WC_RDMA_WRITE, VR_TIMEOUT) ||
		    vr_call(&r, VR_SUM, 0, len, 0, &rep))
			goto fail;
		ST_EQ(rep.arg[0], vt_sum(r.tx, len));
		memset(r.scratch, 0, len);
		if (vt_post_rdma(r.vt->qp[0], IB_WR_RDMA_READ, 2, r.scratch, len,
				 dma, iova, rkey, 0, 0) ||
		    vt_expect(r.vt, r.vt->scq, 2, IB_WC_SUCCESS,
			      IB_WC_RDMA_READ, VR_TIMEOUT))
			goto fail;
		ST_EQ(memcmp(r.scratch, r.tx, len), 0);
		/* The responder fills, we READ what it wrote. */
		if (vr_call(&r, VR_FILL, 7, len - (len > 7 ? 7 : 0), 200 + i,
			    &rep))
			goto fail;
		len -= len > 7 ? 7 : 0;
		if (vt_post_rdma(r.vt->qp[0], IB_WR_RDMA_READ, 3, r.scratch, len,
				 dma, iova + 7, rkey, 0, 0) ||
		    vt_expect(r.vt, r.vt->scq, 3, IB_WC_SUCCESS,
			      IB_WC_RDMA_READ, VR_TIMEOUT))
			goto fail;
		vt_fill(r.tx, len, 200 + i);
		ST_EQ(vt_sum(r.scratch, len), vt_sum(r.tx, len));
	}
	/* A WRITE gathered from three buffers. */
	vt_fill(r.tx, 3000, 5);
	sge[0] = (struct ib_sge){ (u64)r.tx, 10, dma };
	sge[1] = (struct ib_sge){ (u64)r.tx + 10, 1990, dma };
	sge[2] = (struct ib_sge){ (u64)r.tx + 2000, 1000, dma };
	memset(&wr, 0, sizeof(wr));
	wr.wr.wr_id = 4;
	wr.wr.sg_list = sge;
	wr.wr.num_sge = 3;
	wr.wr.opcode = IB_WR_RDMA_WRITE;
	wr.remote_addr = iova + 4096;
	wr.rkey = rkey;
	ST_EQ(ib_post_send(r.vt->qp[0], &wr.wr, NULL), 0);
	if (vt_expect(r.vt, r.vt->scq, 4, IB_WC_SUCCESS, IB_WC_RDMA_WRITE,
		      VR_TIMEOUT) ||
	    vr_call(&r, VR_SUM, 4096, 3000, 0, &rep))
		goto fail;
	ST_EQ(rep.arg[0], vt_sum(r.tx, 3000));

	/* Timings: one-sided, the responder's CPU is not involved. */
	for (i = 0; i < 2; i++) {
		enum ib_wr_opcode op = i ? IB_WR_RDMA_READ : IB_WR_RDMA_WRITE;

		t0 = ktime_get_ns();
		for (n = 0; n < 10; n++)
			if (vt_post_rdma(r.vt->qp[0], op, 5, r.scratch,
					 VR_MR_LEN, dma, iova, rkey, 0, 0) ||
			    vt_expect(r.vt, r.vt->scq, 5, IB_WC_SUCCESS, -1,
				      VR_TIMEOUT))
				goto fail;
		ns = (ktime_get_ns() - t0) / 10;
		pr_info("selftest: verbs_remote_rdma: 1 MiB RDMA %s %llu us (%llu MB/s)\n",
			i ? "READ" : "WRITE", ns / 1000,
			ns ? 1000ULL * VR_MR_LEN / ns : 0);
		t0 = ktime_get_ns();
		for (n = 0; n < 200; n++)
			if (vt_post_rdma(r.vt->qp[0], op, 6, r.scratch, 4096, dma,
					 iova, rkey, 0, 0) ||
			    vt_expect(r.vt, r.vt->scq, 6, IB_WC_SUCCESS, -1,
				      VR_TIMEOUT))
				goto fail;
		pr_info("selftest: verbs_remote_rdma: 4 KiB RDMA %s %llu us\n",
			i ? "READ" : "WRITE",
			(ktime_get_ns() - t0) / 200 / 1000);
	}
	vr_close(&r);
	return 0;
fail:
	vr_close(&r);
	return -1;
}

/* WRITE_WITH_IMM: the data lands, then a receive carries the immediate. */
SELFTEST(verbs_remote_imm)
{
	static const u32 sizes[] = { 0, 1, 4096, 1U << 20 };
	struct ib_wc wc;
	struct vr_msg rep;
	unsigned int i;
	u32 dma;
	struct vr r;
	int ret;

	ret = vr_open(&r, "verbs_remote_imm");
	if (ret)
		return ret < 0 ? -1 : 0;
	dma = r.vt->pd->local_dma_lkey;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		vt_fill(r.tx, sizes[i], 300 + i);
		if (vt_post_rdma(r.vt->qp[0], IB_WR_RDMA_WRITE_WITH_IMM, 1, r.tx,
				 sizes[i], dma, r.hello.arg[0], r.hello.arg[1],
				 0, 0xc0de0000 + i) ||
		    vt_expect(r.vt, r.vt->scq, 1, IB_WC_SUCCESS,
			      IB_WC_RDMA_WRITE, VR_TIMEOUT) ||
		    vr_recv(&r, &wc, &rep, sizeof(rep)) ||
		    vr_repost(&r, wc.wr_id))
			goto fail;
		ST_EQ(rep.op, VR_WIMM);
		ST_EQ(rep.arg[0], 0xc0de0000 + i);
		ST_EQ(rep.arg[1], sizes[i]);
		ST_EQ(rep.arg[2], vt_sum(r.tx, sizes[i]));
	}
	vr_close(&r);
	return 0;
fail:
	vr_close(&r);
	return -1;
}

/*
 * Bad keys, ranges and permissions on the responder's MRs: each access
 * fails with a remote access error and changes nothing (the responder
 * checks its MR and its canary pages); its error counters rise.
 */
SELFTEST(verbs_remote_protection)
{
	u64 rkey_errors, access_errors, iova;
	struct shmf_node_errors *err;
	struct vr_msg rep;
	u32 rkey, dma, sum;
	struct vr r;
	int ret;

	ret = vr_open(&r, "verbs_remote_protection");
	if (ret)
		return ret < 0 ? -1 : 0;
	ret = -1;
	err = &shm_node(r.peer)->err;
	iova = r.hello.arg[0];
	rkey = r.hello.arg[1];
	dma = r.vt->pd->local_dma_lkey;
	if (vr_call(&r, VR_FILL, 0, VR_MR_LEN, 77, &rep))
		goto out;
	vt_fill(r.tx, VR_MR_LEN, 77);
	sum = vt_sum(r.tx, VR_MR_LEN);
	memset(r.tx, 0x3c, VR_RX_LEN);
	rkey_errors = READ_ONCE(err->rkey_errors);
	access_errors = READ_ONCE(err->access_errors);
#define REFUSE(id, op, n, addr, key) do {				\
	if (vt_post_rdma(r.vt->qp[0], op, id, r.tx, n, dma, addr, key, 0, 0) || \
	    vt_expect(r.vt, r.vt->scq, id, IB_WC_REM_ACCESS_ERR, -1,	\
		      VR_TIMEOUT))					\
		goto out;						\
} while (0)
	REFUSE(1, IB_WR_RDMA_WRITE, 64, iova, rkey ^ 0x100);	/* tag */
	REFUSE(2, IB_WR_RDMA_WRITE, 64, iova, rkey ^ 0x80000000);
	REFUSE(3, IB_WR_RDMA_WRITE, 64, iova, (rkey & ~0xffU) | 100); /* index */
	REFUSE(4, IB_WR_RDMA_WRITE, 64, iova + VR_MR_LEN - 63, rkey);
	REFUSE(5, IB_WR_RDMA_WRITE, 64, iova - 1, rkey);
	REFUSE(6, IB_WR_RDMA_WRITE, 64, iova - VR_PAGE, rkey);
	REFUSE(7, IB_WR_RDMA_WRITE, 16, ~0ULL - 7, rkey);
	REFUSE(8, IB_WR_RDMA_WRITE, VR_MR_LEN + 1, iova, rkey);
	REFUSE(9, IB_WR_RDMA_WRITE, 64, r.hello.arg[3], r.hello.arg[4]);
	REFUSE(10, IB_WR_RDMA_READ, 64, r.hello.arg[5], r.hello.arg[6]);
	REFUSE(11, IB_WR_RDMA_WRITE_WITH_IMM, 64, iova, rkey ^ 0x100);
	/* The MR's key for the read-only page's address. */
	REFUSE(12, IB_WR_RDMA_WRITE, 64, r.hello.arg[3], rkey);
#undef REFUSE
	ST_EQ(READ_ONCE(err->rkey_errors) - rkey_errors, 4);
	ST_EQ(READ_ONCE(err->access_errors) - access_errors, 8);
	/* Nothing changed there; the write-only page takes a write. */
	if (vr_call(&r, VR_SUM, 0, VR_MR_LEN, 0, &rep))
		goto out;
	ST_EQ(rep.arg[0], sum);
	if (vr_call(&r, VR_CANARY_CHECK, 0, 0, 0, &rep))
		goto out;
	if (vt_post_rdma(r.vt->qp[0], IB_WR_RDMA_WRITE, 13, r.tx, 64, dma,
			 r.hello.arg[5], r.hello.arg[6], 0, 0) ||
	    vt_expect(r.vt, r.vt->scq, 13, IB_WC_SUCCESS, IB_WC_RDMA_WRITE,
		      VR_TIMEOUT))
		goto out;
	/* The QP is still in business. */
	ret = vr_echo(&r, 1000, 1);
	pr_info("selftest: verbs_remote_protection: 12 accesses refused, node %u counts %llu rkey errors and %llu access errors\n",
		r.peer, READ_ONCE(err->rkey_errors),
		READ_ONCE(err->access_errors));
out:
	vr_close(&r);
	return ret;
}

/*
 * Malformed messages that the host injects (fabric-tool inject) into the
 * responder's request ring from us: dropped and counted there, and the
 * connection keeps working.  Explicit: tests/55-verbs.sh injects.
 */
SELFTEST_EXPLICIT_ONLY(verbs_remote_malformed)
{
	u64 trunc, len, op, dropped, start;
	struct shmf_node_errors *err;
	struct shmf_qp *slot;
	struct vr r;
	int ret;

	ret = vr_open(&r, "verbs_remote_malformed");
	if (ret)
		return ret < 0 ? -1 : 0;
	ret = -1;
	if (vr_echo(&r, 100, 1))
		goto out;
	err = &shm_node(r.peer)->err;
	slot = shm_qp(SHMF_QP_INDEX(shm.self, r.peer, 0));
	trunc = READ_ONCE(err->rx_truncated);
	len = READ_ONCE(err->rx_bad_length);
	op = READ_ONCE(err->rx_bad_opcode);
	dropped = READ_ONCE(slot->req_dropped);
	pr_info("selftest: verbs_remote_malformed: ready for messages in qp %u->%u/0\n",
		shm.self, r.peer);
	start = fabric_now_ms();
	while (READ_ONCE(err->rx_truncated) == trunc ||
	       READ_ONCE(err->rx_bad_length) == len ||
	       READ_ONCE(err->rx_bad_opcode) == op) {
		if (fabric_now_ms() - start > 30000) {
			selftest_fail("node %u did not count the injected messages within 30 s",
				      r.peer);
			goto out;
		}
		msleep(10);
	}
	/* The last one is counted first, then dropped. */
	while (READ_ONCE(slot->req_dropped) - dropped < 3 &&
	       fabric_now_ms() - start < 30000)
		msleep(1);
	ST_EQ(READ_ONCE(slot->req_dropped) - dropped, 3);
	ST_ASSERT(fabric_node_alive(r.peer));
	ret = vr_echo(&r, 5000, 2) || vr_echo(&r, 10, 3);
	if (!ret)
		pr_info("selftest: verbs_remote_malformed: node %u dropped 3 messages (truncated %llu, bad length %llu, bad opcode %llu); the QP still works\n",
			r.peer, READ_ONCE(err->rx_truncated),
			READ_ONCE(err->rx_bad_length),
			READ_ONCE(err->rx_bad_opcode));
out:
	vr_close(&r);
	return ret ? -1 : 0;
}

/*
 * The responder dies (the cluster kills it) while SENDs wait for
 * receives it never posts: they fail with "retry exceeded" once the node
 * is declared dead, within the liveness bound; everything else, and
 * whatever is posted afterwards, is flushed.
 */
SELFTEST_EXPLICIT_ONLY(verbs_remote_death)
{
	u64 start, last_change, now, count, last_count;
	struct ib_qp_attr attr;
	struct shmf_node *n;
	struct ib_wc wc;
	unsigned int i, got;
	u32 dma;
	struct vr r;
	int ret;

	ret = vr_open(&r, "verbs_remote_death");
	if (ret)
		return ret < 0 ? -1 : 0;
	dma = r.vt->pd->local_dma_lkey;
	for (i = 0; i < 4; i++)
		ST_EQ(vt_post_send(r.vt->qp[1], IB_WR_SEND, 10 + i, r.tx, 100,
				   dma, 0, 0), 0);
	ST_EQ(vt_post_recv(r.vt->qp[1], 20, r.scratch, 100, dma), 0);
	ST_ASSERT(vt_quiet(r.vt, r.vt->scq, 100));
	pr_info("selftest: verbs_remote_death: 4 SENDs wait on node %u; waiting for it to die\n",
		r.peer);

	n = shm_node(r.peer);
	start = last_change = fabric_now_ms();
	last_count = __atomic_load_n(&n->hb_count, __ATOMIC_ACQUIRE);
	while (!ib_poll_cq(r.vt->scq, 1, &wc)) {
		now = fabric_now_ms();
		count = __atomic_load_n(&n->hb_count, __ATOMIC_ACQUIRE);
		if (count != last_count) {
			last_count = count;
			last_change = now;
		}
		if (now - start > 30000)
			return selftest_fail("node %u kept beating for 30 s",
					     r.peer);
		msleep(5);
	}
	now = fabric_now_ms();
	if (vt_check_wc(&wc, 10, IB_WC_RETRY_EXC_ERR, IB_WC_SEND))
		goto fail;
	pr_info("selftest: verbs_remote_death: pending SEND failed %llu ms after node %u's last heartbeat (bound %u ms)\n",
		now - last_change, r.peer, SHMF_HB_TIMEOUT_MS);
	ST_ASSERT(now - last_change + 20 >= SHMF_HB_TIMEOUT_MS);
	ST_ASSERT(now - last_change <= SHMF_HB_TIMEOUT_MS + 1000);
	for (i = 1; i < 4; i++)
		if (vt_expect(r.vt, r.vt->scq, 10 + i, IB_WC_RETRY_EXC_ERR,
			      IB_WC_SEND, 1000))
			goto fail;
	/* Receives: flushed, on both QPs. */
	for (got = 0; vt_poll(r.vt, r.vt->rcq, &wc, 200); got++)
		if (wc.status != IB_WC_WR_FLUSH_ERR)
			return selftest_fail("receive %llu: '%s'", wc.wr_id,
					     ib_wc_status_msg(wc.status));
	ST_EQ(got, VR_RX + 1);
	ST_ASSERT(r.vt->fatal[0] && r.vt->fatal[1]);
	ST_EQ(ib_query_qp(r.vt->qp[0], &attr), 0);
	ST_EQ(attr.qp_state, IB_QPS_ERR);
	/* New work requests: flushed at once. */
	ST_EQ(vt_post_send(r.vt->qp[0], IB_WR_SEND, 30, r.tx, 10, dma, 0, 0), 0);
	ST_EQ(vt_post_rdma(r.vt->qp[0], IB_WR_RDMA_READ, 31, r.tx, 10, dma,
			   r.hello.arg[0], r.hello.arg[1], 0, 0), 0);
	ST_EQ(vt_post_recv(r.vt->qp[0], 32, r.scratch, 10, dma), 0);
	if (vt_expect(r.vt, r.vt->scq, 30, IB_WC_WR_FLUSH_ERR, IB_WC_SEND,
		      1000) ||
	    vt_expect(r.vt, r.vt->scq, 31, IB_WC_WR_FLUSH_ERR, IB_WC_RDMA_READ,
		      1000) ||
	    vt_expect(r.vt, r.vt->rcq, 32, IB_WC_WR_FLUSH_ERR, IB_WC_RECV,
		      1000))
		goto fail;
	/* A new connection to a dead node is refused. */
	vr_drop_qps(r.vt);
	ST_ASSERT(vt_add_qp(r.vt, 4, 4, 0, IB_SIGNAL_ALL_WR) == 0);
	ST_EQ(vt_connect(r.vt, 0, r.peer, 0, 0), -EHOSTUNREACH);
	vr_close(&r);
	return 0;
fail:
	vr_close(&r);
	return -1;
}

/* Connected and idle for 12 s (the host measures the CPU it costs). */
SELFTEST_EXPLICIT_ONLY(verbs_remote_idle)
{
	struct vr r;
	int ret;

	ret = vr_open(&r, "verbs_remote_idle");
	if (ret)
		return ret < 0 ? -1 : 0;
	ret = vr_echo(&r, 64, 1);
	if (!ret) {
		pr_info("selftest: verbs_remote_idle: connected to node %u; idle for 12 s\n",
			r.peer);
		msleep(12000);
		ret = vr_echo(&r, 64, 2);
	}
	vr_close(&r);
	return ret;
}

/*
 * Every memory node at once (a 1P-2M cluster): one QP to each responder
 * on the same CQs; echoes to all of them in flight together, each answer
 * from the right node on the right QP; RDMA to each node's MR.
 */
SELFTEST_EXPLICIT_ONLY(verbs_remote_multi)
{
	enum { LEN = 65536 };
	u32 peers[VT_MAX_QP], n = 0, id, i, k, len, dma;
	struct vr_msg hello[VT_MAX_QP];
	u8 *buf[VT_MAX_QP][4];
	struct vt *vt = NULL;
	struct ib_wc wc;
	int ret = -1;

	if (!fabric_joined() || !shm_dev) {
		pr_info("selftest: verbs_remote_multi: no fabric, nothing to check\n");
		return 0;
	}
	for (id = 0; id < SHMF_MAX_NODES && n < VT_MAX_QP; id++)
		if (shm_node(id)->role == SHMF_ROLE_MEMORY &&
		    shm_node_confirmed(id))
			peers[n++] = id;
	if (n < 2)
		return selftest_fail("%u memory node(s); this test needs two", n);
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < n; i++)
		for (k = 0; k < 4; k++)
			if (!(buf[i][k] = vmalloc(LEN)))
				goto out;
	if (vt_open(&vt, 64))
		goto out;
	dma = vt->pd->local_dma_lkey;
	/* buf[i][0..1]: receives from node i; [2]: to send; [3]: scratch. */
	for (i = 0; i < n; i++) {
		if (vt_add_qp(vt, 16, 2, 0, IB_SIGNAL_ALL_WR) != (int)i ||
		    vt_connect(vt, i, peers[i], 0, 0)) {
			selftest_fail("cannot connect to node %u", peers[i]);
			goto out;
		}
		for (k = 0; k < 2; k++)
			if (vt_post_recv(vt->qp[i], i * 2 + k, buf[i][k], LEN, dma))
				goto out;
	}
	for (i = 0; i < n; i++)
		if (!vt_wait_est(vt, i, VR_CONNECT_MS)) {
			selftest_fail("no connection to node %u", peers[i]);
			goto out;
		}
	/* The HELLOs, in any order. */
	for (k = 0; k < n; k++) {
		if (!vt_poll(vt, vt->rcq, &wc, VR_TIMEOUT)) {
			selftest_fail("%u HELLOs of %u", k, n);
			goto out;
		}
		i = wc.wr_id / 2;
		ST_ASSERT(i < n && wc.qp == vt->qp[i] && wc.src_node == peers[i]);
		memcpy(&hello[i], buf[i][wc.wr_id % 2], sizeof(hello[i]));
		ST_EQ(hello[i].op, VR_HELLO);
		ST_EQ(vt_post_recv(vt->qp[i], wc.wr_id, buf[i][wc.wr_id % 2],
				   LEN, dma), 0);
	}
	/* An echo to every node at once, each of its own size. */
	for (i = 0; i < n; i++) {
		vt_fill(buf[i][2], LEN, 40 + i);
		ST_EQ(vt_post_send(vt->qp[i], IB_WR_SEND, 100 + i, buf[i][2],
				   10000 + 1000 * i, dma, 0, 0), 0);
	}
	for (k = 0; k < 2 * n; k++) {
		if (!vt_poll(vt, k < n ? vt->scq : vt->rcq, &wc, VR_TIMEOUT)) {
			selftest_fail("echoes: %u completions of %u", k, 2 * n);
			goto out;
		}
		if (k < n) {
			ST_ASSERT(wc.status == IB_WC_SUCCESS &&
				  wc.wr_id >= 100 && wc.wr_id < 100 + n);
			continue;
		}
		i = wc.wr_id / 2;
		len = 10000 + 1000 * i;
		ST_ASSERT(i < n && wc.qp == vt->qp[i] && wc.src_node == peers[i]);
		ST_EQ(wc.status, IB_WC_SUCCESS);
		ST_EQ(wc.byte_len, len);
		ST_EQ(wc.imm_data, vt_sum(buf[i][2], len));
		ST_EQ(vt_sum(buf[i][wc.wr_id % 2], len), vt_sum(buf[i][2], len));
	}
	/* RDMA: each node's MR gets its own pattern, read back. */
	for (i = 0; i < n; i++)
		ST_EQ(vt_post_rdma(vt->qp[i], IB_WR_RDMA_WRITE, 200 + i,
				   buf[i][2], LEN, dma, hello[i].arg[0],
				   hello[i].arg[1], 0, 0), 0);
	for (i = 0; i < n; i++)
		ST_EQ(vt_post_rdma(vt->qp[i], IB_WR_RDMA_READ, 300 + i,
				   buf[i][3], LEN, dma, hello[i].arg[0],
				   hello[i].arg[1], 0, 0), 0);
	for (k = 0; k < 2 * n; k++)
		if (!vt_poll(vt, vt->scq, &wc, VR_TIMEOUT) ||
		    wc.status != IB_WC_SUCCESS) {
			selftest_fail("RDMA: completion %u of %u missing or failed",
				      k, 2 * n);
			goto out;
		}
	for (i = 0; i < n; i++)
		ST_EQ(memcmp(buf[i][3], buf[i][2], LEN), 0);
	pr_info("selftest: verbs_remote_multi: echoes and RDMA with %u memory nodes at once\n",
		n);
	ret = 0;
out:
	vt_close(vt);
	for (i = 0; i < n; i++)
		for (k = 0; k < 4; k++)
			vfree(buf[i][k]);
	return ret;
}
