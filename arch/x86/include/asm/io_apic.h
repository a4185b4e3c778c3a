/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_IO_APIC_H
#define _ASM_X86_IO_APIC_H

#include <tessera/types.h>

/* Trigger and polarity of an IOAPIC input. */
#define IOAPIC_EDGE_HIGH	0x0	/* ISA default */
#define IOAPIC_TRIGGER_LEVEL	0x1
#define IOAPIC_POLARITY_LOW	0x2
#define IOAPIC_LEVEL_LOW	(IOAPIC_TRIGGER_LEVEL | IOAPIC_POLARITY_LOW) /* PCI */
#define IOAPIC_FLAGS_DEFAULT	(~0U)	/* what the MADT or the bus says */

/* Map the IOAPICs from the MADT and mask every input. */
void ioapic_init(void);

/*
 * ioapic_irq_to_gsi - where an IRQ number arrives, and how.
 *
 * ISA IRQs (0-15) go through the MADT's interrupt source overrides, with
 * edge/active-high for what an override leaves "conforming"; other IRQ
 * numbers are GSIs, level/active-low (PCI) by default.  Returns 0, or
 * -EINVAL when no IOAPIC has that GSI.
 */
int ioapic_irq_to_gsi(unsigned int irq, u32 *gsi, unsigned int *flags);

/*
 * ioapic_route - point a GSI at a vector of one CPU (physical mode, fixed
 * delivery).  flags is IOAPIC_TRIGGER_LEVEL | IOAPIC_POLARITY_LOW, or
 * IOAPIC_FLAGS_DEFAULT to take them from the overrides.  The input stays
 * masked until ioapic_unmask().  Returns 0 or -EINVAL.
 */
int ioapic_route(u32 gsi, u8 vector, u32 dest_apicid, unsigned int flags);
void ioapic_mask(u32 gsi);
void ioapic_unmask(u32 gsi);
/* The raw 64-bit redirection entry of a GSI (for tests and debugging). */
u64 ioapic_read_entry(u32 gsi);

#endif /* _ASM_X86_IO_APIC_H */
