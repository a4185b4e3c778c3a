// SPDX-License-Identifier: GPL-2.0
/*
 * The storage node's tree as P's root file system: when the cluster has
 * a storage node, every file operation outside the pseudo file systems
 * goes to this processor's memory node as a SPOP_* request
 * (include/tessera/storproto.h), which serves reads and writes from its
 * page cache and forwards the rest to S.  Open files of that tree are
 * FILE_STORAGE files holding a handle (inode, generation); the calls
 * that change the tree are here, and refuse with -EROFS on M's archive
 * (Documentation/processor.md, "Files").
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/mm.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/uaccess.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/fs.h>
#include <uapi/linux/limits.h>
#include <uapi/linux/stat.h>
#include "process.h"
#include "syscall.h"

bool storfs_active;
/* The memory node of init, for the power-off sync (no process then). */
static u32 storfs_mnode;

void storfs_init(u32 mnode)
{
	storfs_active = true;
	storfs_mnode = mnode;
}

/* Processes run as root: the owner of what they create. */
static u32 cred_fsuid(void) { return 0; }
static u32 cred_fsgid(void) { return 0; }

static long sp_call(u16 op, const void *req, size_t len, void *reply,
		    size_t max)
{
	u64 none;

	/* An empty reply is still a reply: without room FIT sends one-way. */
	if (!reply)
		return mm_call(op, req, len, &none, sizeof(none));
	return mm_call(op, req, len, reply, max);
}

/* A reply of exactly want bytes, or an error. */
static long sp_call_exact(u16 op, const void *req, size_t len, void *reply,
			  size_t want)
{
	long ret = sp_call(op, req, len, reply, want);

	if (ret >= 0 && ret != want) {
		pr_warn("storfs: op %#x: reply of %ld bytes, %zu expected\n",
			op, ret, want);
		ret = -EPROTO;
	}
	return ret < 0 ? ret : 0;
}

/*
 * The wire form of an absolute normalised path: without the trailing
 * "/" user_path_at() keeps (*dir tells it was there: the path must name
 * a directory).  -ENAMETOOLONG for a component longer than ext2 allows.
 */
static int sp_path_len(const char *path, size_t *len, bool *dir)
{
	size_t n = strlen(path), c = 0, i;

	*dir = n > 1 && path[n - 1] == '/';
	if (*dir)
		n--;
	for (i = 1; i < n; i++) {
		c = path[i] == '/' ? 0 : c + 1;
		if (c > SP_NAME_MAX)
			return -ENAMETOOLONG;
	}
	if (n >= SP_PATH_MAX)
		return -ENAMETOOLONG;
	*len = n;
	return 0;
}

/* A request of a struct sp_path_req and path (kmalloc'd), or an ERR_PTR. */
static struct sp_path_req *sp_path_msg(const char *path, u32 flags,
				       size_t *len, bool *dir)
{
	struct sp_path_req *req;
	size_t plen;
	int ret = sp_path_len(path, &plen, dir);

	if (ret)
		return ERR_PTR(ret);
	req = kmalloc(sizeof(*req) + plen, GFP_KERNEL);
	if (!req)
		return ERR_PTR(-ENOMEM);
	req->flags = flags;
	req->path_len = plen;
	memcpy(req + 1, path, plen);
	*len = sizeof(*req) + plen;
	return req;
}

static int sp_lookup(const char *path, u32 flags, struct sp_handle_reply *rep)
{
	struct sp_path_req *req;
	size_t len;
	bool dir;
	long ret;

	req = sp_path_msg(path, flags, &len, &dir);
	if (IS_ERR(req))
		return PTR_ERR(req);
	ret = sp_call_exact(SPOP_LOOKUP, req, len, rep, sizeof(*rep));
	kfree(req);
	if (!ret && dir && !S_ISDIR(rep->attr.mode))
		ret = -ENOTDIR;
	return ret;
}

static int sp_getattr(struct sp_handle h, struct sp_attr *attr)
{
	struct sp_handle_req req = { .h = h };

	return sp_call_exact(SPOP_GETATTR, &req, sizeof(req), attr,
			     sizeof(*attr));
}

static int sp_setattr(struct sp_setattr_req *req, struct sp_attr *attr)
{
	struct sp_attr tmp;

	return sp_call_exact(SPOP_SETATTR, req, sizeof(*req), attr ?: &tmp,
			     sizeof(tmp));
}

static void stat_from_sp(struct stat *st, const struct sp_attr *a)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = STORAGE_DEV;
	st->st_ino = a->ino;
	st->st_nlink = a->nlink;
	st->st_mode = a->mode;
	st->st_uid = a->uid;
	st->st_gid = a->gid;
	st->st_rdev = a->rdev;
	st->st_size = a->size;
	st->st_blksize = a->blksize;
	st->st_blocks = a->blocks;
	st->st_atime = a->atime_sec;
	st->st_atime_nsec = a->atime_nsec;
	st->st_mtime = a->mtime_sec;
	st->st_mtime_nsec = a->mtime_nsec;
	st->st_ctime = a->ctime_sec;
	st->st_ctime_nsec = a->ctime_nsec;
}

