// SPDX-License-Identifier: GPL-2.0
/*
 * pcache self-tests (selftest=pcache_*).  Each builds a tiny cache of
 * its own (8 sets x 4 ways unless said otherwise) and a test address
 * space whose memory node is this node: MEMOP_MISS and MEMOP_WRITEBACK
 * are served here, over FIT's loopback transport, from a table of pages.
 * User pages are really accessed (stac/clac on the test mm's page
 * tables), so the hardware sets the accessed and dirty bits.
 */
#define pr_fmt(fmt) "selftest: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/delay.h>
#include <tessera/gfp.h>
#include <tessera/memproto.h>
#include <tessera/pcache.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/processor.h>
#include <asm/apic.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

#include "internal.h"

#define ST_TGID		4242
#define ST_BASE		0x10000000UL	/* user addresses of the test VMAs */
#define ST_STORE_MAX	1024
#define ST_USER_FAULT	X86_PF_USER

/* ------------------------------------------------- the fake memory node --- */

struct st_page {
	u32 tgid;
	u64 addr;
	u8 *data;
	unsigned int wb;	/* write-backs received */
};

static struct st_page st_store[ST_STORE_MAX];
static unsigned int st_nr_pages;
static DEFINE_SPINLOCK(st_lock);
static int st_wb_err;		/* write-backs (plain or piggybacked) fail */
static int st_miss_err;		/* every miss fails */
/* While a miss is served, a range op on this range of this mm "runs". */
static struct mm_struct *st_race_mm;
static unsigned long st_race_start, st_race_end;

static struct st_page *st_lookup(u32 tgid, u64 addr)
{
	unsigned int i;

	for (i = 0; i < st_nr_pages; i++)
		if (st_store[i].tgid == tgid && st_store[i].addr == addr)
			return &st_store[i];
	return NULL;
}

/* Store a page; a write-back if wb.  0 or -ENOMEM. */
static int st_store_write(u32 tgid, u64 addr, const void *data, bool wb)
{
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	struct st_page *p;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	spin_lock(&st_lock);
	p = st_lookup(tgid, addr);
	if (!p && st_nr_pages < ST_STORE_MAX) {
		p = &st_store[st_nr_pages++];
		p->tgid = tgid;
		p->addr = addr;
		p->data = buf;
		p->wb = 0;
		buf = NULL;
	}
	if (p) {
		memcpy(p->data, data, PAGE_SIZE);
		p->wb += wb;
	} else {
		ret = -ENOMEM;
	}
	spin_unlock(&st_lock);
	kfree(buf);
	return ret;
}

static unsigned int st_wb_count(u64 addr)
{
	struct st_page *p;
	unsigned int n;

	spin_lock(&st_lock);
	p = st_lookup(ST_TGID, addr);
	n = p ? p->wb : 0;
	spin_unlock(&st_lock);
	return n;
}

static void st_store_clear(void)
{
	unsigned int i;

	for (i = 0; i < st_nr_pages; i++)
		kfree(st_store[i].data);
	st_nr_pages = 0;
	st_wb_err = 0;
	st_miss_err = 0;
	st_race_mm = NULL;
}

static int h_miss(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	const struct mp_miss_req *r = req;
	const struct mp_wb_hdr *wb = (const void *)(r + 1);
	struct mp_miss_reply *out = reply;
	struct st_page *p;
	int ret;

	if (len < sizeof(*r) || max < sizeof(*out) + PAGE_SIZE)
		return -EINVAL;
	if (READ_ONCE(st_miss_err))
		return READ_ONCE(st_miss_err);
	if (r->flags & MP_MISS_WB_PIGGYBACK) {
		if (len != sizeof(*r) + sizeof(*wb) + PAGE_SIZE)
			return -EINVAL;
		if (READ_ONCE(st_wb_err))
			return READ_ONCE(st_wb_err);
		ret = st_store_write(wb->tgid, wb->addr, wb + 1, true);
		if (ret)
			return ret;
	} else if (len != sizeof(*r)) {
		return -EINVAL;
	}
	/* Like munmap: under mm->lock, so not while a fault holds it. */
	if (READ_ONCE(st_race_mm) && mutex_trylock(&st_race_mm->lock)) {
		spin_lock(&st_race_mm->pt_lock);
		pcache_mm_note_range(st_race_mm->pcache_priv, st_race_start,
				     st_race_end);
		spin_unlock(&st_race_mm->pt_lock);
		mutex_unlock(&st_race_mm->lock);
	}
	out->prot = MP_PROT_READ | MP_PROT_WRITE;
	spin_lock(&st_lock);
	p = st_lookup(r->tgid, r->addr & PAGE_MASK);
	if (p)
		memcpy(out + 1, p->data, PAGE_SIZE);
	spin_unlock(&st_lock);
	out->fill = p ? 0 : MP_FILL_ZERO;
	return p ? sizeof(*out) + PAGE_SIZE : sizeof(*out);
}

static int h_writeback(u32 node, const void *req, size_t len, void *reply,
		       size_t max, void *priv)
{
	const struct mp_wb_hdr *wb = req;

	if (len != sizeof(*wb) + PAGE_SIZE)
		return -EINVAL;
	if (READ_ONCE(st_wb_err))
		return READ_ONCE(st_wb_err);
	return st_store_write(wb->tgid, wb->addr, wb + 1, true);
}

/* ---------------------------------------------------- the test harness --- */

struct st_env {
	struct pcache pc;
	struct pcache *saved;
	unsigned long pages;		/* direct-map address of the lines */
	unsigned int order;
	struct mm_struct *mm;
	struct vm_area vmas[8];
	unsigned int nr_vmas;
	u64 cnt[NR_PCACHE_COUNTERS];	/* at st_begin() */
};

static u64 st_delta(struct st_env *e, enum pcache_counter c)
{
	return atomic64_read(&pcache_counters[c]) - e->cnt[c];
}

static void st_add_vma(struct st_env *e, unsigned long start,
		       unsigned long npages, u32 prot)
{
	struct vm_area *vma = &e->vmas[e->nr_vmas++];

	vma->start = start;
	vma->end = start + npages * PAGE_SIZE;
	vma->prot = prot;
	vma->flags = MP_VMA_ANON;
	vma_link(e->mm, vma);
}

/* A cache of 2^order lines with ways ways, and an empty test mm. */
static int st_begin(struct st_env *e, unsigned int order, unsigned int ways)
{
	int ret, i;

	memset(e, 0, sizeof(*e));
	if (!pcache)
		return selftest_fail("the pcache was not initialized at boot");
	/* The test cache replaces the real one: no process may use it. */
	if (atomic_long_read(&pcache->nr_used))
		return selftest_fail("user processes are using the pcache");
	e->order = order;
	e->pages = __get_free_pages(GFP_KERNEL, order);
	e->mm = kzalloc(sizeof(*e->mm), GFP_KERNEL);
	if (!e->pages || !e->mm)
		return selftest_fail("out of memory");
	e->mm->pgd = pgd_alloc();
	if (!e->mm->pgd)
		return selftest_fail("out of memory");
	mutex_init(&e->mm->lock);
	spin_lock_init(&e->mm->pt_lock);
	e->mm->vmas = RB_ROOT;
	e->mm->space_id = ST_TGID;
	e->mm->mnode = fit_self_id();
	ret = pcache_setup(&e->pc, __pa(e->pages), 1UL << order, ways);
	if (ret)
		return selftest_fail("pcache_setup: %d", ret);
	ret = fit_register_handler(MEMOP_MISS, h_miss, NULL);
	if (!ret)
		ret = fit_register_handler(MEMOP_WRITEBACK, h_writeback, NULL);
	if (ret)
		return selftest_fail("cannot serve the memory protocol: %d", ret);
	e->saved = pcache;
	pcache = &e->pc;
	for (i = 0; i < NR_PCACHE_COUNTERS; i++)
		e->cnt[i] = atomic64_read(&pcache_counters[i]);
	return 0;
}

static void st_end(struct st_env *e)
{
	if (e->saved) {
		pcache_exit_mm(e->mm);
		pcache = e->saved;
		fit_unregister_handler(MEMOP_MISS);
		fit_unregister_handler(MEMOP_WRITEBACK);
		pcache_teardown(&e->pc);
	}
	if (e->mm && e->mm->pgd)
		pgd_free(e->mm->pgd);
	kfree(e->mm);
	if (e->pages)
		free_pages(e->pages, e->order);
	st_store_clear();
}

static u64 st_pte(struct st_env *e, unsigned long addr)
{
	u64 *pte, v;

	spin_lock(&e->mm->pt_lock);
	pte = mm_pte(e->mm, addr, false);
	v = pte ? *pte : 0;
	spin_unlock(&e->mm->pt_lock);
	return v;
}

/* Fault the page in as the CPU would, until the access can be made. */
static int st_prefault(struct st_env *e, unsigned long addr, bool write)
{
	int tries, ret;

	for (tries = 0; tries < 8; tries++) {
		u64 v = st_pte(e, addr);
		unsigned long ec = ST_USER_FAULT;

		if ((v & _PAGE_PRESENT) && (!write || (v & _PAGE_RW)))
			return 0;
		if (v & _PAGE_PRESENT)
			ec |= X86_PF_PROT;
		if (write)
			ec |= X86_PF_WRITE;
		ret = pcache_handle_fault(e->mm, addr, ec);
		if (ret)
			return ret;
	}
	return -ELOOP;
}

static void st_user_enter(struct mm_struct *mm)
{
	preempt_disable();
	switch_mm(mm);
	if (read_cr4() & X86_CR4_SMAP)
		asm volatile("stac" ::: "memory");
}

static void st_user_exit(void)
{
	if (read_cr4() & X86_CR4_SMAP)
		asm volatile("clac" ::: "memory");
	switch_mm(NULL);
	preempt_enable();
}

static u64 st_word(unsigned long addr, unsigned int i, u32 seed)
{
	return ((u64)seed << 32 | i) * 0x9e3779b97f4a7c15ULL ^ addr;
}

/* Write a page's pattern through the user mapping. */
static int st_write_page(struct st_env *e, unsigned long addr, u32 seed)
{
	u64 *p = (u64 *)addr;
	unsigned int i;
	int ret = st_prefault(e, addr, true);

	if (ret)
		return ret;
	st_user_enter(e->mm);
	for (i = 0; i < PAGE_SIZE / 8; i++)
		WRITE_ONCE(p[i], st_word(addr, i, seed));
	st_user_exit();
	return 0;
}

/* Read a page through the user mapping: 1 if it holds the pattern of
 * seed (seed 0: zeroes), 0 if not, or a fault errno. */
static int st_check_page(struct st_env *e, unsigned long addr, u32 seed)
{
	u64 *p = (u64 *)addr;
	unsigned int i, bad = 0;
	int ret = st_prefault(e, addr, false);

	if (ret)
		return ret;
	st_user_enter(e->mm);
	for (i = 0; i < PAGE_SIZE / 8; i++)
		bad += READ_ONCE(p[i]) != (seed ? st_word(addr, i, seed) : 0);
	st_user_exit();
	return !bad;
}

static void st_pattern(u64 *buf, unsigned long addr, u32 seed)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / 8; i++)
		buf[i] = st_word(addr, i, seed);
}

/* The line a user page is mapped to, or NULL. */
static struct pcache_meta *st_line(struct st_env *e, unsigned long addr)
{
	u64 v = st_pte(e, addr);

	if (!pte_has_line(v))
		return NULL;
	return pcache_pa_to_meta(&e->pc, v & PTE_PFN_MASK);
}

/* Every used line is mapped by exactly the PTE its rmap names. */
static int st_check_consistent(struct st_env *e)
{
	unsigned long i, used = 0;

	for (i = 0; i < e->pc.nr_lines; i++) {
		struct pcache_meta *m = &e->pc.meta[i];
		struct pcache_rmap *r;
		u64 v;

		if (test_bit(PC_LOCKED, &m->flags))
			return selftest_fail("line %lu still locked", i);
		if (!test_bit(PC_VALID, &m->flags)) {
			if (!list_empty(&m->rmaps) || atomic_read(&m->refcount))
				return selftest_fail("free line %lu in use", i);
			continue;
		}
		used++;
		if (!list_is_singular(&m->rmaps))
			return selftest_fail("line %lu: not one rmap", i);
		r = list_first_entry(&m->rmaps, struct pcache_rmap, node);
		v = st_pte(e, r->addr);
		if (r->mm != e->mm || (v & PTE_PFN_MASK) !=
		    pcache_line_pa(&e->pc, m) || !pte_has_line(v))
			return selftest_fail("line %lu: rmap %#lx, PTE %#llx",
					     i, r->addr,
					     (unsigned long long)v);
		if (atomic_read(&m->refcount) != 1)
			return selftest_fail("line %lu: refcount %d", i,
					     atomic_read(&m->refcount));
	}
	ST_EQ(atomic_long_read(&e->pc.nr_used), used);
	ST_EQ(e->mm->nr_ptes, used);
	if (e->mm->pcache_priv)
		ST_EQ(atomic_long_read(&((struct pcache_mm *)
					 e->mm->pcache_priv)->nr_lines), used);
	return 0;
}

/* Run a test body between st_begin() and st_end(). */
#define ST_RUN(e, order, ways, body) ({					\
	int __ret = st_begin(e, order, ways);				\
									\
	if (!__ret)							\
		__ret = body(e);					\
	st_end(e);							\
	__ret;								\
})

static struct st_env st_env;

/* ----------------------------------------------------------- the tests --- */

SELFTEST(pcache_geometry)
{
	struct pcache pc;
	unsigned int i, total = 0;

	/* 1000 lines, 64 ways: 15 sets, the first 40 with 67 ways. */
	ST_EQ(pcache_setup(&pc, 0x100000000ULL, 1000, 64), 0);
	ST_EQ(pc.nr_sets, 15);
	ST_EQ(pc.ways, 66);
	for (i = 0; i < pc.nr_sets; i++) {
		ST_ASSERT(pc.sets[i].nr_ways == 66 || pc.sets[i].nr_ways == 67);
		total += pc.sets[i].nr_ways;
	}
	ST_EQ(total, 1000);
	ST_EQ(pcache_line_pa(&pc, &pc.meta[999]), 0x100000000ULL + 999 * PAGE_SIZE);
	ST_ASSERT(pcache_pa_to_meta(&pc, 0x100000000ULL + 1000 * PAGE_SIZE) == NULL);
	pcache_teardown(&pc);
	ST_EQ(pcache_setup(&pc, 0, 3, 4), -EINVAL);
	/* The boot-time cache uses every line of its region. */
	ST_ASSERT(pcache);
	for (i = 0, total = 0; i < pcache->nr_sets; i++) {
		ST_ASSERT(pcache->sets[i].nr_ways == pcache->ways ||
			  pcache->sets[i].nr_ways == pcache->ways + 1);
		total += pcache->sets[i].nr_ways;
	}
	ST_EQ(total, pcache->nr_lines);
	return 0;
}

static int st_fill(struct st_env *e)
{
	u64 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	unsigned long a;
	unsigned int i;
	u64 v;

	ST_ASSERT(buf);
	st_add_vma(e, ST_BASE, 16, MP_PROT_READ | MP_PROT_WRITE);
	/* The memory node has pages 0-7; 8-15 were never touched. */
	for (i = 0; i < 8; i++) {
		st_pattern(buf, ST_BASE + i * PAGE_SIZE, i + 1);
		ST_EQ(st_store_write(ST_TGID, ST_BASE + i * PAGE_SIZE, buf,
				     false), 0);
	}
	kfree(buf);
	for (i = 0; i < 16; i++) {
		a = ST_BASE + i * PAGE_SIZE;
		ST_EQ(pcache_handle_fault(e->mm, a + 123, ST_USER_FAULT), 0);
		v = st_pte(e, a);
		ST_ASSERT(v & _PAGE_PRESENT);
		ST_ASSERT(v & _PAGE_USER);
		ST_ASSERT(v & _PAGE_RW);
		ST_ASSERT(!(v & _PAGE_DIRTY));
		ST_ASSERT(pcache_pa_to_meta(&e->pc, v & PTE_PFN_MASK));
		ST_ASSERT(st_line(e, a)->rmap0.addr == a);
		ST_EQ(st_check_page(e, a, i < 8 ? i + 1 : 0), 1);
	}
	/* Hardware set the accessed bit of what was read. */
	ST_ASSERT(st_pte(e, ST_BASE) & _PAGE_ACCESSED);
	ST_EQ(st_delta(e, NR_PCACHE_FILL_FROM_MEMORY), 8);
	ST_EQ(st_delta(e, NR_PCACHE_FILL_ZEROFILL), 8);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_TRIGGERED), 0);
	ST_EQ(st_delta(e, NR_PGFAULT), 16);
	ST_EQ(atomic_long_read(&e->pc.nr_used), 16);
	/* A second fault on a mapped page is spurious: nothing is filled. */
	ST_EQ(pcache_handle_fault(e->mm, ST_BASE, ST_USER_FAULT), 0);
	ST_EQ(st_delta(e, NR_PGFAULT_SPURIOUS), 1);
	ST_EQ(st_check_consistent(e), 0);
	pcache_exit_mm(e->mm);
	ST_EQ(atomic_long_read(&e->pc.nr_used), 0);
	ST_EQ(e->mm->nr_ptes, 0);
	ST_ASSERT(!e->mm->pcache_priv);
	ST_EQ(st_delta(e, NR_CLFLUSH), 0);
	return 0;
}

/* Pages are filled from the memory node or zero-filled, and mapped. */
SELFTEST(pcache_fill)
{
	return ST_RUN(&st_env, 5, 4, st_fill);
}

static int st_writeback(struct st_env *e)
{
	unsigned long npages = 4 * e->pc.nr_lines, i, dirty = 0;
	unsigned long a;

	st_add_vma(e, ST_BASE, npages, MP_PROT_READ | MP_PROT_WRITE);
	/* Even pages written, odd pages only read: 4 times the cache. */
	for (i = 0; i < npages; i++) {
		a = ST_BASE + i * PAGE_SIZE;
		if (i % 2)
			ST_EQ(st_check_page(e, a, 0), 1);
		else
			ST_EQ(st_write_page(e, a, i + 7), 0);
	}
	ST_ASSERT(st_delta(e, NR_PCACHE_EVICTION_SUCCEED) >=
		  npages - e->pc.nr_lines);
	for (i = 0; i < npages; i += 2)
		dirty += !!(st_pte(e, ST_BASE + i * PAGE_SIZE) & _PAGE_DIRTY);
	ST_EQ(dirty + st_delta(e, NR_CLFLUSH), npages / 2);
	/* Everything reads back, from the lines or from the node. */
	for (i = 0; i < npages; i++) {
		a = ST_BASE + i * PAGE_SIZE;
		if (st_check_page(e, a, i % 2 ? 0 : i + 7) != 1)
			return selftest_fail("page %lu lost its data", i);
	}
	ST_EQ(pcache_flush_range(e->mm, ST_BASE, ST_BASE + npages * PAGE_SIZE),
	      0);
	ST_EQ(atomic_long_read(&e->pc.nr_used), 0);
	/* Each written page went back exactly once, no clean page did. */
	for (i = 0; i < npages; i++)
		if (st_wb_count(ST_BASE + i * PAGE_SIZE) != !(i % 2))
			return selftest_fail("page %lu written back %u times",
					     i, st_wb_count(ST_BASE +
							    i * PAGE_SIZE));
	ST_EQ(st_delta(e, NR_CLFLUSH), npages / 2);
	ST_EQ(st_delta(e, NR_PCACHE_WRITEBACK) +
	      st_delta(e, NR_PCACHE_WRITEBACK_PIGGYBACK), npages / 2);
	ST_ASSERT(st_delta(e, NR_PCACHE_WRITEBACK_PIGGYBACK) > 0);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_FAILURE), 0);
	/* Only written pages ever came from the node. */
	ST_ASSERT(st_delta(e, NR_PCACHE_FILL_FROM_MEMORY) <= npages / 2);
	ST_ASSERT(st_delta(e, NR_PCACHE_FILL_ZEROFILL) >= npages);
	pr_info("pcache_writeback: %lu pages over %lu lines: %llu evictions, %llu write-backs (%llu piggybacked), %llu fills\n",
		npages, e->pc.nr_lines,
		st_delta(e, NR_PCACHE_EVICTION_SUCCEED),
		st_delta(e, NR_CLFLUSH),
		st_delta(e, NR_PCACHE_WRITEBACK_PIGGYBACK),
		st_delta(e, NR_PCACHE_FILL_FROM_MEMORY) +
		st_delta(e, NR_PCACHE_FILL_ZEROFILL));
	return 0;
}

/* Checksummed data over 4x the cache: dirty lines go back, refills match. */
SELFTEST(pcache_writeback)
{
	return ST_RUN(&st_env, 5, 4, st_writeback);
}

static int st_lru(struct st_env *e)
{
	unsigned long stride = e->pc.nr_sets * PAGE_SIZE, a[6];
	u64 promoted;
	int k;

	st_add_vma(e, ST_BASE, 6 * e->pc.nr_sets, MP_PROT_READ | MP_PROT_WRITE);
	for (k = 0; k < 6; k++)
		a[k] = ST_BASE + k * stride;	/* all in one set */
	ST_ASSERT(pcache_page_set(&e->pc, e->mm, a[0]) ==
		  pcache_page_set(&e->pc, e->mm, a[5]));
	for (k = 0; k < 4; k++)
		ST_EQ(st_check_page(e, a[k], 0), 1);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_TRIGGERED), 0);
	/* All were used once: the second chance clears them, 0 goes. */
	ST_EQ(st_check_page(e, a[4], 0), 1);
	ST_ASSERT(!st_line(e, a[0]));
	promoted = st_delta(e, NR_PCACHE_HIT_PROMOTE);
	ST_EQ(promoted, 4);
	/* 1 is used again, 2 and 3 are not: 2 goes, not 1. */
	ST_EQ(st_check_page(e, a[1], 0), 1);
	ST_EQ(st_check_page(e, a[5], 0), 1);
	ST_ASSERT(st_line(e, a[1]));
	ST_ASSERT(!st_line(e, a[2]));
	ST_ASSERT(st_line(e, a[3]));
	ST_ASSERT(st_line(e, a[4]));
	ST_EQ(st_delta(e, NR_PCACHE_HIT_PROMOTE), promoted + 1);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_SUCCEED), 2);
	return st_check_consistent(e);
}

/* LRU promotes what the accessed bits say was used. */
SELFTEST(pcache_lru_promote)
{
	return ST_RUN(&st_env, 5, 4, st_lru);
}

static int st_perm(struct st_env *e)
{
	const unsigned long ro = ST_BASE, rw = ST_BASE + 0x10000,
			    rx = ST_BASE + 0x20000, none = ST_BASE + 0x30000;
	struct vm_area *rw_vma;
	u64 v;

	st_add_vma(e, ro, 4, MP_PROT_READ);
	st_add_vma(e, rw, 4, MP_PROT_READ | MP_PROT_WRITE);
	rw_vma = &e->vmas[e->nr_vmas - 1];
	st_add_vma(e, rx, 4, MP_PROT_READ | MP_PROT_EXEC);
	st_add_vma(e, none, 4, 0);

	ST_EQ(pcache_handle_fault(e->mm, ro, ST_USER_FAULT | X86_PF_WRITE),
	      -EACCES);
	ST_EQ(pcache_handle_fault(e->mm, ro, ST_USER_FAULT), 0);
	v = st_pte(e, ro);
	ST_ASSERT((v & _PAGE_PRESENT) && !(v & _PAGE_RW));
	if (__supported_pte_mask & _PAGE_NX)
		ST_ASSERT(v & _PAGE_NX);
	/* A write to the present read-only page. */
	ST_EQ(pcache_handle_fault(e->mm, ro, ST_USER_FAULT | X86_PF_WRITE |
				  X86_PF_PROT), -EACCES);
	ST_EQ(pcache_handle_fault(e->mm, ro, ST_USER_FAULT | X86_PF_INSTR),
	      -EACCES);

	ST_EQ(pcache_handle_fault(e->mm, rw, ST_USER_FAULT | X86_PF_INSTR),
	      -EACCES);
	ST_EQ(pcache_handle_fault(e->mm, rx, ST_USER_FAULT | X86_PF_INSTR), 0);
	v = st_pte(e, rx);
	ST_ASSERT((v & _PAGE_PRESENT) && !(v & _PAGE_RW) && !(v & _PAGE_NX));
	ST_EQ(pcache_handle_fault(e->mm, rx, ST_USER_FAULT | X86_PF_WRITE),
	      -EACCES);

	ST_EQ(pcache_handle_fault(e->mm, none, ST_USER_FAULT), -EACCES);
	ST_EQ(pcache_handle_fault(e->mm, ST_BASE + 0x40000, ST_USER_FAULT),
	      -EFAULT);
	ST_EQ(pcache_handle_fault(e->mm, TASK_SIZE, ST_USER_FAULT), -EFAULT);
	ST_ASSERT(!st_line(e, none));

	/* mprotect: read-only, then PROT_NONE, then back; data survives. */
	ST_EQ(st_write_page(e, rw, 99), 0);
	ST_ASSERT(st_pte(e, rw) & _PAGE_RW);
	rw_vma->prot = MP_PROT_READ;
	pcache_protect_range(e->mm, rw, rw + 4 * PAGE_SIZE, MP_PROT_READ);
	v = st_pte(e, rw);
	ST_ASSERT((v & _PAGE_PRESENT) && !(v & _PAGE_RW) && (v & _PAGE_DIRTY));
	ST_EQ(pcache_handle_fault(e->mm, rw, ST_USER_FAULT | X86_PF_WRITE |
				  X86_PF_PROT), -EACCES);
	rw_vma->prot = 0;
	pcache_protect_range(e->mm, rw, rw + 4 * PAGE_SIZE, 0);
	v = st_pte(e, rw);
	ST_ASSERT(!(v & _PAGE_PRESENT) && (v & _PAGE_PROTNONE));
	ST_EQ(pcache_handle_fault(e->mm, rw, ST_USER_FAULT), -EACCES);
	rw_vma->prot = MP_PROT_READ | MP_PROT_WRITE;
	pcache_protect_range(e->mm, rw, rw + 4 * PAGE_SIZE,
			     MP_PROT_READ | MP_PROT_WRITE);
	ST_ASSERT(st_pte(e, rw) & _PAGE_RW);
	ST_EQ(st_check_page(e, rw, 99), 1);
	ST_EQ(st_delta(e, NR_PCACHE_PROTECT), 3);
	ST_EQ(st_delta(e, NR_CLFLUSH), 0);
	return st_check_consistent(e);
}

/* Faults the VMA forbids fail; mprotect is honoured in the PTEs. */
SELFTEST(pcache_permissions)
{
	return ST_RUN(&st_env, 5, 4, st_perm);
}

static int st_ranges(struct st_env *e)
{
	unsigned long a = ST_BASE, i;
	long used0 = atomic_long_read(&e->pc.nr_used);

	st_add_vma(e, a, 8, MP_PROT_READ | MP_PROT_WRITE);
	for (i = 0; i < 8; i++)
		ST_EQ(st_write_page(e, a + i * PAGE_SIZE, i + 1), 0);
	ST_EQ(atomic_long_read(&e->pc.nr_used), used0 + 8);

	/* zap: dropped, not written back. */
	pcache_zap_range(e->mm, a, a + 4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		ST_ASSERT(!st_pte(e, a + i * PAGE_SIZE));
	ST_EQ(atomic_long_read(&e->pc.nr_used), used0 + 4);
	ST_EQ(st_delta(e, NR_CLFLUSH), 0);
	ST_EQ(st_delta(e, NR_PCACHE_ZAP), 4);
	ST_EQ(e->mm->nr_ptes, 4);
	/* The memory node never saw them: they come back zero-filled. */
	ST_EQ(st_check_page(e, a, 0), 1);

	/* flush: the dirty ones written back, all dropped. */
	ST_EQ(pcache_flush_range(e->mm, a, a + 8 * PAGE_SIZE), 0);
	ST_EQ(st_delta(e, NR_PCACHE_WRITEBACK), 4);
	for (i = 0; i < 8; i++) {
		ST_ASSERT(!st_pte(e, a + i * PAGE_SIZE));
		ST_EQ(st_wb_count(a + i * PAGE_SIZE), i >= 4);
	}
	ST_EQ(atomic_long_read(&e->pc.nr_used), used0);
	for (i = 4; i < 8; i++)
		ST_EQ(st_check_page(e, a + i * PAGE_SIZE, i + 1), 1);

	/* exit: everything dropped, nothing written back. */
	ST_EQ(st_write_page(e, a + PAGE_SIZE, 42), 0);
	pcache_exit_mm(e->mm);
	ST_ASSERT(!e->mm->pcache_priv);
	ST_EQ(e->mm->nr_ptes, 0);
	ST_EQ(atomic_long_read(&e->pc.nr_used), 0);
	ST_EQ(st_delta(e, NR_PCACHE_WRITEBACK), 4);
	ST_EQ(st_delta(e, NR_CLFLUSH), 4);
	return 0;
}

/* zap drops, flush writes back and drops, exit drops everything. */
SELFTEST(pcache_zap_flush_exit)
{
	return ST_RUN(&st_env, 5, 4, st_ranges);
}

static int st_failure(struct st_env *e)
{
	unsigned long stride = e->pc.nr_sets * PAGE_SIZE;
	int k;

	st_add_vma(e, ST_BASE, 6 * e->pc.nr_sets, MP_PROT_READ | MP_PROT_WRITE);
	for (k = 0; k < 4; k++)
		ST_EQ(st_write_page(e, ST_BASE + k * stride, k + 1), 0);
	/* The memory node refuses write-backs: the fault fails, no loss. */
	st_wb_err = -EIO;
	ST_EQ(pcache_handle_fault(e->mm, ST_BASE + 4 * stride, ST_USER_FAULT),
	      -EIO);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_FAILURE), 3);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_SUCCEED), 0);
	for (k = 0; k < 4; k++) {
		ST_ASSERT(st_pte(e, ST_BASE + k * stride) & _PAGE_RW);
		ST_EQ(st_check_page(e, ST_BASE + k * stride, k + 1), 1);
	}
	ST_EQ(pcache_flush_range(e->mm, ST_BASE, ST_BASE + stride), -EIO);
	ST_ASSERT(st_line(e, ST_BASE));
	/* The node is dead. */
	st_wb_err = 0;
	st_miss_err = -EHOSTDOWN;
	ST_EQ(pcache_handle_fault(e->mm, ST_BASE + 4 * stride, ST_USER_FAULT),
	      -EHOSTDOWN);
	/* Back: the victim goes back to the node, its data intact. */
	st_miss_err = 0;
	ST_EQ(st_check_page(e, ST_BASE + 4 * stride, 0), 1);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_SUCCEED), 1);
	ST_EQ(st_delta(e, NR_CLFLUSH), 1);
	for (k = 0; k < 4; k++)
		ST_EQ(st_check_page(e, ST_BASE + k * stride, k + 1), 1);
	return st_check_consistent(e);
}

/* A write-back that fails keeps the line dirty and mapped. */
SELFTEST(pcache_writeback_failure)
{
	return ST_RUN(&st_env, 5, 4, st_failure);
}

static int st_serialize(struct st_env *e)
{
	unsigned long a = ST_BASE + PAGE_SIZE;

	st_add_vma(e, ST_BASE, 8, MP_PROT_READ | MP_PROT_WRITE);
	ST_EQ(pcache_handle_fault(e->mm, ST_BASE, ST_USER_FAULT), 0);

	/* A range op elsewhere in the mm does not disturb the fill. */
	st_race_start = ST_BASE + 4 * PAGE_SIZE;
	st_race_end = ST_BASE + 8 * PAGE_SIZE;
	WRITE_ONCE(st_race_mm, e->mm);
	ST_EQ(pcache_handle_fault(e->mm, a, ST_USER_FAULT), 0);
	ST_EQ(st_delta(e, NR_PCACHE_FILL_DISCARD), 0);
	ST_ASSERT(st_line(e, a));

	/*
	 * One covering the page makes the fill drop its line, twice; then
	 * the fault holds mm->lock, the op cannot run, the fill goes in.
	 */
	a += PAGE_SIZE;
	st_race_start = ST_BASE;
	ST_EQ(pcache_handle_fault(e->mm, a, ST_USER_FAULT), 0);
	WRITE_ONCE(st_race_mm, NULL);
	ST_EQ(st_delta(e, NR_PCACHE_FILL_DISCARD), 2);
	ST_EQ(st_delta(e, NR_PGFAULT_SERIALIZED), 1);
	ST_ASSERT(st_line(e, a));
	ST_ASSERT(!mutex_is_locked(&e->mm->lock));
	ST_EQ(st_check_page(e, a, 0), 1);
	return st_check_consistent(e);
}

/* A fill that races with a range op on its page is dropped and retried. */
SELFTEST(pcache_range_race)
{
	return ST_RUN(&st_env, 5, 4, st_serialize);
}

#define ST_SMP_SHARED	96
#define ST_SMP_PRIVATE	48
#define ST_SMP_ROUNDS	3

static atomic_t st_smp_arrived;

/*
 * Store a page's pattern as a CPU would: only through a present,
 * writable PTE, setting its dirty bit.  Under pt_lock, so no eviction
 * write-protects the PTE halfway through.  False if it was not writable.
 */
static bool st_cpu_write(struct st_env *e, unsigned long addr, u32 seed)
{
	bool done = false;
	u64 *pte;

	spin_lock(&e->mm->pt_lock);
	pte = mm_pte(e->mm, addr, false);
	if (pte && (*pte & _PAGE_PRESENT) && (*pte & _PAGE_RW)) {
		st_pattern(__va(*pte & PTE_PFN_MASK), addr, seed);
		set_bit(_PAGE_BIT_DIRTY, (unsigned long *)pte);
		done = true;
	}
	spin_unlock(&e->mm->pt_lock);
	return done;
}

/* Fault until the write goes through, as the CPU would retry it. */
static int st_smp_write(struct st_env *e, unsigned long addr, u32 seed)
{
	int tries, ret;

	for (tries = 0; tries < 100; tries++) {
		if (st_cpu_write(e, addr, seed))
			return 0;
		ret = pcache_handle_fault(e->mm, addr, ST_USER_FAULT |
					  X86_PF_WRITE |
					  (st_pte(e, addr) & _PAGE_PRESENT ?
					   X86_PF_PROT : 0));
		if (ret)
			return ret;
	}
	return -ELOOP;
}

static u32 st_smp_seed(unsigned long page, int round)
{
	return round * 1000 + page + 1;
}

static int st_smp_fn(void *arg, unsigned int cpu)
{
	struct st_env *e = arg;
	unsigned long a;
	int r, i, ret, n = 0;

	for (r = 0; r < ST_SMP_ROUNDS; r++) {
		for (i = 0; i < ST_SMP_SHARED; i++) {
			/* Meet before each shared page, so the faults race. */
			atomic_inc(&st_smp_arrived);
			n += num_online_cpus();
			while (atomic_read(&st_smp_arrived) < n)
				yield();
			/* Every third page is written, the same by both. */
			a = ST_BASE + i * PAGE_SIZE;
			if (i % 3)
				ret = pcache_handle_fault(e->mm, a,
							  ST_USER_FAULT);
			else
				ret = st_smp_write(e, a, st_smp_seed(i, r));
			if (ret)
				return selftest_fail("cpu %u: shared page %d: %d",
						     cpu, i, ret);
			if (i >= ST_SMP_PRIVATE)
				continue;
			a = (ST_SMP_SHARED + cpu * ST_SMP_PRIVATE + i);
			ret = st_smp_write(e, ST_BASE + a * PAGE_SIZE,
					   st_smp_seed(a, r));
			if (ret)
				return selftest_fail("cpu %u: own page %d: %d",
						     cpu, i, ret);
		}
	}
	return 0;
}

static int st_smp(struct st_env *e)
{
	unsigned long npages, i;
	u64 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	u32 seed;
	int ret;

	ST_ASSERT(buf);
	if (num_online_cpus() < 2 || nr_cpu_ids > 8) {
		/* tests/72-pcache.sh runs it on two and on four CPUs. */
		pr_info("pcache_smp: needs 2 to 8 CPUs, has %u: skipped\n",
			num_online_cpus());
		kfree(buf);
		return 0;
	}
	/* Every CPU's own pages, by CPU number. */
	npages = ST_SMP_SHARED + nr_cpu_ids * ST_SMP_PRIVATE;
	st_add_vma(e, ST_BASE, npages, MP_PROT_READ | MP_PROT_WRITE);
	for (i = 0; i < ST_SMP_SHARED; i++) {
		st_pattern(buf, ST_BASE + i * PAGE_SIZE, st_smp_seed(i, -1));
		ST_EQ(st_store_write(ST_TGID, ST_BASE + i * PAGE_SIZE, buf,
				     false), 0);
	}
	atomic_set(&st_smp_arrived, 0);
	ret = selftest_run_on_each_cpu(st_smp_fn, e);
	if (!ret)
		ret = st_check_consistent(e);
	if (!ret && !st_delta(e, NR_PCACHE_EVICTION_SUCCEED))
		ret = selftest_fail("no eviction");
	pr_info("pcache_smp: %llu faults on %u CPUs, %llu fills (%llu waited for the other CPU), %llu evictions, %llu write-backs\n",
		st_delta(e, NR_PGFAULT), num_online_cpus(),
		st_delta(e, NR_PCACHE_FILL_FROM_MEMORY) +
		st_delta(e, NR_PCACHE_FILL_ZEROFILL),
		st_delta(e, NR_PCACHE_FILL_WAIT),
		st_delta(e, NR_PCACHE_EVICTION_SUCCEED),
		st_delta(e, NR_CLFLUSH));
	/* Everything back to the node: it must hold the last writes. */
	if (!ret)
		ret = pcache_flush_range(e->mm, ST_BASE,
					 ST_BASE + npages * PAGE_SIZE);
	for (i = 0; !ret && i < npages; i++) {
		unsigned long a = ST_BASE + i * PAGE_SIZE;
		struct st_page *p = st_lookup(ST_TGID, a);
		bool written = i >= ST_SMP_SHARED ? cpu_online((i -
				ST_SMP_SHARED) / ST_SMP_PRIVATE) : !(i % 3);

		seed = st_smp_seed(i, written ? ST_SMP_ROUNDS - 1 : -1);
		st_pattern(buf, a, seed);
		if (!p || memcmp(p->data, buf, PAGE_SIZE))
			ret = selftest_fail("page %lu: wrong data", i);
		else if (!written && p->wb)
			ret = selftest_fail("clean page %lu written back", i);
	}
	kfree(buf);
	if (ret)
		return ret;
	ST_EQ(atomic_long_read(&e->pc.nr_used), 0);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_FAILURE), 0);
	return 0;
}

