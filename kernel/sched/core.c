// SPDX-License-Identifier: GPL-2.0
/*
 * The core scheduler: run queues, schedule(), wake-ups, the tick, and
 * changes of policy, priority and CPU affinity.
 *
 * Context switches happen only in __schedule(), with the run-queue lock
 * held, interrupts disabled and a preempt_count of exactly 2 (one from
 * schedule()/preempt_schedule(), one from the lock).  Because every task
 * is switched out at that same depth, the per-CPU preempt_count needs no
 * saving: finish_task_switch() drops the lock (count 1) and the caller
 * of __schedule() drops the rest.
 */
#include "sched.h"
#include <tessera/errno.h>
#include <tessera/hardirq.h>
#include <tessera/string.h>
#include <asm/barrier.h>
#include <asm/ptrace.h>
#include <asm/switch_to.h>

struct rq runqueues[NR_CPUS];
bool scheduler_running;

void __weak smp_send_reschedule(int cpu)
{
}

/* Ask rq's CPU to reschedule.  rq->lock held. */
void resched_curr(struct rq *rq)
{
	int cpu = rq->cpu;

	if (READ_ONCE(per_cpu(cpu, need_resched)))
		return;
	WRITE_ONCE(per_cpu(cpu, need_resched), 1);
	if (cpu != smp_processor_id())
		smp_send_reschedule(cpu);
}

void set_task_cpu(struct task_struct *p, unsigned int cpu)
{
	WRITE_ONCE(p->cpu, cpu);
}

static void enqueue_task(struct rq *rq, struct task_struct *p, int flags)
{
	p->sched_class->enqueue_task(rq, p, flags);
}

static void dequeue_task(struct rq *rq, struct task_struct *p, int flags)
{
	p->sched_class->dequeue_task(rq, p, flags);
}

void activate_task(struct rq *rq, struct task_struct *p, int flags)
{
	enqueue_task(rq, p, flags);
	rq->nr_running++;
	WRITE_ONCE(p->on_rq, TASK_ON_RQ_QUEUED);
}

void deactivate_task(struct rq *rq, struct task_struct *p, int flags)
{
	WRITE_ONCE(p->on_rq, flags & DEQUEUE_MIGRATE ? TASK_ON_RQ_MIGRATING : 0);
	rq->nr_running--;
	dequeue_task(rq, p, flags);
}

/* p was queued on rq: should it take the CPU from rq->curr? */
void check_preempt_curr(struct rq *rq, struct task_struct *p)
{
	struct task_struct *curr = rq->curr;

	if (!curr)
		return;
	if (p->sched_class == curr->sched_class)
		p->sched_class->check_preempt_curr(rq, p);
	else if (sched_class_above(p->sched_class, curr->sched_class))
		resched_curr(rq);
}

/* Lock two run queues (interrupts already disabled), lower CPU id first. */
void double_rq_lock(struct rq *rq1, struct rq *rq2)
{
	if (rq1 == rq2) {
		spin_lock(&rq1->lock);
		return;
	}
	if (rq1->cpu > rq2->cpu) {
		struct rq *t = rq1;

		rq1 = rq2;
		rq2 = t;
	}
	spin_lock(&rq1->lock);
	spin_lock(&rq2->lock);
}

void double_rq_unlock(struct rq *rq1, struct rq *rq2)
{
	spin_unlock(&rq1->lock);
	if (rq1 != rq2)
		spin_unlock(&rq2->lock);
}

/*
 * Lock the run queue p belongs to, p->pi_lock held: a queued p can still
 * be moved by the load balancer, which holds only run-queue locks.
 */
static struct rq *__task_rq_lock(struct task_struct *p)
{
	struct rq *rq;

	for (;;) {
		rq = task_rq(p);
		spin_lock(&rq->lock);
		if (likely(rq == task_rq(p)))
			return rq;
		spin_unlock(&rq->lock);
	}
}

/*
 * Lock p->pi_lock and the run queue p belongs to; p cannot move to
 * another run queue until task_rq_unlock().
 */
struct rq *task_rq_lock(struct task_struct *p, unsigned long *flags)
{
	struct rq *rq;

	for (;;) {
		spin_lock_irqsave(&p->pi_lock, *flags);
		rq = task_rq(p);
		spin_lock(&rq->lock);
		if (likely(rq == task_rq(p)))
			return rq;
		spin_unlock(&rq->lock);
		spin_unlock_irqrestore(&p->pi_lock, *flags);
	}
}

void task_rq_unlock(struct rq *rq, struct task_struct *p, unsigned long flags)
{
	spin_unlock(&rq->lock);
	spin_unlock_irqrestore(&p->pi_lock, flags);
}

