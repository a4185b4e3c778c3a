// SPDX-License-Identifier: GPL-2.0
/*
 * 16550 UART console.  console=ttyS<N>[,<baud>] picks the port(s); without
 * it, CONFIG_SERIAL_CONSOLE_INDEX at CONFIG_SERIAL_CONSOLE_BAUD.  Output is
 * polled: it works from the first line of boot and in an oops.  Input
 * comes by the receive interrupt once a tty asks for it
 * (serial_console_rx_start()).
 */
#include <tessera/kernel.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/interrupt.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <asm/io.h>

#define UART_CLOCK_BAUD	115200
#define NR_PORTS	4

#define UART_TX		0	/* transmit holding (DLAB=0) */
#define UART_RX		0	/* receive buffer (DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define LCR_SBC		0x40	/* send break */
#define IER_RDI		0x01	/* receive data interrupt */
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define MCR_DTR_RTS_OUT2 0x0b
#define FCR_ENABLE_CLEAR 0x07

static const u16 port_base[NR_PORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static const u8 port_irq[NR_PORTS] = { 4, 3, 4, 3 };

struct uart {
	struct console con;
	u16 base;
	unsigned int baud;
	bool wanted;
	char name[8];
};

static struct uart uarts[NR_PORTS];
static char bad_console[64];

static int parse_console(char *val)
{
	unsigned int idx, baud = CONFIG_SERIAL_CONSOLE_BAUD;
	char *comma;

	if (!val)
		return -EINVAL;
	comma = strchr(val, ',');
	if (comma) {
		*comma = '\0';
		/* "115200n8": the speed is the leading digits. */
		baud = 0;
		for (comma++; *comma >= '0' && *comma <= '9'; comma++)
			baud = baud * 10 + (*comma - '0');
	}
	if (strncmp(val, "ttyS", 4) || kstrtouint(val + 4, 10, &idx) ||
	    idx >= NR_PORTS || !baud || baud > UART_CLOCK_BAUD ||
	    UART_CLOCK_BAUD % baud) {
		strscpy(bad_console, val, sizeof(bad_console));
		return 0;	/* reported once a console is up */
	}
	uarts[idx].wanted = true;
	uarts[idx].baud = baud;
	return 0;
}
early_param("console", parse_console);

static void uart_putc(u16 base, char c)
{
	unsigned int spins = 100000;

	/* Bounded: a missing or wedged UART must not hang the kernel. */
	while (!(inb(base + UART_LSR) & LSR_THRE) && --spins)
		;
	outb(c, base + UART_TX);
}

static void uart_write(struct console *con, const char *s, size_t len)
{
	struct uart *u = container_of(con, struct uart, con);
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(u->base, '\r');
		uart_putc(u->base, s[i]);
	}
}

/* Bytes as they are: the tty did its own output processing (OPOST). */
static void uart_write_bytes(struct console *con, const char *s, size_t len)
{
	struct uart *u = container_of(con, struct uart, con);
	size_t i;

	for (i = 0; i < len; i++)
		uart_putc(u->base, s[i]);
}

/* The port input comes from: the first console port. */
static struct uart *input_uart(void)
{
	unsigned int i;

	for (i = 0; i < NR_PORTS; i++)
		if (uarts[i].con.write)
			return &uarts[i];
	return NULL;
}

int serial_console_getc(void)
{
	struct uart *u = input_uart();

	if (!u || !(inb(u->base + UART_LSR) & LSR_DR))
		return -1;
	return inb(u->base + UART_RX);
}

static serial_rx_fn rx_fn;

static irqreturn_t uart_interrupt(int irq, void *dev_id)
{
	struct uart *u = dev_id;
	unsigned char buf[64];
	bool any = false;
	size_t n;

	/* Drain the FIFO: the ISA line is edge triggered. */
	do {
		n = 0;
		while (n < sizeof(buf) && (inb(u->base + UART_LSR) & LSR_DR))
			buf[n++] = inb(u->base + UART_RX);
		if (n) {
			rx_fn(buf, n);
			any = true;
		}
	} while (n == sizeof(buf));
	return any ? IRQ_HANDLED : IRQ_NONE;
}

int serial_console_rx_start(serial_rx_fn fn)
{
	struct uart *u = input_uart();
	unsigned int irq;
	int ret;

	if (!u)
		return -ENODEV;
	if (rx_fn)
		return -EBUSY;
	rx_fn = fn;
	irq = port_irq[u - uarts];
	ret = request_irq(irq, uart_interrupt, 0, u->name, u);
	if (ret) {
		rx_fn = NULL;
		return ret;
	}
	outb(IER_RDI, u->base + UART_IER);
	/* Whatever came before the interrupt was on. */
	uart_interrupt(irq, u);
	return 0;
}

void serial_console_break(bool on)
{
	struct uart *u = input_uart();
	u8 lcr;

	if (!u)
		return;
	lcr = inb(u->base + UART_LCR);
	outb(on ? lcr | LCR_SBC : lcr & ~LCR_SBC, u->base + UART_LCR);
}

static bool uart_present(u16 base)
{
	outb(0x5a, base + UART_SCR);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(0xa5, base + UART_SCR);
	return inb(base + UART_SCR) == 0xa5;
}

static void uart_setup(struct uart *u)
{
	unsigned int div = UART_CLOCK_BAUD / u->baud;

	outb(0, u->base + UART_IER);
	outb(LCR_DLAB, u->base + UART_LCR);
	outb(div & 0xff, u->base + UART_DLL);
	outb(div >> 8, u->base + UART_DLM);
	outb(LCR_8N1, u->base + UART_LCR);
	outb(FCR_ENABLE_CLEAR, u->base + UART_FCR);
	outb(MCR_DTR_RTS_OUT2, u->base + UART_MCR);
}

void console_init(void)
{
	unsigned int i;

	/* Without a usable console= the default port still gets the log. */
	for (i = 0; i < NR_PORTS && !uarts[i].wanted; i++)
		;
	if (i == NR_PORTS) {
		uarts[CONFIG_SERIAL_CONSOLE_INDEX].wanted = true;
		uarts[CONFIG_SERIAL_CONSOLE_INDEX].baud =
			CONFIG_SERIAL_CONSOLE_BAUD;
	}
	for (i = 0; i < NR_PORTS; i++) {
		struct uart *u = &uarts[i];

		if (!u->wanted)
			continue;
		u->base = port_base[i];
		if (!uart_present(u->base))
			continue;
		uart_setup(u);
		scnprintf(u->name, sizeof(u->name), "ttyS%u", i);
		u->con.name = u->name;
		u->con.write = uart_write;
		u->con.write_bytes = uart_write_bytes;
		register_console(&u->con);
		pr_info("console [%s] enabled at I/O %#x, %u baud\n", u->name,
			u->base, u->baud);
	}
	if (bad_console[0])
		pr_warn("console: unsupported console=%s (use ttyS0-ttyS3[,baud])\n",
			bad_console);
}
