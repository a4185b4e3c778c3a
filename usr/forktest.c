// SPDX-License-Identifier: GPL-2.0
/*
 * forktest [MIB [ROUNDS]] - fork, copy-on-write, exec, wait and process
 * groups, as Linux does them.  The output is one line per check, without
 * pids or addresses, so that a run on Tessera prints what the same binary
 * prints on Linux (tests/85-fork.sh compares them).
 *
 * The exec checks use files that tests/85-fork.sh puts into the archive
 * (tests/forktest/): /bin/fdcheck (usr/fdcheck.c), /t/noexec (no x bits),
 * /t/garbage (executable, not ELF, no "#!"), /t/script ("#!/bin/fdcheck -x")
 * and /t/script0 ("#!/bin/fdcheck").  The orphan check needs pid 1 (init=)
 * to see the re-parenting to init; elsewhere it only sees a new parent.
 * The RLIMIT_NPROC check needs a uid the limit applies to: Linux exempts
 * root, so as root it first becomes nobody if it can.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "utest.h"

#define MIB		(1ul << 20)
#define BOMB_LIMIT	24
#define STR(x)		STR_(x)
#define STR_(x)		#x
#define LOOP_FORKS	200

static pid_t top_pid;

static char *const fd_envp[] = { "FT_ONE=1", "FT_TWO=two words", NULL };

/* Run fn in a child; return its wait status (or -1 if fork or wait failed). */
static int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid, w;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		check(0, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		_exit(fn(arg));
	w = waitpid(pid, &st, 0);
	if (!check(w == pid, "waitpid(child) returned %d (%s)", (int)w, strerror(errno)))
		return -1;
	return st;
}

static int exited_with(int st, int code, const char *what)
{
	return check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == code,
		     "%s: wait status 0x%x, expected exit %d", what, st, code);
}

/* Run fn in a child that must exit with code; then print ok. */
static void child_case(int (*fn)(void *), void *arg, int code, const char *what, const char *ok)
{
	if (exited_with(run_child(fn, arg), code, what))
		say("%s", ok);
}

/* ------------------------------------------------------------------ COW - */

/* Word i of a region written with seed s. */
static inline uint64_t pattern(uint64_t s, size_t i)
{
	return mix64(s ^ (i * 0x100000001b3ull));
}

static void fill(uint64_t *w, size_t from, size_t to, uint64_t s)
{
	for (size_t i = from; i < to; i++)
		w[i] = pattern(s, i);
}

/* Words of [from, to) that differ from seed s's pattern. */
static size_t bad_words(const uint64_t *w, size_t from, size_t to, uint64_t s)
{
	size_t bad = 0;

	for (size_t i = from; i < to; i++)
		bad += w[i] != pattern(s, i);
	return bad;
}

static uint64_t checksum(const uint64_t *w, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = mix64(sum ^ w[i]);
	return sum;
}

/*
 * Each round the region holds two halves, lo with seed a and hi with seed
 * b.  After fork the child rewrites one half and the parent the other,
 * at the same time; each must see its own new half and the old other
 * half, and the parent must still see its own view after the child exits.
 */
