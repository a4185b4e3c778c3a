/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small modern virtio-pci transport (virtio 1.1 §4.1) with split
 * virtqueues (§2.6), for virtio-blk and later virtio-net.  Described in
 * Documentation/block.md.  x86 is little-endian: the le fields of the
 * rings and registers are used as they are.
 */
#ifndef _TESSERA_VIRTIO_H
#define _TESSERA_VIRTIO_H

#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/spinlock.h>

struct pci_dev;

/* Device status (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Transport feature bits (§6). */
#define VIRTIO_F_RING_INDIRECT_DESC	28
#define VIRTIO_F_RING_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32

/* Split virtqueue layout (§2.6). */
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2	/* the device writes this buffer */
#define VIRTQ_DESC_F_INDIRECT	4	/* the buffer is a table of descriptors */
#define VIRTQ_USED_F_NO_NOTIFY	1

struct virtq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
} __packed;

struct virtq_avail {
	u16 flags;
	u16 idx;
	u16 ring[];
} __packed;

struct virtq_used_elem {
	u32 id;
	u32 len;
} __packed;

struct virtq_used {
	u16 flags;
	u16 idx;
	struct virtq_used_elem ring[];
} __packed;

#define VIRTQ_MAX_SIZE		256	/* entries we set up at most */

struct virtio_device;
struct virtqueue;

typedef void (*vq_callback_t)(struct virtqueue *vq);

struct virtqueue {
	struct virtio_device *vdev;
	unsigned int index;
	unsigned int num;		/* ring entries, a power of two */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	unsigned long ring_mem;		/* the pages holding all three */
	unsigned int ring_order;
	void __iomem *notify;
	vq_callback_t callback;		/* interrupt context */
	int vector;			/* CPU vector of its MSI-X message */
	spinlock_t lock;		/* the fields below */
	u16 free_head;			/* free descriptors, chained by next */
	u16 num_free;
	u16 avail_idx;			/* our copy of avail->idx */
	u16 last_used;			/* next used->ring entry to read */
	void **token;			/* per chain head: what add() was given */
	void *priv;			/* the driver's */
};

struct virtio_device {
	struct pci_dev *pci;
	void __iomem *common;		/* struct virtio_pci_common_cfg */
	void __iomem *isr;
	void __iomem *device;		/* device-specific config */
	u32 device_len;
	void __iomem *notify_base;
	u32 notify_len;
	u32 notify_mult;
	u64 features;			/* negotiated */
	unsigned int nvqs;
	struct virtqueue *vqs;
	bool msix;
	int config_vector;
	void (*config_changed)(struct virtio_device *vdev);	/* optional */
	void *priv;
};

/* One buffer of a chain; write: the device writes it. */
struct virtq_buf {
	phys_addr_t addr;
	u32 len;
	bool write;
};

/*
 * Bring-up, in this order (§3.1.1): virtio_pci_probe() finds the
 * capabilities, maps them, resets the device and sets ACKNOWLEDGE and
 * DRIVER; virtio_negotiate() offers wanted & the device's features plus
 * VERSION_1 and checks FEATURES_OK; virtio_find_vqs() sets up the queues
 * and their MSI-X vectors; virtio_driver_ok() lets the device go.  On an
 * error after probe, virtio_remove() resets the device and frees it all.
 */
int virtio_pci_probe(struct virtio_device *vdev, struct pci_dev *pci);
int virtio_negotiate(struct virtio_device *vdev, u64 wanted);
int virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		    const vq_callback_t *callbacks, unsigned int max_size);
void virtio_driver_ok(struct virtio_device *vdev);
void virtio_remove(struct virtio_device *vdev);

static inline bool virtio_has_feature(const struct virtio_device *vdev,
				      unsigned int bit)
{
	return vdev->features & (1ULL << bit);
}

/* Device configuration reads (a consistent 64-bit value, §4.1.4.3). */
u8 virtio_cread8(struct virtio_device *vdev, unsigned int off);
u16 virtio_cread16(struct virtio_device *vdev, unsigned int off);
u32 virtio_cread32(struct virtio_device *vdev, unsigned int off);
u64 virtio_cread64(struct virtio_device *vdev, unsigned int off);

/*
 * Queue a chain of n buffers (those the device reads first, then those
 * it writes) under token; -ENOSPC when too few descriptors are free.
 * The caller holds vq->lock.  virtqueue_kick() then tells the device.
 */
int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
		  unsigned int n, void *token);
/*
 * The same chain in a table of n descriptors of the caller's (direct-map
 * memory, left alone until the token comes back), taking one descriptor
 * of the ring.  Only with VIRTIO_F_RING_INDIRECT_DESC negotiated.
 */
int virtqueue_add_indirect(struct virtqueue *vq, struct virtq_desc *table,
			   const struct virtq_buf *bufs, unsigned int n,
			   void *token);
void virtqueue_kick(struct virtqueue *vq);
/* The next completed chain's token (its descriptors freed), or NULL. */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);

#endif /* _TESSERA_VIRTIO_H */
