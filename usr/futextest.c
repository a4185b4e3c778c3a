// SPDX-License-Identifier: GPL-2.0
/*
 * futextest - futex(2) as Linux x86-64 has it, in one process without
 * threads: -EAGAIN on a changed word, relative and absolute (monotonic
 * and realtime) timeouts that never end early, the argument errors
 * (EINVAL, EFAULT, ENOSYS), wakes and requeues without waiters, every
 * FUTEX_WAKE_OP operation and comparison, waits interrupted by a signal
 * (EINTR, or the restart Linux does), a timed wait stopped and continued
 * (restart_syscall to the same deadline), set_robust_list and
 * get_robust_list.
 *   futextest          all that, "futextest: OK (N checks)" at the end
 *   futextest robust   the robust list of a dying vfork child, which
 *                      shares our memory (Linux's vfork; on Tessera once
 *                      CLONE_VM shares the address space)
 *
 * Every line it prints is the same on Linux and on Tessera.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "utest.h"
#include "../include/uapi/linux/futex.h"

#define MS	1000000ull

static long fx(void *uaddr, int op, uint32_t val, const void *timeout_or_val2,
	       void *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

#define VAL2(n)	((const void *)(uintptr_t)(n))

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct timespec ns_to_ts(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ull,
			       .tv_nsec = ns % 1000000000ull };
	return ts;
}

/* A call that must fail with errno want. */
#define FAILS(call, want, what)	CHECK_ERR(call, want, what)

static uint32_t word = 1;

static void test_values(void)
{
	struct timespec zero = { 0, 0 };

	FAILS(fx(&word, FUTEX_WAIT, 2, NULL, NULL, 0), EAGAIN, "WAIT on a changed word");
	FAILS(fx(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EAGAIN,
	      "WAIT_PRIVATE on a changed word");
	FAILS(fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 7, NULL, NULL, 1), EAGAIN,
	      "WAIT_BITSET on a changed word");
	/* The value is compared before the timeout is looked at. */
	FAILS(fx(&word, FUTEX_WAIT, 2, &zero, NULL, 0), EAGAIN,
	      "WAIT with a zero timeout on a changed word");
	FAILS(fx(&word, FUTEX_WAIT, 1, &zero, NULL, 0), ETIMEDOUT,
	      "WAIT with a zero timeout");
	check(fx(&word, FUTEX_WAKE, 1, NULL, NULL, 0) == 0, "WAKE of nobody");
	check(fx(&word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0) == 0,
	      "WAKE_PRIVATE of nobody");
	check(fx(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0x10) == 0,
	      "WAKE_BITSET of nobody");
	say("values and wakes without waiters");
}

/* A wait of FUTEX_WAIT's relative timeout: ETIMEDOUT, never early. */
static void timed_relative(int op, const char *what)
{
	struct timespec ts = { 0, 60 * MS };
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC), t1;

	FAILS(fx(&word, op, 1, &ts, NULL, 0), ETIMEDOUT, what);
	t1 = clock_ns(CLOCK_MONOTONIC);
	check(t1 - t0 >= 60 * MS, "%s: woke after %llu ns of 60 ms", what,
	      (unsigned long long)(t1 - t0));
}

