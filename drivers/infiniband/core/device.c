// SPDX-License-Identifier: GPL-2.0
/*
 * Verbs devices: providers register them, consumers look them up.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <rdma/ib_verbs.h>

static LIST_HEAD(ib_devices);
static DEFINE_MUTEX(ib_devices_lock);

static bool ib_ops_complete(const struct ib_device_ops *ops)
{
	return ops->alloc_pd && ops->dealloc_pd && ops->reg_mr &&
	       ops->dereg_mr && ops->create_cq && ops->destroy_cq &&
	       ops->poll_cq && ops->req_notify_cq && ops->create_qp &&
	       ops->modify_qp && ops->query_qp && ops->destroy_qp &&
	       ops->post_send && ops->post_recv && ops->alloc_remote_buf &&
	       ops->free_remote_buf && ops->conn_qpn;
}

int ib_register_device(struct ib_device *dev)
{
	struct ib_device *d;

	if (!dev->name[0] || !dev->ops || !ib_ops_complete(dev->ops))
		return -EINVAL;
	mutex_lock(&ib_devices_lock);
	list_for_each_entry(d, &ib_devices, list) {
		if (!strcmp(d->name, dev->name)) {
			mutex_unlock(&ib_devices_lock);
			return -EEXIST;
		}
	}
	refcount_set(&dev->refcount, 1);
	list_add_tail(&dev->list, &ib_devices);
	mutex_unlock(&ib_devices_lock);
	pr_info("verbs: registered %s: node %u, %u QPs, %u MRs (%u remote), SEND up to %u bytes\n",
		dev->name, dev->node_id, dev->attrs.max_qp, dev->attrs.max_mr,
		dev->attrs.max_remote_mr, dev->attrs.max_msg_sz);
	return 0;
}

/* Consumers still holding the device keep it; the caller must not free it. */
void ib_unregister_device(struct ib_device *dev)
{
	mutex_lock(&ib_devices_lock);
	list_del_init(&dev->list);
	mutex_unlock(&ib_devices_lock);
	if (!refcount_dec_and_test(&dev->refcount))
		pr_warn("verbs: %s unregistered while in use\n", dev->name);
}

struct ib_device *ib_get_device(const char *name)
{
	struct ib_device *d, *found = NULL;

	mutex_lock(&ib_devices_lock);
	list_for_each_entry(d, &ib_devices, list) {
		if (!name || !strcmp(d->name, name)) {
			refcount_inc(&d->refcount);
			found = d;
			break;
		}
	}
	mutex_unlock(&ib_devices_lock);
	return found;
}

void ib_put_device(struct ib_device *dev)
{
	if (dev)
		refcount_dec_and_test(&dev->refcount);
}
