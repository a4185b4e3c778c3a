/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine state a signal frame holds (Linux x86-64): struct
 * sigcontext, the fxsave image it points to, struct ucontext.
 */
#ifndef _UAPI_ASM_SIGCONTEXT_H
#define _UAPI_ASM_SIGCONTEXT_H

#include <uapi/linux/types.h>
#include <uapi/asm/signal.h>

/* The 512-byte fxsave image (struct _fpstate_64), 16-byte aligned. */
struct fpstate {
	__u16 cwd;
	__u16 swd;
	__u16 twd;		/* abridged tag word */
	__u16 fop;
	__u64 rip;
	__u64 rdp;
	__u32 mxcsr;
	__u32 mxcsr_mask;
	__u32 st_space[32];	/* 8 x87 registers, 16 bytes each */
	__u32 xmm_space[64];	/* 16 XMM registers, 16 bytes each */
	__u32 reserved2[12];
	__u32 sw_reserved[12];	/* the xsave magic lives here; 0: fxsave only */
};

struct sigcontext {
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
	__u64 rip;
	__u64 eflags;
	__u16 cs;
	__u16 gs;
	__u16 fs;
	__u16 ss;
	__u64 err;
	__u64 trapno;
	__u64 oldmask;
	__u64 cr2;
	__u64 fpstate;		/* user address of a struct fpstate, 0: none */
	__u64 reserved1[8];
};

/* uc_flags */
#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4

struct ucontext {
	__u64 uc_flags;
	__u64 uc_link;
	struct sigaltstack uc_stack;
	struct sigcontext uc_mcontext;
	__u64 uc_sigmask;	/* sigset_t */
};

#endif /* _UAPI_ASM_SIGCONTEXT_H */
