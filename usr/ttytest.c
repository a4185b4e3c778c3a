// SPDX-License-Identifier: GPL-2.0
/*
 * ttytest - the console terminal (termios(3), tty_ioctl(4)).
 *
 *   ttytest          termios and ioctl checks that need no typing, with
 *                    stdin=null (a read of the console is at end of file)
 *   ttytest input    line editing, EOF, raw mode (VMIN/VTIME), output
 *                    processing: before each read it prints a prompt
 *                    "ttytest: NAME?" and tests/84-tty.sh types the
 *                    input that goes with NAME into the console
 *   ttytest intr     prints "ttytest: intr?" and waits in read() for a
 *                    line: a ^C must kill it with SIGINT
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "utest.h"

/* buf as a C string literal, for messages. */
static const char *esc(const char *buf, long n)
{
	static char out[4][256];
	static int slot;
	char *o = out[slot++ & 3];
	size_t k = 0;
	long i;

	for (i = 0; i < n && k < sizeof(out[0]) - 5; i++) {
		unsigned char c = buf[i];

		if (c == '\n')
			k += sprintf(o + k, "\\n");
		else if (c == '\r')
			k += sprintf(o + k, "\\r");
		else if (c < 0x20 || c >= 0x7f)
			k += sprintf(o + k, "\\x%02x", c);
		else
			o[k++] = c;
	}
	o[k] = '\0';
	return o;
}

/* CHECK_OK(call, what): a call that must return 0. */
#define CHECK_OK(call, what)					\
	({							\
		long __r = (long)(call);			\
		int __e = errno;				\
		check(__r == 0, "%s: returned %ld errno %d",	\
		      (what), __r, __r ? __e : 0);		\
	})

static void prompt(const char *name)
{
	say("%s?", name);
}

/* One read of at most len bytes must give exactly want (wlen bytes). */
static void expect_read(const char *what, size_t len, const char *want,
			long wlen)
{
	char buf[256];
	long r;

	r = read(0, buf, len);
	check(r == wlen && (r <= 0 || !memcmp(buf, want, r)),
	      "%s: read gave %ld \"%s\" (errno %d), expected %ld \"%s\"",
	      what, r, r > 0 ? esc(buf, r) : "", r < 0 ? errno : 0, wlen,
	      esc(want, wlen));
}

static void set_attr(const struct termios *t, const char *what)
{
	int r = tcsetattr(0, TCSANOW, t), e = errno;

	check(r == 0, "tcsetattr %s: errno %d", what, e);
}

