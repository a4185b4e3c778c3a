// SPDX-License-Identifier: GPL-2.0
/*
 * The IRQ layer.  Every vector 32-255 enters do_IRQ(), which finds either
 * an IRQ (an IOAPIC input with its chain of handlers) or a handler bound
 * straight to the vector (APIC timer, IPIs, APIC error), counts it and
 * acknowledges it at the local APIC -- except the spurious vector, which
 * must not be acknowledged.
 *
 * Everything here is static and bounded: NR_IRQS descriptors, a pool of
 * NR_IRQ_ACTIONS handlers, one table of 256 vectors.  Counts are global
 * for now; they become per-CPU with SMP.  Handlers run with interrupts
 * off and never nest.
 */
#define pr_fmt(fmt) "irq: " fmt

#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/hardirq.h>
#include <tessera/interrupt.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/traps.h>

struct irqaction {
	irq_handler_t handler;		/* NULL: free pool entry */
	void *dev_id;
	const char *name;
	unsigned long flags;
	struct irqaction *next;
};

struct irq_desc {
	struct irqaction *action;	/* NULL: not requested */
	u32 gsi;
	u8 vector;
	unsigned int ioflags;		/* IOAPIC trigger/polarity in use */
	unsigned int depth;		/* disable_irq() nesting */
	u64 count;
	u64 unhandled;			/* every handler said IRQ_NONE */
};

struct vector_desc {
	struct irq_desc *desc;		/* an IOAPIC IRQ, or */
	vector_handler_t handler;	/* a handler of its own */
	const char *name;
	bool stale;			/* freed: a late arrival is harmless */
	u64 count;
};

static struct irq_desc irq_descs[NR_IRQS];
static struct vector_desc vectors[NR_VECTORS];
static struct irqaction action_pool[NR_IRQ_ACTIONS];
static unsigned int next_device_vector = FIRST_DEVICE_VECTOR;
static unsigned long nr_unexpected;
static DEFINE_SPINLOCK(irq_lock);