int storfs_stat(const char *path, u32 at_flags, struct stat *st)
{
	struct sp_handle_reply rep;
	int ret;

	ret = sp_lookup(path, at_flags & AT_SYMLINK_NOFOLLOW ? SP_NOFOLLOW : 0,
			&rep);
	if (!ret)
		stat_from_sp(st, &rep.attr);
	return ret;
}

int storfs_fstat(struct file *f, struct stat *st)
{
	struct sp_attr a;
	int ret = sp_getattr(f->sp, &a);

	if (!ret)
		stat_from_sp(st, &a);
	return ret;
}

/* ----------------------------------------------------- open files --- */

static long storfs_fetch(struct file *f, u64 pos, void *kbuf, u32 len)
{
	struct sp_io_req req = { .h = f->sp, .offset = pos, .len = len };

	return sp_call(SPOP_READ, &req, sizeof(req), kbuf, len);
}

static long storfs_pread(struct file *f, char __user *buf, size_t count,
			 u64 pos)
{
	long n;

	if (S_ISDIR(f->sp_mode))
		return -EISDIR;
	/* Stores through this processor's shared mappings come first. */
	n = storfs_flush_maps(f->sp, pos, pos + count);
	if (n)
		return n;
	return chunked_pread(f, buf, count, pos, SP_IO_MAX, storfs_fetch);
}

