/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_TSC_H
#define _ASM_X86_TSC_H

#include <tessera/types.h>

extern unsigned long tsc_khz;

void tsc_init(void);
u64 tsc_cycles_to_ns(u64 cycles);

#endif /* _ASM_X86_TSC_H */
