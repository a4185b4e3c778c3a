/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_EXTABLE_H
#define _ASM_X86_EXTABLE_H

/*
 * Exception table: an instruction allowed to fault, and where to resume
 * when it does.  Offsets are relative to the entry, as in Linux, so the
 * table needs no relocation.  A fixup only resumes execution: the code
 * at the fixup label sets whatever error value its caller expects.
 */
#define _ASM_EXTABLE(from, to)					\
	" .pushsection __ex_table, \"a\"\n"			\
	" .balign 4\n"						\
	" .long (" #from ") - .\n"				\
	" .long (" #to ") - .\n"				\
	" .popsection\n"

#ifndef __ASSEMBLY__
#include <asm/ptrace.h>

struct exception_table_entry {
	int insn;
	int fixup;
};

/* If regs->rip has a fixup, move regs->rip there and return true. */
bool fixup_exception(struct pt_regs *regs);
const struct exception_table_entry *search_exception_tables(unsigned long ip);
/* Read 8 bytes at addr; -EFAULT instead of an oops if that faults. */
long read_kernel_nofault(unsigned long addr, unsigned long *val);
#endif

#endif /* _ASM_X86_EXTABLE_H */
