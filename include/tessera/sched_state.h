/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SCHED_STATE_H
#define _TESSERA_SCHED_STATE_H

/*
 * Task states (task_struct.__state), apart from <tessera/sched.h> so that
 * wait queues can use them.  A task is runnable in TASK_RUNNING only;
 * the sleeping states say which wake-ups may end the sleep.  A signal
 * (processor manager processes) wakes INTERRUPTIBLE sleeps only.
 */
#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_DEAD		0x0080	/* exited, waiting to be freed */

#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

/* schedule_timeout(MAX_SCHEDULE_TIMEOUT) sleeps without a timeout. */
#define MAX_SCHEDULE_TIMEOUT	LONG_MAX

#endif /* _TESSERA_SCHED_STATE_H */
