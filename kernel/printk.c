// SPDX-License-Identifier: GPL-2.0
/*
 * printk: levels, dmesg-style timestamps, a ring buffer and the consoles.
 *
 * The log keeps whole lines "<L>[seconds.micros] text\n" in a byte ring;
 * when full, the oldest lines are dropped.  Messages logged before the
 * first console registers are replayed to it.
 */
#include <tessera/kernel.h>
#include <tessera/init.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/errno.h>
#include <tessera/selftest.h>

#define LOG_BUF_LEN	(1UL << CONFIG_LOG_BUF_SHIFT)
#define LINE_MAX	1024

static char log_buf[LOG_BUF_LEN];
static size_t log_head;		/* total bytes ever written */
static size_t log_tail;		/* first byte still in the ring */
static DEFINE_SPINLOCK(logbuf_lock);

static struct console *consoles;
int console_loglevel = CONFIG_CONSOLE_LOGLEVEL_DEFAULT;
int oops_in_progress;

/* The line being assembled: KERN_CONT pieces join it until a newline. */
static char cur_line[LINE_MAX];
static size_t cur_len;
static int cur_level;

static int parse_loglevel(char *val)
{
	int level;

	if (!val || kstrtoint(val, 10, &level) || level < 0 || level > 15)
		return -EINVAL;
	console_loglevel = level;
	return 0;
}
early_param("loglevel", parse_loglevel);

static int parse_quiet(char *val)
{
	console_loglevel = 4;
	return 0;
}
early_param("quiet", parse_quiet);

static void log_store(const char *s, size_t len)
{
	size_t i;

	/* Drop whole lines from the tail until there is room. */
	while (log_head + len - log_tail > LOG_BUF_LEN) {
		while (log_tail < log_head &&
		       log_buf[log_tail++ % LOG_BUF_LEN] != '\n')
			;
	}
	for (i = 0; i < len; i++)
		log_buf[(log_head + i) % LOG_BUF_LEN] = s[i];
	log_head += len;
}

static void console_emit(const char *s, size_t len)
{
	struct console *con;

	for (con = consoles; con; con = con->next)
		con->write(con, s, len);
}

/* Finish the current line: timestamp it, log it, print it if loud enough. */
static void flush_line(void)
{
	char hdr[32];
	u64 ns = local_clock();
	int n;

	if (!cur_len)
		return;
	n = scnprintf(hdr, sizeof(hdr), "<%d>[%5llu.%06llu] ", cur_level,
		      ns / 1000000000ULL, (ns % 1000000000ULL) / 1000);
	cur_line[cur_len++] = '\n';
	log_store(hdr, n);
	log_store(cur_line, cur_len);
	if (cur_level < console_loglevel) {
		console_emit(hdr + 3, n - 3);	/* consoles do not show <L> */
		console_emit(cur_line, cur_len);
	}
	cur_len = 0;
}

static void append_text(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (text[i] == '\n') {
			flush_line();
			continue;
		}
		if (cur_len < LINE_MAX - 1)
			cur_line[cur_len++] = text[i];
	}
}

int vprintk(const char *fmt, va_list ap)
{
	char text[LINE_MAX];
	unsigned long flags;
	int level = -1, len;
	const char *p = fmt;
	bool cont = false, locked;

	while (p[0] == KERN_SOH[0] && p[1]) {
		if (p[1] == 'c')
			cont = true;
		else if (p[1] >= '0' && p[1] <= '7')
			level = p[1] - '0';
		p += 2;
	}
	len = vscnprintf(text, sizeof(text), p, ap);

	/* During an oops, never wait for a lock the oopsing code may hold. */
	flags = local_irq_save();
	if (oops_in_progress) {
		locked = spin_trylock(&logbuf_lock);
	} else {
		spin_lock(&logbuf_lock);
		locked = true;
	}
	if (!cont || !cur_len) {
		flush_line();
		cur_level = level >= 0 ? level : LOGLEVEL_DEFAULT;
	}
	append_text(text, len);
	if (locked)
		spin_unlock(&logbuf_lock);
	local_irq_restore(flags);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vprintk(fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Bytes of a user program's output: to the consoles as they are, not
 * into the log and without a timestamp; between kernel lines, never
 * inside one.
 */
void console_write_raw(const char *s, size_t len)
{
	unsigned long flags = local_irq_save();

	spin_lock(&logbuf_lock);
	console_emit(s, len);
	spin_unlock(&logbuf_lock);
	local_irq_restore(flags);
}

void console_write_bytes(const char *s, size_t len)
{
	unsigned long flags = local_irq_save();
	struct console *con;

	spin_lock(&logbuf_lock);
	for (con = consoles; con; con = con->next)
		(con->write_bytes ?: con->write)(con, s, len);
	spin_unlock(&logbuf_lock);
	local_irq_restore(flags);
}

/* Replay the log to a new console, honouring the console log level. */
static void replay_log(struct console *con)
{
	size_t pos = log_tail, start;
	char line[LINE_MAX + 32];

	while (pos < log_head) {
		size_t n = 0;
		int level;

		start = pos;
		while (pos < log_head && n < sizeof(line)) {
			char c = log_buf[pos++ % LOG_BUF_LEN];

			line[n++] = c;
			if (c == '\n')
				break;
		}
		level = line[1] - '0';
		if (n > 3 && pos > start && level < console_loglevel)
			con->write(con, line + 3, n - 3);
	}
}

void register_console(struct console *con)
{
	unsigned long flags;

	spin_lock_irqsave(&logbuf_lock, flags);
	replay_log(con);
	con->next = consoles;
	consoles = con;
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

size_t log_buf_len(void)
{
	return log_head - log_tail;
}

size_t log_buf_read(char *buf, size_t size)
{
	unsigned long flags;
	size_t i, n;

	spin_lock_irqsave(&logbuf_lock, flags);
	n = min(size, log_head - log_tail);
	for (i = 0; i < n; i++)
		buf[i] = log_buf[(log_tail + i) % LOG_BUF_LEN];
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return n;
}

#ifdef CONFIG_SELFTEST
static char st_log[LOG_BUF_LEN];

/* The line of the log containing needle, as a NUL-terminated string. */
static const char *st_find_line(const char *needle)
{
	size_t n = log_buf_read(st_log, sizeof(st_log) - 1);
	char *hit, *line;

	st_log[n] = '\0';
	hit = strstr(st_log, needle);
	if (!hit)
		return NULL;
	for (line = hit; line > st_log && line[-1] != '\n'; line--)
		;
	*strchr(hit, '\n') = '\0';
	return line;
}

SELFTEST(printk_log_buffer)
{
	const char *line;
	u64 t1, t2;

	printk(KERN_ERR "selftest-marker-1 %d\n", 42);
	line = st_find_line("selftest-marker-1 42");
	ST_ASSERT(line);
	ST_ASSERT(!strncmp(line, "<3>[", 4));
	ST_ASSERT(strstr(line, "] selftest-marker-1 42") == line + 16);

	/* KERN_CONT joins a line; a level-less message gets the default. */
	printk("selftest-marker-2 a");
	pr_cont(" b\n");
	line = st_find_line("selftest-marker-2");
	ST_ASSERT(line);
	ST_ASSERT(!strncmp(line, "<6>[", 4));
	ST_ASSERT(strstr(line, "selftest-marker-2 a b"));

	/* Timestamps are in seconds.micros and advance. */
	t1 = local_clock();
	ST_ASSERT(t1 > 0);
	t2 = local_clock();
	ST_ASSERT(t2 >= t1);
	return 0;
}
#endif
