// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces: one per (processor node, tgid), with its VMAs and its
 * backing pages each in a red-black tree keyed by address.  Pages are
 * allocated when first written (a write-back, or exec's stack); a page
 * M never saw reads as zero, or as the file's bytes in a file VMA.
 *
 * After MEMOP_FORK two spaces share backing frames: a frame's page
 * counts its other sharers (struct page _mapcount, atomic: the sharers
 * are locked separately), and a space copies a shared frame before it
 * writes it, so neither sees the other's writes.  backing_pages counts
 * frames, not struct mpage.
 *
 * Locking: space_lock protects the process table and the counters; each
 * space's mutex protects its trees and fields.  A handler takes a
 * reference under space_lock, then the mutex; never the other order.
 */
#define pr_fmt(fmt) "memory: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

#include <uapi/linux/mman.h>

#include "internal.h"

/* Every flag Linux knows (the legacy ones included), for MAP_SHARED_VALIDATE. */
#define MAP_KNOWN_FLAGS		(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | \
				 MAP_32BIT | MAP_GROWSDOWN | MAP_DENYWRITE | \
				 MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | \
				 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | \
				 MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE)

static struct rb_root space_tree = RB_ROOT;
static DEFINE_SPINLOCK(space_lock);
static unsigned long space_count;
static unsigned long backing_pages;

static u64 space_key(u32 node, u32 tgid)
{
	return (u64)node << 32 | tgid;
}

struct mspace *space_alloc(u32 node, u32 tgid)
{
	struct mspace *ms = kzalloc(sizeof(*ms), GFP_KERNEL);

	if (!ms)
		return NULL;
	ms->node = node;
	ms->tgid = tgid;
	refcount_set(&ms->ref, 1);
	mutex_init(&ms->lock);
	ms->vmas = RB_ROOT;
	ms->pages = RB_ROOT;
	ms->mmap_base = MM_MMAP_BASE;
	return ms;
}

struct mspace *space_publish(struct mspace *ms)
{
	struct rb_node **link, *parent = NULL;
	struct mspace *old = NULL;
	u64 key = space_key(ms->node, ms->tgid);

	spin_lock(&space_lock);
	link = &space_tree.rb_node;
	while (*link) {
		struct mspace *o = rb_entry(*link, struct mspace, rb);
		u64 k = space_key(o->node, o->tgid);

		parent = *link;
		if (key == k) {
			old = o;
			rb_erase(&o->rb, &space_tree);
			space_count--;
			/* Search again: erasing rebalanced the tree. */
			link = &space_tree.rb_node;
			parent = NULL;
			continue;
		}
		link = key < k ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&ms->rb, parent, link);
	rb_insert_color(&ms->rb, &space_tree);
	space_count++;
	spin_unlock(&space_lock);
	return old;
}

static struct mspace *space_find_locked(u32 node, u32 tgid)
{
	struct rb_node *n = space_tree.rb_node;
	u64 key = space_key(node, tgid);

	while (n) {
		struct mspace *ms = rb_entry(n, struct mspace, rb);
		u64 k = space_key(ms->node, ms->tgid);

		if (key == k)
			return ms;
		n = key < k ? n->rb_left : n->rb_right;
	}
	return NULL;
}

struct mspace *space_get(u32 node, u32 tgid)
{
	struct mspace *ms;

	spin_lock(&space_lock);
	ms = space_find_locked(node, tgid);
	if (ms)
		refcount_inc(&ms->ref);
	spin_unlock(&space_lock);
	return ms;
}

void space_put(struct mspace *ms)
{
	if (refcount_dec_and_test(&ms->ref))
		kfree(ms);
}

struct mspace *space_unpublish(u32 node, u32 tgid)
{
	struct mspace *ms;

	spin_lock(&space_lock);
	ms = space_find_locked(node, tgid);
	if (ms) {
		rb_erase(&ms->rb, &space_tree);
		space_count--;
	}
	spin_unlock(&space_lock);
	return ms;
}

struct mspace *space_unpublish_node(u32 node)
{
	struct rb_node *n;
	struct mspace *ms = NULL;
	u64 key = space_key(node, 0);

