// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/start_kernel.h>
#include <asm/processor.h>
#include <asm/setup.h>

int multiboot2_parse(u32 magic, phys_addr_t info_pa);

bool booted_by_multiboot2;

extern u64 boot_pml4[512];

/*
 * The identity map only served head_64.S on its way to the higher half.
 * Without it, NULL and other low addresses fault as they should.
 */
static void drop_identity_map(void)
{
	boot_pml4[0] = 0;
	write_cr3(read_cr3());
}

/* Called from head_64.S in long mode, on the boot stack. */
void __noreturn x86_64_start_kernel(u32 magic, unsigned long info_pa)
{
	drop_identity_map();
	booted_by_multiboot2 = multiboot2_parse(magic, info_pa) == 0;
	start_kernel();
}
