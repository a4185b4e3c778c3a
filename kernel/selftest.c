// SPDX-License-Identifier: GPL-2.0
/*
 * The self-test runner.  selftest=all runs every test not marked explicit;
 * selftest=<glob>[,<glob>...] runs the matching ones.  One line per test,
 * a summary, then the run ends through machine_exit(): status 0 when all
 * passed, 1 otherwise (QEMU exits with 1 or 3).
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/printk.h>
#include <tessera/reboot.h>
#include <tessera/delay.h>
#include <tessera/sched.h>
#include <tessera/completion.h>
#include <tessera/cpumask.h>
#include <tessera/jiffies.h>
#include <tessera/kthread.h>
#include <tessera/slab.h>
#include <tessera/selftest.h>
#include <tessera/string.h>

extern const struct selftest __selftests_start[], __selftests_end[];

static char selftest_pattern[256];
static char fail_reason[256];
static unsigned long expected_warnings;

void selftest_expect_warnings(unsigned long n)
{
	expected_warnings = n;
}

static int parse_selftest(char *val)
{
	if (!val || !*val)
		return -EINVAL;
	strscpy(selftest_pattern, val, sizeof(selftest_pattern));
	return 0;
}
__setup("selftest", parse_selftest);

bool selftest_requested(void)
{
	return selftest_pattern[0];
}

int selftest_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(fail_reason, sizeof(fail_reason), fmt, ap);
	va_end(ap);
	return -1;
}

int selftest_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vscnprintf(fail_reason, sizeof(fail_reason), fmt, ap);
	va_end(ap);
	return SELFTEST_SKIPPED;
}

/* Does one comma-separated pattern select this test? */
static bool pattern_selects(const char *pat, const struct selftest *t)
{
	if (t->flags & SELFTEST_EXPLICIT)
		return !strcmp(pat, t->name);
	return !strcmp(pat, "all") || glob_match(pat, t->name);
}

static bool selected(const struct selftest *t)
{
	char pats[sizeof(selftest_pattern)];
	char *p = pats, *comma;

	strscpy(pats, selftest_pattern, sizeof(pats));
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (*p && pattern_selects(p, t))
			return true;
		if (!comma)
			return false;
		p = comma + 1;
	}
}

/*
 * Threads of the previous test are freed a little after they exit (by
 * whoever runs next on their CPU): let that finish, so tests that count
 * allocations see only their own.
 */
static void settle(void)
{
	unsigned int n;
	int i;

	for (i = 0; i < 50; i++) {
		n = nr_tasks_allocated();
		msleep(2);
		if (n == nr_tasks_allocated())
			return;
	}
}

enum selftest_result { ST_PASSED, ST_FAILED, ST_SKIPPED };

static enum selftest_result run_one(const struct selftest *t)
{
	unsigned long warnings = nr_warnings;
	int ret;

	settle();
	fail_reason[0] = '\0';
	expected_warnings = 0;
	ret = t->fn();
	if (ret == SELFTEST_SKIPPED && nr_warnings == warnings) {
		pr_info("selftest: %s ... skipped: %s\n", t->name, fail_reason);
		return ST_SKIPPED;
	}
	if (ret == SELFTEST_SKIPPED)
		ret = selftest_fail("%lu WARNs in a skipped test",
				    nr_warnings - warnings);
	if (!ret && nr_warnings - warnings != expected_warnings) {
		ret = selftest_fail("%lu WARNs, expected %lu",
				    nr_warnings - warnings, expected_warnings);
	}
	if (ret)
		pr_info("selftest: %s ... FAIL: %s\n", t->name,
			fail_reason[0] ? fail_reason : "returned an error");
	else
		pr_info("selftest: %s ... ok\n", t->name);
	return ret ? ST_FAILED : ST_PASSED;
}

/*
 * Tests run on CPU 0: those about one CPU's scheduling bind their
 * threads there too; those about other CPUs name them explicitly.  A new
 * affinity takes effect at the next wake-up, hence the sleep.
 */
static void pin_to_cpu0(void)
{
	cpumask_t only0;

	cpumask_clear(&only0);
	cpumask_set_cpu(0, &only0);
	if (set_cpus_allowed_ptr(current, &only0))
		return;
	while (task_cpu(current) != 0)
		msleep(1);
}

