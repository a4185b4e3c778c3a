// SPDX-License-Identifier: GPL-2.0
/*
 * futex(2), get_robust_list(2) and the robust-list walk at a thread's
 * death, as Linux does them (Documentation/processor.md, "Futexes").
 *
 * A waiter sits in a hash bucket, keyed by (address space, address),
 * on a struct futex_q on its own stack.  Reading the user word may take a
 * pcache miss, an RPC to the memory node that sleeps, so a bucket's lock
 * is a mutex: the waiter reads the word and queues itself under it, and a
 * waker, having changed the word in user space, takes it to find the
 * waiters.  Either the waker comes first and the waiter reads the new
 * value (-EAGAIN), or the waiter is queued before the waker looks.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/list.h>
#include <tessera/mutex.h>
#include <tessera/rwlock.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include <tessera/timekeeping.h>
#include <asm/uaccess.h>
#include <uapi/linux/futex.h>
#include <uapi/linux/time.h>
#include "futex.h"
#include "process.h"
#include "syscall.h"

/* Internal flags of an operation (and of its restart block). */
#define FLAGS_SHARED		0x01	/* no FUTEX_PRIVATE_FLAG */
#define FLAGS_CLOCKRT		0x02	/* the deadline is CLOCK_REALTIME */
#define FLAGS_HAS_TIMEOUT	0x04

#define FUTEX_HASH_BITS		8

/*
 * A futex is its address space and address, or for a shared futex in a
 * MAP_SHARED mapping of S's file, that file (mm NULL, fkey as the VMA's)
 * and the offset in it: processes mapping the file meet there.
 */
struct futex_key {
	struct mm_struct *mm;
	u64 fkey;
	unsigned long addr;
};

struct futex_hash_bucket {
	struct mutex lock;
	struct list_head chain;		/* of struct futex_q */
};

/* A waiting task, on its stack while it sleeps in futex_wait(). */
struct futex_q {
	struct list_head list;		/* in hb->chain */
	struct futex_key key;
	/* Its bucket: a requeue changes it, holding both buckets' locks. */
	struct futex_hash_bucket *hb;
	struct task_struct *task;
	u32 bitset;
	/* Off the chain and woken: the waker's last touch of this struct. */
	bool woken;
};

#define FB1(i)	[i] = { .lock = __MUTEX_INITIALIZER(futex_queues[i].lock), \
			.chain = LIST_HEAD_INIT(futex_queues[i].chain) }
#define FB4(i)	FB1(i), FB1((i) + 1), FB1((i) + 2), FB1((i) + 3)
#define FB16(i)	FB4(i), FB4((i) + 4), FB4((i) + 8), FB4((i) + 12)
#define FB64(i)	FB16(i), FB16((i) + 16), FB16((i) + 32), FB16((i) + 48)

static struct futex_hash_bucket futex_queues[1 << FUTEX_HASH_BITS] = {
	FB64(0), FB64(64), FB64(128), FB64(192)
};

/*
 * The one place a futex's identity is made.  Every page belongs to one
 * address space today (MAP_SHARED anonymous memory is copied at fork and
 * files are not mapped shared), so a shared futex is keyed like a private
 * one, by (mm, address): the threads of a process, and a CLONE_VM |
 * CLONE_VFORK child with its parent, meet on the same key.  When pages
 * are shared between address spaces (file mappings, issue 11), a shared
 * futex in a shared file mapping is to be keyed by (file, offset) here.
 */
static int futex_get_key(u32 __user *uaddr, unsigned int flags,
			 struct futex_key *key)
{
	unsigned long addr = (unsigned long)uaddr;
	u32 v;

	if (!IS_ALIGNED(addr, sizeof(u32)))
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(u32)))
		return -EFAULT;
	/* Linux looks a shared futex's page up to key it: unmapped is -EFAULT. */
	if ((flags & FLAGS_SHARED) && copy_from_user(&v, uaddr, sizeof(v)))
		return -EFAULT;
	key->mm = current->mm;
	key->fkey = 0;
	key->addr = addr;
	if (flags & FLAGS_SHARED) {
		struct mm_struct *mm = current->mm;
		struct vm_area *v;

		mutex_lock(&mm->lock);
		v = find_vma(mm, addr);
		if (v && v->start <= addr && v->fkey) {
			key->mm = NULL;
			key->fkey = v->fkey;
			key->addr = v->pgoff + (addr - v->start);
		}
		mutex_unlock(&mm->lock);
	}
	return 0;
}

