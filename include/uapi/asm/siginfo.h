/* SPDX-License-Identifier: GPL-2.0 */
/* siginfo codes (Linux x86-64). */
#ifndef _UAPI_ASM_SIGINFO_H
#define _UAPI_ASM_SIGINFO_H

/* SIGCHLD si_code */
#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_TRAPPED	4
#define CLD_STOPPED	5
#define CLD_CONTINUED	6

#endif /* _UAPI_ASM_SIGINFO_H */
