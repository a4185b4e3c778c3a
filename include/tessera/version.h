/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_VERSION_H
#define _TESSERA_VERSION_H

extern const char tessera_banner[];
extern const char tessera_version[];
extern const char tessera_commit[];

#endif /* _TESSERA_VERSION_H */
