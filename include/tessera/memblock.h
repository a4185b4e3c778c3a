/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_MEMBLOCK_H
#define _TESSERA_MEMBLOCK_H

#include <tessera/types.h>

/*
 * memblock: the boot-time physical memory allocator.  It knows the usable
 * RAM ("memory") and what is taken ("reserved"), both as sorted lists of
 * disjoint ranges, and hands out physical ranges until the page allocator
 * takes over in mem_init().  After that, memblock_alloc() panics.
 */
#define MEMBLOCK_MAX_REGIONS	128

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

struct memblock_type {
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
	const char *name;
};

struct memblock {
	phys_addr_t current_limit;	/* allocations end below this */
	phys_addr_t ram_end;		/* end of the highest RAM range */
	bool retired;			/* the page allocator took over */
	struct memblock_type memory;
	struct memblock_type reserved;
	/* All RAM (usable, ACPI, NVS), for the direct map; not allocated from. */
	struct memblock_type ram;
};

extern struct memblock memblock;

/* Fill memblock from boot_info and reserve what the kernel must keep. */
void memblock_init(void);

void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size);

/**
 * memblock_alloc - allocate boot memory
 * @size: bytes
 * @align: power of two
 *
 * Returns the physical address of the highest free range that fits below
 * memblock.current_limit.  The memory is NOT zeroed.  Panics when nothing
 * fits (there is no way to continue booting without it).
 */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);

/* Like memblock_alloc, but returns 0 instead of panicking. */
phys_addr_t memblock_alloc_try(phys_addr_t size, phys_addr_t align);

void memblock_set_current_limit(phys_addr_t limit);
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_is_memory(phys_addr_t addr);

/*
 * Iterate over free memory: the ranges of memory not covered by reserved,
 * in ascending order.  i is a u64 cursor.
 */
void __next_free_mem_range(u64 *idx, phys_addr_t *out_start,
			   phys_addr_t *out_end);

#define for_each_free_mem_range(i, p_start, p_end)			\
	for (i = 0, __next_free_mem_range(&i, p_start, p_end);		\
	     i != (u64)ULLONG_MAX;					\
	     __next_free_mem_range(&i, p_start, p_end))

/* RAM in the boot memory map: usable, ACPI data and ACPI NVS ranges. */
bool boot_mem_is_ram(u32 type);

#endif /* _TESSERA_MEMBLOCK_H */
