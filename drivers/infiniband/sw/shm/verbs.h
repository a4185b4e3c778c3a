/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs of the emulated HCA: private objects of the shm provider.
 * Documentation/verbs.md describes the design; the shared structures are
 * in include/tessera/shm_fabric.h.
 */
#ifndef _DRIVERS_INFINIBAND_SW_SHM_VERBS_H
#define _DRIVERS_INFINIBAND_SW_SHM_VERBS_H

#include <tessera/mutex.h>
#include <tessera/spinlock.h>
#include <tessera/wait.h>
#include <rdma/ib_verbs.h>
#include "shm.h"

#define SHM_MAX_SGE		8
#define SHM_MAX_QP_WR		4096
#define SHM_MAX_CQE		65536
#define SHM_MAX_INLINE		512
#define SHM_MAX_QP		256	/* QP objects; 64 can be connected */
#define SHM_MAX_MR		255	/* lkey index 0-254; 255: local_dma_lkey */
#define SHM_DMA_LKEY_INDEX	255
#define SHM_MAX_MSG		(1U << 20)	/* SEND/RECV message */
#define SHM_NR_CONN		(SHMF_MAX_NODES * SHMF_QPS_PER_PAIR)

/* Poller (datapath.c): spin after work, then sleep longer and longer. */
#define SHM_SPIN_NS		(2 * NSEC_PER_MSEC)
#define SHM_SPIN_BUSY_NS	(20 * NSEC_PER_MSEC)	/* responses expected */
#define SHM_POLL_MIN_MS		1
#define SHM_POLL_MAX_MS		16
/* How long ib_dereg_mr() waits for remote accessors of a window MR. */
#define SHM_DEREG_WAIT_MS	(2 * SHMF_HB_TIMEOUT_MS)

struct shm_pd {
	struct ib_pd ibpd;
	u32 handle;		/* published in MRs and QP slots */
};

struct shm_mr {
	struct ib_mr ibmr;
	u32 index;
	bool window;		/* published in the shared MR table */
};

struct shm_cq {
	struct ib_cq ibcq;
	spinlock_t lock;
	struct ib_wc *queue;
	u32 size;		/* a power of two */
	u32 head, tail;		/* free-running: producer, consumer */
	int notify;		/* armed IB_CQ_* flags, 0 if not armed */
	bool fire;		/* comp_handler is due */
	bool full_warned;
};

/* Send work queue element. */
enum shm_swqe_state {
	SWQE_QUEUED,		/* nothing done yet */
	SWQE_ACTIVE,		/* SEND partly transmitted, WRITE_IMM data written */
	SWQE_WAIT_ACK,		/* all on the ring, waiting for the response */
	SWQE_DONE,		/* status final, waiting to retire in order */
};

struct shm_swqe {
	u64 wr_id;
	enum ib_wr_opcode opcode;
	enum shm_swqe_state state;
	enum ib_wc_status status;
	int send_flags;
	u32 imm;
	u32 length;		/* bytes: sum of the sges */
	u32 sent;		/* SEND: payload bytes on the ring */
	u32 rkey;
	u64 remote_addr;
	u64 last_psn;		/* psn of the last ring message */
	u32 num_sge;
	bool inlined;		/* data copied at post time */
	struct ib_sge sge[SHM_MAX_SGE];
};

struct shm_rwqe {
	u64 wr_id;
	u32 num_sge;
	struct ib_sge sge[SHM_MAX_SGE];
};

struct shm_dev;

struct shm_qp {
	struct ib_qp ibqp;
	struct shm_dev *dev;
	struct list_head list;		/* dev->qps */
	spinlock_t lock;		/* everything below */

	enum ib_qp_state state;
	int access;			/* qp_access_flags */
	enum ib_sig_type sig_type;
	u32 max_inline;
	u32 max_send_sge;
	u32 max_recv_sge;

	/* The connection: slot (self, peer, index) and its peer slot. */
	bool bound;
	u32 peer;
	u32 index;
	u32 slot;			/* SHMF_QP_INDEX(self, peer, index) */
	u32 peer_slot;			/* SHMF_QP_INDEX(peer, self, index) */
	u32 self_gen;			/* our generation at RTR */
	u32 peer_gen;			/* the peer's generation at RTR */
	u32 epoch;			/* ours, published in the slot */
	u32 peer_epoch;			/* the peer's we follow; 0: none yet */
	bool linked;			/* both sides see each other's epoch */
	bool est_reported;
	bool fatal_reported;
	enum ib_wc_status lost_status;	/* in-flight WRs after a loss */
	unsigned long alive_checked;	/* jiffies of the last liveness check */

