// SPDX-License-Identifier: GPL-2.0
/*
 * poll, ppoll, select and pselect6.  Each round asks every file's
 * f_op->poll for its events; the first round also puts the caller on the
 * wait queues the files name through poll_wait(), so that a change wakes
 * it.  It sleeps until woken, the timeout or a signal.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/jiffies.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/wait.h>
#include <asm/uaccess.h>
#include <uapi/linux/poll.h>
#include <uapi/linux/time_types.h>
#include "process.h"
#include "syscall.h"

#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLL_ENTRIES	16

struct poll_entry {
	struct wait_queue_entry wait;
	struct wait_queue_head *wq;
	struct file *file;		/* held while the entry is queued */
	struct poll_table *pt;
};

struct poll_chunk {
	struct poll_chunk *next;
	int nr;
	struct poll_entry entries[POLL_ENTRIES];
};

struct poll_table {
	bool registering;	/* the first round: poll_wait() queues */
	bool triggered;		/* a queue was woken since the last round */
	bool tick;		/* a file cannot wake us: look again each tick */
	int error;
	struct poll_chunk *chunks;
};

static int poll_wake(struct wait_queue_entry *wait, unsigned int mode,
		     int flags, void *key)
{
	struct poll_entry *e = container_of(wait, struct poll_entry, wait);

	WRITE_ONCE(e->pt->triggered, true);
	smp_wmb();
	return default_wake_function(wait, mode, flags, key);
}

void poll_wait(struct file *f, struct wait_queue_head *wq,
	       struct poll_table *pt)
{
	struct poll_chunk *c;
	struct poll_entry *e;

	if (!pt || !pt->registering)
		return;
	if (!wq) {
		pt->tick = true;
		return;
	}
	c = pt->chunks;
	if (!c || c->nr == POLL_ENTRIES) {
		c = kzalloc(sizeof(*c), GFP_KERNEL);
		if (!c) {
			pt->error = -ENOMEM;
			return;
		}
		c->next = pt->chunks;
		pt->chunks = c;
	}
	e = &c->entries[c->nr++];
	refcount_inc(&f->count);
	e->file = f;
	e->wq = wq;
	e->pt = pt;
	init_waitqueue_entry(&e->wait, current);
	e->wait.func = poll_wake;
	add_wait_queue(wq, &e->wait);
}

static void poll_table_free(struct poll_table *pt)
{
	struct poll_chunk *c, *next;
	int i;

	for (c = pt->chunks; c; c = next) {
		next = c->next;
		for (i = 0; i < c->nr; i++) {
			remove_wait_queue(c->entries[i].wq, &c->entries[i].wait);
			fput(c->entries[i].file);
		}
		kfree(c);
	}
}

/* The events of fd now; POLLNVAL if it is not open. */
static unsigned int poll_fd(int fd, struct poll_table *pt)
{
	struct file *f = fget(fd);
	unsigned int mask;

	if (!f)
		return POLLNVAL;
	mask = f->f_op->poll ? f->f_op->poll(f, pt) : DEFAULT_POLLMASK;
	fput(f);
	return mask;
}

/*
 * A deadline in ktime_get_ns() terms: U64_MAX for none, 0 for "do not
 * wait".  The jiffies left until it.
 */
#define NO_DEADLINE	(~0ULL)

static long jiffies_until(u64 deadline)
{
	u64 now = ktime_get_ns();

	if (deadline == NO_DEADLINE)
		return MAX_SCHEDULE_TIMEOUT;
	if (now >= deadline)
		return 0;
	return DIV_ROUND_UP((deadline - now) * HZ, NSEC_PER_SEC);
}

/*
 * The engine of both calls: scan() is called with the table (to
 * register, first round) or NULL and returns the number of ready items
 * (or a negative error).  Returns that, 0 at the deadline, or
 * -ERESTARTNOHAND for a signal.
 */
static long do_poll_loop(long (*scan)(void *arg, struct poll_table *pt),
			 void *arg, u64 deadline)
{
	struct poll_table pt = { .registering = deadline != 0 };
	long ret, left;

	for (;;) {
		ret = scan(arg, &pt);
		pt.registering = false;
		if (ret || pt.error || !deadline)
			break;
		if (signal_pending_current()) {
			ret = -ERESTARTNOHAND;
			break;
		}
		left = jiffies_until(deadline);
		if (!left)
			break;
		if (pt.tick)
			left = 1;
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(pt.triggered))
			schedule_timeout(left);
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(pt.triggered, false);
	}
	poll_table_free(&pt);
	return pt.error && !ret ? pt.error : ret;
}

/* ------------------------------------------------------------- poll --- */

struct poll_args {
	struct pollfd *fds;
	unsigned int nfds;
};

