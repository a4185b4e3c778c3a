/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_WAIT_H
#define _TESSERA_WAIT_H

/*
 * Wait queues (kernel/sched/wait.c).
 *
 * A sleeper puts an entry on the queue, sets its task state, tests its
 * condition and calls schedule() only if the condition is still false;
 * a waker makes the condition true and then calls wake_up().  Either the
 * sleeper sees the condition or the waker sees the sleeper's state, so
 * no wake-up is lost.  wait_event() and friends do all of this.
 *
 * Entries flagged WQ_FLAG_EXCLUSIVE are queued at the tail and wake_up()
 * wakes all non-exclusive waiters plus at most one exclusive one;
 * wake_up_all() wakes everybody.
 */
#include <tessera/list.h>
#include <tessera/spinlock.h>
#include <tessera/sched_state.h>
#include <asm/current.h>

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry,
				 unsigned int mode, int flags, void *key);

#define WQ_FLAG_EXCLUSIVE	0x01

struct wait_queue_entry {
	unsigned int flags;
	void *private;			/* the waiting task */
	wait_queue_func_t func;
	struct list_head entry;
};
typedef struct wait_queue_entry wait_queue_entry_t;

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) {				\
	.lock = __SPIN_LOCK_UNLOCKED(name.lock),			\
	.head = LIST_HEAD_INIT(name.head),				\
}

#define DECLARE_WAIT_QUEUE_HEAD(name)					\
	wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void init_waitqueue_head(struct wait_queue_head *wq_head);

int default_wake_function(struct wait_queue_entry *wq_entry, unsigned int mode,
			  int flags, void *key);
/* Wakes the task and takes its entry off the queue. */
int autoremove_wake_function(struct wait_queue_entry *wq_entry,
			     unsigned int mode, int flags, void *key);

#define DEFINE_WAIT_FUNC(name, function)				\
	struct wait_queue_entry name = {				\
		.private = current,					\
		.func = function,					\
		.entry = LIST_HEAD_INIT(name.entry),			\
	}
#define DEFINE_WAIT(name)	DEFINE_WAIT_FUNC(name, autoremove_wake_function)

void init_wait_entry(struct wait_queue_entry *wq_entry, int flags);

static inline void init_waitqueue_entry(struct wait_queue_entry *wq_entry,
					struct task_struct *p)
{
	wq_entry->flags = 0;
	wq_entry->private = p;
	wq_entry->func = default_wake_function;
	INIT_LIST_HEAD(&wq_entry->entry);
}

void add_wait_queue(struct wait_queue_head *wq_head,
		    struct wait_queue_entry *wq_entry);
void add_wait_queue_exclusive(struct wait_queue_head *wq_head,
			      struct wait_queue_entry *wq_entry);
void remove_wait_queue(struct wait_queue_head *wq_head,
		       struct wait_queue_entry *wq_entry);

/*
 * Queue the entry (if not queued yet) and set the task state, under the
 * queue's lock; finish_wait() sets TASK_RUNNING and dequeues it.
 */
void prepare_to_wait(struct wait_queue_head *wq_head,
		     struct wait_queue_entry *wq_entry, int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq_head,
			       struct wait_queue_entry *wq_entry, int state);
void prepare_to_wait_event(struct wait_queue_head *wq_head,
			   struct wait_queue_entry *wq_entry, int state);
void finish_wait(struct wait_queue_head *wq_head,
		 struct wait_queue_entry *wq_entry);

/* Wake nr_exclusive exclusive waiters (0: all) and all others in mode. */
void __wake_up(struct wait_queue_head *wq_head, unsigned int mode,
	       int nr_exclusive, void *key);
/* The same, for a caller that already holds wq_head->lock. */
void __wake_up_locked(struct wait_queue_head *wq_head, unsigned int mode,
		      int nr_exclusive);

#define wake_up(x)			__wake_up(x, TASK_NORMAL, 1, NULL)
#define wake_up_nr(x, nr)		__wake_up(x, TASK_NORMAL, nr, NULL)
#define wake_up_all(x)			__wake_up(x, TASK_NORMAL, 0, NULL)
#define wake_up_interruptible(x)	__wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_all(x)	__wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)

