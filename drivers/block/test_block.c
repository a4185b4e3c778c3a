// SPDX-License-Identifier: GPL-2.0
/*
 * block_rw: the first disk, read and written through the block layer.
 * It overwrites the disk, so it runs only when named (tests/91-block.sh
 * boots a storage node on a scratch image).  On a read-only disk it
 * only reads.  At the end it leaves
 * BLOCK_RW_HOST_LEN bytes of block_rw_host_byte() at BLOCK_RW_HOST_OFF
 * for the host to check in the image, and zeros just before them.
 */
#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/blkdev.h>
#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/jiffies.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>
#include <asm/page.h>

#define BLOCK_RW_HOST_OFF	(3 << 20)
#define BLOCK_RW_HOST_LEN	8192
#define BLOCK_RW_MIN_DISK	(16 << 20)

/* The host recomputes these (tests/91-block.sh). */
static u8 block_rw_host_byte(unsigned int i)
{
	return (u8)(i * 7 + 13);
}

/* Distinct per byte offset and per pass, so a stale sector shows. */
static void fill(u8 *buf, size_t len, u64 off, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)((off + i) * 31 + ((off + i) >> 9) + seed * 101);
}

static int check(const u8 *buf, size_t len, u64 off, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		u8 want = (u8)((off + i) * 31 + ((off + i) >> 9) + seed * 101);

		if (buf[i] != want)
			return selftest_fail("byte %llu: %#x, expected %#x",
					     off + i, buf[i], want);
	}
	return 0;
}

/* Write a pattern at off, read it back, compare. */
static int rw_round(struct block_device *bd, void *wbuf, void *rbuf,
		    u64 off, size_t len, unsigned int seed)
{
	int ret;

	fill(wbuf, len, off, seed);
	memset(rbuf, 0xa5, len);
	ret = blkdev_write(bd, off, wbuf, len);
	if (ret)
		return selftest_fail("write of %zu bytes at %llu: %d", len, off, ret);
	ret = blkdev_read(bd, off, rbuf, len);
	if (ret)
		return selftest_fail("read of %zu bytes at %llu: %d", len, off, ret);
	return check(rbuf, len, off, seed);
}

/* Concurrent part: each thread drives its own region asynchronously. */
#define CONC_THREADS	4
#define CONC_REQS	32	/* per thread and pass */
#define CONC_PAGES	4	/* per request */
#define CONC_REGION	(CONC_REQS * CONC_PAGES * PAGE_SIZE)
#define CONC_BASE	(4 << 20)

struct conc_ctx {
	struct block_device *bd;
	atomic_t inflight;
	atomic_t max_inflight;
	atomic_t errors;
};

struct conc_thread {
	struct conc_ctx *ctx;
	unsigned int id;
	u8 *buf;			/* CONC_REGION bytes, contiguous */
	struct blk_request *rqs;	/* CONC_REQS */
	atomic_t pending;
	struct completion all_done;
	struct completion exited;
	int result;
};

static void conc_end_io(struct blk_request *rq)
{
	struct conc_thread *t = rq->private;

	atomic_dec(&t->ctx->inflight);
	if (rq->status)
		atomic_inc(&t->ctx->errors);
	if (atomic_dec_and_test(&t->pending))
		complete(&t->all_done);
}

