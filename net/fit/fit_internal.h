/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NET_FIT_INTERNAL_H
#define _NET_FIT_INTERNAL_H

/* Shared by the files of net/fit: the core, loopback, tests, benchmark. */
#include <tessera/fit.h>
#include <tessera/fit_transport.h>

/* Request ids: a per-slot generation above the slot index. */
#define FIT_REQ_SLOT_BITS	16
#define FIT_REQ_SLOT(id)	((u32)((id) & ((1U << FIT_REQ_SLOT_BITS) - 1)))

/* The watchdog's period while calls are in flight. */
#define FIT_WATCH_MS		50

/* Upper bound of the credits a transport may announce. */
#define FIT_MAX_CREDITS		4096

/* A deterministic byte pattern for payload seed (tests, xorshift). */
static inline void fit_test_fill(u8 *buf, size_t len, u32 seed)
{
	u32 x = seed * 2654435761U + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x;
	}
}

/* The request id a deferred reply will answer (tests). */
u64 fit_deferred_req_id(const struct fit_deferred *d);

/* A snapshot of the flow-control state with a peer (tests). */
struct fit_peer_info {
	bool up;
	u32 credits;		/* announced by the transport */
	u32 tx_in_use;		/* our messages it has not finished */
	u32 rx_unfinished;	/* its messages we have not finished */
	int inflight;		/* our calls to it in flight */
};

int fit_peer_info(u32 node, struct fit_peer_info *info);

/* Peer notifiers (notify.c): queue an event, from any context. */
void fit_notify_peer(u32 node, enum fit_peer_event ev);
int fit_notify_init(void);
/* Wait until the events about node queued so far were delivered. */
void fit_notify_wait_node(u32 node);
/* Is current FIT's notifier thread (tests)? */
bool fit_in_peer_notifier(void);

#ifdef CONFIG_FIT_LOOPBACK
int fit_loopback_init(void);
/* With fit_bench= on the command line: benchmark, then end the run. */
void fit_bench_run(void);
#else
static inline int fit_loopback_init(void) { return 0; }
static inline void fit_bench_run(void) { }
#endif

#ifdef CONFIG_FIT_VERBS
int fit_verbs_init(void);
/* Tests: the connection to node breaks, as if its QP failed. */
void fit_verbs_break(u32 node);
/* The verbs connection index of a peer's QP number qp (tests). */
u32 fit_verbs_conn_index(unsigned int qp);
#else
static inline int fit_verbs_init(void) { return 0; }
#endif

#ifdef CONFIG_FIT_ECHO
int fit_echo_init(void);
#else
static inline int fit_echo_init(void) { return 0; }
#endif

#endif /* _NET_FIT_INTERNAL_H */
