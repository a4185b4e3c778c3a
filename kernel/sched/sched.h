/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KERNEL_SCHED_SCHED_H
#define _KERNEL_SCHED_SCHED_H

/*
 * Scheduler internals: run queues and scheduling classes.
 *
 * Locking: rq->lock protects a run queue and the scheduling state of the
 * tasks queued on it (on_rq, the class queues, rq->curr).  p->pi_lock
 * serializes wake-ups and attribute changes of p and nests outside
 * rq->lock.  Two run-queue locks are always taken in CPU-id order
 * (double_rq_lock()).  Interrupts are disabled while an rq->lock is held,
 * because the tick takes it.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

/* Weight of a nice-0 task; weights of the other levels are relative. */
#define NICE_0_LOAD		1024UL
extern const unsigned long sched_prio_to_weight[40];

/* Fair class tunables, in ns (see fair.c). */
#define SCHED_LATENCY_NS	6000000ULL	/* period for up to 8 tasks */
#define SCHED_MIN_GRAN_NS	750000ULL	/* least run before tick preemption */
#define SCHED_WAKEUP_GRAN_NS	1000000ULL	/* lead a waking task needs */
#define SCHED_NR_LATENCY	8

/* Ticks between periodic load-balancing passes (about 40 ms). */
#define BALANCE_INTERVAL	(HZ / 25 ? HZ / 25 : 1)

struct cfs_rq {
	struct rb_root_cached tasks;	/* queued, by vruntime; not curr */
	struct sched_entity *curr;	/* the running fair task, if any */
	unsigned long load;		/* sum of the weights, curr included */
	unsigned int nr_running;	/* curr included */
	u64 min_vruntime;		/* monotonic floor of the vruntimes */
};

struct rt_rq {
	struct list_head queue[MAX_RT_PRIO];	/* one FIFO per priority */
	unsigned long bitmap[BITS_TO_LONGS(MAX_RT_PRIO)]; /* non-empty queues */
	unsigned int nr_running;
};

struct rq {
	spinlock_t lock;
	unsigned int cpu;
	unsigned int nr_running;	/* RT + fair tasks, running one included */
	u64 nr_switches;
	u64 clock;			/* ns (local_clock()), updated under lock */
	struct task_struct *curr;
	struct task_struct *idle;
	struct cfs_rq cfs;
	struct rt_rq rt;
	u64 next_balance;		/* jiffies */
} __aligned(64);

extern struct rq runqueues[NR_CPUS];

#define cpu_rq(cpu)		(&runqueues[(cpu)])
#define this_rq()		cpu_rq(smp_processor_id())
#define task_rq(p)		cpu_rq(task_cpu(p))

/* enqueue_task() flags */
#define ENQUEUE_WAKEUP		0x01	/* after a sleep */
#define ENQUEUE_RESTORE		0x02	/* after an attribute change */
#define ENQUEUE_MIGRATED	0x04	/* moved from another run queue */
/* dequeue_task() flags */
#define DEQUEUE_SLEEP		0x01
#define DEQUEUE_SAVE		0x02
#define DEQUEUE_MIGRATE		0x04

/*
 * p->on_rq: 0 not queued, TASK_ON_RQ_QUEUED queued (running included),
 * TASK_ON_RQ_MIGRATING between the two run queues of a migration, which
 * holds both their locks.  A waker that reads on_rq without a run-queue
 * lock must see a migrating task as queued, or it would queue it a
 * second time once the migration is done.
 */
#define TASK_ON_RQ_QUEUED	1
#define TASK_ON_RQ_MIGRATING	2

/*
 * A scheduling class.  All hooks run with rq->lock held and interrupts
 * disabled.  The running task of a class stays "queued" (p->on_rq) while
 * it runs; pick_next_task() chooses it and set_next_task() makes an
 * already chosen task the running one again after an attribute change;
 * put_prev_task() is called when it stops running.
 */
