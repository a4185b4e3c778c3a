// SPDX-License-Identifier: GPL-2.0
/*
 * The small system calls: identity, limits, time, resource usage,
 * randomness, the thread area, and the end of a process.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/mm.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/version.h>
#include <asm/processor.h>
#include <asm/uaccess.h>
#include <uapi/linux/prctl.h>
#include <uapi/linux/resource.h>
#include <uapi/linux/sysinfo.h>
#include <uapi/linux/time.h>
#include <uapi/linux/times.h>
#include <uapi/linux/utsname.h>
#include "process.h"
#include "syscall.h"

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

#define GRND_NONBLOCK	0x1
#define GRND_RANDOM	0x2
#define GRND_INSECURE	0x4

SYSCALL_DEFINE(exit)
{
	/* This thread only; the last thread's exit ends the process. */
	thread_exit(a0);
}

SYSCALL_DEFINE(exit_group)
{
	process_exit(a0, 0);
}

SYSCALL_DEFINE(getpid)
{
	return current_proc()->tgid;
}

SYSCALL_DEFINE(gettid)
{
	return current_thread()->tid;
}

/* Everything runs as root. */
SYSCALL_DEFINE(getuid) { return 0; }
SYSCALL_DEFINE(geteuid) { return 0; }
SYSCALL_DEFINE(getgid) { return 0; }
SYSCALL_DEFINE(getegid) { return 0; }

SYSCALL_DEFINE(sched_yield)
{
	yield();
	return 0;
}

/* Linux's nr_cpu_ids: the highest possible CPU id, plus one. */
static unsigned int nr_cpu_ids(void)
{
	unsigned int cpu, last = 0;

	for_each_possible_cpu(cpu)
		last = cpu;
	return last + 1;
}

/* The task of thread tid (0: the caller), with a reference, or NULL. */
static struct task_struct *get_thread_task(pid_t tid)
{
	struct task_struct *t = NULL;
	struct uthread *ut;

	if (tid < 0)
		return NULL;
	if (!tid)
		return get_task_struct(current);
	read_lock(&tasklist_lock);
	ut = find_thread(tid);
	if (ut)
		t = get_task_struct(ut->task);
	read_unlock(&tasklist_lock);
	return t;
}

SYSCALL_DEFINE(sched_setaffinity)
{
	size_t len = min((size_t)a1, sizeof(cpumask_t));
	struct task_struct *t;
	cpumask_t mask;
	long ret;

	cpumask_clear(&mask);
	if (copy_from_user(&mask, (const void __user *)a2, len))
		return -EFAULT;
	cpumask_and(&mask, &mask, cpu_online_mask);
	if (cpumask_empty(&mask))
		return -EINVAL;
	t = get_thread_task(a0);
	if (!t)
		return -ESRCH;
	ret = set_cpus_allowed_ptr(t, &mask);
	/*
	 * The caller runs on its CPU until it next sleeps, and a waking task
	 * goes to an allowed CPU: one tick's sleep moves it, so that it
	 * returns on one of its new CPUs, as on Linux.
	 */
	while (!ret && t == current &&
	       !cpumask_test_cpu(raw_smp_processor_id(), &mask))
		schedule_timeout_uninterruptible(1);
	put_task_struct(t);
	return ret;
}

SYSCALL_DEFINE(sched_getaffinity)
{
	size_t size = BITS_TO_LONGS(nr_cpu_ids()) * sizeof(long);
	struct task_struct *t;
	cpumask_t mask;

	if (a1 * 8 < nr_cpu_ids() || (a1 & (sizeof(long) - 1)))
		return -EINVAL;
	t = get_thread_task(a0);
	if (!t)
		return -ESRCH;
	cpumask_and(&mask, &t->cpus_mask, cpu_online_mask);
	put_task_struct(t);
	size = min(size, (size_t)a1);
	return copy_to_user((void __user *)a2, &mask, size) ? -EFAULT : size;
}

