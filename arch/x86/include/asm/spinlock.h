/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_SPINLOCK_H
#define _ASM_X86_SPINLOCK_H

/*
 * The architecture lock under spinlock_t: a ticket lock, fair (FIFO)
 * under contention.  Knows nothing of preemption or interrupts; use the
 * spin_lock*() API of <tessera/spinlock.h>.
 */
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <asm/processor.h>

typedef struct {
	u16 owner;
	u16 next;
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED	{ 0, 0 }

static __always_inline void arch_spin_lock_init(arch_spinlock_t *l)
{
	l->owner = 0;
	l->next = 0;
}

static __always_inline void arch_spin_lock(arch_spinlock_t *l)
{
	u16 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static __always_inline bool arch_spin_trylock(arch_spinlock_t *l)
{
	u16 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	/* owner is the low half, next the high half; free when equal. */
	u32 old = ((u32)owner << 16) | owner;
	u32 new = ((u32)(u16)(owner + 1) << 16) | owner;

	BUILD_BUG_ON(__builtin_offsetof(arch_spinlock_t, next) != 2);
	return __atomic_compare_exchange_n((u32 *)l, &old, new, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static __always_inline void arch_spin_unlock(arch_spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static __always_inline bool arch_spin_is_locked(arch_spinlock_t *l)
{
	return READ_ONCE(l->owner) != READ_ONCE(l->next);
}

#endif /* _ASM_X86_SPINLOCK_H */
