// SPDX-License-Identifier: GPL-2.0
/*
 * memblock: physical memory bookkeeping before the page allocator exists.
 *
 * Two lists of sorted, disjoint, merged ranges: "memory" (usable RAM from
 * the boot memory map, page aligned inwards) and "reserved" (the low
 * 1 MiB, the kernel image, the Multiboot2 information, the modules, and
 * every memblock allocation).  Free memory is memory minus reserved.
 */
#define pr_fmt(fmt) "memblock: " fmt

#include <tessera/kernel.h>
#include <tessera/bootinfo.h>
#include <tessera/bug.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/sizes.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/setup.h>

#define PHYS_ADDR_MAX	(~(phys_addr_t)0)

struct memblock memblock = {
	.current_limit = BOOT_DIRECT_MAP_SIZE,
	.memory.name = "memory",
	.reserved.name = "reserved",
	.ram.name = "ram",
};

bool boot_mem_is_ram(u32 type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_ACPI ||
	       type == BOOT_MEM_NVS;
}

/* Sort by base (insertion sort: the lists are short) and merge. */
static void memblock_normalize(struct memblock_type *type)
{
	struct memblock_region *r = type->regions;
	unsigned int i, j, n = 0;

	for (i = 1; i < type->cnt; i++) {
		struct memblock_region tmp = r[i];

		for (j = i; j > 0 && r[j - 1].base > tmp.base; j--)
			r[j] = r[j - 1];
		r[j] = tmp;
	}
	for (i = 0; i < type->cnt; i++) {
		if (n && r[n - 1].base + r[n - 1].size >= r[i].base) {
			phys_addr_t end = max(r[n - 1].base + r[n - 1].size,
					      r[i].base + r[i].size);

			r[n - 1].size = end - r[n - 1].base;
		} else {
			r[n++] = r[i];
		}
	}
	type->cnt = n;
}

static void memblock_add_range(struct memblock_type *type, phys_addr_t base,
			       phys_addr_t size)
{
	if (!size)
		return;
	if (base + size < base)		/* wraps: clamp to the top */
		size = PHYS_ADDR_MAX - base;
	if (type->cnt == MEMBLOCK_MAX_REGIONS) {
		memblock_normalize(type);
		if (type->cnt == MEMBLOCK_MAX_REGIONS)
			panic("memblock: too many %s regions (max %u)",
			      type->name, MEMBLOCK_MAX_REGIONS);
	}
	type->regions[type->cnt].base = base;
	type->regions[type->cnt].size = size;
	type->cnt++;
	memblock_normalize(type);
}

void memblock_add(phys_addr_t base, phys_addr_t size)
{
	memblock_add_range(&memblock.memory, base, size);
}

void memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	memblock_add_range(&memblock.reserved, base, size);
}

void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

static phys_addr_t type_size(const struct memblock_type *type)
{
	phys_addr_t total = 0;
	unsigned int i;

	for (i = 0; i < type->cnt; i++)
		total += type->regions[i].size;
	return total;
}

phys_addr_t memblock_phys_mem_size(void)
{
	return type_size(&memblock.memory);
}

phys_addr_t memblock_reserved_size(void)
{
	return type_size(&memblock.reserved);
}

static bool type_contains(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned int i;

	for (i = 0; i < type->cnt; i++)
		if (addr >= type->regions[i].base &&
		    addr - type->regions[i].base < type->regions[i].size)
			return true;
	return false;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return type_contains(&memblock.reserved, addr);
}

bool memblock_is_memory(phys_addr_t addr)
{
	return type_contains(&memblock.memory, addr);
}

/*
 * The cursor holds the memory region index in its low half and the index
 * of the gap between reserved regions (gap k ends at reserved region k) in
 * its high half.  Both lists are sorted, so one pass visits each free
 * range once, in ascending order.
 */
void __next_free_mem_range(u64 *idx, phys_addr_t *out_start,
			   phys_addr_t *out_end)
{
	const struct memblock_type *mem = &memblock.memory;
	const struct memblock_type *rsv = &memblock.reserved;
	unsigned int ia = (u32)*idx, ib = *idx >> 32;

	for (; ia < mem->cnt; ia++) {
		phys_addr_t m_start = mem->regions[ia].base;
		phys_addr_t m_end = m_start + mem->regions[ia].size;

		for (; ib <= rsv->cnt; ib++) {
			phys_addr_t r_start = 0;
			phys_addr_t r_end = ib < rsv->cnt ?
					    rsv->regions[ib].base : PHYS_ADDR_MAX;

			if (ib)
				r_start = rsv->regions[ib - 1].base +
					  rsv->regions[ib - 1].size;
			if (r_start >= m_end)
				break;
			if (m_start < r_end) {
				*out_start = max(m_start, r_start);
				*out_end = min(m_end, r_end);
				if (m_end <= r_end)
					ia++;
				else
					ib++;
				*idx = ia | (u64)ib << 32;
				return;
			}
		}
	}
	*idx = ULLONG_MAX;
}

phys_addr_t memblock_alloc_try(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t start, end, best = 0;
	u64 i;

	if (memblock.retired)
		panic("memblock_alloc(%#llx) after the page allocator took over",
		      size);
	if (!size || !align || (align & (align - 1)))
		return 0;
	size = ALIGN(size, PAGE_SIZE);
	/* Top-down: keep low memory (DMA zones) for those who need it. */
	for_each_free_mem_range(i, &start, &end) {
		phys_addr_t cand;

		end = min(end, memblock.current_limit);
		if (end < size || end - size < start)
			continue;
		cand = ALIGN_DOWN(end - size, align);
		if (cand >= start && cand > best)
			best = cand;
	}
	if (best)
		memblock_reserve(best, size);
	return best;
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t pa = memblock_alloc_try(size, align);

	if (!pa)
		panic("memblock: cannot allocate %llu KiB (align %#llx) below %#llx: out of boot memory",
		      size >> 10, align, memblock.current_limit);
	return pa;
}

