// SPDX-License-Identifier: GPL-2.0
/*
 * The file page cache: pages of the storage node's files, keyed by
 * (storage node, inode, generation, page index), filled from S with
 * SPOP_READ (read-ahead when sequential) and written back with
 * SPOP_WRITE by a background thread, on FSYNC and at shutdown.  The
 * processors' SPOP_READ and SPOP_WRITE are served from here (fileserv.c),
 * as are the loader's reads and the file mappings (struct fsource).
 *
 * One mutex (pc_mutex) protects everything here, calls to S included:
 * file I/O is serialised on M, which keeps write-back, eviction and the
 * size bookkeeping simple.  Lock order: a space's mutex, then pc_mutex.
 * Documentation/memory-manager.md, "File page cache".
 */
#define pr_fmt(fmt) "memory: " fmt

#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fabric.h>
#include <tessera/fit.h>
#include <tessera/init.h>
#include <tessera/jiffies.h>
#include <tessera/kthread.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/wait.h>

#include <uapi/linux/stat.h>

#include "internal.h"
#include "pagecache.h"

#define PC_IO_PAGES		(SP_IO_MAX / PAGE_SIZE)
#define PC_FLUSH_MS		3000
#define PC_MIN_PAGES		16

DEFINE_MUTEX(pc_mutex);
static struct rb_root pc_files = RB_ROOT;
static LIST_HEAD(pc_lru);		/* every page; the head is the newest */
static unsigned long pc_budget_bytes;	/* pagecache=; 0: the default */
unsigned long pc_budget;		/* pages */
struct pc_stats pc_stats;
static u32 pc_snode = FABRIC_NO_NODE;
static pc_backend_t pc_backend;		/* a fake storage node (self-tests) */
static bool pc_wb_failing;		/* logged that S cannot take pages */
static struct task_struct *pc_flusher;
static DECLARE_WAIT_QUEUE_HEAD(pc_flush_wq);
/*
 * Bounce buffers (under pc_mutex) of READ replies and WRITE requests: a
 * fill may evict, and eviction may write back, in between.
 */
static u8 *pc_rdbuf, *pc_wrbuf;

static int parse_pagecache(char *val)
{
	char *end;

	if (!val)
		return -EINVAL;
	pc_budget_bytes = memparse(val, &end);
	if (*end || pc_budget_bytes < PC_MIN_PAGES * PAGE_SIZE)
		return -EINVAL;
	return 0;
}
early_param("pagecache", parse_pagecache);

/* ------------------------------------------------------ storage node -- */

static void page_drop(struct pc_page *pg);

/* Forget every cached page, dirty or not (the backend changes). */
static void pc_drop_all(void)
{
	struct pc_page *pg, *tmp;

	list_for_each_entry_safe(pg, tmp, &pc_lru, lru)
		if (pg->file->node == PC_FAKE_NODE || !pc_backend)
			page_drop(pg);
}

void pagecache_set_backend(pc_backend_t fn)
{
	mutex_lock(&pc_mutex);
	pc_drop_all();
	pc_backend = fn;
	mutex_unlock(&pc_mutex);
}

u32 pagecache_storage_node(void)
{
	if (READ_ONCE(pc_backend))
		return PC_FAKE_NODE;
#ifdef CONFIG_INFINIBAND_SHM
	/* Sticky: once S was seen, a dead S is -EIO, not the archive. */
	if (READ_ONCE(pc_snode) == FABRIC_NO_NODE && fabric_joined() &&
	    fabric_count_alive(SHMF_ROLE_STORAGE)) {
		struct fabric_node_info info;
		u32 id;

		for (id = 0; id < SHMF_MAX_NODES; id++)
			if (fabric_node_info(id, &info) &&
			    info.role == SHMF_ROLE_STORAGE &&
			    info.state == SHMF_NODE_UP && fabric_node_alive(id)) {
				WRITE_ONCE(pc_snode, id);
				pr_info("page cache: files come from storage node %u (budget %lu KiB)\n",
					id, pc_budget * (PAGE_SIZE / 1024));
				break;
			}
	}
#endif
	return READ_ONCE(pc_snode);
}

