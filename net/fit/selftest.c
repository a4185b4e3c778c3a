// SPDX-License-Identifier: GPL-2.0
/*
 * FIT self-tests, over the loopback transport (selftest=fit_*).  They
 * use opcodes from 0xf100 up, register their handlers on first use and
 * leave FIT as they found it: every call settled, the loopback healthy.
 */
#define pr_fmt(fmt) "selftest: " fmt

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/crc32c.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fit_loopback.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/wait.h>

#include "fit_internal.h"

enum {
	OP_ECHO = 0xf100,	/* reply = request */
	OP_ERRNO,		/* reply = -(first byte of the request) */
	OP_TAGGED,		/* struct tagged_req -> struct tagged_reply */
	OP_STALL,		/* deferred until the test releases it */
	OP_BIGGER,		/* claims a reply one byte above its capacity */
	OP_ONEWAY,		/* counts one-way messages */
	OP_BLOCK,		/* one-way: waits for st_block_open */
	OP_UNKNOWN = 0xf1ff,	/* never registered */
};

static u64 st_ms_since(u64 t0)
{
	return (ktime_get_ns() - t0) / 1000000;
}

/* Wait (sleeping) up to ms for cond; true if it held. */
#define st_wait(cond, ms) ({						\
	u64 __t0 = ktime_get_ns();					\
	bool __ok;							\
									\
	while (!(__ok = (cond)) && st_ms_since(__t0) < (ms))		\
		msleep(2);						\
	__ok;								\
})

static void st_mk_hdr(struct fit_hdr *h, u16 flags, u16 opcode, u32 len);

static u64 st_drops(enum fit_drop_reason r)
{
	struct fit_stats st;

	fit_get_stats(&st);
	return st.drops[r];
}

/* ------------------------------------------------------------ handlers --- */

static int h_echo(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	if (len > max)
		return -EMSGSIZE;
	memcpy(reply, req, len);
	return len;
}

static int h_errno(u32 node, const void *req, size_t len, void *reply,
		   size_t max, void *priv)
{
	return len ? -(int)*(const u8 *)req : 0;
}

static int h_bigger(u32 node, const void *req, size_t len, void *reply,
		    size_t max, void *priv)
{
	return max + 1;
}

struct tagged_req {
	u32 id;			/* unique per call of a run */
	u32 len;		/* bytes in data */
	u8 data[];
};

struct tagged_reply {
	u32 id;
	u32 crc;		/* of the whole request */
	u32 node;
};

static u8 *st_seen;		/* per call id: times the handler ran */
static unsigned int st_nr_ids;

static int h_tagged(u32 node, const void *req, size_t len, void *reply,
		    size_t max, void *priv)
{
	const struct tagged_req *r = req;
	struct tagged_reply *out = reply;

	if (len < sizeof(*r) || len != sizeof(*r) + r->len ||
	    max < sizeof(*out))
		return -EBADMSG;
	if (r->id < st_nr_ids)
		__atomic_add_fetch(&st_seen[r->id], 1, __ATOMIC_RELAXED);
	out->id = r->id;
	out->crc = crc32c_buf(req, len);
	out->node = node;
	return sizeof(*out);
}

/* Deferred requests: a 4-byte tag each, released by the test. */
#define ST_MAX_STALLED	1100

static struct {
	spinlock_t lock;
	struct fit_deferred *d[ST_MAX_STALLED];
	u32 tag[ST_MAX_STALLED];
	unsigned int n;
} stall = { .lock = __SPIN_LOCK_UNLOCKED(stall.lock) };

static int h_stall(u32 node, const void *req, size_t len, void *reply,
		   size_t max, void *priv)
{
	struct fit_deferred *d;
	unsigned long flags;
	int ret = FIT_DEFERRED;

	if (len != 4)
		return -EINVAL;
	d = fit_defer_reply();
	if (!d)
		return -EINVAL;
	spin_lock_irqsave(&stall.lock, flags);
	if (stall.n < ST_MAX_STALLED) {
		stall.d[stall.n] = d;
		memcpy(&stall.tag[stall.n], req, 4);
		stall.n++;
	} else {
		ret = -ENOSPC;
	}
	spin_unlock_irqrestore(&stall.lock, flags);
	if (ret != FIT_DEFERRED)
		fit_reply_deferred(d, NULL, ret);
	return FIT_DEFERRED;
}

static unsigned int st_stalled(void)
{
	return READ_ONCE(stall.n);
}

/* Answer every stalled request with its tag (+ delta); forget them. */
static void st_release(u32 delta)
{
	unsigned int i, n;
	unsigned long flags;
	struct fit_deferred *d;
	u32 tag;

	for (;;) {
		spin_lock_irqsave(&stall.lock, flags);
		n = stall.n;
		if (n) {
			d = stall.d[n - 1];
			tag = stall.tag[n - 1] + delta;
			stall.n = n - 1;
		}
		spin_unlock_irqrestore(&stall.lock, flags);
		if (!n)
			break;
		fit_reply_deferred(d, &tag, sizeof(tag));
	}
	(void)i;
}

static atomic_t st_oneways;

static int h_oneway(u32 node, const void *req, size_t len, void *reply,
		    size_t max, void *priv)
{
	atomic_inc(&st_oneways);
	return 0;
}

static bool st_block_open;
static DECLARE_WAIT_QUEUE_HEAD(st_block_wq);
static atomic_t st_blocked;

static int h_block(u32 node, const void *req, size_t len, void *reply,
		   size_t max, void *priv)
{
	atomic_inc(&st_blocked);
	wait_event(st_block_wq, READ_ONCE(st_block_open));
	atomic_inc(&st_oneways);
	return 0;
}