static long poll_scan(void *arg, struct poll_table *pt)
{
	struct poll_args *a = arg;
	long count = 0;
	unsigned int i;

	for (i = 0; i < a->nfds; i++) {
		struct pollfd *p = &a->fds[i];
		unsigned int mask = 0;

		if (p->fd >= 0) {
			mask = poll_fd(p->fd, pt);
			mask &= (u16)p->events | POLLERR | POLLHUP | POLLNVAL;
		}
		p->revents = mask;
		if (mask) {
			count++;
			pt = NULL;	/* no need to wait any more */
		}
	}
	return count;
}

static long do_poll(struct pollfd __user *ufds, unsigned long nfds,
		    u64 deadline)
{
	struct process *p = current_proc();
	struct poll_args a = { .nfds = nfds };
	size_t size = nfds * sizeof(struct pollfd);
	long ret;
	unsigned int i;

	if (nfds > p->rlim[RLIMIT_NOFILE].rlim_cur || nfds > NR_OPEN_FILES)
		return -EINVAL;
	a.fds = kmalloc(size ?: 1, GFP_KERNEL);
	if (!a.fds)
		return -ENOMEM;
	if (copy_from_user(a.fds, ufds, size)) {
		kfree(a.fds);
		return -EFAULT;
	}
	ret = do_poll_loop(poll_scan, &a, deadline);
	for (i = 0; i < nfds && ret >= 0; i++)
		if (put_user(a.fds[i].revents, &ufds[i].revents))
			ret = -EFAULT;
	kfree(a.fds);
	return ret;
}

/* A relative timespec from user memory as a deadline; NULL: none. */
static int timespec_deadline(const struct timespec __user *uts,
			     u64 *deadline)
{
	struct timespec ts;

	*deadline = NO_DEADLINE;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if (!ts.tv_sec && !ts.tv_nsec)
		*deadline = 0;
	else if (ts.tv_sec < (s64)(NO_DEADLINE / NSEC_PER_SEC / 2))
		*deadline = ktime_get_ns() + ts.tv_sec * NSEC_PER_SEC +
			    ts.tv_nsec;
	return 0;
}

/* What is left until deadline, written back as Linux does for ppoll/select. */
static void timespec_left(struct timespec __user *uts, u64 deadline)
{
	struct timespec ts = { 0 };
	u64 now = ktime_get_ns();

	if (!uts || deadline == NO_DEADLINE)
		return;
	if (deadline > now) {
		ts.tv_sec = (deadline - now) / NSEC_PER_SEC;
		ts.tv_nsec = (deadline - now) % NSEC_PER_SEC;
	}
	if (copy_to_user(uts, &ts, sizeof(ts)))
		return;	/* Linux ignores this too: the result stands */
}

/*
 * The signal mask of ppoll and pselect6 for the time of the call:
 * restored before returning (so a signal it let in is handled with the
 * old mask, not the call's).
 */
static int set_call_sigmask(const sigset_t __user *umask, size_t size,
			    sigset_t *old)
{
	struct thread_sigstate *s = &current_thread()->sig;
	sigset_t mask;

	*old = s->blocked;
	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	s->blocked = mask & ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	return 0;
}

SYSCALL_DEFINE(poll)
{
	int timeout = a2;
	u64 deadline = NO_DEADLINE;

	if (timeout == 0)
		deadline = 0;
	else if (timeout > 0)
		deadline = ktime_get_ns() + (u64)timeout * NSEC_PER_MSEC;
	return do_poll((struct pollfd __user *)a0, a1, deadline);
}

SYSCALL_DEFINE(ppoll)
{
	struct timespec __user *uts = (struct timespec __user *)a2;
	sigset_t old;
	u64 deadline;
	long ret;

	ret = timespec_deadline(uts, &deadline);
	if (!ret)
		ret = set_call_sigmask((const sigset_t __user *)a3, a4, &old);
	if (ret)
		return ret;
	ret = do_poll((struct pollfd __user *)a0, a1, deadline);
	current_thread()->sig.blocked = old;
	timespec_left(uts, deadline);
	return ret;
}

/* ----------------------------------------------------------- select --- */

#define POLLIN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET	(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET	POLLPRI

struct select_args {
	int n;
	unsigned long *in, *out, *ex;		/* what the caller asks */
	unsigned long *rin, *rout, *rex;	/* what is ready */
};

