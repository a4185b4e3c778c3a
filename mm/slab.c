// SPDX-License-Identifier: GPL-2.0
/*
 * The slab allocator.
 *
 * A slab is one page (objects up to PAGE_SIZE, so none can straddle a page
 * boundary) or a 2^order block of pages holding objects whose stride is a
 * multiple of PAGE_SIZE (so each starts on a page boundary).  All slab
 * metadata lives in the struct page of the slab's first page: the owning
 * cache, the free list and the count of objects in use.  A free object
 * holds the pointer to the next free object, at offset 0, or just after
 * the object for caches with a constructor (whose state must survive) and
 * with CONFIG_DEBUG_KMEMORY.
 *
 * Each cache keeps slabs with free objects on "partial" and the others on
 * "full", and keeps at most one empty slab around.  One irq-safe lock per
 * cache.  For SMP, per-CPU object caches in front of these lists are the
 * natural next step; the lists stay as they are.
 *
 * CONFIG_DEBUG_KMEMORY: freed objects are filled with POISON_FREE and
 * checked when handed out again (a write after free is reported); the
 * word after each object holds SLAB_ALLOC_MAGIC while it is allocated, so
 * double frees, frees of addresses that are not allocated objects, and
 * writes past the end of an object are reported when it is freed.  A
 * report skips the bad operation and the kernel carries on.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/stacktrace.h>

#include "internal.h"

/* Non-canonical, so never a free-list pointer. */
#define SLAB_ALLOC_MAGIC	0xa110c8eda110c8edUL
/* Larger objects get slabs of up to 2^3 pages (at least one object). */
#define SLAB_MAX_ORDER_HINT	3
#define SLAB_NAME_LEN		32

struct kmem_cache {
	spinlock_t lock;
	unsigned int object_size;	/* what the user asked for */
	unsigned int size;		/* stride between objects */
	unsigned int offset;		/* of the free pointer in an object */
	unsigned int order;		/* of each slab */
	unsigned int objects;		/* per slab */
	bool poison;			/* debug, and no constructor */
	unsigned long flags;
	void (*ctor)(void *);
	struct list_head partial;	/* slabs with free objects */
	struct list_head full;		/* slabs without */
	unsigned long nr_slabs;
	unsigned long nr_empty;		/* slabs with no object in use */
	unsigned long active_objs;
	struct list_head list;		/* on slab_caches */
	char name[SLAB_NAME_LEN];
};

static const bool slab_debug = IS_ENABLED(CONFIG_DEBUG_KMEMORY);

static LIST_HEAD(slab_caches);
static DEFINE_SPINLOCK(slab_caches_lock);

/* The cache of struct kmem_cache itself. */
static struct kmem_cache kmem_cache_boot;

static const unsigned int kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};
#define KMALLOC_NR_CACHES	ARRAY_SIZE(kmalloc_sizes)

static struct kmem_cache *kmalloc_caches[KMALLOC_NR_CACHES];
static char kmalloc_names[KMALLOC_NR_CACHES][16];

/* Sizes 1..192 in steps of 8 map onto 8,16,32,32,64 x4,96 x4,128 x4,192 x8. */
static const u8 kmalloc_small_index[24] = {
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5,
	6, 6, 6, 6, 6, 6, 6, 6,
};

static unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_small_index[(size - 1) / 8];
	/* 256 -> 7, 512 -> 8, ... 8192 -> 12 */
	return 64 - __builtin_clzl(size - 1) - 1;
}

struct kmem_cache *kmalloc_slab(size_t size)
{
	if (!size || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return kmalloc_caches[kmalloc_index(size)];
}

/* ------------------------------------------------------------------ */
/* Free pointers and reports                                           */

static inline void **fp_addr(const struct kmem_cache *s, void *obj)
{
	return (void **)((char *)obj + s->offset);
}

static void slab_report(const char *what, const void *p, const char *detail,
			unsigned long caller)
{
	pr_err("BUG: %s of %016lx (%s) from %pS\n", what, (unsigned long)p,
	       detail, (void *)caller);
	kmem_report_end();
}

/* Is p the address of an object slot of this slab (or NULL)? */
static bool slab_obj_ok(const struct kmem_cache *s, const struct page *page,
			const void *p)
{
	unsigned long off = (unsigned long)p -
			    (unsigned long)page_address(page);

	return !p || (off < (unsigned long)s->objects * s->size &&
		      off % s->size == 0);
}

/* ------------------------------------------------------------------ */
/* Slabs                                                               */

static void set_compound(struct page *page, unsigned int order)
{
	unsigned long i;

	if (!order)
		return;
	SetPageHead(page);
	for (i = 1; i < (1UL << order); i++) {
		SetPageTail(page + i);
		page[i].first_page = page;
	}
}

static void clear_compound(struct page *page, unsigned int order)
{
	unsigned long i;

	ClearPageHead(page);
	for (i = 1; i < (1UL << order); i++) {
		ClearPageTail(page + i);
		page[i].first_page = NULL;
	}
}

static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page;
	char *base;
	void *next = NULL;
	unsigned int i;

