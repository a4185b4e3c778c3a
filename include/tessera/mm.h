/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_MM_H
#define _TESSERA_MM_H

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/gfp.h>
#include <tessera/list.h>
#include <tessera/mmzone.h>
#include <tessera/sizes.h>
#include <asm/page.h>

#define PAGE_ALIGN(x)		ALIGN(x, PAGE_SIZE)
#define PAGE_ALIGNED(x)		IS_ALIGNED((unsigned long)(x), PAGE_SIZE)
#define PFN_UP(x)		(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)		((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)		((phys_addr_t)(x) << PAGE_SHIFT)

struct kmem_cache;

/*
 * One per physical page frame, in the mem_map array indexed by pfn.
 * 64 bytes; the unions are keyed by the flags (buddy, slab, tail ...).
 */
struct page {
	unsigned long flags;		/* PG_* bits, zone in the top bits */
	union {
		struct list_head lru;	/* buddy free list; slab list */
		struct page *first_page; /* PG_tail: the head page */
	};
	union {
		unsigned long private;	/* PG_buddy: order; head: order */
		void *freelist;		/* PG_slab: first free object */
	};
	struct kmem_cache *slab_cache;	/* PG_slab: owning cache */
	unsigned int inuse;		/* PG_slab: objects allocated */
	unsigned int objects;		/* PG_slab: objects in the slab */
	int _refcount;			/* 1 while allocated, 0 when free */
	atomic_t _mapcount;		/* memory manager: other backing pages
					 * sharing this frame (fork's COW) */
	unsigned long index;		/* for later: offset in a mapping */
};

enum pageflags {
	PG_reserved,		/* not managed by the page allocator */
	PG_buddy,		/* first page of a free block */
	PG_slab,		/* first page of a slab */
	PG_head,		/* first page of a multi-page slab/kmalloc */
	PG_tail,		/* other pages of it: see first_page */
	PG_large_kmalloc,	/* kmalloc() of more than a slab size */
	PG_poisoned,		/* CONFIG_DEBUG_KMEMORY: freed, filled 0x6b */
};

#define ZONES_SHIFT	2
#define ZONES_PGSHIFT	(64 - ZONES_SHIFT)

#define PAGEFLAG(uname, lname)						\
static inline bool Page##uname(const struct page *p)			\
{ return p->flags & (1UL << PG_##lname); }				\
static inline void SetPage##uname(struct page *p)			\
{ p->flags |= 1UL << PG_##lname; }					\
static inline void ClearPage##uname(struct page *p)			\
{ p->flags &= ~(1UL << PG_##lname); }

PAGEFLAG(Reserved, reserved)
PAGEFLAG(Buddy, buddy)
PAGEFLAG(Slab, slab)
PAGEFLAG(Head, head)
PAGEFLAG(Tail, tail)
PAGEFLAG(LargeKmalloc, large_kmalloc)
PAGEFLAG(Poisoned, poisoned)
#undef PAGEFLAG

extern struct page *mem_map;
extern unsigned long max_pfn;		/* mem_map covers pfns [0, max_pfn) */
extern unsigned long totalram_pages;	/* handed to the page allocator */
extern bool page_alloc_ready;		/* mem_init() done */

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return page - mem_map;
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}

static inline void *page_address(const struct page *page)
{
	return __va(page_to_phys(page));
}

/* Is this a direct-map address of a page that has a struct page? */
static inline bool virt_addr_valid(const void *addr)
{
	unsigned long va = (unsigned long)addr;

	return va >= PAGE_OFFSET && pfn_valid((va - PAGE_OFFSET) >> PAGE_SHIFT);
}

/* For direct-map addresses only (kmalloc, __get_free_pages). */
static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(PFN_DOWN(__pa(addr)));
}

static inline struct page *compound_head(struct page *page)
{
	return PageTail(page) ? page->first_page : page;
}

static inline struct page *virt_to_head_page(const void *addr)
{
	return compound_head(virt_to_page(addr));
}

static inline struct zone *page_zone(const struct page *page)
{
	return &zone_table[page->flags >> ZONES_PGSHIFT];
}

static inline int page_ref_count(const struct page *page)
{
	return READ_ONCE(page->_refcount);
}

/* Smallest order whose block holds size bytes. */
static inline unsigned int get_order(unsigned long size)
{
	if (size <= PAGE_SIZE)
		return 0;
	return 64 - __builtin_clzl((size - 1) >> PAGE_SHIFT);
}

/* Free pages in all zones. */
unsigned long nr_free_pages(void);

/* Bring up all memory management: called by start_kernel(). */
void mm_init(void);
/* mem_map, zones, and memblock's free memory into the buddy allocator. */
void mem_init(void);
/* Print the zones' free lists (oom, debugging). */
void show_free_areas(void);

/*
 * Bad frees and use-after-free writes reported so far (with
 * CONFIG_DEBUG_KMEMORY; without it such a report ends in BUG()).
 */
extern unsigned long kmem_bug_reports;

#endif /* _TESSERA_MM_H */
