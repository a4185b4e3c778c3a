// SPDX-License-Identifier: GPL-2.0
/*
 * args - echo argc/argv, envp and the auxiliary vector, found both through
 * getauxval() and by walking the initial stack past envp, and check that
 * they are consistent: AT_PAGESZ is 4096, AT_ENTRY is _start, AT_PHDR
 * describes this program (a PT_LOAD holds AT_ENTRY), AT_RANDOM points at
 * 16 bytes, the strings sit above the vectors.
 */
#include <elf.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include "utest.h"

extern char _start[];

static const struct {
	unsigned long type;
	const char *name;
	int required;
} known[] = {
	{ AT_PHDR, "AT_PHDR", 1 },	{ AT_PHENT, "AT_PHENT", 0 },
	{ AT_PHNUM, "AT_PHNUM", 1 },	{ AT_PAGESZ, "AT_PAGESZ", 1 },
	{ AT_BASE, "AT_BASE", 0 },	{ AT_FLAGS, "AT_FLAGS", 0 },
	{ AT_ENTRY, "AT_ENTRY", 1 },	{ AT_UID, "AT_UID", 0 },
	{ AT_EUID, "AT_EUID", 0 },	{ AT_GID, "AT_GID", 0 },
	{ AT_EGID, "AT_EGID", 0 },	{ AT_PLATFORM, "AT_PLATFORM", 0 },
	{ AT_HWCAP, "AT_HWCAP", 1 },	{ AT_CLKTCK, "AT_CLKTCK", 0 },
	{ AT_SECURE, "AT_SECURE", 1 },	{ AT_RANDOM, "AT_RANDOM", 1 },
	{ AT_HWCAP2, "AT_HWCAP2", 0 },	{ AT_EXECFN, "AT_EXECFN", 0 },
	{ AT_SYSINFO_EHDR, "AT_SYSINFO_EHDR", 0 },
#ifdef AT_MINSIGSTKSZ
	{ AT_MINSIGSTKSZ, "AT_MINSIGSTKSZ", 0 },
#endif
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

static const char *auxv_name(unsigned long type)
{
	for (unsigned int i = 0; i < NKNOWN; i++)
		if (known[i].type == type)
			return known[i].name;
	return NULL;
}

static void check_phdrs(const Elf64_Phdr *ph, unsigned long phnum, unsigned long entry)
{
	int entry_seen = 0, ehdr_seen = 0;

	for (unsigned long i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		say("PT_LOAD vaddr 0x%lx memsz 0x%lx offset 0x%lx flags %c%c%c",
		    (unsigned long)ph[i].p_vaddr, (unsigned long)ph[i].p_memsz,
		    (unsigned long)ph[i].p_offset,
		    ph[i].p_flags & PF_R ? 'r' : '-', ph[i].p_flags & PF_W ? 'w' : '-',
		    ph[i].p_flags & PF_X ? 'x' : '-');
		if (entry >= ph[i].p_vaddr && entry < ph[i].p_vaddr + ph[i].p_memsz) {
			entry_seen = 1;
			check(ph[i].p_flags & PF_X, "the PT_LOAD holding AT_ENTRY is not executable");
		}
		if (ph[i].p_offset == 0) {
			/* The segment that maps file offset 0 shows the ELF header. */
			const unsigned char *e = (const unsigned char *)ph[i].p_vaddr;

			ehdr_seen = 1;
			check(memcmp(e, ELFMAG, SELFMAG) == 0,
			      "no ELF magic at the start of the first PT_LOAD (0x%lx)",
			      (unsigned long)ph[i].p_vaddr);
		}
	}
	check(entry_seen, "no PT_LOAD in AT_PHDR contains AT_ENTRY 0x%lx", entry);
	if (!ehdr_seen)
		say("note: no PT_LOAD maps file offset 0");
}

int main(int argc, char **argv, char **envp)
{
	char **e = envp;
	Elf64_auxv_t *auxv, *a;
	unsigned long seen_end = 0, nenv;
	unsigned long lowest_string = ~0ul;

	utest_init("args");
	say("argc = %d", argc);
	check(argc >= 1, "argc is %d", argc);
	for (int i = 0; i < argc; i++) {
		say("argv[%d] = \"%s\"", i, argv[i] ? argv[i] : "(null)");
		check(argv[i] != NULL, "argv[%d] is NULL", i);
		if (argv[i] && (unsigned long)argv[i] < lowest_string)
			lowest_string = (unsigned long)argv[i];
	}
	check(argv[argc] == NULL, "argv[argc] is not NULL");
	check(envp == argv + argc + 1, "envp (%p) does not follow argv[argc] (%p)",
	      (void *)envp, (void *)(argv + argc + 1));

	for (nenv = 0; *e; e++, nenv++) {
		say("envp[%lu] = \"%s\"", nenv, *e);
		if ((unsigned long)*e < lowest_string)
			lowest_string = (unsigned long)*e;
	}
	say("%lu environment strings", nenv);

	/* The auxiliary vector starts right after envp's NULL. */
	auxv = (Elf64_auxv_t *)(e + 1);
	for (a = auxv; a->a_type != AT_NULL; a++) {
		const char *name = auxv_name(a->a_type);
		unsigned long v = a->a_un.a_val;

		if (name)
			say("auxv %s = 0x%lx", name, v);
		else
			say("auxv type %lu = 0x%lx", (unsigned long)a->a_type, v);
		/* glibc's getauxval(AT_HWCAP) returns its own x86 platform bits. */
		check(getauxval(a->a_type) == v || a->a_type == AT_IGNORE ||
		      a->a_type == AT_HWCAP || a->a_type == AT_HWCAP2,
		      "getauxval(%lu) = 0x%lx, the stack says 0x%lx",
		      (unsigned long)a->a_type, getauxval(a->a_type), v);
		if (a->a_type == AT_EXECFN && v) {
			say("AT_EXECFN -> \"%s\"", (const char *)v);
			if (v < lowest_string)
				lowest_string = v;
		}
		if (a->a_type == AT_PLATFORM && v)
			say("AT_PLATFORM -> \"%s\"", (const char *)v);
	}
	seen_end = (unsigned long)(a + 1);
	say("%ld auxv entries", (long)(a - auxv));

	for (unsigned int i = 0; i < NKNOWN; i++) {
		int found = 0;

		for (a = auxv; a->a_type != AT_NULL; a++)
			found |= a->a_type == known[i].type;
		if (known[i].required)
			check(found, "%s missing from the auxiliary vector", known[i].name);
	}

	check(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ is %lu, expected 4096",
	      getauxval(AT_PAGESZ));
	check(getauxval(AT_ENTRY) == (unsigned long)_start,
	      "AT_ENTRY 0x%lx is not _start (%p)", getauxval(AT_ENTRY), (void *)_start);
	check(getauxval(AT_SECURE) == 0, "AT_SECURE is %lu", getauxval(AT_SECURE));
	say("getauxval(AT_HWCAP) = 0x%lx", getauxval(AT_HWCAP));
	if (getauxval(AT_PHENT))
		check(getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_PHENT is %lu",
		      getauxval(AT_PHENT));
	if (check(getauxval(AT_PHDR) && getauxval(AT_PHNUM) > 0 && getauxval(AT_PHNUM) < 64,
		  "AT_PHDR 0x%lx / AT_PHNUM %lu unusable", getauxval(AT_PHDR), getauxval(AT_PHNUM)))
		check_phdrs((const Elf64_Phdr *)getauxval(AT_PHDR), getauxval(AT_PHNUM),
			    getauxval(AT_ENTRY));

	if (check(getauxval(AT_RANDOM) != 0, "AT_RANDOM is NULL")) {
		const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
		char hex[33];
		int nonzero = 0;

		for (int i = 0; i < 16; i++) {
			snprintf(hex + 2 * i, 3, "%02x", r[i]);
			nonzero |= r[i];
		}
		say("AT_RANDOM bytes %s", hex);
		check(nonzero, "the 16 AT_RANDOM bytes are all zero");
		if ((unsigned long)r < lowest_string)
			lowest_string = (unsigned long)r;
	}

	/* argv/envp strings and AT_RANDOM's bytes lie above the vectors. */
	check(lowest_string >= seen_end,
	      "strings start at 0x%lx, below the end of auxv 0x%lx", lowest_string, seen_end);
	check(((unsigned long)argv & 7) == 0, "argv %p is not 8-byte aligned", (void *)argv);
	say("stack: argv at %p, auxv at %p..0x%lx, strings from 0x%lx", (void *)argv,
	    (void *)auxv, seen_end, lowest_string);
	return utest_finish();
}
