// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/acpi.h>
#include <tessera/blkdev.h>
#include <tessera/bootinfo.h>
#include <tessera/bug.h>
#include <tessera/console.h>
#include <tessera/fabric.h>
#include <tessera/fit.h>
#include <tessera/init.h>
#include <tessera/kallsyms.h>
#include <tessera/kthread.h>
#include <tessera/manager.h>
#include <tessera/mm.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/reboot.h>
#include <tessera/rtc.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/start_kernel.h>
#include <tessera/timekeeping.h>
#include <tessera/version.h>
#include <tessera/workqueue.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/hpet.h>
#include <asm/io_apic.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/smp.h>
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


/*
 * The rest of the boot, in the first kernel thread (pid 1), where
 * sleeping is allowed: the workqueues, the manager, the self-tests.
 */
static int kernel_init(void *unused)
{
	/* Every CPU before the workqueues, so each gets its worker. */
	smp_boot_cpus();
	workqueue_init();
	pci_init();
	blk_init();
	fabric_init();
	fit_init();
	manager_init();
	selftest_run_requested();

	/* The managers' own threads do the work from here on. */
	pr_info("Boot complete in %llu ms.\n", local_clock() / 1000000);
	return 0;
}

/* Start kernel_init; the boot context becomes CPU 0's idle task. */
static void __noreturn rest_init(void)
{
	struct task_struct *init;

	init = kthread_create(kernel_init, NULL, "init");
	if (IS_ERR(init))
		panic("cannot create the init thread");
	wake_up_process(init);
	cpu_startup_entry();
}

void start_kernel(void)
{
	/* Per-CPU data first: spinlocks and printk use it. */
	setup_percpu_cpu(0);
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
	mm_init();
	parse_params();

	/* Run queues before the tick: it calls scheduler_tick(). */
	sched_init();

	/* Interrupts and time (Documentation/interrupts-and-time.md). */
	acpi_table_init();
	apic_init();
	ioapic_init();
	hpet_init();
	pit_shutdown();
	tsc_refine_calibration();
	rtc_init();
	tick_init();
	local_irq_enable();

	rest_init();
}
