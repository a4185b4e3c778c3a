/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception and interrupt entry.  Every vector has a stub that pushes a
 * dummy error code when the CPU does not, then the vector number, and
 * jumps to common_entry, which saves the registers as struct pt_regs and
 * calls do_trap().
 */
#include <asm/ptrace.h>
#include <asm/traps.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			(v) == 21 || (v) == 29 || (v) == 30)

	.text
	.balign 16
common_entry:
	cld
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	testb	$3, PTREGS_RIP + 8(%rsp)	/* from user mode? */
	jz	1f
	swapgs
1:	/* A frame record linking the interrupted code, for stack traces. */
	pushq	PTREGS_RIP(%rsp)
	pushq	%rbp
	movq	%rsp, %rbp
	leaq	16(%rsp), %rdi
	call	do_trap
	addq	$16, %rsp
	testb	$3, PTREGS_RIP + 8(%rsp)
	jz	2f
	swapgs
2:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	addq	$16, %rsp			/* vector and error code */
	iretq

	.balign 16
	.globl vector_stubs
vector_stubs:
	vec = 0
	.rept NR_VECTORS
	.balign 16
	.if !HAS_ERRCODE(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	common_entry
	vec = vec + 1
	.endr