/*
 * Where should a waking p run?  Its previous CPU if allowed and idle,
 * else an idle allowed CPU, else the allowed CPU with the fewest
 * runnable tasks.  Called with p->pi_lock held.
 */
static int select_task_rq(struct task_struct *p)
{
	int prev = task_cpu(p), cpu, best = -1;
	unsigned int nr, best_nr = UINT_MAX;

	if (cpumask_test_cpu(prev, &p->cpus_mask) && cpu_online(prev) &&
	    !READ_ONCE(cpu_rq(prev)->nr_running))
		return prev;
	for_each_cpu(cpu, &p->cpus_mask) {
		if (!cpu_online(cpu))
			continue;
		nr = READ_ONCE(cpu_rq(cpu)->nr_running);
		/* Ties go to the previous CPU, for its warm caches. */
		if (nr < best_nr || (nr == best_nr && cpu == prev)) {
			best = cpu;
			best_nr = nr;
		}
	}
	if (best >= 0)
		return best;
	/* No allowed CPU is online: break the affinity rather than hang. */
	return cpu_online(prev) ? prev : (int)cpumask_first(cpu_online_mask);
}

/*
 * Wake p if its state is in the mask state.
 *
 * Against a p that is going to sleep (set_current_state(), then test,
 * then schedule()): p->pi_lock orders our earlier condition update
 * before the state load.  If p is still queued (it has not reached
 * schedule() yet, or schedule() has not taken rq->lock yet), setting
 * TASK_RUNNING under rq->lock makes schedule() keep it queued.  If it
 * is not queued, it may still be switching out on its CPU: wait for
 * on_cpu to clear before queueing it anywhere, so that it never runs on
 * two CPUs at once.
 */
int try_to_wake_up(struct task_struct *p, unsigned int state, int wake_flags)
{
	unsigned long flags;
	struct rq *rq;
	int cpu, success = 0;

	preempt_disable();
	if (p == current) {
		/* Waking ourselves (e.g. an interrupt before schedule()). */
		if (READ_ONCE(p->__state) & state) {
			WRITE_ONCE(p->__state, TASK_RUNNING);
			success = 1;
		}
		goto out;
	}

	spin_lock_irqsave(&p->pi_lock, flags);
	smp_mb();
	if (!(READ_ONCE(p->__state) & state))
		goto unlock;
	success = 1;

	if (READ_ONCE(p->on_rq)) {
		rq = __task_rq_lock(p);
		if (p->on_rq) {
			/* Queued, maybe preempted before it could sleep. */
			WRITE_ONCE(p->__state, TASK_RUNNING);
			if (!task_current(rq, p)) {
				update_rq_clock(rq);
				check_preempt_curr(rq, p);
			}
			spin_unlock(&rq->lock);
			goto unlock;
		}
		spin_unlock(&rq->lock);
	}

	/* Pairs with the release in finish_task_switch(). */
	smp_cond_load_acquire(&p->on_cpu, !VAL);

	cpu = select_task_rq(p);
	set_task_cpu(p, cpu);
	rq = cpu_rq(cpu);
	spin_lock(&rq->lock);
	update_rq_clock(rq);
	activate_task(rq, p, ENQUEUE_WAKEUP);
	WRITE_ONCE(p->__state, TASK_RUNNING);
	check_preempt_curr(rq, p);
	spin_unlock(&rq->lock);
unlock:
	spin_unlock_irqrestore(&p->pi_lock, flags);
out:
	preempt_enable();
	return success;
}

int wake_up_process(struct task_struct *p)
{
	return try_to_wake_up(p, TASK_NORMAL, 0);
}

int wake_up_state(struct task_struct *p, unsigned int state)
{
	return try_to_wake_up(p, state, 0);
}

/* ---------------------------------------------------------------- */

static void put_prev_task(struct rq *rq, struct task_struct *prev)
{
	prev->sched_class->put_prev_task(rq, prev);
}

static void set_next_task(struct rq *rq, struct task_struct *next)
{
	next->sched_class->set_next_task(rq, next);
}

static struct task_struct *pick_next_task(struct rq *rq,
					  struct task_struct *prev)
{
	const struct sched_class *class;
	struct task_struct *p;

	/* About to go idle: try to pull work from a busier CPU first. */
	if (!rq->nr_running)
		newidle_balance(rq);

	put_prev_task(rq, prev);
	for_each_class(class) {
		p = class->pick_next_task(rq);
		if (p)
			return p;
	}
	BUG();	/* the idle class always has a task */
}

