// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors: the serial console (0, 1, 2), files of the memory
 * node's archive (read-only, through MEMOP_OPEN/PREAD/STAT/CLOSE), and a
 * few pseudo files: /dev/null, /proc/pcache, /proc/self/exe.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/init.h>
#include <tessera/mm.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/uaccess.h>
#include "process.h"
#include "syscall.h"
#include "tty.h"

#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_CLOEXEC	02000000
#define AT_FDCWD	(-100)
#define AT_EMPTY_PATH	0x1000
#define AT_SYMLINK_NOFOLLOW 0x100

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

#define S_IFCHR		0020000
#define S_IFREG		0100000

#define PATH_MAX	4096
#define IOV_MAX		1024

/* Linux's x86-64 struct stat (144 bytes). */
struct kstat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;
	u64 st_atime, st_atime_nsec;
	u64 st_mtime, st_mtime_nsec;
	u64 st_ctime, st_ctime_nsec;
	s64 unused[3];
};

struct iovec {
	unsigned long iov_base;
	unsigned long iov_len;
};

#define MKDEV(ma, mi)	(((u64)(ma) << 8) | (mi))	/* old_encode_dev */

/* ------------------------------------------------------- fd table --- */

static struct file *file_new(enum file_type type)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (f) {
		f->type = type;
		refcount_set(&f->count, 1);
	}
	return f;
}

static void file_release(struct file *f, u32 mnode)
{
	if (f->type == FILE_MEMORY)
		/* Not mm_call(): this also runs while the process exits. */
		fit_call(mnode, MEMOP_CLOSE, &f->handle, sizeof(f->handle),
			 NULL, 0, 0);
	kfree(f->buf);
	kfree(f);
}

void fput(struct file *f)
{
	if (refcount_dec_and_test(&f->count))
		file_release(f, current_proc()->mnode);
}

struct file *fget(int fd)
{
	struct process *p = current_proc();
	struct file *f = NULL;

	if (fd < 0 || fd >= NR_OPEN_FILES)
		return NULL;
	mutex_lock(&p->files_lock);
	f = p->files[fd];
	if (f)
		refcount_inc(&f->count);
	mutex_unlock(&p->files_lock);
	return f;
}

/* The lowest free descriptor gets f; -EMFILE when there is none. */
static int fd_install(struct file *f)
{
	struct process *p = current_proc();
	int fd;

	mutex_lock(&p->files_lock);
	for (fd = 0; fd < NR_OPEN_FILES && p->files[fd]; fd++)
		;
	if (fd < NR_OPEN_FILES)
		p->files[fd] = f;
	mutex_unlock(&p->files_lock);
	return fd < NR_OPEN_FILES ? fd : -EMFILE;
}

int files_init(struct process *p)
{
	struct file *con = file_new(FILE_CONSOLE);
	int fd;

	if (!con)
		return -ENOMEM;
	con->flags = 2;		/* O_RDWR */
	for (fd = 0; fd < 3; fd++)
		p->files[fd] = con;
	refcount_set(&con->count, 3);
	tty_attach(p);
	return 0;
}

void files_release(struct process *p)
{
	int fd;

	for (fd = 0; fd < NR_OPEN_FILES; fd++) {
		struct file *f = p->files[fd];

		p->files[fd] = NULL;
		if (f && refcount_dec_and_test(&f->count))
			file_release(f, p->mnode);
	}
}