	/* Send queue: [tail, tx) started, [tx, head) not yet. */
	struct shm_swqe *sq;
	u32 sq_cap;			/* max_send_wr */
	u32 sq_size;			/* entries, a power of two */
	u32 sq_head, sq_tx, sq_tail;	/* free-running */
	u8 *inline_buf;			/* max_inline bytes per SQ entry */
	u64 next_psn;			/* of our next request */
	u64 acked_psn;			/* responses seen up to here (+1) */
	bool ring_full;			/* counted this stall already */

	/* Receive queue and the peer's requests. */
	struct shm_rwqe *rq;
	u32 rq_cap;			/* max_recv_wr */
	u32 rq_size;			/* entries, a power of two */
	u32 rq_head, rq_tail;		/* free-running */
	u64 expect_psn;			/* of the peer's next request */
	bool rx_in_msg;			/* a SEND's first segment placed */
	u32 rx_offset;			/* bytes of it placed so far */
	enum ib_wc_status rx_status;
	bool rx_wc_pending;		/* a receive completion waits for CQ room */
	struct ib_wc rx_wc;
	bool ack_pending;
	u64 ack_psn;
	bool nak_pending;
	u64 nak_psn;
	u64 nak_wr_id;
	u32 nak_status;
};

struct shm_dev {
	struct ib_device ibdev;

	/* QPs: the list, the connection slots; held across a poller pass. */
	struct mutex mutex;
	struct list_head qps;
	unsigned int nr_qps;
	struct shm_qp *conn[SHM_NR_CONN];	/* by peer * 4 + index */
	unsigned int nr_bound;

	spinlock_t lock;		/* MRs, window, PDs, random state */
	struct shm_mr *mrs[SHM_MAX_MR];
	u32 mr_tag[SHM_MAX_MR + 1];	/* last tag used at each index */
	u32 nr_pd;
	u32 next_pd;
	u64 rng;
	u32 local_dma_lkey;

	u8 *win_base;			/* this node's window, mapped */
	u64 win_size;
	u32 win_pages;
	u8 *win_used;			/* per page */
	u16 *win_len;			/* pages of the allocation starting here */

	struct task_struct *poller;
	wait_queue_head_t poll_wq;
	bool kicked;

	unsigned long log_window;	/* rate limit of rx error lines */
	unsigned int log_count;
};

static inline struct shm_dev *to_sdev(struct ib_device *d)
{
	return container_of(d, struct shm_dev, ibdev);
}

static inline struct shm_pd *to_spd(struct ib_pd *p)
{
	return container_of(p, struct shm_pd, ibpd);
}

static inline struct shm_mr *to_smr(struct ib_mr *m)
{
	return container_of(m, struct shm_mr, ibmr);
}

static inline struct shm_cq *to_scq(struct ib_cq *c)
{
	return container_of(c, struct shm_cq, ibcq);
}

static inline struct shm_qp *to_sqp(struct ib_qp *q)
{
	return container_of(q, struct shm_qp, ibqp);
}

static inline void *shm_at(u64 off)
{
	return (char *)shm.base + off;
}

static inline u32 shm_pow2(u32 n)
{
	u32 size = 1;

	while (size < n)
		size <<= 1;
	return size;
}

/* verbs.c */
extern struct shm_dev *shm_dev;
void shm_verbs_init(void);
u32 shm_random32(struct shm_dev *dev);
/* Find the MR of a local key covering [addr, addr + len) for this PD. */
bool shm_lkey_ok(struct shm_dev *dev, struct ib_pd *pd, u32 lkey, u64 addr,
		 u32 len, bool write);
/* Qualify a QP's connection; a lost one moves to ERR (qp->lock held). */
void shm_qp_check_link(struct shm_qp *qp);
void shm_qp_set_error(struct shm_qp *qp, enum ib_wc_status in_flight);
/* The connection broke (peer gone or protocol violated): ERR, event. */
void shm_qp_lost(struct shm_qp *qp, const char *why);
/* May another rx error line be logged?  (at most 10 per 5 s) */
bool shm_log_ok(struct shm_dev *dev);

/* datapath.c */
int shm_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		  const struct ib_send_wr **bad_wr);
int shm_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		  const struct ib_recv_wr **bad_wr);
int shm_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc);
int shm_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags);
void shm_kick(struct shm_dev *dev);
int shm_start_poller(struct shm_dev *dev);
/* Complete everything of a QP in ERR that the CQs can take (qp->lock). */
void shm_qp_flush(struct shm_qp *qp);
void shm_cq_fire(struct shm_cq *cq);

#endif /* _DRIVERS_INFINIBAND_SW_SHM_VERBS_H */