/* Submit CONC_REQS requests of the region at once; wait for all. */
static int conc_pass(struct conc_thread *t, enum blk_op op)
{
	struct conc_ctx *ctx = t->ctx;
	u64 base = CONC_BASE + (u64)t->id * CONC_REGION;
	unsigned int r, p;
	int ret;

	reinit_completion(&t->all_done);
	atomic_set(&t->pending, CONC_REQS);
	for (r = 0; r < CONC_REQS; r++) {
		struct blk_request *rq = &t->rqs[r];
		int now, max;

		memset(rq, 0, sizeof(*rq));
		rq->op = op;
		rq->sector = (base + (u64)r * CONC_PAGES * PAGE_SIZE) >> SECTOR_SHIFT;
		rq->nr_segs = CONC_PAGES;
		for (p = 0; p < CONC_PAGES; p++) {
			rq->seg[p].phys = __pa(t->buf + (r * CONC_PAGES + p) * PAGE_SIZE);
			rq->seg[p].len = PAGE_SIZE;
		}
		rq->end_io = conc_end_io;
		rq->private = t;
		now = atomic_inc_return(&ctx->inflight);
		ret = blk_submit(ctx->bd, rq);
		if (ret) {
			atomic_dec(&ctx->inflight);
			atomic_inc(&ctx->errors);
			if (atomic_dec_and_test(&t->pending))
				complete(&t->all_done);
			continue;
		}
		/* Counted before the submission: at most one over the depth. */
		max = atomic_read(&ctx->max_inflight);
		while (now > max && atomic_cmpxchg(&ctx->max_inflight, max, now) != max)
			max = atomic_read(&ctx->max_inflight);
	}
	if (!wait_for_completion_timeout(&t->all_done, 60 * HZ))
		return -ETIMEDOUT;
	return 0;
}

static int conc_thread_fn(void *data)
{
	struct conc_thread *t = data;
	u64 base = CONC_BASE + (u64)t->id * CONC_REGION;
	unsigned int pass;

	t->result = 0;
	for (pass = 0; pass < 3 && !t->result; pass++) {
		fill(t->buf, CONC_REGION, base, pass + t->id);
		t->result = conc_pass(t, BLK_WRITE);
		if (t->result)
			break;
		memset(t->buf, 0, CONC_REGION);
		t->result = conc_pass(t, BLK_READ);
		if (!t->result && check(t->buf, CONC_REGION, base, pass + t->id))
			t->result = -EIO;
	}
	complete(&t->exited);
	return 0;
}

static int block_rw_concurrent(struct block_device *bd)
{
	static struct conc_thread threads[CONC_THREADS];
	struct conc_ctx ctx = { .bd = bd };
	unsigned int order = get_order(CONC_REGION), i;
	int ret = 0;

	atomic_set(&ctx.inflight, 0);
	atomic_set(&ctx.max_inflight, 0);
	atomic_set(&ctx.errors, 0);
	for (i = 0; i < CONC_THREADS; i++) {
		struct conc_thread *t = &threads[i];

		memset(t, 0, sizeof(*t));
		t->ctx = &ctx;
		t->id = i;
		t->buf = (u8 *)__get_free_pages(GFP_KERNEL, order);
		t->rqs = kcalloc(CONC_REQS, sizeof(*t->rqs), GFP_KERNEL);
		init_completion(&t->all_done);
		init_completion(&t->exited);
		if (!t->buf || !t->rqs) {
			ret = selftest_fail("out of memory");
			goto out;
		}
	}
	for (i = 0; i < CONC_THREADS; i++) {
		struct task_struct *k = kthread_run(conc_thread_fn, &threads[i],
						    "blk_rw/%u", i);

		if (IS_ERR(k)) {
			threads[i].result = PTR_ERR(k);
			complete(&threads[i].exited);
		}
	}
	for (i = 0; i < CONC_THREADS; i++) {
		wait_for_completion(&threads[i].exited);
		if (threads[i].result && !ret)
			ret = selftest_fail("thread %u: %d", i, threads[i].result);
	}
	pr_info("selftest: block_rw: %u threads, %u requests, up to %d in flight (queue depth %u)\n",
		CONC_THREADS, CONC_THREADS * CONC_REQS * 6,
		atomic_read(&ctx.max_inflight), bd->queue_depth);
	if (!ret && atomic_read(&ctx.errors))
		ret = selftest_fail("%d requests failed", atomic_read(&ctx.errors));
	/* Several threads' requests must have been in flight together. */
	if (!ret && bd->queue_depth > 1 && atomic_read(&ctx.max_inflight) < 2)
		ret = selftest_fail("never more than one request in flight");
	if (!ret && atomic_read(&ctx.max_inflight) > (int)bd->queue_depth + CONC_THREADS)
		ret = selftest_fail("%d in flight, queue depth %u",
				    atomic_read(&ctx.max_inflight), bd->queue_depth);
out:
	for (i = 0; i < CONC_THREADS; i++) {
		if (threads[i].buf)
			free_pages((unsigned long)threads[i].buf, order);
		kfree(threads[i].rqs);
	}
	return ret;
}

