/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_MANAGER_H
#define _TESSERA_MANAGER_H

/* Start the role this image was built for (managers/manager.c). */
void manager_init(void);

void processor_manager_init(void);
void memory_manager_init(void);
void storage_manager_init(void);

#endif /* _TESSERA_MANAGER_H */