static long select_scan(void *arg, struct poll_table *pt)
{
	struct select_args *a = arg;
	size_t words = BITS_TO_LONGS(a->n);
	long count = 0;
	int fd;

	memset(a->rin, 0, words * sizeof(long));
	memset(a->rout, 0, words * sizeof(long));
	memset(a->rex, 0, words * sizeof(long));
	for (fd = 0; fd < a->n; fd++) {
		bool in = test_bit(fd, a->in), out = test_bit(fd, a->out);
		bool ex = test_bit(fd, a->ex);
		unsigned int mask;

		if (!in && !out && !ex)
			continue;
		mask = poll_fd(fd, pt);
		if (mask & POLLNVAL)
			return -EBADF;
		if (in && (mask & POLLIN_SET)) {
			__set_bit(fd, a->rin);
			count++;
			pt = NULL;
		}
		if (out && (mask & POLLOUT_SET)) {
			__set_bit(fd, a->rout);
			count++;
			pt = NULL;
		}
		if (ex && (mask & POLLEX_SET)) {
			__set_bit(fd, a->rex);
			count++;
			pt = NULL;
		}
	}
	return count;
}

static long do_select(int n, unsigned long __user *uin,
		      unsigned long __user *uout, unsigned long __user *uex,
		      u64 deadline)
{
	struct select_args a;
	unsigned long *bits;
	size_t words, bytes;
	long ret;

	if (n < 0)
		return -EINVAL;
	n = min(n, NR_OPEN_FILES);	/* no descriptor lies beyond */
	a.n = n;
	words = BITS_TO_LONGS(n);
	bytes = words * sizeof(long);
	bits = kzalloc(6 * bytes ?: 1, GFP_KERNEL);
	if (!bits)
		return -ENOMEM;
	a.in = bits;
	a.out = bits + words;
	a.ex = bits + 2 * words;
	a.rin = bits + 3 * words;
	a.rout = bits + 4 * words;
	a.rex = bits + 5 * words;
	ret = -EFAULT;
	if ((uin && copy_from_user(a.in, uin, bytes)) ||
	    (uout && copy_from_user(a.out, uout, bytes)) ||
	    (uex && copy_from_user(a.ex, uex, bytes)))
		goto out;
	/* Bits beyond n in the last word are not asked for. */
	if (n % BITS_PER_LONG) {
		unsigned long keep = (1UL << (n % BITS_PER_LONG)) - 1;

		a.in[words - 1] &= keep;
		a.out[words - 1] &= keep;
		a.ex[words - 1] &= keep;
	}
	ret = do_poll_loop(select_scan, &a, deadline);
	if (ret < 0)
		goto out;
	if ((uin && copy_to_user(uin, a.rin, bytes)) ||
	    (uout && copy_to_user(uout, a.rout, bytes)) ||
	    (uex && copy_to_user(uex, a.rex, bytes)))
		ret = -EFAULT;
out:
	kfree(bits);
	return ret;
}

SYSCALL_DEFINE(select)
{
	struct timeval __user *utv = (struct timeval __user *)a4;
	struct timeval tv;
	u64 deadline = NO_DEADLINE, now;
	long ret;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 ||
		    tv.tv_usec >= USEC_PER_SEC)
			return -EINVAL;
		if (!tv.tv_sec && !tv.tv_usec)
			deadline = 0;
		else if (tv.tv_sec < (s64)(NO_DEADLINE / NSEC_PER_SEC / 2))
			deadline = ktime_get_ns() + tv.tv_sec * NSEC_PER_SEC +
				   tv.tv_usec * NSEC_PER_USEC;
	}
	ret = do_select(a0, (unsigned long __user *)a1,
			(unsigned long __user *)a2,
			(unsigned long __user *)a3, deadline);
	if (utv && deadline != NO_DEADLINE) {
		now = ktime_get_ns();
		tv.tv_sec = tv.tv_usec = 0;
		if (deadline > now) {
			tv.tv_sec = (deadline - now) / NSEC_PER_SEC;
			tv.tv_usec = (deadline - now) % NSEC_PER_SEC /
				     NSEC_PER_USEC;
		}
		if (copy_to_user(utv, &tv, sizeof(tv)))
			return ret;	/* Linux ignores this too */
	}
	return ret;
}

SYSCALL_DEFINE(pselect6)
{
	struct timespec __user *uts = (struct timespec __user *)a4;
	struct { u64 set; u64 size; } sig = { 0, 0 };
	sigset_t old;
	u64 deadline;
	long ret;

	ret = timespec_deadline(uts, &deadline);
	if (ret)
		return ret;
	if (a5 && copy_from_user(&sig, (void __user *)a5, sizeof(sig)))
		return -EFAULT;
	ret = set_call_sigmask((const sigset_t __user *)sig.set, sig.size,
			       &old);
	if (ret)
		return ret;
	ret = do_select(a0, (unsigned long __user *)a1,
			(unsigned long __user *)a2,
			(unsigned long __user *)a3, deadline);
	current_thread()->sig.blocked = old;
	timespec_left(uts, deadline);
	return ret;
}
