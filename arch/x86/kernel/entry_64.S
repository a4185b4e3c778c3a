/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception and interrupt entry.  Every vector has a stub that pushes a
 * dummy error code when the CPU does not, then the vector number, and
 * jumps to common_entry, which saves the registers as struct pt_regs and
 * calls do_trap().
 */
#include <asm/percpu.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/traps.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			(v) == 21 || (v) == 29 || (v) == 30)

/* The general registers of struct pt_regs, below vector and error code. */
.macro PUSH_REGS
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
.endm

.macro POP_REGS
	popq	%r15
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
.endm

	.text
	.balign 16
common_entry:
	cld
	PUSH_REGS
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
	cli
	/* Entered from user mode: leave through the user exit path. */
	testb	$3, PTREGS_RIP + 8(%rsp)
	jnz	ret_to_user_iret
	POP_REGS
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

#ifdef CONFIG_COMP_PROCESSOR
/*
 * The syscall instruction: RIP in RCX, RFLAGS in R11, IF/TF/DF/AC cleared
 * by MSR_SYSCALL_MASK, still on the user stack with the user GS base.
 * Build a full struct pt_regs on the task's kernel stack, as an interrupt
 * from user mode would (vector -1 marks a syscall), and call
 * do_syscall_64(), which returns true when sysret may return.  The
 * error code slot keeps the system call number (Linux's orig_ax) for
 * restarts after a signal.
 */
	.globl entry_SYSCALL_64
	.type entry_SYSCALL_64, @function
	.balign 16
entry_SYSCALL_64:
	swapgs
	movq	%rsp, %gs:PERCPU_user_sp
	movq	%gs:PERCPU_top_of_stack, %rsp
	pushq	$__USER_DS			/* ss */
	pushq	%gs:PERCPU_user_sp		/* rsp */
	pushq	%r11				/* rflags */
	pushq	$__USER_CS			/* cs */
	pushq	%rcx				/* rip */
	pushq	%rax				/* error code: orig_ax */
	pushq	$-1				/* vector: a syscall */
	PUSH_REGS
	cld
	/* A frame record ending the kernel's frame-pointer chain. */
	pushq	PTREGS_RIP(%rsp)
	pushq	$0
	movq	%rsp, %rbp
	leaq	16(%rsp), %rdi
	call	do_syscall_64
	addq	$16, %rsp
	cli
	testb	%al, %al
	jz	ret_to_user_iret
	/*
	 * sysret: do_syscall_64() checked that RCX and R11 hold RIP and
	 * RFLAGS, that RIP is canonical and that CS and SS are the usual
	 * ones, so restoring the other registers and the stack is enough.
	 */
	POP_REGS
	movq	PTREGS_RSP - PTREGS_VECTOR(%rsp), %rsp
	swapgs
	sysretq
	.size entry_SYSCALL_64, . - entry_SYSCALL_64
#endif

/*
 * Return to user mode through iret, with interrupts disabled and %rsp at
 * a struct pt_regs: after an exception or interrupt from user mode, a
 * syscall that cannot use sysret, or the first entry of a new process.
 */
	.globl ret_to_user_iret
	.type ret_to_user_iret, @function
	.balign 16
ret_to_user_iret:
	POP_REGS
	addq	$16, %rsp			/* vector and error code */
	swapgs
	iretq
	.size ret_to_user_iret, . - ret_to_user_iret

/*
 * void start_user_thread(struct pt_regs *regs): enter user mode for the
 * first time, from regs at the top of the current kernel stack; the
 * kernel frames below are abandoned.
 */
	.globl start_user_thread
	.type start_user_thread, @function
	.balign 16
start_user_thread:
	cli
	movq	%rdi, %rsp
	jmp	ret_to_user_iret
	.size start_user_thread, . - start_user_thread