static void check_stack_end(struct task_struct *p)
{
	if (unlikely(*(unsigned long *)p->stack != STACK_END_MAGIC))
		panic("kernel stack overflow in %s/%d", p->comm, p->pid);
}

/*
 * The task switched out, seen from the task switched in (prev is what
 * __switch_to_asm() returned).  Runs with the lock of this CPU's run
 * queue held and interrupts disabled; returns with both released.
 */
static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	unsigned int prev_state = READ_ONCE(prev->__state);

	/*
	 * After this store another CPU may run prev (try_to_wake_up()
	 * waits for it), so prev's state was read before.
	 */
	smp_store_release(&prev->on_cpu, 0);
	spin_unlock_irq(&rq->lock);
	if (unlikely(prev_state == TASK_DEAD))
		put_task_struct(prev);	/* the reference a task holds on itself */
}

/* First thing a new task runs (ret_from_kthread in switch_to.S). */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	preempt_enable();
}

static void context_switch(struct rq *rq, struct task_struct *prev,
			   struct task_struct *next)
{
	WRITE_ONCE(next->on_cpu, 1);
	this_cpu_write(current_task, next);
	this_cpu_write(top_of_stack, task_stack_top(next));
	load_sp0(task_stack_top(next));	/* the stack for entries from user mode */
	switch_user_state(prev, next);
	prev = __switch_to_asm(&prev->thread.sp, next->thread.sp, prev);
	/* Now running as next, on its stack: prev is who ran before. */
	finish_task_switch(prev);
}

/*
 * Pick the next task of this CPU and switch to it.  preempt: called
 * because the task was preempted, not because it wants to sleep, so it
 * stays queued whatever its state.
 */
static void __schedule(bool preempt)
{
	struct task_struct *prev, *next;
	unsigned long *switch_count;
	struct rq *rq;
	unsigned int prev_state;

	local_irq_disable();
	rq = this_rq();
	prev = rq->curr;
	check_stack_end(prev);
	spin_lock(&rq->lock);
	update_rq_clock(rq);

	switch_count = &prev->nivcsw;
	/* Read under rq->lock: try_to_wake_up() sets it under the same lock. */
	prev_state = READ_ONCE(prev->__state);
	if (!preempt && prev_state != TASK_RUNNING) {
		deactivate_task(rq, prev, DEQUEUE_SLEEP);
		switch_count = &prev->nvcsw;
	}

	next = pick_next_task(rq, prev);
	this_cpu_write(need_resched, 0);

	if (likely(prev != next)) {
		rq->nr_switches++;
		++*switch_count;
		rq->curr = next;
		context_switch(rq, prev, next);
	} else {
		spin_unlock_irq(&rq->lock);
	}
}

static void schedule_debug(struct task_struct *prev)
{
	if (unlikely(preempt_count() != PREEMPT_OFFSET)) {
		static bool warned;

		if (!warned && !oops_in_progress) {
			warned = true;
			pr_err("BUG: scheduling while atomic: %s/%d/0x%08x\n",
			       prev->comm, prev->pid, preempt_count());
			__warn(__FILE__, __LINE__, __func__,
			       "scheduling while atomic");
		}
		/* Carry on at the depth every switch expects. */
		this_cpu_write(preempt_count, PREEMPT_OFFSET);
	}
}

void schedule(void)
{
	do {
		preempt_disable();
		schedule_debug(current);
		__schedule(false);
		sched_preempt_enable_no_resched();
	} while (need_resched());
}

/* The idle task's way into the scheduler: it runs with preemption off. */
void schedule_idle(void)
{
	do {
		__schedule(false);
	} while (need_resched());
}

/* preempt_enable() reached zero with a reschedule pending. */
void preempt_schedule(void)
{
	if (likely(!preemptible()))
		return;
	do {
		preempt_disable();
		__schedule(true);
		preempt_enable_no_resched();
	} while (need_resched());
}

/* Preemption on return from an interrupt; interrupts are disabled. */
static void preempt_schedule_irq(void)
{
	do {
		preempt_disable();
		local_irq_enable();
		__schedule(true);
		local_irq_disable();
		sched_preempt_enable_no_resched();
	} while (need_resched());
}

/*
 * Called by do_trap() after an external interrupt was handled (after
 * irq_exit()).  Preempt the interrupted task if it is kernel code that
 * could have been preempted there: preempt_count zero and interrupts
 * enabled when the interrupt hit.  Returning to user mode will check
 * need_resched in the syscall/exit path once there is one.
 */
void irqentry_exit_cond_resched(struct pt_regs *regs)
{
	/* User mode is always preemptible. */
	if (!user_mode(regs) && !(regs->rflags & X86_EFLAGS_IF))
		return;
	if (!preempt_count() && need_resched())
		preempt_schedule_irq();
}