bool pagecache_active(void)
{
	return pagecache_storage_node() != FABRIC_NO_NODE;
}

/* A FIT failure (S dead, unreachable, too slow) rather than S's answer. */
static bool fit_failure(long err)
{
	return err == -EHOSTDOWN || err == -EHOSTUNREACH ||
	       err == -ETIMEDOUT || err == -EPROTO || err == -ENOBUFS ||
	       err == -EMSGSIZE;
}

ssize_t pc_call(u16 op, const void *req, size_t len, void *reply,
		size_t max)
{
	u32 node = pagecache_storage_node();
	ssize_t ret;

	if (pc_backend)
		return pc_backend(op, req, len, reply, max);
	if (node == FABRIC_NO_NODE)
		return -EIO;
#ifdef CONFIG_INFINIBAND_SHM
	{
		unsigned int waited;

		/* Booting: S is alive but FIT has not connected to it yet. */
		for (waited = 0; !fit_node_up(node) && fabric_node_alive(node) &&
		     waited < PC_CALL_TIMEOUT_MS; waited += 20)
			msleep(20);
	}
#endif
	if (!fit_node_up(node))
		return -EIO;
	ret = fit_call(node, op, req, len, reply, max, PC_CALL_TIMEOUT_MS);
	return fit_failure(ret) ? -EIO : ret;
}

/* ------------------------------------------------------------ objects -- */

static int key_cmp(u32 node, u32 ino, u32 gen, const struct pc_file *f)
{
	if (node != f->node)
		return node < f->node ? -1 : 1;
	if (ino != f->ino)
		return ino < f->ino ? -1 : 1;
	if (gen != f->gen)
		return gen < f->gen ? -1 : 1;
	return 0;
}

struct pc_file *pc_file_find(u32 ino, u32 gen)
{
	struct rb_node *n = pc_files.rb_node;
	u32 node = pagecache_storage_node();

	while (n) {
		struct pc_file *f = rb_entry(n, struct pc_file, rb);
		int c = key_cmp(node, ino, gen, f);

		if (!c)
			return f;
		n = c < 0 ? n->rb_left : n->rb_right;
	}
	return NULL;
}

static const struct fsource_ops pc_src_ops;

/* The file (ino, gen) with a reference, created if new; NULL: no memory. */
struct pc_file *pc_file_get(u32 ino, u32 gen)
{
	struct rb_node **link = &pc_files.rb_node, *parent = NULL;
	u32 node = pagecache_storage_node();
	struct pc_file *f;

	while (*link) {
		int c;

		parent = *link;
		f = rb_entry(parent, struct pc_file, rb);
		c = key_cmp(node, ino, gen, f);
		if (!c) {
			f->ref++;
			return f;
		}
		link = c < 0 ? &parent->rb_left : &parent->rb_right;
	}
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	f->src.ops = &pc_src_ops;
	f->node = node;
	f->ino = ino;
	f->gen = gen;
	f->ref = 1;
	f->pages = RB_ROOT;
	rb_link_node(&f->rb, parent, link);
	rb_insert_color(&f->rb, &pc_files);
	pc_stats.files++;
	return f;
}

/* Free f once nothing refers to it and it caches nothing. */
static void pc_file_maybe_free(struct pc_file *f)
{
	if (f->ref || f->nr_pages)
		return;
	rb_erase(&f->rb, &pc_files);
	pc_stats.files--;
	kfree(f);
}

void pc_file_put(struct pc_file *f)
{
	f->ref--;
	pc_file_maybe_free(f);
}

static struct pc_page *to_pc_page(struct mpage *mp)
{
	return mp ? container_of(mp, struct pc_page, mp) : NULL;
}

