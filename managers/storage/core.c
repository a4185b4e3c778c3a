// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/blkdev.h>
#include <tessera/manager.h>
#include <tessera/printk.h>

void storage_manager_init(void)
{
	if (!blkdev_first())
		pr_info("storage: no disk\n");
	pr_info("storage manager: kernel core only; the manager itself is not built yet\n");
}
