// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy page allocator.
 *
 * mem_map holds a struct page for every pfn below max_pfn.  Free memory
 * lives in per-zone free lists of naturally aligned blocks of 2^order
 * pages; a free block is marked PG_buddy on its first page, with its order
 * in page->private.  Freeing merges a block with its buddy (the block
 * whose pfn differs in bit "order") while that buddy is free and of the
 * same order, so free blocks are always maximal.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/setup.h>
#include <asm/stacktrace.h>

#include "internal.h"

struct page *mem_map;
unsigned long max_pfn;
unsigned long totalram_pages;
bool page_alloc_ready;
unsigned long kmem_bug_reports;

struct zone zone_table[MAX_NR_ZONES];

static const char *const zone_names[MAX_NR_ZONES] = {
	[ZONE_DMA] = "DMA",
	[ZONE_DMA32] = "DMA32",
	[ZONE_NORMAL] = "Normal",
};

/* First pfn above each zone. */
static const unsigned long zone_limit_pfn[MAX_NR_ZONES] = {
	[ZONE_DMA] = SZ_16M >> PAGE_SHIFT,
	[ZONE_DMA32] = SZ_4G >> PAGE_SHIFT,
	[ZONE_NORMAL] = ULONG_MAX,
};

/* ------------------------------------------------------------------ */
/* Reports                                                             */

void kmem_report_end(void)
{
	kmem_bug_reports++;
	if (!IS_ENABLED(CONFIG_DEBUG_KMEMORY))
		BUG();
	dump_stack();
}

static void bad_page(struct page *page, unsigned int order, const char *what,
		     const char *why, unsigned long caller)
{
	pr_err("BUG: %s of page %016lx (pfn %#lx, order %u%s%s) from %pS\n",
	       what, (unsigned long)page_address(page), page_to_pfn(page),
	       order, why ? ": " : "", why ?: "", (void *)caller);
	kmem_report_end();
}

/* Is pfn inside a free block (not only at its head)? */
static bool pfn_in_free_block(unsigned long pfn)
{
	unsigned int order;

	for (order = 0; order < MAX_ORDER; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);
		struct page *p = pfn_to_page(head);

		if (PageBuddy(p) && p->private >= order)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Poisoning (CONFIG_DEBUG_KMEMORY)                                   */

static void poison_pages(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		memset(page_address(page + i), POISON_FREE, PAGE_SIZE);
		SetPagePoisoned(page + i);
	}
}

static void check_poison(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++) {
		u8 *start = page_address(page + i), *bad;

		if (!PagePoisoned(page + i))
			continue;
		ClearPagePoisoned(page + i);
		bad = memchr_inv(start, POISON_FREE, PAGE_SIZE);
		if (!bad)
			continue;
		pr_err("BUG: use-after-free write to freed page %016lx (pfn %#lx) at offset %#lx: %02x instead of %02x\n",
		       (unsigned long)start, page_to_pfn(page + i),
		       (unsigned long)(bad - start), *bad, POISON_FREE);
		kmem_report_end();
	}
}

/* ------------------------------------------------------------------ */
/* The buddy system                                                    */

static void add_to_free_area(struct zone *zone, struct page *page,
			     unsigned int order)
{
	SetPageBuddy(page);
	page->private = order;
	list_add(&page->lru, &zone->free_area[order].free_list);
	zone->free_area[order].nr_free++;
}

static void del_from_free_area(struct zone *zone, struct page *page,
			       unsigned int order)
{
	list_del(&page->lru);
	ClearPageBuddy(page);
	page->private = 0;
	zone->free_area[order].nr_free--;
}

/* Put a block back, merging it with its buddies; zone lock held. */
static void __free_one_page(struct zone *zone, unsigned long pfn,
			    unsigned int order)
{
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (!pfn_valid(buddy_pfn))
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!PageBuddy(buddy) || buddy->private != order ||
		    page_zone(buddy) != zone)
			break;
		del_from_free_area(zone, buddy, order);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_area(zone, pfn_to_page(pfn), order);
}

/* Take a block of at least order, split it down; zone lock held. */
static struct page *__rmqueue(struct zone *zone, unsigned int order)
{
	unsigned int o;

