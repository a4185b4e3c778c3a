/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_HPET_H
#define _ASM_X86_HPET_H

#include <tessera/types.h>

/*
 * hpet_init - map the HPET from the ACPI table and start its main counter
 * (legacy replacement routing off, comparators' interrupts off).
 * Returns 0, or -ENODEV when there is no usable HPET.
 */
int hpet_init(void);
bool hpet_available(void);
/* The main counter, raw. */
u64 hpet_read_counter(void);
/* Counter frequency in Hz and period in femtoseconds. */
u64 hpet_frequency(void);
u32 hpet_period_fs(void);
/* Nanoseconds since hpet_init() started the counter. */
u64 hpet_ns(void);

#endif /* _ASM_X86_HPET_H */
