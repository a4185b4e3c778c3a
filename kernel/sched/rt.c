// SPDX-License-Identifier: GPL-2.0
/*
 * The real-time class: SCHED_FIFO and SCHED_RR, priorities 1..99, always
 * ahead of the fair class.  One FIFO list per priority and a bitmap of
 * the non-empty ones: enqueue, dequeue and pick are O(1).  A running RT
 * task stays at the head of its list, so a preempted one resumes first.
 * A SCHED_FIFO task runs until it blocks or yields; a SCHED_RR task also
 * goes to the back of its list after RR_TIMESLICE ticks.
 */
#include "sched.h"

void init_rt_rq(struct rt_rq *rt)
{
	int i;

	for (i = 0; i < MAX_RT_PRIO; i++)
		INIT_LIST_HEAD(&rt->queue[i]);
	memset(rt->bitmap, 0, sizeof(rt->bitmap));
	rt->nr_running = 0;
}

static void update_curr_rt(struct rq *rq)
{
	struct task_struct *curr = rq->curr;
	s64 delta;

	if (curr->sched_class != &rt_sched_class)
		return;
	delta = rq->clock - curr->se.exec_start;
	if (delta <= 0)
		return;
	curr->se.sum_exec_runtime += delta;
	curr->se.exec_start = rq->clock;
}

static void enqueue_task_rt(struct rq *rq, struct task_struct *p, int flags)
{
	struct rt_rq *rt = &rq->rt;

	list_add_tail(&p->rt.run_list, &rt->queue[p->prio]);
	__set_bit(p->prio, rt->bitmap);
	rt->nr_running++;
}

static void dequeue_task_rt(struct rq *rq, struct task_struct *p, int flags)
{
	struct rt_rq *rt = &rq->rt;

	update_curr_rt(rq);
	list_del_init(&p->rt.run_list);
	if (list_empty(&rt->queue[p->prio]))
		__clear_bit(p->prio, rt->bitmap);
	rt->nr_running--;
}

static struct task_struct *pick_next_task_rt(struct rq *rq)
{
	struct rt_rq *rt = &rq->rt;
	struct task_struct *p;
	int idx;

	if (!rt->nr_running)
		return NULL;
	idx = find_first_bit(rt->bitmap, MAX_RT_PRIO);
	p = list_first_entry(&rt->queue[idx], struct task_struct, rt.run_list);
	p->se.exec_start = rq->clock;
	return p;
}

static void set_next_task_rt(struct rq *rq, struct task_struct *p)
{
	p->se.exec_start = rq->clock;
}

static void put_prev_task_rt(struct rq *rq, struct task_struct *p)
{
	update_curr_rt(rq);
}

static void requeue_task_rt(struct rq *rq, struct task_struct *p)
{
	list_move_tail(&p->rt.run_list, &rq->rt.queue[p->prio]);
}

static void task_tick_rt(struct rq *rq, struct task_struct *p)
{
	update_curr_rt(rq);
	if (p->policy != SCHED_RR || --p->rt.time_slice)
		return;
	p->rt.time_slice = RR_TIMESLICE;
	if (!list_is_singular(&rq->rt.queue[p->prio])) {
		requeue_task_rt(rq, p);
		resched_curr(rq);
	}
}

static void check_preempt_curr_rt(struct rq *rq, struct task_struct *p)
{
	if (p->prio < rq->curr->prio)
		resched_curr(rq);
}

static void yield_task_rt(struct rq *rq)
{
	requeue_task_rt(rq, rq->curr);
}

/* The least important RT task that may move. */
static struct task_struct *pick_migratable_rt(struct rq *rq, int dst_cpu)
{
	struct rt_rq *rt = &rq->rt;
	struct task_struct *p;
	int idx;

	if (!rt->nr_running)
		return NULL;
	for (idx = MAX_RT_PRIO - 1; idx >= 0; idx--) {
		if (!test_bit(idx, rt->bitmap))
			continue;
		list_for_each_entry(p, &rt->queue[idx], rt.run_list)
			if (can_migrate_task(p, dst_cpu))
				return p;
	}
	return NULL;
}

const struct sched_class rt_sched_class = {
	.next			= &fair_sched_class,
	.enqueue_task		= enqueue_task_rt,
	.dequeue_task		= dequeue_task_rt,
	.yield_task		= yield_task_rt,
	.check_preempt_curr	= check_preempt_curr_rt,
	.pick_next_task		= pick_next_task_rt,
	.put_prev_task		= put_prev_task_rt,
	.set_next_task		= set_next_task_rt,
	.task_tick		= task_tick_rt,
	.update_curr		= update_curr_rt,
	.pick_migratable	= pick_migratable_rt,
};
