// SPDX-License-Identifier: GPL-2.0
/*
 * MSI and MSI-X: the device writes a message to the local APIC's address
 * range, naming a vector and a destination APIC.  Each enabled message
 * gets a device vector of its own (request_msi_vector()); the handler
 * runs as handler(vector, dev_id).
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/interrupt.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irq_vectors.h>
#include <asm/traps.h>

#define PCI_MSI_FLAGS		2
#define  PCI_MSI_FLAGS_ENABLE	0x0001
#define  PCI_MSI_FLAGS_QSIZE	0x0070
#define  PCI_MSI_FLAGS_64BIT	0x0080
#define  PCI_MSI_FLAGS_MASKBIT	0x0100
#define PCI_MSI_ADDRESS_LO	4
#define PCI_MSI_ADDRESS_HI	8
#define PCI_MSI_DATA_32		8
#define PCI_MSI_DATA_64		12
#define PCI_MSI_MASK_32		12
#define PCI_MSI_MASK_64		16

#define PCI_MSIX_FLAGS		2
#define  PCI_MSIX_FLAGS_QSIZE	0x07ff
#define  PCI_MSIX_FLAGS_MASKALL	0x4000
#define  PCI_MSIX_FLAGS_ENABLE	0x8000
#define PCI_MSIX_TABLE		4
#define  PCI_MSIX_BIR		0x7
#define PCI_MSIX_ENTRY_SIZE	16
#define PCI_MSIX_ENTRY_CTRL	12
#define  PCI_MSIX_ENTRY_MASKED	0x1

#define MSI_ADDRESS_BASE	0xfee00000U

struct msi_target {
	irq_handler_t handler;
	void *dev_id;
};

static struct msi_target msi_targets[NR_VECTORS];

static void msi_interrupt(struct pt_regs *regs)
{
	unsigned int vector = regs->vector & 0xff;
	struct msi_target *t = &msi_targets[vector];

	if (t->handler)
		t->handler(vector, t->dev_id);
}

/* Fixed delivery, edge, physical destination: the boot CPU for now. */
static void msi_message(unsigned int vector, u32 *addr, u32 *data)
{
	*addr = MSI_ADDRESS_BASE | (cpu_apicid[0] << 12);
	*data = vector;
}

static int msi_vector_get(irq_handler_t handler, void *dev_id,
			  const char *name)
{
	int v = request_msi_vector(msi_interrupt, name);

	if (v < 0)
		return v;
	msi_targets[v].dev_id = dev_id;
	WRITE_ONCE(msi_targets[v].handler, handler);
	return v;
}

static void msi_vector_put(unsigned int vector)
{
	free_msi_vector(vector);
	WRITE_ONCE(msi_targets[vector].handler, NULL);
}

static void pci_intx(struct pci_dev *dev, bool enable)
{
	u16 cmd = pci_read_config_word(dev, PCI_COMMAND);

	cmd = enable ? cmd & ~PCI_COMMAND_INTX_DISABLE :
		       cmd | PCI_COMMAND_INTX_DISABLE;
	pci_write_config_word(dev, PCI_COMMAND, cmd);
}

void __iomem *pci_ioremap_bar(struct pci_dev *dev, int bar)
{
	struct pci_bar *b;

	if (bar < 0 || bar >= PCI_NUM_BARS)
		return NULL;
	b = &dev->bar[bar];
	if (!b->size || !b->start || b->flags & PCI_BAR_IO)
		return NULL;
	return ioremap(b->start, b->size);
}

int pci_enable_msi(struct pci_dev *dev, irq_handler_t handler, void *dev_id,
		   const char *name)
{
	u8 cap = dev->msi_cap;
	u16 flags;
	u32 addr, data;
	int v;

	if (!cap)
		return -ENODEV;
	if (dev->msi_vector)
		return -EBUSY;
	v = msi_vector_get(handler, dev_id, name);
	if (v < 0)
		return v;
	msi_message(v, &addr, &data);
	flags = pci_read_config_word(dev, cap + PCI_MSI_FLAGS);
	/* One message: multiple-message enable (bits 4-6) stays 0. */
	flags &= ~(PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE);
	pci_write_config_dword(dev, cap + PCI_MSI_ADDRESS_LO, addr);
	if (flags & PCI_MSI_FLAGS_64BIT) {
		pci_write_config_dword(dev, cap + PCI_MSI_ADDRESS_HI, 0);
		pci_write_config_word(dev, cap + PCI_MSI_DATA_64, data);
	} else {
		pci_write_config_word(dev, cap + PCI_MSI_DATA_32, data);
	}
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		pci_write_config_dword(dev, cap + (flags & PCI_MSI_FLAGS_64BIT ?
					PCI_MSI_MASK_64 : PCI_MSI_MASK_32), 0);
	pci_intx(dev, false);
	pci_write_config_word(dev, cap + PCI_MSI_FLAGS,
			      flags | PCI_MSI_FLAGS_ENABLE);
	dev->msi_vector = v;
	return v;
}

