// SPDX-License-Identifier: GPL-2.0
/*
 * The console terminal: P's serial console as a tty.  The UART's
 * receive interrupt queues bytes, a work item runs them through the
 * N_TTY line discipline (drivers/tty/n_tty.c), and readers sleep on
 * read_wait until it has something for them.  Output goes through the
 * line discipline's OPOST processing to the console.  The tty has a
 * session (the controlling terminal of that session) and a foreground
 * process group for job control, as in Linux (termios(3), tty_ioctl(4),
 * credentials(7)).
 *
 * With stdin=null (the default) nothing is read from the UART and a read
 * is at end of file; stdin=serial makes the terminal live.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/jiffies.h>
#include <tessera/mutex.h>
#include <tessera/n_tty.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/wait.h>
#include <tessera/workqueue.h>
#include <uapi/linux/fcntl.h>
#include <uapi/asm/ioctls.h>
#include <uapi/linux/poll.h>
#include <uapi/asm/termbits.h>
#include "tty.h"

#define RX_RING_SIZE	1024		/* a power of two */
#define WRITE_CHUNK	256

struct tty_struct {
	struct mutex lock;		/* ldisc, session, pgrp, winsize */
	struct n_tty ldisc;
	struct mutex read_lock;		/* one reader at a time */
	struct wait_queue_head read_wait;	/* input arrived */
	struct wait_queue_head write_wait;	/* output restarted */
	pid_t session;			/* 0: nobody's controlling tty */
	pid_t pgrp;			/* the foreground process group */
	struct winsize winsize;
	bool live;			/* stdin=serial */

	/* From the interrupt handler to rx_work. */
	spinlock_t rx_lock;
	unsigned int rx_head, rx_tail;
	unsigned char rx_ring[RX_RING_SIZE];
	struct work_struct rx_work;
};

static void tty_ldisc_write(struct n_tty *ld, const char *s, size_t len);
static void tty_ldisc_signal(struct n_tty *ld, int sig);
static void tty_rx_work(struct work_struct *work);

static const struct n_tty_ops console_ldisc_ops = {
	.write = tty_ldisc_write,
	.signal = tty_ldisc_signal,
};

static struct tty_struct console_tty = {
	.read_wait = __WAIT_QUEUE_HEAD_INITIALIZER(console_tty.read_wait),
	.write_wait = __WAIT_QUEUE_HEAD_INITIALIZER(console_tty.write_wait),
	.rx_lock = __SPIN_LOCK_UNLOCKED(console_tty.rx_lock),
	.rx_work = __WORK_INITIALIZER(console_tty.rx_work, tty_rx_work),
	.winsize = { .ws_row = 24, .ws_col = 80 },
};
static DEFINE_SPINLOCK(tty_setup_lock);
static bool tty_ready;

static int parse_stdin(char *val)
{
	if (!val)
		return -EINVAL;
	if (!strcmp(val, "serial"))
		console_tty.live = true;
	else if (!strcmp(val, "null"))
		console_tty.live = false;
	else
		return -EINVAL;
	return 0;
}
__setup("stdin", parse_stdin);

static struct tty_struct *file_tty(struct file *f)
{
	return &console_tty;
}

/* ------------------------------------------------------------ input --- */

/* Interrupt context: queue the bytes for the line discipline. */
static void tty_receive_irq(const unsigned char *s, size_t len)
{
	struct tty_struct *tty = &console_tty;
	unsigned long flags;
	size_t i;

	spin_lock_irqsave(&tty->rx_lock, flags);
	for (i = 0; i < len; i++) {
		if (tty->rx_head - tty->rx_tail == RX_RING_SIZE)
			break;	/* overrun: the rest is lost, like a full FIFO */
		tty->rx_ring[tty->rx_head++ & (RX_RING_SIZE - 1)] = s[i];
	}
	spin_unlock_irqrestore(&tty->rx_lock, flags);
	schedule_work(&tty->rx_work);
}

