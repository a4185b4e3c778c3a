// SPDX-License-Identifier: GPL-2.0
/*
 * The idle class and the idle loop.  Each CPU has an idle task that runs
 * when nothing else can; it halts the CPU until the next interrupt
 * rather than spin, so an idle node costs its host almost nothing.
 */
#include "sched.h"

/* Enable interrupts and halt, atomically: sti holds them off for one
 * more instruction, so a wake-up cannot slip in between. */
static inline void arch_safe_halt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

static void do_idle(void)
{
	while (!need_resched()) {
		local_irq_disable();
		if (need_resched()) {
			local_irq_enable();
			break;
		}
		arch_safe_halt();
	}
	schedule_idle();
}

/*
 * The idle task's body: the boot CPU's start_kernel() ends here.  Runs
 * with preemption disabled (count PREEMPT_DISABLED) and enters the
 * scheduler only through schedule_idle().
 */
void cpu_startup_entry(void)
{
	WRITE_ONCE(scheduler_running, true);
	for (;;)
		do_idle();
}

/* Make idle (already running on cpu) that CPU's idle task. */
void init_idle(struct task_struct *idle, int cpu)
{
	struct rq *rq = cpu_rq(cpu);
	unsigned long flags;

	spin_lock_irqsave(&idle->pi_lock, flags);
	spin_lock(&rq->lock);
	sched_fork(idle);
	idle->__state = TASK_RUNNING;
	idle->flags |= PF_IDLE | PF_KTHREAD | PF_NO_SETAFFINITY;
	idle->sched_class = &idle_sched_class;
	idle->static_prio = MAX_PRIO - 1;
	idle->prio = MAX_PRIO;
	cpumask_clear(&idle->cpus_mask);
	cpumask_set_cpu(cpu, &idle->cpus_mask);
	idle->nr_cpus_allowed = 1;
	idle->cpu = cpu;
	idle->on_cpu = 1;
	snprintf(idle->comm, sizeof(idle->comm), "swapper/%d", cpu);
	*(unsigned long *)idle->stack = STACK_END_MAGIC;
	rq->idle = idle;
	rq->curr = idle;
	spin_unlock(&rq->lock);
	spin_unlock_irqrestore(&idle->pi_lock, flags);
}

static void enqueue_task_idle(struct rq *rq, struct task_struct *p, int flags)
{
	BUG();
}

static void dequeue_task_idle(struct rq *rq, struct task_struct *p, int flags)
{
	pr_err("sched: the idle task of CPU %u tried to sleep\n", rq->cpu);
	BUG();
}

static void yield_task_idle(struct rq *rq)
{
}

static void check_preempt_curr_idle(struct rq *rq, struct task_struct *p)
{
	resched_curr(rq);
}

static struct task_struct *pick_next_task_idle(struct rq *rq)
{
	return rq->idle;
}

static void put_prev_task_idle(struct rq *rq, struct task_struct *p)
{
}

static void set_next_task_idle(struct rq *rq, struct task_struct *p)
{
}

static void task_tick_idle(struct rq *rq, struct task_struct *p)
{
}

static void update_curr_idle(struct rq *rq)
{
}

static struct task_struct *pick_migratable_idle(struct rq *rq, int dst_cpu)
{
	return NULL;
}

const struct sched_class idle_sched_class = {
	.next			= NULL,
	.enqueue_task		= enqueue_task_idle,
	.dequeue_task		= dequeue_task_idle,
	.yield_task		= yield_task_idle,
	.check_preempt_curr	= check_preempt_curr_idle,
	.pick_next_task		= pick_next_task_idle,
	.put_prev_task		= put_prev_task_idle,
	.set_next_task		= set_next_task_idle,
	.task_tick		= task_tick_idle,
	.update_curr		= update_curr_idle,
	.pick_migratable	= pick_migratable_idle,
};
