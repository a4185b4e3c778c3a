// SPDX-License-Identifier: GPL-2.0
/*
 * The process table, exit, zombies and wait4()/waitid().
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/list.h>
#include <tessera/rwlock.h>
#include "process.h"

DEFINE_RWLOCK(tasklist_lock);
LIST_HEAD(process_list);

struct process *find_process(pid_t pid)
{
	struct process *p;

	for_each_process(p)
		if (p->tgid == pid)
			return p;
	return NULL;
}

void notify_parent(struct process *p, int why_code, int status)
{
	if (p->parent)
		wake_up_all(&p->parent->child_wait);
}