static void tty_rx_work(struct work_struct *work)
{
	struct tty_struct *tty = container_of(work, struct tty_struct, rx_work);
	unsigned char buf[64];
	unsigned long flags;
	size_t n;

	for (;;) {
		spin_lock_irqsave(&tty->rx_lock, flags);
		for (n = 0; n < sizeof(buf) && tty->rx_tail != tty->rx_head; n++)
			buf[n] = tty->rx_ring[tty->rx_tail++ & (RX_RING_SIZE - 1)];
		spin_unlock_irqrestore(&tty->rx_lock, flags);
		if (!n)
			break;
		mutex_lock(&tty->lock);
		n_tty_receive(&tty->ldisc, buf, n);
		mutex_unlock(&tty->lock);
		wake_up_all(&tty->read_wait);
		wake_up_all(&tty->write_wait);
	}
}

static void tty_ldisc_write(struct n_tty *ld, const char *s, size_t len)
{
	console_write_bytes(s, len);
}

/* ISIG (tty->lock held): the foreground group gets the signal. */
static void tty_ldisc_signal(struct n_tty *ld, int sig)
{
	struct tty_struct *tty = container_of(ld, struct tty_struct, ldisc);

	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, sig);
}

/* Once, in process context: the line discipline, then the interrupt. */
static void tty_setup(struct tty_struct *tty)
{
	unsigned long flags;
	bool first;
	int ret;

	spin_lock_irqsave(&tty_setup_lock, flags);
	first = !tty_ready;
	if (first) {
		mutex_init(&tty->lock);
		mutex_init(&tty->read_lock);
		n_tty_init(&tty->ldisc, &console_ldisc_ops);
		tty_ready = true;
	}
	spin_unlock_irqrestore(&tty_setup_lock, flags);
	if (!first || !tty->live)
		return;
	ret = serial_console_rx_start(tty_receive_irq);
	if (ret) {
		pr_warn("tty: no console input (%d): reads are at end of file\n",
			ret);
		tty->live = false;
	}
}

/* ------------------------------------------------------ job control --- */

static bool is_ctty(struct tty_struct *tty, struct process *p)
{
	return tty->session && tty->session == p->sid;
}


/*
 * A process group is orphaned when no member has a parent in another
 * group of the same session (children of init do not count, as in
 * Linux): nobody is left to continue it after a stop.
 */
static bool pgrp_orphaned(pid_t pgid)
{
	struct process *q;
	bool orphaned = true;

	read_lock(&tasklist_lock);
	for_each_process(q) {
		if (q->pgid != pgid || q->state != PROC_ALIVE || !q->parent)
			continue;
		if (q->parent->tgid == 1)
			continue;
		if (q->parent->pgid != pgid && q->parent->sid == q->sid) {
			orphaned = false;
			break;
		}
	}
	read_unlock(&tasklist_lock);
	return orphaned;
}

/*
 * A background process touching its controlling tty: its group gets sig
 * (SIGTTIN for a read, SIGTTOU for a write with TOSTOP or a change of
 * the terminal's settings) and the call restarts once it is continued.
 */
static int tty_check_change(struct tty_struct *tty, int sig)
{
	struct process *p = current_proc();
	pid_t pgrp;
	bool ctty;

	if (!p)
		return 0;
	mutex_lock(&tty->lock);
	ctty = is_ctty(tty, p);
	pgrp = tty->pgrp;
	mutex_unlock(&tty->lock);
	if (!ctty || !pgrp || p->pgid == pgrp)
		return 0;
	if (signal_blocked_or_ignored(p, sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(p->pgid))
		return -EIO;
	kill_pgrp(p->pgid, sig);
	return -ERESTARTSYS;
}

/* ------------------------------------------------------- read, write --- */

static bool reader_wakes(struct tty_struct *tty)
{
	return n_tty_input_available(&tty->ldisc, false) ||
	       signal_pending_current();
}

/* Sleep for input, at most timeout jiffies: the jiffies left or -ERESTARTSYS. */
static long wait_for_input(struct tty_struct *tty, long timeout)
{
	long ret;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		ret = wait_event_interruptible(tty->read_wait,
					       reader_wakes(tty));
		return ret ? ret : timeout;
	}
	return ___wait_event(tty->read_wait,
			     ___wait_cond_timeout(reader_wakes(tty)),
			     TASK_INTERRUPTIBLE, 0, timeout,
			     __ret = schedule_timeout(__ret));
}

