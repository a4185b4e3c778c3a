// SPDX-License-Identifier: GPL-2.0
/* Self-tests of vmalloc. */
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>
#include <asm/expected_fault.h>
#include <asm/pgtable.h>
#include <asm/traps.h>

#include "internal.h"

static unsigned long free_pages_settled(void)
{
	kmem_cache_shrink_all();
	return nr_free_pages();
}

SELFTEST(vmalloc_round_trip)
{
	const unsigned long size = SZ_1M + 3 * PAGE_SIZE + 123;
	const unsigned long nr = PAGE_ALIGN(size) >> PAGE_SHIFT;
	unsigned long free0 = free_pages_settled(), i;
	u64 *p, *q, *a, *b;

	p = vmalloc(size);
	ST_ASSERT(p && is_vmalloc_addr(p) && PAGE_ALIGNED(p));
	ST_ASSERT(nr_free_pages() <= free0 - nr);
	for (i = 0; i < size / 8; i++)
		p[i] = i * 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < size / 8; i++)
		ST_EQ(p[i], i * 0x9e3779b97f4a7c15ULL);
	/* Each page is a separate page, seen through the direct map too. */
	for (i = 0; i < nr; i++) {
		struct page *pg = vmalloc_to_page((u8 *)p + i * PAGE_SIZE + 8);

		ST_ASSERT(pg);
		ST_EQ(*(u64 *)page_address(pg), p[i * PAGE_SIZE / 8]);
		ST_EQ(page_ref_count(pg), 1);
	}
	ST_ASSERT(!vmalloc_to_page(p + nr * PAGE_SIZE / 8));	/* the guard */
	vfree(p);
	ST_ASSERT(!vmalloc_to_page(p));
	ST_EQ(free_pages_settled(), free0);

	/* First fit: the space is reused. */
	q = vmalloc(size);
	ST_EQ(q, p);
	vfree(q);

	/* Neighbours are kept apart by the guard page. */
	a = vmalloc(PAGE_SIZE);
	b = vmalloc(PAGE_SIZE);
	ST_ASSERT(a && b);
	ST_ASSERT((unsigned long)b >= (unsigned long)a + 2 * PAGE_SIZE);
	vfree(a);
	vfree(b);

	a = vzalloc(3 * PAGE_SIZE);
	ST_ASSERT(a && !memchr_inv(a, 0, 3 * PAGE_SIZE));
	vfree(a);
	ST_ASSERT(!vmalloc(0));
	vfree(NULL);
	ST_ASSERT(!vmalloc_to_page(__va(0x100000)));
	ST_ASSERT(!is_vmalloc_addr(__va(0x100000)));
	ST_EQ(free_pages_settled(), free0);
	return 0;
}

/* Running off the end of an area, or using it after vfree, faults. */
SELFTEST(vmalloc_guard_page)
{
	struct expected_fault ef;
	u8 *p = vmalloc(3 * PAGE_SIZE);
	u8 *next = vmalloc(PAGE_SIZE);	/* a neighbour right after the guard */

	ST_ASSERT(p && next);
	p[3 * PAGE_SIZE - 1] = 1;
	if (!expect_page_fault(&ef, p + 3 * PAGE_SIZE)) {
		WRITE_ONCE(p[3 * PAGE_SIZE], 1);
		cancel_expected_fault();
		vfree(p);
		vfree(next);
		return selftest_fail("no fault writing the guard page");
	}
	ST_EQ(ef.error_code & (X86_PF_WRITE | X86_PF_PROT), X86_PF_WRITE);
	ST_EQ(next, p + 4 * PAGE_SIZE);
	vfree(next);
	vfree(p);
	if (!expect_page_fault(&ef, p)) {
		(void)READ_ONCE(*p);
		cancel_expected_fault();
		return selftest_fail("no fault reading a freed vmalloc area");
	}
	ST_EQ(ef.error_code & (X86_PF_WRITE | X86_PF_PROT), 0);
	return 0;
}
