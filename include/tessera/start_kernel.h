/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_START_KERNEL_H
#define _TESSERA_START_KERNEL_H

#include <tessera/compiler.h>

void start_kernel(void) __noreturn;
/*
 * What a CPU does when there is nothing to run: halt, interrupts on, so
 * the tick and devices still get through (arch/x86/kernel/process.c).
 */
void cpu_idle_loop(void) __noreturn;

#endif /* _TESSERA_START_KERNEL_H */
