/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SCHED_H
#define _TESSERA_SCHED_H

/*
 * Tasks and the scheduler.  See Documentation/scheduler.md.
 *
 * Every kernel thread (and later every user thread) is a task_struct
 * with its own THREAD_SIZE kernel stack.  Each CPU has a run queue with
 * two scheduling classes above its idle task: real-time (SCHED_FIFO and
 * SCHED_RR, priorities 1-99, always first) and fair (SCHED_NORMAL, nice
 * -20..19, CPU time shared in proportion to weights).
 */
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/atomic.h>
#include <tessera/completion.h>
#include <tessera/cpumask.h>
#include <tessera/jiffies.h>
#include <tessera/list.h>
#include <tessera/preempt.h>
#include <tessera/rbtree.h>
#include <tessera/refcount.h>
#include <tessera/pcache.h>
#include <tessera/sched_state.h>
#include <tessera/timer.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <asm/current.h>
#include <asm/stacktrace.h>

typedef int pid_t;

/* Scheduling policies, with the Linux values. */
#define SCHED_NORMAL		0
#define SCHED_FIFO		1
#define SCHED_RR		2

/*
 * Priorities, as in Linux: prio 0..99 are real-time (prio 0 is
 * rt_priority 99, the most important), 100..139 are nice -20..19.
 * A lower prio value wins.
 */
#define MAX_RT_PRIO		100
#define MAX_USER_RT_PRIO	100
#define MAX_PRIO		(MAX_RT_PRIO + 40)
#define DEFAULT_PRIO		(MAX_RT_PRIO + 20)
#define MIN_NICE		-20
#define MAX_NICE		19
#define NICE_TO_PRIO(nice)	((nice) + DEFAULT_PRIO)
#define PRIO_TO_NICE(prio)	((prio) - DEFAULT_PRIO)

/* Timeslice of SCHED_RR tasks: 100 ms. */
#define RR_TIMESLICE		(100 * HZ / 1000)

#define TASK_COMM_LEN		16

/* task_struct.flags */
#define PF_IDLE			0x00000002	/* an idle task */
#define PF_EXITING		0x00000004	/* in do_exit() */
#define PF_KTHREAD		0x00200000	/* a kernel thread */
#define PF_NO_SETAFFINITY	0x04000000	/* CPU mask fixed (kthread_bind) */

/* The fair class's view of a task. */
struct sched_entity {
	struct rb_node run_node;	/* in cfs_rq.tasks while queued, not running */
	unsigned long weight;		/* from nice: see sched_prio_to_weight */
	u64 vruntime;			/* ns of CPU time, scaled by 1024/weight */
	u64 exec_start;			/* rq clock when it last got the CPU */
	u64 sum_exec_runtime;		/* ns of CPU time, in total */
	u64 prev_sum_exec_runtime;	/* sum_exec_runtime when it got the CPU */
};

/* The real-time class's view of a task. */
struct sched_rt_entity {
	struct list_head run_list;	/* in its priority's queue while runnable */
	unsigned int time_slice;	/* SCHED_RR: ticks left */
};

struct fpu_state;

/*
 * State of a task that is not running: its kernel stack pointer (the
 * callee-saved registers are on that stack, switch_to.S), and for a task
 * with a user part the user state the kernel itself never touches.
 */
struct thread_struct {
	unsigned long sp;		/* kernel stack pointer */
	unsigned long fsbase;		/* user FS and GS bases (arch_prctl) */
	unsigned long gsbase;
	struct fpu_state *fpu;		/* x87/SSE registers; NULL: kernel only */
};

struct sched_class;
struct mm_struct;
struct process;
struct uthread;

struct task_struct {
	struct thread_struct thread;
	unsigned int __state;		/* TASK_*; see set_current_state() */
	unsigned int flags;		/* PF_* */

