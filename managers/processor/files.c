// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors and the calls on them: the fd table, the serial
 * console (0, 1, 2), files and directories of the memory node's archive
 * (read-only, through MEMOP_OPEN/PREAD/STAT/GETDENTS/CLOSE), the pseudo
 * file systems (dev.c, /proc), paths and the working directory.
 * Pipes are in pipe.c, poll and select in poll.c.
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
#include <uapi/asm/ioctls.h>
#include <uapi/asm/termbits.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/fs.h>
#include <uapi/linux/limits.h>
#include <uapi/linux/poll.h>
#include <uapi/linux/sched.h>
#include <uapi/linux/stat.h>
#include <uapi/linux/uio.h>
#include "process.h"
#include "procfs.h"
#include "syscall.h"
#include "tty.h"

/* ---------------------------------------------------------- console --- */

/* Like /dev/ttyS0. */
void console_stat(struct file *f, struct stat *st)
{
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = MKDEV(4, 64);
	st->st_blksize = 1024;
}


/* ------------------------------------------------------- fd table --- */

struct file *file_alloc(const struct file_operations *f_op, u32 flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (f) {
		f->type = FILE_OPS;
		f->f_op = f_op;
		f->flags = flags & ~O_CLOEXEC;
		refcount_set(&f->count, 1);
	}
	return f;
}

void fput(struct file *f)
{
	if (!refcount_dec_and_test(&f->count))
		return;
	if (f->f_op->release)
		f->f_op->release(f);
	kfree(f->path);
	kfree(f->buf);
	kfree(f);
}

struct file *fget(int fd)
{
	struct process *p = current_proc();
	struct file *f = NULL;

	if (fd < 0 || fd >= NR_OPEN_FILES)
		return NULL;
	mutex_lock(&p->files->lock);
	f = p->files->fd[fd];
	if (f)
		refcount_inc(&f->count);
	mutex_unlock(&p->files->lock);
	return f;
}

/* The descriptors a process may use: its RLIMIT_NOFILE, at most the table. */
static int fd_limit(struct process *p)
{
	return min(p->rlim[RLIMIT_NOFILE].rlim_cur, (u64)NR_OPEN_FILES);
}

/* files_lock held: put f (a reference the caller gives) at fd. */
static void fd_set_locked(struct process *p, int fd, struct file *f,
			  bool cloexec)
{
	p->files->fd[fd] = f;
	if (cloexec)
		__set_bit(fd, p->files->close_on_exec);
	else
		__clear_bit(fd, p->files->close_on_exec);
}

/* files_lock held: the lowest free descriptor >= from, or -EMFILE. */
static int fd_alloc_locked(struct process *p, int from)
{
	int fd, max = fd_limit(p);

	for (fd = from; fd < max && p->files->fd[fd]; fd++)
		;
	return fd < max ? fd : -EMFILE;
}

int fd_install(struct file *f, u32 flags)
{
	struct process *p = current_proc();
	int fd;

	mutex_lock(&p->files->lock);
	fd = fd_alloc_locked(p, 0);
	if (fd >= 0)
		fd_set_locked(p, fd, f, flags & O_CLOEXEC);
	mutex_unlock(&p->files->lock);
	return fd;
}

static struct files_struct *files_alloc(void)
{
	struct files_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (fs) {
		refcount_set(&fs->count, 1);
		mutex_init(&fs->lock);
	}
	return fs;
}

static struct fs_struct *fs_alloc(const char *cwd, u32 umask)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return NULL;
	fs->cwd = kstrdup(cwd, GFP_KERNEL);
	if (!fs->cwd) {
		kfree(fs);
		return NULL;
	}
	refcount_set(&fs->count, 1);
	mutex_init(&fs->lock);
	fs->umask = umask;
	return fs;
}

int files_init(struct process *p)
{
	struct file *con = file_alloc(&tty_fops, O_RDWR);
	int fd;

	p->files = files_alloc();
	p->fs = fs_alloc("/", 022);
	if (!con || !p->files || !p->fs) {
		kfree(con);
		return -ENOMEM;
	}
	con->type = FILE_CONSOLE;
	for (fd = 0; fd < 3; fd++)
		p->files->fd[fd] = con;
	refcount_set(&con->count, 3);
	return 0;
}

/* Drop the descriptors of files that match: all, or only close-on-exec ones. */
static void files_close(struct files_struct *files, bool only_cloexec)
{
	int fd;

	for (fd = 0; fd < NR_OPEN_FILES; fd++) {
		struct file *f;

		if (only_cloexec && !test_bit(fd, files->close_on_exec))
			continue;
		mutex_lock(&files->lock);
		f = files->fd[fd];
		files->fd[fd] = NULL;
		__clear_bit(fd, files->close_on_exec);
		mutex_unlock(&files->lock);
		if (f)
			fput(f);
	}
}

static void files_put(struct files_struct *files)
{
	if (!files || !refcount_dec_and_test(&files->count))
		return;
	files_close(files, false);
	kfree(files);
}

static void fs_put(struct fs_struct *fs)
{
	if (!fs || !refcount_dec_and_test(&fs->count))
		return;
	kfree(fs->cwd);
	kfree(fs);
}

void files_release(struct process *p)
{
	files_put(p->files);
	fs_put(p->fs);
	p->files = NULL;
	p->fs = NULL;
}

/* A copy of files: the same open files, their close-on-exec flags. */
static struct files_struct *files_dup(struct files_struct *files)
{
	struct files_struct *n = files_alloc();
	int fd;

	if (!n)
		return NULL;
	mutex_lock(&files->lock);
	for (fd = 0; fd < NR_OPEN_FILES; fd++) {
		struct file *f = files->fd[fd];

		if (f)
			refcount_inc(&f->count);
		n->fd[fd] = f;
	}
	memcpy(n->close_on_exec, files->close_on_exec,
	       sizeof(n->close_on_exec));
	mutex_unlock(&files->lock);
	return n;
}

