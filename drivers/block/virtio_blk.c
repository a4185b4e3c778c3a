// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.1 §5.2) over the modern PCI transport: one request
 * queue, each request a descriptor chain of a header the device reads,
 * the data segments, and a status byte the device writes.  Completions
 * arrive on the queue's MSI-X vector.
 */
#define pr_fmt(fmt) "virtio_blk: " fmt

#include <tessera/kernel.h>
#include <tessera/blkdev.h>
#include <tessera/completion.h>
#include <tessera/ctype.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/jiffies.h>
#include <tessera/mm.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/virtio.h>
#include <asm/page.h>

#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

/* struct virtio_blk_config */
#define VIRTIO_BLK_CFG_CAPACITY	0	/* 512-byte sectors, whatever blk_size */
#define VIRTIO_BLK_CFG_SIZE_MAX	8
#define VIRTIO_BLK_CFG_SEG_MAX	12
#define VIRTIO_BLK_CFG_BLK_SIZE	20

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VIRTIO_BLK_S_NONE	0xff	/* ours: the device wrote nothing */

#define VIRTIO_BLK_ID_BYTES	20

#define VBLK_CHAIN_MAX		(BLK_MAX_SEGS + 2)
/* With indirect descriptors: slots in flight at most (a ring entry each). */
#define VBLK_MAX_DEPTH		64

/*
 * What the device reads and writes around the data, and the chain's
 * indirect table, one per slot.  1 KiB: never across a page.
 */
struct vblk_dma {
	u32 type;
	u32 ioprio;
	u64 sector;
	u8 status;
	u8 pad[15];
	struct virtq_desc table[VBLK_CHAIN_MAX];
	u8 pad2[1024 - 32 - VBLK_CHAIN_MAX * sizeof(struct virtq_desc)];
} __packed;
_Static_assert(sizeof(struct vblk_dma) == 1024, "vblk_dma is 1 KiB");

struct vblk_slot {
	struct blk_request *rq;		/* NULL: an internal request */
	struct completion *wait;	/* internal requests */
	bool busy;
};

struct virtio_blk {
	struct virtio_device vdev;
	struct block_device bd;
	struct virtqueue *vq;
	struct vblk_dma *dma;		/* nr_slots entries, in whole pages */
	unsigned int dma_order;
	struct vblk_slot *slots;
	unsigned int nr_slots;
	unsigned int max_segs;
	bool indirect;			/* a chain takes one ring entry */
};

static unsigned int vblk_count;

/* Called with vq->lock held. */
static struct vblk_slot *vblk_get_slot(struct virtio_blk *vb)
{
	unsigned int i;

	for (i = 0; i < vb->nr_slots; i++) {
		if (!vb->slots[i].busy) {
			vb->slots[i].busy = true;
			return &vb->slots[i];
		}
	}
	return NULL;
}

/*
 * Queue hdr + the buffers + status under a free slot.  The device reads
 * the data of a write and writes the data of a read (or GET_ID).
 */
static int vblk_queue(struct virtio_blk *vb, u32 type, u64 sector,
		      const struct blk_seg *segs, unsigned int nr_segs,
		      struct blk_request *rq, struct completion *wait)
{
	struct virtq_buf bufs[VBLK_CHAIN_MAX];
	struct virtqueue *vq = vb->vq;
	struct vblk_slot *slot;
	struct vblk_dma *d;
	unsigned long flags;
	unsigned int i, n = 0;
	int ret;

	spin_lock_irqsave(&vq->lock, flags);
	slot = vblk_get_slot(vb);
	if (!slot) {
		spin_unlock_irqrestore(&vq->lock, flags);
		return -EBUSY;
	}
	slot->rq = rq;
	slot->wait = wait;
	d = &vb->dma[slot - vb->slots];
	d->type = type;
	d->ioprio = 0;
	d->sector = sector;
	d->status = VIRTIO_BLK_S_NONE;
	bufs[n++] = (struct virtq_buf){ __pa(d), 16, false };
	for (i = 0; i < nr_segs; i++)
		bufs[n++] = (struct virtq_buf){ segs[i].phys, segs[i].len,
						type != VIRTIO_BLK_T_OUT };
	bufs[n++] = (struct virtq_buf){ __pa(&d->status), 1, true };
	if (vb->indirect)
		ret = virtqueue_add_indirect(vq, d->table, bufs, n, slot);
	else
		ret = virtqueue_add(vq, bufs, n, slot);
	if (ret)
		slot->busy = false;
	else
		virtqueue_kick(vq);
	spin_unlock_irqrestore(&vq->lock, flags);
	return ret;
}