	/* Scheduling. */
	int on_rq;			/* queued on a run queue (incl. running) */
	int on_cpu;			/* running, or being switched out */
	unsigned int cpu;		/* the run queue it belongs to */
	int prio;			/* effective priority, 0..139 */
	int static_prio;		/* from nice: 100..139 */
	unsigned int rt_priority;	/* 1..99 for RT policies, else 0 */
	unsigned int policy;		/* SCHED_* */
	const struct sched_class *sched_class;
	struct sched_entity se;
	struct sched_rt_entity rt;
	cpumask_t cpus_mask;		/* CPUs it may run on */
	unsigned int nr_cpus_allowed;
	unsigned long nvcsw, nivcsw;	/* voluntary/involuntary switches */
	u64 utime, stime;		/* ticks (HZ) in user and kernel mode */

	/* Identity and life cycle. */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	void *stack;			/* THREAD_SIZE bytes, THREAD_SIZE aligned */
	refcount_t usage;
	int exit_code;
	spinlock_t pi_lock;		/* serializes wake-ups of this task */
	struct list_head tasks;		/* on the list of all tasks */
	struct timer_list sleep_timer;	/* schedule_timeout() */

	/* User processes (managers/processor): NULL for kernel threads. */
	struct mm_struct *mm;
	struct process *proc;
	struct uthread *uthread;	/* the user thread this task runs */

	/* Kernel threads (kernel/kthread.c). */
	int (*threadfn)(void *data);
	void *thread_data;
	unsigned long kthread_flags;
	struct completion kthread_exited;

#ifdef CONFIG_DEBUG_PCACHE_LOCKS
	/* The pcache locks held (managers/processor/pcache/lockcheck.c). */
	struct pcache_held_locks pcache_locks;
#endif
};

/* A fresh stack's lowest word: overwritten means the stack overflowed. */
#define STACK_END_MAGIC		0x57AC6E9DUL

extern struct task_struct init_task;

static inline unsigned int task_cpu(const struct task_struct *p)
{
	return READ_ONCE(p->cpu);
}

static inline unsigned int task_state(const struct task_struct *p)
{
	return READ_ONCE(p->__state);
}

static inline unsigned long task_stack_top(const struct task_struct *p)
{
	return (unsigned long)p->stack + THREAD_SIZE;
}

static inline bool task_is_running(const struct task_struct *p)
{
	return task_state(p) == TASK_RUNNING;
}

static inline int task_nice(const struct task_struct *p)
{
	return PRIO_TO_NICE(p->static_prio);
}

static inline bool rt_prio(int prio)
{
	return prio < MAX_RT_PRIO;
}

static inline bool rt_task(const struct task_struct *p)
{
	return rt_prio(p->prio);
}

static inline bool is_idle_task(const struct task_struct *p)
{
	return p->flags & PF_IDLE;
}

/*
 * set_current_state() before testing the condition that ends a sleep:
 * the store is ordered before the test (smp_mb), pairing with the
 * waker's barrier between making the condition true and looking at the
 * sleeper's state (in try_to_wake_up()).  __set_current_state() has no
 * barrier: for going back to TASK_RUNNING.
 */
#define __set_current_state(state) WRITE_ONCE(current->__state, (state))
#define set_current_state(state) do {					\
	WRITE_ONCE(current->__state, (state));				\
	smp_mb();							\
} while (0)

/* References: the task_struct lives until the last put. */
static inline struct task_struct *get_task_struct(struct task_struct *p)
{
	refcount_inc(&p->usage);
	return p;
}

void __put_task_struct(struct task_struct *p);

static inline void put_task_struct(struct task_struct *p)
{
	if (refcount_dec_and_test(&p->usage))
		__put_task_struct(p);
}

/* Give up the CPU; returns when the task is picked again. */
void schedule(void);
/* schedule() only if a reschedule is pending; returns whether it did. */
int _cond_resched(void);
#define cond_resched()	_cond_resched()
/* Let the other runnable tasks of this CPU run first. */
void yield(void);

/*
 * Sleep for at most timeout jiffies in the state set beforehand with
 * set_current_state().  Returns 0 when the time ran out, else the
 * jiffies left (woken early).  MAX_SCHEDULE_TIMEOUT means no timeout.
 */
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);