int files_exec(struct process *p)
{
	struct files_struct *files = p->files, *n;

	/* A table shared with another process (CLONE_FILES) becomes its own. */
	if (refcount_read(&files->count) > 1) {
		n = files_dup(files);
		if (!n)
			return -ENOMEM;
		p->files = n;
		files_put(files);
	}
	files_close(p->files, true);
	return 0;
}

int files_fork(struct process *child, struct process *parent, u64 flags)
{
	struct files_struct *files;
	struct fs_struct *fs;
	char *cwd;

	if (flags & CLONE_FILES) {
		refcount_inc(&parent->files->count);
		files = parent->files;
	} else {
		files = files_dup(parent->files);
		if (!files)
			return -ENOMEM;
	}
	files_put(child->files);	/* what process_alloc() gave it */
	child->files = files;

	if (flags & CLONE_FS) {
		refcount_inc(&parent->fs->count);
		fs = parent->fs;
	} else {
		cwd = fs_cwd_get(parent);
		fs = cwd ? fs_alloc(cwd, READ_ONCE(parent->fs->umask)) : NULL;
		kfree(cwd);
		if (!fs)
			return -ENOMEM;
	}
	fs_put(child->fs);
	child->fs = fs;
	return 0;
}

char *fs_cwd_get(struct process *p)
{
	char *cwd;

	mutex_lock(&p->fs->lock);
	cwd = kstrdup(p->fs->cwd, GFP_KERNEL);
	mutex_unlock(&p->fs->lock);
	return cwd;
}

SYSCALL_DEFINE(close)
{
	struct process *p = current_proc();
	int fd = a0;
	struct file *f = NULL;

	if (fd < 0 || fd >= NR_OPEN_FILES)
		return -EBADF;
	mutex_lock(&p->files->lock);
	f = p->files->fd[fd];
	fd_set_locked(p, fd, NULL, false);
	mutex_unlock(&p->files->lock);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/*
 * dup2/dup3/F_DUPFD: newfd < 0 takes the lowest free descriptor >= from;
 * else newfd, closing what was there.
 */
static long do_dup(int oldfd, int newfd, int from, bool cloexec)
{
	struct process *p = current_proc();
	struct file *f, *old = NULL;
	int fd;

	if (newfd >= fd_limit(p))
		return -EBADF;
	if (from >= fd_limit(p))
		return -EINVAL;
	mutex_lock(&p->files->lock);
	f = oldfd >= 0 && oldfd < NR_OPEN_FILES ? p->files->fd[oldfd] : NULL;
	if (!f) {
		mutex_unlock(&p->files->lock);
		return -EBADF;
	}
	fd = newfd >= 0 ? newfd : fd_alloc_locked(p, from);
	if (fd >= 0) {
		old = p->files->fd[fd];
		refcount_inc(&f->count);
		fd_set_locked(p, fd, f, cloexec);
	}
	mutex_unlock(&p->files->lock);
	if (old)
		fput(old);
	return fd;
}

SYSCALL_DEFINE(dup)
{
	return do_dup(a0, -1, 0, false);
}

SYSCALL_DEFINE(dup2)
{
	struct file *f;

	if ((int)a0 == (int)a1) {
		/* Only checks that the descriptor is open. */
		f = fget(a0);
		if (!f)
			return -EBADF;
		fput(f);
		return (int)a1;
	}
	if ((int)a1 < 0)
		return -EBADF;
	return do_dup(a0, a1, 0, false);
}

SYSCALL_DEFINE(dup3)
{
	if (a2 & ~O_CLOEXEC)
		return -EINVAL;
	if ((int)a0 == (int)a1)
		return -EINVAL;
	if ((int)a1 < 0)
		return -EBADF;
	return do_dup(a0, a1, 0, a2 & O_CLOEXEC);
}

/* The fd's close-on-exec flag: set (1), cleared (0), or read (-1). */
static long fd_cloexec(int fd, int set)
{
	struct process *p = current_proc();
	long ret = 0;

	if (fd < 0 || fd >= NR_OPEN_FILES)
		return -EBADF;
	mutex_lock(&p->files->lock);
	if (!p->files->fd[fd])
		ret = -EBADF;
	else if (set < 0)
		ret = test_bit(fd, p->files->close_on_exec) ? FD_CLOEXEC : 0;
	else
		fd_set_locked(p, fd, p->files->fd[fd], set);
	mutex_unlock(&p->files->lock);
	return ret;
}

/* The O_* flags F_SETFL may change. */
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | FASYNC)