SYSCALL_DEFINE(getcpu)
{
	unsigned int cpu = raw_smp_processor_id(), node = 0;

	if (a0 && put_user(cpu, (unsigned int __user *)a0))
		return -EFAULT;
	if (a1 && put_user(node, (unsigned int __user *)a1))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(uname)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strscpy(u.sysname, "Linux", sizeof(u.sysname));
	strscpy(u.nodename, "tessera", sizeof(u.nodename));
	strscpy(u.release, UTS_RELEASE, sizeof(u.release));
	strscpy(u.version, tessera_version, sizeof(u.version));
	strscpy(u.machine, "x86_64", sizeof(u.machine));
	strscpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user((void __user *)a0, &u, sizeof(u)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(arch_prctl)
{
	struct thread_struct *t = &current->thread;
	unsigned long v;

	switch (a0) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (a1 >= TASK_SIZE)
			return -EPERM;
		preempt_disable();
		if (a0 == ARCH_SET_FS) {
			t->fsbase = a1;
			wrmsr(MSR_FS_BASE, a1);
		} else {
			t->gsbase = a1;
			wrmsr(MSR_KERNEL_GS_BASE, a1);	/* user GS while in the kernel */
		}
		preempt_enable();
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		v = a0 == ARCH_GET_FS ? t->fsbase : t->gsbase;
		return put_user(v, (unsigned long __user *)a1);
	}
	return -EINVAL;
}

SYSCALL_DEFINE(set_tid_address)
{
	current_thread()->clear_child_tid = a0;
	return current_thread()->tid;
}

SYSCALL_DEFINE(set_robust_list)
{
	/* sizeof(struct robust_list_head) */
	if (a1 != 24)
		return -EINVAL;
	current_thread()->robust_list = a0;
	current_thread()->robust_len = a1;
	return 0;
}

static long do_prlimit(unsigned long pid, unsigned int res,
		       const struct rlimit64 __user *new,
		       struct rlimit64 __user *old)
{
	struct process *p = current_proc();
	struct rlimit64 r;

	if (pid && pid != p->tgid)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (new) {
		if (copy_from_user(&r, new, sizeof(r)))
			return -EFAULT;
		if (r.rlim_cur > r.rlim_max)
			return -EINVAL;
		/* Root may raise limits, but not above what is real. */
		if (res == RLIMIT_NOFILE && r.rlim_max > NR_OPEN_FILES)
			return -EPERM;
	}
	if (old && copy_to_user(old, &p->rlim[res], sizeof(*old)))
		return -EFAULT;
	if (new)
		p->rlim[res] = r;
	return 0;
}

SYSCALL_DEFINE(prlimit64)
{
	return do_prlimit(a0, a1, (const struct rlimit64 __user *)a2,
			  (struct rlimit64 __user *)a3);
}

SYSCALL_DEFINE(getrlimit)
{
	return do_prlimit(0, a0, NULL, (struct rlimit64 __user *)a1);
}

SYSCALL_DEFINE(setrlimit)
{
	return do_prlimit(0, a0, (const struct rlimit64 __user *)a1, NULL);
}

/* --------------------------------------------------- resource usage --- */

static void ticks_to_timeval(u64 ticks, struct timeval *tv)
{
	tv->tv_sec = ticks / HZ;
	tv->tv_usec = ticks % HZ * USEC_PER_SEC / HZ;
}

SYSCALL_DEFINE(getrusage)
{
	struct process *p = current_proc();
	int who = a0;
	struct rusage ru;
	u64 u, s;

	memset(&ru, 0, sizeof(ru));
	switch (who) {
	case RUSAGE_SELF:
	case RUSAGE_THREAD:
		read_lock(&tasklist_lock);
		if (who == RUSAGE_SELF) {
			process_cputime(p, &u, &s);
		} else {
			u = READ_ONCE(current->utime);
			s = READ_ONCE(current->stime);
		}
		read_unlock(&tasklist_lock);
		ru.ru_maxrss = max(p->maxrss, current->mm->hiwater_rss) <<
			       (PAGE_SHIFT - 10);
		ru.ru_nvcsw = current->nvcsw;
		ru.ru_nivcsw = current->nivcsw;
		break;
	case RUSAGE_CHILDREN:
		read_lock(&tasklist_lock);
		u = p->cutime;
		s = p->cstime;
		ru.ru_maxrss = p->cmaxrss << (PAGE_SHIFT - 10);
		read_unlock(&tasklist_lock);
		break;
	default:
		return -EINVAL;
	}
	ticks_to_timeval(u, &ru.ru_utime);
	ticks_to_timeval(s, &ru.ru_stime);
	return copy_to_user((void __user *)a1, &ru, sizeof(ru)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(times)
{
	struct process *p = current_proc();
	struct tms t;
	u64 u, s;

	if (a0) {
		read_lock(&tasklist_lock);
		process_cputime(p, &u, &s);
		t.tms_utime = jiffies_to_clock_t(u);
		t.tms_stime = jiffies_to_clock_t(s);
		t.tms_cutime = jiffies_to_clock_t(p->cutime);
		t.tms_cstime = jiffies_to_clock_t(p->cstime);
		read_unlock(&tasklist_lock);
		if (copy_to_user((void __user *)a0, &t, sizeof(t)))
			return -EFAULT;
	}
	return jiffies_to_clock_t(jiffies);
}

SYSCALL_DEFINE(sysinfo)
{
	struct mp_stats_reply st;
	struct sysinfo si;
	unsigned long loads[3];
	u64 up = ktime_get_ns();
	long ret;

	BUILD_BUG_ON(sizeof(si) != 112);
	/* The memory of user programs is the memory node's. */
	memset(&st, 0, sizeof(st));
	ret = mm_call(MEMOP_STATS, NULL, 0, &st, sizeof(st));
	if (ret >= 0 && ret != sizeof(st))
		ret = -EPROTO;
	if (ret < 0)
		return ret;
	memset(&si, 0, sizeof(si));
	si.uptime = up / NSEC_PER_SEC + !!(up % NSEC_PER_SEC);
	get_avenrun(loads, 0, SI_LOAD_SHIFT - FSHIFT);
	si.loads[0] = loads[0];
	si.loads[1] = loads[1];
	si.loads[2] = loads[2];
	si.totalram = st.total_pages << PAGE_SHIFT;
	si.freeram = st.free_pages << PAGE_SHIFT;
	si.mem_unit = 1;
	si.procs = nr_tasks_allocated();	/* Linux counts every thread */
	return copy_to_user((void __user *)a0, &si, sizeof(si)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(prctl)
{
	struct process *p = current_proc();
	char comm[TASK_COMM_LEN];
	long n;

	switch (a0) {
	case PR_SET_NAME:
		memset(comm, 0, sizeof(comm));
		n = strncpy_from_user(comm, (const char __user *)a1,
				      sizeof(comm) - 1);
		if (n < 0)
			return n;
		/*
		 * The calling thread's name, as Linux; p->comm is the
		 * leader's (/proc/PID, the log), and /proc reads both
		 * under tasklist_lock.
		 */
		write_lock(&tasklist_lock);
		memcpy(current->comm, comm, sizeof(comm));
		if (current_thread()->tid == p->tgid)
			memcpy(p->comm, comm, sizeof(comm));
		write_unlock(&tasklist_lock);
		return 0;
	case PR_GET_NAME:
		read_lock(&tasklist_lock);
		memcpy(comm, current->comm, sizeof(comm));
		read_unlock(&tasklist_lock);
		return copy_to_user((void __user *)a1, comm, sizeof(comm)) ?
		       -EFAULT : 0;
	}
	return -EINVAL;
}

/* ------------------------------------------------------------- time --- */

static int clock_read(unsigned long clk, struct timespec *ts)
{
	u64 ns;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		ns = ktime_get_real_ns();
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ns = ktime_get_ns();
		break;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		ns = task_sched_runtime(current);
		break;
	default:
		return -EINVAL;
	}
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

SYSCALL_DEFINE(clock_gettime)
{
	struct timespec ts;
	int ret = clock_read(a0, &ts);

	if (ret)
		return ret;
	return copy_to_user((void __user *)a1, &ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(clock_getres)
{
	struct timespec ts = { 0, 1 };
	struct timespec now;

	if (clock_read(a0, &now))
		return -EINVAL;
	if (a1 && copy_to_user((void __user *)a1, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(gettimeofday)
{
	struct timespec ts;
	struct timeval tv;

	if (a0) {
		clock_read(CLOCK_REALTIME, &ts);
		tv.tv_sec = ts.tv_sec;
		tv.tv_usec = ts.tv_nsec / 1000;
		if (copy_to_user((void __user *)a0, &tv, sizeof(tv)))
			return -EFAULT;
	}
	/* The time zone is UTC: struct timezone is two zero ints. */
	if (a1 && clear_user((void __user *)a1, 8))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(time)
{
	s64 t = ktime_get_real_seconds();

	if (a0 && put_user(t, (s64 __user *)a0))
		return -EFAULT;
	return t;
}

/*
 * Sleep until clock clk reads deadline_ns (at tick granularity): 0, or
 * the nanoseconds left when a signal came first.
 */
static u64 sleep_until(unsigned long clk, u64 deadline_ns)
{
	struct timespec now = { 0, 0 };
	u64 now_ns, left;

	for (;;) {
		clock_read(clk, &now);
		now_ns = now.tv_sec * NSEC_PER_SEC + now.tv_nsec;
		if (now_ns >= deadline_ns)
			return 0;
		left = deadline_ns - now_ns;
		if (signal_pending_current())
			return left;
		/* Whole ticks, rounded up: never wake early. */
		schedule_timeout_interruptible(
			min(DIV_ROUND_UP(left, NSEC_PER_SEC / HZ),
			    (u64)MAX_JIFFY_OFFSET));
	}
}

/*
 * The rest of an interrupted relative sleep: the time left goes to rmtp,
 * and restart_syscall() sleeps on to the same deadline if no handler ran.
 */
static long nanosleep_restart(struct restart_block *rb)
{
	struct timespec rem;
	u64 left = sleep_until(rb->clk, rb->deadline_ns);

	if (!left)
		return 0;
	if (rb->rmtp) {
		rem.tv_sec = left / NSEC_PER_SEC;
		rem.tv_nsec = left % NSEC_PER_SEC;
		if (copy_to_user(rb->rmtp, &rem, sizeof(rem)))
			return -EFAULT;
	}
	current_thread()->sig.restart = *rb;
	return -ERESTART_RESTARTBLOCK;
}

static long do_nanosleep(unsigned long clk, int flags,
			 const struct timespec __user *ureq,
			 struct timespec __user *urem)
{
	struct restart_block rb = { .fn = nanosleep_restart, .clk = clk,
				    .rmtp = urem };
	struct timespec req, now;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if (clock_read(clk, &now) || clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (!(flags & TIMER_ABSTIME)) {
		req.tv_sec += now.tv_sec;
		req.tv_nsec += now.tv_nsec;
	}
	rb.deadline_ns = req.tv_sec * NSEC_PER_SEC + req.tv_nsec;
	if (flags & TIMER_ABSTIME) {
		/* An absolute sleep is just called again: no time left to report. */
		return sleep_until(clk, rb.deadline_ns) ? -ERESTARTNOHAND : 0;
	}
	return nanosleep_restart(&rb);
}

SYSCALL_DEFINE(nanosleep)
{
	return do_nanosleep(CLOCK_MONOTONIC, 0, (const struct timespec __user *)a0,
			    (struct timespec __user *)a1);
}

SYSCALL_DEFINE(clock_nanosleep)
{
	if (a1 & ~TIMER_ABSTIME)
		return -EINVAL;
	return do_nanosleep(a0, a1, (const struct timespec __user *)a2,
			    (struct timespec __user *)a3);
}

/* ------------------------------------------------------- randomness --- */

/*
 * getrandom(): RDRAND when the CPU has it, else a xorshift generator
 * stirred with the TSC at every call.  Good enough for stack canaries
 * and hash seeds, not for keys.
 */
static DEFINE_SPINLOCK(rng_lock);
static u64 rng_state;

static bool rdrand64(u64 *v)
{
	u32 a, b, c, d;
	bool ok;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1U << 30)))
		return false;
	asm volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}

static u64 random_u64(void)
{
	unsigned long flags;
	u64 x, hw;

	spin_lock_irqsave(&rng_lock, flags);
	x = rng_state ^ rdtsc();
	if (rdrand64(&hw))
		x ^= hw;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x ?: 0x9e3779b97f4a7c15ULL;
	spin_unlock_irqrestore(&rng_lock, flags);
	return x * 0x2545f4914f6cdd1dULL;
}

SYSCALL_DEFINE(getrandom)
{
	char __user *buf = (char __user *)a0;
	size_t len = a1, done = 0, n;
	u64 r;

	if (a2 & ~(unsigned long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > 33554431)	/* Linux's cap: INT_MAX >> 6 */
		len = 33554431;
	while (done < len) {
		r = random_u64();
		n = min(len - done, sizeof(r));
		if (copy_to_user(buf + done, &r, n))
			return done ? done : -EFAULT;
		done += n;
		if (!(done & 4095))
			cond_resched();
	}
	return done;
}
