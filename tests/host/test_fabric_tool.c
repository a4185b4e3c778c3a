// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of scripts/fabric-tool.c and the shared layout header:
 * argument parsing, the geometry for every region size, and format /
 * inject / status on a scratch file (ring framing, PAD at the wrap, full
 * rings, linked connections).
 */
#define main fabric_tool_main
#include "../../scripts/fabric-tool.c"
#undef main

#include "check.h"

static void test_parsing(void)
{
	CHECK_INT(parse_size("64M"), 64LL << 20);
	CHECK_INT(parse_size("8388608"), 8388608);
	CHECK_INT(parse_size("1G"), 1LL << 30);
	CHECK_INT(parse_size("512k"), 512 << 10);
	CHECK_INT(parse_size(""), -1);
	CHECK_INT(parse_size("M"), -1);
	CHECK_INT(parse_size("12X"), -1);
	CHECK_INT(parse_size("-1"), -1);
	CHECK_INT(parse_size("64MB"), -1);
	CHECK_INT(parse_uint("15", 16), 15);
	CHECK_INT(parse_uint("16", 16), -1);
	CHECK_INT(parse_uint("1a", 16), -1);
	CHECK_INT(parse_uint("", 16), -1);
	CHECK_INT(parse_kind("ok"), KIND_OK);
	CHECK_INT(parse_kind("bad-length"), KIND_BAD_LENGTH);
	CHECK_INT(parse_kind("bad-opcode"), KIND_BAD_OPCODE);
	CHECK_INT(parse_kind("truncated"), KIND_TRUNCATED);
	CHECK_INT(parse_kind("bogus"), -1);
}

/* Every area in order, inside the region, aligned; QP numbers unique. */
static void test_geometry(void)
{
	struct shmf_geometry g = { 0 };
	unsigned long long size;
	unsigned int s, d, q, seen = 0;

	for (size = SHMF_MIN_SIZE; size <= SHMF_MAX_SIZE; size <<= 1) {
		CHECK_INT(shmf_geometry(size, &g), 0);
		CHECK(g.ring_elems >= SHMF_MIN_RING_ELEMS);
		CHECK(!(g.ring_elems & (g.ring_elems - 1)));
		CHECK_UINT(g.ring_bytes, (unsigned long long)g.ring_elems * SHMF_ELEM_SIZE);
		CHECK_UINT(shmf_req_ring_off(&g, 0), SHMF_CTRL_SIZE);
		CHECK_UINT(shmf_rsp_ring_off(&g, SHMF_NR_QPS - 1) + g.ring_bytes,
			   g.win_off);
		CHECK(!(g.win_off & 4095) && !(g.win_size & 4095));
		CHECK(shmf_win_off(&g, SHMF_MAX_NODES - 1) + g.win_size <= size);
		CHECK(g.win_size >= 256 << 10);
	}
	CHECK_INT(shmf_geometry(SHMF_DEFAULT_SIZE, &g), 0);
	CHECK_UINT(g.ring_elems, 128);
	CHECK_UINT(g.win_size, 3008ULL << 10);
	CHECK(shmf_geometry(SHMF_MIN_SIZE / 2, &g));
	CHECK(shmf_geometry(3ULL << 20 << 4, &g));
	CHECK(shmf_geometry(SHMF_MAX_SIZE << 1, &g));

	CHECK_UINT(shmf_node_off(SHMF_MAX_NODES), SHMF_DIR_OFF + 4096);
	CHECK_UINT(shmf_mr_off(SHMF_MAX_NODES, 0), SHMF_QP_OFF);
	CHECK_UINT(shmf_qp_off(SHMF_NR_QPS), SHMF_QP_OFF + (256ULL << 10));
	for (s = 0; s < SHMF_MAX_NODES; s++)
		for (d = 0; d < SHMF_MAX_NODES; d++)
			for (q = 0; q < SHMF_QPS_PER_PAIR; q++)
				seen += SHMF_QP_INDEX(s, d, q) == seen;
	CHECK_UINT(seen, SHMF_NR_QPS);
	CHECK_UINT(shmf_msg_elems(0), 1);
	CHECK_UINT(shmf_msg_elems(1), 2);
	CHECK_UINT(shmf_msg_elems(64), 2);
	CHECK_UINT(shmf_msg_elems(65), 3);
}

