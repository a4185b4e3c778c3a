/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux user ABI (include/uapi/): constants and structures exactly as
 * Linux x86-64 defines them, written once for the processor and memory
 * managers and the host tools.  Fixed-width types that mean the same in
 * the kernel and in a host program.
 */
#ifndef _UAPI_LINUX_TYPES_H
#define _UAPI_LINUX_TYPES_H

#ifdef __KERNEL__
#include <tessera/types.h>
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s32 __s32;
typedef s64 __s64;
#else
#include <stdint.h>
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
typedef int64_t __s64;
#endif

#endif /* _UAPI_LINUX_TYPES_H */