SYSCALL_DEFINE(fcntl)
{
	int fd = a0;
	unsigned int cmd = a1;
	struct file *f = fget(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((long)a2 < 0 || a2 >= INT_MAX)
			ret = -EINVAL;
		else
			ret = do_dup(fd, -1, a2, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		ret = fd_cloexec(fd, -1);
		break;
	case F_SETFD:
		ret = fd_cloexec(fd, a2 & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = f->flags;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | (a2 & SETFL_MASK);
		ret = 0;
		break;
	default:
		ret = -EINVAL;
	}
	fput(f);
	return ret;
}

/* ------------------------------------------------------------ paths --- */

/*
 * Append the components of rel to the normalised absolute path in buf
 * (len bytes, at most PATH_MAX): "." and empty components vanish, ".."
 * removes the last component ("/.." is "/").  A trailing "/" is kept so
 * that the memory node can say -ENOTDIR for "file/".
 */
static int path_append(char *buf, size_t *len, const char *rel)
{
	size_t n = *len;

	while (*rel) {
		const char *c;
		size_t clen;

		while (*rel == '/')
			rel++;
		c = rel;
		while (*rel && *rel != '/')
			rel++;
		clen = rel - c;
		if (!clen || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 1 && buf[--n] != '/')
				;
			if (!n)
				n = 1;
			continue;
		}
		if (n + (n > 1) + clen >= PATH_MAX)
			return -ENAMETOOLONG;
		if (n > 1)
			buf[n++] = '/';
		memcpy(buf + n, c, clen);
		n += clen;
	}
	buf[n] = '\0';
	*len = n;
	return 0;
}

char *path_resolve(const char *base, const char *rel)
{
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	size_t len = 1;
	int ret;

	if (!path)
		return ERR_PTR(-ENOMEM);
	path[0] = '/';
	path[1] = '\0';
	ret = rel[0] == '/' ? 0 : path_append(path, &len, base);
	if (!ret)
		ret = path_append(path, &len, rel);
	if (ret) {
		kfree(path);
		return ERR_PTR(ret);
	}
	return path;
}

char *user_path_at(int dirfd, const char __user *upath, int flags)
{
	char *user, *path;
	size_t len = 1, ulen;
	long n;
	int ret = 0;

	user = kmalloc(2 * PATH_MAX, GFP_KERNEL);
	if (!user)
		return ERR_PTR(-ENOMEM);
	path = user + PATH_MAX;
	n = strncpy_from_user(user, upath, PATH_MAX);
	if (n < 0 || n == PATH_MAX) {
		ret = n < 0 ? n : -ENAMETOOLONG;
		goto out;
	}
	if (!n && !(flags & AT_EMPTY_PATH)) {
		ret = -ENOENT;
		goto out;
	}
	if (!n && dirfd != AT_FDCWD) {
		path[0] = '\0';	/* the file of dirfd itself */
		goto out;
	}
	ulen = n;
	path[0] = '/';
	path[1] = '\0';
	if (!n) {
		/* "" with AT_EMPTY_PATH and AT_FDCWD: the working directory */
		user[ulen++] = '.';
		user[ulen] = '\0';
	}
	if (user[0] != '/') {
		struct fs_struct *fs = current_proc()->fs;
		const char *base = NULL;
		struct file *f = NULL;

		if (dirfd == AT_FDCWD) {
			mutex_lock(&fs->lock);
			base = fs->cwd;
		} else {
			f = fget(dirfd);
			if (!f) {
				ret = -EBADF;
				goto out;
			}
			if (!f->path || !f->f_op->iterate) {
				fput(f);
				ret = -ENOTDIR;
				goto out;
			}
			base = f->path;
		}
		ret = path_append(path, &len, base);
		if (f)
			fput(f);
		else
			mutex_unlock(&fs->lock);
	}
	if (!ret)
		ret = path_append(path, &len, user);
	/* "dir/" and "dir/." must name a directory: M checks the "/". */
	if (!ret && len > 1 && (user[ulen - 1] == '/' ||
				(ulen >= 2 && !strcmp(user + ulen - 2, "/.")))) {
		if (len + 1 >= PATH_MAX) {
			ret = -ENAMETOOLONG;
		} else {
			path[len] = '/';
			path[len + 1] = '\0';
		}
	}
out:
	if (!ret)
		path = kstrdup(path, GFP_KERNEL) ?: ERR_PTR(-ENOMEM);
	else
		path = ERR_PTR(ret);
	kfree(user);
	return path;
}

/* ------------------------------------------- memory node's files --- */

int memory_stat(const char *path, u32 flags, struct mp_stat *st)
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

static void stat_from_mp(struct stat *st, const struct mp_stat *m)
{
	st->st_dev = ARCHIVE_DEV;
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

long chunked_pread(struct file *f, char __user *buf, size_t count, u64 pos,
		   size_t max, long (*fetch)(struct file *f, u64 pos,
					     void *kbuf, u32 len))
{
	size_t done = 0;
	char *bounce;
	long n = 0;

	bounce = kmalloc(max, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		u32 len = min(count - done, max);

		n = fetch(f, pos + done, bounce, len);
		if (n <= 0)
			break;
		if (copy_to_user(buf + done, bounce, n)) {
			n = -EFAULT;
			break;
		}
		done += n;
		if (n < len)
			break;	/* end of file */
	}
	kfree(bounce);
	return done ? done : n;
}

long file_pos_read(struct file *f, char __user *buf, size_t count)
{
	long n = f->f_op->pread(f, buf, count, f->pos);

	if (n > 0)
		f->pos += n;
	return n;
}

static long memory_fetch(struct file *f, u64 pos, void *kbuf, u32 len)
{
	struct mp_pread_req req = {
		.handle = f->handle, .offset = pos, .len = len,
	};

	return mm_call(MEMOP_PREAD, &req, sizeof(req), kbuf, len);
}

static long memory_pread(struct file *f, char __user *buf, size_t count,
			 u64 pos)
{
	if (S_ISDIR(f->st.mode))
		return -EISDIR;
	return chunked_pread(f, buf, count, pos, MEMPROTO_READ_MAX,
			     memory_fetch);
}

s64 fixed_size_llseek(struct file *f, s64 off, int whence, s64 size)
{
	s64 base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA:		/* no holes: data up to the end */
	case SEEK_HOLE:		/* the only hole starts at the end */
		if (off < 0 || off >= size)
			return -ENXIO;
		f->pos = whence == SEEK_DATA ? off : size;
		return f->pos;
	default:
		return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

static s64 memory_llseek(struct file *f, s64 off, int whence)
{
	/* A directory's position is a cursor: only rewinding makes sense. */
	if (S_ISDIR(f->st.mode) && !(whence == SEEK_SET && off >= 0))
		return -EINVAL;
	return fixed_size_llseek(f, off, whence, f->st.size);
}

int batched_iterate(struct file *f, struct dir_context *ctx, size_t max,
		    long (*fetch)(struct file *f, u64 cursor, void *kbuf,
				  size_t max))
{
	char *rep;
	long n = 0;

	/* The records of both protocols have the same layout. */
	BUILD_BUG_ON(sizeof(struct mp_dirent) != sizeof(struct sp_dirent));
	if (ctx->pos >= PSEUDO_CURSOR)
		goto pseudo;
	rep = kmalloc(max, GFP_KERNEL);
	if (!rep)
		return -ENOMEM;
	for (;;) {
		struct mp_dirent d;
		long off = 0;

		n = fetch(f, ctx->pos, rep, max);
		if (n <= 0)
			break;
		while (off + (long)sizeof(d) <= n) {
			memcpy(&d, rep + off, sizeof(d));
			off += sizeof(d);
			if (off + d.name_len > n || !d.name_len ||
			    d.next <= ctx->pos || d.next >= PSEUDO_CURSOR) {
				n = -EPROTO;
				goto out;
			}
			if (!dir_emit(ctx, rep + off, d.name_len, d.ino, d.type,
				      d.next))
				goto out;
			off += d.name_len;
		}
		if (off != n) {
			n = -EPROTO;
			break;
		}
	}
out:
	kfree(rep);
	if (n == -EPROTO)
		pr_warn("files: a malformed directory listing from node %u\n",
			current_proc()->mnode);
	if (n)
		return n < 0 ? n : 0;
pseudo:
	if (!strcmp(f->path, "/"))
		pseudo_iterate_root(ctx);
	return 0;
}

static long memory_fetch_dir(struct file *f, u64 cursor, void *kbuf,
			     size_t max)
{
	struct mp_getdents_req req = { .handle = f->handle, .cursor = cursor };

	return mm_call(MEMOP_GETDENTS, &req, sizeof(req), kbuf, max);
}

static int memory_iterate(struct file *f, struct dir_context *ctx)
{
	return batched_iterate(f, ctx, MEMPROTO_READ_MAX, memory_fetch_dir);
}

static void memory_file_stat(struct file *f, struct stat *st)
{
	stat_from_mp(st, &f->st);
}

static void memory_release(struct file *f)
{
	/* Not mm_call(): this also runs while the process exits. */
	fit_call(f->mnode, MEMOP_CLOSE, &f->handle, sizeof(f->handle),
		 NULL, 0, 0);
}

static const struct file_operations memory_fops = {
	.read = file_pos_read,
	.pread = memory_pread,
	.llseek = memory_llseek,
	.stat = memory_file_stat,
	.release = memory_release,
};

/* Directories differ only in having iterate (which makes them one). */
static const struct file_operations memory_dir_fops = {
	.read = file_pos_read,
	.pread = memory_pread,
	.llseek = memory_llseek,
	.iterate = memory_iterate,
	.stat = memory_file_stat,
	.release = memory_release,
};

struct file *memory_open(const char *path, u32 flags)
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
	f = file_alloc(S_ISDIR(rep.st.mode) ? &memory_dir_fops : &memory_fops,
		       flags);
	if (f && S_ISDIR(rep.st.mode))
		f->path = kstrdup(path, GFP_KERNEL);
	if (!f || (S_ISDIR(rep.st.mode) && !f->path)) {
		fit_call(current_proc()->mnode, MEMOP_CLOSE, &rep.handle,
			 sizeof(rep.handle), NULL, 0, 0);
		kfree(f);
		return ERR_PTR(-ENOMEM);
	}
	f->type = FILE_MEMORY;
	f->handle = rep.handle;
	f->mnode = current_proc()->mnode;
	f->st = rep.st;
	return f;
}

/* --------------------------------------------------- pseudo files --- */

static long buffer_pread(struct file *f, char __user *buf, size_t count,
			 u64 pos)
{
	size_t n = pos < f->len ? min(count, (size_t)(f->len - pos)) : 0;

	return n && copy_to_user(buf, f->buf + pos, n) ? -EFAULT : n;
}

static s64 buffer_llseek(struct file *f, s64 off, int whence)
{
	return fixed_size_llseek(f, off, whence, f->len);
}

static const struct file_operations buffer_fops = {
	.read = file_pos_read,
	.pread = buffer_pread,
	.llseek = buffer_llseek,
};

static struct file *pcache_file_open(void)
{
	struct file *f = file_alloc(&buffer_fops, O_RDONLY);

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->type = FILE_BUFFER;
	f->buf = kmalloc(PAGE_SIZE * 2, GFP_KERNEL);
	if (!f->buf) {
		kfree(f);
		return ERR_PTR(-ENOMEM);
	}
	f->len = pcache_stats_show(f->buf, PAGE_SIZE * 2);
	return f;
}

/* ------------------------------------------------------ /proc, /sys --- */

static struct file *path_open(const char *path, int flags);

static void procfs_file_stat(struct file *f, struct stat *st)
{
	st->st_mode = f->st.mode;
	st->st_ino = f->st.ino;
	st->st_nlink = f->st.nlink;
	st->st_atime = st->st_mtime = st->st_ctime = f->st.mtime;
	st->st_blksize = 1024;
}

static const struct file_operations procfs_file_fops = {
	.read = file_pos_read,
	.pread = buffer_pread,
	.llseek = buffer_llseek,
	.stat = procfs_file_stat,
};

struct procfs_dir_walk {
	struct dir_context *ctx;
	u64 index;
};

static int procfs_dir_emit(void *arg, const char *name, u64 ino,
			   unsigned int type)
{
	struct procfs_dir_walk *w = arg;
	u64 i = w->index++;

	if (i < w->ctx->pos)
		return 0;
	return dir_emit(w->ctx, name, strlen(name), ino, type, i + 1) ? 0 : 1;
}

/* A listing is made anew at each call; entries are counted from 0. */
static int procfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct procfs_dir_walk w = { .ctx = ctx };
	int ret = procfs_readdir(f->path, procfs_dir_emit, &w);

	return ret < 0 ? ret : 0;
}

static const struct file_operations procfs_dir_fops = {
	.iterate = procfs_iterate,
	.stat = procfs_file_stat,
};

/* The target of the procfs link at path, absolute (kmalloc'd). */
static char *procfs_link_target(const char *path)
{
	char *target = kmalloc(PATH_MAX, GFP_KERNEL);
	const char *slash = strrchr(path, '/');
	size_t dir = slash - path + 1;
	int n;

	if (!target)
		return ERR_PTR(-ENOMEM);
	n = procfs_readlink(path, target, PATH_MAX - 1);
	if (n >= 0 && target[0] != '/') {
		/* Relative ("/proc/self" -> "42"): from the link's directory. */
		if (n + dir >= PATH_MAX - 1) {
			n = -ENAMETOOLONG;
		} else {
			memmove(target + dir, target, n);
			memcpy(target, path, dir);
			n += dir;
		}
	}
	if (n < 0) {
		kfree(target);
		return ERR_PTR(n);
	}
	target[n] = '\0';
	return target;
}

/* /proc and /sys: procfs.c's nodes as files; links are followed. */
static struct file *procfs_open(const char *path, int flags)
{
	struct procfs_node node;
	struct file *f;
	char *target;
	int ret;

	if (!strcmp(path, "/proc/pcache"))
		return (flags & O_ACCMODE) != O_RDONLY ? ERR_PTR(-EACCES) :
		       pcache_file_open();
	ret = procfs_lookup(path, &node);
	if (ret)
		return ERR_PTR(ret);
	if (node.type == PROCFS_LINK && !(flags & O_NOFOLLOW)) {
		target = procfs_link_target(path);
		if (IS_ERR(target))
			return ERR_PTR(PTR_ERR(target));
		f = path_open(target, flags);
		kfree(target);
		return f;
	}
	/* The link itself: only for stat (O_PATH), as Linux. */
	if (node.type == PROCFS_LINK && !(flags & O_PATH))
		return ERR_PTR(-ELOOP);
	if ((flags & O_ACCMODE) != O_RDONLY)
		return ERR_PTR(node.type == PROCFS_DIR ? -EISDIR : -EACCES);
	f = file_alloc(node.type == PROCFS_DIR ? &procfs_dir_fops :
		       &procfs_file_fops, flags);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->type = FILE_BUFFER;
	f->st.mode = node.mode;
	f->st.ino = node.ino;
	f->st.nlink = node.nlink;
	f->st.mtime = node.mtime;
	f->path = kstrdup(path, GFP_KERNEL);
	ret = f->path ? 0 : -ENOMEM;
	if (!ret && node.type == PROCFS_FILE && !(flags & O_PATH)) {
		ret = procfs_read_file(path, &f->buf, &f->len);
		f->st.size = f->len;
	}
	if (ret) {
		fput(f);
		return ERR_PTR(ret);
	}
	return f;
}

/* Links are followed by procfs_open(); readlink() reads them here. */
static int procfs_readlink_fs(const char *path, char *buf, int size)
{
	return procfs_readlink(path, buf, size);
}

static const struct pseudo_fs pseudo_fs[] = {
	{ "/dev", dev_open },
	{ "/proc", procfs_open, procfs_readlink_fs },
	{ "/sys", procfs_open, procfs_readlink_fs },
};

/* The pseudo file system path is at or below, or NULL. */
static const struct pseudo_fs *pseudo_fs_of(const char *path)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pseudo_fs); i++) {
		size_t n = strlen(pseudo_fs[i].prefix);

		if (!strncmp(path, pseudo_fs[i].prefix, n) &&
		    (path[n] == '/' || !path[n]))
			return &pseudo_fs[i];
	}
	return NULL;
}

