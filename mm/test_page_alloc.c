// SPDX-License-Identifier: GPL-2.0
/* Self-tests of the buddy allocator. */
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <asm/page.h>
#include <asm/setup.h>

#include "internal.h"

/* Free blocks of every order in every zone, and the zone counters. */
struct buddy_snapshot {
	unsigned long nr_free[MAX_NR_ZONES][MAX_ORDER];
	unsigned long free_pages[MAX_NR_ZONES];
	unsigned long managed_pages[MAX_NR_ZONES];
};

static void buddy_snapshot(struct buddy_snapshot *s)
{
	unsigned int z, o;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		for (o = 0; o < MAX_ORDER; o++)
			s->nr_free[z][o] = zone_table[z].free_area[o].nr_free;
		s->free_pages[z] = zone_table[z].free_pages;
		s->managed_pages[z] = zone_table[z].managed_pages;
	}
}

/*
 * Free blocks are maximal, so the same set of free pages always gives the
 * same blocks: after freeing everything a test allocated, the free lists
 * hold exactly what they held before, order by order.
 */
static int buddy_snapshot_check(const struct buddy_snapshot *before)
{
	struct buddy_snapshot now;
	unsigned int z, o;

	buddy_snapshot(&now);
	for (z = 0; z < MAX_NR_ZONES; z++) {
		ST_EQ(now.free_pages[z], before->free_pages[z]);
		ST_EQ(now.managed_pages[z], before->managed_pages[z]);
		for (o = 0; o < MAX_ORDER; o++)
			if (now.nr_free[z][o] != before->nr_free[z][o])
				return selftest_fail("zone %s order %u: %lu free blocks, expected %lu",
						     zone_table[z].name, o,
						     now.nr_free[z][o],
						     before->nr_free[z][o]);
	}
	return 0;
}

/* Consistency of a zone's lists with its counters. */
static int buddy_check_zone(struct zone *zone)
{
	unsigned long pages = 0, flags;
	unsigned int o;
	int ret = 0;

	spin_lock_irqsave(&zone->lock, flags);
	for (o = 0; o < MAX_ORDER && !ret; o++) {
		struct page *page;
		unsigned long n = 0;

		list_for_each_entry(page, &zone->free_area[o].free_list, lru) {
			unsigned long pfn = page_to_pfn(page);

			if (!PageBuddy(page) || page->private != o ||
			    (pfn & ((1UL << o) - 1)) || page_zone(page) != zone ||
			    page_ref_count(page)) {
				ret = selftest_fail("bad free block pfn %#lx order %u",
						    pfn, o);
				break;
			}
			n++;
		}
		if (!ret && n != zone->free_area[o].nr_free)
			ret = selftest_fail("zone %s order %u: %lu on the list, nr_free %lu",
					    zone->name, o, n,
					    zone->free_area[o].nr_free);
		pages += n << o;
	}
	if (!ret && pages != zone->free_pages)
		ret = selftest_fail("zone %s: %lu pages on lists, free_pages %lu",
				    zone->name, pages, zone->free_pages);
	spin_unlock_irqrestore(&zone->lock, flags);
	return ret;
}

SELFTEST(buddy_zones)
{
	struct zone *zone;
	unsigned long managed = 0;

	for_each_zone(zone) {
		if (buddy_check_zone(zone))
			return -1;
		managed += zone->managed_pages;
	}
	ST_EQ(managed, totalram_pages);
	ST_EQ(zone_table[ZONE_DMA].zone_start_pfn, 0);
	ST_ASSERT(zone_end_pfn(&zone_table[ZONE_DMA]) <= SZ_16M >> PAGE_SHIFT);
	ST_ASSERT(zone_end_pfn(&zone_table[ZONE_DMA32]) <= SZ_4G >> PAGE_SHIFT);
	ST_EQ(zone_end_pfn(&zone_table[ZONE_NORMAL]), max_pfn);
	ST_ASSERT(populated_zone(&zone_table[ZONE_DMA]));
	ST_ASSERT(populated_zone(&zone_table[ZONE_DMA32]));
	ST_EQ(populated_zone(&zone_table[ZONE_NORMAL]), max_pfn > (SZ_4G >> PAGE_SHIFT));
	return 0;
}

