// SPDX-License-Identifier: GPL-2.0
/*
 * Page tables of user address spaces (include/tessera/user_mm.h).  The
 * upper half of every PML4 is a copy of the kernel's: init.c preallocates
 * every kernel PML4 slot, so the copy never goes stale.
 */
#include <tessera/kernel.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/string.h>
#include <tessera/user_mm.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

/* Table entries above user PTEs: everything allowed, the PTE decides. */
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

u64 *pgd_alloc(void)
{
	u64 *pgd = (u64 *)__get_free_page(GFP_KERNEL | __GFP_ZERO);

	if (!pgd)
		return NULL;
	memcpy(pgd + PTRS_PER_TABLE / 2, swapper_pg_dir + PTRS_PER_TABLE / 2,
	       PTRS_PER_TABLE / 2 * sizeof(u64));
	return pgd;
}

static void free_table(u64 *table, int level)
{
	int i;

	if (level > 1)
		for (i = 0; i < PTRS_PER_TABLE; i++)
			if (table[i] & _PAGE_PRESENT)
				free_table(__va(table[i] & PTE_PFN_MASK),
					   level - 1);
	free_page((unsigned long)table);
}

void pgd_free(u64 *pgd)
{
	int i;

	for (i = 0; i < PTRS_PER_TABLE / 2; i++)
		if (pgd[i] & _PAGE_PRESENT)
			free_table(__va(pgd[i] & PTE_PFN_MASK), 3);
	free_page((unsigned long)pgd);
}

/* The table entry at index of table points to, allocated if asked. */
static u64 *next_table(u64 *entry, bool alloc)
{
	u64 *t;

	if (*entry & _PAGE_PRESENT)
		return __va(*entry & PTE_PFN_MASK);
	if (!alloc)
		return NULL;
	/* Under mm->pt_lock, a spinlock: no sleeping allocation. */
	t = (u64 *)__get_free_page(GFP_ATOMIC | __GFP_ZERO | __GFP_NOWARN);
	if (!t)
		return NULL;
	*entry = __pa(t) | _PAGE_TABLE;
	return t;
}

u64 *mm_pte(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	u64 *t;

	if (addr >= TASK_SIZE)
		return NULL;
	t = next_table(&mm->pgd[pgd_index(addr)], alloc);
	if (t)
		t = next_table(&t[pud_index(addr)], alloc);
	if (t)
		t = next_table(&t[pmd_index(addr)], alloc);
	return t ? &t[pte_index(addr)] : NULL;
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	/*
	 * invlpg works on any address: the kernel-range shootdown reaches
	 * every CPU that may have mm loaded (user pages are not global, so
	 * a CPU that switched away from mm holds none of them).
	 */
	flush_tlb_kernel_range(start, end);
}

void switch_mm(struct mm_struct *mm)
{
	write_cr3(__pa(mm ? mm->pgd : swapper_pg_dir));
}