static struct pc_page *page_lookup(struct pc_file *f, u64 index)
{
	return to_pc_page(mpage_find(&f->pages, index << PAGE_SHIFT));
}

/* The first page at or above index. */
static struct pc_page *page_ceil(struct pc_file *f, u64 index)
{
	return to_pc_page(mpage_ceil(&f->pages, index << PAGE_SHIFT));
}

static struct pc_page *page_next(struct pc_page *pg)
{
	struct rb_node *n = rb_next(&pg->mp.rb);

	return n ? to_pc_page(rb_entry(n, struct mpage, rb)) : NULL;
}

static void page_set_dirty(struct pc_page *pg)
{
	if (pg->dirty)
		return;
	pg->dirty = true;
	pg->file->nr_dirty++;
	pc_stats.dirty++;
	if (pc_stats.dirty > pc_budget / 4)
		wake_up(&pc_flush_wq);
}

static void page_set_clean(struct pc_page *pg)
{
	if (!pg->dirty)
		return;
	pg->dirty = false;
	pg->file->nr_dirty--;
	pc_stats.dirty--;
}

/* Drop pg (its data too, dirty or not); may free its file. */
static void page_drop(struct pc_page *pg)
{
	struct pc_file *f = pg->file;

	page_set_clean(pg);
	rb_erase(&pg->mp.rb, &f->pages);
	list_del(&pg->lru);
	f->nr_pages--;
	pc_stats.pages--;
	free_page((unsigned long)pg->mp.data);
	kfree(pg);
	pc_file_maybe_free(f);
}

static int writeback_run(struct pc_file *f, struct pc_page *first,
			 struct pc_page **next);

/*
 * Make room for one page: evict the least recently used clean page,
 * writing dirty ones back first.  Over the budget with nothing that can
 * go (S unreachable), the cache grows: dirty data is never dropped.
 */
static void pc_reclaim(void)
{
	unsigned long pinned = 0;
	struct pc_page *pg;

	while (pc_stats.pages >= pc_budget && pinned < pc_stats.pages) {
		pg = list_last_entry(&pc_lru, struct pc_page, lru);
		if (pg->file->maps) {
			/* Mapped: it stays; look at the next one. */
			list_move(&pg->lru, &pc_lru);
			pinned++;
			continue;
		}
		if (pg->dirty) {
			struct pc_file *f = pg->file;
			int ret;

			/* Its file must outlive the run; pg is clean after. */
			f->ref++;
			ret = writeback_run(f, pg, NULL);
			pc_file_put(f);
			if (ret == -EIO)
				return;
			continue;
		}
		page_drop(pg);
		pc_stats.evictions++;
	}
}

/* A new zeroed page index of f (not filled); NULL: no memory. */
static struct pc_page *page_new(struct pc_file *f, u64 index)
{
	struct pc_page *pg;

	BUILD_BUG_ON(offsetof(struct pc_page, mp));
	pc_reclaim();
	pg = to_pc_page(mpage_alloc(sizeof(*pg), index << PAGE_SHIFT));
	if (!pg)
		return NULL;
	pg->file = f;
	pg->dirty = false;
	mpage_insert(&f->pages, &pg->mp);
	list_add(&pg->lru, &pc_lru);
	f->nr_pages++;
	pc_stats.pages++;
	return pg;
}

static void page_touch(struct pc_page *pg)
{
	list_move(&pg->lru, &pc_lru);
}

/* ------------------------------------------------------------ fill -- */

/* f's size and mode from S if M does not know them yet. */
int pc_file_attr(struct pc_file *f)
{
	struct sp_handle_req r = { .h = { .ino = f->ino, .gen = f->gen } };
	struct sp_attr a;
	ssize_t n;

	if (f->attr_known)
		return 0;
	n = pc_call(SPOP_GETATTR, &r, sizeof(r), &a, sizeof(a));
	if (n < 0)
		return n;
	if (n != sizeof(a))
		return -EIO;
	pc_file_learn(f, &a);
	return 0;
}

