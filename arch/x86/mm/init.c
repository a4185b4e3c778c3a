// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel page tables.
 *
 * paging_init() replaces the boot page tables (4 GiB mapped RWX three
 * times) with the kernel's own: every RAM range of the boot memory map in
 * the direct map, with the largest pages that fit, not executable; the
 * kernel image at __START_KERNEL_map with 4 KiB pages and per-section
 * permissions (W^X); the vmalloc space's PDPTs allocated up front so the
 * kernel half of the PML4 never changes after boot (future process page
 * tables can copy it once).  PML4 slot 466 belongs to ioremap: whatever
 * it holds is carried over unchanged, and nothing here writes below it.
 */
#define pr_fmt(fmt) "x86/mm: " fmt

#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/setup.h>

#include "mm_internal.h"

#define X86_FEATURE_PGE		(1U << 13)	/* CPUID.1:EDX */
#define X86_FEATURE_NX		(1U << 20)	/* CPUID.80000001:EDX */
#define X86_FEATURE_GBPAGES	(1U << 26)	/* CPUID.80000001:EDX */
#define X86_FEATURE_SMEP	(1U << 7)	/* CPUID.(7,0):EBX */
#define X86_FEATURE_SMAP	(1U << 20)	/* CPUID.(7,0):EBX */

/* Physical ranges of the image whose direct-map alias is read-only too. */
struct pa_range {
	phys_addr_t start, end;
};

static void setup_pte_mask(void)
{
	if (!(boot_cpu_data.ext_features_edx & X86_FEATURE_NX))
		__supported_pte_mask &= ~_PAGE_NX;
	else if (!(rdmsr(MSR_EFER) & EFER_NXE))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (!(boot_cpu_data.features_edx & X86_FEATURE_PGE))
		__supported_pte_mask &= ~_PAGE_GLOBAL;
}

static void map_or_die(u64 *pgd, unsigned long va, phys_addr_t pa,
		       unsigned long size, pgprot_t prot, unsigned int flags,
		       struct map_stats *st)
{
	int ret = __map_range(pgd, va, pa, size, pgprot_val(prot), flags, st);

	if (ret)
		panic("x86/mm: cannot map %#lx-%#lx (%d)", va, va + size - 1,
		      ret);
}

/* One RAM range into the direct map, read-only where it aliases ro. */
static void map_direct_range(u64 *pgd, phys_addr_t s, phys_addr_t e,
			     const struct pa_range *ro, unsigned int nr_ro,
			     unsigned int flags, struct map_stats *st)
{
	while (s < e) {
		phys_addr_t next = e;
		pgprot_t prot = PAGE_KERNEL;
		unsigned int i;

		for (i = 0; i < nr_ro; i++) {
			if (s >= ro[i].start && s < ro[i].end) {
				prot = PAGE_KERNEL_RO;
				next = min(e, ro[i].end);
				break;
			}
			if (ro[i].start > s)
				next = min(next, ro[i].start);
		}
		map_or_die(pgd, PAGE_OFFSET + s, s, next - s, prot, flags, st);
		s = next;
	}
}

static void map_direct(u64 *pgd, unsigned int flags, struct map_stats *st)
{
	const struct pa_range ro[] = {
		{ __pa_symbol(_text), __pa_symbol(_sdata) },
		{ __pa_symbol(PAGE_ALIGN((unsigned long)__bss_stop)),
		  __pa_symbol(_end) },
	};
	unsigned int i;

	for (i = 0; i < memblock.ram.cnt; i++) {
		const struct memblock_region *r = &memblock.ram.regions[i];

		map_direct_range(pgd, r->base, r->base + r->size, ro,
				 ARRAY_SIZE(ro), flags, st);
	}
}

static void map_image_range(u64 *pgd, const void *start, const void *end,
			    pgprot_t prot, struct map_stats *st)
{
	unsigned long va = (unsigned long)start;

	map_or_die(pgd, va, __pa_symbol(va),
		   PAGE_ALIGN((unsigned long)end) - va, prot, 0, st);
}

