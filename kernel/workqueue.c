// SPDX-License-Identifier: GPL-2.0
/*
 * Workqueues.  Each workqueue has a worker pool per CPU: a list of work
 * items and one worker kthread bound to the CPU that runs them in order.
 * Items go to the pool of the CPU that queues them (or, for a CPU that
 * has no worker yet, the first pool that has one).
 *
 * flush_work() puts a barrier item right behind the item (or at the
 * head of the list when the item is running) and waits for it: since a
 * pool runs one item at a time, in order, the barrier runs only after
 * the item has finished.
 *
 * A workqueue gets one worker per CPU online when it is created.  Every
 * CPU is up before workqueue_init() (there is no CPU hot-plug); queueing
 * on a CPU without a worker falls back to another CPU's pool.
 */
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/bug.h>
#include <tessera/completion.h>
#include <tessera/kthread.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/workqueue.h>
#include <asm/bitops.h>

#define WQ_NAME_LEN	24

struct worker_pool {
	spinlock_t lock;
	int cpu;
	struct list_head worklist;
	struct task_struct *worker;
	struct work_struct *current_work;	/* running now, if any */
};

struct workqueue_struct {
	char name[WQ_NAME_LEN];
	struct worker_pool pools[NR_CPUS];
};

struct workqueue_struct *system_wq;

static struct workqueue_struct *alloc_wq(void)
{
	return kzalloc(sizeof(struct workqueue_struct), GFP_KERNEL);
}

static void free_wq(struct workqueue_struct *wq)
{
	kfree(wq);
}

static int worker_thread(void *arg)
{
	struct worker_pool *pool = arg;
	struct work_struct *work;
	work_func_t func;

	for (;;) {
		/* State first: a queue_work() after the check wakes us. */
		set_current_state(TASK_INTERRUPTIBLE);
		spin_lock_irq(&pool->lock);
		if (list_empty(&pool->worklist)) {
			spin_unlock_irq(&pool->lock);
			if (kthread_should_stop())
				break;
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		work = list_first_entry(&pool->worklist, struct work_struct,
					entry);
		list_del_init(&work->entry);
		pool->current_work = work;
		func = work->func;
		/* No longer pending: it may be queued again from here on. */
		clear_bit(WORK_STRUCT_PENDING_BIT, &work->data);
		spin_unlock_irq(&pool->lock);

		func(work);	/* may free work: do not touch it after this */

		spin_lock_irq(&pool->lock);
		pool->current_work = NULL;
		spin_unlock_irq(&pool->lock);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static struct worker_pool *select_pool(struct workqueue_struct *wq, int cpu)
{
	struct worker_pool *pool = &wq->pools[cpu];
	unsigned int i;

	if (likely(pool->worker))
		return pool;
	for (i = 0; i < NR_CPUS; i++)
		if (wq->pools[i].worker)
			return &wq->pools[i];
	BUG();	/* every workqueue has at least one worker */
}

/* Append a work item whose pending bit the caller set. */
static void __queue_work(int cpu, struct workqueue_struct *wq,
			 struct work_struct *work)
{
	struct worker_pool *pool = select_pool(wq, cpu);
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	WRITE_ONCE(work->pool, pool);
	list_add_tail(&work->entry, &pool->worklist);
	wake_up_process(pool->worker);
	spin_unlock_irqrestore(&pool->lock, flags);
}

bool queue_work_on(int cpu, struct workqueue_struct *wq,
		   struct work_struct *work)
{
	if (WARN_ON_ONCE(!wq))
		return false;
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, &work->data))
		return false;
	__queue_work(cpu, wq, work);
	return true;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	return queue_work_on(raw_smp_processor_id(), wq, work);
}

void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork = container_of(t, struct delayed_work, timer);

	__queue_work(dwork->cpu, dwork->wq, &dwork->work);
}

bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
			   struct delayed_work *dwork, unsigned long delay)
{
	if (WARN_ON_ONCE(!wq))
		return false;
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, &dwork->work.data))
		return false;
	if (!delay) {
		__queue_work(cpu, wq, &dwork->work);
		return true;
	}
	dwork->wq = wq;
	dwork->cpu = cpu;
	mod_timer(&dwork->timer, get_jiffies_64() + delay);
	return true;
}

