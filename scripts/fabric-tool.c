// SPDX-License-Identifier: GPL-2.0
/*
 * fabric-tool - inspect and prepare the shared region of a Tessera cluster
 * (the file behind the ivshmem device every VM maps).
 *
 *   fabric-tool FILE status [--sample MS]
 *   fabric-tool FILE format [--size SIZE]
 *   fabric-tool FILE inject NODE KIND [--from SRC] [--qp Q] [--epoch E]
 *
 * The layout is include/tessera/shm_fabric.h, shared verbatim with the
 * kernel; Documentation/clusters.md has the usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../include/tessera/shm_fabric.h"

#define DEFAULT_SAMPLE_MS	500

static const char *prog = "fabric-tool";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s FILE status [--sample MS]\n"
		"       %s FILE format [--size SIZE]\n"
		"       %s FILE inject NODE KIND [--from SRC] [--qp Q] [--epoch E]\n"
		"\n"
		"status   print the header, every node slot, the QPs in use and the\n"
		"         error counters; heartbeats are sampled twice, MS apart\n"
		"         (default %d, 0: one snapshot)\n"
		"format   create or resize FILE to SIZE (default: its size, or 64M)\n"
		"         and format it; no VM may be using it\n"
		"inject   write one message of KIND into the request ring of QP\n"
		"         (SRC, NODE, Q) (defaults: SRC the lowest other node that\n"
		"         is up, else 0 or 1; Q 0). KIND (or KIND,KIND,... written\n"
		"         at once): ok, bad-length,\n"
		"         bad-opcode, truncated (malformed verbs messages), or\n"
		"         fit-truncated, fit-bad-length, fit-unknown-opcode (a SEND\n"
		"         of the FIT verbs transport carrying a malformed FIT message;\n"
		"         fit-unknown-opcode needs SRC's FIT epoch E)\n"
		"\n"
		"SIZE takes K, M and G suffixes; a region is a power of two from\n"
		"8M to 1G.\n",
		prog, prog, prog, DEFAULT_SAMPLE_MS);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* "64M", "8388608", "1G", "512k"; -1 if malformed. */
static long long parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		end++;
		break;
	}
	if (*end || v > (1ULL << 40))
		return -1;
	return (long long)v;
}

/* A decimal number below limit; -1 if malformed or out of range. */
static long parse_uint(const char *s, unsigned long limit)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= limit)
		return -1;
	return (long)v;
}

/* ------------------------------------------------------------ mapping --- */

struct region {
	const char *path;
	unsigned char *base;
	unsigned long long size;	/* of the file */
	struct shmf_geometry geo;	/* valid if geo_ok */
	int geo_ok;
};

static void region_open(struct region *r, const char *path)
{
	struct stat st;
	int fd;

	r->path = path;
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	r->size = st.st_size;
	if (r->size < sizeof(struct shmf_header))
		die("%s: %llu bytes, too small for a fabric region", path,
		    r->size);
	r->base = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);
	if (r->base == MAP_FAILED)
		die("%s: mmap: %s", path, strerror(errno));
	close(fd);
	r->geo_ok = !shmf_geometry(r->size, &r->geo);
}

static void region_close(struct region *r)
{
	munmap(r->base, r->size);
}

static struct shmf_header *hdr(struct region *r)
{
	return (struct shmf_header *)r->base;
}

static struct shmf_node *node(struct region *r, unsigned int id)
{
	return (struct shmf_node *)(r->base + shmf_node_off(id));
}

static struct shmf_qp *qp(struct region *r, unsigned int index)
{
	return (struct shmf_qp *)(r->base + shmf_qp_off(index));
}