/*
 * What S says about f's attributes: its size is the file's unless M
 * has dirty pages that make the file longer.  Patches a->size then.
 */
void pc_file_learn(struct pc_file *f, struct sp_attr *a)
{
	f->mode = a->mode;
	if (f->attr_known && f->nr_dirty && f->size > a->size)
		a->size = f->size;
	else
		f->size = a->size;
	f->attr_known = true;
}

/*
 * The page index of f, read from S if it is not cached: with the
 * following pages (up to SP_IO_MAX) when reads are sequential.  A page
 * at or past the size is zeros without asking S.  NULL with *err.
 */
static struct pc_page *page_get(struct pc_file *f, u64 index, int *err)
{
	struct sp_io_req r = { .h = { .ino = f->ino, .gen = f->gen } };
	struct pc_page *pg = page_lookup(f, index), *next;
	u64 last = DIV_ROUND_UP(f->size, PAGE_SIZE), nr = 1, i;
	ssize_t n;

	if (pg) {
		pc_stats.hits++;
		page_touch(pg);
		return pg;
	}
	pc_stats.misses++;
	if (index >= last) {
		pg = page_new(f, index);
		if (!pg)
			*err = -ENOMEM;
		return pg;
	}
	if (index == f->ra_next) {
		next = page_ceil(f, index);
		nr = min(min((u64)PC_IO_PAGES, last - index),
			 next ? pc_index(next) - index : (u64)PC_IO_PAGES);
	}
	r.offset = index * PAGE_SIZE;
	r.len = nr * PAGE_SIZE;
	n = pc_call(SPOP_READ, &r, sizeof(r), pc_rdbuf, SP_IO_MAX);
	if (n < 0) {
		*err = n;
		return NULL;
	}
	f->ra_next = index + nr;
	for (i = nr; i-- > 0; ) {
		struct pc_page *p = page_new(f, index + i);

		if (!p) {
			*err = -ENOMEM;
			return NULL;
		}
		if (n > i * PAGE_SIZE)
			memcpy(p->mp.data, pc_rdbuf + i * PAGE_SIZE,
			       min((u64)n - i * PAGE_SIZE, (u64)PAGE_SIZE));
		if (i)
			pc_stats.readahead++;
		pg = p;
	}
	return pg;
}

ssize_t pc_read(struct pc_file *f, u64 off, void *buf, size_t len)
{
	size_t done = 0;
	int err = 0;

	if (off >= f->size)
		return 0;
	len = min((u64)len, f->size - off);
	while (done < len) {
		u64 index = (off + done) >> PAGE_SHIFT;
		size_t in = (off + done) & (PAGE_SIZE - 1);
		size_t n = min(len - done, PAGE_SIZE - in);
		struct pc_page *pg = page_get(f, index, &err);

		if (!pg)
			return done ? done : err;
		memcpy(buf + done, pg->mp.data + in, n);
		done += n;
	}
	return done;
}

ssize_t pc_write(struct pc_file *f, u64 off, const void *buf, size_t len)
{
	size_t done = 0;
	int err = 0;

	while (done < len) {
		u64 pos = off + done, index = pos >> PAGE_SHIFT;
		size_t in = pos & (PAGE_SIZE - 1);
		size_t n = min(len - done, PAGE_SIZE - in);
		struct pc_page *pg = page_lookup(f, index);

		/* A whole page, or one past the end, need not be read. */
		if (!pg && (n == PAGE_SIZE || index * PAGE_SIZE >= f->size)) {
			pg = page_new(f, index);
			if (!pg)
				err = -ENOMEM;
		} else {
			pg = page_get(f, index, &err);
		}
		if (!pg)
			return done ? done : err;
		page_touch(pg);
		memcpy(pg->mp.data + in, buf + done, n);
		page_set_dirty(pg);
		done += n;
		if (pos + n > f->size)
			f->size = pos + n;
	}
	return done;
}

