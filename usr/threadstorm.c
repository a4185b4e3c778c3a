// SPDX-License-Identifier: GPL-2.0
/*
 * threadstorm - thread life cycle: many creates and joins, detached
 * threads, thread ids, signals to threads, exit_group and execve from a
 * thread, CPU affinity, /proc/self/task.
 *
 *   threadstorm [-n THREADS]     (default 2000, created 16 at a time)
 *
 * The exec test re-executes /proc/self/exe as "threadstorm --exec-child
 * PID", which checks that it is alone in its process with that pid and
 * exits with status 7.  Output lines do not depend on timing or CPUs.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "utest.h"

#define BATCH		16
#define DETACHED	64
#define EXEC_STATUS	7

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

static int tgkill_(pid_t tgid, pid_t tid, int sig)
{
	return syscall(SYS_tgkill, tgid, tid, sig);
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int r = pthread_create(t, NULL, fn, arg);

	if (r) {
		say("FAIL: pthread_create: %s", strerror(r));
		exit(1);
	}
}

static void *join(pthread_t t)
{
	void *ret;
	int r = pthread_join(t, &ret);

	if (r) {
		say("FAIL: pthread_join: %s", strerror(r));
		exit(1);
	}
	return ret;
}

/* Wait (at most about 60 s) for *v to become want. */
static int wait_for(atomic_int *v, int want)
{
	int i;

	for (i = 0; i < 60000 && atomic_load(v) != want; i++)
		usleep(1000);
	return atomic_load(v) == want;
}

/* ------------------------------------------------------------- storm --- */

static pid_t batch_tid[BATCH];

static uintptr_t storm_value(uintptr_t i)
{
	return (uintptr_t)mix64(i) | 1;
}

static void *storm_thread(void *arg)
{
	uintptr_t i = (uintptr_t)arg;

	batch_tid[i % BATCH] = gettid_();
	return (void *)storm_value(i);
}

static void test_storm(unsigned long total)
{
	unsigned long i, bad_value = 0, bad_tid = 0;
	pid_t pid = getpid();
	pthread_t t[BATCH];

	check(gettid_() == pid, "main thread: gettid %d, getpid %d", gettid_(), pid);
	for (i = 0; i < total; i += BATCH) {
		unsigned long j, k, n = total - i < BATCH ? total - i : BATCH;

		for (j = 0; j < n; j++)
			start(&t[j], storm_thread, (void *)(uintptr_t)(i + j));
		for (j = 0; j < n; j++)
			if ((uintptr_t)join(t[j]) != storm_value(i + j))
				bad_value++;
		for (j = 0; j < n; j++) {
			if (batch_tid[j] == pid || batch_tid[j] <= 0)
				bad_tid++;
			for (k = 0; k < j; k++)
				if (batch_tid[k] == batch_tid[j])
					bad_tid++;
		}
	}
	check(!bad_value, "storm: %lu joins returned another value", bad_value);
	check(!bad_tid, "storm: %lu thread ids were the pid, invalid or shared in a batch", bad_tid);
	say("storm: %lu threads, %d at a time: done", total, BATCH);
}

static atomic_int detached_ran;
static sem_t detached_sem;

static void *detached_thread(void *arg)
{
	(void)arg;
	atomic_fetch_add(&detached_ran, 1);
	sem_post(&detached_sem);
	return NULL;
}

static void test_detached(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int i, r;

	sem_init(&detached_sem, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < DETACHED; i++) {
		r = pthread_create(&t, &attr, detached_thread, NULL);
		if (r) {
			say("FAIL: pthread_create (detached): %s", strerror(r));
			exit(1);
		}
	}
	for (i = 0; i < DETACHED; i++)
		while (sem_wait(&detached_sem) && errno == EINTR)
			;
	check(atomic_load(&detached_ran) == DETACHED, "detached: %d ran, expected %d",
	      atomic_load(&detached_ran), DETACHED);
	pthread_attr_destroy(&attr);
	say("detached: %d threads: done", DETACHED);
}

/* ----------------------------------------------------------- signals --- */

