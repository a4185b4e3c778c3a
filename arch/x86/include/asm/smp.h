/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SMP_H
#define _ASM_X86_SMP_H

/* Where APs start: a page below 1 MiB that memblock keeps reserved. */
#define TRAMPOLINE_PHYS		0x8000

#ifndef __ASSEMBLY__
#include <tessera/types.h>

/* Layout of trampoline_params in trampoline_64.S. */
struct trampoline_params {
	u64 cr3;
	u64 cr4;
	u64 efer;
	u64 stack;
	u64 entry;
	u64 cpu;
	u64 alive;
};

extern const char trampoline_start[], trampoline_end[];
extern const struct trampoline_params trampoline_params;

void smp_boot_cpus(void);
#endif

#endif /* _ASM_X86_SMP_H */