static void test_cow(size_t mib, int rounds)
{
	size_t n = mib * MIB / 8, half = n / 2;
	uint64_t *w, a = 1, b = 2;

	w = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!check(w != MAP_FAILED, "mmap %zu MiB: %s", mib, strerror(errno)))
		return;
	fill(w, 0, half, a);
	fill(w, half, n, b);
	say("cow: %zu MiB filled, checksum %016llx", mib, (unsigned long long)checksum(w, n));

	for (int r = 0; r < rounds; r++) {
		/* The child takes the low half on even rounds, the high on odd. */
		size_t cfrom = r & 1 ? half : 0, cto = r & 1 ? n : half;
		size_t pfrom = r & 1 ? 0 : half, pto = r & 1 ? half : n;
		uint64_t cold = r & 1 ? b : a, pold = r & 1 ? a : b;
		uint64_t cseed = 100 + r, pseed = 200 + r;
		size_t bad;
		pid_t pid;
		int st;

		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			check(0, "cow round %d: fork: %s", r, strerror(errno));
			break;
		}
		if (pid == 0) {
			int fails = 0;

			bad = bad_words(w, cfrom, cto, cold) + bad_words(w, pfrom, pto, pold);
			fails += !check(bad == 0, "cow round %d: child saw %zu wrong words after fork", r, bad);
			fill(w, cfrom, cto, cseed);
			bad = bad_words(w, cfrom, cto, cseed);
			fails += !check(bad == 0, "cow round %d: child's own half has %zu wrong words", r, bad);
			bad = bad_words(w, pfrom, pto, pold);
			fails += !check(bad == 0, "cow round %d: the parent's writes leaked into the child (%zu words)",
					r, bad);
			say("cow round %d: child checksum %016llx", r, (unsigned long long)checksum(w, n));
			fflush(stdout);
			_exit(fails ? 1 : 0);
		}
		fill(w, pfrom, pto, pseed);
		bad = bad_words(w, pfrom, pto, pseed) + bad_words(w, cfrom, cto, cold);
		check(bad == 0, "cow round %d: parent saw %zu wrong words while the child ran", r, bad);
		check(waitpid(pid, &st, 0) == pid, "cow round %d: waitpid: %s", r, strerror(errno));
		exited_with(st, 0, "cow child");
		bad = bad_words(w, pfrom, pto, pseed) + bad_words(w, cfrom, cto, cold);
		check(bad == 0, "cow round %d: the child's writes leaked into the parent (%zu words)", r, bad);
		say("cow round %d: parent checksum %016llx", r, (unsigned long long)checksum(w, n));
		/* The parent's new half is the next round's old data. */
		if (r & 1)
			a = pseed;
		else
			b = pseed;
	}

	/* A child that only reads, then a grandchild that writes all. */
	fflush(stdout);
	{
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			pid_t g = fork();

			if (g == 0) {
				fill(w, 0, n, 999);
				_exit(bad_words(w, 0, n, 999) ? 1 : 0);
			}
			if (g < 0 || waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st))
				_exit(2);
			_exit(bad_words(w, 0, half, a) + bad_words(w, half, n, b) ? 3 : 0);
		}
		if (check(pid > 0 && waitpid(pid, &st, 0) == pid, "cow: fork/wait of the nested child") &&
		    exited_with(st, 0, "cow: nested child (1: grandchild's view, 2: its wait, 3: child's view)") &&
		    check(bad_words(w, 0, half, a) + bad_words(w, half, n, b) == 0,
			  "cow: the grandchild's writes leaked into the parent"))
			say("cow: nested fork keeps every view apart");
	}
	munmap(w, mib * MIB);
}

/* ---------------------------------------------------------- fork trees - */

