// SPDX-License-Identifier: GPL-2.0
/* Self-tests of the kernel page tables. */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>
#include <asm/expected_fault.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/traps.h>

#include "mm_internal.h"

#define RET_INSN	0xc3

static bool have_nx(void)
{
	return __supported_pte_mask & _PAGE_NX;
}

static void cpuid7_ebx(u32 *ebx)
{
	u32 a, c, d;

	cpuid(0, &a, ebx, &c, &d);
	*ebx = 0;
	if (a >= 7)
		cpuid_count(7, 0, &a, ebx, &c, &d);
}

SELFTEST(paging_control_registers)
{
	u32 a, b, c, d, ebx7;

	ST_EQ(read_cr3() & PTE_PFN_MASK, __pa(swapper_pg_dir));
	ST_ASSERT(read_cr0() & X86_CR0_WP);
	ST_EQ(read_cr4(), mmu_cr4_features);
	cpuid7_ebx(&ebx7);
	if (ebx7 & (1U << 7))
		ST_ASSERT(read_cr4() & X86_CR4_SMEP);
	if (ebx7 & (1U << 20))
		ST_ASSERT(read_cr4() & X86_CR4_SMAP);
	cpuid(1, &a, &b, &c, &d);
	if (d & (1U << 13))
		ST_ASSERT(read_cr4() & X86_CR4_PGE);
	cpuid(0x80000001, &a, &b, &c, &d);
	if (d & (1U << 20)) {
		ST_ASSERT(rdmsr(MSR_EFER) & EFER_NXE);
		ST_ASSERT(have_nx());
	}
	return 0;
}

/* Every RAM page is in the direct map, data only; nothing else is. */
SELFTEST(paging_direct_map)
{
	phys_addr_t prev_end = 0, pa;
	unsigned int i;

	ST_EQ(max_pfn, PFN_UP(memblock.ram_end));
	for (i = 0; i < memblock.ram.cnt; i++) {
		const struct memblock_region *r = &memblock.ram.regions[i];
		phys_addr_t end = r->base + r->size;

		if (r->base > prev_end)
			ST_EQ(slow_virt_to_phys(PAGE_OFFSET + prev_end),
			      (phys_addr_t)-1);
		for (pa = r->base; pa < end; pa = min(end, ALIGN(pa + 1, SZ_2M))) {
			phys_addr_t last = min(end, ALIGN(pa + 1, SZ_2M)) - 8;
			u64 *e = lookup_address(PAGE_OFFSET + pa, NULL);

			if (slow_virt_to_phys(PAGE_OFFSET + pa) != pa ||
			    slow_virt_to_phys(PAGE_OFFSET + last) != last)
				return selftest_fail("%#llx not in the direct map", pa);
			ST_ASSERT(e && (*e & _PAGE_GLOBAL) && !(*e & _PAGE_USER));
			ST_ASSERT(!have_nx() || (*e & _PAGE_NX));
			(void)READ_ONCE(*(u64 *)__va(pa));
			(void)READ_ONCE(*(u64 *)__va(last));
		}
		prev_end = end;
	}
	return 0;
}

/* Walk the kernel half: no leaf both writable and executable, none user. */
static int check_wx(const u64 *table, unsigned int level, unsigned long base,
		    unsigned long *leaves)
{
	unsigned int shift = PAGE_SHIFT + 9 * (level - 1), i;

	for (i = level == 4 ? 256 : 0; i < PTRS_PER_TABLE; i++) {
		unsigned long va = base + ((unsigned long)i << shift);
		u64 e = table[i];

		if (level == 4)
			va |= 0xffff000000000000UL;
		if (!(e & _PAGE_PRESENT))
			continue;
		if (level == 1 || (e & _PAGE_PSE)) {
			(*leaves)++;
			if ((e & _PAGE_RW) && !(e & _PAGE_NX))
				return selftest_fail("W+X mapping at %#lx", va);
			if (e & _PAGE_USER)
				return selftest_fail("user mapping at %#lx", va);
			if (va >= PAGE_OFFSET && va < PAGE_OFFSET + MAXMEM &&
			    !(e & _PAGE_NX))
				return selftest_fail("executable direct map at %#lx",
						     va);
			continue;
		}
		if (check_wx(__va(e & PTE_PFN_MASK), level - 1, va, leaves))
			return -1;
	}
	return 0;
}

