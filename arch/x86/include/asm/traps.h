/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_TRAPS_H
#define _ASM_X86_TRAPS_H

#define X86_TRAP_DE	0
#define X86_TRAP_DB	1
#define X86_TRAP_NMI	2
#define X86_TRAP_BP	3
#define X86_TRAP_OF	4
#define X86_TRAP_BR	5
#define X86_TRAP_UD	6
#define X86_TRAP_NM	7
#define X86_TRAP_DF	8
#define X86_TRAP_TS	10
#define X86_TRAP_NP	11
#define X86_TRAP_SS	12
#define X86_TRAP_GP	13
#define X86_TRAP_PF	14
#define X86_TRAP_MF	16
#define X86_TRAP_AC	17
#define X86_TRAP_MC	18
#define X86_TRAP_XF	19
#define X86_TRAP_VE	20
#define X86_TRAP_CP	21
#define X86_TRAP_VC	29
#define X86_TRAP_SX	30

#define FIRST_EXTERNAL_VECTOR	32
#define NR_VECTORS		256

/* Page-fault error code bits. */
#define X86_PF_PROT	(1 << 0)
#define X86_PF_WRITE	(1 << 1)
#define X86_PF_USER	(1 << 2)
#define X86_PF_RSVD	(1 << 3)
#define X86_PF_INSTR	(1 << 4)
#define X86_PF_PK	(1 << 5)

#ifndef __ASSEMBLY__
#include <asm/ptrace.h>
#include <tessera/compiler.h>

void idt_init(void);
void idt_load(void);
void cpu_gdt_init(void);
void cpu_gdt_init_cpu(unsigned int cpu);
void do_trap(struct pt_regs *regs);
void die(const char *str, struct pt_regs *regs, unsigned long err) __noreturn;

/* Breakpoints (int3) taken so far; int3 is non-fatal. */
extern unsigned long nr_breakpoints;
#endif

#endif /* _ASM_X86_TRAPS_H */
