/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_VMALLOC_H
#define _TESSERA_VMALLOC_H

#include <tessera/types.h>
#include <asm/pgtable.h>

struct page;

/*
 * vmalloc: virtually contiguous memory from individual pages, mapped in
 * [VMALLOC_START, VMALLOC_END] with an unmapped guard page after each
 * area (an overrun faults instead of corrupting a neighbour).
 */
void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
/* Free what vmalloc() returned; NULL is a no-op.  Not from interrupts. */
void vfree(const void *addr);

static inline bool is_vmalloc_addr(const void *addr)
{
	unsigned long va = (unsigned long)addr;

	return va >= VMALLOC_START && va <= VMALLOC_END;
}

/* The page backing a vmalloc address, or NULL if it is not mapped. */
struct page *vmalloc_to_page(const void *addr);

#endif /* _TESSERA_VMALLOC_H */
