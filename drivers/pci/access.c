// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration space access: through ECAM (the memory-mapped
 * configuration space the ACPI MCFG table describes, 4 KiB per function)
 * when there is one, else through configuration mechanism #1 (ports
 * 0xcf8/0xcfc, the first 256 bytes of each function).
 */
#include <tessera/kernel.h>
#include <tessera/acpi.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/pci.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/io.h>

#define PCI_CONF_ADDR	0xcf8
#define PCI_CONF_DATA	0xcfc

static DEFINE_SPINLOCK(pci_conf_lock);

/* Per-bus ECAM windows (1 MiB each), mapped on first use. */
static void __iomem *ecam_bus[256];
static bool ecam_disabled;

static int parse_pci(char *val)
{
	if (!val || strcmp(val, "conf1"))
		return -EINVAL;
	ecam_disabled = true;	/* pci=conf1: configuration ports only */
	return 0;
}
__setup("pci", parse_pci);

static u32 conf1_address(u8 bus, u8 devfn, u16 off)
{
	return 0x80000000U | ((u32)bus << 16) | ((u32)devfn << 8) | (off & 0xfc);
}

u32 pci_conf1_read(u8 bus, u8 devfn, u16 off, int size)
{
	unsigned long flags;
	u32 v;

	if (off >= 256)
		return ~0U;
	spin_lock_irqsave(&pci_conf_lock, flags);
	outl(conf1_address(bus, devfn, off), PCI_CONF_ADDR);
	if (size == 1)
		v = inb(PCI_CONF_DATA + (off & 3));
	else if (size == 2)
		v = inw(PCI_CONF_DATA + (off & 2));
	else
		v = inl(PCI_CONF_DATA);
	spin_unlock_irqrestore(&pci_conf_lock, flags);
	return v;
}

static void conf1_write(u8 bus, u8 devfn, u16 off, u32 val, int size)
{
	unsigned long flags;

	if (off >= 256)
		return;
	spin_lock_irqsave(&pci_conf_lock, flags);
	outl(conf1_address(bus, devfn, off), PCI_CONF_ADDR);
	if (size == 1)
		outb(val, PCI_CONF_DATA + (off & 3));
	else if (size == 2)
		outw(val, PCI_CONF_DATA + (off & 2));
	else
		outl(val, PCI_CONF_DATA);
	spin_unlock_irqrestore(&pci_conf_lock, flags);
}

static const struct acpi_mcfg_region *ecam_region(u8 bus)
{
	unsigned int i;

	if (ecam_disabled)
		return NULL;
	for (i = 0; i < acpi_nr_mcfg_regions; i++)
		if (!acpi_mcfg_regions[i].segment &&
		    bus >= acpi_mcfg_regions[i].start_bus &&
		    bus <= acpi_mcfg_regions[i].end_bus)
			return &acpi_mcfg_regions[i];
	return NULL;
}

static void __iomem *ecam_map_bus(u8 bus)
{
	const struct acpi_mcfg_region *r = ecam_region(bus);
	void __iomem *m, *expected = NULL;

	if (!r)
		return NULL;
	m = READ_ONCE(ecam_bus[bus]);
	if (m)
		return m;
	m = ioremap(r->address + ((u64)bus << 20), 1 << 20);
	if (!m)
		return NULL;
	/* Two CPUs may race to map a bus: keep one mapping. */
	if (!__atomic_compare_exchange_n(&ecam_bus[bus], &expected, m, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		iounmap(m);
		m = expected;
	}
	return m;
}

bool pci_ecam_enabled(void)
{
	return ecam_region(0) != NULL;
}

u32 pci_bus_read_config(u8 bus, u8 devfn, u16 off, int size)
{
	void __iomem *b;

	if (off >= 4096 || off & (size - 1))
		return ~0U;
	b = ecam_map_bus(bus);
	if (!b)
		return pci_conf1_read(bus, devfn, off, size);
	b += ((u32)devfn << 12) + off;
	return size == 1 ? readb(b) : size == 2 ? readw(b) : readl(b);
}

void pci_bus_write_config(u8 bus, u8 devfn, u16 off, u32 val, int size)
{
	void __iomem *b;

	if (off >= 4096 || off & (size - 1))
		return;
	b = ecam_map_bus(bus);
	if (!b) {
		conf1_write(bus, devfn, off, val, size);
		return;
	}
	b += ((u32)devfn << 12) + off;
	if (size == 1)
		writeb(val, b);
	else if (size == 2)
		writew(val, b);
	else
		writel(val, b);
}

#define PCI_DEV_ACCESSORS(sfx, type, size)				\
type pci_read_config_##sfx(struct pci_dev *dev, u16 off)		\
{									\
	return pci_bus_read_config(dev->bus, dev->devfn, off, size);	\
}									\
void pci_write_config_##sfx(struct pci_dev *dev, u16 off, type val)	\
{									\
	pci_bus_write_config(dev->bus, dev->devfn, off, val, size);	\
}

PCI_DEV_ACCESSORS(byte, u8, 1)
PCI_DEV_ACCESSORS(word, u16, 2)
PCI_DEV_ACCESSORS(dword, u32, 4)
