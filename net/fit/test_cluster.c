// SPDX-License-Identifier: GPL-2.0
/*
 * FIT self-tests over the verbs transport, for clusters
 * (tests/65-fit-cluster.sh): they call the echo service of the other
 * nodes.  Explicit only: they need peers.
 */
#define pr_fmt(fmt) "selftest: " fmt

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/completion.h>
#include <tessera/crc32c.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fabric.h>
#include <tessera/fit_echo.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>

#include "fit_internal.h"

static u64 fc_ms_since(u64 t0)
{
	return (ktime_get_ns() - t0) / 1000000;
}

/*
 * The other nodes of the cluster, once FIT reaches each of them over the
 * verbs transport (within 20 s of the fabric showing them); their number.
 */
static unsigned int fc_peers(u32 *ids)
{
	struct fabric_node_info info;
	unsigned int n, id;
	u64 t0 = ktime_get_ns();

	if (!fabric_joined() || fabric_wait_for_cluster())
		return 0;
	for (;;) {
		bool all = true;

		n = 0;
		for (id = 0; id < FIT_MAX_NODES; id++) {
			if (id == fit_self_id() || !fabric_node_info(id, &info) ||
			    info.state != SHMF_NODE_UP)
				continue;
			if (!fit_node_up(id))
				all = false;
			ids[n++] = id;
		}
		if ((all && n) || fc_ms_since(t0) > 20000)
			break;
		msleep(20);
	}
	return n;
}

/* Wait up to ms for FIT to reach node. */
static bool fc_wait_up(u32 node, unsigned int ms)
{
	u64 t0 = ktime_get_ns();

	while (!fit_node_up(node)) {
		if (fc_ms_since(t0) > ms)
			return false;
		msleep(20);
	}
	return true;
}

static u32 fc_role(u32 id)
{
	struct fabric_node_info info;

	return fabric_node_info(id, &info) ? info.role : SHMF_ROLE_NONE;
}

/* Echo every size to every other node; every reply checked. */
SELFTEST_EXPLICIT_ONLY(fit_cluster_echo)
{
	static const u32 sizes[] = {
		1, 7, 64, 2000, 2001, 4095, 4096, 4097, 65536, 65537, 262144,
		1048576,
	};
	u32 peers[FIT_MAX_NODES];
	unsigned int n, i, j;
	u8 *req, *reply;
	long ret;
	u64 t0;

	n = fc_peers(peers);
	ST_ASSERT(n > 0);
	ST_EQ(fit_max_payload(peers[0]), 1048576);
	req = kmalloc(1048576, GFP_KERNEL);
	reply = kmalloc(1048576 + 64, GFP_KERNEL);
	ST_ASSERT(req && reply);
	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		for (j = 0; j < ARRAY_SIZE(sizes); j++) {
			u32 len = sizes[j], crc;

			fit_test_fill(req, len, len ^ peers[i] << 24);
			crc = crc32c_buf(req, len);
			memset(reply, 0xa5, len + 64);
			ret = fit_call(peers[i], FIT_ECHO_OP_ECHO, req, len,
				       reply, len + 64, 10000);
			if (ret != len)
				return selftest_fail("node %u: echo of %u bytes: %ld",
						     peers[i], len, ret);
			if (crc32c_buf(reply, len) != crc || memcmp(reply, req, len))
				return selftest_fail("node %u: echo of %u bytes: payload differs",
						     peers[i], len);
			if (memchr_inv(reply + len, 0xa5, 64))
				return selftest_fail("node %u: echo of %u bytes wrote past the reply",
						     peers[i], len);
		}
		pr_info("fit_cluster_echo: node %u: %zu sizes from 1 to 1048576 bytes, every reply checked (%llu ms)\n",
			peers[i], ARRAY_SIZE(sizes), fc_ms_since(t0));
	}
	/* One byte above the limit never leaves this node. */
	ST_EQ(fit_call(peers[0], FIT_ECHO_OP_ECHO, req, 1048577, reply,
		       1048576, 1000), -EMSGSIZE);
	kfree(req);
	kfree(reply);
	return 0;
}

/* --------------------------------------------------- concurrent calls --- */

#define FC_CALLS	10000
#define FC_THREADS	4

struct fc_caller {
	unsigned int first, step;	/* sequence numbers first + k * step */
	u32 *peers;
	unsigned int nr_peers;
	unsigned int *sent;		/* calls per peer, [nr_peers] */
	atomic_t *failed;
	struct completion *go;
	struct completion done;
};

