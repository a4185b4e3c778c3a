// SPDX-License-Identifier: GPL-2.0
/*
 * The pcache miss path: find or claim a line in the page's set, evict a
 * victim when the set is full, fill from the memory node, map the line.
 * Documentation/pcache.md, "Miss" and "Eviction".
 */
#define pr_fmt(fmt) "pcache: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/memproto.h>
#include <tessera/mutex.h>
#include <tessera/pcache.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/bitops.h>
#include <asm/cmpxchg.h>
#include <asm/pgtable.h>
#include <asm/traps.h>

#include "internal.h"

/* Dirty victims whose write-back fails before the fault gives up. */
#define PCACHE_EVICT_TRIES	3

/* Fills dropped for racing range ops before a fault excludes them. */
#define PCACHE_DISCARDS_MAX	2

/* do_fault(): a race was lost or a busy line waited for; look again. */
#define PCACHE_RETRY		1

/* The PTE of a line for a VMA with prot; A and D are the hardware's. */
u64 pcache_mk_pte(phys_addr_t pa, u32 prot)
{
	u64 pte = pa | _PAGE_USER;

	if (!(prot & (MP_PROT_READ | MP_PROT_WRITE | MP_PROT_EXEC)))
		return pa | _PAGE_PROTNONE;
	pte |= _PAGE_PRESENT;
	if (prot & MP_PROT_WRITE)
		pte |= _PAGE_RW;
	if (!(prot & MP_PROT_EXEC))
		pte |= _PAGE_NX & __supported_pte_mask;
	return pte;
}

static bool vma_allows(const struct vm_area *vma, unsigned long error_code)
{
	u32 prot = vma->prot;

	if (!(prot & (MP_PROT_READ | MP_PROT_WRITE | MP_PROT_EXEC)))
		return false;
	if ((error_code & X86_PF_WRITE) && !(prot & MP_PROT_WRITE))
		return false;
	if ((error_code & X86_PF_INSTR) && !(prot & MP_PROT_EXEC))
		return false;
	return true;
}

static struct pcache_mm *pcache_mm_get(struct mm_struct *mm)
{
	struct pcache_mm *pm = mm->pcache_priv;

	if (!pm) {
		pm = kzalloc(sizeof(*pm), GFP_KERNEL);
		if (pm)
			mm->pcache_priv = pm;
	}
	return pm;
}

static bool pte_maps(u64 *pte, phys_addr_t pa)
{
	u64 v = pte ? READ_ONCE(*pte) : 0;

	return pte_has_line(v) && (v & PTE_PFN_MASK) == pa;
}

void pcache_unlock_line(struct pcache *pc, struct pcache_meta *m)
{
	struct pcache_set *set = pcache_meta_set(pc, m);

	pcache_set_lock(set);
	m->fill_mm = NULL;
	clear_bit(PC_LOCKED, &m->flags);
	atomic_dec(&m->refcount);
	pcache_set_unlock(set);
	pcache_lock_release(PCL_LINE, m);
	wake_up_all(&pcache_wq);
}

/* A locked line without rmaps goes back to its set's free list, unlocked. */
void pcache_free_line_locked(struct pcache *pc, struct pcache_meta *m)
{
	struct pcache_set *set = pcache_meta_set(pc, m);

	WARN_ON(!list_empty(&m->rmaps));
	pcache_set_lock(set);
	m->fill_mm = NULL;
	m->flags = 0;
	atomic_set(&m->refcount, 0);
	list_move(&m->lru, &set->free);
	pcache_set_unlock(set);
	pcache_lock_release(PCL_LINE, m);
	atomic_long_dec(&pc->nr_used);
	wake_up_all(&pcache_wq);
}

/* Has any mapping of an unlocked line been used since the last look? */
static bool line_test_clear_young(struct pcache *pc, struct pcache_meta *m)
{
	phys_addr_t pa = pcache_line_pa(pc, m);
	struct pcache_rmap *r;
	bool young = false;

	list_for_each_entry(r, &m->rmaps, node) {
		u64 *pte;
		bool y = false;

		pcache_pt_lock(r->mm);
		pte = mm_pte(r->mm, r->addr, false);
		if (pte_maps(pte, pa))
			y = test_and_clear_bit(_PAGE_BIT_ACCESSED,
					       (unsigned long *)pte);
		pcache_pt_unlock(r->mm);
		/*
		 * So that the next access from this CPU sets A again instead
		 * of hitting the TLB.  Other CPUs are not interrupted for it
		 * (nor does Linux on x86): an entry they keep only hides a use
		 * until it leaves their TLB, a cost to the LRU's accuracy,
		 * never to correctness, and a shootdown per promoted line
		 * would cost a round of IPIs on every sweep.
		 */
		if (y)
			local_flush_tlb_kernel_range(r->addr, r->addr + PAGE_SIZE);
		young |= y;
	}
	return young;
}

