/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_MULTIBOOT2_H
#define _ASM_X86_MULTIBOOT2_H

/* Multiboot2 specification, version 2.0: header and boot information. */
#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_BOOTLOADER_MAGIC	0x36d76289
#define MB2_ARCH_I386		0

#define MB2_HEADER_TAG_END		0
#define MB2_HEADER_TAG_ENTRY_ADDRESS	3
#define MB2_HEADER_TAG_MODULE_ALIGN	6

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_LOADER_NAME	2
#define MB2_TAG_MODULE		3
#define MB2_TAG_BASIC_MEMINFO	4
#define MB2_TAG_MMAP		6
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15
#define MB2_TAG_EFI_MMAP	17

#define MB2_MEMORY_AVAILABLE		1
#define MB2_MEMORY_RESERVED		2
#define MB2_MEMORY_ACPI_RECLAIMABLE	3
#define MB2_MEMORY_NVS			4
#define MB2_MEMORY_BADRAM		5

#ifndef __ASSEMBLY__
#include <tessera/types.h>

struct mb2_info {
	u32 total_size;
	u32 reserved;
};

struct mb2_tag {
	u32 type;
	u32 size;
};

struct mb2_tag_string {
	u32 type;
	u32 size;
	char string[];
};

struct mb2_tag_module {
	u32 type;
	u32 size;
	u32 mod_start;
	u32 mod_end;
	char cmdline[];
};

struct mb2_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 zero;
};

struct mb2_tag_mmap {
	u32 type;
	u32 size;
	u32 entry_size;
	u32 entry_version;
	/* struct mb2_mmap_entry entries[], entry_size apart */
};

struct mb2_tag_acpi {
	u32 type;
	u32 size;
	u8 rsdp[];
};
#endif

#endif /* _ASM_X86_MULTIBOOT2_H */
