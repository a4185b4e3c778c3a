// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration space access through configuration mechanism #1
 * (ports 0xcf8/0xcfc): the first 256 bytes of each function.
 */
#include <tessera/kernel.h>
#include <tessera/pci.h>
#include <tessera/spinlock.h>
#include <asm/io.h>

#define PCI_CONF_ADDR	0xcf8
#define PCI_CONF_DATA	0xcfc

static DEFINE_SPINLOCK(pci_conf_lock);

static u32 conf1_address(u8 bus, u8 devfn, u16 off)
{
	return 0x80000000U | ((u32)bus << 16) | ((u32)devfn << 8) | (off & 0xfc);
}

u32 pci_bus_read_config(u8 bus, u8 devfn, u16 off, int size)
{
	unsigned long flags;
	u32 v;

	if (off >= 256 || off & (size - 1))
		return ~0U;
	spin_lock_irqsave(&pci_conf_lock, flags);
	outl(conf1_address(bus, devfn, off), PCI_CONF_ADDR);
	switch (size) {
	case 1:
		v = inb(PCI_CONF_DATA + (off & 3));
		break;
	case 2:
		v = inw(PCI_CONF_DATA + (off & 2));
		break;
	default:
		v = inl(PCI_CONF_DATA);
	}
	spin_unlock_irqrestore(&pci_conf_lock, flags);
	return v;
}

void pci_bus_write_config(u8 bus, u8 devfn, u16 off, u32 val, int size)
{
	unsigned long flags;

	if (off >= 256 || off & (size - 1))
		return;
	spin_lock_irqsave(&pci_conf_lock, flags);
	outl(conf1_address(bus, devfn, off), PCI_CONF_ADDR);
	switch (size) {
	case 1:
		outb(val, PCI_CONF_DATA + (off & 3));
		break;
	case 2:
		outw(val, PCI_CONF_DATA + (off & 2));
		break;
	default:
		outl(val, PCI_CONF_DATA);
	}
	spin_unlock_irqrestore(&pci_conf_lock, flags);
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