/*
 * The victim of a full set (set lock held), or NULL if every line is
 * locked.  LRU is a second-chance sweep from the tail: a line whose PTE
 * was accessed gets A cleared and moves to the head.  After at most two
 * laps every unlocked line has had its chance.
 */
static struct pcache_meta *pick_victim(struct pcache *pc,
				       struct pcache_set *set)
{
	static u32 rnd = 2463534242U;
	struct list_head *pos = set->lru.prev, *next;
	struct pcache_meta *m, *last = NULL;
	unsigned int n, skip = 0;

	if (pc->policy == PCACHE_POLICY_RANDOM) {
		/* xorshift; a racy update only makes it more random. */
		u32 x = READ_ONCE(rnd);

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		WRITE_ONCE(rnd, x);
		skip = x % set->nr_ways;
	}
	for (n = 2 * set->nr_ways + 1; n; n--, pos = next) {
		if (pos == &set->lru)
			pos = pos->prev;
		if (pos == &set->lru)
			break;
		m = list_entry(pos, struct pcache_meta, lru);
		next = pos->prev;
		if (test_bit(PC_LOCKED, &m->flags))
			continue;
		last = m;
		if (skip) {
			skip--;
			continue;
		}
		if (pc->policy == PCACHE_POLICY_LRU &&
		    line_test_clear_young(pc, m)) {
			list_move(&m->lru, &set->lru);
			pcache_count(NR_PCACHE_HIT_PROMOTE);
			continue;
		}
		return m;
	}
	return last;
}

static bool set_has_unlocked(struct pcache_set *set)
{
	struct pcache_meta *m;
	bool ret;

	pcache_set_lock(set);
	ret = !list_empty(&set->free);
	list_for_each_entry(m, &set->lru, lru)
		if (!test_bit(PC_LOCKED, &m->flags))
			ret = true;
	pcache_set_unlock(set);
	return ret;
}

/*
 * Write-protect every mapping of a locked line and harvest the hardware
 * dirty bits into PC_DIRTY; afterwards nobody can write the line until
 * pcache_restore_line() or pcache_unmap_line().  Returns PC_DIRTY.
 */
bool pcache_wrprotect_line(struct pcache_meta *m)
{
	phys_addr_t pa = pcache_line_pa(pcache, m);
	struct pcache_rmap *r;

	list_for_each_entry(r, &m->rmaps, node) {
		u64 *pte, old;

		pcache_pt_lock(r->mm);
		pte = mm_pte(r->mm, r->addr, false);
		r->was_rw = false;
		if (pte_maps(pte, pa)) {
			/* cmpxchg: the CPU may set D under us. */
			do {
				old = READ_ONCE(*pte);
			} while (cmpxchg(pte, old,
					 old & ~(_PAGE_RW | _PAGE_DIRTY)) != old);
			r->was_rw = old & _PAGE_RW;
			if (old & _PAGE_DIRTY)
				set_bit(PC_DIRTY, &m->flags);
		}
		pcache_pt_unlock(r->mm);
		flush_tlb_mm_range(r->mm, r->addr, r->addr + PAGE_SIZE);
	}
	return test_bit(PC_DIRTY, &m->flags);
}

/* Undo pcache_wrprotect_line() (the line stays PC_DIRTY if it was). */
void pcache_restore_line(struct pcache_meta *m)
{
	phys_addr_t pa = pcache_line_pa(pcache, m);
	struct pcache_rmap *r;

	list_for_each_entry(r, &m->rmaps, node) {
		u64 *pte;

		if (!r->was_rw)
			continue;
		pcache_pt_lock(r->mm);
		pte = mm_pte(r->mm, r->addr, false);
		if (pte_maps(pte, pa))
			set_bit(_PAGE_BIT_RW, (unsigned long *)pte);
		pcache_pt_unlock(r->mm);
	}
}

/*
 * Remove every mapping of a locked line; the caller frees or reuses it.
 * put_busy: drop the victim_hold() of each owner once done with it.
 */
