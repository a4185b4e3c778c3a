// SPDX-License-Identifier: GPL-2.0
/*
 * The IDT and the C side of exception entry: fixups for instructions that
 * may fault, the oops for those that may not.
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/bug.h>
#include <tessera/interrupt.h>
#include <tessera/hardirq.h>
#include <tessera/process.h>
#include <tessera/selftest.h>
#include <tessera/user_mm.h>
#include <asm/expected_fault.h>
#include <asm/extable.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/stacktrace.h>
#include <asm/traps.h>

struct idt_entry {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

static struct idt_entry idt[NR_VECTORS] __aligned(16);
extern const char vector_stubs[];

unsigned long nr_breakpoints;

static const char *const exception_names[FIRST_EXTERNAL_VECTOR] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "NMI",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[9] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "SIMD exception",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection",
	[X86_TRAP_VC] = "VMM communication",
	[X86_TRAP_SX] = "security exception",
};

static void set_gate(unsigned int vec, unsigned int ist, unsigned int dpl)
{
	unsigned long addr = (unsigned long)vector_stubs + vec * 16;
	struct idt_entry *e = &idt[vec];

	e->offset_low = addr & 0xffff;
	e->offset_mid = (addr >> 16) & 0xffff;
	e->offset_high = addr >> 32;
	e->selector = __KERNEL_CS;
	e->ist = ist;
	e->type_attr = 0x80 | (dpl << 5) | 0xe;	/* present, interrupt gate */
	e->reserved = 0;
}

void idt_init(void)
{
	unsigned int v;

	for (v = 0; v < NR_VECTORS; v++)
		set_gate(v, 0, 0);
	set_gate(X86_TRAP_DF, IST_DF, 0);
	set_gate(X86_TRAP_NMI, IST_NMI, 0);
	set_gate(X86_TRAP_MC, IST_MC, 0);
	set_gate(X86_TRAP_BP, 0, 3);		/* int3 allowed from user mode */
	idt_load();
}

/* Load the (shared) IDT on this CPU. */
void idt_load(void)
{
	struct { u16 limit; u64 base; } __packed desc;

	desc.limit = sizeof(idt) - 1;
	desc.base = (u64)idt;
	asm volatile("lidt %0" : : "m"(desc));
}

static void page_fault_oops(struct pt_regs *regs, unsigned long address)
{
	unsigned long err = regs->error_code;

	if (address < PAGE_SIZE)
		pr_alert("BUG: kernel NULL pointer dereference, address: %016lx\n",
			 address);
	else
		pr_alert("BUG: unable to handle page fault for address: %016lx\n",
			 address);
	pr_alert("#PF: %s %s in %s mode\n",
		 (err & X86_PF_USER) ? "user" : "supervisor",
		 (err & X86_PF_INSTR) ? "instruction fetch" :
		 (err & X86_PF_WRITE) ? "write access" : "read access",
		 user_mode(regs) ? "user" : "kernel");
	pr_alert("#PF: error_code(0x%04lx) - %s\n", err,
		 (err & X86_PF_RSVD) ? "reserved bit violation" :
		 (err & X86_PF_PROT) ? "permissions violation" :
		 "not-present page");
	die("Oops", regs, err);
}

#ifdef CONFIG_SELFTEST
/* See asm/expected_fault.h. */
asm(".pushsection .text\n"
    ".globl __fault_setjmp\n"
    ".type __fault_setjmp, @function\n"
    "__fault_setjmp:\n"
    "	movq %rbx, 0(%rdi)\n"
    "	movq %rbp, 8(%rdi)\n"
    "	movq %r12, 16(%rdi)\n"
    "	movq %r13, 24(%rdi)\n"
    "	movq %r14, 32(%rdi)\n"
    "	movq %r15, 40(%rdi)\n"
    "	leaq 8(%rsp), %rax\n"		/* rsp once we have returned */
    "	movq %rax, 48(%rdi)\n"
    "	movq (%rsp), %rax\n"		/* the return address */
    "	movq %rax, 56(%rdi)\n"
    "	xorl %eax, %eax\n"
    "	ret\n"
    ".size __fault_setjmp, . - __fault_setjmp\n"
    ".popsection");

static struct expected_fault *expected_fault;

void __expect_page_fault(struct expected_fault *ef, unsigned long address)
{
	ef->address = address;
	ef->error_code = 0;
	ef->ip = 0;
	WRITE_ONCE(expected_fault, ef);
}

void cancel_expected_fault(void)
{
	WRITE_ONCE(expected_fault, NULL);
}

