// SPDX-License-Identifier: GPL-2.0
/*
 * SMP: bring up every CPU the MADT lists (INIT, STARTUP, STARTUP through
 * the real-mode trampoline), cross-CPU function calls on an IPI vector,
 * and TLB shootdown built on them.
 */
#define pr_fmt(fmt) "smp: " fmt

#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/time.h>
#include <tessera/init.h>
#include <tessera/interrupt.h>
#include <tessera/timekeeping.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/start_kernel.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/percpu.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/stacktrace.h>
#include <asm/traps.h>

#define PTE_P	0x001
#define PTE_W	0x002
#define PTE_PS	0x080

/* Page tables for the trampoline: identity 0-2 MiB plus the kernel's half. */
static u64 tr_pml4[512] __aligned(PAGE_SIZE);
static u64 tr_pdpt[512] __aligned(PAGE_SIZE);
static u64 tr_pd[512] __aligned(PAGE_SIZE);

static struct task_struct *idle_tasks[NR_CPUS];
static unsigned long kernel_cr3;
static unsigned int max_cpus = NR_CPUS;

static int parse_maxcpus(char *val)
{
	return val ? kstrtouint(val, 10, &max_cpus) : -EINVAL;
}
__setup("maxcpus", parse_maxcpus);

/* The CPU number of the running CPU, from its local APIC ID. */
unsigned int hard_smp_processor_id(void)
{
	u32 id = apic_read_id();
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (cpu_apicid[cpu] == id)
			return cpu;
	BUG();
}

/* ---- cross-CPU function calls ---- */

struct call_slot {
	spinlock_t lock;		/* one caller at a time per target */
	smp_call_func_t func;
	void *info;
	int taken;			/* the target copied func/info */
	int done;			/* and ran it */
};

static struct call_slot call_slots[NR_CPUS];
static unsigned int call_vector;

static void call_function_interrupt(struct pt_regs *regs)
{
	struct call_slot *s = &call_slots[smp_processor_id()];
	smp_call_func_t func = READ_ONCE(s->func);
	void *info = READ_ONCE(s->info);

	__atomic_store_n(&s->taken, 1, __ATOMIC_RELEASE);
	func(info);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
}

static void wait_flag(int *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		cpu_relax();
}

/* Post func to cpu; returns with the slot locked until it was taken. */
static void call_post(unsigned int cpu, smp_call_func_t func, void *info)
{
	struct call_slot *s = &call_slots[cpu];

	spin_lock(&s->lock);
	s->func = func;
	s->info = info;
	s->taken = 0;
	s->done = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	apic_send_ipi(cpu_apicid[cpu], call_vector);
	wait_flag(&s->taken);
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t func,
			     void *info, bool wait)
{
	unsigned long flags;

	if (cpu >= NR_CPUS || !cpu_online(cpu))
		return -ENXIO;
	if (cpu == smp_processor_id()) {
		flags = local_irq_save();
		func(info);
		local_irq_restore(flags);
		return 0;
	}
	/* Two CPUs calling each other with interrupts off would deadlock. */
	WARN_ON_ONCE(!(local_save_flags() & X86_EFLAGS_IF));
	call_post(cpu, func, info);
	if (wait)
		wait_flag(&call_slots[cpu].done);
	spin_unlock(&call_slots[cpu].lock);
	return 0;
}

void on_each_cpu(smp_call_func_t func, void *info, bool wait)
{
	unsigned int self = smp_processor_id(), cpu;
	unsigned long flags;

	WARN_ON_ONCE(num_online_cpus() > 1 &&
		     !(local_save_flags() & X86_EFLAGS_IF));
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (cpu != self && cpu_online(cpu))
			call_post(cpu, func, info);
	flags = local_irq_save();
	func(info);
	local_irq_restore(flags);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (cpu == self || !cpu_online(cpu))
			continue;
		if (wait)
			wait_flag(&call_slots[cpu].done);
		spin_unlock(&call_slots[cpu].lock);
	}
}

