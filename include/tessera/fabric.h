/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_FABRIC_H
#define _TESSERA_FABRIC_H

/*
 * The fabric: the nodes of a cluster and how they find each other.  Today
 * the only provider is the emulated HCA on ivshmem
 * (drivers/infiniband/sw/shm); see Documentation/fabric-shm-layout.md.
 */
#include <tessera/types.h>
#include <tessera/shm_fabric.h>

#define FABRIC_NO_NODE		(~0U)

/* What this node knows about another one. */
struct fabric_node_info {
	u32 id;
	u32 role;		/* SHMF_ROLE_* */
	u32 state;		/* SHMF_NODE_* */
	u32 generation;
	u64 ram_bytes;
	u32 nr_cpus;
};

#ifdef CONFIG_INFINIBAND_SHM
/* Find the device, format or join the region, claim a slot, come up. */
void fabric_init(void);
/* Did this node join a fabric (device present and slot claimed)? */
bool fabric_joined(void);
/* Is there a fabric device at all (even if joining failed)? */
bool fabric_present(void);
u32 fabric_self_id(void);

/* Bump this node's heartbeat counter and timestamp. */
void fabric_heartbeat(void);
/*
 * Is node id alive?  Judged by the progress of its heartbeat against this
 * node's clock: false once it made none for SHMF_HB_TIMEOUT_MS (the first
 * observer to notice marks the slot dead).
 */
bool fabric_node_alive(u32 id);
/* Copy slot id into *info; false if the id is out of range or free. */
bool fabric_node_info(u32 id, struct fabric_node_info *info);
/* Log the other nodes that are up. */
void fabric_discover(void);
/* Count the live nodes of a role (other than this one). */
unsigned int fabric_count_alive(u32 role);

/*
 * Wait until at least count live nodes of role are up, heartbeating while
 * waiting; 0, or -ETIMEDOUT after timeout_ms, or -ENODEV without a fabric.
 */
int fabric_wait_for_nodes(u32 role, unsigned int count,
			  unsigned int timeout_ms);
int fabric_wait_for_role(u32 role, unsigned int timeout_ms);
/*
 * A processor's wait at boot: for the memory nodes (at least one) and the
 * storage nodes named by the cluster= hint, within fabric.wait seconds.
 */
int fabric_wait_for_cluster(void);
/* Record that this node relies on node id (it must keep beating). */
void fabric_depend_on(u32 id);

/* Sleep for the fabric's waits (task context). */
void fabric_delay_ms(unsigned int ms);
/* This node's monotonic clock in milliseconds. */
u64 fabric_now_ms(void);
#else
static inline void fabric_init(void) { }
static inline bool fabric_joined(void) { return false; }
static inline bool fabric_present(void) { return false; }
static inline int fabric_wait_for_cluster(void) { return 0; }
#endif

#endif /* _TESSERA_FABRIC_H */
