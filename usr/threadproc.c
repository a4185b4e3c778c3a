// SPDX-License-Identifier: GPL-2.0
/*
 * threadproc: /proc seen from a process of four threads: /proc/self/task
 * and its TID directories, /proc/thread-self, /proc/TID, per-thread
 * names (prctl PR_SET_NAME), CPUs, signal masks and pending sets, CPU
 * time, and the process-wide view of /proc/PID.  Every line it prints is
 * the same on Linux (figures are checked, not printed), so a host run
 * is the reference.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "utest.h"

#define NTHREADS	3		/* besides main */
#define TEXT_SIZE	16384
#define BIT(sig)	(1ULL << ((sig) - 1))

static pid_t pid;
static pid_t tids[NTHREADS + 1];	/* [0]: main */
static char names[NTHREADS + 1][16];
static long ncpu;
static pthread_barrier_t phase;
/* The last phase: main and the threads left after thread 3's exit. */
static pthread_barrier_t last;
/* The threads' checks run one at a time: utest's counters are plain. */
static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;

static pid_t my_tid(void)
{
	return syscall(SYS_gettid);
}

/* The whole file into buf (NUL-terminated): its length, or -1. */
static long read_text(const char *path, char *buf)
{
	long n, len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, TEXT_SIZE - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -1 : len;
}

/* The value of "name:" in a status text, into val; NULL if absent. */
static const char *field(const char *buf, const char *name, char *val,
			 size_t size)
{
	size_t len = strlen(name);
	const char *p;

	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, name, len) && p[len] == ':') {
			p += len + 1;
			p += strspn(p, " \t");
			snprintf(val, size, "%.*s", (int)strcspn(p, "\n"), p);
			return val;
		}
	}
	return NULL;
}

/* A status field as a number (-1 if absent). */
static long long status_num(const char *buf, const char *name, int base)
{
	char val[128];

	if (!field(buf, name, val, sizeof(val)))
		return -1;
	return strtoll(val, NULL, base);
}

/*
 * Field n (1-based, as proc(5) counts) of a stat text: 2 is the comm
 * without parentheses; the others are numbers.  The text is cut.
 */
static char *stat_field(char *buf, int n)
{
	char *rp = strrchr(buf, ')'), *s, *f = NULL;
	int i;

	if (!rp)
		return NULL;
	if (n == 1)
		return buf;
	if (n == 2) {
		*rp = '\0';
		s = strchr(buf, '(');
		return s ? s + 1 : NULL;
	}
	s = rp + 1;
	for (i = 3; i <= n; i++) {
		f = strtok_r(i == 3 ? s : NULL, " \n", &s);
		if (!f)
			return NULL;
	}
	return f;
}

/* Field n of path's stat as a number, -1 if unreadable. */
static long long stat_num(const char *path, int n)
{
	char buf[TEXT_SIZE], *f;

	if (read_text(path, buf) <= 0)
		return -1;
	f = stat_field(buf, n);
	return f ? strtoll(f, NULL, 10) : -1;
}

/* Sections: one line each, "NAME: ok" or its FAIL lines and "NAME: FAIL". */
static unsigned long section_failed;

static void section_start(void)
{
	section_failed = utest_failed;
}

static void section_end(const char *name)
{
	say("%s: %s", name, utest_failed == section_failed ? "ok" : "FAIL");
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

/* The numeric entries of dir, sorted, into ids: how many (-1: no dir). */
static int list_ids(const char *dir, pid_t *ids, int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		check(e->d_type == DT_DIR, "%s/%s: d_type %d", dir, e->d_name,
		      e->d_type);
		if (n < max)
			ids[n] = atoi(e->d_name);
		n++;
	}
	closedir(d);
	qsort(ids, n < max ? n : max, sizeof(*ids), cmp_pid);
	return n;
}

/* The sorted tids of the first n threads. */
static void sorted_tids(pid_t *out, int n)
{
	memcpy(out, tids, n * sizeof(*out));
	qsort(out, n, sizeof(*out), cmp_pid);
}

/* Does /proc/self/task hold exactly the first n threads? */
static int task_list_is(int n)
{
	pid_t got[16], want[NTHREADS + 1];
	int k = list_ids("/proc/self/task", got, 16);

	sorted_tids(want, n);
	return k == n && !memcmp(got, want, n * sizeof(*got));
}

