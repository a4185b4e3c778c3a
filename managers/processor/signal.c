// SPDX-License-Identifier: GPL-2.0
/*
 * Signals: raising and delivering them to the processor manager's
 * processes.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/sched.h>
#include "process.h"

int send_signal(struct process *p, int sig)
{
	if (sig < 1 || sig > _NSIG)
		return -EINVAL;
	p->sig.pending |= sigmask(sig);
	if (p->task)
		wake_up_state(p->task, TASK_INTERRUPTIBLE);
	return 0;
}

int kill_pgrp(pid_t pgid, int sig)
{
	struct process *p;
	int ret = -ESRCH;

	read_lock(&tasklist_lock);
	for_each_process(p)
		if (p->pgid == pgid && p->state == PROC_ALIVE)
			ret = send_signal(p, sig);
	read_unlock(&tasklist_lock);
	return ret;
}

bool signal_pending_current(void)
{
	struct process *p = current_proc();

	return p && (p->sig.pending & ~p->sig.blocked);
}

void do_signal(struct pt_regs *regs)
{
}

void signals_fork(struct process *child, struct process *parent)
{
	child->sig.blocked = parent->sig.blocked;
}

void signals_exec(struct process *p)
{
}