/*
 * Is anyone waiting?  Lockless: only meaningful when the caller orders
 * its condition update before this check (wq_has_sleeper() does).
 */
static inline bool waitqueue_active(struct wait_queue_head *wq_head)
{
	return !list_empty(&wq_head->head);
}

static inline bool wq_has_sleeper(struct wait_queue_head *wq_head)
{
	smp_mb();
	return waitqueue_active(wq_head);
}

struct task_struct;
/*
 * Has t a signal to act on, so that its interruptible sleeps end?  Only
 * the processor manager's processes have signals.
 */
#ifdef CONFIG_COMP_PROCESSOR
bool signal_pending(struct task_struct *t);
#else
static inline bool signal_pending(struct task_struct *t)
{
	return false;
}
#endif

void schedule(void);
long schedule_timeout(long timeout);
void __might_sleep(const char *file, int line, bool *warned);

/*
 * The loop behind every wait_event*(): cmd sleeps (schedule() or a
 * timeout), and the macro evaluates to __ret.  condition is tested after
 * the task state is set, so a wake-up between the test and the sleep
 * just makes the sleep return at once.
 */
#define ___wait_event(wq_head, condition, state, exclusive, ret, cmd) ({ \
	struct wait_queue_entry __wq_entry;				\
	long __ret = ret;						\
									\
	init_wait_entry(&__wq_entry, exclusive ? WQ_FLAG_EXCLUSIVE : 0); \
	for (;;) {							\
		prepare_to_wait_event(&(wq_head), &__wq_entry, state);	\
		if (condition)						\
			break;						\
		cmd;							\
	}								\
	finish_wait(&(wq_head), &__wq_entry);				\
	__ret;								\
})

#define __wait_might_sleep() do {					\
	static bool __ms_warned;					\
	__might_sleep(__FILE__, __LINE__, &__ms_warned);		\
} while (0)

/* Sleep until condition is true; wq_head is woken when it may be. */
#define wait_event(wq_head, condition) do {				\
	__wait_might_sleep();						\
	if (condition)							\
		break;							\
	(void)___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE,	\
			    0, 0, schedule());				\
} while (0)

#define wait_event_exclusive(wq_head, condition) do {			\
	__wait_might_sleep();						\
	if (condition)							\
		break;							\
	(void)___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE,	\
			    1, 0, schedule());				\
} while (0)

/*
 * Inside ___wait_event() with a timeout in __ret: stop when condition
 * holds (reporting at least 1 jiffy left) or the time is up.
 */
#define ___wait_cond_timeout(condition) ({				\
	bool __cond = (condition);					\
									\
	if (__cond && !__ret)						\
		__ret = 1;						\
	__cond || !__ret;						\
})

/*
 * Sleep until condition is true or timeout jiffies have passed.
 * Returns 0 if the timeout elapsed with condition still false, else the
 * jiffies left (at least 1).
 */
#define wait_event_timeout(wq_head, condition, timeout) ({		\
	long __t = (timeout);						\
									\
	__wait_might_sleep();						\
	if (!(condition))						\
		__t = ___wait_event(wq_head,				\
				    ___wait_cond_timeout(condition),	\
				    TASK_UNINTERRUPTIBLE, 0, __t,	\
				    __ret = schedule_timeout(__ret));	\
	else if (!__t)							\
		__t = 1;						\
	__t;								\
})

/*
 * Sleep until condition is true or a signal is pending: 0, or
 * -ERESTARTSYS (the system call then restarts or fails with EINTR).
 */
#define wait_event_interruptible(wq_head, condition) ({			\
	long __wi_ret = 0;						\
									\
	__wait_might_sleep();						\
	if (!(condition))						\
		__wi_ret = ___wait_event(wq_head, condition,		\
			TASK_INTERRUPTIBLE, 0, 0,			\
			if (signal_pending(current)) {			\
				__ret = -ERESTARTSYS;			\
				break;					\
			}						\
			schedule());					\
	(int)__wi_ret;							\
})

#endif /* _TESSERA_WAIT_H */
