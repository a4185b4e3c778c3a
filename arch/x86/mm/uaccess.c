// SPDX-License-Identifier: GPL-2.0
/*
 * User copies (asm/uaccess.h).  Each faulting instruction has an
 * exception-table entry whose fixup leaves the count of bytes not done
 * in a register, so a bad pointer ends the copy instead of the kernel.
 */
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <asm/extable.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/uaccess.h>

/* stac and clac exist only on CPUs with SMAP (they are #UD elsewhere). */
static __always_inline void user_access_begin(void)
{
	if (mmu_cr4_features & X86_CR4_SMAP)
		asm volatile("stac" ::: "memory");
}

static __always_inline void user_access_end(void)
{
	if (mmu_cr4_features & X86_CR4_SMAP)
		asm volatile("clac" ::: "memory");
}

static unsigned long copy_user(void *to, const void *from, unsigned long n)
{
	user_access_begin();
	asm volatile("1:	rep movsb\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "+c"(n), "+D"(to), "+S"(from) : : "memory");
	user_access_end();
	return n;
}

unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n)
{
	unsigned long left = n;

	if (access_ok(from, n))
		left = copy_user(to, (const void *)from, n);
	/* Like Linux: what could not be read is zeroed, never stale. */
	if (left)
		memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return copy_user((void *)to, from, n);
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	void *dst = (void *)to;

	if (!access_ok(to, n))
		return n;
	user_access_begin();
	asm volatile("1:	rep stosb\n"
		     "2:\n"
		     _ASM_EXTABLE(1b, 2b)
		     : "+c"(n), "+D"(dst) : "a"(0) : "memory");
	user_access_end();
	return n;
}

/* One user byte; -EFAULT from the fixup. */
static int get_user_byte(const char *p, char *c)
{
	int err = 0;

	user_access_begin();
	asm volatile("1:	movb (%2), %1\n"
		     "2:\n"
		     "	.pushsection .text.fixup, \"ax\"\n"
		     "3:	movl %3, %0\n"
		     "	xorl %k1, %k1\n"
		     "	jmp 2b\n"
		     "	.popsection\n"
		     _ASM_EXTABLE(1b, 3b)
		     : "+r"(err), "=q"(*c)
		     : "r"(p), "i"(-EFAULT));
	user_access_end();
	return err;
}

int user_cmpxchg_u32(u32 __user *uaddr, u32 old, u32 new, u32 *found)
{
	u32 *p = (u32 *)uaddr;
	int err = 0;

	if (!access_ok(uaddr, sizeof(u32)) || !IS_ALIGNED((unsigned long)p, 4))
		return -EFAULT;
	user_access_begin();
	asm volatile("1:	lock cmpxchgl %3, %2\n"
		     "2:\n"
		     "	.pushsection .text.fixup, \"ax\"\n"
		     "3:	movl %4, %0\n"
		     "	jmp 2b\n"
		     "	.popsection\n"
		     _ASM_EXTABLE(1b, 3b)
		     : "+r"(err), "+a"(old), "+m"(*p)
		     : "r"(new), "i"(-EFAULT)
		     : "memory");
	user_access_end();
	*found = old;
	return err;
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long i;

	if (count <= 0)
		return 0;
	for (i = 0; i < count; i++) {
		const char *p = (const char *)src + i;

		if (!access_ok(p, 1) || get_user_byte(p, &dst[i]))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return count;
}
