// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of atomics, refcounts and locks.
 *
 * With one CPU, a lock can only be shown to work against preemption:
 * the counter tests do a non-atomic read-modify-write of a shared
 * counter inside the critical section and stretch the window between
 * the read and the write (a yield() for sleeping locks, a busy-wait
 * across ticks for spinning ones), with many threads competing on the
 * same CPU.  Without mutual exclusion, updates get lost.
 */
#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/hardirq.h>
#include <tessera/kthread.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/refcount.h>
#include <tessera/rwlock.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/semaphore.h>
#include <tessera/spinlock.h>
#include <asm/bitops.h>

#define NR_LOCKERS	8
#define ST_TIMEOUT	(20 * HZ)

static u64 ms_since(u64 t0)
{
	return (local_clock() - t0) / 1000000;
}

static void spin_us(u64 us)
{
	u64 t0 = local_clock();

	while (local_clock() - t0 < us * 1000)
		cpu_relax();
}

/*
 * Run fn(i) in NR_LOCKERS threads on CPU 0 and wait for all of them.
 * Returns 0, the first non-zero exit code, or -ETIMEDOUT.
 */
static int run_lockers(int (*fn)(void *), const char *name)
{
	struct task_struct *t[NR_LOCKERS];
	int i, ret = 0, n = 0;

	for (i = 0; i < NR_LOCKERS; i++) {
		t[i] = kthread_create(fn, (void *)(long)i, "%s/%d", name, i);
		if (IS_ERR(t[i]))
			break;
		get_task_struct(t[i]);
		kthread_bind(t[i], 0);
		n++;
	}
	for (i = 0; i < n; i++)
		wake_up_process(t[i]);
	for (i = 0; i < n; i++) {
		if (!wait_for_completion_timeout(&t[i]->kthread_exited,
						 ST_TIMEOUT)) {
			ret = ret ?: -ETIMEDOUT;
			continue;	/* leaked, but never freed while alive */
		}
		ret = ret ?: t[i]->exit_code;
		put_task_struct(t[i]);
	}
	return n == NR_LOCKERS ? ret : -ENOMEM;
}

/* Run fn in one thread and return its exit code. */
static int run_one(int (*fn)(void *), const char *name)
{
	struct task_struct *t = kthread_create(fn, NULL, "%s", name);
	int ret = -ETIMEDOUT;

	if (IS_ERR(t))
		return PTR_ERR(t);
	get_task_struct(t);
	wake_up_process(t);
	if (wait_for_completion_timeout(&t->kthread_exited, ST_TIMEOUT)) {
		ret = t->exit_code;
		put_task_struct(t);
	}
	return ret;
}

/* ------------------------------------------------------------------ */