/* Write at pos (with O_APPEND at the end); *end is where the last byte went + 1. */
static long storfs_write_at(struct file *f, const char __user *buf,
			    size_t count, u64 pos, u64 *end)
{
	struct sp_write_reply rep;
	struct sp_io_req *req;
	size_t done = 0;
	long n = 0;

	if ((s64)(pos + count) < 0)
		return -EFBIG;
	/*
	 * Shared mappings of the range: their stores go back first, and
	 * their lines are dropped, before and after (a miss in between
	 * may have brought the old bytes), so they see the new ones.
	 */
	n = storfs_flush_maps(f->sp, f->flags & O_APPEND ? 0 : pos,
			      f->flags & O_APPEND ? U64_MAX : pos + count);
	if (n)
		return n;
	req = kmalloc(sizeof(*req) + SP_IO_MAX, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	*end = pos;
	while (done < count) {
		req->h = f->sp;
		req->offset = pos + done;
		req->len = min(count - done, (size_t)SP_IO_MAX);
		req->flags = f->flags & O_APPEND ? SP_APPEND : 0;
		if (copy_from_user(req + 1, buf + done, req->len)) {
			n = -EFAULT;
			break;
		}
		n = sp_call_exact(SPOP_WRITE, req, sizeof(*req) + req->len,
				  &rep, sizeof(rep));
		if (!n && (!rep.written || rep.written > req->len))
			n = -EPROTO;
		if (n)
			break;
		done += rep.written;
		*end = rep.offset + rep.written;
		if (rep.written < req->len)
			break;	/* the disk is full */
		if (f->flags & O_APPEND)
			pos = rep.offset + rep.written - done;
	}
	kfree(req);
	if (done)
		storfs_flush_maps(f->sp, *end - done, *end);
	return done ? done : n;
}

static long storfs_pwrite(struct file *f, const char __user *buf,
			  size_t count, u64 pos)
{
	u64 end;

	return storfs_write_at(f, buf, count, pos, &end);
}

static long storfs_write(struct file *f, const char __user *buf, size_t count)
{
	u64 end;
	long n = storfs_write_at(f, buf, count, f->pos, &end);

	if (n > 0)
		f->pos = end;
	return n;
}

static s64 storfs_llseek(struct file *f, s64 off, int whence)
{
	struct sp_attr a = { 0 };
	int ret;

	/* A directory's position is a READDIR cursor. */
	if (S_ISDIR(f->sp_mode) && !(whence == SEEK_SET && off >= 0))
		return -EINVAL;
	/* SEEK_DATA, SEEK_HOLE: as Linux's generic ones, all data. */
	if (whence == SEEK_END || whence == SEEK_DATA || whence == SEEK_HOLE) {
		ret = sp_getattr(f->sp, &a);
		if (ret)
			return ret;
	}
	return fixed_size_llseek(f, off, whence, a.size);
}

static long storfs_fetch_dir(struct file *f, u64 cursor, void *kbuf,
			     size_t max)
{
	struct sp_readdir_req req = { .h = f->sp, .cursor = cursor };

	return sp_call(SPOP_READDIR, &req, sizeof(req), kbuf, max);
}

static int storfs_iterate(struct file *f, struct dir_context *ctx)
{
	return batched_iterate(f, ctx, SP_IO_MAX, storfs_fetch_dir);
}

static void storfs_stat_op(struct file *f, struct stat *st)
{
	storfs_fstat(f, st);
}

static const struct file_operations storfs_fops = {
	.read = file_pos_read,
	.write = storfs_write,
	.pread = storfs_pread,
	.pwrite = storfs_pwrite,
	.llseek = storfs_llseek,
	.stat = storfs_stat_op,
};

/* Directories differ only in having iterate (which makes them one). */
static const struct file_operations storfs_dir_fops = {
	.read = file_pos_read,
	.pread = storfs_pread,
	.llseek = storfs_llseek,
	.iterate = storfs_iterate,
	.stat = storfs_stat_op,
};

/* CREATE: a new node at path (mode with S_IFMT, umask applied). */
static int sp_create(const char *path, u32 mode, u32 flags, const char *target,
		     size_t target_len, struct sp_handle_reply *rep)
{
	struct sp_create_req *req;
	struct sp_handle_reply tmp;
	size_t plen;
	bool dir;
	int ret = sp_path_len(path, &plen, &dir);

	if (ret)
		return ret;
	/* "name/" names a directory: only mkdir may create one so. */
	if (dir && !S_ISDIR(mode))
		return -EISDIR;
	req = kmalloc(sizeof(*req) + plen + target_len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	*req = (struct sp_create_req) {
		.flags = flags, .mode = mode, .uid = cred_fsuid(),
		.gid = cred_fsgid(), .path_len = plen, .target_len = target_len,
	};
	memcpy(req + 1, path, plen);
	memcpy((char *)(req + 1) + plen, target, target_len);
	ret = sp_call_exact(SPOP_CREATE, req, sizeof(*req) + plen + target_len,
			    rep ?: &tmp, sizeof(tmp));
	kfree(req);
	return ret;
}

static u32 umask_apply(u32 mode)
{
	return mode & ~READ_ONCE(current_proc()->fs->umask) & 07777;
}

/* A symlink's target (kmalloc'd, NUL-terminated) or an ERR_PTR. */
static char *sp_readlink_k(const char *path)
{
	struct sp_path_req *req;
	char *target;
	size_t len;
	bool dir;
	long n;

	req = sp_path_msg(path, 0, &len, &dir);
	if (IS_ERR(req))
		return ERR_PTR(PTR_ERR(req));
	if (dir) {
		kfree(req);
		return ERR_PTR(-EINVAL);	/* "link/" is what the link names */
	}
	target = kmalloc(SP_PATH_MAX + 1, GFP_KERNEL);
	n = target ? sp_call(SPOP_READLINK, req, len, target, SP_PATH_MAX) :
	    -ENOMEM;
	kfree(req);
	if (n < 0) {
		kfree(target);
		return ERR_PTR(n);
	}
	target[n] = '\0';
	return target;
}

/*
 * open(O_CREAT) without O_EXCL of a dangling symlink creates its target,
 * as Linux does: S does not (-ENOENT or -EEXIST), so follow it here (at
 * most 40 links, then -ELOOP).
 */
static int sp_create_follow(const char *path, u32 mode,
			    struct sp_handle_reply *rep)
{
	char *cur = kstrdup(path, GFP_KERNEL), *target, *next, *slash;
	int ret, err, links;

	if (!cur)
		return -ENOMEM;
	for (links = 0;; links++) {
		ret = sp_create(cur, mode, 0, NULL, 0, rep);
		if (ret != -EEXIST && ret != -ENOENT)
			break;
		err = ret;
		ret = sp_lookup(cur, SP_NOFOLLOW, rep);
		if (ret || !S_ISLNK(rep->attr.mode)) {
			ret = err;
			break;
		}
		if (!ret && links == 40)
			ret = -ELOOP;
		if (ret)
			break;
		target = sp_readlink_k(cur);
		if (IS_ERR(target)) {
			ret = PTR_ERR(target);
			break;
		}
		/* A relative target is relative to the link's directory. */
		slash = strrchr(cur, '/');
		slash[slash == cur] = '\0';
		next = path_resolve(cur, target);
		kfree(target);
		if (IS_ERR(next)) {
			ret = PTR_ERR(next);
			break;
		}
		kfree(cur);
		cur = next;
	}
	kfree(cur);
	return ret;
}

struct file *storfs_open(const char *path, u32 flags, u32 mode)
{
	bool wr = (flags & O_ACCMODE) != O_RDONLY;
	struct sp_handle_reply rep;
	struct sp_setattr_req sa;
	struct file *f;
	int ret;

	if ((flags & O_CREAT) && !(flags & O_EXCL))
		ret = sp_create_follow(path, S_IFREG | umask_apply(mode), &rep);
	else if (flags & O_CREAT)
		ret = sp_create(path, S_IFREG | umask_apply(mode), SP_EXCL,
				NULL, 0, &rep);
	else
		ret = sp_lookup(path, flags & O_NOFOLLOW ? SP_NOFOLLOW : 0,
				&rep);
	if (ret)
		return ERR_PTR(ret);
	if (S_ISLNK(rep.attr.mode) && !(flags & O_PATH))
		return ERR_PTR(-ELOOP);	/* O_NOFOLLOW on a link */
	if (S_ISDIR(rep.attr.mode) && (wr || (flags & O_CREAT)) &&
	    !(flags & O_PATH))
		return ERR_PTR(-EISDIR);
	if ((flags & O_DIRECTORY) && !S_ISDIR(rep.attr.mode))
		return ERR_PTR(-ENOTDIR);
	if ((flags & O_TRUNC) && S_ISREG(rep.attr.mode) && wr &&
	    rep.attr.size) {
		sa = (struct sp_setattr_req) {
			.h = rep.h, .valid = SP_ATTR_SIZE, .size = 0,
		};
		ret = sp_setattr(&sa, NULL);
		if (ret)
			return ERR_PTR(ret);
	}
	f = file_alloc(S_ISDIR(rep.attr.mode) ? &storfs_dir_fops : &storfs_fops,
		       flags);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->type = FILE_STORAGE;
	f->sp = rep.h;
	f->sp_mode = rep.attr.mode;
	if (S_ISDIR(rep.attr.mode)) {
		size_t n = strlen(path);

		f->path = kstrdup(path, GFP_KERNEL);
		if (!f->path) {
			fput(f);
			return ERR_PTR(-ENOMEM);
		}
		if (n > 1 && f->path[n - 1] == '/')
			f->path[n - 1] = '\0';
	}
	return f;
}

long storfs_readlink(const char *path, char __user *buf, long size)
{
	char *target = sp_readlink_k(path);
	long ret;

	if (IS_ERR(target))
		return PTR_ERR(target);
	/* Like Linux: truncated to size, no NUL. */
	ret = min((long)strlen(target), size);
	if (copy_to_user(buf, target, ret))
		ret = -EFAULT;
	kfree(target);
	return ret;
}

long storfs_read_head(const char *path, char *buf, size_t size)
{
	struct sp_handle_reply rep;
	struct sp_io_req req = { .len = min(size, (size_t)SP_IO_MAX) };
	int ret = sp_lookup(path, 0, &rep);

	if (ret)
		return ret;
	req.h = rep.h;
	return sp_call(SPOP_READ, &req, sizeof(req), buf, req.len);
}

/* --------------------------------------------- calls on the tree --- */

/*
 * Where a call that changes the tree may go: -EROFS on M's archive and
 * -EACCES in the pseudo file systems, after -ENOENT when need_exist and
 * nothing is there (Linux looks the name up before the mount's flags).
 */
static int tree_writable(const char *path, bool need_exist)
{
	enum path_kind k = path_kind(path);
	struct stat st;
	int ret;

	if (k == PATH_STORAGE)
		return 0;
	if (need_exist) {
		ret = path_stat(path, AT_SYMLINK_NOFOLLOW, &st);
		if (ret)
			return ret;
	}
	return k == PATH_ARCHIVE ? -EROFS : -EACCES;
}

/* The path of upath at dirfd, checked writable: a kmalloc'd string or ERR_PTR. */
static char *tree_path_at(int dirfd, const char __user *upath, int flags,
			  bool need_exist)
{
	char *path = user_path_at(dirfd, upath, flags);
	int ret;

	if (IS_ERR(path))
		return path;
	ret = tree_writable(path, need_exist);
	if (ret) {
		kfree(path);
		return ERR_PTR(ret);
	}
	return path;
}

static long do_mkdirat(int dirfd, const char __user *upath, u32 mode)
{
	char *path = tree_path_at(dirfd, upath, 0, false);
	long ret;

	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = sp_create(path, S_IFDIR | umask_apply(mode), SP_EXCL, NULL, 0,
			NULL);
	kfree(path);
	return ret;
}

SYSCALL_DEFINE(mkdir)
{
	return do_mkdirat(AT_FDCWD, (const char __user *)a0, a1);
}

SYSCALL_DEFINE(mkdirat)
{
	return do_mkdirat(a0, (const char __user *)a1, a2);
}

static long do_unlinkat(int dirfd, const char __user *upath, u32 flags)
{
	struct sp_handle_reply rep;
	struct sp_path_req *req;
	char *path;
	size_t len;
	bool dir;
	long ret;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	path = tree_path_at(dirfd, upath, 0, true);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (!strcmp(path, "/")) {
		kfree(path);
		return flags & AT_REMOVEDIR ? -EBUSY : -EISDIR;
	}
	req = sp_path_msg(path, flags & AT_REMOVEDIR ? SP_RMDIR : 0, &len, &dir);
	ret = IS_ERR(req) ? PTR_ERR(req) : 0;
	/* unlink("name/"): -EISDIR for a directory, else -ENOTDIR. */
	if (!ret && dir && !(flags & AT_REMOVEDIR)) {
		ret = sp_lookup(path, SP_NOFOLLOW, &rep);
		if (!ret)
			ret = S_ISDIR(rep.attr.mode) ? -EISDIR : -ENOTDIR;
	}
	if (!ret)
		ret = sp_call(SPOP_UNLINK, req, len, NULL, 0);
	if (!IS_ERR(req))
		kfree(req);
	kfree(path);
	return ret < 0 ? ret : 0;
}

SYSCALL_DEFINE(unlink)
{
	return do_unlinkat(AT_FDCWD, (const char __user *)a0, 0);
}

SYSCALL_DEFINE(rmdir)
{
	return do_unlinkat(AT_FDCWD, (const char __user *)a0, AT_REMOVEDIR);
}

SYSCALL_DEFINE(unlinkat)
{
	return do_unlinkat(a0, (const char __user *)a1, a2);
}

/* RENAME and LINK: two paths, both on S's tree (-EXDEV otherwise). */
static long do_2path(u16 op, int olddfd, const char __user *uold, int newdfd,
		     const char __user *unew, u32 at_flags, u32 sp_flags)
{
	char *old, *new = NULL;
	struct sp_2path_req *req = NULL;
	size_t olen, nlen;
	bool odir, ndir;
	long ret;

	old = user_path_at(olddfd, uold, at_flags & AT_EMPTY_PATH);
	if (IS_ERR(old))
		return PTR_ERR(old);
	new = user_path_at(newdfd, unew, 0);
	ret = IS_ERR(new) ? PTR_ERR(new) : 0;
	if (ret) {
		new = NULL;
		goto out;
	}
	if (!*old) {
		ret = -ENOENT;	/* AT_EMPTY_PATH: linking an open file */
		goto out;
	}
	if (path_kind(old) != path_kind(new)) {
		ret = tree_writable(old, true);
		ret = ret == -ENOENT ? ret : -EXDEV;
		goto out;
	}
	ret = tree_writable(old, true);
	if (ret)
		goto out;
	ret = sp_path_len(old, &olen, &odir) ?: sp_path_len(new, &nlen, &ndir);
	if (ret)
		goto out;
	if (!strcmp(old, "/") || !strcmp(new, "/")) {
		ret = -EBUSY;
		goto out;
	}
	req = kmalloc(sizeof(*req) + olen + nlen, GFP_KERNEL);
	if (!req) {
		ret = -ENOMEM;
		goto out;
	}
	*req = (struct sp_2path_req) {
		.flags = sp_flags, .old_len = olen, .new_len = nlen,
	};
	memcpy(req + 1, old, olen);
	memcpy((char *)(req + 1) + olen, new, nlen);
	if (odir || ndir) {
		/* "a/" names a directory, in either place. */
		struct sp_handle_reply rep;

		ret = sp_lookup(old, SP_NOFOLLOW, &rep);
		if (!ret && !S_ISDIR(rep.attr.mode))
			ret = -ENOTDIR;
		if (!ret && op == SPOP_LINK)
			ret = -EPERM;
		if (ret)
			goto out;
	}
	ret = sp_call(op, req, sizeof(*req) + olen + nlen, NULL, 0);
out:
	kfree(req);
	kfree(old);
	kfree(new);
	return ret < 0 ? ret : 0;
}

SYSCALL_DEFINE(rename)
{
	return do_2path(SPOP_RENAME, AT_FDCWD, (const char __user *)a0,
			AT_FDCWD, (const char __user *)a1, 0, 0);
}

SYSCALL_DEFINE(renameat)
{
	return do_2path(SPOP_RENAME, a0, (const char __user *)a1, a2,
			(const char __user *)a3, 0, 0);
}

/* RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT: not supported. */
SYSCALL_DEFINE(renameat2)
{
	if (a4)
		return -EINVAL;
	return do_2path(SPOP_RENAME, a0, (const char __user *)a1, a2,
			(const char __user *)a3, 0, 0);
}

SYSCALL_DEFINE(link)
{
	return do_2path(SPOP_LINK, AT_FDCWD, (const char __user *)a0,
			AT_FDCWD, (const char __user *)a1, 0, 0);
}

SYSCALL_DEFINE(linkat)
{
	if (a4 & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return do_2path(SPOP_LINK, a0, (const char __user *)a1, a2,
			(const char __user *)a3, a4,
			a4 & AT_SYMLINK_FOLLOW ? SP_FOLLOW : 0);
}

static long do_symlinkat(const char __user *utarget, int dirfd,
			 const char __user *upath)
{
	char *target, *path;
	long n, ret;

	target = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!target)
		return -ENOMEM;
	n = strncpy_from_user(target, utarget, PATH_MAX);
	if (n < 0 || n == PATH_MAX || !n) {
		kfree(target);
		return n < 0 ? n : n ? -ENAMETOOLONG : -ENOENT;
	}
	path = tree_path_at(dirfd, upath, 0, false);
	if (IS_ERR(path))
		ret = PTR_ERR(path);
	else
		ret = sp_create(path, S_IFLNK | 0777, SP_EXCL, target, n, NULL);
	if (!IS_ERR(path))
		kfree(path);
	kfree(target);
	return ret;
}

SYSCALL_DEFINE(symlink)
{
	return do_symlinkat((const char __user *)a0, AT_FDCWD,
			    (const char __user *)a1);
}

SYSCALL_DEFINE(symlinkat)
{
	return do_symlinkat((const char __user *)a0, a1,
			    (const char __user *)a2);
}

/*
 * The handle of upath at dirfd ("" with AT_EMPTY_PATH, or NULL upath
 * for utimensat: dirfd's file) for a SETATTR; -EROFS on the archive.
 */
static int attr_target(int dirfd, const char __user *upath, u32 at_flags,
		       struct sp_handle_reply *rep)
{
	struct file *f;
	char *path;
	int ret;

	if (upath) {
		path = tree_path_at(dirfd, upath, at_flags & AT_EMPTY_PATH,
				    true);
		if (IS_ERR(path))
			return PTR_ERR(path);
		if (*path) {
			ret = sp_lookup(path, at_flags & AT_SYMLINK_NOFOLLOW ?
					SP_NOFOLLOW : 0, rep);
			kfree(path);
			return ret;
		}
		kfree(path);
	}
	f = fget(dirfd);
	if (!f)
		return -EBADF;
	if (f->type == FILE_STORAGE) {
		rep->h = f->sp;
		ret = sp_getattr(f->sp, &rep->attr);
	} else {
		ret = f->type == FILE_MEMORY ? -EROFS : -EPERM;
	}
	fput(f);
	return ret;
}

static long do_setattr(int dirfd, const char __user *upath, u32 at_flags,
		       struct sp_setattr_req *req)
{
	struct sp_handle_reply rep;
	int ret = attr_target(dirfd, upath, at_flags, &rep);

	if (ret)
		return ret;
	req->h = rep.h;
	return sp_setattr(req, NULL);
}

static long do_truncate(int dirfd, const char __user *upath, s64 len)
{
	struct sp_setattr_req req = { .valid = SP_ATTR_SIZE, .size = len };
	struct sp_handle_reply rep;
	int ret;

	if (len < 0)
		return -EINVAL;
	ret = attr_target(dirfd, upath, 0, &rep);
	if (ret)
		return ret;
	if (S_ISDIR(rep.attr.mode))
		return -EISDIR;
	if (!S_ISREG(rep.attr.mode))
		return -EINVAL;
	req.h = rep.h;
	return sp_setattr(&req, NULL);
}

SYSCALL_DEFINE(truncate)
{
	return do_truncate(AT_FDCWD, (const char __user *)a0, a1);
}

/* A writable open regular file of S's tree (ftruncate, fallocate). */
static struct file *fget_writable(int fd, long *err)
{
	struct file *f = fget(fd);

	*err = -EBADF;
	if (!f)
		return NULL;
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH)) {
		*err = -EINVAL;
	} else if (f->type != FILE_STORAGE || !S_ISREG(f->sp_mode)) {
		*err = f->type == FILE_STORAGE && S_ISDIR(f->sp_mode) ?
		       -EISDIR : -EINVAL;
	} else {
		return f;
	}
	fput(f);
	return NULL;
}