static const char *const vblk_op_names[] = {
	[BLK_READ] = "read", [BLK_WRITE] = "write", [BLK_FLUSH] = "flush",
};

static void vblk_end(struct virtio_blk *vb, struct blk_request *rq, u8 status)
{
	unsigned int i, sectors = 0;

	if (status == VIRTIO_BLK_S_OK) {
		rq->status = 0;
	} else {
		for (i = 0; i < rq->nr_segs; i++)
			sectors += rq->seg[i].len >> SECTOR_SHIFT;
		pr_err_ratelimited("%s: %s of %u sectors at sector %llu failed: status %u (%s)\n",
				   vb->bd.name, vblk_op_names[rq->op], sectors,
				   rq->sector, status,
				   status == VIRTIO_BLK_S_IOERR ? "I/O error" :
				   status == VIRTIO_BLK_S_UNSUPP ? "unsupported" :
				   "no status written");
		rq->status = -EIO;
	}
	blk_complete(&vb->bd, rq);
}

/* The queue's interrupt: end every request the device has returned. */
static void vblk_done(struct virtqueue *vq)
{
	struct virtio_blk *vb = vq->priv;
	struct blk_request *rq;
	struct completion *wait;
	struct vblk_slot *slot;
	unsigned long flags;
	u8 status;

	for (;;) {
		spin_lock_irqsave(&vq->lock, flags);
		slot = virtqueue_get_buf(vq, NULL);
		if (slot) {
			status = READ_ONCE(vb->dma[slot - vb->slots].status);
			rq = slot->rq;
			wait = slot->wait;
			slot->busy = false;
		}
		spin_unlock_irqrestore(&vq->lock, flags);
		if (!slot)
			break;
		if (rq)
			vblk_end(vb, rq, status);
		else
			complete(wait);
	}
}

static int vblk_submit(struct block_device *bd, struct blk_request *rq)
{
	struct virtio_blk *vb = bd->driver_data;
	u32 type;

	switch (rq->op) {
	case BLK_READ:
		type = VIRTIO_BLK_T_IN;
		break;
	case BLK_WRITE:
		type = VIRTIO_BLK_T_OUT;
		break;
	case BLK_FLUSH:
		/* Without F_FLUSH the device has no volatile cache (§5.2.6.2). */
		if (!virtio_has_feature(&vb->vdev, VIRTIO_BLK_F_FLUSH)) {
			rq->status = 0;
			blk_complete(bd, rq);
			return 0;
		}
		type = VIRTIO_BLK_T_FLUSH;
		break;
	default:
		return -EINVAL;
	}
	if (rq->nr_segs > vb->max_segs)
		return -EINVAL;
	return vblk_queue(vb, type, rq->sector, rq->seg, rq->nr_segs, rq, NULL);
}

static const struct block_device_ops vblk_ops = {
	.submit = vblk_submit,
};

/*
 * The serial number (GET_ID) into serial, "" when the device has none.
 * -ETIMEDOUT when the device does not answer.
 */
static int vblk_get_serial(struct virtio_blk *vb, char *serial)
{
	struct completion done;
	struct blk_seg seg;
	unsigned long page;
	unsigned int i;
	u8 status;
	int ret;

	serial[0] = '\0';
	page = get_zeroed_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	init_completion(&done);
	seg.phys = __pa(page);
	seg.len = VIRTIO_BLK_ID_BYTES;
	ret = vblk_queue(vb, VIRTIO_BLK_T_GET_ID, 0, &seg, 1, NULL, &done);
	if (ret) {
		free_page(page);
		return ret;
	}
	if (!wait_for_completion_timeout(&done, 5 * HZ)) {
		/* The device may still write the page: leave it. */
		pr_err("%s: no answer to GET_ID\n", vb->bd.name);
		return -ETIMEDOUT;
	}
	/* The first request of the device: it had slot 0. */
	status = READ_ONCE(vb->dma[0].status);
	if (status == VIRTIO_BLK_S_OK) {
		for (i = 0; i < VIRTIO_BLK_ID_BYTES; i++) {
			char c = ((char *)page)[i];

			if (!c)
				break;
			serial[i] = isprint(c) ? c : '?';
		}
		serial[i] = '\0';
	}
	free_page(page);
	return 0;
}

static void vblk_free(struct virtio_blk *vb)
{
	if (vb->dma)
		free_pages((unsigned long)vb->dma, vb->dma_order);
	kfree(vb->slots);
	kfree(vb);
}

