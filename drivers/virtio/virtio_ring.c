// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio 1.1 §2.6): the driver chains free descriptors,
 * publishes the chain's head in the available ring and bumps avail->idx;
 * the device returns heads in the used ring.  No event index: the device
 * interrupts for every used buffer, the driver notifies unless the device
 * set VIRTQ_USED_F_NO_NOTIFY.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/virtio.h>
#include <asm/barrier.h>
#include <asm/io.h>
#include <asm/page.h>

/* extra: flags for every descriptor (INDIRECT for a table's). */
static int vq_add(struct virtqueue *vq, const struct virtq_buf *bufs,
		  unsigned int n, void *token, u16 extra)
{
	u16 head, i;
	unsigned int k;

	if (!n)
		return -EINVAL;
	if (n > vq->num_free)
		return -ENOSPC;
	head = i = vq->free_head;
	for (k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];

		d->addr = bufs[k].addr;
		d->len = bufs[k].len;
		d->flags = (bufs[k].write ? VIRTQ_DESC_F_WRITE : 0) |
			   (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0) | extra;
		i = d->next;
	}
	vq->free_head = i;
	vq->num_free -= n;
	vq->token[head] = token;

	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	/* The device must see the descriptors before the new index. */
	wmb();
	vq->avail_idx++;
	WRITE_ONCE(vq->avail->idx, vq->avail_idx);
	return 0;
}

int virtqueue_add(struct virtqueue *vq, const struct virtq_buf *bufs,
		  unsigned int n, void *token)
{
	return vq_add(vq, bufs, n, token, 0);
}

int virtqueue_add_indirect(struct virtqueue *vq, struct virtq_desc *table,
			   const struct virtq_buf *bufs, unsigned int n,
			   void *token)
{
	struct virtq_buf ind;
	unsigned int k;

	if (!n || !virtio_has_feature(vq->vdev, VIRTIO_F_RING_INDIRECT_DESC))
		return -EINVAL;
	for (k = 0; k < n; k++) {
		table[k].addr = bufs[k].addr;
		table[k].len = bufs[k].len;
		table[k].flags = (bufs[k].write ? VIRTQ_DESC_F_WRITE : 0) |
				 (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		table[k].next = k + 1 < n ? k + 1 : 0;
	}
	ind.addr = __pa(table);
	ind.len = n * sizeof(*table);
	ind.write = false;
	return vq_add(vq, &ind, 1, token, VIRTQ_DESC_F_INDIRECT);
}

void virtqueue_kick(struct virtqueue *vq)
{
	/* The index store before the flag load: the device may be polling. */
	mb();
	if (!(READ_ONCE(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY))
		writew(vq->index, vq->notify);
}

void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
	struct virtq_used_elem *e;
	void *token;
	u16 id, i;

	for (;;) {
		if (vq->last_used == READ_ONCE(vq->used->idx))
			return NULL;
		/* The entry only after seeing the index that covers it. */
		rmb();
		e = &vq->used->ring[vq->last_used & (vq->num - 1)];
		id = e->id;
		if (len)
			*len = e->len;
		vq->last_used++;
		if (id < vq->num && vq->token[id])
			break;
		pr_err("virtio: queue %u: the device returned unused descriptor %u\n",
		       vq->index, id);
	}
	token = vq->token[id];
	vq->token[id] = NULL;
	/* Return the chain to the free list. */
	i = id;
	vq->num_free++;
	while (vq->desc[i].flags & VIRTQ_DESC_F_NEXT) {
		i = vq->desc[i].next;
		vq->num_free++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = id;
	return token;
}
