/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_BUG_H
#define _TESSERA_BUG_H

#include <tessera/compiler.h>

void panic(const char *fmt, ...) __printf(1, 2) __noreturn __cold;
void __bug(const char *file, int line, const char *func) __noreturn __cold;
void __warn(const char *file, int line, const char *func, const char *cond) __cold;

#define BUG()		__bug(__FILE__, __LINE__, __func__)
#define BUG_ON(cond)	do { if (unlikely(cond)) BUG(); } while (0)

#define WARN_ON(cond) ({						\
	bool __ret_warn_on = !!(cond);					\
	if (unlikely(__ret_warn_on))					\
		__warn(__FILE__, __LINE__, __func__, #cond);		\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(cond) ({						\
	static bool __warned;						\
	bool __ret_warn_once = !!(cond);				\
	if (unlikely(__ret_warn_once && !__warned)) {			\
		__warned = true;					\
		__warn(__FILE__, __LINE__, __func__, #cond);		\
	}								\
	unlikely(__ret_warn_once);					\
})

/* Number of WARNs so far (self-tests use it to catch unexpected ones). */
extern unsigned long nr_warnings;

#endif /* _TESSERA_BUG_H */
