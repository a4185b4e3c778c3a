/* SPDX-License-Identifier: GPL-2.0 */
/* The x86-64 mmap() flags (the rest are in <uapi/linux/mman.h>). */
#ifndef _UAPI_ASM_MMAN_H
#define _UAPI_ASM_MMAN_H

#define MAP_32BIT	0x40		/* only give out 32-bit addresses */
#define MAP_ABOVE4G	0x80		/* only map above 4 GiB */

#endif /* _UAPI_ASM_MMAN_H */
