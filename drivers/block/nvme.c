// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe over PCIe (class 01:08:02): one admin queue pair, one I/O queue
 * pair, namespace 1 as a block device, MSI-X completions.  Requests of
 * page segments become Read/Write commands with PRP1/PRP2 and a PRP list
 * page; a segment list the PRP rules cannot describe is bounced.  See
 * Documentation/nvme.md.
 */
#define pr_fmt(fmt) "nvme " fmt

#include <tessera/kernel.h>
#include <tessera/blkdev.h>
#include <tessera/completion.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/jiffies.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/timer.h>
#include <tessera/vmalloc.h>
#include <asm/io.h>
#include <asm/page.h>

/* Controller registers (BAR0); all accessed 32 bits at a time. */
#define NVME_REG_CAP		0x00	/* 64-bit */
#define NVME_REG_VS		0x08
#define NVME_REG_CC		0x14
#define NVME_REG_CSTS		0x1c
#define NVME_REG_AQA		0x24
#define NVME_REG_ASQ		0x28	/* 64-bit */
#define NVME_REG_ACQ		0x30	/* 64-bit */
#define NVME_REG_DBS		0x1000

#define NVME_CAP_MQES(cap)	((u32)((cap) & 0xffff))
#define NVME_CAP_TO(cap)	((u32)(((cap) >> 24) & 0xff))
#define NVME_CAP_DSTRD(cap)	((u32)(((cap) >> 32) & 0xf))
#define NVME_CAP_CSS_NVM(cap)	(((cap) >> 37) & 1)
#define NVME_CAP_MPSMIN(cap)	((u32)(((cap) >> 48) & 0xf))

#define NVME_CC_EN		(1U << 0)
#define NVME_CC_CSS_NVM		(0U << 4)
#define NVME_CC_MPS_4K		(0U << 7)	/* 2^(12 + MPS) */
#define NVME_CC_AMS_RR		(0U << 11)
#define NVME_CC_IOSQES		(6U << 16)	/* 64-byte entries */
#define NVME_CC_IOCQES		(4U << 20)	/* 16-byte entries */

#define NVME_CSTS_RDY		(1U << 0)
#define NVME_CSTS_CFS		(1U << 1)

/* Opcodes. */
#define NVME_ADMIN_CREATE_SQ	0x01
#define NVME_ADMIN_CREATE_CQ	0x05
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_ADMIN_SET_FEATURES	0x09
#define NVME_CMD_FLUSH		0x00
#define NVME_CMD_WRITE		0x01
#define NVME_CMD_READ		0x02

#define NVME_ID_CNS_NS		0x00
#define NVME_ID_CNS_CTRL	0x01
#define NVME_FEAT_NUM_QUEUES	0x07

#define NVME_QUEUE_PHYS_CONTIG	(1U << 0)
#define NVME_CQ_IRQ_ENABLED	(1U << 1)

/* Submission queue entry (x86 is little-endian, as the wire format). */
struct nvme_command {
	u8 opcode;
	u8 flags;
	u16 cid;
	u32 nsid;
	u32 cdw2, cdw3;
	u64 mptr;
	u64 prp1, prp2;
	u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_completion {
	u32 result;
	u32 rsvd;
	u16 sq_head;
	u16 sq_id;
	u16 cid;
	u16 status;		/* bit 0 the phase tag, 15:1 the status field */
};

#define NVME_ADMIN_DEPTH	32
#define NVME_IO_DEPTH_MAX	(PAGE_SIZE / sizeof(struct nvme_command))
#define NVME_ADMIN_TIMEOUT_MS	10000
#define NVME_IO_TIMEOUT_MS	30000
#define NVME_WATCHDOG_MS	1000
#define NVME_PRPS_PER_PAGE	(PAGE_SIZE / sizeof(u64))
#define NVME_MAX_CTRLS		8

struct nvme_queue {
	struct nvme_command *sqes;
	struct nvme_completion *cqes;
	u16 qid;
	u16 depth;
	u16 sq_tail;
	u16 cq_head;
	u16 cq_phase;
	void __iomem *sq_db;
	void __iomem *cq_db;
	spinlock_t lock;
};

/* One block request in the driver: maybe several commands, maybe bounced. */
struct nvme_req {
	struct blk_request *rq;
	const struct blk_seg *segs;	/* rq->seg, or bseg when bounced */
	unsigned int nr_segs;
	unsigned int seg;		/* cursor: next segment to send */
	u32 seg_off;			/* and the offset in it */
	u64 lba;			/* next logical block to send */
	u64 bytes_left;			/* not yet in a command */
	bool all_sent;
	unsigned int inflight;		/* commands at the controller */
	int status;
	unsigned int nr_bounce;
	struct blk_seg bseg[BLK_MAX_SEGS];
	struct list_head node;		/* on ctrl->pending while !all_sent */
};

/* A command id: the I/O command it carries and its PRP list page. */
struct nvme_slot {
	struct nvme_req *req;
	u64 *prp_list;
	unsigned long start;		/* jiffies, for the watchdog */
	u8 opcode;
	u64 slba;
	u32 nlb;
};

struct nvme_ctrl {
	struct pci_dev *pdev;
	void __iomem *bar;
	int instance;
	u64 cap;
	u32 db_stride;			/* bytes between doorbells */
	unsigned long ready_timeout_ms;
	int vectors[2];
	unsigned int nr_vectors;
	bool msix;

	struct nvme_queue adminq;
	struct mutex admin_lock;
	struct completion admin_done;
	u16 admin_cid;			/* the id being waited for */
	bool admin_waiting;
	struct nvme_completion admin_cqe;

	struct nvme_queue ioq;
	struct nvme_slot *slots;
	u16 *free_ids;
	unsigned int nr_free_ids;
	unsigned int nr_slots;
	struct nvme_req *reqs;
	unsigned int nr_reqs;
	struct list_head pending;
	bool dead;
	struct timer_list watchdog;
	unsigned long nr_io_irqs;