/* ---- TLB shootdown ---- */

struct flush_range {
	unsigned long start, end;
};

static void do_flush_range(void *arg)
{
	struct flush_range *r = arg;

	local_flush_tlb_kernel_range(r->start, r->end);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_range r = { start, end };

	if (num_online_cpus() == 1)
		local_flush_tlb_kernel_range(start, end);
	else
		on_each_cpu(do_flush_range, &r, true);
}

/* ---- rescheduling ---- */

/* Nothing to do in the handler: the interrupt exit path reschedules. */
static void reschedule_interrupt(struct pt_regs *regs)
{
}

void smp_send_reschedule(int cpu)
{
	if (cpu != (int)smp_processor_id() && cpu_online(cpu))
		apic_send_ipi(cpu_apicid[cpu], RESCHEDULE_VECTOR);
}

/* ---- bring-up ---- */

static struct trampoline_params *tr_params(void)
{
	return __va(TRAMPOLINE_PHYS + ((const char *)&trampoline_params -
				       trampoline_start));
}

void __noreturn start_secondary(unsigned long cpu)
{
	struct task_struct *idle = idle_tasks[cpu];

	/* Leave the trampoline's page table for the kernel's own. */
	write_cr3(kernel_cr3);
	/* Per-CPU data before anything takes a lock. */
	setup_percpu_cpu(cpu);
	this_cpu_write(current_task, idle);
	this_cpu_write(top_of_stack, task_stack_top(idle));
	cpu_gdt_init_cpu(cpu);
	idt_load();
	init_idle(idle, cpu);
	apic_setup_this_cpu();
	apic_timer_setup_this_cpu();
	set_cpu_online(cpu, true);
	local_irq_enable();
	cpu_startup_entry();
}

static void trampoline_setup(void)
{
	u64 *kpml4 = __va(read_cr3() & PAGE_MASK);

	memcpy(__va(TRAMPOLINE_PHYS), trampoline_start,
	       trampoline_end - trampoline_start);
	memcpy(&tr_pml4[256], &kpml4[256], 256 * sizeof(u64));
	tr_pml4[0] = __pa_symbol(tr_pdpt) | PTE_P | PTE_W;
	tr_pdpt[0] = __pa_symbol(tr_pd) | PTE_P | PTE_W;
	tr_pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	kernel_cr3 = read_cr3();
}

static bool boot_cpu(unsigned int cpu)
{
	struct trampoline_params *p = tr_params();
	u32 apicid = cpu_apicid[cpu];
	u64 deadline;

	/* The AP runs on its idle task's stack from the first instruction. */
	idle_tasks[cpu] = create_task(NULL, NULL, "swapper");
	if (IS_ERR(idle_tasks[cpu])) {
		pr_err("CPU %u: no memory for its idle task\n", cpu);
		return false;
	}

	p->cr3 = __pa_symbol(tr_pml4);
	p->cr4 = read_cr4();
	p->efer = rdmsr(MSR_EFER);
	p->stack = task_stack_top(idle_tasks[cpu]);
	p->entry = (u64)start_secondary;
	p->cpu = cpu;
	p->alive = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* The sequence from the MP specification: INIT, then two STARTUPs. */
	apic_send_init(apicid);
	mdelay(10);
	apic_send_sipi(apicid, TRAMPOLINE_PHYS >> PAGE_SHIFT);
	udelay(200);
	if (!READ_ONCE(p->alive))
		apic_send_sipi(apicid, TRAMPOLINE_PHYS >> PAGE_SHIFT);

	/* TCG is slow to start a vCPU: allow seconds, not microseconds. */
	deadline = ktime_get_ns() + 5 * NSEC_PER_SEC;
	while (!cpu_online(cpu) && ktime_get_ns() < deadline)
		cpu_relax();
	if (cpu_online(cpu))
		return true;
	pr_err("CPU %u (APIC %u) did not come up (%s)\n", cpu, apicid,
	       READ_ONCE(p->alive) ? "stuck after the trampoline" :
				     "no response to STARTUP");
	return false;
}