/*
 * Canonical mode: one line (or what fits of it).  Otherwise VMIN and
 * VTIME decide, as termios(3) says: MIN bytes with an inter-byte timer,
 * or a read timer when MIN is 0.
 */
static long tty_read(struct file *f, char __user *buf, size_t count)
{
	struct tty_struct *tty = file_tty(f);
	long timeout = MAX_SCHEDULE_TIMEOUT, time = 0, ret = 0;
	size_t copied = 0, minimum = 1, n;
	unsigned char *kbuf;
	bool avail, canon;

	if (!count)
		return 0;
	tty_setup(tty);
	if (!tty->live)
		return 0;
	ret = tty_check_change(tty, SIGTTIN);
	if (ret)
		return ret;
	count = min(count, (size_t)N_TTY_BUF_SIZE);
	kbuf = kmalloc(count, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;

	mutex_lock(&tty->read_lock);
	mutex_lock(&tty->lock);
	if (!(tty->ldisc.termios.c_lflag & ICANON)) {
		const cc_t *cc = tty->ldisc.termios.c_cc;
		/* VTIME is in tenths of a second. */
		long vtime = msecs_to_jiffies(cc[VTIME] * 100);

		minimum = cc[VMIN];
		if (minimum) {
			time = vtime;
		} else {
			timeout = vtime;
			minimum = 1;
		}
	}
	mutex_unlock(&tty->lock);

	for (;;) {
		mutex_lock(&tty->lock);
		canon = tty->ldisc.termios.c_lflag & ICANON;
		avail = n_tty_input_available(&tty->ldisc, false);
		if (avail) {
			n = n_tty_read(&tty->ldisc, kbuf + copied,
				       count - copied);
			copied += n;
		}
		mutex_unlock(&tty->lock);
		if (avail) {
			/* A canonical read ends with its line, or EOF. */
			if (canon || copied >= minimum || copied == count)
				break;
			if (time)
				timeout = time;
			continue;
		}
		if (!timeout)
			break;
		if (f->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		if (signal_pending_current()) {
			ret = -ERESTARTSYS;
			break;
		}
		timeout = wait_for_input(tty, timeout);
		if (timeout < 0) {
			ret = timeout;
			break;
		}
	}
	mutex_unlock(&tty->read_lock);

	if (copied) {
		ret = copied;
		if (copy_to_user(buf, kbuf, copied))
			ret = -EFAULT;
	}
	kfree(kbuf);
	return ret;
}

static bool writer_wakes(struct tty_struct *tty)
{
	return !tty->ldisc.stopped || signal_pending_current();
}

static long tty_write(struct file *f, const char __user *buf, size_t count)
{
	struct tty_struct *tty = file_tty(f);
	unsigned char chunk[WRITE_CHUNK];
	size_t done = 0, n;
	long ret = 0;

	tty_setup(tty);
	if (tty->ldisc.termios.c_lflag & TOSTOP) {
		ret = tty_check_change(tty, SIGTTOU);
		if (ret)
			return ret;
	}
	while (done < count) {
		n = min(count - done, sizeof(chunk));
		if (copy_from_user(chunk, buf + done, n)) {
			ret = -EFAULT;
			break;
		}
		/* ^S (IXON) or TCOOFF holds the output. */
		while (tty->ldisc.stopped) {
			if (f->flags & O_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			ret = wait_event_interruptible(tty->write_wait,
						       writer_wakes(tty));
			if (!ret && signal_pending_current())
				ret = -ERESTARTSYS;
			if (ret)
				break;
		}
		if (ret)
			break;
		mutex_lock(&tty->lock);
		n_tty_write(&tty->ldisc, chunk, n);
		mutex_unlock(&tty->lock);
		done += n;
	}
	return done ? done : ret;
}

static unsigned int tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty_struct *tty = file_tty(f);
	unsigned int mask = 0;

	tty_setup(tty);
	poll_wait(f, &tty->read_wait, pt);
	poll_wait(f, &tty->write_wait, pt);
	mutex_lock(&tty->lock);
	/* stdin=null: at end of file, which poll() reports as readable. */
	if (!tty->live || n_tty_input_available(&tty->ldisc, true))
		mask |= POLLIN | POLLRDNORM;
	if (!tty->ldisc.stopped)
		mask |= POLLOUT | POLLWRNORM;
	mutex_unlock(&tty->lock);
	return mask;
}

/* ----------------------------------------------------------- ioctl --- */

static void tty_set_termios(struct tty_struct *tty, const struct termios *t,
			    bool flush)
{
	mutex_lock(&tty->lock);
	if (flush)
		n_tty_flush_input(&tty->ldisc);
	n_tty_set_termios(&tty->ldisc, t);
	if (!(t->c_iflag & IXON))
		tty->ldisc.stopped = false;
	mutex_unlock(&tty->lock);
	wake_up_all(&tty->read_wait);
	wake_up_all(&tty->write_wait);
}

/* TCSETS/TCSETSW/TCSETSF and their termios2 forms. */
static long tty_set_ioctl(struct tty_struct *tty, unsigned int cmd,
			  void __user *arg, bool t2)
{
	struct termios2 t;
	long ret;

	ret = tty_check_change(tty, SIGTTOU);
	if (ret)
		return ret;
	if (copy_from_user(&t, arg, t2 ? sizeof(t) : sizeof(struct termios)))
		return -EFAULT;
	/* Output is written synchronously: TCSETSW has nothing to drain. */
	tty_set_termios(tty, (struct termios *)&t,
			cmd == TCSETSF || cmd == TCSETSF2);
	return 0;
}

/* A baud rate from the CBAUD bits, for termios2's speed fields. */
static speed_t cflag_speed(tcflag_t cflag)
{
	static const speed_t low[] = { 0, 50, 75, 110, 134, 150, 200, 300,
		600, 1200, 1800, 2400, 4800, 9600, 19200, 38400 };
	static const speed_t high[] = { 0, 57600, 115200, 230400, 460800,
		500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000,
		2500000, 3000000, 3500000, 4000000 };
	unsigned int i = cflag & CBAUD & ~CBAUDEX;

	return cflag & CBAUDEX ? high[i] : low[i];
}

static long tiocspgrp(struct tty_struct *tty, pid_t __user *arg)
{
	struct process *p = current_proc(), *q;
	pid_t pgrp;
	long ret;

	ret = tty_check_change(tty, SIGTTOU);
	if (ret == -EIO)
		return -ENOTTY;
	if (ret)
		return ret;
	if (get_user(pgrp, arg))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	mutex_lock(&tty->lock);
	if (!is_ctty(tty, p)) {
		ret = -ENOTTY;
		goto out;
	}
	ret = -ESRCH;
	if (pgrp == p->pgid)
		ret = 0;	/* current's own group, of its session */
	read_lock(&tasklist_lock);
	for_each_process(q) {
		if (!ret)
			break;
		if (q->pgid != pgrp || q->state != PROC_ALIVE)
			continue;
		ret = q->sid == p->sid ? 0 : -EPERM;
		break;
	}
	read_unlock(&tasklist_lock);
	if (!ret)
		tty->pgrp = pgrp;
out:
	mutex_unlock(&tty->lock);
	return ret;
}

/* The terminal leaves its session: SIGHUP and SIGCONT to the foreground. */
static void tty_disassociate(struct tty_struct *tty)
{
	pid_t pgrp;

	mutex_lock(&tty->lock);
	pgrp = tty->pgrp;
	tty->session = 0;
	tty->pgrp = 0;
	mutex_unlock(&tty->lock);
	if (pgrp > 0) {
		kill_pgrp(pgrp, SIGHUP);
		kill_pgrp(pgrp, SIGCONT);
	}
}

static long tiocsctty(struct tty_struct *tty, unsigned long arg)
{
	struct process *p = current_proc();
	bool leader = p->sid == p->tgid;
	long ret = 0;

	mutex_lock(&tty->lock);
	if (leader && tty->session == p->sid)
		goto out;	/* already ours */
	/*
	 * Only a session leader.  Stealing the terminal of another session
	 * (arg 1), like opening it without read access, needs
	 * CAP_SYS_ADMIN, which everybody has.
	 */
	if (!leader || (tty->session && arg != 1)) {
		ret = -EPERM;
		goto out;
	}
	tty->session = p->sid;
	tty->pgrp = p->pgid;
out:
	mutex_unlock(&tty->lock);
	return ret;
}

static long tty_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct tty_struct *tty = file_tty(f);
	void __user *uarg = (void __user *)arg;
	struct process *p = current_proc();
	struct termios2 t2;
	struct winsize ws;
	long ret = 0;
	int val;

	tty_setup(tty);
	switch (cmd) {
	case TCGETS:
	case TCGETS2:
		mutex_lock(&tty->lock);
		memcpy(&t2, &tty->ldisc.termios, sizeof(struct termios));
		mutex_unlock(&tty->lock);
		t2.c_ispeed = t2.c_ospeed = cflag_speed(t2.c_cflag);
		return copy_to_user(uarg, &t2, cmd == TCGETS ?
				    sizeof(struct termios) : sizeof(t2)) ?
		       -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return tty_set_ioctl(tty, cmd, uarg, false);
	case TCSETS2:
	case TCSETSW2:
	case TCSETSF2:
		return tty_set_ioctl(tty, cmd, uarg, true);
	case TCFLSH:
		ret = tty_check_change(tty, SIGTTOU);
		if (ret)
			return ret;
		if (arg > TCIOFLUSH)
			return -EINVAL;
		/* Output is never queued: only input has anything to drop. */
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			mutex_lock(&tty->lock);
			n_tty_flush_input(&tty->ldisc);
			mutex_unlock(&tty->lock);
		}
		return 0;
	case TCXONC:
		ret = tty_check_change(tty, SIGTTOU);
		if (ret)
			return ret;
		mutex_lock(&tty->lock);
		switch (arg) {
		case TCOOFF:
			tty->ldisc.stopped = true;
			break;
		case TCOON:
			tty->ldisc.stopped = false;
			break;
		case TCIOFF:
		case TCION:
			/* Send STOP / START to the other end. */
			val = tty->ldisc.termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
			if (val) {
				unsigned char c = val;

				n_tty_write(&tty->ldisc, &c, 1);
			}
			break;
		default:
			ret = -EINVAL;
		}
		mutex_unlock(&tty->lock);
		wake_up_all(&tty->write_wait);
		return ret;
	case TCSBRK:
	case TCSBRKP:
		ret = tty_check_change(tty, SIGTTOU);
		if (ret)
			return ret;
		/* tcdrain() is TCSBRK 1: output is already out. */
		if (cmd == TCSBRK && arg)
			return 0;
		serial_console_break(true);
		schedule_timeout_interruptible(cmd == TCSBRKP && arg ?
					       arg * HZ / 10 : HZ / 4);
		serial_console_break(false);
		return signal_pending_current() ? -EINTR : 0;
	case TIOCGWINSZ:
		mutex_lock(&tty->lock);
		ws = tty->winsize;
		mutex_unlock(&tty->lock);
		return copy_to_user(uarg, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&ws, uarg, sizeof(ws)))
			return -EFAULT;
		mutex_lock(&tty->lock);
		val = memcmp(&ws, &tty->winsize, sizeof(ws)) ? tty->pgrp : 0;
		tty->winsize = ws;
		mutex_unlock(&tty->lock);
		if (val > 0)
			kill_pgrp(val, SIGWINCH);
		return 0;
	case FIONREAD:
		mutex_lock(&tty->lock);
		val = n_tty_inq(&tty->ldisc);
		mutex_unlock(&tty->lock);
		return put_user(val, (int __user *)uarg) ? -EFAULT : 0;
	case TIOCOUTQ:
		/* Writes go out before they return: nothing is queued. */
		return put_user(0, (int __user *)uarg) ? -EFAULT : 0;
	case TIOCGETD:
		return put_user(N_TTY, (int __user *)uarg) ? -EFAULT : 0;
	case TIOCSETD:
		if (get_user(val, (int __user *)uarg))
			return -EFAULT;
		return val == N_TTY ? 0 : -EINVAL;
	case TIOCGPGRP:
	case TIOCGSID:
		mutex_lock(&tty->lock);
		if (!p || !is_ctty(tty, p))
			ret = -ENOTTY;
		else
			val = cmd == TIOCGPGRP ? tty->pgrp : tty->session;
		mutex_unlock(&tty->lock);
		if (ret)
			return ret;
		return put_user(val, (int __user *)uarg) ? -EFAULT : 0;
	case TIOCSPGRP:
		return p ? tiocspgrp(tty, uarg) : -ENOTTY;
	case TIOCSCTTY:
		return p ? tiocsctty(tty, arg) : -EPERM;
	case TIOCNOTTY:
		mutex_lock(&tty->lock);
		ret = p && is_ctty(tty, p) ? 0 : -ENOTTY;
		mutex_unlock(&tty->lock);
		if (!ret && p->sid == p->tgid)
			tty_disassociate(tty);
		return ret;
	default:
		return -ENOTTY;
	}
}

