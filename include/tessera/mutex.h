/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_MUTEX_H
#define _TESSERA_MUTEX_H

/*
 * Mutexes (kernel/locking/mutex.c): sleeping locks with an owner.
 * Task context only; the holder may sleep, and only the holder may
 * unlock (anything else WARNs).  Waiters sleep in FIFO order; a task
 * arriving while the lock is free may still take it first.
 */
#include <tessera/atomic.h>
#include <tessera/list.h>
#include <tessera/spinlock.h>

struct task_struct;

struct mutex {
	atomic_long_t owner;		/* the holder's task_struct, or 0 */
	spinlock_t wait_lock;
	struct list_head wait_list;
};

#define __MUTEX_INITIALIZER(name) {					\
	.owner = ATOMIC_LONG_INIT(0),					\
	.wait_lock = __SPIN_LOCK_UNLOCKED(name.wait_lock),		\
	.wait_list = LIST_HEAD_INIT(name.wait_list),			\
}
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(name)

void mutex_init(struct mutex *lock);
void mutex_lock(struct mutex *lock);
/* 1 if the lock was taken, 0 if it is held by someone. */
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);

static inline bool mutex_is_locked(struct mutex *lock)
{
	return atomic_long_read(&lock->owner) != 0;
}

static inline struct task_struct *mutex_owner(struct mutex *lock)
{
	return (struct task_struct *)atomic_long_read(&lock->owner);
}

#endif /* _TESSERA_MUTEX_H */
