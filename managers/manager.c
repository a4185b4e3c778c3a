// SPDX-License-Identifier: GPL-2.0
/*
 * The role of this image, chosen by Kconfig (CONFIG_COMP_*).  Everything a
 * role adds on top of the shared kernel starts from here.
 */
#include <tessera/kernel.h>
#include <tessera/manager.h>
#include <tessera/printk.h>

void manager_init(void)
{
#if defined(CONFIG_COMP_PROCESSOR)
	processor_manager_init();
#elif defined(CONFIG_COMP_MEMORY)
	memory_manager_init();
#elif defined(CONFIG_COMP_STORAGE)
	storage_manager_init();
#else
#error "no manager role selected"
#endif
}
