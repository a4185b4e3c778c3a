/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_GFP_H
#define _TESSERA_GFP_H

#include <tessera/types.h>

/*
 * Allocation flags ("get free pages"), as in Linux.  Zone modifiers pick
 * where the memory may come from; the rest say how to allocate it.
 */
typedef unsigned int gfp_t;

#define __GFP_DMA	0x01u	/* below 16 MiB (ZONE_DMA) */
#define __GFP_DMA32	0x02u	/* below 4 GiB (ZONE_DMA32 or DMA) */
#define __GFP_HIGH	0x20u	/* atomic context: must not sleep */
#define __GFP_ZERO	0x100u	/* return zeroed memory */
#define __GFP_NOWARN	0x200u	/* no message when the allocation fails */
#define __GFP_RECLAIM	0x400u	/* may sleep (nothing to wait for yet) */

#define GFP_KERNEL	__GFP_RECLAIM
#define GFP_ATOMIC	__GFP_HIGH
#define GFP_DMA		__GFP_DMA
#define GFP_DMA32	__GFP_DMA32

#define GFP_ZONEMASK	(__GFP_DMA | __GFP_DMA32)

struct page;

/**
 * alloc_pages - allocate 2^order physically contiguous pages
 * @gfp: GFP_KERNEL, GFP_ATOMIC, optionally | GFP_DMA/GFP_DMA32 | __GFP_ZERO
 * @order: 0 .. MAX_ORDER - 1
 *
 * Returns the first page (naturally aligned to its size), or NULL.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp)	alloc_pages(gfp, 0)

/* Free what alloc_pages() returned, with the same order. */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page)	__free_pages(page, 0)

/* Same on direct-map addresses. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp)	__get_free_pages(gfp, 0)
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr)		free_pages(addr, 0)

/* Turn an order-n allocation into 2^n order-0 pages, each freed alone. */
void split_page(struct page *page, unsigned int order);

#endif /* _TESSERA_GFP_H */
