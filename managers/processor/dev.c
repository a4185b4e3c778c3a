// SPDX-License-Identifier: GPL-2.0
/*
 * /dev: the memory devices (null, zero, full, random, urandom) and the
 * terminals (console, tty: the serial console for now), with Linux's
 * numbers, and the /dev directory that lists them.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/uaccess.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/fs.h>
#include <uapi/linux/stat.h>
#include "process.h"
#include "tty.h"
#include "syscall.h"

#define DEV_DIR_INO	1

static long null_read(struct file *f, char __user *buf, size_t count)
{
	return 0;
}

static long null_write(struct file *f, const char __user *buf, size_t count)
{
	return count;
}

static long zero_read(struct file *f, char __user *buf, size_t count)
{
	static const char zeros[256];
	size_t done = 0, n;

	while (done < count) {
		n = min(count - done, sizeof(zeros));
		if (copy_to_user(buf + done, zeros, n))
			return done ? done : -EFAULT;
		done += n;
		if (signal_pending_current())
			break;	/* a big read returns what it has */
		if (!(done & 0xffff))
			cond_resched();
	}
	return done;
}

static long full_write(struct file *f, const char __user *buf, size_t count)
{
	return -ENOSPC;
}

/* The getrandom() source; it never blocks, so random is urandom. */
static long random_read(struct file *f, char __user *buf, size_t count)
{
	return sys_getrandom((unsigned long)buf, count, 0, 0, 0, 0);
}

/* Linux's memory devices: every seek succeeds and goes nowhere. */
static s64 dev_llseek(struct file *f, s64 off, int whence)
{
	f->pos = 0;
	return 0;
}

static void dev_stat(struct file *f, struct stat *st);

static const struct file_operations null_fops = {
	.read = null_read, .write = null_write, .llseek = dev_llseek,
	.stat = dev_stat,
};

static const struct file_operations zero_fops = {
	.read = zero_read, .write = null_write, .llseek = dev_llseek,
	.stat = dev_stat,
};

static const struct file_operations full_fops = {
	.read = zero_read, .write = full_write, .llseek = dev_llseek,
	.stat = dev_stat,
};

static const struct file_operations random_fops = {
	.read = random_read, .write = null_write, .llseek = dev_llseek,
	.stat = dev_stat,
};

struct dev_node {
	const char *name;
	const struct file_operations *fops;	/* NULL: the console */
	u32 mode;
	u32 major, minor;
};

static const struct dev_node dev_nodes[] = {
	{ "console", NULL, 0600, 5, 1 },
	{ "full", &full_fops, 0666, 1, 7 },
	{ "null", &null_fops, 0666, 1, 3 },
	{ "random", &random_fops, 0666, 1, 8 },
	{ "tty", NULL, 0666, 5, 0 },
	{ "urandom", &random_fops, 0666, 1, 9 },
	{ "zero", &zero_fops, 0666, 1, 5 },
};

static void dev_stat(struct file *f, struct stat *st)
{
	const struct dev_node *d = f->dev;

	st->st_mode = S_IFCHR | d->mode;
	st->st_rdev = MKDEV(d->major, d->minor);
	st->st_ino = DEV_DIR_INO + 1 + (d - dev_nodes);
}

/* ------------------------------------------------------ directory --- */

/* Cursor: 0 ".", 1 "..", 2 + i the node i. */
static int dev_dir_iterate(struct file *f, struct dir_context *ctx)
{
	while (ctx->pos < 2 + ARRAY_SIZE(dev_nodes)) {
		u64 i = ctx->pos;
		bool more;

		if (i < 2) {
			more = dir_emit(ctx, "..", i + 1, i ? 2 : DEV_DIR_INO,
					DT_DIR, i + 1);
		} else {
			const struct dev_node *d = &dev_nodes[i - 2];

			more = dir_emit(ctx, d->name, strlen(d->name),
					DEV_DIR_INO + 1 + (i - 2), DT_CHR,
					i + 1);
		}
		if (!more)
			break;
	}
	return 0;
}

static s64 dev_dir_llseek(struct file *f, s64 off, int whence)
{
	if (whence != SEEK_SET || off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

static void dev_dir_stat(struct file *f, struct stat *st)
{
	st->st_mode = S_IFDIR | 0755;
	st->st_nlink = 2;
	st->st_ino = DEV_DIR_INO;
	st->st_size = 0;
}

static const struct file_operations dev_dir_fops = {
	.iterate = dev_dir_iterate,
	.llseek = dev_dir_llseek,
	.stat = dev_dir_stat,
};

/* -------------------------------------------------------------- open --- */

struct file *dev_open(const char *path, int flags)
{
	const struct dev_node *d = NULL;
	struct file *f;
	unsigned int i;
	int ret;

	if (!strcmp(path, "/dev") || !strcmp(path, "/dev/")) {
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
			return ERR_PTR(-EISDIR);
		f = file_alloc(&dev_dir_fops, flags);
		if (f)
			f->path = kstrdup("/dev", GFP_KERNEL);
		if (f && !f->path) {
			fput(f);
			f = NULL;
		}
		return f ?: ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < ARRAY_SIZE(dev_nodes); i++)
		if (!strcmp(path + 5, dev_nodes[i].name))
			d = &dev_nodes[i];
	if (!d) {
		/* "/dev/null/": a file is no directory. */
		for (i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
			size_t n = strlen(dev_nodes[i].name);

			if (!strncmp(path + 5, dev_nodes[i].name, n) &&
			    path[5 + n] == '/')
				return ERR_PTR(-ENOTDIR);
		}
		return ERR_PTR(-ENOENT);
	}
	if (flags & O_DIRECTORY)
		return ERR_PTR(-ENOTDIR);
	if (d->fops) {
		f = file_alloc(d->fops, flags);
		if (f)
			f->type = FILE_NULL;
	} else {
		f = file_alloc(&tty_fops, flags);
		if (f)
			f->type = FILE_CONSOLE;
		ret = f ? tty_open(f, path, flags) : 0;
		if (ret) {
			fput(f);
			return ERR_PTR(ret);
		}
	}
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->dev = d;
	return f;
}

/*
 * After f_op->stat: the console opened by a /dev name has that name's
 * numbers (its operations belong to the tty code and do not know).
 */
void dev_file_stat(struct file *f, struct stat *st)
{
	if (f->type == FILE_CONSOLE && f->dev)
		dev_stat(f, st);
}
