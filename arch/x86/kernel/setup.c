// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/bootinfo.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <asm/tsc.h>

void print_boot_info(void)
{
	const struct boot_info *bi = &boot_info;
	u64 usable = 0;
	unsigned int i, nr_usable = 0;

	pr_info("Boot loader: %s (%s)\n",
		bi->loader_name[0] ? bi->loader_name : "unknown",
		bi->efi ? "UEFI" : "BIOS");
	pr_info("Physical memory map:\n");
	for (i = 0; i < bi->nr_memmap; i++) {
		const struct boot_mem_region *r = &bi->memmap[i];

		pr_info("  [mem 0x%016llx-0x%016llx] %s\n", r->addr,
			r->addr + r->len - 1, boot_mem_type_name(r->type));
		if (r->type == BOOT_MEM_USABLE) {
			usable += r->len;
			nr_usable++;
		}
	}
	pr_info("Usable memory: %llu MiB in %u regions\n", usable >> 20,
		nr_usable);
	pr_info("Kernel image: %#llx-%#llx (%lu KiB)\n",
		__pa_symbol(_stext_image), __pa_symbol(_end) - 1,
		(unsigned long)(_end - _stext_image) >> 10);
	for (i = 0; i < bi->nr_modules; i++)
		pr_info("Module %u: %#llx-%#llx (%llu bytes) '%s'\n", i,
			bi->modules[i].start, bi->modules[i].end - 1,
			bi->modules[i].end - bi->modules[i].start,
			bi->modules[i].cmdline);
	if (bi->rsdp_len)
		pr_info("ACPI: RSDP given by the boot loader (revision %u, %.6s)\n",
			bi->rsdp[15], (const char *)&bi->rsdp[9]);
	else
		pr_warn("ACPI: no RSDP from the boot loader\n");
}

void setup_arch(void)
{
	print_boot_info();
}

#ifdef CONFIG_SELFTEST
/* The memory map GRUB gave us places the kernel image in usable RAM. */
SELFTEST(bootinfo_memory_map)
{
	phys_addr_t start = __pa_symbol(_stext_image), end = __pa_symbol(_end);
	bool covered = false;
	unsigned int i;

	ST_ASSERT(boot_info.nr_memmap > 0);
	for (i = 0; i < boot_info.nr_memmap; i++) {
		const struct boot_mem_region *r = &boot_info.memmap[i];

		if (r->type == BOOT_MEM_USABLE && r->addr <= start &&
		    r->addr + r->len >= end)
			covered = true;
	}
	ST_ASSERT(covered);
	ST_ASSERT(boot_info.loader_name[0]);
	ST_ASSERT(boot_info.info_end > boot_info.info_start);
	return 0;
}

SELFTEST(tsc_calibrated)
{
	u64 t0 = local_clock(), t1;

	/* A TCG or real CPU runs its TSC between 100 MHz and 10 GHz. */
	ST_ASSERT(tsc_khz > 100000 && tsc_khz < 10000000);
	do {
		t1 = local_clock();
	} while (t1 - t0 < 1000000);	/* 1 ms: the clock moves */
	ST_ASSERT(t1 > t0);
	return 0;
}
#endif