	spin_lock(&space_lock);
	/* The first key at or above (node, 0). */
	for (n = space_tree.rb_node; n; ) {
		struct mspace *o = rb_entry(n, struct mspace, rb);

		if (space_key(o->node, o->tgid) >= key) {
			ms = o;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	if (ms && ms->node != node)
		ms = NULL;
	if (ms) {
		rb_erase(&ms->rb, &space_tree);
		space_count--;
	}
	spin_unlock(&space_lock);
	return ms;
}

unsigned long space_nr_processes(void)
{
	return READ_ONCE(space_count);
}

unsigned long space_nr_backing_pages(void)
{
	return READ_ONCE(backing_pages);
}

/* --------------------------------------------------------------- pages -- */

/* The other backing pages that share data's frame (fork). */
static atomic_t *frame_sharers(void *data)
{
	return &virt_to_page(data)->_mapcount;
}

static void backing_pages_add(long n)
{
	spin_lock(&space_lock);
	backing_pages += n;
	spin_unlock(&space_lock);
}

/* Drop one user of a frame; the last one frees it. */
static void frame_put(void *data)
{
	if (atomic_dec_return(frame_sharers(data)) < 0) {
		free_page((unsigned long)data);
		backing_pages_add(-1);
	}
}

/*
 * Before pg is written: a frame it shares becomes its own copy.  Two
 * sharers breaking at once both copy; the decrement that finds no other
 * user frees the old frame.  0 or -ENOMEM.
 */
static int page_unshare(struct mpage *pg)
{
	unsigned long data;

	if (!atomic_read(frame_sharers(pg->data)))
		return 0;
	data = __get_free_page(GFP_KERNEL | __GFP_NOWARN);
	if (!data)
		return -ENOMEM;
	memcpy((void *)data, pg->data, PAGE_SIZE);
	atomic_set(frame_sharers((void *)data), 0);
	backing_pages_add(1);
	frame_put(pg->data);
	pg->data = (void *)data;
	return 0;
}

struct mpage *mpage_find(struct rb_root *root, u64 addr)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct mpage *p = rb_entry(n, struct mpage, rb);

		if (addr == p->addr)
			return p;
		n = addr < p->addr ? n->rb_left : n->rb_right;
	}
	return NULL;
}

struct mpage *mpage_ceil(struct rb_root *root, u64 addr)
{
	struct rb_node *n = root->rb_node;
	struct mpage *best = NULL;

	while (n) {
		struct mpage *p = rb_entry(n, struct mpage, rb);

		if (p->addr >= addr) {
			best = p;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

void mpage_insert(struct rb_root *root, struct mpage *pg)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = pg->addr < rb_entry(parent, struct mpage, rb)->addr ?
		       &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&pg->rb, parent, link);
	rb_insert_color(&pg->rb, root);
}

/* A shared file mapping of the page cache: it has no backing pages. */
static bool vma_cache_shared(const struct mvma *v)
{
	return v->file && (v->flags & MP_VMA_SHARED);
}

/*
 * The file's bytes for the page at base of file VMA v, zeros after them:
 * 1, or 0 if the page shows no file bytes (page untouched), or -errno.
 */
static int vma_file_fill(struct mvma *v, u64 base, void *page)
{
	u64 n;
	ssize_t got;

	if (!v->file || base >= v->fend)
		return 0;
	n = min(v->fend - base, (u64)PAGE_SIZE);
	got = v->file->ops->read(v->file, v->off + (base - v->start), page, n);
	if (got <= 0)
		return got;
	memset(page + got, 0, PAGE_SIZE - got);
	return 1;
}

/* The backing page of addr, allocated (with the VMA's view) if needed. */
struct mpage *mpage_alloc(size_t size, u64 addr)
{
	struct mpage *pg = kmalloc(size, GFP_KERNEL);
	unsigned long data = get_zeroed_page(GFP_KERNEL | __GFP_NOWARN);

	if (!pg || !data) {
		kfree(pg);
		if (data)
			free_page(data);
		return NULL;
	}
	pg->addr = addr;
	pg->data = (void *)data;
	return pg;
}

static struct mpage *page_get(struct mspace *ms, struct mvma *v, u64 addr)
{
	struct mpage *pg = mpage_find(&ms->pages, addr);
	int ret;

