/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_CRC32C_H
#define _TESSERA_CRC32C_H

#include <tessera/types.h>

/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), as used by
 * iSCSI, ext4 and btrfs.  crc32c(~0, buf, len) ^ ~0 is the standard
 * check value (0xe3069283 for "123456789"); crc32c_buf() does that.
 * Pass the previous result as crc to continue over more data.
 */
u32 crc32c(u32 crc, const void *buf, size_t len);

static inline u32 crc32c_buf(const void *buf, size_t len)
{
	return ~crc32c(~0U, buf, len);
}

#endif /* _TESSERA_CRC32C_H */
