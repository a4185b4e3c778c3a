// SPDX-License-Identifier: GPL-2.0
/*
 * The verbs consumers call: argument checks that do not depend on the
 * provider, reference counts between objects, and the names of statuses
 * and states.  Semantics: Documentation/verbs.md.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <rdma/ib_verbs.h>

const char *ib_wc_status_msg(enum ib_wc_status status)
{
	static const char *const names[] = {
		[IB_WC_SUCCESS] = "success",
		[IB_WC_LOC_LEN_ERR] = "local length error",
		[IB_WC_LOC_QP_OP_ERR] = "local QP operation error",
		[IB_WC_LOC_PROT_ERR] = "local protection error",
		[IB_WC_WR_FLUSH_ERR] = "WR flushed",
		[IB_WC_BAD_RESP_ERR] = "bad response error",
		[IB_WC_LOC_ACCESS_ERR] = "local access error",
		[IB_WC_REM_INV_REQ_ERR] = "remote invalid request error",
		[IB_WC_REM_ACCESS_ERR] = "remote access error",
		[IB_WC_REM_OP_ERR] = "remote operation error",
		[IB_WC_RETRY_EXC_ERR] = "transport retry counter exceeded",
		[IB_WC_RNR_RETRY_EXC_ERR] = "RNR retry counter exceeded",
		[IB_WC_GENERAL_ERR] = "general error",
	};

	if ((unsigned int)status < ARRAY_SIZE(names) && names[status])
		return names[status];
	return "unrecognized status";
}

const char *ib_event_msg(enum ib_event_type event)
{
	switch (event) {
	case IB_EVENT_COMM_EST:
		return "communication established";
	case IB_EVENT_QP_FATAL:
		return "QP fatal error";
	}
	return "unrecognized event";
}

const char *ib_qp_state_name(enum ib_qp_state state)
{
	switch (state) {
	case IB_QPS_RESET:
		return "RESET";
	case IB_QPS_INIT:
		return "INIT";
	case IB_QPS_RTR:
		return "RTR";
	case IB_QPS_RTS:
		return "RTS";
	case IB_QPS_ERR:
		return "ERR";
	}
	return "invalid";
}

/* ------------------------------------------------------------ misc --- */

u32 ib_conn_qpn(struct ib_device *dev, u32 node, u32 peer, u32 index)
{
	if (node >= dev->attrs.max_nodes || peer >= dev->attrs.max_nodes ||
	    index >= dev->attrs.max_conn_per_peer)
		return 0;
	return dev->ops->conn_qpn(dev, node, peer, index);
}

void *ib_alloc_remote_buf(struct ib_device *dev, size_t size)
{
	if (!size)
		return NULL;
	return dev->ops->alloc_remote_buf(dev, size);
}

void ib_free_remote_buf(struct ib_device *dev, void *buf)
{
	if (buf)
		dev->ops->free_remote_buf(dev, buf);
}

/* -------------------------------------------------------------- PD --- */

struct ib_pd *ib_alloc_pd(struct ib_device *dev)
{
	struct ib_pd *pd = dev->ops->alloc_pd(dev);

	if (IS_ERR(pd))
		return pd;
	pd->device = dev;
	refcount_set(&pd->usecnt, 1);
	return pd;
}

void ib_dealloc_pd(struct ib_pd *pd)
{
	/* Every MR and QP of the PD must be gone. */
	if (WARN_ON(refcount_read(&pd->usecnt) != 1))
		return;
	pd->device->ops->dealloc_pd(pd);
}

/* -------------------------------------------------------------- MR --- */

struct ib_mr *ib_reg_mr(struct ib_pd *pd, void *addr, u64 length, int access)
{
	struct ib_device *dev = pd->device;
	struct ib_mr *mr;

	if (!addr || !length || length > dev->attrs.max_mr_size ||
	    (u64)addr + length < (u64)addr)
		return ERR_PTR(-EINVAL);
	if (access & ~(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE))
		return ERR_PTR(-EINVAL);
	/* As in IB: a remote writer implies a local writer. */
	if ((access & IB_ACCESS_REMOTE_WRITE) &&
	    !(access & IB_ACCESS_LOCAL_WRITE))
		return ERR_PTR(-EINVAL);
	mr = dev->ops->reg_mr(pd, addr, length, access);
	if (IS_ERR(mr))
		return mr;
	mr->device = dev;
	mr->pd = pd;
	mr->addr = addr;
	mr->length = length;
	mr->access = access;
	refcount_inc(&pd->usecnt);
	return mr;
}

int ib_dereg_mr(struct ib_mr *mr)
{
	struct ib_pd *pd = mr->pd;
	int ret;

	ret = mr->device->ops->dereg_mr(mr);
	if (!ret)
		refcount_dec_and_test(&pd->usecnt);
	return ret;
}

/* -------------------------------------------------------------- CQ --- */

struct ib_cq *ib_create_cq(struct ib_device *dev, int cqe,
			   ib_comp_handler comp_handler, void *cq_context)
{
	struct ib_cq *cq;

	if (cqe < 1 || (u32)cqe > dev->attrs.max_cqe)
		return ERR_PTR(-EINVAL);
	cq = dev->ops->create_cq(dev, cqe);
	if (IS_ERR(cq))
		return cq;
	cq->device = dev;
	cq->comp_handler = comp_handler;
	cq->cq_context = cq_context;
	refcount_set(&cq->usecnt, 1);
	return cq;
}

int ib_destroy_cq(struct ib_cq *cq)
{
	if (refcount_read(&cq->usecnt) != 1)
		return -EBUSY;
	return cq->device->ops->destroy_cq(cq);
}