/* Two CPUs fault the same and different pages: no line lost or doubled. */
SELFTEST(pcache_smp)
{
	return ST_RUN(&st_env, 5, 4, st_smp);
}

#define ST_RACE_PAGES	24
#define ST_RACE_ROUNDS	40

static int st_race_done;
static atomic_t st_race_progress, st_race_ops;

#define ST_RACE_OPS	4	/* range ops per write */

/* Wait, yielding, until *v reaches n or the other CPU is done. */
static void st_race_wait(atomic_t *v, int n)
{
	while (atomic_read(v) < n && !READ_ONCE(st_race_done))
		yield();
}

/*
 * CPU 0 writes pages (faulting them in, evicting); CPU 1 zaps and
 * flushes the same range under mm->lock, as munmap and mremap do,
 * ST_RACE_OPS times per write, one write behind: CPU 0's fills lose
 * their races over and over, and its faults take mm->lock to get by.
 */
static int st_race_fn(void *arg, unsigned int cpu)
{
	struct st_env *e = arg;
	unsigned long end = ST_BASE + ST_RACE_PAGES * PAGE_SIZE;
	int r, i, w = 0, ret = 0, ops = 0;

	if (cpu == 0) {
		for (r = 0; r < ST_RACE_ROUNDS && !ret; r++) {
			for (i = 0; i < ST_RACE_PAGES && !ret; i++, w++) {
				st_race_wait(&st_race_ops, (w - 1) * ST_RACE_OPS);
				ret = st_smp_write(e, ST_BASE + i * PAGE_SIZE,
						   st_smp_seed(i, r));
				atomic_inc(&st_race_progress);
			}
		}
		WRITE_ONCE(st_race_done, 1);
		return ret ? selftest_fail("cpu 0: write: %d", ret) : 0;
	}
	if (cpu != 1)
		return 0;
	while (!READ_ONCE(st_race_done)) {
		st_race_wait(&st_race_progress, ops / ST_RACE_OPS + 1);
		mutex_lock(&e->mm->lock);
		if (ops++ % 2)
			pcache_zap_range(e->mm, ST_BASE + PAGE_SIZE, end);
		else
			ret = pcache_flush_range(e->mm, ST_BASE, end);
		mutex_unlock(&e->mm->lock);
		atomic_inc(&st_race_ops);
		if (ret)
			return selftest_fail("cpu 1: flush: %d", ret);
	}
	pr_info("pcache_smp_ranges: %d zaps and flushes during %d writes: %llu faults, %llu fills dropped, %llu attempts under mm->lock\n",
		ops, ST_RACE_ROUNDS * ST_RACE_PAGES, st_delta(e, NR_PGFAULT),
		st_delta(e, NR_PCACHE_FILL_DISCARD),
		st_delta(e, NR_PGFAULT_SERIALIZED));
	return 0;
}

static int st_smp_ranges(struct st_env *e)
{
	int ret;

	if (num_online_cpus() < 2 || !cpu_online(1)) {
		pr_info("pcache_smp_ranges: needs CPUs 0 and 1: skipped\n");
		return 0;
	}
	st_add_vma(e, ST_BASE, ST_RACE_PAGES, MP_PROT_READ | MP_PROT_WRITE);
	st_race_done = 0;
	atomic_set(&st_race_progress, 0);
	atomic_set(&st_race_ops, 0);
	ret = selftest_run_on_each_cpu(st_race_fn, e);
	if (ret)
		return ret;
	ret = st_check_consistent(e);
	if (ret)
		return ret;
	/* Page 0 is only ever flushed: it holds the last write. */
	ST_EQ(st_check_page(e, ST_BASE, st_smp_seed(0, ST_RACE_ROUNDS - 1)), 1);
	pcache_exit_mm(e->mm);
	ST_EQ(atomic_long_read(&e->pc.nr_used), 0);
	ST_EQ(e->mm->nr_ptes, 0);
	return 0;
}

/* Faults race with zap and flush of the same pages. */
SELFTEST(pcache_smp_ranges)
{
	return ST_RUN(&st_env, 5, 4, st_smp_ranges);
}

/*
 * Copy a page to or from user memory with the test mm loaded on this
 * CPU, as a user thread's access would: a miss faults, is served, and
 * the copy goes again.  The hardware reads and writes through this
 * CPU's TLB and sets A and D while other CPUs evict and refill lines.
 */
static int st_user_copy(struct st_env *e, unsigned long addr, void *buf,
			bool write)
{
	unsigned long left;
	int tries, ret;

	for (tries = 0; tries < 100; tries++) {
		preempt_disable();
		switch_mm(e->mm);
		if (write)
			left = copy_to_user((void __user *)addr, buf, PAGE_SIZE);
		else
			left = copy_from_user(buf, (const void __user *)addr,
					      PAGE_SIZE);
		switch_mm(NULL);
		preempt_enable();
		if (!left)
			return 0;
		ret = pcache_handle_fault(e->mm, addr + PAGE_SIZE - left,
					  ST_USER_FAULT |
					  (write ? X86_PF_WRITE : 0) |
					  (st_pte(e, addr) & _PAGE_PRESENT ?
					   X86_PF_PROT : 0));
		if (ret)
			return ret;
	}
	return -ELOOP;
}

/* A page of the fake node dropped, as MADV_DONTNEED drops it on M. */
static void st_store_drop(u64 addr)
{
	struct st_page *p;

	spin_lock(&st_lock);
	p = st_lookup(ST_TGID, addr);
	if (p)
		p->addr = ~0ULL;	/* no page has this address */
	spin_unlock(&st_lock);
}

static atomic_t st_tlb_step;

/*
 * CPU 1 reads and writes page A and stays in the mm, its TLB holding
 * A's translation; CPU 0 then faults page B into the same (one-way)
 * set, which evicts A and refills its line with B.  CPU 1 must neither
 * read B through A's address nor write into it: the eviction shot down
 * its TLB entry.  CPU 1's hardware dirty bit must reach the node.
 */
static int st_tlb_fn(void *arg, unsigned int cpu)
{
	struct st_env *e = arg;
	unsigned long a = ST_BASE, b = ST_BASE + e->pc.nr_sets * PAGE_SIZE;
	u64 val = 0xa11ce, got = 0;
	unsigned long left_r, left_w;
	int ret;

	if (cpu > 1)
		return 0;
	if (cpu == 0) {
		while (atomic_read(&st_tlb_step) < 1)
			cpu_relax();
		ret = st_smp_write(e, b, 7);
		atomic_set(&st_tlb_step, 2);
		return ret ? selftest_fail("cpu 0: page B: %d", ret) : 0;
	}
	ret = st_prefault(e, a, true);
	if (ret)
		return selftest_fail("cpu 1: page A: %d", ret);
	preempt_disable();
	switch_mm(e->mm);
	/* Cannot fault: nobody evicts A before step 1. */
	left_w = copy_to_user((void __user *)a, &val, sizeof(val));
	left_r = copy_from_user(&got, (const void __user *)a, sizeof(got));
	atomic_set(&st_tlb_step, 1);
	/* Interrupts on: the shootdown IPI comes in here. */
	while (atomic_read(&st_tlb_step) < 2)
		cpu_relax();
	got = 0;
	left_r += !copy_from_user(&got, (const void __user *)a, sizeof(got));
	left_w += !copy_to_user((void __user *)a, &val, sizeof(val));
	switch_mm(NULL);
	preempt_enable();
	if (left_r || left_w)
		return selftest_fail("cpu 1 reached page A's old line (read %#llx)",
				     (unsigned long long)got);
	return 0;
}