static int st_setup(void)
{
	static bool done;
	static const struct {
		u16 op;
		fit_handler_t fn;
	} h[] = {
		{ OP_ECHO, h_echo }, { OP_ERRNO, h_errno },
		{ OP_TAGGED, h_tagged }, { OP_STALL, h_stall },
		{ OP_BIGGER, h_bigger }, { OP_ONEWAY, h_oneway },
		{ OP_BLOCK, h_block },
	};
	unsigned int i;
	int ret;

	if (done)
		return 0;
	if (!fit_node_up(fit_self_id()))
		return selftest_fail("the loopback peer is not up");
	for (i = 0; i < ARRAY_SIZE(h); i++) {
		ret = fit_register_handler(h[i].op, h[i].fn, NULL);
		if (ret)
			return selftest_fail("registering %#x: %d", h[i].op, ret);
	}
	done = true;
	return 0;
}

/* ---------------------------------------------------- caller threads --- */

/* One fit_call() in its own thread, so that many can wait at once. */
struct st_caller {
	struct task_struct *task;
	u32 node;
	u16 opcode;
	u32 tag;
	unsigned int timeout_ms;
	long ret;
	u32 reply;
	u64 done_ns;
	atomic_t *left;
};

static int st_caller_fn(void *arg)
{
	struct st_caller *c = arg;

	c->ret = fit_call(c->node, c->opcode, &c->tag, sizeof(c->tag),
			  &c->reply, sizeof(c->reply), c->timeout_ms);
	c->done_ns = ktime_get_ns();
	smp_wmb();
	atomic_dec(c->left);
	return 0;
}

/* Start n callers (holding a reference to each); NULL on failure. */
static struct st_caller *st_start_callers(unsigned int n, u32 node,
					  u16 opcode, unsigned int timeout_ms,
					  atomic_t *left)
{
	struct st_caller *c = kcalloc(n, sizeof(*c), GFP_KERNEL);
	unsigned int i;

	if (!c)
		return NULL;
	atomic_set(left, n);
	for (i = 0; i < n; i++) {
		c[i].node = node;
		c[i].opcode = opcode;
		c[i].tag = 1000 + i;
		c[i].timeout_ms = timeout_ms;
		c[i].left = left;
		c[i].task = kthread_create(st_caller_fn, &c[i], "fitcall/%u", i);
		if (IS_ERR(c[i].task)) {
			/* Leak the array: started threads still use it. */
			atomic_sub(n - i, left);
			return NULL;
		}
		get_task_struct(c[i].task);
		wake_up_process(c[i].task);
	}
	return c;
}

static void st_put_callers(struct st_caller *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		put_task_struct(c[i].task);
	kfree(c);
}

/* ---------------------------------------------------------------- tests --- */

/* Echo every size from 1 byte to the transport's maximum; check every byte. */
SELFTEST(fit_echo_sizes)
{
	static const u32 sizes[] = {
		0, 1, 2, 3, 7, 8, 63, 64, 65, 100, 511, 512, 1000, 1500,
		4095, 4096, 4097, 8192, 16383, 32768, 65535,
	};
	u32 self = fit_self_id(), max = fit_max_payload(self);
	u8 *req, *reply;
	unsigned int i;
	long ret;

	if (st_setup())
		return -1;
	ST_EQ(max, FIT_MAX_PAYLOAD);
	req = kmalloc(max + 1, GFP_KERNEL);
	reply = kmalloc(max + 64, GFP_KERNEL);
	ST_ASSERT(req && reply);
	for (i = 0; i <= ARRAY_SIZE(sizes); i++) {
		u32 len = i < ARRAY_SIZE(sizes) ? sizes[i] : max;

		fit_test_fill(req, len, len);
		memset(reply, 0xa5, max + 64);
		ret = fit_call(self, OP_ECHO, req, len, reply, max, 5000);
		if (ret != len)
			return selftest_fail("echo of %u bytes: %ld", len, ret);
		if (crc32c_buf(reply, len) != crc32c_buf(req, len) ||
		    memcmp(reply, req, len))
			return selftest_fail("echo of %u bytes: payload differs", len);
		if (reply[len] != 0xa5)
			return selftest_fail("echo of %u bytes wrote past the reply", len);
	}
	/* One byte above the maximum: refused before anything is sent. */
	ST_EQ(fit_call(self, OP_ECHO, req, max + 1, reply, max, 1000), -EMSGSIZE);
	ST_EQ(fit_send(self, OP_ONEWAY, req, max + 1), -EMSGSIZE);
	/* A reply longer than the caller's buffer: -EMSGSIZE, nothing copied. */
	memset(reply, 0xa5, 200);
	ST_EQ(fit_call(self, OP_ECHO, req, 100, reply, 99, 1000), -EMSGSIZE);
	ST_ASSERT(!memchr_inv(reply, 0xa5, 200));
	/* A handler that claims more than its capacity: -EMSGSIZE too. */
	ST_EQ(fit_call(self, OP_BIGGER, req, 1, reply, 10, 1000), -EMSGSIZE);
	pr_info("fit_echo_sizes: %zu sizes, 0 to %u bytes\n",
		ARRAY_SIZE(sizes) + 1, max);
	kfree(req);
	kfree(reply);
	return 0;
}