static atomic_int usr1_tid, usr2_tid, usr2_count;
static atomic_int tid_a, tid_b, a_check_pending, a_done, b_done, stop_b;
static int a_pending_ok, a_handled_ok;

static void on_usr1(int sig)
{
	(void)sig;
	atomic_store(&usr1_tid, gettid_());
}

static void on_usr2(int sig)
{
	(void)sig;
	atomic_store(&usr2_tid, gettid_());
	atomic_fetch_add(&usr2_count, 1);
}

static void unblock(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

/* SIGUSR1 by tgkill. */
static void *usr1_thread(void *arg)
{
	(void)arg;
	unblock(SIGUSR1);
	atomic_store(&tid_a, gettid_());
	wait_for(&usr1_tid, atomic_load(&tid_a));
	return NULL;
}

/* Keeps SIGUSR2 blocked until main made one pending for it. */
static void *mask_thread_a(void *arg)
{
	sigset_t pending;

	(void)arg;
	atomic_store(&tid_a, gettid_());
	wait_for(&a_check_pending, 1);
	sigpending(&pending);
	a_pending_ok = sigismember(&pending, SIGUSR2) == 1;
	unblock(SIGUSR2);	/* delivered here, before this returns */
	a_handled_ok = atomic_load(&usr2_tid) == gettid_();
	atomic_store(&a_done, 1);
	return NULL;
}

/* The only thread with SIGUSR2 unblocked. */
static void *mask_thread_b(void *arg)
{
	(void)arg;
	unblock(SIGUSR2);
	atomic_store(&tid_b, gettid_());
	wait_for(&stop_b, 1);
	atomic_store(&b_done, 1);
	return NULL;
}

static void test_signals(void)
{
	struct sigaction sa = { 0 };
	sigset_t s, pending;
	pthread_t a, b;
	pid_t pid = getpid();

	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	/* Main and every thread start with both blocked. */
	pthread_sigmask(SIG_BLOCK, &s, NULL);

	start(&a, usr1_thread, NULL);
	while (!atomic_load(&tid_a))
		usleep(1000);
	check(tgkill_(pid, atomic_load(&tid_a), SIGUSR1) == 0, "tgkill: %s", strerror(errno));
	join(a);
	check(atomic_load(&usr1_tid) == atomic_load(&tid_a),
	      "tgkill's SIGUSR1 was handled by thread %d, not the target %d",
	      atomic_load(&usr1_tid), atomic_load(&tid_a));
	CHECK_ERR(tgkill_(pid, -1, SIGUSR1), EINVAL,
		  "tgkill of tid -1");
	CHECK_ERR(tgkill_(pid, pid, 65), EINVAL, "tgkill with signal 65");

	atomic_store(&tid_a, 0);
	start(&a, mask_thread_a, NULL);
	start(&b, mask_thread_b, NULL);
	while (!atomic_load(&tid_a) || !atomic_load(&tid_b))
		usleep(1000);
	/* Process-directed: only B may take it. */
	check(kill(pid, SIGUSR2) == 0, "kill: %s", strerror(errno));
	wait_for(&usr2_count, 1);
	check(atomic_load(&usr2_tid) == atomic_load(&tid_b),
	      "kill(getpid(), SIGUSR2) was handled by %d, not %d, the only thread not blocking it",
	      atomic_load(&usr2_tid), atomic_load(&tid_b));
	/* Thread-directed to A, which blocks it: pending for A alone. */
	check(tgkill_(pid, atomic_load(&tid_a), SIGUSR2) == 0, "tgkill: %s", strerror(errno));
	sigpending(&pending);
	check(!sigismember(&pending, SIGUSR2), "a signal sent to thread A is pending in main");
	atomic_store(&a_check_pending, 1);
	join(a);
	check(a_pending_ok, "the SIGUSR2 sent to thread A, which blocks it, is not pending in A");
	check(a_handled_ok, "unblocking SIGUSR2 in A did not run the handler in A (ran in %d)",
	      atomic_load(&usr2_tid));
	check(atomic_load(&usr2_count) == 2, "SIGUSR2 handled %d times, expected 2",
	      atomic_load(&usr2_count));
	atomic_store(&stop_b, 1);
	join(b);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	say("signals: tgkill, per-thread masks, pending sets: done");
}

/* ------------------------------------------------- exit_group, execve --- */

static void *exit_thread(void *arg)
{
	exit((int)(uintptr_t)arg);
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *exec_thread(void *arg)
{
	char pid[24];

	(void)arg;
	snprintf(pid, sizeof(pid), "%d", getpid());
	execl("/proc/self/exe", "threadstorm", "--exec-child", pid, (char *)NULL);
	printf("threadstorm: FAIL: execve from a thread: %s\n", strerror(errno));
	exit(1);
}

static void *late_exit_thread(void *arg)
{
	(void)arg;
	usleep(100000);		/* the main thread is gone by then */
	exit(43);
}

/* run_child(fn): fork; the child runs fn; returns the wait status. */
static int run_child(void (*fn)(void))
{
	int status = -1;
	pid_t c;

	fflush(stdout);
	c = fork();
	if (c < 0) {
		say("FAIL: fork: %s", strerror(errno));
		return -1;
	}
	if (!c) {
		fn();
		_exit(99);
	}
	if (waitpid(c, &status, 0) != c)
		say("FAIL: waitpid: %s", strerror(errno));
	return status;
}

static void child_exit_group(void)
{
	pthread_t t, u;

	start(&u, sleeper, NULL);
	start(&t, exit_thread, (void *)42);
	for (;;)
		pause();
}

static void child_leader_exits_first(void)
{
	pthread_t t;

	start(&t, late_exit_thread, NULL);
	pthread_exit(NULL);
}

static void child_exec(void)
{
	pthread_t t, u;

	start(&u, sleeper, NULL);
	start(&t, exec_thread, NULL);
	for (;;)
		pause();
}

static int count_tasks(pid_t *ids, int max);

/* The program a thread execs: alone, with the pid its parent had. */
static int exec_child(const char *pid)
{
	pid_t ids[8];
	int n = count_tasks(ids, 8);

	if (getpid() != atoi(pid) || gettid_() != getpid() || n != 1) {
		printf("threadstorm: FAIL: after execve from a thread: pid %d (expected %s), tid %d, %d tasks\n",
		       getpid(), pid, gettid_(), n);
		return 1;
	}
	return EXEC_STATUS;
}

static void test_exit_exec(void)
{
	int st;

	st = run_child(child_exit_group);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "a thread's exit(42): the process's wait status is %#x", st);
	st = run_child(child_leader_exits_first);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 43,
	      "main thread pthread_exit, then exit(43) in a thread: wait status %#x", st);
	st = run_child(child_exec);
	check(WIFEXITED(st) && WEXITSTATUS(st) == EXEC_STATUS,
	      "execve from a thread: wait status %#x, expected exit %d", st, EXEC_STATUS);
	say("exit_group and execve from threads: done");
}