static int st_tlb(struct st_env *e)
{
	unsigned long b = ST_BASE + e->pc.nr_sets * PAGE_SIZE;
	struct st_page *p;
	u64 *buf;

	if (!cpu_online(1)) {
		pr_info("pcache_smp_tlb: needs CPUs 0 and 1: skipped\n");
		return 0;
	}
	ST_EQ(e->pc.ways, 1);
	st_add_vma(e, ST_BASE, 2 * e->pc.nr_sets, MP_PROT_READ | MP_PROT_WRITE);
	atomic_set(&st_tlb_step, 0);
	ST_EQ(selftest_run_on_each_cpu(st_tlb_fn, e), 0);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_SUCCEED), 1);
	/* A was written through CPU 1's TLB: its D bit was harvested. */
	p = st_lookup(ST_TGID, ST_BASE);
	ST_ASSERT(p && p->wb == 1 && *(u64 *)p->data == 0xa11ce);
	/* B's line holds B, untouched by CPU 1's late write. */
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ST_ASSERT(buf);
	st_pattern(buf, b, 7);
	ST_ASSERT(st_line(e, b) &&
		  !memcmp(pcache_line_va(&e->pc, st_line(e, b)), buf, PAGE_SIZE));
	kfree(buf);
	return st_check_consistent(e);
}

/* No CPU keeps a translation of an evicted line that was refilled. */
SELFTEST(pcache_smp_tlb)
{
	/* 8 lines, one way: B evicts A. */
	return ST_RUN(&st_env, 3, 1, st_tlb);
}

#define ST_SET_PAGES	3	/* per CPU, all in one set */
#define ST_SET_ROUNDS	30

/*
 * Every CPU writes and reads back its own pages and reads two shared
 * ones, all in one set of 4 ways: lines are evicted under the other
 * CPUs all the time (also the same page faulted by several at once).
 */
static int st_set_fn(void *arg, unsigned int cpu)
{
	struct st_env *e = arg;
	unsigned long stride = e->pc.nr_sets * PAGE_SIZE;
	u64 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL), *want;
	int r = 0, i, ret = 0;

	want = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf || !want) {
		ret = -ENOMEM;
		goto out;
	}
	for (r = 0; r < ST_SET_ROUNDS && !ret; r++) {
		for (i = 0; i < ST_SET_PAGES + 2 && !ret; i++) {
			/* Pages 0 and 1 are shared and never written. */
			unsigned long k = i < 2 ? i : 2 + cpu * ST_SET_PAGES + i - 2;
			unsigned long a = ST_BASE + k * stride;
			u32 seed = i < 2 ? 1 : r + 1;

			if (i >= 2) {
				st_pattern(buf, a, seed);
				ret = st_user_copy(e, a, buf, true);
				if (ret)
					break;
			}
			ret = st_user_copy(e, a, buf, false);
			st_pattern(want, a, seed);
			if (!ret && memcmp(buf, want, PAGE_SIZE))
				ret = -EIO;
		}
	}
out:
	kfree(buf);
	kfree(want);
	return ret ? selftest_fail("cpu %u: round %d: %d", cpu, r, ret) : 0;
}

static int st_set(struct st_env *e)
{
	unsigned long stride = e->pc.nr_sets * PAGE_SIZE, k, n;
	u64 *buf;
	int ret;

	if (num_online_cpus() < 2 || nr_cpu_ids > 8) {
		pr_info("pcache_smp_set: needs 2 to 8 CPUs: skipped\n");
		return 0;
	}
	n = 2 + nr_cpu_ids * ST_SET_PAGES;
	st_add_vma(e, ST_BASE, n * e->pc.nr_sets, MP_PROT_READ | MP_PROT_WRITE);
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ST_ASSERT(buf);
	for (k = 0; k < 2; k++) {
		st_pattern(buf, ST_BASE + k * stride, 1);
		ST_EQ(st_store_write(ST_TGID, ST_BASE + k * stride, buf, false), 0);
	}
	ret = selftest_run_on_each_cpu(st_set_fn, e);
	if (!ret)
		ret = st_check_consistent(e);
	if (!ret)
		ret = pcache_flush_range(e->mm, ST_BASE, ST_BASE + n * stride);
	/* The node has every CPU's last round; the shared pages stay clean. */
	for (k = 0; !ret && k < n; k++) {
		unsigned long a = ST_BASE + k * stride;
		struct st_page *p = st_lookup(ST_TGID, a);

		if (k >= 2 && !cpu_online((k - 2) / ST_SET_PAGES))
			continue;
		st_pattern(buf, a, k < 2 ? 1 : ST_SET_ROUNDS);
		if (!p || memcmp(p->data, buf, PAGE_SIZE) || (k < 2 && p->wb))
			ret = selftest_fail("page %lu: wrong data or written back", k);
	}
	kfree(buf);
	pr_info("pcache_smp_set: %u CPUs in one set of %u ways: %llu faults, %llu evictions, %llu waited for a fill\n",
		num_online_cpus(), e->pc.ways, st_delta(e, NR_PGFAULT),
		st_delta(e, NR_PCACHE_EVICTION_SUCCEED),
		st_delta(e, NR_PCACHE_FILL_WAIT));
	if (ret)
		return ret;
	ST_ASSERT(st_delta(e, NR_PCACHE_EVICTION_SUCCEED) > 0);
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_FAILURE), 0);
	ST_EQ(atomic_long_read(&e->pc.nr_used), 0);
	return 0;
}

/* All CPUs fault into one set: eviction ping-pong, checksummed data. */
SELFTEST(pcache_smp_set)
{
	/* 16 lines: 4 sets x 4 ways. */
	return ST_RUN(&st_env, 4, 4, st_set);
}

#define ST_STORM_V	8	/* CPU 0's pages, racing its range ops */
#define ST_STORM_W	6	/* each other CPU's pages */
#define ST_STORM_OPS	60

static int st_storm_done;

static unsigned long st_storm_v(unsigned int i)
{
	return ST_BASE + i * PAGE_SIZE;
}

/*
 * CPU 0 writes its pages V, then (under mm->lock, as the syscalls do)
 * drops them as MADV_DONTNEED does, write-protects and unprotects them
 * as mprotect does, or flushes them as mremap does; the other CPUs
 * write and check their own pages, which share V's sets, so they evict
 * V's lines during the range ops.  After a drop V must read zeroes: an
 * eviction writing a dropped page back would revive the old data.
 */