SYSCALL_DEFINE(ftruncate)
{
	struct sp_setattr_req req = { .valid = SP_ATTR_SIZE, .size = a1 };
	struct file *f;
	long ret;

	if ((s64)a1 < 0)
		return -EINVAL;
	f = fget_writable(a0, &ret);
	if (!f)
		return ret;
	req.h = f->sp;
	ret = sp_setattr(&req, NULL);
	fput(f);
	return ret;
}

/*
 * Mode 0 only: extends the size to off + len; the blocks are not
 * reserved (ext2 has no unwritten extents), so a later write may still
 * meet a full disk.  The other modes: -EOPNOTSUPP.
 */
SYSCALL_DEFINE(fallocate)
{
	s64 off = a2, len = a3;
	struct sp_setattr_req req = { .valid = SP_ATTR_SIZE };
	struct sp_attr attr;
	struct file *f;
	long ret;

	if (off < 0 || len <= 0 || off + len < 0)
		return -EINVAL;
	f = fget(a0);
	if (!f)
		return -EBADF;
	/* In vfs_fallocate()'s order. */
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		ret = -EBADF;
	else if (f->type != FILE_STORAGE)
		ret = f->f_op->llseek ? -EOPNOTSUPP : -ESPIPE;
	else if (S_ISDIR(f->sp_mode))
		ret = -EISDIR;
	else if (!S_ISREG(f->sp_mode))
		ret = -ENODEV;
	else if (a1)
		ret = -EOPNOTSUPP;
	else
		ret = sp_getattr(f->sp, &attr);
	if (!ret && off + len > attr.size) {
		req.h = f->sp;
		req.size = off + len;
		ret = sp_setattr(&req, NULL);
	}
	fput(f);
	return ret;
}

