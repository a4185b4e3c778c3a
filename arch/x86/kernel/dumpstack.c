// SPDX-License-Identifier: GPL-2.0
/*
 * Oops output: registers, raw stack, and a call trace symbolized from the
 * embedded kallsyms table by walking frame pointers.
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/bug.h>
#include <tessera/kallsyms.h>
#include <tessera/sched.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/stacktrace.h>
#include <asm/traps.h>

#define MAX_TRACE_DEPTH	64

static int die_counter;

/* Is [p, p+len) inside the THREAD_SIZE-aligned stack containing rsp? */
static bool on_stack(unsigned long rsp, unsigned long p, unsigned long len)
{
	unsigned long lo = ALIGN_DOWN(rsp, THREAD_SIZE);

	return p >= lo && p + len <= lo + THREAD_SIZE && p + len > p;
}

noinline unsigned int save_stack_trace(unsigned long rip, unsigned long rbp,
			      unsigned long rsp, unsigned long *entries,
			      unsigned int max)
{
	unsigned int n = 0;

	if (rip && n < max)
		entries[n++] = rip;
	/*
	 * Each frame is {saved rbp, return address}.  Frames must move up
	 * the same stack, so a corrupt chain ends the walk instead of
	 * faulting.
	 */
	while (n < max && rbp && IS_ALIGNED(rbp, 8) &&
	       on_stack(rsp, rbp, 2 * sizeof(long))) {
		unsigned long *frame = (unsigned long *)rbp;
		unsigned long ret = frame[1];

		if (!ret)
			break;
		entries[n++] = ret;
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	return n;
}

static bool is_text_address(unsigned long addr)
{
	return addr >= (unsigned long)_text && addr < (unsigned long)_etext;
}

void show_trace(unsigned long rip, unsigned long rbp, unsigned long rsp)
{
	unsigned long entries[MAX_TRACE_DEPTH], top;
	unsigned int i, n;

	n = save_stack_trace(rip, rbp, rsp, entries, MAX_TRACE_DEPTH);
	printk(KERN_EMERG "Call Trace:\n");
	/*
	 * GCC builds leaf functions that need no stack without a frame, so
	 * when rip is in one, its caller is only the word at the top of the
	 * stack.  Show it, marked '?' as a guess, like Linux does.
	 */
	top = rip && on_stack(rsp, rsp, 8) ? *(unsigned long *)rsp : 0;
	if (is_text_address(top) && (n < 2 || entries[1] != top)) {
		char sym[KSYM_NAME_LEN + 32];

		sprint_backtrace(sym, sizeof(sym), top);
		if (n)
			printk(KERN_EMERG " [<%016lx>] %pS\n", entries[0],
			       (void *)entries[0]);
		printk(KERN_EMERG " [<%016lx>] ? %s\n", top, sym);
		for (i = 1; i < n; i++) {
			sprint_backtrace(sym, sizeof(sym), entries[i]);
			printk(KERN_EMERG " [<%016lx>] %s\n", entries[i], sym);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		char sym[KSYM_NAME_LEN + 32];

		/* Only the first entry (rip) is not a return address. */
		if (i == 0 && rip)
			sprint_symbol(sym, sizeof(sym), entries[i]);
		else
			sprint_backtrace(sym, sizeof(sym), entries[i]);
		printk(KERN_EMERG " [<%016lx>] %s\n", entries[i], sym);
	}
}

void dump_stack(void)
{
	unsigned long rbp, rsp;

	asm volatile("movq %%rbp, %0; movq %%rsp, %1" : "=r"(rbp), "=r"(rsp));
	show_trace(0, rbp, rsp);
}

static void show_stack_words(unsigned long rsp)
{
	unsigned long *p = (unsigned long *)rsp;
	int i;

	printk(KERN_EMERG "Stack:\n");
	for (i = 0; i < 12 && on_stack(rsp, (unsigned long)&p[i], 8); i += 3)
		printk(KERN_EMERG " %016lx %016lx %016lx\n", p[i],
		       on_stack(rsp, (unsigned long)&p[i + 1], 8) ? p[i + 1] : 0,
		       on_stack(rsp, (unsigned long)&p[i + 2], 8) ? p[i + 2] : 0);
}

void show_regs(const struct pt_regs *regs)
{
	printk(KERN_EMERG "RIP: %04lx:%pS\n", regs->cs, (void *)regs->rip);
	printk(KERN_EMERG "RSP: %04lx:%016lx EFLAGS: %08lx\n", regs->ss,
	       regs->rsp, regs->rflags);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n",
	       regs->rax, regs->rbx, regs->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n",
	       regs->rdx, regs->rsi, regs->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n",
	       regs->rbp, regs->r8, regs->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n",
	       regs->r10, regs->r11, regs->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n",
	       regs->r13, regs->r14, regs->r15);
	printk(KERN_EMERG "CR0: %016lx CR2: %016lx CR3: %016lx\n",
	       read_cr0(), read_cr2(), read_cr3());
	printk(KERN_EMERG "CR4: %016lx\n", read_cr4());
}

void die(const char *str, struct pt_regs *regs, unsigned long err)
{
	oops_in_progress++;
	printk(KERN_EMERG "%s: %04lx [#%d] CPU: %d PID: %d Comm: %s\n", str,
	       err & 0xffff, ++die_counter, raw_smp_processor_id(),
	       current->pid, current->comm);
	show_regs(regs);
	if (!user_mode(regs)) {
		show_stack_words(regs->rsp);
		show_trace(regs->rip, regs->rbp, regs->rsp);
	}
	printk(KERN_EMERG "---[ end trace %04x ]---\n", die_counter);
	panic("Fatal exception");
}

#ifdef CONFIG_SELFTEST
static unsigned long st_entries[16];
static unsigned int st_nr;

static noinline void st_trace_leaf(void)
{
	unsigned long rbp, rsp;

	asm volatile("movq %%rbp, %0; movq %%rsp, %1" : "=r"(rbp), "=r"(rsp));
	st_nr = save_stack_trace(0, rbp, rsp, st_entries, ARRAY_SIZE(st_entries));
	barrier();
}

static noinline void st_trace_middle(void)
{
	st_trace_leaf();
	barrier();
}

static bool st_trace_has(const char *fn)
{
	char buf[KSYM_NAME_LEN + 32];
	unsigned int i;

	for (i = 0; i < st_nr; i++) {
		sprint_backtrace(buf, sizeof(buf), st_entries[i]);
		if (!strncmp(buf, fn, strlen(fn)) && buf[strlen(fn)] == '+')
			return true;
	}
	return false;
}

SELFTEST(stacktrace_frame_pointers)
{
	st_trace_middle();
	ST_ASSERT(st_nr >= 3);
	ST_ASSERT(st_trace_has("st_trace_middle"));
	ST_ASSERT(st_trace_has("__selftest_fn_stacktrace_frame_pointers"));
	ST_ASSERT(st_trace_has("selftest_run_requested"));
	return 0;
}
#endif
