// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC: x2APIC (MSR interface) when the CPU has it, xAPIC
 * (MMIO at the MADT's address) otherwise; IPIs, including the INIT and
 * STARTUP IPIs of SMP bring-up; the error interrupt; and the APIC timer
 * that drives the tick.
 */
#define pr_fmt(fmt) "apic: " fmt

#include <tessera/kernel.h>
#include <tessera/acpi.h>
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/interrupt.h>
#include <tessera/jiffies.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <tessera/bootinfo.h>
#include <tessera/delay.h>
#include <tessera/timekeeping.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/hpet.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>

#define X86_FEATURE_APIC	(1U << 9)	/* CPUID.1:EDX */
#define X86_FEATURE_X2APIC	(1U << 21)	/* CPUID.1:ECX */

#define ICR_BUSY_TIMEOUT	1000000		/* polls, ~1 s worst case */
#define TIMER_CAL_NS		25000000ULL	/* 25 ms */

bool x2apic_mode;
static void __iomem *apic_mmio;
static bool nox2apic;
static bool fw_x2apic;		/* the firmware left x2APIC mode on */
static unsigned int apic_maxlvt;

unsigned int nr_cpu_ids = 1;
u32 cpu_apicid[NR_CPUS];
u32 boot_cpu_apicid;

u64 apic_timer_hz;
static u32 apic_timer_initial;
unsigned long apic_nr_errors;
static u32 apic_last_esr;

static int parse_nox2apic(char *val)
{
	nox2apic = true;
	return 0;
}
early_param("nox2apic", parse_nox2apic);

u32 apic_read(u32 reg)
{
	if (x2apic_mode)
		return rdmsr(APIC_BASE_MSR + (reg >> 4));
	return readl(apic_mmio + reg);
}

void apic_write(u32 reg, u32 val)
{
	if (x2apic_mode)
		wrmsr(APIC_BASE_MSR + (reg >> 4), val);
	else
		writel(val, apic_mmio + reg);
}

u32 apic_read_id(void)
{
	u32 id = apic_read(APIC_ID);

	return x2apic_mode ? id : id >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* xAPIC: wait until the previous IPI has been accepted. */
static void xapic_wait_icr_idle(void)
{
	unsigned int i;

	for (i = 0; i < ICR_BUSY_TIMEOUT; i++) {
		if (!(apic_read(APIC_ICR) & APIC_ICR_BUSY))
			return;
		cpu_relax();
	}
	pr_err("IPI not accepted (ICR %#x)\n", apic_read(APIC_ICR));
}

static void apic_icr_write(u32 low, u32 dest)
{
	unsigned long flags = local_irq_save();

	if (x2apic_mode) {
		/*
		 * x2APIC MSR writes are not serializing: make earlier stores
		 * visible before the target can see the IPI.
		 */
		asm volatile("mfence" ::: "memory");
		wrmsr(APIC_BASE_MSR + (APIC_ICR >> 4), ((u64)dest << 32) | low);
	} else {
		xapic_wait_icr_idle();
		apic_write(APIC_ICR2, dest << 24);
		apic_write(APIC_ICR, low);
		xapic_wait_icr_idle();
	}
	local_irq_restore(flags);
}

void apic_send_ipi(u32 apicid, u8 vector)
{
	apic_icr_write(APIC_DM_FIXED | vector, apicid);
}

void apic_send_ipi_self(u8 vector)
{
	if (x2apic_mode) {
		asm volatile("mfence" ::: "memory");
		apic_write(APIC_SELF_IPI, vector);
	} else {
		apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | vector, 0);
	}
}

void apic_send_init(u32 apicid)
{
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT,
		       apicid);
	/* The de-assert only matters to old xAPICs; x2APIC has none. */
	if (!x2apic_mode)
		apic_icr_write(APIC_INT_LEVELTRIG | APIC_DM_INIT, apicid);
}

