// SPDX-License-Identifier: GPL-2.0
/*
 * memstress [SIZE_MB] - fill SIZE_MB MiB (default 64) of malloc()ed and
 * mmap()ed memory with pseudo-random data, one deterministic stream per
 * page, and verify all of it in several passes and orders: forward,
 * backward, strided, then after rewriting every other page. With SIZE_MB
 * at least 4x the processor's pcache this forces evictions, write-backs of
 * dirty lines and refills from the memory manager.
 *
 * The checksum it prints depends only on SIZE_MB: the same on every libc,
 * kernel and run.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "utest.h"

#define PAGE		4096ul
#define WORDS		(PAGE / sizeof(uint64_t))
#define MAX_REGIONS	256
#define MAX_REPORTS	10

struct region {
	uint64_t *mem;
	size_t pages;
	int mmapped;		/* 1: mmap (must read zero first), 0: malloc */
};

static struct region regions[MAX_REGIONS];
static unsigned int nregions;
static uint64_t **page_addr;	/* page index -> address */
static uint8_t *page_gen;	/* generation last written to the page */
static size_t npages;
static unsigned long reports;

static uint64_t page_seed(size_t idx, unsigned int gen)
{
	return mix64(((uint64_t)gen << 40) ^ idx) | 1;
}

/* Write page idx's stream for generation gen; return its checksum. */
static uint64_t fill_page(size_t idx, unsigned int gen)
{
	uint64_t *p = page_addr[idx], s = page_seed(idx, gen), sum = 0;

	for (size_t w = 0; w < WORDS; w++) {
		uint64_t v = xorshift64(&s);

		p[w] = v;
		sum = (sum ^ v) * 0x100000001b3ull;
	}
	page_gen[idx] = gen;
	return sum;
}

/* Compare page idx with its stream; return its checksum. */
static uint64_t verify_page(size_t idx, const char *pass)
{
	const volatile uint64_t *p = page_addr[idx];
	uint64_t s = page_seed(idx, page_gen[idx]), sum = 0;
	size_t bad = 0, first = 0;

	for (size_t w = 0; w < WORDS; w++) {
		uint64_t v = xorshift64(&s), got = p[w];

		if (got != v && !bad++)
			first = w;
		sum = (sum ^ got) * 0x100000001b3ull;
	}
	if (bad && reports++ < MAX_REPORTS) {
		uint64_t want = page_seed(idx, page_gen[idx]);

		for (size_t w = 0; w <= first; w++)
			xorshift64(&want);
		check(0, "%s: page %zu at %p: %zu bad words, first at +0x%zx: 0x%016lx, expected 0x%016lx",
		      pass, idx, (void *)page_addr[idx], bad, first * 8,
		      (unsigned long)p[first], (unsigned long)want);
	} else if (bad) {
		utest_checks++;
		utest_failed++;
	}
	return sum;
}

static void add_region(size_t pages, int use_mmap)
{
	struct region *r = &regions[nregions];

	if (use_mmap) {
		void *m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		r->mem = m == MAP_FAILED ? NULL : m;
	} else {
		r->mem = malloc(pages * PAGE);
	}
	if (!check(r->mem != NULL, "%s of %zu KiB failed", use_mmap ? "mmap" : "malloc",
		   pages * PAGE / 1024)) {
		fflush(stdout);
		exit(utest_finish());
	}
	r->pages = pages;
	r->mmapped = use_mmap;
	nregions++;
}

static uint64_t timed_pass(const char *name, size_t order_stride, int backwards)
{
	uint64_t t0 = now_ns(), total = 0;
	unsigned long before = utest_failed;

	for (size_t i = 0; i < npages; i++) {
		size_t idx = backwards ? npages - 1 - i : i;

		if (order_stride)
			idx = (i * order_stride) % npages;
		total += verify_page(idx, name);
	}
	say("pass %-20s %zu pages in %lu ms%s", name, npages,
	    (unsigned long)((now_ns() - t0) / 1000000),
	    utest_failed == before ? "" : " - MISMATCHES");
	return total;
}

