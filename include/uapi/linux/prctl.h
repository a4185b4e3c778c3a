/* SPDX-License-Identifier: GPL-2.0 */
/* prctl() options (Linux x86-64), those the processor implements. */
#ifndef _UAPI_LINUX_PRCTL_H
#define _UAPI_LINUX_PRCTL_H

#define PR_SET_NAME		15	/* the comm, 16 bytes with the NUL */
#define PR_GET_NAME		16

#endif /* _UAPI_LINUX_PRCTL_H */
