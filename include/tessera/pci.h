/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_PCI_H
#define _TESSERA_PCI_H

#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/interrupt.h>

/* Configuration space registers (type 0 and 1 headers). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x0001
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x0010
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_CLASS_DEVICE	0x0a
#define PCI_HEADER_TYPE		0x0e
#define  PCI_HEADER_TYPE_MASK	0x7f
#define  PCI_HEADER_TYPE_NORMAL	0
#define  PCI_HEADER_TYPE_BRIDGE	1
#define  PCI_HEADER_MULTIFUNC	0x80
#define PCI_BASE_ADDRESS_0	0x10
#define  PCI_BASE_ADDRESS_SPACE_IO	0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_64	0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH	0x08
#define PCI_PRIMARY_BUS		0x18
#define PCI_SECONDARY_BUS	0x19
#define PCI_SUBORDINATE_BUS	0x1a
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d

#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_MSIX		0x11

#define PCI_NUM_BARS		6
#define PCI_MSIX_MAX		32	/* vectors one device may enable */
#define PCI_ANY_ID		0xffff

#define PCI_DEVFN(dev, fn)	((((dev) & 0x1f) << 3) | ((fn) & 0x07))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM64		0x2
#define PCI_BAR_PREFETCH	0x4

struct pci_bar {
	u64 start;
	u64 size;		/* 0: not implemented */
	unsigned int flags;	/* PCI_BAR_* */
};

struct pci_dev {
	u16 segment;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
	u32 class;		/* class << 16 | subclass << 8 | prog-if */
	u8 revision;
	u8 hdr_type;
	u8 irq_line;
	u8 irq_pin;
	struct pci_bar bar[PCI_NUM_BARS];
	u8 msi_cap;		/* config offset of the capability, 0 if none */
	u8 msix_cap;
	unsigned int msi_vector;		/* 0: MSI off */
	void __iomem *msix_table;		/* NULL: MSI-X off */
	unsigned int msix_nvec;
	int msix_vectors[PCI_MSIX_MAX];
	bool claimed;		/* bound to a driver */
	void *driver_data;
	struct pci_dev *next;
};

struct pci_device_id {
	u16 vendor;
	u16 device;
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;	/* ends with vendor 0 */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	struct pci_driver *next;
};

/* Raw configuration access, by address (ECAM when available). */
u32 pci_bus_read_config(u8 bus, u8 devfn, u16 off, int size);
void pci_bus_write_config(u8 bus, u8 devfn, u16 off, u32 val, int size);

u8 pci_read_config_byte(struct pci_dev *dev, u16 off);
u16 pci_read_config_word(struct pci_dev *dev, u16 off);
u32 pci_read_config_dword(struct pci_dev *dev, u16 off);
void pci_write_config_byte(struct pci_dev *dev, u16 off, u8 val);
void pci_write_config_word(struct pci_dev *dev, u16 off, u16 val);
void pci_write_config_dword(struct pci_dev *dev, u16 off, u32 val);

/* Enumerate every bus reachable from bus 0 and print the devices. */
void pci_init(void);
/* Iterate: NULL starts; returns the next device with these ids (or any). */
struct pci_dev *pci_get_device(u16 vendor, u16 device, struct pci_dev *from);
unsigned int pci_nr_devices(void);

int pci_enable_device(struct pci_dev *dev);	/* I/O and memory decode */
void pci_set_master(struct pci_dev *dev);
u8 pci_find_capability(struct pci_dev *dev, u8 cap);

int pci_register_driver(struct pci_driver *drv);

/* Map a memory BAR, uncached. */
void __iomem *pci_ioremap_bar(struct pci_dev *dev, int bar);

/*
 * MSI: one message; returns the vector (handler(vector, dev_id) runs on
 * it) or a negative errno.  MSI-X: nvec messages, vectors[] filled in.
 * Both disable INTx while on.
 */
int pci_enable_msi(struct pci_dev *dev, irq_handler_t handler, void *dev_id,
		   const char *name);
void pci_disable_msi(struct pci_dev *dev);
unsigned int pci_msix_table_size(struct pci_dev *dev);
int pci_enable_msix(struct pci_dev *dev, unsigned int nvec,
		    irq_handler_t handler, void *dev_id, const char *name,
		    int *vectors);
void pci_disable_msix(struct pci_dev *dev);
bool pci_ecam_enabled(void);

/* "0000:00:1f.2" */
const char *pci_name(struct pci_dev *dev, char *buf, size_t size);

#endif /* _TESSERA_PCI_H */