SELFTEST(atomic_ops)
{
	atomic_t a = ATOMIC_INIT(5);
	atomic64_t b = ATOMIC64_INIT(1LL << 40);
	unsigned long bits[2] = { 0, 0 };
	int old;
	s64 old64;

	ST_EQ(atomic_read(&a), 5);
	atomic_set(&a, 10);
	atomic_add(5, &a);
	atomic_sub(3, &a);
	atomic_inc(&a);
	atomic_dec(&a);
	ST_EQ(atomic_read(&a), 12);
	ST_EQ(atomic_add_return(3, &a), 15);
	ST_EQ(atomic_sub_return(5, &a), 10);
	ST_EQ(atomic_inc_return(&a), 11);
	ST_EQ(atomic_dec_return(&a), 10);
	ST_EQ(atomic_fetch_add(2, &a), 10);
	ST_EQ(atomic_fetch_sub(2, &a), 12);
	ST_EQ(atomic_fetch_or(0x30, &a), 10);
	ST_EQ(atomic_fetch_and(0x3a, &a), 0x3a);
	ST_EQ(atomic_fetch_xor(0xff, &a), 0x3a);
	ST_EQ(atomic_read(&a), 0xc5);
	atomic_and(0x0f, &a);
	atomic_or(0x30, &a);
	atomic_xor(0x01, &a);
	ST_EQ(atomic_read(&a), 0x34);

	ST_EQ(atomic_cmpxchg(&a, 1, 2), 0x34);		/* no swap */
	ST_EQ(atomic_read(&a), 0x34);
	ST_EQ(atomic_cmpxchg(&a, 0x34, 7), 0x34);	/* swap */
	ST_EQ(atomic_read(&a), 7);
	old = 3;
	ST_ASSERT(!atomic_try_cmpxchg(&a, &old, 9));
	ST_EQ(old, 7);					/* updated */
	ST_ASSERT(atomic_try_cmpxchg(&a, &old, 9));
	ST_EQ(atomic_xchg(&a, 1), 9);
	ST_ASSERT(atomic_dec_and_test(&a));
	ST_ASSERT(!atomic_dec_and_test(&a));
	ST_ASSERT(atomic_inc_and_test(&a));
	ST_ASSERT(atomic_sub_and_test(0, &a));
	ST_ASSERT(atomic_add_negative(-1, &a));
	ST_ASSERT(!atomic_add_negative(1, &a));
	ST_ASSERT(!atomic_inc_not_zero(&a));
	ST_ASSERT(!atomic_add_unless(&a, 1, 0));
	atomic_set(&a, 3);
	ST_ASSERT(atomic_inc_not_zero(&a));
	ST_EQ(atomic_read(&a), 4);
	ST_EQ(atomic_dec_if_positive(&a), 3);
	atomic_set(&a, 0);
	ST_EQ(atomic_dec_if_positive(&a), -1);
	ST_EQ(atomic_read(&a), 0);
	atomic_set(&a, INT_MAX);
	atomic_inc(&a);					/* wraps, unlike refcount_t */
	ST_EQ(atomic_read(&a), INT_MIN);

	/* 64-bit: values beyond 32 bits survive every operation. */
	atomic64_add(1LL << 41, &b);
	ST_EQ(atomic64_read(&b), 3LL << 40);
	ST_EQ(atomic64_fetch_add(1, &b), 3LL << 40);
	ST_EQ(atomic64_sub_return(1, &b), 3LL << 40);
	ST_EQ(atomic64_cmpxchg(&b, 3LL << 40, -1), 3LL << 40);
	ST_ASSERT(atomic64_inc_and_test(&b));
	old64 = 0;
	ST_ASSERT(atomic64_try_cmpxchg(&b, &old64, 1LL << 50));
	ST_EQ(atomic64_xchg(&b, 5), 1LL << 50);
	ST_ASSERT(atomic64_inc_not_zero(&b));
	ST_EQ(atomic64_read(&b), 6);

	/* Bit operations. */
	set_bit(3, bits);
	set_bit(70, bits);
	ST_ASSERT(test_bit(3, bits) && test_bit(70, bits) && !test_bit(4, bits));
	ST_ASSERT(test_and_set_bit(3, bits));
	ST_ASSERT(!test_and_set_bit(4, bits));
	ST_ASSERT(test_and_clear_bit(4, bits));
	ST_ASSERT(!test_and_clear_bit(4, bits));
	clear_bit(3, bits);
	ST_EQ(find_first_bit(bits, 128), 70);
	ST_EQ(find_first_zero_bit(bits, 128), 0);
	ST_EQ(find_next_bit(bits, 70, 0), 70);		/* none below size */
	ST_EQ(hweight64(0xf0f0f0f0f0f0f0f0ULL), 32);
	return 0;
}

/* Many threads hammering one atomic with increments. */
static atomic_t hammer = ATOMIC_INIT(0);

static int hammer_fn(void *arg)
{
	int i;

	for (i = 0; i < 20000; i++) {
		atomic_inc(&hammer);
		if (!(i % 1000))
			yield();
	}
	return 0;
}

SELFTEST(atomic_concurrent_inc)
{
	atomic_set(&hammer, 0);
	ST_EQ(run_lockers(hammer_fn, "hammer"), 0);
	ST_EQ(atomic_read(&hammer), NR_LOCKERS * 20000);
	return 0;
}

