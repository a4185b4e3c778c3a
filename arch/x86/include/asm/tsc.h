/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_TSC_H
#define _ASM_X86_TSC_H

#include <tessera/types.h>

extern unsigned long tsc_khz;

void tsc_init(void);
/* Recalibrate against the HPET (or the PIT, longer); local_clock() stays monotonic. */
void tsc_refine_calibration(void);
u64 tsc_cycles_to_ns(u64 cycles);
/* Stop PIT channel 0 (periodic since the BIOS); i8253.c. */
void pit_shutdown(void);

#endif /* _ASM_X86_TSC_H */