/* The handler's errno reaches the caller; bad arguments are refused. */
SELFTEST(fit_errors)
{
	u32 self = fit_self_id();
	u64 unknown = st_drops(FIT_DROP_UNKNOWN_OPCODE);
	u8 b, out[8];

	if (st_setup())
		return -1;
	b = ENOENT;
	ST_EQ(fit_call(self, OP_ERRNO, &b, 1, out, sizeof(out), 1000), -ENOENT);
	b = EPERM;
	ST_EQ(fit_call(self, OP_ERRNO, &b, 1, out, sizeof(out), 1000), -EPERM);
	b = ENOSPC;
	ST_EQ(fit_call(self, OP_ERRNO, &b, 1, NULL, 0, 1000), -ENOSPC);
	ST_EQ(fit_call(self, OP_ERRNO, &b, 0, NULL, 0, 1000), 0);
	/* No handler: -EPROTO, counted. */
	ST_EQ(fit_call(self, OP_UNKNOWN, &b, 1, out, sizeof(out), 1000), -EPROTO);
	ST_ASSERT(st_wait(st_drops(FIT_DROP_UNKNOWN_OPCODE) == unknown + 1, 1000));
	/* Arguments. */
	ST_EQ(fit_call(FIT_MAX_NODES, OP_ECHO, &b, 1, out, 8, 1000), -EINVAL);
	ST_EQ(fit_call(self, 0, &b, 1, out, 8, 1000), -EINVAL);
	ST_EQ(fit_call(self, OP_ECHO, NULL, 1, out, 8, 1000), -EINVAL);
	ST_EQ(fit_call(self, OP_ECHO, &b, 1, NULL, 8, 1000), -EINVAL);
	ST_EQ(fit_send(self, 0, &b, 1), -EINVAL);
	/* A node no transport reaches. */
	if (self + 1 < FIT_MAX_NODES && !fit_node_up(self + 1)) {
		ST_EQ(fit_call(self + 1, OP_ECHO, &b, 1, out, 8, 1000), -EHOSTUNREACH);
		ST_EQ(fit_send(self + 1, OP_ONEWAY, &b, 1), -EHOSTUNREACH);
		ST_EQ(fit_max_payload(self + 1), 0);
	}
	/* Registration. */
	ST_EQ(fit_register_handler(OP_ECHO, h_echo, NULL), -EEXIST);
	ST_EQ(fit_register_handler(0, h_echo, NULL), -EINVAL);
	ST_EQ(fit_register_handler(OP_UNKNOWN, NULL, NULL), -EINVAL);
	ST_EQ(fit_register_handler(OP_UNKNOWN, h_echo, NULL), 0);
	ST_EQ(fit_call(self, OP_UNKNOWN, &b, 1, out, sizeof(out), 1000), 1);
	fit_unregister_handler(OP_UNKNOWN);
	ST_EQ(fit_call(self, OP_UNKNOWN, &b, 1, out, sizeof(out), 1000), -EPROTO);
	/* Outside a handler there is nothing to defer. */
	ST_ASSERT(!fit_defer_reply());
	return 0;
}

/* The counters are readable, and fit_dump_stats() prints them. */
SELFTEST(fit_stats_dump)
{
	u8 msg[sizeof(struct fit_hdr)];
	char *log;
	struct fit_stats st0, st;
	size_t n;

	if (st_setup())
		return -1;
	fit_get_stats(&st0);
	memset(msg, 0x42, sizeof(msg));
	ST_EQ(fit_loopback_inject(msg, sizeof(msg)), 0);
	ST_ASSERT(st_wait(st_drops(FIT_DROP_BAD_MAGIC) ==
			  st0.drops[FIT_DROP_BAD_MAGIC] + 1, 2000));
	ST_EQ(fit_call(fit_self_id(), OP_ECHO, "ok", 2, msg, sizeof(msg),
		       1000), 2);
	/* The worker counts a reply after sending it: wait for the count. */
	ST_ASSERT(st_wait((fit_get_stats(&st), st.replies == st0.replies + 1),
			  2000));
	ST_EQ(st.calls, st0.calls + 1);
	ST_EQ(st.calls_ok, st0.calls_ok + 1);
	ST_EQ(st.requests, st0.requests + 1);
	ST_EQ(st.drops[FIT_DROP_BAD_CSUM], st0.drops[FIT_DROP_BAD_CSUM]);
	fit_dump_stats();
	n = log_buf_len();
	log = kmalloc(n + 1, GFP_KERNEL);
	ST_ASSERT(log);
	n = log_buf_read(log, n);
	log[n] = 0;
	/* The newest lines are the dump. */
	ST_ASSERT(strstr(log, "fit: counters: calls "));
	ST_ASSERT(strstr(log, "fit: dropped:"));
	ST_ASSERT(strstr(strstr(log, "fit: dropped:"), " bad_magic "));
	ST_ASSERT(strstr(log, "up via loopback"));
	kfree(log);
	return 0;
}

/* One-way messages reach their handler; nothing comes back. */
SELFTEST(fit_oneway)
{
	u32 self = fit_self_id();
	int i, base;

	if (st_setup())
		return -1;
	base = atomic_read(&st_oneways);
	for (i = 0; i < 100; i++)
		ST_EQ(fit_send(self, OP_ONEWAY, &i, sizeof(i)), 0);
	ST_ASSERT(st_wait(atomic_read(&st_oneways) == base + 100, 5000));
	return 0;
}

/* ------------------------------------------------------- concurrency --- */

#define ST_TOTAL_CALLS		10000
#define ST_THREADS_PER_CPU	4

struct st_many {
	unsigned int nr_threads;	/* in all */
	unsigned int per_thread;
	atomic_t bad;
	atomic_t started;
	char why[96];
};

struct st_many_thread {
	struct st_many *m;
	unsigned int gid;		/* 0 .. nr_threads - 1 */
	struct completion done;
};

/* per_thread calls, each with a unique id and payload; check each reply. */
static int st_many_calls(struct st_many *m, unsigned int gid)
{
	u8 buf[sizeof(struct tagged_req) + 512];
	struct tagged_req *r = (void *)buf;
	struct tagged_reply out;
	unsigned int i;
	long ret;

	for (i = 0; i < m->per_thread; i++) {
		r->id = gid * m->per_thread + i;
		r->len = 16 + r->id % 497;
		fit_test_fill(r->data, r->len, r->id);
		ret = fit_call(fit_self_id(), OP_TAGGED, r,
			       sizeof(*r) + r->len, &out, sizeof(out), 20000);
		if (ret != sizeof(out) || out.id != r->id ||
		    out.crc != crc32c_buf(r, sizeof(*r) + r->len) ||
		    out.node != fit_self_id()) {
			if (atomic_inc_return(&m->bad) == 1)
				snprintf(m->why, sizeof(m->why),
					 "call %u: ret %ld, reply id %u", r->id,
					 ret, out.id);
		}
	}
	return 0;
}

static int st_many_thread_fn(void *arg)
{
	struct st_many_thread *t = arg;

	st_many_calls(t->m, t->gid);
	complete(&t->done);
	return 0;
}

