// SPDX-License-Identifier: GPL-2.0
/*
 * wordcount - a MapReduce word count in the manner of Phoenix.
 *
 *   wordcount [-t THREADS] [-k TOPK] [-r] [-v] FILE
 *   wordcount [-t THREADS] [-k TOPK] [-v] -g SEED:MBYTES
 *
 * The input is mmap'ed (MAP_PRIVATE, PROT_READ), or read() into a buffer
 * with -r, or generated in memory with -g (usr/textgen.h: the bytes of
 * "textgen SEED MBYTES").  A word is a run of ASCII letters, case kept.
 *
 * Map: the input is cut at word boundaries into THREADS pieces; each map
 * thread counts its piece into its own open-addressing hash table whose
 * keys point into the input.  Reduce: after a barrier, reduce thread j
 * merges the words of every map table whose hash falls in partition j.
 * The partitions are then concatenated and sorted by count (descending),
 * then word.  THREADS=0 runs the same map and reduce as plain calls, with
 * no thread at all.  The output does not depend on THREADS:
 *
 *   COUNT WORD                     (the TOPK most frequent, default 10)
 *   wordcount: total W words, D distinct, digest X
 *   wordcount: OK
 *
 * The digest is over every (count, word) of the sorted result.  -v adds
 * "wordcount: time PHASE: N us" lines, which are not deterministic.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utest.h"
#include "textgen.h"

#define MAX_THREADS	256

struct entry {
	const char *word;	/* into the input; NULL: empty slot */
	uint32_t len;
	uint32_t hash;
	uint64_t count;
};

struct table {
	struct entry *slot;
	size_t mask;		/* slots - 1, a power of two minus one */
	size_t used;
	uint64_t words;		/* occurrences counted */
};

struct worker {
	pthread_t thread;
	int id;
	const char *start, *end;	/* map piece */
	struct table map;
	struct table reduce;		/* partition id */
	int failed;
};

static struct worker workers[MAX_THREADS];
static int nr_workers;
static pthread_barrier_t map_done;
static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t total_words;

static inline int is_letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* FNV-1a: good enough spread for short words, same everywhere. */
static inline uint32_t word_hash(const char *w, uint32_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ (unsigned char)*w++) * 16777619u;
	return h;
}

static int table_init(struct table *t, size_t slots)
{
	t->slot = calloc(slots, sizeof(*t->slot));
	t->mask = slots - 1;
	t->used = 0;
	t->words = 0;
	return t->slot ? 0 : -1;
}

static int table_grow(struct table *t)
{
	struct table n;
	size_t i;

	if (table_init(&n, (t->mask + 1) * 2))
		return -1;
	for (i = 0; i <= t->mask; i++) {
		struct entry *e = &t->slot[i];
		size_t j;

		if (!e->word)
			continue;
		for (j = e->hash & n.mask; n.slot[j].word; j = (j + 1) & n.mask)
			;
		n.slot[j] = *e;
	}
	n.used = t->used;
	n.words = t->words;
	free(t->slot);
	*t = n;
	return 0;
}

/* Add count occurrences of a word; keep the load at most one half. */
static int table_add(struct table *t, const char *w, uint32_t len, uint32_t hash, uint64_t count)
{
	size_t j;

	for (j = hash & t->mask; t->slot[j].word; j = (j + 1) & t->mask) {
		struct entry *e = &t->slot[j];

		if (e->hash == hash && e->len == len && !memcmp(e->word, w, len)) {
			e->count += count;
			t->words += count;
			return 0;
		}
	}
	t->slot[j] = (struct entry){ .word = w, .len = len, .hash = hash, .count = count };
	t->used++;
	t->words += count;
	if (t->used * 2 > t->mask + 1)
		return table_grow(t);
	return 0;
}

static int map_piece(struct worker *w)
{
	const char *p = w->start, *end = w->end;

	if (table_init(&w->map, 4096))
		return -1;
	while (p < end) {
		const char *s;

		while (p < end && !is_letter(*p))
			p++;
		s = p;
		while (p < end && is_letter(*p))
			p++;
		if (p > s && table_add(&w->map, s, p - s, word_hash(s, p - s), 1))
			return -1;
	}
	return 0;
}

/* Partition of a hash among nr_workers reducers: its top bits. */
static inline int partition(uint32_t hash)
{
	return (int)(((uint64_t)hash * (uint32_t)nr_workers) >> 32);
}