void pcache_unmap_line(struct pcache *pc, struct pcache_meta *m,
		       bool put_busy)
{
	phys_addr_t pa = pcache_line_pa(pc, m);
	struct pcache_rmap *r, *tmp;

	list_for_each_entry_safe(r, tmp, &m->rmaps, node) {
		struct pcache_mm *pm = r->mm->pcache_priv;
		u64 *pte, old = 0;

		pcache_pt_lock(r->mm);
		pte = mm_pte(r->mm, r->addr, false);
		if (pte_maps(pte, pa)) {
			old = xchg(pte, 0);
			r->mm->nr_ptes--;
		}
		pcache_pt_unlock(r->mm);
		flush_tlb_mm_range(r->mm, r->addr, r->addr + PAGE_SIZE);
		if (old & _PAGE_DIRTY)
			set_bit(PC_DIRTY, &m->flags);
		atomic_long_dec(&pm->nr_lines);
		list_del(&r->node);
		atomic_dec(&m->refcount);
		if (r != &m->rmap0)
			kfree(r);
		if (put_busy)
			atomic_dec(&pm->busy);
	}
	if (put_busy)
		wake_up_all(&pcache_wq);
}

/* MEMOP_WRITEBACK of a locked, write-protected line to its first owner. */
int pcache_writeback_line(struct pcache *pc, struct pcache_meta *m)
{
	struct pcache_rmap *r = list_first_entry(&m->rmaps,
						 struct pcache_rmap, node);
	struct mp_wb_hdr *hdr;
	u32 dummy;
	ssize_t ret;

	pcache_lock_wait(0);
	hdr = kmalloc(sizeof(*hdr) + PAGE_SIZE, GFP_KERNEL);
	if (!hdr)
		return -ENOMEM;
	hdr->tgid = r->mm->space_id;
	hdr->reserved = 0;
	hdr->addr = r->addr;
	memcpy(hdr + 1, pcache_line_va(pc, m), PAGE_SIZE);
	ret = fit_call(r->mm->mnode, MEMOP_WRITEBACK, hdr,
		       sizeof(*hdr) + PAGE_SIZE, &dummy, sizeof(dummy), 0);
	kfree(hdr);
	if (ret < 0)
		return ret;
	clear_bit(PC_DIRTY, &m->flags);
	pcache_count(NR_PCACHE_WRITEBACK);
	pcache_count(NR_CLFLUSH);
	return 0;
}

/* One fault: its VMA, and the buffers of the miss request and reply. */
struct pcache_fault {
	struct mm_struct *mm;
	struct pcache_mm *pm;
	unsigned long addr;
	unsigned long error_code;
	u32 prot;
	u64 seq;
	struct mp_miss_req *req;	/* + mp_wb_hdr + a page */
	struct mp_miss_reply *reply;	/* + a page */
	int wb_failures;
	bool wb_failed;			/* in this attempt */
	int discards;			/* fills dropped for a racing range op */
	bool serialized;		/* mm->lock held across the attempt */
};

/*
 * A victim's owners must not finish pcache_exit_mm() while the eviction
 * still uses their page tables: count it busy in each (set lock held).
 */
static void victim_hold(struct pcache_meta *v)
{
	struct pcache_rmap *r;

	list_for_each_entry(r, &v->rmaps, node)
		atomic_inc(&((struct pcache_mm *)r->mm->pcache_priv)->busy);
}

static void victim_put(struct pcache_meta *v)
{
	struct pcache_rmap *r;

	list_for_each_entry(r, &v->rmaps, node)
		atomic_dec(&((struct pcache_mm *)r->mm->pcache_priv)->busy);
	wake_up_all(&pcache_wq);
}

/*
 * Is every mapping of a locked victim in a range its node is dropping
 * (pcache_drop_begin())?  Read under pt_lock after victim_hold(): see
 * there.
 */
static bool victim_dropped(struct pcache_meta *v)
{
	struct pcache_rmap *r;
	bool dropped = true;

	list_for_each_entry(r, &v->rmaps, node) {
		struct pcache_mm *pm = r->mm->pcache_priv;

		pcache_pt_lock(r->mm);
		if (r->addr < pm->drop_start || r->addr >= pm->drop_end)
			dropped = false;
		pcache_pt_unlock(r->mm);
	}
	return dropped;
}

