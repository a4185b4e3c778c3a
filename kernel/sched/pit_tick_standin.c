// SPDX-License-Identifier: GPL-2.0
/*
 * STAND-IN TICK -- delete this file at merge.
 *
 * Until the IRQ layer and the local APIC timer of the time branch are
 * merged, the periodic tick comes from the legacy PIT (channel 0, rate
 * generator at CONFIG_HZ) through the 8259 PIC, remapped so that IRQ0
 * arrives on vector 0x20.  This file also holds the jiffies counter and
 * the do_IRQ() that dispatches the one interrupt it knows.  The time
 * branch provides all three (jiffies, do_IRQ, a tick calling
 * scheduler_tick()) and masks the 8259.
 */
#include <tessera/kernel.h>
#include <tessera/hardirq.h>
#include <tessera/jiffies.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <asm/io.h>
#include <asm/ptrace.h>
#include <asm/traps.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20
#define PIC_READ_ISR	0x0b

#define PIT_CH0		0x40
#define PIT_MODE	0x43
#define PIT_TICK_RATE	1193182UL

#define PIC1_VECTOR	FIRST_EXTERNAL_VECTOR		/* IRQ0-7 -> 0x20-0x27 */
#define PIC2_VECTOR	(FIRST_EXTERNAL_VECTOR + 8)	/* IRQ8-15 -> 0x28-0x2f */

u64 jiffies;

static void pic_remap(void)
{
	outb(0x11, PIC1_CMD);		/* ICW1: init, ICW4 follows */
	outb(0x11, PIC2_CMD);
	outb(PIC1_VECTOR, PIC1_DATA);	/* ICW2: vector base */
	outb(PIC2_VECTOR, PIC2_DATA);
	outb(0x04, PIC1_DATA);		/* ICW3: slave on IRQ2 */
	outb(0x02, PIC2_DATA);
	outb(0x01, PIC1_DATA);		/* ICW4: 8086 mode */
	outb(0x01, PIC2_DATA);
	outb(0xfe, PIC1_DATA);		/* mask all but IRQ0 */
	outb(0xff, PIC2_DATA);
}

static void pit_periodic(void)
{
	unsigned int latch = (PIT_TICK_RATE + HZ / 2) / HZ;

	outb(0x34, PIT_MODE);		/* channel 0, lo/hi byte, mode 2 */
	outb(latch & 0xff, PIT_CH0);
	outb(latch >> 8, PIT_CH0);
}

/* Called by start_kernel() with interrupts still disabled. */
void pit_tick_standin_init(void)
{
	pic_remap();
	pit_periodic();
	pr_info("sched: stand-in tick from the PIT at %d Hz\n", HZ);
}

/* A spurious IRQ7 (or IRQ15) is not in service: no EOI for it. */
static bool pic_spurious(unsigned int irq)
{
	u16 port = irq < 8 ? PIC1_CMD : PIC2_CMD;

	outb(PIC_READ_ISR, port);
	if (inb(port) & (1 << (irq & 7)))
		return false;
	if (irq >= 8)
		outb(PIC_EOI, PIC1_CMD);	/* the cascade was in service */
	return true;
}

void do_IRQ(struct pt_regs *regs)
{
	unsigned long vec = regs->vector;

	irq_enter();
	if (vec == PIC1_VECTOR) {
		outb(PIC_EOI, PIC1_CMD);
		WRITE_ONCE(jiffies, jiffies + 1);
		scheduler_tick();
	} else if ((vec == PIC1_VECTOR + 7 && pic_spurious(7)) ||
		   (vec == PIC2_VECTOR + 7 && pic_spurious(15))) {
		/* spurious: nothing to do */
	} else {
		pr_warn("traps: unexpected interrupt on vector %lu\n", vec);
	}
	irq_exit();
}
