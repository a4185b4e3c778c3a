// SPDX-License-Identifier: GPL-2.0
/*
 * User mode without a memory node or the pcache: tiny programs, written
 * below in assembly and copied into pages mapped by hand in a test
 * address space, make syscalls (good, unknown, with bad pointers), use
 * FS and SSE, and fault.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/gfp.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/pgtable.h>
#include <uapi/linux/wait.h>
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
	t->p = process_alloc(name, NULL);
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
		/* Each of these signals dumps core: WCOREFLAG. */
		if (ret != (progs[i].sig | WCOREFLAG))
			return selftest_fail("%s: status %#x, expected signal %d with core",
					     progs[i].name, ret, progs[i].sig);
	}
	return 0;
}

/*
 * Two processes share a pipe (fd 3 of each, installed by hand): the
 * reader polls and reads before anything is written, so both sleep until
 * the writer (after a 100 ms nanosleep) writes; its exit then ends the
 * reader's second read with end of file.
 */
asm(".pushsection .rodata\n"
    ".globl user_prog_pipe_reader, user_prog_pipe_reader_end\n"
    "user_prog_pipe_reader:\n"
    "	movl $7, %eax\n"		/* poll(data + 0x200, 1, -1) */
    "	movl $0x600200, %edi\n"
    "	movl $1, %esi\n"
    "	movl $-1, %edx\n"
    "	syscall\n"
    "	movq %rax, 0x600000\n"
    "	xorl %eax, %eax\n"		/* read(3, data + 0x100, 64) */
    "	movl $3, %edi\n"
    "	movl $0x600100, %esi\n"
    "	movl $64, %edx\n"
    "	syscall\n"
    "	movq %rax, 0x600008\n"
    "	xorl %eax, %eax\n"		/* read(3, data + 0x140, 64): EOF */
    "	movl $3, %edi\n"
    "	movl $0x600140, %esi\n"
    "	movl $64, %edx\n"
    "	syscall\n"
    "	movq %rax, 0x600010\n"
    "	movl $231, %eax\n"
    "	xorl %edi, %edi\n"
    "	syscall\n"
    "	ud2\n"
    "user_prog_pipe_reader_end:\n"
    ".globl user_prog_pipe_writer, user_prog_pipe_writer_end\n"
    "user_prog_pipe_writer:\n"
    "	movl $35, %eax\n"		/* nanosleep(data + 0x200, NULL) */
    "	movl $0x600200, %edi\n"
    "	xorl %esi, %esi\n"
    "	syscall\n"
    "	movl $1, %eax\n"		/* write(3, "hello", 5) */
    "	movl $3, %edi\n"
    "	leaq 9f(%rip), %rsi\n"
    "	movl $5, %edx\n"
    "	syscall\n"
    "	movq %rax, 0x600000\n"
    "	movl $35, %eax\n"		/* nanosleep again, then exit */
    "	movl $0x600200, %edi\n"
    "	xorl %esi, %esi\n"
    "	syscall\n"
    "	movl $231, %eax\n"
    "	xorl %edi, %edi\n"
    "	syscall\n"
    "	ud2\n"
    "9:	.ascii \"hello\"\n"
    "user_prog_pipe_writer_end:\n"
    ".popsection");

extern const char user_prog_pipe_reader[], user_prog_pipe_reader_end[];
extern const char user_prog_pipe_writer[], user_prog_pipe_writer_end[];

SELFTEST(user_pipe)
{
	struct test_proc r = { 0 }, w = { 0 };
	struct file *rd, *wr;
	char *rdata, *wdata;
	u64 *rres, *wres;
	int ret;

	ret = test_proc_create(&r, "/test/pipe-reader", user_prog_pipe_reader,
			       user_prog_pipe_reader_end);
	if (!ret)
		ret = test_proc_create(&w, "/test/pipe-writer",
				       user_prog_pipe_writer,
				       user_prog_pipe_writer_end);
	if (!ret)
		ret = pipe_create(&rd, &wr, 0);
	if (ret) {
		test_proc_destroy(&r);
		test_proc_destroy(&w);
		return selftest_fail("setting up: %d", ret);
	}
	r.p->files->fd[3] = rd;
	w.p->files->fd[3] = wr;
	rdata = r.data;
	wdata = w.data;
	rres = r.data;
	wres = w.data;
	/* The reader's struct pollfd { 3, POLLIN }, the writer's timespec. */
	*(s32 *)(rdata + 0x200) = 3;
	*(s16 *)(rdata + 0x204) = 1;
	((u64 *)(wdata + 0x200))[1] = 100 * NSEC_PER_MSEC;
	ret = process_start(r.p);
	if (!ret)
		ret = process_start(w.p);
	if (!ret && (!wait_for_completion_timeout(&r.p->exited, 20 * HZ) ||
		     !wait_for_completion_timeout(&w.p->exited, 20 * HZ)))
		ret = -ETIMEDOUT;
	if (!ret && (r.p->exit_status || r.p->exit_signal ||
		     w.p->exit_status || w.p->exit_signal))
		ret = -ECHILD;
	if (!ret && (rres[0] != 1 || *(s16 *)(rdata + 0x206) != 1 ||
		     rres[1] != 5 || memcmp(rdata + 0x100, "hello", 5) ||
		     rres[2] != 0 || wres[0] != 5))
		ret = -EINVAL;
	if (ret)
		pr_info("user_pipe: %d: poll %lld revents %#x, read %lld, read %lld, write %lld\n",
			ret, rres[0], *(s16 *)(rdata + 0x206), rres[1],
			rres[2], wres[0]);
	test_proc_destroy(&r);
	test_proc_destroy(&w);
	ST_EQ(ret, 0);
	return 0;
}

