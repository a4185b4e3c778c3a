/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_COMPILER_H
#define _TESSERA_COMPILER_H

#define __section(s)	__attribute__((__section__(s)))
#define __used		__attribute__((__used__))
#define __unused	__attribute__((__unused__))
#define __maybe_unused	__attribute__((__unused__))
#define __packed	__attribute__((__packed__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __noreturn	__attribute__((__noreturn__))
#define __noinline	noinline
#define noinline	__attribute__((__noinline__))
#define __always_inline	inline __attribute__((__always_inline__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __weak		__attribute__((__weak__))
#define __cold		__attribute__((__cold__))

/* Marks pointers to device memory (sparse annotation in Linux; empty here). */
#ifndef __iomem
#define __iomem
#endif

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define barrier()	__asm__ __volatile__("" ::: "memory")

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define offsetof(T, m)	__builtin_offsetof(T, m)
#define container_of(ptr, T, m) \
	((T *)((char *)(ptr) - offsetof(T, m)))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define BUILD_BUG_ON(c)	_Static_assert(!(c), "BUILD_BUG_ON(" #c ")")

/* IS_ENABLED(CONFIG_FOO): 1 if the bool option is set, else 0, in C. */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(ignored, val, ...) val
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define IS_ENABLED(option) ___is_defined(option)

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#endif /* _TESSERA_COMPILER_H */
