// SPDX-License-Identifier: GPL-2.0
/*
 * The FIT benchmark: fit_bench=loopback on the command line measures
 * calls over the loopback transport at the end of fit_init(), prints one
 * "fit-bench:" line per figure and ends the run (scripts/bench-fit).
 * fit_bench=verbs does the same with the first memory node over the
 * verbs transport, calling its echo service (scripts/bench-fit --cluster).
 * ",quick" does a tenth of the work (tests).
 */
#define pr_fmt(fmt) "fit-bench: " fmt

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/completion.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fabric.h>
#include <tessera/fit_echo.h>
#include <tessera/init.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/reboot.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>

#include "fit_internal.h"

#define OP_BENCH_ECHO	0xf080

static bool bench_requested;
static bool bench_verbs;
static unsigned int bench_div = 1;
/* Whom the calls go to, with which opcode. */
static u32 bench_node;
static u16 bench_op = OP_BENCH_ECHO;

/* fit_bench=loopback[,quick] or verbs[,quick] */
static int parse_fit_bench(char *val)
{
	size_t n;

	if (!val)
		return -EINVAL;
	n = strlen(val);
	if (n > 6 && !strcmp(val + n - 6, ",quick")) {
		bench_div = 10;
		n -= 6;
	}
	if (n == 8 && !strncmp(val, "loopback", 8))
		bench_verbs = false;
	else if (n == 5 && !strncmp(val, "verbs", 5))
		bench_verbs = true;
	else
		return -EINVAL;
	bench_requested = true;
	return 0;
}
__setup("fit_bench", parse_fit_bench);

static int bench_echo(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	if (len > max)
		return -EMSGSIZE;
	memcpy(reply, req, len);
	return len;
}

/* "12.3" for 12345 ns. */
static const char *bench_us(char *buf, size_t size, u64 ns)
{
	snprintf(buf, size, "%llu.%llu", ns / 1000, ns % 1000 / 100);
	return buf;
}