	page = alloc_pages(gfp & ~(__GFP_ZERO | GFP_ZONEMASK), s->order);
	if (!page)
		return NULL;
	base = page_address(page);
	set_compound(page, s->order);
	SetPageSlab(page);
	page->slab_cache = s;
	page->inuse = 0;
	page->objects = s->objects;
	/* Build the free list in address order. */
	for (i = s->objects; i-- > 0;) {
		void *obj = base + (unsigned long)i * s->size;

		if (s->poison)
			memset(obj, POISON_FREE, s->object_size);
		else if (s->ctor)
			s->ctor(obj);
		*fp_addr(s, obj) = next;
		next = obj;
	}
	page->freelist = next;
	return page;
}

static void discard_slab(struct kmem_cache *s, struct page *page)
{
	ClearPageSlab(page);
	clear_compound(page, s->order);
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = 0;
	page->objects = 0;
	__free_pages(page, s->order);
}

/* ------------------------------------------------------------------ */
/* Allocation and free                                                 */

static void check_free_poison(struct kmem_cache *s, void *obj,
			      unsigned long caller)
{
	u8 *bad = memchr_inv(obj, POISON_FREE, s->object_size);
	char detail[SLAB_NAME_LEN + 48];

	if (!bad)
		return;
	snprintf(detail, sizeof(detail), "%s, object %016lx+%#lx: %02x", s->name,
		 (unsigned long)obj, (unsigned long)(bad - (u8 *)obj), *bad);
	slab_report("use-after-free write", bad, detail, caller);
}

static void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long caller)
{
	struct page *page;
	unsigned long flags;
	void *obj, *next;

	spin_lock_irqsave(&s->lock, flags);
	while (list_empty(&s->partial)) {
		/* Allocate the slab without holding the cache lock. */
		spin_unlock_irqrestore(&s->lock, flags);
		page = new_slab(s, gfp);
		if (!page)
			return NULL;
		spin_lock_irqsave(&s->lock, flags);
		list_add(&page->lru, &s->partial);
		s->nr_slabs++;
		s->nr_empty++;
	}
	page = list_first_entry(&s->partial, struct page, lru);
	obj = page->freelist;
	next = *fp_addr(s, obj);
	if (slab_debug && !slab_obj_ok(s, page, next)) {
		pr_err("BUG: %s: free list of slab %016lx corrupted at %016lx (next %016lx); dropping the rest\n",
		       s->name, (unsigned long)page_address(page),
		       (unsigned long)obj, (unsigned long)next);
		next = NULL;
		kmem_bug_reports++;
	}
	page->freelist = next;
	if (page->inuse++ == 0)
		s->nr_empty--;
	s->active_objs++;
	if (!next)
		list_move(&page->lru, &s->full);
	spin_unlock_irqrestore(&s->lock, flags);

	if (slab_debug) {
		if (s->poison)
			check_free_poison(s, obj, caller);
		*(unsigned long *)fp_addr(s, obj) = SLAB_ALLOC_MAGIC;
	}
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;
}

/* Debug checks on free; false if the free must not happen. */
static bool slab_free_debug(struct kmem_cache *s, struct page *page,
			    void *obj, unsigned long caller)
{
	unsigned long tag = *(unsigned long *)fp_addr(s, obj);

	if (tag != SLAB_ALLOC_MAGIC) {
		if (slab_obj_ok(s, page, (void *)tag))
			slab_report("double free", obj, s->name, caller);
		else
			slab_report("out-of-bounds write past the end", obj,
				    s->name, caller);
		return false;
	}
	if (s->poison)
		memset(obj, POISON_FREE, s->object_size);
	return true;
}

