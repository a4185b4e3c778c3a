// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of atomics, refcounts and locks.
 */
#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/refcount.h>
#include <tessera/selftest.h>
#include <asm/bitops.h>

SELFTEST(atomic_ops)
{
	atomic_t a = ATOMIC_INIT(5);
	atomic64_t b = ATOMIC64_INIT(1LL << 40);
	unsigned long bits[2] = { 0, 0 };
	int old;
	s64 old64;

	ST_EQ(atomic_read(&a), 5);
	atomic_set(&a, 10);
	atomic_add(5, &a);
	atomic_sub(3, &a);
	atomic_inc(&a);
	atomic_dec(&a);
	ST_EQ(atomic_read(&a), 12);
	ST_EQ(atomic_add_return(3, &a), 15);
	ST_EQ(atomic_sub_return(5, &a), 10);
	ST_EQ(atomic_inc_return(&a), 11);
	ST_EQ(atomic_dec_return(&a), 10);
	ST_EQ(atomic_fetch_add(2, &a), 10);
	ST_EQ(atomic_fetch_sub(2, &a), 12);
	ST_EQ(atomic_fetch_or(0x30, &a), 10);
	ST_EQ(atomic_fetch_and(0x3a, &a), 0x3a);
	ST_EQ(atomic_fetch_xor(0xff, &a), 0x3a);
	ST_EQ(atomic_read(&a), 0xc5);
	atomic_and(0x0f, &a);
	atomic_or(0x30, &a);
	atomic_xor(0x01, &a);
	ST_EQ(atomic_read(&a), 0x34);

	ST_EQ(atomic_cmpxchg(&a, 1, 2), 0x34);		/* no swap */
	ST_EQ(atomic_read(&a), 0x34);
	ST_EQ(atomic_cmpxchg(&a, 0x34, 7), 0x34);	/* swap */
	ST_EQ(atomic_read(&a), 7);
	old = 3;
	ST_ASSERT(!atomic_try_cmpxchg(&a, &old, 9));
	ST_EQ(old, 7);					/* updated */
	ST_ASSERT(atomic_try_cmpxchg(&a, &old, 9));
	ST_EQ(atomic_xchg(&a, 1), 9);
	ST_ASSERT(atomic_dec_and_test(&a));
	ST_ASSERT(!atomic_dec_and_test(&a));
	ST_ASSERT(atomic_inc_and_test(&a));
	ST_ASSERT(atomic_sub_and_test(0, &a));
	ST_ASSERT(atomic_add_negative(-1, &a));
	ST_ASSERT(!atomic_add_negative(1, &a));
	ST_ASSERT(!atomic_inc_not_zero(&a));
	ST_ASSERT(!atomic_add_unless(&a, 1, 0));
	atomic_set(&a, 3);
	ST_ASSERT(atomic_inc_not_zero(&a));
	ST_EQ(atomic_read(&a), 4);
	ST_EQ(atomic_dec_if_positive(&a), 3);
	atomic_set(&a, 0);
	ST_EQ(atomic_dec_if_positive(&a), -1);
	ST_EQ(atomic_read(&a), 0);
	atomic_set(&a, INT_MAX);
	atomic_inc(&a);					/* wraps, unlike refcount_t */
	ST_EQ(atomic_read(&a), INT_MIN);

	/* 64-bit: values beyond 32 bits survive every operation. */
	atomic64_add(1LL << 41, &b);
	ST_EQ(atomic64_read(&b), 3LL << 40);
	ST_EQ(atomic64_fetch_add(1, &b), 3LL << 40);
	ST_EQ(atomic64_sub_return(1, &b), 3LL << 40);
	ST_EQ(atomic64_cmpxchg(&b, 3LL << 40, -1), 3LL << 40);
	ST_ASSERT(atomic64_inc_and_test(&b));
	old64 = 0;
	ST_ASSERT(atomic64_try_cmpxchg(&b, &old64, 1LL << 50));
	ST_EQ(atomic64_xchg(&b, 5), 1LL << 50);
	ST_ASSERT(atomic64_inc_not_zero(&b));
	ST_EQ(atomic64_read(&b), 6);

	/* Bit operations. */
	set_bit(3, bits);
	set_bit(70, bits);
	ST_ASSERT(test_bit(3, bits) && test_bit(70, bits) && !test_bit(4, bits));
	ST_ASSERT(test_and_set_bit(3, bits));
	ST_ASSERT(!test_and_set_bit(4, bits));
	ST_ASSERT(test_and_clear_bit(4, bits));
	ST_ASSERT(!test_and_clear_bit(4, bits));
	clear_bit(3, bits);
	ST_EQ(find_first_bit(bits, 128), 70);
	ST_EQ(find_first_zero_bit(bits, 128), 0);
	ST_EQ(find_next_bit(bits, 70, 0), 70);		/* none below size */
	ST_EQ(hweight64(0xf0f0f0f0f0f0f0f0ULL), 32);
	return 0;
}

SELFTEST(refcount_saturation)
{
	refcount_t r = REFCOUNT_INIT(1);

	selftest_expect_warnings(4);

	refcount_inc(&r);
	ST_EQ(refcount_read(&r), 2);
	ST_ASSERT(!refcount_dec_and_test(&r));
	ST_ASSERT(refcount_dec_and_test(&r));		/* the last one */

	/* Incrementing from zero: use after free.  WARN 1. */
	refcount_inc(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* Overflow past REFCOUNT_MAX saturates.  WARN 2. */
	refcount_set(&r, REFCOUNT_MAX);
	refcount_inc(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);
	/* Saturated stays saturated, quietly, and is never freed. */
	refcount_inc(&r);
	ST_ASSERT(!refcount_dec_and_test(&r));
	refcount_dec(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);
	ST_ASSERT(refcount_inc_not_zero(&r));
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* Underflow.  WARN 3. */
	refcount_set(&r, 0);
	ST_ASSERT(!refcount_dec_and_test(&r));
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* refcount_dec() must not drop the last reference.  WARN 4. */
	refcount_set(&r, 1);
	refcount_dec(&r);
	ST_EQ((int)refcount_read(&r), REFCOUNT_SATURATED);

	/* inc_not_zero: no reference from zero, no warning. */
	refcount_set(&r, 0);
	ST_ASSERT(!refcount_inc_not_zero(&r));
	ST_EQ(refcount_read(&r), 0);
	refcount_set(&r, 5);
	ST_ASSERT(refcount_inc_not_zero(&r));
	ST_EQ(refcount_read(&r), 6);
	return 0;
}