static unsigned long long load64(const unsigned long long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static unsigned int load32(const u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Is the region formatted and usable by this layout version? */
static int region_usable(struct region *r, int verbose)
{
	struct shmf_header *h = hdr(r);
	unsigned int state = load32(&h->state);
	int check;

	if (state != SHMF_REGION_READY) {
		if (verbose)
			printf("region %s: %s (state %u)\n", r->path,
			       state == SHMF_REGION_UNINIT ? "not formatted" :
			       state == SHMF_REGION_INITIALISING ?
			       "being formatted" : "invalid state", state);
		return 0;
	}
	check = shmf_check(h, r->size);
	if (check == SHMF_CHECK_OK)
		return 1;
	if (!verbose)
		return 0;
	switch (check) {
	case SHMF_CHECK_MAGIC:
		printf("region %s: not a Tessera fabric (magic %#llx)\n",
		       r->path, h->magic);
		break;
	case SHMF_CHECK_VERSION:
		printf("region %s: layout version %u, this tool reads version %u\n",
		       r->path, h->version, SHMF_VERSION);
		break;
	case SHMF_CHECK_SIZE:
		printf("region %s: formatted for %llu bytes, the file has %llu\n",
		       r->path, h->size, r->size);
		break;
	default:
		printf("region %s: geometry does not match layout version %u\n",
		       r->path, SHMF_VERSION);
	}
	return 0;
}

/* ------------------------------------------------------------- status --- */

static const char *formatter(unsigned int by, char *buf, size_t size)
{
	if (by == SHMF_FORMATTER_HOST)
		return "the host";
	if (by == SHMF_FORMATTER_NODE)
		return "a node (still joining)";
	snprintf(buf, size, "node %u", by);
	return buf;
}

static const char *size_str(unsigned long long v, char *buf, size_t size)
{
	if (v && !(v & ((1ULL << 30) - 1)))
		snprintf(buf, size, "%lluG", v >> 30);
	else if (v && !(v & ((1ULL << 20) - 1)))
		snprintf(buf, size, "%lluM", v >> 20);
	else if (v >= (1ULL << 20))
		snprintf(buf, size, "%lluM", (v + (1ULL << 19)) >> 20);
	else
		snprintf(buf, size, "%lluK", v >> 10);
	return buf;
}

static void print_header(struct region *r)
{
	struct shmf_header *h = hdr(r);
	char b1[32], b2[32];

	printf("region %s: %s, layout v%u, ready, formatted by %s\n",
	       r->path, size_str(h->size, b1, sizeof(b1)), h->version,
	       formatter(h->formatted_by, b2, sizeof(b2)));
	printf("geometry: %u node slots, %u QPs per node pair, %u MRs per node, rings of %u x %u B, windows of %llu KiB at %#llx\n",
	       h->max_nodes, h->qps_per_pair, h->mrs_per_node, h->ring_elems,
	       h->elem_size, h->win_size >> 10, h->win_off);
	printf("fabric counters: claim_conflicts %llu, nodes_declared_dead %llu, format_waits %llu\n",
	       load64(&h->claim_conflicts), load64(&h->nodes_declared_dead),
	       load64(&h->format_waits));
}

/* "1@2,3@1": the nodes (and their generations) n depends on. */
static void depends_str(struct shmf_node *n, char *buf, size_t size)
{
	unsigned long long mask = load64(&n->depends_on);
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < SHMF_MAX_NODES && len + 12 < size; i++)
		if (mask & (1ULL << i))
			len += snprintf(buf + len, size - len, "%s%u@%u",
					len ? "," : "", i, n->depends_gen[i]);
	if (!len)
		snprintf(buf, size, "-");
}

static void print_nodes(struct region *r, unsigned int sample_ms)
{
	unsigned long long before[SHMF_MAX_NODES];
	unsigned int id, shown = 0;
	char ram[16], deps[64], beat[48];

	for (id = 0; id < SHMF_MAX_NODES; id++)
		before[id] = load64(&node(r, id)->hb_count);
	if (sample_ms)
		usleep(sample_ms * 1000);

	printf("\nnode state   gen role      cpus  ram    heartbeat                       depends  build\n");
	for (id = 0; id < SHMF_MAX_NODES; id++) {
		struct shmf_node *n = node(r, id);
		unsigned long long w = load64(&n->word);
		unsigned long long count = load64(&n->hb_count);
		unsigned int state = SHMF_WORD_STATE(w);

		if (state == SHMF_NODE_FREE && !SHMF_WORD_GEN(w))
			continue;
		shown++;
		if (!sample_ms)
			snprintf(beat, sizeof(beat), "#%llu", count);
		else if (count != before[id])
			snprintf(beat, sizeof(beat), "#%llu beating (+%llu/%ums)",
				 count, count - before[id], sample_ms);
		else
			snprintf(beat, sizeof(beat), "#%llu silent >= %ums",
				 count, sample_ms);
		depends_str(n, deps, sizeof(deps));
		printf("%4u %-7s %3u %-9s %4u  %-6s %-31s %-8s %.31s\n", id,
		       shmf_node_state_name(state), SHMF_WORD_GEN(w),
		       shmf_role_name(n->role), n->nr_cpus,
		       size_str(n->ram_bytes, ram, sizeof(ram)), beat, deps,
		       n->build);
		printf("     last beat at t=%llu.%03llus of the node's clock",
		       n->hb_time_ns / 1000000000ULL,
		       n->hb_time_ns / 1000000ULL % 1000);
		if (n->dead_gen && n->dead_by < SHMF_MAX_NODES)
			printf("; generation %u declared dead by node %u at beat #%llu",
			       n->dead_gen, n->dead_by, n->dead_hb_count);
		else if (n->dead_gen)
			printf("; generation %u declared dead by the boot that took the slot over, at beat #%llu",
			       n->dead_gen, n->dead_hb_count);
		printf("\n");
	}
	if (!shown)
		printf("   (no node has claimed a slot)\n");
}

static void print_errors(struct region *r)
{
	static const char *const names[] = {
		"rx_truncated", "rx_bad_length", "rx_bad_opcode", "rkey_errors",
		"access_errors", "ring_full", "rpc_timeouts",
		"peers_declared_dead",
	};
	unsigned int id, i, any = 0;

	printf("\nerror counters (nonzero only):\n");
	for (id = 0; id < SHMF_MAX_NODES; id++) {
		unsigned long long *c =
			(unsigned long long *)&node(r, id)->err;
		int first = 1;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			unsigned long long v = load64(&c[i]);

			if (!v)
				continue;
			if (first)
				printf("  node %2u:", id);
			printf("%s %s %llu", first ? "" : ",", names[i], v);
			first = 0;
			any = 1;
		}
		if (!first)
			printf("\n");
	}
	if (!any)
		printf("  none\n");
}

