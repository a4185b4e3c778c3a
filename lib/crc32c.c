// SPDX-License-Identifier: GPL-2.0
/*
 * CRC-32C, four bytes at a time ("slicing by 4"): four 256-entry tables
 * computed on first use.  No floating point, no SSE4.2 instruction (the
 * kernel is built without SSE, and the host test compiles this file for
 * the build machine).
 */
#include <tessera/crc32c.h>

#define CRC32C_POLY	0x82f63b78U

static u32 crc32c_table[4][256];
static bool crc32c_ready;

static void crc32c_init_tables(void)
{
	unsigned int i, j;

	for (i = 0; i < 256; i++) {
		u32 c = i;

		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (c & 1 ? CRC32C_POLY : 0);
		crc32c_table[0][i] = c;
	}
	for (i = 0; i < 256; i++) {
		u32 c = crc32c_table[0][i];

		for (j = 1; j < 4; j++) {
			c = (c >> 8) ^ crc32c_table[0][c & 0xff];
			crc32c_table[j][i] = c;
		}
	}
	/*
	 * Concurrent first callers compute the same values; the flag only
	 * saves the work, so a plain store after a barrier is enough.
	 */
	__atomic_store_n(&crc32c_ready, true, __ATOMIC_RELEASE);
}

u32 crc32c(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!__atomic_load_n(&crc32c_ready, __ATOMIC_ACQUIRE))
		crc32c_init_tables();
	while (len && ((uintptr_t)p & 3)) {
		crc = (crc >> 8) ^ crc32c_table[0][(crc ^ *p++) & 0xff];
		len--;
	}
	while (len >= 4) {
		crc ^= (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 |
		       (u32)p[3] << 24;
		crc = crc32c_table[3][crc & 0xff] ^
		      crc32c_table[2][(crc >> 8) & 0xff] ^
		      crc32c_table[1][(crc >> 16) & 0xff] ^
		      crc32c_table[0][crc >> 24];
		p += 4;
		len -= 4;
	}
	while (len--)
		crc = (crc >> 8) ^ crc32c_table[0][(crc ^ *p++) & 0xff];
	return crc;
}
