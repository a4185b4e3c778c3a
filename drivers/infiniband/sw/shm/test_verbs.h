/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the verbs self-tests (test_verbs.c: one node, loopback;
 * test_verbs_remote.c: a processor against a memory node's responder).
 */
#ifndef _DRIVERS_INFINIBAND_SW_SHM_TEST_VERBS_H
#define _DRIVERS_INFINIBAND_SW_SHM_TEST_VERBS_H

#include <tessera/wait.h>
#include <rdma/ib_verbs.h>

#define VT_MAX_QP	4

/* One consumer: a PD, a send and a receive CQ, a few QPs. */
struct vt {
	struct ib_device *dev;
	struct ib_pd *pd;
	struct ib_cq *scq;
	struct ib_cq *rcq;
	struct ib_qp *qp[VT_MAX_QP];
	unsigned int nr_qp;
	wait_queue_head_t wq;
	unsigned int events;		/* completions notified, QP events */
	unsigned int rcq_events;	/* completions notified on rcq */
	bool est[VT_MAX_QP];
	bool fatal[VT_MAX_QP];
};

/*
 * A new consumer in *vtp: device, PD, CQs of cqe entries; 0 or -errno
 * (the failure recorded).  Destroys what a failed test left behind.
 */
int vt_open(struct vt **vtp, int cqe);
/* A QP on the CQs; its index in vt->qp, or -errno. */
int vt_add_qp(struct vt *vt, u32 send_wr, u32 recv_wr, u32 max_inline,
	      enum ib_sig_type sig);
/* RESET -> INIT -> RTR -> RTS to (peer, index); 0 or -errno. */
int vt_connect(struct vt *vt, int i, u32 peer, u32 index, int access);
/* Wait for the QP's COMM_EST event; false on timeout. */
bool vt_wait_est(struct vt *vt, int i, unsigned int timeout_ms);
/* Destroy everything (QPs first) and free vt; NULL is a no-op. */
void vt_close(struct vt *vt);

/* One completion from cq within timeout_ms (sleeping); 1, or 0. */
int vt_poll(struct vt *vt, struct ib_cq *cq, struct ib_wc *wc,
	    unsigned int timeout_ms);
/* Nothing on cq for ms milliseconds? */
bool vt_quiet(struct vt *vt, struct ib_cq *cq, unsigned int ms);

int vt_post_recv(struct ib_qp *qp, u64 wr_id, void *buf, u32 len, u32 lkey);
int vt_post_send(struct ib_qp *qp, enum ib_wr_opcode op, u64 wr_id,
		 void *buf, u32 len, u32 lkey, int flags, u32 imm);
int vt_post_rdma(struct ib_qp *qp, enum ib_wr_opcode op, u64 wr_id,
		 void *buf, u32 len, u32 lkey, u64 remote_addr, u32 rkey,
		 int flags, u32 imm);

/*
 * Check a completion; on a mismatch, record why (selftest_fail) and
 * return -1.  opcode < 0: do not check it.
 */
int vt_check_wc(const struct ib_wc *wc, u64 wr_id, enum ib_wc_status status,
		int opcode);
/* Poll one from cq and check it the same way (-1 also on timeout). */
int vt_expect(struct vt *vt, struct ib_cq *cq, u64 wr_id,
	      enum ib_wc_status status, int opcode, unsigned int timeout_ms);

/* A reproducible pattern and a checksum (FNV-1a). */
void vt_fill(void *buf, size_t len, u32 seed);
u32 vt_sum(const void *buf, size_t len);

#endif /* _DRIVERS_INFINIBAND_SW_SHM_TEST_VERBS_H */
