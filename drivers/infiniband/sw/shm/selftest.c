// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the emulated HCA's discovery layer.  The cluster tests
 * (tests/50-fabric.sh) run them on the processor of a QEMU cluster.
 */
#include <tessera/kernel.h>
#include <tessera/cpumask.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include "shm.h"

/*
 * fabric.expect=2M1S (tests only): the exact population fabric_discovery
 * must find, this node included; roles not named are not checked.
 */
static unsigned int expect[SHMF_NR_ROLES];
static bool have_expect;

static int parse_fabric_expect(char *val)
{
	if (shm_parse_layout(val, expect))
		return -EINVAL;
	have_expect = true;
	return 0;
}
__setup("fabric.expect", parse_fabric_expect);

/* Nodes of a role, this one included, whose heartbeat we saw advance. */
static unsigned int st_population(u32 role)
{
	return shm_count_confirmed(role) + (shm.role == role);
}

static bool st_expectation_met(void)
{
	u32 role;

	for (role = SHMF_ROLE_PROCESSOR; role < SHMF_NR_ROLES; role++)
		if (expect[role] && st_population(role) < expect[role])
			return false;
	return true;
}

/* Beat and poll until cond() holds or timeout_ms passes. */
static bool st_wait(bool (*cond)(void), unsigned int timeout_ms)
{
	u64 start = fabric_now_ms();

	while (!cond()) {
		if (fabric_now_ms() - start >= timeout_ms)
			return false;
		fabric_heartbeat();
		fabric_delay_ms(SHM_POLL_MS);
	}
	return true;
}

/* This node is up; the others are visible, alive and have unique ids. */
SELFTEST(fabric_discovery)
{
	struct shmf_node *self;
	u32 id, other, role;
	u64 w, count;

	if (!fabric_present()) {
		pr_info("selftest: fabric_discovery: no fabric device, nothing to check\n");
		return 0;
	}
	ST_ASSERT(fabric_joined());
	self = shm_self();
	w = shm_load_word(shm.self);
	ST_EQ(SHMF_WORD_STATE(w), SHMF_NODE_UP);
	ST_EQ(SHMF_WORD_GEN(w), shm.gen);
	ST_EQ(self->node_id, shm.self);
	ST_EQ(self->role, shm.role);
	ST_ASSERT(self->ram_bytes > 0 && self->nr_cpus == num_online_cpus());
	count = self->hb_count;
	fabric_heartbeat();
	ST_EQ(self->hb_count, count + 1);

	if (have_expect) {
		if (!st_wait(st_expectation_met, shm_wait_ms))
			return selftest_fail("fabric.expect not met within %u s: %uP %uM %uS",
					     shm_wait_ms / 1000,
					     st_population(SHMF_ROLE_PROCESSOR),
					     st_population(SHMF_ROLE_MEMORY),
					     st_population(SHMF_ROLE_STORAGE));
	} else {
		ST_EQ(fabric_wait_for_role(SHMF_ROLE_MEMORY, shm_wait_ms), 0);
	}

	/* Every taken slot carries its own index: ids are unique. */
	for (id = 0; id < SHMF_MAX_NODES; id++) {
		if (SHMF_WORD_STATE(shm_load_word(id)) == SHMF_NODE_FREE)
			continue;
		ST_EQ(shm_node(id)->node_id, id);
		for (other = id + 1; other < SHMF_MAX_NODES; other++)
			if (SHMF_WORD_STATE(shm_load_word(other)) != SHMF_NODE_FREE)
				ST_ASSERT(shm_node(other)->node_id != id);
	}
	/* Every memory node that is up beats (we saw its count move). */
	for (id = 0; id < SHMF_MAX_NODES; id++) {
		if (id == shm.self ||
		    SHMF_WORD_STATE(shm_load_word(id)) != SHMF_NODE_UP ||
		    shm_node(id)->role != SHMF_ROLE_MEMORY)
			continue;
		if (!shm_node_confirmed(id))
			return selftest_fail("memory node %u is up but its heartbeat does not advance",
					     id);
	}
	ST_ASSERT(st_population(SHMF_ROLE_MEMORY) >= 1);
	for (role = SHMF_ROLE_PROCESSOR; have_expect && role < SHMF_NR_ROLES;
	     role++)
		if (expect[role] && st_population(role) != expect[role])
			return selftest_fail("%u %s nodes, fabric.expect says %u",
					     st_population(role),
					     shmf_role_name(role), expect[role]);
	pr_info("selftest: fabric_discovery: node %u sees %uP %uM %uS\n",
		shm.self, st_population(SHMF_ROLE_PROCESSOR),
		st_population(SHMF_ROLE_MEMORY),
		st_population(SHMF_ROLE_STORAGE));
	return 0;
}

