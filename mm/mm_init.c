// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/pcache.h>
#include <asm/pgtable.h>

#include "internal.h"

/**
 * mm_init - bring up memory management
 *
 * memblock from the boot memory map, the kernel page tables, the pcache
 * region of a processor, the page allocator (which takes over all memory
 * memblock did not hand out), and the slab allocator.  vmalloc works from
 * then on.  Runs right after
 * setup_arch(), with interrupts off, on the boot CPU.
 */
void mm_init(void)
{
	memblock_init();
	paging_init();
	/* Before the page allocator takes every free page. */
	pcache_reserve();
	mem_init();
	kmem_cache_init();
}
