/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block layer (drivers/block/core.c): disks found by the drivers
 * (virtio-blk, NVMe), requests of one or more pages with a bounded queue
 * depth, and synchronous helpers for callers that wait.  Described in
 * Documentation/storage.md.
 */
#ifndef _TESSERA_BLKDEV_H
#define _TESSERA_BLKDEV_H

#include <tessera/types.h>
#include <tessera/list.h>
#include <tessera/completion.h>
#include <tessera/semaphore.h>

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1 << SECTOR_SHIFT)

/* Most segments (each within one page) one request carries. */
#define BLK_MAX_SEGS		32

enum blk_op {
	BLK_READ,
	BLK_WRITE,
	BLK_FLUSH,		/* everything written so far is durable */
};

struct blk_seg {
	phys_addr_t phys;	/* DMA address of the bytes */
	u32 len;		/* a multiple of SECTOR_SIZE, within one page */
};

struct blk_request {
	enum blk_op op;
	u64 sector;		/* first sector, SECTOR_SIZE units */
	unsigned int nr_segs;
	struct blk_seg seg[BLK_MAX_SEGS];
	int status;		/* 0 or a negative errno, set by the driver */
	/* Called once by blk_complete(), in any context (an interrupt too). */
	void (*end_io)(struct blk_request *rq);
	void *private;
	struct list_head queue;	/* the driver's own use */
};

struct block_device;

struct block_device_ops {
	/*
	 * Start rq; the block layer never has more than bd->queue_depth
	 * requests in flight.  A driver that cannot start it returns a
	 * negative errno and does not complete it; otherwise it sets
	 * rq->status and calls blk_complete() once, from any context.
	 */
	int (*submit)(struct block_device *bd, struct blk_request *rq);
};

struct block_device {
	char name[16];		/* "vda", "nvme0n1" */
	char model[48];		/* what the device says it is */
	u64 nr_sectors;		/* capacity in SECTOR_SIZE units */
	u32 logical_block_size;	/* bytes; I/O must be a multiple */
	unsigned int queue_depth;
	bool read_only;		/* writes fail with -EROFS */
	const struct block_device_ops *ops;
	void *driver_data;
	struct semaphore slots;	/* queue_depth free slots */
	struct list_head list;
	/* Counters. */
	u64 nr_reads, nr_writes, nr_flushes, nr_errors;
	u64 bytes_read, bytes_written;
};

/*
 * Probe the disk drivers configured in (after pci_init()); each registers
 * the disks it brings up.
 */
#ifdef CONFIG_BLOCK
void blk_init(void);
#else
static inline void blk_init(void) { }
#endif
void virtio_blk_init(void);
void nvme_init(void);

/* A driver registers each disk it has brought up; logs name, model, size. */
int blkdev_register(struct block_device *bd);

/* A driver's completion of rq: counts it, frees its slot, ends it. */
void blk_complete(struct block_device *bd, struct blk_request *rq);

/* The first registered disk, or NULL when the node has none. */
struct block_device *blkdev_first(void);
struct block_device *blkdev_get(const char *name);

/*
 * Asynchronous: waits for a free slot (sleeps), then submits; end_io
 * runs when it is done.  The caller's rq and pages stay valid until then.
 */
int blk_submit(struct block_device *bd, struct blk_request *rq);

/*
 * Synchronous I/O of len bytes at byte offset off (both multiples of
 * logical_block_size) to or from the kernel buffer buf (any kernel
 * virtual address of the direct map or the heap; split into pages and
 * requests as needed).  0 or a negative errno (-EIO, -EINVAL past the
 * end of the disk).
 */
int blkdev_read(struct block_device *bd, u64 off, void *buf, size_t len);
int blkdev_write(struct block_device *bd, u64 off, const void *buf,
		 size_t len);
int blkdev_flush(struct block_device *bd);

#endif /* _TESSERA_BLKDEV_H */