/*
 * A peer declared this node dead while it was merely slow: the next beat
 * brings it back as a new generation.  Explicit-only: while the slot is
 * dead, the memory node may stop beating (nobody depends on it).
 */
SELFTEST_EXPLICIT_ONLY(fabric_false_death)
{
	struct shmf_node *self;
	u64 w;
	u32 gen;

	ST_ASSERT(fabric_joined());
	self = shm_self();
	w = shm_load_word(shm.self);
	gen = SHMF_WORD_GEN(w);
	ST_ASSERT(shm_cas_word(shm.self, w, SHMF_WORD(SHMF_NODE_DEAD, gen)));
	self->dead_by = shm.self;
	fabric_heartbeat();
	w = shm_load_word(shm.self);
	ST_EQ(SHMF_WORD_STATE(w), SHMF_NODE_UP);
	ST_EQ(SHMF_WORD_GEN(w), gen + 1);
	ST_EQ(shm.gen, gen + 1);
	ST_ASSERT(fabric_joined());
	return 0;
}

/*
 * A memory node stops (the cluster kills it): its heartbeat stops and
 * fabric_node_alive() turns false within SHMF_HB_TIMEOUT_MS plus one poll.
 */
SELFTEST_EXPLICIT_ONLY(fabric_peer_death)
{
	u64 start, last_change, now, count, last_count;
	u32 id, victim = FABRIC_NO_NODE;
	struct shmf_node *n;

	ST_ASSERT(fabric_joined());
	ST_EQ(fabric_wait_for_role(SHMF_ROLE_MEMORY, shm_wait_ms), 0);
	for (id = 0; id < SHMF_MAX_NODES && victim == FABRIC_NO_NODE; id++)
		if (id != shm.self && shm_node(id)->role == SHMF_ROLE_MEMORY &&
		    shm_node_confirmed(id))
			victim = id;
	ST_ASSERT(victim != FABRIC_NO_NODE);
	n = shm_node(victim);
	pr_info("selftest: fabric_peer_death: watching memory node %u\n",
		victim);

	start = last_change = fabric_now_ms();
	last_count = __atomic_load_n(&n->hb_count, __ATOMIC_ACQUIRE);
	while (fabric_node_alive(victim)) {
		now = fabric_now_ms();
		count = __atomic_load_n(&n->hb_count, __ATOMIC_ACQUIRE);
		if (count != last_count) {
			last_count = count;
			last_change = now;
		}
		if (now - last_change > SHMF_HB_TIMEOUT_MS + 1000)
			return selftest_fail("node %u still alive %llu ms after its last heartbeat",
					     victim, now - last_change);
		if (now - start > shm_wait_ms)
			return selftest_fail("node %u kept beating for %u s",
					     victim, shm_wait_ms / 1000);
		fabric_heartbeat();
		fabric_delay_ms(SHM_POLL_MS);
	}
	now = fabric_now_ms();
	pr_info("selftest: fabric_peer_death: node %u declared dead %llu ms after its last heartbeat (bound %u ms)\n",
		victim, now - last_change, SHMF_HB_TIMEOUT_MS);
	/* Never early: a node is given the whole timeout. */
	ST_ASSERT(now - last_change + SHM_POLL_MS >= SHMF_HB_TIMEOUT_MS);
	ST_EQ(SHMF_WORD_STATE(shm_load_word(victim)), SHMF_NODE_DEAD);
	ST_EQ(n->dead_by, shm.self);
	ST_EQ(n->dead_hb_count, last_count);
	ST_ASSERT(!fabric_node_alive(victim));
	ST_EQ(fabric_count_alive(SHMF_ROLE_MEMORY), 0);
	return 0;
}

static bool st_conflict_seen(void)
{
	return __atomic_load_n(&shm.hdr->claim_conflicts, __ATOMIC_ACQUIRE);
}

/*
 * Two memory nodes were given the same node=: one is up, the other
 * reported the conflict (claim_conflicts) and took no slot.
 */
SELFTEST_EXPLICIT_ONLY(fabric_conflict)
{
	unsigned int taken = 0;
	u32 id;

	ST_ASSERT(fabric_joined());
	if (!st_wait(st_conflict_seen, shm_wait_ms))
		return selftest_fail("no node reported a node= conflict within %u s",
				     shm_wait_ms / 1000);
	for (id = 0; id < SHMF_MAX_NODES; id++)
		taken += SHMF_WORD_STATE(shm_load_word(id)) != SHMF_NODE_FREE;
	ST_EQ(taken, 2);
	ST_EQ(shm_count_confirmed(SHMF_ROLE_MEMORY), 1);
	ST_EQ(shm.hdr->claim_conflicts, 1);
	return 0;
}

/* The layout arithmetic and the layout parser (no device needed). */
SELFTEST(fabric_layout)
{
	unsigned int c[SHMF_NR_ROLES];
	struct shmf_geometry g;
	u64 size;

	for (size = SHMF_MIN_SIZE; size <= SHMF_MAX_SIZE; size <<= 1) {
		ST_EQ(shmf_geometry(size, &g), 0);
		ST_ASSERT(g.ring_elems >= SHMF_MIN_RING_ELEMS);
		ST_ASSERT(!(g.ring_elems & (g.ring_elems - 1)));
		ST_EQ(shmf_rsp_ring_off(&g, SHMF_NR_QPS - 1) + g.ring_bytes,
		      g.win_off);
		ST_ASSERT(g.win_size >= 256 * 1024 && !(g.win_size & 4095));
		ST_ASSERT(shmf_win_off(&g, SHMF_MAX_NODES - 1) + g.win_size <=
			  size);
	}
	ST_ASSERT(shmf_geometry(SHMF_MIN_SIZE / 2, &g));
	ST_ASSERT(shmf_geometry(SHMF_DEFAULT_SIZE + 4096, &g));
	ST_ASSERT(shmf_geometry(SHMF_MAX_SIZE * 2, &g));

	ST_EQ(shm_parse_layout("1P-2M-1S", c), 0);
	ST_EQ(c[SHMF_ROLE_PROCESSOR], 1);
	ST_EQ(c[SHMF_ROLE_MEMORY], 2);
	ST_EQ(c[SHMF_ROLE_STORAGE], 1);
	ST_EQ(shm_parse_layout("2M1S", c), 0);
	ST_EQ(c[SHMF_ROLE_PROCESSOR], 0);
	ST_EQ(c[SHMF_ROLE_MEMORY], 2);
	ST_EQ(shm_parse_layout("12M", c), 0);
	ST_EQ(c[SHMF_ROLE_MEMORY], 12);
	ST_EQ(shm_parse_layout("", c), -EINVAL);
	ST_EQ(shm_parse_layout("M", c), -EINVAL);
	ST_EQ(shm_parse_layout("2X", c), -EINVAL);
	ST_EQ(shm_parse_layout("1P-", c), -EINVAL);
	ST_EQ(shm_parse_layout("1P--1M", c), -EINVAL);
	ST_EQ(shm_parse_layout("99M", c), -EINVAL);
	return 0;
}
