// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for drivers/tty/n_tty.c, the line discipline: what a read
 * returns, what is echoed and which signals are raised for typed input,
 * in canonical and raw mode, and the output processing of writes.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "check.h"

/* The host's fixed-width types stand in for the kernel's. */
#define _TESSERA_TYPES_H
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
/* The header declares the k_-prefixed copies the Makefile links. */
#define n_tty_std_termios	k_n_tty_std_termios
#define n_tty_init		k_n_tty_init
#define n_tty_set_termios	k_n_tty_set_termios
#define n_tty_receive		k_n_tty_receive
#define n_tty_write		k_n_tty_write
#define n_tty_input_available	k_n_tty_input_available
#define n_tty_read		k_n_tty_read
#define n_tty_inq		k_n_tty_inq
#define n_tty_flush_input	k_n_tty_flush_input
#include "../../include/tessera/n_tty.h"

#define SIGINT	2
#define SIGQUIT	3
#define SIGTSTP	20

static char echo[16384];
static size_t echo_len;
static int sigs[8], nsigs;

static void cap_write(struct n_tty *ld, const char *s, size_t len)
{
	(void)ld;
	if (echo_len + len <= sizeof(echo)) {
		memcpy(echo + echo_len, s, len);
		echo_len += len;
	}
}

static void cap_signal(struct n_tty *ld, int sig)
{
	(void)ld;
	if (nsigs < 8)
		sigs[nsigs++] = sig;
}

static const struct n_tty_ops ops = { cap_write, cap_signal };
static struct n_tty ld;

static void reset(void)
{
	k_n_tty_init(&ld, &ops);
	echo_len = 0;
	nsigs = 0;
}

static void type(const char *s)
{
	k_n_tty_receive(&ld, (const unsigned char *)s, strlen(s));
}

static void type_n(const char *s, size_t n)
{
	k_n_tty_receive(&ld, (const unsigned char *)s, n);
}

#define CHECK_READ(len, want) \
	check_read_at(__FILE__, __LINE__, len, want, sizeof(want) - 1)
static void check_read_at(const char *file, int line, size_t len,
			  const char *want, size_t wlen)
{
	unsigned char buf[8192];
	size_t n = k_n_tty_read(&ld, buf, len);

	check_int_at(file, line, n, wlen, "read length");
	if (n == wlen && memcmp(buf, want, n))
		check_true_at(file, line, 0, want);
}

#define CHECK_ECHO(want) check_echo_at(__FILE__, __LINE__, want, sizeof(want) - 1)
static void check_echo_at(const char *file, int line, const char *want,
			  size_t wlen)
{
	check_total++;
	if (echo_len == wlen && !memcmp(echo, want, wlen)) {
		echo_len = 0;
		return;
	}
	check_fail(file, line);
	printf("echo \"");
	fwrite(echo, 1, echo_len, stdout);
	printf("\" (%zu bytes), expected %zu bytes\n", echo_len, wlen);
	echo_len = 0;
}

static void set(tcflag_t lclear, tcflag_t lset)
{
	struct termios t = ld.termios;

	t.c_lflag = (t.c_lflag & ~lclear) | lset;
	k_n_tty_set_termios(&ld, &t);
}

static void test_defaults(void)
{
	const struct termios *t = &k_n_tty_std_termios;

	CHECK_INT(t->c_iflag, 0x0500);
	CHECK_INT(t->c_oflag, 0x0005);
	CHECK_INT(t->c_cflag, 0x04bf);
	CHECK_INT(t->c_lflag, 0x8a3b);
	CHECK_INT(t->c_cc[VINTR], 3);
	CHECK_INT(t->c_cc[VERASE], 0x7f);
	CHECK_INT(t->c_cc[VMIN], 1);
	CHECK_INT(sizeof(struct termios), 36);
}

