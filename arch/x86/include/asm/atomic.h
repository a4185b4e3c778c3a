/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_ATOMIC_H
#define _ASM_X86_ATOMIC_H

#include <tessera/types.h>
#include <tessera/compiler.h>
#include <asm/barrier.h>
#include <asm/cmpxchg.h>

/*
 * Atomic integers.  Every read-modify-write is a lock-prefixed
 * instruction and therefore a full memory barrier on x86; atomic_read()
 * and atomic_set() are plain (untorn) accesses with no ordering.
 */
typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

/*
 * One family per width: PFX is the name prefix (atomic, atomic64), T the
 * atomic type, V the value type.
 */
#define __ATOMIC_OPS(PFX, T, V)						\
static __always_inline V PFX##_read(const T *v)				\
{									\
	return READ_ONCE(v->counter);					\
}									\
									\
static __always_inline void PFX##_set(T *v, V i)			\
{									\
	WRITE_ONCE(v->counter, i);					\
}									\
									\
static __always_inline void PFX##_add(V i, T *v)			\
{									\
	asm volatile("lock add%z0 %1, %0"				\
		     : "+m"(v->counter) : "er"(i) : "memory", "cc");	\
}									\
									\
static __always_inline void PFX##_sub(V i, T *v)			\
{									\
	asm volatile("lock sub%z0 %1, %0"				\
		     : "+m"(v->counter) : "er"(i) : "memory", "cc");	\
}									\
									\
static __always_inline void PFX##_inc(T *v)				\
{									\
	asm volatile("lock inc%z0 %0"					\
		     : "+m"(v->counter) : : "memory", "cc");		\
}									\
									\
static __always_inline void PFX##_dec(T *v)				\
{									\
	asm volatile("lock dec%z0 %0"					\
		     : "+m"(v->counter) : : "memory", "cc");		\
}									\
									\
static __always_inline bool PFX##_dec_and_test(T *v)			\
{									\
	bool zero;							\
									\
	asm volatile("lock dec%z0 %0"					\
		     : "+m"(v->counter), "=@ccz"(zero) : : "memory");	\
	return zero;							\
}									\
									\
static __always_inline bool PFX##_inc_and_test(T *v)			\
{									\
	bool zero;							\
									\
	asm volatile("lock inc%z0 %0"					\
		     : "+m"(v->counter), "=@ccz"(zero) : : "memory");	\
	return zero;							\
}									\
									\
static __always_inline bool PFX##_sub_and_test(V i, T *v)		\
{									\
	bool zero;							\
									\
	asm volatile("lock sub%z0 %2, %0"				\
		     : "+m"(v->counter), "=@ccz"(zero)			\
		     : "er"(i) : "memory");				\
	return zero;							\
}									\
									\
static __always_inline bool PFX##_add_negative(V i, T *v)		\
{									\
	bool neg;							\
									\
	asm volatile("lock add%z0 %2, %0"				\
		     : "+m"(v->counter), "=@ccs"(neg)			\
		     : "er"(i) : "memory");				\
	return neg;							\
}									\
									\
/* Returns the value before the addition. */				\
static __always_inline V PFX##_fetch_add(V i, T *v)			\
{									\
	asm volatile("lock xadd %0, %1"					\
		     : "+r"(i), "+m"(v->counter) : : "memory", "cc");	\
	return i;							\
}									\
									\
static __always_inline V PFX##_fetch_sub(V i, T *v)			\
{									\
	return PFX##_fetch_add(-i, v);					\
}									\
									\
static __always_inline V PFX##_add_return(V i, T *v)			\
{									\
	return PFX##_fetch_add(i, v) + i;				\
}									\
									\
static __always_inline V PFX##_sub_return(V i, T *v)			\
{									\
	return PFX##_fetch_add(-i, v) - i;				\
}									\
									\
static __always_inline V PFX##_inc_return(T *v)				\
{									\
	return PFX##_add_return(1, v);					\
}									\
									\
static __always_inline V PFX##_dec_return(T *v)				\
{									\
	return PFX##_sub_return(1, v);					\
}									\
									\
static __always_inline V PFX##_cmpxchg(T *v, V old, V new)		\
{									\
	return cmpxchg(&v->counter, old, new);				\
}									\
									\
static __always_inline bool PFX##_try_cmpxchg(T *v, V *old, V new)	\
{									\
	return try_cmpxchg(&v->counter, old, new);			\
}									\
									\
static __always_inline V PFX##_xchg(T *v, V new)			\
{									\
	return xchg(&v->counter, new);					\
}									\
									\
static __always_inline V PFX##_fetch_and(V i, T *v)			\
{									\
	V old = PFX##_read(v);						\
									\
	while (!PFX##_try_cmpxchg(v, &old, old & i))			\
		;							\
	return old;							\
}									\
									\
static __always_inline V PFX##_fetch_or(V i, T *v)			\
{									\
	V old = PFX##_read(v);						\
									\
	while (!PFX##_try_cmpxchg(v, &old, old | i))			\
		;							\
	return old;							\
}									\
									\
static __always_inline V PFX##_fetch_xor(V i, T *v)			\
{									\
	V old = PFX##_read(v);						\
									\
	while (!PFX##_try_cmpxchg(v, &old, old ^ i))			\
		;							\
	return old;							\
}									\
									\
static __always_inline void PFX##_and(V i, T *v)			\
{									\
	asm volatile("lock and%z0 %1, %0"				\
		     : "+m"(v->counter) : "er"(i) : "memory", "cc");	\
}									\
									\
static __always_inline void PFX##_or(V i, T *v)				\
{									\
	asm volatile("lock or%z0 %1, %0"				\
		     : "+m"(v->counter) : "er"(i) : "memory", "cc");	\
}									\
									\
static __always_inline void PFX##_xor(V i, T *v)			\
{									\
	asm volatile("lock xor%z0 %1, %0"				\
		     : "+m"(v->counter) : "er"(i) : "memory", "cc");	\
}

__ATOMIC_OPS(atomic, atomic_t, int)
__ATOMIC_OPS(atomic64, atomic64_t, s64)

#undef __ATOMIC_OPS

#endif /* _ASM_X86_ATOMIC_H */
