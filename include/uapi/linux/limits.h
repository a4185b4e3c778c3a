/* SPDX-License-Identifier: GPL-2.0 */
/* Path and pipe limits (Linux). */
#ifndef _UAPI_LINUX_LIMITS_H
#define _UAPI_LINUX_LIMITS_H

#define NAME_MAX	255
#define PATH_MAX	4096	/* with the NUL */
#define PIPE_BUF	4096	/* atomic pipe write */

#endif /* _UAPI_LINUX_LIMITS_H */