static void test_canonical(void)
{
	reset();
	type("abc");
	CHECK(!k_n_tty_input_available(&ld, false));
	CHECK_READ(100, "");
	type("\r");
	CHECK(k_n_tty_input_available(&ld, false));
	CHECK_ECHO("abc\r\n");
	type("second\n");
	CHECK_INT(k_n_tty_inq(&ld), 11);
	CHECK_READ(100, "abc\n");	/* one line per read */
	CHECK_READ(3, "sec");
	CHECK_INT(k_n_tty_inq(&ld), 4);
	CHECK_READ(100, "ond\n");
	CHECK(!k_n_tty_input_available(&ld, false));
	CHECK_ECHO("second\r\n");

	/* EOF: ends a line without being part of it; alone, reads 0. */
	type("ab\004");
	CHECK_ECHO("ab");
	CHECK_READ(100, "ab");
	type("\004");
	CHECK(k_n_tty_input_available(&ld, false));
	CHECK_READ(100, "");
	CHECK(!k_n_tty_input_available(&ld, false));
	type("xyz\004");
	CHECK_READ(3, "xyz");		/* the EOF goes with it */
	CHECK(!k_n_tty_input_available(&ld, false));
	type("\n\004");
	CHECK_INT(k_n_tty_inq(&ld), 1);
	CHECK_READ(100, "\n");
	CHECK_READ(100, "");

	/* VEOL and VEOL2 end lines too; NUL is not a disabled VEOL. */
	ld.termios.c_cc[VEOL] = ';';
	type("a;");
	CHECK_READ(100, "a;");
	type_n("\0\n", 2);
	CHECK_READ(100, "\0\n");
}

static void test_editing(void)
{
	reset();
	type("abd\177c\n");
	CHECK_READ(100, "abc\n");
	CHECK_ECHO("abd\b \bc\r\n");
	type("one two\027three\n");
	CHECK_READ(100, "one three\n");
	CHECK_ECHO("one two\b \b\b \b\b \bthree\r\n");
	type("one two  \027X\n");	/* WERASE takes trailing blanks too */
	CHECK_READ(100, "one X\n");
	echo_len = 0;
	type("xyz\025ok\n");
	CHECK_READ(100, "ok\n");
	CHECK_ECHO("xyz\b \b\b \b\b \bok\r\n");
	type("\177\025\027q\n");		/* nothing to erase: no echo */
	CHECK_READ(100, "q\n");
	CHECK_ECHO("q\r\n");

	/* Control characters echo as ^X and rub out as two columns. */
	type("a\001\177\n");
	CHECK_READ(100, "a\n");
	CHECK_ECHO("a^A\b \b\b \b\r\n");

	/* A TAB rubs out back to where it started. */
	type("ab\tc\177\177\n");
	CHECK_READ(100, "ab\n");
	CHECK_ECHO("ab\tc\b \b\b\b\b\b\b\b\r\n");

	/* KILL without ECHOKE: echo the character and a newline (ECHOK). */
	set(ECHOKE, 0);
	type("xyz\025");
	CHECK_ECHO("xyz^U\r\n");
	type("k\n");
	CHECK_READ(100, "k\n");
	echo_len = 0;

	/* ERASE without ECHOE echoes the erase character. */
	set(ECHOE, 0);
	type("ab\177\n");
	CHECK_READ(100, "a\n");
	CHECK_ECHO("ab^?\r\n");

	/* ECHOPRT: erased characters between \ and /. */
	reset();
	set(0, ECHOPRT);
	type("abc\177\177d\n");
	CHECK_READ(100, "ad\n");
	CHECK_ECHO("abc\\cb/d\r\n");

	/* LNEXT quotes the next byte, even ^C and the erase character. */
	reset();
	type("a\026\177\026\003b\n");
	CHECK_READ(100, "a\177\003b\n");
	CHECK_INT(nsigs, 0);
	CHECK_ECHO("a^\b^?^\b^Cb\r\n");

	/* VREPRINT: ^R, a new line, the line so far. */
	type("ab\022");
	CHECK_ECHO("ab^R\r\nab");
	k_n_tty_flush_input(&ld);
}