static int fc_caller_fn(void *arg)
{
	struct fc_caller *c = arg;
	struct {
		struct fit_echo_seq s;
		u8 data[256];
	} req;
	struct fit_echo_seq_reply rep;
	unsigned int seq;
	long ret;

	wait_for_completion(c->go);
	for (seq = c->first; seq < FC_CALLS; seq += c->step) {
		unsigned int pi = seq % c->nr_peers;
		u32 node = c->peers[pi];

		req.s.seq = seq;
		req.s.len = seq % 200;
		fit_test_fill(req.s.data, req.s.len, seq);
		req.s.crc = crc32c_buf(req.s.data, req.s.len);
		ret = fit_call(node, FIT_ECHO_OP_SEQ, &req,
			       sizeof(req.s) + req.s.len, &rep, sizeof(rep),
			       20000);
		if (ret != sizeof(rep) || rep.seq != seq ||
		    rep.crc != req.s.crc || rep.dup ||
		    rep.node != fit_self_id()) {
			if (atomic_inc_return(c->failed) <= 5)
				pr_err("fit_cluster_calls: call %u to node %u: %ld (seq %u crc %#x dup %u)\n",
				       seq, node, ret, rep.seq, rep.crc,
				       rep.dup);
			continue;
		}
		__atomic_add_fetch(&c->sent[pi], 1, __ATOMIC_RELAXED);
	}
	complete(&c->done);
	return 0;
}

/*
 * 10 000 calls with unique sequence numbers from 4 threads, spread over
 * the other nodes: every reply matches its call, and each server saw
 * every number exactly once.
 */
SELFTEST_EXPLICIT_ONLY(fit_cluster_calls)
{
	struct fc_caller c[FC_THREADS];
	u32 peers[FIT_MAX_NODES];
	unsigned int sent[FIT_MAX_NODES] = { 0 };
	struct fit_echo_seq_count cnt;
	DECLARE_COMPLETION(go);
	atomic_t failed = ATOMIC_INIT(0);
	unsigned int n, i, total = 0;
	u64 t0;

	n = fc_peers(peers);
	ST_ASSERT(n > 0);
	for (i = 0; i < n; i++)
		ST_EQ(fit_call(peers[i], FIT_ECHO_OP_SEQ_RESET, NULL, 0, NULL,
			       0, 5000), 0);
	for (i = 0; i < FC_THREADS; i++) {
		struct task_struct *t;

		c[i].first = i;
		c[i].step = FC_THREADS;
		c[i].peers = peers;
		c[i].nr_peers = n;
		c[i].sent = sent;
		c[i].failed = &failed;
		c[i].go = &go;
		init_completion(&c[i].done);
		t = kthread_run(fc_caller_fn, &c[i], "fc-caller/%u", i);
		ST_ASSERT(!IS_ERR(t));
	}
	t0 = ktime_get_ns();
	complete_all(&go);
	for (i = 0; i < FC_THREADS; i++)
		wait_for_completion(&c[i].done);
	pr_info("fit_cluster_calls: %u calls from %u threads on %u CPUs to %u nodes in %llu ms\n",
		FC_CALLS, FC_THREADS, num_online_cpus(), n, fc_ms_since(t0));
	if (atomic_read(&failed))
		return selftest_fail("%d calls failed or got a wrong reply",
				     atomic_read(&failed));
	for (i = 0; i < n; i++) {
		ST_EQ(fit_call(peers[i], FIT_ECHO_OP_SEQ_COUNT, NULL, 0, &cnt,
			       sizeof(cnt), 5000), sizeof(cnt));
		if (cnt.seen != sent[i] || cnt.dups)
			return selftest_fail("node %u saw %u calls (%u duplicated), %u were made",
					     peers[i], cnt.seen, cnt.dups,
					     sent[i]);
		pr_info("fit_cluster_calls: node %u served %u calls, none lost, none duplicated\n",
			peers[i], cnt.seen);
		total += cnt.seen;
	}
	ST_EQ(total, FC_CALLS);
	return 0;
}

/* -------------------------------------------------------------- death --- */

struct fc_holder {
	u32 node;
	long ret;
	u64 done_ns;
	struct completion done;
};

static int fc_hold_fn(void *arg)
{
	struct fc_holder *h = arg;

	h->ret = fit_call(h->node, FIT_ECHO_OP_HOLD, NULL, 0, NULL, 0, 60000);
	h->done_ns = ktime_get_ns();
	complete(&h->done);
	return 0;
}