void apic_send_sipi(u32 apicid, unsigned int page)
{
	if (WARN_ON(page > 0xff))
		return;
	apic_icr_write(APIC_DM_STARTUP | page, apicid);
}

/* Read (and clear) the error status: write first, as the SDM asks. */
static u32 apic_read_esr(void)
{
	if (apic_maxlvt > 3)
		apic_write(APIC_ESR, 0);
	return apic_read(APIC_ESR);
}

static const char *const esr_names[8] = {
	"send checksum", "receive checksum", "send accept", "receive accept",
	"redirectable IPI", "send illegal vector", "received illegal vector",
	"illegal register address",
};

static void apic_error_interrupt(struct pt_regs *regs)
{
	u32 esr = apic_read_esr();
	unsigned int i;

	apic_nr_errors++;
	apic_last_esr = esr;
	pr_err("error interrupt on APIC %u: ESR 0x%x", apic_read_id(), esr);
	for (i = 0; i < 8; i++)
		if (esr & (1U << i))
			pr_cont(" (%s)", esr_names[i]);
	pr_cont("\n");
}

/* This CPU's ACPI processor UID, from the MADT. */
static u32 this_cpu_acpi_id(void)
{
	u32 id = apic_read_id();
	unsigned int i;

	for (i = 0; i < acpi_madt.nr_cpus; i++)
		if (acpi_madt.cpus[i].apic_id == id)
			return acpi_madt.cpus[i].acpi_id;
	return 0xfffffffe;	/* unknown: only "all processors" entries apply */
}

/* LINT0/LINT1: NMI where the MADT says so, masked otherwise (no ExtINT). */
static u32 lint_lvt(unsigned int lint, u32 acpi_id)
{
	unsigned int i;

	for (i = 0; i < acpi_madt.nr_lapic_nmis; i++) {
		const struct acpi_lapic_nmi *n = &acpi_madt.lapic_nmis[i];

		if (n->lint != lint ||
		    (n->acpi_id != 0xffffffff && n->acpi_id != acpi_id))
			continue;
		if ((n->flags & ACPI_MADT_POLARITY_MASK) ==
		    ACPI_MADT_POLARITY_ACTIVE_LOW)
			return APIC_DM_NMI | (1 << 13);
		return APIC_DM_NMI;
	}
	return APIC_LVT_MASKED;
}

static void apic_enable_msr(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE), want;

	want = base | MSR_IA32_APICBASE_ENABLE;
	if (x2apic_mode)
		want |= MSR_IA32_APICBASE_EXTD;
	if (want != base)
		wrmsr(MSR_IA32_APICBASE, want);
}

void apic_setup_this_cpu(void)
{
	unsigned int i, j;
	u32 acpi_id;

	apic_enable_msr();
	apic_maxlvt = (apic_read(APIC_LVR) >> 16) & 0xff;
	apic_write(APIC_TASKPRI, 0);
	if (!x2apic_mode)
		apic_write(APIC_DFR, 0xffffffff);	/* flat model */

	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	if (apic_maxlvt >= 4)
		apic_write(APIC_LVTPC, APIC_LVT_MASKED);
	if (apic_maxlvt >= 5)
		apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
	acpi_id = this_cpu_acpi_id();
	apic_write(APIC_LVT0, lint_lvt(0, acpi_id));
	apic_write(APIC_LVT1, lint_lvt(1, acpi_id));
	apic_read_esr();
	apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
	apic_read_esr();

	apic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);

	/* Acknowledge whatever the firmware left in service. */
	for (i = 0; i < 8; i++)
		for (j = 0; j < 32 && apic_read(APIC_ISR + i * 0x10); j++)
			apic_eoi();
}

