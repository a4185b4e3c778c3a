/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_WORKQUEUE_H
#define _TESSERA_WORKQUEUE_H

/*
 * Workqueues (kernel/workqueue.c): run a function later, in process
 * context, on a worker kthread (one per CPU and workqueue, bound to its
 * CPU).  The items of one worker run one at a time, in queueing order,
 * and may sleep.
 *
 * A work item is pending from queue_work() until its function starts;
 * queueing a pending item does nothing (and returns false).  Once the
 * function has started, the item may be queued again, even by itself.
 *
 *	static void fn(struct work_struct *work) { ... }
 *	static DECLARE_WORK(my_work, fn);
 *	schedule_work(&my_work);	-- on the system workqueue
 *	flush_work(&my_work);		-- wait until it has run
 */
#include <tessera/list.h>
#include <tessera/timer.h>
#include <tessera/types.h>

struct work_struct;
struct worker_pool;
struct workqueue_struct;

typedef void (*work_func_t)(struct work_struct *work);

#define WORK_STRUCT_PENDING_BIT	0

struct work_struct {
	unsigned long data;		/* WORK_STRUCT_PENDING_BIT */
	struct list_head entry;		/* on a pool's worklist while queued */
	work_func_t func;
	struct worker_pool *pool;	/* where it was last queued */
};

#define __WORK_INITIALIZER(n, f) {					\
	.data = 0,							\
	.entry = LIST_HEAD_INIT((n).entry),				\
	.func = (f),							\
	.pool = NULL,							\
}
#define DECLARE_WORK(n, f)	struct work_struct n = __WORK_INITIALIZER(n, f)

#define INIT_WORK(_work, _func) do {					\
	(_work)->data = 0;						\
	INIT_LIST_HEAD(&(_work)->entry);				\
	(_work)->func = (_func);					\
	(_work)->pool = NULL;						\
} while (0)

/* A work item queued after a delay (a sleeper timer until then). */
struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
	struct workqueue_struct *wq;
	int cpu;
};

void delayed_work_timer_fn(struct timer_list *t);

#define INIT_DELAYED_WORK(_dwork, _func) do {				\
	INIT_WORK(&(_dwork)->work, (_func));				\
	timer_setup(&(_dwork)->timer, delayed_work_timer_fn, 0);	\
	(_dwork)->wq = NULL;						\
	(_dwork)->cpu = 0;						\
} while (0)

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

static inline bool work_pending(struct work_struct *work)
{
	return READ_ONCE(work->data) & (1UL << WORK_STRUCT_PENDING_BIT);
}

/* The system workqueue (one worker per CPU), from workqueue_init() on. */
extern struct workqueue_struct *system_wq;

/* A workqueue with one worker per online CPU; NULL if out of resources. */
struct workqueue_struct *create_workqueue(const char *name);
/* Run what is queued, stop the workers, free the workqueue. */
void destroy_workqueue(struct workqueue_struct *wq);
/* Wait until everything queued on wq before the call has run. */
void flush_workqueue(struct workqueue_struct *wq);

bool queue_work_on(int cpu, struct workqueue_struct *wq,
		   struct work_struct *work);
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
			   struct delayed_work *dwork, unsigned long delay);
bool queue_delayed_work(struct workqueue_struct *wq,
			struct delayed_work *dwork, unsigned long delay);

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

/* Queue dwork on the system workqueue after delay jiffies. */
static inline bool schedule_delayed_work(struct delayed_work *dwork,
					 unsigned long delay)
{
	return queue_delayed_work(system_wq, dwork, delay);
}

/*
 * Wait until work has finished its last queued execution; returns false
 * if it was neither queued nor running.  Sleeps.
 */
bool flush_work(struct work_struct *work);
/* Queue a delayed item now, then flush_work() it. */
bool flush_delayed_work(struct delayed_work *dwork);
/*
 * Take a pending delayed item off its timer or queue; returns whether it
 * was pending.  Does not wait for a running one.
 */
bool cancel_delayed_work(struct delayed_work *dwork);

/* Boot: create the system workqueue (from a kernel thread). */
void workqueue_init(void);

#endif /* _TESSERA_WORKQUEUE_H */