static void file_stat(struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = MKDEV(0, 5);
	st->st_nlink = 1;
	st->st_mode = S_IFREG | 0444;
	st->st_blksize = PAGE_SIZE;
	if (f->f_op->stat)
		f->f_op->stat(f, st);
	dev_file_stat(f, st);
}

/* Open path from a pseudo file system; ERR_PTR(-ENOENT) if none has it. */
static struct file *pseudo_open(const char *path, int flags)
{
	const struct pseudo_fs *fs = pseudo_fs_of(path);

	return fs ? fs->open(path, flags) : ERR_PTR(-ENOENT);
}

/*
 * After the archive's entries of "/": the top directories of the pseudo
 * file systems that exist and that the archive does not have already.
 */
static int backing_stat(const char *path, struct stat *st);

void pseudo_iterate_root(struct dir_context *ctx)
{
	u64 i;

	if (ctx->pos < PSEUDO_CURSOR)
		ctx->pos = PSEUDO_CURSOR;
	for (i = ctx->pos - PSEUDO_CURSOR; i < ARRAY_SIZE(pseudo_fs); i++) {
		const char *name = pseudo_fs[i].prefix;
		struct file *d;
		struct stat st;

		ctx->pos = PSEUDO_CURSOR + i;
		if (strchr(name + 1, '/') || !backing_stat(name, &st))
			continue;
		d = pseudo_fs[i].open(name, O_RDONLY | O_DIRECTORY);
		if (IS_ERR(d))
			continue;
		file_stat(d, &st);
		fput(d);
		if (!dir_emit(ctx, name + 1, strlen(name + 1), st.st_ino,
			      DT_DIR, PSEUDO_CURSOR + i + 1))
			return;
	}
	ctx->pos = PSEUDO_CURSOR + i;
}