static long sp_fsync(struct sp_handle h, u32 flags)
{
	struct sp_handle_req req = { .h = h, .flags = flags };
	long ret = sp_call(SPOP_FSYNC, &req, sizeof(req), NULL, 0);

	return ret < 0 ? ret : 0;
}

static long do_fsync(int fd, u32 flags)
{
	struct file *f = fget(fd);
	long ret = 0;

	if (!f)
		return -EBADF;
	if (f->type == FILE_STORAGE) {
		ret = storfs_flush_maps(f->sp, 0, U64_MAX);
		if (!ret)
			ret = sp_fsync(f->sp, flags);
	} else if (f->type != FILE_MEMORY && !f->f_op->iterate) {
		ret = -EINVAL;	/* pipes, the console, devices */
	}
	fput(f);
	return ret;
}

SYSCALL_DEFINE(fsync)
{
	return do_fsync(a0, 0);
}

SYSCALL_DEFINE(fdatasync)
{
	return do_fsync(a0, SP_DATASYNC);
}

static long sync_all(void)
{
	struct sp_handle all = { 0 };

	if (!storfs_active)
		return 0;
	storfs_flush_maps(all, 0, U64_MAX);
	return sp_fsync(all, 0);
}

SYSCALL_DEFINE(sync)
{
	sync_all();
	return 0;	/* sync(2) cannot fail */
}