/* ------------------------------------------------ the threads' part --- */

/* Per-thread files, read by the thread itself. */
static void thread_files(int i)
{
	char buf[TEXT_SIZE], path[64], want[64], val[128];
	struct stat a, b;
	long n;

	n = readlink("/proc/thread-self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%d/task/%d", pid, tids[i]);
	check(!strcmp(buf, want), "thread %d: /proc/thread-self -> '%s', expected '%s'",
	      i, buf, want);
	snprintf(path, sizeof(path), "/proc/self/task/%d", tids[i]);
	check(!stat("/proc/thread-self", &a) && !stat(path, &b) &&
	      S_ISDIR(a.st_mode) && a.st_ino == b.st_ino,
	      "thread %d: /proc/thread-self is not %s", i, path);
	snprintf(want, sizeof(want), "%s\n", names[i]);
	check(read_text("/proc/thread-self/comm", buf) > 0 && !strcmp(buf, want),
	      "thread %d: thread-self/comm '%s', expected '%s'", i, buf, names[i]);
	check(!prctl(PR_GET_NAME, val) && !strcmp(val, names[i]),
	      "thread %d: PR_GET_NAME '%s'", i, val);
	check(read_text("/proc/thread-self/status", buf) > 0 &&
	      status_num(buf, "Pid", 10) == tids[i] &&
	      status_num(buf, "Tgid", 10) == pid,
	      "thread %d: thread-self/status Pid/Tgid", i);
	/* /proc/self is the process: its leader's figures. */
	check(read_text("/proc/self/status", buf) > 0 &&
	      status_num(buf, "Pid", 10) == pid &&
	      field(buf, "Name", val, sizeof(val)) && !strcmp(val, names[0]),
	      "thread %d: /proc/self/status is not the process's", i);
}

/* task/TID/stat's processor, unpinned and then pinned to one CPU. */
static void thread_cpu(int i)
{
	char path[64], buf[TEXT_SIZE], val[128], want[16];
	int before, after, cpu = (i - 1) % ncpu;
	long long got;
	cpu_set_t set;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tids[i]);
	before = sched_getcpu();
	got = stat_num(path, 39);
	after = sched_getcpu();
	if (before == after)
		check(got == before, "thread %d: processor %lld, sched_getcpu %d",
		      i, got, before);
	else
		check(got >= 0 && got < ncpu, "thread %d: processor %lld of %ld",
		      i, got, ncpu);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (!check(!sched_setaffinity(0, sizeof(set), &set),
		   "thread %d: sched_setaffinity(%d): %s", i, cpu, strerror(errno)))
		return;
	check(sched_getcpu() == cpu, "thread %d: on cpu %d pinned to %d", i,
	      sched_getcpu(), cpu);
	got = stat_num("/proc/thread-self/stat", 39);
	check(got == cpu, "thread %d: processor %lld pinned to %d", i, got, cpu);
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tids[i]);
	snprintf(want, sizeof(want), "%d", cpu);
	check(read_text(path, buf) > 0 &&
	      field(buf, "Cpus_allowed_list", val, sizeof(val)) &&
	      !strcmp(val, want), "thread %d: Cpus_allowed_list '%s', expected %d",
	      i, val, cpu);
}

