/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_BARRIER_H
#define _ASM_X86_BARRIER_H

#include <tessera/compiler.h>

/*
 * Memory barriers.  x86 is TSO: loads are not reordered with loads, nor
 * stores with stores, so smp_rmb()/smp_wmb() only need to stop the
 * compiler.  A store followed by a load may still be reordered, which
 * smp_mb() prevents with a locked instruction (cheaper than mfence).
 * mb()/rmb()/wmb() also order device and non-temporal accesses.
 */
#define mb()		asm volatile("mfence" ::: "memory")
#define rmb()		asm volatile("lfence" ::: "memory")
#define wmb()		asm volatile("sfence" ::: "memory")

#define smp_mb()	asm volatile("lock addl $0, -4(%%rsp)" ::: "memory", "cc")
#define smp_rmb()	barrier()
#define smp_wmb()	barrier()

/* Locked read-modify-write instructions are already full barriers. */
#define smp_mb__before_atomic()	barrier()
#define smp_mb__after_atomic()	barrier()

#define smp_store_release(p, v) do {					\
	barrier();							\
	WRITE_ONCE(*(p), v);						\
} while (0)

#define smp_load_acquire(p) ({						\
	__typeof__(*(p)) ___v = READ_ONCE(*(p));			\
	barrier();							\
	___v;								\
})

/* Spin until cond_expr (which may use VAL, the loaded value) holds. */
#define smp_cond_load_acquire(p, cond_expr) ({				\
	__typeof__(*(p)) VAL;						\
	for (;;) {							\
		VAL = READ_ONCE(*(p));					\
		if (cond_expr)						\
			break;						\
		asm volatile("pause" ::: "memory");			\
	}								\
	barrier();							\
	VAL;								\
})

#endif /* _ASM_X86_BARRIER_H */