	for (o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_from_free_area(zone, page, o);
		/* Give back the upper halves we do not need. */
		while (o > order) {
			o--;
			add_to_free_area(zone, page + (1UL << o), o);
		}
		zone->free_pages -= 1UL << order;
		return page;
	}
	return NULL;
}

static enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	int zid;

	if (order >= MAX_ORDER) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	/* Preferred zone first, then the lower ones. */
	for (zid = gfp_zone(gfp); zid >= 0 && !page; zid--) {
		struct zone *zone = &zone_table[zid];
		unsigned long flags;

		if (!populated_zone(zone))
			continue;
		spin_lock_irqsave(&zone->lock, flags);
		page = __rmqueue(zone, order);
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	if (!page) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("page allocation failure: order:%u, mode:%#x, %lu pages free\n",
				order, gfp, nr_free_pages());
		return NULL;
	}
	page->_refcount = 1;
	if (IS_ENABLED(CONFIG_DEBUG_KMEMORY))
		check_poison(page, order);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

/* Is this a page the caller may free with this order?  Reports if not. */
static bool free_pages_check(struct page *page, unsigned int order,
			     unsigned long caller)
{
	unsigned long pfn = page - mem_map;
	const char *what = NULL, *why = NULL;

	if (page < mem_map || pfn >= max_pfn || order >= MAX_ORDER) {
		pr_err("BUG: invalid free of struct page %p (order %u) from %pS\n",
		       page, order, (void *)caller);
		kmem_report_end();
		return false;
	}
	if (PageReserved(page))
		why = "reserved";
	else if (pfn & ((1UL << order) - 1))
		why = "misaligned for its order";
	else if (PageTail(page) || PageSlab(page) || PageLargeKmalloc(page))
		why = "owned by the slab allocator";
	else if (page_ref_count(page) <= 0 && pfn_in_free_block(pfn))
		what = "double free";
	else if (page_ref_count(page) <= 0)
		why = "not allocated";
	if (!what && !why)
		return true;
	bad_page(page, order, what ?: "invalid free", why, caller);
	return false;
}

void __free_pages_caller(struct page *page, unsigned int order,
			 unsigned long caller)
{
	struct zone *zone;
	unsigned long flags;

	if (!free_pages_check(page, order, caller))
		return;
	if (--page->_refcount)
		return;
	if (IS_ENABLED(CONFIG_DEBUG_KMEMORY))
		poison_pages(page, order);
	zone = page_zone(page);
	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(zone, page_to_pfn(page), order);
	zone->free_pages += 1UL << order;
	spin_unlock_irqrestore(&zone->lock, flags);
}

void __free_pages(struct page *page, unsigned int order)
{
	__free_pages_caller(page, order, _RET_IP_);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (!virt_addr_valid((void *)addr)) {
		pr_err("BUG: free_pages() of %016lx, not a direct-map address, from %pS\n",
		       addr, (void *)_RET_IP_);
		kmem_report_end();
		return;
	}
	__free_pages_caller(virt_to_page((void *)addr), order, _RET_IP_);
}

void split_page(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 1; i < (1UL << order); i++)
		page[i]._refcount = 1;
}

unsigned long nr_free_pages(void)
{
	struct zone *zone;
	unsigned long n = 0;

	for_each_zone(zone)
		n += READ_ONCE(zone->free_pages);
	return n;
}

void show_free_areas(void)
{
	struct zone *zone;
	unsigned int o;

	for_each_zone(zone) {
		char buf[256];
		int len = 0;

		if (!populated_zone(zone))
			continue;
		for (o = 0; o < MAX_ORDER; o++)
			len += scnprintf(buf + len, sizeof(buf) - len, "%lu*%luK ",
					 zone->free_area[o].nr_free,
					 (PAGE_SIZE << o) >> 10);
		pr_info("%s: %s= %luK free of %luK\n", zone->name, buf,
			zone->free_pages << (PAGE_SHIFT - 10),
			zone->managed_pages << (PAGE_SHIFT - 10));
	}
}

/* ------------------------------------------------------------------ */
/* Boot: mem_map, zones, and memblock's free memory into the buddies   */

