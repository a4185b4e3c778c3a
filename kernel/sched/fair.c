// SPDX-License-Identifier: GPL-2.0
/*
 * The fair class (SCHED_NORMAL): CPU time shared in proportion to
 * weights, in the manner of Linux's CFS.
 *
 * Each task has a virtual runtime: the CPU time it received, scaled by
 * NICE_0_LOAD / weight, so a heavier task's vruntime advances more
 * slowly.  The queued tasks sit in a red-black tree ordered by vruntime
 * (O(log n) enqueue and dequeue, O(1) pick of the leftmost); the running
 * task is kept out of the tree.  The run queue's min_vruntime is a
 * monotonic floor of the vruntimes.
 *
 * While a task is not queued its vruntime is kept relative to the floor
 * of the queue it left (its lag), and re-based on the floor of the queue
 * it joins: sleeping neither earns nor loses position, and migrating
 * between CPUs with different floors is fair.  New tasks start with lag
 * 0, level with the most deserving queued task.
 *
 * Preemption: at the tick, the running task gives way once it ran its
 * slice, SCHED_LATENCY_NS shared by weight, or once it is more than a
 * slice ahead of the leftmost task.  A waking task preempts when it is
 * behind the running one by more than SCHED_WAKEUP_GRAN_NS (scaled).
 */
#include "sched.h"

/*
 * Weights of nice -20..19: 1024 / 1.25^nice, rounded.  One nice level
 * apart is about 10% more or less CPU against an equal competitor.
 */
const unsigned long sched_prio_to_weight[40] = {
	/* -20 */ 88818, 71054, 56843, 45475, 36380,
	/* -15 */ 29104, 23283, 18626, 14901, 11921,
	/* -10 */  9537,  7629,  6104,  4883,  3906,
	/*  -5 */  3125,  2500,  2000,  1600,  1280,
	/*   0 */  1024,   819,   655,   524,   419,
	/*   5 */   336,   268,   215,   172,   137,
	/*  10 */   110,    88,    70,    56,    45,
	/*  15 */    36,    29,    23,    18,    15,
};

void set_load_weight(struct task_struct *p)
{
	p->se.weight = sched_prio_to_weight[p->static_prio - MAX_RT_PRIO];
}

void init_cfs_rq(struct cfs_rq *cfs)
{
	cfs->tasks = RB_ROOT_CACHED;
	cfs->curr = NULL;
	cfs->load = 0;
	cfs->nr_running = 0;
	cfs->min_vruntime = 0;
}

static inline struct sched_entity *se_of(struct rb_node *node)
{
	return rb_entry(node, struct sched_entity, run_node);
}

static inline bool vruntime_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/* delta ns of CPU time in se's virtual time. */
static u64 calc_delta_fair(u64 delta, const struct sched_entity *se)
{
	if (se->weight != NICE_0_LOAD)
		delta = delta * NICE_0_LOAD / se->weight;
	return delta;
}

static void update_min_vruntime(struct cfs_rq *cfs)
{
	struct rb_node *left = rb_first_cached(&cfs->tasks);
	u64 v;

	if (cfs->curr) {
		v = cfs->curr->vruntime;
		if (left && vruntime_before(se_of(left)->vruntime, v))
			v = se_of(left)->vruntime;
	} else if (left) {
		v = se_of(left)->vruntime;
	} else {
		return;
	}
	if (vruntime_before(cfs->min_vruntime, v))
		cfs->min_vruntime = v;
}

static void update_curr_fair(struct rq *rq)
{
	struct cfs_rq *cfs = &rq->cfs;
	struct sched_entity *curr = cfs->curr;
	s64 delta;

	if (!curr)
		return;
	delta = rq->clock - curr->exec_start;
	if (delta <= 0)
		return;
	curr->exec_start = rq->clock;
	curr->sum_exec_runtime += delta;
	curr->vruntime += calc_delta_fair(delta, curr);
	update_min_vruntime(cfs);
}

/* Equal vruntimes go right: first come, first served among equals. */
static void __enqueue_entity(struct cfs_rq *cfs, struct sched_entity *se)
{
	struct rb_node **link = &cfs->tasks.rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (vruntime_before(se->vruntime, se_of(parent)->vruntime)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&se->run_node, parent, link);
	rb_insert_color_cached(&se->run_node, &cfs->tasks, leftmost);
}

static void __dequeue_entity(struct cfs_rq *cfs, struct sched_entity *se)
{
	rb_erase_cached(&se->run_node, &cfs->tasks);
	RB_CLEAR_NODE(&se->run_node);
}

static void enqueue_task_fair(struct rq *rq, struct task_struct *p, int flags)
{
	struct cfs_rq *cfs = &rq->cfs;
	struct sched_entity *se = &p->se;

	update_curr_fair(rq);
	/* vruntime holds the lag while not queued: re-base it here. */
	se->vruntime += cfs->min_vruntime;
	__enqueue_entity(cfs, se);
	cfs->load += se->weight;
	cfs->nr_running++;
}

