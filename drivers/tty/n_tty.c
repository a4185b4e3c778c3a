// SPDX-License-Identifier: GPL-2.0
/*
 * N_TTY: the terminal line discipline.  Canonical input with line
 * editing (ERASE, WERASE, KILL, LNEXT, REPRINT), EOF and the line
 * delimiters; non-canonical input; echo (ECHO, ECHOE, ECHOK, ECHOKE,
 * ECHONL, ECHOCTL, ECHOPRT); keyboard signals (ISIG); XON/XOFF output
 * flow control (IXON, IXANY); input mapping (ISTRIP, IUCLC, INLCR,
 * IGNCR, ICRNL); output processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET,
 * OLCUC, XTABS).  The semantics are Linux's n_tty; the caller holds the
 * tty's lock around every call.
 */
#include <tessera/kernel.h>
#include <tessera/ctype.h>
#include <tessera/n_tty.h>
#include <tessera/string.h>
#include <uapi/asm/signal.h>

#define MASK(i)		((i) & (N_TTY_BUF_SIZE - 1))

#define I_(ld, f)	((ld)->termios.c_iflag & (f))
#define O_(ld, f)	((ld)->termios.c_oflag & (f))
#define L_(ld, f)	((ld)->termios.c_lflag & (f))
#define CC(ld, i)	((ld)->termios.c_cc[i])

const struct termios n_tty_std_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
		   IEXTEN,
	.c_line = N_TTY,
	.c_cc = {
		[VINTR] = 'C' - '@', [VQUIT] = '\\' - '@', [VERASE] = 0x7f,
		[VKILL] = 'U' - '@', [VEOF] = 'D' - '@', [VTIME] = 0,
		[VMIN] = 1, [VSTART] = 'Q' - '@', [VSTOP] = 'S' - '@',
		[VSUSP] = 'Z' - '@', [VREPRINT] = 'R' - '@',
		[VDISCARD] = 'O' - '@', [VWERASE] = 'W' - '@',
		[VLNEXT] = 'V' - '@',
	},
};

static inline bool is_cntrl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* UTF-8 continuation bytes take no column (IUTF8). */
static inline bool is_continuation(struct n_tty *ld, unsigned char c)
{
	return I_(ld, IUTF8) && (c & 0xc0) == 0x80;
}

/* c is the control character idx (a zero c_cc entry is disabled). */
static inline bool is_cc(struct n_tty *ld, unsigned char c, int idx)
{
	return CC(ld, idx) && c == CC(ld, idx);
}

static inline unsigned int read_cnt(struct n_tty *ld)
{
	return ld->read_head - ld->read_tail;
}

/* ------------------------------------------------------------ output --- */

static void n_tty_flush_out(struct n_tty *ld)
{
	if (ld->out_len)
		ld->ops->write(ld, ld->out, ld->out_len);
	ld->out_len = 0;
}

static void put_out(struct n_tty *ld, char c)
{
	if (ld->out_len == sizeof(ld->out))
		n_tty_flush_out(ld);
	ld->out[ld->out_len++] = c;
}

/* One byte through OPOST processing, keeping the output column. */
static void output_char(struct n_tty *ld, unsigned char c)
{
	unsigned int spaces;

	if (!O_(ld, OPOST)) {
		put_out(ld, c);
		return;
	}
	switch (c) {
	case '\n':
		if (O_(ld, ONLRET))
			ld->column = 0;
		if (O_(ld, ONLCR)) {
			ld->canon_column = ld->column = 0;
			put_out(ld, '\r');
			put_out(ld, '\n');
			return;
		}
		ld->canon_column = ld->column;
		break;
	case '\r':
		if (O_(ld, ONOCR) && ld->column == 0)
			return;
		if (O_(ld, OCRNL)) {
			c = '\n';
			if (O_(ld, ONLRET))
				ld->canon_column = ld->column = 0;
			break;
		}
		ld->canon_column = ld->column = 0;
		break;
	case '\t':
		spaces = 8 - (ld->column & 7);
		ld->column += spaces;
		if (O_(ld, TABDLY) == XTABS) {
			while (spaces--)
				put_out(ld, ' ');
			return;
		}
		break;
	case '\b':
		if (ld->column > 0)
			ld->column--;
		break;
	default:
		if (!is_cntrl(c)) {
			if (O_(ld, OLCUC))
				c = toupper(c);
			if (!is_continuation(ld, c))
				ld->column++;
		}
		break;
	}
	put_out(ld, c);
}

