// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel page-table manipulation: map and unmap ranges, look addresses
 * up, flush the TLB.  All kernel-half changes go through swapper_pg_dir
 * under pgtable_lock.  Tables are reached through the direct map.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

#include "mm_internal.h"

u64 __supported_pte_mask = ~0ULL;
u64 *swapper_pg_dir;
unsigned long mmu_cr4_features;

static DEFINE_SPINLOCK(pgtable_lock);

/* Above this many pages, flushing everything is cheaper than invlpg. */
#define FLUSH_ALL_THRESHOLD	32

/* A zeroed page for a page table: buddy once it runs, memblock before. */
u64 *pgtable_alloc(void)
{
	phys_addr_t pa;

	if (page_alloc_ready)
		return (u64 *)get_zeroed_page(GFP_ATOMIC);
	pa = memblock_alloc_try(PAGE_SIZE, PAGE_SIZE);
	if (!pa)
		return NULL;
	memset(__va(pa), 0, PAGE_SIZE);
	return __va(pa);
}

/* Tables from memblock stay reserved forever; buddy ones go back. */
void pgtable_free(u64 *table)
{
	struct page *page = virt_to_page(table);

	if (!PageReserved(page))
		free_page((unsigned long)table);
}

static inline u64 *entry_table(u64 e)
{
	return __va(e & PTE_PFN_MASK);
}

