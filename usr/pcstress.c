// SPDX-License-Identifier: GPL-2.0
/*
 * pcstress - checksummed data written and read by threads on every CPU
 * over a region several times the pcache.
 *
 *   pcstress [-t THREADS] [-m MB] [-r ROUNDS]
 *
 * THREADS defaults to the online CPUs, MB to 32, ROUNDS to 3.  The region
 * is cut into 64 KiB stripes; stripe s belongs to thread s % THREADS.
 * Each round:
 *   1. every thread writes its stripes (data from round and stripe) and
 *      records each stripe's checksum;
 *   2. (barrier) every thread verifies its own stripes and those of the
 *      next thread, written on another CPU;
 *   3. (barrier) every thread drops half of its stripes with
 *      madvise(MADV_DONTNEED) and checks they read zero, makes one stripe
 *      read-only and back with mprotect, and maps, fills, checks and
 *      unmaps a private 1 MiB scratch region, while the others do the
 *      same on theirs: a thread never touches what another changes.
 * Counts are exact; the output does not depend on THREADS or CPUs.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "utest.h"

#define STRIPE		(64 * 1024)
#define WORDS		(STRIPE / 8)
#define SCRATCH		(1024 * 1024)

static unsigned char *region;
static size_t nr_stripes;
static int nr_threads, rounds = 3;
static uint64_t *stripe_sum;
static pthread_barrier_t barrier;
static atomic_ulong verified, dropped, errors;

static uint64_t seed_of(int round, size_t s)
{
	return mix64((uint64_t)round << 40 ^ s) | 1;
}

static uint64_t fill(uint64_t *w, size_t n, uint64_t seed)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		w[i] = xorshift64(&seed);
		sum = mix64(sum ^ w[i]);
	}
	return sum;
}

static uint64_t sum_of(const uint64_t *w, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum = mix64(sum ^ w[i]);
	return sum;
}

/* The stripe must hold what round wrote, and match its recorded sum. */
static void verify(int round, size_t s, int self)
{
	const uint64_t *w = (const uint64_t *)(region + s * STRIPE);
	uint64_t seed = seed_of(round, s), sum;
	size_t i;

	for (i = 0; i < WORDS; i++) {
		if (w[i] != xorshift64(&seed)) {
			if (atomic_fetch_add(&errors, 1) < 8)
				printf("pcstress: FAIL: round %d: thread %d: stripe %zu word %zu is %016llx\n",
				       round, self, s, i, (unsigned long long)w[i]);
			return;
		}
	}
	sum = sum_of(w, WORDS);
	if (sum != stripe_sum[s]) {
		if (atomic_fetch_add(&errors, 1) < 8)
			printf("pcstress: FAIL: round %d: stripe %zu checksum differs\n", round, s);
		return;
	}
	atomic_fetch_add(&verified, 1);
}

static void fail(const char *what, int self)
{
	if (atomic_fetch_add(&errors, 1) < 8)
		printf("pcstress: FAIL: thread %d: %s: %s\n", self, what, strerror(errno));
}

static void churn(int round, int self)
{
	size_t s, first = SIZE_MAX;
	uint64_t *scratch, sum;

	for (s = self; s < nr_stripes; s += nr_threads) {
		unsigned char *p = region + s * STRIPE;
		size_t i;

		if (first == SIZE_MAX)
			first = s;
		if ((s / nr_threads + round) % 2)
			continue;
		if (madvise(p, STRIPE, MADV_DONTNEED)) {
			fail("madvise(MADV_DONTNEED)", self);
			continue;
		}
		for (i = 0; i < STRIPE; i += 512)
			if (p[i]) {
				fail("a dropped stripe does not read zero", self);
				break;
			}
		atomic_fetch_add(&dropped, 1);
	}
	if (first != SIZE_MAX) {
		unsigned char *p = region + first * STRIPE;
		volatile unsigned char x;

		if (mprotect(p, STRIPE, PROT_READ))
			fail("mprotect(PROT_READ)", self);
		x = p[STRIPE - 1];
		(void)x;
		if (mprotect(p, STRIPE, PROT_READ | PROT_WRITE))
			fail("mprotect(PROT_READ | PROT_WRITE)", self);
		p[0] = 1;
	}
	scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED) {
		fail("mmap of the scratch region", self);
		return;
	}
	sum = fill(scratch, SCRATCH / 8, seed_of(round + 1000, self));
	if (sum_of(scratch, SCRATCH / 8) != sum)
		fail("the scratch region changed", self);
	if (munmap(scratch, SCRATCH))
		fail("munmap of the scratch region", self);
}

static void *worker(void *arg)
{
	int self = (int)(uintptr_t)arg, round, other = (self + 1) % nr_threads;
	size_t s;

	for (round = 0; round < rounds; round++) {
		for (s = self; s < nr_stripes; s += nr_threads)
			stripe_sum[s] = fill((uint64_t *)(region + s * STRIPE), WORDS,
					     seed_of(round, s));
		pthread_barrier_wait(&barrier);
		for (s = self; s < nr_stripes; s += nr_threads)
			verify(round, s, self);
		if (other != self)
			for (s = other; s < nr_stripes; s += nr_threads)
				verify(round, s, self);
		pthread_barrier_wait(&barrier);
		churn(round, self);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long mb = 32, want_verified = 0, want_dropped = 0;
	pthread_t *t;
	int opt, i, round;
	size_t s;

	utest_init("pcstress");
	nr_threads = sysconf(_SC_NPROCESSORS_ONLN);
	while ((opt = getopt(argc, argv, "t:m:r:")) != -1) {
		switch (opt) {
		case 't':
			nr_threads = atoi(optarg);
			break;
		case 'm':
			mb = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: pcstress [-t THREADS] [-m MB] [-r ROUNDS]\n");
			return 2;
		}
	}
	if (nr_threads < 1 || nr_threads > 256 || !mb || mb > 4096 || rounds < 1 ||
	    optind != argc) {
		fprintf(stderr, "usage: pcstress [-t 1..256] [-m MB] [-r ROUNDS]\n");
		return 2;
	}
	nr_stripes = (mb << 20) / STRIPE;
	region = mmap(NULL, mb << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stripe_sum = calloc(nr_stripes, sizeof(*stripe_sum));
	t = calloc(nr_threads, sizeof(*t));
	if (region == MAP_FAILED || !stripe_sum || !t) {
		say("FAIL: no memory for %lu MiB", mb);
		return 1;
	}
	pthread_barrier_init(&barrier, NULL, nr_threads);
	say("%lu MiB in %zu stripes, %d rounds", mb, nr_stripes, rounds);
	for (i = 0; i < nr_threads; i++) {
		int r = pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);

		if (r) {
			/* The barrier would wait forever for the missing ones. */
			say("FAIL: pthread_create: %s", strerror(r));
			exit(1);
		}
	}
	for (i = 0; i < nr_threads; i++)
		pthread_join(t[i], NULL);

	for (round = 0; round < rounds; round++)
		for (s = 0; s < nr_stripes; s++) {
			want_verified += nr_threads > 1 ? 2 : 1;
			want_dropped += !((s / nr_threads + round) % 2);
		}
	check(!atomic_load(&errors), "%lu errors", atomic_load(&errors));
	check(atomic_load(&verified) == want_verified, "%lu stripes verified, expected %lu",
	      atomic_load(&verified), want_verified);
	check(atomic_load(&dropped) == want_dropped, "%lu stripes dropped, expected %lu",
	      atomic_load(&dropped), want_dropped);
	return utest_finish();
}