int _cond_resched(void)
{
	if (need_resched() && !preempt_count() && !irqs_disabled()) {
		preempt_schedule();
		return 1;
	}
	return 0;
}

void yield(void)
{
	struct rq *rq;

	__set_current_state(TASK_RUNNING);
	local_irq_disable();
	rq = this_rq();
	spin_lock(&rq->lock);
	update_rq_clock(rq);
	current->sched_class->yield_task(rq);
	/* Drop the lock without preempting: schedule() is next anyway. */
	arch_spin_unlock(&rq->lock.raw);
	local_irq_enable();
	preempt_enable_no_resched();
	schedule();
}

void __might_sleep(const char *file, int line, bool *warned)
{
	if (!scheduler_running || oops_in_progress)
		return;
	if (likely(!preempt_count() && !irqs_disabled()))
		return;
	if (*warned)
		return;
	*warned = true;
	pr_err("BUG: sleeping function called from invalid context at %s:%d\n",
	       file, line);
	pr_err("in_atomic(): %d, irqs_disabled(): %d, pid: %d, name: %s\n",
	       in_atomic(), irqs_disabled(), current->pid, current->comm);
	__warn(file, line, "might_sleep", "sleeping in atomic context");
}

/* ---------------------------------------------------------------- */

void scheduler_tick(void)
{
	int cpu = smp_processor_id();
	struct rq *rq = cpu_rq(cpu);
	struct task_struct *curr;

	spin_lock(&rq->lock);
	update_rq_clock(rq);
	curr = rq->curr;
	curr->sched_class->task_tick(rq, curr);
	spin_unlock(&rq->lock);

	trigger_load_balance(rq);
}

u64 task_sched_runtime(struct task_struct *p)
{
	unsigned long flags;
	struct rq *rq;
	u64 ns;

	rq = task_rq_lock(p, &flags);
	if (task_current(rq, p) && p->on_rq) {
		update_rq_clock(rq);
		p->sched_class->update_curr(rq);
	}
	ns = p->se.sum_exec_runtime;
	task_rq_unlock(rq, p, flags);
	return ns;
}

/*
 * Change a task's scheduling attributes with change(): take it off its
 * queue and CPU role, apply, and put it back, then see who should run.
 */
static void sched_change(struct task_struct *p,
			 void (*change)(struct task_struct *p, const void *arg),
			 const void *arg)
{
	unsigned long flags;
	bool queued, running;
	struct rq *rq;
	int oldprio;

	rq = task_rq_lock(p, &flags);
	update_rq_clock(rq);
	queued = p->on_rq;
	running = task_current(rq, p);
	oldprio = p->prio;
	if (queued)
		dequeue_task(rq, p, DEQUEUE_SAVE);
	if (running)
		put_prev_task(rq, p);

	change(p, arg);

	if (queued)
		enqueue_task(rq, p, ENQUEUE_RESTORE);
	if (running)
		set_next_task(rq, p);

	if (running) {
		/* Lower priority (or a new class): maybe no longer first. */
		if (p->prio > oldprio || p->sched_class != &rt_sched_class)
			resched_curr(rq);
	} else if (queued) {
		check_preempt_curr(rq, p);
	}
	task_rq_unlock(rq, p, flags);
}

struct sched_policy_change {
	int policy;
	int rt_priority;
};

static void __setscheduler(struct task_struct *p, const void *arg)
{
	const struct sched_policy_change *c = arg;

	p->policy = c->policy;
	if (c->policy == SCHED_FIFO || c->policy == SCHED_RR) {
		p->rt_priority = c->rt_priority;
		p->prio = MAX_RT_PRIO - 1 - c->rt_priority;
		p->sched_class = &rt_sched_class;
		p->rt.time_slice = RR_TIMESLICE;
	} else {
		p->rt_priority = 0;
		p->prio = p->static_prio;
		p->sched_class = &fair_sched_class;
	}
}

