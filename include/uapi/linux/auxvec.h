/* SPDX-License-Identifier: GPL-2.0 */
/* The auxiliary vector's entry types (Linux x86-64). */
#ifndef _UAPI_LINUX_AUXVEC_H
#define _UAPI_LINUX_AUXVEC_H

#define AT_NULL			0	/* end of vector */
#define AT_IGNORE		1
#define AT_EXECFD		2
#define AT_PHDR			3	/* the program headers */
#define AT_PHENT		4
#define AT_PHNUM		5
#define AT_PAGESZ		6
#define AT_BASE			7	/* the interpreter's base */
#define AT_FLAGS		8
#define AT_ENTRY		9	/* the program's entry point */
#define AT_NOTELF		10
#define AT_UID			11
#define AT_EUID			12
#define AT_GID			13
#define AT_EGID			14
#define AT_PLATFORM		15	/* string naming the CPU */
#define AT_HWCAP		16	/* CPUID.1 EDX */
#define AT_CLKTCK		17	/* times() ticks per second */
#define AT_SECURE		23
#define AT_BASE_PLATFORM	24
#define AT_RANDOM		25	/* 16 random bytes */
#define AT_HWCAP2		26
#define AT_RSEQ_FEATURE_SIZE	27
#define AT_RSEQ_ALIGN		28
#define AT_EXECFN		31	/* the file name given to execve */
#define AT_SYSINFO_EHDR		33	/* the vDSO (x86) */
#define AT_MINSIGSTKSZ		51	/* (x86) */

#endif /* _UAPI_LINUX_AUXVEC_H */