static int reduce_partition(struct worker *w)
{
	int i;

	if (table_init(&w->reduce, 4096))
		return -1;
	for (i = 0; i < nr_workers; i++) {
		struct table *m = &workers[i].map;
		size_t j;

		for (j = 0; j <= m->mask; j++) {
			struct entry *e = &m->slot[j];

			if (e->word && partition(e->hash) == w->id &&
			    table_add(&w->reduce, e->word, e->len, e->hash, e->count))
				return -1;
		}
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int r;

	w->failed = map_piece(w) != 0;
	r = pthread_barrier_wait(&map_done);
	if (r && r != PTHREAD_BARRIER_SERIAL_THREAD)
		w->failed = 1;
	/* Every map table is complete: reduce reads them all. */
	if (!w->failed && reduce_partition(w))
		w->failed = 1;
	pthread_mutex_lock(&total_lock);
	total_words += w->map.words;
	pthread_mutex_unlock(&total_lock);
	return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	uint32_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->word, y->word, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Cut [buf, buf + size) into nr_workers pieces at word boundaries. */
static void split_input(const char *buf, size_t size)
{
	const char *end = buf + size, *p = buf;
	int i;

	for (i = 0; i < nr_workers; i++) {
		const char *q = i + 1 == nr_workers ? end : buf + size * (i + 1) / nr_workers;

		if (q < p)
			q = p;
		while (q < end && q > buf && is_letter(q[-1]) && is_letter(*q))
			q++;
		workers[i].id = i;
		workers[i].start = p;
		workers[i].end = q;
		p = q;
	}
}

static int load_file(const char *path, int use_read, const char **buf, size_t *size)
{
	struct stat st;
	char *b;
	size_t done = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		say("FAIL: %s: %s", path, strerror(errno));
		return -1;
	}
	*size = st.st_size;
	if (!*size) {
		*buf = "";
		close(fd);
		return 0;
	}
	if (!use_read) {
		b = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (b == MAP_FAILED) {
			say("FAIL: mmap of %s: %s (try -r)", path, strerror(errno));
			return -1;
		}
		*buf = b;
		return 0;
	}
	b = malloc(*size);
	if (!b) {
		say("FAIL: no memory for %zu bytes", *size);
		return -1;
	}
	while (done < *size) {
		ssize_t n = read(fd, b + done, *size - done);

		if (n <= 0) {
			say("FAIL: read of %s: %s", path, n ? strerror(errno) : "unexpected end");
			return -1;
		}
		done += n;
	}
	close(fd);
	*buf = b;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: wordcount [-t THREADS] [-k TOPK] [-r] [-v] FILE\n"
			"       wordcount [-t THREADS] [-k TOPK] [-v] -g SEED:MBYTES\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct textgen g;
	int threads = 1, topk = 10, use_read = 0, verbose = 0, opt, i;
	const char *gen = NULL, *buf;
	unsigned long seed = 0, mb = 0;
	uint64_t t0, t1, t2, t3, digest = 0;
	struct entry *all;
	size_t size, distinct = 0, n;
	char *end;

	utest_init("wordcount");
	while ((opt = getopt(argc, argv, "t:k:rvg:")) != -1) {
		switch (opt) {
		case 't':
			threads = strtol(optarg, &end, 10);
			if (*end || threads < 0 || threads > MAX_THREADS)
				usage();
			break;
		case 'k':
			topk = strtol(optarg, &end, 10);
			if (*end || topk < 0)
				usage();
			break;
		case 'r':
			use_read = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'g':
			gen = optarg;
			seed = strtoul(optarg, &end, 0);
			if (*end != ':')
				usage();
			mb = strtoul(end + 1, &end, 0);
			if (*end || !mb || mb > 4096)
				usage();
			break;
		default:
			usage();
		}
	}
	if (gen ? optind != argc : optind + 1 != argc)
		usage();

	t0 = now_ns();
	if (gen) {
		char *b = malloc(mb << 20);

		if (!b) {
			say("FAIL: no memory for %lu MiB", mb);
			return 1;
		}
		textgen_init(&g, seed);
		textgen_fill(&g, b, mb << 20);
		buf = b;
		size = mb << 20;
	} else if (load_file(argv[optind], use_read, &buf, &size)) {
		return 1;
	}

	t1 = now_ns();
	nr_workers = threads ? threads : 1;
	split_input(buf, size);
	if (!threads) {
		/* The sequential build: the same map and reduce, no thread. */
		workers[0].failed = map_piece(&workers[0]) || reduce_partition(&workers[0]);
		total_words = workers[0].map.words;
	} else {
		int r = pthread_barrier_init(&map_done, NULL, threads);

		if (r) {
			say("FAIL: pthread_barrier_init: %s", strerror(r));
			return 1;
		}
		for (i = 0; i < threads; i++) {
			r = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
			if (r) {
				/* The barrier would wait forever for the missing ones. */
				say("FAIL: pthread_create of thread %d: %s", i, strerror(r));
				exit(1);
			}
		}
		for (i = 0; i < threads; i++) {
			r = pthread_join(workers[i].thread, NULL);
			if (r) {
				say("FAIL: pthread_join of thread %d: %s", i, strerror(r));
				return 1;
			}
		}
		pthread_barrier_destroy(&map_done);
	}
	for (i = 0; i < nr_workers; i++) {
		if (workers[i].failed) {
			say("FAIL: thread %d ran out of memory", i);
			return 1;
		}
		distinct += workers[i].reduce.used;
	}

	t2 = now_ns();
	all = malloc((distinct ? distinct : 1) * sizeof(*all));
	if (!all) {
		say("FAIL: no memory for %zu words", distinct);
		return 1;
	}
	n = 0;
	for (i = 0; i < nr_workers; i++) {
		struct table *t = &workers[i].reduce;
		size_t j;

		for (j = 0; j <= t->mask; j++)
			if (t->slot[j].word)
				all[n++] = t->slot[j];
	}
	qsort(all, n, sizeof(*all), cmp_entry);
	t3 = now_ns();

	for (n = 0; n < distinct; n++) {
		digest = mix64(digest ^ all[n].count);
		digest = mix64(digest ^ word_hash(all[n].word, all[n].len));
		if (n < (size_t)topk)
			printf("%llu %.*s\n", (unsigned long long)all[n].count,
			       (int)all[n].len, all[n].word);
	}
	say("total %llu words, %zu distinct, digest %016llx",
	    (unsigned long long)total_words, distinct, (unsigned long long)digest);
	if (verbose) {
		say("time input: %llu us", (unsigned long long)(t1 - t0) / 1000);
		say("time map+reduce: %llu us", (unsigned long long)(t2 - t1) / 1000);
		say("time sort: %llu us", (unsigned long long)(t3 - t2) / 1000);
		say("time total: %llu us", (unsigned long long)(t3 - t0) / 1000);
	}
	check(total_words >= distinct, "%llu words but %zu distinct",
	      (unsigned long long)total_words, distinct);
	return utest_finish();
}
