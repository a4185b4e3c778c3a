// SPDX-License-Identifier: GPL-2.0
/*
 * Page tables of user address spaces (include/tessera/user_mm.h).  The
 * upper half of every PML4 is a copy of the kernel's: init.c preallocates
 * every kernel PML4 slot, so the copy never goes stale.
 */
#include <tessera/kernel.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/preempt.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/user_mm.h>
#include <asm/barrier.h>
#include <asm/percpu.h>
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

struct user_flush {
	unsigned long start, end;
};

static void do_flush_user_range(void *arg)
{
	struct user_flush *r = arg;

	local_flush_tlb_kernel_range(r->start, r->end);
}

/*
 * Only CPUs with mm's page tables loaded can hold its entries: user pages
 * are not global, and loading CR3 drops the entries of the tables left.
 * So the shootdown goes to the CPUs whose loaded_mm is mm, not to all
 * (an IPI to an idle vCPU is slow).  The barrier pairs with switch_mm():
 * it sets loaded_mm before CR3 (serializing), so either this side sees
 * the CPU in loaded_mm or that CPU's TLB fills see the new PTEs.
 */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	struct user_flush r = { start, end };
	unsigned int cpu, self;

	smp_mb();
	preempt_disable();
	self = smp_processor_id();
	local_flush_tlb_kernel_range(start, end);
	for_each_online_cpu(cpu)
		if (cpu != self && READ_ONCE(per_cpu(cpu, loaded_mm)) == mm)
			smp_call_function_single(cpu, do_flush_user_range, &r,
						 true);
	preempt_enable();
}

/* Call with preemption disabled (the CPU's loaded_mm must stay true). */
void switch_mm(struct mm_struct *mm)
{
	this_cpu_write(loaded_mm, mm);
	write_cr3(__pa(mm ? mm->pgd : swapper_pg_dir));
}