/* Node id of a binary tree (1 the root): children 2id, 2id+1; leaves exit id. */
static int tree_node(int id, int depth)
{
	int ok = 1;
	pid_t kid[2];

	if (depth == 0)
		return id;
	for (int i = 0; i < 2; i++) {
		kid[i] = fork();
		if (kid[i] == 0)
			_exit(tree_node(2 * id + i, depth - 1));
		if (kid[i] < 0)
			ok = 0;
	}
	/* Reap in the reverse order of creation. */
	for (int i = 1; i >= 0; i--) {
		int st, want = 2 * id + i;

		if (kid[i] < 0 || waitpid(kid[i], &st, 0) != kid[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != want)
			ok = 0;
	}
	return ok ? id : 0;
}

static int tree_root(void *arg)
{
	return tree_node(1, *(int *)arg);
}

static void test_tree(void)
{
	int depth = 3;

	child_case(tree_root, &depth, 1, "tree of 15 processes (0: a node saw a wrong status)",
		   "tree: depth 3, every node saw its children's exit codes");
}

/* --------------------------------------------------------- wait status - */

static int exit_seven(void *arg)
{
	(void)arg;
	return 7;
}

static int kill_self(void *arg)
{
	kill(getpid(), SIGKILL);
	return *(int *)arg;
}

static int crash(void *arg)
{
	*(volatile int *)0 = *(int *)arg;
	return 100;
}

static int do_abort(void *arg)
{
	struct rlimit rl = { 0, 0 };

	(void)arg;
	/* No core file, so no core dump flag (Linux sets it only for a dump). */
	setrlimit(RLIMIT_CORE, &rl);
	abort();
}

static int sleeper(void *arg)
{
	(void)arg;
	while (!sleep(1))
		;
	return 0;
}

static void test_wait_status(void)
{
	int zero = 0, st;
	pid_t pid, w;

	st = run_child(exit_seven, NULL);
	if (check(st != -1 && WIFEXITED(st) && !WIFSIGNALED(st) && WEXITSTATUS(st) == 7,
		  "exit(7): status 0x%x", st))
		say("wait: exit(7) gives WIFEXITED, WEXITSTATUS 7");

	st = run_child(kill_self, &zero);
	if (check(st != -1 && WIFSIGNALED(st) && !WIFEXITED(st) && WTERMSIG(st) == SIGKILL &&
		  !WCOREDUMP(st), "kill(getpid(), SIGKILL): status 0x%x", st))
		say("wait: kill(self, SIGKILL) gives WIFSIGNALED, WTERMSIG 9, no core");

	st = run_child(crash, &zero);
	if (check(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		  "NULL write: status 0x%x", st))
		say("wait: a NULL write gives WIFSIGNALED, WTERMSIG 11");

	st = run_child(do_abort, NULL);
	if (check(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && !WCOREDUMP(st),
		  "abort() with RLIMIT_CORE 0: status 0x%x", st))
		say("wait: abort() gives WTERMSIG 6, no WCOREDUMP with RLIMIT_CORE 0");

	/* WNOHANG on a running child, then kill it. */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(sleeper(NULL));
	if (check(pid > 0, "fork: %s", strerror(errno))) {
		siginfo_t si;

		w = waitpid(pid, &st, WNOHANG);
		if (check(w == 0, "waitpid(running child, WNOHANG) returned %d", (int)w))
			say("wait: WNOHANG on a running child returns 0");
		memset(&si, 0, sizeof(si));
		si.si_pid = 12345;
		if (check(waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0,
			  "waitid(WNOHANG) on a running child: si_pid %d", (int)si.si_pid))
			say("wait: waitid WNOHANG on a running child returns 0 with si_pid 0");
		kill(pid, SIGKILL);
		w = waitpid(pid, &st, 0);
		if (check(w == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
			  "killed sleeper: waitpid %d status 0x%x", (int)w, st))
			say("wait: kill(child, SIGKILL) gives WTERMSIG 9");
	}

	errno = 0;
	if (CHECK_ERR(wait(&st), ECHILD, "wait() without children"))
		say("wait: no children gives ECHILD");
	if (CHECK_ERR(waitpid(getpid(), &st, WNOHANG), ECHILD, "waitpid(own pid)"))
		say("wait: waitpid of a process that is no child gives ECHILD");
	if (CHECK_ERR(syscall(SYS_wait4, -1, &st, WEXITED, NULL), EINVAL, "wait4 with WEXITED"))
		say("wait: wait4 with an unknown option gives EINVAL");
	if (CHECK_ERR(syscall(SYS_waitid, P_ALL, 0, NULL, WNOHANG, NULL), EINVAL,
		      "waitid without WEXITED/WSTOPPED/WCONTINUED"))
		say("wait: waitid without an event gives EINVAL");
	if (CHECK_ERR(syscall(SYS_waitid, 7, 0, NULL, WEXITED, NULL), EINVAL, "waitid idtype 7"))
		say("wait: waitid with a bad idtype gives EINVAL");

	/* A bad status pointer: EFAULT (the child is reaped regardless). */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(3);
	if (check(pid > 0, "fork: %s", strerror(errno))) {
		siginfo_t si;

		/* Wait for the zombie without reaping it. */
		waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
		if (CHECK_ERR(syscall(SYS_wait4, pid, (int *)8, 0, NULL), EFAULT,
			      "wait4 with status pointer 8"))
			say("wait: a bad status pointer gives EFAULT");
		waitpid(pid, &st, 0);
	}
}

static void test_waitid(void)
{
	siginfo_t si;
	pid_t pid, pg;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(5);
	if (!check(pid > 0, "fork: %s", strerror(errno)))
		return;

	memset(&si, 0, sizeof(si));
	if (check(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0, "waitid(P_PID, WNOWAIT): %s",
		  strerror(errno)) &&
	    check(si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 5 &&
		  si.si_pid == pid, "waitid(P_PID, WNOWAIT): signo %d code %d status %d pid ok %d",
		  si.si_signo, si.si_code, si.si_status, si.si_pid == pid))
		say("waitid: P_PID WNOWAIT gives SIGCHLD, CLD_EXITED, status 5");
	/* WNOWAIT left it waitable. */
	memset(&si, 0, sizeof(si));
	if (check(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == pid && si.si_status == 5,
		  "waitid(P_ALL) after WNOWAIT: pid ok %d status %d", si.si_pid == pid, si.si_status))
		say("waitid: P_ALL reaps the child WNOWAIT left");
	if (CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD, "waitid(P_ALL) after reaping"))
		say("waitid: then ECHILD");

	/* P_PGID: a child in its own process group. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(6);
	}
	if (!check(pid > 0, "fork: %s", strerror(errno)))
		return;
	/* Either of us may run first: both set the group (EACCES only after exec). */
	pg = setpgid(pid, pid);
	check(pg == 0 || errno == ESRCH || errno == EACCES, "setpgid(child, child): %s", strerror(errno));
	if (CHECK_ERR(waitid(P_PGID, getpgrp(), &si, WEXITED | WNOHANG), ECHILD,
		      "waitid(P_PGID, own group) with the only child elsewhere"))
		say("waitid: P_PGID of a group without children gives ECHILD");
	memset(&si, 0, sizeof(si));
	if (check(waitid(P_PGID, pid, &si, WEXITED) == 0 && si.si_pid == pid && si.si_status == 6 &&
		  si.si_code == CLD_EXITED, "waitid(P_PGID, child's group): pid ok %d status %d code %d",
		  si.si_pid == pid, si.si_status, si.si_code))
		say("waitid: P_PGID reaps the child of that group, status 6");

	/* A killed child: CLD_KILLED and the signal. */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(sleeper(NULL));
	if (!check(pid > 0, "fork: %s", strerror(errno)))
		return;
	kill(pid, SIGKILL);
	memset(&si, 0, sizeof(si));
	if (check(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_KILLED &&
		  si.si_status == SIGKILL, "waitid of a killed child: code %d status %d",
		  si.si_code, si.si_status))
		say("waitid: a SIGKILLed child gives CLD_KILLED, status 9");
}

