// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler self-tests.  They run in the init kthread, where sleeping is
 * allowed.  Threads that must share a CPU to show something (preemption,
 * priorities, weights) are bound to CPU 0.  Every wait has a timeout, so
 * a broken scheduler fails a test instead of hanging the run.
 */
#include "sched.h"
#include <tessera/delay.h>
#include <tessera/hardirq.h>
#include <tessera/kthread.h>
#include <tessera/selftest.h>
#include <tessera/wait.h>
#include <tessera/workqueue.h>

#define ST_TIMEOUT	(10 * HZ)	/* for waits that should end in ms */

static u64 ms_since(u64 t0)
{
	return (local_clock() - t0) / 1000000;
}

/*
 * Start a kthread that exits on its own, keeping a reference so that
 * st_join() can collect its exit code.
 */
static struct task_struct *st_spawn(int (*fn)(void *), void *arg,
				    const char *name, int cpu)
{
	struct task_struct *t = kthread_create(fn, arg, "%s", name);

	if (IS_ERR(t))
		return NULL;
	get_task_struct(t);
	if (cpu >= 0)
		kthread_bind(t, cpu);
	return t;
}

/*
 * Wait (sleeping) until cond holds, at most ST_TIMEOUT: threads on other
 * CPUs get there when their vCPU runs, not after a fixed delay.
 */
#define st_wait_for(cond) ({						\
	u64 __end = get_jiffies_64() + ST_TIMEOUT;			\
	while (!(cond) && time_before(get_jiffies_64(), __end))		\
		msleep(1);						\
	(cond);								\
})

/* Wait for a st_spawn()ed thread to exit; its exit code, or -ETIMEDOUT. */
static int st_join(struct task_struct *t)
{
	int ret;

	if (!wait_for_completion_timeout(&t->kthread_exited, ST_TIMEOUT))
		return -ETIMEDOUT;	/* leak it rather than free a live task */
	ret = t->exit_code;
	put_task_struct(t);
	return ret;
}

/* ------------------------------------------------------------------ */

SELFTEST(sched_percpu_current)
{
	struct percpu *pc = this_cpu_ptr();
	unsigned long sp;

	asm volatile("movq %%rsp, %0" : "=r"(sp));
	ST_EQ(rdmsr(MSR_GS_BASE), (unsigned long)pc);
	ST_ASSERT(pc == per_cpu_ptr(smp_processor_id()));
	ST_ASSERT(pc->self == pc);
	ST_ASSERT(current == per_cpu(smp_processor_id(), current_task));
	ST_ASSERT(current != &init_task);
	ST_STREQ(current->comm, "init");
	ST_EQ(current->pid, 1);
	ST_ASSERT(cpu_online(smp_processor_id()));
	/* Stacks are THREAD_SIZE aligned and we run on ours. */
	ST_EQ((unsigned long)current->stack % THREAD_SIZE, 0);
	ST_ASSERT(sp > (unsigned long)current->stack && sp < task_stack_top(current));
	ST_EQ(this_cpu_read(top_of_stack), task_stack_top(current));
	ST_EQ(*(unsigned long *)current->stack, STACK_END_MAGIC);
	ST_EQ(*(unsigned long *)init_task.stack, STACK_END_MAGIC);
	return 0;
}

/* TSS.rsp0 of this CPU, found through TR and the GDT as the CPU does. */
static unsigned long read_tss_sp0(void)
{
	struct { u16 limit; u64 base; } __packed gdt;
	u64 *desc, base;
	u16 tr;

	asm volatile("sgdt %0; str %1" : "=m"(gdt), "=r"(tr));
	desc = (u64 *)(gdt.base + (tr & ~7));
	base = ((desc[0] >> 16) & 0xffffff) | (((desc[0] >> 56) & 0xff) << 24) |
	       (desc[1] << 32);
	return *(u64 *)(base + 4);	/* rsp0 follows a reserved u32 */
}

static int sp0_fn(void *arg)
{
	*(unsigned long *)arg = read_tss_sp0();
	return 0;
}

SELFTEST(sched_switch_updates_tss_sp0)
{
	unsigned long theirs = 0, expected;
	struct task_struct *t;

	ST_EQ(read_tss_sp0(), task_stack_top(current));
	t = st_spawn(sp0_fn, &theirs, "sp0", -1);
	ST_ASSERT(t);
	expected = task_stack_top(t);
	wake_up_process(t);
	ST_EQ(st_join(t), 0);
	ST_EQ(theirs, expected);
	ST_EQ(read_tss_sp0(), task_stack_top(current));
	return 0;
}

static int st_irq_flags;

static void st_record_irq_ctx(struct timer_list *t)
{
	st_irq_flags = (in_irq() ? 1 : 0) | (in_interrupt() ? 2 : 0) |
		       (irqs_disabled() ? 4 : 0);
}

