/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_KALLSYMS_H
#define _TESSERA_KALLSYMS_H

#include <tessera/types.h>

#define KSYM_NAME_LEN	128

/*
 * Find the function containing addr.  Returns its name (in the embedded
 * table) or NULL, with its size and addr's offset into it.
 */
const char *kallsyms_lookup(unsigned long addr, unsigned long *size,
			    unsigned long *offset);
/* Address of a function by name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);
/* "name+0x1a/0x40" into buf; returns the length. */
int sprint_symbol(char *buf, size_t size, unsigned long addr);

/* Like sprint_symbol, for a return address (names the calling function). */
int sprint_backtrace(char *buf, size_t size, unsigned long addr);
/* Make %pS / %ps symbolic. */
void kallsyms_init(void);

extern const unsigned long kallsyms_num_syms;

#endif /* _TESSERA_KALLSYMS_H */
