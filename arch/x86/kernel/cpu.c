// SPDX-License-Identifier: GPL-2.0
/*
 * CPU identification, and the GDT and TSS of the boot CPU (with the
 * exception stacks used for double faults, NMIs and machine checks).
 */
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/stacktrace.h>
#include <asm/switch_to.h>

struct cpuinfo_x86 boot_cpu_data;

#ifdef CONFIG_COMP_PROCESSOR
void entry_SYSCALL_64(void);
#else
/* Only the processor manager runs user programs; never called. */
#define entry_SYSCALL_64	NULL
#endif

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

/* One GDT, TSS and set of exception stacks per CPU. */
static struct tss cpu_tss[NR_CPUS] __aligned(64);
static u64 cpu_gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);
static u8 ist_stacks[NR_CPUS][3][IST_STACK_SIZE] __aligned(16);

/* Flat segment descriptor: base 0, limit 4G, with the given access/flags. */
#define GDT_ENTRY(flags, access) \
	(0x000000000000ffffULL | ((u64)(access) << 40) | ((u64)(flags) << 52) | \
	 (0xfULL << 48))

static void gdt_set_tss(u64 *gdt, struct tss *tss)
{
	u64 base = (u64)tss;
	u64 limit = sizeof(*tss) - 1;

	gdt[GDT_ENTRY_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			     (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
			     (((base >> 24) & 0xff) << 56);
	gdt[GDT_ENTRY_TSS + 1] = base >> 32;
}

/*
 * User programs use x87 and SSE: fxsave/fxrstor and SSE instructions
 * allowed (OSFXSR), SIMD exceptions as #XF (OSXMMEXCPT), no emulation.
 * The kernel itself is built without them and never touches that state.
 */
static void fpu_init_cpu(void)
{
	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}

/*
 * syscall: CS and SS from STAR[47:32] (__KERNEL_CS, __KERNEL_DS); sysret
 * to 64-bit mode: CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8, hence
 * Linux's order __USER32_CS, __USER_DS, __USER_CS.  The mask keeps
 * interrupts off until the entry is on the kernel stack, and AC clear so
 * that SMAP holds whatever flags user mode had.
 */
static void syscall_init_cpu(void)
{
	BUILD_BUG_ON(__USER32_CS + 8 != __USER_DS || __USER32_CS + 16 != __USER_CS);
	BUILD_BUG_ON(__KERNEL_CS + 8 != __KERNEL_DS);
	wrmsr(MSR_STAR, ((u64)__USER32_CS << 48) | ((u64)__KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (unsigned long)entry_SYSCALL_64);
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_IF |
	      X86_EFLAGS_IOPL | X86_EFLAGS_AC | X86_EFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void cpu_gdt_init_cpu(unsigned int cpu)
{
	struct { u16 limit; u64 base; } __packed desc;
	struct tss *tss = &cpu_tss[cpu];
	u64 *gdt = cpu_gdt[cpu];
	int i;

	gdt[GDT_ENTRY_KERNEL32_CS] = GDT_ENTRY(0xc, 0x9a);
	gdt[GDT_ENTRY_KERNEL_CS] = GDT_ENTRY(0xa, 0x9a);
	gdt[GDT_ENTRY_KERNEL_DS] = GDT_ENTRY(0xc, 0x92);
	gdt[GDT_ENTRY_USER32_CS] = GDT_ENTRY(0xc, 0xfa);
	gdt[GDT_ENTRY_USER_DS] = GDT_ENTRY(0xc, 0xf2);
	gdt[GDT_ENTRY_USER_CS] = GDT_ENTRY(0xa, 0xfa);

	/* IST slots 1-3 (IST_DF, IST_NMI, IST_MC) are ist[0..2]. */
	for (i = 0; i < 3; i++)
		tss->ist[i] = (u64)&ist_stacks[cpu][i][IST_STACK_SIZE];
	tss->iomap_base = sizeof(*tss);	/* no I/O bitmap */
	gdt_set_tss(gdt, tss);

	desc.limit = sizeof(cpu_gdt[cpu]) - 1;
	desc.base = (u64)gdt;
	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movl %2, %%eax\n\t"
		     "movl %%eax, %%ds\n\t"
		     "movl %%eax, %%es\n\t"
		     "movl %%eax, %%ss\n\t"
		     "ltr %w3"
		     : : "m"(desc), "i"(__KERNEL_CS), "i"(__KERNEL_DS),
		       "r"(GDT_ENTRY_TSS_SEL)
		     : "rax", "memory");

	fpu_init_cpu();
	if (IS_ENABLED(CONFIG_COMP_PROCESSOR))
		syscall_init_cpu();
}

void cpu_gdt_init(void)
{
	cpu_gdt_init_cpu(0);
}

/* The stack this CPU switches to on an entry from user mode. */
void load_sp0(unsigned long sp0)
{
	cpu_tss[smp_processor_id()].rsp[0] = sp0;
}

void cpu_identify(struct cpuinfo_x86 *c)
{
	u32 a, b, cx, d, max_ext;
	u32 *brand = (u32 *)c->model_id;
	int i;

	cpuid(0, &c->cpuid_level, &b, &cx, &d);
	memcpy(c->vendor_id + 0, &b, 4);
	memcpy(c->vendor_id + 4, &d, 4);
	memcpy(c->vendor_id + 8, &cx, 4);
	c->vendor_id[12] = '\0';

	cpuid(1, &a, &b, &c->features_ecx, &c->features_edx);
	c->stepping = a & 0xf;
	c->family = (a >> 8) & 0xf;
	c->model = (a >> 4) & 0xf;
	if (c->family == 0xf)
		c->family += (a >> 20) & 0xff;
	if (c->family >= 6)
		c->model |= ((a >> 16) & 0xf) << 4;
	if (c->cpuid_level >= 7)
		cpuid_count(7, 0, &a, &c->features7_ebx, &cx, &d);

	cpuid(0x80000000, &max_ext, &b, &cx, &d);
	c->model_id[0] = '\0';
	if (max_ext >= 0x80000004) {
		for (i = 0; i < 3; i++)
			cpuid(0x80000002 + i, &brand[4 * i], &brand[4 * i + 1],
			      &brand[4 * i + 2], &brand[4 * i + 3]);
		c->model_id[48] = '\0';
	}
	if (max_ext >= 0x80000001)
		cpuid(0x80000001, &a, &b, &cx, &c->ext_features_edx);
	/* Brand strings are often padded with leading spaces. */
	memmove(c->model_id, strim(c->model_id), strlen(strim(c->model_id)) + 1);
	if (!c->model_id[0])
		snprintf(c->model_id, sizeof(c->model_id), "%s family %u model %u",
			 c->vendor_id, c->family, c->model);
}
