// SPDX-License-Identifier: GPL-2.0
/* Self-tests of the slab allocator and kmalloc. */
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/smp.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>

#include "internal.h"

static const unsigned int class_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

/* Allocated objects of every kmalloc cache, and free pages. */
struct slab_snapshot {
	unsigned long active[ARRAY_SIZE(class_sizes)];
	unsigned long free_pages;
};

static void slab_snapshot(struct slab_snapshot *s)
{
	struct slab_info info;
	unsigned int i;

	kmem_cache_shrink_all();
	for (i = 0; i < ARRAY_SIZE(class_sizes); i++) {
		kmem_cache_info(kmalloc_slab(class_sizes[i]), &info);
		s->active[i] = info.active_objs;
	}
	s->free_pages = nr_free_pages();
}

static int __slab_snapshot_check(const struct slab_snapshot *before,
				 bool pages)
{
	struct slab_snapshot now;
	unsigned int i;

	slab_snapshot(&now);
	for (i = 0; i < ARRAY_SIZE(class_sizes); i++)
		if (now.active[i] != before->active[i])
			return selftest_fail("kmalloc-%u: %lu objects allocated, expected %lu",
					     class_sizes[i], now.active[i],
					     before->active[i]);
	if (pages)
		ST_EQ(now.free_pages, before->free_pages);
	return 0;
}

static int slab_snapshot_check(const struct slab_snapshot *before)
{
	return __slab_snapshot_check(before, true);
}

/* Fill with a 64-bit value (rep stosq); check with repe scasq. */
static void pattern_fill(void *p, size_t size, u64 v)
{
	size_t words = size / 8, i;
	void *d = p;

	asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
	for (i = size & ~7UL; i < size; i++)
		((u8 *)p)[i] = v >> (8 * (i & 7));
}

static bool pattern_ok(const void *p, size_t size, u64 v)
{
	size_t words = size / 8, i;
	const void *d = p;
	bool equal = true;

	if (words)
		asm volatile("repe scasq"
			     : "+D"(d), "+c"(words), "=@ccz"(equal)
			     : "a"(v) : "memory");
	if (!equal)
		return false;
	for (i = size & ~7UL; i < size; i++)
		if (((const u8 *)p)[i] != (u8)(v >> (8 * (i & 7))))
			return false;
	return true;
}

