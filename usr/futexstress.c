// SPDX-License-Identifier: GPL-2.0
/*
 * futexstress - pthread synchronisation and raw futex(2) between threads.
 *
 *   futexstress [-n ITEMS]
 *
 * 1. A bounded queue (mutex + two condition variables) between 3
 *    producers and 3 consumers; every item is counted and checksummed.
 * 2. A mutex-protected counter incremented by 4 threads.
 * 3. A pthread barrier: every round, each thread sees all the others'
 *    increments of that round.
 * 4. Raw futex(2): WAIT/WAKE wake counts, FUTEX_CMP_REQUEUE and
 *    FUTEX_REQUEUE move waiters between words, EAGAIN, ETIMEDOUT, EFAULT,
 *    ENOSYS.  Waiters are counted without waking them by requeueing them
 *    to a second word and back (the return value is the number moved).
 * 5. Timed condition variable waits (CLOCK_REALTIME and CLOCK_MONOTONIC)
 *    that time out.
 * 6. A robust mutex whose owner thread exits while holding it: the thread
 *    blocked on it gets EOWNERDEAD, pthread_mutex_consistent() repairs it.
 *
 * All counts are exact; the output does not depend on timing or CPUs.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utest.h"

/* futex(2) operations (musl has no <linux/futex.h>) */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_PRIVATE_FLAG	128

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

/* check() from any thread. */
#define TCHECK(...)						\
	do {							\
		pthread_mutex_lock(&check_lock);		\
		check(__VA_ARGS__);				\
		pthread_mutex_unlock(&check_lock);		\
	} while (0)

static long futex(atomic_int *uaddr, int op, int val, const struct timespec *ts,
		  atomic_int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int r = pthread_create(t, NULL, fn, arg);

	if (r) {
		say("FAIL: pthread_create: %s", strerror(r));
		exit(1);
	}
}

static void join(pthread_t t)
{
	int r = pthread_join(t, NULL);

	if (r) {
		say("FAIL: pthread_join: %s", strerror(r));
		exit(1);
	}
}

/* ------------------------------------------------------------ the queue --- */

#define PRODUCERS	3
#define CONSUMERS	3
#define QSIZE		16

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	uint64_t item[QSIZE];
	unsigned int head, tail, producers_left;
	uint64_t consumed, sum;
} q = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER,
	.producers_left = PRODUCERS,
};
static unsigned long items = 20000;

static void *producer(void *arg)
{
	uint64_t id = (uintptr_t)arg;
	unsigned long i;

	for (i = 0; i < items; i++) {
		pthread_mutex_lock(&q.lock);
		while (q.tail - q.head == QSIZE)
			pthread_cond_wait(&q.not_full, &q.lock);
		q.item[q.tail++ % QSIZE] = id << 32 | i;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.lock);
	}
	pthread_mutex_lock(&q.lock);
	q.producers_left--;
	pthread_cond_broadcast(&q.not_empty);
	pthread_mutex_unlock(&q.lock);
	return NULL;
}

static void *consumer(void *arg)
{
	uint64_t sum = 0, n = 0;

	(void)arg;
	for (;;) {
		uint64_t v;

		pthread_mutex_lock(&q.lock);
		while (q.tail == q.head && q.producers_left)
			pthread_cond_wait(&q.not_empty, &q.lock);
		if (q.tail == q.head) {
			pthread_mutex_unlock(&q.lock);
			break;
		}
		v = q.item[q.head++ % QSIZE];
		pthread_cond_signal(&q.not_full);
		pthread_mutex_unlock(&q.lock);
		sum += mix64(v);
		n++;
	}
	pthread_mutex_lock(&q.lock);
	q.consumed += n;
	q.sum += sum;
	pthread_mutex_unlock(&q.lock);
	return NULL;
}

static void test_queue(void)
{
	pthread_t p[PRODUCERS], c[CONSUMERS];
	uint64_t want = 0, i, id;

	for (id = 0; id < PRODUCERS; id++)
		for (i = 0; i < items; i++)
			want += mix64(id << 32 | i);
	for (i = 0; i < CONSUMERS; i++)
		start(&c[i], consumer, NULL);
	for (i = 0; i < PRODUCERS; i++)
		start(&p[i], producer, (void *)(uintptr_t)i);
	for (i = 0; i < PRODUCERS; i++)
		join(p[i]);
	for (i = 0; i < CONSUMERS; i++)
		join(c[i]);
	check(q.consumed == PRODUCERS * items, "queue: %llu items consumed, expected %llu",
	      (unsigned long long)q.consumed, (unsigned long long)(PRODUCERS * items));
	check(q.sum == want, "queue: checksum %016llx, expected %016llx",
	      (unsigned long long)q.sum, (unsigned long long)want);
	say("queue: %d producers, %d consumers, %lu items each: done", PRODUCERS, CONSUMERS, items);
}

