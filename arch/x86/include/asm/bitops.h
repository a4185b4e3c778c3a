/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_BITOPS_H
#define _ASM_X86_BITOPS_H

/*
 * Bit operations on arrays of unsigned long.  set_bit(), clear_bit() and
 * the test_and_*() ones are atomic (test_and_* are also full barriers);
 * the __ variants are not atomic.
 */
#include <tessera/types.h>
#include <tessera/compiler.h>

#define BITS_PER_LONG		64
#define BIT(n)			(1UL << (n))
#define BIT_WORD(n)		((n) / BITS_PER_LONG)
#define BIT_MASK(n)		(1UL << ((n) % BITS_PER_LONG))
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static __always_inline void set_bit(long nr, volatile unsigned long *addr)
{
	asm volatile("lock btsq %1, %0" : "+m"(*addr) : "r"(nr) : "memory", "cc");
}

static __always_inline void clear_bit(long nr, volatile unsigned long *addr)
{
	asm volatile("lock btrq %1, %0" : "+m"(*addr) : "r"(nr) : "memory", "cc");
}

static __always_inline bool test_and_set_bit(long nr,
					     volatile unsigned long *addr)
{
	bool old;

	asm volatile("lock btsq %2, %0"
		     : "+m"(*addr), "=@ccc"(old) : "r"(nr) : "memory");
	return old;
}

static __always_inline bool test_and_clear_bit(long nr,
					       volatile unsigned long *addr)
{
	bool old;

	asm volatile("lock btrq %2, %0"
		     : "+m"(*addr), "=@ccc"(old) : "r"(nr) : "memory");
	return old;
}

static __always_inline void __set_bit(long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static __always_inline void __clear_bit(long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static __always_inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return (addr[BIT_WORD(nr)] >> (nr % BITS_PER_LONG)) & 1;
}

/* Index of the lowest set bit; undefined for 0. */
static __always_inline unsigned long __ffs(unsigned long w)
{
	return __builtin_ctzl(w);
}

/* 1-based index of the highest set bit, 0 for 0. */
static __always_inline int fls64(u64 w)
{
	return w ? 64 - __builtin_clzll(w) : 0;
}

/* Number of set bits (no POPCNT: the kernel targets plain x86-64). */
static inline unsigned int hweight64(u64 w)
{
	w -= (w >> 1) & 0x5555555555555555ULL;
	w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (w * 0x0101010101010101ULL) >> 56;
}

/* First set bit at or after start, or size when there is none. */
static inline unsigned long find_next_bit(const unsigned long *addr,
					  unsigned long size,
					  unsigned long start)
{
	unsigned long w;

	if (start >= size)
		return size;
	w = addr[BIT_WORD(start)] & (~0UL << (start % BITS_PER_LONG));
	start -= start % BITS_PER_LONG;
	for (;;) {
		if (w) {
			start += __ffs(w);
			return start < size ? start : size;
		}
		start += BITS_PER_LONG;
		if (start >= size)
			return size;
		w = addr[BIT_WORD(start)];
	}
}

/* First clear bit, or size when all are set. */
static inline unsigned long find_first_zero_bit(const unsigned long *addr,
						unsigned long size)
{
	unsigned long i;

	for (i = 0; i < size; i += BITS_PER_LONG) {
		unsigned long w = ~addr[BIT_WORD(i)];

		if (w) {
			i += __ffs(w);
			return i < size ? i : size;
		}
	}
	return size;
}

static inline unsigned long find_first_bit(const unsigned long *addr,
					   unsigned long size)
{
	return find_next_bit(addr, size, 0);
}

#endif /* _ASM_X86_BITOPS_H */
