/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_PCACHE_H
#define _TESSERA_PCACHE_H

/*
 * The processor cache (managers/processor/pcache): local DRAM holding
 * the pages of user address spaces whose home is a memory node.  A user
 * PTE maps a virtual page straight to its cache line.  Documentation/
 * pcache.md has the geometry, the lock order and the counters.
 *
 * Callers: the user page-fault path, and the address-space syscalls
 * (after the memory node agreed to the change, before they return).
 * All may sleep; none may be called with mm->pt_lock held.
 */
#include <tessera/types.h>

struct mm_struct;

#ifdef CONFIG_DEBUG_PCACHE_LOCKS
/* Per task: the pcache locks it holds, in the order taken. */
#define PCACHE_HELD_LOCKS_MAX	8

struct pcache_held_locks {
	unsigned int nr;
	struct {
		unsigned int rank;
		const void *lock;
	} held[PCACHE_HELD_LOCKS_MAX];
};
#endif

/* Reserve the cache (pcache=, pcache.ways=); the processor calls it once. */
int pcache_init(void);

#ifdef CONFIG_PCACHE
/* Take the region from memblock: mm_init(), before the page allocator. */
void pcache_reserve(void);
#else
static inline void pcache_reserve(void) { }
#endif

/* pcache.stats=1: print the counters when a process exits. */
extern bool pcache_stats_at_exit;

/*
 * A user fault at addr in mm (error_code as the CPU gave it: X86_PF_*).
 * 0: the page is mapped now, retry the access.  -EFAULT: no VMA there
 * (or the memory node refused the miss), -EACCES: the VMA forbids the
 * access; the caller raises SIGSEGV (SEGV_MAPERR, SEGV_ACCERR).
 * -EHOSTDOWN, -ENOMEM, ...: the fill failed (the process is killed, with
 * that reason logged).
 */
int pcache_handle_fault(struct mm_struct *mm, unsigned long addr,
			unsigned long error_code);

/*
 * The memory node is about to drop the pages of [start, end) (munmap,
 * MADV_DONTNEED, a MAP_FIXED or MREMAP_FIXED replacement, a brk that
 * shrinks).  Call it under mm->lock before the request, and end it with
 * pcache_zap_range() of the range once the node agreed, or with
 * pcache_drop_end() if it refused.  Meanwhile no eviction writes a line
 * of the range back: it would reach the node after the drop and bring
 * the old data back.  Waits for the evictions of mm already under way.
 */
void pcache_drop_begin(struct mm_struct *mm, unsigned long start,
		       unsigned long end);
void pcache_drop_end(struct mm_struct *mm);

/* Drop the lines of [start, end) without writing them back (munmap,
 * MADV_DONTNEED: the memory node dropped the pages too); ends a drop. */
void pcache_zap_range(struct mm_struct *mm, unsigned long start,
		      unsigned long end);

/* Write back the dirty lines of [start, end), then drop them all (before
 * mremap moves pages on the memory node).  0 or a negative errno. */
int pcache_flush_range(struct mm_struct *mm, unsigned long start,
		       unsigned long end);

/* Apply a new protection (MP_PROT_*) to the mapped lines of [start, end). */
void pcache_protect_range(struct mm_struct *mm, unsigned long start,
			  unsigned long end, u32 prot);

/*
 * Write back every dirty line of mm and keep the lines cached (fork:
 * the memory node then holds what the child must see).  0 or the errno
 * of a failed write-back (that line stays dirty).
 */
int pcache_clean_mm(struct mm_struct *mm);
/* The process is gone: drop all its lines (no write-back). */
void pcache_exit_mm(struct mm_struct *mm);

/* Lines in the cache and lines in use (/proc/meminfo). */
void pcache_usage(unsigned long *total, unsigned long *used);

/* Counters as text (the /proc/pcache file); returns the length. */
size_t pcache_stats_show(char *buf, size_t size);
/* Print the counters on the console (pcache.stats=1, at process exit). */
void pcache_print_stats(void);

#endif /* _TESSERA_PCACHE_H */
