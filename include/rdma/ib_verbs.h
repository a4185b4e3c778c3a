/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs: a small RDMA API in the spirit of Linux's ib_core.
 *
 * A provider (drivers/infiniband/sw/shm, later hw/mlx4) registers a struct
 * ib_device; a consumer (FIT, tests) gets it with ib_get_device() and uses
 * protection domains, memory regions, completion queues and reliable
 * connected queue pairs.  Documentation/verbs.md describes the semantics,
 * the limits and what the shm provider does underneath.
 *
 * Differences from Linux worth knowing:
 *  - Nodes, not LIDs/GIDs: a QP is connected with the remote node id
 *    (IB_QP_DEST_NODE) and the remote QP number (IB_QP_DEST_QPN), both
 *    known without any exchange: ib_conn_qpn() gives the QP number a node
 *    uses for connection index i to a peer.
 *  - Local scatter/gather addresses are kernel virtual addresses.  Remote
 *    addresses are in the target node's "remote address space": an MR's
 *    iova is the remote address of its first byte.
 *  - Memory that peers may access must come from ib_alloc_remote_buf()
 *    (for the shm provider, this node's window of the shared region).
 *  - imm_data is in host byte order.
 *  - A remote access or length error completes the work request with an
 *    error but leaves the QP in RTS; only a lost peer (death, reset,
 *    reconnection) moves it to the error state.
 */
#ifndef _RDMA_IB_VERBS_H
#define _RDMA_IB_VERBS_H

#include <tessera/types.h>
#include <tessera/list.h>
#include <tessera/refcount.h>
#include <tessera/spinlock.h>

struct ib_device;
struct ib_pd;
struct ib_mr;
struct ib_cq;
struct ib_qp;

/* ----------------------------------------------------------- device --- */

struct ib_device_attr {
	u32 max_qp;			/* QPs the device can create */
	u32 max_qp_wr;			/* send or receive queue depth */
	u32 max_sge;			/* scatter/gather entries per WR */
	u32 max_inline_data;		/* IB_SEND_INLINE bytes */
	u32 max_cq;
	u32 max_cqe;
	u32 max_mr;			/* local and remote MRs */
	u32 max_remote_mr;		/* MRs with remote access */
	u64 max_mr_size;
	u32 max_msg_sz;			/* SEND/RECV message */
	u32 max_rdma_sz;		/* one RDMA WRITE/READ */
	u32 max_pd;
	u32 max_conn_per_peer;		/* connection indices per node pair */
	u32 max_nodes;
};

/* Asynchronous events (struct ib_qp_init_attr.event_handler). */
enum ib_event_type {
	IB_EVENT_COMM_EST,	/* the peer QP is connected: traffic flows */
	IB_EVENT_QP_FATAL,	/* the provider moved the QP to the error state */
};

struct ib_event {
	struct ib_device *device;
	union {
		struct ib_qp *qp;
	} element;
	enum ib_event_type event;
};

const char *ib_event_msg(enum ib_event_type event);

/* ------------------------------------------------------ completions --- */

enum ib_wc_status {
	IB_WC_SUCCESS,
	IB_WC_LOC_LEN_ERR,	/* receive buffer too small */
	IB_WC_LOC_QP_OP_ERR,
	IB_WC_LOC_PROT_ERR,	/* bad lkey, range, PD or local access */
	IB_WC_WR_FLUSH_ERR,	/* flushed: the QP is in the error state */
	IB_WC_BAD_RESP_ERR,
	IB_WC_LOC_ACCESS_ERR,
	IB_WC_REM_INV_REQ_ERR,	/* the responder found the request invalid */
	IB_WC_REM_ACCESS_ERR,	/* bad rkey, range, PD or remote permission */
	IB_WC_REM_OP_ERR,	/* the responder could not complete it */
	IB_WC_RETRY_EXC_ERR,	/* the peer died or went away mid-request */
	IB_WC_RNR_RETRY_EXC_ERR,
	IB_WC_GENERAL_ERR,
};

const char *ib_wc_status_msg(enum ib_wc_status status);

enum ib_wc_opcode {
	IB_WC_SEND,
	IB_WC_RDMA_WRITE,
	IB_WC_RDMA_READ,
	IB_WC_RECV = 1 << 7,
	IB_WC_RECV_RDMA_WITH_IMM,
};

enum ib_wc_flags {
	IB_WC_WITH_IMM = 1 << 1,
};

struct ib_wc {
	u64 wr_id;
	enum ib_wc_status status;
	enum ib_wc_opcode opcode;
	u32 byte_len;		/* received bytes; bytes moved by the WR */
	u32 imm_data;		/* with IB_WC_WITH_IMM, host order */
	int wc_flags;
	struct ib_qp *qp;
	u32 src_qp;		/* receives: the sender's QP number */
	u32 src_node;		/* receives: the sender's node id */
};

enum ib_cq_notify_flags {
	IB_CQ_SOLICITED = 1 << 0,
	IB_CQ_NEXT_COMP = 1 << 1,
	IB_CQ_SOLICITED_MASK = IB_CQ_SOLICITED | IB_CQ_NEXT_COMP,
	IB_CQ_REPORT_MISSED_EVENTS = 1 << 2,
};

typedef void (*ib_comp_handler)(struct ib_cq *cq, void *cq_context);

/* ---------------------------------------------------------- memory --- */

enum ib_access_flags {
	IB_ACCESS_LOCAL_WRITE = 1 << 0,
	IB_ACCESS_REMOTE_WRITE = 1 << 1,
	IB_ACCESS_REMOTE_READ = 1 << 2,
};

#define IB_ACCESS_REMOTE	(IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ)

/* ------------------------------------------------------ queue pairs --- */

enum ib_qp_type {
	IB_QPT_RC,
};

enum ib_sig_type {
	IB_SIGNAL_ALL_WR,
	IB_SIGNAL_REQ_WR,
};

enum ib_qp_state {
	IB_QPS_RESET,
	IB_QPS_INIT,
	IB_QPS_RTR,
	IB_QPS_RTS,
	IB_QPS_ERR,
};

const char *ib_qp_state_name(enum ib_qp_state state);

enum ib_qp_attr_mask {
	IB_QP_STATE = 1 << 0,
	IB_QP_ACCESS_FLAGS = 1 << 1,
	IB_QP_PORT = 1 << 2,
	IB_QP_DEST_NODE = 1 << 3,	/* Linux: IB_QP_AV */
	IB_QP_DEST_QPN = 1 << 4,
	IB_QP_TIMEOUT = 1 << 5,		/* accepted, ignored */
	IB_QP_RETRY_CNT = 1 << 6,	/* accepted, ignored */
	IB_QP_RNR_RETRY = 1 << 7,	/* accepted, ignored */
};

struct ib_qp_cap {
	u32 max_send_wr;
	u32 max_recv_wr;
	u32 max_send_sge;
	u32 max_recv_sge;
	u32 max_inline_data;
};

struct ib_qp_init_attr {
	void (*event_handler)(struct ib_event *event, void *context);
	void *qp_context;
	struct ib_cq *send_cq;
	struct ib_cq *recv_cq;
	struct ib_qp_cap cap;
	enum ib_sig_type sq_sig_type;
	enum ib_qp_type qp_type;
};

struct ib_qp_attr {
	enum ib_qp_state qp_state;
	enum ib_qp_state cur_qp_state;	/* ib_query_qp() */
	int qp_access_flags;		/* remote access the QP accepts */
	u8 port_num;
	u32 dest_node;
	u32 dest_qp_num;
	u8 timeout;
	u8 retry_cnt;
	u8 rnr_retry;
	struct ib_qp_cap cap;		/* ib_query_qp() */
};

/* --------------------------------------------------- work requests --- */

struct ib_sge {
	u64 addr;		/* kernel virtual address */
	u32 length;
	u32 lkey;
};

enum ib_wr_opcode {
	IB_WR_RDMA_WRITE,
	IB_WR_RDMA_WRITE_WITH_IMM,
	IB_WR_SEND,
	IB_WR_SEND_WITH_IMM,
	IB_WR_RDMA_READ,
};

enum ib_send_flags {
	IB_SEND_FENCE = 1 << 0,		/* accepted: WRs execute in order */
	IB_SEND_SIGNALED = 1 << 1,
	IB_SEND_SOLICITED = 1 << 2,
	IB_SEND_INLINE = 1 << 3,
};

struct ib_send_wr {
	struct ib_send_wr *next;
	u64 wr_id;
	struct ib_sge *sg_list;
	int num_sge;
	enum ib_wr_opcode opcode;
	int send_flags;
	u32 imm_data;		/* host order */
};

struct ib_rdma_wr {
	struct ib_send_wr wr;
	u64 remote_addr;	/* in the target's remote address space */
	u32 rkey;
};

static inline const struct ib_rdma_wr *rdma_wr(const struct ib_send_wr *wr)
{
	return container_of(wr, struct ib_rdma_wr, wr);
}

struct ib_recv_wr {
	struct ib_recv_wr *next;
	u64 wr_id;
	struct ib_sge *sg_list;
	int num_sge;
};

/* --------------------------------------------------------- objects --- */

struct ib_pd {
	struct ib_device *device;
	u32 local_dma_lkey;	/* any kernel memory, local access only */
	refcount_t usecnt;	/* MRs and QPs */
};

struct ib_mr {
	struct ib_device *device;
	struct ib_pd *pd;
	u32 lkey;
	u32 rkey;		/* 0 unless registered with remote access */
	u64 iova;		/* remote address of the first byte */
	u64 length;
	void *addr;		/* local kernel address of the first byte */
	int access;
};

struct ib_cq {
	struct ib_device *device;
	ib_comp_handler comp_handler;
	void *cq_context;
	int cqe;
	refcount_t usecnt;	/* QPs */
};

struct ib_qp {
	struct ib_device *device;
	struct ib_pd *pd;
	struct ib_cq *send_cq;
	struct ib_cq *recv_cq;
	void (*event_handler)(struct ib_event *event, void *context);
	void *qp_context;
	u32 qp_num;		/* 0 until RTR binds the connection */
	enum ib_qp_type qp_type;
};

/* ------------------------------------------------------- providers --- */

/*
 * What a provider implements.  The core checks the arguments that do not
 * depend on the provider, keeps the reference counts and fills in the
 * common fields of the objects the provider returns.
 */
struct ib_device_ops {
	struct ib_pd *(*alloc_pd)(struct ib_device *dev);
	void (*dealloc_pd)(struct ib_pd *pd);
	struct ib_mr *(*reg_mr)(struct ib_pd *pd, void *addr, u64 length,
				int access);
	int (*dereg_mr)(struct ib_mr *mr);
	struct ib_cq *(*create_cq)(struct ib_device *dev, int cqe);
	int (*destroy_cq)(struct ib_cq *cq);
	int (*poll_cq)(struct ib_cq *cq, int num_entries, struct ib_wc *wc);
	int (*req_notify_cq)(struct ib_cq *cq, enum ib_cq_notify_flags flags);
	struct ib_qp *(*create_qp)(struct ib_pd *pd,
				   struct ib_qp_init_attr *attr);
	int (*modify_qp)(struct ib_qp *qp, struct ib_qp_attr *attr,
			 int attr_mask);
	int (*query_qp)(struct ib_qp *qp, struct ib_qp_attr *attr);
	int (*destroy_qp)(struct ib_qp *qp);
	int (*post_send)(struct ib_qp *qp, const struct ib_send_wr *wr,
			 const struct ib_send_wr **bad_wr);
	int (*post_recv)(struct ib_qp *qp, const struct ib_recv_wr *wr,
			 const struct ib_recv_wr **bad_wr);
	void *(*alloc_remote_buf)(struct ib_device *dev, size_t size);
	void (*free_remote_buf)(struct ib_device *dev, void *buf);
	u32 (*conn_qpn)(struct ib_device *dev, u32 node, u32 peer, u32 index);
};

struct ib_device {
	char name[16];
	const struct ib_device_ops *ops;
	struct ib_device_attr attrs;
	u32 node_id;		/* this node's id in the fabric */
	struct list_head list;
	refcount_t refcount;
};

int ib_register_device(struct ib_device *dev);
void ib_unregister_device(struct ib_device *dev);

/*
 * May a QP in state cur move to next with these attributes?  Providers
 * call it under their QP lock, where the state cannot change.
 */
bool ib_modify_qp_is_ok(enum ib_qp_state cur, enum ib_qp_state next,
			int attr_mask);

/* -------------------------------------------------------- consumers --- */

/* A registered device by name, or the first one for NULL; NULL if none. */
struct ib_device *ib_get_device(const char *name);
void ib_put_device(struct ib_device *dev);

/*
 * The QP number node uses for its connection number index (below
 * attrs.max_conn_per_peer) to peer: what a QP on peer passes as
 * IB_QP_DEST_QPN to connect to it, and its own qp_num once in RTR.
 */
u32 ib_conn_qpn(struct ib_device *dev, u32 node, u32 peer, u32 index);

/* Memory peers may access; page granular; NULL when none is left. */
void *ib_alloc_remote_buf(struct ib_device *dev, size_t size);
void ib_free_remote_buf(struct ib_device *dev, void *buf);

/* Objects: ERR_PTR(-errno) on failure. */
struct ib_pd *ib_alloc_pd(struct ib_device *dev);
void ib_dealloc_pd(struct ib_pd *pd);

struct ib_mr *ib_reg_mr(struct ib_pd *pd, void *addr, u64 length,
			int access);
int ib_dereg_mr(struct ib_mr *mr);

struct ib_cq *ib_create_cq(struct ib_device *dev, int cqe,
			   ib_comp_handler comp_handler, void *cq_context);
int ib_destroy_cq(struct ib_cq *cq);
/* Up to num_entries completions into wc[]; returns how many. */
int ib_poll_cq(struct ib_cq *cq, int num_entries, struct ib_wc *wc);
/*
 * Arm the CQ: comp_handler runs once at the next completion (any, or a
 * solicited receive or error with IB_CQ_SOLICITED).  With
 * IB_CQ_REPORT_MISSED_EVENTS, returns 1 if completions are already
 * waiting (poll again before sleeping), else 0.
 */
int ib_req_notify_cq(struct ib_cq *cq, enum ib_cq_notify_flags flags);

struct ib_qp *ib_create_qp(struct ib_pd *pd, struct ib_qp_init_attr *attr);
int ib_modify_qp(struct ib_qp *qp, struct ib_qp_attr *attr, int attr_mask);
int ib_query_qp(struct ib_qp *qp, struct ib_qp_attr *attr);
int ib_destroy_qp(struct ib_qp *qp);

/* Never sleep; 0, or -errno with *bad_wr at the first WR not posted. */
int ib_post_send(struct ib_qp *qp, const struct ib_send_wr *wr,
		 const struct ib_send_wr **bad_wr);
int ib_post_recv(struct ib_qp *qp, const struct ib_recv_wr *wr,
		 const struct ib_recv_wr **bad_wr);

#endif /* _RDMA_IB_VERBS_H */
