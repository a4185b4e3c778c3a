/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_IRQ_VECTORS_H
#define _ASM_X86_IRQ_VECTORS_H

/*
 * Interrupt vectors (0-31 are CPU exceptions).
 *
 *  0x20-0x2f  the legacy 8259 PICs, remapped here and masked for good
 *  0x30-0xdf  device interrupts: request_irq() allocates one per IRQ,
 *             routed through the IOAPIC (and later MSI)
 *  0xe0-0xeb  free for request_vector() (irq_alloc_system_vector())
 *  0xec       local APIC timer: the tick
 *  0xed-0xfa  free for request_vector()
 *  0xfb-0xfd  reserved for SMP IPIs (call function single, call
 *             function, reschedule)
 *  0xfe       local APIC error
 *  0xff       local APIC spurious interrupt (never acknowledged)
 *
 * The APIC's priority class is vector >> 4, so the tick and IPIs outrank
 * devices; with interrupt gates nothing nests anyway.
 */
#define ISA_IRQ_VECTOR(irq)		(0x20 + (irq))
#define FIRST_DEVICE_VECTOR		0x30
#define LAST_DEVICE_VECTOR		0xdf
#define FIRST_SYSTEM_VECTOR		0xe0
#define LOCAL_TIMER_VECTOR		0xec
#define CALL_FUNCTION_SINGLE_VECTOR	0xfb
#define CALL_FUNCTION_VECTOR		0xfc
#define RESCHEDULE_VECTOR		0xfd
#define ERROR_APIC_VECTOR		0xfe
#define SPURIOUS_APIC_VECTOR		0xff

#endif /* _ASM_X86_IRQ_VECTORS_H */