SELFTEST(sched_preempt_count)
{
	struct timer_list t;
	DEFINE_SPINLOCK(lock);
	unsigned long flags;

	ST_EQ(preempt_count(), 0);
	ST_ASSERT(!in_atomic() && !in_interrupt() && preemptible());
	preempt_disable();
	preempt_disable();
	ST_EQ(preempt_count(), 2);
	ST_ASSERT(in_atomic() && !preemptible());
	preempt_enable();
	preempt_enable();
	ST_EQ(preempt_count(), 0);

	spin_lock(&lock);
	ST_EQ(preempt_count(), 1);
	spin_unlock(&lock);
	spin_lock_irqsave(&lock, flags);
	ST_ASSERT(irqs_disabled() && preempt_count() == 1);
	spin_unlock_irqrestore(&lock, flags);
	ST_ASSERT(!irqs_disabled() && preempt_count() == 0);
	ST_ASSERT(spin_trylock(&lock));
	ST_ASSERT(!spin_trylock(&lock));
	ST_EQ(preempt_count(), 1);
	spin_unlock(&lock);

	local_irq_disable();
	irq_enter();
	ST_ASSERT(in_irq() && in_interrupt() && hardirq_count() == HARDIRQ_OFFSET);
	irq_exit();
	local_irq_enable();
	ST_ASSERT(!in_interrupt());

	/* A tick-time callback runs in hard interrupt context. */
	timer_setup(&t, st_record_irq_ctx, 0);
	st_irq_flags = 0;
	mod_timer(&t, get_jiffies_64() + 1);
	msleep(20);
	ST_ASSERT(!timer_pending(&t));
	ST_EQ(st_irq_flags, 7);
	return 0;
}

SELFTEST(sched_tick_running)
{
	u64 j0, j1, t0 = local_clock(), ms;

	/*
	 * While this thread spins, the tick keeps coming: HZ/5 ticks arrive,
	 * within 2 s even on a loaded host (QEMU delivers late ticks in a
	 * burst once its thread runs again), and never more than the time
	 * that passed allows.  The rate itself is tick_jiffies_rate's test.
	 */
	j0 = get_jiffies_64();
	while (get_jiffies_64() - j0 < HZ / 5 && ms_since(t0) < 2000)
		cpu_relax();
	j1 = get_jiffies_64();
	ms = ms_since(t0);
	if (j1 - j0 < HZ / 5)
		return selftest_fail("%llu ticks in %llu ms at HZ=%d", j1 - j0, ms, HZ);
	if (j1 - j0 > (ms + 20) * HZ / 1000 * 2)
		return selftest_fail("%llu ticks in only %llu ms at HZ=%d", j1 - j0, ms, HZ);
	return 0;
}

/* ------------------------------------------------------------------ */
/* 64 threads in 32 pairs pass a token back and forth. */

#define PP_PAIRS	32
#define PP_ROUNDS	500

struct pingpong {
	wait_queue_head_t wq;
	struct completion turn[2];
	int token;		/* wait-queue pairs: whose turn it is */
	int count[2];
	bool use_completion;
};

struct pp_side {
	struct pingpong *pp;
	int side;
};

static struct pingpong pp[PP_PAIRS];
static struct pp_side pp_sides[PP_PAIRS][2];

static int pingpong_fn(void *arg)
{
	struct pp_side *s = arg;
	struct pingpong *p = s->pp;
	int me = s->side, i;

	for (i = 0; i < PP_ROUNDS; i++) {
		if (p->use_completion) {
			if (!wait_for_completion_timeout(&p->turn[me], ST_TIMEOUT))
				return -ETIMEDOUT;
			p->count[me]++;
			complete(&p->turn[!me]);
		} else {
			if (!wait_event_timeout(p->wq, READ_ONCE(p->token) == me,
						ST_TIMEOUT))
				return -ETIMEDOUT;
			p->count[me]++;
			WRITE_ONCE(p->token, !me);
			wake_up(&p->wq);
		}
	}
	return 0;
}

