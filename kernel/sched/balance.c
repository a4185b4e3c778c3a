// SPDX-License-Identifier: GPL-2.0
/*
 * Load balancing between the run queues of the online CPUs.
 *
 * A CPU pulls; nobody pushes.  It looks for the busiest run queue (most
 * runnable tasks) and moves over tasks that are queued there but not
 * running and that are allowed on it:
 *  - when it is about to go idle (newidle_balance(), from schedule()),
 *    and from the tick of an idle CPU: one task, if there is one;
 *  - every BALANCE_INTERVAL ticks otherwise: half the difference, when
 *    the busiest queue has at least two tasks more.
 * Both run-queue locks are held while tasks move (double_rq_lock(),
 * lower CPU id first).
 */
#include "sched.h"

/* Take one task off src that may run on dst_cpu (both locks held). */
static struct task_struct *detach_one_task(struct rq *src, int dst_cpu)
{
	const struct sched_class *class;
	struct task_struct *p;

	for_each_class(class) {
		p = class->pick_migratable(src, dst_cpu);
		if (p) {
			deactivate_task(src, p, DEQUEUE_MIGRATE);
			set_task_cpu(p, dst_cpu);
			return p;
		}
	}
	return NULL;
}

static struct rq *find_busiest_queue(int this_cpu, const cpumask_t *span)
{
	struct rq *busiest = NULL;
	unsigned int nr, max_nr = 0;
	int cpu;

	for_each_cpu(cpu, span) {
		if (cpu == this_cpu)
			continue;
		nr = READ_ONCE(cpu_rq(cpu)->nr_running);
		if (nr > max_nr) {
			max_nr = nr;
			busiest = cpu_rq(cpu);
		}
	}
	return busiest;
}

/*
 * Pull tasks from the busiest run queue among the CPUs of span to
 * this_cpu.  Returns the number of tasks moved.  No run-queue lock may
 * be held by the caller.
 */
int load_balance(int this_cpu, const cpumask_t *span, enum balance_type type)
{
	struct rq *this_rq = cpu_rq(this_cpu), *busiest;
	struct task_struct *p;
	unsigned long flags;
	int moved = 0, imbalance;

	busiest = find_busiest_queue(this_cpu, span);
	if (!busiest)
		return 0;

	preempt_disable();
	flags = local_irq_save();
	double_rq_lock(this_rq, busiest);
	if (type == BALANCE_NEWLY_IDLE)
		imbalance = !this_rq->nr_running && busiest->nr_running;
	else if (busiest->nr_running > this_rq->nr_running + 1)
		imbalance = (busiest->nr_running - this_rq->nr_running) / 2;
	else
		imbalance = 0;
	if (imbalance) {
		update_rq_clock(this_rq);
		update_rq_clock(busiest);
	}
	while (imbalance-- > 0) {
		p = detach_one_task(busiest, this_cpu);
		if (!p)
			break;
		activate_task(this_rq, p, ENQUEUE_MIGRATED);
		check_preempt_curr(this_rq, p);
		moved++;
	}
	double_rq_unlock(this_rq, busiest);
	local_irq_restore(flags);
	preempt_enable();
	return moved;
}

/*
 * From pick_next_task(), with rq->lock held and nothing runnable: drop
 * the lock to pull a task from elsewhere.  The caller picks again.
 */
void newidle_balance(struct rq *rq)
{
	if (num_online_cpus() < 2)
		return;
	spin_unlock(&rq->lock);
	load_balance(rq->cpu, cpu_online_mask, BALANCE_NEWLY_IDLE);
	spin_lock(&rq->lock);
}

/* From the tick (interrupts disabled). */
void trigger_load_balance(struct rq *rq)
{
	u64 now = get_jiffies_64();

	if (time_before(now, rq->next_balance))
		return;
	rq->next_balance = now + BALANCE_INTERVAL;
	if (num_online_cpus() < 2)
		return;
	load_balance(rq->cpu, cpu_online_mask,
		     rq->curr == rq->idle ? BALANCE_NEWLY_IDLE : BALANCE_PERIODIC);
}
