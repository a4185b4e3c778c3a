/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_PROCESS_H
#define _TESSERA_PROCESS_H

/*
 * What the architecture's trap code asks of the processor manager, the
 * only role that runs user programs (managers/processor/process.c).
 */
#include <tessera/types.h>
#include <asm/ptrace.h>

#ifdef CONFIG_COMP_PROCESSOR
/*
 * A page fault in user mode at addr: filled through the pcache, or a
 * signal (SIGSEGV) for the return to user mode.  Interrupts enabled.
 */
void user_page_fault(struct pt_regs *regs, unsigned long addr);
/*
 * A kernel access to user address addr faulted at an instruction that
 * has an exception-table entry (uaccess): true if the page is mapped now
 * and the instruction should be retried, false to take the fixup.
 */
bool uaccess_page_fault(struct pt_regs *regs, unsigned long addr);
/* Any other exception in user mode: its signal, for the return to user mode. */
void user_fatal_trap(struct pt_regs *regs, const char *name);
/* Before returning to user mode (interrupts disabled): reschedule, signals. */
void exit_to_user_mode(struct pt_regs *regs);
#else
static inline void user_page_fault(struct pt_regs *regs, unsigned long addr) { }
static inline bool uaccess_page_fault(struct pt_regs *regs, unsigned long addr)
{
	return false;
}
static inline void user_fatal_trap(struct pt_regs *regs, const char *name) { }
static inline void exit_to_user_mode(struct pt_regs *regs) { }
#endif

#endif /* _TESSERA_PROCESS_H */
