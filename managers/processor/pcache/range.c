// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space changes: zap, flush, protect, exit.  They find an mm's
 * lines by walking its page tables over the range (a PTE gives the line
 * by its physical address), skipping absent tables; no per-mm list of
 * lines is kept.  Lines being filled are not in a PTE yet: the range op
 * first records its range under a new seq, so such a fill in the range
 * notices and drops its line, and the op waits for the mm's busy lines
 * before it returns.
 */
#define pr_fmt(fmt) "pcache: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/memproto.h>
#include <tessera/pcache.h>
#include <tessera/slab.h>
#include <asm/bitops.h>
#include <asm/cmpxchg.h>

#include "internal.h"

enum range_op {
	RANGE_ZAP,
	RANGE_FLUSH,
	RANGE_PROTECT,
	RANGE_CLEAN,
};

/* The next PTE at or after *addr, below end, that maps a line. */
static u64 *next_line_pte(struct mm_struct *mm, unsigned long *addr,
			  unsigned long end)
{
	unsigned long a = *addr;

	while (a < end) {
		u64 *t = mm->pgd, e;

		e = t[pgd_index(a)];
		if (!(e & _PAGE_PRESENT)) {
			a = ALIGN_DOWN(a, PGDIR_SIZE) + PGDIR_SIZE;
			continue;
		}
		t = __va(e & PTE_PFN_MASK);
		e = t[pud_index(a)];
		if (!(e & _PAGE_PRESENT)) {
			a = ALIGN_DOWN(a, PUD_SIZE) + PUD_SIZE;
			continue;
		}
		t = __va(e & PTE_PFN_MASK);
		e = t[pmd_index(a)];
		if (!(e & _PAGE_PRESENT)) {
			a = ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE;
			continue;
		}
		t = __va(e & PTE_PFN_MASK);
		for (; a < end; a += PAGE_SIZE) {
			if (pte_has_line(t[pte_index(a)])) {
				*addr = a;
				return &t[pte_index(a)];
			}
			if (pte_index(a) == PTRS_PER_TABLE - 1) {
				a += PAGE_SIZE;
				break;
			}
		}
	}
	return NULL;
}

/* Remove the mapping (mm, addr) of a locked line; true if none is left. */
static bool line_drop_rmap(struct pcache_meta *m, struct mm_struct *mm,
			   unsigned long addr)
{
	struct pcache_rmap *r;

	list_for_each_entry(r, &m->rmaps, node) {
		if (r->mm == mm && r->addr == addr) {
			list_del(&r->node);
			atomic_dec(&m->refcount);
			atomic_long_dec(&((struct pcache_mm *)
					  mm->pcache_priv)->nr_lines);
			if (r != &m->rmap0)
				kfree(r);
			break;
		}
	}
	return list_empty(&m->rmaps);
}

/* One line of a range op, locked; 0 or the errno of a write-back. */
static int range_line(struct pcache *pc, struct mm_struct *mm,
		      unsigned long addr, struct pcache_meta *m,
		      enum range_op op, u32 prot)
{
	phys_addr_t pa = pcache_line_pa(pc, m);
	u64 *pte, old, new;
	int ret = 0;

	switch (op) {
	case RANGE_ZAP:
		pcache_pt_lock(mm);
		pte = mm_pte(mm, addr, false);
		xchg(pte, 0);
		mm->nr_ptes--;
		pcache_pt_unlock(mm);
		flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
		pcache_count(NR_PCACHE_ZAP);
		if (line_drop_rmap(m, mm, addr)) {
			pcache_free_line_locked(pc, m);
			return 0;
		}
		break;
	case RANGE_FLUSH:
		pcache_count(NR_PCACHE_FLUSH);
		if (pcache_wrprotect_line(m)) {
			ret = pcache_writeback_line(pc, m);
			if (ret) {
				pcache_restore_line(m);
				break;
			}
		}
		pcache_unmap_line(pc, m, false);
		WARN_ON(test_and_clear_bit(PC_DIRTY, &m->flags));
		pcache_free_line_locked(pc, m);
		return 0;
	case RANGE_CLEAN:
		if (pcache_wrprotect_line(m))
			ret = pcache_writeback_line(pc, m);
		pcache_restore_line(m);
		break;
	case RANGE_PROTECT:
		pcache_pt_lock(mm);
		pte = mm_pte(mm, addr, false);
		do {
			old = READ_ONCE(*pte);
			new = pcache_mk_pte(pa, prot) |
			      (old & (_PAGE_ACCESSED | _PAGE_DIRTY));
		} while (cmpxchg(pte, old, new) != old);
		pcache_pt_unlock(mm);
		flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
		pcache_count(NR_PCACHE_PROTECT);
		break;
	}
	pcache_unlock_line(pc, m);
	return ret;
}