/* On each CPU: this thread and ST_THREADS_PER_CPU - 1 more, bound to it. */
static int st_many_cpu_fn(void *arg, unsigned int cpu)
{
	struct st_many *m = arg;
	struct st_many_thread t[ST_THREADS_PER_CPU - 1];
	unsigned int base = atomic_fetch_add(ST_THREADS_PER_CPU, &m->started);
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		struct task_struct *k;

		t[i].m = m;
		t[i].gid = base + 1 + i;
		init_completion(&t[i].done);
		k = kthread_create(st_many_thread_fn, &t[i], "fitmany/%u", cpu);
		if (IS_ERR(k))
			break;
		kthread_bind(k, cpu);
		wake_up_process(k);
		n++;
	}
	st_many_calls(m, base);
	for (i = 0; i < n; i++)
		wait_for_completion(&t[i].done);
	return n == ARRAY_SIZE(t) ? 0 : -ENOMEM;
}

/*
 * 10 000 calls from 4 threads per CPU at once, every payload unique: each
 * reply matches its request, the handler saw every call exactly once.
 */
SELFTEST(fit_concurrent_calls)
{
	unsigned int ncpus = num_online_cpus(), i, lost = 0, dup = 0;
	struct st_many m = { };
	u64 t0;
	int ret;

	if (st_setup())
		return -1;
	m.nr_threads = ncpus * ST_THREADS_PER_CPU;
	m.per_thread = DIV_ROUND_UP(ST_TOTAL_CALLS, m.nr_threads);
	st_nr_ids = m.nr_threads * m.per_thread;
	st_seen = kzalloc(st_nr_ids, GFP_KERNEL);
	ST_ASSERT(st_seen);
	t0 = ktime_get_ns();
	ret = selftest_run_on_each_cpu(st_many_cpu_fn, &m);
	if (ret)
		return selftest_fail("the callers failed: %d", ret);
	if (atomic_read(&m.bad))
		return selftest_fail("%d bad replies; first: %s",
				     atomic_read(&m.bad), m.why);
	for (i = 0; i < st_nr_ids; i++) {
		lost += st_seen[i] == 0;
		dup += st_seen[i] > 1;
	}
	if (lost || dup)
		return selftest_fail("%u calls never handled, %u handled twice",
				     lost, dup);
	pr_info("fit_concurrent_calls: %u calls from %u threads on %u CPUs in %llu ms\n",
		st_nr_ids, m.nr_threads, ncpus, st_ms_since(t0));
	st_nr_ids = 0;
	kfree(st_seen);
	return 0;
}

#define ST_OUTSTANDING	300

/*
 * 300 calls in flight at once: the handler defers every one until all
 * have arrived, then each caller must get its own answer.
 */
SELFTEST(fit_outstanding_calls)
{
	struct st_caller *c;
	struct fit_stats st;
	struct fit_peer_info pi;
	atomic_t left;
	unsigned int i;

	if (st_setup())
		return -1;
	c = st_start_callers(ST_OUTSTANDING, fit_self_id(), OP_STALL, 30000, &left);
	ST_ASSERT(c);
	if (!st_wait(st_stalled() == ST_OUTSTANDING, 20000)) {
		st_release(0);
		return selftest_fail("only %u of %u requests arrived",
				     st_stalled(), ST_OUTSTANDING);
	}
	fit_get_stats(&st);
	fit_peer_info(fit_self_id(), &pi);
	ST_ASSERT(st.inflight >= ST_OUTSTANDING);
	ST_EQ(pi.inflight, ST_OUTSTANDING);
	ST_EQ(pi.tx_in_use, ST_OUTSTANDING);
	ST_EQ(pi.rx_unfinished, ST_OUTSTANDING);
	st_release(7);
	ST_ASSERT(st_wait(!atomic_read(&left), 20000));
	smp_rmb();
	for (i = 0; i < ST_OUTSTANDING; i++)
		if (c[i].ret != 4 || c[i].reply != c[i].tag + 7)
			return selftest_fail("caller %u: ret %ld, reply %u, expected %u",
					     i, c[i].ret, c[i].reply, c[i].tag + 7);
	st_put_callers(c, ST_OUTSTANDING);
	fit_get_stats(&st);
	ST_ASSERT(st.max_inflight >= 256);
	ST_ASSERT(st_wait(fit_peer_info(fit_self_id(), &pi) == 0 &&
			  !pi.tx_in_use && !pi.rx_unfinished, 2000));
	return 0;
}

#define ST_SLEEPERS	200

/*
 * 200 callers waiting on a stalled handler sleep: none is runnable and
 * together they use no CPU time while they wait.
 */
SELFTEST(fit_callers_sleep)
{
	struct st_caller *c;
	u64 before = 0, after = 0;
	unsigned int i, awake = 0;
	atomic_t left;

	if (st_setup())
		return -1;
	c = st_start_callers(ST_SLEEPERS, fit_self_id(), OP_STALL, 30000, &left);
	ST_ASSERT(c);
	if (!st_wait(st_stalled() == ST_SLEEPERS, 20000)) {
		st_release(0);
		return selftest_fail("only %u of %u requests arrived",
				     st_stalled(), ST_SLEEPERS);
	}
	msleep(20);
	for (i = 0; i < ST_SLEEPERS; i++)
		before += READ_ONCE(c[i].task->se.sum_exec_runtime);
	msleep(300);
	for (i = 0; i < ST_SLEEPERS; i++) {
		unsigned int state = task_state(c[i].task);

		after += READ_ONCE(c[i].task->se.sum_exec_runtime);
		if (state != TASK_UNINTERRUPTIBLE && state != TASK_INTERRUPTIBLE)
			awake++;
	}
	st_release(1);
	ST_ASSERT(st_wait(!atomic_read(&left), 20000));
	pr_info("fit_callers_sleep: %u callers waiting 300 ms used %llu us of CPU\n",
		ST_SLEEPERS, (after - before) / 1000);
	if (awake)
		return selftest_fail("%u of %u waiting callers were not asleep",
				     awake, ST_SLEEPERS);
	if (after - before > 1000000)
		return selftest_fail("waiting callers used %llu us of CPU",
				     (after - before) / 1000);
	for (i = 0; i < ST_SLEEPERS; i++)
		ST_EQ(c[i].reply, c[i].tag + 1);
	st_put_callers(c, ST_SLEEPERS);
	return 0;
}

