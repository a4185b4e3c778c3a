/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PROCESSOR_FUTEX_H
#define _PROCESSOR_FUTEX_H

/* futex(2) on the processor manager (futex.c, Documentation/processor.md). */
#include <tessera/types.h>
#include <asm/uaccess.h>

struct uthread;

/*
 * Wake up to nr waiters of the futex word at uaddr in the current address
 * space, private or shared (what CLONE_CHILD_CLEARTID does at a thread's
 * exit).  The number woken or -EFAULT/-EINVAL.
 */
int futex_wake_user(u32 __user *uaddr, int nr);

/*
 * The current thread t is dying: walk its robust list (set_robust_list),
 * mark each futex it owns FUTEX_OWNER_DIED and wake a waiter, as Linux's
 * exit_robust_list() does.  A bad list is left alone.
 */
void futex_exit_robust(struct uthread *t);

#endif /* _PROCESSOR_FUTEX_H */