/* n threads, each with a call held by node. */
static int fc_start_holders(struct fc_holder *h, unsigned int n, u32 node)
{
	struct task_struct *t;
	unsigned int i;

	for (i = 0; i < n; i++) {
		h[i].node = node;
		init_completion(&h[i].done);
		t = kthread_run(fc_hold_fn, &h[i], "fc-hold/%u", i);
		if (IS_ERR(t))
			return PTR_ERR(t);
	}
	return 0;
}

/*
 * The lowest memory node is killed (scripts/cluster --kill): calls held
 * there and the next ping fail with -EHOSTDOWN within 10 s of its last
 * reply; new calls fail at once; the other nodes keep answering.
 */
SELFTEST_EXPLICIT_ONLY(fit_cluster_death)
{
	static struct fc_holder h[5];	/* outlives a failed test */
	u32 peers[FIT_MAX_NODES], victim = FABRIC_NO_NODE;
	u64 last_ok = 0, failed_at, t0, latest = 0;
	unsigned int n, i;
	u8 buf[64];
	long ret;

	n = fc_peers(peers);
	for (i = 0; i < n && victim == FABRIC_NO_NODE; i++)
		if (fc_role(peers[i]) == SHMF_ROLE_MEMORY)
			victim = peers[i];
	ST_ASSERT(victim != FABRIC_NO_NODE);
	ST_EQ(fc_start_holders(h, ARRAY_SIZE(h), victim), 0);
	pr_info("fit_cluster_death: %zu calls held by node %u, pinging it\n",
		ARRAY_SIZE(h), victim);
	/* Ping until it stops answering. */
	t0 = ktime_get_ns();
	for (;;) {
		ret = fit_call(victim, FIT_ECHO_OP_ECHO, buf, sizeof(buf), buf,
			       sizeof(buf), 10000);
		if (ret != sizeof(buf))
			break;
		last_ok = ktime_get_ns();
		if (fc_ms_since(t0) > 60000)
			return selftest_fail("node %u still answers after 60 s",
					     victim);
		msleep(20);
	}
	failed_at = ktime_get_ns();
	ST_ASSERT(last_ok);
	if (ret != -EHOSTDOWN)
		return selftest_fail("ping of node %u: %ld, expected -EHOSTDOWN",
				     victim, ret);
	for (i = 0; i < ARRAY_SIZE(h); i++) {
		if (!wait_for_completion_timeout(&h[i].done,
						 msecs_to_jiffies(15000)))
			return selftest_fail("held call %u still waiting", i);
		if (h[i].ret != -EHOSTDOWN)
			return selftest_fail("held call %u: %ld, expected -EHOSTDOWN",
					     i, h[i].ret);
		latest = max(latest, h[i].done_ns);
	}
	latest = max(latest, failed_at);
	pr_info("fit_cluster_death: node %u: the held calls and the ping failed with -EHOSTDOWN %llu ms after its last reply (bound 10000 ms)\n",
		victim, (latest - last_ok) / 1000000);
	if (latest - last_ok > 10000ULL * 1000000)
		return selftest_fail("calls failed %llu ms after the last reply",
				     (latest - last_ok) / 1000000);
	t0 = ktime_get_ns();
	ST_EQ(fit_call(victim, FIT_ECHO_OP_ECHO, buf, 1, buf, sizeof(buf),
		       5000), -EHOSTDOWN);
	ST_ASSERT(fc_ms_since(t0) < 100);
	ST_ASSERT(!fit_node_up(victim));
	for (i = 0; i < n; i++) {
		if (peers[i] == victim)
			continue;
		ST_EQ(fit_call(peers[i], FIT_ECHO_OP_ECHO, buf, sizeof(buf),
			       buf, sizeof(buf), 5000), sizeof(buf));
		pr_info("fit_cluster_death: node %u still answers\n", peers[i]);
	}
	return 0;
}

/* ---------------------------------------------------------- reconnect --- */

/*
 * The connection to a node breaks (as when a QP fails): calls held there
 * fail with -EHOSTDOWN at once, the transport connects again, calls work.
 */