static void slab_free(struct kmem_cache *s, struct page *page, void *obj,
		      unsigned long caller)
{
	unsigned long flags;
	bool was_full;

	if (!slab_obj_ok(s, page, obj)) {
		char detail[SLAB_NAME_LEN + 32];

		snprintf(detail, sizeof(detail), "%s: not at an object boundary",
			 s->name);
		slab_report("invalid free", obj, detail, caller);
		return;
	}
	if (slab_debug && !slab_free_debug(s, page, obj, caller))
		return;

	spin_lock_irqsave(&s->lock, flags);
	/* The cheap check: freeing the object freed last. */
	if (unlikely(obj == page->freelist)) {
		spin_unlock_irqrestore(&s->lock, flags);
		slab_report("double free", obj, s->name, caller);
		return;
	}
	was_full = !page->freelist;
	*fp_addr(s, obj) = page->freelist;
	page->freelist = obj;
	s->active_objs--;
	if (was_full)
		list_move(&page->lru, &s->partial);
	if (--page->inuse == 0) {
		if (++s->nr_empty > 1) {
			list_del(&page->lru);
			s->nr_empty--;
			s->nr_slabs--;
			spin_unlock_irqrestore(&s->lock, flags);
			discard_slab(s, page);
			return;
		}
		/* Use partially filled slabs first. */
		list_move_tail(&page->lru, &s->partial);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp, _RET_IP_);
}

void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(s, gfp | __GFP_ZERO, _RET_IP_);
}

/* The slab page of p, or NULL (reported) if p is not a slab object. */
static struct page *slab_page_of(const void *p, unsigned long caller)
{
	struct page *page;

	if (!virt_addr_valid(p)) {
		slab_report("invalid free", p, "not a heap address", caller);
		return NULL;
	}
	page = virt_to_head_page(p);
	if (!PageSlab(page)) {
		slab_report("invalid free", p, "not a slab object", caller);
		return NULL;
	}
	return page;
}

static void __kmem_cache_free(struct kmem_cache *s, void *obj,
			      unsigned long caller)
{
	struct page *page;

	if (!obj)
		return;
	page = slab_page_of(obj, caller);
	if (!page)
		return;
	if (page->slab_cache != s) {
		char detail[2 * SLAB_NAME_LEN + 32];

		snprintf(detail, sizeof(detail), "belongs to %s, not %s",
			 page->slab_cache->name, s->name);
		slab_report("invalid free", obj, detail, caller);
		return;
	}
	slab_free(s, page, obj, caller);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	__kmem_cache_free(s, obj, _RET_IP_);
}

/* ------------------------------------------------------------------ */
/* kmalloc                                                             */

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (order >= MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("kmalloc: %zu bytes is more than the largest block\n",
				size);
		return NULL;
	}
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	set_compound(page, order);
	SetPageLargeKmalloc(page);
	page->private = order;
	return page_address(page);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	if (!size)
		return ZERO_SIZE_PTR;
	/* Slab pages come from any zone: zone-restricted requests get pages. */
	if (size > KMALLOC_MAX_CACHE_SIZE || (gfp & GFP_ZONEMASK))
		return kmalloc_large(size, gfp);
	return slab_alloc(kmalloc_caches[kmalloc_index(size)], gfp, _RET_IP_);
}

static void kfree_caller(const void *p, unsigned long caller)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return;
	if (!virt_addr_valid(p)) {
		slab_report("invalid free", p, "not a heap address", caller);
		return;
	}
	page = virt_to_head_page(p);
	if (PageSlab(page)) {
		slab_free(page->slab_cache, page, (void *)p, caller);
	} else if (PageLargeKmalloc(page)) {
		unsigned int order = page->private;

		if (p != page_address(page)) {
			slab_report("invalid free", p,
				    "kmalloc-large: not at the start", caller);
			return;
		}
		ClearPageLargeKmalloc(page);
		clear_compound(page, order);
		page->private = 0;
		__free_pages_caller(page, order, caller);
	} else {
		slab_report("invalid free", p,
			    page_ref_count(page) ? "not allocated by kmalloc" :
						   "page not allocated",
			    caller);
	}
}

void kfree(const void *p)
{
	kfree_caller(p, _RET_IP_);
}

size_t ksize(const void *p)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(p) || !virt_addr_valid(p))
		return 0;
	page = virt_to_head_page(p);
	if (PageSlab(page))
		return page->slab_cache->object_size;
	if (PageLargeKmalloc(page))
		return PAGE_SIZE << page->private;
	return 0;
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t old;
	void *n;

	if (!new_size) {
		kfree_caller(p, _RET_IP_);
		return ZERO_SIZE_PTR;
	}
	if (ZERO_OR_NULL_PTR(p))
		return kmalloc(new_size, gfp);
	old = ksize(p);
	if (WARN_ON(!old))
		return NULL;
	if (new_size <= old)
		return (void *)p;
	n = kmalloc(new_size, gfp);
	if (!n)
		return NULL;
	memcpy(n, p, old);
	kfree_caller(p, _RET_IP_);
	return n;
}

/* ------------------------------------------------------------------ */
/* Caches                                                              */