static void zones_init(void)
{
	unsigned long start = 0;
	int zid;

	for (zid = 0; zid < MAX_NR_ZONES; zid++) {
		struct zone *z = &zone_table[zid];
		unsigned long end = min(zone_limit_pfn[zid], max_pfn);
		unsigned int o;

		spin_lock_init(&z->lock);
		z->name = zone_names[zid];
		z->zone_start_pfn = min(start, end);
		z->spanned_pages = end - z->zone_start_pfn;
		for (o = 0; o < MAX_ORDER; o++)
			INIT_LIST_HEAD(&z->free_area[o].free_list);
		start = end;
	}
	BUILD_BUG_ON(MAX_NR_ZONES > (1 << ZONES_SHIFT));
	BUILD_BUG_ON((SZ_16M >> PAGE_SHIFT) % MAX_ORDER_NR_PAGES);
}

/*
 * Every struct page starts reserved, with its zone number and nothing
 * else, written in one pass (no memset first): with 8 GiB of RAM this is
 * 160 MiB, and under TCG first touching it is most of the boot time.
 */
static void memmap_init(void)
{
	int zid;

	for (zid = 0; zid < MAX_NR_ZONES; zid++) {
		const struct zone *z = &zone_table[zid];
		unsigned long flags = (unsigned long)zid << ZONES_PGSHIFT |
				      1UL << PG_reserved;
		struct page *p = pfn_to_page(z->zone_start_pfn);
		struct page *end = p + z->spanned_pages;

		for (; p < end; p++)
			*p = (struct page){ .flags = flags };
	}
}

/* Hand [spfn, epfn) to the allocator in the largest aligned blocks. */
static void free_boot_range(unsigned long spfn, unsigned long epfn)
{
	unsigned long pfn;

	for (pfn = spfn; pfn < epfn; pfn++)
		ClearPageReserved(pfn_to_page(pfn));
	while (spfn < epfn) {
		unsigned int order = MAX_ORDER - 1;
		struct zone *zone = page_zone(pfn_to_page(spfn));

		if (spfn)
			order = min(order, (unsigned int)__builtin_ctzl(spfn));
		while (spfn + (1UL << order) > epfn)
			order--;
		__free_one_page(zone, spfn, order);
		zone->managed_pages += 1UL << order;
		zone->free_pages += 1UL << order;
		spfn += 1UL << order;
	}
}

static void print_mem_info(void)
{
	unsigned long total = memblock_phys_mem_size() >> 10;
	unsigned long avail = totalram_pages << (PAGE_SHIFT - 10);

	pr_info("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK reserved)\n",
		avail, total, (unsigned long)(_etext - _text) >> 10,
		(unsigned long)(__bss_stop - _sdata) >> 10,
		(unsigned long)(__end_rodata - __start_rodata) >> 10,
		total - avail);
	pr_info("Zones: DMA %luK, DMA32 %luK, Normal %luK (mem_map %luK for %lu pages)\n",
		zone_table[ZONE_DMA].managed_pages << (PAGE_SHIFT - 10),
		zone_table[ZONE_DMA32].managed_pages << (PAGE_SHIFT - 10),
		zone_table[ZONE_NORMAL].managed_pages << (PAGE_SHIFT - 10),
		(max_pfn * sizeof(struct page)) >> 10, max_pfn);
}

void mem_init(void)
{
	phys_addr_t start, end;
	u64 i;

	BUILD_BUG_ON(sizeof(struct page) != 64);
	max_pfn = PFN_UP(memblock.ram_end);
	mem_map = __va(memblock_alloc(PAGE_ALIGN(max_pfn * sizeof(struct page)),
				      PAGE_SIZE));
	zones_init();
	memmap_init();

	for_each_free_mem_range(i, &start, &end) {
		unsigned long spfn = PFN_UP(start), epfn = PFN_DOWN(end);
		int zid;

		/* Split at zone boundaries: a block belongs to one zone. */
		for (zid = 0; zid < MAX_NR_ZONES && spfn < epfn; zid++) {
			unsigned long zend = min(epfn, zone_limit_pfn[zid]);

			if (spfn < zend) {
				free_boot_range(spfn, zend);
				spfn = zend;
			}
		}
	}
	memblock.retired = true;
	totalram_pages = nr_free_pages();
	page_alloc_ready = true;
	print_mem_info();
}