/* ---------------------------------------------------- orphans, vfork - */

/*
 * The child makes a process group, forks a grandchild and exits; the
 * grandchild waits for a new parent: init when we are init (pid 1),
 * which then reaps it here.
 */
static void test_orphan(void)
{
	pid_t pid, g;
	int st, ok;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pid_t me = getpid();

		setpgid(0, 0);
		g = fork();
		if (g == 0) {
			for (int i = 0; i < 1000 && getppid() == me; i++)
				usleep(10000);
			if (getppid() == me) {
				say("FAIL: orphan: the grandchild still has its dead parent");
				_exit(1);
			}
			if (top_pid == 1 && getppid() != 1) {
				say("FAIL: orphan: the grandchild's parent is not init");
				_exit(1);
			}
			_exit(0);
		}
		_exit(g > 0 ? 0 : 1);
	}
	if (!check(pid > 0, "fork: %s", strerror(errno)))
		return;
	if (!exited_with(waitpid(pid, &st, 0) == pid ? st : -1, 0, "orphan's parent"))
		return;
	if (top_pid == 1) {
		/* We are init: the grandchild is ours now. */
		g = waitpid(-1, &st, 0);
		ok = check(g > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
			   "orphan: init's wait gave %d status 0x%x", (int)g, st);
	} else {
		/* Its reaper is elsewhere: wait for the group to empty. */
		for (int i = 0; i < 2000 && kill(-pid, 0) == 0; i++)
			usleep(10000);
		ok = check(kill(-pid, 0) == -1 && errno == ESRCH, "orphan: the grandchild did not end");
	}
	if (ok)
		say("orphan: the grandchild was re-parented");
}

