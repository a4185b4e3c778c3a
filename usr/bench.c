// SPDX-License-Identifier: GPL-2.0
/*
 * bench [REGION_MB [ZERO_MB]] - the pcache microbenchmark.
 *
 * One access per 4 KiB page, timed with rdtsc and clock_gettime:
 *   hit cost          reading pages of a small region that is resident
 *   zero-fill latency the first write to each page of a fresh anonymous
 *                     region of ZERO_MB (default 8) MiB
 *   miss latency      reading each page of a REGION_MB (default 64) MiB
 *                     region that was written and then read once: on
 *                     Tessera, with REGION_MB well above the pcache, every
 *                     access misses and fills the page from the memory
 *                     manager, evicting a clean line
 *   write-back cost   the same after writing the region again, so every
 *                     victim is dirty, minus the miss latency
 *   misses per second 1 / miss latency, one thread
 * On Linux with enough RAM nothing leaves local memory: the same figures
 * are the local baseline (a "miss" there is an access to resident memory
 * on a cold TLB entry).  Prints one line per figure and "bench: done".
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "utest.h"

#define PG 4096ul

struct figure {
	double ns;		/* per page */
	double cycles;
};

static void print_figure(const char *name, struct figure f)
{
	say("%s: %.3f us (%.0f cycles)", name, f.ns / 1000.0, f.cycles);
}

static unsigned char *map_anon(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		say("FAIL: mmap of %zu MiB failed", bytes >> 20);
		exit(1);
	}
#ifdef MADV_NOHUGEPAGE
	/* Linux: 4 KiB faults like Tessera's lines (an error here is fine). */
	madvise(p, bytes, MADV_NOHUGEPAGE);
#endif
	return p;
}

/* Write the page index into word 0 of every page; time per page. */
static struct figure write_pages(unsigned char *p, size_t pages, uint64_t gen)
{
	uint64_t t0 = now_ns(), c0 = rdtsc();

	for (size_t i = 0; i < pages; i++)
		*(volatile uint64_t *)(p + i * PG) = i ^ gen;
	return (struct figure){ (double)(now_ns() - t0) / pages, (double)(rdtsc() - c0) / pages };
}

/* Read word 0 of every page and check it; time per page. */
static struct figure read_pages(unsigned char *p, size_t pages, uint64_t gen, const char *what)
{
	uint64_t t0 = now_ns(), c0 = rdtsc(), bad = 0;
	struct figure f;

	for (size_t i = 0; i < pages; i++)
		bad += *(volatile uint64_t *)(p + i * PG) != (i ^ gen);
	f = (struct figure){ (double)(now_ns() - t0) / pages, (double)(rdtsc() - c0) / pages };
	check(bad == 0, "%s: %lu of %zu pages read back wrong", what, (unsigned long)bad, pages);
	return f;
}

static unsigned long arg_mb(const char *s, unsigned long def)
{
	char *end;
	unsigned long v;

	if (!s)
		return def;
	v = strtoul(s, &end, 0);
	if (*end || v == 0 || v > 65536) {
		say("usage: bench [REGION_MB [ZERO_MB]]");
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long region_mb = arg_mb(argc > 1 ? argv[1] : NULL, 64);
	unsigned long zero_mb = arg_mb(argc > 2 ? argv[2] : NULL, 8);
	size_t pages = region_mb << 8, zpages = zero_mb << 8, hpages = 64;
	unsigned char *hit, *zero, *region;
	struct figure f, miss, dirty;
	uint64_t t0, c0;
	const int rounds = 256;

	utest_init("bench");
	t0 = now_ns();
	c0 = rdtsc();
	while (now_ns() - t0 < 20000000)
		;
	say("region %lu MiB (%zu pages), zero-fill region %lu MiB, hit region %zu KiB, tsc %.0f MHz",
	    region_mb, pages, zero_mb, hpages * PG / 1024,
	    (double)(rdtsc() - c0) * 1000.0 / (double)(now_ns() - t0));

	/* Hit: 64 resident pages, read over and over. */
	hit = map_anon(hpages * PG);
	write_pages(hit, hpages, 1);
	f = (struct figure){ 0, 0 };
	for (int r = 0; r < rounds; r++) {
		struct figure g = read_pages(hit, hpages, 1, "hit");

		f.ns += g.ns / rounds;
		f.cycles += g.cycles / rounds;
	}
	print_figure("hit cost", f);

	/* Zero fill: first touch of fresh anonymous memory. */
	zero = map_anon(zpages * PG);
	f = write_pages(zero, zpages, 2);
	read_pages(zero, zpages, 2, "zero-fill");
	munmap(zero, zpages * PG);
	print_figure("zero-fill latency", f);

	/*
	 * The big region: first touch, then one read pass so that every
	 * line is clean; the timed read pass then misses with clean victims.
	 */
	region = map_anon(pages * PG);
	write_pages(region, pages, 3);
	read_pages(region, pages, 3, "warm-up");
	miss = read_pages(region, pages, 3, "miss");
	/* Dirty every page again, then read: each miss evicts a dirty line. */
	write_pages(region, pages, 4);
	dirty = read_pages(region, pages, 4, "write-back");
	print_figure("miss latency", miss);
	f.ns = dirty.ns > miss.ns ? dirty.ns - miss.ns : 0;
	f.cycles = dirty.cycles > miss.cycles ? dirty.cycles - miss.cycles : 0;
	print_figure("write-back cost", f);
	print_figure("miss with dirty victim", dirty);
	say("misses per second: %.0f", miss.ns > 0 ? 1e9 / miss.ns : 0.0);
	munmap(region, pages * PG);
	munmap(hit, hpages * PG);
	say("done");
	return utest_finish();
}
