/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixed-width types and __packed of the wire protocol headers
 * (memproto.h, storproto.h), in the kernel and in host tools alike.
 */
#ifndef _TESSERA_WIRE_TYPES_H
#define _TESSERA_WIRE_TYPES_H

#ifdef __KERNEL__
#include <tessera/types.h>
#include <tessera/compiler.h>
#else
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
#define __packed __attribute__((__packed__))
#endif

#endif /* _TESSERA_WIRE_TYPES_H */
