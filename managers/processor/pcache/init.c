// SPDX-License-Identifier: GPL-2.0
/*
 * pcache geometry, boot parameters and counters.  The region is taken
 * from memblock before the page allocator owns all memory; the metadata
 * is built later by pcache_init(), when vmalloc works.
 */
#define pr_fmt(fmt) "pcache: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/memblock.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/sizes.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>

#include "internal.h"

static unsigned long long pcache_size = CONFIG_PCACHE_SIZE_MB * SZ_1M;
static unsigned int pcache_ways = CONFIG_PCACHE_WAYS;
static enum pcache_policy pcache_policy = PCACHE_POLICY_LRU;
static phys_addr_t pcache_region_base;
static unsigned long long pcache_region_size;
static phys_addr_t pcache_meta_base;

bool pcache_stats_at_exit;

static struct pcache pcache_main;
struct pcache *pcache;
DECLARE_WAIT_QUEUE_HEAD(pcache_wq);

atomic64_t pcache_counters[NR_PCACHE_COUNTERS];

static const char * const pcache_counter_names[NR_PCACHE_COUNTERS] = {
	[NR_PGFAULT]			= "nr_pgfault",
	[NR_PGFAULT_SPURIOUS]		= "nr_pgfault_spurious",
	[NR_PGFAULT_SERIALIZED]		= "nr_pgfault_serialized",
	[NR_PCACHE_FILL_FROM_MEMORY]	= "nr_pcache_fill_from_memory",
	[NR_PCACHE_FILL_ZEROFILL]	= "nr_pcache_fill_zerofill",
	[NR_PCACHE_FILL_WAIT]		= "nr_pcache_fill_wait",
	[NR_PCACHE_FILL_DISCARD]	= "nr_pcache_fill_discard",
	[NR_PCACHE_EVICTION_TRIGGERED]	= "nr_pcache_eviction_triggered",
	[NR_PCACHE_EVICTION_SUCCEED]	= "nr_pcache_eviction_succeed",
	[NR_PCACHE_EVICTION_FAILURE]	= "nr_pcache_eviction_failure",
	[NR_PCACHE_WRITEBACK]		= "nr_pcache_writeback",
	[NR_PCACHE_WRITEBACK_PIGGYBACK]	= "nr_pcache_writeback_piggyback",
	[NR_CLFLUSH]			= "nr_clflush",
	[NR_PCACHE_HIT_PROMOTE]		= "nr_pcache_hit_promote",
	[NR_PCACHE_ZAP]			= "nr_pcache_zap",
	[NR_PCACHE_FLUSH]		= "nr_pcache_flush",
	[NR_PCACHE_PROTECT]		= "nr_pcache_protect",
};

static const char * const pcache_policy_names[] = {
	[PCACHE_POLICY_LRU]	= "lru",
	[PCACHE_POLICY_FIFO]	= "fifo",
	[PCACHE_POLICY_RANDOM]	= "random",
};

static int parse_pcache_size(char *val)
{
	char *end;

	if (!val)
		return -EINVAL;
	pcache_size = memparse(val, &end);
	if (*end || pcache_size < PAGE_SIZE)
		return -EINVAL;
	return 0;
}
early_param("pcache", parse_pcache_size);

static int parse_pcache_ways(char *val)
{
	unsigned int ways;

	if (!val || kstrtouint(val, 0, &ways) || !ways || ways > 4096)
		return -EINVAL;
	pcache_ways = ways;
	return 0;
}
early_param("pcache.ways", parse_pcache_ways);

static int parse_pcache_stats(char *val)
{
	if (!val) {
		pcache_stats_at_exit = true;
		return 0;
	}
	return kstrtobool(val, &pcache_stats_at_exit);
}
__setup("pcache.stats", parse_pcache_stats);

static int parse_pcache_policy(char *val)
{
	unsigned int i;

	for (i = 0; val && i < ARRAY_SIZE(pcache_policy_names); i++) {
		if (!strcmp(val, pcache_policy_names[i])) {
			pcache_policy = i;
			return 0;
		}
	}
	return -EINVAL;
}
__setup("pcache.policy", parse_pcache_policy);

/* Bytes of metadata for a cache of nr_lines lines and ways ways. */
static unsigned long pcache_meta_bytes(unsigned long nr_lines,
				       unsigned int ways)
{
	return nr_lines / ways * sizeof(struct pcache_set) +
	       nr_lines * sizeof(struct pcache_meta);
}

/*
 * Take the region and its metadata from memblock (mm_init(), before
 * mem_init()): no vmalloc space, and no allocation that can fail later.
 * A size that does not fit is halved until it does: a processor with a
 * smaller cache still runs programs.
 */
void pcache_reserve(void)
{
	unsigned long long size = ALIGN(pcache_size, PAGE_SIZE);
	phys_addr_t base = 0, meta = 0;
	unsigned long bytes;

	while (size >= (unsigned long long)pcache_ways * PAGE_SIZE) {
		/* Metadata for a size also covers every smaller size. */
		bytes = pcache_meta_bytes(size >> PAGE_SHIFT, pcache_ways);
		if (!meta)
			meta = memblock_alloc_try(PAGE_ALIGN(bytes), PAGE_SIZE);
		if (meta) {
			base = memblock_alloc_try(size, PMD_SIZE);
			if (base)
				break;
		}
		size = ALIGN(size / 2, PAGE_SIZE);
	}
	if (!base) {
		pr_err("cannot reserve %llu KiB\n", pcache_size >> 10);
		return;
	}
	if (size != ALIGN(pcache_size, PAGE_SIZE))
		pr_warn("%llu KiB do not fit, reserved %llu KiB\n",
			pcache_size >> 10, size >> 10);
	pcache_region_base = base;
	pcache_region_size = size;
	pcache_meta_base = meta;
}

