/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_FIT_TRANSPORT_H
#define _TESSERA_FIT_TRANSPORT_H

/*
 * The interface between the FIT core (net/fit/core.c) and the transports
 * that move its messages: loopback (net/fit/loopback.c), and the verbs
 * transport over the RDMA fabric.  Documentation/fit.md, "Transports",
 * lists what a transport must guarantee; in short:
 *
 *  - reliable, in-order delivery per peer while the peer is up; when it
 *    cannot deliver any more (the peer died, a connection broke) it says
 *    fit_peer_down() and drops what is queued;
 *  - it buffers, per peer, what the credit scheme allows in flight: the
 *    credits it announced in fit_peer_up() (requests and one-way
 *    messages), plus one reply per outstanding call (at most that many
 *    again, plus one per thread sending a reply at the moment), plus 4
 *    credit messages; or send() waits for room;
 *  - send() may be called by many threads on many CPUs at once.
 */
#include <tessera/types.h>
#include <tessera/list.h>
#include <tessera/fit_wire.h>

struct fit_transport {
	const char *name;
	/* Largest payload (after the 48-byte header) one message carries. */
	u32 max_payload;
	/*
	 * Send one message to node: the header (sealed, checksummed) and
	 * len bytes of payload, which may live anywhere in kernel memory
	 * and are only valid until send() returns (copy or wait).  Returns
	 * 0 once the message is on its way, or -EHOSTDOWN, -EMSGSIZE ...
	 * Process context; may sleep (e.g. for room in the peer's ring).
	 * Must never call fit_rx() itself.
	 */
	int (*send)(struct fit_transport *tp, u32 node,
		    const struct fit_hdr *hdr, const void *payload,
		    size_t len);
	/*
	 * Optional: is node still there?  Asked by FIT's watchdog for the
	 * nodes with calls in flight (about every 50 ms) and before each
	 * new call; false declares the node down.  The fabric's heartbeat
	 * check is made in addition, by the core.
	 */
	bool (*peer_alive)(struct fit_transport *tp, u32 node);
	/* Optional: print the transport's own state (fit_dump_stats()). */
	void (*dump)(struct fit_transport *tp);
	void *priv;

	/* Core-private. */
	struct list_head list;
};

/* Make tp known (for fit_dump_stats and the log).  0 or -EINVAL. */
int fit_transport_register(struct fit_transport *tp);

/*
 * tp now reaches node, and node can take credits requests and one-way
 * messages from this node before it returns credits (the size of its
 * receive buffers for this node; both ends announce the same number).
 * Resets the flow-control state of the pair.  -EBUSY if node is up via
 * a transport already, -EINVAL for a bad node or credits.
 */
int fit_peer_up(struct fit_transport *tp, u32 node, unsigned int credits);

/*
 * node is gone (or its connection was reset): every call in flight to
 * it fails with -EHOSTDOWN at once, new calls fail at once, queued
 * requests from it are dropped.  Any context but NMI; idempotent.
 */
void fit_peer_down(u32 node);

/*
 * A message of len bytes arrived from node through tp.  The core
 * validates every header field, copies what it keeps (a reply straight
 * into the waiting caller's buffer) and returns; buf is the transport's
 * again afterwards.  Never sleeps and never calls tp->send(): callable
 * from a polling thread or with interrupts off (not from an NMI).
 */
void fit_rx(struct fit_transport *tp, u32 node, const void *buf, size_t len);

#endif /* _TESSERA_FIT_TRANSPORT_H */
