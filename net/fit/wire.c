// SPDX-License-Identifier: GPL-2.0
/*
 * The FIT wire header: building, sealing and validating it.  Pure code
 * with no kernel state, so tests/host/test_fit_wire.c runs it on the
 * build machine as well.
 */
#include <tessera/crc32c.h>
#include <tessera/fit_wire.h>
#include <tessera/string.h>

u32 fit_hdr_csum(const struct fit_hdr *hdr)
{
	struct fit_hdr tmp;

	memcpy(&tmp, hdr, sizeof(tmp));
	tmp.csum = 0;
	return crc32c_buf(&tmp, sizeof(tmp));
}

void fit_hdr_init(struct fit_hdr *hdr)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = FIT_MAGIC;
	hdr->version = FIT_WIRE_VERSION;
	hdr->hdr_len = sizeof(*hdr);
}

void fit_hdr_seal(struct fit_hdr *hdr)
{
	hdr->csum = fit_hdr_csum(hdr);
}

/* Is exactly one bit set in a non-zero x? */
static bool one_bit(u32 x)
{
	return x && !(x & (x - 1));
}

/* The receiver's epoch as the sender names it: 0 (unknown) or ours. */
static enum fit_drop_reason check_dst_epoch(const struct fit_hdr *h,
					    const struct fit_hdr_expect *exp,
					    bool must_know)
{
	if (h->dst_epoch == exp->self_epoch)
		return FIT_DROP_NONE;
	if (!h->dst_epoch)
		return must_know ? FIT_DROP_BAD_FIELD : FIT_DROP_NONE;
	return FIT_DROP_STALE_EPOCH;
}

/* The fields each message type gives meaning to, and only those. */
static enum fit_drop_reason check_type_fields(const struct fit_hdr *h,
					      const struct fit_hdr_expect *exp)
{
	switch (h->flags) {
	case FIT_F_REQUEST:
		if (!h->opcode || !h->req_id || h->status)
			return FIT_DROP_BAD_FIELD;
		return check_dst_epoch(h, exp, false);
	case FIT_F_ONEWAY:
		if (!h->opcode || h->status || h->reply_max)
			return FIT_DROP_BAD_FIELD;
		return check_dst_epoch(h, exp, false);
	case FIT_F_REPLY:
		if (!h->opcode || !h->req_id || h->status || h->reply_max)
			return FIT_DROP_BAD_FIELD;
		return check_dst_epoch(h, exp, true);
	case FIT_F_ERROR:
		if (!h->opcode || !h->req_id || h->reply_max ||
		    !h->status || h->status > FIT_WIRE_MAX_ERRNO ||
		    h->payload_len)
			return FIT_DROP_BAD_FIELD;
		return check_dst_epoch(h, exp, true);
	case FIT_F_CREDIT:
		if (h->opcode || h->req_id || h->status || h->reply_max ||
		    h->payload_len)
			return FIT_DROP_BAD_FIELD;
		return check_dst_epoch(h, exp, false);
	}
	return FIT_DROP_BAD_FLAGS;
}

enum fit_drop_reason fit_hdr_check(const void *buf, size_t len,
				   const struct fit_hdr_expect *exp,
				   struct fit_hdr *h)
{
	u32 max = exp->max_payload;

	if (len < sizeof(*h))
		return FIT_DROP_TRUNCATED;
	memcpy(h, buf, sizeof(*h));
	if (h->magic != FIT_MAGIC)
		return FIT_DROP_BAD_MAGIC;
	if (h->version != FIT_WIRE_VERSION)
		return FIT_DROP_BAD_VERSION;
	if (h->hdr_len != sizeof(*h))
		return FIT_DROP_BAD_HDR_LEN;
	if (h->csum != fit_hdr_csum(h))
		return FIT_DROP_BAD_CSUM;
	if (max > FIT_WIRE_MAX_PAYLOAD)
		max = FIT_WIRE_MAX_PAYLOAD;
	if (h->payload_len > max || h->payload_len != len - sizeof(*h))
		return FIT_DROP_BAD_LENGTH;
	if (!one_bit(h->flags) || (h->flags & ~FIT_F_TYPES))
		return FIT_DROP_BAD_FLAGS;
	if (!h->src_epoch || h->reserved)
		return FIT_DROP_BAD_FIELD;
	if (h->src_node != exp->src)
		return FIT_DROP_BAD_SRC;
	if (h->dst_node != exp->self)
		return FIT_DROP_BAD_DST;
	return check_type_fields(h, exp);
}

static const char *const fit_drop_names[FIT_DROP_NR] = {
	[FIT_DROP_NONE] = "none",
	[FIT_DROP_TRUNCATED] = "truncated",
	[FIT_DROP_BAD_MAGIC] = "bad_magic",
	[FIT_DROP_BAD_VERSION] = "bad_version",
	[FIT_DROP_BAD_HDR_LEN] = "bad_hdr_len",
	[FIT_DROP_BAD_CSUM] = "bad_csum",
	[FIT_DROP_BAD_LENGTH] = "bad_length",
	[FIT_DROP_BAD_FLAGS] = "bad_flags",
	[FIT_DROP_BAD_FIELD] = "bad_field",
	[FIT_DROP_BAD_SRC] = "bad_src",
	[FIT_DROP_BAD_DST] = "bad_dst",
	[FIT_DROP_STALE_EPOCH] = "stale_epoch",
	[FIT_DROP_NO_ROUTE] = "no_route",
	[FIT_DROP_PEER_DOWN] = "peer_down",
	[FIT_DROP_UNMATCHED_REPLY] = "unmatched_reply",
	[FIT_DROP_UNKNOWN_OPCODE] = "unknown_opcode",
	[FIT_DROP_CREDIT_OVERRUN] = "credit_overrun",
	[FIT_DROP_NOMEM] = "nomem",
};

const char *fit_drop_reason_name(enum fit_drop_reason r)
{
	if ((unsigned int)r >= FIT_DROP_NR || !fit_drop_names[r])
		return "?";
	return fit_drop_names[r];
}