SELFTEST(paging_wx)
{
	unsigned long leaves = 0;

	if (!have_nx())
		return 0;
	if (check_wx(swapper_pg_dir, 4, 0, &leaves))
		return -1;
	ST_ASSERT(leaves > 100);
	return 0;
}

static int check_image_page(unsigned long va, bool rw, bool x)
{
	enum pg_level level;
	u64 *e = lookup_address(va, &level);

	ST_ASSERT(e);
	ST_EQ(level, PG_LEVEL_4K);
	ST_EQ(!!(*e & _PAGE_RW), rw);
	if (have_nx())
		ST_EQ(!(*e & _PAGE_NX), x);
	ST_ASSERT(*e & _PAGE_GLOBAL);
	ST_EQ(*e & PTE_PFN_MASK, __pa_symbol(va) & PAGE_MASK);
	return 0;
}

SELFTEST(paging_image_sections)
{
	unsigned long kallsyms = PAGE_ALIGN((unsigned long)__bss_stop);

	if (check_image_page((unsigned long)_text, false, true) ||
	    check_image_page((unsigned long)_etext - 1, false, true) ||
	    check_image_page((unsigned long)__start_rodata, false, false) ||
	    check_image_page((unsigned long)__end_rodata - 1, false, false) ||
	    check_image_page((unsigned long)_sdata, true, false) ||
	    check_image_page((unsigned long)__bss_start, true, false) ||
	    check_image_page((unsigned long)__bss_stop - 1, true, false))
		return -1;
	if (kallsyms < (unsigned long)_end &&
	    check_image_page(kallsyms, false, false))
		return -1;
	/* Nothing mapped past the image. */
	ST_ASSERT(!lookup_address((unsigned long)_end, NULL));
	return 0;
}

static const u8 rodata_ret[16] = { RET_INSN };
static u8 data_ret[16] = { RET_INSN };
static const u64 paging_ro_word = 0x0123456789abcdefULL;

static noinline void text_target(void)
{
	barrier();
}

/* Executing data: a fetch fault with RIP at the data itself. */
static int expect_exec_fault(unsigned long addr, const char *what)
{
	struct expected_fault ef;

	if (!expect_page_fault(&ef, addr)) {
		((void (*)(void))addr)();
		cancel_expected_fault();
		return selftest_fail("executed %s at %#lx", what, addr);
	}
	if ((ef.error_code & (X86_PF_INSTR | X86_PF_PROT | X86_PF_WRITE)) !=
	    (X86_PF_INSTR | X86_PF_PROT) || ef.ip != addr)
		return selftest_fail("%s: error code %#lx, ip %#lx", what,
				     ef.error_code, ef.ip);
	return 0;
}

SELFTEST(paging_nx)
{
	u8 stack_ret[16] = { RET_INSN };
	unsigned long page;
	u8 *vm;
	int ret;

	if (!have_nx())
		return 0;
	barrier();
	page = get_zeroed_page(GFP_KERNEL);
	vm = vmalloc(PAGE_SIZE);
	ST_ASSERT(page && vm);
	*(u8 *)page = RET_INSN;
	vm[0] = RET_INSN;
	ret = expect_exec_fault(page, "the direct map");
	if (!ret)
		ret = expect_exec_fault((unsigned long)data_ret, "kernel data");
	if (!ret)
		ret = expect_exec_fault((unsigned long)rodata_ret, "rodata");
	if (!ret)
		ret = expect_exec_fault((unsigned long)stack_ret, "the stack");
	if (!ret)
		ret = expect_exec_fault((unsigned long)vm, "vmalloc memory");
	if (!ret)
		ret = expect_exec_fault((unsigned long)__va(__pa_symbol(text_target)),
					"the direct-map alias of text");
	free_page(page);
	vfree(vm);
	/* The text itself runs. */
	text_target();
	return ret;
}