static int map_level(u64 *table, unsigned int level, unsigned long va,
		     phys_addr_t pa, unsigned long size, u64 prot,
		     unsigned int flags, struct map_stats *stats)
{
	unsigned int shift = PAGE_SHIFT + 9 * (level - 1);
	unsigned long span = 1UL << shift;
	u64 table_prot = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
			 (prot & _PAGE_USER);

	while (size) {
		u64 *e = &table[(va >> shift) & (PTRS_PER_TABLE - 1)];
		unsigned long chunk = min(size, span - (va & (span - 1)));
		bool leaf = level == 1;
		int ret;

		if ((level == 2 && (flags & MAP_2M)) ||
		    (level == 3 && (flags & MAP_1G)))
			leaf = chunk == span && IS_ALIGNED(pa, span);
		if (leaf) {
			if (*e & _PAGE_PRESENT)
				return -EEXIST;
			WRITE_ONCE(*e, pa | prot | (level > 1 ? _PAGE_PSE : 0));
			if (stats)
				*(level == 1 ? &stats->nr_4k :
				  level == 2 ? &stats->nr_2m : &stats->nr_1g) += 1;
		} else {
			if (!(*e & _PAGE_PRESENT)) {
				u64 *t = pgtable_alloc();

				if (!t)
					return -ENOMEM;
				WRITE_ONCE(*e, __pa(t) | table_prot);
			} else if (*e & _PAGE_PSE) {
				return -EEXIST;
			} else if ((prot & _PAGE_USER) && !(*e & _PAGE_USER)) {
				WRITE_ONCE(*e, *e | _PAGE_USER);
			}
			ret = map_level(entry_table(*e), level - 1, va, pa, chunk,
					prot, flags, stats);
			if (ret)
				return ret;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

/*
 * Map [va, va+size) to [pa, pa+size) in the tables rooted at pgd, with
 * 2 MiB / 1 GiB leaves where flags allow and alignment permits.
 */
int __map_range(u64 *pgd, unsigned long va, phys_addr_t pa,
		unsigned long size, u64 prot, unsigned int flags,
		struct map_stats *stats)
{
	if (WARN_ON(!IS_ALIGNED(va | pa, PAGE_SIZE)))
		return -EINVAL;
	size = ALIGN(size, PAGE_SIZE);
	return map_level(pgd, 4, va, pa, size, prot & __supported_pte_mask,
			 flags, stats);
}

static unsigned long unmap_level(u64 *table, unsigned int level,
				 unsigned long va, unsigned long size)
{
	unsigned int shift = PAGE_SHIFT + 9 * (level - 1);
	unsigned long span = 1UL << shift, n = 0;

	while (size) {
		u64 *e = &table[(va >> shift) & (PTRS_PER_TABLE - 1)];
		unsigned long chunk = min(size, span - (va & (span - 1)));

		if (*e & _PAGE_PRESENT) {
			if (level == 1 || (*e & _PAGE_PSE)) {
				/* Splitting a large page is not supported. */
				if (!WARN_ON(chunk != span)) {
					WRITE_ONCE(*e, 0);
					n++;
				}
			} else {
				n += unmap_level(entry_table(*e), level - 1, va,
						 chunk);
			}
		}
		va += chunk;
		size -= chunk;
	}
	return n;
}

unsigned long __unmap_range(u64 *pgd, unsigned long va, unsigned long size)
{
	return unmap_level(pgd, 4, va, ALIGN(size, PAGE_SIZE));
}

int map_kernel_range(unsigned long va, phys_addr_t pa, unsigned long size,
		     pgprot_t prot)
{
	unsigned long flags;
	int ret;

	BUG_ON(!swapper_pg_dir);
	if (WARN_ON(pgd_index(va) < PTRS_PER_TABLE / 2 ||
		    pgd_index(va) == IOREMAP_PGD_INDEX))
		return -EINVAL;
	spin_lock_irqsave(&pgtable_lock, flags);
	ret = __map_range(swapper_pg_dir, va, pa, size, pgprot_val(prot), 0,
			  NULL);
	spin_unlock_irqrestore(&pgtable_lock, flags);
	return ret;
}

void unmap_kernel_range_noflush(unsigned long va, unsigned long size)
{
	unsigned long flags;

	BUG_ON(!swapper_pg_dir);
	spin_lock_irqsave(&pgtable_lock, flags);
	__unmap_range(swapper_pg_dir, va, size);
	spin_unlock_irqrestore(&pgtable_lock, flags);
}

void unmap_kernel_range(unsigned long va, unsigned long size)
{
	unmap_kernel_range_noflush(va, size);
	flush_tlb_kernel_range(va, va + ALIGN(size, PAGE_SIZE));
}

u64 *lookup_address(unsigned long va, enum pg_level *level)
{
	u64 *table = __va(read_cr3() & PTE_PFN_MASK);
	unsigned int l;

	for (l = 4; l >= 1; l--) {
		unsigned int shift = PAGE_SHIFT + 9 * (l - 1);
		u64 *e = &table[(va >> shift) & (PTRS_PER_TABLE - 1)];

		if (!(*e & _PAGE_PRESENT))
			return NULL;
		if (l == 1 || (l <= 3 && (*e & _PAGE_PSE))) {
			if (level)
				*level = l;
			return e;
		}
		table = entry_table(*e);
	}
	return NULL;
}

phys_addr_t slow_virt_to_phys(unsigned long va)
{
	enum pg_level level;
	u64 *e = lookup_address(va, &level);
	unsigned long span;

	if (!e)
		return (phys_addr_t)-1;
	span = 1UL << (PAGE_SHIFT + 9 * (level - 1));
	/* For large leaves, bit 12 is PAT, not an address bit. */
	return (*e & PTE_PFN_MASK & ~(u64)(span - 1)) | (va & (span - 1));
}

void flush_tlb_all(void)
{
	unsigned long flags = local_irq_save();
	unsigned long cr4 = read_cr4();

	if (cr4 & X86_CR4_PGE) {
		/* Toggling PGE drops global entries too. */
		write_cr4(cr4 & ~X86_CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
	local_irq_restore(flags);
}

/* This CPU only; flush_tlb_kernel_range() (smpboot.c) runs it on all. */
void local_flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	unsigned long va;

	if ((end - start) >> PAGE_SHIFT > FLUSH_ALL_THRESHOLD) {
		flush_tlb_all();
		return;
	}
	for (va = start & PAGE_MASK; va < end; va += PAGE_SIZE)
		__flush_tlb_one(va);
}
