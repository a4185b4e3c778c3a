// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for lib/crc32c.c: the published check values, and the
 * sliced implementation against a bit-at-a-time reference for every
 * length and alignment up to 300 bytes and for chained calls.
 */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

uint32_t k_crc32c(uint32_t crc, const void *buf, size_t len);

static uint32_t ref_crc32c(uint32_t crc, const unsigned char *p, size_t len)
{
	int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78U : 0);
	}
	return crc;
}

static uint32_t std_crc(const void *buf, size_t len)
{
	return ~k_crc32c(~0U, buf, len);
}

int main(void)
{
	static unsigned char buf[512];
	unsigned char zeros[32] = { 0 }, ones[32];
	size_t len, off, split;

	/* RFC 3720 (iSCSI) B.4 and the common "123456789" check value. */
	memset(ones, 0xff, sizeof(ones));
	CHECK_UINT(std_crc("123456789", 9), 0xe3069283U);
	CHECK_UINT(std_crc(zeros, 32), 0x8a9136aaU);
	CHECK_UINT(std_crc(ones, 32), 0x62a8ab43U);
	CHECK_UINT(std_crc("", 0), 0);

	srand(42);
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = rand();
	for (off = 0; off < 8; off++)
		for (len = 0; len <= 300; len++)
			CHECK_UINT(k_crc32c(~0U, buf + off, len),
				   ref_crc32c(~0U, buf + off, len));
	for (split = 0; split <= 100; split++) {
		uint32_t c = k_crc32c(~0U, buf, split);

		c = k_crc32c(c, buf + split, 200 - split);
		CHECK_UINT(c, ref_crc32c(~0U, buf, 200));
	}
	return check_report();
}