/*
 * Is the connection of slot q linked: both slots in rtr or rts, each
 * following the other's epoch (Documentation/fabric-shm-layout.md, 6)?
 */
static int qp_linked(struct region *r, struct shmf_qp *q)
{
	struct shmf_qp *p = qp(r, SHMF_QP_INDEX(q->dst, q->src, q->index));
	unsigned int s1 = load32(&q->state), s2 = load32(&p->state);

	return (s1 == SHMF_QP_RTR || s1 == SHMF_QP_RTS) &&
	       (s2 == SHMF_QP_RTR || s2 == SHMF_QP_RTS) &&
	       load32(&q->epoch) && load32(&q->peer_epoch) == load32(&p->epoch) &&
	       load32(&p->peer_epoch) == load32(&q->epoch);
}

static void print_qps(struct region *r)
{
	unsigned int i, used = 0, pending = 0;

	printf("\nQPs in use (not reset, or rings not empty):\n");
	for (i = 0; i < SHMF_NR_QPS; i++) {
		struct shmf_qp *q = qp(r, i);
		unsigned int req = load32(&q->req_head) - load32(&q->req_tail);
		unsigned int rsp = load32(&q->rsp_head) - load32(&q->rsp_tail);
		unsigned int state = load32(&q->state);

		if (state == SHMF_QP_RESET && !req && !rsp)
			continue;
		used++;
		pending += req + rsp;
		printf("  qp %u->%u/%u qpn %#x %-5s req %u/%u used (head %u tail %u), rsp %u/%u used, dropped %llu",
		       q->src, q->dst, q->index, q->qpn,
		       shmf_qp_state_name(state), req, q->req.nr_elems,
		       load32(&q->req_head), load32(&q->req_tail), rsp,
		       q->rsp.nr_elems, load64(&q->req_dropped));
		if (load32(&q->epoch))
			printf(", epoch %u%s", load32(&q->epoch),
			       qp_linked(r, q) ? ", linked" : "");
		printf("\n");
	}
	if (!used)
		printf("  none\n");
	printf("ring occupancy: %u elements queued in %u of %u QPs\n", pending,
	       used, SHMF_NR_QPS);
}

