/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_COMPLETION_H
#define _TESSERA_COMPLETION_H

/*
 * Completions (kernel/sched/completion.c): "wait until this has
 * happened".  complete() lets one waiter through (or the next one to
 * arrive), complete_all() every present and future waiter until
 * reinit_completion().
 */
#include <tessera/wait.h>

struct completion {
	unsigned int done;
	struct wait_queue_head wait;
};

#define COMPLETION_INITIALIZER(work)					\
	{ 0, __WAIT_QUEUE_HEAD_INITIALIZER((work).wait) }
#define DECLARE_COMPLETION(work)					\
	struct completion work = COMPLETION_INITIALIZER(work)

static inline void init_completion(struct completion *x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}

/* Forget earlier complete()/complete_all() calls; no one may be waiting. */
static inline void reinit_completion(struct completion *x)
{
	x->done = 0;
}

void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
/* Returns 0 on timeout, else the jiffies left (at least 1). */
unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout);
/* Consume a completion without sleeping; false if none is available. */
bool try_wait_for_completion(struct completion *x);
/* Has it been completed (without consuming it)? */
bool completion_done(struct completion *x);

#endif /* _TESSERA_COMPLETION_H */