static void nop_end_io(struct blk_request *rq)
{
}

static int block_rw_run(struct block_device *bd, u8 *wbuf, u8 *rbuf)
{
	u64 size = bd->nr_sectors << SECTOR_SHIFT;
	u32 lbs = bd->logical_block_size;
	struct blk_request *rq;
	unsigned int i;
	int ret;

	/* One block, at the start and at the very end of the disk. */
	ret = rw_round(bd, wbuf, rbuf, 0, lbs, 1);
	if (!ret)
		ret = rw_round(bd, wbuf, rbuf, size - lbs, lbs, 2);
	/* Overwrite: the new data, not the old. */
	if (!ret)
		ret = rw_round(bd, wbuf, rbuf, 0, lbs, 3);
	/* One request of BLK_MAX_SEGS pages, then several requests. */
	if (!ret)
		ret = rw_round(bd, wbuf, rbuf, 1 << 20, BLK_MAX_SEGS * PAGE_SIZE, 4);
	if (!ret)
		ret = rw_round(bd, wbuf, rbuf, 1 << 20, 3 * BLK_MAX_SEGS * PAGE_SIZE, 5);
	/* Buffers not page-aligned: segments split at page boundaries. */
	if (!ret)
		ret = rw_round(bd, wbuf + lbs, rbuf + lbs, 2 << 20, 16 * PAGE_SIZE, 6);
	if (ret)
		return ret;

	/* Past the end, and across it. */
	ST_EQ(blkdev_read(bd, size, rbuf, lbs), -EINVAL);
	ST_EQ(blkdev_read(bd, size - lbs, rbuf, 2 * lbs), -EINVAL);
	ST_EQ(blkdev_write(bd, size - lbs, wbuf, 2 * lbs), -EINVAL);
	ST_EQ(blkdev_read(bd, 1, rbuf, lbs), -EINVAL);	/* misaligned */
	rq = kzalloc(sizeof(*rq), GFP_KERNEL);
	ST_ASSERT(rq);
	rq->op = BLK_READ;
	rq->sector = bd->nr_sectors;
	rq->nr_segs = 1;
	rq->seg[0].phys = __pa(rbuf);
	rq->seg[0].len = lbs;
	rq->end_io = nop_end_io;
	ret = blk_submit(bd, rq);
	kfree(rq);
	ST_EQ(ret, -EINVAL);
	/* The data next to the end is intact. */
	ST_EQ(blkdev_read(bd, size - lbs, rbuf, lbs), 0);
	ret = check(rbuf, lbs, size - lbs, 2);
	if (ret)
		return ret;

	ST_EQ(blkdev_flush(bd), 0);

	ret = block_rw_concurrent(bd);
	if (ret)
		return ret;

	/* For the host: a known pattern after a zeroed block, then flushed. */
	memset(wbuf, 0, lbs);
	ST_EQ(blkdev_write(bd, BLOCK_RW_HOST_OFF - lbs, wbuf, lbs), 0);
	for (i = 0; i < BLOCK_RW_HOST_LEN; i++)
		wbuf[i] = block_rw_host_byte(i);
	ST_EQ(blkdev_write(bd, BLOCK_RW_HOST_OFF, wbuf, BLOCK_RW_HOST_LEN), 0);
	ST_EQ(blkdev_read(bd, BLOCK_RW_HOST_OFF, rbuf, BLOCK_RW_HOST_LEN), 0);
	ST_ASSERT(!memcmp(wbuf, rbuf, BLOCK_RW_HOST_LEN));
	ST_EQ(blkdev_flush(bd), 0);
	ST_ASSERT(bd->nr_errors == 0);
	ST_ASSERT(bd->nr_flushes >= 2);
	return 0;
}

/*
 * A read-only disk: reads work (the host put block_rw's host pattern at
 * BLOCK_RW_HOST_OFF), writes fail with -EROFS, a flush is harmless.
 */