SYSCALL_DEFINE(syncfs)
{
	struct file *f = fget(a0);
	bool storage;

	if (!f)
		return -EBADF;
	storage = f->type == FILE_STORAGE;
	fput(f);
	return storage ? sync_all() : 0;
}

void storfs_shutdown(void)
{
	struct sp_handle_req req = { .flags = SP_SHUTDOWN };
	u64 none;
	long ret;

	if (!storfs_active)
		return;
	/* Not mm_call(): init has no process any more. */
	ret = fit_call(storfs_mnode, SPOP_FSYNC, &req, sizeof(req), &none,
		       sizeof(none), 0);
	if (ret < 0)
		pr_err("storfs: the power-off sync failed: %ld\n", ret);
}

/* ------------------------------------------------------- statfs --- */

#define EXT2_SUPER_MAGIC	0xEF53
#define RAMFS_MAGIC		0x858458f6
#define PROC_SUPER_MAGIC	0x9fa0
#define TMPFS_MAGIC		0x01021994
#define ST_RDONLY		0x0001

/* x86-64 Linux's struct statfs. */
struct linux_statfs {
	s64 f_type;
	s64 f_bsize;
	u64 f_blocks;
	u64 f_bfree;
	u64 f_bavail;
	u64 f_files;
	u64 f_ffree;
	s32 f_fsid[2];
	s64 f_namelen;
	s64 f_frsize;
	s64 f_flags;
	s64 f_spare[4];
};

