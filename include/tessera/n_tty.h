/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_N_TTY_H
#define _TESSERA_N_TTY_H

/*
 * The N_TTY line discipline (drivers/tty/n_tty.c): input editing,
 * echo, keyboard signals and output processing as termios(3) describes
 * them.  It knows no hardware, processes or sleeping: the tty above it
 * (managers/processor/tty.c) serialises every call, feeds it received
 * bytes, and gets its output and signals through n_tty_ops.
 */
#include <tessera/types.h>
#include <uapi/asm/termbits.h>

#define N_TTY_BUF_SIZE	4096		/* a power of two */
#define N_TTY_OUT_SIZE	256

struct n_tty;

struct n_tty_ops {
	/* Bytes for the terminal, output processing done (echo and writes). */
	void (*write)(struct n_tty *ld, const char *s, size_t len);
	/* ISIG: the keyboard raised sig for the foreground process group. */
	void (*signal)(struct n_tty *ld, int sig);
};

struct n_tty {
	struct termios termios;
	const struct n_tty_ops *ops;
	/*
	 * Input ring, free-running indices: [read_tail, canon_head) holds
	 * complete lines (canonical mode), [canon_head, read_head) the line
	 * being edited; in non-canonical mode all of [read_tail, read_head)
	 * is readable.
	 */
	unsigned int read_tail, canon_head, read_head;
	unsigned int column;		/* output column, for tabs and erase */
	unsigned int canon_column;	/* column where the edited line began */
	bool lnext;			/* the last byte was VLNEXT */
	bool erasing;			/* ECHOPRT: inside "\...", "/" ends it */
	bool stopped;			/* output stopped by VSTOP or TCOOFF */
	unsigned char buf[N_TTY_BUF_SIZE];
	unsigned char flags[N_TTY_BUF_SIZE];	/* N_TTY_DELIM, N_TTY_EOF */
	size_t out_len;			/* pending in out[], see n_tty_flush_out */
	char out[N_TTY_OUT_SIZE];
};

#define N_TTY_DELIM	0x01	/* ends a line: NL, EOL, EOL2 or EOF */
#define N_TTY_EOF	0x02	/* the delimiter is VEOF: not given to read */

/* Linux's defaults for a serial tty (38400 8N1, cooked, echo). */
extern const struct termios n_tty_std_termios;

void n_tty_init(struct n_tty *ld, const struct n_tty_ops *ops);
/* TCSETS*: new attributes; pending input stays (see termios(3) ICANON). */
void n_tty_set_termios(struct n_tty *ld, const struct termios *t);
/* Bytes from the terminal. */
void n_tty_receive(struct n_tty *ld, const unsigned char *s, size_t len);
/* Bytes a program writes, output processed (OPOST) and passed to ops->write. */
void n_tty_write(struct n_tty *ld, const unsigned char *s, size_t len);
/*
 * Can read() return now?  Canonical: a complete line (or EOF) waits.
 * Otherwise at least one byte, or for poll() VMIN bytes when VTIME is 0.
 */
bool n_tty_input_available(struct n_tty *ld, bool poll);
/*
 * Copy what a read() gets now into buf (at most len bytes): one line,
 * or part of it, in canonical mode; otherwise what is there.
 */
size_t n_tty_read(struct n_tty *ld, unsigned char *buf, size_t len);
/* FIONREAD: bytes read() could return (canonical: complete lines only). */
size_t n_tty_inq(struct n_tty *ld);
/* TCIFLUSH and keyboard signals: discard all input. */
void n_tty_flush_input(struct n_tty *ld);

#endif /* _TESSERA_N_TTY_H */
