// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated HCA's shared region: find the ivshmem device, map its BAR,
 * then format the region or join it.  Nodes boot in any order: whichever
 * wins the CAS on the header's state word formats, the others wait for it
 * (Documentation/fabric-shm-layout.md, section 3).
 */
#include <tessera/kernel.h>
#include <asm/io.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <asm/page.h>
#include <asm/processor.h>
#include "shm.h"

struct shm_fabric shm = {
	.self = FABRIC_NO_NODE,
};

/*
 * Map the shared memory BAR.  ivshmem's BAR2 is host RAM: write-back
 * caching is correct (and needed for speed).  It may sit above 4 GiB
 * (OVMF puts 64-bit BARs there).
 */
static void *shm_map_bar(phys_addr_t start, u64 size)
{
	void __iomem *p = ioremap_cache(start, size);

	if (!p)
		pr_err("fabric: cannot map the shared memory BAR at %#llx (%llu MiB)\n",
		       start, size >> 20);
	return (void *)p;
}

static int shm_probe(void)
{
	struct pci_dev *dev;
	struct pci_bar *bar;
	char name[16];

	dev = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET,
			     PCI_DEVICE_ID_IVSHMEM, NULL);
	if (!dev) {
		pr_info("fabric: no ivshmem device (%04x:%04x); running without a fabric\n",
			PCI_VENDOR_ID_REDHAT_QUMRANET, PCI_DEVICE_ID_IVSHMEM);
		return -ENODEV;
	}
	pci_name(dev, name, sizeof(name));
	bar = &dev->bar[IVSHMEM_SHM_BAR];
	if (!bar->size || bar->flags & PCI_BAR_IO || !bar->start) {
		pr_err("fabric: ivshmem %s has no usable BAR%d\n", name,
		       IVSHMEM_SHM_BAR);
		return -ENODEV;
	}
	shm.pdev = dev;
	shm.present = true;
	pci_enable_device(dev);
	pci_set_master(dev);
	dev->claimed = true;

	shm.bar_start = bar->start;
	shm.size = bar->size;
	if (shmf_geometry(shm.size, &shm.geo)) {
		pr_err("fabric: ivshmem %s: %llu MiB shared region; a fabric needs a power of two from %llu MiB to %llu MiB\n",
		       name, shm.size >> 20, SHMF_MIN_SIZE >> 20,
		       SHMF_MAX_SIZE >> 20);
		return -EINVAL;
	}
	shm.base = shm_map_bar(shm.bar_start, shm.size);
	if (!shm.base)
		return -ENOMEM;
	shm.hdr = shm.base;
	pr_info("fabric: ivshmem %s, %llu MiB shared region at %#llx\n",
		name, shm.size >> 20, shm.bar_start);
	return 0;
}

/* Wait for another node to finish formatting; the state it ended in. */
static u32 shm_wait_formatted(void)
{
	struct shmf_header *h = shm.hdr;
	u64 start = fabric_now_ms();
	u32 state;

	shm_count(&h->format_waits);
	for (;;) {
		state = __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
		if (state != SHMF_REGION_INITIALISING ||
		    fabric_now_ms() - start >= SHM_FORMAT_WAIT_MS)
			return state;
		fabric_delay_ms(SHM_POLL_MS);
	}
}

static int shm_check_region(void)
{
	struct shmf_header *h = shm.hdr;

	switch (shmf_check(h, shm.size)) {
	case SHMF_CHECK_OK:
		return 0;
	case SHMF_CHECK_MAGIC:
		pr_err("fabric: the shared region is not a Tessera fabric (magic %#llx); not joining\n",
		       h->magic);
		break;
	case SHMF_CHECK_VERSION:
		pr_err("fabric: the shared region has layout version %u, this kernel speaks version %u; not joining (reformat it with fabric-tool)\n",
		       h->version, SHMF_VERSION);
		break;
	case SHMF_CHECK_SIZE:
		pr_err("fabric: the shared region was formatted for %llu MiB, the device has %llu MiB; not joining\n",
		       h->size >> 20, shm.size >> 20);
		break;
	default:
		pr_err("fabric: the shared region's geometry does not match layout version %u; not joining\n",
		       SHMF_VERSION);
		break;
	}
	return -EINVAL;
}

/* Format the region if nobody has, else wait for it; then validate it. */
static int shm_format_or_join(void)
{
	struct shmf_header *h = shm.hdr;
	u32 state = SHMF_REGION_UNINIT;

	if (__atomic_compare_exchange_n(&h->state, &state,
					SHMF_REGION_INITIALISING, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Our node id is not known yet: shm_node_join() fills it in. */
		shmf_format(shm.base, &shm.geo, SHMF_FORMATTER_NODE,
			    rdtsc() ^ shm.bar_start);
		shm.formatted_here = true;
		pr_info("fabric: formatted the region: layout v%u, %u nodes, %u QPs per pair, %u-entry rings, %llu KiB windows\n",
			SHMF_VERSION, SHMF_MAX_NODES, SHMF_QPS_PER_PAIR,
			shm.geo.ring_elems, shm.geo.win_size >> 10);
		return 0;
	}
	if (state == SHMF_REGION_INITIALISING) {
		pr_info("fabric: another node is formatting the region; waiting\n");
		state = shm_wait_formatted();
		if (state == SHMF_REGION_INITIALISING) {
			pr_err("fabric: the region stayed 'initialising' for %u s (formatter died?); not joining (reformat it with fabric-tool)\n",
			       SHM_FORMAT_WAIT_MS / 1000);
			return -ETIMEDOUT;
		}
	}
	if (state != SHMF_REGION_READY) {
		pr_err("fabric: the shared region is in state %u (magic %#llx), not a Tessera fabric; not joining\n",
		       state, h->magic);
		return -EINVAL;
	}
	if (shm_check_region())
		return -EINVAL;
	if (h->formatted_by < SHMF_MAX_NODES)
		pr_info("fabric: joined the region (layout v%u, formatted by node %u)\n",
			SHMF_VERSION, h->formatted_by);
	else
		pr_info("fabric: joined the region (layout v%u, formatted by %s)\n",
			SHMF_VERSION,
			h->formatted_by == SHMF_FORMATTER_HOST ? "the host" :
								 "a joining node");
	return 0;
}

int shm_region_init(void)
{
	int ret;

	ret = shm_probe();
	if (ret)
		return ret;
	ret = shm_format_or_join();
	if (ret)
		return ret;
	shm.region_ok = true;
	return 0;
}