static size_t gcd(size_t a, size_t b)
{
	while (b) {
		size_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

int main(int argc, char **argv)
{
	unsigned long size_mb = 64;
	size_t left, idx = 0, stride;
	uint64_t sum, t0;
	/* Region sizes in pages, cycled: malloc and mmap, small and large. */
	static const struct { size_t pages; int mmap; } plan[] = {
		{ 768, 1 }, { 256, 0 }, { 1024, 1 }, { 16, 0 }, { 512, 1 },
		{ 128, 0 }, { 1, 1 }, { 2048, 1 }, { 300, 0 }, { 3, 0 },
	};

	utest_init("memstress");
	if (argc > 1) {
		char *end;

		size_mb = strtoul(argv[1], &end, 0);
		if (*end || size_mb == 0 || size_mb > 65536) {
			say("usage: memstress [SIZE_MB] (1..65536, default 64)");
			return 2;
		}
	}
	npages = size_mb * (1024 * 1024 / PAGE);
	say("%lu MiB, %zu pages", size_mb, npages);

	page_addr = malloc(npages * sizeof(*page_addr));
	page_gen = calloc(npages, 1);
	if (!check(page_addr && page_gen, "cannot allocate the page tables"))
		return utest_finish();

	for (left = npages; left; ) {
		size_t pages = plan[nregions % (sizeof(plan) / sizeof(plan[0]))].pages;
		int use_mmap = plan[nregions % (sizeof(plan) / sizeof(plan[0]))].mmap;

		if (nregions == MAX_REGIONS - 1 || pages > left)
			pages = left;
		add_region(pages, use_mmap);
		left -= pages;
	}
	for (unsigned int r = 0; r < nregions; r++)
		for (size_t p = 0; p < regions[r].pages; p++)
			page_addr[idx++] = regions[r].mem + p * WORDS;
	say("%u regions (%s)", nregions, "mmap and malloc");

	/* Pass 1: fresh mmap()ed pages read zero; write every page. */
	t0 = now_ns();
	idx = 0;
	for (unsigned int r = 0; r < nregions; r++) {
		for (size_t p = 0; p < regions[r].pages; p++, idx++) {
			const volatile uint64_t *m = page_addr[idx];

			if (regions[r].mmapped && (m[0] || m[WORDS / 2] || m[WORDS - 1]) &&
			    reports++ < MAX_REPORTS)
				check(0, "fresh anonymous page %zu at %p is not zero", idx,
				      (void *)m);
			fill_page(idx, 0);
		}
	}
	say("pass %-20s %zu pages in %lu ms", "write", npages,
	    (unsigned long)((now_ns() - t0) / 1000000));

	sum = timed_pass("verify-forward", 0, 0);
	check(timed_pass("verify-backward", 0, 1) == sum, "backward checksum differs");
	for (stride = 4099; gcd(stride, npages) != 1; stride += 2)
		;
	check(timed_pass("verify-strided", stride, 0) == sum, "strided checksum differs");

	/* Rewrite every other page, last to first: dirty lines again. */
	t0 = now_ns();
	for (size_t i = npages; i-- > 0; )
		if (i & 1)
			fill_page(i, 1);
	say("pass %-20s %zu pages in %lu ms", "rewrite-odd", npages / 2,
	    (unsigned long)((now_ns() - t0) / 1000000));
	sum = timed_pass("verify-after-rewrite", 0, 0);
	check(timed_pass("verify-strided-2", stride, 0) == sum, "second strided checksum differs");

	say("checksum 0x%016lx", (unsigned long)sum);
	for (unsigned int r = 0; r < nregions; r++) {
		if (regions[r].mmapped)
			check(munmap(regions[r].mem, regions[r].pages * PAGE) == 0, "munmap failed");
		else
			free(regions[r].mem);
	}
	return utest_finish();
}
