/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PCACHE_INTERNAL_H
#define _PCACHE_INTERNAL_H

/*
 * pcache internals.  Documentation/pcache.md describes the geometry,
 * the lock order (its "Lock order" section is the one statement of it)
 * and the flows; this file only names things.
 */
#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/spinlock.h>
#include <tessera/user_mm.h>
#include <tessera/wait.h>
#include <asm/bitops.h>
#include <asm/pgtable.h>

/*
 * A software bit of a user PTE: the line is still mapped here but the
 * VMA is PROT_NONE, so _PAGE_PRESENT is clear.  The PFN stays valid.
 */
#define _PAGE_BIT_PROTNONE	9
#define _PAGE_PROTNONE		(_AT(u64, 1) << _PAGE_BIT_PROTNONE)

/* Does this user PTE point to a pcache line? */
static inline bool pte_has_line(u64 pte)
{
	return pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

/* Line flag bits (struct pcache_meta.flags). */
enum {
	PC_LOCKED,	/* the line lock: a fill, an eviction or a range op */
	PC_VALID,	/* holds a page; its rmaps say whose */
	PC_DIRTY,	/* newer than the memory node's copy (PTE D harvested) */
};

/* One mapping of a line: the PTE of addr in mm. */
struct pcache_rmap {
	struct list_head node;		/* in pcache_meta.rmaps */
	struct mm_struct *mm;
	unsigned long addr;
	bool was_rw;			/* RW before an eviction write-protected it */
};

/*
 * Per-line metadata.  flags' PC_LOCKED bit, lru and the fill tag change
 * under the set lock; the rmap list and the other flags belong to
 * whoever holds the line lock (PC_LOCKED), or to the set lock holder
 * while the line is unlocked.
 */
struct pcache_meta {
	unsigned long flags;
	atomic_t refcount;		/* rmaps, plus one while locked */
	struct list_head lru;		/* set->lru or set->free */
	struct list_head rmaps;		/* struct pcache_rmap */
	struct pcache_rmap rmap0;	/* the first mapping, never allocated */
	/* The page being filled into this line, for concurrent faulters. */
	struct mm_struct *fill_mm;
	unsigned long fill_addr;
};

struct pcache_set {
	spinlock_t lock;
	struct list_head lru;		/* in-use lines, most recent first */
	struct list_head free;
	unsigned int nr_ways;
};

enum pcache_policy {
	PCACHE_POLICY_LRU,
	PCACHE_POLICY_FIFO,
	PCACHE_POLICY_RANDOM,
};

struct pcache {
	phys_addr_t base;		/* line i is at base + i * PAGE_SIZE */
	unsigned long nr_lines;
	unsigned int nr_sets;
	unsigned int ways;		/* per set; nr_lines % nr_sets have one more */
	enum pcache_policy policy;
	struct pcache_set *sets;
	struct pcache_meta *meta;
	atomic_long_t nr_used;
};

/*
 * What the pcache keeps per address space (mm->pcache_priv), allocated
 * at the first fault, freed by pcache_exit_mm().
 */
#define PCACHE_MM_OPS	8

struct pcache_mm {
	u64 seq;			/* bumped by range ops, under pt_lock */
	/* The ranges of the last range ops: op seq is at seq % PCACHE_MM_OPS. */
	struct {
		unsigned long start, end;
	} ops[PCACHE_MM_OPS];
	/* The node drops these pages (pcache_drop_begin()): no write-back. */
	unsigned long drop_start, drop_end;
	atomic_t busy;			/* its lines locked by fills or evictions */
	atomic_long_t nr_lines;		/* lines mapped in it */
};

/* A range op on [start, end) begins (pt_lock held). */
static inline void pcache_mm_note_range(struct pcache_mm *pm,
					unsigned long start, unsigned long end)
{
	pm->seq++;
	pm->ops[pm->seq % PCACHE_MM_OPS].start = start;
	pm->ops[pm->seq % PCACHE_MM_OPS].end = end;
}

/*
 * Did a range op cover addr since the fault saw seq (pt_lock held)?  A
 * fault that began before the op must not map what the op removed or
 * changed; faults elsewhere in the mm go on.
 */
static inline bool pcache_mm_changed(struct pcache_mm *pm, u64 seq,
				     unsigned long addr)
{
	u64 s;

	if (pm->seq - seq >= PCACHE_MM_OPS)
		return pm->seq != seq;
	for (s = seq + 1; s <= pm->seq; s++)
		if (addr >= pm->ops[s % PCACHE_MM_OPS].start &&
		    addr < pm->ops[s % PCACHE_MM_OPS].end)
			return true;
	return false;
}

extern struct pcache *pcache;
extern struct wait_queue_head pcache_wq;

/* Counters: pcache_stats_show() prints them in this order. */
enum pcache_counter {
	NR_PGFAULT,
	NR_PGFAULT_SPURIOUS,
	NR_PGFAULT_SERIALIZED,
	NR_PCACHE_FILL_FROM_MEMORY,
	NR_PCACHE_FILL_ZEROFILL,
	NR_PCACHE_FILL_WAIT,
	NR_PCACHE_FILL_DISCARD,
	NR_PCACHE_EVICTION_TRIGGERED,
	NR_PCACHE_EVICTION_SUCCEED,
	NR_PCACHE_EVICTION_FAILURE,
	NR_PCACHE_WRITEBACK,
	NR_PCACHE_WRITEBACK_PIGGYBACK,
	NR_CLFLUSH,
	NR_PCACHE_HIT_PROMOTE,
	NR_PCACHE_ZAP,
	NR_PCACHE_FLUSH,
	NR_PCACHE_PROTECT,
	NR_PCACHE_COUNTERS,
};

extern atomic64_t pcache_counters[NR_PCACHE_COUNTERS];

static inline void pcache_count(enum pcache_counter c)
{
	atomic64_inc(&pcache_counters[c]);
}

static inline unsigned long pcache_line_index(struct pcache *pc,
					      struct pcache_meta *m)
{
	return m - pc->meta;
}

static inline phys_addr_t pcache_line_pa(struct pcache *pc,
					 struct pcache_meta *m)
{
	return pc->base + pcache_line_index(pc, m) * PAGE_SIZE;
}

static inline void *pcache_line_va(struct pcache *pc, struct pcache_meta *m)
{
	return __va(pcache_line_pa(pc, m));
}

/* The line at physical address pa, or NULL if pa is not in the cache. */
static inline struct pcache_meta *pcache_pa_to_meta(struct pcache *pc,
						    phys_addr_t pa)
{
	if (pa < pc->base || pa >= pc->base + pc->nr_lines * PAGE_SIZE)
		return NULL;
	return &pc->meta[(pa - pc->base) >> PAGE_SHIFT];
}

static inline struct pcache_set *pcache_meta_set(struct pcache *pc,
						 struct pcache_meta *m)
{
	return &pc->sets[pcache_line_index(pc, m) % pc->nr_sets];
}

/* The set a user page belongs to: its vpn, offset per process. */
static inline struct pcache_set *pcache_page_set(struct pcache *pc,
						 struct mm_struct *mm,
						 unsigned long addr)
{
	u64 key = (addr >> PAGE_SHIFT) +
		  (u32)((mm->space_id ^ (mm->mnode << 20)) * 0x9e3779b1U);

	return &pc->sets[key % pc->nr_sets];
}

/*
 * The lock order, by rank: a lock may be waited for only while every
 * held one ranks lower.  The line lock is taken by trylock under its set
 * lock, and waited for (pcache_wq) with no spinlock held.
 */
enum pcache_lock_rank {
	PCL_MM = 1,	/* mm->lock */
	PCL_LINE,	/* PC_LOCKED, and what its holders release: busy, fill tag */
	PCL_SET,	/* set->lock */
	PCL_PT,		/* mm->pt_lock */
};

#ifdef CONFIG_DEBUG_PCACHE_LOCKS
extern unsigned long pcache_lock_violations;
void pcache_lock_acquire(unsigned int rank, const void *lock, bool trylock);
void pcache_lock_release(unsigned int rank, const void *lock);
void pcache_lock_wait(unsigned int rank);
void pcache_lock_check_fault(struct mm_struct *mm);
void pcache_lock_rearm(void);
#else
static inline void pcache_lock_acquire(unsigned int rank, const void *lock,
				       bool trylock) { }
static inline void pcache_lock_release(unsigned int rank, const void *lock) { }
static inline void pcache_lock_wait(unsigned int rank) { }
static inline void pcache_lock_check_fault(struct mm_struct *mm) { }
#endif

static inline void pcache_set_lock(struct pcache_set *set)
{
	pcache_lock_acquire(PCL_SET, set, false);
	spin_lock(&set->lock);
}

static inline void pcache_set_unlock(struct pcache_set *set)
{
	spin_unlock(&set->lock);
	pcache_lock_release(PCL_SET, set);
}

static inline void pcache_pt_lock(struct mm_struct *mm)
{
	pcache_lock_acquire(PCL_PT, &mm->pt_lock, false);
	spin_lock(&mm->pt_lock);
}

static inline void pcache_pt_unlock(struct mm_struct *mm)
{
	spin_unlock(&mm->pt_lock);
	pcache_lock_release(PCL_PT, &mm->pt_lock);
}

static inline void pcache_mm_lock(struct mm_struct *mm)
{
	pcache_lock_acquire(PCL_MM, &mm->lock, false);
	mutex_lock(&mm->lock);
}

static inline void pcache_mm_unlock(struct mm_struct *mm)
{
	mutex_unlock(&mm->lock);
	pcache_lock_release(PCL_MM, &mm->lock);
}

/* Lock a free line (PC_LOCKED clear), set lock held. */
static inline void pcache_line_lock(struct pcache_meta *m)
{
	set_bit(PC_LOCKED, &m->flags);
	atomic_inc(&m->refcount);
	pcache_lock_acquire(PCL_LINE, m, true);
}

/* Sleep until cond, waiting for what a line lock holder releases. */
#define pcache_wait_line(cond) do {					\
	pcache_lock_wait(PCL_LINE);					\
	wait_event(pcache_wq, cond);					\
} while (0)

/* init.c */
int pcache_setup(struct pcache *pc, phys_addr_t base, unsigned long nr_lines,
		 unsigned int ways);
void pcache_teardown(struct pcache *pc);

/* fault.c */
void pcache_unlock_line(struct pcache *pc, struct pcache_meta *m);
void pcache_free_line_locked(struct pcache *pc, struct pcache_meta *m);
int pcache_writeback_line(struct pcache *pc, struct pcache_meta *m);
bool pcache_wrprotect_line(struct pcache_meta *m);
void pcache_restore_line(struct pcache_meta *m);
void pcache_unmap_line(struct pcache *pc, struct pcache_meta *m,
		       bool put_busy);
u64 pcache_mk_pte(phys_addr_t pa, u32 prot);

#endif /* _PCACHE_INTERNAL_H */