int ib_poll_cq(struct ib_cq *cq, int num_entries, struct ib_wc *wc)
{
	if (num_entries <= 0)
		return 0;
	return cq->device->ops->poll_cq(cq, num_entries, wc);
}

int ib_req_notify_cq(struct ib_cq *cq, enum ib_cq_notify_flags flags)
{
	if (!(flags & IB_CQ_SOLICITED_MASK))
		return -EINVAL;
	return cq->device->ops->req_notify_cq(cq, flags);
}

/* -------------------------------------------------------------- QP --- */

struct ib_qp *ib_create_qp(struct ib_pd *pd, struct ib_qp_init_attr *attr)
{
	struct ib_device *dev = pd->device;
	struct ib_qp_cap *cap = &attr->cap;
	struct ib_qp *qp;

	if (attr->qp_type != IB_QPT_RC || !attr->send_cq || !attr->recv_cq ||
	    attr->send_cq->device != dev || attr->recv_cq->device != dev)
		return ERR_PTR(-EINVAL);
	if (attr->sq_sig_type != IB_SIGNAL_ALL_WR &&
	    attr->sq_sig_type != IB_SIGNAL_REQ_WR)
		return ERR_PTR(-EINVAL);
	if (!cap->max_send_wr || !cap->max_recv_wr ||
	    cap->max_send_wr > dev->attrs.max_qp_wr ||
	    cap->max_recv_wr > dev->attrs.max_qp_wr ||
	    cap->max_send_sge > dev->attrs.max_sge ||
	    cap->max_recv_sge > dev->attrs.max_sge ||
	    cap->max_inline_data > dev->attrs.max_inline_data)
		return ERR_PTR(-EINVAL);
	qp = dev->ops->create_qp(pd, attr);
	if (IS_ERR(qp))
		return qp;
	qp->device = dev;
	qp->pd = pd;
	qp->send_cq = attr->send_cq;
	qp->recv_cq = attr->recv_cq;
	qp->event_handler = attr->event_handler;
	qp->qp_context = attr->qp_context;
	qp->qp_type = attr->qp_type;
	refcount_inc(&pd->usecnt);
	refcount_inc(&attr->send_cq->usecnt);
	refcount_inc(&attr->recv_cq->usecnt);
	return qp;
}

bool ib_modify_qp_is_ok(enum ib_qp_state cur, enum ib_qp_state next,
			int attr_mask)
{
	int allowed = IB_QP_STATE, required = 0;

	if (next == IB_QPS_RESET || next == IB_QPS_ERR)
		return !(attr_mask & ~IB_QP_STATE);
	switch (cur) {
	case IB_QPS_RESET:
		if (next != IB_QPS_INIT)
			return false;
		allowed |= IB_QP_ACCESS_FLAGS | IB_QP_PORT;
		break;
	case IB_QPS_INIT:
		if (next == IB_QPS_INIT) {
			allowed |= IB_QP_ACCESS_FLAGS | IB_QP_PORT;
		} else if (next == IB_QPS_RTR) {
			required = IB_QP_DEST_NODE | IB_QP_DEST_QPN;
			allowed |= required | IB_QP_ACCESS_FLAGS;
		} else {
			return false;
		}
		break;
	case IB_QPS_RTR:
	case IB_QPS_RTS:
		if (next != IB_QPS_RTS)
			return false;
		allowed |= IB_QP_ACCESS_FLAGS | IB_QP_TIMEOUT |
			   IB_QP_RETRY_CNT | IB_QP_RNR_RETRY;
		break;
	default:
		return false;
	}
	return (attr_mask & required) == required && !(attr_mask & ~allowed);
}

int ib_modify_qp(struct ib_qp *qp, struct ib_qp_attr *attr, int attr_mask)
{
	if ((attr_mask & IB_QP_ACCESS_FLAGS) &&
	    (attr->qp_access_flags & ~(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE)))
		return -EINVAL;
	if ((attr_mask & IB_QP_PORT) && attr->port_num != 1)
		return -EINVAL;
	if ((attr_mask & IB_QP_DEST_NODE) &&
	    attr->dest_node >= qp->device->attrs.max_nodes)
		return -EINVAL;
	return qp->device->ops->modify_qp(qp, attr, attr_mask);
}

int ib_query_qp(struct ib_qp *qp, struct ib_qp_attr *attr)
{
	return qp->device->ops->query_qp(qp, attr);
}

int ib_destroy_qp(struct ib_qp *qp)
{
	struct ib_pd *pd = qp->pd;
	struct ib_cq *scq = qp->send_cq, *rcq = qp->recv_cq;
	int ret;

	ret = qp->device->ops->destroy_qp(qp);
	if (ret)
		return ret;
	refcount_dec_and_test(&pd->usecnt);
	refcount_dec_and_test(&scq->usecnt);
	refcount_dec_and_test(&rcq->usecnt);
	return 0;
}

int ib_post_send(struct ib_qp *qp, const struct ib_send_wr *wr,
		 const struct ib_send_wr **bad_wr)
{
	const struct ib_send_wr *dummy;

	return qp->device->ops->post_send(qp, wr, bad_wr ? bad_wr : &dummy);
}

int ib_post_recv(struct ib_qp *qp, const struct ib_recv_wr *wr,
		 const struct ib_recv_wr **bad_wr)
{
	const struct ib_recv_wr *dummy;

	return qp->device->ops->post_recv(qp, wr, bad_wr ? bad_wr : &dummy);
}
