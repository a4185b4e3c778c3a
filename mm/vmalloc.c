// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc: virtually contiguous kernel memory built from single pages.
 *
 * Areas live in [VMALLOC_START, VMALLOC_END], on a list sorted by address
 * under vmap_area_lock; a new area goes into the first gap that fits
 * (first fit), so freed space is reused.  Each area ends with one page
 * that is never mapped: running off the end faults.  The page tables of
 * the whole region exist from boot (paging_init), so mapping never
 * changes the PML4.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/vmalloc.h>
#include <asm/pgtable.h>

#include "internal.h"

struct vm_struct {
	struct list_head list;		/* on vmap_area_list, by address */
	unsigned long addr;
	unsigned long size;		/* bytes, the guard page included */
	unsigned long nr_pages;		/* mapped pages */
	struct page **pages;
};

static LIST_HEAD(vmap_area_list);
static DEFINE_SPINLOCK(vmap_area_lock);

/* Reserve size bytes of address space, first fit. */
static struct vm_struct *get_vm_area(unsigned long size)
{
	struct vm_struct *area, *v;
	unsigned long addr = VMALLOC_START, flags;

	area = kzalloc(sizeof(*area), GFP_KERNEL);
	if (!area)
		return NULL;
	spin_lock_irqsave(&vmap_area_lock, flags);
	list_for_each_entry(v, &vmap_area_list, list) {
		if (v->addr - addr >= size)
			break;
		addr = v->addr + v->size;
	}
	/* v is the area to insert before, or the list head. */
	if (VMALLOC_END - addr < size - 1) {
		spin_unlock_irqrestore(&vmap_area_lock, flags);
		kfree(area);
		return NULL;
	}
	area->addr = addr;
	area->size = size;
	list_add_tail(&area->list, &v->list);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
	return area;
}

static void remove_vm_area(struct vm_struct *area)
{
	unsigned long flags;

	spin_lock_irqsave(&vmap_area_lock, flags);
	list_del(&area->list);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
}

static struct vm_struct *find_vm_area(unsigned long addr)
{
	struct vm_struct *v, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&vmap_area_lock, flags);
	list_for_each_entry(v, &vmap_area_list, list) {
		if (v->addr == addr) {
			found = v;
			break;
		}
	}
	spin_unlock_irqrestore(&vmap_area_lock, flags);
	return found;
}

/* Unmap and free the pages of an area, then the area itself. */
static void free_vm_area(struct vm_struct *area)
{
	unsigned long i;

	unmap_kernel_range(area->addr, area->nr_pages << PAGE_SHIFT);
	for (i = 0; i < area->nr_pages; i++)
		__free_page(area->pages[i]);
	remove_vm_area(area);
	kfree(area->pages);
	kfree(area);
}

static void *__vmalloc(unsigned long size, gfp_t gfp)
{
	struct vm_struct *area;
	unsigned long nr, i;

	if (!size || size > (totalram_pages << PAGE_SHIFT))
		return NULL;
	nr = PAGE_ALIGN(size) >> PAGE_SHIFT;
	area = get_vm_area((nr + 1) << PAGE_SHIFT);
	if (!area)
		goto fail;
	area->pages = kmalloc_array(nr, sizeof(struct page *), GFP_KERNEL);
	if (!area->pages) {
		remove_vm_area(area);
		kfree(area);
		goto fail;
	}
	for (i = 0; i < nr; i++) {
		struct page *page = alloc_page(gfp);

		if (!page)
			break;
		if (map_kernel_range(area->addr + (i << PAGE_SHIFT),
				     page_to_phys(page), PAGE_SIZE,
				     PAGE_KERNEL)) {
			__free_page(page);
			break;
		}
		area->pages[i] = page;
		area->nr_pages++;
	}
	if (area->nr_pages < nr) {
		free_vm_area(area);
		goto fail;
	}
	return (void *)area->addr;
fail:
	pr_warn("vmalloc: allocation of %lu bytes failed\n", size);
	return NULL;
}

void *vmalloc(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL);
}

void *vzalloc(unsigned long size)
{
	return __vmalloc(size, GFP_KERNEL | __GFP_ZERO);
}

void vfree(const void *addr)
{
	struct vm_struct *area;

	if (!addr)
		return;
	area = find_vm_area((unsigned long)addr);
	if (!area) {
		pr_err("vfree: %016lx is not a vmalloc area, from %pS\n",
		       (unsigned long)addr, (void *)_RET_IP_);
		WARN_ON(1);
		return;
	}
	free_vm_area(area);
}

struct page *vmalloc_to_page(const void *addr)
{
	phys_addr_t pa;

	if (!is_vmalloc_addr(addr))
		return NULL;
	pa = slow_virt_to_phys((unsigned long)addr);
	if (pa == (phys_addr_t)-1)
		return NULL;
	return pfn_to_page(PFN_DOWN(pa));
}