static int cmd_status(struct region *r, int argc, char **argv)
{
	long sample = DEFAULT_SAMPLE_MS;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--sample") && i + 1 < argc) {
			sample = parse_uint(argv[++i], 60001);
			if (sample < 0)
				die("--sample: not a number of milliseconds up to 60000: %s",
				    argv[i]);
		} else {
			die("status: unexpected argument '%s'", argv[i]);
		}
	}
	if (!region_usable(r, 1))
		return 1;
	print_header(r);
	print_nodes(r, sample);
	print_qps(r);
	print_errors(r);
	return 0;
}

/* ------------------------------------------------------------- format --- */

static int cmd_format(const char *path, int argc, char **argv)
{
	long long size = -1;
	struct shmf_geometry g;
	struct region r;
	struct stat st;
	int i, fd;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc) {
			size = parse_size(argv[++i]);
			if (size < 0)
				die("--size: not a size: %s", argv[i]);
		} else {
			die("format: unexpected argument '%s'", argv[i]);
		}
	}
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	if (size < 0)
		size = st.st_size ? st.st_size : (long long)SHMF_DEFAULT_SIZE;
	if (shmf_geometry(size, &g))
		die("%s: %lld bytes: a region must be a power of two from %lluM to %lluM",
		    path, size, SHMF_MIN_SIZE >> 20, SHMF_MAX_SIZE >> 20);
	if (st.st_size != size && ftruncate(fd, size))
		die("%s: resize to %lld bytes: %s", path, size, strerror(errno));
	close(fd);

	region_open(&r, path);
	__atomic_store_n(&hdr(&r)->state, SHMF_REGION_INITIALISING,
			 __ATOMIC_RELEASE);
	shmf_format(r.base, &g, SHMF_FORMATTER_HOST, (u64)time(NULL));
	printf("%s: formatted %lld bytes, layout v%u: rings of %u elements, windows of %llu KiB\n",
	       path, size, SHMF_VERSION, g.ring_elems, g.win_size >> 10);
	region_close(&r);
	return 0;
}

/* ------------------------------------------------------------- inject --- */

#define KIND_OK		0
#define KIND_BAD_LENGTH	1
#define KIND_BAD_OPCODE	2
#define KIND_TRUNCATED	3
#define KIND_FIT_TRUNCATED	4
#define KIND_FIT_BAD_LENGTH	5
#define KIND_FIT_UNKNOWN_OP	6

static const char *const kind_names[] = {
	"ok", "bad-length", "bad-opcode", "truncated",
	"fit-truncated", "fit-bad-length", "fit-unknown-opcode",
};

/*
 * FIT messages as the verbs transport carries them (Documentation/fit.md,
 * sections 2 and 8): a SEND_WITH_IMM whose immediate marks a FIT message,
 * holding the 48-byte little-endian header and the payload.
 */
#define FIT_IMM_MSG		0xf1010000U
#define FIT_HDR_LEN		48
#define FIT_PAYLOAD_LEN		16
#define FIT_OP_UNKNOWN		0xf0ff	/* never registered */

