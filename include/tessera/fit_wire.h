/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FIT wire header: the first 48 bytes of every FIT message, whatever
 * the transport.  Defined here once; Documentation/fit.md has the byte
 * table and the rules.  Fixed-width little-endian fields, no padding, no
 * pointers, so the layout is the same on every node and in host tools.
 *
 * Changing the meaning, size or position of a field means a new
 * FIT_WIRE_VERSION.
 */
#ifndef _TESSERA_FIT_WIRE_H
#define _TESSERA_FIT_WIRE_H

#ifdef __KERNEL__
#include <tessera/types.h>
#include <tessera/compiler.h>
#else
#include <stdint.h>
#include <stddef.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;
#define __packed __attribute__((__packed__))
#endif

/* Little-endian wire types; x86-64 is little-endian, so no swapping. */
typedef u16 __fit_le16;
typedef u32 __fit_le32;
typedef u64 __fit_le64;

#define FIT_MAGIC		0xf7
#define FIT_WIRE_VERSION	1

/* hdr.flags: exactly one of these message types. */
#define FIT_F_REQUEST		0x0001	/* a call: the receiver must reply */
#define FIT_F_REPLY		0x0002	/* the reply to request req_id */
#define FIT_F_ERROR		0x0004	/* an error reply: status is the errno */
#define FIT_F_ONEWAY		0x0008	/* no reply */
#define FIT_F_CREDIT		0x0010	/* header only: returns credits */
#define FIT_F_TYPES		0x001f

/* Opcode 0 is reserved: credit messages, never a handler. */
#define FIT_OPCODE_NONE		0

/*
 * Largest payload any node accepts, whatever its configuration: a
 * receiver rejects longer ones before looking at anything else.
 */
#define FIT_WIRE_MAX_PAYLOAD	(1U << 24)

/* Largest errno an error reply carries (include/tessera/errno.h). */
#define FIT_WIRE_MAX_ERRNO	4095

struct fit_hdr {
	u8 magic;		/*  0: FIT_MAGIC */
	u8 version;		/*  1: FIT_WIRE_VERSION */
	__fit_le16 hdr_len;	/*  2: sizeof(struct fit_hdr), 48 */
	__fit_le16 opcode;	/*  4: the handler; 0 only for credit messages */
	__fit_le16 flags;	/*  6: FIT_F_*: exactly one type bit */
	__fit_le16 src_node;	/*  8: sender's node id */
	__fit_le16 dst_node;	/* 10: receiver's node id */
	__fit_le32 payload_len;	/* 12: bytes after the header */
	__fit_le64 req_id;	/* 16: call id (see Documentation/fit.md) */
	__fit_le32 src_epoch;	/* 24: sender's incarnation, never 0 */
	__fit_le32 dst_epoch;	/* 28: receiver's incarnation, 0 = unknown */
	__fit_le32 reply_max;	/* 32: requests: largest reply the caller takes */
	__fit_le32 credit_ack;	/* 36: receiver's messages the sender finished */
	__fit_le16 status;	/* 40: error replies: the errno, 1..4095 */
	__fit_le16 reserved;	/* 42: 0 */
	__fit_le32 csum;	/* 44: CRC-32C of the header with csum = 0 */
} __packed;

_Static_assert(sizeof(struct fit_hdr) == 48, "FIT wire header is 48 bytes");
_Static_assert(offsetof(struct fit_hdr, req_id) == 16, "req_id at 16");
_Static_assert(offsetof(struct fit_hdr, csum) == 44, "csum at 44");

/*
 * Why a receiver dropped a message (or, for FIT_DROP_UNKNOWN_OPCODE and
 * FIT_DROP_CREDIT_OVERRUN, answered it with an error reply).  The first
 * group is found by fit_hdr_check(); the rest by the core's receive path.
 */
enum fit_drop_reason {
	FIT_DROP_NONE,
	FIT_DROP_TRUNCATED,		/* shorter than the header */
	FIT_DROP_BAD_MAGIC,
	FIT_DROP_BAD_VERSION,
	FIT_DROP_BAD_HDR_LEN,
	FIT_DROP_BAD_CSUM,
	FIT_DROP_BAD_LENGTH,		/* payload_len vs the message, or too big */
	FIT_DROP_BAD_FLAGS,		/* not exactly one known type bit */
	FIT_DROP_BAD_FIELD,		/* a field not valid for the type */
	FIT_DROP_BAD_SRC,		/* not the node the transport got it from */
	FIT_DROP_BAD_DST,		/* not for this node */
	FIT_DROP_STALE_EPOCH,		/* for another incarnation of this node */
	/* -- found by the core -- */
	FIT_DROP_NO_ROUTE,		/* from a transport that does not own src */
	FIT_DROP_PEER_DOWN,		/* from a node this node considers down */
	FIT_DROP_UNMATCHED_REPLY,	/* late or unknown reply (no waiting call) */
	FIT_DROP_UNKNOWN_OPCODE,	/* no handler: -EPROTO reply, or dropped */
	FIT_DROP_CREDIT_OVERRUN,	/* sender exceeded its credits: -ENOBUFS */
	FIT_DROP_NOMEM,
	FIT_DROP_NR,
};

/* What fit_hdr_check() holds a header against. */
struct fit_hdr_expect {
	u32 self;		/* this node: dst_node must equal it */
	u32 src;		/* the node the transport says sent it */
	u32 self_epoch;		/* this node's incarnation */
	u32 max_payload;	/* the receiver's payload limit */
};

/* Header checksum: CRC-32C over the 48 bytes with csum taken as 0. */
u32 fit_hdr_csum(const struct fit_hdr *hdr);
/* Fill in the constant fields (magic, version, hdr_len); zero the rest. */
void fit_hdr_init(struct fit_hdr *hdr);
/* Compute and store csum: the last step before sending. */
void fit_hdr_seal(struct fit_hdr *hdr);
/*
 * Validate a received message of len bytes (header and payload) field
 * by field; FIT_DROP_NONE if it may be acted on.  The header is copied
 * to *hdr first (buf need not be aligned) and is valid in *hdr whenever
 * at least its 48 bytes arrived.
 */
enum fit_drop_reason fit_hdr_check(const void *buf, size_t len,
				   const struct fit_hdr_expect *exp,
				   struct fit_hdr *hdr);
/* A short name for a drop reason ("bad_magic"); "?" if unknown. */
const char *fit_drop_reason_name(enum fit_drop_reason r);

#endif /* _TESSERA_FIT_WIRE_H */