static int statfs_kind(enum path_kind kind, const char *path,
		       struct linux_statfs *st)
{
	struct sp_statfs s;
	int ret;

	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
	switch (kind) {
	case PATH_STORAGE:
		ret = sp_call_exact(SPOP_STATFS, NULL, 0, &s, sizeof(s));
		if (ret)
			return ret;
		st->f_type = EXT2_SUPER_MAGIC;
		st->f_bsize = st->f_frsize = s.bsize;
		st->f_blocks = s.blocks;
		st->f_bfree = s.bfree;
		st->f_bavail = s.bavail;
		st->f_files = s.files;
		st->f_ffree = s.ffree;
		st->f_fsid[0] = (u32)s.fsid;
		st->f_fsid[1] = (u32)(s.fsid >> 32);
		st->f_namelen = s.namelen;
		st->f_flags = s.flags & ST_RDONLY;
		return 0;
	case PATH_ARCHIVE:
		st->f_type = RAMFS_MAGIC;
		st->f_flags = ST_RDONLY;
		return 0;
	default:
		st->f_type = strncmp(path, "/dev", 4) ? PROC_SUPER_MAGIC :
			     TMPFS_MAGIC;
		return 0;
	}
}

SYSCALL_DEFINE(statfs)
{
	struct linux_statfs st;
	struct stat s;
	char *path = user_path_at(AT_FDCWD, (const char __user *)a0, 0);
	long ret;

	if (IS_ERR(path))
		return PTR_ERR(path);
	ret = path_stat(path, 0, &s);
	if (!ret)
		ret = statfs_kind(path_kind(path), path, &st);
	kfree(path);
	if (!ret && copy_to_user((void __user *)a1, &st, sizeof(st)))
		ret = -EFAULT;
	return ret;
}

