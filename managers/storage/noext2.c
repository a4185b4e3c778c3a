// SPDX-License-Identifier: GPL-2.0
/* Until fs/ext2 is merged: the storage node serves no files. */
#include <tessera/kernel.h>
#include <tessera/manager.h>
#include <tessera/printk.h>

void storage_manager_init(void)
{
	pr_info("storage: built without fs/ext2: no file service\n");
}
