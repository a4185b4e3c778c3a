/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_PGTABLE_H
#define _ASM_X86_PGTABLE_H

/*
 * Four-level x86-64 page tables, with Linux's names for the levels:
 * pgd (PML4), pud (PDPT), pmd (page directory), pte (page table).
 *
 * Virtual memory layout of the kernel half (see Documentation/memory.md):
 *
 *   ffff888000000000  direct map of all RAM (PML4 slot 273 on, <= 64 TiB)
 *   ffffc90000000000  vmalloc space (slots 402-465, 32 TiB)
 *   ffffe90000000000  ioremap space (slot 466, owned by ioremap.c)
 *   ffffffff80000000  kernel image (slot 511, -2 GiB)
 */

#define _PAGE_BIT_PRESENT	0
#define _PAGE_BIT_RW		1
#define _PAGE_BIT_USER		2
#define _PAGE_BIT_PWT		3
#define _PAGE_BIT_PCD		4
#define _PAGE_BIT_ACCESSED	5
#define _PAGE_BIT_DIRTY		6
#define _PAGE_BIT_PSE		7
#define _PAGE_BIT_GLOBAL	8
#define _PAGE_BIT_NX		63

#ifdef __ASSEMBLY__
#define _AT(T, x)	x
#else
#define _AT(T, x)	((T)(x))
#endif

#define _PAGE_PRESENT	(_AT(u64, 1) << _PAGE_BIT_PRESENT)
#define _PAGE_RW	(_AT(u64, 1) << _PAGE_BIT_RW)
#define _PAGE_USER	(_AT(u64, 1) << _PAGE_BIT_USER)
#define _PAGE_PWT	(_AT(u64, 1) << _PAGE_BIT_PWT)
#define _PAGE_PCD	(_AT(u64, 1) << _PAGE_BIT_PCD)
#define _PAGE_ACCESSED	(_AT(u64, 1) << _PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY	(_AT(u64, 1) << _PAGE_BIT_DIRTY)
#define _PAGE_PSE	(_AT(u64, 1) << _PAGE_BIT_PSE)
#define _PAGE_GLOBAL	(_AT(u64, 1) << _PAGE_BIT_GLOBAL)
#define _PAGE_NX	(_AT(u64, 1) << _PAGE_BIT_NX)

/* Physical address bits of an entry (4 KiB aligned). */
#define PTE_PFN_MASK	_AT(u64, 0x000ffffffffff000)

#define PTRS_PER_TABLE	512
#define PMD_SHIFT	21
#define PUD_SHIFT	30
#define PGDIR_SHIFT	39
#define PMD_SIZE	(_AT(unsigned long, 1) << PMD_SHIFT)
#define PUD_SIZE	(_AT(unsigned long, 1) << PUD_SHIFT)
#define PGDIR_SIZE	(_AT(unsigned long, 1) << PGDIR_SHIFT)

#define VMALLOC_START	_AT(unsigned long, 0xffffc90000000000)
#define VMALLOC_END	_AT(unsigned long, 0xffffe8ffffffffff)
/* PML4 slot 466: ioremap's, never touched by the page-table code here. */
#define IOREMAP_PGD_INDEX	466
/* The direct map may cover up to 64 TiB of physical address space. */
#define MAXMEM		(_AT(u64, 1) << 46)

#ifndef __ASSEMBLY__
#include <tessera/types.h>

typedef struct { u64 pgprot; } pgprot_t;
#define __pgprot(x)	((pgprot_t){ (x) })
#define pgprot_val(p)	((p).pgprot)

#define __PAGE_KERNEL_BASE	(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
/* Data: RW, not executable. */
#define PAGE_KERNEL		__pgprot(__PAGE_KERNEL_BASE | _PAGE_RW | \
					 _PAGE_DIRTY | _PAGE_NX)
/* Read-only data. */
#define PAGE_KERNEL_RO		__pgprot(__PAGE_KERNEL_BASE | _PAGE_NX)
/* Code: read and execute, never writable. */
#define PAGE_KERNEL_RX		__pgprot(__PAGE_KERNEL_BASE)
/* Device memory: uncached, not executable. */
#define PAGE_KERNEL_NOCACHE	__pgprot(__PAGE_KERNEL_BASE | _PAGE_RW | \
					 _PAGE_DIRTY | _PAGE_NX | \
					 _PAGE_PCD | _PAGE_PWT)

/* Page-table levels as returned by lookup_address(). */
enum pg_level {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,
	PG_LEVEL_2M,
	PG_LEVEL_1G,
};

/* Bits the CPU supports: NX and GLOBAL are cleared when it has not them. */
extern u64 __supported_pte_mask;

/* The kernel's PML4 (direct-map address) once paging_init() ran. */
extern u64 *swapper_pg_dir;
/* CR4 bits every CPU must set (PGE, SMEP, SMAP as supported). */
extern unsigned long mmu_cr4_features;

static inline unsigned int pgd_index(unsigned long va)
{
	return (va >> PGDIR_SHIFT) & (PTRS_PER_TABLE - 1);
}

static inline unsigned int pud_index(unsigned long va)
{
	return (va >> PUD_SHIFT) & (PTRS_PER_TABLE - 1);
}

static inline unsigned int pmd_index(unsigned long va)
{
	return (va >> PMD_SHIFT) & (PTRS_PER_TABLE - 1);
}

static inline unsigned int pte_index(unsigned long va)
{
	return (va >> 12) & (PTRS_PER_TABLE - 1);
}

/* Build the kernel page tables and switch to them (arch/x86/mm/init.c). */
void paging_init(void);

/**
 * map_kernel_range - map physically contiguous memory into kernel space
 * @va: page-aligned virtual address (kernel half)
 * @pa: page-aligned physical address
 * @size: bytes, rounded up to whole pages
 * @prot: PAGE_KERNEL, PAGE_KERNEL_RO, ... (leaf entry bits)
 *
 * Maps with 4 KiB pages; missing intermediate tables come from the page
 * allocator (memblock before mem_init()).  Every target entry must be
 * empty.  Returns 0, -ENOMEM or -EEXIST (what was mapped stays mapped).
 */
int map_kernel_range(unsigned long va, phys_addr_t pa, unsigned long size,
		     pgprot_t prot);

/**
 * unmap_kernel_range - remove 4 KiB mappings made by map_kernel_range
 * @va: page-aligned start
 * @size: bytes
 *
 * Clears the entries and flushes them from the TLB.  Page tables are
 * kept for reuse.  The _noflush variant leaves flushing to the caller.
 */
void unmap_kernel_range(unsigned long va, unsigned long size);
void unmap_kernel_range_noflush(unsigned long va, unsigned long size);

/**
 * lookup_address - find the leaf entry mapping va in the live page tables
 * @va: virtual address
 * @level: set to the level of the entry (PG_LEVEL_4K, _2M or _1G)
 *
 * Returns a pointer to the entry, or NULL if some level is not present.
 */
u64 *lookup_address(unsigned long va, enum pg_level *level);

/* The physical address va maps to, or -1 if it is not mapped. */
phys_addr_t slow_virt_to_phys(unsigned long va);

/*
 * TLB maintenance for kernel mappings.  On one CPU this is invlpg (or a
 * full flush for big ranges); SMP will extend these with a shootdown.
 */
void local_flush_tlb_kernel_range(unsigned long start, unsigned long end);
/* Every online CPU (arch/x86/kernel/smpboot.c). */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
void flush_tlb_all(void);

static inline void __flush_tlb_one(unsigned long va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}
#endif /* !__ASSEMBLY__ */

#endif /* _ASM_X86_PGTABLE_H */