static inline void stat_inc(u64 *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static void handle_irq_desc(unsigned int irq, struct irq_desc *desc)
{
	struct irqaction *a;
	irqreturn_t ret = IRQ_NONE;

	stat_inc(&desc->count);
	for (a = desc->action; a; a = a->next)
		ret |= a->handler(irq, a->dev_id);
	if (ret == IRQ_NONE)
		stat_inc(&desc->unhandled);
}

void do_IRQ(struct pt_regs *regs)
{
	unsigned int vector = regs->vector & 0xff;
	struct vector_desc *v = &vectors[vector];

	irq_enter();
	stat_inc(&v->count);
	if (vector == SPURIOUS_APIC_VECTOR)
		goto out;		/* not in service: no EOI */
	if (v->desc) {
		handle_irq_desc(v->desc - irq_descs, v->desc);
	} else if (v->handler) {
		v->handler(regs);
	} else if (!v->stale) {
		/* The 8259 range may see a spurious IRQ 7/15; say so once. */
		if (nr_unexpected++ < 10)
			pr_warn("unexpected interrupt on vector %#x\n", vector);
	}
	apic_eoi();
out:
	irq_exit();
}

static struct irqaction *alloc_action(void)
{
	unsigned int i;

	for (i = 0; i < NR_IRQ_ACTIONS; i++)
		if (!action_pool[i].handler)
			return &action_pool[i];
	return NULL;
}

/*
 * A free device vector, round robin so that a vector just freed (which
 * may still have an interrupt in flight) is not handed out again at once.
 */
static int alloc_device_vector(void)
{
	unsigned int n = LAST_DEVICE_VECTOR - FIRST_DEVICE_VECTOR + 1, i, v;

	for (i = 0; i < n; i++) {
		v = next_device_vector;
		next_device_vector = v == LAST_DEVICE_VECTOR ?
				     FIRST_DEVICE_VECTOR : v + 1;
		if (!vectors[v].desc && !vectors[v].handler) {
			vectors[v].stale = false;
			return v;
		}
	}
	return -ENOSPC;
}

static unsigned int trigger_to_ioflags(unsigned long flags)
{
	switch (flags & IRQF_TRIGGER_MASK) {
	case IRQF_TRIGGER_FALLING:
		return IOAPIC_POLARITY_LOW;
	case IRQF_TRIGGER_HIGH:
		return IOAPIC_TRIGGER_LEVEL;
	case IRQF_TRIGGER_LOW:
		return IOAPIC_LEVEL_LOW;
	default:
		return IOAPIC_EDGE_HIGH;
	}
}

/* Route a first handler's IRQ: a vector, the IOAPIC entry, unmask. */
static int irq_startup(struct irq_desc *desc, u32 gsi, unsigned int ioflags)
{
	unsigned int i;
	int vec, ret;

	for (i = 0; i < NR_IRQS; i++)
		if (irq_descs[i].action && irq_descs[i].gsi == gsi)
			return -EBUSY;	/* the GSI under another number */
	vec = alloc_device_vector();
	if (vec < 0)
		return vec;
	ret = ioapic_route(gsi, vec, boot_cpu_apicid, ioflags);
	if (ret)
		return ret;
	desc->gsi = gsi;
	desc->vector = vec;
	desc->ioflags = ioflags;
	vectors[vec].desc = desc;
	return 0;
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction *a, **pp;
	unsigned int ioflags;
	unsigned long irqflags;
	u32 gsi;
	int ret = 0;

	if (irq >= NR_IRQS || !handler || ioapic_irq_to_gsi(irq, &gsi, &ioflags))
		return -EINVAL;
	if (flags & IRQF_TRIGGER_MASK)
		ioflags = trigger_to_ioflags(flags);
	desc = &irq_descs[irq];

	spin_lock_irqsave(&irq_lock, irqflags);
	if (desc->action && !(desc->action->flags & flags & IRQF_SHARED)) {
		ret = -EBUSY;
		goto out;
	}
	a = alloc_action();
	if (!a) {
		ret = -ENOSPC;
		goto out;
	}
	if (!desc->action) {
		ret = irq_startup(desc, gsi, ioflags);
		if (ret)
			goto out;
	}
	a->handler = handler;
	a->dev_id = dev_id;
	a->name = name;
	a->flags = flags;
	a->next = NULL;
	for (pp = &desc->action; *pp; pp = &(*pp)->next)
		;
	*pp = a;
	if (!desc->depth && pp == &desc->action)
		ioapic_unmask(desc->gsi);
out:
	spin_unlock_irqrestore(&irq_lock, irqflags);
	return ret;
}

void free_irq(unsigned int irq, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction *a, **pp;
	unsigned long flags;

	if (WARN_ON(irq >= NR_IRQS))
		return;
	desc = &irq_descs[irq];
	spin_lock_irqsave(&irq_lock, flags);
	for (pp = &desc->action; (a = *pp); pp = &a->next)
		if (a->dev_id == dev_id)
			break;
	if (a) {
		*pp = a->next;
		a->handler = NULL;
		if (!desc->action) {
			ioapic_mask(desc->gsi);
			vectors[desc->vector].desc = NULL;
			vectors[desc->vector].stale = true;
			desc->vector = 0;
			desc->depth = 0;
		}
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	WARN_ON(!a);
}

void disable_irq(unsigned int irq)
{
	struct irq_desc *desc;
	unsigned long flags;

	if (WARN_ON(irq >= NR_IRQS))
		return;
	desc = &irq_descs[irq];
	spin_lock_irqsave(&irq_lock, flags);
	if (!desc->depth++ && desc->action)
		ioapic_mask(desc->gsi);
	spin_unlock_irqrestore(&irq_lock, flags);
}

void enable_irq(unsigned int irq)
{
	struct irq_desc *desc;
	unsigned long flags;

	if (WARN_ON(irq >= NR_IRQS))
		return;
	desc = &irq_descs[irq];
	spin_lock_irqsave(&irq_lock, flags);
	if (!WARN_ON(!desc->depth) && !--desc->depth && desc->action)
		ioapic_unmask(desc->gsi);
	spin_unlock_irqrestore(&irq_lock, flags);
}

static bool system_vector_ok(unsigned int vector)
{
	return vector >= FIRST_SYSTEM_VECTOR && vector < SPURIOUS_APIC_VECTOR;
}

int request_vector(unsigned int vector, vector_handler_t handler,
		   const char *name)
{
	unsigned long flags;
	int ret = 0;

	if (!system_vector_ok(vector) || !handler)
		return -EINVAL;
	spin_lock_irqsave(&irq_lock, flags);
	if (vectors[vector].handler) {
		ret = -EBUSY;
	} else {
		vectors[vector].name = name;
		vectors[vector].handler = handler;
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	return ret;
}

/* Unbind a vector's own handler; a late interrupt on it is then harmless. */
static void release_vector(unsigned int vector)
{
	unsigned long flags;

	spin_lock_irqsave(&irq_lock, flags);
	vectors[vector].handler = NULL;
	vectors[vector].stale = true;
	spin_unlock_irqrestore(&irq_lock, flags);
}

void free_vector(unsigned int vector)
{
	if (!WARN_ON(!system_vector_ok(vector)))
		release_vector(vector);
}

int request_msi_vector(vector_handler_t handler, const char *name)
{
	unsigned long flags;
	int v;

	if (!handler)
		return -EINVAL;
	spin_lock_irqsave(&irq_lock, flags);
	v = alloc_device_vector();
	if (v >= 0) {
		vectors[v].handler = handler;
		vectors[v].name = name;
	}
	spin_unlock_irqrestore(&irq_lock, flags);
	return v;
}

void free_msi_vector(unsigned int vector)
{
	if (!WARN_ON(vector < FIRST_DEVICE_VECTOR || vector > LAST_DEVICE_VECTOR))
		release_vector(vector);
}

int irq_alloc_system_vector(void)
{
	unsigned int v;

	for (v = FIRST_SYSTEM_VECTOR; v < CALL_FUNCTION_SINGLE_VECTOR; v++)
		if (v != LOCAL_TIMER_VECTOR && !READ_ONCE(vectors[v].handler))
			return v;
	return -ENOSPC;
}

unsigned int irq_to_vector(unsigned int irq)
{
	return irq < NR_IRQS ? READ_ONCE(irq_descs[irq].vector) : 0;
}

u64 kstat_irqs(unsigned int irq)
{
	return irq < NR_IRQS ? READ_ONCE(irq_descs[irq].count) : 0;
}

u64 kstat_vector(unsigned int vector)
{
	return vector < NR_VECTORS ? READ_ONCE(vectors[vector].count) : 0;
}

size_t show_interrupts(char *buf, size_t size)
{
	size_t len = 0;
	unsigned long flags;
	unsigned int i;

	if (!size)
		return 0;
	buf[0] = '\0';
	spin_lock_irqsave(&irq_lock, flags);
	len += scnprintf(buf + len, size - len, "%*s%-10s\n", 5 + 6, "", "CPU0");
	for (i = 0; i < NR_IRQS; i++) {
		const struct irq_desc *d = &irq_descs[i];
		const struct irqaction *a;

		if (!d->action)
			continue;
		len += scnprintf(buf + len, size - len,
				 "%4u: %10llu   IO-APIC %4u-%-5s  ", i, d->count,
				 d->gsi, d->ioflags & IOAPIC_TRIGGER_LEVEL ?
				 "level" : "edge");
		for (a = d->action; a; a = a->next)
			len += scnprintf(buf + len, size - len, "%s%s", a->name,
					 a->next ? ", " : "\n");
	}
	for (i = FIRST_SYSTEM_VECTOR; i < NR_VECTORS; i++) {
		const struct vector_desc *v = &vectors[i];

		if (v->handler)
			len += scnprintf(buf + len, size - len,
					 "%4s: %10llu   vector %#x\n",
					 v->name, v->count, i);
	}
	len += scnprintf(buf + len, size - len, " SPU: %10llu   spurious\n",
			 vectors[SPURIOUS_APIC_VECTOR].count);
	len += scnprintf(buf + len, size - len, " UNX: %10lu   unexpected\n",
			 nr_unexpected);
	spin_unlock_irqrestore(&irq_lock, flags);
	return len;
}

void print_interrupts(void)
{
	static char buf[2048];
	char *line, *nl;

	show_interrupts(buf, sizeof(buf));
	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		printk(KERN_INFO "%s\n", line);
	}
}

#ifdef CONFIG_SELFTEST
#include <tessera/delay.h>
#include <tessera/selftest.h>
#include <tessera/timekeeping.h>
#include <asm/io.h>
#include <asm/tsc.h>

#define PIT_TICK_RATE	1193182

static irqreturn_t count_handler(int irq, void *dev_id)
{
	(*(volatile unsigned int *)dev_id)++;
	return IRQ_HANDLED;
}

static irqreturn_t none_handler(int irq, void *dev_id)
{
	(*(volatile unsigned int *)dev_id)++;
	return IRQ_NONE;
}

static void pit_periodic(unsigned int hz)
{
	unsigned int latch = PIT_TICK_RATE / hz;

	outb(0x34, 0x43);	/* channel 0, lobyte/hibyte, rate generator */
	outb(latch & 0xff, 0x40);
	outb(latch >> 8, 0x40);
}

/* Wait (interrupts on) for *p to reach n; false after a second. */
static bool wait_count(volatile unsigned int *p, unsigned int n)
{
	u64 end = ktime_get_ns() + NSEC_PER_SEC;

	while (*p < n && ktime_get_ns() < end)
		cpu_relax();
	return *p >= n;
}

/*
 * The PIT on ISA IRQ 0 arrives through the MADT override on GSI 2; two
 * shared handlers both run; free_irq() stops delivery.
 */
SELFTEST(irq_ioapic_pit)
{
	static volatile unsigned int a, b, c;
	unsigned int n;
	u64 e;

	ST_EQ(request_irq(0, count_handler, IRQF_SHARED, "pit-a", (void *)&a), 0);
	ST_EQ(request_irq(0, none_handler, IRQF_SHARED, "pit-b", (void *)&b), 0);
	ST_EQ(request_irq(0, count_handler, 0, "pit-c", (void *)&c), -EBUSY);
	ST_EQ(request_irq(2, count_handler, 0, "cascade", (void *)&c), -EINVAL);
	ST_EQ(request_irq(NR_IRQS, count_handler, 0, "bad", (void *)&c), -EINVAL);
	ST_ASSERT(irq_to_vector(0) >= FIRST_DEVICE_VECTOR &&
		  irq_to_vector(0) <= LAST_DEVICE_VECTOR);
	e = ioapic_read_entry(2);
	ST_EQ(e & 0x1ffff, irq_to_vector(0));	/* unmasked, edge, high */
	ST_EQ(e >> 56, boot_cpu_apicid);

	a = b = 0;
	pit_periodic(1000);
	ST_ASSERT(wait_count(&a, 10));
	n = a;
	ST_ASSERT(b >= n - 1 && b <= n + 1);
	ST_ASSERT(kstat_irqs(0) >= n);

	free_irq(0, (void *)&b);
	ST_ASSERT(wait_count(&a, n + 2));
	free_irq(0, (void *)&a);
	ST_EQ(irq_to_vector(0), 0);
	ST_ASSERT(ioapic_read_entry(2) & (1 << 16));
	mdelay(2);
	n = a;
	mdelay(30);
	pit_shutdown();
	ST_EQ(a, n);
	return 0;
}

SELFTEST(irq_vectors)
{
	char buf[512];

	ST_EQ(request_vector(0x40, NULL, "bad"), -EINVAL);
	ST_EQ(request_vector(SPURIOUS_APIC_VECTOR, (vector_handler_t)1, "x"), -EINVAL);
	ST_EQ(request_vector(ERROR_APIC_VECTOR, (vector_handler_t)1, "x"), -EBUSY);
	ST_ASSERT(!in_interrupt());
	show_interrupts(buf, sizeof(buf));
	ST_ASSERT(strstr(buf, "CPU0"));
	ST_ASSERT(strstr(buf, " ERR: "));
	ST_ASSERT(strstr(buf, " UNX: "));
	ST_ASSERT(strstr(buf, " LOC: "));
	ST_EQ(show_interrupts(buf, 8), 7);
	return 0;
}
#endif