void n_tty_write(struct n_tty *ld, const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		output_char(ld, s[i]);
	n_tty_flush_out(ld);
}

/* -------------------------------------------------------------- echo --- */

/* Echo c; with ECHOCTL a control character (not TAB, NL) shows as ^X. */
static void echo_char(struct n_tty *ld, unsigned char c)
{
	if (L_(ld, ECHOCTL) && is_cntrl(c) && c != '\t' && c != '\n') {
		put_out(ld, '^');
		put_out(ld, c ^ 0x40);
		ld->column += 2;
	} else {
		output_char(ld, c);
	}
}

static void finish_erasing(struct n_tty *ld)
{
	if (ld->erasing) {
		output_char(ld, '/');
		ld->erasing = false;
	}
}

/* "\b \b" n times: rub out n columns. */
static void rub_out(struct n_tty *ld, unsigned int n)
{
	while (n--) {
		output_char(ld, '\b');
		output_char(ld, ' ');
		output_char(ld, '\b');
	}
}

/* The column the edited line has reached after its first n bytes. */
static unsigned int line_column(struct n_tty *ld, unsigned int end)
{
	unsigned int col = ld->canon_column, i;
	unsigned char c;

	for (i = ld->canon_head; i != end; i++) {
		c = ld->buf[MASK(i)];
		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_cntrl(c))
			col += L_(ld, ECHOCTL) ? 2 : 0;
		else if (!is_continuation(ld, c))
			col++;
	}
	return col;
}

/* --------------------------------------------------------- receive --- */

static void put_char(struct n_tty *ld, unsigned char c, unsigned char flags)
{
	ld->buf[MASK(ld->read_head)] = c;
	ld->flags[MASK(ld->read_head)] = flags;
	ld->read_head++;
}

void n_tty_flush_input(struct n_tty *ld)
{
	ld->read_tail = ld->canon_head = ld->read_head = 0;
	ld->canon_column = ld->column;
	ld->lnext = false;
	ld->erasing = false;
	memset(ld->flags, 0, sizeof(ld->flags));
}

/* ERASE, WERASE or KILL in canonical mode. */
static void eraser(struct n_tty *ld, unsigned char c)
{
	enum { ERASE, WERASE, KILL } kind;
	unsigned int seen_alnums = 0, col;
	unsigned char e;

	if (ld->read_head == ld->canon_head)
		return;		/* nothing on this line */
	if (is_cc(ld, c, VERASE)) {
		kind = ERASE;
	} else if (is_cc(ld, c, VWERASE)) {
		kind = WERASE;
	} else {
		if (!L_(ld, ECHO)) {
			ld->read_head = ld->canon_head;
			return;
		}
		if (!L_(ld, ECHOK) || !L_(ld, ECHOKE) || !L_(ld, ECHOE)) {
			ld->read_head = ld->canon_head;
			finish_erasing(ld);
			echo_char(ld, c);
			if (L_(ld, ECHOK))
				output_char(ld, '\n');
			return;
		}
		kind = KILL;
	}

	while (ld->read_head != ld->canon_head) {
		unsigned int head = ld->read_head;

		/* A UTF-8 character goes whole. */
		do {
			head--;
			e = ld->buf[MASK(head)];
		} while (is_continuation(ld, e) && head != ld->canon_head);
		if (kind == WERASE) {
			if (isalnum(e) || e == '_')
				seen_alnums++;
			else if (seen_alnums)
				break;
		}
		ld->read_head = head;
		if (L_(ld, ECHO)) {
			if (L_(ld, ECHOPRT)) {
				if (!ld->erasing) {
					output_char(ld, '\\');
					ld->erasing = true;
				}
				echo_char(ld, e);
			} else if (kind == ERASE && !L_(ld, ECHOE)) {
				echo_char(ld, c);
			} else if (e == '\t') {
				col = line_column(ld, ld->read_head);
				while (ld->column > col) {
					put_out(ld, '\b');
					ld->column--;
				}
			} else if (is_cntrl(e)) {
				if (L_(ld, ECHOCTL))
					rub_out(ld, 2);
			} else {
				rub_out(ld, 1);
			}
		}
		if (kind == ERASE)
			break;
	}
	if (ld->read_head == ld->canon_head && L_(ld, ECHO))
		finish_erasing(ld);
}

/* VREPRINT: the line so far again, on a new line. */
static void reprint(struct n_tty *ld, unsigned char c)
{
	unsigned int i;

	finish_erasing(ld);
	echo_char(ld, c);
	output_char(ld, '\n');
	ld->canon_column = ld->column;
	for (i = ld->canon_head; i != ld->read_head; i++)
		echo_char(ld, ld->buf[MASK(i)]);
}

static void isig(struct n_tty *ld, int sig, unsigned char c)
{
	if (!L_(ld, NOFLSH))
		n_tty_flush_input(ld);
	ld->ops->signal(ld, sig);
	if (I_(ld, IXON))
		ld->stopped = false;
	if (L_(ld, ECHO)) {
		echo_char(ld, c);
		ld->canon_column = ld->column;
	}
}

/* Room for c?  A full canonical line still takes its terminator. */
static bool room_for(struct n_tty *ld, bool delim)
{
	unsigned int cnt = read_cnt(ld);

	if (L_(ld, ICANON) && !delim)
		return cnt < N_TTY_BUF_SIZE - 1;
	return cnt < N_TTY_BUF_SIZE;
}

static void receive_char(struct n_tty *ld, unsigned char c)
{
	unsigned char flags = 0;

	if (I_(ld, ISTRIP))
		c &= 0x7f;
	if (I_(ld, IUCLC) && L_(ld, IEXTEN))
		c = tolower(c);

	if (ld->lnext) {
		ld->lnext = false;
		goto literal;
	}
	if (I_(ld, IXON)) {
		if (is_cc(ld, c, VSTART)) {
			ld->stopped = false;
			return;
		}
		if (is_cc(ld, c, VSTOP)) {
			ld->stopped = true;
			return;
		}
		if (ld->stopped && I_(ld, IXANY))
			ld->stopped = false;
	}
	if (L_(ld, ISIG)) {
		if (is_cc(ld, c, VINTR)) {
			isig(ld, SIGINT, c);
			return;
		}
		if (is_cc(ld, c, VQUIT)) {
			isig(ld, SIGQUIT, c);
			return;
		}
		if (is_cc(ld, c, VSUSP)) {
			isig(ld, SIGTSTP, c);
			return;
		}
	}
	if (c == '\r') {
		if (I_(ld, IGNCR))
			return;
		if (I_(ld, ICRNL))
			c = '\n';
	} else if (c == '\n' && I_(ld, INLCR)) {
		c = '\r';
	}

	if (L_(ld, ICANON)) {
		if (is_cc(ld, c, VERASE) || is_cc(ld, c, VKILL) ||
		    (is_cc(ld, c, VWERASE) && L_(ld, IEXTEN))) {
			eraser(ld, c);
			return;
		}
		if (is_cc(ld, c, VLNEXT) && L_(ld, IEXTEN)) {
			ld->lnext = true;
			if (L_(ld, ECHO)) {
				finish_erasing(ld);
				if (L_(ld, ECHOCTL)) {
					/* "^", then the quoted byte over it */
					output_char(ld, '^');
					output_char(ld, '\b');
				}
			}
			return;
		}
		if (is_cc(ld, c, VREPRINT) && L_(ld, ECHO) && L_(ld, IEXTEN)) {
			reprint(ld, c);
			return;
		}
		if (c == '\n' || is_cc(ld, c, VEOL) ||
		    (is_cc(ld, c, VEOL2) && L_(ld, IEXTEN))) {
			if (!room_for(ld, true))
				return;
			if (L_(ld, ECHO) || (c == '\n' && L_(ld, ECHONL))) {
				finish_erasing(ld);
				echo_char(ld, c);
			}
			flags = N_TTY_DELIM;
			goto store;
		}
		if (is_cc(ld, c, VEOF)) {
			if (!room_for(ld, true))
				return;
			flags = N_TTY_DELIM | N_TTY_EOF;
			goto store;
		}
	}

literal:
	if (!room_for(ld, false)) {
		if (L_(ld, ECHO) && I_(ld, IMAXBEL))
			output_char(ld, '\a');
		return;
	}
	if (L_(ld, ECHO)) {
		finish_erasing(ld);
		if (ld->read_head == ld->canon_head)
			ld->canon_column = ld->column;
		echo_char(ld, c);
	} else if (L_(ld, ICANON) && ld->read_head == ld->canon_head) {
		ld->canon_column = ld->column;
	}
	/* PARMRK: a real 0xff is doubled, as a marked error would be. */
	if (I_(ld, PARMRK) && !I_(ld, ISTRIP) && c == 0xff) {
		put_char(ld, c, 0);
		if (!room_for(ld, false))
			return;
	}
store:
	put_char(ld, c, flags);
	if (flags & N_TTY_DELIM)
		ld->canon_head = ld->read_head;
}

