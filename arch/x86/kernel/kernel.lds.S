/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel image layout.  Everything is linked at __START_KERNEL_map +
 * physical address; GRUB loads segments at their physical (LMA) address.
 * Text is R-X, rodata R--, data and bss RW-: separate segments so that
 * page permissions can follow them.  The kallsyms table comes last so that
 * embedding it in the second link pass moves no other symbol.
 */
#include <asm/page.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(startup_32)

PHDRS {
	boot	PT_LOAD FLAGS(7);
	text	PT_LOAD FLAGS(5);
	rodata	PT_LOAD FLAGS(4);
	data	PT_LOAD FLAGS(6);
	syms	PT_LOAD FLAGS(4);
}

SECTIONS
{
	. = __START_KERNEL_map + CONFIG_PHYSICAL_START;
	_stext_image = .;

	.boot : AT(ADDR(.boot) - __START_KERNEL_map) {
		KEEP(*(.multiboot2))
		*(.boot.text)
		*(.boot.data)
	} :boot

	. = ALIGN(4096);
	.text : AT(ADDR(.text) - __START_KERNEL_map) {
		_text = .;
		*(.text.hot .text.hot.*)
		*(.text .text.*)
		*(.text.unlikely .text.unlikely.*)
		_etext = .;
	} :text

	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - __START_KERNEL_map) {
		__start_rodata = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__setup_start = .;
		KEEP(*(.init.setup))
		__setup_end = .;
		. = ALIGN(8);
		__selftests_start = .;
		KEEP(*(.selftests))
		__selftests_end = .;
		. = ALIGN(8);
		__start___ex_table = .;
		KEEP(*(__ex_table))
		__stop___ex_table = .;
		__end_rodata = .;
	} :rodata

	. = ALIGN(4096);
	.data : AT(ADDR(.data) - __START_KERNEL_map) {
		_sdata = .;
		*(.data .data.*)
		_edata = .;
	} :data

	. = ALIGN(4096);
	.bss : AT(ADDR(.bss) - __START_KERNEL_map) {
		__bss_start = .;
		*(.bss..init_stack)
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(8);
		__bss_stop = .;
	} :data

	. = ALIGN(4096);
	.kallsyms : AT(ADDR(.kallsyms) - __START_KERNEL_map) {
		KEEP(*(.kallsyms))
	} :syms

	. = ALIGN(4096);
	_end = .;

	/DISCARD/ : {
		*(.eh_frame) *(.note.*) *(.comment)
	}
}

