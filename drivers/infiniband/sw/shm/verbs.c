// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated HCA's verbs, control path: the device, protection domains,
 * memory regions (and the window they live in), completion queues and
 * queue pairs with their connection through the QP slots of the shared
 * region.  The data path is datapath.c; Documentation/verbs.md has the
 * design.
 */
#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/processor.h>
#include "verbs.h"

BUILD_BUG_ON(IB_ACCESS_LOCAL_WRITE != SHMF_ACCESS_LOCAL_WRITE);
BUILD_BUG_ON(IB_ACCESS_REMOTE_WRITE != SHMF_ACCESS_REMOTE_WRITE);
BUILD_BUG_ON(IB_ACCESS_REMOTE_READ != SHMF_ACCESS_REMOTE_READ);
BUILD_BUG_ON(SHM_MAX_MR > 255);

struct shm_dev *shm_dev;

/* ----------------------------------------------------------- random --- */

static bool shm_rdrand(u64 *v)
{
	unsigned char ok;

	if (!(boot_cpu_data.features_ecx & (1U << 30)))
		return false;
	asm volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}

/*
 * Key tags: splitmix64 over a state seeded from the TSC, the region and
 * the node's identity, stirred with the TSC (and RDRAND when the CPU has
 * it) at every draw.  Not cryptographic: unguessable enough that a stale
 * or forged key is refused, which is all an rkey is for.
 */
u32 shm_random32(struct shm_dev *dev)
{
	u64 z, hw = 0;

	shm_rdrand(&hw);
	dev->rng += 0x9e3779b97f4a7c15ULL ^ rdtsc() ^ hw;
	z = dev->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (u32)(z ^ (z >> 31));
}

/* A fresh non-zero 24-bit tag for key index, unlike its previous one. */
static u32 shm_new_key(struct shm_dev *dev, u32 index)
{
	u32 tag;

	do {
		tag = shm_random32(dev) & 0xffffff;
	} while (!tag || tag == dev->mr_tag[index]);
	dev->mr_tag[index] = tag;
	return SHMF_RKEY(tag, index);
}

/* ----------------------------------------------------------- window --- */

static void *shm_alloc_remote_buf(struct ib_device *ibdev, size_t size)
{
	struct shm_dev *dev = to_sdev(ibdev);
	u32 n = DIV_ROUND_UP(size, PAGE_SIZE), start, i, run = 0;
	void *buf = NULL;

	if (!n || size > dev->win_size)
		return NULL;
	spin_lock(&dev->lock);
	for (i = 0; i < dev->win_pages; i++) {
		run = dev->win_used[i] ? 0 : run + 1;
		if (run < n)
			continue;
		start = i + 1 - n;
		memset(dev->win_used + start, 1, n);
		dev->win_len[start] = n;
		buf = dev->win_base + (u64)start * PAGE_SIZE;
		break;
	}
	spin_unlock(&dev->lock);
	if (buf)
		memset(buf, 0, (size_t)n * PAGE_SIZE);
	return buf;
}

static void shm_free_remote_buf(struct ib_device *ibdev, void *buf)
{
	struct shm_dev *dev = to_sdev(ibdev);
	u64 off = (u8 *)buf - dev->win_base;
	u32 start = off / PAGE_SIZE;

	if (WARN_ON((u8 *)buf < dev->win_base || off >= dev->win_size ||
		    off % PAGE_SIZE))
		return;
	spin_lock(&dev->lock);
	if (!WARN_ON(!dev->win_len[start])) {
		memset(dev->win_used + start, 0, dev->win_len[start]);
		dev->win_len[start] = 0;
	}
	spin_unlock(&dev->lock);
}

static bool shm_in_window(struct shm_dev *dev, void *addr, u64 length)
{
	u8 *p = addr;

	return p >= dev->win_base && length <= dev->win_size &&
	       (u64)(p - dev->win_base) <= dev->win_size - length;
}

/* --------------------------------------------------------------- PD --- */

#define SHM_MAX_PD	1024
#define SHM_MAX_CQ	1024

static struct ib_pd *shm_alloc_pd(struct ib_device *ibdev)
{
	struct shm_dev *dev = to_sdev(ibdev);
	struct shm_pd *pd;

	pd = kzalloc(sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return ERR_PTR(-ENOMEM);
	spin_lock(&dev->lock);
	if (dev->nr_pd >= SHM_MAX_PD) {
		spin_unlock(&dev->lock);
		kfree(pd);
		return ERR_PTR(-ENOSPC);
	}
	dev->nr_pd++;
	pd->handle = ++dev->next_pd ? dev->next_pd : ++dev->next_pd;
	spin_unlock(&dev->lock);
	pd->ibpd.local_dma_lkey = dev->local_dma_lkey;
	return &pd->ibpd;
}

static void shm_dealloc_pd(struct ib_pd *ibpd)
{
	struct shm_dev *dev = to_sdev(ibpd->device);

	spin_lock(&dev->lock);
	dev->nr_pd--;
	spin_unlock(&dev->lock);
	kfree(to_spd(ibpd));
}

/* --------------------------------------------------------------- MR --- */

static struct ib_mr *shm_reg_mr(struct ib_pd *ibpd, void *addr, u64 length,
				int access)
{
	struct shm_dev *dev = to_sdev(ibpd->device);
	bool remote = access & IB_ACCESS_REMOTE;
	u32 first = remote ? 0 : SHMF_MRS_PER_NODE;
	u32 last = remote ? SHMF_MRS_PER_NODE : SHM_MAX_MR;
	struct shmf_mr *e;
	struct shm_mr *mr;
	u32 i, key;

	/* Peers can only reach this node's window of the region. */
	if (remote && !shm_in_window(dev, addr, length))
		return ERR_PTR(-EINVAL);
	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr)
		return ERR_PTR(-ENOMEM);
	mr->ibmr.addr = addr;
	mr->ibmr.length = length;
	mr->ibmr.access = access;
	mr->ibmr.pd = ibpd;
	mr->window = remote;

	spin_lock(&dev->lock);
	for (i = first; i < last && dev->mrs[i]; i++)
		;
	if (i == last) {
		spin_unlock(&dev->lock);
		kfree(mr);
		return ERR_PTR(-ENOSPC);
	}
	key = shm_new_key(dev, i);
	mr->index = i;
	mr->ibmr.lkey = key;
	dev->mrs[i] = mr;
	spin_unlock(&dev->lock);

	if (!remote)
		return &mr->ibmr;
	mr->ibmr.rkey = key;
	mr->ibmr.iova = (u8 *)addr - dev->win_base;
	e = shm_mr(shm.self, i);
	e->access = access;
	e->offset = mr->ibmr.iova;
	e->length = length;
	e->pd = to_spd(ibpd)->handle;
	/* The key last: a reader that sees it sees the rest. */
	__atomic_store_n(&e->rkey, key, __ATOMIC_RELEASE);
	return &mr->ibmr;
}

/*
 * Take a window MR away from the peers: clear the key, then wait until
 * no node is inside an access that saw the old key (each accessor counts
 * itself in busy[] before it checks the key).  A dead node's count is
 * never going to drain and does not matter any more.
 */
static void shm_unpublish_mr(u32 index)
{
	struct shmf_mr *e = shm_mr(shm.self, index);
	u64 start = fabric_now_ms();
	u32 id;

	__atomic_store_n(&e->rkey, 0, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (id = 0; id < SHMF_MAX_NODES; id++) {
		while (__atomic_load_n(&e->busy[id], __ATOMIC_ACQUIRE)) {
			if (id != shm.self && !fabric_node_alive(id))
				break;
			if (fabric_now_ms() - start > SHM_DEREG_WAIT_MS) {
				pr_warn("verbs: MR %u: node %u still accessing it after %u ms; deregistering anyway\n",
					index, id, SHM_DEREG_WAIT_MS);
				break;
			}
			msleep(1);
		}
	}
}

static int shm_dereg_mr(struct ib_mr *ibmr)
{
	struct shm_dev *dev = to_sdev(ibmr->device);
	struct shm_mr *mr = to_smr(ibmr);

	spin_lock(&dev->lock);
	dev->mrs[mr->index] = NULL;
	spin_unlock(&dev->lock);
	if (mr->window)
		shm_unpublish_mr(mr->index);
	kfree(mr);
	return 0;
}

bool shm_lkey_ok(struct shm_dev *dev, struct ib_pd *pd, u32 lkey, u64 addr,
		 u32 len, bool write)
{
	struct shm_mr *mr;
	u32 index = lkey & 0xff;
	bool ok;

	if (addr + len < addr)
		return false;
	if (lkey == dev->local_dma_lkey)
		return addr || !len;
	if (index >= SHM_MAX_MR)
		return false;
	spin_lock(&dev->lock);
	mr = dev->mrs[index];
	ok = mr && mr->ibmr.lkey == lkey && mr->ibmr.pd == pd &&
	     (!write || (mr->ibmr.access & IB_ACCESS_LOCAL_WRITE)) &&
	     addr >= (u64)mr->ibmr.addr && len <= mr->ibmr.length &&
	     addr - (u64)mr->ibmr.addr <= mr->ibmr.length - len;
	spin_unlock(&dev->lock);
	return ok;
}

/* --------------------------------------------------------------- CQ --- */

static struct ib_cq *shm_create_cq(struct ib_device *ibdev, int cqe)
{
	u32 size = shm_pow2(cqe);
	struct shm_cq *cq;

	cq = kzalloc(sizeof(*cq), GFP_KERNEL);
	if (!cq)
		return ERR_PTR(-ENOMEM);
	cq->queue = kcalloc(size, sizeof(*cq->queue), GFP_KERNEL);
	if (!cq->queue) {
		kfree(cq);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&cq->lock);
	cq->size = size;
	cq->ibcq.cqe = size;
	return &cq->ibcq;
}

static int shm_destroy_cq(struct ib_cq *ibcq)
{
	struct shm_dev *dev = to_sdev(ibcq->device);
	struct shm_cq *cq = to_scq(ibcq);

	/* The poller may be about to call its handler. */
	mutex_lock(&dev->mutex);
	mutex_unlock(&dev->mutex);
	kfree(cq->queue);
	kfree(cq);
	return 0;
}

/* --------------------------------------------------------------- QP --- */

static struct ib_qp *shm_create_qp(struct ib_pd *ibpd,
				   struct ib_qp_init_attr *attr)
{
	struct shm_dev *dev = to_sdev(ibpd->device);
	struct shm_qp *qp;

	qp = kzalloc(sizeof(*qp), GFP_KERNEL);
	if (!qp)
		return ERR_PTR(-ENOMEM);
	qp->dev = dev;
	spin_lock_init(&qp->lock);
	qp->state = IB_QPS_RESET;
	qp->sig_type = attr->sq_sig_type;
	qp->max_inline = attr->cap.max_inline_data;
	qp->max_send_sge = attr->cap.max_send_sge;
	qp->max_recv_sge = attr->cap.max_recv_sge;
	qp->sq_cap = attr->cap.max_send_wr;
	qp->rq_cap = attr->cap.max_recv_wr;
	qp->sq_size = shm_pow2(qp->sq_cap);
	qp->rq_size = shm_pow2(qp->rq_cap);
	qp->sq = kcalloc(qp->sq_size, sizeof(*qp->sq), GFP_KERNEL);
	qp->rq = kcalloc(qp->rq_size, sizeof(*qp->rq), GFP_KERNEL);
	if (qp->max_inline)
		qp->inline_buf = kmalloc((size_t)qp->max_inline * qp->sq_size,
					 GFP_KERNEL);
	if (!qp->sq || !qp->rq || (qp->max_inline && !qp->inline_buf))
		goto nomem;

	mutex_lock(&dev->mutex);
	if (dev->nr_qps >= SHM_MAX_QP) {
		mutex_unlock(&dev->mutex);
		kfree(qp->inline_buf);
		kfree(qp->rq);
		kfree(qp->sq);
		kfree(qp);
		return ERR_PTR(-ENOSPC);
	}
	dev->nr_qps++;
	list_add_tail(&qp->list, &dev->qps);
	mutex_unlock(&dev->mutex);
	return &qp->ibqp;

nomem:
	kfree(qp->inline_buf);
	kfree(qp->rq);
	kfree(qp->sq);
	kfree(qp);
	return ERR_PTR(-ENOMEM);
}

static u32 shm_conn(u32 peer, u32 index)
{
	return peer * SHMF_QPS_PER_PAIR + index;
}

/*
 * INIT -> RTR: take slot (self, peer, q), where q follows from the peer's
 * QP number, for a new connection: reset the indices this node owns on
 * both slots of the pair, bump the epoch, publish.  dev->mutex and
 * qp->lock held.
 */
static int shm_qp_bind(struct shm_qp *qp, u32 peer, u32 dest_qpn)
{
	struct shm_dev *dev = qp->dev;
	struct shmf_qp *ms, *ps;
	u32 self = shm.self, q, epoch;
	u64 w;

	if (dest_qpn < SHMF_QPN(0, 0, 0))
		return -EINVAL;
	q = (dest_qpn - SHMF_QPN(0, 0, 0)) % SHMF_QPS_PER_PAIR;
	if (dest_qpn != SHMF_QPN(peer, self, q))
		return -EINVAL;
	w = shm_load_word(peer);
	if (SHMF_WORD_STATE(w) != SHMF_NODE_UP)
		return -EHOSTUNREACH;
	if (dev->conn[shm_conn(peer, q)])
		return -EBUSY;

	qp->peer = peer;
	qp->index = q;
	qp->slot = SHMF_QP_INDEX(self, peer, q);
	qp->peer_slot = SHMF_QP_INDEX(peer, self, q);
	qp->self_gen = shm.gen;
	qp->peer_gen = SHMF_WORD_GEN(w);
	ms = shm_qp(qp->slot);
	ps = shm_qp(qp->peer_slot);

	/* Not a connection while the indices change. */
	__atomic_store_n(&ms->state, SHMF_QP_RESET, __ATOMIC_SEQ_CST);
	WRITE_ONCE(ms->req_head, 0);
	WRITE_ONCE(ms->rsp_tail, 0);
	WRITE_ONCE(ms->req_msgs, 0);
	WRITE_ONCE(ps->req_tail, 0);
	WRITE_ONCE(ps->rsp_head, 0);
	WRITE_ONCE(ps->req_dropped, 0);
	epoch = READ_ONCE(ms->epoch) + 1;
	if (!epoch)
		epoch = 1;
	qp->epoch = epoch;
	qp->peer_epoch = 0;
	qp->linked = false;
	qp->est_reported = false;
	qp->fatal_reported = false;
	qp->next_psn = 0;
	qp->acked_psn = 0;
	qp->expect_psn = 0;
	qp->rx_in_msg = false;
	qp->ack_pending = false;
	qp->nak_pending = false;
	qp->ring_full = false;
	qp->alive_checked = jiffies;
	WRITE_ONCE(ms->flags, qp->access & IB_ACCESS_REMOTE);
	WRITE_ONCE(ms->pd, to_spd(qp->ibqp.pd)->handle);
	WRITE_ONCE(ms->src_gen, qp->self_gen);
	WRITE_ONCE(ms->dst_gen, qp->peer_gen);
	WRITE_ONCE(ms->peer_epoch, 0);
	WRITE_ONCE(ms->epoch, epoch);
	__atomic_store_n(&ms->state, SHMF_QP_RTR, __ATOMIC_RELEASE);

	qp->bound = true;
	qp->ibqp.qp_num = SHMF_QPN(self, peer, q);
	dev->conn[shm_conn(peer, q)] = qp;
	dev->nr_bound++;
	return 0;
}

/* Give the slot back (dev->mutex and qp->lock held). */
static void shm_qp_unbind(struct shm_qp *qp)
{
	struct shm_dev *dev = qp->dev;
	struct shmf_qp *ms;

	if (!qp->bound)
		return;
	ms = shm_qp(qp->slot);
	__atomic_store_n(&ms->state, SHMF_QP_RESET, __ATOMIC_RELEASE);
	WRITE_ONCE(ms->peer_epoch, 0);
	dev->conn[shm_conn(qp->peer, qp->index)] = NULL;
	dev->nr_bound--;
	qp->bound = false;
	qp->linked = false;
}

/* To RESET: forget every work request, without completions. */
static void shm_qp_reset(struct shm_qp *qp)
{
	shm_qp_unbind(qp);
	qp->state = IB_QPS_RESET;
	qp->sq_head = qp->sq_tx = qp->sq_tail = 0;
	qp->rq_head = qp->rq_tail = 0;
	qp->rx_in_msg = false;
	qp->rx_wc_pending = false;
	qp->ibqp.qp_num = 0;
}

void shm_qp_set_error(struct shm_qp *qp, enum ib_wc_status in_flight)
{
	if (qp->state == IB_QPS_ERR)
		return;
	qp->state = IB_QPS_ERR;
	qp->lost_status = in_flight;
	qp->linked = false;
	if (qp->bound)
		__atomic_store_n(&shm_qp(qp->slot)->state, SHMF_QP_ERROR,
				 __ATOMIC_RELEASE);
	shm_qp_flush(qp);
}

void shm_qp_lost(struct shm_qp *qp, const char *why)
{
	pr_warn("verbs: QP %#x to node %u lost: %s\n", qp->ibqp.qp_num,
		qp->peer, why);
	qp->fatal_reported = false;
	shm_qp_set_error(qp, IB_WC_RETRY_EXC_ERR);
}

/*
 * Follow the peer slot: link when both sides have published an epoch for
 * each other's current incarnation, lose the connection when the peer
 * dies, reboots, resets or reconnects.  qp->lock held.
 */
void shm_qp_check_link(struct shm_qp *qp)
{
	struct shmf_qp *ms, *ps;
	u32 st, pe;
	u64 w;

	if (!qp->bound || (qp->state != IB_QPS_RTR && qp->state != IB_QPS_RTS))
		return;
	ms = shm_qp(qp->slot);
	ps = shm_qp(qp->peer_slot);
	w = shm_load_word(qp->peer);
	if (SHMF_WORD_GEN(w) != qp->peer_gen ||
	    (SHMF_WORD_STATE(w) != SHMF_NODE_UP && qp->peer != shm.self)) {
		shm_qp_lost(qp, SHMF_WORD_STATE(w) == SHMF_NODE_DEAD ?
			    "the node is dead" : "the node restarted");
		return;
	}
	if (shm.gen != qp->self_gen) {
		shm_qp_lost(qp, "this node rejoined as a new generation");
		return;
	}
	if (jiffies != qp->alive_checked) {
		qp->alive_checked = jiffies;
		if (!fabric_node_alive(qp->peer)) {
			shm_qp_lost(qp, "the node is dead");
			return;
		}
	}

	st = __atomic_load_n(&ps->state, __ATOMIC_ACQUIRE);
	if (qp->linked) {
		if ((st != SHMF_QP_RTR && st != SHMF_QP_RTS) ||
		    READ_ONCE(ps->epoch) != qp->peer_epoch ||
		    READ_ONCE(ps->peer_epoch) != qp->epoch ||
		    READ_ONCE(ps->src_gen) != qp->peer_gen ||
		    READ_ONCE(ps->dst_gen) != qp->self_gen)
			shm_qp_lost(qp, st == SHMF_QP_ERROR ?
				    "the peer QP is in the error state" :
				    "the peer QP was reset");
		return;
	}
	if ((st != SHMF_QP_RTR && st != SHMF_QP_RTS) ||
	    READ_ONCE(ps->src_gen) != qp->peer_gen ||
	    READ_ONCE(ps->dst_gen) != qp->self_gen)
		return;
	pe = READ_ONCE(ps->epoch);
	if (pe && pe != qp->peer_epoch) {
		qp->peer_epoch = pe;
		__atomic_store_n(&ms->peer_epoch, pe, __ATOMIC_RELEASE);
	}
	/* Linked once the peer follows our epoch too: it reset its indices. */
	if (qp->peer_epoch &&
	    __atomic_load_n(&ps->peer_epoch, __ATOMIC_ACQUIRE) == qp->epoch &&
	    READ_ONCE(ps->epoch) == qp->peer_epoch)
		qp->linked = true;
}

static int shm_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
			 int mask)
{
	struct shm_qp *qp = to_sqp(ibqp);
	struct shm_dev *dev = qp->dev;
	enum ib_qp_state cur, next;
	int ret = 0;

	mutex_lock(&dev->mutex);
	spin_lock(&qp->lock);
	cur = qp->state;
	next = (mask & IB_QP_STATE) ? attr->qp_state : cur;
	if (!ib_modify_qp_is_ok(cur, next, mask)) {
		ret = -EINVAL;
		goto out;
	}
	if (next == IB_QPS_RTR) {
		ret = shm_qp_bind(qp, attr->dest_node, attr->dest_qp_num);
		if (ret)
			goto out;
	}
	if (mask & IB_QP_ACCESS_FLAGS) {
		qp->access = attr->qp_access_flags;
		if (qp->bound)
			WRITE_ONCE(shm_qp(qp->slot)->flags,
				   qp->access & IB_ACCESS_REMOTE);
	}
	switch (next) {
	case IB_QPS_RESET:
		shm_qp_reset(qp);
		break;
	case IB_QPS_ERR:
		qp->fatal_reported = true;	/* asked for: no event */
		shm_qp_set_error(qp, IB_WC_WR_FLUSH_ERR);
		break;
	case IB_QPS_RTS:
		qp->state = IB_QPS_RTS;
		__atomic_store_n(&shm_qp(qp->slot)->state, SHMF_QP_RTS,
				 __ATOMIC_RELEASE);
		break;
	default:
		qp->state = next;
		break;
	}
out:
	spin_unlock(&qp->lock);
	mutex_unlock(&dev->mutex);
	if (!ret)
		shm_kick(dev);
	return ret;
}