static void build_cpu_table(void)
{
	unsigned int i, n = 1;

	cpu_apicid[0] = boot_cpu_apicid;
	for (i = 0; i < acpi_madt.nr_cpus; i++) {
		const struct acpi_madt_cpu *c = &acpi_madt.cpus[i];

		if (!c->enabled || c->apic_id == boot_cpu_apicid)
			continue;
		if (n == NR_CPUS)
			break;
		cpu_apicid[n++] = c->apic_id;
	}
	nr_cpu_ids = n;
}

void apic_init(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);
	phys_addr_t phys;

	if (!(boot_cpu_data.features_edx & X86_FEATURE_APIC))
		panic("apic: this CPU has no local APIC");
	legacy_pic_disable();

	fw_x2apic = (base & MSR_IA32_APICBASE_ENABLE) &&
		    (base & MSR_IA32_APICBASE_EXTD);
	x2apic_mode = fw_x2apic ||
		      (!nox2apic && (boot_cpu_data.features_ecx & X86_FEATURE_X2APIC));
	if (nox2apic && fw_x2apic)
		pr_warn("x2APIC enabled by the firmware, nox2apic ignored\n");
	if (!x2apic_mode) {
		phys = acpi_madt.lapic_address ?: base & MSR_IA32_APICBASE_BASE;
		apic_mmio = ioremap(phys, PAGE_SIZE);
		if (!apic_mmio)
			panic("apic: cannot map the local APIC at %#llx", phys);
	}
	apic_setup_this_cpu();
	boot_cpu_apicid = apic_read_id();
	build_cpu_table();
	if (request_vector(ERROR_APIC_VECTOR, apic_error_interrupt, "ERR"))
		pr_err("cannot install the error handler\n");

	pr_info("%s mode, boot CPU APIC ID %u, version %#x, %u LVT entries\n",
		x2apic_mode ? "x2APIC" : "xAPIC", boot_cpu_apicid,
		apic_read(APIC_LVR) & 0xff, apic_maxlvt + 1);
	pr_info("%u CPU(s) usable (NR_CPUS %d)\n", nr_cpu_ids, NR_CPUS);
}

/* The clock the APIC timer is measured against. */
static u64 calibration_ns(void)
{
	return hpet_available() ? hpet_ns() : ktime_get_ns();
}

/*
 * The APIC timer's count half way through a read of the reference clock;
 * the quickest of a few tries, so that a host stall inside one does not
 * skew the pair.
 */
static u32 count_at_ns(u64 *ns)
{
	u32 a, b, count = 0, best = U32_MAX;
	unsigned int i;
	u64 t;

	for (i = 0; i < 8; i++) {
		a = apic_read(APIC_TMCCT);
		t = calibration_ns();
		b = apic_read(APIC_TMCCT);
		if (a - b < best) {
			best = a - b;
			count = b + (a - b) / 2;
			*ns = t;
		}
	}
	return count;
}

void apic_timer_calibrate(void)
{
	u64 t0, t1;
	u32 c0, c1;

	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_TMICT, 0xffffffff);
	c0 = count_at_ns(&t0);
	do {
		c1 = count_at_ns(&t1);
	} while (t1 - t0 < TIMER_CAL_NS);
	apic_write(APIC_TMICT, 0);

	apic_timer_hz = (u64)(c0 - c1) * NSEC_PER_SEC / (t1 - t0);
	apic_timer_initial = (apic_timer_hz + HZ / 2) / HZ;
	if (!apic_timer_initial)
		panic("apic: timer calibration failed");
	pr_info("timer %llu.%03llu MHz (bus clock / 16, against the %s), %u counts per tick\n",
		apic_timer_hz / 1000000, apic_timer_hz / 1000 % 1000,
		hpet_available() ? "HPET" : "TSC", apic_timer_initial);
}

void apic_timer_setup_this_cpu(void)
{
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR | APIC_LVT_TIMER_PERIODIC);
	apic_write(APIC_TMICT, apic_timer_initial);
}

void apic_timer_stop_this_cpu(void)
{
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0);
}