SELFTEST(sched_pingpong_64_threads)
{
	static struct task_struct *t[PP_PAIRS][2];
	int i, s, ret = 0;

	for (i = 0; i < PP_PAIRS; i++) {
		init_waitqueue_head(&pp[i].wq);
		init_completion(&pp[i].turn[0]);
		init_completion(&pp[i].turn[1]);
		pp[i].token = 0;
		pp[i].count[0] = pp[i].count[1] = 0;
		pp[i].use_completion = i & 1;
		for (s = 0; s < 2; s++) {
			pp_sides[i][s] = (struct pp_side){ &pp[i], s };
			t[i][s] = st_spawn(pingpong_fn, &pp_sides[i][s], "pingpong", -1);
			ST_ASSERT(t[i][s]);
		}
	}
	for (i = 0; i < PP_PAIRS; i++)
		for (s = 0; s < 2; s++)
			wake_up_process(t[i][s]);
	for (i = 0; i < PP_PAIRS; i++)
		complete(&pp[i].turn[0]);	/* side 0 of completion pairs starts */
	for (i = 0; i < PP_PAIRS; i++)
		for (s = 0; s < 2; s++)
			ret |= st_join(t[i][s]);
	ST_EQ(ret, 0);
	for (i = 0; i < PP_PAIRS; i++) {
		ST_EQ(pp[i].count[0], PP_ROUNDS);
		ST_EQ(pp[i].count[1], PP_ROUNDS);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/*
 * The tick preempts a thread that never gives up the CPU: nothing else
 * happens meanwhile (no wake-ups), so only the time slice ending at a
 * tick can let the other thread run.
 */

static bool other_ran;

static int tick_spinner_fn(void *arg)
{
	u64 t0 = local_clock();

	while (!READ_ONCE(other_ran) && ms_since(t0) < 2000)
		cpu_relax();
	return READ_ONCE(other_ran) ? 0 : -ETIMEDOUT;
}

static int tick_other_fn(void *arg)
{
	WRITE_ONCE(other_ran, true);
	return 0;
}

SELFTEST(sched_tick_preempts_spinner)
{
	struct sched_param fifo90 = { 90 }, normal = { 0 };
	struct task_struct *spinner, *other;

	other_ran = false;
	spinner = st_spawn(tick_spinner_fn, NULL, "spinner", 0);
	other = st_spawn(tick_other_fn, NULL, "other", 0);
	ST_ASSERT(spinner && other);
	/* Queue both while we outrank them: the spinner runs first. */
	ST_EQ(sched_setscheduler(current, SCHED_FIFO, &fifo90), 0);
	wake_up_process(spinner);
	wake_up_process(other);
	ST_EQ(sched_setscheduler(current, SCHED_NORMAL, &normal), 0);
	ST_EQ(st_join(other), 0);
	ST_ASSERT(spinner->nivcsw > 0);		/* it was preempted */
	ST_EQ(st_join(spinner), 0);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Real-time tasks run before fair ones. */

static DEFINE_SPINLOCK(order_lock);
static int order[8], nr_order;

static int record_order_fn(void *arg)
{
	unsigned long flags;

	spin_lock_irqsave(&order_lock, flags);
	order[nr_order++] = (long)arg;
	spin_unlock_irqrestore(&order_lock, flags);
	return 0;
}

static bool rt_spin_done;
static unsigned long fair_progress;

static int rt_spin_fn(void *arg)
{
	unsigned long before = READ_ONCE(fair_progress);
	u64 t0 = local_clock();

	while (ms_since(t0) < 50)
		cpu_relax();
	/* The fair thread must not have run while we were runnable. */
	return READ_ONCE(fair_progress) == before ? 0 : -EBUSY;
}

static int fair_count_fn(void *arg)
{
	while (!READ_ONCE(rt_spin_done))
		WRITE_ONCE(fair_progress, fair_progress + 1);
	return 0;
}

SELFTEST(sched_rt_before_fair)
{
	struct sched_param fifo90 = { 90 }, fifo50 = { 50 }, normal = { 0 };
	struct task_struct *t[4], *rt, *fair;
	int i;

	/* Queue three fair threads and one RT thread while we outrank them. */
	ST_EQ(sched_setscheduler(current, SCHED_FIFO, &fifo90), 0);
	ST_ASSERT(rt_task(current) && current->prio == MAX_RT_PRIO - 1 - 90);
	nr_order = 0;
	for (i = 0; i < 4; i++) {
		t[i] = st_spawn(record_order_fn, (void *)(long)i, "order", 0);
		ST_ASSERT(t[i]);
	}
	ST_EQ(sched_setscheduler(t[3], SCHED_FIFO, &fifo50), 0);
	for (i = 0; i < 4; i++)
		wake_up_process(t[i]);
	ST_EQ(nr_order, 0);
	ST_EQ(sched_setscheduler(current, SCHED_NORMAL, &normal), 0);
	ST_ASSERT(!rt_task(current) && current->prio == DEFAULT_PRIO);
	for (i = 0; i < 4; i++)
		ST_EQ(st_join(t[i]), 0);
	ST_EQ(nr_order, 4);
	ST_EQ(order[0], 3);

	/* A woken RT thread preempts us at once... */
	nr_order = 0;
	rt = st_spawn(record_order_fn, (void *)7L, "rt", 0);
	ST_ASSERT(rt);
	ST_EQ(sched_setscheduler(rt, SCHED_RR, &fifo50), 0);
	wake_up_process(rt);
	ST_EQ(nr_order, 1);
	ST_EQ(st_join(rt), 0);

	/* ...and no fair thread runs while it is runnable. */
	rt_spin_done = false;
	fair = st_spawn(fair_count_fn, NULL, "fair", 0);
	rt = st_spawn(rt_spin_fn, NULL, "rt", 0);
	ST_ASSERT(fair && rt);
	wake_up_process(fair);
	msleep(10);
	ST_EQ(sched_setscheduler(rt, SCHED_FIFO, &fifo50), 0);
	wake_up_process(rt);
	ST_EQ(st_join(rt), 0);
	WRITE_ONCE(rt_spin_done, true);
	ST_EQ(st_join(fair), 0);

	/* Bad parameters. */
	ST_EQ(sched_setscheduler(current, SCHED_FIFO, &normal), -EINVAL);
	ST_EQ(sched_setscheduler(current, SCHED_NORMAL, &fifo50), -EINVAL);
	fifo90.sched_priority = 100;
	ST_EQ(sched_setscheduler(current, SCHED_RR, &fifo90), -EINVAL);
	ST_EQ(sched_setscheduler(current, 7, &fifo50), -EINVAL);
	return 0;
}

/*
 * A reschedule requested while preemption is off happens at
 * preempt_enable(), or at cond_resched() after preempt_enable_no_resched().
 */
SELFTEST(sched_preempt_enable_reschedules)
{
	struct sched_param fifo50 = { 50 };
	struct task_struct *rt;

	nr_order = 0;
	rt = st_spawn(record_order_fn, (void *)1L, "rt", 0);
	ST_ASSERT(rt);
	ST_EQ(sched_setscheduler(rt, SCHED_FIFO, &fifo50), 0);
	preempt_disable();
	wake_up_process(rt);
	ST_ASSERT(need_resched());
	ST_EQ(nr_order, 0);
	preempt_enable();
	ST_EQ(nr_order, 1);
	ST_EQ(st_join(rt), 0);

	rt = st_spawn(record_order_fn, (void *)2L, "rt", 0);
	ST_ASSERT(rt);
	ST_EQ(sched_setscheduler(rt, SCHED_FIFO, &fifo50), 0);
	preempt_disable();
	wake_up_process(rt);
	preempt_enable_no_resched();
	ST_EQ(nr_order, 1);
	ST_ASSERT(need_resched());
	ST_EQ(cond_resched(), 1);
	ST_EQ(nr_order, 2);
	ST_ASSERT(!need_resched());
	ST_EQ(cond_resched(), 0);
	ST_EQ(st_join(rt), 0);
	return 0;
}

/* Two SCHED_RR threads of equal priority take turns without yielding. */
static unsigned long rr_count[2];

static int rr_fn(void *arg)
{
	long me = (long)arg;
	u64 t0 = local_clock();

	do {
		WRITE_ONCE(rr_count[me], rr_count[me] + 1);
	} while (!READ_ONCE(rr_count[!me]) && ms_since(t0) < 2000);
	return READ_ONCE(rr_count[!me]) ? 0 : -ETIMEDOUT;
}

SELFTEST(sched_rr_timeslice)
{
	struct sched_param rr = { 10 }, fifo90 = { 90 }, normal = { 0 };
	struct task_struct *t[2];
	long i;

	rr_count[0] = rr_count[1] = 0;
	for (i = 0; i < 2; i++) {
		t[i] = st_spawn(rr_fn, (void *)i, "rr", 0);
		ST_ASSERT(t[i]);
		ST_EQ(sched_setscheduler(t[i], SCHED_RR, &rr), 0);
	}
	/* Outrank them until both are queued. */
	ST_EQ(sched_setscheduler(current, SCHED_FIFO, &fifo90), 0);
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	ST_EQ(sched_setscheduler(current, SCHED_NORMAL, &normal), 0);
	ST_EQ(st_join(t[0]), 0);
	ST_EQ(st_join(t[1]), 0);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lower nice, more CPU. */

static int nice_spin_fn(void *arg)
{
	while (!kthread_should_stop())
		cpu_relax();
	return 0;
}

SELFTEST(sched_nice_weights)
{
	struct task_struct *heavy, *light;
	u64 h, l;

	heavy = kthread_create(nice_spin_fn, NULL, "nice-5");
	light = kthread_create(nice_spin_fn, NULL, "nice+5");
	ST_ASSERT(!IS_ERR(heavy) && !IS_ERR(light));
	kthread_bind(heavy, 0);
	kthread_bind(light, 0);
	wake_up_process(heavy);
	wake_up_process(light);
	/* Change the weights of queued/running tasks. */
	set_user_nice(heavy, -5);
	set_user_nice(light, 5);
	ST_EQ(task_nice(heavy), -5);
	ST_EQ(task_nice(light), 5);
	msleep(300);
	h = task_sched_runtime(heavy);
	l = task_sched_runtime(light);
	ST_EQ(kthread_stop(heavy), 0);
	ST_EQ(kthread_stop(light), 0);
	/* Weights 3125 : 336 give ~9 : 1; demand 3 : 1 and both running. */
	if (!(l > 0 && h > 3 * l))
		return selftest_fail("nice -5 got %llu us, nice 5 got %llu us",
				     h / 1000, l / 1000);
	return 0;
}

/* ------------------------------------------------------------------ */
/*
 * yield() puts the caller behind every other runnable task of its CPU,
 * even one it is far ahead of in fairness: a nice -10 thread yields to
 * a nice 10 spinner, whose vruntime runs 87 times faster.
 */
static unsigned long yield_spins;
static bool yield_stop;

static int yield_spinner_fn(void *arg)
{
	while (!READ_ONCE(yield_stop))
		WRITE_ONCE(yield_spins, yield_spins + 1);
	return 0;
}

static int yielder_fn(void *arg)
{
	unsigned long before;
	int i, ran = 0;

	for (i = 0; i < 10; i++) {
		before = READ_ONCE(yield_spins);
		yield();
		ran += READ_ONCE(yield_spins) != before;
	}
	WRITE_ONCE(yield_stop, true);
	return ran;
}

SELFTEST(sched_yield)
{
	struct task_struct *yielder, *spinner;

	yield_spins = 0;
	yield_stop = false;
	yielder = st_spawn(yielder_fn, NULL, "yielder", 0);
	spinner = st_spawn(yield_spinner_fn, NULL, "spinner", 0);
	ST_ASSERT(yielder && spinner);
	set_user_nice(yielder, -10);
	set_user_nice(spinner, 10);
	wake_up_process(spinner);
	msleep(10);
	wake_up_process(yielder);
	/* The spinner ran during each of the ten yields. */
	ST_EQ(st_join(yielder), 10);
	ST_EQ(st_join(spinner), 0);
	return 0;
}

/* ------------------------------------------------------------------ */

static int bound_fn(void *arg)
{
	int *where = arg;

	where[0] = smp_processor_id();
	where[1] = task_cpu(current);
	return 0;
}

SELFTEST(sched_kthread_bind)
{
	struct task_struct *t;
	int cpu, n = 0, where[2];

	for_each_online_cpu(cpu) {
		where[0] = where[1] = -1;
		t = st_spawn(bound_fn, where, "bound", cpu);
		ST_ASSERT(t);
		ST_EQ(task_cpu(t), cpu);
		ST_EQ(cpumask_weight(&t->cpus_mask), 1);
		ST_ASSERT(cpumask_test_cpu(cpu, &t->cpus_mask));
		wake_up_process(t);
		ST_EQ(st_join(t), 0);
		ST_EQ(where[0], cpu);
		ST_EQ(where[1], cpu);
		n++;
	}
	ST_EQ(n, num_online_cpus());
	return 0;
}

static int stop_me_fn(void *arg)
{
	while (!kthread_should_stop())
		msleep(1);
	return 42;
}

static bool wait_task_freed(struct task_struct *t)
{
	int i;

	for (i = 0; i < 100 && task_is_alive(t); i++)
		msleep(1);
	return !task_is_alive(t);
}

/*
 * Freed means off the task list (task_is_alive); a global count would
 * race with other CPUs' tasks coming and going.
 */
SELFTEST(sched_kthread_stop_frees)
{
	struct task_struct *t;

	t = kthread_run(stop_me_fn, NULL, "stop-me");
	ST_ASSERT(!IS_ERR(t));
	ST_ASSERT(task_is_alive(t));
	msleep(5);
	ST_EQ(kthread_stop(t), 42);
	ST_ASSERT(wait_task_freed(t));

	/* Stopped before it ever ran: fn is not called. */
	t = kthread_create(stop_me_fn, NULL, "never-ran");
	ST_ASSERT(!IS_ERR(t));
	ST_EQ(kthread_stop(t), -EINTR);
	ST_ASSERT(wait_task_freed(t));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Timed sleeps.  local_clock() is the TSC, calibrated against the PIT. */

static struct task_struct *wake_target;

static int waker_fn(void *arg)
{
	msleep(20);
	wake_up_process(wake_target);
	return 0;
}

SELFTEST(sched_msleep_and_timeouts)
{
	struct task_struct *waker;
	u64 t0, j0, ms = 0;
	long left;
	int i;

	/*
	 * msleep(100) waits for 26 tick edges at HZ=250 (the tick period
	 * it starts in is partly gone), so at least 25 whole periods: 100
	 * to 104 ms of TSC time on an idle host.  The tick count is checked
	 * exactly; the TSC time loosely, 75 to 250 ms, best of three tries:
	 * on a loaded host QEMU delivers PIT ticks late and then in a
	 * catch-up burst, and the TSC calibration of the boot (10 ms against
	 * the PIT) can be off by 20%.  The time branch re-measures against
	 * the HPET.
	 */
	for (i = 0; i < 3; i++) {
		j0 = get_jiffies_64();
		t0 = local_clock();
		msleep(100);
		ms = ms_since(t0);
		ST_ASSERT(get_jiffies_64() - j0 >= msecs_to_jiffies(100) + 1);
		if (ms >= 75 && ms <= 250)
			break;
	}
	if (i == 3)
		return selftest_fail("msleep(100) took %llu ms", ms);

	/* Timing out returns 0, after the timeout; woken early, what is left. */
	j0 = get_jiffies_64();
	left = schedule_timeout_uninterruptible(msecs_to_jiffies(30));
	ST_EQ(left, 0);
	ST_ASSERT(get_jiffies_64() - j0 >= msecs_to_jiffies(30));

	wake_target = current;
	waker = st_spawn(waker_fn, NULL, "waker", -1);
	ST_ASSERT(waker);
	wake_up_process(waker);
	t0 = local_clock();
	set_current_state(TASK_UNINTERRUPTIBLE);
	left = schedule_timeout(HZ);
	ST_ASSERT(left > 0 && left < HZ);
	ST_ASSERT(ms_since(t0) < 500);
	ST_EQ(st_join(waker), 0);
	ST_ASSERT(!timer_pending(&current->sleep_timer));
	return 0;
}

static DECLARE_WAIT_QUEUE_HEAD(st_wq);
static bool st_cond;
static DECLARE_COMPLETION(st_done);

static int set_cond_fn(void *arg)
{
	msleep(20);
	WRITE_ONCE(st_cond, true);
	wake_up(&st_wq);
	complete_all(&st_done);
	return 0;
}

SELFTEST(sched_wait_event_and_completion)
{
	struct task_struct *t;
	long left;
	u64 j0;

	/* Timeouts. */
	st_cond = false;
	j0 = get_jiffies_64();
	ST_EQ(wait_event_timeout(st_wq, READ_ONCE(st_cond), 5), 0);
	ST_ASSERT(get_jiffies_64() - j0 >= 5);
	ST_EQ(wait_for_completion_timeout(&st_done, 2), 0);
	ST_ASSERT(!try_wait_for_completion(&st_done));
	ST_ASSERT(!completion_done(&st_done));
	/* A true condition returns at once, with at least 1 left. */
	st_cond = true;
	ST_EQ(wait_event_timeout(st_wq, READ_ONCE(st_cond), 0), 1);
	ST_ASSERT(wait_event_timeout(st_wq, READ_ONCE(st_cond), 10) >= 1);

	/* Woken by another thread. */
	st_cond = false;
	t = st_spawn(set_cond_fn, NULL, "setcond", -1);
	ST_ASSERT(t);
	wake_up_process(t);
	left = wait_event_timeout(st_wq, READ_ONCE(st_cond), ST_TIMEOUT);
	ST_ASSERT(left > 0);
	ST_ASSERT(wait_for_completion_timeout(&st_done, ST_TIMEOUT) > 0);
	ST_EQ(st_join(t), 0);
	/* complete_all() lets everyone through until reinit. */
	wait_for_completion(&st_done);
	ST_ASSERT(try_wait_for_completion(&st_done));
	ST_ASSERT(completion_done(&st_done));
	reinit_completion(&st_done);
	ST_ASSERT(!completion_done(&st_done));
	/* complete() is counted. */
	complete(&st_done);
	complete(&st_done);
	ST_ASSERT(try_wait_for_completion(&st_done));
	ST_ASSERT(try_wait_for_completion(&st_done));
	ST_ASSERT(!try_wait_for_completion(&st_done));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Exclusive waiters: wake_up() wakes one, wake_up_all() the others. */

static DECLARE_WAIT_QUEUE_HEAD(excl_wq);
static atomic_t excl_woken;
static bool excl_go;

static int excl_waiter_fn(void *arg)
{
	DEFINE_WAIT(wait);
	u64 t0 = local_clock();

	for (;;) {
		prepare_to_wait_exclusive(&excl_wq, &wait, TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(excl_go) || ms_since(t0) > 60000)
			break;
		schedule_timeout(HZ);
		/* One wake-up lets exactly one of us through. */
		if (list_empty_careful(&wait.entry))
			break;
	}
	finish_wait(&excl_wq, &wait);
	atomic_inc(&excl_woken);
	return 0;
}

SELFTEST(sched_waitqueue_exclusive)
{
	struct wait_queue_entry extra;
	struct task_struct *t[3];
	int i;

	atomic_set(&excl_woken, 0);
	excl_go = false;
	for (i = 0; i < 3; i++) {
		t[i] = st_spawn(excl_waiter_fn, NULL, "excl", -1);
		ST_ASSERT(t[i]);
		wake_up_process(t[i]);
	}
	/* A non-exclusive entry added by hand: woken by every wake_up. */
	init_waitqueue_entry(&extra, current);
	add_wait_queue(&excl_wq, &extra);
	ST_ASSERT(st_wait_for(list_count_nodes(&excl_wq.head) == 4));
	wake_up(&excl_wq);
	/* One exclusive waiter wakes; give a wrongly woken second a chance. */
	ST_ASSERT(st_wait_for(atomic_read(&excl_woken) >= 1));
	msleep(20);
	ST_EQ(atomic_read(&excl_woken), 1);
	remove_wait_queue(&excl_wq, &extra);
	ST_EQ(list_count_nodes(&excl_wq.head), 2);
	WRITE_ONCE(excl_go, true);
	wake_up_all(&excl_wq);
	for (i = 0; i < 3; i++)
		ST_EQ(st_join(t[i]), 0);
	ST_EQ(atomic_read(&excl_woken), 3);
	ST_ASSERT(!waitqueue_active(&excl_wq));
	return 0;
}

/* ------------------------------------------------------------------ */

/*
 * Overflowing a kernel stack is caught at the next schedule(): overwrite
 * the guard word at the bottom of ours and yield.  Panics on purpose
 * (tests/30-sched.sh).
 */
SELFTEST_EXPLICIT_ONLY(sched_stack_overflow)
{
	*(unsigned long *)current->stack = 0;
	schedule();
	return selftest_fail("schedule() did not notice the overflow");
}

/* schedule() with preemption disabled complains and repairs the count. */
SELFTEST(sched_scheduling_while_atomic)
{
	selftest_expect_warnings(1);
	preempt_disable();
	schedule();
	ST_EQ(preempt_count(), 0);
	return 0;
}

SELFTEST(sched_might_sleep_warns)
{
	int i;

	selftest_expect_warnings(2);
	might_sleep();			/* fine here */
	preempt_disable();
	for (i = 0; i < 3; i++)
		might_sleep();		/* one WARN for this call site */
	preempt_enable();
	local_irq_disable();
	might_sleep();			/* another site: one more */
	local_irq_enable();
	might_sleep();
	return 0;
}

/* ------------------------------------------------------------------ */
/*
 * Load balancing, with one CPU: tasks are queued by hand on CPU 1's run
 * queue (its CPU is not online, so only this test looks at it) and
 * CPU 0 pulls them.
 */

static struct completion lb_ran[4];

static int lb_fn(void *arg)
{
	complete(&lb_ran[(long)arg]);
	return 0;
}

SELFTEST(sched_load_balance_pull)
{
	struct task_struct *t[4];
	cpumask_t span, only0;
	long i;

	if (NR_CPUS < 2 || cpu_online(1))
		return 0;	/* nothing to simulate with */
	for (i = 0; i < 4; i++) {
		init_completion(&lb_ran[i]);
		t[i] = st_spawn(lb_fn, (void *)i, "lb", i == 3 ? 1 : -1);
		ST_ASSERT(t[i]);
	}
	for (i = 0; i < 4; i++)
		sched_selftest_enqueue_on(t[i], 1);
	ST_EQ(cpu_rq(1)->nr_running, 4);

	cpumask_clear(&span);
	cpumask_set_cpu(0, &span);
	cpumask_set_cpu(1, &span);
	/*
	 * 4 there, 1 (us) here: move half the difference, i.e. one.  Sleep
	 * after each pass so that what was pulled runs and exits.
	 */
	ST_EQ(load_balance(0, &span, BALANCE_PERIODIC), 1);
	ST_EQ(cpu_rq(1)->nr_running, 3);
	msleep(2);
	ST_EQ(load_balance(0, &span, BALANCE_PERIODIC), 1);
	ST_EQ(cpu_rq(1)->nr_running, 2);
	msleep(2);
	/* 2 there, 1 here: balanced enough. */
	ST_EQ(load_balance(0, &span, BALANCE_PERIODIC), 0);
	/* t[3] is bound to CPU 1 and was never taken. */
	ST_EQ(task_cpu(t[3]), 1);

	/* Changing the affinity of a queued task moves it. */
	cpumask_clear(&only0);
	cpumask_set_cpu(0, &only0);
	for (i = 0; i < 4; i++)
		if (task_cpu(t[i]) == 1)
			ST_EQ(set_cpus_allowed_ptr(t[i], &only0), 0);
	ST_EQ(cpu_rq(1)->nr_running, 0);
	for (i = 0; i < 4; i++) {
		ST_ASSERT(wait_for_completion_timeout(&lb_ran[i], ST_TIMEOUT));
		ST_EQ(st_join(t[i]), 0);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Workqueues. */

static u64 wq_ran_at;		/* jiffies, or 0 */
static int wq_seq[10], wq_nr;
static bool slow_done;

static void slow_work_fn(struct work_struct *w)
{
	msleep(30);
	WRITE_ONCE(slow_done, true);
}

static void stamp_work_fn(struct work_struct *w)
{
	WRITE_ONCE(wq_ran_at, get_jiffies_64());
}

struct seq_work {
	struct work_struct work;
	int id;
};

static void seq_work_fn(struct work_struct *w)
{
	msleep(1);
	wq_seq[wq_nr++] = container_of(w, struct seq_work, work)->id;
}

SELFTEST(sched_workqueue)
{
	/* Static: a failed check must not leave queued items on the stack. */
	static struct seq_work items[10];
	static struct work_struct slow;
	static struct delayed_work dw;
	struct workqueue_struct *wq;
	unsigned int before;
	u64 j0;
	int i;

	/* flush_work() waits for a sleeping item. */
	INIT_WORK(&slow, slow_work_fn);
	ST_ASSERT(!flush_work(&slow));
	slow_done = false;
	ST_ASSERT(schedule_work(&slow));
	ST_ASSERT(flush_work(&slow));
	ST_ASSERT(READ_ONCE(slow_done));
	ST_ASSERT(!work_pending(&slow));

	/* Delayed work fires after its delay, not before. */
	INIT_DELAYED_WORK(&dw, stamp_work_fn);
	wq_ran_at = 0;
	j0 = get_jiffies_64();
	ST_ASSERT(schedule_delayed_work(&dw, msecs_to_jiffies(50)));
	ST_ASSERT(work_pending(&dw.work));
	msleep(20);
	ST_ASSERT(!READ_ONCE(wq_ran_at) ||
		  wq_ran_at - j0 >= msecs_to_jiffies(50));
	msleep(100);
	ST_ASSERT(wq_ran_at);
	ST_ASSERT(wq_ran_at - j0 >= msecs_to_jiffies(50));
	ST_ASSERT(wq_ran_at - j0 <= msecs_to_jiffies(100));

	/* A cancelled delayed item does not run. */
	wq_ran_at = 0;
	ST_ASSERT(schedule_delayed_work(&dw, msecs_to_jiffies(20)));
	ST_ASSERT(cancel_delayed_work(&dw));
	ST_ASSERT(!work_pending(&dw.work));
	msleep(50);
	ST_EQ(READ_ONCE(wq_ran_at), 0);
	/* flush_delayed_work() runs it now; queueing a pending item fails. */
	ST_ASSERT(schedule_delayed_work(&dw, 10 * HZ));
	ST_ASSERT(!schedule_delayed_work(&dw, 1));
	flush_delayed_work(&dw);	/* false if it ran before we could wait */
	ST_ASSERT(wq_ran_at);

	/* A private workqueue runs items in order; destroying it drains it. */
	before = nr_tasks_allocated();
	wq = create_workqueue("st_wq");
	ST_ASSERT(wq);
	wq_nr = 0;
	for (i = 0; i < 10; i++) {
		INIT_WORK(&items[i].work, seq_work_fn);
		items[i].id = i;
		ST_ASSERT(queue_work(wq, &items[i].work));
	}
	destroy_workqueue(wq);
	ST_EQ(wq_nr, 10);
	for (i = 0; i < 10; i++)
		ST_EQ(wq_seq[i], i);
	/* Its workers exit: the count falls back (others only ever leave). */
	for (i = 0; i < 100 && nr_tasks_allocated() > before; i++)
		msleep(1);
	ST_ASSERT(nr_tasks_allocated() <= before);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Unbound CPU-bound threads spread over every CPU. */

#define NR_SPREAD	8

static u64 spread_cpus;

static int spread_fn(void *arg)
{
	u64 t0 = local_clock();

	while (ms_since(t0) < 300) {
		__atomic_or_fetch(&spread_cpus, 1ULL << raw_smp_processor_id(),
				  __ATOMIC_RELAXED);
		cpu_relax();
	}
	return 0;
}

SELFTEST(sched_spread_smp)
{
	struct task_struct *t[NR_SPREAD];
	u64 all = cpu_online_mask->bits[0];
	int i;

	spread_cpus = 0;
	for (i = 0; i < NR_SPREAD; i++) {
		t[i] = st_spawn(spread_fn, NULL, "spread", -1);
		ST_ASSERT(t[i]);
	}
	for (i = 0; i < NR_SPREAD; i++)
		wake_up_process(t[i]);
	for (i = 0; i < NR_SPREAD; i++)
		ST_EQ(st_join(t[i]), 0);
	/* Placement at wake-up and load balancing reach every CPU. */
	ST_EQ(spread_cpus & all, all);
	return 0;
}
