/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SEMAPHORE_H
#define _TESSERA_SEMAPHORE_H

/*
 * Counting semaphores (kernel/locking/semaphore.c).  down() sleeps until
 * the count is positive and takes one; up() gives one back, handing it
 * straight to the longest waiter if there is one.  up() and
 * down_trylock() work in any context; down*() may sleep.  No owner: any
 * task may up().
 */
#include <tessera/list.h>
#include <tessera/spinlock.h>

struct semaphore {
	spinlock_t lock;
	unsigned int count;
	struct list_head wait_list;
};

#define __SEMAPHORE_INITIALIZER(name, n) {				\
	.lock = __SPIN_LOCK_UNLOCKED(name.lock),			\
	.count = n,							\
	.wait_list = LIST_HEAD_INIT(name.wait_list),			\
}
#define DEFINE_SEMAPHORE(name, n)					\
	struct semaphore name = __SEMAPHORE_INITIALIZER(name, n)

void sema_init(struct semaphore *sem, int val);
void down(struct semaphore *sem);
/* 0 if acquired, 1 if the count was zero (note: the Linux convention). */
int down_trylock(struct semaphore *sem);
/* 0 if acquired, -ETIME if timeout jiffies passed first. */
int down_timeout(struct semaphore *sem, long timeout);
void up(struct semaphore *sem);

#endif /* _TESSERA_SEMAPHORE_H */