SYSCALL_DEFINE(close)
{
	struct process *p = current_proc();
	int fd = a0;
	struct file *f = NULL;

	if (fd < 0 || fd >= NR_OPEN_FILES)
		return -EBADF;
	mutex_lock(&p->files_lock);
	f = p->files[fd];
	p->files[fd] = NULL;
	mutex_unlock(&p->files_lock);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/* ------------------------------------------------------------ paths --- */

/*
 * A user path, made absolute (the working directory is always "/"):
 * kmalloc()ed, or an ERR_PTR.
 */
static char *get_path(int dirfd, const char __user *upath, bool empty_ok)
{
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	long n;

	if (!path)
		return ERR_PTR(-ENOMEM);
	path[0] = '/';
	n = strncpy_from_user(path + 1, upath, PATH_MAX - 1);
	if (n < 0 || n == PATH_MAX - 1 || (!n && !empty_ok)) {
		kfree(path);
		return ERR_PTR(n < 0 ? n : n ? -ENAMETOOLONG : -ENOENT);
	}
	if (path[1] == '/')
		memmove(path, path + 1, n + 1);
	else if (dirfd != AT_FDCWD && n) {
		/* Relative to a directory: there are no directory fds. */
		struct file *f = fget(dirfd);

		kfree(path);
		if (!f)
			return ERR_PTR(-EBADF);
		fput(f);
		return ERR_PTR(-ENOTDIR);
	}
	return path;
}

/* The stat of a file on the memory node, by path; flags: AT_* */
static int memory_stat(const char *path, u32 flags, struct mp_stat *st)
{
	size_t len = strlen(path);
	struct mp_open_req *req;
	long ret;

	req = kmalloc(sizeof(*req) + len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->flags = flags & AT_SYMLINK_NOFOLLOW;
	req->path_len = len;
	memcpy(req + 1, path, len);
	ret = mm_call(MEMOP_STAT, req, sizeof(*req) + len, st, sizeof(*st));
	kfree(req);
	if (ret >= 0 && ret != sizeof(*st))
		ret = -EPROTO;
	return ret < 0 ? ret : 0;
}

static struct file *memory_open(const char *path, u32 flags)
{
	size_t len = strlen(path);
	struct mp_open_reply rep;
	struct mp_open_req *req;
	struct file *f;
	long ret;

	req = kmalloc(sizeof(*req) + len, GFP_KERNEL);
	if (!req)
		return ERR_PTR(-ENOMEM);
	req->flags = flags;
	req->path_len = len;
	memcpy(req + 1, path, len);
	ret = mm_call(MEMOP_OPEN, req, sizeof(*req) + len, &rep, sizeof(rep));
	kfree(req);
	if (ret >= 0 && (ret != sizeof(rep) || !rep.handle))
		ret = -EPROTO;
	if (ret < 0)
		return ERR_PTR(ret);
	f = file_new(FILE_MEMORY);
	if (!f) {
		fit_call(current_proc()->mnode, MEMOP_CLOSE, &rep.handle,
			 sizeof(rep.handle), NULL, 0, 0);
		return ERR_PTR(-ENOMEM);
	}
	f->handle = rep.handle;
	f->st = rep.st;
	return f;
}

static struct file *pcache_file_open(void)
{
	struct file *f = file_new(FILE_BUFFER);

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->buf = kmalloc(PAGE_SIZE * 2, GFP_KERNEL);
	if (!f->buf) {
		kfree(f);
		return ERR_PTR(-ENOMEM);
	}
	f->len = pcache_stats_show(f->buf, PAGE_SIZE * 2);
	return f;
}

static long do_open(int dirfd, const char __user *upath, int flags)
{
	struct file *f;
	char *path;
	int fd;

	path = get_path(dirfd, upath, false);
	if (IS_ERR(path))
		return PTR_ERR(path);
	/* The memory node judges the flags for its files (read-only). */
	if (!strcmp(path, "/dev/null"))
		f = file_new(FILE_NULL) ?: ERR_PTR(-ENOMEM);
	else if (tty_path(path))
		f = file_new(FILE_CONSOLE) ?: ERR_PTR(-ENOMEM);
	else if (!strcmp(path, "/proc/pcache"))
		f = (flags & O_ACCMODE) != O_RDONLY ? ERR_PTR(-EACCES) :
		    pcache_file_open();
	else if (!strcmp(path, "/proc/self/exe"))
		f = memory_open(current_proc()->path, flags & ~O_CLOEXEC);
	else
		f = memory_open(path, flags & ~O_CLOEXEC);
	if (!IS_ERR(f) && f->type == FILE_CONSOLE) {
		int ret = tty_open(f, path, flags);

		if (ret) {
			kfree(f);
			f = ERR_PTR(ret);
		}
	}
	kfree(path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	f->flags = flags;
	fd = fd_install(f);
	if (fd < 0)
		fput(f);
	return fd;
}

SYSCALL_DEFINE(open)
{
	return do_open(AT_FDCWD, (const char __user *)a0, a1);
}

SYSCALL_DEFINE(openat)
{
	return do_open(a0, (const char __user *)a1, a2);
}

/* ----------------------------------------------------- read, write --- */

static long memory_pread(struct file *f, char __user *buf, size_t count,
			 u64 pos)
{
	struct mp_pread_req req = { .handle = f->handle };
	size_t done = 0;
	char *bounce;
	long n = 0;

	bounce = kmalloc(MEMPROTO_READ_MAX, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		req.offset = pos + done;
		req.len = min(count - done, (size_t)MEMPROTO_READ_MAX);
		n = mm_call(MEMOP_PREAD, &req, sizeof(req), bounce, req.len);
		if (n <= 0)
			break;
		if (copy_to_user(buf + done, bounce, n)) {
			n = -EFAULT;
			break;
		}
		done += n;
		if (n < req.len)
			break;	/* end of file */
	}
	kfree(bounce);
	return done ? done : n;
}

/* pos NULL: the file's position (read); else that offset (pread). */
static long file_read(struct file *f, char __user *buf, size_t count,
		      u64 *pos)
{
	u64 off = pos ? *pos : f->pos;
	long n;

	if ((f->flags & O_ACCMODE) == 1)	/* O_WRONLY */
		return -EBADF;
	if (!access_ok(buf, count))
		return -EFAULT;
	switch (f->type) {
	case FILE_CONSOLE:
		return pos ? -ESPIPE : tty_fops.read(f, buf, count);
	case FILE_NULL:
		return 0;
	case FILE_MEMORY:
		n = memory_pread(f, buf, count, off);
		break;
	case FILE_BUFFER:
		n = off < f->len ? min(count, (size_t)(f->len - off)) : 0;
		if (n && copy_to_user(buf, f->buf + off, n))
			n = -EFAULT;
		break;
	default:
		return -EBADF;
	}
	if (n > 0 && !pos)
		f->pos += n;
	return n;
}

static long file_write(struct file *f, const char __user *buf, size_t count)
{
	if (!access_ok(buf, count))
		return -EFAULT;
	switch (f->type) {
	case FILE_CONSOLE:
		return tty_fops.write(f, buf, count);
	case FILE_NULL:
		return count;
	default:
		return -EBADF;	/* not opened for writing */
	}
}

SYSCALL_DEFINE(read)
{
	struct file *f = fget(a0);
	long ret;

	if (!f)
		return -EBADF;
	ret = file_read(f, (char __user *)a1, a2, NULL);
	fput(f);
	return ret;
}

SYSCALL_DEFINE(pread64)
{
	struct file *f = fget(a0);
	u64 pos = a3;
	long ret;

	if (!f)
		return -EBADF;
	ret = (s64)pos < 0 ? -EINVAL : file_read(f, (char __user *)a1, a2, &pos);
	fput(f);
	return ret;
}

SYSCALL_DEFINE(write)
{
	struct file *f = fget(a0);
	long ret;

	if (!f)
		return -EBADF;
	ret = file_write(f, (const char __user *)a1, a2);
	fput(f);
	return ret;
}

static long do_iov(unsigned long fd, const struct iovec __user *uiov,
		   unsigned long cnt, bool write)
{
	struct file *f;
	struct iovec iov;
	long done = 0, n = 0;
	unsigned long i;

	if (cnt > IOV_MAX)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	for (i = 0; i < cnt; i++) {
		if (copy_from_user(&iov, &uiov[i], sizeof(iov))) {
			n = -EFAULT;
			break;
		}
		if (!iov.iov_len)
			continue;
		if (write)
			n = file_write(f, (const char __user *)iov.iov_base,
				       iov.iov_len);
		else
			n = file_read(f, (char __user *)iov.iov_base,
				      iov.iov_len, NULL);
		if (n < 0)
			break;
		done += n;
		if (n < iov.iov_len)
			break;
	}
	fput(f);
	return done ? done : n;
}

SYSCALL_DEFINE(readv)
{
	return do_iov(a0, (const struct iovec __user *)a1, a2, false);
}

SYSCALL_DEFINE(writev)
{
	return do_iov(a0, (const struct iovec __user *)a1, a2, true);
}

SYSCALL_DEFINE(lseek)
{
	struct file *f = fget(a0);
	s64 off = a1, base;
	long ret;

	if (!f)
		return -EBADF;
	switch (a2) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = f->type == FILE_MEMORY ? f->st.size : f->len;
		break;
	default:
		fput(f);
		return -EINVAL;
	}
	if (f->type == FILE_CONSOLE)
		ret = -ESPIPE;
	else if (base + off < 0)
		ret = -EINVAL;
	else
		ret = f->pos = base + off;
	fput(f);
	return ret;
}

/* ------------------------------------------------------------- stat --- */

static void stat_from_mp(struct kstat *st, const struct mp_stat *m)
{
	st->st_dev = MKDEV(0, 1);
	st->st_ino = m->ino;
	st->st_nlink = m->nlink;
	st->st_mode = m->mode;
	st->st_uid = m->uid;
	st->st_gid = m->gid;
	st->st_size = m->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = DIV_ROUND_UP(m->size, 512);
	st->st_atime = st->st_mtime = st->st_ctime = m->mtime;
}

static void stat_file(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	switch (f->type) {
	case FILE_CONSOLE:	/* like /dev/ttyS0 */
		st->st_mode = S_IFCHR | 0620;
		st->st_rdev = MKDEV(4, 64);
		st->st_blksize = 1024;
		break;
	case FILE_NULL:
		st->st_mode = S_IFCHR | 0666;
		st->st_rdev = MKDEV(1, 3);
		st->st_blksize = PAGE_SIZE;
		break;
	case FILE_MEMORY:
		stat_from_mp(st, &f->st);
		return;
	case FILE_BUFFER:
	case FILE_OPS:
		st->st_mode = S_IFREG | 0444;
		st->st_blksize = 1024;
		break;
	}
	st->st_dev = MKDEV(0, 5);
	st->st_nlink = 1;
}

static long fstat_fd(int fd, void __user *ubuf)
{
	struct file *f = fget(fd);
	struct kstat st;

	BUILD_BUG_ON(sizeof(st) != 144);
	if (!f)
		return -EBADF;
	stat_file(f, &st);
	fput(f);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long stat_path(int dirfd, const char __user *upath, void __user *ubuf,
		      int flags)
{
	struct kstat st;
	struct file *f = NULL;
	struct mp_stat m;
	char *path;
	long ret = 0;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	path = get_path(dirfd, upath, flags & AT_EMPTY_PATH);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (!path[1] && (flags & AT_EMPTY_PATH)) {
		kfree(path);
		return dirfd == AT_FDCWD ? -ENOENT : fstat_fd(dirfd, ubuf);
	}
	if (!strcmp(path, "/dev/null"))
		f = file_new(FILE_NULL);
	else if (tty_path(path))
		f = file_new(FILE_CONSOLE);
	else if (!strcmp(path, "/proc/pcache"))
		f = file_new(FILE_BUFFER);
	else
		ret = memory_stat(strcmp(path, "/proc/self/exe") ? path :
				  current_proc()->path, flags, &m);
	if (f) {
		stat_file(f, &st);
		kfree(f);
	} else if (!ret && (!strncmp(path, "/dev/", 5) ||
			    !strcmp(path, "/proc/pcache"))) {
		ret = -ENOMEM;
	} else if (!ret) {
		memset(&st, 0, sizeof(st));
		stat_from_mp(&st, &m);
	}
	kfree(path);
	if (ret)
		return ret;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE(fstat)
{
	return fstat_fd(a0, (void __user *)a1);
}

SYSCALL_DEFINE(stat)
{
	return stat_path(AT_FDCWD, (const char __user *)a0, (void __user *)a1, 0);
}

SYSCALL_DEFINE(lstat)
{
	return stat_path(AT_FDCWD, (const char __user *)a0, (void __user *)a1,
			 AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE(newfstatat)
{
	return stat_path(a0, (const char __user *)a1, (void __user *)a2, a3);
}

/* ------------------------------------------------------------ ioctl --- */

SYSCALL_DEFINE(ioctl)
{
	struct file *f = fget(a0);
	long ret = -ENOTTY;

	if (!f)
		return -EBADF;
	if (f->type == FILE_CONSOLE)
		ret = tty_fops.ioctl(f, a1, a2);
	fput(f);
	return ret;
}

/* Until poll()/select() (poll.c) exist nothing sleeps on a poll table. */
void poll_wait(struct file *f, struct wait_queue_head *wq,
	       struct poll_table *pt)
{
}

/* --------------------------------------------------------- readlink --- */

static long do_readlink(int dirfd, const char __user *upath,
			char __user *buf, long size)
{
	const char *exe = current_proc()->path;
	struct mp_stat m;
	char *path;
	long ret;

	if (size <= 0)
		return -EINVAL;
	path = get_path(dirfd, upath, false);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (!strcmp(path, "/proc/self/exe")) {
		/* Like Linux: truncated to size, no NUL. */
		ret = min((long)strlen(exe), size);
		if (copy_to_user(buf, exe, ret))
			ret = -EFAULT;
	} else {
		/*
		 * The protocol cannot read a link's target: every existing
		 * path reads as not a link.
		 */
		ret = memory_stat(path, AT_SYMLINK_NOFOLLOW, &m);
		if (!ret)
			ret = -EINVAL;
	}
	kfree(path);
	return ret;
}

SYSCALL_DEFINE(readlink)
{
	return do_readlink(AT_FDCWD, (const char __user *)a0, (char __user *)a1, a2);
}

SYSCALL_DEFINE(readlinkat)
{
	return do_readlink(a0, (const char __user *)a1, (char __user *)a2, a3);
}