static int block_ro_run(struct block_device *bd, u8 *buf)
{
	unsigned int i;

	ST_EQ(blkdev_read(bd, BLOCK_RW_HOST_OFF, buf, BLOCK_RW_HOST_LEN), 0);
	for (i = 0; i < BLOCK_RW_HOST_LEN; i++)
		if (buf[i] != block_rw_host_byte(i))
			return selftest_fail("read-only %s: byte %u is %#x, expected %#x",
					     bd->name, i, buf[i], block_rw_host_byte(i));
	ST_EQ(blkdev_write(bd, BLOCK_RW_HOST_OFF, buf, BLOCK_RW_HOST_LEN), -EROFS);
	ST_EQ(blkdev_write(bd, 0, buf, bd->logical_block_size), -EROFS);
	ST_EQ(blkdev_flush(bd), 0);
	ST_EQ(bd->nr_writes, 0);
	pr_info("selftest: block_rw: %s is read-only: reads only\n", bd->name);
	return 0;
}

SELFTEST_EXPLICIT_ONLY(block_rw)
{
	struct block_device *bd = blkdev_first();
	size_t len = 3 * BLK_MAX_SEGS * PAGE_SIZE + PAGE_SIZE;
	u8 *wbuf, *rbuf;
	int ret;

	if (!bd)
		return selftest_skip("no disk");
	if (bd->nr_sectors << SECTOR_SHIFT < BLOCK_RW_MIN_DISK)
		return selftest_fail("%s: %llu sectors, at least %u MiB needed",
				     bd->name, bd->nr_sectors,
				     BLOCK_RW_MIN_DISK >> 20);
	/* vmalloc: pages not contiguous, each segment looked up. */
	wbuf = vmalloc(len);
	rbuf = vmalloc(len);
	if (!wbuf || !rbuf)
		ret = selftest_fail("out of memory");
	else if (bd->read_only)
		ret = block_ro_run(bd, rbuf);
	else
		ret = block_rw_run(bd, wbuf, rbuf);
	vfree(wbuf);
	vfree(rbuf);
	return ret;
}

/*
 * I/O errors: tests/91-block.sh has QEMU's blkdebug fail every read and
 * write touching sector BLOCK_IOERR_SECTOR; the driver turns the device's
 * IOERR status into -EIO, and the disk keeps working.
 */
#define BLOCK_IOERR_SECTOR	4096

SELFTEST_EXPLICIT_ONLY(block_ioerr)
{
	struct block_device *bd = blkdev_first();
	u64 bad = (u64)BLOCK_IOERR_SECTOR << SECTOR_SHIFT;
	u64 errors;
	u8 *buf;
	int ret = 0;

	if (!bd)
		return selftest_skip("no disk");
	buf = (u8 *)__get_free_pages(GFP_KERNEL, 1);
	ST_ASSERT(buf);
	errors = bd->nr_errors;
	memset(buf, 0x5a, 2 * PAGE_SIZE);
	if (blkdev_read(bd, bad, buf, SECTOR_SIZE) != -EIO ||
	    blkdev_write(bd, bad, buf, SECTOR_SIZE) != -EIO ||
	    blkdev_read(bd, bad - PAGE_SIZE, buf, 2 * PAGE_SIZE) != -EIO)
		ret = selftest_fail("I/O at sector %u did not fail with -EIO",
				    BLOCK_IOERR_SECTOR);
	else if (bd->nr_errors - errors != 3)
		ret = selftest_fail("%llu errors counted, 3 expected",
				    bd->nr_errors - errors);
	else if (blkdev_write(bd, bad - PAGE_SIZE, buf, PAGE_SIZE) ||
		 blkdev_read(bd, bad - PAGE_SIZE, buf + PAGE_SIZE, PAGE_SIZE) ||
		 memcmp(buf, buf + PAGE_SIZE, PAGE_SIZE) ||
		 blkdev_flush(bd))
		ret = selftest_fail("I/O beside sector %u failed",
				    BLOCK_IOERR_SECTOR);
	free_pages((unsigned long)buf, 1);
	return ret;
}