static int expect_write_fault(unsigned long addr, const char *what)
{
	struct expected_fault ef;
	u64 old = READ_ONCE(*(u64 *)addr);

	if (!expect_page_fault(&ef, addr)) {
		WRITE_ONCE(*(u64 *)addr, ~old);
		cancel_expected_fault();
		return selftest_fail("wrote to %s at %#lx", what, addr);
	}
	if ((ef.error_code & (X86_PF_INSTR | X86_PF_PROT | X86_PF_WRITE)) !=
	    (X86_PF_WRITE | X86_PF_PROT))
		return selftest_fail("%s: error code %#lx", what, ef.error_code);
	ST_EQ(READ_ONCE(*(u64 *)addr), old);
	return 0;
}

SELFTEST(paging_readonly)
{
	unsigned long kallsyms = PAGE_ALIGN((unsigned long)__bss_stop);

	if (expect_write_fault((unsigned long)&paging_ro_word, "rodata") ||
	    expect_write_fault((unsigned long)text_target, "text") ||
	    expect_write_fault((unsigned long)_stext_image, ".boot") ||
	    expect_write_fault((unsigned long)__va(__pa_symbol(&paging_ro_word)),
			       "the direct-map alias of rodata") ||
	    expect_write_fault((unsigned long)__va(__pa_symbol(text_target)),
			       "the direct-map alias of text"))
		return -1;
	if (kallsyms < (unsigned long)_end &&
	    expect_write_fault(kallsyms, "kallsyms"))
		return -1;
	return 0;
}

/* Faults nobody expects oops as usual (tests/30-mm.sh checks). */
SELFTEST_EXPLICIT_ONLY(paging_exec_oops)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);

	*(u8 *)page = RET_INSN;
	pr_info("selftest: executing a data page at %#lx, an oops follows\n", page);
	((void (*)(void))page)();
	return selftest_fail("executed a data page");
}

SELFTEST_EXPLICIT_ONLY(paging_rodata_oops)
{
	u64 *p = (u64 *)&paging_ro_word;

	pr_info("selftest: writing to rodata at %p, an oops follows\n", p);
	WRITE_ONCE(*p, 0);
	return selftest_fail("wrote to rodata");
}

/* A user page for the SMEP/SMAP test, with the tables above it freed after. */
#define USER_TEST_VA	0x0000000040000000UL

static void unmap_user_test_page(void)
{
	u64 *pgd = swapper_pg_dir;
	u64 *pud = __va(pgd[pgd_index(USER_TEST_VA)] & PTE_PFN_MASK);
	u64 *pmd = __va(pud[pud_index(USER_TEST_VA)] & PTE_PFN_MASK);
	u64 *pte = __va(pmd[pmd_index(USER_TEST_VA)] & PTE_PFN_MASK);

	pgd[pgd_index(USER_TEST_VA)] = 0;
	flush_tlb_all();
	pgtable_free(pte);
	pgtable_free(pmd);
	pgtable_free(pud);
}

