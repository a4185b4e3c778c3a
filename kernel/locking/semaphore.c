// SPDX-License-Identifier: GPL-2.0
/*
 * Counting semaphores.  A waiter queues itself and sleeps; up() takes
 * the first waiter off the queue, marks it granted and wakes it, so the
 * unit goes to it and cannot be stolen.  A waiter that times out takes
 * itself off the queue unless it was granted meanwhile.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/sched.h>
#include <tessera/semaphore.h>

struct semaphore_waiter {
	struct list_head list;
	struct task_struct *task;
	bool up;
};

void sema_init(struct semaphore *sem, int val)
{
	spin_lock_init(&sem->lock);
	sem->count = val;
	INIT_LIST_HEAD(&sem->wait_list);
}

/*
 * Called with sem->lock held and interrupts disabled; same on return.
 * GCC cannot see that the on-stack waiter is off the list on return
 * (up() or we unlink it): silence its dangling-pointer warning here.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
static int __down_common(struct semaphore *sem, long timeout)
{
	struct semaphore_waiter waiter = { .task = current, .up = false };

	list_add_tail(&waiter.list, &sem->wait_list);
	for (;;) {
		if (timeout <= 0)
			break;
		__set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irq(&sem->lock);
		timeout = schedule_timeout(timeout);
		spin_lock_irq(&sem->lock);
		if (waiter.up)
			break;
	}
	/* up() unlinked a granted waiter already; this is then a no-op. */
	list_del_init(&waiter.list);
	return waiter.up ? 0 : -ETIME;
}
#pragma GCC diagnostic pop

void down(struct semaphore *sem)
{
	might_sleep();
	spin_lock_irq(&sem->lock);
	if (likely(sem->count > 0))
		sem->count--;
	else
		__down_common(sem, MAX_SCHEDULE_TIMEOUT);
	spin_unlock_irq(&sem->lock);
}

int down_timeout(struct semaphore *sem, long timeout)
{
	int ret = 0;

	might_sleep();
	spin_lock_irq(&sem->lock);
	if (likely(sem->count > 0))
		sem->count--;
	else
		ret = __down_common(sem, timeout);
	spin_unlock_irq(&sem->lock);
	return ret;
}

int down_trylock(struct semaphore *sem)
{
	unsigned long flags;
	int busy;

	spin_lock_irqsave(&sem->lock, flags);
	busy = sem->count == 0;
	if (!busy)
		sem->count--;
	spin_unlock_irqrestore(&sem->lock, flags);
	return busy;
}

void up(struct semaphore *sem)
{
	struct semaphore_waiter *waiter;
	unsigned long flags;

	spin_lock_irqsave(&sem->lock, flags);
	waiter = list_first_entry_or_null(&sem->wait_list,
					  struct semaphore_waiter, list);
	if (!waiter) {
		sem->count++;
	} else {
		list_del_init(&waiter->list);
		waiter->up = true;
		wake_up_process(waiter->task);
	}
	spin_unlock_irqrestore(&sem->lock, flags);
}