const struct file_operations tty_fops = {
	.read = tty_read,
	.write = tty_write,
	.poll = tty_poll,
	.ioctl = tty_ioctl,
	.stat = console_stat,
};

/* ------------------------------------------------- open, sessions --- */

bool tty_path(const char *path)
{
	return !strcmp(path, "/dev/tty") || !strcmp(path, "/dev/console") ||
	       !strcmp(path, "/dev/ttyS0");
}

int tty_open(struct file *f, const char *path, u32 flags)
{
	struct tty_struct *tty = file_tty(f);
	struct process *p = current_proc();
	int ret = 0;

	tty_setup(tty);
	mutex_lock(&tty->lock);
	if (!strcmp(path, "/dev/tty")) {
		if (!p || !is_ctty(tty, p))
			ret = -ENXIO;
	} else if (!strcmp(path, "/dev/ttyS0") && !(flags & O_NOCTTY) &&
		   p && p->sid == p->tgid && !tty->session) {
		/* /dev/console never becomes a controlling tty (Linux). */
		tty->session = p->sid;
		tty->pgrp = p->pgid;
	}
	mutex_unlock(&tty->lock);
	return ret;
}

void tty_attach(struct process *p)
{
	struct tty_struct *tty = &console_tty;

	tty_setup(tty);
	mutex_lock(&tty->lock);
	if (p->sid == p->tgid && !tty->session) {
		tty->session = p->sid;
		tty->pgrp = p->pgid;
	}
	mutex_unlock(&tty->lock);
}

void tty_session_exit(struct process *p)
{
	struct tty_struct *tty = &console_tty;
	bool ours;

	if (!tty_ready || p->sid != p->tgid)
		return;
	mutex_lock(&tty->lock);
	ours = tty->session == p->sid;
	mutex_unlock(&tty->lock);
	if (ours)
		tty_disassociate(tty);
}
