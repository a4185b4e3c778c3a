/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layout of the shared region of the emulated HCA (an ivshmem BAR that every
 * VM of a cluster maps, or the host file behind it).
 *
 * This header is shared verbatim by the kernel (drivers/infiniband/sw/shm)
 * and the host tool (scripts/fabric-tool.c): fixed-width types only, no
 * kernel includes beyond the shim below, no pointers in the region (every
 * reference is a byte offset from the start of the region).
 *
 * Documentation/fabric-shm-layout.md describes every field, the states and
 * the protocols (formatting, slot claiming, heartbeats, ring framing).
 * Changing anything here that moves a field or changes its meaning means
 * bumping SHMF_VERSION.
 */
#ifndef _TESSERA_SHM_FABRIC_H
#define _TESSERA_SHM_FABRIC_H

#ifdef __KERNEL__
#include <tessera/types.h>
#else
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;
#endif

#define SHMF_MAGIC		0x0042414653534554ULL	/* "TESSFAB\0" */
#define SHMF_VERSION		1

/* Region size: a power of two (it is a PCI BAR) in this range. */
#define SHMF_MIN_SIZE		(8ULL << 20)
#define SHMF_MAX_SIZE		(1ULL << 30)
#define SHMF_DEFAULT_SIZE	(64ULL << 20)

#define SHMF_CACHELINE		64
#define SHMF_MAX_NODES		16
#define SHMF_QPS_PER_PAIR	4
#define SHMF_NR_QPS		(SHMF_MAX_NODES * SHMF_MAX_NODES * SHMF_QPS_PER_PAIR)
#define SHMF_MRS_PER_NODE	64
#define SHMF_ELEM_SIZE		64	/* ring element: one cache line */
#define SHMF_MIN_RING_ELEMS	16

/* The control area: fixed offsets, independent of the region size. */
#define SHMF_HDR_OFF		0x000000ULL	/* struct shmf_header, 4 KiB */
#define SHMF_DIR_OFF		0x001000ULL	/* 16 x struct shmf_node */
#define SHMF_MR_OFF		0x010000ULL	/* 16 x 64 x struct shmf_mr */
#define SHMF_QP_OFF		0x020000ULL	/* 1024 x struct shmf_qp */
#define SHMF_CTRL_SIZE		0x100000ULL	/* rings start here */

/* Region states (struct shmf_header.state): the formatting CAS word. */
#define SHMF_REGION_UNINIT	0	/* all zeroes: a fresh file */
#define SHMF_REGION_INITIALISING 1	/* one formatter owns it */
#define SHMF_REGION_READY	2

/* Who formatted the region (struct shmf_header.formatted_by): a node id, */
#define SHMF_FORMATTER_HOST	0xffff	/* or the host (fabric-tool format), */
#define SHMF_FORMATTER_NODE	0xfffe	/* or a node before it had an id */

/* Node slot states: low 32 bits of struct shmf_node.word. */
#define SHMF_NODE_FREE		0
#define SHMF_NODE_CLAIMED	1	/* taken, identity being written */
#define SHMF_NODE_UP		2
#define SHMF_NODE_DEAD		3	/* declared dead by an observer */

/* Roles (struct shmf_node.role). */
#define SHMF_ROLE_NONE		0
#define SHMF_ROLE_PROCESSOR	1
#define SHMF_ROLE_MEMORY	2
#define SHMF_ROLE_STORAGE	3
#define SHMF_NR_ROLES		4

/* Heartbeat and liveness (Documentation/fabric-shm-layout.md, section 6). */
#define SHMF_HB_PERIOD_MS	50	/* a live node beats at least this often */
#define SHMF_HB_TIMEOUT_MS	3000	/* no progress for this long: dead */

/*
 * The header: the first 4 KiB page.  Line 0 keeps the same offsets in every
 * layout version, so any version can tell "not mine" from "not formatted".
 */
struct shmf_header {
	/* line 0: identity */
	u64 magic;		/* SHMF_MAGIC once READY */
	u32 version;		/* SHMF_VERSION */
	u32 state;		/* SHMF_REGION_* (CAS) */
	u64 size;		/* bytes in the region */
	u64 format_stamp;	/* changes with every format */
	u32 formatted_by;	/* node id or SHMF_FORMATTER_HOST */
	u32 hdr_size;		/* sizeof(struct shmf_header) */
	u8 pad0[24];