#ifdef CONFIG_FIT_LOOPBACK
/* ------------------------------------------------------------------------
 * The whole path over FIT's loopback transport: this node plays the
 * memory node with a fake that knows one program and one file.  exec,
 * page faults through the pcache (code, stack, zero-filled data),
 * uaccess faulting pages in, open/read/fstat, brk, mmap and munmap,
 * /proc/pcache, and a segfault on the unmapped range at the end.
 */
#define FAKE_STACK_PAGE	0x7ff000UL
#define FAKE_SP		(FAKE_STACK_PAGE + 0x800)
#define FAKE_BRK	0x602000UL
#define FAKE_MMAP_BASE	0x10000000UL
#define FAKE_HANDLE	77
#define FAKE_MAX_VMAS	8

asm(".pushsection .rodata\n"
    ".globl user_prog_exec, user_prog_exec_end\n"
    "user_prog_exec:\n"
    "	movl $1, %edi\n"
    "	cmpq $2, (%rsp)\n"			/* argc */
    "	jne 8f\n"
    "	movl $1, %eax\n"			/* write(1, argv[1], 9) */
    "	movl $1, %edi\n"
    "	movq 16(%rsp), %rsi\n"
    "	movl $9, %edx\n"
    "	syscall\n"
    "	movl $2, %edi\n"
    "	cmpq $9, %rax\n"
    "	jne 8f\n"
    "	movl $2, %eax\n"			/* open("/etc/motd", O_RDONLY) */
    "	leaq 9f(%rip), %rdi\n"
    "	xorl %esi, %esi\n"
    "	syscall\n"
    "	movl $3, %edi\n"
    "	cmpq $3, %rax\n"
    "	jne 8f\n"
    "	xorl %eax, %eax\n"			/* read(3, untouched page, 64) */
    "	movl $3, %edi\n"
    "	movl $0x600000, %esi\n"
    "	movl $64, %edx\n"
    "	syscall\n"
    "	movl $4, %edi\n"
    "	cmpq $13, %rax\n"
    "	jne 8f\n"
    "	movq %rax, %rdx\n"			/* write(1, it, 13) */
    "	movl $1, %eax\n"
    "	movl $1, %edi\n"
    "	movl $0x600000, %esi\n"
    "	syscall\n"
    "	movl $5, %edi\n"
    "	cmpq $13, %rax\n"
    "	jne 8f\n"
    "	movl $12, %eax\n"			/* brk(0), brk(+8192) */
    "	xorl %edi, %edi\n"
    "	syscall\n"
    "	movq %rax, %rbx\n"
    "	leaq 8192(%rax), %rdi\n"
    "	movl $12, %eax\n"
    "	syscall\n"
    "	leaq 8192(%rbx), %rcx\n"
    "	movl $6, %edi\n"
    "	cmpq %rcx, %rax\n"
    "	jne 8f\n"
    "	movb $0x5a, 4096(%rbx)\n"		/* the new heap page */
    "	movl $7, %edi\n"
    "	cmpb $0x5a, 4096(%rbx)\n"
    "	jne 8f\n"
    "	movl $9, %eax\n"			/* mmap(0, 8192, RW, PRIVATE|ANON) */
    "	xorl %edi, %edi\n"
    "	movl $8192, %esi\n"
    "	movl $3, %edx\n"
    "	movl $0x22, %r10d\n"
    "	movq $-1, %r8\n"
    "	xorl %r9d, %r9d\n"
    "	syscall\n"
    "	movq %rax, %r12\n"
    "	movl $8, %edi\n"
    "	cmpq $0x10000000, %rax\n"
    "	jne 8f\n"
    "	movq $0x1122, 4096(%r12)\n"
    "	movl $9, %edi\n"
    "	cmpq $0x1122, 4096(%r12)\n"
    "	jne 8f\n"
    "	movl $5, %eax\n"			/* fstat(1, data page + 0x100) */
    "	movl $1, %edi\n"
    "	movl $0x600100, %esi\n"
    "	syscall\n"
    "	movl $10, %edi\n"
    "	testq %rax, %rax\n"
    "	jne 8f\n"
    "	movl 0x600118, %eax\n"			/* st_mode */
    "	andl $0170000, %eax\n"
    "	movl $11, %edi\n"
    "	cmpl $0020000, %eax\n"
    "	jne 8f\n"
    "	movl $2, %eax\n"			/* open("/proc/pcache", O_RDONLY) */
    "	leaq 7f(%rip), %rdi\n"
    "	xorl %esi, %esi\n"
    "	syscall\n"
    "	movl $14, %edi\n"
    "	cmpq $4, %rax\n"
    "	jne 8f\n"
    "	xorl %eax, %eax\n"			/* read(4, data + 0x200, 64) */
    "	movl $4, %edi\n"
    "	movl $0x600200, %esi\n"
    "	movl $64, %edx\n"
    "	syscall\n"
    "	movl $15, %edi\n"
    "	cmpq $64, %rax\n"
    "	jne 8f\n"
    "	movq %rax, %rdx\n"			/* write(1, it, 64) */
    "	movl $1, %eax\n"
    "	movl $1, %edi\n"
    "	movl $0x600200, %esi\n"
    "	syscall\n"
    "	movl $1, %eax\n"			/* and a newline */
    "	movl $1, %edi\n"
    "	leaq 6f(%rip), %rsi\n"
    "	movl $1, %edx\n"
    "	syscall\n"
    "	movl $11, %eax\n"			/* munmap(it, 8192) */
    "	movq %r12, %rdi\n"
    "	movl $8192, %esi\n"
    "	syscall\n"
    "	movl $12, %edi\n"
    "	testq %rax, %rax\n"
    "	jne 8f\n"
    "	movq 4096(%r12), %rax\n"		/* gone: killed here */
    "	movl $13, %edi\n"
    "8:	movl $231, %eax\n"
    "	syscall\n"
    "6:	.ascii \"\\n\"\n"
    "7:	.asciz \"/proc/pcache\"\n"
    "9:	.asciz \"/etc/motd\"\n"
    "user_prog_exec_end:\n"
    ".globl user_prog_down, user_prog_down_end\n"
    "user_prog_down:\n"
    "	movl $2, %eax\n"			/* open("/etc/down", O_RDONLY) */
    "	leaq 9f(%rip), %rdi\n"
    "	xorl %esi, %esi\n"
    "	syscall\n"
    "	xorl %edi, %edi\n"			/* never reached: exit_group(0) */
    "	movl $231, %eax\n"
    "	syscall\n"
    "9:	.asciz \"/etc/down\"\n"
    "user_prog_down_end:\n"
    ".popsection");

