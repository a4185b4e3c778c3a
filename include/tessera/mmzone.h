/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_MMZONE_H
#define _TESSERA_MMZONE_H

#include <tessera/list.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>

/* Blocks of 2^0 .. 2^(MAX_ORDER-1) pages: up to 4 MiB. */
#define MAX_ORDER		11
#define MAX_ORDER_NR_PAGES	(1UL << (MAX_ORDER - 1))

enum zone_type {
	ZONE_DMA,	/* below 16 MiB: ISA DMA */
	ZONE_DMA32,	/* below 4 GiB: 32-bit DMA */
	ZONE_NORMAL,	/* the rest */
	MAX_NR_ZONES
};

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;		/* blocks of this order */
};

/*
 * A zone: a range of physical memory with its own buddy free lists and
 * counters, under an irq-safe lock.  Zone boundaries are multiples of the
 * largest block, so buddies never straddle zones.
 */
struct zone {
	spinlock_t lock;
	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;	/* pfns in [start, start + spanned) */
	unsigned long managed_pages;	/* pages handed to the buddy allocator */
	unsigned long free_pages;	/* of those, free now */
	struct free_area free_area[MAX_ORDER];
};

extern struct zone zone_table[MAX_NR_ZONES];

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool populated_zone(const struct zone *z)
{
	return z->managed_pages != 0;
}

#define for_each_zone(z) \
	for (z = zone_table; z < zone_table + MAX_NR_ZONES; z++)

#endif /* _TESSERA_MMZONE_H */