void smp_boot_cpus(void)
{
	unsigned int cpu;

	call_vector = CALL_FUNCTION_SINGLE_VECTOR;
	if (request_vector(call_vector, call_function_interrupt, "CAL") ||
	    request_vector(RESCHEDULE_VECTOR, reschedule_interrupt, "RES"))
		panic("smp: IPI vectors taken");
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		set_cpu_possible(cpu, true);
	if (nr_cpu_ids > 1)
		trampoline_setup();
	for (cpu = 1; cpu < nr_cpu_ids && cpu < max_cpus; cpu++)
		if (!boot_cpu(cpu) && !IS_ERR_OR_NULL(idle_tasks[cpu]))
			pr_err("CPU %u: its idle task is left allocated\n", cpu);
	pr_info("Brought up %u of %u CPUs\n", num_online_cpus(), nr_cpu_ids);
}

#ifdef CONFIG_SELFTEST
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/selftest.h>
#include <asm/extable.h>
#include <asm/io.h>

SELFTEST(smp_cpus_online)
{
	unsigned int cpu, n = 0;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		n += cpu_online(cpu);
	ST_EQ(n, num_online_cpus());
	ST_EQ(num_online_cpus(), min(nr_cpu_ids, max_cpus));
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (cpu_online(cpu))
			ST_EQ(per_cpu_ptr(cpu)->cpu_number, cpu);
	return 0;
}

static void record_cpu(void *arg)
{
	/* Both ways of naming this CPU must agree. */
	if (hard_smp_processor_id() == smp_processor_id())
		__atomic_or_fetch((u64 *)arg, 1ULL << smp_processor_id(),
				  __ATOMIC_SEQ_CST);
}

static void report_cpu(void *arg)
{
	*(unsigned int *)arg = smp_processor_id();
}

SELFTEST(smp_call_function)
{
	unsigned int cpu, where;
	u64 seen = 0;
	int round;

	/* Repeat: a lost IPI or a slot handed out twice shows up quickly. */
	for (round = 0; round < 50; round++) {
		seen = 0;
		on_each_cpu(record_cpu, &seen, true);
		ST_EQ(seen, cpu_online_mask->bits[0]);
	}
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_online(cpu))
			continue;
		where = ~0U;
		ST_EQ(smp_call_function_single(cpu, report_cpu, &where, true), 0);
		ST_EQ(where, cpu);
	}
	ST_EQ(smp_call_function_single(NR_CPUS - 1, report_cpu, &where, true),
	      nr_cpu_ids == NR_CPUS ? 0 : -ENXIO);
	return 0;
}

struct probe {
	unsigned long va;
	unsigned long val;
	long ret;
};

static void probe_va(void *arg)
{
	struct probe *p = arg;

	p->ret = read_kernel_nofault(p->va, &p->val);
}

/*
 * Every CPU caches a translation, one CPU removes it: afterwards no CPU
 * may still reach the page.  Without the shootdown the others would keep
 * reading through their stale TLB entries.
 */
SELFTEST(smp_tlb_shootdown)
{
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	struct probe p;
	unsigned int cpu;
	void *va;

	ST_ASSERT(page);
	*(unsigned long *)page = 0x5eed5eed;
	va = (void *)ioremap_cache(__pa(page), PAGE_SIZE);
	ST_ASSERT(va);
	p.va = (unsigned long)va;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_online(cpu))
			continue;
		p.ret = -1;
		smp_call_function_single(cpu, probe_va, &p, true);
		ST_EQ(p.ret, 0);
		ST_EQ(p.val, 0x5eed5eed);
	}
	iounmap((void __iomem *)va);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!cpu_online(cpu))
			continue;
		p.ret = 0;
		smp_call_function_single(cpu, probe_va, &p, true);
		if (p.ret != -EFAULT)
			return selftest_fail("CPU %u still reads an unmapped page",
					     cpu);
	}
	free_page(page);
	return 0;
}
#endif
