/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_CMPXCHG_H
#define _ASM_X86_CMPXCHG_H

/*
 * xchg() and cmpxchg() on 1, 2, 4 or 8 byte objects.  Both are full
 * barriers (xchg with memory is implicitly locked; cmpxchg carries the
 * lock prefix).  cmpxchg() returns the value found in memory: the swap
 * happened when it equals old.
 */
#define xchg(ptr, v) ({							\
	__typeof__(*(ptr)) __x = (v);					\
	asm volatile("xchg %0, %1"					\
		     : "+r"(__x), "+m"(*(ptr)) : : "memory");		\
	__x;								\
})

#define cmpxchg(ptr, old, new) ({					\
	__typeof__(*(ptr)) __ret;					\
	__typeof__(*(ptr)) __old = (old);				\
	__typeof__(*(ptr)) __new = (new);				\
	asm volatile("lock cmpxchg %2, %1"				\
		     : "=a"(__ret), "+m"(*(ptr))			\
		     : "r"(__new), "0"(__old)				\
		     : "memory", "cc");					\
	__ret;								\
})

/*
 * try_cmpxchg: like cmpxchg, but returns whether the swap happened and
 * updates *pold with the value found otherwise (handy in retry loops).
 */
#define try_cmpxchg(ptr, pold, new) ({					\
	__typeof__(*(ptr)) *__po = (pold);				\
	__typeof__(*(ptr)) __o = *__po;					\
	__typeof__(*(ptr)) __r = cmpxchg(ptr, __o, new);		\
	bool __ok = __r == __o;						\
	if (!__ok)							\
		*__po = __r;						\
	__ok;								\
})

#endif /* _ASM_X86_CMPXCHG_H */