static void dequeue_task_fair(struct rq *rq, struct task_struct *p, int flags)
{
	struct cfs_rq *cfs = &rq->cfs;
	struct sched_entity *se = &p->se;

	update_curr_fair(rq);
	if (cfs->curr == se)
		cfs->curr = NULL;
	else
		__dequeue_entity(cfs, se);
	cfs->load -= se->weight;
	cfs->nr_running--;
	update_min_vruntime(cfs);
	se->vruntime -= cfs->min_vruntime;
}

static void set_next_entity(struct rq *rq, struct sched_entity *se)
{
	struct cfs_rq *cfs = &rq->cfs;

	if (!RB_EMPTY_NODE(&se->run_node))
		__dequeue_entity(cfs, se);
	cfs->curr = se;
	se->exec_start = rq->clock;
	se->prev_sum_exec_runtime = se->sum_exec_runtime;
}

static struct task_struct *pick_next_task_fair(struct rq *rq)
{
	struct rb_node *left = rb_first_cached(&rq->cfs.tasks);

	if (!left)
		return NULL;
	set_next_entity(rq, se_of(left));
	return task_of(se_of(left));
}

static void set_next_task_fair(struct rq *rq, struct task_struct *p)
{
	set_next_entity(rq, &p->se);
}

static void put_prev_task_fair(struct rq *rq, struct task_struct *p)
{
	struct cfs_rq *cfs = &rq->cfs;

	if (cfs->curr != &p->se)
		return;		/* dequeued while running: already gone */
	update_curr_fair(rq);
	__enqueue_entity(cfs, &p->se);
	cfs->curr = NULL;
}

/* se's share of the latency period, by weight. */
static u64 sched_slice(struct cfs_rq *cfs, struct sched_entity *se)
{
	u64 period = SCHED_LATENCY_NS;

	if (cfs->nr_running > SCHED_NR_LATENCY)
		period = cfs->nr_running * SCHED_MIN_GRAN_NS;
	return period * se->weight / cfs->load;
}

static void task_tick_fair(struct rq *rq, struct task_struct *p)
{
	struct cfs_rq *cfs = &rq->cfs;
	struct sched_entity *se = &p->se;
	struct rb_node *left;
	u64 ideal, ran;

	update_curr_fair(rq);
	if (cfs->curr != se || cfs->nr_running < 2)
		return;
	ideal = sched_slice(cfs, se);
	ran = se->sum_exec_runtime - se->prev_sum_exec_runtime;
	if (ran > ideal) {
		resched_curr(rq);
		return;
	}
	if (ran < SCHED_MIN_GRAN_NS)
		return;
	left = rb_first_cached(&cfs->tasks);
	if (left && (s64)(se->vruntime - se_of(left)->vruntime) > (s64)ideal)
		resched_curr(rq);
}

static void check_preempt_wakeup(struct rq *rq, struct task_struct *p)
{
	struct sched_entity *curr = rq->cfs.curr;
	u64 gran;

	if (!curr)
		return;
	update_curr_fair(rq);
	gran = calc_delta_fair(SCHED_WAKEUP_GRAN_NS, &p->se);
	if ((s64)(curr->vruntime - p->se.vruntime) > (s64)gran)
		resched_curr(rq);
}

/* Go behind every queued task. */
static void yield_task_fair(struct rq *rq)
{
	struct cfs_rq *cfs = &rq->cfs;
	struct sched_entity *curr = cfs->curr;
	struct rb_node *last;

	if (!curr)
		return;
	update_curr_fair(rq);
	last = rb_last(&cfs->tasks.rb_root);
	if (last && !vruntime_before(se_of(last)->vruntime, curr->vruntime))
		curr->vruntime = se_of(last)->vruntime + 1;
}

/* The task that would run last, among those that may move. */
static struct task_struct *pick_migratable_fair(struct rq *rq, int dst_cpu)
{
	struct rb_node *node;

	for (node = rb_last(&rq->cfs.tasks.rb_root); node; node = rb_prev(node)) {
		struct task_struct *p = task_of(se_of(node));

		if (can_migrate_task(p, dst_cpu))
			return p;
	}
	return NULL;
}

const struct sched_class fair_sched_class = {
	.next			= &idle_sched_class,
	.enqueue_task		= enqueue_task_fair,
	.dequeue_task		= dequeue_task_fair,
	.yield_task		= yield_task_fair,
	.check_preempt_curr	= check_preempt_wakeup,
	.pick_next_task		= pick_next_task_fair,
	.put_prev_task		= put_prev_task_fair,
	.set_next_task		= set_next_task_fair,
	.task_tick		= task_tick_fair,
	.update_curr		= update_curr_fair,
	.pick_migratable	= pick_migratable_fair,
};