	/* line 1: geometry, derived from size by shmf_geometry() */
	u32 max_nodes;		/* SHMF_MAX_NODES */
	u32 qps_per_pair;	/* SHMF_QPS_PER_PAIR */
	u32 mrs_per_node;	/* SHMF_MRS_PER_NODE */
	u32 elem_size;		/* SHMF_ELEM_SIZE */
	u32 ring_elems;		/* elements per ring, a power of two */
	u32 node_size;		/* sizeof(struct shmf_node) */
	u32 qp_size;		/* sizeof(struct shmf_qp) */
	u32 mr_size;		/* sizeof(struct shmf_mr) */
	u64 dir_off;		/* SHMF_DIR_OFF */
	u64 mr_off;		/* SHMF_MR_OFF */
	u64 qp_off;		/* SHMF_QP_OFF */
	u64 ring_off;		/* SHMF_CTRL_SIZE */

	/* line 2: geometry, continued */
	u64 ring_bytes;		/* ring_elems * elem_size */
	u64 win_off;		/* first per-node memory window */
	u64 win_size;		/* bytes per window */
	u8 pad2[40];

	/* line 3: fabric-wide counters (atomic adds by any node) */
	u64 claim_conflicts;	/* node=N refused: slot held by a live node */
	u64 nodes_declared_dead;
	u64 format_waits;	/* nodes that found the region initialising */
	u8 pad3[40];

	u8 reserved[4096 - 4 * SHMF_CACHELINE];
};

/*
 * One node slot of the directory (256 bytes, four cache lines: identity,
 * heartbeat, error counters, failure record).
 */
struct shmf_node_errors {
	u64 rx_truncated;	/* header shorter than struct shmf_msg */
	u64 rx_bad_length;	/* length/nr_elems inconsistent or too big */
	u64 rx_bad_opcode;	/* unknown opcode */
	u64 rkey_errors;	/* remote access with an invalid rkey */
	u64 access_errors;	/* valid rkey, outside the MR or not permitted */
	u64 ring_full;		/* sends that found the peer's ring full */
	u64 rpc_timeouts;	/* FIT calls from this node that timed out */
	u64 peers_declared_dead;
};

struct shmf_node {
	/* line 0: identity, written by the owner while CLAIMED */
	u64 word;		/* state | generation << 32: the CAS word */
	u32 node_id;		/* equals the slot index */
	u32 role;		/* SHMF_ROLE_* */
	u64 ram_bytes;		/* usable RAM of the node */
	u32 nr_cpus;
	u32 hb_period_ms;	/* the owner beats at least this often */
	char build[32];		/* kernel version and commit, NUL-terminated */

	/* line 1: heartbeat and dependencies, written by the owner only */
	u64 hb_count;		/* +1 per beat */
	u64 hb_time_ns;		/* owner's monotonic clock at the last beat */
	u64 depends_on;		/* bit i: this node relies on node i ... */
	u16 depends_gen[SHMF_MAX_NODES];	/* ... generation (low 16 bits) */
	u8 pad1[8];

	/* line 2: error counters, atomic adds (mostly by the owner) */
	struct shmf_node_errors err;

	/* line 3: failure record, written by the observer that declared death */
	u32 dead_by;		/* observer's node id */
	u32 dead_gen;		/* generation that was declared dead */
	u64 dead_hb_count;	/* last heartbeat the observer saw */
	u8 pad3[48];
};

#define SHMF_WORD(state, gen)	((u64)(state) | ((u64)(gen) << 32))
#define SHMF_WORD_STATE(w)	((u32)(w))
#define SHMF_WORD_GEN(w)	((u32)((w) >> 32))

/*
 * A memory region descriptor.  Each node owns SHMF_MRS_PER_NODE of them;
 * an MR describes a byte range of the owner's window.  Remote access needs
 * the exact rkey, a permitting access mask and a range inside the MR.
 */
#define SHMF_ACCESS_LOCAL_WRITE		0x1
#define SHMF_ACCESS_REMOTE_WRITE	0x2
#define SHMF_ACCESS_REMOTE_READ		0x4