/*
 * More callers than slots: the calls beyond FIT_NR_SLOTS sleep for a
 * free slot (and those beyond the credits for a credit); all finish.
 */
SELFTEST(fit_slots_exhausted)
{
	unsigned int n = FIT_NR_SLOTS + 16, i;
	struct fit_stats st0, st;
	struct st_caller *c;
	atomic_t left;

	if (st_setup())
		return -1;
	if (n > ST_MAX_STALLED)
		return selftest_fail("CONFIG_FIT_NR_SLOTS is too big for this test");
	fit_get_stats(&st0);
	c = st_start_callers(n, fit_self_id(), OP_STALL, 30000, &left);
	ST_ASSERT(c);
	/* Every slot taken, the last 16 callers asleep waiting for one. */
	if (!st_wait((fit_get_stats(&st), st.inflight == FIT_NR_SLOTS &&
		      st.slot_waits >= st0.slot_waits + 16), 20000)) {
		st_release(0);
		return selftest_fail("%llu calls in flight, %llu waiting for a slot",
				     st.inflight, st.slot_waits - st0.slot_waits);
	}
	ST_ASSERT(st.credit_waits > st0.credit_waits);
	while (atomic_read(&left)) {
		if (st_stalled())
			st_release(3);
		else
			msleep(2);
	}
	smp_rmb();
	for (i = 0; i < n; i++)
		if (c[i].ret != 4 || c[i].reply != c[i].tag + 3)
			return selftest_fail("caller %u: ret %ld, reply %u",
					     i, c[i].ret, c[i].reply);
	st_put_callers(c, n);
	return 0;
}

/*
 * A message from the peer with a new epoch: it restarted without anyone
 * saying so.  The calls in flight to it fail, the pair starts afresh.
 */
SELFTEST(fit_peer_restart)
{
	u8 msg[sizeof(struct fit_hdr)];
	struct fit_hdr *h = (void *)msg;
	struct fit_stats st0, st;
	struct st_caller *c;
	atomic_t left;
	u32 out;

	if (st_setup())
		return -1;
	fit_get_stats(&st0);
	c = st_start_callers(3, fit_self_id(), OP_STALL, 30000, &left);
	ST_ASSERT(c);
	ST_ASSERT(st_wait(st_stalled() == 3, 5000));
	st_mk_hdr(h, FIT_F_CREDIT, FIT_OPCODE_NONE, 0);
	h->req_id = 0;
	h->src_epoch = fit_epoch() ^ 0x5a5a5a5a;
	fit_hdr_seal(h);
	ST_EQ(fit_loopback_inject(msg, sizeof(msg)), 0);
	ST_ASSERT(st_wait(!atomic_read(&left), 2000));
	ST_EQ(c[0].ret, -EHOSTDOWN);
	ST_EQ(c[2].ret, -EHOSTDOWN);
	fit_get_stats(&st);
	ST_EQ(st.peer_restarts, st0.peer_restarts + 1);
	/* The replies of the old incarnation's calls go nowhere. */
	st_release(0);
	fit_get_stats(&st);
	ST_EQ(st.stale_replies, st0.stale_replies + 3);
	/* The new incarnation (here: ourselves, reconnected) is served. */
	ST_EQ(fit_loopback_revive(), 0);
	ST_EQ(fit_call(fit_self_id(), OP_ECHO, "abcd", 4, &out, 4, 1000), 4);
	st_put_callers(c, 3);
	return 0;
}

/* ---------------------------------------------------------- timeouts --- */

/*
 * A handler that does not answer: -ETIMEDOUT on time.  Its late reply
 * arrives while a new call waits in the same slot: dropped and counted,
 * not taken for the new call's reply.
 */
SELFTEST(fit_timeout_late_reply)
{
	u32 self = fit_self_id(), tag = 42, out = 0;
	struct fit_deferred *late, *cur;
	u64 unmatched, t0, ms, id_late, id_cur;
	struct st_caller *c;
	atomic_t left;
	long ret;

	if (st_setup())
		return -1;
	ST_EQ(st_stalled(), 0);
	msleep(3);		/* start somewhere inside a tick */
	t0 = ktime_get_ns();
	ret = fit_call(self, OP_STALL, &tag, 4, &out, 4, 200);
	ms = st_ms_since(t0);
	ST_EQ(ret, -ETIMEDOUT);
	if (ms < 200 || ms > 1000)
		return selftest_fail("a 200 ms timeout took %llu ms", ms);
	ST_EQ(st_stalled(), 1);
	late = stall.d[0];
	id_late = fit_deferred_req_id(late);

	/* The next call takes the same slot (the free slots are a stack). */
	c = st_start_callers(1, fit_self_id(), OP_STALL, 10000, &left);
	ST_ASSERT(c);
	ST_ASSERT(st_wait(st_stalled() == 2, 5000));
	cur = stall.d[1];
	id_cur = fit_deferred_req_id(cur);
	if (FIT_REQ_SLOT(id_late) != FIT_REQ_SLOT(id_cur) || id_late == id_cur)
		return selftest_fail("request ids %#llx and %#llx: not one slot reused",
				     id_late, id_cur);

	unmatched = st_drops(FIT_DROP_UNMATCHED_REPLY);
	tag = 0xbad;
	ST_EQ(fit_reply_deferred(late, &tag, 4), 0);
	ST_ASSERT(st_wait(st_drops(FIT_DROP_UNMATCHED_REPLY) == unmatched + 1,
			  2000));
	msleep(20);
	ST_EQ(atomic_read(&left), 1);		/* still waiting */
	tag = 0x600d;
	ST_EQ(fit_reply_deferred(cur, &tag, 4), 0);
	ST_ASSERT(st_wait(!atomic_read(&left), 5000));
	ST_EQ(c[0].ret, 4);
	ST_EQ(c[0].reply, 0x600d);
	stall.n = 0;
	st_put_callers(c, 1);
	return 0;
}

/* ------------------------------------------------------ bad messages --- */