enum path_kind path_kind(const char *path)
{
	if (pseudo_fs_of(path))
		return PATH_PSEUDO;
	return storfs_active ? PATH_STORAGE : PATH_ARCHIVE;
}

/* The stat of path in the tree under the pseudo file systems (S's or M's). */
static int backing_stat(const char *path, struct stat *st)
{
	struct mp_stat m;
	int ret;

	if (storfs_active)
		return storfs_stat(path, 0, st);
	ret = memory_stat(path, 0, &m);
	if (!ret) {
		memset(st, 0, sizeof(*st));
		stat_from_mp(st, &m);
	}
	return ret;
}

/*
 * Open an absolute normalised path: the pseudo files, then S's tree or
 * M's archive.  mode: O_CREAT's (before the umask).
 */
static struct file *path_open_mode(const char *path, int flags, u32 mode)
{
	struct file *f = pseudo_open(path, flags);

	if (IS_ERR(f) && PTR_ERR(f) == -ENOENT && pseudo_fs_of(path) &&
	    (flags & O_CREAT))
		f = ERR_PTR(-EACCES);	/* no new files in the pseudo ones */
	else if (IS_ERR(f) && PTR_ERR(f) == -ENOENT && storfs_active)
		f = storfs_open(path, flags & ~O_CLOEXEC, mode);
	else if (IS_ERR(f) && PTR_ERR(f) == -ENOENT)
		f = memory_open(path, flags & ~O_CLOEXEC);
	if (!IS_ERR(f) && (flags & O_DIRECTORY) && !f->f_op->iterate) {
		fput(f);
		f = ERR_PTR(-ENOTDIR);
	}
	return f;
}