static int shm_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr)
{
	struct shm_qp *qp = to_sqp(ibqp);

	memset(attr, 0, sizeof(*attr));
	spin_lock(&qp->lock);
	attr->qp_state = qp->state;
	attr->cur_qp_state = qp->state;
	attr->qp_access_flags = qp->access;
	attr->port_num = 1;
	if (qp->bound) {
		attr->dest_node = qp->peer;
		attr->dest_qp_num = SHMF_QPN(qp->peer, shm.self, qp->index);
	}
	attr->cap.max_send_wr = qp->sq_cap;
	attr->cap.max_recv_wr = qp->rq_cap;
	attr->cap.max_send_sge = qp->max_send_sge;
	attr->cap.max_recv_sge = qp->max_recv_sge;
	attr->cap.max_inline_data = qp->max_inline;
	spin_unlock(&qp->lock);
	return 0;
}

static int shm_destroy_qp(struct ib_qp *ibqp)
{
	struct shm_qp *qp = to_sqp(ibqp);
	struct shm_dev *dev = qp->dev;

	mutex_lock(&dev->mutex);
	spin_lock(&qp->lock);
	shm_qp_reset(qp);
	spin_unlock(&qp->lock);
	list_del(&qp->list);
	dev->nr_qps--;
	mutex_unlock(&dev->mutex);
	kfree(qp->inline_buf);
	kfree(qp->rq);
	kfree(qp->sq);
	kfree(qp);
	return 0;
}