static int cache_setup(struct kmem_cache *s, const char *name, size_t size,
		       size_t align, unsigned long flags, void (*ctor)(void *))
{
	size_t raw, stride;

	if (!size || size > (PAGE_SIZE << (MAX_ORDER - 1)) / 2 ||
	    (align & (align - 1)) || align > PAGE_SIZE)
		return -1;
	align = max(align, sizeof(void *));
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max(align, (size_t)64);

	memset(s, 0, sizeof(*s));
	spin_lock_init(&s->lock);
	strscpy(s->name, name, sizeof(s->name));
	s->object_size = size;
	s->flags = flags;
	s->ctor = ctor;
	s->poison = slab_debug && !ctor;
	if (slab_debug || ctor) {
		/* The free pointer (and debug tag) after the object. */
		s->offset = ALIGN(size, sizeof(void *));
		raw = s->offset + sizeof(void *);
	} else {
		s->offset = 0;
		raw = max(size, sizeof(void *));
	}
	stride = ALIGN(raw, align);
	if (stride <= PAGE_SIZE) {
		s->order = 0;
	} else {
		stride = PAGE_ALIGN(stride);
		s->order = get_order(stride);
		if (s->order < SLAB_MAX_ORDER_HINT)
			s->order = min(get_order(stride * 4),
				       (unsigned int)SLAB_MAX_ORDER_HINT);
	}
	s->size = stride;
	s->objects = (PAGE_SIZE << s->order) / stride;
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	return 0;
}

static void cache_register(struct kmem_cache *s)
{
	unsigned long flags;

	spin_lock_irqsave(&slab_caches_lock, flags);
	list_add_tail(&s->list, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned long flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *s = kmem_cache_alloc(&kmem_cache_boot, GFP_KERNEL);

	if (s && cache_setup(s, name, size, align, flags, ctor)) {
		kmem_cache_free(&kmem_cache_boot, s);
		s = NULL;
	}
	if (!s) {
		if (flags & SLAB_PANIC)
			panic("slab: cannot create cache %s", name);
		return NULL;
	}
	cache_register(s);
	return s;
}

void kmem_cache_shrink(struct kmem_cache *s)
{
	struct page *page, *tmp;
	unsigned long flags;
	LIST_HEAD(empty);

	spin_lock_irqsave(&s->lock, flags);
	list_for_each_entry_safe(page, tmp, &s->partial, lru) {
		if (page->inuse)
			continue;
		list_move(&page->lru, &empty);
		s->nr_empty--;
		s->nr_slabs--;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	list_for_each_entry_safe(page, tmp, &empty, lru)
		discard_slab(s, page);
}

void kmem_cache_shrink_all(void)
{
	struct kmem_cache *s;
	unsigned long flags;

	/* Lock order: slab_caches_lock, then a cache's, then a zone's. */
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list)
		kmem_cache_shrink(s);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	unsigned long flags;

	if (!s)
		return;
	if (s->active_objs) {
		pr_err("kmem_cache_destroy %s: %lu objects still allocated, leaking the cache\n",
		       s->name, s->active_objs);
		dump_stack();
		return;
	}
	kmem_cache_shrink(s);
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_del(&s->list);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	kmem_cache_free(&kmem_cache_boot, s);
}

void kmem_cache_info(struct kmem_cache *s, struct slab_info *info)
{
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	info->name = s->name;
	info->active_objs = s->active_objs;
	info->num_slabs = s->nr_slabs;
	info->num_objs = s->nr_slabs * s->objects;
	info->object_size = s->object_size;
	info->stride = s->size;
	info->objs_per_slab = s->objects;
	info->pages_per_slab = 1U << s->order;
	spin_unlock_irqrestore(&s->lock, flags);
}

void kmem_cache_init(void)
{
	unsigned int i, align;

	if (cache_setup(&kmem_cache_boot, "kmem_cache",
			sizeof(struct kmem_cache), 0, SLAB_HWCACHE_ALIGN, NULL))
		panic("slab: cannot set up the cache of caches");
	cache_register(&kmem_cache_boot);
	for (i = 0; i < KMALLOC_NR_CACHES; i++) {
		snprintf(kmalloc_names[i], sizeof(kmalloc_names[i]),
			 "kmalloc-%u", kmalloc_sizes[i]);
		/* Power-of-two sizes are naturally aligned, debug or not. */
		align = kmalloc_sizes[i] & (kmalloc_sizes[i] - 1) ? 0 :
			min(kmalloc_sizes[i], (unsigned int)PAGE_SIZE);
		kmalloc_caches[i] = kmem_cache_create(kmalloc_names[i],
						      kmalloc_sizes[i], align,
						      SLAB_PANIC, NULL);
	}
	BUILD_BUG_ON(KMALLOC_NR_CACHES != 13);
}
