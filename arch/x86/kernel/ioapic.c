// SPDX-License-Identifier: GPL-2.0
/*
 * IOAPICs: the MADT lists them with the first GSI each one serves.  All
 * inputs are masked at boot; the IRQ layer routes one GSI at a time to a
 * vector of one CPU (fixed delivery, physical destination).
 */
#define pr_fmt(fmt) "ioapic: " fmt

#include <tessera/kernel.h>
#include <tessera/acpi.h>
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <asm/io.h>
#include <asm/io_apic.h>
#include <asm/page.h>

#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01
#define IOAPIC_REG_RTE(pin)	(0x10 + 2 * (pin))

#define RTE_POLARITY_LOW	(1 << 13)
#define RTE_REMOTE_IRR		(1 << 14)
#define RTE_LEVEL		(1 << 15)
#define RTE_MASKED		(1 << 16)

struct ioapic {
	void __iomem *base;
	u8 id;
	u32 gsi_base;
	unsigned int nr_pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;
static DEFINE_SPINLOCK(ioapic_lock);

static u32 io_read(struct ioapic *io, u32 reg)
{
	writel(reg, io->base + IOAPIC_REGSEL);
	return readl(io->base + IOAPIC_WINDOW);
}

static void io_write(struct ioapic *io, u32 reg, u32 val)
{
	writel(reg, io->base + IOAPIC_REGSEL);
	writel(val, io->base + IOAPIC_WINDOW);
}

static struct ioapic *gsi_to_ioapic(u32 gsi, unsigned int *pin)
{
	unsigned int i;

