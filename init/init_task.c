// SPDX-License-Identifier: GPL-2.0
/*
 * The first task: the boot context, on the boot stack.  start_kernel()
 * runs as this task and ends as CPU 0's idle task (sched_init() and
 * cpu_startup_entry()).
 */
#include <tessera/sched.h>

extern char init_stack[];

struct task_struct init_task = {
	.__state	= TASK_RUNNING,
	.flags		= PF_KTHREAD | PF_IDLE,
	.on_cpu		= 1,
	.prio		= MAX_PRIO,
	.static_prio	= MAX_PRIO - 1,
	.comm		= "swapper/0",
	.stack		= init_stack,
	.usage		= REFCOUNT_INIT(2),
	.pi_lock	= __SPIN_LOCK_UNLOCKED(init_task.pi_lock),
	.tasks		= LIST_HEAD_INIT(init_task.tasks),
	.sleep_timer	= { .function = NULL },
	.kthread_exited	= COMPLETION_INITIALIZER(init_task.kthread_exited),
};