static void test_vfork(void)
{
	char *const argv[] = { "/bin/fdcheck", "argc=3", "env:FT_TWO=two words", NULL };
	pid_t pid;
	int st;

	fflush(stdout);
	pid = vfork();
	if (pid == 0)
		_exit(9);
	if (check(pid > 0, "vfork: %s", strerror(errno)) &&
	    exited_with(waitpid(pid, &st, 0) == pid ? st : -1, 9, "vfork + _exit(9)"))
		say("vfork: _exit(9) gives status 9");

	pid = vfork();
	if (pid == 0) {
		execve(argv[0], argv, fd_envp);
		_exit(127);
	}
	if (check(pid > 0, "vfork: %s", strerror(errno)) &&
	    exited_with(waitpid(pid, &st, 0) == pid ? st : -1, 0, "vfork + execve fdcheck"))
		say("vfork: execve in the child, the parent waits for its status");
}

/* -------------------------------------------------- ids and sessions - */

static int check_ppid(void *arg)
{
	return getppid() == *(pid_t *)arg ? 0 : 1;
}

static int own_group(void *arg)
{
	pid_t me = getpid();

	(void)arg;
	if (setpgid(0, 0))
		return 1;
	if (getpgrp() != me || getpgid(0) != me || getpgid(me) != me)
		return 2;
	/* A group leader cannot make a session. */
	if (setsid() != -1 || errno != EPERM)
		return 3;
	return 0;
}

static int new_session(void *arg)
{
	pid_t me = getpid(), parent_group = *(pid_t *)arg;

	if (getpgrp() != parent_group)
		return 1;
	if (setsid() != me)
		return 2;
	if (getsid(0) != me || getpgrp() != me || getsid(me) != me)
		return 3;
	/* A second setsid: now a group leader. */
	if (setsid() != -1 || errno != EPERM)
		return 4;
	/* Moving into a group of another session is refused. */
	if (setpgid(0, parent_group) != -1 || errno != EPERM)
		return 5;
	return 0;
}

static void test_ids(void)
{
	pid_t me = getpid(), grp = getpgrp(), pid;
	int st;

	child_case(check_ppid, &me, 0, "getppid() in the child",
		   "ids: the child's getppid() is the parent");
	if (check(getpgid(0) == grp && getpgid(me) == grp, "getpgid(0) %d getpgid(self) %d getpgrp %d",
		  (int)getpgid(0), (int)getpgid(me), (int)grp))
		say("ids: getpgid(0) and getpgid(self) are getpgrp()");
	child_case(own_group, NULL, 0, "setpgid(0,0) (1: failed, 2: ids wrong, 3: setsid not EPERM)",
		   "ids: setpgid(0, 0) makes a group; its leader's setsid gives EPERM");
	child_case(new_session, &grp, 0, "setsid (1: group, 2: setsid, 3: ids, 4: 2nd setsid, 5: setpgid)",
		   "ids: setsid makes a session and a group; setsid again and setpgid out give EPERM");

	if (CHECK_ERR(setpgid(0, -1), EINVAL, "setpgid(0, -1)"))
		say("ids: setpgid with a negative group gives EINVAL");
	if (CHECK_ERR(getpgid(0x3ffffff), ESRCH, "getpgid(no such pid)") &&
	    CHECK_ERR(getsid(0x3ffffff), ESRCH, "getsid(no such pid)") &&
	    CHECK_ERR(setpgid(0x3ffffff, 0), ESRCH, "setpgid(no such pid)"))
		say("ids: getpgid, getsid, setpgid of a missing pid give ESRCH");

	/* setpgid of a child after its execve: EACCES. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *const argv[] = { "/bin/fdcheck", "argc=1", NULL };
		int fd = open("/dev/null", O_WRONLY);

		/* Its output would race with ours. */
		if (fd >= 0)
			dup2(fd, 1);
		execve(argv[0], argv, fd_envp);
		_exit(127);
	}
	if (check(pid > 0, "fork: %s", strerror(errno))) {
		int r = -1;

		/* Retry until the child has exec'd (then EACCES) or is gone. */
		for (int i = 0; i < 500; i++) {
			r = setpgid(pid, pid);
			if (r == -1)
				break;
			usleep(2000);
		}
		if (check(r == -1 && errno == EACCES, "setpgid(child after execve): %d %s", r,
			  strerror(errno)))
			say("ids: setpgid of a child after its execve gives EACCES");
		waitpid(pid, &st, 0);
	}
}