#define SHMF_RKEY(tag, index)	(((u32)(tag) << 8) | ((u32)(index) & 0xff))
#define SHMF_RKEY_INDEX(key)	((key) & 0xff)
#define SHMF_RKEY_TAG(key)	((key) >> 8)

struct shmf_mr {
	u32 rkey;		/* 0: slot unused; written last / cleared first */
	u32 access;		/* SHMF_ACCESS_* */
	u64 offset;		/* start, bytes from the owner's window base */
	u64 length;		/* bytes */
	u32 pd;			/* owner's protection domain handle */
	u32 pad;
	/*
	 * Accesses in progress, one byte per accessing node (atomic adds by
	 * that node): the owner clears rkey, then waits for them to drain.
	 */
	u8 busy[SHMF_MAX_NODES];
	u8 reserved[16];
};

/* A ring descriptor: static, written when the region is formatted. */
struct shmf_ring {
	u64 offset;		/* from the start of the region */
	u32 elem_size;		/* SHMF_ELEM_SIZE */
	u32 nr_elems;		/* a power of two */
};

/* QP states (struct shmf_qp.state), as in the verbs QP state machine. */
#define SHMF_QP_RESET		0
#define SHMF_QP_INIT		1
#define SHMF_QP_RTR		2
#define SHMF_QP_RTS		3
#define SHMF_QP_ERROR		4

/*
 * QP slot (src, dst, q): node src's queue pair number q connected to node
 * dst.  Its peer is slot (dst, src, q).  Two rings: requests that src
 * sends and dst consumes, and the responses (ACK/NAK/read data) dst
 * returns for them.  Indices are free-running u32 element counts; the
 * position is index & (nr_elems - 1); head - tail is the occupancy.
 * Lines 2 and 3 separate what src writes from what dst writes.
 */
struct shmf_qp {
	/* line 0: connection, written by src */
	u32 state;		/* SHMF_QP_* */
	u32 qpn;		/* SHMF_QPN(src, dst, q) */
	u32 src;
	u32 dst;
	u32 index;		/* q */
	u32 flags;		/* SHMF_ACCESS_REMOTE_*: what src's QP accepts */
	u32 src_gen;		/* src's generation when it moved to RTR */
	u32 dst_gen;		/* dst's generation it connected to (RTR) */
	u32 epoch;		/* src's connection number, +1 at every RTR */
	u32 peer_epoch;		/* the peer slot's epoch src connected to */
	u32 pd;			/* src's protection domain handle */
	u8 pad0[20];

	/* line 1: static ring descriptors */
	struct shmf_ring req;	/* src -> dst: dst consumes */
	struct shmf_ring rsp;	/* dst -> src: src consumes */
	u8 pad1[32];

	/* line 2: written by src */
	u32 req_head;		/* producer index of req */
	u32 rsp_tail;		/* consumer index of rsp */
	u64 req_msgs;		/* messages src posted */
	u8 pad2[48];

	/* line 3: written by dst */
	u32 req_tail;		/* consumer index of req */
	u32 rsp_head;		/* producer index of rsp */
	u64 req_dropped;	/* malformed requests dst dropped */
	u8 pad3[48];
};

#define SHMF_QP_INDEX(src, dst, q) \
	(((u32)(src) * SHMF_MAX_NODES + (u32)(dst)) * SHMF_QPS_PER_PAIR + (u32)(q))
/* QP numbers are derived, never negotiated: 0x100 + slot index. */
#define SHMF_QPN(src, dst, q)	(0x100 + SHMF_QP_INDEX(src, dst, q))

/*
 * Ring message framing.  A message starts on an element boundary with this
 * 64-byte header and occupies nr_elems consecutive elements; it never wraps
 * (a PAD message fills the tail of the ring instead).  Inline payload
 * follows the header.
 */
#define SHMF_MSG_MAGIC		0x4d46	/* "FM" */

/* Requests (req ring) */
#define SHMF_OP_SEND		0x01
#define SHMF_OP_SEND_IMM	0x02
#define SHMF_OP_WRITE		0x03
#define SHMF_OP_WRITE_IMM	0x04
#define SHMF_OP_READ		0x05
/* Responses (rsp ring) */
#define SHMF_OP_ACK		0x10
#define SHMF_OP_NAK		0x11
#define SHMF_OP_READ_RSP	0x12
/* Either ring: filler up to the end of the ring, to be skipped */
#define SHMF_OP_PAD		0x7f