static int range_walk(struct mm_struct *mm, unsigned long start,
		      unsigned long end, enum range_op op, u32 prot)
{
	struct pcache *pc = pcache;
	struct pcache_mm *pm = mm->pcache_priv;
	unsigned long addr = start & PAGE_MASK;
	int err = 0, ret;

	if (!pc || !pm)
		return 0;
	/* The caller holds mm->lock (exit: nobody else uses mm). */
	pcache_lock_acquire(PCL_MM, &mm->lock, false);
	end = min(PAGE_ALIGN(end), TASK_SIZE);
	pcache_pt_lock(mm);
	pcache_mm_note_range(pm, addr, end);
	pcache_pt_unlock(mm);

	while (addr < end) {
		struct pcache_meta *m;
		struct pcache_set *set;
		u64 *pte, v;

		pcache_pt_lock(mm);
		pte = next_line_pte(mm, &addr, end);
		v = pte ? *pte : 0;
		pcache_pt_unlock(mm);
		if (!pte)
			break;
		m = pcache_pa_to_meta(pc, v & PTE_PFN_MASK);
		if (WARN_ON(!m)) {
			addr += PAGE_SIZE;
			continue;
		}
		set = pcache_meta_set(pc, m);
		pcache_set_lock(set);
		if (test_bit(PC_LOCKED, &m->flags)) {
			/* An eviction of it is under way: look again after. */
			pcache_set_unlock(set);
			pcache_wait_line(!test_bit(PC_LOCKED, &m->flags));
			continue;
		}
		pcache_line_lock(m);
		pcache_set_unlock(set);

		pcache_pt_lock(mm);
		pte = mm_pte(mm, addr, false);
		v = pte ? *pte : 0;
		pcache_pt_unlock(mm);
		if (!pte_has_line(v) ||
		    (v & PTE_PFN_MASK) != pcache_line_pa(pc, m)) {
			pcache_unlock_line(pc, m);
			continue;
		}
		ret = range_line(pc, mm, addr, m, op, prot);
		if (ret && !err)
			err = ret;
		addr += PAGE_SIZE;
	}
	pcache_wait_line(!atomic_read(&pm->busy));
	pcache_lock_release(PCL_MM, &mm->lock);
	return err;
}

void pcache_drop_begin(struct mm_struct *mm, unsigned long start,
		       unsigned long end)
{
	struct pcache_mm *pm = mm->pcache_priv;

	if (!pcache || !pm)
		return;
	pcache_lock_acquire(PCL_MM, &mm->lock, false);
	pcache_pt_lock(mm);
	pm->drop_start = start & PAGE_MASK;
	pm->drop_end = min(PAGE_ALIGN(end), TASK_SIZE);
	pcache_pt_unlock(mm);
	/*
	 * An eviction counts its victim's owner busy before it looks at
	 * the drop range (under pt_lock): one that looked before the range
	 * was set is waited for here, so its write-back reaches the node
	 * before the drop request does.
	 */
	pcache_wait_line(!atomic_read(&pm->busy));
	pcache_lock_release(PCL_MM, &mm->lock);
}

void pcache_drop_end(struct mm_struct *mm)
{
	struct pcache_mm *pm = mm->pcache_priv;

	if (!pcache || !pm)
		return;
	pcache_pt_lock(mm);
	pm->drop_start = pm->drop_end = 0;
	pcache_pt_unlock(mm);
}

void pcache_zap_range(struct mm_struct *mm, unsigned long start,
		      unsigned long end)
{
	range_walk(mm, start, end, RANGE_ZAP, 0);
	pcache_drop_end(mm);
}

int pcache_flush_range(struct mm_struct *mm, unsigned long start,
		       unsigned long end)
{
	return range_walk(mm, start, end, RANGE_FLUSH, 0);
}

int pcache_clean_mm(struct mm_struct *mm)
{
	return range_walk(mm, 0, TASK_SIZE, RANGE_CLEAN, 0);
}

void pcache_protect_range(struct mm_struct *mm, unsigned long start,
			  unsigned long end, u32 prot)
{
	range_walk(mm, start, end, RANGE_PROTECT, prot);
}

void pcache_exit_mm(struct mm_struct *mm)
{
	struct pcache_mm *pm = mm->pcache_priv;

	if (!pm)
		return;
	range_walk(mm, 0, TASK_SIZE, RANGE_ZAP, 0);
	WARN_ON(atomic_long_read(&pm->nr_lines));
	mm->pcache_priv = NULL;
	kfree(pm);
}