void n_tty_receive(struct n_tty *ld, const unsigned char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		receive_char(ld, s[i]);
	if (!L_(ld, ICANON))
		ld->canon_head = ld->read_head;
	n_tty_flush_out(ld);
}

/* ------------------------------------------------------------ reading --- */

bool n_tty_input_available(struct n_tty *ld, bool poll)
{
	unsigned int amt = 1;

	if (L_(ld, ICANON))
		return ld->canon_head != ld->read_tail;
	if (poll && !CC(ld, VTIME) && CC(ld, VMIN))
		amt = CC(ld, VMIN);
	return read_cnt(ld) >= amt;
}

size_t n_tty_inq(struct n_tty *ld)
{
	unsigned int i;
	size_t n = 0;

	if (!L_(ld, ICANON))
		return read_cnt(ld);
	for (i = ld->read_tail; i != ld->canon_head; i++)
		if (!(ld->flags[MASK(i)] & N_TTY_EOF))
			n++;
	return n;
}

static void copy_out(struct n_tty *ld, unsigned char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf[i] = ld->buf[MASK(ld->read_tail)];
		ld->flags[MASK(ld->read_tail)] = 0;
		ld->read_tail++;
	}
}

size_t n_tty_read(struct n_tty *ld, unsigned char *buf, size_t len)
{
	unsigned int i, line;
	bool eof;
	size_t n;

	if (!L_(ld, ICANON)) {
		n = min(len, (size_t)read_cnt(ld));
		copy_out(ld, buf, n);
		return n;
	}
	/* Up to and including the first delimiter. */
	for (i = ld->read_tail; i != ld->canon_head; i++)
		if (ld->flags[MASK(i)] & N_TTY_DELIM)
			break;
	if (i == ld->canon_head)
		return 0;
	eof = ld->flags[MASK(i)] & N_TTY_EOF;
	line = i - ld->read_tail;
	if (!eof)
		line++;		/* the NL, EOL or EOL2 is part of the line */
	n = min(len, (size_t)line);
	copy_out(ld, buf, n);
	/*
	 * The EOF that ended this line is not data; alone on its line it
	 * makes this read return 0 (end of file).
	 */
	if (eof && n == line) {
		ld->flags[MASK(ld->read_tail)] = 0;
		ld->read_tail++;
	}
	return n;
}

/* --------------------------------------------------------------- set --- */

void n_tty_set_termios(struct n_tty *ld, const struct termios *t)
{
	bool was_canon = L_(ld, ICANON);
	unsigned int i;

	ld->termios = *t;
	if (was_canon == !!L_(ld, ICANON))
		return;
	for (i = ld->read_tail; i != ld->read_head; i++)
		ld->flags[MASK(i)] = 0;
	if (L_(ld, ICANON) && read_cnt(ld)) {
		/* Input typed in raw mode is one line to canonical reads. */
		ld->flags[MASK(ld->read_head - 1)] = N_TTY_DELIM;
		ld->canon_head = ld->read_head;
	} else {
		ld->canon_head = L_(ld, ICANON) ? ld->read_tail : ld->read_head;
	}
	ld->erasing = false;
	ld->lnext = false;
	ld->canon_column = ld->column;
}

void n_tty_init(struct n_tty *ld, const struct n_tty_ops *ops)
{
	memset(ld, 0, sizeof(*ld));
	ld->ops = ops;
	ld->termios = n_tty_std_termios;
}