/* ---------------------------------------------------- counter, barrier --- */

#define COUNTERS	4
#define ROUNDS		200

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long counter;
static pthread_barrier_t barrier;
static atomic_int round_count[ROUNDS];
static atomic_int barrier_errors, serial_threads;

static void *count_thread(void *arg)
{
	unsigned long i;

	(void)arg;
	for (i = 0; i < items; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void *barrier_thread(void *arg)
{
	int r, i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		atomic_fetch_add(&round_count[i], 1);
		r = pthread_barrier_wait(&barrier);
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serial_threads, 1);
		else if (r)
			atomic_fetch_add(&barrier_errors, 1);
		/* Everyone's increment of this round happened before the barrier. */
		if (atomic_load(&round_count[i]) != COUNTERS)
			atomic_fetch_add(&barrier_errors, 1);
	}
	return NULL;
}

static void test_counter_barrier(void)
{
	pthread_t t[COUNTERS];
	int i;

	for (i = 0; i < COUNTERS; i++)
		start(&t[i], count_thread, NULL);
	for (i = 0; i < COUNTERS; i++)
		join(t[i]);
	check(counter == COUNTERS * items, "mutex counter: %lu, expected %lu", counter,
	      COUNTERS * items);
	say("mutex counter: %d threads x %lu: done", COUNTERS, items);

	check(pthread_barrier_init(&barrier, NULL, COUNTERS) == 0, "pthread_barrier_init");
	for (i = 0; i < COUNTERS; i++)
		start(&t[i], barrier_thread, NULL);
	for (i = 0; i < COUNTERS; i++)
		join(t[i]);
	check(pthread_barrier_destroy(&barrier) == 0, "pthread_barrier_destroy");
	check(atomic_load(&barrier_errors) == 0, "barrier: %d errors", atomic_load(&barrier_errors));
	check(atomic_load(&serial_threads) == ROUNDS,
	      "barrier: %d PTHREAD_BARRIER_SERIAL_THREAD returns, expected one per round (%d)",
	      atomic_load(&serial_threads), ROUNDS);
	say("barrier: %d threads, %d rounds: done", COUNTERS, ROUNDS);
}

/* ------------------------------------------------------------ raw futex --- */

#define WAITERS		6
#define PRIV(op)	((op) | FUTEX_PRIVATE_FLAG)

static atomic_int word1, word2, woken;

static void *futex_waiter(void *arg)
{
	long r;

	(void)arg;
	r = futex(&word1, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0);
	TCHECK(r == 0, "FUTEX_WAIT of a waiter returned %ld (%s)", r, r ? strerror(errno) : "");
	atomic_fetch_add(&woken, 1);
	return NULL;
}

/*
 * How many threads wait on word1, without waking any: move them all to
 * word2, then back; the second move counts those it moved.  Waits until
 * that is want (threads may not have reached FUTEX_WAIT yet), at most
 * about 60 s.
 */
static long waiting_on_word1(long want)
{
	long n = -1;
	int tries;

	for (tries = 0; tries < 6000; tries++) {
		futex(&word1, PRIV(FUTEX_CMP_REQUEUE), 0, (void *)(long)INT_MAX, &word2, 0);
		n = futex(&word2, PRIV(FUTEX_CMP_REQUEUE), 0, (void *)(long)INT_MAX, &word1, 0);
		if (n == want)
			break;
		usleep(10000);
	}
	return n;
}

/* woken must reach want and stay there. */
static void expect_woken(int want, const char *what)
{
	int tries;

	for (tries = 0; tries < 6000 && atomic_load(&woken) < want; tries++)
		usleep(10000);
	usleep(20000);
	check(atomic_load(&woken) == want, "%s: %d waiters returned, expected %d", what,
	      atomic_load(&woken), want);
}