/*
 * Wake p if it sleeps in one of the states of mask (TASK_NORMAL for
 * wake_up_process()).  Returns whether it was woken.  Any context.
 */
int try_to_wake_up(struct task_struct *p, unsigned int state, int wake_flags);
int wake_up_process(struct task_struct *p);
int wake_up_state(struct task_struct *p, unsigned int state);

/*
 * Change p's policy (SCHED_NORMAL, SCHED_FIFO, SCHED_RR) and RT priority
 * (1..99, or 0 for SCHED_NORMAL).  Returns 0 or -EINVAL.
 */
struct sched_param {
	int sched_priority;
};
int sched_setscheduler(struct task_struct *p, int policy,
		       const struct sched_param *param);
void set_user_nice(struct task_struct *p, long nice);
/* Restrict p to the CPUs of mask; -EINVAL if none is online. */
int set_cpus_allowed_ptr(struct task_struct *p, const cpumask_t *mask);

/* CPU time p has used, in ns (up to its last tick or switch). */
u64 task_sched_runtime(struct task_struct *p);

/* The periodic tick, from interrupt context (CONFIG_HZ times a second). */
void scheduler_tick(void);

/* Tick accounting (kernel/sched/cputime.c), in ticks of HZ. */
enum cpu_usage_stat {
	CPUTIME_USER,
	CPUTIME_SYSTEM,
	CPUTIME_IDLE,
	NR_CPUTIME
};
/* From the tick: charge it to the current task and this CPU. */
void account_process_tick(bool user);
/* The ticks cpu spent in user mode, kernel mode or idle. */
u64 kcpustat_cpu(unsigned int cpu, enum cpu_usage_stat what);
/* Runnable tasks (the running ones included) and switches since boot. */
unsigned long nr_running(void);
u64 nr_context_switches(void);

/* The 1, 5 and 15 minute load averages, fixed point with FSHIFT bits. */
#define FSHIFT		11
#define FIXED_1		(1UL << FSHIFT)
#define LOAD_INT(x)	((x) >> FSHIFT)
#define LOAD_FRAC(x)	LOAD_INT(((x) & (FIXED_1 - 1)) * 100)
/* From the boot CPU's tick: fold nr_running() in every 5 seconds. */
void calc_global_load(void);
/* The averages, (avenrun + offset) << shift. */
void get_avenrun(unsigned long *loads, unsigned long offset, int shift);

/* Boot: set up run queues; the caller becomes CPU 0's idle task. */
void sched_init(void);
/* Boot: the idle loop of a CPU; never returns. */
void cpu_startup_entry(void) __noreturn;
/* Make idle (already running on cpu) that CPU's idle task. */
void init_idle(struct task_struct *idle, int cpu);
/* Set once tasks other than the boot context exist. */
extern bool scheduler_running;

/*
 * WARN (once per call site) when called in a context that may not
 * sleep: preemption disabled, in an interrupt, or interrupts off.
 */
void __might_sleep(const char *file, int line, bool *warned);
#define might_sleep() do {						\
	static bool __ms_warned;					\
	__might_sleep(__FILE__, __LINE__, &__ms_warned);		\
} while (0)

/* Scheduler fields of a new task (kernel/sched/core.c). */
void sched_fork(struct task_struct *p);
/* Pin p, which has never been woken, to cpu (kthread_bind()). */
void __kthread_bind(struct task_struct *p, unsigned int cpu);
/* The end of do_exit(): switch away for good. */
void do_task_dead(void) __noreturn;

/* Tasks (kernel/fork.c, kernel/exit.c). */
struct task_struct *create_task(int (*fn)(void *), void *arg,
				const char *name);
void do_exit(int code) __noreturn;
/* Is p still on the list of live tasks?  (For checks and tests.) */
bool task_is_alive(struct task_struct *p);
/* Number of task_structs in use (allocated and not yet freed). */
unsigned int nr_tasks_allocated(void);

#endif /* _TESSERA_SCHED_H */
