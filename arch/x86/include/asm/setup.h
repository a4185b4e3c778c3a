/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SETUP_H
#define _ASM_X86_SETUP_H

#include <tessera/types.h>

extern bool booted_by_multiboot2;

/* Architecture setup that needs the console: GDT, IDT, CPU, clock. */
void setup_arch(void);
/* Print what the boot loader handed over. */
void print_boot_info(void);

extern char _stext_image[], _text[], _etext[], __start_rodata[], __end_rodata[];
extern char _sdata[], _edata[], __bss_start[], __bss_stop[], _end[];

#endif /* _ASM_X86_SETUP_H */