static void test_signals(void)
{
	reset();
	type("abc\003");
	CHECK_INT(nsigs, 1);
	CHECK_INT(sigs[0], SIGINT);
	CHECK_ECHO("abc^C");
	type("\n");
	CHECK_READ(100, "\n");	/* abc was flushed */
	type("\034\032");
	CHECK_INT(nsigs, 3);
	CHECK_INT(sigs[1], SIGQUIT);
	CHECK_INT(sigs[2], SIGTSTP);

	set(0, NOFLSH);
	type("keep\003\n");
	CHECK_READ(100, "keep\n");

	reset();
	set(ISIG, 0);
	type("\003\n");
	CHECK_INT(nsigs, 0);
	CHECK_READ(100, "\003\n");

	/* IXON: ^S and ^Q stop and start output and are not input. */
	reset();
	type("\023");
	CHECK(ld.stopped);
	type("\021x\n");
	CHECK(!ld.stopped);
	CHECK_READ(100, "x\n");
}

static void test_input_flags(void)
{
	struct termios t;

	reset();
	t = ld.termios;
	t.c_iflag = IGNCR;
	k_n_tty_set_termios(&ld, &t);
	type("a\rb\n");
	CHECK_READ(100, "ab\n");
	t.c_iflag = INLCR;
	k_n_tty_set_termios(&ld, &t);
	type("a\n");		/* NL becomes CR, which ends no line */
	CHECK(!k_n_tty_input_available(&ld, false));
	t.c_iflag = ISTRIP | ICRNL;
	k_n_tty_set_termios(&ld, &t);
	type("\xe1\r");
	CHECK_READ(100, "a\ra\n");

	/* ECHONL without ECHO: only the newline shows. */
	reset();
	set(ECHO, ECHONL);
	type("ab\n");
	CHECK_ECHO("\r\n");
	CHECK_READ(100, "ab\n");

	/* A full line still takes its newline, nothing else. */
	reset();
	set(ECHO, 0);
	{
		static char big[5000];

		memset(big, 'x', sizeof(big));
		type_n(big, sizeof(big));
	}
	CHECK_INT(k_n_tty_inq(&ld), 0);
	type("\n");
	CHECK_INT(k_n_tty_inq(&ld), N_TTY_BUF_SIZE);
}

static void test_raw(void)
{
	struct termios t;

	reset();
	t = ld.termios;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 2;
	k_n_tty_set_termios(&ld, &t);
	type("a");
	CHECK(k_n_tty_input_available(&ld, false));
	CHECK(!k_n_tty_input_available(&ld, true));	/* VMIN 2 for poll */
	type("\177\004");
	CHECK(k_n_tty_input_available(&ld, true));
	CHECK_INT(k_n_tty_inq(&ld), 3);
	CHECK_READ(2, "a\177");
	CHECK_READ(100, "\004");
	CHECK_INT(echo_len, 0);

	/* Raw to canonical: what is pending becomes one line. */
	type("xy");
	set(0, ICANON);
	CHECK_READ(100, "xy");
	/* Canonical to raw: the unfinished line is readable. */
	type("abc");
	set(ICANON, 0);
	CHECK_READ(100, "abc");
}

static void out(const char *s)
{
	k_n_tty_write(&ld, (const unsigned char *)s, strlen(s));
}

static void test_output(void)
{
	reset();
	out("a\nb");
	CHECK_ECHO("a\r\nb");
	ld.termios.c_oflag = 0;
	out("a\nb");
	CHECK_ECHO("a\nb");
	ld.termios.c_oflag = OPOST;
	out("a\nb");
	CHECK_ECHO("a\nb");
	ld.termios.c_oflag = OPOST | OCRNL;
	out("a\r");
	CHECK_ECHO("a\n");
	ld.termios.c_oflag = OPOST | ONOCR;
	ld.column = 0;
	out("\r\rx\r");
	CHECK_ECHO("x\r");
	ld.termios.c_oflag = OPOST | XTABS;
	out("ab\tc\t");
	CHECK_ECHO("ab      c       ");
	ld.termios.c_oflag = OPOST | OLCUC | ONLCR;
	out("Hi\n");
	CHECK_ECHO("HI\r\n");
}

int main(void)
{
	test_defaults();
	test_canonical();
	test_editing();
	test_signals();
	test_input_flags();
	test_raw();
	test_output();
	return check_report();
}
