/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_UACCESS_H
#define _ASM_X86_UACCESS_H

/*
 * Access to user memory from the kernel, as in Linux.  Every helper first
 * checks that the range lies below TASK_SIZE, then opens SMAP (stac) for
 * the access alone.  A fault on a user page that is not in the pcache
 * yet is handled like a user fault (the page is filled and the access
 * retried); only when that fails does the exception table turn the fault
 * into -EFAULT (arch/x86/mm/uaccess.c, do_page_fault()).
 */
#include <tessera/types.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/user_mm.h>

#define __user

static inline bool access_ok(const void __user *addr, unsigned long size)
{
	unsigned long a = (unsigned long)addr;

	return size <= TASK_SIZE && a <= TASK_SIZE - size;
}

/* The number of bytes NOT copied (0 on success), like Linux. */
unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from,
			   unsigned long n);
/* Zero n user bytes; the number of bytes not cleared. */
unsigned long clear_user(void __user *to, unsigned long n);
/*
 * Copy a NUL-terminated string of at most count bytes (NUL included):
 * its length without the NUL, count if no NUL was found within count
 * bytes (dst is then not terminated), or -EFAULT.
 */
long strncpy_from_user(char *dst, const char __user *src, long count);
/*
 * Atomically (lock cmpxchg) replace the aligned user word *uaddr with new
 * if it holds old; *found is the value it held.  0 or -EFAULT.  Like every
 * helper here it may sleep on a pcache miss, and it needs a writable page.
 */
int user_cmpxchg_u32(u32 __user *uaddr, u32 old, u32 new, u32 *found);

/* 0 or -EFAULT; x is the value (get_user: the variable) of *ptr's type. */
#define get_user(x, ptr) ({						\
	__typeof__(*(ptr)) __gu_val;					\
	int __gu_err = copy_from_user(&__gu_val, (ptr),			\
				      sizeof(__gu_val)) ? -EFAULT : 0;	\
	(x) = __gu_err ? (__typeof__(*(ptr)))0 : __gu_val;		\
	__gu_err;							\
})

#define put_user(x, ptr) ({						\
	__typeof__(*(ptr)) __pu_val = (x);				\
	copy_to_user((ptr), &__pu_val, sizeof(__pu_val)) ? -EFAULT : 0;	\
})

#endif /* _ASM_X86_UACCESS_H */
