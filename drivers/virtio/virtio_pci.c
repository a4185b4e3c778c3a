// SPDX-License-Identifier: GPL-2.0
/*
 * The modern virtio-pci transport (virtio 1.1 §4.1.4): vendor
 * capabilities point at the common configuration, the notification area,
 * the ISR status and the device configuration inside the BARs.  Each
 * queue and the configuration change get an MSI-X message of their own
 * when the table is big enough, else all share one.
 */
#define pr_fmt(fmt) "virtio: " fmt

#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/pci.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/time.h>
#include <tessera/virtio.h>
#include <asm/barrier.h>
#include <asm/io.h>
#include <asm/page.h>

#define PCI_CAP_ID_VNDR		0x09

/* struct virtio_pci_cap (§4.1.4). */
#define VIRTIO_PCI_CAP_CFG_TYPE	3
#define VIRTIO_PCI_CAP_BAR	4
#define VIRTIO_PCI_CAP_OFFSET	8
#define VIRTIO_PCI_CAP_LENGTH	12
#define VIRTIO_PCI_NOTIFY_MULT	16

#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_ISR_CFG		3
#define VIRTIO_PCI_CAP_DEVICE_CFG	4

/* struct virtio_pci_common_cfg (§4.1.4.3). */
#define VIRTIO_DEVICE_FEATURE_SELECT	0x00
#define VIRTIO_DEVICE_FEATURE		0x04
#define VIRTIO_DRIVER_FEATURE_SELECT	0x08
#define VIRTIO_DRIVER_FEATURE		0x0c
#define VIRTIO_MSIX_CONFIG		0x10
#define VIRTIO_NUM_QUEUES		0x12
#define VIRTIO_DEVICE_STATUS		0x14
#define VIRTIO_CONFIG_GENERATION	0x15
#define VIRTIO_QUEUE_SELECT		0x16
#define VIRTIO_QUEUE_SIZE		0x18
#define VIRTIO_QUEUE_MSIX_VECTOR	0x1a
#define VIRTIO_QUEUE_ENABLE		0x1c
#define VIRTIO_QUEUE_NOTIFY_OFF		0x1e
#define VIRTIO_QUEUE_DESC		0x20
#define VIRTIO_QUEUE_DRIVER		0x28
#define VIRTIO_QUEUE_DEVICE		0x30
#define VIRTIO_COMMON_LEN		0x38

#define VIRTIO_MSI_NO_VECTOR		0xffff

static void __iomem *virtio_map_cap(struct pci_dev *pci, u8 cap, u32 min_len,
				    u32 *len_out)
{
	u8 bar = pci_read_config_byte(pci, cap + VIRTIO_PCI_CAP_BAR);
	u32 off = pci_read_config_dword(pci, cap + VIRTIO_PCI_CAP_OFFSET);
	u32 len = pci_read_config_dword(pci, cap + VIRTIO_PCI_CAP_LENGTH);
	struct pci_bar *b;

	if (bar >= PCI_NUM_BARS)
		return NULL;
	b = &pci->bar[bar];
	if (!b->size || !b->start || b->flags & PCI_BAR_IO || len < min_len ||
	    off > b->size || len > b->size - off)
		return NULL;
	if (len_out)
		*len_out = len;
	return ioremap(b->start + off, len);
}

/* 64-bit registers as two 32-bit halves, as devices must accept. */
static void virtio_write64(u64 v, void __iomem *addr)
{
	writel((u32)v, addr);
	writel(v >> 32, addr + 4);
}

static void virtio_set_status(struct virtio_device *vdev, u8 bits)
{
	u8 s = readb(vdev->common + VIRTIO_DEVICE_STATUS);

	writeb(s | bits, vdev->common + VIRTIO_DEVICE_STATUS);
}

/* Writing 0 resets; the device says it is done by reading back 0. */
static int virtio_reset(struct virtio_device *vdev)
{
	u64 end = ktime_get_ns() + NSEC_PER_SEC;

	writeb(0, vdev->common + VIRTIO_DEVICE_STATUS);
	while (readb(vdev->common + VIRTIO_DEVICE_STATUS)) {
		if (ktime_get_ns() > end)
			return -ETIMEDOUT;
		udelay(10);
	}
	return 0;
}