SELFTEST_EXPLICIT_ONLY(fit_cluster_reconnect)
{
	static struct fc_holder h[3];	/* outlives a failed test */
	u32 peers[FIT_MAX_NODES], target;
	unsigned int i;
	u8 buf[64];
	u64 t0;

	ST_ASSERT(fc_peers(peers) > 0);
	target = peers[0];
	ST_EQ(fit_call(target, FIT_ECHO_OP_ECHO, buf, sizeof(buf), buf,
		       sizeof(buf), 5000), sizeof(buf));
	ST_EQ(fc_start_holders(h, ARRAY_SIZE(h), target), 0);
	msleep(200);		/* the calls reach the node */
	t0 = ktime_get_ns();
	fit_verbs_break(target);
	for (i = 0; i < ARRAY_SIZE(h); i++) {
		if (!wait_for_completion_timeout(&h[i].done,
						 msecs_to_jiffies(5000)))
			return selftest_fail("held call %u still waiting", i);
		ST_EQ(h[i].ret, -EHOSTDOWN);
	}
	pr_info("fit_cluster_reconnect: held calls failed %llu ms after the break\n",
		fc_ms_since(t0));
	ST_ASSERT(fc_wait_up(target, 5000));
	pr_info("fit_cluster_reconnect: node %u reachable again after %llu ms\n",
		target, fc_ms_since(t0));
	ST_EQ(fit_call(target, FIT_ECHO_OP_ECHO, buf, sizeof(buf), buf,
		       sizeof(buf), 5000), sizeof(buf));
	/* Their replies go nowhere: the connection they came on is gone. */
	ST_EQ(fit_call(target, FIT_ECHO_OP_RELEASE, NULL, 0, &i, sizeof(i),
		       5000), sizeof(i));
	ST_EQ(i, ARRAY_SIZE(h));
	return 0;
}

/* ---------------------------------------------------------- malformed --- */

static int fc_drops(u32 node, u64 *drops)
{
	struct fit_stats *st = kmalloc(sizeof(*st), GFP_KERNEL);
	long ret;

	if (!st)
		return -ENOMEM;
	ret = fit_call(node, FIT_ECHO_OP_STATS, NULL, 0, st, sizeof(*st), 5000);
	if (ret == sizeof(*st))
		memcpy(drops, st->drops, sizeof(st->drops));
	kfree(st);
	return ret == sizeof(*st) ? 0 : ret < 0 ? ret : -EIO;
}

/*
 * The host injects malformed FIT messages (fabric-tool inject fit-*) into
 * the lowest memory node's receive queue from this node, on the QP this
 * node does not send on: each is dropped and counted there, and calls
 * keep working.  The target acknowledges the forged SENDs, which this
 * node's QP never sent: the verbs connection breaks on that, as RC
 * requires, and the transport connects again.
 */
SELFTEST_EXPLICIT_ONLY(fit_cluster_malformed)
{
	static const enum fit_drop_reason want[] = {
		FIT_DROP_TRUNCATED, FIT_DROP_BAD_LENGTH,
		FIT_DROP_UNKNOWN_OPCODE,
	};
	u64 before[32], now[32];
	u32 peers[FIT_MAX_NODES], target = FABRIC_NO_NODE;
	unsigned int n, i, got = 0;
	u8 buf[64];
	int ret;
	u64 t0;

	ST_ASSERT(num_online_cpus() == 1);
	n = fc_peers(peers);
	for (i = 0; i < n && target == FABRIC_NO_NODE; i++)
		if (fc_role(peers[i]) == SHMF_ROLE_MEMORY)
			target = peers[i];
	ST_ASSERT(target != FABRIC_NO_NODE);
	ST_EQ(fc_drops(target, before), 0);
	pr_info("fit_cluster_malformed: ready for messages to node %u in connection %u, epoch %#x\n",
		target, fit_verbs_conn_index(1), fit_epoch());
	t0 = ktime_get_ns();
	while (got < ARRAY_SIZE(want) && fc_ms_since(t0) < 40000) {
		msleep(200);
		ret = fc_drops(target, now);
		if (ret == -EHOSTDOWN || ret == -EHOSTUNREACH)
			continue;	/* connecting again */
		ST_EQ(ret, 0);
		for (i = 0, got = 0; i < ARRAY_SIZE(want); i++)
			got += now[want[i]] > before[want[i]];
	}
	for (i = 0; i < ARRAY_SIZE(want); i++)
		if (now[want[i]] != before[want[i]] + 1)
			return selftest_fail("node %u counts %llu %s drops, expected %llu",
					     target, now[want[i]],
					     fit_drop_reason_name(want[i]),
					     before[want[i]] + 1);
	ST_ASSERT(fc_wait_up(target, 10000));
	ST_EQ(fit_call(target, FIT_ECHO_OP_ECHO, buf, sizeof(buf), buf,
		       sizeof(buf), 5000), sizeof(buf));
	fit_dump_stats();
	pr_info("fit_cluster_malformed: node %u dropped 3 messages (truncated 1, bad_length 1, unknown_opcode 1); the next call works\n",
		target);
	return 0;
}