#ifdef CONFIG_SELFTEST
static volatile unsigned int test_ipi_hits;
static volatile unsigned long test_ipi_vector;

static void test_ipi_handler(struct pt_regs *regs)
{
	test_ipi_hits++;
	test_ipi_vector = regs->vector;
}

static bool wait_hits(unsigned int n)
{
	u64 end = ktime_get_ns() + 100 * NSEC_PER_MSEC;

	while (test_ipi_hits < n && ktime_get_ns() < end)
		cpu_relax();
	return test_ipi_hits == n;
}

SELFTEST(apic_mode)
{
	u32 a, b, c, d;
	bool has_x2apic = boot_cpu_data.features_ecx & X86_FEATURE_X2APIC;

	ST_EQ(x2apic_mode, (has_x2apic && !nox2apic) || fw_x2apic);
	ST_ASSERT(rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_ENABLE);
	ST_EQ(!!(rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_EXTD), x2apic_mode);
	ST_ASSERT(apic_read(APIC_SPIV) & APIC_SPIV_APIC_ENABLED);
	ST_EQ(apic_read(APIC_SPIV) & 0xff, SPURIOUS_APIC_VECTOR);
	/* The ID agrees with what CPUID reports. */
	if (x2apic_mode) {
		cpuid_count(0xb, 0, &a, &b, &c, &d);
		ST_EQ(apic_read_id(), d);
	} else {
		cpuid(1, &a, &b, &c, &d);
		ST_EQ(apic_read_id(), b >> 24);
	}
	ST_EQ(cpu_apicid[0], apic_read_id());
	/* QEMU's MADT: NMI on LINT1 of all CPUs; no ExtINT on LINT0. */
	ST_EQ(apic_read(APIC_LVT1) & 0x1ffff, APIC_DM_NMI);
	ST_ASSERT(apic_read(APIC_LVT0) & APIC_LVT_MASKED);
	ST_EQ(apic_read(APIC_LVTERR) & 0x1ffff, ERROR_APIC_VECTOR);
	ST_EQ(nr_cpu_ids, acpi_madt.nr_enabled_cpus);
	return 0;
}

SELFTEST(apic_self_ipi)
{
	int vec = irq_alloc_system_vector();
	unsigned long flags;

	ST_ASSERT(vec >= FIRST_SYSTEM_VECTOR);
	ST_EQ(request_vector(vec, test_ipi_handler, "test"), 0);
	ST_EQ(request_vector(vec, test_ipi_handler, "test"), -EBUSY);
	test_ipi_hits = 0;
	apic_send_ipi_self(vec);
	ST_ASSERT(wait_hits(1));
	ST_EQ(test_ipi_vector, vec);
	apic_send_ipi(apic_read_id(), vec);
	ST_ASSERT(wait_hits(2));
	/* With interrupts off the IPI waits in the IRR. */
	flags = local_irq_save();
	apic_send_ipi_self(vec);
	udelay(100);
	ST_EQ(test_ipi_hits, 2);
	local_irq_restore(flags);
	ST_ASSERT(wait_hits(3));
	ST_EQ(kstat_vector(vec), 3);
	free_vector(vec);
	ST_EQ(irq_alloc_system_vector(), vec);
	return 0;
}

/* The error handler reads and logs the ESR (xAPIC: after a bad register). */
SELFTEST(apic_error_interrupt)
{
	unsigned long errors = apic_nr_errors;

	if (!x2apic_mode)
		(void)readl(apic_mmio + 0x40);	/* reserved: illegal address */
	apic_last_esr = ~0U;
	apic_send_ipi_self(ERROR_APIC_VECTOR);
	udelay(1000);
	ST_EQ(apic_nr_errors, errors + 1);
	if (!x2apic_mode)
		ST_EQ(apic_last_esr, 0x80);
	else
		ST_EQ(apic_last_esr, 0);
	return 0;
}

#endif
