// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <asm/extable.h>

extern const struct exception_table_entry __start___ex_table[];
extern const struct exception_table_entry __stop___ex_table[];

static unsigned long ex_insn(const struct exception_table_entry *e)
{
	return (unsigned long)&e->insn + e->insn;
}

static unsigned long ex_fixup(const struct exception_table_entry *e)
{
	return (unsigned long)&e->fixup + e->fixup;
}

/* The table is small and unsorted; a linear scan is fine on this path. */
const struct exception_table_entry *search_exception_tables(unsigned long ip)
{
	const struct exception_table_entry *e;

	for (e = __start___ex_table; e < __stop___ex_table; e++)
		if (ex_insn(e) == ip)
			return e;
	return NULL;
}

long read_kernel_nofault(unsigned long addr, unsigned long *val)
{
	long ret = 0;

	asm volatile("1:	movq (%2), %1\n"
		     "2:\n"
		     "	.pushsection .text.fixup, \"ax\"\n"
		     "3:	movq %3, %0\n"
		     "	xorl %k1, %k1\n"
		     "	jmp 2b\n"
		     "	.popsection\n"
		     _ASM_EXTABLE(1b, 3b)
		     : "+r"(ret), "=r"(*val)
		     : "r"(addr), "i"(-EFAULT));
	return ret;
}

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search_exception_tables(regs->rip);

	if (!e)
		return false;
	regs->rip = ex_fixup(e);
	return true;
}