/* Message flags */
#define SHMF_MSG_INLINE		0x01	/* payload follows the header */
#define SHMF_MSG_SIGNALED	0x02	/* requester wants a completion */
#define SHMF_MSG_SOLICITED	0x04
#define SHMF_MSG_MORE		0x08	/* SEND: more segments follow */

/* NAK status (struct shmf_msg.status) */
#define SHMF_ST_OK		0
#define SHMF_ST_REM_ACCESS	1	/* bad rkey, range or permission */
#define SHMF_ST_REM_INVALID	2	/* malformed request */
#define SHMF_ST_REM_OP		3	/* responder could not do it */
#define SHMF_ST_RNR		4	/* no receive buffer posted */

struct shmf_msg {
	/* frame word: always present, even in a truncated header */
	u16 magic;		/* SHMF_MSG_MAGIC */
	u8 opcode;		/* SHMF_OP_* */
	u8 flags;		/* SHMF_MSG_* */
	u16 hdr_len;		/* sizeof(struct shmf_msg); less: truncated */
	u16 nr_elems;		/* elements occupied, header included */

	u32 length;		/* payload bytes (inline) or bytes to move */
	u32 imm;		/* immediate data (*_IMM) */
	u64 psn;		/* per-QP sequence number, from 0 */
	u64 wr_id;		/* requester's id, echoed in responses */
	u32 rkey;		/* WRITE/READ: key of the target MR */
	u32 status;		/* responses: SHMF_ST_* */
	u64 remote_addr;	/* WRITE/READ: byte offset in target window */
	u64 local_addr;		/* not inline: byte offset in requester window */
	u32 src_node;		/* sender's node id (must match the QP) */
	u32 src_gen;		/* sender's generation */
};

#define SHMF_MSG_HDR_SIZE	((u32)sizeof(struct shmf_msg))

/*
 * Compile-time checks, in both the kernel and the host tool.
 */
_Static_assert(sizeof(struct shmf_header) == 4096, "shmf_header");
_Static_assert(sizeof(struct shmf_node) == 256, "shmf_node");
_Static_assert(sizeof(struct shmf_node_errors) == 64, "shmf_node_errors");
_Static_assert(sizeof(struct shmf_mr) == 64, "shmf_mr");
_Static_assert(sizeof(struct shmf_qp) == 256, "shmf_qp");
_Static_assert(sizeof(struct shmf_msg) == SHMF_ELEM_SIZE, "shmf_msg");
_Static_assert(__builtin_offsetof(struct shmf_header, state) == 12, "state");
_Static_assert(__builtin_offsetof(struct shmf_header, max_nodes) == 64, "line1");
_Static_assert(__builtin_offsetof(struct shmf_header, ring_bytes) == 128, "line2");
_Static_assert(__builtin_offsetof(struct shmf_header, claim_conflicts) == 192, "line3");
_Static_assert(__builtin_offsetof(struct shmf_node, hb_count) == 64, "hb line");
_Static_assert(__builtin_offsetof(struct shmf_node, err) == 128, "err line");
_Static_assert(__builtin_offsetof(struct shmf_node, dead_by) == 192, "dead line");
_Static_assert(__builtin_offsetof(struct shmf_mr, busy) == 32, "mr busy");
_Static_assert(__builtin_offsetof(struct shmf_qp, epoch) == 32, "qp epoch");
_Static_assert(__builtin_offsetof(struct shmf_qp, req) == 64, "ring line");
_Static_assert(__builtin_offsetof(struct shmf_qp, req_head) == 128, "src line");
_Static_assert(__builtin_offsetof(struct shmf_qp, req_tail) == 192, "dst line");
_Static_assert(SHMF_DIR_OFF + SHMF_MAX_NODES * 256 <= SHMF_MR_OFF, "dir");
_Static_assert(SHMF_MR_OFF + SHMF_MAX_NODES * SHMF_MRS_PER_NODE * 64 <=
	       SHMF_QP_OFF, "mr");
_Static_assert(SHMF_QP_OFF + SHMF_NR_QPS * 256ULL <= SHMF_CTRL_SIZE, "qp");

