// SPDX-License-Identifier: GPL-2.0
/*
 * The system call entry's C side: dispatch by Linux x86-64 number; the
 * calls that are not implemented return -ENOSYS and are logged once by
 * name.  Documentation/syscalls.md lists which are.
 */
#include <tessera/kernel.h>
#include <asm/bitops.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/process.h>
#include <tessera/sched.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include "process.h"
#include "syscall.h"

#define SYSCALL(nr, name)	[nr] = #name,
static const char *const syscall_names[NR_syscalls] = {
#include "syscall_list.h"
};
#undef SYSCALL

const char *syscall_name(unsigned long nr)
{
	return nr < NR_syscalls && syscall_names[nr] ? syscall_names[nr] :
	       "unknown";
}

#define IMPL(name)	[__NR_##name] = sys_##name
static const syscall_fn_t sys_call_table[NR_syscalls] = {
	IMPL(read), IMPL(write), IMPL(open), IMPL(close), IMPL(stat),
	IMPL(fstat), IMPL(lstat), IMPL(lseek), IMPL(mmap), IMPL(mprotect),
	IMPL(munmap), IMPL(brk), IMPL(ioctl), IMPL(pread64), IMPL(readv),
	IMPL(writev), IMPL(sched_yield), IMPL(mremap), IMPL(madvise),
	IMPL(nanosleep), IMPL(getpid), IMPL(exit), IMPL(uname),
	IMPL(readlink), IMPL(gettimeofday), IMPL(getrlimit), IMPL(getuid),
	IMPL(getgid), IMPL(geteuid), IMPL(getegid), IMPL(getppid),
	IMPL(setrlimit), IMPL(arch_prctl), IMPL(gettid), IMPL(time),
	IMPL(set_tid_address), IMPL(clock_gettime), IMPL(clock_getres),
	IMPL(clock_nanosleep), IMPL(exit_group), IMPL(openat),
	IMPL(newfstatat), IMPL(readlinkat), IMPL(set_robust_list),
	IMPL(prlimit64), IMPL(getrandom), IMPL(fork), IMPL(vfork),
	IMPL(clone), IMPL(clone3), IMPL(execve), IMPL(execveat), IMPL(wait4),
	IMPL(waitid), IMPL(getpgid), IMPL(getpgrp), IMPL(getsid),
	IMPL(setpgid), IMPL(setsid),
	/* files.c, pipe.c, poll.c */
	IMPL(dup), IMPL(dup2), IMPL(dup3), IMPL(fcntl), IMPL(pipe),
	IMPL(pipe2), IMPL(poll), IMPL(ppoll), IMPL(select), IMPL(pselect6),
	IMPL(getdents64), IMPL(chdir), IMPL(fchdir), IMPL(getcwd),
	IMPL(umask), IMPL(access), IMPL(faccessat), IMPL(faccessat2),
	IMPL(pwrite64), IMPL(sendfile), IMPL(creat), IMPL(statx),
	/* storfs.c, mmap.c */
	IMPL(mkdir), IMPL(mkdirat), IMPL(unlink), IMPL(unlinkat), IMPL(rmdir),
	IMPL(rename), IMPL(renameat), IMPL(renameat2), IMPL(link),
	IMPL(linkat), IMPL(symlink), IMPL(symlinkat), IMPL(truncate),
	IMPL(ftruncate), IMPL(fallocate), IMPL(fsync), IMPL(fdatasync),
	IMPL(sync), IMPL(syncfs), IMPL(statfs), IMPL(fstatfs), IMPL(chmod),
	IMPL(fchmod), IMPL(fchmodat), IMPL(chown), IMPL(fchown),
	IMPL(lchown), IMPL(fchownat), IMPL(utimensat), IMPL(msync),
	/* signal.c */
	IMPL(rt_sigaction), IMPL(rt_sigprocmask), IMPL(rt_sigreturn),
	IMPL(rt_sigpending), IMPL(rt_sigtimedwait), IMPL(rt_sigsuspend),
	IMPL(sigaltstack), IMPL(kill), IMPL(tkill), IMPL(tgkill), IMPL(pause),
	IMPL(alarm), IMPL(getitimer), IMPL(setitimer), IMPL(restart_syscall),
	/* futex.c */
	IMPL(futex), IMPL(get_robust_list),
	/* procfs.c, sys.c */
	IMPL(getrusage), IMPL(times), IMPL(sysinfo), IMPL(prctl),
	/* threads */
	IMPL(sched_setaffinity), IMPL(sched_getaffinity), IMPL(getcpu),
};
#undef IMPL

/* One log line per unimplemented number (the numbers above the table share one bit). */
static unsigned long enosys_logged[BITS_TO_LONGS(NR_syscalls + 1)];

static long sys_ni_syscall(unsigned long nr)
{
	unsigned long bit = min(nr, (unsigned long)NR_syscalls);

	if (!test_and_set_bit(bit, enosys_logged))
		pr_info("syscall: unimplemented: %s (%lu)\n", syscall_name(nr), nr);
	return -ENOSYS;
}

/*
 * sysret returns to RCX with RFLAGS from R11 and fixed CS and SS.  It is
 * only safe when that is what iret would do; in particular a
 * non-canonical RCX would fault in kernel mode on Intel CPUs.
 */
static bool sysret_allowed(const struct pt_regs *regs)
{
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->cs == __USER_CS && regs->ss == __USER_DS &&
	       regs->rip < TASK_SIZE &&
	       !(regs->rflags & (X86_EFLAGS_RF | X86_EFLAGS_TF));
}

/*
 * Every return to user mode, from a system call, exception or interrupt:
 * reschedule, and deliver signals (which may stop or end the process,
 * or point regs at a handler), until there is nothing left to do.
 */
void exit_to_user_mode(struct pt_regs *regs)
{
	struct process *p = current_proc();

	for (;;) {
		if (p && thread_must_exit(p, current_thread())) {
			local_irq_enable();
			/* Another thread's exec lets this one go alone. */
			if (!READ_ONCE(p->sig.group_exit) && !p->kill_signal)
				thread_exit(0);
			process_exit(0, p->kill_signal ?: SIGKILL);
		}
		if (need_resched()) {
			local_irq_enable();
			schedule();
			local_irq_disable();
			continue;
		}
		if (p && signal_work_pending(regs)) {
			local_irq_enable();
			do_signal(regs);
			local_irq_disable();
			continue;
		}
		break;
	}
}

/* From entry_SYSCALL_64, interrupts disabled; true: return with sysret. */
bool do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->rax;
	syscall_fn_t fn = NULL;

	local_irq_enable();
	if (nr < NR_syscalls)
		fn = sys_call_table[nr];
	if (fn)
		regs->rax = fn(regs->rdi, regs->rsi, regs->rdx, regs->r10,
			       regs->r8, regs->r9);
	else
		regs->rax = sys_ni_syscall(nr);
	local_irq_disable();
	exit_to_user_mode(regs);
	return sysret_allowed(regs);
}