/* At least ms of this thread's CPU time. */
static void burn_cpu(long ms)
{
	struct timespec t;
	volatile unsigned long x = 0;
	long long end;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	end = t.tv_sec * 1000000000LL + t.tv_nsec + ms * 1000000LL;
	do {
		for (int k = 0; k < 100000; k++)
			x += k;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while (t.tv_sec * 1000000000LL + t.tv_nsec < end);
}

static void *thread_main(void *arg)
{
	int i = (long)arg;
	sigset_t set;

	tids[i] = my_tid();
	snprintf(names[i], sizeof(names[i]), "worker-%d", i);
	prctl(PR_SET_NAME, names[i]);
	if (i == 2) {
		/* A mask of its own: only thread 2 blocks SIGWINCH. */
		sigemptyset(&set);
		sigaddset(&set, SIGWINCH);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
	}
	if (i == 1)
		burn_cpu(300);
	pthread_barrier_wait(&phase);		/* 1: all started */
	pthread_mutex_lock(&check_lock);
	thread_files(i);
	pthread_mutex_unlock(&check_lock);
	pthread_barrier_wait(&phase);		/* 2: files checked */
	pthread_mutex_lock(&check_lock);
	thread_cpu(i);
	pthread_mutex_unlock(&check_lock);
	pthread_barrier_wait(&phase);		/* 3: CPUs checked */
	pthread_barrier_wait(&phase);		/* 4: main's checks done */
	if (i == NTHREADS)
		return NULL;
	pthread_barrier_wait(&last);		/* the last one's exit seen */
	return NULL;
}

/* --------------------------------------------------- main's checks --- */

static void test_task_list(void)
{
	DIR *d;
	struct dirent *e;
	int dots = 0;

	section_start();
	check(task_list_is(NTHREADS + 1), "/proc/self/task is not the 4 tids");
	d = opendir("/proc/self/task");
	while (d && (e = readdir(d)))
		dots += !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	check(dots == 2, "/proc/self/task: %d of . and ..", dots);
	CHECK_ERR(open("/proc/self/task/999999/stat", O_RDONLY), ENOENT,
		  "task/999999");
	CHECK_ERR(open("/proc/self/task/x", O_RDONLY), ENOENT, "task/x");
	CHECK_ERR(open("/proc/self/task/1x/stat", O_RDONLY), ENOENT, "task/1x");
	section_end("/proc/self/task");
}

static void test_process_view(void)
{
	char buf[TEXT_SIZE], val[128];

	section_start();
	check(read_text("/proc/self/status", buf) > 0, "read status: %s",
	      strerror(errno));
	check(status_num(buf, "Threads", 10) == NTHREADS + 1, "Threads: %lld",
	      status_num(buf, "Threads", 10));
	check(status_num(buf, "Pid", 10) == pid && status_num(buf, "Tgid", 10) == pid,
	      "status Pid/Tgid of the process");
	check(field(buf, "Name", val, sizeof(val)) && !strcmp(val, names[0]),
	      "status Name '%s' after the threads' PR_SET_NAME", val);
	check(stat_num("/proc/self/stat", 20) == NTHREADS + 1,
	      "stat num_threads %lld", stat_num("/proc/self/stat", 20));
	check(stat_num("/proc/self/stat", 1) == pid, "stat pid");
	snprintf(val, sizeof(val), "%s\n", names[0]);
	check(read_text("/proc/self/comm", buf) > 0 && !strcmp(buf, val),
	      "/proc/self/comm '%s'", buf);
	section_end("process view");
}

static void test_task_files(void)
{
	char path[64], buf[TEXT_SIZE], val[128], *f;
	int i;

	section_start();
	for (i = 0; i <= NTHREADS; i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/status", tids[i]);
		if (!check(read_text(path, buf) > 0, "read %s: %s", path,
			   strerror(errno)))
			continue;
		check(status_num(buf, "Pid", 10) == tids[i], "%s: Pid %lld", path,
		      status_num(buf, "Pid", 10));
		check(status_num(buf, "Tgid", 10) == pid, "%s: Tgid", path);
		check(status_num(buf, "PPid", 10) == getppid(), "%s: PPid", path);
		check(status_num(buf, "Threads", 10) == NTHREADS + 1,
		      "%s: Threads", path);
		check(field(buf, "Name", val, sizeof(val)) && !strcmp(val, names[i]),
		      "%s: Name '%s', expected '%s'", path, val, names[i]);
		check(field(buf, "State", val, sizeof(val)) &&
		      (val[0] == 'R' || val[0] == 'S'), "%s: State", path);
		check(status_num(buf, "voluntary_ctxt_switches", 10) >= 0,
		      "%s: no voluntary_ctxt_switches", path);
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tids[i]);
		check(read_text(path, buf) > 0 && atoi(buf) == tids[i],
		      "%s: pid field", path);
		f = stat_field(buf, 2);
		check(f && !strcmp(f, names[i]), "%s: comm '%s'", path, f);
		check(stat_num(path, 20) == NTHREADS + 1, "%s: num_threads", path);
		check(stat_num(path, 39) >= 0 && stat_num(path, 39) < ncpu,
		      "%s: processor %lld", path, stat_num(path, 39));
		snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tids[i]);
		snprintf(val, sizeof(val), "%s\n", names[i]);
		check(read_text(path, buf) > 0 && !strcmp(buf, val),
		      "%s: '%s'", path, buf);
	}
	section_end("task/TID/status, stat, comm");
}

