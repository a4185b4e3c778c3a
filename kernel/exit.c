// SPDX-License-Identifier: GPL-2.0
/*
 * Task exit.  The task marks itself dead and switches away for the last
 * time; the task switched to drops the reference the dead one held on
 * itself (finish_task_switch()), which frees it unless someone else
 * (kthread_stop()) still holds one.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/printk.h>
#include <tessera/sched.h>

void do_exit(int code)
{
	struct task_struct *tsk = current;

	if (in_interrupt())
		panic("do_exit() called from an interrupt");
	if (is_idle_task(tsk))
		panic("the idle task %s tried to exit", tsk->comm);
	WARN_ON(preempt_count());

	tsk->flags |= PF_EXITING;
	tsk->exit_code = code;
	/*
	 * No preemption from here on: whoever waits for our exit finds us
	 * gone from the CPU as soon as it runs on this one.
	 */
	preempt_disable();
	if (tsk->flags & PF_KTHREAD)
		complete_all(&tsk->kthread_exited);
	do_task_dead();
}