static void virtio_unmap(struct virtio_device *vdev)
{
	if (vdev->common)
		iounmap(vdev->common);
	if (vdev->isr)
		iounmap(vdev->isr);
	if (vdev->device)
		iounmap(vdev->device);
	if (vdev->notify_base)
		iounmap(vdev->notify_base);
	vdev->common = vdev->isr = vdev->device = vdev->notify_base = NULL;
}

int virtio_pci_probe(struct virtio_device *vdev, struct pci_dev *pci)
{
	u8 caps[VIRTIO_PCI_CAP_DEVICE_CFG + 1] = { 0 };
	u8 cap, type, common, notify, isr, device;
	unsigned int guard = 0;
	int ret;

	memset(vdev, 0, sizeof(*vdev));
	vdev->pci = pci;
	vdev->config_vector = -1;
	if (!(pci_read_config_word(pci, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return -ENODEV;
	/* The first capability of each type is the one to use (§4.1.4.1). */
	cap = pci_read_config_byte(pci, PCI_CAPABILITY_LIST) & ~3;
	while (cap && guard++ < 48) {
		if (pci_read_config_byte(pci, cap) == PCI_CAP_ID_VNDR) {
			type = pci_read_config_byte(pci, cap + VIRTIO_PCI_CAP_CFG_TYPE);
			if (type && type < ARRAY_SIZE(caps) && !caps[type])
				caps[type] = cap;
		}
		cap = pci_read_config_byte(pci, cap + 1) & ~3;
	}
	common = caps[VIRTIO_PCI_CAP_COMMON_CFG];
	notify = caps[VIRTIO_PCI_CAP_NOTIFY_CFG];
	isr = caps[VIRTIO_PCI_CAP_ISR_CFG];
	device = caps[VIRTIO_PCI_CAP_DEVICE_CFG];
	if (!common || !notify || !isr) {
		pr_err("%02x:%02x.%u: no modern virtio capabilities\n", pci->bus,
		       PCI_SLOT(pci->devfn), PCI_FUNC(pci->devfn));
		return -ENODEV;
	}

	pci_enable_device(pci);
	pci_set_master(pci);
	ret = -ENOMEM;
	vdev->common = virtio_map_cap(pci, common, VIRTIO_COMMON_LEN, NULL);
	vdev->isr = virtio_map_cap(pci, isr, 1, NULL);
	vdev->notify_base = virtio_map_cap(pci, notify, 2, &vdev->notify_len);
	vdev->notify_mult = pci_read_config_dword(pci, notify +
						  VIRTIO_PCI_NOTIFY_MULT);
	if (device)
		vdev->device = virtio_map_cap(pci, device, 1, &vdev->device_len);
	if (!vdev->common || !vdev->isr || !vdev->notify_base ||
	    (device && !vdev->device))
		goto fail;
	ret = virtio_reset(vdev);
	if (ret)
		goto fail;
	virtio_set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_set_status(vdev, VIRTIO_STATUS_DRIVER);
	return 0;

fail:
	pr_err("%02x:%02x.%u: cannot map the virtio registers (%d)\n",
	       pci->bus, PCI_SLOT(pci->devfn), PCI_FUNC(pci->devfn), ret);
	virtio_unmap(vdev);
	return ret;
}

int virtio_negotiate(struct virtio_device *vdev, u64 wanted)
{
	void __iomem *c = vdev->common;
	u64 offered;

	writel(0, c + VIRTIO_DEVICE_FEATURE_SELECT);
	offered = readl(c + VIRTIO_DEVICE_FEATURE);
	writel(1, c + VIRTIO_DEVICE_FEATURE_SELECT);
	offered |= (u64)readl(c + VIRTIO_DEVICE_FEATURE) << 32;
	if (!(offered & (1ULL << VIRTIO_F_VERSION_1))) {
		pr_err("the device does not offer VERSION_1 (legacy only)\n");
		virtio_set_status(vdev, VIRTIO_STATUS_FAILED);
		return -ENODEV;
	}
	vdev->features = offered & (wanted | (1ULL << VIRTIO_F_VERSION_1));
	writel(0, c + VIRTIO_DRIVER_FEATURE_SELECT);
	writel((u32)vdev->features, c + VIRTIO_DRIVER_FEATURE);
	writel(1, c + VIRTIO_DRIVER_FEATURE_SELECT);
	writel(vdev->features >> 32, c + VIRTIO_DRIVER_FEATURE);
	virtio_set_status(vdev, VIRTIO_STATUS_FEATURES_OK);
	if (!(readb(c + VIRTIO_DEVICE_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("the device refused features %#llx\n", vdev->features);
		virtio_set_status(vdev, VIRTIO_STATUS_FAILED);
		return -ENODEV;
	}
	return 0;
}

static irqreturn_t virtio_interrupt(int vector, void *dev_id)
{
	struct virtio_device *vdev = dev_id;
	unsigned int i;

	/* A shared vector may mean any queue; each callback finds nothing new cheaply. */
	if (vector == vdev->config_vector && vdev->config_changed)
		vdev->config_changed(vdev);
	for (i = 0; i < vdev->nvqs; i++) {
		struct virtqueue *vq = &vdev->vqs[i];

		if (vq->vector == vector && vq->callback)
			vq->callback(vq);
	}
	return IRQ_HANDLED;
}

static void virtio_free_vqs(struct virtio_device *vdev)
{
	unsigned int i;

	if (vdev->msix)
		pci_disable_msix(vdev->pci);
	vdev->msix = false;
	for (i = 0; vdev->vqs && i < vdev->nvqs; i++) {
		struct virtqueue *vq = &vdev->vqs[i];

		if (vq->ring_mem)
			free_pages(vq->ring_mem, vq->ring_order);
		kfree(vq->token);
	}
	kfree(vdev->vqs);
	vdev->vqs = NULL;
	vdev->nvqs = 0;
}

static int virtio_setup_vq(struct virtio_device *vdev, struct virtqueue *vq,
			   unsigned int index, unsigned int max_size, u16 msix)
{
	void __iomem *c = vdev->common;
	unsigned int num, i;
	size_t desc_sz, avail_sz, used_off;
	u16 off;

	writew(index, c + VIRTIO_QUEUE_SELECT);
	num = readw(c + VIRTIO_QUEUE_SIZE);
	if (!num || readw(c + VIRTIO_QUEUE_ENABLE))
		return -ENOENT;
	/* Split rings may have any size up to 32768; keep a power of two. */
	if (num > max_size)
		num = max_size;
	while (num & (num - 1))
		num &= num - 1;
	vq->vdev = vdev;
	vq->index = index;
	vq->num = num;
	spin_lock_init(&vq->lock);
	desc_sz = 16 * num;
	avail_sz = 6 + 2 * num;
	used_off = ALIGN(desc_sz + avail_sz, 4);
	vq->ring_order = get_order(used_off + 6 + 8 * num);
	vq->ring_mem = __get_free_pages(GFP_KERNEL | __GFP_ZERO, vq->ring_order);
	vq->token = kcalloc(num, sizeof(void *), GFP_KERNEL);
	if (!vq->ring_mem || !vq->token)
		return -ENOMEM;
	vq->desc = (struct virtq_desc *)vq->ring_mem;
	vq->avail = (struct virtq_avail *)(vq->ring_mem + desc_sz);
	vq->used = (struct virtq_used *)(vq->ring_mem + used_off);
	for (i = 0; i < num; i++)
		vq->desc[i].next = i + 1;
	vq->free_head = 0;
	vq->num_free = num;

	off = readw(c + VIRTIO_QUEUE_NOTIFY_OFF);
	if ((u64)off * vdev->notify_mult + 2 > vdev->notify_len)
		return -EINVAL;
	vq->notify = vdev->notify_base + off * vdev->notify_mult;

	writew(num, c + VIRTIO_QUEUE_SIZE);
	virtio_write64(__pa(vq->desc), c + VIRTIO_QUEUE_DESC);
	virtio_write64(__pa(vq->avail), c + VIRTIO_QUEUE_DRIVER);
	virtio_write64(__pa(vq->used), c + VIRTIO_QUEUE_DEVICE);
	writew(msix, c + VIRTIO_QUEUE_MSIX_VECTOR);
	if (readw(c + VIRTIO_QUEUE_MSIX_VECTOR) != msix)
		return -EBUSY;	/* the device could not take the vector */
	writew(1, c + VIRTIO_QUEUE_ENABLE);
	return 0;
}

int virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		    const vq_callback_t *callbacks, unsigned int max_size)
{
	int vectors[PCI_MSIX_MAX];
	unsigned int i, nvec, table;
	bool shared;
	int ret;

	if (!nvqs || nvqs > readw(vdev->common + VIRTIO_NUM_QUEUES))
		return -EINVAL;
	if (!max_size || max_size > VIRTQ_MAX_SIZE)
		max_size = VIRTQ_MAX_SIZE;
	table = pci_msix_table_size(vdev->pci);
	if (!table) {
		pr_err("the device has no MSI-X\n");
		return -ENODEV;
	}
	shared = table < nvqs + 1 || nvqs + 1 > PCI_MSIX_MAX;
	nvec = shared ? 1 : nvqs + 1;
	ret = pci_enable_msix(vdev->pci, nvec, virtio_interrupt, vdev, "virtio",
			      vectors);
	if (ret)
		return ret;
	vdev->msix = true;
	vdev->config_vector = vectors[0];
	writew(0, vdev->common + VIRTIO_MSIX_CONFIG);
	if (readw(vdev->common + VIRTIO_MSIX_CONFIG) != 0) {
		ret = -EBUSY;
		goto fail;
	}
	vdev->vqs = kcalloc(nvqs, sizeof(*vdev->vqs), GFP_KERNEL);
	if (!vdev->vqs) {
		ret = -ENOMEM;
		goto fail;
	}
	vdev->nvqs = nvqs;
	for (i = 0; i < nvqs; i++) {
		struct virtqueue *vq = &vdev->vqs[i];
		u16 entry = shared ? 0 : i + 1;

		vq->callback = callbacks[i];
		vq->vector = vectors[entry];
		ret = virtio_setup_vq(vdev, vq, i, max_size, entry);
		if (ret)
			goto fail;
	}
	return 0;

fail:
	virtio_reset(vdev);
	virtio_free_vqs(vdev);
	return ret;
}

void virtio_driver_ok(struct virtio_device *vdev)
{
	virtio_set_status(vdev, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_remove(struct virtio_device *vdev)
{
	virtio_reset(vdev);
	virtio_free_vqs(vdev);
	virtio_unmap(vdev);
}

u8 virtio_cread8(struct virtio_device *vdev, unsigned int off)
{
	return off + 1 <= vdev->device_len ? readb(vdev->device + off) : 0;
}

u16 virtio_cread16(struct virtio_device *vdev, unsigned int off)
{
	return off + 2 <= vdev->device_len ? readw(vdev->device + off) : 0;
}

u32 virtio_cread32(struct virtio_device *vdev, unsigned int off)
{
	return off + 4 <= vdev->device_len ? readl(vdev->device + off) : 0;
}

/* Two 32-bit reads: retry while the generation changes under them. */
u64 virtio_cread64(struct virtio_device *vdev, unsigned int off)
{
	u8 gen;
	u64 v;

	if (off + 8 > vdev->device_len)
		return 0;
	do {
		gen = readb(vdev->common + VIRTIO_CONFIG_GENERATION);
		v = readl(vdev->device + off) |
		    (u64)readl(vdev->device + off + 4) << 32;
	} while (gen != readb(vdev->common + VIRTIO_CONFIG_GENERATION));
	return v;
}
