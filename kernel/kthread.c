// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel threads: create, bind, stop.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/kthread.h>
#include <tessera/sched.h>
#include <asm/bitops.h>

#define KTHREAD_SHOULD_STOP	0

static int kthread(void *unused)
{
	struct task_struct *self = current;

	if (test_bit(KTHREAD_SHOULD_STOP, &self->kthread_flags))
		return -EINTR;		/* stopped before it ever ran */
	return self->threadfn(self->thread_data);
}

struct task_struct *kthread_create(int (*threadfn)(void *data), void *data,
				   const char *namefmt, ...)
{
	char name[TASK_COMM_LEN];
	struct task_struct *k;
	va_list ap;

	va_start(ap, namefmt);
	vscnprintf(name, sizeof(name), namefmt, ap);
	va_end(ap);
	k = create_task(kthread, NULL, name);
	if (IS_ERR(k))
		return k;
	k->threadfn = threadfn;
	k->thread_data = data;
	return k;
}

void kthread_bind(struct task_struct *k, unsigned int cpu)
{
	/* Only a thread that was never woken: it is on no run queue. */
	if (WARN_ON(task_state(k) != TASK_UNINTERRUPTIBLE || k->on_rq ||
		    k->se.sum_exec_runtime))
		return;
	__kthread_bind(k, cpu);
}

bool kthread_should_stop(void)
{
	return test_bit(KTHREAD_SHOULD_STOP, &current->kthread_flags);
}

int kthread_stop(struct task_struct *k)
{
	int ret;

	might_sleep();
	get_task_struct(k);
	set_bit(KTHREAD_SHOULD_STOP, &k->kthread_flags);
	wake_up_process(k);
	wait_for_completion(&k->kthread_exited);
	ret = k->exit_code;
	put_task_struct(k);
	return ret;
}