static void test_raw_futex(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	pthread_t t[WAITERS];
	uint64_t t0;
	long r;
	int i;

	/* Alone: no waiter, a value that differs, a timeout, bad arguments. */
	check(futex(&word1, PRIV(FUTEX_WAKE), 1, NULL, NULL, 0) == 0,
	      "FUTEX_WAKE without waiters does not return 0");
	CHECK_ERR(futex(&word1, PRIV(FUTEX_WAIT), 1, NULL, NULL, 0), EAGAIN,
		  "FUTEX_WAIT with a value that differs");
	t0 = now_ns();
	CHECK_ERR(futex(&word1, PRIV(FUTEX_WAIT), 0, &ts, NULL, 0), ETIMEDOUT,
		  "FUTEX_WAIT with a 20 ms timeout");
	check(now_ns() - t0 >= 19 * 1000 * 1000, "FUTEX_WAIT timed out after %llu us, before 20 ms",
	      (unsigned long long)(now_ns() - t0) / 1000);
	CHECK_ERR(futex(NULL, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0), EFAULT, "FUTEX_WAIT on NULL");
	CHECK_ERR(futex((atomic_int *)((char *)&word1 + 1), PRIV(FUTEX_WAIT), 0, NULL, NULL, 0),
		  EINVAL, "FUTEX_WAIT on a misaligned word");
	CHECK_ERR(futex(&word1, PRIV(99), 0, NULL, NULL, 0), ENOSYS, "futex op 99");
	ts.tv_nsec = 1000 * 1000 * 1000;
	CHECK_ERR(futex(&word1, PRIV(FUTEX_WAIT), 0, &ts, NULL, 0), EINVAL,
		  "FUTEX_WAIT with tv_nsec = 1e9");

	for (i = 0; i < WAITERS; i++)
		start(&t[i], futex_waiter, NULL);
	r = waiting_on_word1(WAITERS);
	check(r == WAITERS, "FUTEX_CMP_REQUEUE counted %ld waiters, expected %d", r, WAITERS);
	check(atomic_load(&woken) == 0, "requeueing woke %d waiters", atomic_load(&woken));
	CHECK_ERR(futex(&word1, PRIV(FUTEX_CMP_REQUEUE), 0, (void *)(long)INT_MAX, &word2, 5),
		  EAGAIN, "FUTEX_CMP_REQUEUE with a value that differs");

	r = futex(&word1, PRIV(FUTEX_WAKE), 2, NULL, NULL, 0);
	check(r == 2, "FUTEX_WAKE of 2 among %d returned %ld", WAITERS, r);
	expect_woken(2, "FUTEX_WAKE of 2");
	r = waiting_on_word1(WAITERS - 2);
	check(r == WAITERS - 2, "after waking 2: %ld waiters left, expected %d", r, WAITERS - 2);

	/* Wake 1, move 2 to word2: 1 stays on word1. */
	r = futex(&word1, PRIV(FUTEX_REQUEUE), 1, (void *)2L, &word2, 0);
	check(r == 3, "FUTEX_REQUEUE(wake 1, move 2) returned %ld, expected 3", r);
	expect_woken(3, "FUTEX_REQUEUE's wake of 1");
	r = futex(&word1, PRIV(FUTEX_WAKE), INT_MAX, NULL, NULL, 0);
	check(r == 1, "FUTEX_WAKE of word1 after the requeue woke %ld, expected 1", r);
	expect_woken(4, "the last waiter on word1");
	r = futex(&word2, PRIV(FUTEX_WAKE), INT_MAX, NULL, NULL, 0);
	check(r == 2, "FUTEX_WAKE of word2 woke %ld, expected the 2 requeued", r);
	expect_woken(WAITERS, "the requeued waiters");
	for (i = 0; i < WAITERS; i++)
		join(t[i]);
	say("raw futex: wait, wake, requeue, cmp_requeue: done");
}

/* ---------------------------------------------------------- timed waits --- */

