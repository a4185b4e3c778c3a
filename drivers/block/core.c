// SPDX-License-Identifier: GPL-2.0
/*
 * The block layer: a list of the disks the drivers found, a bounded
 * number of requests in flight per disk, and synchronous helpers that
 * split a kernel buffer into page segments and wait for the driver.
 */
#define pr_fmt(fmt) "blk: " fmt

#include <tessera/kernel.h>
#include <tessera/blkdev.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>
#include <asm/page.h>

static LIST_HEAD(blk_devices);
static DEFINE_SPINLOCK(blk_devices_lock);

void blk_init(void)
{
#ifdef CONFIG_VIRTIO_BLK
	virtio_blk_init();
#endif
#ifdef CONFIG_NVME
	nvme_init();
#endif
}

int blkdev_register(struct block_device *bd)
{
	if (!bd->ops || !bd->ops->submit || !bd->queue_depth ||
	    !bd->logical_block_size ||
	    bd->logical_block_size % SECTOR_SIZE)
		return -EINVAL;
	sema_init(&bd->slots, bd->queue_depth);
	spin_lock(&blk_devices_lock);
	list_add_tail(&bd->list, &blk_devices);
	spin_unlock(&blk_devices_lock);
	pr_info("%s: %s, %llu MiB (%llu sectors of %u bytes), queue depth %u%s\n",
		bd->name, bd->model[0] ? bd->model : "(no model)",
		(bd->nr_sectors << SECTOR_SHIFT) >> 20, bd->nr_sectors,
		bd->logical_block_size, bd->queue_depth,
		bd->read_only ? ", read-only" : "");
	return 0;
}

struct block_device *blkdev_first(void)
{
	struct block_device *bd;

	spin_lock(&blk_devices_lock);
	bd = list_first_entry_or_null(&blk_devices, struct block_device, list);
	spin_unlock(&blk_devices_lock);
	return bd;
}

struct block_device *blkdev_get(const char *name)
{
	struct block_device *bd, *found = NULL;

	spin_lock(&blk_devices_lock);
	list_for_each_entry(bd, &blk_devices, list) {
		if (!strcmp(bd->name, name)) {
			found = bd;
			break;
		}
	}
	spin_unlock(&blk_devices_lock);
	return found;
}

static void blk_account(struct block_device *bd, struct blk_request *rq)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < rq->nr_segs; i++)
		bytes += rq->seg[i].len;
	if (rq->status) {
		bd->nr_errors++;
		return;
	}
	switch (rq->op) {
	case BLK_READ:
		bd->nr_reads++;
		bd->bytes_read += bytes;
		break;
	case BLK_WRITE:
		bd->nr_writes++;
		bd->bytes_written += bytes;
		break;
	case BLK_FLUSH:
		bd->nr_flushes++;
		break;
	}
}

static bool blk_request_valid(struct block_device *bd, struct blk_request *rq)
{
	u64 bytes = 0;
	unsigned int i;

	if (rq->op == BLK_FLUSH)
		return rq->nr_segs == 0;
	if (!rq->nr_segs || rq->nr_segs > BLK_MAX_SEGS)
		return false;
	for (i = 0; i < rq->nr_segs; i++) {
		const struct blk_seg *s = &rq->seg[i];

		if (!s->len || s->len % SECTOR_SIZE ||
		    offset_in_page(s->phys) + s->len > PAGE_SIZE)
			return false;
		bytes += s->len;
	}
	if (bytes % bd->logical_block_size ||
	    (rq->sector << SECTOR_SHIFT) % bd->logical_block_size)
		return false;
	return rq->sector <= bd->nr_sectors &&
	       (bytes >> SECTOR_SHIFT) <= bd->nr_sectors - rq->sector;
}

void blk_complete(struct block_device *bd, struct blk_request *rq)
{
	blk_account(bd, rq);
	up(&bd->slots);
	rq->end_io(rq);
}

static int blk_start(struct block_device *bd, struct blk_request *rq)
{
	int ret;

	if (!blk_request_valid(bd, rq))
		return -EINVAL;
	if (rq->op == BLK_WRITE && bd->read_only)
		return -EROFS;
	rq->status = 0;
	down(&bd->slots);
	ret = bd->ops->submit(bd, rq);
	if (ret) {
		rq->status = ret;
		blk_account(bd, rq);
		up(&bd->slots);
	}
	return ret;
}

int blk_submit(struct block_device *bd, struct blk_request *rq)
{
	return blk_start(bd, rq);
}

static void blk_end_sync(struct blk_request *rq)
{
	complete(rq->private);
}

/* Submit rq and sleep until the driver completes it. */
static int blk_execute(struct block_device *bd, struct blk_request *rq)
{
	struct completion done;
	int ret;

	init_completion(&done);
	rq->end_io = blk_end_sync;
	rq->private = &done;
	ret = blk_start(bd, rq);
	if (ret)
		return ret;
	wait_for_completion(&done);
	return rq->status;
}

static phys_addr_t blk_buf_phys(const void *p)
{
	if (is_vmalloc_addr(p)) {
		struct page *page = vmalloc_to_page(p);

		return page_to_phys(page) + offset_in_page(p);
	}
	return __pa(p);
}

static int blkdev_rw(struct block_device *bd, enum blk_op op, u64 off,
		     void *buf, size_t len)
{
	struct blk_request *rq;
	int ret = 0;

	if (off % bd->logical_block_size || len % bd->logical_block_size)
		return -EINVAL;
	if (off > bd->nr_sectors << SECTOR_SHIFT ||
	    len > (bd->nr_sectors << SECTOR_SHIFT) - off)
		return -EINVAL;
	rq = kmalloc(sizeof(*rq), GFP_KERNEL);
	if (!rq)
		return -ENOMEM;
	while (len && !ret) {
		u64 done = 0;

		memset(rq, 0, sizeof(*rq));
		rq->op = op;
		rq->sector = off >> SECTOR_SHIFT;
		/* Segments end at page boundaries, whole sectors each. */
		while (len && rq->nr_segs < BLK_MAX_SEGS) {
			u8 *p = (u8 *)buf + done;
			size_t n = min(len, (size_t)(
					 PAGE_SIZE - offset_in_page(p)));

			if (n % SECTOR_SIZE) {
				ret = -EINVAL;	/* a sector across pages */
				break;
			}
			rq->seg[rq->nr_segs].phys = blk_buf_phys(p);
			rq->seg[rq->nr_segs].len = n;
			rq->nr_segs++;
			done += n;
			len -= n;
		}
		if (ret || !done)
			break;
		ret = blk_execute(bd, rq);
		off += done;
		buf = (u8 *)buf + done;
	}
	kfree(rq);
	return ret;
}

int blkdev_read(struct block_device *bd, u64 off, void *buf, size_t len)
{
	return blkdev_rw(bd, BLK_READ, off, buf, len);
}

int blkdev_write(struct block_device *bd, u64 off, const void *buf,
		 size_t len)
{
	return blkdev_rw(bd, BLK_WRITE, off, (void *)buf, len);
}

int blkdev_flush(struct block_device *bd)
{
	struct blk_request rq = { .op = BLK_FLUSH };

	return blk_execute(bd, &rq);
}
