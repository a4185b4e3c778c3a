/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF64 x86-64 executable validation and segment layout for the memory
 * manager's loader.  Pure logic: built into the kernel and into the host
 * unit test (tests/host/test_elf.c).
 */
#ifndef _MEMORY_ELF_H
#define _MEMORY_ELF_H

#ifdef __KERNEL__
#include <tessera/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_INTERP	3
#define PT_PHDR		6
#define PF_X		0x1
#define PF_W		0x2
#define PF_R		0x4

struct elf64_hdr {
	unsigned char e_ident[16];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};

struct elf64_phdr {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
};

/* User addresses end here (Linux's TASK_SIZE on x86-64, 4-level). */
#define ELF_TASK_SIZE		0x7ffffffff000ULL
/* Where a position-independent executable goes (Linux's ELF_ET_DYN_BASE). */
#define ELF_DYN_BASE		0x555555554000ULL
#define ELF_PAGE_SIZE		4096ULL
#define ELF_MAX_PHNUM		128
#define ELF_MAX_LOADS		16

/* One PT_LOAD, with the load bias applied by elf_layout(). */
struct elf_load {
	u64 vaddr;
	u64 memsz;
	u64 filesz;
	u64 offset;
	u32 prot;		/* PROT_* from p_flags */
};

struct elf_image {
	u16 type;		/* ET_EXEC or ET_DYN */
	u16 phnum;
	u16 phentsize;
	bool interp;		/* has PT_INTERP: a dynamic executable */
	u64 entry;
	u64 phdr;		/* where the program headers are mapped; 0: nowhere */
	u64 bias;		/* added to every address (ET_DYN) */
	u64 lo, hi;		/* page-aligned span of the loads */
	u64 brk;		/* page-aligned end of the highest load */
	u64 align;		/* largest p_align */
	u32 nr_loads;
	struct elf_load loads[ELF_MAX_LOADS];
};

/*
 * Validate the size-byte executable at img and describe it in *ei, at
 * its link addresses.  0, or -ENOEXEC with *why set to the reason.
 */
int elf_parse(const void *img, u64 size, struct elf_image *ei,
	      const char **why);

/*
 * The same in two steps, for a file read piecewise: the ELF header of a
 * size-byte file (0 once the program header table is known to lie inside
 * it), then that table (e_phnum entries read from e_phoff).
 */
int elf_check_header(const struct elf64_hdr *eh, u64 size, const char **why);
int elf_parse_phdrs(const struct elf64_hdr *eh, const void *phtab, u64 size,
		    struct elf_image *ei, const char **why);

/*
 * Apply the load bias (ET_DYN goes to ELF_DYN_BASE, aligned to its
 * largest p_align) and check that the span fits below ELF_TASK_SIZE.
 * 0 or -ENOEXEC.
 */
int elf_layout(struct elf_image *ei, const char **why);

#endif /* _MEMORY_ELF_H */
