/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_FIT_LOOPBACK_H
#define _TESSERA_FIT_LOOPBACK_H

/*
 * The loopback transport (net/fit/loopback.c, CONFIG_FIT_LOOPBACK): this
 * node calls itself.  Every message is copied into a queue and handed to
 * fit_rx() by the "fit-loopback" kthread, so calls are asynchronous and
 * take the same paths in the core as over a real transport.  For tests,
 * faults can be injected on the way.  Documentation/fit.md, "Loopback".
 */
#include <tessera/types.h>
#include <tessera/errno.h>

enum fit_lo_fault_kind {
	FIT_LO_DROP = 1,	/* the message vanishes (the sender is told 0) */
	FIT_LO_CORRUPT,		/* overwrite bytes of the message */
	FIT_LO_TRUNCATE,	/* deliver only the first len bytes */
	FIT_LO_DELAY,		/* deliver delay_ms later (and what follows too) */
};

struct fit_lo_fault {
	enum fit_lo_fault_kind kind;
	u16 match_flags;	/* messages of these FIT_F_* types; 0: all */
	u16 match_opcode;	/* messages with this opcode; 0: all */
	unsigned int count;	/* messages to affect; 0: until cleared */
	/* FIT_LO_CORRUPT: bytes [offset, offset + width) get value (LE). */
	unsigned int offset;
	unsigned int width;	/* 1, 2, 4 or 8 */
	u64 value;
	bool reseal;		/* recompute the header checksum afterwards */
	/* FIT_LO_TRUNCATE */
	size_t len;
	/* FIT_LO_DELAY */
	unsigned int delay_ms;
};

struct fit_lo_stats {
	u64 sent;		/* messages send() accepted */
	u64 delivered;		/* handed to fit_rx() */
	u64 dropped;		/* by a DROP fault or a silent peer */
	u64 corrupted;
	u64 truncated;
	u64 delayed;
	u64 flushed;		/* discarded by a peer-down */
	u64 injected;		/* raw messages from fit_loopback_inject() */
};

/* Add a fault (at most 8 at once); 0, -EINVAL or -ENOSPC. */
int fit_loopback_add_fault(const struct fit_lo_fault *f);
void fit_loopback_clear_faults(void);
/* Deliver len raw bytes to fit_rx() as if they came off the wire. */
int fit_loopback_inject(const void *msg, size_t len);
/*
 * The peer (this node) dies: queued messages are flushed, sends fail
 * with -EHOSTDOWN, and the core hears fit_peer_down().
 */
void fit_loopback_set_down(void);
/*
 * The peer stops answering without anyone saying so: messages vanish
 * and peer_alive() reports false; FIT's watchdog must notice.
 */
void fit_loopback_set_silent(void);
/* Back to a healthy peer (after set_down or set_silent): fit_peer_up(). */
int fit_loopback_revive(void);
/* Wait until every queued message was delivered: 0 or -ETIMEDOUT. */
int fit_loopback_drain(unsigned int timeout_ms);
void fit_loopback_get_stats(struct fit_lo_stats *st);

/*
 * fit_call() to this node, for self-tests of a manager's handlers: a NULL
 * req or reply stands for a small scratch buffer (a call always carries
 * a reply buffer, or it would be a one-way message).
 */
#ifdef CONFIG_FIT_LOOPBACK
ssize_t fit_call_self(u16 opcode, const void *req, size_t len, void *reply,
		      size_t max, unsigned int timeout_ms);
#else
static inline ssize_t fit_call_self(u16 opcode, const void *req, size_t len,
				    void *reply, size_t max,
				    unsigned int timeout_ms)
{
	return -ENODEV;		/* no way to reach this node */
}
#endif

#endif /* _TESSERA_FIT_LOOPBACK_H */
