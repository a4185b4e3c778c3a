// SPDX-License-Identifier: GPL-2.0
/*
 * The contended paths of rwlock_t (see include/tessera/rwlock.h).
 */
#include <tessera/kernel.h>
#include <tessera/rwlock.h>

/* The fast path added our reader bias and saw a writer. */
void arch_read_lock_slowpath(rwlock_t *l)
{
	if (unlikely(in_interrupt())) {
		/*
		 * Keep the bias and wait only for the active writer: a
		 * waiting writer cannot get in while our bias is there, and
		 * queueing behind it could deadlock with a read lock held by
		 * the code we interrupted.
		 */
		while (atomic_read(&l->cnts) & _QW_LOCKED)
			cpu_relax();
		return;
	}
	atomic_sub(_QR_BIAS, &l->cnts);

	/* Queue behind earlier readers and writers. */
	arch_spin_lock(&l->wait_lock);
	atomic_add(_QR_BIAS, &l->cnts);
	while (atomic_read(&l->cnts) & _QW_LOCKED)
		cpu_relax();
	/* Readers behind us may come in too, until a writer queues. */
	arch_spin_unlock(&l->wait_lock);
}

void arch_write_lock_slowpath(rwlock_t *l)
{
	int cnts;

	arch_spin_lock(&l->wait_lock);
	/* Announce ourselves: new readers now queue on wait_lock. */
	atomic_or(_QW_WAITING, &l->cnts);
	/* Wait for the readers (and the previous writer) to leave. */
	for (;;) {
		cnts = _QW_WAITING;
		if (atomic_read(&l->cnts) == _QW_WAITING &&
		    atomic_try_cmpxchg(&l->cnts, &cnts, _QW_LOCKED))
			break;
		cpu_relax();
	}
	arch_spin_unlock(&l->wait_lock);
}
