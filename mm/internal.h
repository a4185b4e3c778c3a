/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H

#include <tessera/mm.h>
#include <tessera/poison.h>

/* The address the current function returns to: who called us. */
#define _RET_IP_	((unsigned long)__builtin_return_address(0))

/*
 * After a "BUG: ..." report line: count it, then BUG() without
 * CONFIG_DEBUG_KMEMORY, or print the stack and let the caller carry on
 * (skipping the bad operation) with it.
 */
void kmem_report_end(void);

/* __free_pages() on behalf of caller (for reports). */
void __free_pages_caller(struct page *page, unsigned int order,
			 unsigned long caller);

void kmem_cache_init(void);
/* Shrink every cache (tests compare free page counts). */
void kmem_cache_shrink_all(void);

#endif /* _MM_INTERNAL_H */