bool queue_delayed_work(struct workqueue_struct *wq,
			struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work_on(raw_smp_processor_id(), wq, dwork, delay);
}

struct wq_barrier {
	struct work_struct work;
	struct completion done;
};

static void wq_barrier_func(struct work_struct *work)
{
	complete(&container_of(work, struct wq_barrier, work)->done);
}

/*
 * Queue barr on pool after work (queued), or first (work running), or
 * last (work == NULL).  Returns false if work is neither.
 */
static bool insert_barrier(struct worker_pool *pool, struct wq_barrier *barr,
			   struct work_struct *work)
{
	struct list_head *after;

	INIT_WORK(&barr->work, wq_barrier_func);
	init_completion(&barr->done);
	spin_lock_irq(&pool->lock);
	if (!work)
		after = pool->worklist.prev;
	else if (work->pool == pool && !list_empty(&work->entry))
		after = &work->entry;
	else if (pool->current_work == work)
		after = &pool->worklist;
	else
		after = NULL;
	if (after) {
		set_bit(WORK_STRUCT_PENDING_BIT, &barr->work.data);
		barr->work.pool = pool;
		list_add(&barr->work.entry, after);
		wake_up_process(pool->worker);
	}
	spin_unlock_irq(&pool->lock);
	return after != NULL;
}

bool flush_work(struct work_struct *work)
{
	struct worker_pool *pool = READ_ONCE(work->pool);
	struct wq_barrier barr;

	might_sleep();
	if (!pool || !insert_barrier(pool, &barr, work))
		return false;
	wait_for_completion(&barr.done);
	return true;
}

bool flush_delayed_work(struct delayed_work *dwork)
{
	if (del_timer_sync(&dwork->timer))
		__queue_work(dwork->cpu, dwork->wq, &dwork->work);
	return flush_work(&dwork->work);
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	struct work_struct *work = &dwork->work;
	struct worker_pool *pool;
	bool ret = false;

	if (del_timer(&dwork->timer)) {
		clear_bit(WORK_STRUCT_PENDING_BIT, &work->data);
		return true;
	}
	pool = READ_ONCE(work->pool);
	if (!pool)
		return false;
	spin_lock_irq(&pool->lock);
	if (work->pool == pool && !list_empty(&work->entry)) {
		list_del_init(&work->entry);
		clear_bit(WORK_STRUCT_PENDING_BIT, &work->data);
		ret = true;
	}
	spin_unlock_irq(&pool->lock);
	return ret;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	struct wq_barrier barr;
	unsigned int cpu;

	might_sleep();
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct worker_pool *pool = &wq->pools[cpu];

		if (pool->worker && insert_barrier(pool, &barr, NULL))
			wait_for_completion(&barr.done);
	}
}

struct workqueue_struct *create_workqueue(const char *name)
{
	struct workqueue_struct *wq = alloc_wq();
	struct task_struct *worker;
	unsigned int cpu;

	if (!wq)
		return NULL;
	strscpy(wq->name, name, sizeof(wq->name));
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct worker_pool *pool = &wq->pools[cpu];

		spin_lock_init(&pool->lock);
		INIT_LIST_HEAD(&pool->worklist);
		pool->cpu = cpu;
	}
	for_each_online_cpu(cpu) {
		worker = kthread_create(worker_thread, &wq->pools[cpu], "%s/%u",
					name, cpu);
		if (IS_ERR(worker)) {
			destroy_workqueue(wq);
			return NULL;
		}
		kthread_bind(worker, cpu);
		wq->pools[cpu].worker = worker;
		wake_up_process(worker);
	}
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	unsigned int cpu;

	flush_workqueue(wq);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct worker_pool *pool = &wq->pools[cpu];

		if (!pool->worker)
			continue;
		kthread_stop(pool->worker);
		pool->worker = NULL;
		WARN_ON(!list_empty(&pool->worklist));
	}
	free_wq(wq);
}

void workqueue_init(void)
{
	system_wq = create_workqueue("kworker");
	if (!system_wq)
		panic("workqueue: cannot create the system workqueue");
}
