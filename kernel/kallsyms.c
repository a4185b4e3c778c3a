// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol lookup in the table that the second link pass embeds (see
 * scripts/kallsyms.c for its layout).
 */
#include <tessera/kernel.h>
#include <tessera/kallsyms.h>
#include <tessera/string.h>
#include <tessera/selftest.h>
#include <tessera/start_kernel.h>

extern const unsigned long kallsyms_addresses[];
extern const u32 kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const unsigned long kallsyms_text_end;

static const char *sym_name(unsigned long i)
{
	return kallsyms_names + kallsyms_name_offsets[i];
}

const char *kallsyms_lookup(unsigned long addr, unsigned long *size,
			    unsigned long *offset)
{
	unsigned long lo = 0, hi = kallsyms_num_syms, end;

	if (!kallsyms_num_syms || addr < kallsyms_addresses[0] ||
	    addr >= kallsyms_text_end)
		return NULL;
	/* Last symbol at or below addr. */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	end = lo + 1 < kallsyms_num_syms ? kallsyms_addresses[lo + 1] :
					   kallsyms_text_end;
	if (size)
		*size = end - kallsyms_addresses[lo];
	if (offset)
		*offset = addr - kallsyms_addresses[lo];
	return sym_name(lo);
}

unsigned long kallsyms_lookup_name(const char *name)
{
	unsigned long i;

	for (i = 0; i < kallsyms_num_syms; i++)
		if (!strcmp(sym_name(i), name))
			return kallsyms_addresses[i];
	return 0;
}

static int symbol_hook(char *buf, size_t size, unsigned long addr,
		       bool with_offset)
{
	unsigned long symsize, offset;
	const char *name = kallsyms_lookup(addr, &symsize, &offset);

	if (!name)
		return 0;
	if (!with_offset)
		return scnprintf(buf, size, "%s", name);
	return scnprintf(buf, size, "%s+0x%lx/0x%lx", name, offset, symsize);
}

int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	int n = symbol_hook(buf, size, addr, true);

	return n ? n : scnprintf(buf, size, "%#lx", addr);
}

/*
 * For return addresses: a call that ends a function returns just past
 * it, into the next symbol, so look up the call instruction instead.
 */
int sprint_backtrace(char *buf, size_t size, unsigned long addr)
{
	unsigned long symsize, offset;
	const char *name = kallsyms_lookup(addr - 1, &symsize, &offset);

	if (!name)
		return scnprintf(buf, size, "%#lx", addr);
	return scnprintf(buf, size, "%s+0x%lx/0x%lx", name, offset + 1, symsize);
}

void kallsyms_init(void)
{
	vsprintf_symbol_hook = symbol_hook;
}

#ifdef CONFIG_SELFTEST
SELFTEST(kallsyms_lookup)
{
	unsigned long addr = (unsigned long)kallsyms_lookup, size, off;
	char buf[KSYM_NAME_LEN + 32];
	const char *name;

	ST_ASSERT(kallsyms_num_syms > 100);
	name = kallsyms_lookup(addr + 5, &size, &off);
	ST_ASSERT(name);
	ST_STREQ(name, "kallsyms_lookup");
	ST_EQ(off, 5);
	ST_ASSERT(size > 5 && size < 4096);
	ST_EQ(kallsyms_lookup_name("start_kernel"), (unsigned long)start_kernel);
	ST_EQ(kallsyms_lookup_name("no_such_symbol_anywhere"), 0);

	snprintf(buf, sizeof(buf), "%pS", (void *)(addr + 3));
	ST_ASSERT(!strncmp(buf, "kallsyms_lookup+0x3/0x", 22));
	snprintf(buf, sizeof(buf), "%ps", (void *)addr);
	ST_STREQ(buf, "kallsyms_lookup");
	/* Outside the kernel text: no symbol. */
	ST_ASSERT(!kallsyms_lookup(0x1000, NULL, NULL));
	return 0;
}
#endif