SYSCALL_DEFINE(fstatfs)
{
	struct linux_statfs st;
	struct file *f = fget(a0);
	enum path_kind kind;
	long ret;

	if (!f)
		return -EBADF;
	kind = f->type == FILE_STORAGE ? PATH_STORAGE :
	       f->type == FILE_MEMORY ? PATH_ARCHIVE : PATH_PSEUDO;
	ret = statfs_kind(kind, f->path ?: "/proc", &st);
	fput(f);
	if (!ret && copy_to_user((void __user *)a1, &st, sizeof(st)))
		ret = -EFAULT;
	return ret;
}

/* ------------------------------------------- chmod, chown, utimes --- */

static long do_chmod(int dirfd, const char __user *upath, u32 mode, u32 flags)
{
	struct sp_setattr_req req = { .valid = SP_ATTR_MODE,
				      .mode = mode & 07777 };

	return do_setattr(dirfd, upath, flags, &req);
}

SYSCALL_DEFINE(chmod)
{
	return do_chmod(AT_FDCWD, (const char __user *)a0, a1, 0);
}

SYSCALL_DEFINE(fchmod)
{
	return do_chmod(a0, NULL, a1, 0);
}

SYSCALL_DEFINE(fchmodat)
{
	return do_chmod(a0, (const char __user *)a1, a2, 0);
}

static long do_chown(int dirfd, const char __user *upath, u32 uid, u32 gid,
		     u32 flags)
{
	struct sp_setattr_req req = { .uid = uid, .gid = gid };

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (uid != (u32)-1)
		req.valid |= SP_ATTR_UID;
	if (gid != (u32)-1)
		req.valid |= SP_ATTR_GID;
	return do_setattr(dirfd, upath, flags, &req);
}

SYSCALL_DEFINE(chown)
{
	return do_chown(AT_FDCWD, (const char __user *)a0, a1, a2, 0);
}

SYSCALL_DEFINE(lchown)
{
	return do_chown(AT_FDCWD, (const char __user *)a0, a1, a2,
			AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE(fchown)
{
	return do_chown(a0, NULL, a1, a2, 0);
}

SYSCALL_DEFINE(fchownat)
{
	return do_chown(a0, (const char __user *)a1, a2, a3, a4);
}

#define UTIME_NOW	((1l << 30) - 1l)
#define UTIME_OMIT	((1l << 30) - 2l)

struct linux_timespec {
	s64 tv_sec;
	s64 tv_nsec;
};

/* One of utimensat's times into req (which: 0 atime, 1 mtime). */
static int utime_one(const struct linux_timespec *t, int which,
		     struct sp_setattr_req *req)
{
	if (t->tv_nsec == UTIME_OMIT)
		return 0;
	if (t->tv_nsec == UTIME_NOW) {
		req->valid |= which ? SP_ATTR_MTIME_NOW : SP_ATTR_ATIME_NOW;
		return 0;
	}
	if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000)
		return -EINVAL;
	if (which) {
		req->valid |= SP_ATTR_MTIME;
		req->mtime_sec = t->tv_sec;
		req->mtime_nsec = t->tv_nsec;
	} else {
		req->valid |= SP_ATTR_ATIME;
		req->atime_sec = t->tv_sec;
		req->atime_nsec = t->tv_nsec;
	}
	return 0;
}

SYSCALL_DEFINE(utimensat)
{
	const char __user *upath = (const char __user *)a1;
	struct sp_setattr_req req = { 0 };
	struct linux_timespec t[2];
	u32 flags = a3;
	int ret;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a2) {
		if (copy_from_user(t, (const void __user *)a2, sizeof(t)))
			return -EFAULT;
		ret = utime_one(&t[0], 0, &req) ?: utime_one(&t[1], 1, &req);
		if (ret)
			return ret;
		if (!req.valid)
			return 0;	/* both UTIME_OMIT */
	} else {
		req.valid = SP_ATTR_ATIME_NOW | SP_ATTR_MTIME_NOW;
	}
	/* A NULL path: the file of dirfd itself (Linux's futimens). */
	if (!upath && (int)a0 == AT_FDCWD)
		return -EFAULT;
	return do_setattr(a0, upath, flags, &req);
}

long storfs_fsync_key(u64 fkey)
{
	struct sp_handle h = { .ino = (u32)fkey, .gen = fkey >> 32 };

	return sp_fsync(h, 0);
}
