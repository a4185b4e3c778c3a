/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_INTERRUPT_H
#define _TESSERA_INTERRUPT_H

#include <tessera/types.h>
#include <tessera/hardirq.h>
#include <tessera/compiler.h>
#include <asm/ptrace.h>

/*
 * IRQ numbers: 0-15 are ISA IRQs, translated to a GSI by the MADT's
 * interrupt source overrides (IRQ 0, the PIT, is GSI 2 on most PCs);
 * 16 and up are GSIs themselves.  Each IRQ in use gets a vector from
 * FIRST_DEVICE_VECTOR..LAST_DEVICE_VECTOR and an IOAPIC route to the
 * boot CPU.  See Documentation/interrupts-and-time.md.
 */
#define NR_IRQS			256
#define NR_IRQ_ACTIONS		64	/* handlers registered at once */

enum irqreturn {
	IRQ_NONE = 0,		/* not our device */
	IRQ_HANDLED = 1,
};
typedef enum irqreturn irqreturn_t;

typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);
/* A handler bound to a vector: the APIC timer, IPIs, APIC errors. */
typedef void (*vector_handler_t)(struct pt_regs *regs);

/* request_irq() flags; the trigger flags override the firmware's. */
#define IRQF_TRIGGER_RISING	0x01	/* edge, active high */
#define IRQF_TRIGGER_FALLING	0x02	/* edge, active low */
#define IRQF_TRIGGER_HIGH	0x04	/* level, active high */
#define IRQF_TRIGGER_LOW	0x08	/* level, active low */
#define IRQF_TRIGGER_MASK	0x0f
#define IRQF_SHARED		0x80	/* others may share the line */

/*
 * request_irq - install a handler for an IRQ and unmask it.
 * @irq: ISA IRQ (0-15) or GSI (16 and up)
 * @handler: called in interrupt context, interrupts off
 * @flags: IRQF_*; every handler of a shared line must pass IRQF_SHARED
 * @name: shown by show_interrupts()
 * @dev_id: passed to the handler; identifies the handler for free_irq()
 *
 * Returns 0, -EINVAL (no such IRQ/GSI, or no handler), -EBUSY (the line
 * is taken and not shared) or -ENOSPC (out of vectors or actions).
 */
int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
		const char *name, void *dev_id);
/* Remove the handler registered with dev_id; masks the line if it was the last. */
void free_irq(unsigned int irq, void *dev_id);
/* Mask / unmask at the IOAPIC (nesting: as many enables as disables). */
void disable_irq(unsigned int irq);
void enable_irq(unsigned int irq);

/*
 * request_vector - bind a handler straight to a vector (no IOAPIC).
 * Returns 0, -EINVAL or -EBUSY.  do_IRQ() sends the EOI afterwards.
 */
int request_vector(unsigned int vector, vector_handler_t handler,
		   const char *name);
void free_vector(unsigned int vector);
/*
 * A device vector (0x30-0xdf) with a handler of its own, for MSI and
 * MSI-X, where the device targets the vector directly.  Returns the
 * vector or a negative errno.
 */
int request_msi_vector(vector_handler_t handler, const char *name);
void free_msi_vector(unsigned int vector);
/* A free vector for request_vector() (0xe0-0xfa), or -ENOSPC. */
int irq_alloc_system_vector(void);

/* The vector an IRQ is on, or 0 if it is not requested. */
unsigned int irq_to_vector(unsigned int irq);
/* Interrupts taken on an IRQ / on a vector since boot. */
u64 kstat_irqs(unsigned int irq);
u64 kstat_vector(unsigned int vector);


/*
 * Text like /proc/interrupts: one line per IRQ or vector that has a
 * handler or has fired.  Returns the length (at most size - 1).
 */
size_t show_interrupts(char *buf, size_t size);
/* The same, on the console. */
void print_interrupts(void);

/* Entry from do_trap() for vectors 32-255. */

#endif /* _TESSERA_INTERRUPT_H */
