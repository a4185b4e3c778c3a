// SPDX-License-Identifier: GPL-2.0
/*
 * User mode without a memory node or the pcache: tiny programs, written
 * below in assembly and copied into pages mapped by hand in a test
 * address space, make syscalls (good, unknown, with bad pointers), use
 * FS and SSE, and fault.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <asm/pgtable.h>
#include "process.h"

#define CODE_ADDR	0x400000UL
#define DATA_ADDR	0x600000UL	/* results, one u64 per step */
#define STACK_ADDR	0x7ff000UL

/*
 * The programs, position independent.  The syscall program stores each
 * result in the data page; the kernel-side test checks them.
 */
asm(".pushsection .rodata\n"
    ".globl user_prog_syscalls, user_prog_syscalls_end\n"
    "user_prog_syscalls:\n"
    /* 0: write(1, msg, 13) */
    "	movl $1, %eax\n"
    "	movl $1, %edi\n"
    "	leaq 9f(%rip), %rsi\n"
    "	movl $13, %edx\n"
    "	syscall\n"
    "	movq %rax, 0x600000\n"
    /* 1: an unknown number */
    "	movl $1000, %eax\n"
    "	syscall\n"
    "	movq %rax, 0x600008\n"
    /* 2: write from an unmapped user address */
    "	movl $1, %eax\n"
    "	movl $1, %edi\n"
    "	movl $0x10, %esi\n"
    "	movl $4, %edx\n"
    "	syscall\n"
    "	movq %rax, 0x600010\n"
    /* 3: write from a kernel address */
    "	movl $1, %eax\n"
    "	movl $1, %edi\n"
    "	movabsq $0xffffffff80000000, %rsi\n"
    "	movl $4, %edx\n"
    "	syscall\n"
    "	movq %rax, 0x600018\n"
    /* 4: uname() into the data page, then into the code page (read-only) */
    "	movl $63, %eax\n"
    "	movl $0x600100, %edi\n"
    "	syscall\n"
    "	movq %rax, 0x600020\n"
    "	movl $63, %eax\n"
    "	movl $0x400000, %edi\n"
    "	syscall\n"
    "	movq %rax, 0x600028\n"
    /* 6: arch_prctl(ARCH_SET_FS, data page), then a load through %fs */
    "	movl $158, %eax\n"
    "	movl $0x1002, %edi\n"
    "	movl $0x600000, %esi\n"
    "	syscall\n"
    "	movq %rax, 0x600030\n"
    "	movq %fs:0x100, %rax\n"	/* the first bytes of sysname */
    "	movq %rax, 0x600038\n"
    /* 8: SSE registers survive a syscall (and any switch) */
    "	movq $0x1234567890, %rax\n"
    "	movq %rax, %xmm3\n"
    "	movl $39, %eax\n"		/* getpid */
    "	syscall\n"
    "	movq %rax, 0x600040\n"
    "	movq %xmm3, %rax\n"
    "	movq %rax, 0x600048\n"
    /* exit_group(42) */
    "	movl $231, %eax\n"
    "	movl $42, %edi\n"
    "	syscall\n"
    "	ud2\n"
    "9:	.ascii \"user: hello!\\n\"\n"
    "user_prog_syscalls_end:\n"
    ".globl user_prog_segv, user_prog_segv_end\n"
    "user_prog_segv:\n"
    "	movq 0x10, %rax\n"
    "	ud2\n"
    "user_prog_segv_end:\n"
    ".globl user_prog_ud2, user_prog_ud2_end\n"
    "user_prog_ud2:\n"
    "	ud2\n"
    "user_prog_ud2_end:\n"
    ".globl user_prog_gp, user_prog_gp_end\n"
    "user_prog_gp:\n"
    "	hlt\n"
    "user_prog_gp_end:\n"
    ".globl user_prog_div, user_prog_div_end\n"
    "user_prog_div:\n"
    "	xorl %ecx, %ecx\n"
    "	divl %ecx\n"
    "user_prog_div_end:\n"
    ".globl user_prog_write_ro, user_prog_write_ro_end\n"
    "user_prog_write_ro:\n"
    "	movq %rax, 0x400000\n"
    "user_prog_write_ro_end:\n"
    ".popsection");

extern const char user_prog_syscalls[], user_prog_syscalls_end[];
extern const char user_prog_segv[], user_prog_segv_end[];
extern const char user_prog_ud2[], user_prog_ud2_end[];
extern const char user_prog_gp[], user_prog_gp_end[];
extern const char user_prog_div[], user_prog_div_end[];
extern const char user_prog_write_ro[], user_prog_write_ro_end[];