/*
 * The kernel image, W^X: sections are page aligned by the linker script.
 * The padding after each section takes that section's permissions.
 */
static void map_kernel_image(u64 *pgd, struct map_stats *st)
{
	map_image_range(pgd, _stext_image, _text, PAGE_KERNEL_RX, st);
	map_image_range(pgd, _text, __start_rodata, PAGE_KERNEL_RX, st);
	map_image_range(pgd, __start_rodata, _sdata, PAGE_KERNEL_RO, st);
	map_image_range(pgd, _sdata, __bss_stop, PAGE_KERNEL, st);
	map_image_range(pgd, (void *)PAGE_ALIGN((unsigned long)__bss_stop),
			_end, PAGE_KERNEL_RO, st);
}

static void prealloc_vmalloc_tables(u64 *pgd)
{
	unsigned int i;

	BUILD_BUG_ON(IOREMAP_PGD_INDEX <= (VMALLOC_END >> PGDIR_SHIFT & 511));
	for (i = pgd_index(VMALLOC_START); i <= pgd_index(VMALLOC_END); i++) {
		u64 *pud = pgtable_alloc();

		if (!pud)
			panic("x86/mm: out of memory for vmalloc page tables");
		pgd[i] = __pa(pud) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
	}
}

static void setup_cr_bits(void)
{
	unsigned long cr4 = read_cr4();

	write_cr0(read_cr0() | X86_CR0_WP);
	if (__supported_pte_mask & _PAGE_GLOBAL)
		cr4 |= X86_CR4_PGE;
	if (boot_cpu_data.features7_ebx & X86_FEATURE_SMEP)
		cr4 |= X86_CR4_SMEP;
	if (boot_cpu_data.features7_ebx & X86_FEATURE_SMAP)
		cr4 |= X86_CR4_SMAP;
	mmu_cr4_features = cr4;
	write_cr4(cr4);
}

void paging_init(void)
{
	struct map_stats direct = { 0 }, image = { 0 };
	u64 *old = __va(read_cr3() & PTE_PFN_MASK);
	unsigned int flags = MAP_2M, i;
	phys_addr_t ram_size = 0;
	u64 *pgd;

	setup_pte_mask();
	if (boot_cpu_data.ext_features_edx & X86_FEATURE_GBPAGES)
		flags |= MAP_1G;

	/* Allocations stay below 4 GiB (the boot direct map) until the switch. */
	pgd = pgtable_alloc();
	if (!pgd)
		panic("x86/mm: out of memory for the kernel page tables");
	map_direct(pgd, flags, &direct);
	map_kernel_image(pgd, &image);
	prealloc_vmalloc_tables(pgd);
	/* Keep what ioremap() may have mapped already. */
	pgd[IOREMAP_PGD_INDEX] = old[IOREMAP_PGD_INDEX];

	swapper_pg_dir = pgd;
	write_cr3(__pa(pgd));
	setup_cr_bits();
	memblock_set_current_limit(memblock.ram_end);

	for (i = 0; i < memblock.ram.cnt; i++)
		ram_size += memblock.ram.regions[i].size;

	pr_info("direct map of %llu MiB: %lu x 1G, %lu x 2M, %lu x 4K; image %lu x 4K;%s%s%s%s\n",
		ram_size >> 20, direct.nr_1g, direct.nr_2m,
		direct.nr_4k, image.nr_4k,
		(__supported_pte_mask & _PAGE_NX) ? " NX" : "",
		(mmu_cr4_features & X86_CR4_PGE) ? " PGE" : "",
		(mmu_cr4_features & X86_CR4_SMEP) ? " SMEP" : "",
		(mmu_cr4_features & X86_CR4_SMAP) ? " SMAP" : "");
}