static unsigned int crc32c(const unsigned char *p, size_t len)
{
	unsigned int crc = ~0U;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return ~crc;
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(unsigned char *p, unsigned int v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/*
 * A one-way FIT message from src to dst with a sealed header; what kind
 * breaks.  Returns its length.
 */
static unsigned int build_fit(int kind, unsigned int src, unsigned int dst,
			      unsigned int epoch, unsigned char *m)
{
	memset(m, 0, FIT_HDR_LEN + FIT_PAYLOAD_LEN);
	m[0] = 0xf7;			/* magic */
	m[1] = 1;			/* version */
	put16(m + 2, FIT_HDR_LEN);
	put16(m + 4, FIT_OP_UNKNOWN);
	put16(m + 6, 0x08);		/* ONEWAY */
	put16(m + 8, src);
	put16(m + 10, dst);
	put32(m + 12, kind == KIND_FIT_BAD_LENGTH ? 1000 : FIT_PAYLOAD_LEN);
	put32(m + 24, epoch ? epoch : 1);
	memcpy(m + FIT_HDR_LEN, "malformed-by-fab", FIT_PAYLOAD_LEN);
	put32(m + 44, crc32c(m, FIT_HDR_LEN));
	return kind == KIND_FIT_TRUNCATED ? 20 : FIT_HDR_LEN + FIT_PAYLOAD_LEN;
}

static int parse_kind(const char *s)
{
	unsigned int i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(s, kind_names[i]))
			return i;
	return -1;
}

/*
 * Build message kind in msg (at least 2 elements): a SEND with an inline
 * "hello", or one of the malformations a receiver must drop.  Returns the
 * number of elements it occupies.
 */
static unsigned int build_message(int kind, unsigned int src, u32 src_gen,
				  unsigned long long psn, unsigned int dst,
				  unsigned int epoch, struct shmf_msg *msg)
{
	static const char payload[] = "hello";

	memset(msg, 0, 2 * sizeof(*msg));
	if (kind >= KIND_FIT_TRUNCATED) {
		msg->magic = SHMF_MSG_MAGIC;
		msg->opcode = SHMF_OP_SEND_IMM;
		msg->flags = SHMF_MSG_INLINE;
		msg->hdr_len = SHMF_MSG_HDR_SIZE;
		msg->imm = FIT_IMM_MSG;
		msg->length = build_fit(kind, src, dst, epoch,
					(unsigned char *)(msg + 1));
		msg->nr_elems = shmf_msg_elems(msg->length);
		msg->psn = psn;
		msg->wr_id = 0xfab0000 + psn;
		msg->src_node = src;
		msg->src_gen = src_gen;
		return msg->nr_elems;
	}
	msg->magic = SHMF_MSG_MAGIC;
	msg->opcode = SHMF_OP_SEND;
	msg->flags = SHMF_MSG_INLINE;
	msg->hdr_len = SHMF_MSG_HDR_SIZE;
	msg->length = sizeof(payload);
	msg->nr_elems = shmf_msg_elems(msg->length);
	msg->psn = psn;
	msg->wr_id = 0xfab0000 + psn;
	msg->src_node = src;
	msg->src_gen = src_gen;
	memcpy(msg + 1, payload, sizeof(payload));

	switch (kind) {
	case KIND_BAD_LENGTH:	/* claims far more than it occupies */
		msg->length = 100000;
		break;
	case KIND_BAD_OPCODE:
		msg->opcode = 0x55;
		break;
	case KIND_TRUNCATED:	/* a 16-byte header: only the frame word is valid */
		msg->hdr_len = 16;
		break;
	}
	return msg->nr_elems;
}

/* Lowest node other than dst that is up; else 0, or 1 if dst is 0. */
static unsigned int default_src(struct region *r, unsigned int dst)
{
	unsigned int id;

	for (id = 0; id < SHMF_MAX_NODES; id++)
		if (id != dst &&
		    SHMF_WORD_STATE(load64(&node(r, id)->word)) == SHMF_NODE_UP)
			return id;
	return dst ? 0 : 1;
}

#define MAX_KINDS	8

/* Write msg (n elements) at *head, after a PAD if it would wrap. */
static void ring_put(unsigned char *ring, unsigned int nr, unsigned int *head,
		     unsigned int tail, const struct shmf_msg *msg,
		     unsigned int n, unsigned int src, const char *what)
{
	unsigned int pos = *head & (nr - 1), ring_free = nr - (*head - tail);

	/* A message never wraps: pad to the end of the ring first. */
	if (pos + n > nr) {
		struct shmf_msg pad = {
			.magic = SHMF_MSG_MAGIC, .opcode = SHMF_OP_PAD,
			.hdr_len = SHMF_MSG_HDR_SIZE, .nr_elems = nr - pos,
			.src_node = src,
		};

		if (ring_free < nr - pos + n)
			die("inject: request ring of qp %s is full", what);
		memcpy(ring + (unsigned long)pos * SHMF_ELEM_SIZE, &pad,
		       sizeof(pad));
		*head += nr - pos;
		ring_free -= nr - pos;
		pos = 0;
	}
	if (ring_free < n)
		die("inject: request ring of qp %s is full", what);
	memcpy(ring + (unsigned long)pos * SHMF_ELEM_SIZE, msg,
	       (unsigned long)n * SHMF_ELEM_SIZE);
	*head += n;
}

static int cmd_inject(struct region *r, int argc, char **argv)
{
	long dst, src = -1, q = 0;
	unsigned long epoch = 0;
	char *end, *list, *k, what[72];
	unsigned int n, head, tail, nr, index, nr_kinds = 0;
	int kinds[MAX_KINDS];
	struct shmf_msg msg[2];
	struct shmf_qp *p;
	unsigned char *ring;
	unsigned long long psn;
	int i;

	if (argc < 2)
		die("inject: needs NODE and KIND");
	dst = parse_uint(argv[0], SHMF_MAX_NODES);
	if (dst < 0)
		die("inject: NODE must be 0-%u: %s", SHMF_MAX_NODES - 1, argv[0]);
	list = argv[1];
	for (k = strtok(list, ","); k; k = strtok(NULL, ",")) {
		if (nr_kinds == MAX_KINDS)
			die("inject: at most %d kinds at once", MAX_KINDS);
		kinds[nr_kinds] = parse_kind(k);
		if (kinds[nr_kinds] < 0)
			die("inject: KIND must be ok, bad-length, bad-opcode, truncated, fit-truncated, fit-bad-length or fit-unknown-opcode: %s",
			    k);
		nr_kinds++;
	}
	if (!nr_kinds)
		die("inject: needs a KIND");
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc) {
			src = parse_uint(argv[++i], SHMF_MAX_NODES);
			if (src < 0)
				die("--from: not a node id: %s", argv[i]);
		} else if (!strcmp(argv[i], "--qp") && i + 1 < argc) {
			q = parse_uint(argv[++i], SHMF_QPS_PER_PAIR);
			if (q < 0)
				die("--qp: must be 0-%u: %s",
				    SHMF_QPS_PER_PAIR - 1, argv[i]);
		} else if (!strcmp(argv[i], "--epoch") && i + 1 < argc) {
			errno = 0;
			epoch = strtoul(argv[++i], &end, 0);
			if (errno || *end || !epoch || epoch > 0xffffffffUL)
				die("--epoch: not a FIT epoch: %s", argv[i]);
		} else {
			die("inject: unexpected argument '%s'", argv[i]);
		}
	}
	for (i = 0; i < (int)nr_kinds; i++)
		if (kinds[i] == KIND_FIT_UNKNOWN_OP && !epoch)
			die("inject: fit-unknown-opcode needs --epoch (the sender's FIT epoch)");
	if (!region_usable(r, 1))
		return 1;
	if (src < 0)
		src = default_src(r, dst);

	snprintf(what, sizeof(what), "%ld->%ld/%ld", src, dst, q);
	index = SHMF_QP_INDEX(src, dst, q);
	p = qp(r, index);
	nr = p->req.nr_elems;
	ring = r->base + p->req.offset;
	head = load32(&p->req_head);
	tail = load32(&p->req_tail);
	psn = load64(&p->req_msgs);
	/* Every message first, then one head update: one pass reads them all. */
	for (i = 0; i < (int)nr_kinds; i++) {
		n = build_message(kinds[i], src,
				  SHMF_WORD_GEN(load64(&node(r, src)->word)),
				  psn + i, dst, epoch, msg);
		ring_put(ring, nr, &head, tail, msg, n, src, what);
		printf("injected a %s message (%u element%s) into qp %s: req %u/%u used\n",
		       kind_names[kinds[i]], n, n == 1 ? "" : "s", what,
		       head - tail, nr);
	}
	__atomic_store_n(&p->req_msgs, psn + nr_kinds, __ATOMIC_RELAXED);
	__atomic_store_n(&p->req_head, head, __ATOMIC_RELEASE);
	return 0;
}

/* --------------------------------------------------------------- main --- */

int main(int argc, char **argv)
{
	struct region r;
	const char *path, *cmd;
	int ret;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 3) {
		usage(stderr);
		return 2;
	}
	path = argv[1];
	cmd = argv[2];
	if (!strcmp(cmd, "format"))
		return cmd_format(path, argc - 3, argv + 3);
	if (strcmp(cmd, "status") && strcmp(cmd, "inject")) {
		fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
		usage(stderr);
		return 2;
	}
	region_open(&r, path);
	if (!strcmp(cmd, "status"))
		ret = cmd_status(&r, argc - 3, argv + 3);
	else
		ret = cmd_inject(&r, argc - 3, argv + 3);
	region_close(&r);
	return ret;
}