/* The per-process files under task/TID are the process's. */
static void test_task_shared(void)
{
	char path[64], a[TEXT_SIZE], b[TEXT_SIZE], cwd[256];
	long n, m;

	section_start();
	snprintf(path, sizeof(path), "/proc/self/task/%d/exe", tids[1]);
	n = readlink(path, a, sizeof(a));
	m = readlink("/proc/self/exe", b, sizeof(b));
	check(n > 0 && n == m && !memcmp(a, b, n), "%s is not /proc/self/exe", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d/cwd", tids[2]);
	n = readlink(path, a, sizeof(a) - 1);
	a[n > 0 ? n : 0] = '\0';
	check(getcwd(cwd, sizeof(cwd)) && !strcmp(a, cwd), "%s -> '%s', cwd '%s'",
	      path, a, cwd);
	snprintf(path, sizeof(path), "/proc/self/task/%d/cmdline", tids[3]);
	n = read_text(path, a);
	m = read_text("/proc/self/cmdline", b);
	check(n > 0 && n == m && !memcmp(a, b, n), "%s differs", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d/fd", tids[1]);
	check(dir_has(path, "0") && dir_has(path, "1") && dir_has(path, "2"),
	      "%s lacks 0, 1 or 2", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d/maps", tids[2]);
	check(read_text(path, a) > 0 && strstr(a, "[stack]"), "%s", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d/statm", tids[3]);
	check(read_text(path, a) > 0 && atol(a) > 0, "%s", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d/task", tids[1]);
	CHECK_ERR(open(path, O_RDONLY), ENOENT, "task/TID/task");
	section_end("task/TID shared files");
}

/* SigPnd is the thread's, ShdPnd the process's, SigBlk each thread's. */
static void test_signals(void)
{
	char path[64], buf[TEXT_SIZE];
	unsigned long long blk[NTHREADS + 1], pnd[NTHREADS + 1], shd;
	int i;

	section_start();
	check(!kill(pid, SIGUSR1), "kill SIGUSR1: %s", strerror(errno));
	check(!syscall(SYS_tgkill, pid, tids[1], SIGUSR2), "tgkill SIGUSR2: %s",
	      strerror(errno));
	for (i = 0; i <= NTHREADS; i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/status", tids[i]);
		if (!check(read_text(path, buf) > 0, "read %s", path))
			break;
		blk[i] = status_num(buf, "SigBlk", 16);
		pnd[i] = status_num(buf, "SigPnd", 16);
		shd = status_num(buf, "ShdPnd", 16);
		check((blk[i] & (BIT(SIGUSR1) | BIT(SIGUSR2))) ==
		      (BIT(SIGUSR1) | BIT(SIGUSR2)), "%s: SigBlk %llx", path, blk[i]);
		check(!!(blk[i] & BIT(SIGWINCH)) == (i == 2),
		      "%s: SigBlk %llx (SIGWINCH)", path, blk[i]);
		check((shd & BIT(SIGUSR1)) && !(shd & BIT(SIGUSR2)),
		      "%s: ShdPnd %llx", path, shd);
		check(!(pnd[i] & BIT(SIGUSR1)) && !!(pnd[i] & BIT(SIGUSR2)) == (i == 1),
		      "%s: SigPnd %llx", path, pnd[i]);
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tids[1]);
	check(stat_num(path, 31) & BIT(SIGUSR2), "%s: signal field", path);
	check(stat_num(path, 32) & BIT(SIGUSR1), "%s: blocked field", path);
	check(read_text("/proc/self/status", buf) > 0 &&
	      (unsigned long long)status_num(buf, "SigBlk", 16) == blk[0],
	      "/proc/self/status SigBlk is not the leader's");
	section_end("signal sets");
}

/* Thread 1 burned 300 ms: its ticks, and the process's sum. */
static void test_cpu_time(void)
{
	char path[64];
	long long t[NTHREADS + 1], sum = 0, all;
	int i;

	section_start();
	for (i = 0; i <= NTHREADS; i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tids[i]);
		t[i] = stat_num(path, 14) + stat_num(path, 15);
		sum += t[i];
	}
	all = stat_num("/proc/self/stat", 14) + stat_num("/proc/self/stat", 15);
	check(t[1] >= 15, "thread 1: %lld ticks after 300 ms", t[1]);
	check(t[1] > t[3], "thread 1: %lld ticks, idle thread 3: %lld", t[1], t[3]);
	/* Linux rounds each figure down: 2 ticks of slack. */
	check(all + 2 >= sum, "process %lld ticks, its threads %lld", all, sum);
	section_end("CPU time");
}

/* /proc/TID: a thread's id resolves, and is not listed in /proc. */
static void test_proc_tid(void)
{
	char path[64], buf[TEXT_SIZE], val[128];
	pid_t got[16], want[NTHREADS + 1];
	struct stat st;

	section_start();
	snprintf(path, sizeof(path), "/proc/%d", tids[1]);
	check(!stat(path, &st) && S_ISDIR(st.st_mode), "stat %s: %s", path,
	      strerror(errno));
	snprintf(path, sizeof(path), "/proc/%d/status", tids[1]);
	check(read_text(path, buf) > 0 && status_num(buf, "Pid", 10) == tids[1] &&
	      status_num(buf, "Tgid", 10) == pid &&
	      status_num(buf, "Threads", 10) == NTHREADS + 1 &&
	      field(buf, "Name", val, sizeof(val)) && !strcmp(val, names[1]),
	      "%s is not thread 1's", path);
	snprintf(path, sizeof(path), "/proc/%d/task", tids[1]);
	sorted_tids(want, NTHREADS + 1);
	check(list_ids(path, got, 16) == NTHREADS + 1 &&
	      !memcmp(got, want, sizeof(want)), "%s is not the process's threads",
	      path);
	snprintf(path, sizeof(path), "%d", tids[1]);
	check(!dir_has("/proc", path), "/proc lists thread %s", path);
	snprintf(path, sizeof(path), "%d", pid);
	check(dir_has("/proc", path), "/proc does not list %s", path);
	section_end("/proc/TID");
}

/* After a thread's exit: gone from task/, Threads: 3. */
static void test_thread_exit(pthread_t th)
{
	char path[64], buf[TEXT_SIZE];
	int tries;

	section_start();
	check(!pthread_join(th, NULL), "pthread_join");
	/* The join may return before the kernel has released the thread. */
	for (tries = 0; tries < 200 && !task_list_is(NTHREADS); tries++)
		usleep(10000);
	check(task_list_is(NTHREADS), "/proc/self/task after an exit");
	check(read_text("/proc/self/status", buf) > 0 &&
	      status_num(buf, "Threads", 10) == NTHREADS, "Threads: %lld after an exit",
	      status_num(buf, "Threads", 10));
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tids[NTHREADS]);
	CHECK_ERR(open(path, O_RDONLY), ENOENT, "task/TID of an exited thread");
	snprintf(path, sizeof(path), "/proc/%d/stat", tids[NTHREADS]);
	CHECK_ERR(open(path, O_RDONLY), ENOENT, "/proc/TID of an exited thread");
	section_end("thread exit");
}

int main(void)
{
	pthread_t th[NTHREADS + 1];
	unsigned long start_failed;
	sigset_t set;
	long i;

	utest_init("threadproc");
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pid = getpid();
	tids[0] = my_tid();
	check(tids[0] == pid, "main's tid %d, pid %d", tids[0], pid);
	prctl(PR_GET_NAME, names[0]);
	/* Blocked in every thread: a process signal stays shared-pending. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pthread_barrier_init(&phase, NULL, NTHREADS + 1);
	pthread_barrier_init(&last, NULL, NTHREADS);
	for (i = 1; i <= NTHREADS; i++)
		if (!check(!pthread_create(&th[i], NULL, thread_main, (void *)i),
			   "pthread_create"))
			return utest_finish();

	start_failed = utest_failed;
	pthread_barrier_wait(&phase);		/* 1 */
	pthread_barrier_wait(&phase);		/* 2 */
	section_failed = start_failed;
	section_end("thread-self and comm, in each thread");
	section_start();
	pthread_barrier_wait(&phase);		/* 3 */
	section_end("task/TID/stat processor, in each thread");

	test_task_list();
	test_process_view();
	test_task_files();
	test_task_shared();
	test_signals();
	test_cpu_time();
	test_proc_tid();
	pthread_barrier_wait(&phase);		/* 4 */
	test_thread_exit(th[NTHREADS]);
	pthread_barrier_wait(&last);
	for (i = 1; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	return utest_finish();
}