static void bench_sort(u64 *a, unsigned int n)
{
	unsigned int gap, i, j;

	for (gap = n / 2; gap; gap /= 2)
		for (i = gap; i < n; i++) {
			u64 v = a[i];

			for (j = i; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
}

/* Round trips of size bytes each way, one at a time. */
static int bench_rtt(size_t size, unsigned int n)
{
	u8 *req = kmalloc(size, GFP_KERNEL), *reply = kmalloc(size, GFP_KERNEL);
	u64 *lat = kmalloc_array(n, sizeof(*lat), GFP_KERNEL);
	char b1[24], b2[24], b3[24];
	u64 sum = 0, t0;
	unsigned int i;
	long ret = 0;

	if (!req || !reply || !lat) {
		ret = -ENOMEM;
		goto out;
	}
	memset(req, 0x5a, size);
	/* Warm up: the first calls allocate and fault in. */
	for (i = 0; i < 10 && ret >= 0; i++)
		ret = fit_call(bench_node, bench_op, req, size, reply,
			       size, 5000);
	for (i = 0; i < n && ret >= 0; i++) {
		t0 = ktime_get_ns();
		ret = fit_call(bench_node, bench_op, req, size, reply,
			       size, 5000);
		lat[i] = ktime_get_ns() - t0;
		sum += lat[i];
	}
	if (ret < 0) {
		pr_err("rtt %zu B: call failed: %ld\n", size, ret);
		goto out;
	}
	bench_sort(lat, n);
	pr_info("rtt %zu B: %s us (median %s us, p99 %s us; %u calls)\n",
		size, bench_us(b1, sizeof(b1), sum / n),
		bench_us(b2, sizeof(b2), lat[n / 2]),
		bench_us(b3, sizeof(b3), lat[n - 1 - n / 100]), n);
	ret = 0;
out:
	kfree(req);
	kfree(reply);
	kfree(lat);
	return ret;
}

struct bench_caller {
	unsigned int calls;
	struct completion *go;
	struct completion done;
	atomic_t *failed;
};

static int bench_caller_fn(void *arg)
{
	struct bench_caller *c = arg;
	u8 req[64], reply[64];
	unsigned int i;

	memset(req, 0xa5, sizeof(req));
	wait_for_completion(c->go);
	for (i = 0; i < c->calls; i++)
		if (fit_call(bench_node, bench_op, req, sizeof(req),
			     reply, sizeof(reply), 5000) != sizeof(req))
			atomic_inc(c->failed);
	complete(&c->done);
	return 0;
}

/* 64-byte calls from nr threads at once: calls per second in all. */
static int bench_rate(unsigned int nr, unsigned int total)
{
	struct bench_caller c[4];
	DECLARE_COMPLETION(go);
	atomic_t failed = ATOMIC_INIT(0);
	unsigned int i;
	u64 t0, ns;

	for (i = 0; i < nr; i++) {
		struct task_struct *t;

		c[i].calls = total / nr;
		c[i].go = &go;
		c[i].failed = &failed;
		init_completion(&c[i].done);
		t = kthread_run(bench_caller_fn, &c[i], "fitbench/%u", i);
		if (IS_ERR(t))
			return PTR_ERR(t);
	}
	t0 = ktime_get_ns();
	complete_all(&go);
	for (i = 0; i < nr; i++)
		wait_for_completion(&c[i].done);
	ns = ktime_get_ns() - t0;
	if (atomic_read(&failed)) {
		pr_err("rate with %u callers: %d calls failed\n", nr,
		       atomic_read(&failed));
		return -EIO;
	}
	pr_info("rate 64 B, %u caller%s: %llu calls/s (%u calls in %llu ms)\n",
		nr, nr > 1 ? "s" : "", (u64)total * 1000000000 / ns, total,
		ns / 1000000);
	return 0;
}

/* The first memory node, once FIT reaches it (verbs mode). */
static int bench_find_peer(void)
{
#if defined(CONFIG_FIT_VERBS) && defined(CONFIG_FIT_ECHO)
	struct fabric_node_info info;
	unsigned int id, i;

	if (fabric_wait_for_cluster())
		return -ENODEV;
	for (i = 0; i < 1000; i++) {
		for (id = 0; id < FIT_MAX_NODES; id++)
			if (id != fit_self_id() && fabric_node_info(id, &info) &&
			    info.role == SHMF_ROLE_MEMORY &&
			    info.state == SHMF_NODE_UP && fit_node_up(id)) {
				bench_node = id;
				bench_op = FIT_ECHO_OP_ECHO;
				return 0;
			}
		msleep(20);
	}
	return -ETIMEDOUT;
#else
	return -ENODEV;
#endif
}

void fit_bench_run(void)
{
	char what[48];
	int ret;

	if (!bench_requested)
		return;
	bench_node = fit_self_id();
	if (bench_verbs) {
		ret = bench_find_peer();
		if (ret) {
			pr_err("no memory node reachable over verbs: %d\n", ret);
			pr_info("failed\n");
			machine_exit(1);
		}
	}
	if (bench_verbs)
		snprintf(what, sizeof(what), "verbs transport to node %u (memory)",
			 bench_node);
	else
		snprintf(what, sizeof(what), "loopback transport");
	pr_info("%s, %u CPU%s, HZ=%u, %u workers; echo: the reply is as long as the request\n",
		what, num_online_cpus(), num_online_cpus() > 1 ? "s" : "", HZ,
		CONFIG_FIT_NR_WORKERS);
	ret = bench_verbs ? 0 :
	      fit_register_handler(OP_BENCH_ECHO, bench_echo, NULL);
	if (!ret)
		ret = bench_rtt(64, 5000 / bench_div);
	if (!ret)
		ret = bench_rtt(4096, 2000 / bench_div);
	if (!ret)
		ret = bench_rtt(65536, 500 / bench_div);
	if (!ret)
		ret = bench_rate(1, 20000 / bench_div);
	if (!ret)
		ret = bench_rate(4, 20000 / bench_div);
	pr_info("%s\n", ret ? "failed" : "done");
	machine_exit(ret ? 1 : 0);
}
