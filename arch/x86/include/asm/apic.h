/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H

#include <tessera/types.h>
#include <asm/irq_vectors.h>

#define NR_CPUS			CONFIG_NR_CPUS

/* Local APIC registers, as xAPIC MMIO offsets (x2APIC: MSR 0x800 + off/16). */
#define APIC_ID			0x020
#define APIC_LVR		0x030
#define APIC_TASKPRI		0x080
#define APIC_EOI		0x0b0
#define APIC_LDR		0x0d0
#define APIC_DFR		0x0e0
#define APIC_SPIV		0x0f0
#define  APIC_SPIV_APIC_ENABLED	(1 << 8)
#define APIC_ISR		0x100
#define APIC_TMR		0x180
#define APIC_IRR		0x200
#define APIC_ESR		0x280
#define APIC_ICR		0x300
#define APIC_ICR2		0x310
#define APIC_LVTT		0x320
#define APIC_LVTTHMR		0x330
#define APIC_LVTPC		0x340
#define APIC_LVT0		0x350
#define APIC_LVT1		0x360
#define APIC_LVTERR		0x370
#define APIC_TMICT		0x380
#define APIC_TMCCT		0x390
#define APIC_TDCR		0x3e0
#define APIC_SELF_IPI		0x3f0	/* x2APIC only */

/* ICR and LVT fields */
#define APIC_DM_FIXED		0x00000
#define APIC_DM_NMI		0x00400
#define APIC_DM_INIT		0x00500
#define APIC_DM_STARTUP		0x00600
#define APIC_DM_EXTINT		0x00700
#define APIC_ICR_BUSY		0x01000
#define APIC_INT_ASSERT		0x04000
#define APIC_INT_LEVELTRIG	0x08000
#define APIC_DEST_SELF		0x40000
#define APIC_LVT_MASKED		(1 << 16)
#define APIC_LVT_TIMER_PERIODIC	(1 << 17)
#define APIC_TDR_DIV_16		0x3

#define MSR_IA32_APICBASE	0x1b
#define  MSR_IA32_APICBASE_BSP	(1 << 8)
#define  MSR_IA32_APICBASE_EXTD	(1 << 10)
#define  MSR_IA32_APICBASE_ENABLE (1 << 11)
#define  MSR_IA32_APICBASE_BASE	(~0xfffULL)
#define APIC_BASE_MSR		0x800

/* True when the local APIC runs in x2APIC (MSR) mode. */
extern bool x2apic_mode;

/*
 * CPUs from the MADT that are enabled, the boot CPU first: the list SMP
 * bring-up works through.  nr_cpu_ids is at least 1 once apic_init() ran.
 */
extern unsigned int nr_cpu_ids;
extern u32 cpu_apicid[NR_CPUS];
extern u32 boot_cpu_apicid;

/* Local APIC timer ticks per second (bus clock / 16), from calibration. */
extern u64 apic_timer_hz;

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);

/*
 * apic_init - bring up the boot CPU's local APIC.
 *
 * Masks the 8259 PICs, chooses x2APIC when the CPU has it (unless
 * "nox2apic"), maps the xAPIC otherwise, and calls apic_setup_this_cpu().
 */
void apic_init(void);
/* Enable and program this CPU's local APIC (LVTs, spurious vector). */
void apic_setup_this_cpu(void);
/* The running CPU's APIC ID. */
u32 apic_read_id(void);
/* Acknowledge the interrupt being serviced. */
void apic_eoi(void);

/* A fixed-mode IPI to one CPU (physical destination), or to ourselves. */
void apic_send_ipi(u32 apicid, u8 vector);
void apic_send_ipi_self(u8 vector);
/*
 * SMP bring-up: an INIT IPI, then STARTUP IPIs that start the target in
 * real mode at page << 12 (page < 0x100, i.e. below 1 MiB).
 */
void apic_send_init(u32 apicid);
void apic_send_sipi(u32 apicid, unsigned int page);
/* Spurious and error interrupts so far. */
extern unsigned long apic_nr_errors;

/*
 * Measure the local APIC timer against the HPET (or the TSC).  Once, on
 * the boot CPU; every CPU then runs apic_timer_setup_this_cpu() to get a
 * periodic tick of HZ on LOCAL_TIMER_VECTOR.
 */
void apic_timer_calibrate(void);
void apic_timer_setup_this_cpu(void);
void apic_timer_stop_this_cpu(void);

/* Remap the 8259 PICs to 0x20/0x28 and mask every line (i8259.c). */
void legacy_pic_disable(void);

#endif /* _ASM_X86_APIC_H */