static void memblock_dump(void)
{
	unsigned int i;

	pr_info("%llu KiB usable in %u ranges, %llu KiB reserved in %u ranges\n",
		memblock_phys_mem_size() >> 10, memblock.memory.cnt,
		memblock_reserved_size() >> 10, memblock.reserved.cnt);
	for (i = 0; i < memblock.reserved.cnt; i++)
		pr_debug("  reserved [mem %#010llx-%#010llx]\n",
			 memblock.reserved.regions[i].base,
			 memblock.reserved.regions[i].base +
			 memblock.reserved.regions[i].size - 1);
}

void memblock_init(void)
{
	const struct boot_info *bi = &boot_info;
	unsigned int i;

	for (i = 0; i < bi->nr_memmap; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];
		phys_addr_t start, end = r->addr + r->len;

		if (end < r->addr)
			end = PHYS_ADDR_MAX;
		if (!boot_mem_is_ram(r->type))
			continue;
		if (end > MAXMEM) {
			if (r->addr >= MAXMEM)
				continue;
			pr_warn("ignoring RAM above %llu TiB\n", MAXMEM >> 40);
			end = MAXMEM;
		}
		if (r->type != BOOT_MEM_USABLE) {
			/* Firmware tables: map all of every page they touch. */
			start = ALIGN_DOWN(r->addr, PAGE_SIZE);
			end = ALIGN(end, PAGE_SIZE);
			memblock_add_range(&memblock.ram, start, end - start);
			memblock.ram_end = max(memblock.ram_end, end);
			continue;
		}
		start = ALIGN(r->addr, PAGE_SIZE);
		end = ALIGN_DOWN(end, PAGE_SIZE);
		if (start < end) {
			memblock_add(start, end - start);
			memblock_add_range(&memblock.ram, start, end - start);
			memblock.ram_end = max(memblock.ram_end, end);
		}
	}
	if (!memblock.memory.cnt)
		panic("memblock: no usable RAM in the boot memory map");

	/* BIOS data, real-mode IVT, EBDA, option ROMs: never hand it out. */
	memblock_reserve(0, SZ_1M);
	memblock_reserve(__pa_symbol(_stext_image),
			 __pa_symbol(_end) - __pa_symbol(_stext_image));
	if (bi->info_end > bi->info_start)
		memblock_reserve(ALIGN_DOWN(bi->info_start, PAGE_SIZE),
				 ALIGN(bi->info_end, PAGE_SIZE) -
				 ALIGN_DOWN(bi->info_start, PAGE_SIZE));
	for (i = 0; i < bi->nr_modules; i++)
		if (bi->modules[i].end > bi->modules[i].start)
			memblock_reserve(ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
					 ALIGN(bi->modules[i].end, PAGE_SIZE) -
					 ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE));
	memblock_dump();
}

#ifdef CONFIG_SELFTEST
/* Free and reserved ranges partition memory; what must be kept is kept. */
SELFTEST(memblock_free_ranges)
{
	phys_addr_t start, end, prev_end = 0, free = 0, kstart, kend;
	unsigned int i;
	u64 it;

	for_each_free_mem_range(it, &start, &end) {
		ST_ASSERT(start < end);
		ST_ASSERT(start >= prev_end);
		ST_ASSERT(memblock_is_memory(start) && memblock_is_memory(end - 1));
		ST_ASSERT(!memblock_is_reserved(start));
		ST_ASSERT(!memblock_is_reserved(end - 1));
		ST_ASSERT(start >= SZ_1M);
		prev_end = end;
		free += end - start;
	}
	ST_ASSERT(free > 0);

	kstart = __pa_symbol(_stext_image);
	kend = __pa_symbol(_end);
	ST_ASSERT(memblock_is_reserved(kstart));
	ST_ASSERT(memblock_is_reserved(kend - 1));
	ST_ASSERT(memblock_is_reserved(boot_info.info_start));
	for (i = 0; i < boot_info.nr_modules; i++)
		ST_ASSERT(memblock_is_reserved(boot_info.modules[i].start));

	/* The lists stay sorted and merged. */
	for (i = 1; i < memblock.reserved.cnt; i++)
		ST_ASSERT(memblock.reserved.regions[i - 1].base +
			  memblock.reserved.regions[i - 1].size <
			  memblock.reserved.regions[i].base);
	for (i = 1; i < memblock.memory.cnt; i++)
		ST_ASSERT(memblock.memory.regions[i - 1].base +
			  memblock.memory.regions[i - 1].size <
			  memblock.memory.regions[i].base);

	/* Every free page went to the page allocator, every reserved one did not. */
	for_each_free_mem_range(it, &start, &end) {
		ST_ASSERT(!PageReserved(pfn_to_page(PFN_DOWN(start))));
		ST_ASSERT(!PageReserved(pfn_to_page(PFN_DOWN(end - 1))));
	}
	ST_ASSERT(PageReserved(virt_to_page(__va(kstart))));
	ST_ASSERT(PageReserved(pfn_to_page(0)));
	return 0;
}
#endif