SELFTEST(refcount_saturation)
{
	refcount_t r = REFCOUNT_INIT(1);

	selftest_expect_warnings(4);

	refcount_inc(&r);
	ST_EQ(refcount_read(&r), 2);
	ST_ASSERT(!refcount_dec_and_test(&r));
	ST_ASSERT(refcount_dec_and_test(&r));		/* the last one */

	/* Incrementing from zero: use after free.  WARN 1. */
	refcount_inc(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* Overflow past REFCOUNT_MAX saturates.  WARN 2. */
	refcount_set(&r, REFCOUNT_MAX);
	refcount_inc(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);
	/* Saturated stays saturated, quietly, and is never freed. */
	refcount_inc(&r);
	ST_ASSERT(!refcount_dec_and_test(&r));
	refcount_dec(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);
	ST_ASSERT(refcount_inc_not_zero(&r));
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* Underflow.  WARN 3. */
	refcount_set(&r, 0);
	ST_ASSERT(!refcount_dec_and_test(&r));
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* refcount_dec() must not drop the last reference.  WARN 4. */
	refcount_set(&r, 1);
	refcount_dec(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* inc_not_zero: no reference from zero, no warning. */
	refcount_set(&r, 0);
	ST_ASSERT(!refcount_inc_not_zero(&r));
	ST_EQ(refcount_read(&r), 0);
	refcount_set(&r, 5);
	ST_ASSERT(refcount_inc_not_zero(&r));
	ST_EQ(refcount_read(&r), 6);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Spinlocks. */

#define SPIN_ROUNDS	150
static DEFINE_SPINLOCK(counter_lock);
static unsigned long counter;

static int spin_counter_fn(void *arg)
{
	unsigned long v, flags = 0;
	int i;

	for (i = 0; i < SPIN_ROUNDS; i++) {
		if (i & 1)
			spin_lock(&counter_lock);
		else
			spin_lock_irqsave(&counter_lock, flags);
		v = READ_ONCE(counter);
		spin_us(40);		/* ticks land in here */
		WRITE_ONCE(counter, v + 1);
		if (i & 1)
			spin_unlock(&counter_lock);
		else
			spin_unlock_irqrestore(&counter_lock, flags);
	}
	return 0;
}

static bool busy_started;

static int busy_fn(void *arg)
{
	WRITE_ONCE(busy_started, true);
	while (!kthread_should_stop())
		cpu_relax();
	return 0;
}

SELFTEST(locks_spinlock_counter)
{
	unsigned long switches;
	struct task_struct *busy;
	bool resched_pending;
	u64 j0, t0;

	counter = 0;
	ST_EQ(run_lockers(spin_counter_fn, "spin"), 0);
	ST_EQ(counter, NR_LOCKERS * SPIN_ROUNDS);

	/*
	 * A spinlock holder is not preempted: with another thread runnable,
	 * hold a lock across several ticks.  The tick asks for a reschedule
	 * but we keep the CPU until the unlock.
	 */
	/* The test runs on CPU 0 (kernel/selftest.c): so must the rival. */
	ST_EQ(task_cpu(current), 0);
	busy_started = false;
	busy = kthread_create(busy_fn, NULL, "busy");
	ST_ASSERT(!IS_ERR(busy));
	kthread_bind(busy, 0);
	wake_up_process(busy);
	while (!READ_ONCE(busy_started))
		msleep(1);
	spin_lock(&counter_lock);
	switches = current->nvcsw + current->nivcsw;
	j0 = get_jiffies_64();
	t0 = local_clock();
	while (get_jiffies_64() - j0 < 3 && ms_since(t0) < 1000)
		cpu_relax();
	resched_pending = need_resched();
	ST_EQ(current->nvcsw + current->nivcsw, switches);
	spin_unlock(&counter_lock);
	ST_EQ(kthread_stop(busy), 0);
	ST_ASSERT(resched_pending);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reader-writer spinlocks. */

static DEFINE_RWLOCK(rw);
static unsigned long pair_a, pair_b;
static atomic_t torn_reads;

static int rwlock_fn(void *arg)
{
	long me = (long)arg;
	unsigned long v, flags = 0;
	int i;

	for (i = 0; i < SPIN_ROUNDS; i++) {
		if (me & 1) {
			/* Writer: bump both halves of the pair, slowly. */
			if (i & 1)
				write_lock(&rw);
			else
				write_lock_irqsave(&rw, flags);
			v = READ_ONCE(pair_a);
			WRITE_ONCE(pair_a, v + 1);
			spin_us(40);
			WRITE_ONCE(pair_b, v + 1);
			if (i & 1)
				write_unlock(&rw);
			else
				write_unlock_irqrestore(&rw, flags);
		} else {
			/* Reader: never sees a half-done update. */
			read_lock(&rw);
			v = READ_ONCE(pair_a);
			spin_us(20);
			if (READ_ONCE(pair_b) != v)
				atomic_inc(&torn_reads);
			read_unlock(&rw);
		}
	}
	return 0;
}

SELFTEST(locks_rwlock)
{
	unsigned long flags;

	pair_a = pair_b = 0;
	atomic_set(&torn_reads, 0);
	ST_EQ(run_lockers(rwlock_fn, "rwlock"), 0);
	ST_EQ(pair_a, NR_LOCKERS / 2 * SPIN_ROUNDS);
	ST_EQ(pair_b, pair_a);
	ST_EQ(atomic_read(&torn_reads), 0);

	/* Readers share; a writer excludes everybody. */
	read_lock(&rw);
	ST_ASSERT(read_trylock(&rw));
	ST_ASSERT(!write_trylock(&rw));
	ST_EQ(preempt_count(), 2);
	read_unlock(&rw);
	read_unlock(&rw);
	ST_EQ(preempt_count(), 0);
	write_lock_irqsave(&rw, flags);
	ST_ASSERT(irqs_disabled());
	ST_ASSERT(!read_trylock(&rw));
	ST_ASSERT(!write_trylock(&rw));
	write_unlock_irqrestore(&rw, flags);
	ST_ASSERT(!irqs_disabled());
	ST_ASSERT(write_trylock(&rw));
	write_unlock(&rw);
	read_lock_irq(&rw);
	ST_ASSERT(irqs_disabled());
	read_unlock_irq(&rw);
	ST_ASSERT(!irqs_disabled());
	ST_EQ(atomic_read(&rw.cnts), 0);

	/*
	 * Writer preference: stand in for a writer waiting for readers to
	 * leave (it holds wait_lock and has set _QW_WAITING).  New readers
	 * stay out, except in interrupt context, where the interrupted code
	 * might be a reader the writer waits for.
	 */
	arch_spin_lock(&rw.wait_lock);
	atomic_or(_QW_WAITING, &rw.cnts);
	ST_ASSERT(!read_trylock(&rw));
	local_irq_disable();
	irq_enter();
	read_lock(&rw);
	ST_EQ(atomic_read(&rw.cnts), _QW_WAITING + _QR_BIAS);
	read_unlock(&rw);
	irq_exit();
	local_irq_enable();
	atomic_and(~_QW_WAITING, &rw.cnts);
	arch_spin_unlock(&rw.wait_lock);
	ST_EQ(atomic_read(&rw.cnts), 0);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Mutexes. */

#define SLEEP_ROUNDS	60
static DEFINE_MUTEX(counter_mutex);

static int mutex_counter_fn(void *arg)
{
	unsigned long v;
	int i;

	for (i = 0; i < SLEEP_ROUNDS; i++) {
		mutex_lock(&counter_mutex);
		if (mutex_owner(&counter_mutex) != current) {
			mutex_unlock(&counter_mutex);
			return -EINVAL;
		}
		v = READ_ONCE(counter);
		if (i % 10 == 9)
			msleep(1);
		else
			yield();
		WRITE_ONCE(counter, v + 1);
		mutex_unlock(&counter_mutex);
	}
	return 0;
}

static int mutex_trylock_fn(void *arg)
{
	return mutex_trylock(&counter_mutex) ? -EBUSY : 0;
}

static int mutex_bad_unlock_fn(void *arg)
{
	mutex_unlock(&counter_mutex);	/* we do not hold it: WARN */
	return 0;
}

SELFTEST(locks_mutex_counter)
{
	selftest_expect_warnings(1);
	counter = 0;
	ST_EQ(run_lockers(mutex_counter_fn, "mutex"), 0);
	ST_EQ(counter, NR_LOCKERS * SLEEP_ROUNDS);
	ST_ASSERT(!mutex_is_locked(&counter_mutex));

	/* Held by us: another thread's trylock fails. */
	mutex_lock(&counter_mutex);
	ST_ASSERT(mutex_owner(&counter_mutex) == current);
	ST_EQ(run_one(mutex_trylock_fn, "trylock"), 0);
	/* Unlocked by someone else: WARN (and it ends up unlocked). */
	ST_EQ(run_one(mutex_bad_unlock_fn, "badunlock"), 0);
	ST_ASSERT(!mutex_is_locked(&counter_mutex));
	ST_ASSERT(mutex_trylock(&counter_mutex));
	mutex_unlock(&counter_mutex);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Semaphores. */

static struct semaphore sem;
static atomic_t inside;
static int max_inside;

static int sem_counter_fn(void *arg)
{
	unsigned long v;
	int i, n;

	for (i = 0; i < SLEEP_ROUNDS; i++) {
		down(&sem);
		n = atomic_inc_return(&inside);
		if (n > READ_ONCE(max_inside))
			WRITE_ONCE(max_inside, n);
		v = READ_ONCE(counter);
		yield();
		WRITE_ONCE(counter, v + 1);
		atomic_dec(&inside);
		up(&sem);
	}
	return 0;
}

static int sem_up_later_fn(void *arg)
{
	msleep(20);
	up(&sem);
	return 0;
}

SELFTEST(locks_semaphore)
{
	struct task_struct *t;
	u64 j0;
	int i;

	/* Binary: the counter stays exact. */
	sema_init(&sem, 1);
	counter = 0;
	atomic_set(&inside, 0);
	max_inside = 0;
	ST_EQ(run_lockers(sem_counter_fn, "sem"), 0);
	ST_EQ(counter, NR_LOCKERS * SLEEP_ROUNDS);
	ST_EQ(max_inside, 1);

	/* Counting: up to three inside at once (the counter is racy then). */
	sema_init(&sem, 3);
	max_inside = 0;
	ST_EQ(run_lockers(sem_counter_fn, "sem3"), 0);
	ST_EQ(max_inside, 3);
	ST_EQ(sem.count, 3);

	/* trylock and timeouts. */
	sema_init(&sem, 1);
	ST_EQ(down_trylock(&sem), 0);
	ST_EQ(down_trylock(&sem), 1);
	j0 = get_jiffies_64();
	ST_EQ(down_timeout(&sem, msecs_to_jiffies(20)), -ETIME);
	ST_ASSERT(get_jiffies_64() - j0 >= msecs_to_jiffies(20));
	ST_ASSERT(list_empty(&sem.wait_list));
	/* up() from another thread hands us the unit. */
	t = kthread_create(sem_up_later_fn, NULL, "up");
	ST_ASSERT(!IS_ERR(t));
	get_task_struct(t);
	wake_up_process(t);
	ST_EQ(down_timeout(&sem, ST_TIMEOUT), 0);
	ST_EQ(sem.count, 0);
	for (i = 0; i < 100 && !completion_done(&t->kthread_exited); i++)
		msleep(1);
	ST_ASSERT(completion_done(&t->kthread_exited));
	put_task_struct(t);
	up(&sem);
	ST_EQ(sem.count, 1);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Real contention: one thread per CPU, all at once. */

#define SMP_ROUNDS	20000

static DEFINE_SPINLOCK(smp_spin);
static DEFINE_MUTEX(smp_mutex);
static DEFINE_RWLOCK(smp_rw);
static unsigned long smp_spin_count, smp_mutex_count, smp_rw_count;
static atomic_t smp_atomic_count;

/* A read-modify-write that tears without mutual exclusion. */
static void slow_inc(unsigned long *c)
{
	unsigned long v = READ_ONCE(*c);

	cpu_relax();
	WRITE_ONCE(*c, v + 1);
}

static int smp_contend(void *arg, unsigned int cpu)
{
	unsigned long flags;
	int i;

	for (i = 0; i < SMP_ROUNDS; i++) {
		spin_lock_irqsave(&smp_spin, flags);
		slow_inc(&smp_spin_count);
		spin_unlock_irqrestore(&smp_spin, flags);

		write_lock(&smp_rw);
		slow_inc(&smp_rw_count);
		write_unlock(&smp_rw);

		atomic_inc(&smp_atomic_count);
		if (i % 16 == 0) {	/* mutexes sleep: fewer rounds */
			mutex_lock(&smp_mutex);
			slow_inc(&smp_mutex_count);
			mutex_unlock(&smp_mutex);
		}
	}
	return 0;
}

SELFTEST(locks_smp_contention)
{
	unsigned long n = num_online_cpus();

	smp_spin_count = smp_mutex_count = smp_rw_count = 0;
	atomic_set(&smp_atomic_count, 0);
	ST_EQ(selftest_run_on_each_cpu(smp_contend, NULL), 0);
	ST_EQ(smp_spin_count, n * SMP_ROUNDS);
	ST_EQ(smp_rw_count, n * SMP_ROUNDS);
	ST_EQ(atomic_read(&smp_atomic_count), n * SMP_ROUNDS);
	ST_EQ(smp_mutex_count, n * DIV_ROUND_UP(SMP_ROUNDS, 16));
	return 0;
}
