// SPDX-License-Identifier: GPL-2.0
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/fabric.h>
#include <tessera/manager.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>

void processor_manager_init(void)
{
	pr_info("processor manager: kernel core only; the manager itself is not built yet\n");
	if (pcache_init())
		panic("processor: no pcache");
	/*
	 * A processor cannot run without memory nodes.  Without a fabric
	 * device (a lone test boot) there is nothing to wait for.
	 */
	if (fabric_present() && fabric_wait_for_cluster())
		panic("processor: no memory node in the fabric");
}