void pci_disable_msi(struct pci_dev *dev)
{
	u16 flags;

	if (!dev->msi_vector)
		return;
	flags = pci_read_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS);
	pci_write_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS,
			      flags & ~PCI_MSI_FLAGS_ENABLE);
	msi_vector_put(dev->msi_vector);
	dev->msi_vector = 0;
	pci_intx(dev, true);
}

unsigned int pci_msix_table_size(struct pci_dev *dev)
{
	if (!dev->msix_cap)
		return 0;
	return (pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS) &
		PCI_MSIX_FLAGS_QSIZE) + 1;
}

int pci_enable_msix(struct pci_dev *dev, unsigned int nvec,
		    irq_handler_t handler, void *dev_id, const char *name,
		    int *vectors)
{
	u8 cap = dev->msix_cap;
	u32 table, addr, data;
	void __iomem *base;
	unsigned int i;
	u16 flags;
	int v;

	if (!cap)
		return -ENODEV;
	if (dev->msix_table)
		return -EBUSY;
	if (!nvec || nvec > pci_msix_table_size(dev) || nvec > PCI_MSIX_MAX)
		return -EINVAL;
	table = pci_read_config_dword(dev, cap + PCI_MSIX_TABLE);
	base = pci_ioremap_bar(dev, table & PCI_MSIX_BIR);
	if (!base)
		return -ENOMEM;
	base += table & ~PCI_MSIX_BIR;

	flags = pci_read_config_word(dev, cap + PCI_MSIX_FLAGS);
	/* Enabled but all masked while the entries are written. */
	pci_write_config_word(dev, cap + PCI_MSIX_FLAGS,
			      flags | PCI_MSIX_FLAGS_ENABLE |
			      PCI_MSIX_FLAGS_MASKALL);
	for (i = 0; i < nvec; i++) {
		void __iomem *e = base + i * PCI_MSIX_ENTRY_SIZE;

		v = msi_vector_get(handler, dev_id, name);
		if (v < 0)
			goto fail;
		vectors[i] = dev->msix_vectors[i] = v;
		msi_message(v, &addr, &data);
		writel(addr, e);
		writel(0, e + 4);
		writel(data, e + 8);
		writel(0, e + PCI_MSIX_ENTRY_CTRL);	/* unmask */
	}
	dev->msix_table = base;
	dev->msix_nvec = nvec;
	pci_intx(dev, false);
	pci_write_config_word(dev, cap + PCI_MSIX_FLAGS,
			      (flags | PCI_MSIX_FLAGS_ENABLE) &
			      ~PCI_MSIX_FLAGS_MASKALL);
	return 0;

fail:
	while (i--) {
		writel(PCI_MSIX_ENTRY_MASKED,
		       base + i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_CTRL);
		msi_vector_put(dev->msix_vectors[i]);
	}
	pci_write_config_word(dev, cap + PCI_MSIX_FLAGS, flags);
	iounmap(base - (table & ~PCI_MSIX_BIR));
	return v;
}

void pci_disable_msix(struct pci_dev *dev)
{
	unsigned int i;
	u16 flags;

	if (!dev->msix_table)
		return;
	flags = pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS);
	pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS,
			      flags & ~PCI_MSIX_FLAGS_ENABLE);
	for (i = 0; i < dev->msix_nvec; i++) {
		writel(PCI_MSIX_ENTRY_MASKED, dev->msix_table +
		       i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_CTRL);
		msi_vector_put(dev->msix_vectors[i]);
	}
	dev->msix_table = NULL;
	dev->msix_nvec = 0;
	pci_intx(dev, true);
}