	for (i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi < io->gsi_base + io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

void ioapic_init(void)
{
	unsigned int i, pin;

	for (i = 0; i < acpi_madt.nr_ioapics; i++) {
		const struct acpi_madt_ioapic *m = &acpi_madt.ioapics[i];
		struct ioapic *io = &ioapics[nr_ioapics];

		io->base = ioremap(m->address, PAGE_SIZE);
		if (!io->base)
			continue;
		io->id = m->id;
		io->gsi_base = m->gsi_base;
		io->nr_pins = ((io_read(io, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
		for (pin = 0; pin < io->nr_pins; pin++) {
			io_write(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
			io_write(io, IOAPIC_REG_RTE(pin) + 1, 0);
		}
		pr_info("IOAPIC[%u]: apic_id %u, version %#x, address %#x, GSI %u-%u, all masked\n",
			nr_ioapics, io->id, io_read(io, IOAPIC_REG_VER) & 0xff,
			m->address, io->gsi_base, io->gsi_base + io->nr_pins - 1);
		nr_ioapics++;
	}
	if (!nr_ioapics)
		pr_err("no IOAPIC: external interrupts will not work\n");
}

static unsigned int mps_to_ioapic_flags(u16 mps, unsigned int dflt)
{
	unsigned int f = dflt;

	switch (mps & ACPI_MADT_POLARITY_MASK) {
	case ACPI_MADT_POLARITY_ACTIVE_HIGH:
		f &= ~IOAPIC_POLARITY_LOW;
		break;
	case ACPI_MADT_POLARITY_ACTIVE_LOW:
		f |= IOAPIC_POLARITY_LOW;
		break;
	}
	switch (mps & ACPI_MADT_TRIGGER_MASK) {
	case ACPI_MADT_TRIGGER_EDGE:
		f &= ~IOAPIC_TRIGGER_LEVEL;
		break;
	case ACPI_MADT_TRIGGER_LEVEL:
		f |= IOAPIC_TRIGGER_LEVEL;
		break;
	}
	return f;
}

static const struct acpi_irq_override *isa_override(unsigned int irq)
{
	unsigned int i;

	for (i = 0; i < acpi_madt.nr_overrides; i++)
		if (acpi_madt.overrides[i].bus == 0 &&
		    acpi_madt.overrides[i].source == irq)
			return &acpi_madt.overrides[i];
	return NULL;
}

/* Default trigger/polarity of a GSI: the override naming it, else the bus's. */
static unsigned int gsi_default_flags(u32 gsi)
{
	unsigned int i;

	for (i = 0; i < acpi_madt.nr_overrides; i++)
		if (acpi_madt.overrides[i].gsi == gsi)
			return mps_to_ioapic_flags(acpi_madt.overrides[i].flags,
						   IOAPIC_EDGE_HIGH);
	/* An ISA IRQ redirected elsewhere no longer owns its own number. */
	if (gsi < 16 && !isa_override(gsi))
		return IOAPIC_EDGE_HIGH;
	return IOAPIC_LEVEL_LOW;
}

int ioapic_irq_to_gsi(unsigned int irq, u32 *gsi, unsigned int *flags)
{
	const struct acpi_irq_override *o;
	unsigned int pin, i;

	*gsi = irq;
	*flags = gsi_default_flags(irq);
	if (irq < 16) {
		o = isa_override(irq);
		if (o) {
			*gsi = o->gsi;
			*flags = mps_to_ioapic_flags(o->flags, IOAPIC_EDGE_HIGH);
		} else {
			/* The GSI of this number belongs to another ISA IRQ. */
			for (i = 0; i < acpi_madt.nr_overrides; i++)
				if (acpi_madt.overrides[i].bus == 0 &&
				    acpi_madt.overrides[i].gsi == irq)
					return -EINVAL;
			*flags = IOAPIC_EDGE_HIGH;
		}
	}
	return gsi_to_ioapic(*gsi, &pin) ? 0 : -EINVAL;
}

int ioapic_route(u32 gsi, u8 vector, u32 dest_apicid, unsigned int flags)
{
	struct ioapic *io;
	unsigned int pin;
	unsigned long irqflags;
	u32 lo;

	io = gsi_to_ioapic(gsi, &pin);
	if (!io || vector < 0x10 || WARN_ON(dest_apicid > 0xff))
		return -EINVAL;
	if (flags == IOAPIC_FLAGS_DEFAULT)
		flags = gsi_default_flags(gsi);
	lo = vector | RTE_MASKED;
	if (flags & IOAPIC_TRIGGER_LEVEL)
		lo |= RTE_LEVEL;
	if (flags & IOAPIC_POLARITY_LOW)
		lo |= RTE_POLARITY_LOW;

	spin_lock_irqsave(&ioapic_lock, irqflags);
	io_write(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
	io_write(io, IOAPIC_REG_RTE(pin) + 1, dest_apicid << 24);
	io_write(io, IOAPIC_REG_RTE(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, irqflags);
	return 0;
}

static void ioapic_set_mask(u32 gsi, bool masked)
{
	struct ioapic *io;
	unsigned int pin;
	unsigned long flags;
	u32 lo;

	io = gsi_to_ioapic(gsi, &pin);
	if (WARN_ON(!io))
		return;
	spin_lock_irqsave(&ioapic_lock, flags);
	lo = io_read(io, IOAPIC_REG_RTE(pin));
	lo = masked ? lo | RTE_MASKED : lo & ~RTE_MASKED;
	io_write(io, IOAPIC_REG_RTE(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

void ioapic_mask(u32 gsi)
{
	ioapic_set_mask(gsi, true);
}

void ioapic_unmask(u32 gsi)
{
	ioapic_set_mask(gsi, false);
}

u64 ioapic_read_entry(u32 gsi)
{
	struct ioapic *io;
	unsigned int pin;
	unsigned long flags;
	u64 e;

	io = gsi_to_ioapic(gsi, &pin);
	if (!io)
		return 0;
	spin_lock_irqsave(&ioapic_lock, flags);
	e = io_read(io, IOAPIC_REG_RTE(pin)) |
	    (u64)io_read(io, IOAPIC_REG_RTE(pin) + 1) << 32;
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return e;
}

#ifdef CONFIG_SELFTEST
#include <tessera/selftest.h>

SELFTEST(ioapic_overrides)
{
	unsigned int flags, i;
	u32 gsi;

	ST_ASSERT(nr_ioapics >= 1);
	ST_EQ(ioapics[0].nr_pins, 24);
	/* QEMU's MADT: IRQ 0 -> GSI 2; IRQ 9 level, active high (SCI). */
	ST_EQ(ioapic_irq_to_gsi(0, &gsi, &flags), 0);
	ST_EQ(gsi, 2);
	ST_EQ(flags, IOAPIC_EDGE_HIGH);
	ST_EQ(ioapic_irq_to_gsi(2, &gsi, &flags), -EINVAL);
	ST_EQ(ioapic_irq_to_gsi(8, &gsi, &flags), 0);
	ST_EQ(gsi, 8);
	ST_EQ(flags, IOAPIC_EDGE_HIGH);
	ST_EQ(ioapic_irq_to_gsi(9, &gsi, &flags), 0);
	ST_EQ(gsi, 9);
	ST_EQ(flags, IOAPIC_TRIGGER_LEVEL);
	ST_EQ(ioapic_irq_to_gsi(16, &gsi, &flags), 0);
	ST_EQ(flags, IOAPIC_LEVEL_LOW);
	ST_EQ(ioapic_irq_to_gsi(24, &gsi, &flags), -EINVAL);

	/* Routing writes the entry, masked; the override's flags by default. */
	ST_EQ(ioapic_route(9, 0x99, 0, IOAPIC_FLAGS_DEFAULT), 0);
	ST_EQ(ioapic_read_entry(9), 0x99 | RTE_LEVEL | RTE_MASKED);
	ST_EQ(ioapic_route(20, 0x98, 3, IOAPIC_FLAGS_DEFAULT), 0);
	ST_EQ(ioapic_read_entry(20),
	      0x98 | RTE_LEVEL | RTE_POLARITY_LOW | RTE_MASKED | (3ULL << 56));
	ioapic_unmask(20);
	ST_EQ(ioapic_read_entry(20) & RTE_MASKED, 0);
	ioapic_mask(20);
	ST_ASSERT(ioapic_read_entry(20) & RTE_MASKED);
	ST_EQ(ioapic_route(24, 0x40, 0, 0), -EINVAL);

	/* Nothing routed by a test is left unmasked. */
	for (i = 17; i < 24; i++)
		ST_ASSERT(ioapic_read_entry(i) & RTE_MASKED);
	return 0;
}
#endif
