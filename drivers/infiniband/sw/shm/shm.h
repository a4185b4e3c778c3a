/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private state of the emulated HCA on ivshmem.  The shared region's
 * layout is include/tessera/shm_fabric.h.
 */
#ifndef _DRIVERS_INFINIBAND_SW_SHM_SHM_H
#define _DRIVERS_INFINIBAND_SW_SHM_SHM_H

#include <tessera/fabric.h>
#include <tessera/pci.h>
#include <tessera/shm_fabric.h>
#include <tessera/string.h>

#define PCI_VENDOR_ID_REDHAT_QUMRANET	0x1af4
#define PCI_DEVICE_ID_IVSHMEM		0x1110
#define IVSHMEM_SHM_BAR			2

/* Poll interval of every wait loop; each iteration also beats. */
#define SHM_POLL_MS		10
/* How long a node waits for another node to finish formatting. */
#define SHM_FORMAT_WAIT_MS	5000

struct shm_fabric {
	struct pci_dev *pdev;
	phys_addr_t bar_start;
	u64 size;
	void *base;			/* the mapped region */
	struct shmf_header *hdr;
	struct shmf_geometry geo;
	bool present;			/* device found and mapped */
	bool region_ok;			/* formatted and validated */
	bool joined;			/* slot claimed, state up */
	bool formatted_here;
	u32 self;			/* our node id */
	u32 gen;			/* our generation in that slot */
	u32 role;			/* SHMF_ROLE_* of this image */
};

extern struct shm_fabric shm;

/* Boot parameters (node.c). */
extern u32 shm_param_node;		/* FABRIC_NO_NODE: let discovery pick */
extern unsigned int shm_wait_ms;	/* fabric.wait */
extern unsigned int shm_hint[SHMF_NR_ROLES];	/* cluster= counts */
extern bool shm_have_hint;

static inline struct shmf_node *shm_node(u32 id)
{
	return (struct shmf_node *)((char *)shm.base + shmf_node_off(id));
}

static inline struct shmf_node *shm_self(void)
{
	return shm_node(shm.self);
}

static inline struct shmf_mr *shm_mr(u32 node, u32 index)
{
	return (struct shmf_mr *)((char *)shm.base + shmf_mr_off(node, index));
}

static inline struct shmf_qp *shm_qp(u32 qp_index)
{
	return (struct shmf_qp *)((char *)shm.base + shmf_qp_off(qp_index));
}

static inline u64 shm_load_word(u32 id)
{
	return __atomic_load_n(&shm_node(id)->word, __ATOMIC_ACQUIRE);
}

static inline bool shm_cas_word(u32 id, u64 old, u64 new)
{
	return __atomic_compare_exchange_n(&shm_node(id)->word, &old, new,
					   false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static inline void shm_count(u64 *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* A message header from this node, generation gen; the rest zero. */
static inline void shm_msg_fill(struct shmf_msg *h, u8 op, u8 flags,
				u32 nr_elems, u32 gen)
{
	memset(h, 0, sizeof(*h));
	h->magic = SHMF_MSG_MAGIC;
	h->opcode = op;
	h->flags = flags;
	h->hdr_len = SHMF_MSG_HDR_SIZE;
	h->nr_elems = nr_elems;
	h->src_node = shm.self;
	h->src_gen = gen;
}

/* region.c */
int shm_region_init(void);

/* node.c */
int shm_node_join(void);
/* Has node id's heartbeat advanced since this node started watching it? */
bool shm_node_confirmed(u32 id);
/* Parse "2M1S" / "1P-2M-1S" into per-role counts; -EINVAL if malformed. */
int shm_parse_layout(const char *s, unsigned int counts[SHMF_NR_ROLES]);
/* Live nodes of a role whose heartbeat was seen to advance. */
unsigned int shm_count_confirmed(u32 role);

#endif /* _DRIVERS_INFINIBAND_SW_SHM_SHM_H */