/* ---------------------------------------------------------- affinity --- */

static cpu_set_t all_cpus;
static atomic_int affinity_errors;

static void *affinity_thread(void *arg)
{
	int cpu, n = 0;

	(void)arg;
	for (cpu = 0; cpu < CPU_SETSIZE && n < 8; cpu++) {
		cpu_set_t one, got;
		unsigned int c = ~0u, node = ~0u;

		if (!CPU_ISSET(cpu, &all_cpus))
			continue;
		n++;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) ||
		    sched_getaffinity(0, sizeof(got), &got) || !CPU_EQUAL(&one, &got) ||
		    syscall(SYS_getcpu, &c, &node, NULL) || c != (unsigned int)cpu ||
		    sched_getcpu() != cpu) {
			printf("threadstorm: FAIL: affinity to CPU %d: now on %u (%s)\n", cpu, c,
			       strerror(errno));
			atomic_fetch_add(&affinity_errors, 1);
		}
	}
	return NULL;
}

static void test_affinity(void)
{
	cpu_set_t empty, got;
	pthread_t t;
	int r;

	r = sched_getaffinity(0, sizeof(all_cpus), &all_cpus);
	check(r == 0 && CPU_COUNT(&all_cpus) >= 1, "sched_getaffinity: %d (%s), %d CPUs", r,
	      strerror(errno), CPU_COUNT(&all_cpus));
	start(&t, affinity_thread, NULL);
	join(t);
	check(!atomic_load(&affinity_errors), "affinity round trips failed on %d CPUs",
	      atomic_load(&affinity_errors));
	/* A thread's affinity is its own. */
	check(sched_getaffinity(0, sizeof(got), &got) == 0 && CPU_EQUAL(&got, &all_cpus),
	      "a thread's sched_setaffinity changed the main thread's mask");
	CPU_ZERO(&empty);
	CHECK_ERR(sched_setaffinity(0, sizeof(empty), &empty), EINVAL, "sched_setaffinity(empty)");
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, sizeof(got), NULL), EFAULT,
		  "sched_getaffinity(NULL)");
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 1, &got), EINVAL,
		  "sched_getaffinity with a 1-byte mask");
	say("affinity: set, get, getcpu on each CPU: done");
}

