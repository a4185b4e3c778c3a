/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_REBOOT_H
#define _TESSERA_REBOOT_H

#include <tessera/compiler.h>

/* Halt this CPU for good, interrupts off. */
void machine_halt(void) __noreturn;
/*
 * End the run with a status: under QEMU through isa-debug-exit (QEMU exits
 * with (status << 1) | 1), otherwise halt.
 */
void machine_exit(int status) __noreturn;

#endif /* _TESSERA_REBOOT_H */