/* Abort a claimed line: the victim stays cached, moved to the LRU head. */
static void abort_claim(struct pcache *pc, struct pcache_fault *f,
			struct pcache_meta *m, bool victim)
{
	struct pcache_set *set = pcache_meta_set(pc, m);

	if (!victim) {
		pcache_free_line_locked(pc, m);
	} else {
		pcache_restore_line(m);
		victim_put(m);
		pcache_set_lock(set);
		list_move(&m->lru, &set->lru);
		pcache_set_unlock(set);
		pcache_unlock_line(pc, m);
	}
	atomic_dec(&f->pm->busy);
	wake_up_all(&pcache_wq);
}

/*
 * The line is claimed (locked, fill tag set), a victim write-protected.
 * Fetch the page, write back the victim on the way if it is dirty, and
 * map the line.  0 (mapped), PCACHE_RETRY (retry the fault) or an errno.
 */
static int fill_line(struct pcache *pc, struct pcache_fault *f,
		     struct pcache_meta *m, bool victim)
{
	struct mm_struct *mm = f->mm;
	struct pcache_set *set = pcache_meta_set(pc, m);
	struct pcache_rmap *vr = NULL;
	size_t len = sizeof(*f->req);
	phys_addr_t pa = pcache_line_pa(pc, m);
	bool piggyback = false, dropped = false;
	ssize_t n;
	u64 *pte;
	int ret;

	/*
	 * A victim whose node is dropping the page is not written back: the
	 * write-back would bring the old data back after the drop.  It stays
	 * PC_DIRTY until it is unmapped, in case the miss fails.
	 */
	if (victim && pcache_wrprotect_line(m))
		dropped = victim_dropped(m);
	if (victim && test_bit(PC_DIRTY, &m->flags) && !dropped) {
		vr = list_first_entry(&m->rmaps, struct pcache_rmap, node);
		if (list_is_singular(&m->rmaps) && vr->mm->mnode == mm->mnode) {
			struct mp_wb_hdr *wb = (void *)(f->req + 1);

			wb->tgid = vr->mm->space_id;
			wb->reserved = 0;
			wb->addr = vr->addr;
			memcpy(wb + 1, pcache_line_va(pc, m), PAGE_SIZE);
			len += sizeof(*wb) + PAGE_SIZE;
			piggyback = true;
		} else {
			ret = pcache_writeback_line(pc, m);
			if (ret) {
				pcache_count(NR_PCACHE_EVICTION_FAILURE);
				f->wb_failures++;
				f->wb_failed = true;
				abort_claim(pc, f, m, true);
				return ret;
			}
		}
	}

	f->req->tgid = mm->space_id;
	f->req->flags = (f->error_code & X86_PF_WRITE ? MP_MISS_WRITE : 0) |
			(piggyback ? MP_MISS_WB_PIGGYBACK : 0);
	f->req->addr = f->addr;
	pcache_lock_wait(0);
	n = fit_call(mm->mnode, MEMOP_MISS, f->req, len, f->reply,
		     sizeof(*f->reply) + PAGE_SIZE, 0);
	if (n >= 0 && (n < (ssize_t)sizeof(*f->reply) ||
		       (!(f->reply->fill & MP_FILL_ZERO) &&
			n != sizeof(*f->reply) + PAGE_SIZE)))
		n = -EPROTO;
	if (n < 0) {
		if (piggyback) {
			/* The victim's data may not have arrived: keep it. */
			pcache_count(NR_PCACHE_EVICTION_FAILURE);
			f->wb_failures++;
			f->wb_failed = true;
		}
		abort_claim(pc, f, m, victim);
		return n;
	}

	if (victim) {
		if (piggyback) {
			clear_bit(PC_DIRTY, &m->flags);
			pcache_count(NR_PCACHE_WRITEBACK_PIGGYBACK);
			pcache_count(NR_CLFLUSH);
		}
		if (dropped)
			clear_bit(PC_DIRTY, &m->flags);
		pcache_unmap_line(pc, m, true);
		/* Write-protected and flushed: nobody could redirty it. */
		WARN_ON(test_and_clear_bit(PC_DIRTY, &m->flags));
		pcache_count(NR_PCACHE_EVICTION_SUCCEED);
	}

	if (f->reply->fill & MP_FILL_ZERO) {
		memset(pcache_line_va(pc, m), 0, PAGE_SIZE);
		pcache_count(NR_PCACHE_FILL_ZEROFILL);
	} else {
		memcpy(pcache_line_va(pc, m), f->reply + 1, PAGE_SIZE);
		pcache_count(NR_PCACHE_FILL_FROM_MEMORY);
	}