static void test_timed_cond(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_condattr_t attr;
	pthread_cond_t c;
	struct timespec abs;
	uint64_t t0, dt;
	int clk, r;

	for (clk = 0; clk < 2; clk++) {
		clockid_t id = clk ? CLOCK_MONOTONIC : CLOCK_REALTIME;

		pthread_condattr_init(&attr);
		check(pthread_condattr_setclock(&attr, id) == 0, "pthread_condattr_setclock");
		pthread_cond_init(&c, &attr);
		pthread_mutex_lock(&m);
		clock_gettime(id, &abs);
		abs.tv_nsec += 100 * 1000 * 1000;
		if (abs.tv_nsec >= 1000000000) {
			abs.tv_sec++;
			abs.tv_nsec -= 1000000000;
		}
		t0 = now_ns();
		r = pthread_cond_timedwait(&c, &m, &abs);
		dt = now_ns() - t0;
		check(r == ETIMEDOUT, "pthread_cond_timedwait (%s) returned %d, expected ETIMEDOUT",
		      clk ? "monotonic" : "realtime", r);
		check(dt >= 95 * 1000 * 1000, "pthread_cond_timedwait (%s) returned after %llu us, before 100 ms",
		      clk ? "monotonic" : "realtime", (unsigned long long)dt / 1000);
		/* The mutex is held again after a timeout. */
		check(pthread_mutex_trylock(&m) == EBUSY, "mutex not held after the timed wait");
		pthread_mutex_unlock(&m);
		pthread_cond_destroy(&c);
		pthread_condattr_destroy(&attr);
	}
	say("timed condition waits: done");
}

/* --------------------------------------------------------- robust mutex --- */

static pthread_mutex_t robust;
static atomic_int owner_locked, owner_may_die;
static int waiter_result, waiter_consistent;

static void *robust_owner(void *arg)
{
	(void)arg;
	TCHECK(pthread_mutex_lock(&robust) == 0, "robust owner: lock");
	atomic_store(&owner_locked, 1);
	while (!atomic_load(&owner_may_die))
		usleep(1000);
	return NULL;		/* exits holding the mutex */
}

static void *robust_waiter(void *arg)
{
	(void)arg;
	waiter_result = pthread_mutex_lock(&robust);
	if (waiter_result == EOWNERDEAD) {
		waiter_consistent = pthread_mutex_consistent(&robust);
		pthread_mutex_unlock(&robust);
	} else if (!waiter_result) {
		pthread_mutex_unlock(&robust);
	}
	return NULL;
}

static void test_robust(void)
{
	pthread_mutexattr_t attr;
	pthread_t owner, waiter;
	int r;

	pthread_mutexattr_init(&attr);
	check(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) == 0,
	      "pthread_mutexattr_setrobust");
	pthread_mutex_init(&robust, &attr);
	pthread_mutexattr_destroy(&attr);

	start(&owner, robust_owner, NULL);
	while (!atomic_load(&owner_locked))
		usleep(1000);
	/* The waiter blocks in the kernel or finds the owner dead: EOWNERDEAD either way. */
	start(&waiter, robust_waiter, NULL);
	usleep(50000);
	atomic_store(&owner_may_die, 1);
	join(owner);
	join(waiter);
	check(waiter_result == EOWNERDEAD, "lock after the owner died returned %d (%s), expected EOWNERDEAD",
	      waiter_result, strerror(waiter_result));
	check(waiter_consistent == 0, "pthread_mutex_consistent returned %d", waiter_consistent);
	r = pthread_mutex_lock(&robust);
	check(r == 0, "lock of the repaired mutex returned %d (%s)", r, strerror(r));
	if (!r)
		pthread_mutex_unlock(&robust);

	/* Owner dead and nobody waiting: the next locker sees it. */
	atomic_store(&owner_locked, 0);
	atomic_store(&owner_may_die, 1);
	start(&owner, robust_owner, NULL);
	join(owner);
	r = pthread_mutex_lock(&robust);
	check(r == EOWNERDEAD, "lock after an uncontended owner died returned %d, expected EOWNERDEAD", r);
	if (r == EOWNERDEAD) {
		/* Unlocked without consistent(): unusable from now on. */
		pthread_mutex_unlock(&robust);
		r = pthread_mutex_lock(&robust);
		check(r == ENOTRECOVERABLE, "lock of an inconsistent robust mutex returned %d, expected ENOTRECOVERABLE", r);
	}
	say("robust mutex: EOWNERDEAD, consistent, ENOTRECOVERABLE: done");
}

int main(int argc, char **argv)
{
	utest_init("futexstress");
	if (argc == 3 && !strcmp(argv[1], "-n"))
		items = strtoul(argv[2], NULL, 0);
	else if (argc != 1) {
		fprintf(stderr, "usage: futexstress [-n ITEMS]\n");
		return 2;
	}
	if (!items) {
		fprintf(stderr, "futexstress: -n wants a positive number\n");
		return 2;
	}
	test_queue();
	test_counter_barrier();
	test_raw_futex();
	test_timed_cond();
	test_robust();
	return utest_finish();
}
