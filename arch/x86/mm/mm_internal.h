/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ARCH_X86_MM_INTERNAL_H
#define _ARCH_X86_MM_INTERNAL_H

#include <tessera/types.h>
#include <asm/pgtable.h>

/* __map_range() flags: which leaf sizes it may use besides 4 KiB. */
#define MAP_2M		0x1
#define MAP_1G		0x2

/* Leaf entries written by __map_range(), per size, for the boot summary. */
struct map_stats {
	unsigned long nr_4k, nr_2m, nr_1g;
};

int __map_range(u64 *pgd, unsigned long va, phys_addr_t pa,
		unsigned long size, u64 prot, unsigned int flags,
		struct map_stats *stats);
/* Unmaps and returns the number of leaf entries cleared; no TLB flush. */
unsigned long __unmap_range(u64 *pgd, unsigned long va, unsigned long size);
u64 *pgtable_alloc(void);
void pgtable_free(u64 *table);

#endif /* _ARCH_X86_MM_INTERNAL_H */