/* A valid request header from self to self, sealed. */
static void st_mk_hdr(struct fit_hdr *h, u16 flags, u16 opcode, u32 len)
{
	fit_hdr_init(h);
	h->flags = flags;
	h->opcode = opcode;
	h->src_node = fit_self_id();
	h->dst_node = fit_self_id();
	h->payload_len = len;
	h->req_id = flags == FIT_F_ONEWAY ? 0 : 0xdead0001;
	h->src_epoch = fit_epoch();
	h->reply_max = flags == FIT_F_REQUEST ? 64 : 0;
	if (flags & (FIT_F_REPLY | FIT_F_ERROR))
		h->dst_epoch = fit_epoch();
	fit_hdr_seal(h);
}

/* Inject msg; it must be dropped for reason r (and counted once). */
static int st_expect_drop(const void *msg, size_t len,
			  enum fit_drop_reason r, const char *what)
{
	u64 before = st_drops(r);

	if (fit_loopback_inject(msg, len))
		return selftest_fail("%s: cannot inject", what);
	if (!st_wait(st_drops(r) == before + 1, 2000))
		return selftest_fail("%s: %s counted %llu times, expected once",
				     what, fit_drop_reason_name(r),
				     st_drops(r) - before);
	return 0;
}

/* One way to break a one-way message, and the drop it must cause. */
struct st_breakage {
	const char *what;
	enum fit_drop_reason reason;
	unsigned int offset, width;	/* overwrite these header bytes */
	u64 value;
	bool reseal;			/* then fix the checksum */
	size_t len;			/* deliver this much (0: all) */
};

#define HOFF(f)		offsetof(struct fit_hdr, f)
#define HSZ(f)		sizeof(((struct fit_hdr *)0)->f)
#define BREAK(r, f, v, rs)	.reason = r, .offset = HOFF(f), \
				.width = HSZ(f), .value = v, .reseal = rs

static const struct st_breakage st_breakages[] = {
	{ "truncated header", .reason = FIT_DROP_TRUNCATED, .len = 20 },
	{ "bad magic", BREAK(FIT_DROP_BAD_MAGIC, magic, 0x42, false) },
	{ "bad version", BREAK(FIT_DROP_BAD_VERSION, version, 9, false) },
	{ "bad header length", BREAK(FIT_DROP_BAD_HDR_LEN, hdr_len, 64, false) },
	{ "bad checksum", BREAK(FIT_DROP_BAD_CSUM, opcode, OP_ECHO, false) },
	{ "length beyond the message",
	  BREAK(FIT_DROP_BAD_LENGTH, payload_len, 17, true) },
	{ "length beyond the limit",
	  BREAK(FIT_DROP_BAD_LENGTH, payload_len, FIT_MAX_PAYLOAD + 1, true) },
	{ "two types",
	  BREAK(FIT_DROP_BAD_FLAGS, flags, FIT_F_ONEWAY | FIT_F_REQUEST, true) },
	{ "unknown flag", BREAK(FIT_DROP_BAD_FLAGS, flags, 0x80, true) },
	{ "reserved field", BREAK(FIT_DROP_BAD_FIELD, reserved, 1, true) },
	{ "no source epoch", BREAK(FIT_DROP_BAD_FIELD, src_epoch, 0, true) },
	{ "wrong source", BREAK(FIT_DROP_BAD_SRC, src_node, 0xfff0, true) },
	{ "wrong destination", BREAK(FIT_DROP_BAD_DST, dst_node, 0xfff0, true) },
	{ "another incarnation",
	  BREAK(FIT_DROP_STALE_EPOCH, dst_epoch, 0x7777, true) },
	{ "unknown opcode",
	  BREAK(FIT_DROP_UNKNOWN_OPCODE, opcode, OP_UNKNOWN, true) },
};

/*
 * Malformed messages, injected raw and corrupted in flight: each is
 * dropped with its own counter, the node keeps serving calls.
 */
SELFTEST(fit_malformed)
{
	u32 self = fit_self_id(), out[16];
	u8 msg[sizeof(struct fit_hdr) + 16];
	struct fit_hdr *h = (void *)msg;
	struct fit_lo_fault f = { };
	unsigned int i, j;
	u64 n;

	if (st_setup())
		return -1;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < ARRAY_SIZE(st_breakages); i++) {
		const struct st_breakage *b = &st_breakages[i];
		u64 v = b->value;

		st_mk_hdr(h, FIT_F_ONEWAY, OP_ONEWAY, 16);
		for (j = 0; j < b->width; j++, v >>= 8)
			msg[b->offset + j] = (u8)v;
		if (b->reseal)
			fit_hdr_seal(h);
		if (st_expect_drop(msg, b->len ?: sizeof(msg), b->reason,
				   b->what))
			return -1;
	}
	/* A reply nobody waits for. */
	st_mk_hdr(h, FIT_F_REPLY, OP_ECHO, 0);
	if (st_expect_drop(msg, sizeof(*h), FIT_DROP_UNMATCHED_REPLY, "stray reply"))
		return -1;

	/* In flight: a request whose magic is hit, a reply cut short. */
	n = st_drops(FIT_DROP_BAD_MAGIC);
	f.kind = FIT_LO_CORRUPT;
	f.match_flags = FIT_F_REQUEST;
	f.count = 1;
	f.offset = 0;
	f.width = 1;
	f.value = 0;
	ST_EQ(fit_loopback_add_fault(&f), 0);
	ST_EQ(fit_call(self, OP_ECHO, "x", 1, out, sizeof(out), 100), -ETIMEDOUT);
	ST_EQ(st_drops(FIT_DROP_BAD_MAGIC), n + 1);

	n = st_drops(FIT_DROP_TRUNCATED);
	f.kind = FIT_LO_TRUNCATE;
	f.match_flags = FIT_F_REPLY;
	f.len = 30;
	ST_EQ(fit_loopback_add_fault(&f), 0);
	ST_EQ(fit_call(self, OP_ECHO, "x", 1, out, sizeof(out), 100), -ETIMEDOUT);
	ST_EQ(st_drops(FIT_DROP_TRUNCATED), n + 1);

	n = st_drops(FIT_DROP_BAD_LENGTH);
	f.kind = FIT_LO_CORRUPT;
	f.match_flags = FIT_F_REPLY;
	f.offset = offsetof(struct fit_hdr, payload_len);
	f.width = 4;
	f.value = 3;
	f.reseal = true;
	ST_EQ(fit_loopback_add_fault(&f), 0);
	ST_EQ(fit_call(self, OP_ECHO, "xy", 2, out, sizeof(out), 100), -ETIMEDOUT);
	ST_EQ(st_drops(FIT_DROP_BAD_LENGTH), n + 1);

	/* Still serving; the dropped request's credit is given back by a reset. */
	ST_EQ(fit_call(self, OP_ECHO, "abc", 3, out, sizeof(out), 1000), 3);
	ST_EQ(fit_loopback_revive(), 0);
	ST_EQ(fit_call(self, OP_ECHO, "abc", 3, out, sizeof(out), 1000), 3);
	return 0;
}

