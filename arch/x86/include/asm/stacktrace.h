/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_STACKTRACE_H
#define _ASM_X86_STACKTRACE_H

/* Kernel stacks are THREAD_SIZE bytes and THREAD_SIZE aligned. */
#define THREAD_SIZE	16384
/* Exception stacks (double fault, NMI, machine check) of each CPU. */
#define IST_STACK_SIZE	8192
#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3

#ifndef __ASSEMBLY__
#include <asm/ptrace.h>

/* Print "Call Trace:" and one symbolized line per frame. */
void show_trace(unsigned long rip, unsigned long rbp, unsigned long rsp);
void show_regs(const struct pt_regs *regs);
void dump_stack(void);

/*
 * Walk frame pointers from rbp; store up to max return addresses (the
 * first entry is rip when non-zero).  Returns the number stored.
 */
unsigned int save_stack_trace(unsigned long rip, unsigned long rbp,
			      unsigned long rsp, unsigned long *entries,
			      unsigned int max);
#endif

#endif /* _ASM_X86_STACKTRACE_H */