struct test_proc {
	struct process *p;
	void *code, *data, *stack;
};

static int map_page(struct mm_struct *mm, unsigned long addr, void *page,
		    u64 flags)
{
	u64 *pte;

	spin_lock(&mm->pt_lock);
	pte = mm_pte(mm, addr, true);
	if (pte)
		*pte = __pa(page) | _PAGE_PRESENT | _PAGE_USER | flags;
	spin_unlock(&mm->pt_lock);
	return pte ? 0 : -ENOMEM;
}

/* A local process running [start, end) from CODE_ADDR. */
static int test_proc_create(struct test_proc *t, const char *name,
			    const char *start, const char *end)
{
	memset(t, 0, sizeof(*t));
	t->p = process_alloc(name);
	t->code = (void *)get_zeroed_page(GFP_KERNEL);
	t->data = (void *)get_zeroed_page(GFP_KERNEL);
	t->stack = (void *)get_zeroed_page(GFP_KERNEL);
	if (!t->p || !t->code || !t->data || !t->stack)
		return -ENOMEM;
	t->p->local = true;
	memcpy(t->code, start, end - start);
	if (map_page(t->p->mm, CODE_ADDR, t->code, 0) ||
	    map_page(t->p->mm, DATA_ADDR, t->data, _PAGE_RW | _PAGE_NX) ||
	    map_page(t->p->mm, STACK_ADDR, t->stack, _PAGE_RW | _PAGE_NX))
		return -ENOMEM;
	t->p->entry = CODE_ADDR;
	t->p->sp = STACK_ADDR + PAGE_SIZE;
	return 0;
}

static void test_proc_destroy(struct test_proc *t)
{
	if (t->p)
		process_free(t->p);
	free_page((unsigned long)t->code);
	free_page((unsigned long)t->data);
	free_page((unsigned long)t->stack);
}

/* Run it to its end: the wait status (exit status << 8, or the signal). */
static int test_proc_run(struct test_proc *t)
{
	int ret = process_start(t->p);

	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&t->p->exited, 20 * HZ))
		return -ETIMEDOUT;
	return t->p->exit_signal ?: t->p->exit_status << 8;
}

SELFTEST(user_syscalls)
{
	struct test_proc t;
	u64 *res;
	int ret;

	ret = test_proc_create(&t, "/test/syscalls", user_prog_syscalls,
			       user_prog_syscalls_end);
	if (!ret)
		ret = test_proc_run(&t);
	res = t.data;
	if (ret == 42 << 8) {
		ret = 0;
		if (res[0] != 13 || res[1] != (u64)-ENOSYS ||
		    res[2] != (u64)-EFAULT || res[3] != (u64)-EFAULT ||
		    res[4] != 0 || res[5] != (u64)-EFAULT || res[6] != 0 ||
		    memcmp(&res[7], "Linux\0\0\0", 8) ||
		    res[8] != (u64)t.p->tgid || res[9] != 0x1234567890)
			ret = -EINVAL;
	}
	if (ret)
		pr_info("user_syscalls: status %d, results %lld %lld %lld %lld %lld %lld %lld %#llx %lld %#llx\n",
			ret, res[0], res[1], res[2], res[3], res[4], res[5],
			res[6], res[7], res[8], res[9]);
	test_proc_destroy(&t);
	ST_EQ(ret, 0);
	return 0;
}

/* Each faulting program is killed with its signal; the kernel goes on. */
SELFTEST(user_faults)
{
	static const struct {
		const char *name, *start, *end;
		int sig;
	} progs[] = {
		{ "/test/segv", user_prog_segv, user_prog_segv_end, SIGSEGV },
		{ "/test/ud2", user_prog_ud2, user_prog_ud2_end, SIGILL },
		{ "/test/gp", user_prog_gp, user_prog_gp_end, SIGSEGV },
		{ "/test/div", user_prog_div, user_prog_div_end, SIGFPE },
		{ "/test/write_ro", user_prog_write_ro, user_prog_write_ro_end,
		  SIGSEGV },
	};
	struct test_proc t;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		ret = test_proc_create(&t, progs[i].name, progs[i].start,
				       progs[i].end);
		if (!ret)
			ret = test_proc_run(&t);
		test_proc_destroy(&t);
		if (ret != progs[i].sig)
			return selftest_fail("%s: status %d, expected signal %d",
					     progs[i].name, ret, progs[i].sig);
	}
	return 0;
}