/* -------------------------------------------------------- peer failure --- */

#define ST_DOWN_CALLERS	20

static int st_peer_failure(bool silent)
{
	u32 self = fit_self_id(), out;
	unsigned long nvcsw;
	u64 t0, last = 0, ms;
	struct st_caller *c;
	struct fit_stats st;
	struct fit_deferred *d;
	atomic_t left;
	unsigned int i;
	long ret;

	if (st_setup())
		return -1;
	c = st_start_callers(ST_DOWN_CALLERS, fit_self_id(), OP_STALL, 30000, &left);
	ST_ASSERT(c);
	ST_ASSERT(st_wait(st_stalled() == ST_DOWN_CALLERS, 10000));
	t0 = ktime_get_ns();
	if (silent)
		fit_loopback_set_silent();
	else
		fit_loopback_set_down();
	ST_ASSERT(st_wait(!atomic_read(&left), 5000));
	smp_rmb();
	for (i = 0; i < ST_DOWN_CALLERS; i++) {
		if (c[i].ret != -EHOSTDOWN)
			return selftest_fail("caller %u: %ld, expected -EHOSTDOWN",
					     i, c[i].ret);
		last = max(last, c[i].done_ns);
	}
	ms = (last - t0) / 1000000;
	pr_info("%s: %u calls failed within %llu ms\n",
		silent ? "fit_peer_silent" : "fit_peer_down",
		ST_DOWN_CALLERS, ms);
	/*
	 * A declared death fails them at once, the watchdog looks every
	 * FIT_WATCH_MS; the margin is for a loaded TCG host.
	 */
	if (ms > (silent ? FIT_WATCH_MS : 0) + 1000)
		return selftest_fail("in-flight calls failed after %llu ms", ms);

	/* New calls fail at once, without sleeping. */
	nvcsw = current->nvcsw;
	t0 = ktime_get_ns();
	ret = fit_call(self, OP_ECHO, "a", 1, &out, sizeof(out), 5000);
	ST_EQ(ret, -EHOSTDOWN);
	ST_EQ(fit_send(self, OP_ONEWAY, "a", 1), -EHOSTDOWN);
	ST_EQ(current->nvcsw, nvcsw);
	ST_ASSERT(st_ms_since(t0) < 100);
	ST_ASSERT(!fit_node_up(self));
	fit_get_stats(&st);
	ST_ASSERT(st.peers_down >= 1);

	/* Back: calls work; the old deferred replies go nowhere. */
	ST_EQ(fit_loopback_revive(), 0);
	ST_EQ(fit_call(self, OP_ECHO, "ab", 2, &out, sizeof(out), 2000), 2);
	while (st_stalled()) {
		d = stall.d[--stall.n];
		ST_EQ(fit_reply_deferred(d, &out, 4), -EHOSTDOWN);
	}
	st_put_callers(c, ST_DOWN_CALLERS);
	return 0;
}

/* The transport declares the peer down: in-flight calls fail at once. */
SELFTEST(fit_peer_down)
{
	return st_peer_failure(false);
}

/* The peer falls silent: the watchdog notices and fails the calls. */
SELFTEST(fit_peer_silent)
{
	return st_peer_failure(true);
}

/* ------------------------------------------------------- notifiers --- */

#define ST_NOTE_MAX	8

static struct st_notes {
	struct fit_peer_notifier nb;
	unsigned int n;			/* events seen, even past the array */
	u32 node[ST_NOTE_MAX];
	enum fit_peer_event ev[ST_NOTE_MAX];
	bool process_ctx[ST_NOTE_MAX];	/* preemptible, on fit-notify, slept */
} st_notes;

static void st_note(struct fit_peer_notifier *nb, u32 node,
		    enum fit_peer_event ev)
{
	struct st_notes *s = container_of(nb, struct st_notes, nb);
	unsigned int i = s->n++;
	bool ctx = preemptible() && fit_in_peer_notifier();

	if (ctx) {
		/* May sleep (a lock held would show); slow, for the order. */
		msleep(20);
		ctx = preemptible();
	}
	if (i < ST_NOTE_MAX) {
		s->node[i] = node;
		s->ev[i] = ev;
		s->process_ctx[i] = ctx;
	}
}

/* The notifier saw exactly want events so far, the last one (node, ev). */
static int st_notes_check(unsigned int want, u32 node, enum fit_peer_event ev)
{
	unsigned int i = want - 1;

	fit_flush_peer_notifiers();
	if (READ_ONCE(st_notes.n) != want)
		return selftest_fail("%u peer events, expected %u",
				     st_notes.n, want);
	if (st_notes.node[i] != node || st_notes.ev[i] != ev)
		return selftest_fail("event %u: node %u %s, expected node %u %s",
				     i, st_notes.node[i],
				     fit_peer_event_name(st_notes.ev[i]), node,
				     fit_peer_event_name(ev));
	if (!st_notes.process_ctx[i])
		return selftest_fail("event %u: not in FIT's notifier thread's process context",
				     i);
	return 0;
}

/*
 * A peer going down and a peer restarting each reach a notifier once,
 * in order, on the notifier thread (process context, may sleep); an
 * unregistered notifier hears nothing more.
 */
