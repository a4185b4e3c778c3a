// SPDX-License-Identifier: GPL-2.0
/*
 * ioremap: device memory (and firmware tables) mapped with 4 KiB pages in
 * a region of its own, PML4 slot 466 (0xffffe90000000000, 512 GiB).
 *
 * Virtual space is handed out by a bump allocator with a guard page after
 * each mapping; iounmap() clears the PTEs and flushes them from this CPU's
 * TLB but does not reuse the space (512 GiB is plenty for the devices of
 * one node).  Page-table pages for the region come from
 * ioremap_alloc_table() and are never freed.
 *
 * The walk starts from the live CR3 and reaches each level through the
 * direct map, so it works on whatever page tables are loaded, as long as
 * they map their own page-table pages in the direct map.
 */
#include <tessera/kernel.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/bug.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/extable.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

#define IOREMAP_START		0xffffe90000000000UL
#define IOREMAP_SIZE		(1UL << 39)
#define IOREMAP_POOL_PAGES	8
#define IOREMAP_MAX_AREAS	64

/* Page-table entry bits (private: the generic definitions come with mm). */
#define IO_PTE_PRESENT		(1ULL << 0)
#define IO_PTE_RW		(1ULL << 1)
#define IO_PTE_PWT		(1ULL << 3)
#define IO_PTE_PCD		(1ULL << 4)
#define IO_PTE_PS		(1ULL << 7)
#define IO_PTE_GLOBAL		(1ULL << 8)
#define IO_PTE_NX		(1ULL << 63)
#define IO_PTE_ADDR		0x000ffffffffff000ULL

struct ioremap_area {
	unsigned long addr;	/* page aligned; 0: free slot */
	unsigned long pages;
};

static u64 table_pool[IOREMAP_POOL_PAGES][PAGE_SIZE / 8] __aligned(PAGE_SIZE);
static unsigned int table_pool_used;
static struct ioremap_area areas[IOREMAP_MAX_AREAS];
static unsigned long next_va = IOREMAP_START;
static DEFINE_SPINLOCK(ioremap_lock);

/*
 * ioremap_alloc_table - a zeroed page for a page-table level.
 *
 * Returns its direct-map address (so __pa() gives the physical address),
 * or NULL.  From the page allocator once it is up; before that (an
 * ioremap() ahead of mm_init()), from a small static pool.
 */
static u64 *ioremap_alloc_table(void)
{
	u64 *t;

	if (page_alloc_ready)
		return (u64 *)get_zeroed_page(GFP_ATOMIC);
	if (table_pool_used == IOREMAP_POOL_PAGES)
		return NULL;
	t = __va(__pa_symbol(table_pool[table_pool_used++]));
	memset(t, 0, PAGE_SIZE);
	return t;
}