static void basic(void)
{
	struct termios t, u;
	struct winsize ws;
	int fd, n;
	pid_t pg;

	check(isatty(0) == 1, "isatty(0) is not 1");
	fd = open("/dev/null", O_RDWR);
	check(fd >= 0 && isatty(fd) == 0 && errno == ENOTTY,
	      "isatty(/dev/null) not 0 with ENOTTY");
	if (fd >= 0)
		close(fd);

	CHECK_OK(tcgetattr(0, &t), "tcgetattr");
	check(t.c_iflag == (ICRNL | IXON), "c_iflag %#o", t.c_iflag);
	check(t.c_oflag == (OPOST | ONLCR), "c_oflag %#o", t.c_oflag);
	check(t.c_cflag == (B38400 | CS8 | CREAD | HUPCL), "c_cflag %#o",
	      t.c_cflag);
	check(t.c_lflag == (ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL |
			    ECHOKE | IEXTEN), "c_lflag %#o", t.c_lflag);
	check(t.c_cc[VINTR] == 3 && t.c_cc[VQUIT] == 034 &&
	      t.c_cc[VERASE] == 0177 && t.c_cc[VKILL] == 025 &&
	      t.c_cc[VEOF] == 4 && t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0 &&
	      t.c_cc[VSTART] == 021 && t.c_cc[VSTOP] == 023 &&
	      t.c_cc[VSUSP] == 032 && t.c_cc[VWERASE] == 027 &&
	      t.c_cc[VLNEXT] == 026 && t.c_cc[VREPRINT] == 022 &&
	      t.c_cc[VEOL] == 0, "c_cc not Linux's defaults");
	check(cfgetospeed(&t) == B38400 && cfgetispeed(&t) == B38400,
	      "speed not 38400");

	/* Settings round trip, with each of the three TCSETS. */
	u = t;
	u.c_lflag &= ~ECHO;
	u.c_cc[VERASE] = 8;
	CHECK_OK(tcsetattr(0, TCSADRAIN, &u), "TCSETSW");
	memset(&u, 0, sizeof(u));
	check(tcgetattr(0, &u) == 0 && !(u.c_lflag & ECHO) &&
	      u.c_cc[VERASE] == 8, "tcsetattr did not take");
	CHECK_OK(tcsetattr(0, TCSAFLUSH, &t), "TCSETSF");
	set_attr(&t, "restore");
	check(tcgetattr(0, &u) == 0 && u.c_lflag == t.c_lflag &&
	      u.c_cc[VERASE] == 0177, "settings not restored");

	check(ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 24 &&
	      ws.ws_col == 80, "TIOCGWINSZ: not 80x24");
	ws.ws_row = 30;
	ws.ws_col = 100;
	CHECK_OK(ioctl(0, TIOCSWINSZ, &ws), "TIOCSWINSZ");
	memset(&ws, 0, sizeof(ws));
	check(ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 30 &&
	      ws.ws_col == 100, "TIOCSWINSZ did not take");
	ws.ws_row = 24;
	ws.ws_col = 80;
	CHECK_OK(ioctl(0, TIOCSWINSZ, &ws), "TIOCSWINSZ back");

	/* The first process of init= leads its session and owns the console. */
	pg = tcgetpgrp(0);
	check(pg == getpid(), "tcgetpgrp %d, expected %d", pg, getpid());
	pg = tcgetsid(0);
	check(pg == getpid(), "tcgetsid %d, expected %d", pg, getpid());
	CHECK_OK(tcsetpgrp(0, getpid()), "tcsetpgrp(own group)");
	CHECK_ERR(tcsetpgrp(0, 99999), ESRCH, "tcsetpgrp(no such group)");
	CHECK_ERR(ioctl(0, TIOCSPGRP, (void *)8), EFAULT, "TIOCSPGRP bad pointer");
	CHECK_OK(ioctl(0, TIOCSCTTY, 0), "TIOCSCTTY on own ctty");

	check(ioctl(0, FIONREAD, &n) == 0 && n == 0, "FIONREAD %d", n);
	check(ioctl(0, TIOCOUTQ, &n) == 0 && n == 0, "TIOCOUTQ %d", n);
	CHECK_OK(tcflush(0, TCIFLUSH), "tcflush");
	CHECK_ERR(ioctl(0, TCFLSH, 7), EINVAL, "TCFLSH 7");
	CHECK_OK(tcflow(0, TCOON), "tcflow TCOON");
	CHECK_OK(tcdrain(0), "tcdrain");
	CHECK_ERR(ioctl(0, 0x54ff, 0), ENOTTY, "unknown ioctl");
	CHECK_ERR(ioctl(0, TCGETS, (void *)8), EFAULT, "TCGETS bad pointer");
	CHECK_ERR(ioctl(0, TCSETS, (void *)8), EFAULT, "TCSETS bad pointer");
	CHECK_ERR(ioctl(0, TIOCGWINSZ, (void *)8), EFAULT,
		  "TIOCGWINSZ bad pointer");

	{
		char c;

		check(read(0, &c, 1) == 0, "stdin=null: read not at end of file");
	}

	fd = open("/dev/tty", O_RDWR);
	check(fd >= 0 && isatty(fd), "open /dev/tty: errno %d", errno);
	if (fd >= 0) {
		check(ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col == 80,
		      "TIOCGWINSZ on /dev/tty");
		close(fd);
	}
}