/* WAIT_BITSET's absolute timeout on clk: ETIMEDOUT, not before it. */
static void timed_absolute(clockid_t clk, int op, const char *what)
{
	uint64_t deadline = clock_ns(clk) + 60 * MS, now;
	struct timespec ts = ns_to_ts(deadline);

	FAILS(fx(&word, op, 1, &ts, NULL, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT, what);
	now = clock_ns(clk);
	check(now >= deadline, "%s: woke %llu ns before the deadline", what,
	      (unsigned long long)(deadline - now));
}

static void test_timeouts(void)
{
	struct timespec past = { 1, 0 };

	timed_relative(FUTEX_WAIT, "WAIT 60 ms");
	timed_relative(FUTEX_WAIT_PRIVATE, "WAIT_PRIVATE 60 ms");
	timed_absolute(CLOCK_MONOTONIC, FUTEX_WAIT_BITSET, "WAIT_BITSET monotonic");
	timed_absolute(CLOCK_MONOTONIC, FUTEX_WAIT_BITSET_PRIVATE,
		       "WAIT_BITSET_PRIVATE monotonic");
	timed_absolute(CLOCK_REALTIME, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME,
		       "WAIT_BITSET realtime");
	timed_absolute(CLOCK_REALTIME,
		       FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME,
		       "WAIT_BITSET_PRIVATE realtime");
	FAILS(fx(&word, FUTEX_WAIT_BITSET, 1, &past, NULL, ~0u), ETIMEDOUT,
	      "WAIT_BITSET with a deadline long past");
	say("timeouts: relative, absolute monotonic and realtime");
}

static void test_errors(void)
{
	static uint32_t words[2] = { 1, 1 };
	char *p = (char *)words + 1;
	struct timespec bad_ns = { 0, 1000000000 }, neg_ns = { 0, -1 },
			neg_s = { -1, 0 };
	void *gone, *kernel = (void *)0xffff800000000000ull;

	FAILS(fx(p, FUTEX_WAIT, 1, NULL, NULL, 0), EINVAL, "WAIT misaligned");
	FAILS(fx(p, FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL, "WAKE misaligned");
	FAILS(fx(p, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), EINVAL,
	      "WAKE_PRIVATE misaligned");
	FAILS(fx(words, FUTEX_REQUEUE, 1, VAL2(1), p, 0), EINVAL,
	      "REQUEUE to a misaligned word");
	FAILS(fx(words, FUTEX_WAKE_OP, 1, VAL2(1), p, 0), EINVAL,
	      "WAKE_OP on a misaligned word");
	FAILS(fx(words, FUTEX_WAIT_BITSET, 1, NULL, NULL, 0), EINVAL,
	      "WAIT_BITSET with bitset 0");
	FAILS(fx(words, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL,
	      "WAKE_BITSET with bitset 0");
	FAILS(fx(words, FUTEX_WAIT, 1, &bad_ns, NULL, 0), EINVAL,
	      "WAIT with tv_nsec 1e9");
	FAILS(fx(words, FUTEX_WAIT, 1, &neg_ns, NULL, 0), EINVAL,
	      "WAIT with tv_nsec -1");
	FAILS(fx(words, FUTEX_WAIT_BITSET, 1, &neg_s, NULL, ~0u), EINVAL,
	      "WAIT_BITSET with tv_sec -1");
	/* The timeout is checked first: before the value and the bitset. */
	FAILS(fx(words, FUTEX_WAIT_BITSET, 2, &bad_ns, NULL, 0), EINVAL,
	      "WAIT_BITSET with a bad timeout, a changed word, bitset 0");
	FAILS(fx(words, FUTEX_REQUEUE, (uint32_t)-1, VAL2(1), &words[1], 0),
	      EINVAL, "REQUEUE of a negative count");
	FAILS(fx(words, FUTEX_CMP_REQUEUE, 1, VAL2(0x80000000u), &words[1], 1),
	      EINVAL, "CMP_REQUEUE of a negative count");

	gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!check(gone != MAP_FAILED, "mmap: %s", strerror(errno)))
		return;
	munmap(gone, 4096);
	FAILS(fx(gone, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT, "WAIT unmapped");
	FAILS(fx(gone, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT,
	      "WAIT_PRIVATE unmapped");
	FAILS(fx(kernel, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT,
	      "WAIT on a kernel address");
	FAILS(fx(kernel, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), EFAULT,
	      "WAKE on a kernel address");
	/* A shared futex's page is looked up to key it; a private one's is not. */
	FAILS(fx(gone, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT, "WAKE unmapped");
	check(fx(gone, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0,
	      "WAKE_PRIVATE unmapped wakes nobody");
	FAILS(fx(words, FUTEX_WAIT, 1, gone, NULL, 0), EFAULT,
	      "WAIT with an unmapped timeout");
	check(fx(words, FUTEX_CMP_REQUEUE_PRIVATE, 1, VAL2(1), gone, 1) == 0,
	      "CMP_REQUEUE_PRIVATE to an unmapped word requeues nobody");
	FAILS(fx(gone, FUTEX_CMP_REQUEUE_PRIVATE, 1, VAL2(1), words, 1), EFAULT,
	      "CMP_REQUEUE_PRIVATE with an unmapped word");
	FAILS(fx(words, FUTEX_WAKE_OP_PRIVATE, 1, VAL2(1), gone,
		 FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 0)), EFAULT,
	      "WAKE_OP_PRIVATE on an unmapped word");

	FAILS(fx(words, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0),
	      ENOSYS, "WAIT with FUTEX_CLOCK_REALTIME");
	FAILS(fx(words, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0),
	      ENOSYS, "WAKE with FUTEX_CLOCK_REALTIME");
	FAILS(fx(words, FUTEX_FD, 1, NULL, NULL, 0), ENOSYS, "FUTEX_FD");
	FAILS(fx(words, 14, 1, NULL, NULL, 0), ENOSYS, "command 14");
	FAILS(fx(words, 127 | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), ENOSYS,
	      "command 127");
	say("errors: EINVAL, EFAULT, ENOSYS");
}

static void test_requeue(void)
{
	static uint32_t a = 5, b = 6;

	check(fx(&a, FUTEX_REQUEUE, 1, VAL2(1), &b, 0) == 0,
	      "REQUEUE without waiters");
	check(fx(&a, FUTEX_REQUEUE_PRIVATE, 0, VAL2(0), &b, 0) == 0,
	      "REQUEUE_PRIVATE of none");
	check(fx(&a, FUTEX_CMP_REQUEUE, 1, VAL2(1), &b, 5) == 0,
	      "CMP_REQUEUE with the value");
	FAILS(fx(&a, FUTEX_CMP_REQUEUE, 1, VAL2(1), &b, 4), EAGAIN,
	      "CMP_REQUEUE on a mismatch");
	FAILS(fx(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, VAL2(1), &b, 6), EAGAIN,
	      "CMP_REQUEUE_PRIVATE on a mismatch");
	say("requeue without waiters");
}

struct wake_op_case {
	const char *name;
	uint32_t before;
	unsigned int op;
	int oparg, shift;
	uint32_t after;
};

static const struct wake_op_case wake_ops[] = {
	{ "SET", 0x1234, FUTEX_OP_SET, 7, 0, 7 },
	{ "SET -1", 0x1234, FUTEX_OP_SET, -1, 0, 0xffffffff },
	{ "ADD", 40, FUTEX_OP_ADD, 2, 0, 42 },
	{ "ADD -3", 40, FUTEX_OP_ADD, -3, 0, 37 },
	{ "ADD wraps", 0xffffffff, FUTEX_OP_ADD, 1, 0, 0 },
	{ "OR", 0x10, FUTEX_OP_OR, 0x3, 0, 0x13 },
	{ "ANDN", 0xff, FUTEX_OP_ANDN, 0x0f, 0, 0xf0 },
	{ "XOR", 0xf0f0, FUTEX_OP_XOR, 0x0ff, 0, 0xf00f },
	{ "SET 1<<31", 0, FUTEX_OP_SET, 31, 1, 0x80000000 },
	{ "OR 1<<4", 1, FUTEX_OP_OR, 4, 1, 0x11 },
	{ "ANDN 1<<0", 3, FUTEX_OP_ANDN, 0, 1, 2 },
	{ "XOR 1<<2", 5, FUTEX_OP_XOR, 2, 1, 1 },
	{ "ADD 1<<3", 1, FUTEX_OP_ADD, 3, 1, 9 },
};

static uint32_t op_encode(unsigned int op, int oparg, int shift,
			  unsigned int cmp, int cmparg)
{
	return ((op | (shift ? FUTEX_OP_OPARG_SHIFT : 0)) << 28) |
	       ((cmp & 0xf) << 24) | (((uint32_t)oparg & 0xfff) << 12) |
	       ((uint32_t)cmparg & 0xfff);
}

static void test_wake_op(void)
{
	static uint32_t w1 = 0, w2;
	static const char *const cmps[] = { "EQ", "NE", "LT", "LE", "GT", "GE" };
	unsigned int i, c, k;
	long r;
	char *ro;

	for (i = 0; i < sizeof(wake_ops) / sizeof(wake_ops[0]); i++) {
		const struct wake_op_case *t = &wake_ops[i];

		w2 = t->before;
		r = fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, VAL2(1), &w2,
		       op_encode(t->op, t->oparg, t->shift, FUTEX_OP_CMP_EQ, 0));
		check(r == 0, "WAKE_OP %s returned %ld", t->name, r);
		check(w2 == t->after, "WAKE_OP %s: %#x became %#x, expected %#x",
		      t->name, t->before, w2, t->after);
		w2 = t->before;
		r = fx(&w1, FUTEX_WAKE_OP, 0, VAL2(0), &w2,
		       op_encode(t->op, t->oparg, t->shift, FUTEX_OP_CMP_NE, 0));
		check(r == 0 && w2 == t->after, "WAKE_OP (shared) %s", t->name);
	}
	/*
	 * Every comparison is accepted (which way it went shows only in whom
	 * it wakes), and a negative cmparg (sign-extended).
	 */
	for (c = 0; c < 6; c++) {
		for (k = 0; k < 3; k++) {
			w2 = 5;
			r = fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, VAL2(1), &w2,
			       op_encode(FUTEX_OP_ADD, 0, 0, c, 4 + k));
			check(r == 0 && w2 == 5, "WAKE_OP cmp %s %u: %ld", cmps[c],
			      4 + k, r);
		}
	}
	w2 = (uint32_t)-2;
	check(fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, VAL2(1), &w2,
		 op_encode(FUTEX_OP_ADD, 1, 0, FUTEX_OP_CMP_LT, -1)) == 0 &&
	      w2 == (uint32_t)-1, "WAKE_OP ADD with cmparg -1");
	/* An unknown comparison: the word has changed, yet ENOSYS. */
	w2 = 1;
	FAILS(fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, VAL2(1), &w2,
		 op_encode(FUTEX_OP_ADD, 1, 0, 6, 0)), ENOSYS, "WAKE_OP cmp 6");
	check(w2 == 2, "WAKE_OP cmp 6 left %u, expected 2", w2);
	/* An unknown operation: nothing changes. */
	w2 = 1;
	FAILS(fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, VAL2(1), &w2,
		 op_encode(5, 1, 0, FUTEX_OP_CMP_EQ, 0)), ENOSYS, "WAKE_OP op 5");
	check(w2 == 1, "WAKE_OP op 5 left %u, expected 1", w2);
	/* A read-only word cannot be changed. */
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (check(ro != MAP_FAILED, "mmap: %s", strerror(errno))) {
		FAILS(fx(&w1, FUTEX_WAKE_OP_PRIVATE, 1, VAL2(1), ro,
			 op_encode(FUTEX_OP_SET, 1, 0, FUTEX_OP_CMP_EQ, 0)),
		      EFAULT, "WAKE_OP on a read-only page");
		check(*(volatile uint32_t *)ro == 0, "read-only word changed");
		munmap(ro, 4096);
	}
	say("WAKE_OP: SET ADD OR ANDN XOR, shifted, every comparison");
}

static volatile sig_atomic_t alarms;
static uint32_t sigword;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
	/* What a waker would do: the restarted wait sees a new value. */
	if (sigword == 10)
		sigword = 11;
}