/* ------------------------------------------------------ /proc/self/task --- */

#define TASKS	4

static pthread_barrier_t task_barrier;
static pid_t task_tid[TASKS];

/* Thread ids listed in /proc/self/task, sorted; -1 if unreadable. */
static int count_tasks(pid_t *ids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (n < max) {
			pid_t v = atoi(e->d_name);
			int i = n;

			while (i > 0 && ids[i - 1] > v) {
				ids[i] = ids[i - 1];
				i--;
			}
			ids[i] = v;
		}
		n++;
	}
	closedir(d);
	return n;
}

static void *task_thread(void *arg)
{
	task_tid[(uintptr_t)arg] = gettid_();
	pthread_barrier_wait(&task_barrier);	/* main reads the directory */
	pthread_barrier_wait(&task_barrier);
	return NULL;
}

static void test_proc_task(void)
{
	pid_t ids[TASKS + 4], want[TASKS + 1];
	pthread_t t[TASKS];
	int i, j, n, tries;

	pthread_barrier_init(&task_barrier, NULL, TASKS + 1);
	for (i = 0; i < TASKS; i++)
		start(&t[i], task_thread, (void *)(uintptr_t)i);
	pthread_barrier_wait(&task_barrier);
	n = count_tasks(ids, TASKS + 4);
	want[0] = getpid();
	for (i = 0; i < TASKS; i++) {
		pid_t v = task_tid[i];

		for (j = i + 1; j > 0 && want[j - 1] > v; j--)
			want[j] = want[j - 1];
		want[j] = v;
	}
	check(n == TASKS + 1 && !memcmp(ids, want, sizeof(want)),
	      "/proc/self/task lists %d entries, expected the pid and %d thread ids", n, TASKS);
	pthread_barrier_wait(&task_barrier);
	for (i = 0; i < TASKS; i++)
		join(t[i]);
	/* A joined thread may still be leaving; it must go soon. */
	for (tries = 0; tries < 1000 && count_tasks(ids, TASKS + 4) != 1; tries++)
		usleep(10000);
	check(count_tasks(ids, TASKS + 4) == 1 && ids[0] == getpid(),
	      "/proc/self/task still lists %d entries after the joins", count_tasks(ids, TASKS + 4));
	pthread_barrier_destroy(&task_barrier);
	say("/proc/self/task: done");
}

int main(int argc, char **argv)
{
	unsigned long total = 2000;

	if (argc == 3 && !strcmp(argv[1], "--exec-child"))
		return exec_child(argv[2]);
	utest_init("threadstorm");
	if (argc == 3 && !strcmp(argv[1], "-n")) {
		total = strtoul(argv[2], NULL, 0);
	} else if (argc != 1) {
		fprintf(stderr, "usage: threadstorm [-n THREADS]\n");
		return 2;
	}
	test_storm(total);
	test_detached();
	test_signals();
	test_exit_exec();
	test_affinity();
	test_proc_task();
	return utest_finish();
}