	if (pg)
		return pg;
	pg = mpage_alloc(sizeof(*pg), addr);
	if (!pg)
		return ERR_PTR(-ENOMEM);
	ret = vma_file_fill(v, addr, pg->data);
	if (ret < 0) {
		free_page((unsigned long)pg->data);
		kfree(pg);
		return ERR_PTR(ret);
	}
	atomic_set(frame_sharers(pg->data), 0);
	mpage_insert(&ms->pages, pg);
	ms->nr_pages++;
	backing_pages_add(1);
	return pg;
}

/* The backing page of addr, allocated if needed and not shared. */
static struct mpage *page_get_private(struct mspace *ms, struct mvma *v,
				      u64 addr)
{
	struct mpage *pg = page_get(ms, v, addr);

	if (IS_ERR(pg))
		return pg;
	return page_unshare(pg) ? ERR_PTR(-ENOMEM) : pg;
}

static void page_free(struct mspace *ms, struct mpage *pg)
{
	rb_erase(&pg->rb, &ms->pages);
	frame_put(pg->data);
	kfree(pg);
	ms->nr_pages--;
}

static unsigned long pages_free_range(struct mspace *ms, u64 start, u64 end)
{
	struct mpage *pg;
	unsigned long n = 0;

	while ((pg = mpage_ceil(&ms->pages, start)) && pg->addr < end) {
		page_free(ms, pg);
		n++;
	}
	return n;
}

/* ---------------------------------------------------------------- VMAs -- */

struct mvma *vma_find(struct mspace *ms, u64 addr)
{
	struct rb_node *n = ms->vmas.rb_node;

	while (n) {
		struct mvma *v = rb_entry(n, struct mvma, rb);

		if (addr < v->start)
			n = n->rb_left;
		else if (addr >= v->end)
			n = n->rb_right;
		else
			return v;
	}
	return NULL;
}

/* The first VMA that ends above addr (Linux's find_vma()). */
static struct mvma *vma_next_after(struct mspace *ms, u64 addr)
{
	struct rb_node *n = ms->vmas.rb_node;
	struct mvma *best = NULL;

