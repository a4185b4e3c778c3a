/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_PAGE_H
#define _ASM_X86_PAGE_H

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))

/* Kernel image: linked at -2 GiB, loaded at CONFIG_PHYSICAL_START. */
#define __START_KERNEL_map	0xffffffff80000000
/* Direct map of physical memory, as in Linux. */
#define PAGE_OFFSET		0xffff888000000000
/* Physical memory the boot page tables map (identity and direct map). */
#define BOOT_DIRECT_MAP_SIZE	0x100000000

#ifndef __ASSEMBLY__
#include <tessera/types.h>

#define __va(pa)	((void *)((unsigned long)(pa) + PAGE_OFFSET))
#define __pa(va)	((phys_addr_t)(unsigned long)(va) - PAGE_OFFSET)
/* Physical address of a symbol of the kernel image. */
#define __pa_symbol(s)	((phys_addr_t)((unsigned long)(s) - __START_KERNEL_map))
/* Offset of an address (virtual or physical) in its page. */
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)
#endif

#endif /* _ASM_X86_PAGE_H */