	u32 nsid;
	u32 lba_shift;
	u64 nr_lbas;
	u32 max_xfer;			/* bytes per command (MDTS), page multiple */
	bool read_only;
	char serial[21], model[41], firmware[9];
	struct block_device bd;
};

static struct nvme_ctrl *nvme_ctrls[NVME_MAX_CTRLS];
static int nvme_nr_ctrls;

static u32 nvme_readl(struct nvme_ctrl *c, u32 off)
{
	return readl(c->bar + off);
}

static void nvme_writel(struct nvme_ctrl *c, u32 off, u32 v)
{
	writel(v, c->bar + off);
}

/* 64-bit registers as two halves: QEMU rejects other access widths. */
static u64 nvme_readq(struct nvme_ctrl *c, u32 off)
{
	u32 lo = nvme_readl(c, off);

	return (u64)nvme_readl(c, off + 4) << 32 | lo;
}

static void nvme_writeq(struct nvme_ctrl *c, u32 off, u64 v)
{
	nvme_writel(c, off, (u32)v);
	nvme_writel(c, off + 4, (u32)(v >> 32));
}

/* Status code type and code, as the NVMe Base specification names them. */
static const char *nvme_status_name(u16 sf)
{
	unsigned int sct = (sf >> 8) & 0x7, sc = sf & 0xff;

	if (sct == 0) {
		switch (sc) {
		case 0x01: return "Invalid Command Opcode";
		case 0x02: return "Invalid Field in Command";
		case 0x03: return "Command ID Conflict";
		case 0x04: return "Data Transfer Error";
		case 0x05: return "Commands Aborted due to Power Loss Notification";
		case 0x06: return "Internal Error";
		case 0x07: return "Command Abort Requested";
		case 0x08: return "Command Aborted due to SQ Deletion";
		case 0x0b: return "Invalid Namespace or Format";
		case 0x0c: return "Command Sequence Error";
		case 0x13: return "PRP Offset Invalid";
		case 0x80: return "LBA Out of Range";
		case 0x81: return "Capacity Exceeded";
		case 0x82: return "Namespace Not Ready";
		case 0x83: return "Reservation Conflict";
		}
	} else if (sct == 1) {
		switch (sc) {
		case 0x00: return "Completion Queue Invalid";
		case 0x01: return "Invalid Queue Identifier";
		case 0x02: return "Invalid Queue Size";
		case 0x08: return "Invalid Interrupt Vector";
		case 0x80: return "Conflicting Attributes";
		case 0x82: return "Attempted Write to Read Only Range";
		}
	} else if (sct == 2) {
		switch (sc) {
		case 0x80: return "Write Fault";
		case 0x81: return "Unrecovered Read Error";
		case 0x82: return "End-to-end Guard Check Error";
		case 0x83: return "End-to-end Application Tag Check Error";
		case 0x84: return "End-to-end Reference Tag Check Error";
		case 0x85: return "Compare Failure";
		case 0x86: return "Access Denied";
		case 0x87: return "Deallocated or Unwritten Logical Block";
		}
	}
	return "unknown status";
}

static void nvme_init_queue(struct nvme_ctrl *c, struct nvme_queue *q,
			    u16 qid, u16 depth)
{
	q->qid = qid;
	q->depth = depth;
	q->sq_tail = 0;
	q->cq_head = 0;
	q->cq_phase = 1;
	q->sq_db = c->bar + NVME_REG_DBS + 2 * qid * c->db_stride;
	q->cq_db = c->bar + NVME_REG_DBS + (2 * qid + 1) * c->db_stride;
	spin_lock_init(&q->lock);
}

static int nvme_alloc_queue(struct nvme_queue *q)
{
	q->sqes = (void *)get_zeroed_page(GFP_KERNEL);
	q->cqes = (void *)get_zeroed_page(GFP_KERNEL);
	if (q->sqes && q->cqes)
		return 0;
	free_page((unsigned long)q->sqes);
	free_page((unsigned long)q->cqes);
	q->sqes = NULL;
	q->cqes = NULL;
	return -ENOMEM;
}

static void nvme_free_queue(struct nvme_queue *q)
{
	free_page((unsigned long)q->sqes);
	free_page((unsigned long)q->cqes);
	q->sqes = NULL;
	q->cqes = NULL;
}

/* Queue one command; the caller rings the doorbell.  Lock held. */
static void nvme_sq_put(struct nvme_queue *q, const struct nvme_command *cmd)
{
	memcpy(&q->sqes[q->sq_tail], cmd, sizeof(*cmd));
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
}

static void nvme_sq_ring(struct nvme_queue *q)
{
	wmb();		/* the entries before the doorbell */
	writel(q->sq_tail, q->sq_db);
}

/* The next posted completion, or NULL.  Lock held. */
static struct nvme_completion *nvme_cq_peek(struct nvme_queue *q)
{
	struct nvme_completion *cqe = &q->cqes[q->cq_head];

	if ((READ_ONCE(cqe->status) & 1) != q->cq_phase)
		return NULL;
	rmb();		/* the rest of the entry after its phase tag */
	return cqe;
}

static void nvme_cq_pop(struct nvme_queue *q)
{
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->cq_phase ^= 1;
	}
}

/* ---- Admin queue ---- */

static void nvme_process_admin(struct nvme_ctrl *c)
{
	struct nvme_queue *q = &c->adminq;
	struct nvme_completion *cqe;
	unsigned long flags;
	bool seen = false;

	spin_lock_irqsave(&q->lock, flags);
	while ((cqe = nvme_cq_peek(q))) {
		if (c->admin_waiting && cqe->cid == c->admin_cid) {
			c->admin_cqe = *cqe;
			c->admin_waiting = false;
			complete(&c->admin_done);
		} else {
			pr_warn("nvme%d: stray admin completion, id %u\n",
				c->instance, cqe->cid);
		}
		nvme_cq_pop(q);
		seen = true;
	}
	if (seen)
		writel(q->cq_head, q->cq_db);
	spin_unlock_irqrestore(&q->lock, flags);
}

/*
 * Run one admin command and wait (bounded) for it; 0, -EIO for an error
 * status (logged), -ETIMEDOUT.  *result gets completion dword 0.
 */
static int nvme_admin(struct nvme_ctrl *c, struct nvme_command *cmd,
		      u32 *result)
{
	struct nvme_queue *q = &c->adminq;
	unsigned long flags;
	u16 sf;
	int ret = 0;

	mutex_lock(&c->admin_lock);
	reinit_completion(&c->admin_done);
	spin_lock_irqsave(&q->lock, flags);
	cmd->cid = ++c->admin_cid;
	c->admin_waiting = true;
	nvme_sq_put(q, cmd);
	nvme_sq_ring(q);
	spin_unlock_irqrestore(&q->lock, flags);

	if (!wait_for_completion_timeout(&c->admin_done,
			msecs_to_jiffies(NVME_ADMIN_TIMEOUT_MS))) {
		/* An interrupt lost on the way: look once more. */
		nvme_process_admin(c);
		if (!try_wait_for_completion(&c->admin_done)) {
			spin_lock_irqsave(&q->lock, flags);
			c->admin_waiting = false;
			spin_unlock_irqrestore(&q->lock, flags);
			pr_err("nvme%d: admin command %#x timed out\n",
			       c->instance, cmd->opcode);
			ret = -ETIMEDOUT;
			goto out;
		}
	}
	sf = c->admin_cqe.status >> 1;
	if (sf & 0x7ff) {
		pr_err("nvme%d: admin command %#x failed: status %#x (%s)\n",
		       c->instance, cmd->opcode, sf & 0x7ff,
		       nvme_status_name(sf));
		ret = -EIO;
	} else if (result) {
		*result = c->admin_cqe.result;
	}
out:
	mutex_unlock(&c->admin_lock);
	return ret;
}

/* ---- I/O queue ---- */

