/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Context switch between kernel stacks.  Only the callee-saved registers
 * need saving: __switch_to_asm() is an ordinary call, so the C code
 * around it has saved everything else it still needs.
 */

	.text
/*
 * struct task_struct *__switch_to_asm(unsigned long *prev_sp,
 *				       unsigned long next_sp,
 *				       struct task_struct *prev)
 */
	.globl __switch_to_asm
	.type __switch_to_asm, @function
	.balign 16
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movq	%rdx, %rax
	ret
	.size __switch_to_asm, . - __switch_to_asm

/*
 * A new kernel thread's first instruction, "returned to" by
 * __switch_to_asm() with %rax = prev, %rbx = fn, %r12 = arg and %rbp = 0
 * (the end of the frame-pointer chain).  Never returns: do_exit().
 */
	.globl ret_from_kthread
	.type ret_from_kthread, @function
	.balign 16
ret_from_kthread:
	movq	%rax, %rdi
	call	schedule_tail
	movq	%r12, %rdi
	call	*%rbx
	movl	%eax, %edi
	call	do_exit
	ud2
	.size ret_from_kthread, . - ret_from_kthread