void selftest_run_requested(void)
{
	const struct selftest *t;
	unsigned int total = 0, nr = 0, passed = 0, failed = 0, skipped = 0;

	if (!selftest_pattern[0])
		return;
	pin_to_cpu0();
	for (t = __selftests_start; t < __selftests_end; t++) {
		total++;
		nr += selected(t);
	}
	pr_info("selftest: running %u of %u tests (selftest=%s)\n", nr, total,
		selftest_pattern);
	if (!nr)
		pr_err("selftest: no test matches '%s'\n", selftest_pattern);
	for (t = __selftests_start; t < __selftests_end; t++) {
		if (!selected(t))
			continue;
		switch (run_one(t)) {
		case ST_PASSED:
			passed++;
			break;
		case ST_FAILED:
			failed++;
			break;
		case ST_SKIPPED:
			skipped++;
			break;
		}
	}
	if (skipped)
		pr_info("selftest: summary: %u passed, %u failed, %u skipped\n",
			passed, failed, skipped);
	else
		pr_info("selftest: summary: %u passed, %u failed\n", passed,
			failed);
	/* Skipped tests neither pass nor fail the run. */
	machine_exit(nr && !failed ? 0 : 1);
}

/* A test that always fails: checks that failures reach the exit status. */
SELFTEST_EXPLICIT_ONLY(deliberate_fail)
{
	return selftest_fail("deliberate failure (selftest=deliberate_fail)");
}

/* Dereference a bad pointer in a named function to show the oops path. */
static noinline __attribute__((noipa)) int selftest_oops_victim(unsigned long addr)
{
	/* Hide the constant so the compiler cannot prove anything about it. */
	asm volatile("" : "+r"(addr));
	return *(volatile int *)addr;
}

SELFTEST_EXPLICIT_ONLY(oops)
{
	pr_info("selftest: oops: dereferencing %#x, an oops follows\n", 0x10);
	selftest_oops_victim(0x10);
	return selftest_fail("no fault on a NULL-page read");
}

SELFTEST(warn_on)
{
	int fired = 0;

	selftest_expect_warnings(2);
	if (WARN_ON(1 + 1 == 2))
		fired++;
	ST_ASSERT(!WARN_ON(0));
	for (int i = 0; i < 3; i++)
		if (WARN_ON_ONCE(true))
			fired++;
	ST_EQ(fired, 4);	/* WARN_ON_ONCE returns the condition each time */
	return 0;
}

SELFTEST_EXPLICIT_ONLY(bug)
{
	volatile bool yes = true;	/* keep the BUG path reachable code */

	BUG_ON(yes);
	return selftest_fail("BUG_ON(true) returned");
}

/* A non-page-fault exception: ud2 is an invalid opcode. */
SELFTEST_EXPLICIT_ONLY(invalid_opcode)
{
	asm volatile("ud2");
	return selftest_fail("ud2 returned");
}

struct each_cpu_job {
	int (*fn)(void *arg, unsigned int cpu);
	void *arg;
	unsigned int cpu;
	struct completion *go;
	struct completion done;
	int ret;
};

static int each_cpu_thread(void *data)
{
	struct each_cpu_job *job = data;

	wait_for_completion(job->go);	/* start together: real contention */
	job->ret = job->fn(job->arg, job->cpu);
	complete(&job->done);
	return 0;
}

int selftest_run_on_each_cpu(int (*fn)(void *arg, unsigned int cpu), void *arg)
{
	struct each_cpu_job *jobs;
	struct completion go;
	unsigned int cpu, n = 0;
	int ret = 0;

	jobs = kcalloc(NR_CPUS, sizeof(*jobs), GFP_KERNEL);
	if (!jobs)
		return -ENOMEM;
	init_completion(&go);
	for_each_online_cpu(cpu) {
		struct each_cpu_job *job = &jobs[n];
		struct task_struct *t;

		job->fn = fn;
		job->arg = arg;
		job->cpu = cpu;
		job->go = &go;
		init_completion(&job->done);
		t = kthread_create(each_cpu_thread, job, "selftest/%u", cpu);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		kthread_bind(t, cpu);
		wake_up_process(t);
		n++;
	}
	complete_all(&go);
	for (cpu = 0; cpu < n; cpu++) {
		if (!wait_for_completion_timeout(&jobs[cpu].done, 60 * HZ)) {
			/* Leak the jobs: a late thread must not write freed memory. */
			return -ETIMEDOUT;
		}
		ret = ret ?: jobs[cpu].ret;
	}
	kfree(jobs);
	return ret;
}