	pcache_set_lock(set);
	pcache_pt_lock(mm);
	ret = 0;
	pte = NULL;
	if (pcache_mm_changed(f->pm, f->seq, f->addr))
		ret = PCACHE_RETRY;	/* a range op ran meanwhile */
	else if (!(pte = mm_pte(mm, f->addr, true)))
		ret = -ENOMEM;
	else if (WARN_ON(pte_has_line(*pte)))
		ret = PCACHE_RETRY;
	if (ret) {
		pcache_pt_unlock(mm);
		pcache_set_unlock(set);
		/* Not busy before the wake-up the range op waits for. */
		atomic_dec(&f->pm->busy);
		pcache_free_line_locked(pc, m);
		pcache_count(NR_PCACHE_FILL_DISCARD);
		f->discards++;
		return ret;
	}
	m->rmap0.mm = mm;
	m->rmap0.addr = f->addr;
	list_add(&m->rmap0.node, &m->rmaps);
	atomic_inc(&m->refcount);
	set_bit(PC_VALID, &m->flags);
	WRITE_ONCE(*pte, pcache_mk_pte(pa, f->prot));
	if (++mm->nr_ptes > mm->hiwater_rss)
		mm->hiwater_rss = mm->nr_ptes;
	atomic_long_inc(&f->pm->nr_lines);
	pcache_pt_unlock(mm);
	m->fill_mm = NULL;
	clear_bit(PC_LOCKED, &m->flags);
	atomic_dec(&m->refcount);
	list_move(&m->lru, &set->lru);
	pcache_set_unlock(set);
	pcache_lock_release(PCL_LINE, m);
	atomic_dec(&f->pm->busy);
	wake_up_all(&pcache_wq);
	return 0;
}

/*
 * The page is mapped (under the set lock, PTE value v).  0 if the access
 * can go on, PCACHE_RETRY after waiting for a busy line, -EFAULT.
 */
static int fault_on_mapped(struct pcache *pc, struct pcache_fault *f,
			   struct pcache_set *set, u64 v)
{
	struct pcache_meta *m = pcache_pa_to_meta(pc, v & PTE_PFN_MASK);
	u64 want = pcache_mk_pte(v & PTE_PFN_MASK, f->prot);
	u64 *pte;

	if ((v & _PAGE_PRESENT) &&
	    (!(f->error_code & X86_PF_WRITE) || (v & _PAGE_RW)) &&
	    (!(f->error_code & X86_PF_INSTR) || !(v & _PAGE_NX))) {
		/*
		 * Another CPU mapped it first, or a stale entry in this CPU's
		 * TLB: only this CPU faulted on it, so only its TLB needs it.
		 */
		pcache_set_unlock(set);
		pcache_count(NR_PGFAULT_SPURIOUS);
		local_flush_tlb_kernel_range(f->addr, f->addr + PAGE_SIZE);
		return 0;
	}
	if (WARN_ON(!m)) {
		pcache_set_unlock(set);
		return -EFAULT;
	}
	if (test_bit(PC_LOCKED, &m->flags)) {
		/* An eviction or a range op write-protected it: wait. */
		pcache_set_unlock(set);
		pcache_wait_line(!test_bit(PC_LOCKED, &m->flags));
		return PCACHE_RETRY;
	}
	/* The VMA allows the access: the PTE is older than an mprotect. */
	pcache_pt_lock(f->mm);
	pte = mm_pte(f->mm, f->addr, false);
	/*
	 * cmpxchg, not a store: another CPU may set D in this PTE meanwhile
	 * (it may be writable already, e.g. only exec was added), and a
	 * lost D would drop that write at eviction.  If it changed, the
	 * retry looks again.
	 */
	if (!pcache_mm_changed(f->pm, f->seq, f->addr) && pte)
		cmpxchg(pte, v, want | (v & (_PAGE_ACCESSED | _PAGE_DIRTY)));
	pcache_pt_unlock(f->mm);
	pcache_set_unlock(set);
	flush_tlb_mm_range(f->mm, f->addr, f->addr + PAGE_SIZE);
	return PCACHE_RETRY;
}

