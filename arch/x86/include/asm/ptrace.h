/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_PTRACE_H
#define _ASM_X86_PTRACE_H

/* Offsets of struct pt_regs, used by entry_64.S. */
#define PTREGS_R15	0
#define PTREGS_VECTOR	120
#define PTREGS_ERROR	128
#define PTREGS_RIP	136
#define PTREGS_RSP	160
#define PTREGS_SIZE	176

#ifndef __ASSEMBLY__
#include <tessera/types.h>

/* Saved state on every exception and interrupt; layout fixed by entry_64.S. */
struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10;
	unsigned long r9, r8, rax, rcx, rdx, rsi, rdi;
	unsigned long vector;		/* pushed by the entry stub */
	unsigned long error_code;	/* by the CPU, or 0 by the stub */
	unsigned long rip, cs, rflags, rsp, ss;	/* the hardware frame */
};

/*
 * The system call an entry from user mode is in (entry_SYSCALL_64 keeps
 * the number in error_code, vector -1), or -1: an exception or interrupt,
 * or a call that must not be restarted (rt_sigreturn sets error_code -1).
 */
#define PT_VECTOR_SYSCALL	(~0UL)

static inline long syscall_get_nr(const struct pt_regs *regs)
{
	return regs->vector == PT_VECTOR_SYSCALL ? (long)regs->error_code : -1;
}

static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}
#endif

#endif /* _ASM_X86_PTRACE_H */
