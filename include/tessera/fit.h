/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_FIT_H
#define _TESSERA_FIT_H

/*
 * FIT: remote procedure calls between the nodes of a cluster (net/fit).
 * Documentation/fit.md describes the calls, the wire header, the life
 * of a call, flow control, failures and the limits.
 *
 * A server registers a handler per opcode:
 *
 *	static int echo(u32 node, const void *req, size_t len,
 *			void *reply, size_t max, void *priv)
 *	{
 *		if (len > max)
 *			return -EMSGSIZE;
 *		memcpy(reply, req, len);
 *		return len;
 *	}
 *	fit_register_handler(MY_OP_ECHO, echo, NULL);
 *
 * and a client calls it, sleeping until the reply is in its buffer:
 *
 *	n = fit_call(node, MY_OP_ECHO, buf, len, out, sizeof(out), 1000);
 *
 * Handlers run in FIT's worker threads (process context: they may
 * sleep), never in interrupt context.
 */
#include <tessera/types.h>
#include <tessera/errno.h>
#include <tessera/list.h>

/*
 * A handler: the request (len bytes from node) and a reply buffer of
 * max bytes.  Returns the reply length (0..max), or a negative errno
 * that the caller's fit_call() returns, or FIT_DEFERRED after
 * fit_defer_reply().  A length above max makes the caller's fit_call()
 * fail with -EMSGSIZE (the handler must not write past max).  For a
 * one-way message (fit_send()) max is 0 and the result is ignored.
 * req stays valid until the handler returns, or, once deferred, until
 * the deferred reply is sent.
 */
typedef int (*fit_handler_t)(u32 node, const void *req, size_t len,
			     void *reply, size_t max, void *priv);

/*
 * Peer notifiers: what a peer node's failure means to the layers above.
 * FIT_PEER_DOWN: the node was declared down (its transport said so, or
 * it missed its heartbeat); FIT_PEER_RESTART: a message came from a new
 * incarnation of it (a new epoch).  Either way every state kept for the
 * node's old incarnation is stale.  The callback runs in process context
 * on FIT's "fit-notify" thread (it may sleep and make FIT calls to other
 * nodes), never where the core holds a lock, one event at a time and in
 * the order the events happened, each event passed to the notifiers in
 * the order they registered.  FIT runs no handler for a message from
 * the node before the events about it queued so far were delivered, so
 * a callback must not wait for such a request.  It must not register or
 * unregister a notifier.  Documentation/fit.md, "Peer notifiers".
 */
enum fit_peer_event {
	FIT_PEER_DOWN,
	FIT_PEER_RESTART,
};

struct fit_peer_notifier {
	void (*fn)(struct fit_peer_notifier *n, u32 node,
		   enum fit_peer_event ev);
	struct list_head list;		/* FIT's */
};

#ifdef CONFIG_FIT

#define FIT_MAX_NODES		CONFIG_FIT_MAX_NODES
#define FIT_MAX_PAYLOAD		CONFIG_FIT_MAX_PAYLOAD
#define FIT_NR_SLOTS		CONFIG_FIT_NR_SLOTS

/* What a handler returns once it called fit_defer_reply(). */
#define FIT_DEFERRED		(-(1 << 30))

/*
 * Serve opcode (1..65535) with fn.  -EINVAL for opcode 0 or no fn,
 * -EEXIST if the opcode has a handler, -ENODEV before fit_init().
 */
int fit_register_handler(u16 opcode, fit_handler_t fn, void *priv);
/* Stop serving opcode; waits for running invocations to return.  Sleeps. */
void fit_unregister_handler(u16 opcode);

/*
 * Call opcode on node with len bytes of req; sleep until the reply has
 * been copied to reply (at most max bytes) or timeout_ms passed (0: the
 * default, CONFIG_FIT_DEFAULT_TIMEOUT_MS).  Returns the reply length or:
 *   -EINVAL	bad arguments (node out of range, opcode 0, NULL buffers)
 *   -EMSGSIZE	len above fit_max_payload(node); or the reply is longer
 *		than max: then nothing is copied
 *   -EHOSTUNREACH no transport reaches node
 *   -EHOSTDOWN	node is down, or went down (or restarted) during the call
 *   -ETIMEDOUT	no reply in time (a late reply is dropped)
 *   -EPROTO	node has no handler for opcode
 *   -ENOBUFS	node refused the request (flow control violated)
 *   or the negative errno the handler returned.
 * Sleeps; process context only.
 */
