/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_REFCOUNT_H
#define _TESSERA_REFCOUNT_H

/*
 * refcount_t: a reference counter that refuses to wrap.
 *
 * Any value below zero means "saturated": the counter got there through
 * an overflow (one increment too many past INT_MAX), an increment from
 * zero (a use after free) or a decrement below zero (an underflow).
 * Each of those WARNs once when it happens and leaves the counter at
 * REFCOUNT_SATURATED, where it stays: further increments and decrements
 * keep it there and dec_and_test never reports zero, so the object
 * leaks instead of being freed while still in use.
 *
 * Ordering: the increments are full barriers on x86 (locked RMW), and
 * refcount_dec_and_test() orders every earlier access of the object
 * before the final release, and the freeing after it.
 */
#include <tessera/atomic.h>
#include <tessera/compiler.h>
#include <tessera/types.h>

typedef struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n) }
#define REFCOUNT_MAX		INT_MAX
#define REFCOUNT_SATURATED	(INT_MIN / 2)

enum refcount_saturation_type {
	REFCOUNT_ADD_OVF,	/* increment past REFCOUNT_MAX */
	REFCOUNT_ADD_UAF,	/* increment from zero */
	REFCOUNT_SUB_UAF,	/* decrement below zero */
	REFCOUNT_DEC_LEAK,	/* refcount_dec() reached zero */
};

/* Saturate r and WARN about how it happened (lib/refcount.c). */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return atomic_read(&r->refs);
}

static inline void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add(i, &r->refs);

	if (unlikely(old <= 0 || old > REFCOUNT_MAX - i)) {
		if (old < 0)		/* already saturated: stay there */
			atomic_set(&r->refs, REFCOUNT_SATURATED);
		else
			refcount_warn_saturate(r, old ? REFCOUNT_ADD_OVF :
						   REFCOUNT_ADD_UAF);
	}
}

static inline void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

/*
 * Take a reference unless the count is zero (the object is being
 * freed).  Returns false in that case.
 */
static inline bool refcount_inc_not_zero(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			return false;
		if (old < 0)		/* saturated: a reference, leaked */
			return true;
	} while (!atomic_try_cmpxchg(&r->refs, &old, old + 1));
	if (unlikely(old == REFCOUNT_MAX))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
	return true;
}

/*
 * Drop i references; returns true when that was the last one and the
 * caller must free the object.
 */
static inline bool refcount_sub_and_test(int i, refcount_t *r)
{
	int old = atomic_fetch_sub(i, &r->refs);

	if (old == i)
		return true;
	if (unlikely(old < i)) {
		if (old < 0)
			atomic_set(&r->refs, REFCOUNT_SATURATED);
		else
			refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	}
	return false;
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	return refcount_sub_and_test(1, r);
}

/* Drop a reference that is known not to be the last one. */
static inline void refcount_dec(refcount_t *r)
{
	int old = atomic_fetch_sub(1, &r->refs);

	if (unlikely(old <= 1)) {
		if (old < 0)
			atomic_set(&r->refs, REFCOUNT_SATURATED);
		else
			refcount_warn_saturate(r, old ? REFCOUNT_DEC_LEAK :
						   REFCOUNT_SUB_UAF);
	}
}

#endif /* _TESSERA_REFCOUNT_H */
