// SPDX-License-Identifier: GPL-2.0
/*
 * The architecture side of task creation.
 */
#include <tessera/kernel.h>
#include <tessera/sched.h>
#include <asm/switch_to.h>

/* The frame __switch_to_asm() pops before "returning" to ret_from_kthread. */
struct fork_frame {
	unsigned long r15, r14, r13, r12, rbx, rbp;
	unsigned long ret_addr;
};

void copy_thread(struct task_struct *p, int (*fn)(void *), void *arg)
{
	/*
	 * 16 bytes of headroom under the top keep the stack 16-byte aligned
	 * at ret_from_kthread's calls, as the ABI wants.
	 */
	struct fork_frame *frame =
		(struct fork_frame *)(task_stack_top(p) - 16) - 1;

	BUILD_BUG_ON(sizeof(*frame) % 16 != 8);
	*frame = (struct fork_frame) {
		.rbx = (unsigned long)fn,
		.r12 = (unsigned long)arg,
		.rbp = 0,
		.ret_addr = (unsigned long)ret_from_kthread,
	};
	p->thread.sp = (unsigned long)frame;
}