static bool futex_match(const struct futex_key *a, const struct futex_key *b)
{
	return a->mm == b->mm && a->fkey == b->fkey && a->addr == b->addr;
}

static struct futex_hash_bucket *futex_hash(const struct futex_key *key)
{
	u64 h = ((unsigned long)key->mm >> 6) ^ (key->addr >> 2) ^ key->fkey;

	h *= 0x9e3779b97f4a7c15ULL;
	return &futex_queues[h >> (64 - FUTEX_HASH_BITS)];
}

/* Two buckets in address order, so that two such callers cannot deadlock. */
static void double_lock_hb(struct futex_hash_bucket *a,
			   struct futex_hash_bucket *b)
{
	struct futex_hash_bucket *t;

	if (a > b) {
		t = a;
		a = b;
		b = t;
	}
	mutex_lock(&a->lock);
	if (a != b)
		mutex_lock(&b->lock);
}

/* The keys of two words and their buckets, both locked (requeue, wake_op). */
static int futex_lock_two(u32 __user *uaddr1, u32 __user *uaddr2,
			  unsigned int flags, struct futex_key *key1,
			  struct futex_key *key2,
			  struct futex_hash_bucket **hb1,
			  struct futex_hash_bucket **hb2)
{
	int ret;

	ret = futex_get_key(uaddr1, flags, key1);
	if (!ret)
		ret = futex_get_key(uaddr2, flags, key2);
	if (ret)
		return ret;
	*hb1 = futex_hash(key1);
	*hb2 = futex_hash(key2);
	double_lock_hb(*hb1, *hb2);
	return 0;
}

static void double_unlock_hb(struct futex_hash_bucket *a,
			     struct futex_hash_bucket *b)
{
	mutex_unlock(&a->lock);
	if (a != b)
		mutex_unlock(&b->lock);
}

/*
 * Take q off its chain and wake its task (q's bucket locked).  Once
 * q->woken is set the waiter may return and its stack be reused, so the
 * task is held by a reference of our own for the wake-up.
 */
static void futex_wake_q(struct futex_q *q)
{
	struct task_struct *t = get_task_struct(q->task);

	list_del_init(&q->list);
	smp_store_release(&q->woken, true);
	wake_up_process(t);
	put_task_struct(t);
}

/*
 * The waiter stops waiting: true if it took q off its chain itself, false
 * if a waker had done so (a wake-up that raced with a timeout or a signal
 * wins, as on Linux).
 */
static bool futex_unqueue(struct futex_q *q)
{
	struct futex_hash_bucket *hb;

	if (smp_load_acquire(&q->woken))
		return false;
	for (;;) {
		hb = READ_ONCE(q->hb);
		mutex_lock(&hb->lock);
		if (hb == READ_ONCE(q->hb))
			break;
		mutex_unlock(&hb->lock);	/* requeued meanwhile */
	}
	if (q->woken) {
		mutex_unlock(&hb->lock);
		return false;
	}
	list_del(&q->list);
	mutex_unlock(&hb->lock);
	return true;
}

static u64 futex_clock_ns(unsigned int flags)
{
	return flags & FLAGS_CLOCKRT ? ktime_get_real_ns() : ktime_get_ns();
}

static long futex_wait_restart(struct restart_block *rb);

/*
 * Wait while *uaddr == val until a wake-up matching bitset, the absolute
 * deadline (in the clock flags say; NULL: none) or a signal.
 */