SELFTEST(paging_smep_smap)
{
	struct expected_fault ef;
	unsigned long page, cr4 = read_cr4();
	u8 v;

	if (!(cr4 & (X86_CR4_SMEP | X86_CR4_SMAP)))
		return 0;
	ST_EQ(swapper_pg_dir[0], 0);
	page = get_zeroed_page(GFP_KERNEL);
	ST_ASSERT(page);
	*(u8 *)page = RET_INSN;
	ST_EQ(__map_range(swapper_pg_dir, USER_TEST_VA, __pa(page), PAGE_SIZE,
			  _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
			  _PAGE_ACCESSED | _PAGE_DIRTY, 0, NULL), 0);

	if ((cr4 & X86_CR4_SMEP) && !expect_page_fault(&ef, USER_TEST_VA)) {
		((void (*)(void))USER_TEST_VA)();
		cancel_expected_fault();
		unmap_user_test_page();
		free_page(page);
		return selftest_fail("SMEP: executed a user page");
	}
	if (cr4 & X86_CR4_SMEP)
		ST_EQ(ef.error_code & 0x1f, X86_PF_INSTR | X86_PF_PROT);

	if ((cr4 & X86_CR4_SMAP) && !expect_page_fault(&ef, USER_TEST_VA)) {
		(void)READ_ONCE(*(u8 *)USER_TEST_VA);
		cancel_expected_fault();
		unmap_user_test_page();
		free_page(page);
		return selftest_fail("SMAP: read a user page");
	}
	if (cr4 & X86_CR4_SMAP) {
		ST_EQ(ef.error_code & 0x1f, X86_PF_PROT);
		/* With EFLAGS.AC set (stac), as copy_from_user will do. */
		asm volatile("stac" ::: "memory");
		v = READ_ONCE(*(u8 *)USER_TEST_VA);
		asm volatile("clac" ::: "memory");
		ST_EQ(v, RET_INSN);
	}
	unmap_user_test_page();
	free_page(page);
	return 0;
}

SELFTEST(paging_map_kernel_range)
{
	/* The top of the vmalloc space: first-fit vmalloc stays far below. */
	const unsigned long va = VMALLOC_END + 1 - 16 * PAGE_SIZE;
	struct expected_fault ef;
	enum pg_level level;
	struct page *page;
	u64 *e, *p;

	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	ST_ASSERT(page);
	p = page_address(page);
	p[2 * PAGE_SIZE / 8] = 0x1234;

	ST_EQ(map_kernel_range(va, page_to_phys(page), 3 * PAGE_SIZE,
			       PAGE_KERNEL_RO), 0);
	ST_EQ(READ_ONCE(*(u64 *)(va + 2 * PAGE_SIZE)), 0x1234);
	e = lookup_address(va + PAGE_SIZE, &level);
	ST_ASSERT(e && level == PG_LEVEL_4K);
	ST_EQ(*e & PTE_PFN_MASK, page_to_phys(page) + PAGE_SIZE);
	ST_ASSERT(!(*e & _PAGE_RW) && (*e & _PAGE_GLOBAL));
	ST_ASSERT(!have_nx() || (*e & _PAGE_NX));
	ST_EQ(map_kernel_range(va + PAGE_SIZE, page_to_phys(page), PAGE_SIZE,
			       PAGE_KERNEL), -EEXIST);
	if (!expect_page_fault(&ef, va)) {
		WRITE_ONCE(*(u64 *)va, 1);
		cancel_expected_fault();
		return selftest_fail("wrote through a PAGE_KERNEL_RO mapping");
	}

	/* Unmapped means gone from the TLB too. */
	unmap_kernel_range(va, 3 * PAGE_SIZE);
	ST_ASSERT(!lookup_address(va + 2 * PAGE_SIZE, NULL));
	if (!expect_page_fault(&ef, va + 2 * PAGE_SIZE)) {
		(void)READ_ONCE(*(u64 *)(va + 2 * PAGE_SIZE));
		cancel_expected_fault();
		return selftest_fail("read through an unmapped address");
	}
	ST_EQ(ef.error_code & X86_PF_PROT, 0);

	/* Writable this time; the direct map sees the write. */
	ST_EQ(map_kernel_range(va, page_to_phys(page), PAGE_SIZE, PAGE_KERNEL), 0);
	WRITE_ONCE(*(u64 *)(va + 8), 0x5678);
	ST_EQ(p[1], 0x5678);
	unmap_kernel_range(va, PAGE_SIZE);
	__free_pages(page, 2);
	return 0;
}