/* One attempt at a fault: 0, PCACHE_RETRY to try again, or an errno. */
static int do_fault(struct pcache *pc, struct pcache_fault *f)
{
	struct mm_struct *mm = f->mm;
	struct pcache_set *set = pcache_page_set(pc, mm, f->addr);
	struct pcache_meta *m;
	struct vm_area *vma;
	bool victim = false;
	u64 *pte, v;
	int err;

	/* Held by the caller (serialized) or just for the VMA lookup. */
	if (!f->serialized)
		pcache_mm_lock(mm);
	vma = find_vma(mm, f->addr);
	/* No VMA: -EFAULT (SEGV_MAPERR); one that forbids it: -EACCES (ACCERR). */
	err = !vma ? -EFAULT : !vma_allows(vma, f->error_code) ? -EACCES : -ENOMEM;
	f->pm = err == -ENOMEM ? pcache_mm_get(mm) : NULL;
	if (f->pm) {
		f->prot = vma->prot;
		pcache_pt_lock(mm);
		f->seq = f->pm->seq;
		pcache_pt_unlock(mm);
	}
	if (!f->serialized)
		pcache_mm_unlock(mm);
	if (!f->pm)
		return err;

	pcache_set_lock(set);
	pcache_pt_lock(mm);
	pte = mm_pte(mm, f->addr, false);
	v = pte ? READ_ONCE(*pte) : 0;
	pcache_pt_unlock(mm);
	if (pte_has_line(v))
		return fault_on_mapped(pc, f, set, v);

	/* Another CPU is filling this very page: wait for it. */
	list_for_each_entry(m, &set->lru, lru) {
		if (m->fill_mm == mm && m->fill_addr == f->addr) {
			pcache_set_unlock(set);
			pcache_count(NR_PCACHE_FILL_WAIT);
			pcache_wait_line(READ_ONCE(m->fill_mm) != mm ||
					      READ_ONCE(m->fill_addr) != f->addr);
			return PCACHE_RETRY;
		}
	}

	m = list_first_entry_or_null(&set->free, struct pcache_meta, lru);
	if (m) {
		atomic_long_inc(&pc->nr_used);
	} else {
		pcache_count(NR_PCACHE_EVICTION_TRIGGERED);
		m = pick_victim(pc, set);
		if (!m) {
			pcache_set_unlock(set);
			pcache_wait_line(set_has_unlocked(set));
			return PCACHE_RETRY;
		}
		victim = true;
		victim_hold(m);
	}
	list_move(&m->lru, &set->lru);
	pcache_line_lock(m);
	m->fill_mm = mm;
	m->fill_addr = f->addr;
	atomic_inc(&f->pm->busy);
	pcache_set_unlock(set);

	return fill_line(pc, f, m, victim);
}

int pcache_handle_fault(struct mm_struct *mm, unsigned long address,
			unsigned long error_code)
{
	struct pcache *pc = pcache;
	struct pcache_fault f = {
		.mm = mm,
		.addr = address & PAGE_MASK,
		.error_code = error_code,
	};
	int ret;

	pcache_count(NR_PGFAULT);
	pcache_lock_check_fault(mm);
	if (address >= TASK_SIZE)
		return -EFAULT;
	if (!pc)
		return -ENOMEM;
	f.req = kmalloc(sizeof(*f.req) + sizeof(struct mp_wb_hdr) + PAGE_SIZE,
			GFP_KERNEL);
	f.reply = kmalloc(sizeof(*f.reply) + PAGE_SIZE, GFP_KERNEL);
	ret = -ENOMEM;
	if (f.req && f.reply) {
		do {
			/*
			 * Range ops hold mm->lock: a fault that keeps losing
			 * its fill to them holds it too, and so gets through.
			 */
			f.serialized = f.discards >= PCACHE_DISCARDS_MAX;
			f.wb_failed = false;
			if (f.serialized) {
				pcache_count(NR_PGFAULT_SERIALIZED);
				pcache_mm_lock(mm);
			}
			ret = do_fault(pc, &f);
			if (f.serialized)
				pcache_mm_unlock(mm);
			/*
			 * A failed write-back leaves the victim dirty and
			 * mapped: try another victim, a few times.
			 */
			if (ret && ret != PCACHE_RETRY && ret != -EHOSTDOWN &&
			    f.wb_failed && f.wb_failures < PCACHE_EVICT_TRIES)
				ret = PCACHE_RETRY;
		} while (ret == PCACHE_RETRY);
	}
	kfree(f.req);
	kfree(f.reply);
	return ret;
}