static struct file *path_open(const char *path, int flags)
{
	return path_open_mode(path, flags, 0);
}

int path_stat(const char *path, u32 at_flags, struct stat *st)
{
	struct file *f = pseudo_open(path, O_PATH |
				     (at_flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0));
	struct mp_stat m;
	int ret;

	if (!IS_ERR(f)) {
		file_stat(f, st);
		fput(f);
		return 0;
	}
	if (PTR_ERR(f) != -ENOENT)
		return PTR_ERR(f);
	if (storfs_active)
		return storfs_stat(path, at_flags, st);
	ret = memory_stat(path, at_flags, &m);
	if (ret)
		return ret;
	memset(st, 0, sizeof(*st));
	stat_from_mp(st, &m);
	return 0;
}

/* --------------------------------------------------------- open ---- */

static long do_open(int dirfd, const char __user *upath, int flags, u32 mode)
{
	struct file *f;
	char *path;
	int fd;

	path = user_path_at(dirfd, upath, 0);
	if (IS_ERR(path))
		return PTR_ERR(path);
	f = path_open_mode(path, flags, mode);
	kfree(path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	/* As 64-bit Linux: F_GETFL shows O_LARGEFILE on every opened file. */
	f->flags = (flags & ~(O_CLOEXEC | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC)) |
		   O_LARGEFILE;
	fd = fd_install(f, flags);
	if (fd < 0)
		fput(f);
	return fd;
}

SYSCALL_DEFINE(open)
{
	return do_open(AT_FDCWD, (const char __user *)a0, a1, a2);
}

SYSCALL_DEFINE(openat)
{
	return do_open(a0, (const char __user *)a1, a2, a3);
}

SYSCALL_DEFINE(creat)
{
	return do_open(AT_FDCWD, (const char __user *)a0,
		       O_CREAT | O_WRONLY | O_TRUNC, a1);
}

/* ----------------------------------------------------- read, write --- */

static long file_read(struct file *f, char __user *buf, size_t count)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (f->f_op->iterate)
		return -EISDIR;
	if (!f->f_op->read)
		return -EINVAL;
	if (!access_ok(buf, count))
		return -EFAULT;
	return f->f_op->read(f, buf, count);
}

static long file_write(struct file *f, const char __user *buf, size_t count)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (!access_ok(buf, count))
		return -EFAULT;
	return f->f_op->write(f, buf, count);
}

SYSCALL_DEFINE(read)
{
	struct file *f = fget(a0);
	long ret;

	if (!f)
		return -EBADF;
	ret = file_read(f, (char __user *)a1, a2);
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

/* pread64 and pwrite64: only on what can seek (not pipes or the console). */
SYSCALL_DEFINE(pread64)
{
	struct file *f = fget(a0);
	char __user *buf = (char __user *)a1;
	long ret;

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		ret = -EBADF;
	else if (!f->f_op->llseek)
		ret = -ESPIPE;
	else if ((s64)a3 < 0)
		ret = -EINVAL;
	else if (f->f_op->iterate)
		ret = -EISDIR;
	else if (!access_ok(buf, a2))
		ret = -EFAULT;
	else if (f->f_op->pread)
		ret = f->f_op->pread(f, buf, a2, a3);
	else
		ret = file_read(f, buf, a2);	/* a device: no position */
	fput(f);
	return ret;
}

SYSCALL_DEFINE(pwrite64)
{
	struct file *f = fget(a0);
	long ret;

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		ret = -EBADF;
	else if (!f->f_op->llseek)
		ret = -ESPIPE;
	else if ((s64)a3 < 0)
		ret = -EINVAL;
	else if (!f->f_op->pwrite)	/* devices: no position */
		ret = file_write(f, (const char __user *)a1, a2);
	else if (!access_ok((const char __user *)a1, a2))
		ret = -EFAULT;
	else
		ret = f->f_op->pwrite(f, (const char __user *)a1, a2, a3);
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

	if (cnt > UIO_MAXIOV)
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
				      iov.iov_len);
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
	long ret;

	if (!f)
		return -EBADF;
	if (a2 > SEEK_MAX)
		ret = -EINVAL;
	else if (!f->f_op->llseek)
		ret = -ESPIPE;
	else
		ret = f->f_op->llseek(f, a1, a2);
	fput(f);
	return ret;
}