/*
 * Geometry: everything that depends on the region size.
 *   ring_bytes = size / 8192   (all 2 x 1024 rings take a quarter)
 *   win_off    = SHMF_CTRL_SIZE + 2 * SHMF_NR_QPS * ring_bytes
 *   win_size   = (size - win_off) / SHMF_MAX_NODES, rounded down to 4 KiB
 */
struct shmf_geometry {
	u64 size;
	u32 ring_elems;
	u64 ring_bytes;
	u64 win_off;
	u64 win_size;
};

/* Fill *g for a region of size bytes; 0, or -1 if size is not usable. */
static inline int shmf_geometry(u64 size, struct shmf_geometry *g)
{
	if (size < SHMF_MIN_SIZE || size > SHMF_MAX_SIZE ||
	    (size & (size - 1)))
		return -1;
	g->size = size;
	g->ring_bytes = size / 8192;
	g->ring_elems = (u32)(g->ring_bytes / SHMF_ELEM_SIZE);
	g->win_off = SHMF_CTRL_SIZE + 2ULL * SHMF_NR_QPS * g->ring_bytes;
	g->win_size = ((size - g->win_off) / SHMF_MAX_NODES) & ~4095ULL;
	return 0;
}

static inline u64 shmf_node_off(u32 id)
{
	return SHMF_DIR_OFF + (u64)id * sizeof(struct shmf_node);
}

static inline u64 shmf_mr_off(u32 node, u32 index)
{
	return SHMF_MR_OFF +
	       ((u64)node * SHMF_MRS_PER_NODE + index) * sizeof(struct shmf_mr);
}

static inline u64 shmf_qp_off(u32 qp_index)
{
	return SHMF_QP_OFF + (u64)qp_index * sizeof(struct shmf_qp);
}

/* Request ring of a QP slot; its response ring follows it. */
static inline u64 shmf_req_ring_off(const struct shmf_geometry *g,
				    u32 qp_index)
{
	return SHMF_CTRL_SIZE + 2ULL * qp_index * g->ring_bytes;
}

static inline u64 shmf_rsp_ring_off(const struct shmf_geometry *g,
				    u32 qp_index)
{
	return shmf_req_ring_off(g, qp_index) + g->ring_bytes;
}

static inline u64 shmf_win_off(const struct shmf_geometry *g, u32 node)
{
	return g->win_off + (u64)node * g->win_size;
}

/* Elements a message with an inline payload of len bytes occupies. */
static inline u32 shmf_msg_elems(u32 len)
{
	return 1 + (len + SHMF_ELEM_SIZE - 1) / SHMF_ELEM_SIZE;
}

/*
 * Format a region the caller owns (the kernel after winning the CAS
 * UNINIT -> INITIALISING; the host tool on a file no VM uses): zero the
 * control area, write the geometry, the slot ids and the static ring
 * descriptors, then publish magic and READY.  Rings and windows keep their
 * bytes: every index starts at 0, so nothing stale is ever read.
 */
static inline void shmf_format(void *base, const struct shmf_geometry *g,
			       u32 formatted_by, u64 stamp)
{
	struct shmf_header *h = (struct shmf_header *)base;
	u32 i;

	h->magic = 0;
	h->version = 0;
	__builtin_memset((char *)base + 16, 0, SHMF_CTRL_SIZE - 16);
	h->size = g->size;
	h->format_stamp = stamp;
	h->formatted_by = formatted_by;
	h->hdr_size = sizeof(*h);
	h->max_nodes = SHMF_MAX_NODES;
	h->qps_per_pair = SHMF_QPS_PER_PAIR;
	h->mrs_per_node = SHMF_MRS_PER_NODE;
	h->elem_size = SHMF_ELEM_SIZE;
	h->ring_elems = g->ring_elems;
	h->node_size = sizeof(struct shmf_node);
	h->qp_size = sizeof(struct shmf_qp);
	h->mr_size = sizeof(struct shmf_mr);
	h->dir_off = SHMF_DIR_OFF;
	h->mr_off = SHMF_MR_OFF;
	h->qp_off = SHMF_QP_OFF;
	h->ring_off = SHMF_CTRL_SIZE;
	h->ring_bytes = g->ring_bytes;
	h->win_off = g->win_off;
	h->win_size = g->win_size;

	for (i = 0; i < SHMF_MAX_NODES; i++)
		((struct shmf_node *)((char *)base + shmf_node_off(i)))->node_id = i;
	for (i = 0; i < SHMF_NR_QPS; i++) {
		struct shmf_qp *qp = (struct shmf_qp *)((char *)base + shmf_qp_off(i));

		qp->src = i / (SHMF_MAX_NODES * SHMF_QPS_PER_PAIR);
		qp->dst = i / SHMF_QPS_PER_PAIR % SHMF_MAX_NODES;
		qp->index = i % SHMF_QPS_PER_PAIR;
		qp->qpn = SHMF_QPN(qp->src, qp->dst, qp->index);
		qp->req.offset = shmf_req_ring_off(g, i);
		qp->req.elem_size = SHMF_ELEM_SIZE;
		qp->req.nr_elems = g->ring_elems;
		qp->rsp.offset = shmf_rsp_ring_off(g, i);
		qp->rsp.elem_size = SHMF_ELEM_SIZE;
		qp->rsp.nr_elems = g->ring_elems;
	}
	__atomic_store_n(&h->magic, SHMF_MAGIC, __ATOMIC_RELEASE);
	__atomic_store_n(&h->version, SHMF_VERSION, __ATOMIC_RELEASE);
	__atomic_store_n(&h->state, SHMF_REGION_READY, __ATOMIC_RELEASE);
}