/* Can PRPs describe these segments as they are (else bounce)? */
static bool nvme_prp_ok(const struct blk_request *rq)
{
	unsigned int i;

	for (i = 0; i < rq->nr_segs; i++) {
		const struct blk_seg *s = &rq->seg[i];

		if (s->phys & 3)
			return false;
		if (i > 0 && offset_in_page(s->phys))
			return false;
		if (i + 1 < rq->nr_segs &&
		    offset_in_page(s->phys) + s->len != PAGE_SIZE)
			return false;
	}
	return true;
}

static void nvme_bounce_free(struct nvme_req *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_bounce; i++)
		free_page((unsigned long)__va(r->bseg[i].phys));
	r->nr_bounce = 0;
}

/* Copy between rq's segments and the bounce pages, either way. */
static void nvme_bounce_copy(struct nvme_req *r, bool to_bounce)
{
	const struct blk_request *rq = r->rq;
	unsigned int i, k = 0;
	u32 off = 0;

	for (i = 0; i < rq->nr_segs; i++) {
		u8 *seg = __va(rq->seg[i].phys);
		u32 done = 0;

		while (done < rq->seg[i].len) {
			u32 n = min(rq->seg[i].len - done, PAGE_SIZE - off);
			u8 *bounce = (u8 *)__va(r->bseg[k].phys) + off;

			if (to_bounce)
				memcpy(bounce, seg + done, n);
			else
				memcpy(seg + done, bounce, n);
			done += n;
			off += n;
			if (off == PAGE_SIZE) {
				off = 0;
				k++;
			}
		}
	}
}

/* Whole pages in place of rq's segments; writes are copied in now. */
static int nvme_bounce_alloc(struct nvme_req *r, u64 bytes, bool write)
{
	r->nr_bounce = 0;
	while (bytes) {
		unsigned long p = __get_free_page(GFP_KERNEL);
		u32 n = (u32)min(bytes, (u64)PAGE_SIZE);

		if (!p) {
			nvme_bounce_free(r);
			return -ENOMEM;
		}
		r->bseg[r->nr_bounce].phys = __pa(p);
		r->bseg[r->nr_bounce].len = n;
		r->nr_bounce++;
		bytes -= n;
	}
	if (write)
		nvme_bounce_copy(r, true);
	return 0;
}

/*
 * Fill cmd with the next piece of r: at most max_xfer bytes from the
 * cursor, PRP1 the first address (any dword offset), PRP2 the second
 * page or the slot's PRP list.
 */
static void nvme_build_rw(struct nvme_ctrl *c, struct nvme_req *r,
			  struct nvme_slot *slot, struct nvme_command *cmd)
{
	u64 len = min(r->bytes_left, (u64)c->max_xfer);
	u64 prp[2] = { 0, 0 };
	unsigned int n = 0;
	u64 left = len;

	while (left) {
		const struct blk_seg *s = &r->segs[r->seg];
		u32 take = (u32)min((u64)(s->len - r->seg_off), left);
		u64 addr = s->phys + r->seg_off;

		if (n < 2)
			prp[n] = addr;
		if (n >= 1)
			slot->prp_list[n - 1] = addr;
		n++;
		left -= take;
		r->seg_off += take;
		if (r->seg_off == s->len) {
			r->seg++;
			r->seg_off = 0;
		}
	}
	cmd->opcode = r->rq->op == BLK_WRITE ? NVME_CMD_WRITE : NVME_CMD_READ;
	cmd->nsid = c->nsid;
	cmd->prp1 = prp[0];
	cmd->prp2 = n > 2 ? (u64)__pa(slot->prp_list) : prp[1];
	cmd->cdw10 = (u32)r->lba;
	cmd->cdw11 = (u32)(r->lba >> 32);
	cmd->cdw12 = (u32)(len >> c->lba_shift) - 1;
	slot->slba = r->lba;
	slot->nlb = len >> c->lba_shift;
	r->lba += len >> c->lba_shift;
	r->bytes_left -= len;
	if (!r->bytes_left)
		r->all_sent = true;
}

/* Send what the pending requests still need while ids are free.  Lock held. */
static void nvme_issue(struct nvme_ctrl *c)
{
	struct nvme_queue *q = &c->ioq;
	bool rung = false;

	while (!list_empty(&c->pending) && c->nr_free_ids) {
		struct nvme_req *r = list_first_entry(&c->pending,
						      struct nvme_req, node);
		u16 cid = c->free_ids[--c->nr_free_ids];
		struct nvme_slot *slot = &c->slots[cid];
		struct nvme_command cmd;

		memset(&cmd, 0, sizeof(cmd));
		if (r->rq->op == BLK_FLUSH) {
			cmd.opcode = NVME_CMD_FLUSH;
			cmd.nsid = c->nsid;
			slot->slba = 0;
			slot->nlb = 0;
			r->all_sent = true;
		} else {
			nvme_build_rw(c, r, slot, &cmd);
		}
		cmd.cid = cid;
		slot->req = r;
		slot->opcode = cmd.opcode;
		slot->start = jiffies;
		r->inflight++;
		if (r->all_sent)
			list_del_init(&r->node);
		nvme_sq_put(q, &cmd);
		rung = true;
	}
	if (rung)
		nvme_sq_ring(q);
}

/* r is finished: copy bounced reads back, free its state.  Lock held. */
static struct blk_request *nvme_req_finish(struct nvme_ctrl *c,
					   struct nvme_req *r)
{
	struct blk_request *rq = r->rq;

	if (r->nr_bounce) {
		if (!r->status && rq->op == BLK_READ)
			nvme_bounce_copy(r, false);
		nvme_bounce_free(r);
	}
	rq->status = r->status;
	r->rq = NULL;
	return rq;
}

static const char *nvme_op_name(u8 opcode)
{
	return opcode == NVME_CMD_WRITE ? "write" : "read";
}

static void nvme_complete_list(struct nvme_ctrl *c, struct list_head *done)
{
	struct blk_request *rq, *tmp;

	list_for_each_entry_safe(rq, tmp, done, queue) {
		list_del(&rq->queue);
		blk_complete(&c->bd, rq);
	}
}

