// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/manager.h>
#include <tessera/printk.h>

void memory_manager_init(void)
{
	pr_info("memory manager: kernel core only; the manager itself is not built yet\n");
}