/* Not implemented: -EINVAL makes callers (cat, cp) fall back to read/write. */
SYSCALL_DEFINE(sendfile)
{
	struct file *in = fget(a1), *out = fget(a0);
	long ret = in && out ? -EINVAL : -EBADF;

	if (in)
		fput(in);
	if (out)
		fput(out);
	return ret;
}

/* ------------------------------------------------------------- stat --- */

int file_getstat(struct file *f, struct stat *st)
{
	/* S's attributes change under an open file: asked anew, may fail. */
	if (f->type == FILE_STORAGE)
		return storfs_fstat(f, st);
	file_stat(f, st);
	return 0;
}

static long fstat_fd(int fd, void __user *ubuf)
{
	struct file *f = fget(fd);
	struct stat st;
	int ret;

	BUILD_BUG_ON(sizeof(st) != 144);
	if (!f)
		return -EBADF;
	ret = file_getstat(f, &st);
	fput(f);
	if (ret)
		return ret;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

/* The stat of upath at dirfd; "" with AT_EMPTY_PATH: dirfd's file. */
static int stat_at(int dirfd, const char __user *upath, int flags,
		   struct stat *st)
{
	struct file *f;
	char *path;
	int ret = 0;

	path = user_path_at(dirfd, upath, flags);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (*path) {
		ret = path_stat(path, flags & AT_SYMLINK_NOFOLLOW, st);
	} else {
		f = fget(dirfd);
		if (f) {
			ret = file_getstat(f, st);
			fput(f);
		} else {
			ret = -EBADF;
		}
	}
	kfree(path);
	return ret;
}

static long stat_path(int dirfd, const char __user *upath, void __user *ubuf,
		      int flags)
{
	struct stat st;
	long ret;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT))
		return -EINVAL;
	ret = stat_at(dirfd, upath, flags, &st);
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

struct statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 reserved;
};

/* Linux's struct statx (256 bytes). */
struct linux_statx {
	u32 stx_mask;
	u32 stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major;
	u32 stx_rdev_minor;
	u32 stx_dev_major;
	u32 stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align;
	u32 stx_dio_offset_align;
	u64 spare3[12];
};

#define STATX_BASIC_STATS	0x07ffU
#define STATX_RESERVED		0x80000000U
#define AT_STATX_SYNC_TYPE	0x6000

