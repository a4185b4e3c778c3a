/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot2 header and the 32-bit entry point.
 *
 * GRUB enters in 32-bit protected mode, paging off, EAX = bootloader
 * magic, EBX = physical address of the boot information.  We build boot
 * page tables that map the first 4 GiB three times -- identity (for this
 * code), at PAGE_OFFSET (the direct map) and the first 2 GiB at
 * __START_KERNEL_map (the kernel image) -- enter long mode and jump to
 * x86_64_start_kernel() in the higher half.
 */
#include <asm/multiboot2.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/stacktrace.h>

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080
#define PHYS(x)		((x) - __START_KERNEL_map)

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Entry address tag: the physical address of the 32-bit entry. */
	.balign 8
	.word	MB2_HEADER_TAG_ENTRY_ADDRESS, 0
	.long	12
	.long	PHYS(startup_32)
	/* Page-align modules so later issues can map them directly. */
	.balign 8
	.word	MB2_HEADER_TAG_MODULE_ALIGN, 0
	.long	8
	.balign 8
	.word	MB2_HEADER_TAG_END, 0
	.long	8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl startup_32
startup_32:
	cli
	cld
	movl	%eax, %edi			/* magic: first C argument */
	movl	%ebx, %esi			/* info: second C argument */

	/* Identity PDs: 4 x 512 x 2 MiB = 4 GiB. */
	movl	$PHYS(boot_pd), %ebx
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_W | PTE_PS), %eax
	movl	%eax, (%ebx, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax			/* high dword: (i << 21) >> 32 */
	movl	%eax, 4(%ebx, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	1b

	/* Both PDPTs point at the four PDs. */
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$(PHYS(boot_pd) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(boot_pdpt_low)(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jne	2b
	/* -2 GiB: PDPT entries 510 and 511 map physical 0-2 GiB. */
	movl	$(PHYS(boot_pd) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(boot_pdpt_high) + 510 * 8
	addl	$0x1000, %eax
	movl	%eax, PHYS(boot_pdpt_high) + 511 * 8

	movl	$(PHYS(boot_pdpt_low) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(boot_pml4)				/* identity */
	movl	%eax, PHYS(boot_pml4) + ((PAGE_OFFSET >> 39) & 511) * 8
	movl	$(PHYS(boot_pdpt_high) + PTE_P + PTE_W), %eax
	movl	%eax, PHYS(boot_pml4) + 511 * 8

	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$PHYS(boot_pml4), %eax
	movl	%eax, %cr3

	/* Long mode, and NX when the CPU has it (CPUID 0x80000001 EDX[20]). */
	movl	%edi, %ebp
	movl	$0x80000001, %eax
	cpuid
	movl	$EFER_LME, %ebx
	btl	$20, %edx
	jnc	3f
	orl	$EFER_NXE, %ebx
3:	movl	$MSR_EFER, %ecx
	rdmsr
	orl	%ebx, %eax
	wrmsr
	movl	%ebp, %edi

	movl	%cr0, %eax
	orl	$(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
	movl	%eax, %cr0

	lgdt	PHYS(boot_gdt_desc)
	ljmp	$__KERNEL_CS, $PHYS(startup_64)

	.code64
startup_64:
	/* Continue at the link address, so return addresses are symbolic. */
	movabsq	$1f, %rax
	jmpq	*%rax
1:	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs

	/* Zero .bss (GRUB does, but do not depend on it). */
	movq	%rdi, %r12
	movq	%rsi, %r13
	movabsq	$__bss_start, %rdi
	movabsq	$__bss_stop, %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	movq	%r12, %rdi
	movq	%r13, %rsi

	movabsq	$init_stack_top, %rsp
	xorl	%ebp, %ebp			/* ends the frame-pointer chain */
	movabsq	$x86_64_start_kernel, %rax
	callq	*%rax
4:	hlt
	jmp	4b

	.section .boot.data, "aw"
	.balign 16
boot_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* __KERNEL32_CS */
	.quad	0x00af9a000000ffff		/* __KERNEL_CS */
	.quad	0x00cf92000000ffff		/* __KERNEL_DS */
boot_gdt_end:
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	PHYS(boot_gdt)

	.balign 4096
	.globl boot_pml4
boot_pml4:	.fill 512, 8, 0
boot_pdpt_low:	.fill 512, 8, 0
boot_pdpt_high:	.fill 512, 8, 0
boot_pd:	.fill 4 * 512, 8, 0

	.section .bss..init_stack, "aw", @nobits
	.balign THREAD_SIZE
	.globl init_stack
init_stack:
	.skip	THREAD_SIZE
	.globl init_stack_top
init_stack_top:
