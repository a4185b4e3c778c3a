// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for managers/memory/elf.c: images built here with chosen
 * program headers give the expected segments, entry, brk and program
 * header address, static PIEs their load bias; every rule (one broken
 * field at a time) and every truncation gives -ENOEXEC.
 */
#include <errno.h>
#include <stdlib.h>
#include "check.h"

#define elf_parse k_elf_parse
#define elf_layout k_elf_layout
#include "../../managers/memory/elf.h"

#define IMG_SIZE	0x4000

static unsigned char img[IMG_SIZE];
static struct elf64_hdr *eh = (struct elf64_hdr *)img;
static struct elf64_phdr *ph = (struct elf64_phdr *)(img + 64);

static void phdr(int i, u32 type, u32 flags, u64 off, u64 vaddr, u64 filesz,
		 u64 memsz, u64 align)
{
	ph[i] = (struct elf64_phdr){ .p_type = type, .p_flags = flags,
		.p_offset = off, .p_vaddr = vaddr, .p_paddr = vaddr,
		.p_filesz = filesz, .p_memsz = memsz, .p_align = align };
}

/* A static executable: headers+text RX at 0x400000, data+bss RW. */
static void good(void)
{
	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, "\177ELF\2\1\1", 7);
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = 1;
	eh->e_entry = 0x401000;
	eh->e_phoff = 64;
	eh->e_ehsize = 64;
	eh->e_phentsize = 56;
	eh->e_phnum = 3;
	phdr(0, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1800, 0x1800, 0x1000);
	phdr(1, PT_LOAD, PF_R | PF_W, 0x2f10, 0x402f10, 0x100, 0x3000, 0x1000);
	phdr(2, 0x6474e551, PF_R | PF_W, 0, 0, 0, 0, 16);	/* GNU_STACK */
}

static int parse(void)
{
	struct elf_image ei;
	const char *why = NULL;
	int r = k_elf_parse(img, sizeof(img), &ei, &why);

	CHECK(r == 0 || why != NULL);
	return r;
}

static void test_good(void)
{
	struct elf_image ei;
	const char *why = NULL;

	good();
	CHECK_INT(k_elf_parse(img, sizeof(img), &ei, &why), 0);
	CHECK_INT(ei.type, ET_EXEC);
	CHECK_INT(ei.nr_loads, 2);
	CHECK_UINT(ei.entry, 0x401000);
	CHECK_UINT(ei.phdr, 0x400040);		/* no PT_PHDR: inside load 0 */
	CHECK_INT(ei.phnum, 3);
	CHECK_INT(ei.phentsize, 56);
	CHECK(!ei.interp);
	CHECK_UINT(ei.lo, 0x400000);
	CHECK_UINT(ei.hi, 0x406000);		/* 0x402f10 + 0x3000, aligned */
	CHECK_UINT(ei.brk, 0x406000);
	CHECK_INT(ei.loads[0].prot, 0x5);
	CHECK_INT(ei.loads[1].prot, 0x3);
	CHECK_UINT(ei.loads[1].vaddr, 0x402f10);
	CHECK_UINT(ei.loads[1].filesz, 0x100);
	CHECK_UINT(ei.loads[1].memsz, 0x3000);
	CHECK_UINT(ei.loads[1].offset, 0x2f10);
	CHECK_INT(k_elf_layout(&ei, &why), 0);	/* ET_EXEC: no bias */
	CHECK_UINT(ei.bias, 0);
	CHECK_UINT(ei.entry, 0x401000);

	/* PT_PHDR wins; PT_INTERP is reported. */
	good();
	eh->e_phnum = 5;
	phdr(3, PT_PHDR, PF_R, 64, 0x400040, 5 * 56, 5 * 56, 8);
	phdr(4, PT_INTERP, PF_R, 0x300, 0x400300, 28, 28, 1);
	CHECK_INT(k_elf_parse(img, sizeof(img), &ei, &why), 0);
	CHECK_UINT(ei.phdr, 0x400040);
	CHECK(ei.interp);

	/* Zero-sized loads are skipped. */
	good();
	phdr(2, PT_LOAD, PF_R, 0, 0x500000, 0, 0, 0x1000);
	CHECK_INT(k_elf_parse(img, sizeof(img), &ei, &why), 0);
	CHECK_INT(ei.nr_loads, 2);
}

static void test_pie(void)
{
	struct elf_image ei;
	const char *why = NULL;

	good();
	eh->e_type = ET_DYN;
	eh->e_entry = 0x1000;
	phdr(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1800, 0x1800, 0x1000);
	phdr(1, PT_LOAD, PF_R | PF_W, 0x2f10, 0x2f10, 0x100, 0x3000, 0x1000);
	CHECK_INT(k_elf_parse(img, sizeof(img), &ei, &why), 0);
	CHECK_INT(k_elf_layout(&ei, &why), 0);
	CHECK_UINT(ei.bias, ELF_DYN_BASE);
	CHECK_UINT(ei.entry, ELF_DYN_BASE + 0x1000);
	CHECK_UINT(ei.phdr, ELF_DYN_BASE + 64);
	CHECK_UINT(ei.loads[1].vaddr, ELF_DYN_BASE + 0x2f10);
	CHECK_UINT(ei.brk, ELF_DYN_BASE + 0x6000);

	/* A 2 MiB p_align moves the base to a 2 MiB boundary. */
	phdr(0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1800, 0x1800, 0x200000);
	CHECK_INT(k_elf_parse(img, sizeof(img), &ei, &why), 0);
	CHECK_INT(k_elf_layout(&ei, &why), 0);
	CHECK_UINT(ei.bias, 0x555555600000ULL);
	CHECK_UINT(ei.bias & 0x1fffff, 0);

	/* Huge spans do not fit. */
	phdr(1, PT_LOAD, PF_R | PF_W, 0x2f10, 0x2f10, 0x100,
	     0x7f0000000000ULL, 0x1000);
	CHECK_INT(k_elf_parse(img, sizeof(img), &ei, &why), 0);
	CHECK_INT(k_elf_layout(&ei, &why), -ENOEXEC);
}

static void test_bad(void)
{
	struct elf_image ei;
	const char *why;

#define BAD(stmt) do { good(); stmt; CHECK_INT(parse(), -ENOEXEC); } while (0)
	BAD(img[0] = 0);
	BAD(img[4] = 1);			/* ELFCLASS32 */
	BAD(img[5] = 2);			/* big endian */
	BAD(img[6] = 0);
	BAD(eh->e_machine = 3);
	BAD(eh->e_type = 1);			/* ET_REL */
	BAD(eh->e_type = 4);			/* ET_CORE */
	BAD(eh->e_version = 0);
	BAD(eh->e_ehsize = 52);
	BAD(eh->e_phentsize = 32);
	BAD(eh->e_phnum = 0);
	BAD(eh->e_phnum = ELF_MAX_PHNUM + 1);
	BAD(eh->e_phoff = IMG_SIZE - 56);
	BAD(eh->e_phoff = -8ULL);
	BAD(eh->e_phoff = 65);
	BAD(ph[1].p_filesz = 0x4000);		/* > memsz */
	BAD(ph[1].p_filesz = 0x1100);		/* past the end of the file */
	BAD(ph[1].p_offset = -0x10ULL; ph[1].p_vaddr = 0x4ff0);
	BAD(ph[1].p_offset = 0x2f00);		/* vaddr != offset mod 4096 */
	BAD(ph[1].p_align = 0x3000);
	BAD(ph[1].p_vaddr = -0x10f0ULL);	/* wraps */
	BAD(ph[1].p_vaddr = ELF_TASK_SIZE - 0x10f0);	/* past user space */
	BAD(ph[1].p_vaddr = 0x3ff000 + 0xf10);	/* out of order */
	BAD(eh->e_entry = 0x300000);		/* outside every load */
	BAD(eh->e_entry = 0x406000);
	BAD(ph[0].p_type = 4; ph[1].p_type = 4);	/* no PT_LOAD */
	BAD(ph[0].p_vaddr = 0; eh->e_entry = 0x1000);	/* ET_EXEC at 0 */
	BAD({
		int i;

		eh->e_phnum = ELF_MAX_LOADS + 1;
		for (i = 0; i <= ELF_MAX_LOADS; i++)
			phdr(i, PT_LOAD, PF_R | PF_X, 0, 0x400000 + i * 0x1000,
			     0x100, 0x100, 0x1000);
	});
#undef BAD
	CHECK_INT(k_elf_parse(img, 63, &ei, &why), -ENOEXEC);
	CHECK_STR(why, "shorter than an ELF header");
}

/* Every prefix of a good image, in a buffer of exactly that size. */
static void test_truncations(void)
{
	struct elf_image ei;
	const char *why;
	size_t len, ok = 0;

	good();
	for (len = 0; len < 0x3010; len++) {
		unsigned char *b = malloc(len ? len : 1);

		memcpy(b, img, len);
		if (k_elf_parse(b, len, &ei, &why) == -ENOEXEC)
			ok++;
		free(b);
	}
	/* Whole only from the end of the data segment's file bytes on. */
	CHECK_UINT(ok, 0x3010);
	CHECK_INT(k_elf_parse(img, 0x3010, &ei, &why), 0);
}

int main(void)
{
	test_good();
	test_pie();
	test_bad();
	test_truncations();
	return check_report();
}