static void nvme_process_io(struct nvme_ctrl *c)
{
	struct nvme_queue *q = &c->ioq;
	struct nvme_completion *cqe;
	unsigned long flags;
	LIST_HEAD(done);
	bool seen = false;

	spin_lock_irqsave(&q->lock, flags);
	while ((cqe = nvme_cq_peek(q))) {
		u16 cid = cqe->cid, sf = cqe->status >> 1;
		struct nvme_slot *slot;
		struct nvme_req *r;

		nvme_cq_pop(q);
		seen = true;
		if (cid >= c->nr_slots || !c->slots[cid].req) {
			/* Those of a killed controller's commands: expected. */
			if (c->dead)
				continue;
			pr_warn("nvme%d: completion for unknown command id %u\n",
				c->instance, cid);
			continue;
		}
		slot = &c->slots[cid];
		r = slot->req;
		slot->req = NULL;
		c->free_ids[c->nr_free_ids++] = cid;
		if (sf & 0x7ff) {
			if (slot->opcode == NVME_CMD_FLUSH)
				pr_err("nvme%d: flush failed: status %#x (%s)\n",
				       c->instance, sf & 0x7ff,
				       nvme_status_name(sf));
			else
				pr_err("nvme%d: %s of %u blocks at LBA %llu failed: status %#x (%s)\n",
				       c->instance, nvme_op_name(slot->opcode),
				       slot->nlb, slot->slba, sf & 0x7ff,
				       nvme_status_name(sf));
			r->status = -EIO;
		}
		if (--r->inflight == 0 && r->all_sent)
			list_add_tail(&nvme_req_finish(c, r)->queue, &done);
	}
	if (seen) {
		writel(q->cq_head, q->cq_db);
		nvme_issue(c);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	nvme_complete_list(c, &done);
}

static irqreturn_t nvme_irq(int vector, void *dev_id)
{
	struct nvme_ctrl *c = dev_id;

	/* With one vector, both queues share it. */
	if (vector == c->vectors[0])
		nvme_process_admin(c);
	if (vector == c->vectors[c->nr_vectors - 1] && c->slots) {
		c->nr_io_irqs++;
		nvme_process_io(c);
	}
	return IRQ_HANDLED;
}

/*
 * The controller stopped answering (an I/O timed out, CSTS.CFS, the
 * device gone): disable it and fail everything it holds.  Queue and PRP
 * pages of commands it had stay allocated, as it may still write them.
 */
static void nvme_kill(struct nvme_ctrl *c, const char *why)
{
	struct nvme_queue *q = &c->ioq;
	unsigned long flags;
	LIST_HEAD(done);
	unsigned int i;

	spin_lock_irqsave(&q->lock, flags);
	if (c->dead) {
		spin_unlock_irqrestore(&q->lock, flags);
		return;
	}
	c->dead = true;
	pr_err("nvme%d: %s; controller disabled, its I/O fails with -EIO\n",
	       c->instance, why);
	/* No more DMA (nor MSI-X) into pages their owners get back now. */
	pci_write_config_word(c->pdev, PCI_COMMAND,
			      pci_read_config_word(c->pdev, PCI_COMMAND) &
			      ~PCI_COMMAND_MASTER);
	nvme_writel(c, NVME_REG_CC, nvme_readl(c, NVME_REG_CC) & ~NVME_CC_EN);
	for (i = 0; i < c->nr_slots; i++) {
		struct nvme_req *r = c->slots[i].req;

		if (!r)
			continue;
		c->slots[i].req = NULL;
		r->status = -EIO;
		r->nr_bounce = 0;	/* leaked: the device may write them */
		if (--r->inflight == 0 && r->all_sent)
			list_add_tail(&nvme_req_finish(c, r)->queue, &done);
	}
	while (!list_empty(&c->pending)) {
		struct nvme_req *r = list_first_entry(&c->pending,
						      struct nvme_req, node);

		list_del_init(&r->node);
		r->status = -EIO;
		r->all_sent = true;
		if (!r->inflight)
			list_add_tail(&nvme_req_finish(c, r)->queue, &done);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	nvme_complete_list(c, &done);
}

static void nvme_watchdog(struct timer_list *t)
{
	struct nvme_ctrl *c = from_timer(c, t, watchdog);
	unsigned long timeout = msecs_to_jiffies(NVME_IO_TIMEOUT_MS);
	u32 csts = nvme_readl(c, NVME_REG_CSTS);
	unsigned int i;

	if (c->dead)
		return;
	if (csts == ~0U) {
		nvme_kill(c, "device gone (CSTS reads all ones)");
		return;
	}
	if (csts & NVME_CSTS_CFS) {
		nvme_kill(c, "controller fatal status (CSTS.CFS)");
		return;
	}
	for (i = 0; i < c->nr_slots; i++) {
		struct nvme_slot *s = &c->slots[i];

		if (READ_ONCE(s->req) &&
		    time_after(jiffies, READ_ONCE(s->start) + timeout)) {
			nvme_kill(c, "I/O timed out");
			return;
		}
	}
	mod_timer(&c->watchdog, jiffies + msecs_to_jiffies(NVME_WATCHDOG_MS));
}

static int nvme_submit(struct block_device *bd, struct blk_request *rq)
{
	struct nvme_ctrl *c = bd->driver_data;
	struct nvme_queue *q = &c->ioq;
	struct nvme_req *r = NULL;
	unsigned long flags;
	unsigned int i;
	u64 bytes = 0;
	int ret;

	for (i = 0; i < rq->nr_segs; i++)
		bytes += rq->seg[i].len;
	spin_lock_irqsave(&q->lock, flags);
	if (c->dead) {
		spin_unlock_irqrestore(&q->lock, flags);
		return -EIO;
	}
	for (i = 0; i < c->nr_reqs; i++) {
		if (!c->reqs[i].rq) {
			r = &c->reqs[i];
			r->rq = rq;
			break;
		}
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (!r)
		return -EBUSY;	/* more than queue_depth: a block layer bug */

	r->segs = rq->seg;
	r->nr_segs = rq->nr_segs;
	r->seg = 0;
	r->seg_off = 0;
	r->lba = (rq->sector << SECTOR_SHIFT) >> c->lba_shift;
	r->bytes_left = bytes;
	r->all_sent = false;
	r->inflight = 0;
	r->status = 0;
	r->nr_bounce = 0;
	if (rq->op != BLK_FLUSH && !nvme_prp_ok(rq)) {
		ret = nvme_bounce_alloc(r, bytes, rq->op == BLK_WRITE);
		if (ret) {
			WRITE_ONCE(r->rq, NULL);
			return ret;
		}
		r->segs = r->bseg;
		r->nr_segs = r->nr_bounce;
	}

	spin_lock_irqsave(&q->lock, flags);
	if (c->dead) {
		nvme_bounce_free(r);
		r->rq = NULL;
		spin_unlock_irqrestore(&q->lock, flags);
		return -EIO;
	}
	list_add_tail(&r->node, &c->pending);
	nvme_issue(c);
	spin_unlock_irqrestore(&q->lock, flags);
	return 0;
}

static const struct block_device_ops nvme_bd_ops = {
	.submit = nvme_submit,
};

/* ---- Bring-up ---- */

/* Wait (bounded by CAP.TO) for CSTS.RDY to read rdy. */
static int nvme_wait_ready(struct nvme_ctrl *c, bool rdy)
{
	unsigned long end = jiffies + msecs_to_jiffies(c->ready_timeout_ms);

	for (;;) {
		u32 csts = nvme_readl(c, NVME_REG_CSTS);

		if (csts == ~0U) {
			pr_err("nvme%d: CSTS reads all ones: device gone\n",
			       c->instance);
			return -ENODEV;
		}
		if (rdy && (csts & NVME_CSTS_CFS)) {
			pr_err("nvme%d: controller fatal status while enabling\n",
			       c->instance);
			return -EIO;
		}
		if (!!(csts & NVME_CSTS_RDY) == rdy)
			return 0;
		if (time_after(jiffies, end)) {
			pr_err("nvme%d: CSTS.RDY not %d after %lu ms\n",
			       c->instance, rdy, c->ready_timeout_ms);
			return -ETIMEDOUT;
		}
		msleep(1);
	}
}

static int nvme_disable(struct nvme_ctrl *c)
{
	u32 cc = nvme_readl(c, NVME_REG_CC);

	if (cc & NVME_CC_EN)
		nvme_writel(c, NVME_REG_CC, cc & ~NVME_CC_EN);
	return nvme_wait_ready(c, false);
}

/* Identify strings are space-padded ASCII. */
static void nvme_copy_id_string(char *dst, const u8 *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : ' ';
	while (len && dst[len - 1] == ' ')
		len--;
	dst[len] = '\0';
}

static int nvme_identify(struct nvme_ctrl *c, u32 cns, u32 nsid, void *buf)
{
	struct nvme_command cmd = {
		.opcode = NVME_ADMIN_IDENTIFY,
		.nsid = nsid,
		.prp1 = __pa(buf),
		.cdw10 = cns,
	};

	memset(buf, 0, PAGE_SIZE);
	return nvme_admin(c, &cmd, NULL);
}

static int nvme_identify_ctrl(struct nvme_ctrl *c, u8 *id)
{
	u32 nn, max_xfer;
	u8 mdts;
	int ret;

	ret = nvme_identify(c, NVME_ID_CNS_CTRL, 0, id);
	if (ret)
		return ret;
	nvme_copy_id_string(c->serial, id + 4, 20);
	nvme_copy_id_string(c->model, id + 24, 40);
	nvme_copy_id_string(c->firmware, id + 64, 8);
	mdts = id[77];
	nn = *(u32 *)(id + 516);
	/* Our PRP lists are one page: no more than that many pages. */
	max_xfer = NVME_PRPS_PER_PAGE * PAGE_SIZE;
	if (mdts && mdts < 20)
		max_xfer = min(max_xfer, (u32)PAGE_SIZE << mdts);
	c->max_xfer = max_xfer;
	pr_info("nvme%d: %s, serial %s, firmware %s, %u namespace(s), max transfer %u KiB\n",
		c->instance, c->model, c->serial, c->firmware, nn,
		c->max_xfer >> 10);
	if (!nn) {
		pr_err("nvme%d: no namespaces\n", c->instance);
		return -ENODEV;
	}
	return 0;
}

static int nvme_identify_ns(struct nvme_ctrl *c, u8 *id)
{
	u8 flbas, nlbaf, fmt, lbads;
	u32 lbaf;
	u64 nsze;
	int ret;

	ret = nvme_identify(c, NVME_ID_CNS_NS, c->nsid, id);
	if (ret)
		return ret;
	nsze = *(u64 *)id;
	nlbaf = id[25];
	flbas = id[26];
	/* Format index: bits 3:0, and 6:5 above them when there are > 16. */
	fmt = (flbas & 0xf) | (nlbaf >= 16 ? ((flbas >> 5) & 3) << 4 : 0);
	if (!nsze) {
		pr_err("nvme%d: namespace %u is not active\n", c->instance,
		       c->nsid);
		return -ENODEV;
	}
	if (fmt > nlbaf || fmt >= 64) {
		pr_err("nvme%d: LBA format %u of %u\n", c->instance, fmt,
		       nlbaf + 1);
		return -EINVAL;
	}
	lbaf = *(u32 *)(id + 128 + 4 * fmt);
	lbads = (lbaf >> 16) & 0xff;
	if (lbaf & 0xffff) {
		pr_err("nvme%d: LBA format %u carries %u bytes of metadata: not supported\n",
		       c->instance, fmt, lbaf & 0xffff);
		return -EINVAL;
	}
	if (lbads < SECTOR_SHIFT || lbads > PAGE_SHIFT) {
		pr_err("nvme%d: logical blocks of 2^%u bytes: not supported\n",
		       c->instance, lbads);
		return -EINVAL;
	}
	if (nsze > (~0ULL >> lbads)) {
		pr_err("nvme%d: namespace size %llu blocks too large\n",
		       c->instance, nsze);
		return -EINVAL;
	}
	c->lba_shift = lbads;
	c->nr_lbas = nsze;
	c->read_only = id[99] & 1;	/* NSATTR: write protected */
	return 0;
}

/* Create I/O completion or submission queue qid of ioq's depth at mem. */
static int nvme_create_queue(struct nvme_ctrl *c, u8 opcode, void *mem,
			     u32 cdw11)
{
	struct nvme_command cmd = {
		.opcode = opcode,
		.prp1 = __pa(mem),
		.cdw10 = (u32)(c->ioq.depth - 1) << 16 | c->ioq.qid,
		.cdw11 = cdw11 | NVME_QUEUE_PHYS_CONTIG,
	};

	return nvme_admin(c, &cmd, NULL);
}

static int nvme_setup_io_queues(struct nvme_ctrl *c)
{
	struct nvme_command cmd = {
		.opcode = NVME_ADMIN_SET_FEATURES,
		.cdw10 = NVME_FEAT_NUM_QUEUES,
		.cdw11 = 0,	/* one SQ, one CQ (0-based counts) */
	};
	u32 result;
	int ret;

	ret = nvme_admin(c, &cmd, &result);
	if (!ret)
		ret = nvme_create_queue(c, NVME_ADMIN_CREATE_CQ, c->ioq.cqes,
					(u32)(c->nr_vectors - 1) << 16 |
					NVME_CQ_IRQ_ENABLED);
	if (!ret)
		ret = nvme_create_queue(c, NVME_ADMIN_CREATE_SQ, c->ioq.sqes,
					(u32)c->ioq.qid << 16);
	return ret;
}

static int nvme_alloc_io_state(struct nvme_ctrl *c)
{
	unsigned int i;

	c->nr_slots = c->ioq.depth - 1;	/* a full SQ keeps one entry empty */
	c->slots = kzalloc(c->nr_slots * sizeof(*c->slots), GFP_KERNEL);
	c->free_ids = kzalloc(c->nr_slots * sizeof(*c->free_ids), GFP_KERNEL);
	c->nr_reqs = c->nr_slots;
	c->reqs = vmalloc(c->nr_reqs * sizeof(*c->reqs));
	if (!c->slots || !c->free_ids || !c->reqs)
		return -ENOMEM;
	memset(c->reqs, 0, c->nr_reqs * sizeof(*c->reqs));
	for (i = 0; i < c->nr_reqs; i++)
		INIT_LIST_HEAD(&c->reqs[i].node);
	for (i = 0; i < c->nr_slots; i++) {
		c->slots[i].prp_list = (void *)__get_free_page(GFP_KERNEL);
		if (!c->slots[i].prp_list)
			return -ENOMEM;
		c->free_ids[i] = c->nr_slots - 1 - i;
	}
	c->nr_free_ids = c->nr_slots;
	return 0;
}

static void nvme_free_io_state(struct nvme_ctrl *c)
{
	unsigned int i;

	if (c->slots)
		for (i = 0; i < c->nr_slots; i++)
			free_page((unsigned long)c->slots[i].prp_list);
	kfree(c->slots);
	kfree(c->free_ids);
	vfree(c->reqs);
	c->slots = NULL;
	c->free_ids = NULL;
	c->reqs = NULL;
}

static int nvme_enable_irqs(struct nvme_ctrl *c)
{
	struct pci_dev *pdev = c->pdev;
	unsigned int n = min(pci_msix_table_size(pdev), 2U);
	int v;

	if (n) {
		if (!pci_enable_msix(pdev, n, nvme_irq, c, "nvme",
				     c->vectors)) {
			c->nr_vectors = n;
			c->msix = true;
			return 0;
		}
	}
	v = pci_enable_msi(pdev, nvme_irq, c, "nvme");
	if (v < 0)
		return v;
	c->vectors[0] = v;
	c->nr_vectors = 1;
	return 0;
}

static void nvme_disable_irqs(struct nvme_ctrl *c)
{
	if (c->msix)
		pci_disable_msix(c->pdev);
	else if (c->nr_vectors)
		pci_disable_msi(c->pdev);
	c->nr_vectors = 0;
}

static int nvme_start(struct nvme_ctrl *c, u8 *id)
{
	u32 depth, aqa;
	int ret;

	c->cap = nvme_readq(c, NVME_REG_CAP);
	if (c->cap == ~0ULL) {
		pr_err("nvme%d: registers read all ones\n", c->instance);
		return -ENODEV;
	}
	c->db_stride = 4U << NVME_CAP_DSTRD(c->cap);
	c->ready_timeout_ms = (NVME_CAP_TO(c->cap) + 1) * 500UL;
	if (!NVME_CAP_CSS_NVM(c->cap)) {
		pr_err("nvme%d: no NVM command set\n", c->instance);
		return -ENODEV;
	}
	if (NVME_CAP_MPSMIN(c->cap)) {
		pr_err("nvme%d: smallest memory page 2^%u bytes, 4 KiB needed\n",
		       c->instance, 12 + NVME_CAP_MPSMIN(c->cap));
		return -ENODEV;
	}
	if (c->pdev->bar[0].size < NVME_REG_DBS + 4 * c->db_stride) {
		pr_err("nvme%d: BAR0 too small for the doorbells\n",
		       c->instance);
		return -ENODEV;
	}

	ret = nvme_disable(c);
	if (ret)
		return ret;

	depth = min(NVME_CAP_MQES(c->cap) + 1U, (u32)NVME_IO_DEPTH_MAX);
	nvme_init_queue(c, &c->adminq, 0, NVME_ADMIN_DEPTH);
	nvme_init_queue(c, &c->ioq, 1, depth);
	if (nvme_alloc_queue(&c->adminq) || nvme_alloc_queue(&c->ioq) ||
	    nvme_alloc_io_state(c))
		return -ENOMEM;

	ret = nvme_enable_irqs(c);
	if (ret) {
		pr_err("nvme%d: no MSI-X or MSI (%d)\n", c->instance, ret);
		return ret;
	}

	aqa = (NVME_ADMIN_DEPTH - 1) << 16 | (NVME_ADMIN_DEPTH - 1);
	nvme_writel(c, NVME_REG_AQA, aqa);
	nvme_writeq(c, NVME_REG_ASQ, __pa(c->adminq.sqes));
	nvme_writeq(c, NVME_REG_ACQ, __pa(c->adminq.cqes));
	nvme_writel(c, NVME_REG_CC, NVME_CC_CSS_NVM | NVME_CC_MPS_4K |
		    NVME_CC_AMS_RR | NVME_CC_IOSQES | NVME_CC_IOCQES |
		    NVME_CC_EN);
	ret = nvme_wait_ready(c, true);
	if (ret)
		return ret;

	ret = nvme_identify_ctrl(c, id);
	if (ret)
		return ret;
	c->nsid = 1;
	ret = nvme_identify_ns(c, id);
	if (ret)
		return ret;
	return nvme_setup_io_queues(c);
}

/* Undo nvme_start(); memory the controller may still use is kept. */
static void nvme_stop(struct nvme_ctrl *c)
{
	if (nvme_disable(c)) {
		pr_err("nvme%d: did not stop; its queue memory stays allocated\n",
		       c->instance);
		nvme_disable_irqs(c);
		return;
	}
	nvme_disable_irqs(c);
	nvme_free_io_state(c);
	nvme_free_queue(&c->adminq);
	nvme_free_queue(&c->ioq);
}

static int nvme_probe(struct pci_dev *pdev, int instance)
{
	struct nvme_ctrl *c;
	char name[16];
	u8 *id;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	id = (void *)__get_free_page(GFP_KERNEL);
	if (!c || !id) {
		kfree(c);
		free_page((unsigned long)id);
		return -ENOMEM;
	}
	c->pdev = pdev;
	c->instance = instance;
	mutex_init(&c->admin_lock);
	init_completion(&c->admin_done);
	INIT_LIST_HEAD(&c->pending);
	timer_setup(&c->watchdog, nvme_watchdog, 0);

	ret = pci_enable_device(pdev);
	if (ret)
		goto out_free;
	pci_set_master(pdev);
	c->bar = pci_ioremap_bar(pdev, 0);
	if (!c->bar) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = nvme_start(c, id);
	if (ret) {
		nvme_stop(c);
		iounmap(c->bar);
		goto out_free;
	}

	snprintf(c->bd.name, sizeof(c->bd.name), "nvme%dn%u", instance,
		 c->nsid);
	strscpy(c->bd.model, c->model, sizeof(c->bd.model));
	c->bd.nr_sectors = c->nr_lbas << (c->lba_shift - SECTOR_SHIFT);
	c->bd.logical_block_size = 1U << c->lba_shift;
	c->bd.queue_depth = c->nr_reqs;
	c->bd.read_only = c->read_only;
	c->bd.ops = &nvme_bd_ops;
	c->bd.driver_data = c;
	pr_info("nvme%d: %s: %u-entry I/O queue pair, %s with %u vector(s), doorbell stride %u\n",
		instance, pci_name(pdev, name, sizeof(name)), c->ioq.depth,
		c->msix ? "MSI-X" : "MSI", c->nr_vectors, c->db_stride);
	mod_timer(&c->watchdog, jiffies + msecs_to_jiffies(NVME_WATCHDOG_MS));
	ret = blkdev_register(&c->bd);
	if (ret) {
		/* Only a driver bug gets here; the controller stays as it is. */
		pr_err("nvme%d: cannot register %s (%d)\n", instance,
		       c->bd.name, ret);
		free_page((unsigned long)id);
		return ret;
	}
	pdev->driver_data = c;
	nvme_ctrls[instance] = c;
	free_page((unsigned long)id);
	return 0;

out_free:
	pr_err("nvme%d: %s: not brought up (%d); left alone\n", instance,
	       pci_name(pdev, name, sizeof(name)), ret);
	free_page((unsigned long)id);
	kfree(c);
	return ret;
}

#define PCI_CLASS_NVME		0x010802

void nvme_init(void)
{
	struct pci_dev *pdev = NULL;

	BUILD_BUG_ON(sizeof(struct nvme_command) != 64);
	BUILD_BUG_ON(sizeof(struct nvme_completion) != 16);
	while ((pdev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, pdev))) {
		if (pdev->class != PCI_CLASS_NVME || pdev->claimed)
			continue;
		if (nvme_nr_ctrls == NVME_MAX_CTRLS) {
			pr_warn("controllers: more than %d; the rest ignored\n",
				NVME_MAX_CTRLS);
			break;
		}
		if (!nvme_probe(pdev, nvme_nr_ctrls)) {
			pdev->claimed = true;
			nvme_nr_ctrls++;
		}
	}
}

#ifdef CONFIG_SELFTEST
/*
 * Against nvme0n1, which must be a scratch disk of at least 4 MiB: the
 * bytes it overwrites (1-3 MiB) are put back at the end.  Explicit only.
 */
#define NVME_TEST_BASE	(1UL << 20)
#define NVME_TEST_LEN	(512UL << 10)
#define NVME_TEST_NR_RQ	80

struct nvme_test_rq {
	struct blk_request rq;
	struct completion done;
};

static void nvme_test_end_io(struct blk_request *rq)
{
	complete(&container_of(rq, struct nvme_test_rq, rq)->done);
}

static void nvme_test_fill(u8 *p, size_t len, u32 seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
	}
}

/* One request of the given segments; waits for it (bounded). */
static int nvme_test_rw(struct block_device *bd, enum blk_op op, u64 off,
			const struct blk_seg *segs, unsigned int nr)
{
	struct nvme_test_rq *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int ret;

	if (!t)
		return -ENOMEM;
	t->rq.op = op;
	t->rq.sector = off >> SECTOR_SHIFT;
	t->rq.nr_segs = nr;
	memcpy(t->rq.seg, segs, nr * sizeof(*segs));
	t->rq.end_io = nvme_test_end_io;
	init_completion(&t->done);
	ret = blk_submit(bd, &t->rq);
	if (!ret) {
		if (!wait_for_completion_timeout(&t->done,
				msecs_to_jiffies(NVME_IO_TIMEOUT_MS * 2)))
			return -ETIMEDOUT;	/* t leaks: still queued */
		ret = t->rq.status;
	}
	kfree(t);
	return ret;
}

/* Whole buffers through blkdev_read/write: PRP lists, unaligned starts. */
static int nvme_test_buffers(struct block_device *bd, u8 *a, u8 *b)
{
	unsigned long pages = __get_free_pages(GFP_KERNEL, 3);
	u32 lbs = bd->logical_block_size;
	u8 *w, *r;
	int ret;

	ST_ASSERT(pages);
	nvme_test_fill(a, NVME_TEST_LEN, 1);
	ST_EQ(blkdev_write(bd, NVME_TEST_BASE, a, NVME_TEST_LEN), 0);
	memset(b, 0, NVME_TEST_LEN);
	ST_EQ(blkdev_read(bd, NVME_TEST_BASE, b, NVME_TEST_LEN), 0);
	ST_ASSERT(!memcmp(a, b, NVME_TEST_LEN));

	/* 16 KiB from 512 bytes into a page, back to 1 KiB into one. */
	w = (u8 *)pages + 512;
	r = (u8 *)pages + 16384 + 1024;
	nvme_test_fill(w, 16384, 2);
	ret = blkdev_write(bd, NVME_TEST_BASE + lbs, w, 16384);
	if (ret) {
		free_pages(pages, 3);
		return selftest_fail("unaligned write: %d", ret);
	}
	ret = blkdev_read(bd, NVME_TEST_BASE + lbs, r, 16384);
	if (!ret && memcmp(w, r, 16384))
		ret = 1;
	free_pages(pages, 3);
	if (ret)
		return selftest_fail("unaligned read back: %d", ret);
	return 0;
}

/* Segments PRPs cannot take as they are (a short one first): bounced. */
static int nvme_test_bounce(struct block_device *bd, u8 *a, u8 *b)
{
	u32 len = bd->logical_block_size == 512 ? 1536 : 4096;
	u32 first = len == 1536 ? 512 : 2048;
	u8 *p = (u8 *)__get_free_page(GFP_KERNEL);
	u8 *q = (u8 *)__get_free_page(GFP_KERNEL);
	struct blk_seg segs[3];
	int ret = -ENOMEM;

	if (!p || !q || len % bd->logical_block_size)
		goto out;
	/* The first segment ends before its page does. */
	nvme_test_fill(p, PAGE_SIZE, 3);
	nvme_test_fill(q, PAGE_SIZE, 4);
	segs[0] = (struct blk_seg){ __pa(p), first };
	segs[1] = (struct blk_seg){ __pa(q), len - first };
	ret = nvme_test_rw(bd, BLK_WRITE, NVME_TEST_BASE, segs, 2);
	if (ret)
		goto out;
	ret = blkdev_read(bd, NVME_TEST_BASE, b, len);
	if (ret)
		goto out;
	memcpy(a, p, first);
	memcpy(a + first, q, len - first);
	if (memcmp(a, b, len)) {
		ret = 1;
		goto out;
	}
	/* Read into three pieces, the first neither starting nor ending a page. */
	memset(p, 0, PAGE_SIZE);
	memset(q, 0, PAGE_SIZE);
	segs[0] = (struct blk_seg){ __pa(p) + 512, 512 };
	segs[1] = (struct blk_seg){ __pa(q), 512 };
	segs[2] = (struct blk_seg){ __pa(q) + 1024, len - 1024 };
	ret = nvme_test_rw(bd, BLK_READ, NVME_TEST_BASE, segs, 3);
	if (!ret && (memcmp(p + 512, a, 512) || memcmp(q, a + 512, 512) ||
		     memcmp(q + 1024, a + 1024, len - 1024)))
		ret = 1;
out:
	free_page((unsigned long)p);
	free_page((unsigned long)q);
	if (ret)
		return selftest_fail("bounced I/O: %d", ret);
	return 0;
}

/* More requests at once than the queue holds, one block each. */
static int nvme_test_many(struct block_device *bd, u8 *b)
{
	u32 lbs = bd->logical_block_size;
	unsigned int i, n = min(NVME_TEST_NR_RQ, (int)(NVME_TEST_LEN / lbs));
	u8 *a = (u8 *)__get_free_pages(GFP_KERNEL, 7);	/* NVME_TEST_LEN */
	struct nvme_test_rq *t = vmalloc(n * sizeof(*t));
	int ret = 0;

	if (!a || !t) {
		ret = -ENOMEM;
		goto out;
	}
	nvme_test_fill(a, n * lbs, 5);
	for (i = 0; i < n; i++) {
		u64 off = (u64)(n - 1 - i) * lbs;	/* backwards */

		memset(&t[i], 0, sizeof(t[i]));
		init_completion(&t[i].done);
		t[i].rq.op = BLK_WRITE;
		t[i].rq.sector = (NVME_TEST_BASE + off) >> SECTOR_SHIFT;
		t[i].rq.nr_segs = 1;
		t[i].rq.seg[0] = (struct blk_seg){ __pa(a) + off, lbs };
		t[i].rq.end_io = nvme_test_end_io;
	}
	for (i = 0; i < n && !ret; i++)
		ret = blk_submit(bd, &t[i].rq);
	n = i - (ret ? 1 : 0);
	for (i = 0; i < n; i++) {
		if (!wait_for_completion_timeout(&t[i].done,
				msecs_to_jiffies(NVME_IO_TIMEOUT_MS * 2)))
			return selftest_fail("request %u never completed", i);
		if (t[i].rq.status && !ret)
			ret = t[i].rq.status;
	}
	if (!ret)
		ret = blkdev_read(bd, NVME_TEST_BASE, b, n * lbs);
	if (!ret && memcmp(a, b, n * lbs))
		ret = 1;
out:
	free_pages((unsigned long)a, 7);
	vfree(t);
	if (ret)
		return selftest_fail("concurrent writes: %d", ret);
	return 0;
}

/* A read past the namespace's end, behind the block layer's back. */
static int nvme_test_bad_lba(struct nvme_ctrl *c)
{
	struct nvme_test_rq *t = kzalloc(sizeof(*t), GFP_KERNEL);
	u8 *p = (u8 *)__get_free_page(GFP_KERNEL);
	u64 errors = c->bd.nr_errors;
	int ret;

	ST_ASSERT(t && p);
	init_completion(&t->done);
	t->rq.op = BLK_READ;
	t->rq.sector = c->bd.nr_sectors;
	t->rq.nr_segs = 1;
	t->rq.seg[0] = (struct blk_seg){ __pa(p), c->bd.logical_block_size };
	t->rq.end_io = nvme_test_end_io;
	down(&c->bd.slots);	/* blk_complete() gives it back */
	ret = nvme_submit(&c->bd, &t->rq);
	if (ret) {
		up(&c->bd.slots);
		return selftest_fail("submit: %d", ret);
	}
	if (!wait_for_completion_timeout(&t->done,
			msecs_to_jiffies(NVME_IO_TIMEOUT_MS * 2)))
		return selftest_fail("no completion");
	ST_EQ(t->rq.status, -EIO);
	ST_EQ(c->bd.nr_errors, errors + 1);
	kfree(t);
	free_page((unsigned long)p);
	return 0;
}

SELFTEST_EXPLICIT_ONLY(nvme_rw)
{
	struct nvme_ctrl *c = nvme_ctrls[0];
	struct block_device *bd;
	u8 *save, *a, *b;
	unsigned long irqs;
	int ret;

	if (!c)
		return selftest_fail("no NVMe controller came up");
	bd = &c->bd;
	ST_ASSERT(bd->nr_sectors << SECTOR_SHIFT >= 2 * NVME_TEST_BASE +
		  NVME_TEST_LEN);
	pr_info("nvme0: test: %u-byte blocks, %u KiB per command\n",
		bd->logical_block_size, c->max_xfer >> 10);
	irqs = c->nr_io_irqs;
	save = vmalloc(2 * NVME_TEST_LEN);
	a = vmalloc(NVME_TEST_LEN);
	b = vmalloc(NVME_TEST_LEN);
	ST_ASSERT(save && a && b);
	ST_EQ(blkdev_read(bd, NVME_TEST_BASE, save, 2 * NVME_TEST_LEN), 0);

	ret = nvme_test_buffers(bd, a, b);
	if (!ret)
		ret = nvme_test_bounce(bd, a, b);
	if (!ret)
		ret = nvme_test_many(bd, b);
	if (!ret)
		ret = nvme_test_bad_lba(c);
	if (!ret && blkdev_flush(bd))
		ret = selftest_fail("flush failed");
	if (!ret && c->nr_io_irqs == irqs)
		ret = selftest_fail("no I/O completion interrupts");

	if (blkdev_write(bd, NVME_TEST_BASE, save, 2 * NVME_TEST_LEN) ||
	    blkdev_flush(bd))
		ret = selftest_fail("could not restore the test area");
	vfree(save);
	vfree(a);
	vfree(b);
	return ret;
}

/*
 * A controller given up with requests in flight and queued: every one
 * completes (done or -EIO), later ones fail at once, nothing hangs.  The
 * disk stays dead for the rest of the boot.
 */
SELFTEST_EXPLICIT_ONLY(nvme_dead)
{
	struct nvme_ctrl *c = nvme_ctrls[0];
	struct nvme_test_rq *t;
	unsigned int i, n, nr_eio = 0;
	u8 *buf;
	int ret = 0;

	if (!c)
		return selftest_fail("no NVMe controller came up");
	n = c->bd.queue_depth;
	t = vmalloc(n * sizeof(*t));
	buf = (u8 *)__get_free_pages(GFP_KERNEL, 5);	/* 128 KiB */
	ST_ASSERT(t && buf);
	for (i = 0; i < n && !ret; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		init_completion(&t[i].done);
		t[i].rq.op = BLK_READ;
		t[i].rq.sector = 0;
		t[i].rq.nr_segs = 32;
		for (ret = 0; ret < 32; ret++)
			t[i].rq.seg[ret] = (struct blk_seg){
				__pa(buf) + ret * PAGE_SIZE, PAGE_SIZE };
		t[i].rq.end_io = nvme_test_end_io;
		ret = blk_submit(&c->bd, &t[i].rq);
	}
	ST_EQ(ret, 0);
	nvme_kill(c, "killed by the nvme_dead self-test");
	for (i = 0; i < n; i++) {
		if (!wait_for_completion_timeout(&t[i].done,
						 msecs_to_jiffies(5000)))
			return selftest_fail("request %u never completed", i);
		if (t[i].rq.status == -EIO)
			nr_eio++;
		else if (t[i].rq.status)
			return selftest_fail("request %u: status %d", i,
					     t[i].rq.status);
	}
	pr_info("nvme0: test: %u of %u requests failed with -EIO\n", nr_eio, n);
	ST_ASSERT(nr_eio > 0);
	ST_EQ(blkdev_read(&c->bd, 0, buf, PAGE_SIZE), -EIO);
	ST_EQ(blkdev_flush(&c->bd), -EIO);
	vfree(t);
	/* buf stays: the controller may have been writing it. */
	return 0;
}
#endif
