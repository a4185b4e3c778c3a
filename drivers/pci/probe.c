// SPDX-License-Identifier: GPL-2.0
/*
 * PCI enumeration: walk bus 0 and every bus behind a PCI-to-PCI bridge,
 * size the BARs, find the MSI and MSI-X capabilities, print a short
 * lspci-like listing, and bind registered drivers.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>

#define PCI_MAX_DEVICES	256

static struct pci_dev pci_dev_pool[PCI_MAX_DEVICES];
static unsigned int nr_pci_devs;
static struct pci_dev *pci_devices, **pci_devices_tail = &pci_devices;
static struct pci_driver *pci_drivers;

static struct pci_dev *pci_alloc_dev(void)
{
	if (nr_pci_devs == PCI_MAX_DEVICES)
		return NULL;
	return &pci_dev_pool[nr_pci_devs++];
}

const char *pci_name(struct pci_dev *dev, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%u", dev->segment, dev->bus,
		 PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn));
	return buf;
}

/*
 * Size one BAR: with decoding off, write all ones and see which address
 * bits stick.  Returns the number of BAR registers it used (2 for 64-bit).
 */
static int pci_size_bar(struct pci_dev *dev, int i)
{
	u16 reg = PCI_BASE_ADDRESS_0 + 4 * i;
	struct pci_bar *bar = &dev->bar[i];
	u32 lo, mask_lo, hi = 0, mask_hi = ~0U;
	u64 mask;

	lo = pci_read_config_dword(dev, reg);
	pci_write_config_dword(dev, reg, ~0U);
	mask_lo = pci_read_config_dword(dev, reg);
	pci_write_config_dword(dev, reg, lo);
	if (!mask_lo || mask_lo == ~0U)
		return 1;

	if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
		bar->flags = PCI_BAR_IO;
		bar->start = lo & ~0x3U;
		bar->size = (u16)~(mask_lo & ~0x3U) + 1;
		return 1;
	}
	if (lo & PCI_BASE_ADDRESS_MEM_PREFETCH)
		bar->flags |= PCI_BAR_PREFETCH;
	if (lo & PCI_BASE_ADDRESS_MEM_TYPE_64 && i < PCI_NUM_BARS - 1) {
		bar->flags |= PCI_BAR_MEM64;
		hi = pci_read_config_dword(dev, reg + 4);
		pci_write_config_dword(dev, reg + 4, ~0U);
		mask_hi = pci_read_config_dword(dev, reg + 4);
		pci_write_config_dword(dev, reg + 4, hi);
	}
	mask = ((u64)mask_hi << 32) | (mask_lo & ~0xfU);
	bar->start = ((u64)hi << 32) | (lo & ~0xfU);
	bar->size = ~mask + 1;
	return bar->flags & PCI_BAR_MEM64 ? 2 : 1;
}