/* ---------------------------------------------------------- write-back -- */

/*
 * Write back the run of contiguous dirty pages of f from first (at most
 * SP_IO_MAX); *next is the page after it.  A FIT failure keeps the pages
 * dirty (-EIO); S's refusal (-ENOSPC, -ESTALE...) drops them, and the
 * file's next FSYNC reports it, as Linux's mapping errors.
 */
static int writeback_run(struct pc_file *f, struct pc_page *first,
			 struct pc_page **next)
{
	struct sp_io_req *r = (struct sp_io_req *)pc_wrbuf;
	struct pc_page *run[PC_IO_PAGES], *pg = first;
	struct sp_write_reply rep;
	unsigned int nr = 0, i;
	u64 pos = pc_index(first) * PAGE_SIZE, len = 0;
	ssize_t n;

	while (pg && pg->dirty && pc_index(pg) == pc_index(first) + nr &&
	       nr < PC_IO_PAGES && pc_index(pg) * PAGE_SIZE < f->size) {
		u64 bytes = min((u64)PAGE_SIZE, f->size - pc_index(pg) * PAGE_SIZE);

		memcpy((u8 *)(r + 1) + len, pg->mp.data, bytes);
		len += bytes;
		run[nr++] = pg;
		pg = page_next(pg);
	}
	if (next)
		*next = pg;
	if (!nr) {
		/* Stored through a mapping past the end: nothing to keep. */
		page_set_clean(first);
		if (next)
			*next = page_next(first);
		return 0;
	}
	r->h.ino = f->ino;
	r->h.gen = f->gen;
	r->offset = pos;
	r->len = len;
	r->flags = 0;
	n = pc_call(SPOP_WRITE, r, sizeof(*r) + len, &rep, sizeof(rep));
	if (n == sizeof(rep) && rep.written == len) {
		for (i = 0; i < nr; i++)
			page_set_clean(run[i]);
		pc_stats.writebacks += nr;
		if (pc_wb_failing) {
			pr_info("page cache: storage node answers again, writing back\n");
			pc_wb_failing = false;
		}
		return 0;
	}
	if (n == -EIO) {
		if (!pc_wb_failing)
			pr_warn("page cache: storage node unreachable: %lu dirty pages kept, retrying\n",
				pc_stats.dirty);
		pc_wb_failing = true;
		return -EIO;
	}
	if (n >= 0)
		n = -EIO;	/* short: S is out of space, most likely */
	/* -ESTALE: the file was deleted, its data is not wanted. */
	if (n != -ESTALE)
		pr_warn_ratelimited("page cache: storage node refused %u pages of inode %u at %llu: %zd; dropped\n",
				    nr, f->ino, pos, n);
	f->wb_err = n;
	if (next)
		*next = page_next(run[nr - 1]);
	/* The caller's next page is past the run: safe to drop it. */
	for (i = 0; i < nr; i++)
		page_drop(run[i]);
	return n;
}

/* Every dirty page of f; stops at the first FIT failure (-EIO). */
int pc_writeback_file(struct pc_file *f)
{
	struct pc_page *pg;
	int ret = 0, err;

	if (!f->nr_dirty)
		return 0;
	f->ref++;	/* a refused run may drop its last page */
	pg = page_ceil(f, 0);
	while (pg) {
		if (!pg->dirty) {
			pg = page_next(pg);
			continue;
		}
		err = writeback_run(f, pg, &pg);
		if (err == -EIO) {
			ret = err;
			break;
		}
	}
	pc_file_put(f);
	return ret;
}

/* Every dirty page of every file: 0 or -EIO. */
int pc_writeback_all(void)
{
	struct rb_node *n;
	int ret;

	for (n = rb_first(&pc_files); n; ) {
		struct pc_file *f = rb_entry(n, struct pc_file, rb);

		/* f stays (a reference) while we step past it. */
		f->ref++;
		ret = pc_writeback_file(f);
		n = rb_next(n);
		pc_file_put(f);
		if (ret)
			return ret;
	}
	return 0;
}

