// SPDX-License-Identifier: GPL-2.0
/*
 * Ending a run.  Under QEMU the isa-debug-exit device (iobase 0xf4) makes
 * QEMU exit with status (value << 1) | 1; on real hardware the port is
 * unused, so after trying it we halt with the result on the console.
 */
#include <tessera/kernel.h>
#include <tessera/init.h>
#include <tessera/printk.h>
#include <tessera/reboot.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <tessera/errno.h>

#define DEBUG_EXIT_PORT	0xf4

/* debug_exit=0 stops the kernel from touching port 0xf4 at all. */
static bool debug_exit_enabled = true;

static int parse_debug_exit(char *val)
{
	return val ? kstrtobool(val, &debug_exit_enabled) : -EINVAL;
}
early_param("debug_exit", parse_debug_exit);

void __noreturn machine_halt(void)
{
	for (;;) {
		local_irq_disable();
		halt();
	}
}

void __noreturn machine_exit(int status)
{
	if (IS_ENABLED(CONFIG_QEMU_DEBUG_EXIT) && debug_exit_enabled &&
	    cpu_has_hypervisor())
		outl(status, DEBUG_EXIT_PORT);
	pr_emerg("System halted (status %d).\n", status);
	machine_halt();
}
