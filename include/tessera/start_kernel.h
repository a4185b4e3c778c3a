/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_START_KERNEL_H
#define _TESSERA_START_KERNEL_H

#include <tessera/compiler.h>

void start_kernel(void) __noreturn;

#endif /* _TESSERA_START_KERNEL_H */