static void arm(int flags)
{
	struct sigaction sa;
	/* Repeating: a signal that came before the wait does not hang it. */
	struct itimerval it = { { 0, 100000 }, { 0, 100000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_IGN);
}

static void test_signals(void)
{
	struct timespec five = { 5, 0 }, abs;
	uint64_t t0;

	sigword = 1;
	arm(0);
	FAILS(fx(&sigword, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EINTR,
	      "untimed WAIT and a handler");
	disarm();

	/* SA_RESTART: the wait starts again and finds the handler's value. */
	sigword = 10;
	arm(SA_RESTART);
	FAILS(fx(&sigword, FUTEX_WAIT_PRIVATE, 10, NULL, NULL, 0), EAGAIN,
	      "untimed WAIT restarted after an SA_RESTART handler");
	disarm();
	check(sigword == 11, "the handler did not run");

	/* A timed wait is not restarted after a handler, SA_RESTART or not. */
	sigword = 1;
	arm(SA_RESTART);
	t0 = clock_ns(CLOCK_MONOTONIC);
	FAILS(fx(&sigword, FUTEX_WAIT, 1, &five, NULL, 0), EINTR,
	      "timed WAIT and an SA_RESTART handler");
	disarm();
	check(clock_ns(CLOCK_MONOTONIC) - t0 < 4000 * MS,
	      "timed WAIT was not interrupted");

	arm(0);
	abs = ns_to_ts(clock_ns(CLOCK_REALTIME) + 5000 * MS);
	FAILS(fx(&sigword, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &abs,
		 NULL, ~0u), EINTR, "absolute WAIT_BITSET and a handler");
	disarm();
	say("signals: EINTR, SA_RESTART");
}

/*
 * A stop and a continue do not end a timed wait: without a handler it
 * goes on (restart_syscall) to the same deadline.  The waiter is a child;
 * its exit status says how it went.
 */
static void test_stop_cont(void)
{
	struct timespec ts = { 0, 400 * MS }, nap = { 0, 80 * MS };
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
		long r = fx(&word, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0);
		int err = errno;

		if (r != -1 || err != ETIMEDOUT)
			_exit(1);
		_exit(clock_ns(CLOCK_MONOTONIC) - t0 >= 400 * MS ? 0 : 2);
	}
	if (!check(pid > 0, "fork: %s", strerror(errno)))
		return;
	nanosleep(&nap, NULL);
	kill(pid, SIGSTOP);
	nanosleep(&nap, NULL);
	kill(pid, SIGCONT);
	check(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "stopped and continued wait: status %#x (1: not ETIMEDOUT, 2: early)",
	      status);
	say("a timed wait stopped and continued times out on time");
}

struct lock {
	struct robust_list node;
	uint32_t pad;
	uint32_t futex;		/* the word lies futex_offset from the node */
};

static struct robust_list_head rhead;
static struct lock locks[6];

static long set_robust(void *head, size_t len)
{
	return syscall(SYS_set_robust_list, head, len);
}

static long get_robust(int pid, void **head, size_t *len)
{
	return syscall(SYS_get_robust_list, pid, head, len);
}

static void test_robust_calls(void)
{
	void *orig, *head;
	size_t orig_len, len;
	void *gone;

	check(get_robust(0, &orig, &orig_len) == 0, "get_robust_list: %s",
	      strerror(errno));
	check(set_robust(&rhead, sizeof(rhead)) == 0, "set_robust_list: %s",
	      strerror(errno));
	head = NULL;
	len = 0;
	check(get_robust(0, &head, &len) == 0 && head == &rhead &&
	      len == sizeof(rhead), "get_robust_list(0) after set");
	head = NULL;
	check(get_robust(syscall(SYS_gettid), &head, &len) == 0 &&
	      head == &rhead, "get_robust_list(own tid)");
	FAILS(set_robust(&rhead, sizeof(rhead) - 1), EINVAL,
	      "set_robust_list with a wrong length");
	FAILS(get_robust(-5, &head, &len), ESRCH, "get_robust_list(-5)");
	FAILS(get_robust(0x3ffffff0, &head, &len), ESRCH,
	      "get_robust_list of no thread");
	gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (check(gone != MAP_FAILED, "mmap: %s", strerror(errno))) {
		FAILS(get_robust(0, gone, &len), EFAULT,
		      "get_robust_list into a read-only page");
		munmap(gone, 4096);
	}
	check(set_robust(orig, orig_len ? orig_len : sizeof(rhead)) == 0,
	      "set_robust_list back: %s", strerror(errno));
	say("set_robust_list and get_robust_list");
}

/*
 * A vfork child shares our memory: it registers a robust list of locks it
 * holds, some it does not, and one being taken, and exits.  Its death
 * marks its locks FUTEX_OWNER_DIED, keeping FUTEX_WAITERS.
 */
static void test_robust_death(void)
{
	long off = offsetof(struct lock, futex);
	volatile uint32_t tid = 0;
	int status;
	pid_t pid;

	memset(locks, 0, sizeof(locks));
	rhead.list.next = &locks[0].node;
	locks[0].node.next = &locks[1].node;
	/* Bit 0: locks[2] is a PI futex. */
	locks[1].node.next = (struct robust_list *)((uintptr_t)&locks[2].node | 1);
	locks[2].node.next = &locks[3].node;
	locks[3].node.next = &rhead.list;
	rhead.futex_offset = off;
	rhead.list_op_pending = &locks[4].node;

	pid = vfork();
	if (pid == 0) {
		uint32_t me = syscall(SYS_gettid);

		tid = me;
		locks[0].futex = me | FUTEX_WAITERS;
		locks[1].futex = me;
		locks[2].futex = me;
		locks[3].futex = (me + 1) & FUTEX_TID_MASK;	/* not ours */
		locks[4].futex = me;		/* pending, not on the list */
		locks[5].futex = me;		/* on no list at all */
		if (syscall(SYS_set_robust_list, &rhead, sizeof(rhead)))
			_exit(3);
		_exit(0);
	}
	if (!check(pid > 0, "vfork: %s", strerror(errno)))
		return;
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "vfork child: status %#x", status);
	check(locks[0].futex == (FUTEX_OWNER_DIED | FUTEX_WAITERS),
	      "robust lock with waiters: %#x", locks[0].futex);
	check(locks[1].futex == FUTEX_OWNER_DIED, "robust lock: %#x",
	      locks[1].futex);
	check(locks[2].futex == FUTEX_OWNER_DIED, "robust PI lock: %#x",
	      locks[2].futex);
	check(locks[3].futex == ((tid + 1) & FUTEX_TID_MASK),
	      "another owner's lock changed: %#x", locks[3].futex);
	check(locks[4].futex == FUTEX_OWNER_DIED, "pending lock: %#x",
	      locks[4].futex);
	check(locks[5].futex == tid, "a lock on no list changed: %#x",
	      locks[5].futex);
	say("robust list of a dead vfork child");
}

int main(int argc, char **argv)
{
	utest_init("futextest");
	if (argc > 1 && !strcmp(argv[1], "robust")) {
		test_robust_death();
		return utest_finish();
	}
	test_values();
	test_timeouts();
	test_errors();
	test_requeue();
	test_wake_op();
	test_signals();
	test_stop_cont();
	test_robust_calls();
	return utest_finish();
}