/* The fault a self-test asked for: record it, "return" from the setjmp. */
static bool handle_expected_fault(struct pt_regs *regs, unsigned long address)
{
	struct expected_fault *ef = READ_ONCE(expected_fault);

	if (!ef || user_mode(regs) || address != ef->address)
		return false;
	WRITE_ONCE(expected_fault, NULL);
	ef->error_code = regs->error_code;
	ef->ip = regs->rip;
	regs->rbx = ef->jmp.rbx;
	regs->rbp = ef->jmp.rbp;
	regs->r12 = ef->jmp.r12;
	regs->r13 = ef->jmp.r13;
	regs->r14 = ef->jmp.r14;
	regs->r15 = ef->jmp.r15;
	regs->rsp = ef->jmp.rsp;
	regs->rip = ef->jmp.rip;
	regs->rax = 1;
	return true;
}
#else
static inline bool handle_expected_fault(struct pt_regs *regs,
					 unsigned long address)
{
	return false;
}
#endif

static void do_page_fault(struct pt_regs *regs)
{
	unsigned long address = read_cr2();

	if (user_mode(regs)) {
		local_irq_enable();
		user_page_fault(regs, address);
		return;
	}
	if (handle_expected_fault(regs, address))
		return;
	/* uaccess on a user page that is not in the pcache yet. */
	if (address < TASK_SIZE && search_exception_tables(regs->rip) &&
	    uaccess_page_fault(regs, address))
		return;
	if (fixup_exception(regs))
		return;
	page_fault_oops(regs, address);
}

void do_trap(struct pt_regs *regs)
{
	unsigned long vec = regs->vector;

	/*
	 * An exception keeps EFLAGS.AC: a fault inside a user access
	 * (stac) must not run its handler, nor whatever that schedules,
	 * with SMAP open.  iret restores the interrupted code's AC.
	 */
	if (mmu_cr4_features & X86_CR4_SMAP)
		asm volatile("clac" ::: "memory");

	if (vec >= FIRST_EXTERNAL_VECTOR) {
		do_IRQ(regs);
		irqentry_exit_cond_resched(regs);
		goto out;
	}
	if (vec == X86_TRAP_PF) {
		do_page_fault(regs);
		goto out;
	}
	if (user_mode(regs) && vec != X86_TRAP_NMI && vec != X86_TRAP_MC) {
		local_irq_enable();
		user_fatal_trap(regs, exception_names[vec] ?: "reserved exception");
		goto out;
	}
	switch (vec) {
	case X86_TRAP_BP:
		nr_breakpoints++;
		return;
	case X86_TRAP_NMI:
		pr_emerg("NMI received at %pS\n", (void *)regs->rip);
		return;
	}
	if (!user_mode(regs) && fixup_exception(regs))
		return;
	pr_alert("traps: %s%s\n", exception_names[vec] ?: "reserved exception",
		 vec == X86_TRAP_GP && regs->error_code ? " (segment selector)" : "");
	die(exception_names[vec] ?: "exception", regs, regs->error_code);
out:
	if (user_mode(regs)) {
		local_irq_disable();
		exit_to_user_mode(regs);
	}
}

#ifdef CONFIG_SELFTEST
SELFTEST(traps_extable_page_fault)
{
	unsigned long v = 0, x = 0x1234;

	/* Not mapped by any boot page table. */
	ST_EQ(read_kernel_nofault(0x0000100000000000UL, &v), -14);
	ST_EQ(read_kernel_nofault((unsigned long)&x, &v), 0);
	ST_EQ(v, 0x1234);
	return 0;
}

SELFTEST(traps_extable_gp)
{
	unsigned long v;

	/* A non-canonical address raises #GP, not #PF. */
	ST_EQ(read_kernel_nofault(0x8000000000000000UL, &v), -14);
	return 0;
}

/* A load from an unmapped page, resumed by the expected-fault mechanism. */
SELFTEST(traps_expected_fault)
{
	unsigned long addr = 0x0000100000000000UL;
	volatile int reached = 0;
	struct expected_fault ef;

	if (!expect_page_fault(&ef, addr)) {
		(void)READ_ONCE(*(unsigned long *)addr);
		reached = 1;
		cancel_expected_fault();
	}
	ST_EQ(reached, 0);
	ST_EQ(ef.address, addr);
	ST_EQ(ef.error_code & (X86_PF_PROT | X86_PF_WRITE | X86_PF_USER |
			       X86_PF_INSTR), 0);
	ST_ASSERT(ef.ip >= (unsigned long)__selftest_fn_traps_expected_fault);
	/* Used up: a second expectation starts from scratch. */
	if (!expect_page_fault(&ef, addr + 8)) {
		(void)READ_ONCE(*(unsigned long *)(addr + 8));
		reached = 2;
		cancel_expected_fault();
	}
	ST_EQ(reached, 0);
	ST_EQ(ef.address, addr + 8);
	return 0;
}

SELFTEST(traps_int3)
{
	unsigned long before = nr_breakpoints;

	asm volatile("int3");
	ST_EQ(nr_breakpoints, before + 1);
	return 0;
}

SELFTEST(traps_idt_loaded)
{
	struct { u16 limit; u64 base; } __packed desc;

	asm volatile("sidt %0" : "=m"(desc));
	ST_EQ(desc.base, (u64)idt);
	ST_EQ(desc.limit, sizeof(idt) - 1);
	return 0;
}
#endif
