// SPDX-License-Identifier: GPL-2.0
/*
 * sigtest - signals as Linux x86-64 has them: handlers and siginfo,
 * masks, sigsuspend, sigtimedwait, the alternate stack, SA_RESETHAND and
 * SA_NODEFER, interrupted sleeps, interval timers, faults caught with
 * the right si_code and si_addr, the ucontext a handler may change, and
 * the FPU state a handler must not disturb.
 *
 * Every line it prints is the same on Linux and on Tessera.
 *   sigtest            all the checks, "sigtest: OK (N checks)" at the end
 *   sigtest abort      then abort(): dies of SIGABRT (with a core flag)
 *   sigtest badframe   a handler breaks its frame's CS: rt_sigreturn kills
 *                      the process with SIGSEGV
 *   sigtest badfp      the same with an unreadable fpstate pointer
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>
#include "utest.h"

/* Faulting instructions at known addresses. */
extern char st_ud2[], st_int3[], st_int3_after[], st_div[], st_div_insn[];
__asm__(".text\n"
	".globl st_ud2\n"
	"st_ud2: ud2\n"
	"	ret\n"
	".globl st_int3\n"
	".globl st_int3_after\n"
	"st_int3: int3\n"
	"st_int3_after: ret\n"
	".globl st_div\n"
	".globl st_div_insn\n"
	"st_div: xorl %edx, %edx\n"
	"	movl $7, %eax\n"
	"st_div_insn: divl %edi\n"
	"	ret\n");

static volatile sig_atomic_t hits, depth, max_depth;
static siginfo_t last_info;
static volatile uintptr_t last_rip, last_sp;
static sigjmp_buf jump;

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		check(0, "sigaction(%d): %s", sig, strerror(errno));
}

static void set_default(int sig)
{
	signal(sig, SIG_DFL);
}

static void on_info(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	int local;

	(void)sig;
	hits++;
	last_info = *si;
	last_rip = uc->uc_mcontext.gregs[REG_RIP];
	last_sp = (uintptr_t)&local;
}

static void test_kill_self(void)
{
	hits = 0;
	set_handler(SIGUSR1, on_info, 0);
	kill(getpid(), SIGUSR1);
	check(hits == 1 && last_info.si_signo == SIGUSR1 &&
	      last_info.si_code == SI_USER && last_info.si_pid == getpid(),
	      "kill(self, SIGUSR1): hits %d signo %d code %d pid %d",
	      hits, last_info.si_signo, last_info.si_code, last_info.si_pid);
	say("kill(self, SIGUSR1): si_signo %d si_code %d si_pid %s",
	    last_info.si_signo, last_info.si_code,
	    last_info.si_pid == getpid() ? "self" : "other");

	hits = 0;
	set_handler(SIGUSR2, on_info, 0);
	raise(SIGUSR2);
	check(hits == 1 && last_info.si_code == SI_TKILL &&
	      last_info.si_pid == getpid(), "raise(SIGUSR2): hits %d code %d",
	      hits, last_info.si_code);
	say("raise(SIGUSR2): si_signo %d si_code %d", last_info.si_signo,
	    last_info.si_code);
	check(syscall(SYS_tgkill, getpid(), getpid(), 0) == 0,
	      "tgkill(self, 0)");
	CHECK_ERR(syscall(SYS_tgkill, getpid() + 1000000, getpid(), SIGUSR1),
		  ESRCH, "tgkill with a wrong tgid");
	CHECK_ERR(kill(getpid(), 65), EINVAL, "kill with signal 65");
	CHECK_ERR(kill(999999, 0), ESRCH, "kill of no process");
	CHECK_ERR(sigaction(SIGKILL, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL),
		  EINVAL, "sigaction(SIGKILL)");
	set_default(SIGUSR1);
	set_default(SIGUSR2);
}

