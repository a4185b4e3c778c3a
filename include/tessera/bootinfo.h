/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_BOOTINFO_H
#define _TESSERA_BOOTINFO_H

#include <tessera/types.h>

#define BOOT_MAX_MEMMAP		128
#define BOOT_MAX_MODULES	32
#define BOOT_CMDLINE_SIZE	4096

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED,
	BOOT_MEM_ACPI,		/* ACPI tables, reclaimable */
	BOOT_MEM_NVS,
	BOOT_MEM_BAD,
};

struct boot_mem_region {
	u64 addr;
	u64 len;
	u32 type;
};

struct boot_module {
	phys_addr_t start;
	phys_addr_t end;	/* exclusive */
	char cmdline[128];
};

/*
 * What the boot loader told us, copied out of the Multiboot2 information
 * early so nothing later depends on where GRUB left it.
 */
struct boot_info {
	char cmdline[BOOT_CMDLINE_SIZE];
	char loader_name[64];
	unsigned int nr_memmap;
	struct boot_mem_region memmap[BOOT_MAX_MEMMAP];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	u8 rsdp[36];		/* ACPI RSDP copy (v1: 20 bytes, v2: 36) */
	unsigned int rsdp_len;	/* 0: none given */
	bool efi;		/* booted through UEFI (an EFI mmap tag was seen) */
	phys_addr_t info_start, info_end;	/* the Multiboot2 info itself */
};

extern struct boot_info boot_info;

const char *boot_mem_type_name(u32 type);

#endif /* _TESSERA_BOOTINFO_H */
