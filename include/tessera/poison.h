/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_POISON_H
#define _TESSERA_POISON_H

/* CONFIG_DEBUG_KMEMORY fills freed objects and pages with this byte. */
#define POISON_FREE	0x6b

#endif /* _TESSERA_POISON_H */
