/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_EXPECTED_FAULT_H
#define _ASM_X86_EXPECTED_FAULT_H

#ifdef CONFIG_SELFTEST
/*
 * Kernel page faults that a self-test provokes on purpose:
 *
 *	struct expected_fault ef;
 *
 *	if (!expect_page_fault(&ef, addr)) {
 *		...code that faults at addr...
 *		cancel_expected_fault();
 *		return selftest_fail("no fault");
 *	}
 *	ST_ASSERT(ef.error_code & X86_PF_WRITE);
 *
 * expect_page_fault() returns 0, like setjmp().  When the next kernel-mode
 * page fault has CR2 == addr, do_page_fault() records the error code and
 * the faulting RIP in ef and resumes as if expect_page_fault() returned 1,
 * with the stack and callee-saved registers it had then.  That works for
 * any faulting access: a load, a store, or an instruction fetch (whose
 * RIP is the bad address itself, so there is no instruction to skip).  A
 * fault at any other address oopses as usual.  The expectation is used up
 * by the fault; cancel it if the fault did not happen.  The function that
 * called expect_page_fault() must not have returned in between, and its
 * locals written in between should be volatile.
 */
struct fault_jmp_buf {
	unsigned long rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

struct expected_fault {
	unsigned long address;		/* the CR2 value to catch */
	unsigned long error_code;	/* set by the fault */
	unsigned long ip;		/* RIP of the faulting instruction */
	struct fault_jmp_buf jmp;
};

int __fault_setjmp(struct fault_jmp_buf *buf) __attribute__((returns_twice));
void __expect_page_fault(struct expected_fault *ef, unsigned long address);
void cancel_expected_fault(void);

#define expect_page_fault(ef, addr)					\
	(__expect_page_fault((ef), (unsigned long)(addr)),		\
	 __fault_setjmp(&(ef)->jmp))
#endif /* CONFIG_SELFTEST */

#endif /* _ASM_X86_EXPECTED_FAULT_H */