static void test_masks(void)
{
	sigset_t set, old, pend;

	hits = 0;
	set_handler(SIGUSR1, on_info, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	sigpending(&pend);
	check(hits == 0 && sigismember(&pend, SIGUSR1),
	      "blocked SIGUSR1: hits %d pending %d", hits,
	      sigismember(&pend, SIGUSR1));
	say("blocked SIGUSR1: delivered %d, pending %d", hits,
	    sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigpending(&pend);
	check(hits == 1 && !sigismember(&pend, SIGUSR1),
	      "unblocked SIGUSR1: hits %d", hits);
	say("unblocked SIGUSR1: delivered %d, pending %d", hits,
	    sigismember(&pend, SIGUSR1));

	/* SIGKILL cannot be blocked: the mask drops it. */
	sigemptyset(&set);
	sigaddset(&set, SIGKILL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_SETMASK, NULL, &old);
	check(!sigismember(&old, SIGKILL), "SIGKILL in the mask");
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL,
		  "rt_sigprocmask with a bad how");
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL,
		  "rt_sigprocmask with a bad size");
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8),
		  EFAULT, "rt_sigprocmask with a bad pointer");

	/* Ignoring a pending signal discards it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	signal(SIGUSR2, SIG_IGN);
	sigpending(&pend);
	check(!sigismember(&pend, SIGUSR2), "SIG_IGN kept a pending signal");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	set_default(SIGUSR1);
	set_default(SIGUSR2);
	say("masks: done");
}

static void test_sigsuspend(void)
{
	sigset_t set, old, empty;
	struct itimerval it = { .it_value = { 0, 50000 } };
	int ret, err;

	hits = 0;
	set_handler(SIGALRM, on_info, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	sigemptyset(&empty);
	ret = sigsuspend(&empty);
	err = errno;
	sigprocmask(SIG_SETMASK, NULL, &set);
	check(ret == -1 && err == EINTR && hits == 1 &&
	      sigismember(&set, SIGALRM),
	      "sigsuspend: ret %d errno %d hits %d", ret, err, hits);
	say("sigsuspend: returned %d errno %s, handler ran %d, mask restored %d",
	    ret, err == EINTR ? "EINTR" : "?", hits, sigismember(&set, SIGALRM));
	sigprocmask(SIG_SETMASK, &old, NULL);
	set_default(SIGALRM);
}

static void test_sigtimedwait(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	sigset_t set, old;
	siginfo_t si;
	uint64_t t0;
	int ret, err;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	t0 = now_ns();
	ret = sigtimedwait(&set, &si, &ts);
	err = errno;
	check(ret == -1 && err == EAGAIN && now_ns() - t0 >= 90000000ull,
	      "sigtimedwait timeout: ret %d errno %d after %llu ns", ret, err,
	      (unsigned long long)(now_ns() - t0));
	say("sigtimedwait with nothing pending: %d errno %s", ret,
	    err == EAGAIN ? "EAGAIN" : "?");
	raise(SIGUSR1);
	memset(&si, 0, sizeof(si));
	ret = sigtimedwait(&set, &si, &ts);
	/* glibc's wrapper turns SI_TKILL into SI_USER, musl's does not. */
	check(ret == SIGUSR1 && si.si_signo == SIGUSR1 &&
	      (si.si_code == SI_TKILL || si.si_code == SI_USER) &&
	      si.si_pid == getpid(),
	      "sigtimedwait: %d signo %d code %d", ret, si.si_signo, si.si_code);
	say("sigtimedwait with SIGUSR1 pending: %d si_signo %d from self %d", ret,
	    si.si_signo, si.si_pid == getpid());
	raise(SIGUSR1);
	ret = sigwaitinfo(&set, &si);
	check(ret == SIGUSR1, "sigwaitinfo: %d", ret);
	/* A default-ignored signal that is blocked is kept for the wait. */
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGWINCH);
	ret = sigtimedwait(&set, &si, &ts);
	check(ret == SIGWINCH, "sigtimedwait for a blocked SIGWINCH: %d", ret);
	say("sigtimedwait for a blocked SIGWINCH: %d", ret);
	ts.tv_nsec = 1000000000;
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EINVAL,
		  "sigtimedwait with tv_nsec 1e9");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static char *alt_base;
static size_t alt_size = 64 * 1024;
static volatile int alt_flags_inside;

static void on_altstack(int sig, siginfo_t *si, void *uc)
{
	stack_t cur;

	on_info(sig, si, uc);
	sigaltstack(NULL, &cur);
	alt_flags_inside = cur.ss_flags;
}