static int st_storm_fn(void *arg, unsigned int cpu)
{
	struct st_env *e = arg;
	u64 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL), *want;
	unsigned long a, vend = st_storm_v(ST_STORM_V);
	int op, i, r, ret = 0;

	want = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf || !want) {
		ret = -ENOMEM;
		goto out;
	}
	if (cpu != 0) {
		for (r = 1; !READ_ONCE(st_storm_done) && !ret; r++) {
			for (i = 0; i < ST_STORM_W && !ret; i++) {
				a = vend + (cpu * ST_STORM_W + i) * PAGE_SIZE;
				st_pattern(buf, a, r);
				ret = st_user_copy(e, a, buf, true);
				if (!ret)
					ret = st_user_copy(e, a, buf, false);
				st_pattern(want, a, r);
				if (!ret && memcmp(buf, want, PAGE_SIZE))
					ret = -EIO;
			}
		}
		goto out;
	}
	for (op = 0; op < ST_STORM_OPS && !ret; op++) {
		for (i = 0; i < ST_STORM_V && !ret; i++) {
			st_pattern(buf, st_storm_v(i), op + 1);
			ret = st_user_copy(e, st_storm_v(i), buf, true);
		}
		if (ret)
			break;
		mutex_lock(&e->mm->lock);
		switch (op % 3) {
		case 0:		/* madvise(MADV_DONTNEED) */
			pcache_drop_begin(e->mm, ST_BASE, vend);
			for (i = 0; i < ST_STORM_V; i++)
				st_store_drop(st_storm_v(i));
			/* The node's reply takes a while: evictions go on. */
			mdelay(2);
			pcache_zap_range(e->mm, ST_BASE, vend);
			break;
		case 1:		/* mprotect(PROT_READ), then back */
			e->vmas[0].prot = MP_PROT_READ;
			pcache_protect_range(e->mm, ST_BASE, vend, MP_PROT_READ);
			mutex_unlock(&e->mm->lock);
			st_pattern(want, ST_BASE, op + 1);
			if (pcache_handle_fault(e->mm, ST_BASE, ST_USER_FAULT |
						X86_PF_WRITE) != -EACCES)
				ret = -EPERM;
			if (!ret)
				ret = st_user_copy(e, ST_BASE, buf, false);
			if (!ret && memcmp(buf, want, PAGE_SIZE))
				ret = -EIO;
			mutex_lock(&e->mm->lock);
			e->vmas[0].prot = MP_PROT_READ | MP_PROT_WRITE;
			pcache_protect_range(e->mm, ST_BASE, vend,
					     MP_PROT_READ | MP_PROT_WRITE);
			break;
		case 2:		/* mremap's flush: the node gets the data */
			ret = pcache_flush_range(e->mm, ST_BASE, vend);
			break;
		}
		mutex_unlock(&e->mm->lock);
		for (i = 0; i < ST_STORM_V && !ret; i++) {
			a = st_storm_v(i);
			ret = st_user_copy(e, a, buf, false);
			if (op % 3)
				st_pattern(want, a, op + 1);
			else
				memset(want, 0, PAGE_SIZE);
			if (!ret && memcmp(buf, want, PAGE_SIZE))
				ret = -EIO;
		}
	}
	WRITE_ONCE(st_storm_done, 1);
out:
	kfree(buf);
	kfree(want);
	if (cpu == 0)
		WRITE_ONCE(st_storm_done, 1);
	return ret ? selftest_fail("cpu %u: %d", cpu, ret) : 0;
}

static int st_storm(struct st_env *e)
{
	unsigned long n = ST_STORM_V + nr_cpu_ids * ST_STORM_W;
	int ret;

	if (num_online_cpus() < 2 || nr_cpu_ids > 8) {
		pr_info("pcache_smp_storm: needs 2 to 8 CPUs: skipped\n");
		return 0;
	}
	/* One VMA for V (CPU 0 changes its protection), one for the rest. */
	st_add_vma(e, ST_BASE, ST_STORM_V, MP_PROT_READ | MP_PROT_WRITE);
	st_add_vma(e, st_storm_v(ST_STORM_V), n - ST_STORM_V,
		   MP_PROT_READ | MP_PROT_WRITE);
	st_storm_done = 0;
	ret = selftest_run_on_each_cpu(st_storm_fn, e);
	pr_info("pcache_smp_storm: %d range ops on %u CPUs: %llu faults, %llu evictions, %llu fills dropped\n",
		ST_STORM_OPS, num_online_cpus(), st_delta(e, NR_PGFAULT),
		st_delta(e, NR_PCACHE_EVICTION_SUCCEED),
		st_delta(e, NR_PCACHE_FILL_DISCARD));
	if (ret)
		return ret;
	ret = st_check_consistent(e);
	if (ret)
		return ret;
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_FAILURE), 0);
	pcache_exit_mm(e->mm);
	ST_EQ(atomic_long_read(&e->pc.nr_used), 0);
	ST_EQ(e->mm->nr_ptes, 0);
	return 0;
}

/* Drop, protect and flush race faults and evictions of other CPUs. */
SELFTEST(pcache_smp_storm)
{
	/* 8 lines, 2 sets x 4 ways: V fills half of each set. */
	return ST_RUN(&st_env, 3, 4, st_storm);
}

#ifdef CONFIG_DEBUG_PCACHE_LOCKS
/* The checker sees an inverted pair, and a sleep under a spinlock. */
SELFTEST(pcache_lockcheck)
{
	struct pcache_set set;
	struct mm_struct mm;
	unsigned long before = pcache_lock_violations;

	spin_lock_init(&set.lock);
	spin_lock_init(&mm.pt_lock);
	pcache_set_lock(&set);
	pcache_pt_lock(&mm);
	pcache_pt_unlock(&mm);
	pcache_set_unlock(&set);
	ST_EQ(pcache_lock_violations, before);

	selftest_expect_warnings(1);
	pcache_lock_rearm();
	pcache_pt_lock(&mm);
	pcache_set_lock(&set);
	pcache_set_unlock(&set);
	pcache_lock_wait(0);
	pcache_pt_unlock(&mm);
	ST_EQ(pcache_lock_violations, before + 2);
	ST_EQ(current->pcache_locks.nr, 0);
	return 0;
}
#endif

/*
 * A dirty line whose node drops the page (MADV_DONTNEED) is evicted
 * before the zap reaches it: it must not be written back, or the node
 * would hold the old data again and the page would not read zeroes.
 */
static int st_drop(struct st_env *e)
{
	unsigned long stride = e->pc.nr_sets * PAGE_SIZE, i;

	st_add_vma(e, ST_BASE, 8 * e->pc.nr_sets, MP_PROT_READ | MP_PROT_WRITE);
	ST_EQ(st_write_page(e, ST_BASE, 5), 0);
	mutex_lock(&e->mm->lock);
	pcache_drop_begin(e->mm, ST_BASE, ST_BASE + PAGE_SIZE);
	st_store_drop(ST_BASE);
	mutex_unlock(&e->mm->lock);
	/* Four more pages of the set (4 ways) evict the dropped one. */
	for (i = 1; i <= 4; i++)
		ST_EQ(st_write_page(e, ST_BASE + i * stride, 5), 0);
	ST_ASSERT(!st_line(e, ST_BASE));
	ST_EQ(st_delta(e, NR_PCACHE_EVICTION_SUCCEED), 1);
	ST_ASSERT(!st_lookup(ST_TGID, ST_BASE));
	mutex_lock(&e->mm->lock);
	pcache_zap_range(e->mm, ST_BASE, ST_BASE + PAGE_SIZE);
	mutex_unlock(&e->mm->lock);
	ST_EQ(st_check_page(e, ST_BASE, 0), 1);
	/* After the zap, write-backs of the range go to the node again. */
	ST_EQ(st_write_page(e, ST_BASE, 6), 0);
	ST_EQ(pcache_flush_range(e->mm, ST_BASE, ST_BASE + PAGE_SIZE), 0);
	ST_ASSERT(st_lookup(ST_TGID, ST_BASE) &&
		  st_lookup(ST_TGID, ST_BASE)->wb == 1);
	return st_check_consistent(e);
}

/* An eviction does not revive a page its node is dropping. */
SELFTEST(pcache_drop)
{
	return ST_RUN(&st_env, 5, 4, st_drop);
}

/* The counters as /proc/pcache shows them. */
SELFTEST(pcache_stats)
{
	char *buf = kmalloc(4096, GFP_KERNEL);
	size_t n;

	ST_ASSERT(buf);
	n = pcache_stats_show(buf, 4096);
	ST_ASSERT(n > 0 && n < 4096);
	ST_ASSERT(strstr(buf, "nr_pgfault "));
	ST_ASSERT(strstr(buf, "nr_pcache_fill_from_memory "));
	ST_ASSERT(strstr(buf, "nr_pcache_eviction_succeed "));
	ST_ASSERT(strstr(buf, "nr_clflush "));
	ST_ASSERT(strstr(buf, "pcache_lines "));
	kfree(buf);
	pcache_print_stats();
	return 0;
}