bool shm_log_ok(struct shm_dev *dev)
{
	if (time_after(jiffies, dev->log_window + 5 * HZ)) {
		dev->log_window = jiffies;
		dev->log_count = 0;
	}
	return dev->log_count++ < 10;
}

static u32 shm_conn_qpn(struct ib_device *ibdev, u32 node, u32 peer, u32 index)
{
	return SHMF_QPN(node, peer, index);
}

/* ----------------------------------------------------------- device --- */

static const struct ib_device_ops shm_ops = {
	.alloc_pd = shm_alloc_pd,
	.dealloc_pd = shm_dealloc_pd,
	.reg_mr = shm_reg_mr,
	.dereg_mr = shm_dereg_mr,
	.create_cq = shm_create_cq,
	.destroy_cq = shm_destroy_cq,
	.poll_cq = shm_poll_cq,
	.req_notify_cq = shm_req_notify_cq,
	.create_qp = shm_create_qp,
	.modify_qp = shm_modify_qp,
	.query_qp = shm_query_qp,
	.destroy_qp = shm_destroy_qp,
	.post_send = shm_post_send,
	.post_recv = shm_post_recv,
	.alloc_remote_buf = shm_alloc_remote_buf,
	.free_remote_buf = shm_free_remote_buf,
	.conn_qpn = shm_conn_qpn,
};

