/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_ATOMIC_H
#define _TESSERA_ATOMIC_H

/*
 * Atomic integers (asm/atomic.h) and what is built on them.  All
 * read-modify-write operations are fully ordered; atomic_read() and
 * atomic_set() are not ordered at all.  The _relaxed/_acquire/_release
 * names exist for code written against the Linux API; on x86 they are
 * the fully ordered operations.
 */
#include <asm/atomic.h>
#include <asm/barrier.h>

/* A long-sized atomic: atomic64_t on x86-64. */
typedef atomic64_t atomic_long_t;
#define ATOMIC_LONG_INIT(i)		ATOMIC64_INIT(i)
#define atomic_long_read(v)		((long)atomic64_read(v))
#define atomic_long_set(v, i)		atomic64_set(v, i)
#define atomic_long_inc(v)		atomic64_inc(v)
#define atomic_long_dec(v)		atomic64_dec(v)
#define atomic_long_add(i, v)		atomic64_add(i, v)
#define atomic_long_sub(i, v)		atomic64_sub(i, v)
#define atomic_long_add_return(i, v)	((long)atomic64_add_return(i, v))
#define atomic_long_cmpxchg(v, o, n)	((long)atomic64_cmpxchg(v, o, n))
#define atomic_long_xchg(v, n)		((long)atomic64_xchg(v, n))

#define atomic_fetch_add_relaxed	atomic_fetch_add
#define atomic_fetch_sub_release	atomic_fetch_sub
#define atomic_read_acquire(v)		smp_load_acquire(&(v)->counter)
#define atomic_set_release(v, i)	smp_store_release(&(v)->counter, i)
#define atomic_cmpxchg_relaxed		atomic_cmpxchg
#define atomic_try_cmpxchg_relaxed	atomic_try_cmpxchg
#define atomic_try_cmpxchg_acquire	atomic_try_cmpxchg

/*
 * Add a to v unless v equals u.  Returns whether the addition happened.
 */
static inline bool atomic_add_unless(atomic_t *v, int a, int u)
{
	int c = atomic_read(v);

	do {
		if (c == u)
			return false;
	} while (!atomic_try_cmpxchg(v, &c, c + a));
	return true;
}

static inline bool atomic_inc_not_zero(atomic_t *v)
{
	return atomic_add_unless(v, 1, 0);
}

/* Decrement v unless that makes it negative; returns the new value. */
static inline int atomic_dec_if_positive(atomic_t *v)
{
	int c = atomic_read(v);

	do {
		if (c <= 0)
			return c - 1;
	} while (!atomic_try_cmpxchg(v, &c, c - 1));
	return c - 1;
}

static inline bool atomic64_add_unless(atomic64_t *v, s64 a, s64 u)
{
	s64 c = atomic64_read(v);

	do {
		if (c == u)
			return false;
	} while (!atomic64_try_cmpxchg(v, &c, c + a));
	return true;
}

static inline bool atomic64_inc_not_zero(atomic64_t *v)
{
	return atomic64_add_unless(v, 1, 0);
}

#endif /* _TESSERA_ATOMIC_H */