SELFTEST(buddy_every_order)
{
	struct buddy_snapshot snap;
	unsigned long free0 = nr_free_pages();
	unsigned int order;
	struct page *page;
	u8 *p;

	buddy_snapshot(&snap);
	for (order = 0; order < MAX_ORDER; order++) {
		unsigned long bytes = PAGE_SIZE << order;

		page = alloc_pages(GFP_KERNEL, order);
		ST_ASSERT(page);
		ST_ASSERT(IS_ALIGNED(page_to_pfn(page), 1UL << order));
		ST_EQ(page_ref_count(page), 1);
		ST_ASSERT(!PageBuddy(page) && !PageReserved(page));
		ST_EQ(nr_free_pages(), free0 - (1UL << order));
		p = page_address(page);
		p[0] = 1;
		p[bytes - 1] = 2;
		ST_EQ(virt_to_page(p + bytes - 1), page + (1UL << order) - 1);
		__free_pages(page, order);
		ST_EQ(nr_free_pages(), free0);
	}
	ST_ASSERT(!alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));

	/* __GFP_ZERO, on a page we dirty first (LIFO: it comes back). */
	p = (u8 *)__get_free_page(GFP_KERNEL);
	ST_ASSERT(p);
	memset(p, 0xa5, PAGE_SIZE);
	free_page((unsigned long)p);
	p = (u8 *)get_zeroed_page(GFP_KERNEL);
	ST_ASSERT(p);
	ST_ASSERT(!memchr_inv(p, 0, PAGE_SIZE));
	free_page((unsigned long)p);

	/* Zone modifiers. */
	page = alloc_pages(GFP_KERNEL | GFP_DMA, 2);
	ST_ASSERT(page);
	ST_ASSERT(page_to_pfn(page) + 4 <= SZ_16M >> PAGE_SHIFT);
	ST_EQ(page_zone(page), &zone_table[ZONE_DMA]);
	__free_pages(page, 2);
	page = alloc_pages(GFP_KERNEL | GFP_DMA32, 3);
	ST_ASSERT(page);
	ST_ASSERT(page_to_pfn(page) + 8 <= SZ_4G >> PAGE_SHIFT);
	__free_pages(page, 3);
	if (populated_zone(&zone_table[ZONE_NORMAL])) {
		page = alloc_page(GFP_KERNEL);
		ST_EQ(page_zone(page), &zone_table[ZONE_NORMAL]);
		__free_page(page);
	}
	return buddy_snapshot_check(&snap);
}

/*
 * Split a max-order block into single pages, free the even ones (no two
 * are buddies: nothing merges), then the odd ones from the top down: each
 * completes a pair, and the merges cascade back to one max-order block.
 */
SELFTEST(buddy_coalesce)
{
	const unsigned long n = MAX_ORDER_NR_PAGES;
	struct buddy_snapshot snap;
	struct zone *zone;
	struct page *page;
	unsigned long i, top, order0;

	buddy_snapshot(&snap);
	page = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	ST_ASSERT(page);
	zone = page_zone(page);
	top = zone->free_area[MAX_ORDER - 1].nr_free;
	order0 = zone->free_area[0].nr_free;
	split_page(page, MAX_ORDER - 1);
	for (i = 0; i < n; i += 2)
		__free_page(page + i);
	ST_EQ(zone->free_area[0].nr_free, order0 + n / 2);
	ST_EQ(zone->free_area[MAX_ORDER - 1].nr_free, top);
	for (i = n - 1; i < n; i -= 2)
		__free_page(page + i);
	ST_EQ(zone->free_area[MAX_ORDER - 1].nr_free, top + 1);
	ST_EQ(zone->free_area[0].nr_free, order0);
	if (buddy_snapshot_check(&snap))
		return -1;
	/* And it can be had again. */
	page = alloc_pages(GFP_KERNEL, MAX_ORDER - 1);
	ST_ASSERT(page);
	__free_pages(page, MAX_ORDER - 1);
	return buddy_check_zone(zone);
}