static int pc_flush_thread(void *arg)
{
	while (!kthread_should_stop()) {
		wait_event_timeout(pc_flush_wq,
				   READ_ONCE(pc_stats.dirty) > pc_budget / 4 ||
				   kthread_should_stop(),
				   msecs_to_jiffies(PC_FLUSH_MS));
		if (!READ_ONCE(pc_stats.dirty))
			continue;
		mutex_lock(&pc_mutex);
		pc_writeback_all();
		mutex_unlock(&pc_mutex);
		/* S unreachable: not again at once. */
		if (pc_wb_failing)
			msleep(PC_FLUSH_MS);
	}
	return 0;
}

/*
 * SETATTR's new size: pages past it go (dirty or not), the tail of the
 * page it ends in reads as zeros.
 */
void pc_truncate(struct pc_file *f, u64 size)
{
	struct pc_page *pg;
	u64 keep = DIV_ROUND_UP(size, PAGE_SIZE);

	f->ref++;
	while ((pg = page_ceil(f, keep)))
		page_drop(pg);
	if ((size & (PAGE_SIZE - 1)) && (pg = page_lookup(f, size >> PAGE_SHIFT)))
		memset(pg->mp.data + (size & (PAGE_SIZE - 1)), 0,
		       PAGE_SIZE - (size & (PAGE_SIZE - 1)));
	f->size = size;
	f->ra_next = 0;
	pc_file_put(f);
}

void pc_log_stats(const char *when)
{
	pr_info("page cache %s: %lu hits, %lu misses, %lu read-ahead pages, %lu write-backs, %lu evictions, %lu dirty, %lu pages of %lu\n",
		when, pc_stats.hits, pc_stats.misses, pc_stats.readahead,
		pc_stats.writebacks, pc_stats.evictions, pc_stats.dirty,
		pc_stats.pages, pc_budget);
}

/* ------------------------------------------------------- file sources -- */

static ssize_t pc_src_read(struct fsource *src, u64 off, void *buf,
			   size_t len)
{
	struct pc_file *f = container_of(src, struct pc_file, src);
	ssize_t ret;

	mutex_lock(&pc_mutex);
	ret = pc_file_attr(f);
	if (!ret)
		ret = pc_read(f, off, buf, len);
	mutex_unlock(&pc_mutex);
	return ret;
}

static int pc_src_write_page(struct fsource *src, u64 index,
			     const void *page)
{
	struct pc_file *f = container_of(src, struct pc_file, src);
	struct pc_page *pg;
	int ret;

	mutex_lock(&pc_mutex);
	ret = pc_file_attr(f);
	if (ret)
		goto out;
	/* Past the end of the file (Linux: SIGBUS at the store): dropped. */
	if (index * PAGE_SIZE >= f->size)
		goto out;
	pg = page_lookup(f, index);
	if (!pg)
		pg = page_new(f, index);
	if (!pg) {
		ret = -ENOMEM;
		goto out;
	}
	page_touch(pg);
	memcpy(pg->mp.data, page, PAGE_SIZE);
	page_set_dirty(pg);
out:
	mutex_unlock(&pc_mutex);
	return ret;
}

static int pc_src_populate(struct fsource *src, u64 off, u64 len)
{
	struct pc_file *f = container_of(src, struct pc_file, src);
	u64 index, last;
	int ret;

	if (!len)
		return 0;
	mutex_lock(&pc_mutex);
	ret = pc_file_attr(f);
	last = (off + len - 1) >> PAGE_SHIFT;
	/* Sequential from the first page: read-ahead does the rest. */
	f->ra_next = off >> PAGE_SHIFT;
	for (index = off >> PAGE_SHIFT; !ret && index <= last; index++)
		if (!page_get(f, index, &ret))
			break;
	mutex_unlock(&pc_mutex);
	return ret;
}