static u64 rand_next(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static bool within_one_page(const void *p, size_t size)
{
	unsigned long a = (unsigned long)p;

	return (a >> PAGE_SHIFT) == ((a + size - 1) >> PAGE_SHIFT);
}

/* The placement invariant for one object of a cache or kmalloc class. */
static bool placement_ok(const void *p, size_t object_size)
{
	if (object_size <= PAGE_SIZE)
		return within_one_page(p, object_size);
	return PAGE_ALIGNED(p);
}

struct stress_slot {
	void *p;
	u64 tag;
	u32 size;
};

/*
 * One CPU's share of the slab stress test: ops random operations on its
 * own slots.  An empty slot gets a kmalloc() of 8 B - 8 KiB (log-uniform,
 * so small sizes dominate as in real use) filled with a value unique to
 * the object; a full one is checked and kfree()d.  The worker shares
 * nothing but the allocator, so when SMP arrives every CPU runs it at
 * once with its own seed and slots.
 */
static int slab_stress_worker(u64 seed, unsigned long ops,
			      struct stress_slot *slots, unsigned int nr)
{
	u64 state = seed | 1;
	unsigned long i;

	for (i = 0; i < ops; i++) {
		u64 r = rand_next(&state);
		struct stress_slot *s = &slots[r % nr];

		if (s->p) {
			if (!pattern_ok(s->p, s->size, s->tag))
				return selftest_fail("object %p (%u bytes) corrupted",
						     s->p, s->size);
			kfree(s->p);
			s->p = NULL;
		} else {
			unsigned int bits = 3 + (r >> 32) % 11;
			u32 size = max(8U, 1 + (u32)((r >> 40) & ((1U << bits) - 1)));

			s->p = kmalloc(size, GFP_KERNEL);
			if (!s->p)
				return selftest_fail("kmalloc(%u) failed", size);
			if (!placement_ok(s->p, ksize(s->p)) || ksize(s->p) < size)
				return selftest_fail("kmalloc(%u) = %p, ksize %zu",
						     size, s->p, ksize(s->p));
			s->size = size;
			s->tag = r ^ (unsigned long)s->p;
			pattern_fill(s->p, size, s->tag);
		}
	}
	for (i = 0; i < nr; i++) {
		if (!slots[i].p)
			continue;
		if (!pattern_ok(slots[i].p, slots[i].size, slots[i].tag))
			return selftest_fail("object %p corrupted", slots[i].p);
		kfree(slots[i].p);
		slots[i].p = NULL;
	}
	return 0;
}

#define STRESS_OPS	1000000UL
#define STRESS_SLOTS	4096

SELFTEST(slab_stress)
{
	struct slab_snapshot snap;
	struct stress_slot *slots;
	u64 t0;
	int ret;

	/* vmalloc first: its page tables must not count as a leak. */
	slots = vzalloc(STRESS_SLOTS * sizeof(*slots));
	ST_ASSERT(slots);
	slab_snapshot(&snap);
	t0 = local_clock();
	/* SMP: run this on every CPU, seeded with the CPU number. */
	ret = slab_stress_worker(0x5eed0001, STRESS_OPS, slots, STRESS_SLOTS);
	if (!ret) {
		pr_info("selftest: slab_stress: %lu kmalloc/kfree in %llu ms\n",
			STRESS_OPS, (local_clock() - t0) / 1000000);
		ret = slab_snapshot_check(&snap);
	}
	vfree(slots);
	return ret;
}

/* Allocate several slabs' worth from a cache and check every object. */
static int check_cache_placement(struct kmem_cache *s, void **objs,
				 unsigned int max)
{
	struct slab_info info;
	unsigned int i, n;

	kmem_cache_info(s, &info);
	n = min(max, 3 * info.objs_per_slab + 1);
	for (i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		ST_ASSERT(objs[i]);
		if (!placement_ok(objs[i], info.object_size))
			return selftest_fail("%s: object %p of %u bytes straddles a page",
					     info.name, objs[i], info.object_size);
		pattern_fill(objs[i], info.object_size, i);
	}
	for (i = 0; i < n; i++) {
		if (!pattern_ok(objs[i], info.object_size, i))
			return selftest_fail("%s: objects overlap at %p",
					     info.name, objs[i]);
		kmem_cache_free(s, objs[i]);
	}
	return 0;
}

SELFTEST(slab_page_boundary)
{
	static const unsigned int odd_sizes[] = {
		24, 40, 72, 100, 200, 700, 1000, 1500, 3000, 4000, 4096, 4097,
		5000, 12000,
	};
	struct slab_snapshot snap;
	unsigned int i;
	void **objs;

	objs = vmalloc(2048 * sizeof(void *));
	ST_ASSERT(objs);
	slab_snapshot(&snap);
	for (i = 0; i < ARRAY_SIZE(class_sizes); i++) {
		struct kmem_cache *s = kmalloc_slab(class_sizes[i]);
		void *p;

		if (check_cache_placement(s, objs, 2048))
			goto fail;
		/* Power-of-two kmalloc sizes are naturally aligned. */
		p = kmalloc(class_sizes[i], GFP_KERNEL);
		if (!(class_sizes[i] & (class_sizes[i] - 1)) &&
		    !IS_ALIGNED((unsigned long)p, min(class_sizes[i], 4096U))) {
			selftest_fail("kmalloc(%u) = %p", class_sizes[i], p);
			goto fail;
		}
		kfree(p);
	}
	for (i = 0; i < ARRAY_SIZE(odd_sizes); i++) {
		unsigned long flags = i & 1 ? SLAB_HWCACHE_ALIGN : 0;
		struct kmem_cache *s;
		int ret;

		s = kmem_cache_create("test-odd", odd_sizes[i], 0, flags, NULL);
		if (!s) {
			selftest_fail("cannot create a cache of %u", odd_sizes[i]);
			goto fail;
		}
		ret = check_cache_placement(s, objs, 2048);
		kmem_cache_destroy(s);
		if (ret)
			goto fail;
	}
	i = slab_snapshot_check(&snap);
	vfree(objs);
	return i;
fail:
	vfree(objs);
	return -1;
}

#define CTOR_SIZE	48

static void test_ctor(void *p)
{
	memset(p, 0x3c, CTOR_SIZE);
}

static void test_ctor_page(void *p)
{
	memset(p, 0x3d, PAGE_SIZE);
}

/* Constructed state survives free and reallocation. */
SELFTEST(slab_ctor)
{
	struct kmem_cache *s, *big;
	struct slab_snapshot snap;
	struct slab_info info;
	void *p, *q;

	slab_snapshot(&snap);
	s = kmem_cache_create("test-ctor", CTOR_SIZE, 0, 0, test_ctor);
	big = kmem_cache_create("test-ctor-page", PAGE_SIZE, 0, 0,
				test_ctor_page);
	ST_ASSERT(s && big);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	ST_ASSERT(p && !memchr_inv(p, 0x3c, CTOR_SIZE));
	kmem_cache_free(s, p);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	ST_EQ(q, p);
	ST_ASSERT(!memchr_inv(q, 0x3c, CTOR_SIZE));
	kmem_cache_free(s, q);

	/* A page-sized object whose free pointer lives outside it. */
	p = kmem_cache_alloc(big, GFP_KERNEL);
	ST_ASSERT(p && PAGE_ALIGNED(p) && !memchr_inv(p, 0x3d, PAGE_SIZE));
	kmem_cache_info(big, &info);
	ST_EQ(info.active_objs, 1);
	ST_ASSERT(info.stride > PAGE_SIZE);
	kmem_cache_free(big, p);
	kmem_cache_info(big, &info);
	ST_EQ(info.active_objs, 0);

	kmem_cache_destroy(s);
	kmem_cache_destroy(big);
	return slab_snapshot_check(&snap);
}

SELFTEST(slab_kmalloc_api)
{
	struct slab_snapshot snap;
	unsigned int size, i;
	u8 *p, *q;

	slab_snapshot(&snap);
	ST_EQ(kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	ST_EQ(ksize(NULL), 0);

	/* Every size gets the smallest class that fits. */
	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size += size < 256 ? 1 : 61) {
		size_t want = 0;

		p = kmalloc(size, GFP_KERNEL);
		ST_ASSERT(p);
		for (i = 0; i < ARRAY_SIZE(class_sizes) && !want; i++)
			if (class_sizes[i] >= size)
				want = class_sizes[i];
		if (ksize(p) != want)
			return selftest_fail("ksize(kmalloc(%u)) = %zu, expected %zu",
					     size, ksize(p), want);
		kfree(p);
	}

	/* kzalloc on an object we dirty first (it comes straight back). */
	p = kmalloc(300, GFP_KERNEL);
	memset(p, 0xee, 300);
	kfree(p);
	q = kzalloc(300, GFP_KERNEL);
	ST_EQ(q, p);
	ST_ASSERT(!memchr_inv(q, 0, 300));
	kfree(q);

	ST_ASSERT(!kmalloc_array(ULONG_MAX / 2, 4, GFP_KERNEL));
	p = kcalloc(100, 10, GFP_KERNEL);
	ST_ASSERT(p && !memchr_inv(p, 0, 1000) && ksize(p) == 1024);
	kfree(p);

	/* krealloc: in place while it fits, moved with the contents if not. */
	p = kmalloc(20, GFP_KERNEL);
	memcpy(p, "krealloc keeps this", 20);
	q = krealloc(p, 30, GFP_KERNEL);
	ST_EQ(q, p);
	q = krealloc(p, 5000, GFP_KERNEL);
	ST_ASSERT(q && ksize(q) == 8192);
	ST_ASSERT(!memcmp(q, "krealloc keeps this", 20));
	p = krealloc(q, 40000, GFP_KERNEL);
	ST_ASSERT(p && !memcmp(p, "krealloc keeps this", 20));
	ST_EQ(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	p = krealloc(NULL, 10, GFP_KERNEL);
	ST_ASSERT(p && ksize(p) == 16);
	kfree(p);

	/* Beyond the caches: whole pages, order remembered. */
	p = kmalloc(100000, GFP_KERNEL);
	ST_ASSERT(p && PAGE_ALIGNED(p));
	ST_EQ(ksize(p), 128 * 1024);
	ST_ASSERT(PageLargeKmalloc(virt_to_page(p)));
	ST_EQ(virt_to_head_page(p + 70000), virt_to_page(p));
	memset(p, 1, 100000);
	kfree(p);
	p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL);
	ST_EQ(ksize(p), 4 * PAGE_SIZE);
	kfree(p);
	ST_ASSERT(!kmalloc(PAGE_SIZE << MAX_ORDER, GFP_KERNEL | __GFP_NOWARN));

	/* Zone-restricted requests are honoured. */
	p = kmalloc(100, GFP_KERNEL | GFP_DMA);
	ST_ASSERT(p && __pa(p) < SZ_16M);
	kfree(p);
	return slab_snapshot_check(&snap);
}

#ifdef CONFIG_DEBUG_KMEMORY
/*
 * A double free is reported and skipped: the object is not put on the
 * free list twice, so it is handed out again exactly once.
 */
SELFTEST_EXPLICIT_ONLY(slab_double_free)
{
	unsigned long reports = kmem_bug_reports;
	struct kmem_cache *s = kmalloc_slab(64);
	struct slab_snapshot snap;
	struct slab_info info;
	unsigned int i, n, seen = 0;
	void **objs, *p;

	kmem_cache_info(s, &info);
	n = 2 * info.objs_per_slab;
	objs = vmalloc(n * sizeof(void *));
	ST_ASSERT(objs);
	slab_snapshot(&snap);

	p = kmalloc(64, GFP_KERNEL);
	ST_ASSERT(p);
	kfree(p);
	kfree(p);
	ST_EQ(kmem_bug_reports, reports + 1);
	for (i = 0; i < n; i++) {
		objs[i] = kmalloc(64, GFP_KERNEL);
		ST_ASSERT(objs[i]);
		seen += objs[i] == p;
		pattern_fill(objs[i], 64, i);
	}
	ST_EQ(seen, 1);
	for (i = 0; i < n; i++) {
		ST_ASSERT(pattern_ok(objs[i], 64, i));
		kfree(objs[i]);
	}
	ST_EQ(kmem_bug_reports, reports + 1);
	i = slab_snapshot_check(&snap);
	vfree(objs);
	return i;
}

static u64 not_from_kmalloc;

/* Frees of addresses kmalloc never returned: reported, ignored. */
SELFTEST_EXPLICIT_ONLY(slab_invalid_free)
{
	unsigned long reports = kmem_bug_reports;
	struct slab_snapshot snap;
	struct kmem_cache *other;
	struct page *page;
	u8 *p, *big;

	slab_snapshot(&snap);
	p = kmalloc(64, GFP_KERNEL);
	ST_ASSERT(p);
	kfree(p + 8);				/* inside an object */
	ST_EQ(kmem_bug_reports, reports + 1);
	kfree(&not_from_kmalloc);		/* the kernel image */
	ST_EQ(kmem_bug_reports, reports + 2);
	page = alloc_page(GFP_KERNEL);
	ST_ASSERT(page);
	kfree(page_address(page));		/* a page of the page allocator */
	ST_EQ(kmem_bug_reports, reports + 3);
	__free_page(page);
	kfree(page_address(page));		/* a free page */
	ST_EQ(kmem_bug_reports, reports + 4);

	big = kmalloc(3 * PAGE_SIZE + 100, GFP_KERNEL);
	ST_ASSERT(big);
	kfree(big + PAGE_SIZE);			/* inside a large kmalloc */
	ST_EQ(kmem_bug_reports, reports + 5);
	kfree(big);
	kfree(big);				/* a large kmalloc, twice */
	ST_EQ(kmem_bug_reports, reports + 6);

	other = kmem_cache_create("test-other", 64, 0, 0, NULL);
	ST_ASSERT(other);
	kmem_cache_free(other, p);		/* the wrong cache */
	ST_EQ(kmem_bug_reports, reports + 7);
	kmem_cache_destroy(other);

	/* None of this disturbed the object. */
	memset(p, 0, 64);
	kfree(p);
	ST_EQ(kmem_bug_reports, reports + 7);
	return slab_snapshot_check(&snap);
}

/* A write after free, and a write past the end of an object. */
SELFTEST_EXPLICIT_ONLY(slab_use_after_free)
{
	unsigned long reports = kmem_bug_reports;
	struct slab_snapshot snap;
	u8 *keep, *p, *q;

	slab_snapshot(&snap);
	keep = kmalloc(128, GFP_KERNEL);	/* keeps the slab non-empty */
	p = kmalloc(128, GFP_KERNEL);
	ST_ASSERT(keep && p);
	kfree(p);
	p[5] = 0;
	q = kmalloc(128, GFP_KERNEL);
	ST_EQ(q, p);
	ST_EQ(kmem_bug_reports, reports + 1);
	kfree(q);

	/* Past the end: reported at kfree, and the object is left alone. */
	p = kmalloc(128, GFP_KERNEL);
	p[128] = 'x';
	kfree(p);
	ST_EQ(kmem_bug_reports, reports + 2);
	kfree(keep);
	/* p is leaked, by design, and with it maybe a slab. */
	snap.active[5]++;
	return __slab_snapshot_check(&snap, false);
}
#endif

struct stress_smp {
	unsigned long ops_per_cpu;
};

static int slab_stress_cpu(void *arg, unsigned int cpu)
{
	struct stress_smp *st = arg;
	struct stress_slot *slots;
	int ret;

	slots = vzalloc(STRESS_SLOTS * sizeof(*slots));
	if (!slots)
		return selftest_fail("CPU %u: no memory for its slots", cpu);
	ret = slab_stress_worker(0x5eed0000 + cpu, st->ops_per_cpu, slots,
				 STRESS_SLOTS);
	vfree(slots);
	return ret;
}

/* The same stress on every CPU at once: a million operations in all. */
SELFTEST(slab_stress_smp)
{
	struct stress_smp st = {
		.ops_per_cpu = DIV_ROUND_UP(STRESS_OPS, num_online_cpus()),
	};
	u64 t0 = local_clock();

	ST_EQ(selftest_run_on_each_cpu(slab_stress_cpu, &st), 0);
	pr_info("selftest: slab_stress_smp: %lu kmalloc/kfree on %u CPUs in %llu ms\n",
		st.ops_per_cpu * num_online_cpus(), num_online_cpus(),
		(local_clock() - t0) / 1000000);
	return 0;
}