extern const char user_prog_exec[], user_prog_exec_end[];
extern const char user_prog_down[], user_prog_down_end[];

static struct {
	spinlock_t lock;
	struct mp_vma vmas[FAKE_MAX_VMAS];
	unsigned int nr_vmas;
	u64 brk;
	u32 tgid;
	const char *code, *code_end;	/* the program exec'd */
	unsigned int nr_exec, nr_exit, nr_miss, nr_mmap, nr_munmap, nr_open,
		     nr_close, nr_brk;
} fake;

static bool fake_add_vma(u64 start, u64 end, u32 prot, u32 flags)
{
	if (fake.nr_vmas == FAKE_MAX_VMAS)
		return false;
	fake.vmas[fake.nr_vmas++] = (struct mp_vma) {
		.start = start, .end = end, .prot = prot, .flags = flags,
	};
	return true;
}

static struct mp_vma *fake_find_vma(u64 addr)
{
	unsigned int i;

	for (i = 0; i < fake.nr_vmas; i++)
		if (addr >= fake.vmas[i].start && addr < fake.vmas[i].end)
			return &fake.vmas[i];
	return NULL;
}

static int fake_exec(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	const struct mp_exec_req *r = req;
	const char *s = (const char *)(r + 1);
	struct mp_exec_reply *out = reply;

	if (len < sizeof(*r) || len != sizeof(*r) + r->strings_len ||
	    !r->strings_len || s[r->strings_len - 1])
		return -ENOEXEC;
	if (!strcmp(s, "/test/exec")) {
		fake.code = user_prog_exec;
		fake.code_end = user_prog_exec_end;
	} else if (!strcmp(s, "/test/down")) {
		fake.code = user_prog_down;
		fake.code_end = user_prog_down_end;
	} else {
		return -ENOENT;
	}
	if (max < sizeof(*out) + 3 * sizeof(struct mp_vma))
		return -EMSGSIZE;
	spin_lock(&fake.lock);
	fake.nr_exec++;
	fake.tgid = r->tgid;
	fake.nr_vmas = 0;
	fake.brk = FAKE_BRK;
	fake_add_vma(CODE_ADDR, CODE_ADDR + PAGE_SIZE,
		     MP_PROT_READ | MP_PROT_EXEC, MP_VMA_FILE);
	fake_add_vma(DATA_ADDR, FAKE_BRK, MP_PROT_READ | MP_PROT_WRITE,
		     MP_VMA_ANON);
	fake_add_vma(FAKE_STACK_PAGE - 15 * PAGE_SIZE,
		     FAKE_STACK_PAGE + PAGE_SIZE,
		     MP_PROT_READ | MP_PROT_WRITE, MP_VMA_ANON | MP_VMA_STACK);
	memcpy(out + 1, fake.vmas, 3 * sizeof(struct mp_vma));
	spin_unlock(&fake.lock);
	out->entry = CODE_ADDR;
	out->sp = FAKE_SP;
	out->brk = FAKE_BRK;
	out->nr_vmas = 3;
	out->reserved = 0;
	return sizeof(*out) + 3 * sizeof(struct mp_vma);
}