static void test_sigaltstack(void)
{
	stack_t ss, old;
	int on;

	alt_base = malloc(alt_size);
	ss.ss_sp = alt_base;
	ss.ss_size = alt_size;
	ss.ss_flags = 0;
	check(sigaltstack(&ss, &old) == 0, "sigaltstack: %s", strerror(errno));
	check(old.ss_flags == SS_DISABLE, "no altstack at start: flags %d",
	      old.ss_flags);
	hits = 0;
	set_handler(SIGUSR1, on_altstack, SA_ONSTACK);
	raise(SIGUSR1);
	on = last_sp >= (uintptr_t)alt_base &&
	     last_sp < (uintptr_t)alt_base + alt_size;
	check(hits == 1 && on && alt_flags_inside == SS_ONSTACK,
	      "SA_ONSTACK handler: hits %d on the alt stack %d flags %d", hits,
	      on, alt_flags_inside);
	say("SA_ONSTACK handler: on the alternate stack %d, ss_flags there %d",
	    on, alt_flags_inside);
	set_handler(SIGUSR1, on_altstack, 0);
	raise(SIGUSR1);
	on = last_sp >= (uintptr_t)alt_base &&
	     last_sp < (uintptr_t)alt_base + alt_size;
	check(!on && alt_flags_inside == 0, "plain handler: on the alt stack");
	say("handler without SA_ONSTACK: on the alternate stack %d", on);
	ss.ss_size = 100;
	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM, "sigaltstack too small");
	ss.ss_flags = 99;
	ss.ss_size = alt_size;
	CHECK_ERR(sigaltstack(&ss, NULL), EINVAL, "sigaltstack bad flags");
	ss.ss_flags = SS_DISABLE;
	check(sigaltstack(&ss, NULL) == 0, "sigaltstack disable");
	sigaltstack(NULL, &old);
	check(old.ss_flags == SS_DISABLE, "altstack disabled: flags %d",
	      old.ss_flags);
	set_default(SIGUSR1);
	free(alt_base);
}

static void test_resethand(void)
{
	struct sigaction sa;

	hits = 0;
	set_handler(SIGWINCH, on_info, SA_RESETHAND);
	raise(SIGWINCH);
	raise(SIGWINCH);	/* now SIG_DFL: ignored */
	sigaction(SIGWINCH, NULL, &sa);
	check(hits == 1 && sa.sa_handler == SIG_DFL,
	      "SA_RESETHAND: hits %d", hits);
	say("SA_RESETHAND: handler ran %d time(s), then SIG_DFL %d", hits,
	    sa.sa_handler == SIG_DFL);
}

static volatile int nested_blocked, raises_left;