SELFTEST(fit_peer_notifier)
{
	u8 msg[sizeof(struct fit_hdr)];
	struct fit_hdr *h = (void *)msg;
	u32 self = fit_self_id(), out;
	struct fit_stats st0, st;
	int ret = -1;

	if (st_setup())
		return -1;
	fit_flush_peer_notifiers();
	memset(&st_notes, 0, sizeof(st_notes));
	st_notes.nb.fn = st_note;
	fit_register_peer_notifier(&st_notes.nb);

	/* Down: one event, and none for a down that changes nothing. */
	fit_loopback_set_down();
	fit_peer_down(self);
	if (st_notes_check(1, self, FIT_PEER_DOWN))
		goto out;
	if (fit_loopback_revive())
		goto out;
	if (st_notes_check(1, self, FIT_PEER_DOWN))
		goto out;
	if (fit_call(self, OP_ECHO, "ab", 2, &out, sizeof(out), 2000) != 2) {
		selftest_fail("no echo after the revival");
		goto out;
	}

	/* A message from a new incarnation: one RESTART. */
	st_mk_hdr(h, FIT_F_CREDIT, FIT_OPCODE_NONE, 0);
	h->req_id = 0;
	h->src_epoch = fit_epoch() ^ 0x3c3c3c3c;
	fit_hdr_seal(h);
	fit_get_stats(&st0);
	if (fit_loopback_inject(msg, sizeof(msg))) {
		selftest_fail("injecting the new epoch failed");
		goto out;
	}
	/* Delivered by the loopback thread: wait until the core saw it. */
	if (!st_wait((fit_get_stats(&st),
		      st.peer_restarts > st0.peer_restarts), 2000)) {
		selftest_fail("the new epoch was not noticed");
		goto out;
	}
	if (st_notes_check(2, self, FIT_PEER_RESTART))
		goto out;
	/*
	 * Back to our own epoch: this reconnection is a DOWN of the old
	 * one.  A request of the new connection waits for the notifiers.
	 */
	if (fit_loopback_revive())
		goto out;
	if (fit_call(self, OP_ECHO, "cd", 2, &out, sizeof(out), 2000) != 2) {
		selftest_fail("no echo after the second revival");
		goto out;
	}
	if (READ_ONCE(st_notes.n) != 3) {
		selftest_fail("a request was served before the notifiers heard of the reconnection");
		goto out;
	}
	if (st_notes_check(3, self, FIT_PEER_DOWN))
		goto out;
	fit_unregister_peer_notifier(&st_notes.nb);
	fit_loopback_set_down();
	fit_flush_peer_notifiers();
	if (fit_loopback_revive())
		return selftest_fail("revival after the unregistration failed");
	ST_EQ(READ_ONCE(st_notes.n), 3);
	pr_info("fit_peer_notifier: down, restart, down delivered in order\n");
	return 0;
out:
	fit_unregister_peer_notifier(&st_notes.nb);
	fit_loopback_revive();
	return ret;
}

/* ------------------------------------------------------ flow control --- */

static atomic_t st_flood_sent;

static int st_flood_fn(void *arg)
{
	unsigned int i, n = (uintptr_t)arg;

	for (i = 0; i < n; i++) {
		if (fit_send(fit_self_id(), OP_BLOCK, &i, sizeof(i)))
			break;
		atomic_inc(&st_flood_sent);
	}
	return 0;
}

/*
 * With every worker stuck, a sender stops after exactly its credits and
 * sleeps; the receiver never holds more than that; a message beyond the
 * credits is refused.  Releasing the workers returns the credits (in
 * explicit credit messages: one-way traffic has no replies) and the
 * sender finishes.
 */
SELFTEST(fit_flow_control)
{
	u32 self = fit_self_id();
	unsigned int credits, total;
	struct fit_peer_info pi;
	struct fit_stats st0, st;
	struct task_struct *t;
	u8 msg[sizeof(struct fit_hdr) + 4];

	if (st_setup())
		return -1;
	ST_EQ(fit_peer_info(self, &pi), 0);
	credits = pi.credits;
	total = credits + 100;
	fit_get_stats(&st0);
	atomic_set(&st_flood_sent, 0);
	atomic_set(&st_blocked, 0);
	atomic_set(&st_oneways, 0);
	WRITE_ONCE(st_block_open, false);
	t = kthread_run(st_flood_fn, (void *)(uintptr_t)total, "fitflood");
	ST_ASSERT(!IS_ERR(t));
	ST_ASSERT(st_wait(atomic_read(&st_flood_sent) == credits, 20000));
	ST_ASSERT(st_wait(atomic_read(&st_blocked) == CONFIG_FIT_NR_WORKERS,
			  5000));
	msleep(100);
	ST_EQ(atomic_read(&st_flood_sent), credits);	/* and no more */
	fit_peer_info(self, &pi);
	ST_EQ(pi.tx_in_use, credits);
	ST_EQ(pi.rx_unfinished, credits);
	fit_get_stats(&st);
	ST_ASSERT(st.credit_waits > st0.credit_waits);

	/* A sender that ignores its credits is refused. */
	st_mk_hdr((struct fit_hdr *)msg, FIT_F_ONEWAY, OP_ONEWAY, 4);
	if (st_expect_drop(msg, sizeof(msg), FIT_DROP_CREDIT_OVERRUN,
			   "a message beyond the credits"))
		goto fail;

	WRITE_ONCE(st_block_open, true);
	wake_up_all(&st_block_wq);
	ST_ASSERT(st_wait(atomic_read(&st_oneways) == total, 20000));
	ST_EQ(atomic_read(&st_flood_sent), total);
	fit_get_stats(&st);
	ST_ASSERT(st.credit_msgs > st0.credit_msgs);
	ST_ASSERT(st_wait(fit_peer_info(self, &pi) == 0 && !pi.rx_unfinished,
			  2000));
	pr_info("fit_flow_control: %u credits; %llu credit messages for %u one-way messages\n",
		credits, st.credit_msgs - st0.credit_msgs, total);
	return 0;
fail:
	WRITE_ONCE(st_block_open, true);
	wake_up_all(&st_block_wq);
	return -1;
}