struct sched_class {
	const struct sched_class *next;	/* the next lower class */
	void (*enqueue_task)(struct rq *rq, struct task_struct *p, int flags);
	void (*dequeue_task)(struct rq *rq, struct task_struct *p, int flags);
	void (*yield_task)(struct rq *rq);
	/* p became runnable here: should it preempt rq->curr (same class)? */
	void (*check_preempt_curr)(struct rq *rq, struct task_struct *p);
	struct task_struct *(*pick_next_task)(struct rq *rq);
	void (*put_prev_task)(struct rq *rq, struct task_struct *p);
	void (*set_next_task)(struct rq *rq, struct task_struct *p);
	void (*task_tick)(struct rq *rq, struct task_struct *p);
	/* Account the running task's CPU time up to rq->clock. */
	void (*update_curr)(struct rq *rq);
	/*
	 * Load balancing: a task queued (not running) on rq that may run
	 * on dst_cpu (can_migrate_task()), preferring the one rq would
	 * run last.  NULL if there is none.
	 */
	struct task_struct *(*pick_migratable)(struct rq *rq, int dst_cpu);
};

extern const struct sched_class rt_sched_class;
extern const struct sched_class fair_sched_class;
extern const struct sched_class idle_sched_class;

#define for_each_class(class)						\
	for (class = &rt_sched_class; class; class = class->next)

/* Is class a above class b? */
static inline bool sched_class_above(const struct sched_class *a,
				     const struct sched_class *b)
{
	const struct sched_class *c;

	for (c = b->next; c; c = c->next)
		if (c == a)
			return false;
	return a != b;
}

static inline bool task_current(struct rq *rq, struct task_struct *p)
{
	return rq->curr == p;
}

/* Running on a CPU, or still being switched out of one. */
static inline bool task_on_cpu(struct task_struct *p)
{
	return READ_ONCE(p->on_cpu);
}

static inline void update_rq_clock(struct rq *rq)
{
	u64 now = local_clock();

	/* Never backwards, even if the clock source is slightly off. */
	if ((s64)(now - rq->clock) > 0)
		rq->clock = now;
}

static inline struct task_struct *task_of(struct sched_entity *se)
{
	return container_of(se, struct task_struct, se);
}

static inline bool can_migrate_task(struct task_struct *p, int dst_cpu)
{
	return !task_on_cpu(p) && cpumask_test_cpu(dst_cpu, &p->cpus_mask);
}

/* core.c */
void resched_curr(struct rq *rq);
void check_preempt_curr(struct rq *rq, struct task_struct *p);
void activate_task(struct rq *rq, struct task_struct *p, int flags);
void deactivate_task(struct rq *rq, struct task_struct *p, int flags);
void set_task_cpu(struct task_struct *p, unsigned int cpu);
void double_rq_lock(struct rq *rq1, struct rq *rq2);
void double_rq_unlock(struct rq *rq1, struct rq *rq2);
struct rq *task_rq_lock(struct task_struct *p, unsigned long *flags);
void task_rq_unlock(struct rq *rq, struct task_struct *p, unsigned long flags);
void do_task_dead(void) __noreturn;

/* fair.c */
void init_cfs_rq(struct cfs_rq *cfs);
void set_load_weight(struct task_struct *p);

/* rt.c */
void init_rt_rq(struct rt_rq *rt);

/* balance.c */
enum balance_type {
	BALANCE_PERIODIC,	/* from the tick */
	BALANCE_NEWLY_IDLE,	/* this CPU has nothing to run */
};
int load_balance(int this_cpu, const cpumask_t *span, enum balance_type type);
void newidle_balance(struct rq *rq);
void trigger_load_balance(struct rq *rq);

/* idle.c */
void schedule_idle(void);

/* Self-test hook (CONFIG_SELFTEST): queue p on cpu's run queue. */
void sched_selftest_enqueue_on(struct task_struct *p, int cpu);

#endif /* _KERNEL_SCHED_SCHED_H */
