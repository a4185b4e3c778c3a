/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_KTHREAD_H
#define _TESSERA_KTHREAD_H

/*
 * Kernel threads (kernel/kthread.c).
 *
 *	t = kthread_create(fn, data, "name-%d", i);	-- sleeping, not run yet
 *	kthread_bind(t, cpu);				-- optional, before waking
 *	wake_up_process(t);				-- or kthread_run(...)
 *	...
 *	ret = kthread_stop(t);				-- fn's return value
 *
 * fn runs with interrupts and preemption enabled and may sleep.  A
 * thread that is to be stopped loops until kthread_should_stop(); one
 * that returns on its own is freed once it has exited, so kthread_stop()
 * must not be called on it unless the caller holds a reference
 * (get_task_struct()).
 */
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/sched.h>

__printf(3, 4)
struct task_struct *kthread_create(int (*threadfn)(void *data), void *data,
				   const char *namefmt, ...);

#define kthread_run(threadfn, data, namefmt, ...) ({			\
	struct task_struct *__k =					\
		kthread_create(threadfn, data, namefmt, ##__VA_ARGS__);	\
	if (!IS_ERR(__k))						\
		wake_up_process(__k);					\
	__k;								\
})

/* Pin a thread that has not been woken yet to cpu. */
void kthread_bind(struct task_struct *k, unsigned int cpu);
/*
 * Ask k to stop, wake it, wait for it to exit and return its exit code
 * (-EINTR if it never ran).  Sleeps.
 */
int kthread_stop(struct task_struct *k);
bool kthread_should_stop(void);

#endif /* _TESSERA_KTHREAD_H */
