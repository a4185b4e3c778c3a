// SPDX-License-Identifier: GPL-2.0
/*
 * ELF64 validation: the executable comes from an archive anybody may
 * have built, so every offset, size and address is checked for overflow
 * before the loader trusts it.
 */
#include <tessera/errno.h>
#include <tessera/string.h>
#include "elf.h"

#define ELF_PAGE_MASK	(ELF_PAGE_SIZE - 1)

static int elf_bad(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

static bool add_overflows(u64 a, u64 b, u64 *sum)
{
	*sum = a + b;
	return *sum < a;
}

int elf_check_header(const struct elf64_hdr *eh, u64 size, const char **why)
{
	const struct elf64_phdr *ph;
	u64 phtab_end;

	if (size < sizeof(*eh))
		return elf_bad(why, "shorter than an ELF header");
	if (memcmp(eh->e_ident, "\177ELF", 4))
		return elf_bad(why, "not ELF");
	if (eh->e_ident[4] != 2 || eh->e_ident[5] != 1 || eh->e_ident[6] != 1)
		return elf_bad(why, "not 64-bit little-endian ELF version 1");
	if (eh->e_machine != EM_X86_64)
		return elf_bad(why, "not x86-64");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return elf_bad(why, "not an executable");
	if (eh->e_version != 1 || eh->e_ehsize < sizeof(*eh))
		return elf_bad(why, "bad header version or size");
	if (eh->e_phentsize != sizeof(*ph))
		return elf_bad(why, "bad program header size");
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return elf_bad(why, "bad program header count");
	if (eh->e_phoff & 7)
		return elf_bad(why, "misaligned program headers");
	if (add_overflows(eh->e_phoff, (u64)eh->e_phnum * sizeof(*ph),
			  &phtab_end) || phtab_end > size)
		return elf_bad(why, "program headers past the end of the file");
	return 0;
}

int elf_parse_phdrs(const struct elf64_hdr *eh, const void *phtab, u64 size,
		    struct elf_image *ei, const char **why)
{
	const struct elf64_phdr *ph = phtab;
	u64 end, last_vaddr = 0;
	u64 phtab_end = eh->e_phoff + (u64)eh->e_phnum * sizeof(*ph);
	bool entry_ok = false;
	unsigned int i;

	memset(ei, 0, sizeof(*ei));
	ei->type = eh->e_type;
	ei->phnum = eh->e_phnum;
	ei->phentsize = eh->e_phentsize;
	ei->entry = eh->e_entry;

	for (i = 0; i < eh->e_phnum; i++, ph++) {
		struct elf_load *l;

		if (ph->p_type == PT_INTERP) {
			ei->interp = true;
			continue;
		}
		if (ph->p_type == PT_PHDR) {
			ei->phdr = ph->p_vaddr;
			continue;
		}
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (ei->nr_loads == ELF_MAX_LOADS)
			return elf_bad(why, "too many PT_LOAD segments");
		if (ph->p_filesz > ph->p_memsz)
			return elf_bad(why, "PT_LOAD with p_filesz > p_memsz");
		if (add_overflows(ph->p_offset, ph->p_filesz, &end) || end > size)
			return elf_bad(why, "PT_LOAD past the end of the file");
		if ((ph->p_vaddr & ELF_PAGE_MASK) != (ph->p_offset & ELF_PAGE_MASK))
			return elf_bad(why, "PT_LOAD vaddr and offset disagree modulo the page size");
		if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
			return elf_bad(why, "PT_LOAD alignment not a power of two");
		if (add_overflows(ph->p_vaddr, ph->p_memsz, &end) ||
		    end > ELF_TASK_SIZE)
			return elf_bad(why, "PT_LOAD beyond the user address space");
		if (ei->nr_loads && ph->p_vaddr < last_vaddr)
			return elf_bad(why, "PT_LOAD segments not in address order");
		last_vaddr = ph->p_vaddr;

		l = &ei->loads[ei->nr_loads++];
		l->vaddr = ph->p_vaddr;
		l->memsz = ph->p_memsz;
		l->filesz = ph->p_filesz;
		l->offset = ph->p_offset;
		l->prot = (ph->p_flags & PF_R ? 0x1 : 0) |
			  (ph->p_flags & PF_W ? 0x2 : 0) |
			  (ph->p_flags & PF_X ? 0x4 : 0);
		if (ei->nr_loads == 1)
			ei->lo = l->vaddr & ~ELF_PAGE_MASK;
		if (ph->p_align > ei->align)
			ei->align = ph->p_align;
		if (((end + ELF_PAGE_MASK) & ~ELF_PAGE_MASK) > ei->hi)
			ei->hi = (end + ELF_PAGE_MASK) & ~ELF_PAGE_MASK;
		if (eh->e_entry >= l->vaddr && eh->e_entry < end)
			entry_ok = true;
		/* Linux's fallback when there is no PT_PHDR. */
		if (!ei->phdr && eh->e_phoff >= l->offset &&
		    phtab_end <= l->offset + l->filesz)
			ei->phdr = l->vaddr + (eh->e_phoff - l->offset);
	}
	if (!ei->nr_loads)
		return elf_bad(why, "no PT_LOAD segment");
	if (!entry_ok)
		return elf_bad(why, "entry point outside every PT_LOAD segment");
	if (ei->type == ET_EXEC && ei->lo < 0x10000)
		return elf_bad(why, "PT_LOAD below 64 KiB");
	ei->brk = ei->hi;
	return 0;
}

int elf_parse(const void *img, u64 size, struct elf_image *ei,
	      const char **why)
{
	const struct elf64_hdr *eh = img;
	int ret;

	memset(ei, 0, sizeof(*ei));
	ret = elf_check_header(eh, size, why);
	if (ret)
		return ret;
	return elf_parse_phdrs(eh, (const char *)img + eh->e_phoff, size, ei,
			       why);
}

int elf_layout(struct elf_image *ei, const char **why)
{
	u64 align = ELF_PAGE_SIZE, bias;
	unsigned int i;

	if (ei->type != ET_DYN)
		return 0;
	/* Each p_align is a power of two; honour the largest, within reason. */
	if (ei->align > align)
		align = ei->align < (1ULL << 30) ? ei->align : (1ULL << 30);
	if (ei->hi - ei->lo > ELF_TASK_SIZE - ELF_DYN_BASE - (1ULL << 32))
		return elf_bad(why, "position-independent executable too large");
	/* lo is page aligned and p_vaddr == p_offset modulo p_align. */
	bias = ((ELF_DYN_BASE + align - 1) & ~(align - 1)) -
	       (ei->lo & ~(align - 1));
	ei->bias = bias;
	ei->entry += bias;
	if (ei->phdr)
		ei->phdr += bias;
	ei->lo += bias;
	ei->hi += bias;
	ei->brk += bias;
	for (i = 0; i < ei->nr_loads; i++)
		ei->loads[i].vaddr += bias;
	return 0;
}
