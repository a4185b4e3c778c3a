// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/printk.h>
#include <tessera/reboot.h>
#include <asm/processor.h>
#include <asm/stacktrace.h>

unsigned long nr_warnings;
static bool in_panic;

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	local_irq_disable();
	if (in_panic)		/* a fault while panicking: just stop */
		machine_halt();
	in_panic = true;
	oops_in_progress++;

	va_start(ap, fmt);
	vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_emerg("Kernel panic - not syncing: %s\n", buf);
	if (oops_in_progress == 1)	/* an oops already printed its trace */
		dump_stack();
	pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	machine_exit(1);
}

void __bug(const char *file, int line, const char *func)
{
	pr_emerg("kernel BUG at %s:%d in %s()!\n", file, line, func);
	dump_stack();
	oops_in_progress++;
	panic("BUG in %s()", func);
}

void __warn(const char *file, int line, const char *func, const char *cond)
{
	nr_warnings++;
	pr_warn("WARNING: at %s:%d %s(): %s\n", file, line, func, cond);
	dump_stack();
	pr_warn("---[ end trace ]---\n");
}
