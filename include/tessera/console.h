/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_CONSOLE_H
#define _TESSERA_CONSOLE_H

/* Register the consoles chosen by console= (default from Kconfig). */
void console_init(void);

#endif /* _TESSERA_CONSOLE_H */
