// SPDX-License-Identifier: GPL-2.0
/*
 * The slow path of refcount_t: a counter went somewhere it must not.
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/printk.h>
#include <tessera/refcount.h>

void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	static const char *const what[] = {
		[REFCOUNT_ADD_OVF] = "saturated; leaking memory",
		[REFCOUNT_ADD_UAF] = "addition on 0; use-after-free",
		[REFCOUNT_SUB_UAF] = "underflow; use-after-free",
		[REFCOUNT_DEC_LEAK] = "decrement hit 0; leaking memory",
	};

	atomic_set(&r->refs, REFCOUNT_SATURATED);
	pr_warn("refcount_t: %s\n", what[t]);
	WARN_ON(1);
}
