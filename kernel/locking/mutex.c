// SPDX-License-Identifier: GPL-2.0
/*
 * Mutexes.  The owner word is the lock: a cmpxchg from 0 to current
 * takes it.  Contended lockers queue on wait_list under wait_lock and
 * retry each time they are woken; mutex_unlock() clears the owner and
 * wakes the first waiter, under wait_lock, so a waiter that failed its
 * last attempt cannot miss the wake-up.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/mutex.h>
#include <tessera/sched.h>

struct mutex_waiter {
	struct list_head list;
	struct task_struct *task;
};

void mutex_init(struct mutex *lock)
{
	atomic_long_set(&lock->owner, 0);
	spin_lock_init(&lock->wait_lock);
	INIT_LIST_HEAD(&lock->wait_list);
}

static inline bool __mutex_trylock(struct mutex *lock)
{
	s64 free = 0;

	return atomic64_try_cmpxchg(&lock->owner, &free, (long)current);
}

static noinline void __mutex_lock_slowpath(struct mutex *lock)
{
	struct mutex_waiter waiter = { .task = current };

	spin_lock(&lock->wait_lock);
	WARN_ON_ONCE(mutex_owner(lock) == current);	/* would deadlock */
	list_add_tail(&waiter.list, &lock->wait_list);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (__mutex_trylock(lock))
			break;
		spin_unlock(&lock->wait_lock);
		schedule();
		spin_lock(&lock->wait_lock);
	}
	__set_current_state(TASK_RUNNING);
	list_del(&waiter.list);
	spin_unlock(&lock->wait_lock);
}

void mutex_lock(struct mutex *lock)
{
	might_sleep();
	if (likely(__mutex_trylock(lock)))
		return;
	__mutex_lock_slowpath(lock);
}

int mutex_trylock(struct mutex *lock)
{
	return __mutex_trylock(lock);
}

void mutex_unlock(struct mutex *lock)
{
	struct mutex_waiter *waiter;
	long owner;

	owner = atomic_long_xchg(&lock->owner, 0);
	WARN_ON_ONCE(owner != (long)current);
	spin_lock(&lock->wait_lock);
	waiter = list_first_entry_or_null(&lock->wait_list,
					  struct mutex_waiter, list);
	if (waiter)
		wake_up_process(waiter->task);
	spin_unlock(&lock->wait_lock);
}
