// SPDX-License-Identifier: GPL-2.0
/*
 * Creating and freeing tasks.  A task_struct comes from its own cache; its
 * kernel stack is an order-2 buddy block: THREAD_SIZE bytes, and (buddy
 * blocks are naturally aligned) THREAD_SIZE-aligned, as the stack walker
 * and the stack-end check rely on.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <asm/stacktrace.h>
#include <asm/switch_to.h>

#define THREAD_ORDER	2

static atomic_t nr_allocated;

/* The list of all tasks runs through init_task.tasks. */
static DEFINE_SPINLOCK(tasklist_lock);
static atomic_t next_pid = ATOMIC_INIT(0);

static struct kmem_cache *task_struct_cache;

static struct task_struct *alloc_task_struct(void)
{
	/* Created on first use: the first kthread comes after kmem init. */
	if (unlikely(!READ_ONCE(task_struct_cache))) {
		struct kmem_cache *c = kmem_cache_create("task_struct",
				sizeof(struct task_struct), 64, 0, NULL);
		struct kmem_cache *expected = NULL;

		if (!c)
			return NULL;
		if (!__atomic_compare_exchange_n(&task_struct_cache, &expected, c,
						 false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			kmem_cache_destroy(c);
	}
	return kmem_cache_alloc(task_struct_cache, GFP_KERNEL);
}

static void free_task_struct(struct task_struct *p)
{
	kmem_cache_free(task_struct_cache, p);
}

static void *alloc_thread_stack(void)
{
	return (void *)__get_free_pages(GFP_KERNEL, THREAD_ORDER);
}

static void free_thread_stack(void *stack)
{
	free_pages((unsigned long)stack, THREAD_ORDER);
}

unsigned int nr_tasks_allocated(void)
{
	return atomic_read(&nr_allocated);
}

bool task_is_alive(struct task_struct *p)
{
	struct task_struct *t;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&tasklist_lock, flags);
	for (t = &init_task; ; ) {
		if (t == p) {
			found = true;
			break;
		}
		t = list_next_entry(t, tasks);
		if (t == &init_task)
			break;
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return found;
}

/*
 * A task that has been switched out for the last time, and whose last
 * reference is gone.  It must be off every scheduler structure.
 */
void __put_task_struct(struct task_struct *p)
{
	unsigned long flags;

	BUG_ON(p == current || p == &init_task);
	WARN_ON(task_state(p) != TASK_DEAD);
	WARN_ON(p->on_rq || p->on_cpu);
	WARN_ON(!RB_EMPTY_NODE(&p->se.run_node));
	WARN_ON(!list_empty(&p->rt.run_list));
	WARN_ON(timer_pending(&p->sleep_timer));
	WARN_ON(waitqueue_active(&p->kthread_exited.wait));

	spin_lock_irqsave(&tasklist_lock, flags);
	list_del(&p->tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);

	free_thread_stack(p->stack);
	memset(p, 0x6b, sizeof(*p));	/* poison: a use after free shows */
	free_task_struct(p);
	atomic_dec(&nr_allocated);
}

/*
 * A new kernel task that will run fn(arg) once woken; it starts in
 * TASK_UNINTERRUPTIBLE, allowed on every CPU, SCHED_NORMAL, nice 0.
 * Returns ERR_PTR(-ENOMEM) when memory runs out.
 */
struct task_struct *create_task(int (*fn)(void *), void *arg,
				const char *name)
{
	struct task_struct *p;
	unsigned long flags;
	void *stack;

	p = alloc_task_struct();
	if (!p)
		goto nomem;
	stack = alloc_thread_stack();
	if (!stack) {
		free_task_struct(p);
		goto nomem;
	}
	memset(p, 0, sizeof(*p));
	p->stack = stack;
	*(unsigned long *)stack = STACK_END_MAGIC;
	p->__state = TASK_UNINTERRUPTIBLE;
	p->flags = PF_KTHREAD;
	refcount_set(&p->usage, 1);	/* dropped when it is dead and switched out */
	p->pid = atomic_inc_return(&next_pid);
	strscpy(p->comm, name, sizeof(p->comm));
	spin_lock_init(&p->pi_lock);
	timer_setup(&p->sleep_timer, NULL, 0);
	init_completion(&p->kthread_exited);
	sched_fork(p);
	copy_thread(p, fn, arg);

	atomic_inc(&nr_allocated);
	spin_lock_irqsave(&tasklist_lock, flags);
	list_add_tail(&p->tasks, &init_task.tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return p;

nomem:
	pr_warn("fork: out of memory for a task or its stack\n");
	return ERR_PTR(-ENOMEM);
}
