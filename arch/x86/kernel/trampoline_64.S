/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application processor start-up.  The BSP copies this code to the page at
 * TRAMPOLINE_PHYS (below 1 MiB), fills in the parameter block at its end,
 * and sends STARTUP IPIs with vector TRAMPOLINE_PHYS >> 12.  The AP wakes
 * in real mode at CS = vector << 8, IP = 0, and goes through protected
 * mode to long mode on a page table that identity-maps this page and
 * shares the kernel's higher half, then calls start_secondary(cpu) on its
 * own stack.
 *
 * Everything here is addressed relative to the copy, so the code only uses
 * offsets from trampoline_start plus TRAMPOLINE_PHYS.
 */
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/smp.h>

#define TR(x)	((x) - trampoline_start + TRAMPOLINE_PHYS)

	.section .rodata, "a"
	.balign 4096
	.code16
	.globl trampoline_start
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	/* Tell the BSP we are alive, before anything can go wrong. */
	movl	$1, (tr_alive - trampoline_start)
	lgdtl	(tr_gdt_desc - trampoline_start)
	movl	%cr0, %eax
	orl	$X86_CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$__KERNEL32_CS, $TR(tr_protected)

	.code32
tr_protected:
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss

	movl	TR(tr_cr4), %eax		/* the BSP's CR4: PAE, PGE, SMEP... */
	movl	%eax, %cr4
	movl	TR(tr_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	TR(tr_efer), %eax
	xorl	%edx, %edx
	wrmsr
	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
	movl	%eax, %cr0
	ljmpl	$__KERNEL_CS, $TR(tr_long)

	.code64
tr_long:
	/*
	 * Still on the trampoline page table: start_secondary() switches to
	 * the kernel's own once it runs in the higher half.
	 */
	movq	TR(tr_stack), %rsp
	movq	TR(tr_cpu), %rdi
	movq	TR(tr_entry), %rbx
	xorl	%ebp, %ebp
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	callq	*%rbx				/* start_secondary(cpu): no return */
1:	hlt
	jmp	1b

	.balign 16
tr_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* __KERNEL32_CS */
	.quad	0x00af9a000000ffff		/* __KERNEL_CS */
	.quad	0x00cf92000000ffff		/* __KERNEL_DS */
tr_gdt_end:
tr_gdt_desc:
	.word	tr_gdt_end - tr_gdt - 1
	.long	TR(tr_gdt)

	/* Parameter block, filled in by the BSP for each AP. */
	.balign 8
	.globl trampoline_params
trampoline_params:
tr_cr3:		.quad 0		/* trampoline page table, below 4 GiB */
tr_cr4:		.quad 0
tr_efer:	.quad 0
tr_stack:	.quad 0
tr_entry:	.quad 0
tr_cpu:		.quad 0
tr_alive:	.quad 0
	.globl trampoline_end
trampoline_end:
