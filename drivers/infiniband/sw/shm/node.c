// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes of the fabric: claiming a slot of the node directory, heartbeats,
 * liveness, discovery and the waits built on it.  Nothing about the
 * cluster is compiled in: the id comes from node=N or from the lowest free
 * slot, and everything else is read from the other nodes' slots.
 * Protocols: Documentation/fabric-shm-layout.md, sections 4 to 6.
 */
#include <tessera/kernel.h>
#include <tessera/delay.h>
#include <tessera/kthread.h>
#include <tessera/bootinfo.h>
#include <tessera/cpumask.h>
#include <tessera/ctype.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <tessera/version.h>
#include <asm/processor.h>
#include "shm.h"
#include "verbs.h"

#define SHM_NODE_INVALID	(FABRIC_NO_NODE - 1)
#define SHM_WAIT_NOTE_MS	10000	/* "still waiting" every 10 s */

u32 shm_param_node = FABRIC_NO_NODE;
unsigned int shm_wait_ms = 60000;
unsigned int shm_hint[SHMF_NR_ROLES];
bool shm_have_hint;
static bool shm_disabled;

/* node=N: this node's id; without it the lowest free slot is taken. */
static int parse_node(char *val)
{
	unsigned int id;

	if (!val || kstrtouint(val, 10, &id) || id >= SHMF_MAX_NODES) {
		shm_param_node = SHM_NODE_INVALID;
		return -EINVAL;
	}
	shm_param_node = id;
	return 0;
}
__setup("node", parse_node);

/* fabric.wait=SECONDS: how long a processor waits for its peers. */
static int parse_fabric_wait(char *val)
{
	unsigned int s;

	if (!val || kstrtouint(val, 10, &s) || s > 3600)
		return -EINVAL;
	shm_wait_ms = s * 1000;
	return 0;
}
__setup("fabric.wait", parse_fabric_wait);

/* fabric=off: do not touch the device (a node outside any cluster). */
static int parse_fabric(char *val)
{
	if (!val || strcmp(val, "off"))
		return -EINVAL;
	shm_disabled = true;
	return 0;
}
__setup("fabric", parse_fabric);

int shm_parse_layout(const char *s, unsigned int counts[SHMF_NR_ROLES])
{
	unsigned int i, n;

	for (i = 0; i < SHMF_NR_ROLES; i++)
		counts[i] = 0;
	if (!s || !*s)
		return -EINVAL;
	while (*s) {
		if (!isdigit(*s))
			return -EINVAL;
		for (n = 0; isdigit(*s); s++) {
			n = n * 10 + (*s - '0');
			if (n > SHMF_MAX_NODES)
				return -EINVAL;
		}
		switch (*s++) {
		case 'P':
			counts[SHMF_ROLE_PROCESSOR] += n;
			break;
		case 'M':
			counts[SHMF_ROLE_MEMORY] += n;
			break;
		case 'S':
			counts[SHMF_ROLE_STORAGE] += n;
			break;
		default:
			return -EINVAL;
		}
		if (*s == '-' && s[1])
			s++;
	}
	return 0;
}

/*
 * cluster=1P-2M-1S: a hint of what the cluster holds, so a processor also
 * waits for the storage node(s) and for every memory node.  Optional.
 */
static int parse_cluster(char *val)
{
	if (shm_parse_layout(val, shm_hint))
		return -EINVAL;
	shm_have_hint = true;
	return 0;
}
__setup("cluster", parse_cluster);

static u32 shm_image_role(void)
{
	if (IS_ENABLED(CONFIG_COMP_PROCESSOR))
		return SHMF_ROLE_PROCESSOR;
	if (IS_ENABLED(CONFIG_COMP_MEMORY))
		return SHMF_ROLE_MEMORY;
	return SHMF_ROLE_STORAGE;
}

static u64 shm_usable_ram(void)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < boot_info.nr_memmap; i++)
		if (boot_info.memmap[i].type == BOOT_MEM_USABLE)
			bytes += boot_info.memmap[i].len;
	return bytes;
}

/* ----------------------------------------------------------- liveness --- */

/* What this node has seen of another node's heartbeat. */
struct shm_watch {
	bool valid;
	bool advanced;		/* the count moved while we watched */
	u32 gen;
	u64 count;
	u64 changed_ms;		/* our clock when the count last moved */
};

static struct shm_watch shm_watch[SHMF_MAX_NODES];
/* Observers run in several threads (waits, the verbs poller, tests). */
static DEFINE_SPINLOCK(shm_watch_lock);

/* Alive unless the count stood still for SHMF_HB_TIMEOUT_MS of our time. */
static bool shm_observe(u32 id, u64 word)
{
	struct shm_watch *o = &shm_watch[id];
	u64 count = __atomic_load_n(&shm_node(id)->hb_count, __ATOMIC_ACQUIRE);
	u64 now = fabric_now_ms();

	if (!o->valid || o->gen != SHMF_WORD_GEN(word)) {
		o->valid = true;
		o->advanced = false;
		o->gen = SHMF_WORD_GEN(word);
		o->count = count;
		o->changed_ms = now;
		return true;
	}
	if (count != o->count) {
		o->count = count;
		o->changed_ms = now;
		o->advanced = true;
		return true;
	}
	return now - o->changed_ms < SHMF_HB_TIMEOUT_MS;
}

/* Mark node id dead, unless its slot changed since we read word. */
static void shm_declare_dead(u32 id, u64 word, u64 last_count, u64 silent_ms)
{
	struct shmf_node *n = shm_node(id);

	if (!shm_cas_word(id, word,
			  SHMF_WORD(SHMF_NODE_DEAD, SHMF_WORD_GEN(word))))
		return;
	n->dead_by = shm.joined ? shm.self : FABRIC_NO_NODE;
	n->dead_gen = SHMF_WORD_GEN(word);
	n->dead_hb_count = last_count;
	shm_count(&shm.hdr->nodes_declared_dead);
	if (shm.joined)
		shm_count(&shm_self()->err.peers_declared_dead);
	shm_watch[id].valid = false;
	pr_warn("fabric: node %u (%s) is dead: no heartbeat for %llu ms\n",
		id, shmf_role_name(READ_ONCE(n->role)), silent_ms);
}

static bool shm_node_alive_locked(u32 id)
{
	u64 word;
	u32 state;

	word = shm_load_word(id);
	state = SHMF_WORD_STATE(word);
	if (state != SHMF_NODE_CLAIMED && state != SHMF_NODE_UP) {
		shm_watch[id].valid = false;
		return false;
	}
	if (shm_observe(id, word))
		return true;
	shm_declare_dead(id, word, shm_watch[id].count,
			 fabric_now_ms() - shm_watch[id].changed_ms);
	return false;
}

bool fabric_node_alive(u32 id)
{
	bool alive;

	if (!shm.joined || id >= SHMF_MAX_NODES)
		return false;
	if (id == shm.self)
		return true;
	spin_lock(&shm_watch_lock);
	alive = shm_node_alive_locked(id);
	spin_unlock(&shm_watch_lock);
	return alive;
}

bool shm_node_confirmed(u32 id)
{
	bool confirmed;

	if (!shm.joined || id >= SHMF_MAX_NODES || id == shm.self)
		return false;
	spin_lock(&shm_watch_lock);
	confirmed = shm_node_alive_locked(id) && shm_watch[id].advanced;
	spin_unlock(&shm_watch_lock);
	return confirmed;
}

void fabric_heartbeat(void)
{
	struct shmf_node *n;
	u64 word;

	if (!shm.joined)
		return;
	n = shm_self();
	word = shm_load_word(shm.self);
	if (SHMF_WORD_GEN(word) != shm.gen) {
		pr_err("fabric: node %u's slot was taken over (generation %u); leaving the fabric\n",
		       shm.self, SHMF_WORD_GEN(word));
		shm.joined = false;
		return;
	}
	if (SHMF_WORD_STATE(word) == SHMF_NODE_DEAD) {
		/* A peer gave up on us (we did not beat): come back as new. */
		if (!shm_cas_word(shm.self, word,
				  SHMF_WORD(SHMF_NODE_UP, shm.gen + 1)))
			return;
		shm.gen++;
		pr_warn("fabric: node %u was declared dead by node %u; rejoining as generation %u\n",
			shm.self, READ_ONCE(n->dead_by), shm.gen);
	}
	WRITE_ONCE(n->hb_time_ns, local_clock());
	__atomic_store_n(&n->hb_count, n->hb_count + 1, __ATOMIC_RELEASE);
}

/*
 * The generation goes with the bit: a dependency a former incarnation of
 * this node left in the region does not name the peer's new generation.
 */
void fabric_depend_on(u32 id)
{
	struct shmf_node *self;

	if (!shm.joined || id >= SHMF_MAX_NODES || id == shm.self)
		return;
	self = shm_self();
	WRITE_ONCE(self->depends_gen[id], (u16)SHMF_WORD_GEN(shm_load_word(id)));
	__atomic_fetch_or(&self->depends_on, 1ULL << id, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------- claiming --- */

/* Lowest free slot, else the lowest dead one; a new generation either way. */
static int shm_claim_any(void)
{
	static const u32 wanted[] = { SHMF_NODE_FREE, SHMF_NODE_DEAD };
	unsigned int pass;
	u32 id;
	u64 w;

	for (pass = 0; pass < ARRAY_SIZE(wanted); pass++) {
		for (id = 0; id < SHMF_MAX_NODES; id++) {
			w = shm_load_word(id);
			if (SHMF_WORD_STATE(w) != wanted[pass])
				continue;
			if (shm_cas_word(id, w, SHMF_WORD(SHMF_NODE_CLAIMED,
							  SHMF_WORD_GEN(w) + 1)))
				return id;
		}
	}
	pr_err("fabric: all %u node slots are taken; not joining\n",
	       SHMF_MAX_NODES);
	return -ENOSPC;
}

/*
 * Slot id is claimed or up: is its owner alive?  Watch its heartbeat for up
 * to the liveness timeout.  1: alive, 0: silent, -EAGAIN: the slot changed.
 */
static int shm_slot_is_live(u32 id, u64 word, u64 *count)
{
	struct shmf_node *n = shm_node(id);
	u64 start = fabric_now_ms();

	*count = __atomic_load_n(&n->hb_count, __ATOMIC_ACQUIRE);

	pr_info("fabric: node=%u: slot held by a %s node (generation %u); checking its heartbeat\n",
		id, shmf_role_name(READ_ONCE(n->role)), SHMF_WORD_GEN(word));
	for (;;) {
		if (shm_load_word(id) != word)
			return -EAGAIN;
		if (__atomic_load_n(&n->hb_count, __ATOMIC_ACQUIRE) != *count)
			return 1;
		if (fabric_now_ms() - start >= SHMF_HB_TIMEOUT_MS)
			return 0;
		fabric_delay_ms(SHM_POLL_MS);
	}
}

/* The slot named by node=: free or dead, or held by a node that is gone. */
static int shm_claim_id(u32 id)
{
	struct shmf_node *n = shm_node(id);
	unsigned int tries;
	u64 w, count;
	int live;

	for (tries = 0; tries < 8; tries++) {
		w = shm_load_word(id);
		switch (SHMF_WORD_STATE(w)) {
		case SHMF_NODE_FREE:
		case SHMF_NODE_DEAD:
			if (shm_cas_word(id, w, SHMF_WORD(SHMF_NODE_CLAIMED,
							  SHMF_WORD_GEN(w) + 1)))
				return id;
			continue;
		case SHMF_NODE_CLAIMED:
		case SHMF_NODE_UP:
			live = shm_slot_is_live(id, w, &count);
			if (live < 0)
				continue;
			if (live) {
				shm_count(&shm.hdr->claim_conflicts);
				pr_err("fabric: node=%u is held by a live %s node (generation %u); not joining the fabric\n",
				       id, shmf_role_name(READ_ONCE(n->role)),
				       SHMF_WORD_GEN(w));
				return -EBUSY;
			}
			pr_warn("fabric: node %u (generation %u) does not heartbeat; taking its slot over\n",
				id, SHMF_WORD_GEN(w));
			shm_declare_dead(id, w, count, SHMF_HB_TIMEOUT_MS);
			continue;
		default:
			pr_err("fabric: node %u's slot is in an invalid state (%u); not joining\n",
			       id, SHMF_WORD_STATE(w));
			return -EINVAL;
		}
	}
	pr_err("fabric: node %u's slot keeps changing; not joining\n", id);
	return -EBUSY;
}

int shm_node_join(void)
{
	struct shmf_node *n;
	unsigned int i;
	int id;
	u64 w;

	if (shm_param_node == SHM_NODE_INVALID) {
		pr_err("fabric: node= must be a number from 0 to %u; not joining\n",
		       SHMF_MAX_NODES - 1);
		return -EINVAL;
	}
	if (shm_param_node == FABRIC_NO_NODE)
		id = shm_claim_any();
	else
		id = shm_claim_id(shm_param_node);
	if (id < 0)
		return id;

	n = shm_node(id);
	w = shm_load_word(id);
	shm.self = id;
	shm.gen = SHMF_WORD_GEN(w);
	shm.role = shm_image_role();

	/* Identity first, published by the state change below. */
	n->node_id = id;
	n->role = shm.role;
	n->ram_bytes = shm_usable_ram();
	n->nr_cpus = num_online_cpus();
	n->hb_period_ms = SHMF_HB_PERIOD_MS;
	snprintf(n->build, sizeof(n->build), "%s %s", tessera_version,
		 tessera_commit);
	n->depends_on = 0;
	memset(n->depends_gen, 0, sizeof(n->depends_gen));
	memset(&n->err, 0, sizeof(n->err));
	/* Keys of a former incarnation must not open the new one's window. */
	for (i = 0; i < SHMF_MRS_PER_NODE; i++)
		__atomic_store_n(&shm_mr(id, i)->rkey, 0, __ATOMIC_RELEASE);
	n->hb_time_ns = local_clock();
	__atomic_store_n(&n->hb_count, n->hb_count + 1, __ATOMIC_RELEASE);
	if (shm.formatted_here)
		shm.hdr->formatted_by = id;

	if (!shm_cas_word(id, w, SHMF_WORD(SHMF_NODE_UP, shm.gen))) {
		pr_err("fabric: node %u's slot was taken while joining; not joining\n",
		       id);
		return -EBUSY;
	}
	shm.joined = true;
	pr_info("fabric: node %u (%s) up, %u CPU%s, %llu MiB\n", id,
		shmf_role_name(shm.role), n->nr_cpus, n->nr_cpus == 1 ? "" : "s",
		n->ram_bytes >> 20);
	return 0;
}

/* --------------------------------------------------------- discovery --- */

bool fabric_node_info(u32 id, struct fabric_node_info *info)
{
	struct shmf_node *n;
	u64 w;

	if (!shm.region_ok || id >= SHMF_MAX_NODES)
		return false;
	n = shm_node(id);
	w = shm_load_word(id);
	if (SHMF_WORD_STATE(w) == SHMF_NODE_FREE)
		return false;
	info->id = id;
	info->state = SHMF_WORD_STATE(w);
	info->generation = SHMF_WORD_GEN(w);
	info->role = READ_ONCE(n->role);
	info->ram_bytes = READ_ONCE(n->ram_bytes);
	info->nr_cpus = READ_ONCE(n->nr_cpus);
	return true;
}

static bool shm_peer_up(u32 id, u32 role)
{
	return id != shm.self &&
	       SHMF_WORD_STATE(shm_load_word(id)) == SHMF_NODE_UP &&
	       (role == SHMF_ROLE_NONE || READ_ONCE(shm_node(id)->role) == role);
}

unsigned int fabric_count_alive(u32 role)
{
	unsigned int n = 0;
	u32 id;

	for (id = 0; shm.joined && id < SHMF_MAX_NODES; id++)
		n += shm_peer_up(id, role) && fabric_node_alive(id);
	return n;
}

unsigned int shm_count_confirmed(u32 role)
{
	unsigned int n = 0;
	u32 id;

	for (id = 0; shm.joined && id < SHMF_MAX_NODES; id++)
		n += shm_peer_up(id, role) && shm_node_confirmed(id);
	return n;
}

void fabric_discover(void)
{
	struct fabric_node_info info;
	unsigned int n = 0;
	u32 id;

	if (!shm.joined)
		return;
	for (id = 0; id < SHMF_MAX_NODES; id++)
		n += shm_peer_up(id, SHMF_ROLE_NONE);
	if (!n) {
		pr_info("fabric: no other node is up yet\n");
		return;
	}
	pr_info("fabric: %u other node%s up:\n", n, n == 1 ? "" : "s");
	for (id = 0; id < SHMF_MAX_NODES; id++) {
		if (!shm_peer_up(id, SHMF_ROLE_NONE) ||
		    !fabric_node_info(id, &info))
			continue;
		pr_info("fabric:   node %u: %s, %u CPU%s, %llu MiB, generation %u\n",
			id, shmf_role_name(info.role), info.nr_cpus,
			info.nr_cpus == 1 ? "" : "s", info.ram_bytes >> 20,
			info.generation);
	}
}

static const char *shm_what(char *buf, size_t size, u32 role,
			    unsigned int count)
{
	if (count == 1)
		snprintf(buf, size, "a %s node", shmf_role_name(role));
	else
		snprintf(buf, size, "%u %s nodes", count, shmf_role_name(role));
	return buf;
}

int fabric_wait_for_nodes(u32 role, unsigned int count, unsigned int timeout_ms)
{
	u64 start = fabric_now_ms(), note = start + SHM_WAIT_NOTE_MS, now;
	unsigned int found;
	char what[32];
	bool waited;
	u32 id;

	if (!shm.joined)
		return -ENODEV;
	shm_what(what, sizeof(what), role, count);
	/* Quiet if they are known already (a node never seen is not). */
	waited = shm_count_confirmed(role) < count;
	if (waited)
		pr_info("fabric: waiting for %s (up to %u s)\n", what,
			timeout_ms / 1000);
	while ((found = shm_count_confirmed(role)) < count) {
		now = fabric_now_ms();
		if (now - start >= timeout_ms) {
			pr_err("fabric: gave up waiting for %s after %u s (found %u)\n",
			       what, timeout_ms / 1000, found);
			return -ETIMEDOUT;
		}
		if (now >= note) {
			pr_info("fabric: still waiting for %s (%u found after %llu s)\n",
				what, found, (now - start) / 1000);
			note += SHM_WAIT_NOTE_MS;
		}
		fabric_heartbeat();
		fabric_delay_ms(SHM_POLL_MS);
	}
	for (id = 0; id < SHMF_MAX_NODES; id++)
		if (shm_peer_up(id, role) && shm_node_confirmed(id))
			fabric_depend_on(id);
	if (waited)
		pr_info("fabric: found %s after %llu ms\n", what,
			fabric_now_ms() - start);
	return 0;
}

int fabric_wait_for_role(u32 role, unsigned int timeout_ms)
{
	return fabric_wait_for_nodes(role, 1, timeout_ms);
}

int fabric_wait_for_cluster(void)
{
	unsigned int nr_mem = max(1U, shm_hint[SHMF_ROLE_MEMORY]);
	unsigned int nr_sto = shm_hint[SHMF_ROLE_STORAGE];
	u64 start = fabric_now_ms(), spent;
	int ret;

	if (!shm.joined) {
		pr_err("fabric: this node is not part of a fabric\n");
		return -ENODEV;
	}
	ret = fabric_wait_for_nodes(SHMF_ROLE_MEMORY, nr_mem, shm_wait_ms);
	if (!ret && nr_sto) {
		spent = fabric_now_ms() - start;
		ret = fabric_wait_for_nodes(SHMF_ROLE_STORAGE, nr_sto,
					    spent < shm_wait_ms ?
					    shm_wait_ms - spent : 0);
	}
	if (!ret)
		fabric_discover();
	return ret;
}

/* ----------------------------------------------------------- idling --- */

/*
 * The heartbeat: a kthread beats every SHMF_HB_PERIOD_MS for as long as
 * the node is up, whatever else it does or does not do; between beats the
 * CPU sleeps.
 */
static int shm_heartbeat_thread(void *unused)
{
	while (!kthread_should_stop() && shm.joined) {
		fabric_heartbeat();
		msleep(SHMF_HB_PERIOD_MS);
	}
	return 0;
}

static void shm_start_heartbeat(void)
{
	struct task_struct *t;

	t = kthread_run(shm_heartbeat_thread, NULL, "fabric-hb");
	if (IS_ERR(t))
		pr_err("fabric: cannot start the heartbeat thread (%ld); peers will declare node %u dead\n",
		       PTR_ERR(t), shm.self);
}

/* ------------------------------------------------------------- init --- */

bool fabric_present(void)
{
	return shm.present;
}

bool fabric_joined(void)
{
	return shm.joined;
}

u32 fabric_self_id(void)
{
	return shm.joined ? shm.self : FABRIC_NO_NODE;
}

void fabric_init(void)
{
	if (shm_disabled) {
		pr_info("fabric: disabled by fabric=off\n");
		return;
	}
	if (shm_region_init())
		return;
	if (shm_node_join())
		return;
	shm_start_heartbeat();
	fabric_discover();
	shm_verbs_init();
}
