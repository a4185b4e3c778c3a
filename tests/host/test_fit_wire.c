// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for net/fit/wire.c: a valid header of every type passes;
 * every field, broken one at a time (with the checksum recomputed, so
 * the field check itself is what rejects it), gives its drop reason;
 * every single-bit flip of a sealed header is caught.
 */
#include <stdbool.h>
#include "check.h"
#include "../../include/tessera/fit_wire.h"

u32 k_fit_hdr_csum(const struct fit_hdr *hdr);
void k_fit_hdr_init(struct fit_hdr *hdr);
void k_fit_hdr_seal(struct fit_hdr *hdr);
int k_fit_hdr_check(const void *buf, size_t len,
		    const struct fit_hdr_expect *exp, struct fit_hdr *hdr);
const char *k_fit_drop_reason_name(int r);

#define SELF	3
#define PEER	5
#define MYEPOCH	0x1234abcd
#define PEEREPOCH 0x77

static const struct fit_hdr_expect exp = {
	.self = SELF, .src = PEER, .self_epoch = MYEPOCH, .max_payload = 4096,
};

static unsigned char msg[48 + 4096 + 16];

static struct fit_hdr *mk(unsigned int flags, unsigned int len)
{
	struct fit_hdr *h = (struct fit_hdr *)msg;

	k_fit_hdr_init(h);
	h->flags = flags;
	h->opcode = flags == FIT_F_CREDIT ? 0 : 7;
	h->src_node = PEER;
	h->dst_node = SELF;
	h->payload_len = len;
	h->req_id = flags & (FIT_F_CREDIT | FIT_F_ONEWAY) ? 0 : 0x10002;
	h->src_epoch = PEEREPOCH;
	h->dst_epoch = flags & (FIT_F_REPLY | FIT_F_ERROR) ? MYEPOCH : 0;
	h->reply_max = flags == FIT_F_REQUEST ? 100 : 0;
	h->status = flags == FIT_F_ERROR ? 71 : 0;
	return h;
}

static int check(size_t len)
{
	struct fit_hdr out;

	return k_fit_hdr_check(msg, len, &exp, &out);
}

#define EXPECT(len, reason) CHECK_INT_AT(__FILE__, __LINE__, check(len), reason)

/* Break one field, reseal, expect reason. */
#define BROKEN(flags, plen, stmt, reason) do {				\
	struct fit_hdr *h = mk(flags, plen);				\
	stmt;								\
	k_fit_hdr_seal(h);						\
	EXPECT(48 + (plen), reason);					\
} while (0)

int main(void)
{
	static const unsigned int types[] = {
		FIT_F_REQUEST, FIT_F_REPLY, FIT_F_ERROR, FIT_F_ONEWAY,
		FIT_F_CREDIT,
	};
	struct fit_hdr *h;
	unsigned int i, bit;

	CHECK_INT(sizeof(struct fit_hdr), 48);
	for (i = 0; i < 5; i++) {
		unsigned int plen = types[i] & (FIT_F_ERROR | FIT_F_CREDIT) ? 0 : 10;

		mk(types[i], plen);
		k_fit_hdr_seal((struct fit_hdr *)msg);
		EXPECT(48 + plen, FIT_DROP_NONE);
	}

	/* Framing. */
	mk(FIT_F_REQUEST, 0);
	k_fit_hdr_seal((struct fit_hdr *)msg);
	EXPECT(47, FIT_DROP_TRUNCATED);
	EXPECT(0, FIT_DROP_TRUNCATED);
	EXPECT(49, FIT_DROP_BAD_LENGTH);
	BROKEN(FIT_F_REQUEST, 0, h->magic = 0x7f, FIT_DROP_BAD_MAGIC);
	BROKEN(FIT_F_REQUEST, 0, h->version = 2, FIT_DROP_BAD_VERSION);
	BROKEN(FIT_F_REQUEST, 0, h->hdr_len = 40, FIT_DROP_BAD_HDR_LEN);
	BROKEN(FIT_F_REQUEST, 10, h->payload_len = 11, FIT_DROP_BAD_LENGTH);
	BROKEN(FIT_F_REQUEST, 4097, (void)0, FIT_DROP_BAD_LENGTH);
	BROKEN(FIT_F_REQUEST, 4096, (void)0, FIT_DROP_NONE);
	h = mk(FIT_F_REQUEST, 0);
	h->payload_len = 0xffffffff;	/* wraps nothing */
	k_fit_hdr_seal(h);
	EXPECT(48, FIT_DROP_BAD_LENGTH);

	/* Flags. */
	BROKEN(FIT_F_REQUEST, 0, h->flags = 0, FIT_DROP_BAD_FLAGS);
	BROKEN(FIT_F_REQUEST, 0, h->flags = FIT_F_REQUEST | FIT_F_REPLY, FIT_DROP_BAD_FLAGS);
	BROKEN(FIT_F_REQUEST, 0, h->flags = 0x0100, FIT_DROP_BAD_FLAGS);

	/* Fields valid for any type. */
	BROKEN(FIT_F_REQUEST, 0, h->src_epoch = 0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REQUEST, 0, h->reserved = 1, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REQUEST, 0, h->src_node = PEER + 1, FIT_DROP_BAD_SRC);
	BROKEN(FIT_F_REQUEST, 0, h->dst_node = SELF + 1, FIT_DROP_BAD_DST);

	/* Per type. */
	BROKEN(FIT_F_REQUEST, 0, h->opcode = 0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REQUEST, 0, h->req_id = 0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REQUEST, 0, h->status = 5, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REQUEST, 0, h->dst_epoch = MYEPOCH, FIT_DROP_NONE);
	BROKEN(FIT_F_REQUEST, 0, h->dst_epoch = MYEPOCH + 1, FIT_DROP_STALE_EPOCH);
	BROKEN(FIT_F_ONEWAY, 0, h->reply_max = 1, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_ONEWAY, 0, h->opcode = 0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REPLY, 0, h->dst_epoch = 0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REPLY, 0, h->dst_epoch = 1, FIT_DROP_STALE_EPOCH);
	BROKEN(FIT_F_REPLY, 0, h->req_id = 0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REPLY, 0, h->reply_max = 4, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_REPLY, 0, h->status = 4, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_ERROR, 0, h->status = 0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_ERROR, 0, h->status = 4096, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_ERROR, 0, h->status = 4095, FIT_DROP_NONE);
	BROKEN(FIT_F_ERROR, 1, (void)0, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_CREDIT, 0, h->opcode = 1, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_CREDIT, 0, h->req_id = 1, FIT_DROP_BAD_FIELD);
	BROKEN(FIT_F_CREDIT, 4, (void)0, FIT_DROP_BAD_FIELD);

	/* Every single-bit error in a sealed header is caught. */
	for (bit = 0; bit < 48 * 8; bit++) {
		int r;

		mk(FIT_F_REPLY, 10);
		k_fit_hdr_seal((struct fit_hdr *)msg);
		msg[bit / 8] ^= 1u << (bit % 8);
		r = check(58);
		CHECK(r != FIT_DROP_NONE);
	}

	CHECK_STR(k_fit_drop_reason_name(FIT_DROP_BAD_MAGIC), "bad_magic");
	CHECK_STR(k_fit_drop_reason_name(FIT_DROP_NR), "?");
	return check_report();
}