static long futex_wait(u32 __user *uaddr, unsigned int flags, u32 val,
		       const u64 *deadline, u32 bitset)
{
	struct futex_q q = { .task = current, .bitset = bitset };
	struct futex_hash_bucket *hb;
	struct restart_block *rb;
	u32 uval;
	int ret;

	if (!bitset)
		return -EINVAL;
	ret = futex_get_key(uaddr, flags, &q.key);
	if (ret)
		return ret;
	hb = futex_hash(&q.key);
	mutex_lock(&hb->lock);
	if (get_user(uval, uaddr)) {
		ret = -EFAULT;
	} else if (uval != val) {
		ret = -EAGAIN;
	} else {
		q.hb = hb;
		list_add_tail(&q.list, &hb->chain);
	}
	mutex_unlock(&hb->lock);
	if (ret)
		return ret;

	for (;;) {
		u64 now;

		/* Pairs with the barrier in futex_wake_q()'s wake_up_process(). */
		set_current_state(TASK_INTERRUPTIBLE);
		if (smp_load_acquire(&q.woken) || signal_pending_current())
			break;
		if (!deadline) {
			schedule();
			continue;
		}
		now = futex_clock_ns(flags);
		if (now >= *deadline)
			break;
		/* Whole ticks, rounded up, and the clock read again: never early. */
		schedule_timeout(min(DIV_ROUND_UP(*deadline - now, NSEC_PER_SEC / HZ),
				     (u64)MAX_JIFFY_OFFSET));
	}
	__set_current_state(TASK_RUNNING);

	if (!futex_unqueue(&q))
		return 0;
	if (deadline && futex_clock_ns(flags) >= *deadline)
		return -ETIMEDOUT;
	/*
	 * A signal.  Like Linux: an untimed wait restarts if the handler has
	 * SA_RESTART (or none ran); a timed one is -EINTR after a handler,
	 * else it goes on to the same deadline through restart_syscall().
	 */
	if (!deadline)
		return -ERESTARTSYS;
	rb = &current_thread()->sig.restart;
	rb->fn = futex_wait_restart;
	rb->uaddr = uaddr;
	rb->val = val;
	rb->bitset = bitset;
	rb->flags = flags | FLAGS_HAS_TIMEOUT;
	rb->deadline_ns = *deadline;
	return -ERESTART_RESTARTBLOCK;
}

static long futex_wait_restart(struct restart_block *rb)
{
	u64 deadline = rb->deadline_ns;

	return futex_wait(rb->uaddr, rb->flags & ~FLAGS_HAS_TIMEOUT, rb->val,
			  rb->flags & FLAGS_HAS_TIMEOUT ? &deadline : NULL,
			  rb->bitset);
}

/* Wake waiters of uaddr whose bitset meets bitset: at least one, at most nr. */
static long futex_wake(u32 __user *uaddr, unsigned int flags, int nr,
		       u32 bitset)
{
	struct futex_hash_bucket *hb;
	struct futex_q *q, *next;
	struct futex_key key;
	int ret;

	if (!bitset)
		return -EINVAL;
	ret = futex_get_key(uaddr, flags, &key);
	if (ret)
		return ret;
	hb = futex_hash(&key);
	mutex_lock(&hb->lock);
	list_for_each_entry_safe(q, next, &hb->chain, list) {
		if (!futex_match(&q->key, &key) || !(q->bitset & bitset))
			continue;
		futex_wake_q(q);
		if (++ret >= nr)
			break;
	}
	mutex_unlock(&hb->lock);
	return ret;
}

/*
 * Wake nr_wake waiters of uaddr1 and move up to nr_requeue more to
 * uaddr2; with cmpval, only if *uaddr1 still holds it.  The number woken
 * and moved.
 */
static long futex_requeue(u32 __user *uaddr1, unsigned int flags,
			  u32 __user *uaddr2, int nr_wake, int nr_requeue,
			  const u32 *cmpval)
{
	struct futex_hash_bucket *hb1, *hb2;
	struct futex_key key1, key2;
	struct futex_q *q, *next;
	int ret, count = 0;
	u32 curval;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	ret = futex_lock_two(uaddr1, uaddr2, flags, &key1, &key2, &hb1, &hb2);
	if (ret)
		return ret;
	if (cmpval) {
		if (get_user(curval, uaddr1))
			ret = -EFAULT;
		else if (curval != *cmpval)
			ret = -EAGAIN;
		if (ret)
			goto out;
	}
	list_for_each_entry_safe(q, next, &hb1->chain, list) {
		if (count - nr_wake >= nr_requeue)
			break;
		if (!futex_match(&q->key, &key1))
			continue;
		if (++count <= nr_wake) {
			futex_wake_q(q);
			continue;
		}
		/* Within one bucket only the key changes: no second visit. */
		if (hb1 != hb2) {
			list_move_tail(&q->list, &hb2->chain);
			WRITE_ONCE(q->hb, hb2);
		}
		q->key = key2;
	}
	ret = count;
out:
	double_unlock_hb(hb1, hb2);
	return ret;
}

/*
 * FUTEX_WAKE_OP's operation on the user word: the old value in *oldval.
 * A compare-and-exchange loop, as the page may have to be faulted in (and
 * copied) on the way.
 */