/* --------------------------------------------------------------- exec - */

static int exec_fdcheck(void *arg)
{
	char *const argv[] = { "/bin/fdcheck", "argc=5", "argv:1=argc=5", "env:FT_ONE=1",
			       "env:FT_TWO=two words", NULL };

	(void)arg;
	execve(argv[0], argv, fd_envp);
	return 127;
}

static int exec_args(void *arg)
{
	char *const argv[] = { "/bin/args", "one", "two", NULL };
	int fd = open("/dev/null", O_WRONLY);

	(void)arg;
	if (fd < 0 || dup2(fd, 1) != 1)
		return 126;
	execve(argv[0], argv, fd_envp);
	return 127;
}

/* The script's interpreter gets [interp, optional arg, script, script's argv[1..]]. */
static int exec_script(void *arg)
{
	char *const argv[] = { "ignored-argv0", "argc=7", "argv:0=/bin/fdcheck", "argv:1=-x",
			       "argv:2=/t/script", NULL };

	(void)arg;
	execve("/t/script", argv, fd_envp);
	return 127;
}

static int exec_script0(void *arg)
{
	char *const argv[] = { "ignored-argv0", "argc=5", "argv:1=/t/script0", "noenv:FT_THREE",
			       NULL };

	(void)arg;
	execve("/t/script0", argv, fd_envp);
	return 127;
}

/* A close-on-exec fd is closed in the new program, a plain one stays open. */
static int exec_cloexec(void *arg)
{
	char *const argv[] = { "/bin/fdcheck", "open:20", "closed:21", "closed:22", NULL };
	int a = open("/t/noexec", O_RDONLY), b = open("/t/noexec", O_RDONLY | O_CLOEXEC);

	(void)arg;
	if (a < 0 || b < 0 || dup2(a, 20) != 20 || fcntl(b, F_DUPFD_CLOEXEC, 21) != 21)
		return 125;
	if (fcntl(20, F_GETFD) != 0 || fcntl(21, F_GETFD) != FD_CLOEXEC ||
	    fcntl(b, F_GETFD) != FD_CLOEXEC)
		return 126;
	close(a);
	close(b);
	execve(argv[0], argv, fd_envp);
	return 127;
}

static const struct {
	const char *path, *what;
	int err;
	const char *err_name;
} exec_errors[] = {
	{ "/t/missing", "a missing file", ENOENT, "ENOENT" },
	{ "/t/noexec", "a file without x bits", EACCES, "EACCES" },
	{ "/t", "a directory", EACCES, "EACCES" },
	{ "/t/garbage", "an executable that is neither ELF nor #!", ENOEXEC, "ENOEXEC" },
	{ "/t/noexec/x", "a path through a file", ENOTDIR, "ENOTDIR" },
};

