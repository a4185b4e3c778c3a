/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_USER_MM_H
#define _TESSERA_USER_MM_H

/*
 * A user address space on the processor manager.  Its home is a memory
 * node (mm->mnode): the VMAs here mirror the memory node's, and the pages
 * live in the pcache (include/tessera/pcache.h).  The page tables are
 * the processor's own: the lower half maps user pages to pcache lines,
 * the upper half is shared with the kernel.
 *
 * Lock order: mm->lock (mutex: VMAs, address-space changes) before the
 * pcache's locks before mm->pt_lock (spinlock: page-table pages and PTEs);
 * Documentation/pcache.md, "Lock order", has the whole order.
 */
#include <tessera/types.h>
#include <tessera/mutex.h>
#include <tessera/spinlock.h>
#include <tessera/rbtree.h>
#include <tessera/list.h>
#include <tessera/refcount.h>

/* The user half: [0, TASK_SIZE), as on Linux with 4-level paging. */
#define TASK_SIZE	0x00007ffffffff000UL

/* A mirrored VMA; prot and flags as in include/tessera/memproto.h. */
struct vm_area {
	struct rb_node rb;
	unsigned long start;	/* page aligned */
	unsigned long end;	/* page aligned, exclusive */
	u32 prot;		/* MP_PROT_* */
	u32 flags;		/* MP_VMA_* */
	/*
	 * A MAP_SHARED mapping of a storage node's file: its handle as
	 * (gen << 32 | ino), and the file offset of start; fkey 0 otherwise.
	 */
	u64 fkey;
	u64 pgoff;
};

struct mm_struct {
	u64 *pgd;		/* PML4, direct-map address */
	struct mutex lock;	/* the VMA tree and address-space changes */
	spinlock_t pt_lock;	/* page-table pages and PTEs */
	struct rb_root vmas;	/* struct vm_area by start */
	refcount_t users;		/* references to the struct */
	atomic_t owners;		/* processes running in it (CLONE_VM) */
	u32 space_id;		/* names the address space on its memory node */
	u32 mnode;		/* FIT node id of the memory node */
	unsigned long start_brk, brk;
	unsigned long nr_ptes;	/* present user PTEs: the resident set */
	unsigned long hiwater_rss;	/* the most nr_ptes has been */
	void *pcache_priv;	/* owned by the pcache */
	/* Its VMAs with an fkey; with some, it is in mmap.c's list. */
	unsigned int nr_file_shared;
	struct list_head file_shared_node;
};

/* Page tables (arch/x86/mm/user_pgtable.c). */

/* A PML4 with an empty user half and the kernel's upper half. */
u64 *pgd_alloc(void);
/* Free a PML4 and every user page-table page under it (not the pages
 * its PTEs point to: those belong to the pcache). */
void pgd_free(u64 *pgd);
/*
 * The PTE of addr (a user address) in mm, or NULL if a level is missing
 * (alloc false) or a table page could not be allocated (alloc true).
 * Call with mm->pt_lock held.
 */
u64 *mm_pte(struct mm_struct *mm, unsigned long addr, bool alloc);
/* Flush [start, end) of mm from the TLBs of every CPU that may hold it. */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start,
			unsigned long end);
/* Load mm's page tables on this CPU (CR3). */
void switch_mm(struct mm_struct *mm);

/* The VMA containing addr, or NULL (mm->lock held). */
struct vm_area *find_vma(struct mm_struct *mm, unsigned long addr);
/* Insert vma, which overlaps no other, into mm's tree (mm->lock held). */
void vma_link(struct mm_struct *mm, struct vm_area *vma);

#endif /* _TESSERA_USER_MM_H */
