/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_PRINTK_H
#define _TESSERA_PRINTK_H

#include <tessera/kernel.h>

/* Log levels: an SOH byte and a digit prefix the format, as in Linux. */
#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_CONT	KERN_SOH "c"	/* continues the previous line */

#define LOGLEVEL_DEFAULT	6	/* for messages without a level */

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)	printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)
#ifdef DEBUG
#define pr_debug(fmt, ...)	printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#else
#define pr_debug(fmt, ...)	do { if (0) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#endif

/* A console: something that writes log text out (the serial port). */
struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t len);
	/* Optional: the bytes unchanged (write() turns NL into CR NL). */
	void (*write_bytes)(struct console *con, const char *s, size_t len);
	struct console *next;
};

/* Registering the first console replays everything logged so far. */
void register_console(struct console *con);
/* Raw bytes to every console (a user program's stdout and stderr). */
void console_write_raw(const char *s, size_t len);
/* The bytes exactly (a tty's processed output) to every console. */
void console_write_bytes(const char *s, size_t len);
/* A byte the console UART received, or -1 if none is waiting (polled). */
int serial_console_getc(void);
/* Called from the UART's interrupt with the bytes it received. */
typedef void (*serial_rx_fn)(const unsigned char *s, size_t len);
/*
 * Take the console UART's input by interrupt from now on: 0, -ENODEV
 * (no console port), -EBUSY (already taken) or request_irq()'s error.
 */
int serial_console_rx_start(serial_rx_fn fn);
/* Hold the console UART's line in the break state, or release it. */
void serial_console_break(bool on);

extern int console_loglevel;
/* Set while an oops or panic prints: printk then ignores its lock. */
extern int oops_in_progress;

/*
 * Reading the log buffer (dmesg).  Copies the oldest-first text of the
 * log, each line "<level>[seconds.micros] text\n", into buf; returns the
 * number of bytes copied (at most size).
 */
size_t log_buf_read(char *buf, size_t size);
size_t log_buf_len(void);

/* Nanoseconds since boot for timestamps; 0 until the TSC is calibrated. */
u64 local_clock(void);

#endif /* _TESSERA_PRINTK_H */