static int futex_atomic_op(unsigned int op, u32 oparg, u32 *oldval,
			   u32 __user *uaddr)
{
	u32 cur, new, found;
	int ret;

	if (op > FUTEX_OP_XOR)
		return -ENOSYS;
	if (get_user(cur, uaddr))
		return -EFAULT;
	for (;;) {
		switch (op) {
		case FUTEX_OP_SET:
			new = oparg;
			break;
		case FUTEX_OP_ADD:
			new = cur + oparg;
			break;
		case FUTEX_OP_OR:
			new = cur | oparg;
			break;
		case FUTEX_OP_ANDN:
			new = cur & ~oparg;
			break;
		default:
			new = cur ^ oparg;
			break;
		}
		ret = user_cmpxchg_u32(uaddr, cur, new, &found);
		if (ret)
			return ret;
		if (found == cur)
			break;
		cur = found;
	}
	*oldval = cur;
	return 0;
}

/* Decode and apply val3 to *uaddr: 1 if the comparison holds, 0 if not. */
static int futex_op_inuser(u32 encoded, u32 __user *uaddr)
{
	unsigned int op = (encoded >> 28) & 7;
	unsigned int cmp = (encoded >> 24) & 15;
	/* Both arguments are signed 12-bit fields. */
	int oparg = (int)(encoded << 8) >> 20;
	int cmparg = (int)(encoded << 20) >> 20;
	u32 old;
	int ret;

	if (encoded & (FUTEX_OP_OPARG_SHIFT << 28)) {
		/* Linux warns and masks an out-of-range shift. */
		oparg = 1U << (oparg & 31);
	}
	ret = futex_atomic_op(op, oparg, &old, uaddr);
	if (ret)
		return ret;
	switch (cmp) {
	case FUTEX_OP_CMP_EQ:
		return (int)old == cmparg;
	case FUTEX_OP_CMP_NE:
		return (int)old != cmparg;
	case FUTEX_OP_CMP_LT:
		return (int)old < cmparg;
	case FUTEX_OP_CMP_GE:
		return (int)old >= cmparg;
	case FUTEX_OP_CMP_LE:
		return (int)old <= cmparg;
	case FUTEX_OP_CMP_GT:
		return (int)old > cmparg;
	}
	return -ENOSYS;
}

/*
 * Change *uaddr2 by op, wake nr_wake waiters of uaddr1 and, if op's
 * comparison of the old value holds, nr_wake2 of uaddr2.
 */
static long futex_wake_op(u32 __user *uaddr1, unsigned int flags,
			  u32 __user *uaddr2, int nr_wake, int nr_wake2,
			  u32 op)
{
	struct futex_hash_bucket *hb1, *hb2;
	struct futex_key key1, key2;
	struct futex_q *q, *next;
	int ret, op_ret, woken2 = 0;

	ret = futex_lock_two(uaddr1, uaddr2, flags, &key1, &key2, &hb1, &hb2);
	if (ret)
		return ret;
	op_ret = futex_op_inuser(op, uaddr2);
	if (op_ret < 0) {
		ret = op_ret;
		goto out;
	}
	list_for_each_entry_safe(q, next, &hb1->chain, list) {
		if (!futex_match(&q->key, &key1))
			continue;
		futex_wake_q(q);
		if (++ret >= nr_wake)
			break;
	}
	if (op_ret > 0) {
		list_for_each_entry_safe(q, next, &hb2->chain, list) {
			if (!futex_match(&q->key, &key2))
				continue;
			futex_wake_q(q);
			if (++woken2 >= nr_wake2)
				break;
		}
		ret += woken2;
	}
out:
	double_unlock_hb(hb1, hb2);
	return ret;
}

static bool futex_cmd_has_timeout(int cmd)
{
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_WAIT_BITSET:
	case FUTEX_WAIT_REQUEUE_PI:
		return true;
	}
	return false;
}

SYSCALL_DEFINE(futex)
{
	u32 __user *uaddr = (u32 __user *)a0, *uaddr2 = (u32 __user *)a4;
	int op = (int)a1, cmd = op & FUTEX_CMD_MASK;
	u32 val = a2, val2 = (u32)a3, val3 = a5;
	unsigned int flags = 0;
	u64 deadline, *dp = NULL;
	struct timespec ts;

	if (a3 && futex_cmd_has_timeout(cmd)) {
		if (copy_from_user(&ts, (void __user *)a3, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
			return -EINVAL;
		/* As Linux's ktime_t: saturated at LLONG_MAX nanoseconds. */
		if ((u64)ts.tv_sec >= LLONG_MAX / NSEC_PER_SEC)
			deadline = LLONG_MAX;
		else
			deadline = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		/* FUTEX_WAIT's timeout is relative, on CLOCK_MONOTONIC. */
		if (cmd == FUTEX_WAIT)
			deadline = min(deadline + ktime_get_ns(), (u64)LLONG_MAX);
		dp = &deadline;
	}

	if (!(op & FUTEX_PRIVATE_FLAG))
		flags |= FLAGS_SHARED;
	if (op & FUTEX_CLOCK_REALTIME) {
		flags |= FLAGS_CLOCKRT;
		if (cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
		    cmd != FUTEX_LOCK_PI2)
			return -ENOSYS;
	}

	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, flags, val, dp, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, flags, val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, flags, uaddr2, val, val2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, flags, uaddr2, val, val2, &val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, flags, uaddr2, val, val2, val3);
	}
	/* Priority inheritance (FUTEX_*_PI*) is not implemented; FUTEX_FD is gone. */
	return -ENOSYS;
}