static void on_nodefer(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;

	(void)si;
	(void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	nested_blocked = sigismember(&cur, sig);
	if (raises_left > 0) {
		raises_left--;
		raise(sig);
	}
	depth--;
}

static void test_nodefer(void)
{
	depth = max_depth = 0;
	raises_left = 2;
	set_handler(SIGUSR2, on_nodefer, SA_NODEFER);
	raise(SIGUSR2);
	check(max_depth == 3 && !nested_blocked, "SA_NODEFER: depth %d",
	      max_depth);
	say("SA_NODEFER: nested depth %d, blocked in the handler %d",
	    max_depth, nested_blocked);
	depth = max_depth = 0;
	raises_left = 2;
	set_handler(SIGUSR2, on_nodefer, 0);
	raise(SIGUSR2);
	check(max_depth == 1 && nested_blocked, "no SA_NODEFER: depth %d",
	      max_depth);
	say("without SA_NODEFER: nested depth %d, blocked in the handler %d",
	    max_depth, nested_blocked);
	set_default(SIGUSR2);
}

static void test_nanosleep_eintr(void)
{
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	uint64_t t0 = now_ns();
	int ret, err;

	hits = 0;
	set_handler(SIGALRM, on_info, SA_RESTART);
	alarm(1);
	ret = nanosleep(&req, &rem);
	err = errno;
	check(ret == -1 && err == EINTR && hits == 1 && rem.tv_sec >= 3 &&
	      rem.tv_sec <= 4 && now_ns() - t0 < 3000000000ull,
	      "nanosleep: ret %d errno %d rem %ld.%09ld", ret, err,
	      (long)rem.tv_sec, rem.tv_nsec);
	say("nanosleep(5 s) with alarm(1): %d errno %s, about 4 s left %d",
	    ret, err == EINTR ? "EINTR" : "?", rem.tv_sec >= 3 && rem.tv_sec <= 4);
	check(alarm(0) == 0, "alarm left after it rang");
	alarm(10);
	ret = alarm(0);
	check(ret == 10, "alarm(0) after alarm(10): %d", ret);
	say("alarm(0) after alarm(10): %d", ret);
	set_default(SIGALRM);
}

static void test_itimer(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;
	uint64_t t0 = now_ns(), dt;
	long ival;
	int n;

	hits = 0;
	set_handler(SIGALRM, on_info, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	while (hits < 5)
		pause();
	n = hits;
	dt = now_ns() - t0;
	getitimer(ITIMER_REAL, &cur);
	ival = cur.it_interval.tv_usec;
	check(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000,
	      "getitimer interval %ld.%06ld", (long)cur.it_interval.tv_sec,
	      (long)cur.it_interval.tv_usec);
	check(dt >= 90000000ull, "5 periods of 20 ms in %llu ns",
	      (unsigned long long)dt);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, &cur);
	getitimer(ITIMER_REAL, &cur);
	check(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0,
	      "disarmed timer still runs");
	CHECK_ERR(getitimer(7, &cur), EINVAL, "getitimer(7)");
	say("setitimer every 20 ms: %d signals, interval read back %ld us",
	    n, ival);
	set_default(SIGALRM);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	last_info = *si;
	last_rip = uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(jump, 1);
}

static void test_segv(void)
{
	volatile char *p;
	char *ro;

	set_handler(SIGSEGV, on_fault, 0);
	if (!sigsetjmp(jump, 1)) {
		p = (volatile char *)0x1000;
		(void)*p;
		check(0, "read at 0x1000 did not fault");
	}
	check(last_info.si_signo == SIGSEGV && last_info.si_code == SEGV_MAPERR &&
	      last_info.si_addr == (void *)0x1000,
	      "SIGSEGV at 0x1000: code %d addr %p", last_info.si_code,
	      last_info.si_addr);
	say("read at 0x1000: SIGSEGV si_code %s si_addr %p",
	    last_info.si_code == SEGV_MAPERR ? "SEGV_MAPERR" : "?",
	    last_info.si_addr);

	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(&last_info, 0, sizeof(last_info));
	if (!sigsetjmp(jump, 1)) {
		((volatile char *)ro)[8] = 1;
		check(0, "write to PROT_READ did not fault");
	}
	check(last_info.si_code == SEGV_ACCERR && last_info.si_addr == ro + 8,
	      "SIGSEGV on a PROT_READ page: code %d", last_info.si_code);
	say("write to a PROT_READ page: SIGSEGV si_code %s si_addr %s",
	    last_info.si_code == SEGV_ACCERR ? "SEGV_ACCERR" : "?",
	    last_info.si_addr == ro + 8 ? "right" : "wrong");
	munmap(ro, 4096);

	/* The mask went back with siglongjmp: a second fault is caught too. */
	memset(&last_info, 0, sizeof(last_info));
	if (!sigsetjmp(jump, 1))
		(void)*(volatile char *)0x2000;
	check(last_info.si_addr == (void *)0x2000, "second SIGSEGV");
	set_default(SIGSEGV);
}

static void test_fpe(void)
{
	set_handler(SIGFPE, on_fault, 0);
	memset(&last_info, 0, sizeof(last_info));
	if (!sigsetjmp(jump, 1)) {
		((unsigned (*)(unsigned))st_div)(0);
		check(0, "divide by zero did not fault");
	}
	check(last_info.si_code == FPE_INTDIV &&
	      last_info.si_addr == (void *)st_div_insn &&
	      last_rip == (uintptr_t)st_div_insn,
	      "SIGFPE: code %d", last_info.si_code);
	say("divide by zero: SIGFPE si_code %s si_addr %s",
	    last_info.si_code == FPE_INTDIV ? "FPE_INTDIV" : "?",
	    last_info.si_addr == (void *)st_div_insn ? "the div" : "wrong");
	set_default(SIGFPE);
}

/* Skips the ud2: a handler may change the context it returns to. */
static void on_ill(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	on_info(sig, si, ucv);
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static void test_ill_trap(void)
{
	hits = 0;
	set_handler(SIGILL, on_ill, 0);
	((void (*)(void))st_ud2)();
	check(hits == 1 && last_info.si_code == ILL_ILLOPN &&
	      last_info.si_addr == (void *)st_ud2 && last_rip == (uintptr_t)st_ud2,
	      "SIGILL: hits %d code %d", hits, last_info.si_code);
	say("ud2: SIGILL si_code %s si_addr %s, skipped by the handler",
	    last_info.si_code == ILL_ILLOPN ? "ILL_ILLOPN" : "?",
	    last_info.si_addr == (void *)st_ud2 ? "the ud2" : "wrong");

	hits = 0;
	set_handler(SIGTRAP, on_info, 0);
	((void (*)(void))st_int3)();
	/* Linux x86-64 reports int3 as SI_KERNEL, rip after the int3. */
	check(hits == 1 && last_info.si_code == SI_KERNEL &&
	      last_rip == (uintptr_t)st_int3_after,
	      "SIGTRAP: hits %d code %d", hits, last_info.si_code);
	say("int3: SIGTRAP si_code %d, rip after the int3 %d",
	    last_info.si_code, last_rip == (uintptr_t)st_int3_after);
	set_default(SIGILL);
	set_default(SIGTRAP);
}

/* The handler sees a fresh FPU and the interrupted one in its fpstate. */
static volatile uint32_t fp_seen_xmm8, fp_seen_mxcsr, fp_handler_mxcsr;

static void on_fpu(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	volatile double x = 1.0;
	uint32_t mx;
	int i;

	(void)sig;
	(void)si;
	__asm__ volatile("stmxcsr %0" : "=m"(mx));
	fp_handler_mxcsr = mx;
	fp_seen_xmm8 = uc->uc_mcontext.fpregs->_xmm[8].element[0];
	fp_seen_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
	for (i = 0; i < 100; i++)
		x = x * 1.5 + 0.25;
	__asm__ volatile("pcmpeqd %%xmm8, %%xmm8\n\t"
			 "pxor %%xmm0, %%xmm0\n\t"
			 "movl $0x7f80, %0\n\t"
			 "ldmxcsr %0" : "+m"(mx) : : "xmm0", "xmm8");
}

static void test_fpu(void)
{
	uint32_t in[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };
	uint32_t out8[4], out0[4], mx_in = 0x7f80 /* round toward zero */, mx_out;
	long nr = SYS_kill;

	set_handler(SIGUSR1, on_fpu, 0);
	/* One asm block: the compiler keeps nothing in xmm across it. */
	__asm__ volatile("stmxcsr %[save]\n\t"
			 "ldmxcsr %[mx]\n\t"
			 "movdqu %[in], %%xmm8\n\t"
			 "movdqu %[in], %%xmm0\n\t"
			 "syscall\n\t"
			 "movdqu %%xmm8, %[o8]\n\t"
			 "movdqu %%xmm0, %[o0]\n\t"
			 "stmxcsr %[mxo]\n\t"
			 "ldmxcsr %[save]"
			 : [o8] "=m"(out8), [o0] "=m"(out0), [mxo] "=m"(mx_out),
			   "+a"(nr), [save] "=m"(mx_in)
			 : [in] "m"(in), [mx] "m"((uint32_t){ 0x7f80 }),
			   "D"((long)getpid()), "S"((long)SIGUSR1)
			 : "rcx", "r11", "memory", "xmm0", "xmm8");
	check(!memcmp(out8, in, 16) && !memcmp(out0, in, 16),
	      "xmm after the handler: %08x %08x", out8[0], out0[0]);
	check(mx_out == 0x7f80, "mxcsr after the handler: %#x", mx_out);
	check(fp_handler_mxcsr == 0x1f80, "mxcsr in the handler: %#x",
	      fp_handler_mxcsr);
	check(fp_seen_xmm8 == 0x11111111 && fp_seen_mxcsr == 0x7f80,
	      "fpstate in the frame: xmm8 %#x mxcsr %#x", fp_seen_xmm8,
	      fp_seen_mxcsr);
	say("SSE state across a handler that uses SSE: preserved %d, fresh in the handler %d, in the frame %d",
	    !memcmp(out8, in, 16) && !memcmp(out0, in, 16) && mx_out == 0x7f80,
	    fp_handler_mxcsr == 0x1f80,
	    fp_seen_xmm8 == 0x11111111 && fp_seen_mxcsr == 0x7f80);
	set_default(SIGUSR1);
}

static volatile int async_flag;

static void on_async(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	async_flag = 1;
}

/*
 * A timer signal interrupts a loop that holds values in rcx and r11 (which
 * a sysret return would lose) and in a blocked SIGALRM a nanosleep just
 * goes on.
 */
static void test_async(void)
{
	struct itimerval it = { .it_value = { 0, 30000 } };
	struct timespec req = { 0, 200 * 1000 * 1000 };
	uint64_t rcx, r11, rdx;
	sigset_t set, old, pend;
	int ret;

	async_flag = 0;
	set_handler(SIGALRM, on_async, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	__asm__ volatile("movabsq $0x1234567887654321, %%rcx\n\t"
			 "movabsq $0x1122334455667788, %%r11\n\t"
			 "movabsq $0x0badc0ffee0ddf00, %%rdx\n\t"
			 "1: cmpl $0, %[flag]\n\t"
			 "je 1b\n\t"
			 "movq %%rcx, %[c]\n\t"
			 "movq %%r11, %[r]\n\t"
			 "movq %%rdx, %[d]"
			 : [c] "=m"(rcx), [r] "=m"(r11), [d] "=m"(rdx)
			 : [flag] "m"(async_flag)
			 : "rcx", "r11", "rdx", "memory");
	check(rcx == 0x1234567887654321ull && r11 == 0x1122334455667788ull &&
	      rdx == 0x0badc0ffee0ddf00ull,
	      "registers after an asynchronous handler: rcx %#llx r11 %#llx rdx %#llx",
	      (unsigned long long)rcx, (unsigned long long)r11,
	      (unsigned long long)rdx);
	say("registers across an asynchronous handler: preserved %d",
	    rcx == 0x1234567887654321ull && r11 == 0x1122334455667788ull &&
	    rdx == 0x0badc0ffee0ddf00ull);

	async_flag = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	ret = nanosleep(&req, NULL);
	sigpending(&pend);
	check(ret == 0 && !async_flag && sigismember(&pend, SIGALRM),
	      "nanosleep with SIGALRM blocked: %d", ret);
	sigprocmask(SIG_SETMASK, &old, NULL);
	check(async_flag == 1, "SIGALRM after the unblock");
	say("nanosleep with SIGALRM blocked: %d, then delivered %d", ret,
	    async_flag);
	set_default(SIGALRM);
}

/* Breaks the frame rt_sigreturn will read. */
static int break_what;

static void on_break(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	if (break_what == 0)
		/* CS is the low 16 bits of REG_CSGSFS. */
		uc->uc_mcontext.gregs[REG_CSGSFS] &= ~0xffffULL;
	else
		uc->uc_mcontext.fpregs = (void *)0x1000;	/* unmapped */
}

int main(int argc, char **argv)
{
	utest_init("sigtest");
	if (argc > 1 && (!strcmp(argv[1], "badframe") || !strcmp(argv[1], "badfp"))) {
		break_what = !strcmp(argv[1], "badfp");
		set_handler(SIGUSR1, on_break, 0);
		say("returning through a broken frame (%s)", argv[1]);
		raise(SIGUSR1);
		say("NOT KILLED");
		return 1;
	}
	test_kill_self();
	test_masks();
	test_sigsuspend();
	test_sigtimedwait();
	test_sigaltstack();
	test_resethand();
	test_nodefer();
	test_nanosleep_eintr();
	test_itimer();
	test_segv();
	test_fpe();
	test_ill_trap();
	test_fpu();
	test_async();
	if (argc > 1 && !strcmp(argv[1], "abort")) {
		utest_finish();
		say("abort()");
		abort();
	}
	return utest_finish();
}
