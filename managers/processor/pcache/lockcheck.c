// SPDX-License-Identifier: GPL-2.0
/*
 * CONFIG_DEBUG_PCACHE_LOCKS: check the pcache lock order
 * (Documentation/pcache.md, "Lock order") at run time.  Each task keeps
 * the pcache locks it holds with their rank (task->pcache_locks); taking
 * a lock whose rank is not above every held one, or sleeping with a
 * spinlock of the order held, WARNs once with both locks and the stack.
 * A trylock cannot wait, so it is recorded without the order check: the
 * line lock is taken that way, under its set lock.
 */
#define pr_fmt(fmt) "pcache: " fmt

#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/printk.h>
#include <tessera/sched.h>

#include "internal.h"

unsigned long pcache_lock_violations;
static bool pcache_lock_warned;

static const char * const rank_names[] = {
	[PCL_MM]	= "mm->lock",
	[PCL_LINE]	= "line lock",
	[PCL_SET]	= "set->lock",
	[PCL_PT]	= "mm->pt_lock",
};

static bool rank_spins(unsigned int rank)
{
	return rank == PCL_SET || rank == PCL_PT;
}

static void violation(const char *what, const char *name, const void *lock,
		      unsigned int held, const void *held_lock)
{
	pcache_lock_violations++;
	if (READ_ONCE(pcache_lock_warned))
		return;
	WRITE_ONCE(pcache_lock_warned, true);
	pr_err("lock order: %s %s (%p) while holding %s (%p)\n", what,
	       name, lock, rank_names[held], held_lock);
	__warn(__FILE__, __LINE__, __func__, "pcache lock order");
}

/* The self-test of the checker: one more warning may come. */
void pcache_lock_rearm(void)
{
	WRITE_ONCE(pcache_lock_warned, false);
}

void pcache_lock_acquire(unsigned int rank, const void *lock, bool trylock)
{
	struct pcache_held_locks *h = &current->pcache_locks;
	unsigned int i;

	for (i = 0; !trylock && i < h->nr; i++) {
		if (h->held[i].rank >= rank) {
			violation("taking", rank_names[rank], lock,
				  h->held[i].rank,
				  h->held[i].lock);
			break;
		}
	}
	if (h->nr == PCACHE_HELD_LOCKS_MAX) {
		violation("too many locks at", rank_names[rank], lock,
			  h->held[h->nr - 1].rank,
			  h->held[h->nr - 1].lock);
		return;
	}
	h->held[h->nr].rank = rank;
	h->held[h->nr].lock = lock;
	h->nr++;
}

void pcache_lock_release(unsigned int rank, const void *lock)
{
	struct pcache_held_locks *h = &current->pcache_locks;
	unsigned int i;

	for (i = h->nr; i--; ) {
		if (h->held[i].rank == rank && h->held[i].lock == lock) {
			for (; i + 1 < h->nr; i++)
				h->held[i] = h->held[i + 1];
			h->nr--;
			return;
		}
	}
	/* Past a too-deep record the stack is unreliable: that one warned. */
	if (h->nr < PCACHE_HELD_LOCKS_MAX)
		violation("releasing unheld", rank_names[rank], lock, rank, NULL);
}

/* About to sleep until a lock of rank is free (rank 0: just to sleep). */
void pcache_lock_wait(unsigned int rank)
{
	struct pcache_held_locks *h = &current->pcache_locks;
	unsigned int i;

	for (i = 0; i < h->nr; i++) {
		if (rank_spins(h->held[i].rank) ||
		    (rank && h->held[i].rank >= rank)) {
			violation("sleeping for", rank ? rank_names[rank] : "-",
				  NULL, h->held[i].rank, h->held[i].lock);
			return;
		}
	}
}

/* mm->lock must not be held by the faulting task: the fault takes it. */
void pcache_lock_check_fault(struct mm_struct *mm)
{
	if (mutex_owner(&mm->lock) == current)
		violation("faulting, so taking", rank_names[PCL_MM],
			  &mm->lock, PCL_MM, &mm->lock);
	pcache_lock_wait(PCL_MM);
}
