/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_RWLOCK_H
#define _TESSERA_RWLOCK_H

/*
 * Reader-writer spinlocks (kernel/locking/rwlock.c): any number of
 * readers or one writer; spinning, with preemption disabled while held
 * (the same rules as spinlocks; use the _irq/_irqsave variants for locks
 * also taken in interrupts).
 *
 * Writer-fair: once a writer waits, new readers queue behind it, so a
 * stream of readers cannot starve writers.  Readers in interrupt context
 * are the exception (they only wait for an active writer), because the
 * code they interrupted may hold the lock for reading.
 *
 * cnts: bits 0-7 the writer (0xff when write-locked), bit 8 a writer is
 * waiting, bits 9- the number of readers.  wait_lock (a ticket lock)
 * orders the contenders.
 */
#include <tessera/atomic.h>
#include <tessera/preempt.h>
#include <asm/processor.h>
#include <asm/spinlock.h>

typedef struct {
	atomic_t cnts;
	arch_spinlock_t wait_lock;
} rwlock_t;

#define _QW_LOCKED	0x0ff
#define _QW_WAITING	0x100
#define _QW_WMASK	0x1ff
#define _QR_BIAS	0x200

#define __RW_LOCK_UNLOCKED(name)					\
	{ .cnts = ATOMIC_INIT(0), .wait_lock = __ARCH_SPIN_LOCK_UNLOCKED }
#define DEFINE_RWLOCK(name)	rwlock_t name = __RW_LOCK_UNLOCKED(name)

static inline void rwlock_init(rwlock_t *l)
{
	atomic_set(&l->cnts, 0);
	arch_spin_lock_init(&l->wait_lock);
}

void arch_read_lock_slowpath(rwlock_t *l);
void arch_write_lock_slowpath(rwlock_t *l);

static __always_inline void arch_read_lock(rwlock_t *l)
{
	int cnts = atomic_add_return(_QR_BIAS, &l->cnts);

	if (likely(!(cnts & _QW_WMASK)))
		return;
	arch_read_lock_slowpath(l);
}

static __always_inline void arch_write_lock(rwlock_t *l)
{
	int free = 0;

	if (likely(atomic_try_cmpxchg(&l->cnts, &free, _QW_LOCKED)))
		return;
	arch_write_lock_slowpath(l);
}

static __always_inline bool arch_read_trylock(rwlock_t *l)
{
	int cnts = atomic_read(&l->cnts);

	if (!(cnts & _QW_WMASK)) {
		cnts = atomic_add_return(_QR_BIAS, &l->cnts);
		if (likely(!(cnts & _QW_WMASK)))
			return true;
		atomic_sub(_QR_BIAS, &l->cnts);
	}
	return false;
}

static __always_inline bool arch_write_trylock(rwlock_t *l)
{
	int free = 0;

	return atomic_try_cmpxchg(&l->cnts, &free, _QW_LOCKED);
}

static inline void read_lock(rwlock_t *l)
{
	preempt_disable();
	arch_read_lock(l);
}

static inline void read_unlock(rwlock_t *l)
{
	atomic_sub(_QR_BIAS, &l->cnts);
	preempt_enable();
}

static inline void write_lock(rwlock_t *l)
{
	preempt_disable();
	arch_write_lock(l);
}

static inline void write_unlock(rwlock_t *l)
{
	atomic_sub(_QW_LOCKED, &l->cnts);
	preempt_enable();
}

static inline bool read_trylock(rwlock_t *l)
{
	preempt_disable();
	if (arch_read_trylock(l))
		return true;
	preempt_enable();
	return false;
}

static inline bool write_trylock(rwlock_t *l)
{
	preempt_disable();
	if (arch_write_trylock(l))
		return true;
	preempt_enable();
	return false;
}

static inline void read_lock_irq(rwlock_t *l)
{
	local_irq_disable();
	read_lock(l);
}

static inline void read_unlock_irq(rwlock_t *l)
{
	atomic_sub(_QR_BIAS, &l->cnts);
	local_irq_enable();
	preempt_enable();
}

static inline void write_lock_irq(rwlock_t *l)
{
	local_irq_disable();
	write_lock(l);
}

static inline void write_unlock_irq(rwlock_t *l)
{
	atomic_sub(_QW_LOCKED, &l->cnts);
	local_irq_enable();
	preempt_enable();
}

#define read_lock_irqsave(l, flags) do {				\
	(flags) = local_irq_save();					\
	read_lock(l);							\
} while (0)

#define read_unlock_irqrestore(l, flags) do {				\
	atomic_sub(_QR_BIAS, &(l)->cnts);				\
	local_irq_restore(flags);					\
	preempt_enable();						\
} while (0)

#define write_lock_irqsave(l, flags) do {				\
	(flags) = local_irq_save();					\
	write_lock(l);							\
} while (0)

#define write_unlock_irqrestore(l, flags) do {				\
	atomic_sub(_QW_LOCKED, &(l)->cnts);				\
	local_irq_restore(flags);					\
	preempt_enable();						\
} while (0)

#endif /* _TESSERA_RWLOCK_H */
