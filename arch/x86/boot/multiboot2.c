// SPDX-License-Identifier: GPL-2.0
/*
 * Copy what GRUB passed in the Multiboot2 information into boot_info.
 * Runs before the console exists: problems are recorded and reported later.
 */
#include <tessera/bootinfo.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <asm/multiboot2.h>
#include <asm/page.h>

struct boot_info boot_info;

static u32 mb2_mem_type(u32 t)
{
	switch (t) {
	case MB2_MEMORY_AVAILABLE:		return BOOT_MEM_USABLE;
	case MB2_MEMORY_ACPI_RECLAIMABLE:	return BOOT_MEM_ACPI;
	case MB2_MEMORY_NVS:			return BOOT_MEM_NVS;
	case MB2_MEMORY_BADRAM:			return BOOT_MEM_BAD;
	default:				return BOOT_MEM_RESERVED;
	}
}

const char *boot_mem_type_name(u32 type)
{
	switch (type) {
	case BOOT_MEM_USABLE:	return "usable";
	case BOOT_MEM_ACPI:	return "ACPI data";
	case BOOT_MEM_NVS:	return "ACPI NVS";
	case BOOT_MEM_BAD:	return "unusable";
	default:		return "reserved";
	}
}

static void mb2_parse_mmap(const struct mb2_tag_mmap *t)
{
	const u8 *p = (const u8 *)(t + 1);
	const u8 *end = (const u8 *)t + t->size;

	if (t->entry_size < sizeof(struct mb2_mmap_entry))
		return;
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		struct boot_mem_region *r;

		if (boot_info.nr_memmap == BOOT_MAX_MEMMAP || !e->len)
			continue;
		r = &boot_info.memmap[boot_info.nr_memmap++];
		r->addr = e->addr;
		r->len = e->len;
		r->type = mb2_mem_type(e->type);
	}
}

/*
 * GRUB's multiboot2 loader rebuilds command lines with a backslash before
 * every quote and backslash; undo that so the kernel sees what grub.cfg
 * said.  Other loaders pass the text through unchanged.
 */
static void copy_cmdline(char *dst, const char *src, size_t size)
{
	bool grub = !strncmp(boot_info.loader_name, "GRUB", 4);
	size_t n = 0;

	for (; *src && n + 1 < size; src++) {
		if (grub && src[0] == '\\' && src[1])
			src++;
		dst[n++] = *src;
	}
	dst[n] = '\0';
}

static void mb2_parse_module(const struct mb2_tag_module *t)
{
	struct boot_module *m;

	if (boot_info.nr_modules == BOOT_MAX_MODULES)
		return;
	m = &boot_info.modules[boot_info.nr_modules++];
	m->start = t->mod_start;
	m->end = t->mod_end;
	copy_cmdline(m->cmdline, t->cmdline, sizeof(m->cmdline));
}

static void mb2_parse_tag(const struct mb2_tag *tag)
{
	const struct mb2_tag_string *s = (const void *)tag;
	const struct mb2_tag_acpi *acpi = (const void *)tag;
	size_t len;

	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		copy_cmdline(boot_info.cmdline, s->string,
			     sizeof(boot_info.cmdline));
		break;
	case MB2_TAG_MODULE:
		mb2_parse_module((const void *)tag);
		break;
	case MB2_TAG_MMAP:
		mb2_parse_mmap((const void *)tag);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* Prefer the ACPI 2.0 RSDP when both are given. */
		if (tag->type == MB2_TAG_ACPI_OLD && boot_info.rsdp_len > 20)
			break;
		len = min((size_t)(tag->size - sizeof(*acpi)),
			  sizeof(boot_info.rsdp));
		memcpy(boot_info.rsdp, acpi->rsdp, len);
		boot_info.rsdp_len = len;
		break;
	case MB2_TAG_EFI_MMAP:
		boot_info.efi = true;
		break;
	}
}

/* Visit every tag (only = MB2_TAG_END) or only the tags of one type. */
static void mb2_walk(const struct mb2_info *info, u32 only)
{
	const u8 *p = (const u8 *)(info + 1);
	const u8 *end = (const u8 *)info + info->total_size;

	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const void *)p;
		const struct mb2_tag_string *s = (const void *)tag;

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag) ||
		    p + tag->size > end)
			break;
		if (only == MB2_TAG_LOADER_NAME && tag->type == only)
			strscpy(boot_info.loader_name, s->string,
				sizeof(boot_info.loader_name));
		else if (only == MB2_TAG_END)
			mb2_parse_tag(tag);
		p += ALIGN(tag->size, 8);
	}
}

/* Returns 0, or -1 if the information is not Multiboot2's. */
int multiboot2_parse(u32 magic, phys_addr_t info_pa)
{
	const struct mb2_info *info;

	if (magic != MB2_BOOTLOADER_MAGIC || !info_pa || info_pa & 7 ||
	    info_pa >= BOOT_DIRECT_MAP_SIZE)
		return -1;
	info = __va(info_pa);
	boot_info.info_start = info_pa;
	boot_info.info_end = info_pa + info->total_size;

	/* The loader name first: how command lines are copied depends on it. */
	mb2_walk(info, MB2_TAG_LOADER_NAME);
	mb2_walk(info, MB2_TAG_END);
	return 0;
}