static void pci_read_bars(struct pci_dev *dev, int nr)
{
	u16 cmd = pci_read_config_word(dev, PCI_COMMAND);
	int i;

	/* A half-written BAR must not decode: turn decoding off meanwhile. */
	pci_write_config_word(dev, PCI_COMMAND,
			      cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (i = 0; i < nr; )
		i += pci_size_bar(dev, i);
	pci_write_config_word(dev, PCI_COMMAND, cmd);
}

u8 pci_find_capability(struct pci_dev *dev, u8 cap)
{
	u8 pos;
	int ttl = 48;	/* a malformed list must not loop forever */

	if (!(pci_read_config_word(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pci_read_config_byte(dev, PCI_CAPABILITY_LIST) & ~3;
	while (pos >= 0x40 && ttl--) {
		if (pci_read_config_byte(dev, pos) == cap)
			return pos;
		pos = pci_read_config_byte(dev, pos + 1) & ~3;
	}
	return 0;
}

static void pci_print_dev(struct pci_dev *dev)
{
	char name[16];
	int i;

	pr_info("pci %s: [%04x:%04x] class %06x rev %02x%s\n",
		pci_name(dev, name, sizeof(name)), dev->vendor, dev->device,
		dev->class, dev->revision,
		dev->hdr_type == PCI_HEADER_TYPE_BRIDGE ? " (bridge)" : "");
	for (i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &dev->bar[i];

		if (!b->size)
			continue;
		pr_info("pci %s:   BAR%d [%s %#llx-%#llx%s%s]\n", name, i,
			b->flags & PCI_BAR_IO ? "io " : "mem",
			b->start, b->start + b->size - 1,
			b->flags & PCI_BAR_MEM64 ? " 64bit" : "",
			b->flags & PCI_BAR_PREFETCH ? " pref" : "");
	}
	if (dev->msi_cap || dev->msix_cap)
		pr_info("pci %s:   %s%s\n", name, dev->msi_cap ? "MSI " : "",
			dev->msix_cap ? "MSI-X" : "");
}

static void pci_scan_bus(u8 bus, unsigned int depth);

static void pci_scan_function(u8 bus, u8 devfn, unsigned int depth)
{
	u32 id = pci_bus_read_config(bus, devfn, PCI_VENDOR_ID, 4);
	struct pci_dev *dev;
	u32 class_rev;

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return;
	dev = pci_alloc_dev();
	if (!dev) {
		pr_warn("pci: more than %d functions, ignoring the rest\n",
			PCI_MAX_DEVICES);
		return;
	}
	dev->bus = bus;
	dev->devfn = devfn;
	dev->vendor = id & 0xffff;
	dev->device = id >> 16;
	class_rev = pci_read_config_dword(dev, PCI_REVISION_ID);
	dev->revision = class_rev & 0xff;
	dev->class = class_rev >> 8;
	dev->hdr_type = pci_read_config_byte(dev, PCI_HEADER_TYPE) &
			PCI_HEADER_TYPE_MASK;
	dev->irq_line = pci_read_config_byte(dev, PCI_INTERRUPT_LINE);
	dev->irq_pin = pci_read_config_byte(dev, PCI_INTERRUPT_PIN);
	if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL)
		pci_read_bars(dev, 6);
	else if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
		pci_read_bars(dev, 2);
	dev->msi_cap = pci_find_capability(dev, PCI_CAP_ID_MSI);
	dev->msix_cap = pci_find_capability(dev, PCI_CAP_ID_MSIX);
	*pci_devices_tail = dev;
	pci_devices_tail = &dev->next;
	pci_print_dev(dev);

	if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		u8 secondary = pci_read_config_byte(dev, PCI_SECONDARY_BUS);

		/* Firmware numbered the buses; follow, never loop back. */
		if (secondary > bus && depth < 32)
			pci_scan_bus(secondary, depth + 1);
	}
}

static void pci_scan_bus(u8 bus, unsigned int depth)
{
	unsigned int slot, fn;

	for (slot = 0; slot < 32; slot++) {
		u8 hdr;

		if ((pci_bus_read_config(bus, PCI_DEVFN(slot, 0), PCI_VENDOR_ID,
					 2) & 0xffff) == 0xffff)
			continue;
		hdr = pci_bus_read_config(bus, PCI_DEVFN(slot, 0),
					  PCI_HEADER_TYPE, 1);
		for (fn = 0; fn < ((hdr & PCI_HEADER_MULTIFUNC) ? 8 : 1); fn++)
			pci_scan_function(bus, PCI_DEVFN(slot, fn), depth);
	}
}

struct pci_dev *pci_get_device(u16 vendor, u16 device, struct pci_dev *from)
{
	struct pci_dev *dev = from ? from->next : pci_devices;

	for (; dev; dev = dev->next)
		if ((vendor == PCI_ANY_ID || dev->vendor == vendor) &&
		    (device == PCI_ANY_ID || dev->device == device))
			return dev;
	return NULL;
}

unsigned int pci_nr_devices(void)
{
	return nr_pci_devs;
}

int pci_enable_device(struct pci_dev *dev)
{
	u16 cmd = pci_read_config_word(dev, PCI_COMMAND);
	int i;

	for (i = 0; i < PCI_NUM_BARS; i++) {
		if (!dev->bar[i].size)
			continue;
		cmd |= dev->bar[i].flags & PCI_BAR_IO ? PCI_COMMAND_IO :
							PCI_COMMAND_MEMORY;
	}
	pci_write_config_word(dev, PCI_COMMAND, cmd);
	return 0;
}

void pci_set_master(struct pci_dev *dev)
{
	u16 cmd = pci_read_config_word(dev, PCI_COMMAND);

	pci_write_config_word(dev, PCI_COMMAND, cmd | PCI_COMMAND_MASTER);
}

static const struct pci_device_id *pci_match(struct pci_driver *drv,
					      struct pci_dev *dev)
{
	const struct pci_device_id *id;

	for (id = drv->id_table; id->vendor; id++)
		if ((id->vendor == PCI_ANY_ID || id->vendor == dev->vendor) &&
		    (id->device == PCI_ANY_ID || id->device == dev->device))
			return id;
	return NULL;
}

static void pci_bind(struct pci_driver *drv, struct pci_dev *dev)
{
	const struct pci_device_id *id = pci_match(drv, dev);
	char name[16];
	int ret;

	if (!id || dev->claimed)
		return;
	ret = drv->probe(dev, id);
	if (!ret) {
		dev->claimed = true;
		return;
	}
	pr_err("pci %s: %s: probe failed (%d)\n",
	       pci_name(dev, name, sizeof(name)), drv->name, ret);
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_dev *dev;

	drv->next = pci_drivers;
	pci_drivers = drv;
	for (dev = pci_devices; dev; dev = dev->next)
		pci_bind(drv, dev);
	return 0;
}

void pci_init(void)
{
	pci_scan_bus(0, 0);
	pr_info("pci: %u functions found (%s)\n", nr_pci_devs,
		pci_ecam_enabled() ? "ECAM" : "configuration ports");
}

#ifdef CONFIG_SELFTEST
SELFTEST(pci_enumeration)
{
	struct pci_dev *dev, *host = NULL;
	unsigned int n = 0;
	int i;

	for (dev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, NULL); dev;
	     dev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, dev)) {
		n++;
		if (!dev->bus && !dev->devfn)
			host = dev;
		for (i = 0; i < PCI_NUM_BARS; i++) {
			struct pci_bar *b = &dev->bar[i];
			u32 raw;

			/* A BAR firmware gave an address must have been sized. */
			raw = dev->hdr_type == PCI_HEADER_TYPE_NORMAL || i < 2 ?
			      pci_read_config_dword(dev, PCI_BASE_ADDRESS_0 + 4 * i) : 0;
			if (raw & ~0xfU && !b->size && !(i && dev->bar[i - 1].flags & PCI_BAR_MEM64))
				return selftest_fail("%02x:%02x.%u BAR%d = %#x but not sized",
						     dev->bus, PCI_SLOT(dev->devfn),
						     PCI_FUNC(dev->devfn), i, raw);
			if (!b->size)
				continue;
			/* BAR sizes are powers of two, and assigned BARs aligned. */
			ST_ASSERT(!(b->size & (b->size - 1)));
			ST_ASSERT(!b->start || !(b->start & (b->size - 1)));
		}
	}
	ST_EQ(n, pci_nr_devices());
	ST_ASSERT(n > 0);
	/* Every PC has a host bridge (class 06.00) at 00:00.0. */
	ST_ASSERT(host);
	ST_EQ(host->class >> 8, 0x0600);
	ST_ASSERT(!pci_find_capability(host, 0xfe) ||
		  pci_find_capability(host, 0xfe) >= 0x40);
	return 0;
}
#endif