int futex_wake_user(u32 __user *uaddr, int nr)
{
	return futex_wake(uaddr, FLAGS_SHARED, nr, FUTEX_BITSET_MATCH_ANY);
}

SYSCALL_DEFINE(get_robust_list)
{
	unsigned long head;
	struct uthread *t;

	read_lock(&tasklist_lock);
	t = a0 ? find_thread((int)a0) : current_thread();
	head = t ? t->robust_list : 0;
	read_unlock(&tasklist_lock);
	if (!t)
		return -ESRCH;
	if (put_user((unsigned long)sizeof(struct robust_list_head),
		     (unsigned long __user *)a2))
		return -EFAULT;
	return put_user(head, (unsigned long __user *)a1);
}

/*
 * A robust futex of the dying thread t: if its owner is t, mark it
 * FUTEX_OWNER_DIED (keeping FUTEX_WAITERS, clearing the TID) and wake one
 * waiter if there were any.  An entry in list_op_pending whose word has
 * no owner may have been released just before the death: wake one in
 * case the releaser had no time to.  -EFAULT ends the walk.
 */
static int handle_futex_death(u32 __user *uaddr, struct uthread *t, bool pi,
			      bool pending)
{
	u32 uval, mval, found;

	if (!IS_ALIGNED((unsigned long)uaddr, sizeof(u32)))
		return -EINVAL;
	for (;;) {
		if (get_user(uval, uaddr))
			return -EFAULT;
		if (pending && !pi && !(uval & FUTEX_TID_MASK)) {
			futex_wake_user(uaddr, 1);
			return 0;
		}
		if ((uval & FUTEX_TID_MASK) != (u32)t->tid)
			return 0;
		mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (user_cmpxchg_u32(uaddr, uval, mval, &found))
			return -EFAULT;
		if (found == uval)
			break;
	}
	/* No PI waiters exist: FUTEX_LOCK_PI is not implemented. */
	if (!pi && (uval & FUTEX_WAITERS))
		futex_wake_user(uaddr, 1);
	return 0;
}

/* A next pointer of the list: the entry and its PI bit (bit 0). */
static int fetch_robust_entry(unsigned long *entry,
			      unsigned long __user *from, bool *pi)
{
	unsigned long v;

	if (get_user(v, from))
		return -EFAULT;
	*entry = v & ~1UL;
	*pi = v & 1;
	return 0;
}

void futex_exit_robust(struct uthread *t)
{
	unsigned long head = t->robust_list, entry, next = 0, pending;
	unsigned int limit = ROBUST_LIST_LIMIT;
	bool pi, next_pi = false, pip;
	long offset;
	int rc;

	t->robust_list = 0;
	if (!head || !current->mm)
		return;
	if (fetch_robust_entry(&entry, (unsigned long __user *)head, &pi) ||
	    get_user(offset, (long __user *)(head +
			offsetof(struct robust_list_head, futex_offset))) ||
	    fetch_robust_entry(&pending, (unsigned long __user *)(head +
			offsetof(struct robust_list_head, list_op_pending)),
			&pip))
		return;
	/* The list is circular through the head; a loop ends at the limit. */
	while (entry != head) {
		rc = fetch_robust_entry(&next, (unsigned long __user *)entry,
					&next_pi);
		/* The pending entry is done last, whatever list it is on. */
		if (entry != pending &&
		    handle_futex_death((u32 __user *)(entry + offset), t, pi, false))
			return;
		if (rc)
			return;
		entry = next;
		pi = next_pi;
		if (!--limit)
			break;
		cond_resched();
	}
	if (pending)
		handle_futex_death((u32 __user *)(pending + offset), t, pip, true);
}
