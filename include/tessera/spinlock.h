/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SPINLOCK_H
#define _TESSERA_SPINLOCK_H

/*
 * Spinlocks: the arch ticket lock with preemption disabled while held,
 * so a holder is never switched out on its CPU.  A spinlock also taken
 * by interrupt handlers must be taken with local interrupts disabled
 * (spin_lock_irqsave/spin_lock_irq) everywhere else.  Never sleep while
 * holding one.
 */
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/bug.h>
#include <tessera/preempt.h>
#include <asm/processor.h>
#include <asm/spinlock.h>

typedef struct spinlock {
	arch_spinlock_t raw;
} spinlock_t;

/* No separate raw spinlocks: every spinlock already spins. */
typedef spinlock_t raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name)	{ .raw = __ARCH_SPIN_LOCK_UNLOCKED }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

static inline void spin_lock_init(spinlock_t *l)
{
	arch_spin_lock_init(&l->raw);
}

static __always_inline void spin_lock(spinlock_t *l)
{
	preempt_disable();
	arch_spin_lock(&l->raw);
}

static __always_inline bool spin_trylock(spinlock_t *l)
{
	preempt_disable();
	if (arch_spin_trylock(&l->raw))
		return true;
	preempt_enable();
	return false;
}

static __always_inline void spin_unlock(spinlock_t *l)
{
	arch_spin_unlock(&l->raw);
	preempt_enable();
}

static __always_inline void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	preempt_disable();
	arch_spin_lock(&l->raw);
}

static __always_inline void spin_unlock_irq(spinlock_t *l)
{
	arch_spin_unlock(&l->raw);
	local_irq_enable();
	preempt_enable();
}

#define spin_lock_irqsave(l, flags) do {				\
	(flags) = local_irq_save();					\
	spin_lock(l);							\
} while (0)

#define spin_unlock_irqrestore(l, flags) do {				\
	arch_spin_unlock(&(l)->raw);					\
	local_irq_restore(flags);					\
	preempt_enable();						\
} while (0)

#define spin_trylock_irqsave(l, flags) ({				\
	(flags) = local_irq_save();					\
	spin_trylock(l) ? true : (local_irq_restore(flags), false);	\
})

static __always_inline bool spin_is_locked(spinlock_t *l)
{
	return arch_spin_is_locked(&l->raw);
}

/* Documents (and checks, cheaply) that the caller holds l. */
#define assert_spin_locked(l)	BUG_ON(!spin_is_locked(l))

#define raw_spin_lock_init	spin_lock_init
#define raw_spin_lock		spin_lock
#define raw_spin_unlock		spin_unlock
#define raw_spin_lock_irq	spin_lock_irq
#define raw_spin_unlock_irq	spin_unlock_irq
#define raw_spin_lock_irqsave	spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore

#endif /* _TESSERA_SPINLOCK_H */
