// SPDX-License-Identifier: GPL-2.0
/*
 * PCI self-tests.  pci_edu and pci_msix need a device on the QEMU command
 * line (tests/40-pci.sh adds them) and only run when named.
 */
#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/pci.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/time.h>
#include <tessera/errno.h>
#include <asm/io.h>
#include <asm/page.h>

u32 pci_conf1_read(u8 bus, u8 devfn, u16 off, int size);

SELFTEST(pci_ecam_matches_conf1)
{
	struct pci_dev *dev = NULL;
	u16 off;

	if (!pci_ecam_enabled())
		return selftest_skip("no ECAM (no ACPI MCFG table)");
	while ((dev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, dev))) {
		for (off = 0; off < 256; off += 4) {
			u32 e = pci_read_config_dword(dev, off);
			u32 c = pci_conf1_read(dev->bus, dev->devfn, off, 4);

			if (e != c)
				return selftest_fail("%02x:%02x.%u +%#x: ECAM %#x, ports %#x",
						     dev->bus, PCI_SLOT(dev->devfn),
						     PCI_FUNC(dev->devfn), off, e, c);
		}
	}
	return 0;
}

/* QEMU's "edu" device: registers in BAR0. */
#define EDU_IDENT	0x00
#define EDU_LIVENESS	0x04
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define  EDU_DMA_START	0x1
#define  EDU_DMA_TO_RAM	0x2
#define EDU_DMA_BUF	0x40000
/* QEMU 7.2 refuses a transfer that ends exactly at its buffer's end. */
#define EDU_DMA_LEN	2048

static volatile unsigned int edu_irqs;
static volatile u32 edu_last_status;

static irqreturn_t edu_interrupt(int vector, void *regs)
{
	u32 status = readl(regs + EDU_IRQ_STATUS);

	writel(status, regs + EDU_IRQ_ACK);
	edu_last_status = status;
	edu_irqs++;
	return IRQ_HANDLED;
}

static bool wait_until(volatile unsigned int *v, unsigned int want, u64 ms)
{
	u64 end = ktime_get_ns() + ms * NSEC_PER_MSEC;

	while (*v != want && ktime_get_ns() < end)
		cpu_relax();
	return *v == want;
}

static int edu_dma(void __iomem *regs, u64 src, u64 dst, u32 cmd)
{
	u64 end = ktime_get_ns() + 2 * NSEC_PER_SEC;

	writel(src, regs + EDU_DMA_SRC);
	writel(dst, regs + EDU_DMA_DST);
	writel(EDU_DMA_LEN, regs + EDU_DMA_COUNT);
	writel(cmd | EDU_DMA_START, regs + EDU_DMA_CMD);
	while (readl(regs + EDU_DMA_CMD) & EDU_DMA_START)
		if (ktime_get_ns() > end)
			return -1;
	return 0;
}

SELFTEST_EXPLICIT_ONLY(pci_edu)
{
	struct pci_dev *dev = pci_get_device(0x1234, 0x11e8, NULL);
	unsigned long src, dst;
	void __iomem *regs;
	unsigned int i;
	int v;

	ST_ASSERT(dev);
	ST_ASSERT(dev->msi_cap);
	pci_enable_device(dev);
	pci_set_master(dev);
	regs = pci_ioremap_bar(dev, 0);
	ST_ASSERT(regs);
	ST_EQ(readl(regs + EDU_IDENT) & 0xff, 0xed);
	writel(0x12345678, regs + EDU_LIVENESS);
	ST_EQ(readl(regs + EDU_LIVENESS), (u32)~0x12345678);

	/* MSI: every raise arrives once, with its value. */
	v = pci_enable_msi(dev, edu_interrupt, (void *)regs, "edu");
	ST_ASSERT(v >= 0x30);
	edu_irqs = 0;
	for (i = 1; i <= 10; i++) {
		writel(i << 4, regs + EDU_IRQ_RAISE);
		ST_ASSERT(wait_until(&edu_irqs, i, 500));
		ST_EQ(edu_last_status, i << 4);
	}
	pci_disable_msi(dev);
	writel(0x1, regs + EDU_IRQ_RAISE);
	mdelay(20);
	ST_EQ(edu_irqs, 10);		/* MSI off: nothing reaches the vector */
	writel(0x1, regs + EDU_IRQ_ACK);

	/* Bus mastering: DMA to the device and back. */
	src = __get_free_pages(GFP_DMA, 0);
	dst = get_zeroed_page(GFP_DMA);
	ST_ASSERT(src && dst);
	for (i = 0; i < EDU_DMA_LEN; i++)
		((u8 *)src)[i] = i * 7 + 3;
	ST_EQ(edu_dma(regs, __pa(src), EDU_DMA_BUF, 0), 0);
	ST_EQ(edu_dma(regs, EDU_DMA_BUF, __pa(dst), EDU_DMA_TO_RAM), 0);
	ST_ASSERT(!memcmp((void *)src, (void *)dst, EDU_DMA_LEN));
	ST_EQ(((u8 *)dst)[EDU_DMA_LEN], 0);	/* and no further */
	free_page(src);
	free_page(dst);
	iounmap(regs);
	return 0;
}

static irqreturn_t no_interrupt(int vector, void *data)
{
	return IRQ_HANDLED;
}

/* MSI-X table programming, on the first device that has MSI-X. */
SELFTEST_EXPLICIT_ONLY(pci_msix)
{
	struct pci_dev *dev = NULL;
	int vectors[2];
	unsigned int i;

	while ((dev = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, dev)))
		if (dev->msix_cap && pci_msix_table_size(dev) >= 2)
			break;
	ST_ASSERT(dev);
	pci_enable_device(dev);
	ST_EQ(pci_enable_msix(dev, 2, no_interrupt, NULL, "msix-test", vectors), 0);
	ST_ASSERT(vectors[0] != vectors[1]);
	ST_ASSERT(pci_read_config_word(dev, dev->msix_cap + 2) & 0x8000);
	ST_ASSERT(pci_read_config_word(dev, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
	for (i = 0; i < 2; i++) {
		void __iomem *e = dev->msix_table + 16 * i;

		ST_EQ(readl(e) & 0xfff00000, 0xfee00000);
		ST_EQ(readl(e + 8), vectors[i]);
		ST_EQ(readl(e + 12) & 1, 0);	/* unmasked */
	}
	ST_EQ(pci_enable_msix(dev, 1, no_interrupt, NULL, "again", vectors), -EBUSY);
	pci_disable_msix(dev);
	ST_ASSERT(!(pci_read_config_word(dev, dev->msix_cap + 2) & 0x8000));
	ST_ASSERT(!dev->msix_table);
	return 0;
}