/* argc, argv[0], argv[1], NULL, envp NULL, AT_NULL; then the strings. */
static void fake_stack_page(u8 *page)
{
	u64 *sp = (u64 *)(page + (FAKE_SP - FAKE_STACK_PAGE));
	static const char strings[] = "/test/exec\0argv-one\n";

	memcpy(page + 0xc00, strings, sizeof(strings));
	sp[0] = 2;
	sp[1] = FAKE_STACK_PAGE + 0xc00;
	sp[2] = FAKE_STACK_PAGE + 0xc00 + 11;
}

static int fake_miss(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	const struct mp_miss_req *r = req;
	struct mp_miss_reply *out = reply;
	u64 page = r->addr & PAGE_MASK;
	struct mp_vma *v;
	bool heap;
	u32 prot;

	if (len < sizeof(*r) || max < sizeof(*out) + PAGE_SIZE)
		return -EINVAL;
	spin_lock(&fake.lock);
	fake.nr_miss++;
	v = fake_find_vma(page);
	heap = page >= FAKE_BRK && page < PAGE_ALIGN(fake.brk);
	prot = v ? v->prot : MP_PROT_READ | MP_PROT_WRITE;
	spin_unlock(&fake.lock);
	if (!v && !heap)
		return -EFAULT;
	out->prot = prot;
	if (page != CODE_ADDR && page != FAKE_STACK_PAGE) {
		out->fill = MP_FILL_ZERO;
		return sizeof(*out);
	}
	out->fill = 0;
	memset(out + 1, 0, PAGE_SIZE);
	if (page == CODE_ADDR)
		memcpy(out + 1, fake.code, fake.code_end - fake.code);
	else
		fake_stack_page((u8 *)(out + 1));
	return sizeof(*out) + PAGE_SIZE;
}

static int fake_writeback(u32 node, const void *req, size_t len, void *reply,
			  size_t max, void *priv)
{
	return 0;	/* nothing is evicted from a 64 MiB pcache here */
}

static int fake_exit(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	spin_lock(&fake.lock);
	fake.nr_exit++;
	fake.nr_vmas = 0;
	spin_unlock(&fake.lock);
	return 0;
}

static int fake_brk(u32 node, const void *req, size_t len, void *reply,
		    size_t max, void *priv)
{
	const struct mp_brk_req *r = req;

	spin_lock(&fake.lock);
	fake.nr_brk++;
	if (r->brk >= FAKE_BRK && r->brk < FAKE_MMAP_BASE)
		fake.brk = r->brk;
	*(u64 *)reply = fake.brk;
	spin_unlock(&fake.lock);
	return sizeof(u64);
}