/* Run the tool's main() with a NULL-terminated argument list. */
static int run(const char *arg, ...)
{
	char *argv[16] = { "fabric-tool" };
	int argc = 1;
	va_list ap;

	va_start(ap, arg);
	for (; arg && argc < 15; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	return fabric_tool_main(argc, argv);
}

static void test_file(void)
{
	char path[] = "/tmp/fabric-tool-test.XXXXXX";
	struct shmf_msg *m;
	struct shmf_qp *p;
	struct region r;
	unsigned int nr;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);

	/* An empty file is not a region: status fails. */
	if (truncate(path, SHMF_MIN_SIZE))
		CHECK(0);
	CHECK_INT(run(path, "status", "--sample", "0", NULL), 1);

	CHECK_INT(run(path, "format", "--size", "8M", NULL), 0);
	region_open(&r, path);
	CHECK_UINT(r.size, SHMF_MIN_SIZE);
	CHECK_UINT(hdr(&r)->state, SHMF_REGION_READY);
	CHECK_INT(shmf_check(hdr(&r), r.size), SHMF_CHECK_OK);
	CHECK_UINT(hdr(&r)->formatted_by, SHMF_FORMATTER_HOST);
	CHECK_UINT(node(&r, 7)->node_id, 7);
	p = qp(&r, SHMF_QP_INDEX(0, 1, 0));
	CHECK_UINT(p->src, 0);
	CHECK_UINT(p->dst, 1);
	CHECK_UINT(p->qpn, SHMF_QPN(0, 1, 0));
	nr = p->req.nr_elems;
	CHECK_UINT(nr, 16);

	/* A malformed message lands in the request ring of qp 0->1/0. */
	CHECK_INT(run(path, "inject", "1", "bad-length", NULL), 0);
	CHECK_UINT(p->req_head, 2);
	m = (struct shmf_msg *)(r.base + p->req.offset);
	CHECK_UINT(m->magic, SHMF_MSG_MAGIC);
	CHECK_UINT(m->opcode, SHMF_OP_SEND);
	CHECK_UINT(m->length, 100000);
	CHECK_UINT(m->nr_elems, 2);
	CHECK_UINT(m->src_node, 0);
	CHECK_INT(run(path, "inject", "1", "bad-opcode", NULL), 0);
	CHECK_UINT(m[2].opcode, 0x55);
	CHECK_INT(run(path, "inject", "1", "truncated", NULL), 0);
	CHECK_UINT(m[4].hdr_len, 16);
	CHECK_UINT(p->req_msgs, 3);
	CHECK_UINT(m[4].psn, 2);

	/* Near the end of the ring the message is preceded by a PAD. */
	p->req_head = p->req_tail = nr - 1;
	CHECK_INT(run(path, "inject", "1", "ok", NULL), 0);
	CHECK_UINT(m[nr - 1].opcode, SHMF_OP_PAD);
	CHECK_UINT(m[nr - 1].nr_elems, 1);
	CHECK_UINT(m[0].opcode, SHMF_OP_SEND);
	CHECK_UINT(m[0].length, 6);
	CHECK(!memcmp(&m[1], "hello", 6));
	CHECK_UINT(p->req_head - p->req_tail, 3);

	/* --from and --qp pick the slot; status reads it all back. */
	CHECK_INT(run(path, "inject", "0", "ok", "--from", "3", "--qp", "3", NULL), 0);
	CHECK_UINT(qp(&r, SHMF_QP_INDEX(3, 0, 3))->req_head, 2);
	CHECK_INT(run(path, "status", "--sample", "0", NULL), 0);

	/* A connection is linked when each slot follows the other's epoch. */
	{
		struct shmf_qp *a = qp(&r, SHMF_QP_INDEX(2, 5, 1));
		struct shmf_qp *b = qp(&r, SHMF_QP_INDEX(5, 2, 1));

		CHECK(!qp_linked(&r, a));
		a->state = SHMF_QP_RTS;
		b->state = SHMF_QP_RTR;
		a->epoch = 5;
		b->epoch = 7;
		a->peer_epoch = 7;
		CHECK(!qp_linked(&r, a));
		b->peer_epoch = 5;
		CHECK(qp_linked(&r, a) && qp_linked(&r, b));
		b->state = SHMF_QP_ERROR;
		CHECK(!qp_linked(&r, a));
	}

	/* Formatting again resets every index. */
	CHECK_INT(run(path, "format", NULL), 0);
	CHECK_UINT(p->req_head, 0);
	CHECK_UINT(p->req_msgs, 0);
	region_close(&r);
	unlink(path);
}

int main(void)
{
	test_parsing();
	test_geometry();
	test_file();
	return check_report();
}