static unsigned int pt_index(unsigned long va, unsigned int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/* The PTE for va in the ioremap region; creates missing levels if asked. */
static u64 *ioremap_pte(unsigned long va, bool create)
{
	u64 *table = __va(read_cr3() & IO_PTE_ADDR);
	unsigned int level;

	for (level = 4; level > 1; level--) {
		u64 *e = &table[pt_index(va, level)];

		if (!(*e & IO_PTE_PRESENT)) {
			u64 *next;

			if (!create)
				return NULL;
			next = ioremap_alloc_table();
			if (!next)
				return NULL;
			*e = __pa(next) | IO_PTE_PRESENT | IO_PTE_RW;
		}
		if (WARN_ON(*e & IO_PTE_PS))
			return NULL;
		table = __va(*e & IO_PTE_ADDR);
	}
	return &table[pt_index(va, 1)];
}

static void unmap_pages(unsigned long va, unsigned long pages)
{
	unsigned long i;

	for (i = 0; i < pages; i++, va += PAGE_SIZE) {
		u64 *pte = ioremap_pte(va, false);

		if (pte)
			WRITE_ONCE(*pte, 0);
	}
}

static void __iomem *__ioremap(phys_addr_t phys, size_t size, u64 prot)
{
	unsigned long offset = phys & ~PAGE_MASK, pages, va, i, flags;
	phys_addr_t base = phys & PAGE_MASK;
	struct ioremap_area *area = NULL;

	if (!size || phys + size - 1 < phys || (phys + size - 1) >> 52)
		return NULL;
	pages = DIV_ROUND_UP(offset + size, PAGE_SIZE);
	if (rdmsr(MSR_EFER) & EFER_NXE)
		prot |= IO_PTE_NX;

	spin_lock_irqsave(&ioremap_lock, flags);
	for (i = 0; i < IOREMAP_MAX_AREAS; i++) {
		if (!areas[i].addr) {
			area = &areas[i];
			break;
		}
	}
	va = next_va;
	/* One unmapped guard page after each mapping. */
	if (!area || pages + 1 > (IOREMAP_START + IOREMAP_SIZE - va) >> PAGE_SHIFT)
		goto fail;
	for (i = 0; i < pages; i++) {
		u64 *pte = ioremap_pte(va + i * PAGE_SIZE, true);

		if (!pte) {
			/* Never published: only this CPU may have used them. */
			unmap_pages(va, i);
			local_flush_tlb_kernel_range(va, va + i * PAGE_SIZE);
			goto fail;
		}
		WRITE_ONCE(*pte, (base + i * PAGE_SIZE) | prot);
	}
	next_va = va + (pages + 1) * PAGE_SIZE;
	area->addr = va;
	area->pages = pages;
	spin_unlock_irqrestore(&ioremap_lock, flags);
	return (void __iomem *)(va + offset);

fail:
	spin_unlock_irqrestore(&ioremap_lock, flags);
	pr_err("ioremap: cannot map %#llx+%#lx\n", phys, (unsigned long)size);
	return NULL;
}

void __iomem *ioremap(phys_addr_t phys, size_t size)
{
	return __ioremap(phys, size, IO_PTE_PRESENT | IO_PTE_RW |
			 IO_PTE_GLOBAL | IO_PTE_PCD | IO_PTE_PWT);
}

void __iomem *ioremap_cache(phys_addr_t phys, size_t size)
{
	return __ioremap(phys, size, IO_PTE_PRESENT | IO_PTE_RW | IO_PTE_GLOBAL);
}

void iounmap(volatile void __iomem *addr)
{
	unsigned long va = (unsigned long)addr & PAGE_MASK, flags, pages = 0;
	unsigned int i;

	if (!addr)
		return;
	spin_lock_irqsave(&ioremap_lock, flags);
	for (i = 0; i < IOREMAP_MAX_AREAS; i++) {
		if (areas[i].addr == va) {
			pages = areas[i].pages;
			unmap_pages(va, pages);
			areas[i].addr = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&ioremap_lock, flags);
	if (WARN_ON(i == IOREMAP_MAX_AREAS))
		return;
	/* Outside the lock: the shootdown interrupts the other CPUs. */
	flush_tlb_kernel_range(va, va + pages * PAGE_SIZE);
}

#ifdef CONFIG_SELFTEST
static u64 ioremap_test_page[PAGE_SIZE / 8] __aligned(PAGE_SIZE);

/* Read a byte; -EFAULT through the exception table if it faults. */
static noinline int probe_byte(const volatile void *p, u8 *val)
{
	int ret = 0;

	asm volatile("1:	movb (%2), %1\n"
		     "2:\n"
		     "	.pushsection .text.fixup, \"ax\"\n"
		     "3:	movl %3, %0\n"
		     "	jmp 2b\n"
		     "	.popsection\n"
		     _ASM_EXTABLE(1b, 3b)
		     : "+r"(ret), "=q"(*val)
		     : "r"(p), "i"(-14));
	return ret;
}

SELFTEST(ioremap_map_unmap)
{
	phys_addr_t pa = __pa_symbol(ioremap_test_page) + 0x10;
	void __iomem *p, *q;
	u64 *pte;
	u8 v;

	/* An alias of a known page: both views see the same memory. */
	p = ioremap_cache(pa, 16);
	ST_ASSERT(p);
	ST_ASSERT((unsigned long)p >= IOREMAP_START &&
		  (unsigned long)p < IOREMAP_START + IOREMAP_SIZE);
	ST_EQ((unsigned long)p & ~PAGE_MASK, 0x10);
	writeq(0x1122334455667788ULL, p);
	ST_EQ(READ_ONCE(ioremap_test_page[2]), 0x1122334455667788ULL);
	ioremap_test_page[3] = 0xabcdef;
	ST_EQ(readl(p + 8), 0xabcdef);
	pte = ioremap_pte((unsigned long)p, false);
	ST_ASSERT(pte && !(*pte & (IO_PTE_PCD | IO_PTE_PWT)));

	/* Uncached, non-executable; a mapping across a page boundary. */
	q = ioremap(pa + PAGE_SIZE - 0x20, 0x40);
	ST_ASSERT(q);
	ST_ASSERT(q != p);
	pte = ioremap_pte((unsigned long)q, false);
	ST_ASSERT(pte && (*pte & IO_PTE_PCD) && (*pte & IO_PTE_PWT));
	ST_EQ(*pte & IO_PTE_ADDR, pa & PAGE_MASK);
	if (rdmsr(MSR_EFER) & EFER_NXE)
		ST_ASSERT(*pte & IO_PTE_NX);
	pte = ioremap_pte((unsigned long)q + 0x30, false);
	ST_ASSERT(pte && (*pte & IO_PTE_PRESENT));
	ST_EQ(*pte & IO_PTE_ADDR, (pa & PAGE_MASK) + PAGE_SIZE);

	/* Unmapped means gone, guard pages included. */
	ST_EQ(probe_byte(p, &v), 0);
	ST_EQ(probe_byte(q + 0x40 + PAGE_SIZE, &v), -14);
	iounmap(p);
	iounmap(q);
	ST_EQ(probe_byte(p, &v), -14);
	ST_EQ(probe_byte(q + 0x30, &v), -14);
	ST_ASSERT(!ioremap(0, 0));
	return 0;
}
#endif