static void test_exec(void)
{
	char *const argv[] = { "x", NULL };

	child_case(exec_fdcheck, NULL, 0, "execve /bin/fdcheck with argv and envp",
		   "exec: /bin/fdcheck got its argv and envp");
	child_case(exec_args, NULL, 0, "execve /bin/args one two (output to /dev/null)",
		   "exec: /bin/args checked its stack and exited 0");
	child_case(exec_script, NULL, 0, "execve of \"#!/bin/fdcheck -x\" script",
		   "exec: #! script with an argument runs its interpreter");
	child_case(exec_script0, NULL, 0, "execve of \"#!/bin/fdcheck\" script",
		   "exec: #! script without an argument runs its interpreter");
	child_case(exec_cloexec, NULL, 0, "close-on-exec (125: open/dup, 126: flags, 127: execve)",
		   "exec: an O_CLOEXEC fd is closed in the new program, others stay open");

	for (unsigned int i = 0; i < sizeof(exec_errors) / sizeof(exec_errors[0]); i++) {
		int r = execve(exec_errors[i].path, argv, fd_envp);

		if (check_err(r, errno, exec_errors[i].err, exec_errors[i].path))
			say("exec: %s gives %s, the caller goes on", exec_errors[i].what,
			    exec_errors[i].err_name);
	}
	if (CHECK_ERR(syscall(SYS_execve, 8, argv, fd_envp), EFAULT, "execve(bad path)") &&
	    CHECK_ERR(syscall(SYS_execve, "/bin/fdcheck", 8, fd_envp), EFAULT, "execve(bad argv)"))
		say("exec: bad pointers give EFAULT");
}

/* ------------------------------------------------------ many processes - */

static void test_fork_loop(void)
{
	int good = 0;

	for (int i = 0; i < LOOP_FORKS; i++) {
		pid_t pid = fork(), w;
		int st;

		if (pid == 0)
			_exit(i & 0xff);
		if (pid < 0)
			break;
		w = waitpid(pid, &st, 0);
		good += w == pid && WIFEXITED(st) && WEXITSTATUS(st) == (i & 0xff);
	}
	if (check(good == LOOP_FORKS, "fork loop: %d of %d children gave their status", good,
		  LOOP_FORKS))
		say("loop: %d fork + wait, each child's status seen", LOOP_FORKS);
}

/* In a child: fork sleepers until RLIMIT_NPROC stops us, then kill and reap them. */
static int bomb(void *arg)
{
	struct rlimit rl = { BOMB_LIMIT, BOMB_LIMIT };
	pid_t kids[4 * BOMB_LIMIT];
	int n = 0, err = 0, reaped = 0;

	(void)arg;
	/*
	 * Linux does not hold root to RLIMIT_NPROC: become nobody where that
	 * works.  Where it does not (Tessera has no other user), root is
	 * held to it.
	 */
	if (getuid() == 0 && setuid(65534) && errno != ENOSYS && errno != EPERM)
		return 14;
	if (setrlimit(RLIMIT_NPROC, &rl))
		return 10;
	while (n < 4 * BOMB_LIMIT) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(sleeper(NULL));
		if (pid < 0) {
			err = errno;
			break;
		}
		kids[n++] = pid;
	}
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (;;) {
		int st;
		pid_t w = wait(&st);

		if (w < 0)
			break;
		reaped += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	}
	if (err != EAGAIN)
		return 11;	/* never refused, or not with EAGAIN */
	if (n >= BOMB_LIMIT)
		return 12;
	return reaped == n ? 0 : 13;
}

static void test_bomb(void)
{
	child_case(bomb, NULL, 0, "fork bomb (10: setrlimit, 11: no EAGAIN, 12: over the limit, 13: reaping, 14: setuid)",
		   "bomb: fork fails with EAGAIN under RLIMIT_NPROC " STR(BOMB_LIMIT) "; everyone reaped");
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 8, rounds = argc > 2 ? atol(argv[2]) : 3;

	utest_init("forktest");
	if (mib < 1 || rounds < 1 || argc > 3) {
		say("usage: forktest [MIB [ROUNDS]]");
		return 2;
	}
	top_pid = getpid();
	test_cow(mib, rounds);
	test_tree();
	test_wait_status();
	test_waitid();
	test_orphan();
	test_vfork();
	test_ids();
	test_exec();
	test_fork_loop();
	test_bomb();
	return utest_finish();
}