static int fake_mmap(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	const struct mp_mmap_req *r = req;
	struct mp_addr_reply *out = reply;
	int ret = sizeof(*out);

	if (r->fd_handle || r->addr || r->len != 2 * PAGE_SIZE)
		return -EINVAL;
	spin_lock(&fake.lock);
	fake.nr_mmap++;
	if (!fake_add_vma(FAKE_MMAP_BASE, FAKE_MMAP_BASE + r->len, r->prot,
			  MP_VMA_ANON))
		ret = -ENOMEM;
	else
		out->vma = fake.vmas[fake.nr_vmas - 1];
	spin_unlock(&fake.lock);
	out->addr = FAKE_MMAP_BASE;
	return ret;
}

static int fake_munmap(u32 node, const void *req, size_t len, void *reply,
		       size_t max, void *priv)
{
	const struct mp_range_req *r = req;
	struct mp_vma *v;
	int ret = -EINVAL;

	spin_lock(&fake.lock);
	fake.nr_munmap++;
	v = fake_find_vma(r->addr);
	if (v && v->start == r->addr && v->end == r->addr + r->len) {
		*v = fake.vmas[--fake.nr_vmas];
		ret = 0;
	}
	spin_unlock(&fake.lock);
	return ret;
}

static int fake_open(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	const struct mp_open_req *r = req;
	struct mp_open_reply *out = reply;

	if (len != sizeof(*r) + r->path_len || r->path_len != 9)
		return -ENOENT;
	/* As if the memory node had just died. */
	if (!memcmp(r + 1, "/etc/down", 9))
		return -EHOSTDOWN;
	if (memcmp(r + 1, "/etc/motd", 9))
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->handle = FAKE_HANDLE;
	out->st.size = 13;
	out->st.mode = 0100644;
	out->st.nlink = 1;
	spin_lock(&fake.lock);
	fake.nr_open++;
	spin_unlock(&fake.lock);
	return sizeof(*out);
}

static int fake_pread(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	static const char motd[13] = "hello from M\n";
	const struct mp_pread_req *r = req;
	size_t n;

	if (r->handle != FAKE_HANDLE)
		return -EBADF;
	if (r->offset >= sizeof(motd))
		return 0;
	n = min((size_t)r->len, sizeof(motd) - (size_t)r->offset);
	if (n > max)
		return -EMSGSIZE;
	memcpy(reply, motd + r->offset, n);
	return n;
}

static int fake_close(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	if (len != sizeof(u64) || *(const u64 *)req != FAKE_HANDLE)
		return -EBADF;
	spin_lock(&fake.lock);
	fake.nr_close++;
	spin_unlock(&fake.lock);
	return 0;
}

static const struct {
	u16 op;
	fit_handler_t fn;
} fake_ops[] = {
	{ MEMOP_EXEC, fake_exec }, { MEMOP_EXIT, fake_exit },
	{ MEMOP_MISS, fake_miss }, { MEMOP_WRITEBACK, fake_writeback },
	{ MEMOP_BRK, fake_brk }, { MEMOP_MMAP, fake_mmap },
	{ MEMOP_MUNMAP, fake_munmap }, { MEMOP_OPEN, fake_open },
	{ MEMOP_PREAD, fake_pread }, { MEMOP_CLOSE, fake_close },
};

SELFTEST(user_exec_loopback)
{
	static char *const argv[] = { "/test/exec", "argv-one" };
	static char *const argv_down[] = { "/test/down" };
	unsigned int i, n;
	int ret = 0, ret_down = 0;

	memset(&fake, 0, sizeof(fake));
	spin_lock_init(&fake.lock);
	for (n = 0; n < ARRAY_SIZE(fake_ops) && !ret; n++)
		ret = fit_register_handler(fake_ops[n].op, fake_ops[n].fn, NULL);
	if (!ret)
		ret = process_run(fit_self_id(), argv[0], argv, 2, NULL, 0);
	if (ret >= 0)
		ret_down = process_run(fit_self_id(), argv_down[0], argv_down,
				       1, NULL, 0);
	for (i = 0; i < n; i++)
		fit_unregister_handler(fake_ops[i].op);
	/* Every step passed: killed on the page it unmapped last. */
	ST_EQ(ret, SIGSEGV | WCOREFLAG);
	/* A memory node that stops answering kills the process. */
	ST_EQ(ret_down, SIGKILL);
	ST_EQ(fake.nr_exec, 2);
	ST_EQ(fake.nr_exit, 2);
	ST_EQ(fake.nr_open, 1);
	ST_EQ(fake.nr_close, 1);	/* fd 3, closed at exit */
	ST_EQ(fake.nr_mmap, 1);
	ST_EQ(fake.nr_munmap, 1);
	ST_EQ(fake.nr_brk, 2);
	ST_ASSERT(fake.nr_miss >= 5);	/* code, stack, data, heap, mmap */
	return 0;
}
#endif /* CONFIG_FIT_LOOPBACK */
