// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/bootinfo.h>
#include <tessera/bug.h>
#include <tessera/console.h>
#include <tessera/fabric.h>
#include <tessera/init.h>
#include <tessera/kallsyms.h>
#include <tessera/manager.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/reboot.h>
#include <tessera/selftest.h>
#include <tessera/start_kernel.h>
#include <tessera/version.h>
#include <asm/cpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <asm/tsc.h>

static void print_banner(void)
{
	pr_notice("%s\n", tessera_banner);
	pr_notice("Role: %s manager\n", CONFIG_ROLE_NAME);
	pr_notice("Command line: %s\n", boot_command_line);
	pr_info("CPU: %s (%s, family %u, model %u, stepping %u)\n",
		boot_cpu_data.model_id, boot_cpu_data.vendor_id,
		boot_cpu_data.family, boot_cpu_data.model,
		boot_cpu_data.stepping);
}

void start_kernel(void)
{
	kallsyms_init();
	/* Traps first: a fault anywhere later gets an oops, not a reset. */
	cpu_gdt_init();
	idt_init();
	parse_early_params();
	console_init();
	tsc_init();
	cpu_identify(&boot_cpu_data);
	print_banner();
	if (!booted_by_multiboot2)
		panic("not started by a Multiboot2 boot loader");
	setup_arch();
	parse_params();
	pci_init();
	fabric_init();

	manager_init();
	selftest_run_requested();

	pr_info("Boot complete in %llu ms; nothing to run yet, idling.\n",
		local_clock() / 1000000);
	fabric_idle();
	machine_halt();
}