static u64 buddy_rand(u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * Many blocks of mixed orders, each page tagged with its block; freed in
 * an interleaved order (every other block, then the rest backwards).
 * Tags catch overlapping blocks; the snapshot catches lost merges.
 */
SELFTEST(buddy_fragmentation)
{
	enum { NR = 400 };
	static struct page *blocks[NR];
	static u8 orders[NR];
	struct buddy_snapshot snap;
	u64 seed = 0x9e3779b97f4a7c15ULL;
	unsigned int i;
	struct zone *zone;

	buddy_snapshot(&snap);
	for (i = 0; i < NR; i++) {
		unsigned long j;

		orders[i] = buddy_rand(&seed) % 5;
		blocks[i] = alloc_pages(GFP_KERNEL, orders[i]);
		ST_ASSERT(blocks[i]);
		for (j = 0; j < (1UL << orders[i]); j++)
			*(u64 *)page_address(blocks[i] + j) = i;
	}
	for (i = 0; i < NR; i++) {
		unsigned long j;

		for (j = 0; j < (1UL << orders[i]); j++)
			ST_EQ(*(u64 *)page_address(blocks[i] + j), i);
	}
	for (i = 0; i < NR; i += 2)
		__free_pages(blocks[i], orders[i]);
	for_each_zone(zone)
		if (buddy_check_zone(zone))
			return -1;
	for (i = NR - 1; i < NR; i -= 2)
		__free_pages(blocks[i], orders[i]);
	for_each_zone(zone)
		if (buddy_check_zone(zone))
			return -1;
	return buddy_snapshot_check(&snap);
}

/*
 * Freeing a page twice, a reserved page, or a page inside a block: each
 * is reported.  Without CONFIG_DEBUG_KMEMORY the first report ends in
 * BUG() (tests/30-mm.sh checks that); with it, the kernel carries on.
 */
SELFTEST_EXPLICIT_ONLY(page_double_free)
{
	unsigned long reports = kmem_bug_reports;
	struct buddy_snapshot snap;
	struct page *page;

	buddy_snapshot(&snap);
	page = alloc_page(GFP_KERNEL);
	ST_ASSERT(page);
	__free_page(page);
	__free_page(page);
	ST_EQ(kmem_bug_reports, reports + 1);
	__free_page(pfn_to_page(PFN_DOWN(__pa_symbol(_text))));
	ST_EQ(kmem_bug_reports, reports + 2);
	page = alloc_pages(GFP_KERNEL, 1);
	ST_ASSERT(page);
	__free_page(page + 1);
	ST_EQ(kmem_bug_reports, reports + 3);
	__free_pages(page, 1);
	return buddy_snapshot_check(&snap);
}

#ifdef CONFIG_DEBUG_KMEMORY
/* A write to a freed page is found when the page is handed out again. */
SELFTEST_EXPLICIT_ONLY(page_use_after_free)
{
	unsigned long reports = kmem_bug_reports;
	struct page *page, *again;

	/* Its buddy stays allocated, so page + 1 heads the order-0 list. */
	page = alloc_pages(GFP_KERNEL, 1);
	ST_ASSERT(page);
	split_page(page, 1);
	__free_page(page + 1);
	ST_ASSERT(PagePoisoned(page + 1));
	((u8 *)page_address(page + 1))[100] = 0;
	again = alloc_page(GFP_KERNEL);
	ST_EQ(again, page + 1);
	ST_EQ(kmem_bug_reports, reports + 1);
	ST_ASSERT(!PagePoisoned(again));
	__free_page(again);
	__free_page(page);
	return 0;
}
#endif
