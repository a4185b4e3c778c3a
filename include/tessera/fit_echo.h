/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_FIT_ECHO_H
#define _TESSERA_FIT_ECHO_H

/*
 * The FIT echo service (net/fit/echo.c, CONFIG_FIT_ECHO): handlers that
 * every node serves, for the cluster tests and the benchmark.
 * Documentation/fit.md, section 14.
 */
#include <tessera/types.h>

enum {
	FIT_ECHO_OP_ECHO = 0xf010,	/* reply = request */
	FIT_ECHO_OP_SEQ,		/* struct fit_echo_seq -> its reply */
	FIT_ECHO_OP_SEQ_RESET,		/* forget the caller's sequence numbers */
	FIT_ECHO_OP_SEQ_COUNT,		/* -> struct fit_echo_seq_count */
	FIT_ECHO_OP_STATS,		/* -> struct fit_stats of the server */
	FIT_ECHO_OP_HOLD,		/* no reply until FIT_ECHO_OP_RELEASE */
	FIT_ECHO_OP_RELEASE,		/* answer the held calls (0); -> u32 how many */
};

/* Sequence numbers per calling node that the server records. */
#define FIT_ECHO_MAX_SEQ	16384
/* Calls FIT_ECHO_OP_HOLD keeps at once; beyond: -EBUSY. */
#define FIT_ECHO_MAX_HELD	64

/* A tagged call: seq is unique per caller between resets. */
struct fit_echo_seq {
	u32 seq;
	u32 crc;		/* crc32c of data[] */
	u32 len;		/* bytes in data[] */
	u8 data[];
};

struct fit_echo_seq_reply {
	u32 seq;
	u32 crc;		/* crc32c of data[], computed by the server */
	u32 dup;		/* 1 if the server saw seq before */
	u32 node;		/* the caller, as the server saw it */
};

struct fit_echo_seq_count {
	u32 seen;		/* distinct sequence numbers from the caller */
	u32 dups;		/* calls whose number was seen already */
};

#endif /* _TESSERA_FIT_ECHO_H */