	while (n) {
		struct mvma *v = rb_entry(n, struct mvma, rb);

		if (v->end > addr) {
			best = v;
			if (v->start <= addr)
				break;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

static struct mvma *vma_next(struct mvma *v)
{
	struct rb_node *n = rb_next(&v->rb);

	return n ? rb_entry(n, struct mvma, rb) : NULL;
}

static bool range_is_free(struct mspace *ms, u64 start, u64 end)
{
	struct mvma *v = vma_next_after(ms, start);

	return !v || v->start >= end;
}

static void vma_insert(struct mspace *ms, struct mvma *nv)
{
	struct rb_node **link = &ms->vmas.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = nv->start < rb_entry(parent, struct mvma, rb)->start ?
		       &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&nv->rb, parent, link);
	rb_insert_color(&nv->rb, &ms->vmas);
	ms->nr_vmas++;
}

static struct mvma *kmemdup_mvma(const struct mvma *v)
{
	struct mvma *nv = kmalloc(sizeof(*nv), GFP_KERNEL);

	if (nv) {
		*nv = *v;
		fsource_get(nv->file);
	}
	return nv;
}

static void vma_remove(struct mspace *ms, struct mvma *v)
{
	rb_erase(&v->rb, &ms->vmas);
	ms->nr_vmas--;
	fsource_put(v->file);
	kfree(v);
}

/* Split v at addr (inside it): v keeps the lower part. */
static int vma_split(struct mspace *ms, struct mvma *v, u64 addr)
{
	struct mvma *hi;

	if (ms->nr_vmas >= MM_MAX_VMAS)
		return -ENOMEM;
	hi = kmalloc(sizeof(*hi), GFP_KERNEL);
	if (!hi)
		return -ENOMEM;
	*hi = *v;
	hi->start = addr;
	if (hi->file) {
		hi->off = v->off + (addr - v->start);
		fsource_get(hi->file);
	}
	v->end = addr;
	vma_insert(ms, hi);
	return 0;
}

void vma_to_wire(const struct mvma *v, struct mp_vma *w)
{
	w->start = v->start;
	w->end = v->end;
	w->prot = v->prot;
	w->flags = v->flags & MV_WIRE_FLAGS;
}

/* Unmap [start, end): split the VMAs at the edges, drop what is inside. */
int space_unmap(struct mspace *ms, u64 start, u64 end)
{
	struct mvma *v = vma_next_after(ms, start), *next;
	int ret;

	if (v && v->start < start && v->end > end) {
		/* A hole in the middle of one VMA needs two splits. */
		ret = vma_split(ms, v, start);
		if (ret)
			return ret;
		v = vma_next(v);
	}
	while (v && v->start < end) {
		if (v->start < start) {
			ret = vma_split(ms, v, start);
			if (ret)
				return ret;
			v = vma_next(v);
			continue;
		}
		if (v->end > end) {
			ret = vma_split(ms, v, end);
			if (ret)
				return ret;
		}
		next = vma_next(v);
		vma_remove(ms, v);
		v = next;
	}
	pages_free_range(ms, start, end);
	return 0;
}

/* Map [start, end), replacing whatever was there (MAP_FIXED). */
int vma_map(struct mspace *ms, u64 start, u64 end, u32 prot, u32 flags,
	    struct fsource *file, u64 off, u64 fend, struct mvma **out)
{
	struct mvma *v;
	int ret;

	if (ms->nr_vmas + 2 >= MM_MAX_VMAS)
		return -ENOMEM;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	ret = space_unmap(ms, start, end);
	if (ret) {
		kfree(v);
		return ret;
	}
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	v->file = file;
	fsource_get(file);
	v->off = off;
	v->fend = file ? fend : start;
	vma_insert(ms, v);
	if (out)
		*out = v;
	return 0;
}

unsigned long space_teardown(struct mspace *ms)
{
	struct rb_node *n;
	unsigned long pages = ms->nr_pages;

	while ((n = rb_first(&ms->pages)))
		page_free(ms, rb_entry(n, struct mpage, rb));
	while ((n = rb_first(&ms->vmas)))
		vma_remove(ms, rb_entry(n, struct mvma, rb));
	ms->dead = true;
	return pages;
}

/* ------------------------------------------------------ page transfers -- */

int space_write(struct mspace *ms, u64 addr, const void *buf, size_t len)
{
	while (len) {
		u64 base = ALIGN_DOWN(addr, PAGE_SIZE);
		size_t n = min((u64)len, base + PAGE_SIZE - addr);
		struct mvma *v = vma_find(ms, addr);
		struct mpage *pg;

		if (!v)
			return -EFAULT;
		pg = page_get_private(ms, v, base);
		if (IS_ERR(pg))
			return PTR_ERR(pg);
		memcpy(pg->data + (addr - base), buf, n);
		addr += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Fill page with addr's contents: 1 if it did, 0 if the page reads as
 * zero and M has nothing for it (MP_FILL_ZERO), or -EFAULT.
 */
int space_miss(struct mspace *ms, u64 addr, bool write, void *page,
	       u32 *prot)
{
	struct mvma *v = vma_find(ms, addr);
	struct mpage *pg;
	u64 base = ALIGN_DOWN(addr, PAGE_SIZE);

	if (!v || !v->prot || (write && !(v->prot & MP_PROT_WRITE)))
		return -EFAULT;
	*prot = v->prot;
	pg = vma_cache_shared(v) ? NULL : mpage_find(&ms->pages, base);
	if (pg) {
		memcpy(page, pg->data, PAGE_SIZE);
		return 1;
	}
	return vma_file_fill(v, base, page);
}

/*
 * A dirty page from the processor.  Any VMA takes it, whatever its
 * protection now: it may have been written before an mprotect().
 */
int space_writeback(struct mspace *ms, u64 addr, const void *page)
{
	struct mvma *v = vma_find(ms, addr);
	struct mpage *pg;

	if (!v)
		return -EFAULT;
	/* The page cache's page is the one copy: write() sees the store. */
	if (vma_cache_shared(v))
		return v->file->ops->write_page(v->file,
				(v->off + (addr - v->start)) >> PAGE_SHIFT, page);
	pg = page_get_private(ms, v, addr);
	if (IS_ERR(pg))
		return PTR_ERR(pg);
	memcpy(pg->data, page, PAGE_SIZE);
	return 0;
}

/*
 * child (new, unpublished) becomes a copy of parent (locked): its VMAs,
 * and its pages sharing parent's frames.  0 or -ENOMEM (child is then
 * torn down by the caller).
 */
int space_fork(struct mspace *parent, struct mspace *child)
{
	struct rb_node *n;

	for (n = rb_first(&parent->vmas); n; n = rb_next(n)) {
		struct mvma *v = kmemdup_mvma(rb_entry(n, struct mvma, rb));

		if (!v)
			return -ENOMEM;
		vma_insert(child, v);
	}
	for (n = rb_first(&parent->pages); n; n = rb_next(n)) {
		struct mpage *pp = rb_entry(n, struct mpage, rb);
		struct mpage *pg = kmalloc(sizeof(*pg), GFP_KERNEL);

		if (!pg)
			return -ENOMEM;
		pg->addr = pp->addr;
		pg->data = pp->data;
		atomic_inc(frame_sharers(pg->data));
		mpage_insert(&child->pages, pg);
		child->nr_pages++;
	}
	child->start_brk = parent->start_brk;
	child->brk = parent->brk;
	child->mmap_base = parent->mmap_base;
	strscpy(child->path, parent->path, sizeof(child->path));
	return 0;
}

/* ---------------------------------------------------------------- mmap -- */

/* Linux's top-down search: the highest gap of len below mmap_base. */
static u64 unmapped_area(struct mspace *ms, u64 len, u64 hint)
{
	struct rb_node *n;
	u64 high = ms->mmap_base;

	if (hint && hint >= MM_MMAP_MIN && hint <= MM_TASK_SIZE - len &&
	    range_is_free(ms, hint, hint + len))
		return hint;
	for (n = rb_last(&ms->vmas); n; n = rb_prev(n)) {
		struct mvma *v = rb_entry(n, struct mvma, rb);

		if (v->start >= high)
			continue;
		if (v->end <= high && high - v->end >= len)
			return high - len;
		high = v->start;
	}
	if (high >= MM_MMAP_MIN + len)
		return high - len;
	return 0;
}

int space_mmap(struct mspace *ms, u32 node, const struct mp_mmap_req *r,
	       struct mp_addr_reply *out)
{
	u32 type = r->flags & MAP_TYPE, vflags, prot = r->prot & 7;
	const struct mfile *file = NULL;
	struct fsource *src = NULL;
	u64 len, addr = r->addr, fend = 0;
	struct mvma *v;
	int ret;

	if (r->offset & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!r->len)
		return -EINVAL;
	len = PAGE_ALIGN(r->len);
	if (!len || len > MM_TASK_SIZE)
		return -ENOMEM;
	if (type != MAP_SHARED && type != MAP_PRIVATE &&
	    type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (r->flags & ~MAP_KNOWN_FLAGS))
		return -EOPNOTSUPP;
	if (!(r->flags & MAP_ANONYMOUS)) {
		if ((r->offset >> PAGE_SHIFT) + (len >> PAGE_SHIFT) <
		    (r->offset >> PAGE_SHIFT))
			return -EOVERFLOW;
		if (pagecache_active()) {
			/* Checked last: it takes a reference. */
		} else {
			file = handle_file(node, r->fd_handle);
			if (!file)
				return -EBADF;
			if (!MF_ISREG(file))
				return -ENODEV;
			if (type != MAP_PRIVATE && (prot & MP_PROT_WRITE))
				return -EACCES;
		}
	}
	if (r->flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (addr > MM_TASK_SIZE - len)
			return -ENOMEM;
		if (addr < MM_MMAP_MIN)
			return -EPERM;
		if ((r->flags & MAP_FIXED_NOREPLACE) &&
		    !range_is_free(ms, addr, addr + len))
			return -EEXIST;
	} else {
		addr = unmapped_area(ms, len, ALIGN_DOWN(addr, PAGE_SIZE));
		if (!addr)
			return -ENOMEM;
	}

	if (!(r->flags & MAP_ANONYMOUS) && !file) {
		/*
		 * A storage node's file: the mapping shows the file as it
		 * is at each miss (its size may change), and a shared one
		 * is the page cache's pages themselves.
		 */
		ret = pagecache_open_handle(r->fd_handle, &src);
		if (ret)
			return ret;
		vflags = MP_VMA_FILE | (type != MAP_PRIVATE ? MP_VMA_SHARED : 0);
		ret = vma_map(ms, addr, addr + len, prot, vflags, src,
			      r->offset, MV_FEND_FILE, &v);
		fsource_put(src);
		if (ret)
			return ret;
		out->addr = addr;
		vma_to_wire(v, &out->vma);
		return 0;
	}
	if (file) {
		vflags = MP_VMA_FILE;
		if (type != MAP_PRIVATE)
			vflags |= MV_NOWRITE;
		/*
		 * fend is where the file ends, not the mapping: growing it
		 * with mremap() shows more of the file.  Past the end of the
		 * file reads as zero (Linux: SIGBUS).
		 */
		fend = addr + (r->offset < file->size ?
			       file->size - r->offset : 0);
	} else {
		vflags = MP_VMA_ANON | (type != MAP_PRIVATE ? MP_VMA_SHARED : 0);
	}
	ret = vma_map(ms, addr, addr + len, prot, vflags,
		      file ? (struct fsource *)&file->src : NULL, r->offset,
		      fend, &v);
	if (ret)
		return ret;
	out->addr = addr;
	vma_to_wire(v, &out->vma);
	return 0;
}

/* ------------------------------------------------ mprotect and friends -- */

/* Is [start, end) mapped without holes? */
static bool range_is_mapped(struct mspace *ms, u64 start, u64 end)
{
	struct mvma *v = vma_next_after(ms, start);

	while (v && v->start <= start) {
		if (v->end >= end)
			return true;
		start = v->end;
		v = vma_next(v);
	}
	return false;
}

int space_mprotect(struct mspace *ms, u64 addr, u64 len, u32 prot)
{
	u64 end;
	struct mvma *v;
	int ret;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (prot & ~(7 | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
		return -EINVAL;
	if (!len)
		return 0;
	end = PAGE_ALIGN(addr + len);
	if (end <= addr || end > MM_TASK_SIZE)
		return -ENOMEM;
	if (!range_is_mapped(ms, addr, end))
		return -ENOMEM;
	prot &= 7;
	for (v = vma_find(ms, addr); v && v->start < end; v = vma_next(v))
		if ((v->flags & MV_NOWRITE) && (prot & MP_PROT_WRITE))
			return -EACCES;

	v = vma_find(ms, addr);
	if (v->start < addr) {
		ret = vma_split(ms, v, addr);
		if (ret)
			return ret;
		v = vma_next(v);
	}
	while (v && v->start < end) {
		if (v->end > end) {
			ret = vma_split(ms, v, end);
			if (ret)
				return ret;
		}
		v->prot = prot;
		v = vma_next(v);
	}
	return 0;
}

int space_madvise(struct mspace *ms, u64 addr, u64 len, u32 advice)
{
	u64 end;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	switch (advice) {
	case 0 ... 4:		/* NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED */
	case 8 ... 21:		/* FREE .. POPULATE_WRITE: hints M may ignore */
		break;
	default:
		return -EINVAL;
	}
	end = PAGE_ALIGN(addr + len);
	if (end < addr || (len && end == addr))
		return -EINVAL;
	if (end == addr)
		return 0;
	if (end > MM_TASK_SIZE)
		return -ENOMEM;
	/* The mapped parts get the advice even when there are holes. */
	if (advice == MADV_DONTNEED) {
		struct mvma *v;

		for (v = vma_next_after(ms, addr); v && v->start < end;
		     v = vma_next(v))
			pages_free_range(ms, max(v->start, addr),
					 min(v->end, end));
	}
	return range_is_mapped(ms, addr, end) ? 0 : -ENOMEM;
}

/* ----------------------------------------------------------------- brk -- */

u64 space_brk(struct mspace *ms, u64 brk)
{
	u64 oldend = PAGE_ALIGN(ms->brk), newend = PAGE_ALIGN(brk);
	struct mvma *v;

	if (brk < ms->start_brk || brk > MM_TASK_SIZE)
		return ms->brk;
	if (newend == oldend) {
		ms->brk = brk;
		return brk;
	}
	if (newend < oldend) {
		if (space_unmap(ms, newend, oldend))
			return ms->brk;
		ms->brk = brk;
		return brk;
	}
	/* Growing: the new part must be free, with a page of gap above. */
	if (!range_is_free(ms, oldend, min(newend + PAGE_SIZE, MM_TASK_SIZE)))
		return ms->brk;
	v = oldend > ms->start_brk ? vma_find(ms, oldend - 1) : NULL;
	if (v && (v->flags & MP_VMA_HEAP) && v->end == oldend) {
		v->end = newend;
	} else if (vma_map(ms, oldend, newend, MP_PROT_READ | MP_PROT_WRITE,
			   MP_VMA_ANON | MP_VMA_HEAP, NULL, 0, 0, NULL)) {
		return ms->brk;
	}
	ms->brk = brk;
	return brk;
}

/* -------------------------------------------------------------- mremap -- */

/* Move the pages of [from, from + len) to [to, to + len). */
static void pages_move(struct mspace *ms, u64 from, u64 to, u64 len)
{
	struct mpage *pg, *moved = NULL;

	/* Collect first: re-inserting while walking would revisit pages. */
	while ((pg = mpage_ceil(&ms->pages, from)) && pg->addr < from + len) {
		rb_erase(&pg->rb, &ms->pages);
		pg->rb.rb_parent = (struct rb_node *)moved;
		moved = pg;
	}
	while (moved) {
		pg = moved;
		moved = (struct mpage *)pg->rb.rb_parent;
		pg->addr = pg->addr - from + to;
		mpage_insert(&ms->pages, pg);
	}
}

int space_mremap(struct mspace *ms, const struct mp_mremap_req *r,
		 struct mp_addr_reply *out)
{
	u64 addr = r->old_addr, old_len, new_len, new_addr = 0;
	struct mvma *v, *nv;
	int ret;

	if (r->flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))
		return -EINVAL;
	if ((r->flags & MREMAP_FIXED) && !(r->flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	old_len = PAGE_ALIGN(r->old_len);
	new_len = PAGE_ALIGN(r->new_len);
	if (!new_len || (r->old_len && !old_len))
		return -EINVAL;
	/* old_len 0 duplicates a shared mapping in Linux; not here. */
	if (!old_len)
		return -EINVAL;
	if (addr > MM_TASK_SIZE - old_len || new_len > MM_TASK_SIZE)
		return -EINVAL;

	if (r->flags & MREMAP_FIXED) {
		new_addr = r->new_addr;
		if (new_addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (new_addr > MM_TASK_SIZE - new_len || new_addr < MM_MMAP_MIN)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL;
	}

	v = vma_find(ms, addr);
	if (!v || v->end - addr < old_len)
		return -EFAULT;

	if (!(r->flags & MREMAP_FIXED)) {
		if (new_len <= old_len) {
			ret = space_unmap(ms, addr + new_len, addr + old_len);
			if (ret)
				return ret;
			out->addr = addr;
			vma_to_wire(vma_find(ms, addr), &out->vma);
			return 0;
		}
		if (v->end == addr + old_len &&
		    addr + new_len <= MM_TASK_SIZE &&
		    range_is_free(ms, v->end, addr + new_len)) {
			v->end = addr + new_len;
			out->addr = addr;
			vma_to_wire(v, &out->vma);
			return 0;
		}
		if (!(r->flags & MREMAP_MAYMOVE))
			return -ENOMEM;
		new_addr = unmapped_area(ms, new_len, 0);
		if (!new_addr)
			return -ENOMEM;
	}

	/* Move: a copy of the VMA's view at new_addr, then the pages. */
	ret = vma_map(ms, new_addr, new_addr + new_len, v->prot, v->flags,
		      v->file, v->file ? v->off + (addr - v->start) : 0,
		      0, &nv);
	if (ret)
		return ret;
	/* vma_map() may have split or freed v: look again. */
	v = vma_find(ms, addr);
	if (nv->file)
		nv->fend = v->fend > addr ? new_addr + (v->fend - addr) : new_addr;
	pages_move(ms, addr, new_addr, min(old_len, new_len));
	ret = space_unmap(ms, addr, addr + old_len);
	if (ret)
		return ret;
	out->addr = new_addr;
	vma_to_wire(nv, &out->vma);
	return 0;
}
