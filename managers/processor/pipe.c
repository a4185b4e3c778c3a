// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes: a 64 KiB ring (Linux's default capacity) shared by a read end
 * and a write end.  Writes of at most PIPE_BUF bytes are atomic; reads
 * and writes sleep interruptibly unless O_NONBLOCK; end of file when the
 * last writer is gone, -EPIPE and SIGPIPE when the last reader is.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/wait.h>
#include <asm/uaccess.h>
#include <uapi/asm/ioctls.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/limits.h>
#include <uapi/linux/poll.h>
#include <uapi/linux/stat.h>
#include "process.h"
#include "syscall.h"

#define PIPE_SIZE	(64 * 1024)

struct pipe {
	struct mutex lock;
	struct wait_queue_head rd_wait;	/* readers wait for data or no writers */
	struct wait_queue_head wr_wait;	/* writers wait for room or no readers */
	char *buf;
	size_t head, len;	/* the data: len bytes from buf[head], wrapping */
	unsigned int readers, writers;
	u64 ino;
};

static atomic_t pipe_ino = ATOMIC_INIT(0);

static long pipe_read(struct file *f, char __user *ubuf, size_t count)
{
	struct pipe *pipe = f->private_data;
	size_t done = 0;
	long ret = 0;

	if (!count)
		return 0;
	mutex_lock(&pipe->lock);
	while (!pipe->len) {
		if (!pipe->writers)
			goto out;	/* end of file */
		if (f->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		mutex_unlock(&pipe->lock);
		if (wait_event_interruptible(pipe->rd_wait,
					     READ_ONCE(pipe->len) ||
					     !READ_ONCE(pipe->writers)))
			return -ERESTARTSYS;
		mutex_lock(&pipe->lock);
	}
	while (done < count && pipe->len) {
		size_t n = min(min(count - done, pipe->len),
			       (size_t)PIPE_SIZE - pipe->head);

		if (copy_to_user(ubuf + done, pipe->buf + pipe->head, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		pipe->head = (pipe->head + n) % PIPE_SIZE;
		pipe->len -= n;
	}
	if (!pipe->len)
		pipe->head = 0;
	if (done)
		wake_up_interruptible_all(&pipe->wr_wait);
out:
	mutex_unlock(&pipe->lock);
	return done ? done : ret;
}

/* pipe->lock held: append up to n bytes from ubuf; how many or -EFAULT. */
static long pipe_fill(struct pipe *pipe, const char __user *ubuf, size_t n)
{
	size_t done = 0;

	n = min(n, PIPE_SIZE - pipe->len);
	while (done < n) {
		size_t tail = (pipe->head + pipe->len) % PIPE_SIZE;
		size_t c = min(n - done, (size_t)PIPE_SIZE - tail);

		if (copy_from_user(pipe->buf + tail, ubuf + done, c))
			return done ? done : -EFAULT;
		done += c;
		pipe->len += c;
	}
	return done;
}

static long pipe_write(struct file *f, const char __user *ubuf, size_t count)
{
	struct pipe *pipe = f->private_data;
	size_t done = 0;
	long ret = 0;

	if (!count)
		return 0;
	mutex_lock(&pipe->lock);
	while (done < count) {
		/* Small writes go in one piece; big ones as room appears. */
		size_t need = count <= PIPE_BUF ? count : 1;
		long n;

		if (!pipe->readers) {
			send_signal(current_proc(), SIGPIPE);
			ret = -EPIPE;
			break;
		}
		if (PIPE_SIZE - pipe->len >= need) {
			n = pipe_fill(pipe, ubuf + done, count - done);
			if (n < 0) {
				ret = n;
				break;
			}
			done += n;
			wake_up_interruptible_all(&pipe->rd_wait);
			continue;
		}
		if (f->flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		mutex_unlock(&pipe->lock);
		if (wait_event_interruptible(pipe->wr_wait,
				PIPE_SIZE - READ_ONCE(pipe->len) >= need ||
				!READ_ONCE(pipe->readers))) {
			return done ? done : -ERESTARTSYS;
		}
		mutex_lock(&pipe->lock);
	}
	mutex_unlock(&pipe->lock);
	return done ? done : ret;
}

static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *pipe = f->private_data;
	unsigned int mask = 0;
	bool rd = (f->flags & O_ACCMODE) == O_RDONLY;

	poll_wait(f, rd ? &pipe->rd_wait : &pipe->wr_wait, pt);
	mutex_lock(&pipe->lock);
	if (rd) {
		if (pipe->len)
			mask |= POLLIN | POLLRDNORM;
		if (!pipe->writers)
			mask |= POLLHUP;
	} else {
		if (PIPE_SIZE - pipe->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!pipe->readers)
			mask |= POLLERR;
	}
	mutex_unlock(&pipe->lock);
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe *pipe = f->private_data;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return put_user((int)READ_ONCE(pipe->len), (int __user *)arg);
}

static void pipe_stat(struct file *f, struct stat *st)
{
	struct pipe *pipe = f->private_data;

	st->st_mode = S_IFIFO | 0600;
	st->st_dev = MKDEV(0, 12);	/* pipefs, as Linux numbers it */
	st->st_ino = pipe->ino;
	st->st_blksize = PAGE_SIZE;
}

static void pipe_release(struct file *f)
{
	struct pipe *pipe = f->private_data;
	bool last;

	mutex_lock(&pipe->lock);
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		pipe->readers--;
	else
		pipe->writers--;
	last = !pipe->readers && !pipe->writers;
	mutex_unlock(&pipe->lock);
	wake_up_interruptible_all(&pipe->rd_wait);
	wake_up_interruptible_all(&pipe->wr_wait);
	if (last) {
		kfree(pipe->buf);
		kfree(pipe);
	}
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.release = pipe_release,
};

int pipe_create(struct file **rd, struct file **wr, u32 flags)
{
	struct pipe *pipe;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);
	if (!pipe)
		return -ENOMEM;
	pipe->buf = kmalloc(PIPE_SIZE, GFP_KERNEL);
	*rd = file_alloc(&pipe_fops, O_RDONLY | (flags & O_NONBLOCK));
	*wr = file_alloc(&pipe_fops, O_WRONLY | (flags & O_NONBLOCK));
	if (!pipe->buf || !*rd || !*wr) {
		kfree(pipe->buf);
		kfree(pipe);
		kfree(*rd);
		kfree(*wr);
		return -ENOMEM;
	}
	mutex_init(&pipe->lock);
	init_waitqueue_head(&pipe->rd_wait);
	init_waitqueue_head(&pipe->wr_wait);
	pipe->readers = pipe->writers = 1;
	pipe->ino = atomic_inc_return(&pipe_ino);
	(*rd)->private_data = (*wr)->private_data = pipe;
	return 0;
}

static long do_pipe(int __user *ufds, unsigned long flags)
{
	struct process *p = current_proc();
	struct file *rd, *wr;
	int fds[2] = { -1, -1 };
	long ret;

	ret = pipe_create(&rd, &wr, flags);
	if (ret)
		return ret;
	fds[0] = fd_install(rd, flags);
	if (fds[0] >= 0)
		fds[1] = fd_install(wr, flags);
	if (fds[1] < 0) {
		ret = fds[0] < 0 ? fds[0] : fds[1];
		goto undo;
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		ret = -EFAULT;
		goto undo;
	}
	return 0;
undo:
	/* Nobody saw the descriptors: take them back. */
	mutex_lock(&p->files->lock);
	if (fds[0] >= 0)
		p->files->fd[fds[0]] = NULL;
	if (fds[1] >= 0)
		p->files->fd[fds[1]] = NULL;
	mutex_unlock(&p->files->lock);
	fput(rd);
	fput(wr);
	return ret;
}

SYSCALL_DEFINE(pipe)
{
	return do_pipe((int __user *)a0, 0);
}

SYSCALL_DEFINE(pipe2)
{
	return do_pipe((int __user *)a0, a1);
}