static void input(void)
{
	struct termios t, raw;
	uint64_t t0, dt;
	int n;

	tcgetattr(0, &t);

	prompt("line");		/* helxo ^?^? lo wrold ^W world CR */
	expect_read("erase and werase", 100, "hello world\n", 12);
	prompt("kill");		/* garbage ^U line two CR */
	expect_read("kill", 100, "line two\n", 9);
	prompt("eof");		/* partial ^D */
	expect_read("EOF after text", 100, "partial", 7);
	prompt("eof2");		/* ^D */
	expect_read("EOF alone", 100, "", 0);
	prompt("short");	/* abcdefgh NL */
	expect_read("short buffer 1", 4, "abcd", 4);
	check(ioctl(0, FIONREAD, &n) == 0 && n == 5, "FIONREAD %d, expected 5",
	      n);
	expect_read("short buffer 2", 4, "efgh", 4);
	expect_read("short buffer 3", 4, "\n", 1);
	prompt("lnext");	/* a ^V ^? b CR */
	expect_read("lnext", 100, "a\177b\n", 4);

	raw = t;
	raw.c_cc[VERASE] = 8;
	set_attr(&raw, "VERASE ^H");
	prompt("bs");		/* abX ^H c CR */
	expect_read("^H as VERASE", 100, "abc\n", 4);

	raw = t;
	raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(ICRNL | IXON);
	raw.c_cc[VMIN] = 3;
	raw.c_cc[VTIME] = 0;
	set_attr(&raw, "raw");
	prompt("raw");		/* x CR y */
	expect_read("raw VMIN 3", 100, "x\ry", 3);
	raw.c_cc[VMIN] = 1;
	set_attr(&raw, "raw VMIN 1");
	prompt("ctl");		/* ^C */
	expect_read("raw ^C", 100, "\003", 1);

	raw.c_cc[VMIN] = 5;
	raw.c_cc[VTIME] = 3;
	set_attr(&raw, "raw VMIN 5 VTIME 3");
	prompt("inter");	/* pq */
	expect_read("inter-byte timer", 100, "pq", 2);

	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 5;
	set_attr(&raw, "raw VMIN 0 VTIME 5");
	t0 = now_ns();
	expect_read("read timer", 100, "", 0);
	dt = now_ns() - t0;
	check(dt >= 400000000ull && dt < 5000000000ull,
	      "VTIME 5 returned after %llu ms", (unsigned long long)dt / 1000000);
	raw.c_cc[VTIME] = 0;
	set_attr(&raw, "raw VMIN 0 VTIME 0");
	t0 = now_ns();
	expect_read("polling read", 100, "", 0);
	dt = now_ns() - t0;
	check(dt < 300000000ull, "VMIN 0 VTIME 0 took %llu ms",
	      (unsigned long long)dt / 1000000);

	/* Canonical, nothing typed: O_NONBLOCK does not wait. */
	set_attr(&t, "cooked");
	n = open("/dev/tty", O_RDWR | O_NONBLOCK);
	check(n >= 0, "open /dev/tty O_NONBLOCK: errno %d", errno);
	if (n >= 0) {
		char c;

		CHECK_ERR(read(n, &c, 1), EAGAIN, "O_NONBLOCK read");
		close(n);
	}

	/* Output processing: the script finds these on the wire. */
	raw.c_oflag &= ~OPOST;
	set_attr(&raw, "no OPOST");
	fflush(stdout);
	write(1, "ttytest: opost off one\ntwo\n", 27);
	set_attr(&t, "cooked");
	write(1, "ttytest: opost on three\nfour\n", 29);
}

static void intr(void)
{
	char buf[64];
	long r;

	prompt("intr");		/* abc ^C */
	r = read(0, buf, sizeof(buf));
	say("read returned %ld (errno %d): not killed by SIGINT", r,
	    r < 0 ? errno : 0);
	exit(3);
}

int main(int argc, char **argv)
{
	utest_init("ttytest");
	if (argc > 1 && !strcmp(argv[1], "intr"))
		intr();
	if (argc > 1 && !strcmp(argv[1], "input"))
		input();
	else
		basic();
	return utest_finish();
}