/* Everything but the birth time, which ext2 does not keep. */
SYSCALL_DEFINE(statx)
{
	struct linux_statx sx;
	struct stat st;
	long ret;

	BUILD_BUG_ON(sizeof(sx) != 256);
	if (a2 & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
		   AT_STATX_SYNC_TYPE) ||
	    (a2 & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
	    (a3 & STATX_RESERVED))
		return -EINVAL;
	ret = stat_at(a0, (const char __user *)a1, a2, &st);
	if (ret)
		return ret;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = st.st_blksize;
	sx.stx_nlink = st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = st.st_size;
	sx.stx_blocks = st.st_blocks;
	sx.stx_atime.tv_sec = st.st_atime;
	sx.stx_atime.tv_nsec = st.st_atime_nsec;
	sx.stx_mtime.tv_sec = st.st_mtime;
	sx.stx_mtime.tv_nsec = st.st_mtime_nsec;
	sx.stx_ctime.tv_sec = st.st_ctime;
	sx.stx_ctime.tv_nsec = st.st_ctime_nsec;
	/* Linux's new_encode_dev() split. */
	sx.stx_rdev_major = (st.st_rdev >> 8) & 0xfff;
	sx.stx_rdev_minor = (st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00);
	sx.stx_dev_major = (st.st_dev >> 8) & 0xfff;
	sx.stx_dev_minor = (st.st_dev & 0xff) | ((st.st_dev >> 12) & 0xfff00);
	return copy_to_user((void __user *)a4, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/*
 * access: the caller is root, who may read and write anything but
 * needs an x bit to execute a file; the archive is read-only (-EROFS
 * for W_OK on its files, as on a read-only mount).
 */
static long do_access(int dirfd, const char __user *upath, int mode,
		      int flags)
{
	struct stat st;
	long ret;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ret = stat_at(dirfd, upath, flags, &st);
	if (!ret && (mode & X_OK) && !S_ISDIR(st.st_mode) &&
	    !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		ret = -EACCES;
	if (!ret && (mode & W_OK) && st.st_dev == ARCHIVE_DEV &&
	    (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)))
		ret = -EROFS;
	return ret;
}

SYSCALL_DEFINE(access)
{
	return do_access(AT_FDCWD, (const char __user *)a0, a1, 0);
}

SYSCALL_DEFINE(faccessat)
{
	return do_access(a0, (const char __user *)a1, a2, 0);
}

SYSCALL_DEFINE(faccessat2)
{
	return do_access(a0, (const char __user *)a1, a2, a3);
}

/* ------------------------------------------------------------ ioctl --- */

SYSCALL_DEFINE(ioctl)
{
	struct file *f = fget(a0);
	unsigned int cmd = a1;
	long ret = 0;
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		ret = fd_cloexec(a0, cmd == FIOCLEX);
		break;
	case FIONBIO:
		if (get_user(on, (int __user *)a2)) {
			ret = -EFAULT;
			break;
		}
		if (on)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~O_NONBLOCK;
		break;
	default:
		ret = f->f_op->ioctl ? f->f_op->ioctl(f, cmd, a2) : -ENOTTY;
	}
	fput(f);
	return ret;
}

/* ---------------------------------------------------- directories --- */

bool dir_emit(struct dir_context *ctx, const char *name, size_t len, u64 ino,
	      unsigned int type, u64 next)
{
	struct linux_dirent64 d;
	size_t reclen = ALIGN(offsetof(struct linux_dirent64, d_name) + len + 1,
			      8);
	char __user *p = ctx->buf + ctx->used;
	static const char zeros[8];

	if (ctx->error)
		return false;
	if (ctx->used + reclen > ctx->count) {
		if (!ctx->used)
			ctx->error = -EINVAL;	/* not even one entry fits */
		return false;
	}
	d.d_ino = ino;
	d.d_off = next;
	d.d_reclen = reclen;
	d.d_type = type;
	if (copy_to_user(p, &d, offsetof(struct linux_dirent64, d_name)) ||
	    copy_to_user(p + offsetof(struct linux_dirent64, d_name), name,
			 len) ||
	    copy_to_user(p + offsetof(struct linux_dirent64, d_name) + len,
			 zeros, reclen - len -
			 offsetof(struct linux_dirent64, d_name))) {
		ctx->error = -EFAULT;
		return false;
	}
	ctx->used += reclen;
	ctx->pos = next;
	return true;
}

SYSCALL_DEFINE(getdents64)
{
	struct dir_context ctx = {
		.buf = (char __user *)a1,
		.count = min(a2, (unsigned long)INT_MAX),
	};
	struct file *f = fget(a0);
	long ret;

	if (!f)
		return -EBADF;
	if (!f->f_op->iterate) {
		fput(f);
		return -ENOTDIR;
	}
	if (!access_ok(ctx.buf, ctx.count)) {
		fput(f);
		return -EFAULT;
	}
	ctx.pos = f->pos;
	ret = f->f_op->iterate(f, &ctx);
	f->pos = ctx.pos;
	fput(f);
	if (ctx.used)
		return ctx.used;
	return ctx.error ?: ret;
}

/* ----------------------------------------- the working directory --- */

static long set_cwd(const char *path)
{
	struct process *p = current_proc();
	char *cwd = kstrdup(path, GFP_KERNEL), *old;
	size_t len;

	if (!cwd)
		return -ENOMEM;
	len = strlen(cwd);
	if (len > 1 && cwd[len - 1] == '/')
		cwd[len - 1] = '\0';
	mutex_lock(&p->fs->lock);
	old = p->fs->cwd;
	p->fs->cwd = cwd;
	mutex_unlock(&p->fs->lock);
	kfree(old);
	return 0;
}

SYSCALL_DEFINE(chdir)
{
	struct stat st;
	char *path = user_path_at(AT_FDCWD, (const char __user *)a0, 0);
	long ret;

	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = path_stat(path, 0, &st);
	if (!ret && !S_ISDIR(st.st_mode))
		ret = -ENOTDIR;
	if (!ret)
		ret = set_cwd(path);
	kfree(path);
	return ret;
}

SYSCALL_DEFINE(fchdir)
{
	struct file *f = fget(a0);
	long ret;

	if (!f)
		return -EBADF;
	ret = f->f_op->iterate && f->path ? set_cwd(f->path) : -ENOTDIR;
	fput(f);
	return ret;
}

SYSCALL_DEFINE(getcwd)
{
	char *cwd = fs_cwd_get(current_proc());
	size_t len;
	long ret;

	if (!cwd)
		return -ENOMEM;
	len = strlen(cwd) + 1;
	if (a1 < len)
		ret = -ERANGE;
	else
		ret = copy_to_user((char __user *)a0, cwd, len) ? -EFAULT : len;
	kfree(cwd);
	return ret;
}

SYSCALL_DEFINE(umask)
{
	return xchg(&current_proc()->fs->umask, a0 & 0777);
}

/* --------------------------------------------------------- readlink --- */

/* An archive symlink's target into the user's buf, truncated to size. */
static long memory_readlink(const char *path, char __user *buf, long size)
{
	size_t len = strlen(path);
	struct mp_open_req *req;
	char *target;
	long ret;

	req = kmalloc(sizeof(*req) + len, GFP_KERNEL);
	target = kmalloc(MEMPROTO_PATH_MAX, GFP_KERNEL);
	ret = -ENOMEM;
	if (req && target) {
		req->flags = 0;
		req->path_len = len;
		memcpy(req + 1, path, len);
		ret = mm_call(MEMOP_READLINK, req, sizeof(*req) + len, target,
			      MEMPROTO_PATH_MAX);
	}
	if (ret >= 0) {
		ret = min(ret, size);
		if (copy_to_user(buf, target, ret))
			ret = -EFAULT;
	}
	kfree(req);
	kfree(target);
	return ret;
}

static long do_readlink(int dirfd, const char __user *upath,
			char __user *buf, long size)
{
	const struct pseudo_fs *fs;
	char *path, *target = NULL;
	long ret;

	if (size <= 0)
		return -EINVAL;
	path = user_path_at(dirfd, upath, 0);
	if (IS_ERR(path))
		return PTR_ERR(path);
	fs = pseudo_fs_of(path);
	ret = -ENOENT;
	if (fs && fs->readlink) {
		target = kmalloc(PATH_MAX, GFP_KERNEL);
		ret = target ? fs->readlink(path, target, PATH_MAX) : -ENOMEM;
	}
	if (ret == -ENOENT && fs) {
		/* A pseudo file that is no link. */
		struct file *f = fs->open(path, O_PATH | O_NOFOLLOW);

		if (!IS_ERR(f)) {
			fput(f);
			ret = -EINVAL;
		}
	}
	if (ret >= 0) {
		/* Like Linux: truncated to size, no NUL. */
		ret = min(ret, size);
		if (copy_to_user(buf, target, ret))
			ret = -EFAULT;
	} else if (ret == -ENOENT && !fs && storfs_active) {
		ret = storfs_readlink(path, buf, size);
	} else if (ret == -ENOENT && !fs) {
		ret = memory_readlink(path, buf, size);
	}
	kfree(target);
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
