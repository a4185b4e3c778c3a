// SPDX-License-Identifier: GPL-2.0
/* The idle loop: halt with interrupts on until the next interrupt. */
#include <tessera/kernel.h>
#include <tessera/start_kernel.h>
#include <asm/processor.h>

void __noreturn cpu_idle_loop(void)
{
	for (;;) {
		local_irq_disable();
		/* sti; hlt: no interrupt can slip in between the two. */
		safe_halt();
	}
}