int sched_setscheduler(struct task_struct *p, int policy,
		       const struct sched_param *param)
{
	struct sched_policy_change c = {
		.policy = policy,
		.rt_priority = param->sched_priority,
	};
	int prio = param->sched_priority;

	switch (policy) {
	case SCHED_NORMAL:
		if (prio != 0)
			return -EINVAL;
		break;
	case SCHED_FIFO:
	case SCHED_RR:
		if (prio < 1 || prio > MAX_USER_RT_PRIO - 1)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (is_idle_task(p))
		return -EINVAL;
	sched_change(p, __setscheduler, &c);
	return 0;
}

static void __set_nice(struct task_struct *p, const void *arg)
{
	p->static_prio = NICE_TO_PRIO(*(const long *)arg);
	set_load_weight(p);
	if (!rt_task(p))
		p->prio = p->static_prio;
}

void set_user_nice(struct task_struct *p, long nice)
{
	if (is_idle_task(p))
		return;
	nice = clamp(nice, (long)MIN_NICE, (long)MAX_NICE);
	sched_change(p, __set_nice, &nice);
}

/*
 * Restrict p to mask.  A queued, not running p moves at once if its CPU
 * is no longer allowed; a running p moves the next time it wakes up
 * (there is no forced migration of a running task yet).
 */
int set_cpus_allowed_ptr(struct task_struct *p, const cpumask_t *mask)
{
	unsigned long flags;
	struct rq *rq, *dst;
	unsigned int cpu;

	if (!cpumask_intersects(mask, cpu_online_mask))
		return -EINVAL;
	rq = task_rq_lock(p, &flags);
	cpumask_copy(&p->cpus_mask, mask);
	p->nr_cpus_allowed = cpumask_weight(mask);
	if (cpumask_test_cpu(task_cpu(p), mask) || task_on_cpu(p) ||
	    !p->on_rq) {
		task_rq_unlock(rq, p, flags);
		return 0;
	}
	/* Queued on a CPU it may no longer use: move it. */
	for_each_cpu(cpu, mask)
		if (cpu_online(cpu))
			break;
	dst = cpu_rq(cpu);
	spin_unlock(&rq->lock);
	double_rq_lock(rq, dst);
	if (task_rq(p) == rq && p->on_rq && !task_on_cpu(p)) {
		update_rq_clock(dst);
		deactivate_task(rq, p, DEQUEUE_MIGRATE);
		set_task_cpu(p, cpu);
		activate_task(dst, p, ENQUEUE_MIGRATED);
		check_preempt_curr(dst, p);
	}
	double_rq_unlock(rq, dst);
	spin_unlock_irqrestore(&p->pi_lock, flags);
	return 0;
}

/* Pin p, which has never been woken, to cpu (kthread_bind()). */
void __kthread_bind(struct task_struct *p, unsigned int cpu)
{
	unsigned long flags;

	spin_lock_irqsave(&p->pi_lock, flags);
	cpumask_clear(&p->cpus_mask);
	cpumask_set_cpu(cpu, &p->cpus_mask);
	p->nr_cpus_allowed = 1;
	p->flags |= PF_NO_SETAFFINITY;
	set_task_cpu(p, cpu);
	spin_unlock_irqrestore(&p->pi_lock, flags);
}

/* Scheduling fields of a new task: SCHED_NORMAL, nice 0, any CPU. */
void sched_fork(struct task_struct *p)
{
	p->policy = SCHED_NORMAL;
	p->static_prio = DEFAULT_PRIO;
	p->prio = p->static_prio;
	p->rt_priority = 0;
	p->sched_class = &fair_sched_class;
	set_load_weight(p);
	RB_CLEAR_NODE(&p->se.run_node);
	p->se.vruntime = 0;	/* relative: placed at its run queue's floor */
	INIT_LIST_HEAD(&p->rt.run_list);
	p->rt.time_slice = RR_TIMESLICE;
	cpumask_setall(&p->cpus_mask);
	p->nr_cpus_allowed = NR_CPUS;
	p->cpu = smp_processor_id();
	p->on_rq = 0;
	p->on_cpu = 0;
}

void sched_init(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct rq *rq = cpu_rq(cpu);

		spin_lock_init(&rq->lock);
		rq->cpu = cpu;
		init_cfs_rq(&rq->cfs);
		init_rt_rq(&rq->rt);
		rq->next_balance = 0;
	}
	/* The boot context becomes CPU 0's idle task. */
	init_idle(current, 0);
}

#ifdef CONFIG_SELFTEST
void sched_selftest_enqueue_on(struct task_struct *p, int cpu)
{
	unsigned long flags;
	struct rq *rq = cpu_rq(cpu);

	spin_lock_irqsave(&p->pi_lock, flags);
	spin_lock(&rq->lock);
	update_rq_clock(rq);
	set_task_cpu(p, cpu);
	activate_task(rq, p, ENQUEUE_WAKEUP);
	WRITE_ONCE(p->__state, TASK_RUNNING);
	spin_unlock(&rq->lock);
	spin_unlock_irqrestore(&p->pi_lock, flags);
}
#endif

/* The last thing an exiting task does (preemption disabled). */
void do_task_dead(void)
{
	set_current_state(TASK_DEAD);
	__schedule(false);
	BUG();
}