ssize_t fit_call(u32 node, u16 opcode, const void *req, size_t len,
		 void *reply, size_t max, unsigned int timeout_ms);

/*
 * Send a one-way message: 0 once the transport took it, or -EINVAL,
 * -EMSGSIZE, -EHOSTUNREACH, -EHOSTDOWN, -ETIMEDOUT (no credit within
 * the default timeout).  Nothing reports whether a handler ran.  Sleeps.
 */
int fit_send(u32 node, u16 opcode, const void *msg, size_t len);

/*
 * Deferred replies.  A handler that cannot answer at once calls
 * fit_defer_reply(), keeps the token and returns FIT_DEFERRED; later,
 * from any thread, fit_reply_deferred() sends the reply (len_or_err
 * bytes of reply, or a negative errno) and frees the token.  The worker
 * is free meanwhile.  NULL from fit_defer_reply() outside a handler or
 * for a one-way message.  fit_deferred_capacity() is the handler's max.
 */
struct fit_deferred;
struct fit_deferred *fit_defer_reply(void);
size_t fit_deferred_capacity(const struct fit_deferred *d);
int fit_reply_deferred(struct fit_deferred *d, const void *reply,
		       int len_or_err);

/*
 * Call n->fn for every peer event from now on; unregistering waits for
 * a running callback to return.  Both sleep.
 */
void fit_register_peer_notifier(struct fit_peer_notifier *n);
void fit_unregister_peer_notifier(struct fit_peer_notifier *n);
/* Wait until the events that happened so far were delivered.  Sleeps. */
void fit_flush_peer_notifiers(void);
/* "down" or "restart", for log lines. */
const char *fit_peer_event_name(enum fit_peer_event ev);

/* This node's id as FIT knows it (the fabric's, or 0 without one). */
u32 fit_self_id(void);
/* This boot's incarnation number: never 0. */
u32 fit_epoch(void);
/* The largest request or reply payload to node; 0 if unreachable. */
size_t fit_max_payload(u32 node);
/* Is node reachable and not known to be down? */
bool fit_node_up(u32 node);

/* Counters (Documentation/fit.md, "Counters"). */
struct fit_stats {
	u64 calls;		/* fit_call()s that sent a request */
	u64 calls_ok;		/* ... that returned a reply */
	u64 calls_remote_err;	/* ... that got an error reply */
	u64 calls_timedout;
	u64 calls_hostdown;
	u64 calls_msgsize;	/* reply did not fit the caller's buffer */
	u64 sends;		/* one-way messages sent */
	u64 requests;		/* requests handled here */
	u64 oneways;		/* one-way messages handled here */
	u64 deferred;		/* replies deferred by handlers */
	u64 replies;		/* replies sent */
	u64 error_replies;	/* error replies sent */
	u64 reply_send_errors;	/* replies the transport refused */
	u64 credit_msgs;	/* explicit credit messages sent */
	u64 credit_waits;	/* sends that slept for a credit */
	u64 slot_waits;		/* calls that slept for a free slot */
	u64 peers_down;		/* peer-down events */
	u64 peer_restarts;	/* a peer came back with a new epoch */
	u64 stale_replies;	/* replies not sent: the caller's node went away */
	u64 inflight;		/* calls in flight now */
	u64 max_inflight;	/* the most ever in flight at once */
	u64 drops[32];		/* per enum fit_drop_reason (fit_wire.h) */
};

void fit_get_stats(struct fit_stats *st);
/* Print the non-zero counters on the console (a debugging aid). */
void fit_dump_stats(void);

/* Bring FIT up: after the fabric, before the managers. */
void fit_init(void);

#else /* !CONFIG_FIT */
/* No RPC: every remote call fails as if no transport reached the node. */
static inline void fit_init(void) { }
static inline ssize_t fit_call(u32 node, u16 opcode, const void *req,
			       size_t len, void *reply, size_t max,
			       unsigned int timeout_ms)
{
	return -EHOSTUNREACH;
}
static inline int fit_register_handler(u16 opcode, fit_handler_t fn,
				       void *priv)
{
	return -ENODEV;
}
static inline void fit_unregister_handler(u16 opcode) { }
static inline u32 fit_self_id(void) { return 0; }
static inline bool fit_node_up(u32 node) { return false; }
static inline void fit_register_peer_notifier(struct fit_peer_notifier *n) { }
static inline void fit_unregister_peer_notifier(struct fit_peer_notifier *n) { }
static inline void fit_flush_peer_notifiers(void) { }
#endif

#endif /* _TESSERA_FIT_H */
