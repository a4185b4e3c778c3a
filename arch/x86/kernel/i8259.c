// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy 8259 PICs.  Tessera uses the APICs only, but the PICs are
 * reinitialised so that anything they still raise lands on vectors
 * 0x20-0x2f instead of on CPU exceptions, then every line is masked.
 */
#include <tessera/kernel.h>
#include <asm/apic.h>
#include <asm/io.h>

#define PIC_MASTER_CMD		0x20
#define PIC_MASTER_DATA		0x21
#define PIC_SLAVE_CMD		0xa0
#define PIC_SLAVE_DATA		0xa1

#define ICW1_INIT		0x10
#define ICW1_ICW4		0x01
#define ICW4_8086		0x01

static void pic_out(u8 v, u16 port)
{
	outb(v, port);
	io_delay();
}

void legacy_pic_disable(void)
{
	pic_out(0xff, PIC_MASTER_DATA);
	pic_out(0xff, PIC_SLAVE_DATA);
	pic_out(ICW1_INIT | ICW1_ICW4, PIC_MASTER_CMD);
	pic_out(ICW1_INIT | ICW1_ICW4, PIC_SLAVE_CMD);
	pic_out(ISA_IRQ_VECTOR(0), PIC_MASTER_DATA);	/* ICW2: vector base */
	pic_out(ISA_IRQ_VECTOR(8), PIC_SLAVE_DATA);
	pic_out(1 << 2, PIC_MASTER_DATA);		/* ICW3: slave on IR2 */
	pic_out(2, PIC_SLAVE_DATA);			/* ICW3: cascade id */
	pic_out(ICW4_8086, PIC_MASTER_DATA);
	pic_out(ICW4_8086, PIC_SLAVE_DATA);
	pic_out(0xff, PIC_MASTER_DATA);			/* OCW1: mask all */
	pic_out(0xff, PIC_SLAVE_DATA);
}

#ifdef CONFIG_SELFTEST
#include <tessera/selftest.h>

SELFTEST(i8259_masked)
{
	ST_EQ(inb(PIC_MASTER_DATA), 0xff);
	ST_EQ(inb(PIC_SLAVE_DATA), 0xff);
	return 0;
}
#endif