/*
 * Build the metadata of a cache of nr_lines lines at base in sets and
 * meta (zeroed).  Line i is in set i % nr_sets; the nr_lines % nr_sets
 * first sets have one more way, so every line of the region is used.
 */
static void __pcache_setup(struct pcache *pc, phys_addr_t base,
			   unsigned long nr_lines, unsigned int ways,
			   struct pcache_set *sets, struct pcache_meta *meta)
{
	unsigned long i;

	memset(pc, 0, sizeof(*pc));
	pc->base = base;
	pc->nr_lines = nr_lines;
	pc->nr_sets = nr_lines / ways;
	pc->ways = nr_lines / pc->nr_sets;
	pc->policy = pcache_policy;
	pc->sets = sets;
	pc->meta = meta;
	for (i = 0; i < pc->nr_sets; i++) {
		spin_lock_init(&pc->sets[i].lock);
		INIT_LIST_HEAD(&pc->sets[i].lru);
		INIT_LIST_HEAD(&pc->sets[i].free);
	}
	for (i = 0; i < nr_lines; i++) {
		struct pcache_meta *m = &pc->meta[i];
		struct pcache_set *set = &pc->sets[i % pc->nr_sets];

		INIT_LIST_HEAD(&m->rmaps);
		list_add_tail(&m->lru, &set->free);
		set->nr_ways++;
	}
	atomic_long_set(&pc->nr_used, 0);
}

/* A cache with vmalloc'ed metadata (the self-tests' small ones). */
int pcache_setup(struct pcache *pc, phys_addr_t base, unsigned long nr_lines,
		 unsigned int ways)
{
	struct pcache_set *sets;
	struct pcache_meta *meta;

	if (!ways || nr_lines < ways)
		return -EINVAL;
	sets = vzalloc(nr_lines / ways * sizeof(*sets));
	meta = vzalloc(nr_lines * sizeof(*meta));
	if (!sets || !meta) {
		vfree(sets);
		vfree(meta);
		return -ENOMEM;
	}
	__pcache_setup(pc, base, nr_lines, ways, sets, meta);
	return 0;
}

void pcache_teardown(struct pcache *pc)
{
	vfree(pc->sets);
	vfree(pc->meta);
	pc->sets = NULL;
	pc->meta = NULL;
}

int pcache_init(void)
{
	unsigned long nr_lines = pcache_region_size >> PAGE_SHIFT;
	unsigned long nr_sets = nr_lines / pcache_ways;
	struct pcache_set *sets = __va(pcache_meta_base);
	char extra[32];

	if (!pcache_region_base)
		return -ENOMEM;
	memset(sets, 0, pcache_meta_bytes(nr_lines, pcache_ways));
	__pcache_setup(&pcache_main, pcache_region_base, nr_lines, pcache_ways,
		       sets, (struct pcache_meta *)(sets + nr_sets));
	pcache = &pcache_main;
	extra[0] = 0;
	if (nr_lines % pcache->nr_sets)
		scnprintf(extra, sizeof(extra), " (one more way in %lu)",
			  nr_lines % pcache->nr_sets);
	pr_info("%llu %s at %#llx: %lu lines, %u sets x %u ways%s, policy %s\n",
		pcache_region_size % SZ_1M ? pcache_region_size >> 10 :
					     pcache_region_size >> 20,
		pcache_region_size % SZ_1M ? "KiB" : "MiB",
		(unsigned long long)pcache_region_base, nr_lines,
		pcache->nr_sets, pcache->ways, extra,
		pcache_policy_names[pcache_policy]);
	return 0;
}

void pcache_usage(unsigned long *total, unsigned long *used)
{
	*total = pcache ? pcache->nr_lines : 0;
	*used = pcache ? atomic_long_read(&pcache->nr_used) : 0;
}

size_t pcache_stats_show(char *buf, size_t size)
{
	size_t n = 0;
	int i;

	if (pcache) {
		n += scnprintf(buf + n, size - n, "pcache_lines %lu\n",
			       pcache->nr_lines);
		n += scnprintf(buf + n, size - n, "pcache_sets %u\n",
			       pcache->nr_sets);
		n += scnprintf(buf + n, size - n, "pcache_ways %u\n",
			       pcache->ways);
		n += scnprintf(buf + n, size - n, "pcache_used_lines %ld\n",
			       atomic_long_read(&pcache->nr_used));
	}
	for (i = 0; i < NR_PCACHE_COUNTERS; i++)
		n += scnprintf(buf + n, size - n, "%s %lld\n",
			       pcache_counter_names[i],
			       (long long)atomic64_read(&pcache_counters[i]));
	return n;
}

void pcache_print_stats(void)
{
	int i;

	if (pcache)
		pr_info("pcache_used_lines %ld of %lu\n",
			atomic_long_read(&pcache->nr_used), pcache->nr_lines);
	for (i = 0; i < NR_PCACHE_COUNTERS; i++)
		pr_info("%s %lld\n", pcache_counter_names[i],
			(long long)atomic64_read(&pcache_counters[i]));
}