/* An fsource reference: a mapping's or the loader's (f->maps). */
static void pc_src_get(struct fsource *src)
{
	struct pc_file *f = container_of(src, struct pc_file, src);

	mutex_lock(&pc_mutex);
	f->ref++;
	f->maps++;
	mutex_unlock(&pc_mutex);
}

static void pc_src_put(struct fsource *src)
{
	struct pc_file *f = container_of(src, struct pc_file, src);

	mutex_lock(&pc_mutex);
	f->maps--;
	pc_file_put(f);
	mutex_unlock(&pc_mutex);
}

static const struct fsource_ops pc_src_ops = {
	.read = pc_src_read,
	.write_page = pc_src_write_page,
	.populate = pc_src_populate,
	.get = pc_src_get,
	.put = pc_src_put,
};

bool fsource_is_cache(const struct fsource *src)
{
	return src && src->ops == &pc_src_ops;
}

int pagecache_open_exec(const char *path, size_t len, struct fsource **src,
			u64 *size)
{
	struct {
		struct sp_path_req r;
		char path[MEMPROTO_PATH_MAX];
	} *req;
	struct sp_handle_reply rep;
	struct pc_file *f;
	ssize_t n;
	int ret = 0;

	if (len > SP_PATH_MAX)
		return -ENAMETOOLONG;
	req = kmalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->r.flags = 0;
	req->r.path_len = len;
	memcpy(req->path, path, len);
	mutex_lock(&pc_mutex);
	n = pc_call(SPOP_LOOKUP, req, sizeof(req->r) + len, &rep, sizeof(rep));
	kfree(req);
	if (n < 0) {
		ret = n;
		goto out;
	}
	if (n != sizeof(rep)) {
		ret = -EIO;
		goto out;
	}
	if (!S_ISREG(rep.attr.mode) || !(rep.attr.mode & 0111)) {
		ret = -EACCES;
		goto out;
	}
	f = pc_file_get(rep.h.ino, rep.h.gen);
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	pc_file_learn(f, &rep.attr);
	f->maps++;
	*src = &f->src;
	*size = f->size;
out:
	mutex_unlock(&pc_mutex);
	return ret;
}

int pagecache_open_handle(u64 handle, struct fsource **src)
{
	u32 ino = (u32)handle, gen = handle >> 32;
	struct pc_file *f;
	int ret;

	if (!ino)
		return -EBADF;
	mutex_lock(&pc_mutex);
	f = pc_file_get(ino, gen);
	if (!f) {
		mutex_unlock(&pc_mutex);
		return -ENOMEM;
	}
	ret = pc_file_attr(f);
	if (ret == -ESTALE || ret == -ENOENT)
		ret = -EBADF;
	else if (!ret && !S_ISREG(f->mode))
		ret = -ENODEV;
	if (ret) {
		pc_file_put(f);
	} else {
		f->maps++;
		*src = &f->src;
	}
	mutex_unlock(&pc_mutex);
	return ret;
}

void pagecache_init(void)
{
	unsigned long pages = pc_budget_bytes / PAGE_SIZE;

	/* Default: an eighth of M's memory; the rest is for processes. */
	if (!pages)
		pages = totalram_pages / 8;
	pc_budget = max(pages, (unsigned long)PC_MIN_PAGES);
	pc_rdbuf = kmalloc(SP_IO_MAX, GFP_KERNEL);
	pc_wrbuf = kmalloc(sizeof(struct sp_io_req) + SP_IO_MAX, GFP_KERNEL);
	if (!pc_rdbuf || !pc_wrbuf) {
		pr_err("page cache: no memory for its buffer\n");
		return;
	}
	pc_flusher = kthread_run(pc_flush_thread, NULL, "pcflush");
	if (IS_ERR(pc_flusher))
		pr_err("page cache: cannot start the write-back thread\n");
}
