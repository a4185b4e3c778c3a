/* SPDX-License-Identifier: GPL-2.0 */
/* readv() and writev() vectors (Linux x86-64). */
#ifndef _UAPI_LINUX_UIO_H
#define _UAPI_LINUX_UIO_H

#include <uapi/linux/types.h>

struct iovec {
	__u64 iov_base;		/* a user pointer */
	__u64 iov_len;
};

#define UIO_MAXIOV	1024

#endif /* _UAPI_LINUX_UIO_H */
