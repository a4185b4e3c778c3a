/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SPINLOCK_H
#define _TESSERA_SPINLOCK_H

#include <tessera/types.h>
#include <tessera/compiler.h>
#include <asm/processor.h>

/*
 * Ticket spinlock: fair (FIFO) under contention.  The _irqsave variants
 * also disable local interrupts.
 */
typedef struct {
	u16 owner;
	u16 next;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ 0, 0 }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
	l->owner = 0;
	l->next = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	u16 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
	u16 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	/* owner is the low half, next the high half; free when equal. */
	u32 old = ((u32)owner << 16) | owner;
	u32 new = ((u32)(u16)(owner + 1) << 16) | owner;

	BUILD_BUG_ON(offsetof(spinlock_t, next) != 2);
	return __atomic_compare_exchange_n((u32 *)l, &old, new, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return READ_ONCE(l->owner) != READ_ONCE(l->next);
}

#define spin_lock_irqsave(l, flags) \
	do { (flags) = local_irq_save(); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) \
	do { spin_unlock(l); local_irq_restore(flags); } while (0)

#endif /* _TESSERA_SPINLOCK_H */