static int vblk_probe(struct pci_dev *pci, const struct pci_device_id *id)
{
	static const vq_callback_t callbacks[] = { vblk_done };
	char serial[VIRTIO_BLK_ID_BYTES + 1];
	struct virtio_device *vdev;
	struct block_device *bd;
	struct virtio_blk *vb;
	u32 seg_max, blk_size;
	int ret;

	vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		return -ENOMEM;
	vdev = &vb->vdev;
	bd = &vb->bd;
	snprintf(bd->name, sizeof(bd->name), "vd%c", 'a' + vblk_count % 26);
	ret = virtio_pci_probe(vdev, pci);
	if (ret) {
		kfree(vb);
		return ret;
	}
	ret = virtio_negotiate(vdev, 1ULL << VIRTIO_BLK_F_SIZE_MAX |
			       1ULL << VIRTIO_BLK_F_SEG_MAX |
			       1ULL << VIRTIO_BLK_F_RO |
			       1ULL << VIRTIO_BLK_F_BLK_SIZE |
			       1ULL << VIRTIO_BLK_F_FLUSH |
			       1ULL << VIRTIO_F_RING_INDIRECT_DESC);
	if (ret)
		goto fail;
	ret = -ENODEV;
	if (!vdev->device) {
		pr_err("%s: no device configuration\n", bd->name);
		goto fail;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SIZE_MAX) &&
	    virtio_cread32(vdev, VIRTIO_BLK_CFG_SIZE_MAX) < PAGE_SIZE) {
		pr_err("%s: segments of at most %u bytes are not supported\n",
		       bd->name, virtio_cread32(vdev, VIRTIO_BLK_CFG_SIZE_MAX));
		goto fail;
	}
	/* Without SEG_MAX a device takes one segment per request. */
	seg_max = 1;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX))
		seg_max = virtio_cread32(vdev, VIRTIO_BLK_CFG_SEG_MAX) ?: 1;
	vb->max_segs = min(seg_max, (u32)BLK_MAX_SEGS);
	if (vb->max_segs < BLK_MAX_SEGS)
		pr_warn("%s: at most %u segments per request\n", bd->name,
			vb->max_segs);
	blk_size = SECTOR_SIZE;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_BLK_SIZE))
		blk_size = virtio_cread32(vdev, VIRTIO_BLK_CFG_BLK_SIZE);
	if (blk_size < SECTOR_SIZE || blk_size > PAGE_SIZE ||
	    blk_size & (blk_size - 1)) {
		pr_err("%s: unsupported block size %u\n", bd->name, blk_size);
		goto fail;
	}

	ret = virtio_find_vqs(vdev, 1, callbacks, VIRTQ_MAX_SIZE);
	if (ret)
		goto fail;
	vb->vq = &vdev->vqs[0];
	vb->vq->priv = vb;
	/* Room for the longest chain of every request in flight. */
	vb->indirect = virtio_has_feature(vdev, VIRTIO_F_RING_INDIRECT_DESC);
	if (vb->indirect)
		vb->nr_slots = min(vb->vq->num, (unsigned int)VBLK_MAX_DEPTH);
	else
		vb->nr_slots = max(vb->vq->num / (vb->max_segs + 2), 1U);
	vb->slots = kcalloc(vb->nr_slots, sizeof(*vb->slots), GFP_KERNEL);
	vb->dma_order = get_order(vb->nr_slots * sizeof(struct vblk_dma));
	vb->dma = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					   vb->dma_order);
	ret = -ENOMEM;
	if (!vb->slots || !vb->dma)
		goto fail;
	virtio_driver_ok(vdev);

	bd->nr_sectors = virtio_cread64(vdev, VIRTIO_BLK_CFG_CAPACITY);
	bd->logical_block_size = blk_size;
	bd->queue_depth = vb->nr_slots;
	bd->read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	bd->ops = &vblk_ops;
	bd->driver_data = vb;
	ret = vblk_get_serial(vb, serial);
	if (ret)
		goto fail;
	if (serial[0])
		snprintf(bd->model, sizeof(bd->model), "virtio-blk %s", serial);
	else
		strscpy(bd->model, "virtio-blk", sizeof(bd->model));
	ret = blkdev_register(bd);
	if (ret)
		goto fail;
	vblk_count++;
	return 0;

fail:
	virtio_remove(vdev);
	vblk_free(vb);
	return ret;
}

static const struct pci_device_id vblk_ids[] = {
	{ 0x1af4, 0x1042 },	/* modern */
	{ 0x1af4, 0x1001 },	/* transitional: also has the modern interface */
	{ 0 }
};

static struct pci_driver vblk_driver = {
	.name = "virtio-blk",
	.id_table = vblk_ids,
	.probe = vblk_probe,
};

void virtio_blk_init(void)
{
	pci_register_driver(&vblk_driver);
}