/*
 * A former incarnation of this node may have died inside a remote
 * access (its busy counts stay up) or left its QP slots connected: start
 * clean.  Peers notice the new generation and drop their connections.
 */
static void shm_verbs_reset_region(void)
{
	u32 node, i, q;

	for (node = 0; node < SHMF_MAX_NODES; node++) {
		for (i = 0; i < SHMF_MRS_PER_NODE; i++)
			__atomic_store_n(&shm_mr(node, i)->busy[shm.self], 0,
					 __ATOMIC_RELEASE);
		for (q = 0; q < SHMF_QPS_PER_PAIR; q++) {
			struct shmf_qp *s = shm_qp(SHMF_QP_INDEX(shm.self, node, q));

			__atomic_store_n(&s->state, SHMF_QP_RESET,
					 __ATOMIC_RELEASE);
			WRITE_ONCE(s->peer_epoch, 0);
		}
	}
}

void shm_verbs_init(void)
{
	struct shm_dev *dev;
	struct ib_device_attr *a;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		goto fail;
	mutex_init(&dev->mutex);
	INIT_LIST_HEAD(&dev->qps);
	spin_lock_init(&dev->lock);
	init_waitqueue_head(&dev->poll_wq);
	dev->rng = rdtsc() ^ shm.bar_start ^ shm.hdr->format_stamp ^
		   ((u64)shm.self << 48) ^ ((u64)shm.gen << 32) ^ local_clock();
	dev->local_dma_lkey = shm_new_key(dev, SHM_DMA_LKEY_INDEX);

	dev->win_base = shm_at(shmf_win_off(&shm.geo, shm.self));
	dev->win_size = shm.geo.win_size;
	dev->win_pages = dev->win_size / PAGE_SIZE;
	dev->win_used = kzalloc(dev->win_pages, GFP_KERNEL);
	dev->win_len = kcalloc(dev->win_pages, sizeof(u16), GFP_KERNEL);
	if (!dev->win_used || !dev->win_len)
		goto fail;

	strscpy(dev->ibdev.name, "shm0", sizeof(dev->ibdev.name));
	dev->ibdev.ops = &shm_ops;
	dev->ibdev.node_id = shm.self;
	a = &dev->ibdev.attrs;
	a->max_qp = SHM_MAX_QP;
	a->max_qp_wr = SHM_MAX_QP_WR;
	a->max_sge = SHM_MAX_SGE;
	a->max_inline_data = SHM_MAX_INLINE;
	a->max_cq = SHM_MAX_CQ;
	a->max_cqe = SHM_MAX_CQE;
	a->max_mr = SHM_MAX_MR;
	a->max_remote_mr = SHMF_MRS_PER_NODE;
	a->max_mr_size = 1ULL << 40;
	a->max_msg_sz = SHM_MAX_MSG;
	a->max_rdma_sz = dev->win_size;
	a->max_pd = SHM_MAX_PD;
	a->max_conn_per_peer = SHMF_QPS_PER_PAIR;
	a->max_nodes = SHMF_MAX_NODES;

	shm_verbs_reset_region();
	ret = shm_start_poller(dev);
	if (ret)
		goto fail;
	shm_dev = dev;
	ret = ib_register_device(&dev->ibdev);
	if (ret)
		pr_err("verbs: cannot register shm0 (%d)\n", ret);
	return;
fail:
	pr_err("verbs: cannot set up the shm provider; no verbs on this node\n");
	if (dev) {
		kfree(dev->win_len);
		kfree(dev->win_used);
		kfree(dev);
	}
}