/* Results of shmf_check(). */
#define SHMF_CHECK_OK		0
#define SHMF_CHECK_MAGIC	1	/* not a Tessera fabric region */
#define SHMF_CHECK_VERSION	2	/* another layout version */
#define SHMF_CHECK_SIZE		3	/* formatted for another size */
#define SHMF_CHECK_GEOMETRY	4	/* same version, other geometry */

/* Can this layout version use the READY region h of size bytes? */
static inline int shmf_check(const struct shmf_header *h, u64 size)
{
	struct shmf_geometry g;

	if (h->magic != SHMF_MAGIC)
		return SHMF_CHECK_MAGIC;
	if (h->version != SHMF_VERSION)
		return SHMF_CHECK_VERSION;
	if (h->size != size)
		return SHMF_CHECK_SIZE;
	if (shmf_geometry(size, &g) ||
	    h->hdr_size != sizeof(*h) ||
	    h->max_nodes != SHMF_MAX_NODES ||
	    h->qps_per_pair != SHMF_QPS_PER_PAIR ||
	    h->mrs_per_node != SHMF_MRS_PER_NODE ||
	    h->elem_size != SHMF_ELEM_SIZE ||
	    h->ring_elems != g.ring_elems ||
	    h->node_size != sizeof(struct shmf_node) ||
	    h->qp_size != sizeof(struct shmf_qp) ||
	    h->mr_size != sizeof(struct shmf_mr) ||
	    h->dir_off != SHMF_DIR_OFF || h->mr_off != SHMF_MR_OFF ||
	    h->qp_off != SHMF_QP_OFF || h->ring_off != SHMF_CTRL_SIZE ||
	    h->ring_bytes != g.ring_bytes || h->win_off != g.win_off ||
	    h->win_size != g.win_size)
		return SHMF_CHECK_GEOMETRY;
	return SHMF_CHECK_OK;
}

static inline const char *shmf_role_name(u32 role)
{
	switch (role) {
	case SHMF_ROLE_PROCESSOR:
		return "processor";
	case SHMF_ROLE_MEMORY:
		return "memory";
	case SHMF_ROLE_STORAGE:
		return "storage";
	}
	return "none";
}

static inline const char *shmf_node_state_name(u32 state)
{
	switch (state) {
	case SHMF_NODE_FREE:
		return "free";
	case SHMF_NODE_CLAIMED:
		return "claimed";
	case SHMF_NODE_UP:
		return "up";
	case SHMF_NODE_DEAD:
		return "dead";
	}
	return "invalid";
}

static inline const char *shmf_qp_state_name(u32 state)
{
	switch (state) {
	case SHMF_QP_RESET:
		return "reset";
	case SHMF_QP_INIT:
		return "init";
	case SHMF_QP_RTR:
		return "rtr";
	case SHMF_QP_RTS:
		return "rts";
	case SHMF_QP_ERROR:
		return "error";
	}
	return "invalid";
}

#endif /* _TESSERA_SHM_FABRIC_H */
