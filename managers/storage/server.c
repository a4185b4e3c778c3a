// SPDX-License-Identifier: GPL-2.0
/*
 * The file protocol's server (include/tessera/storproto.h,
 * Documentation/storage-protocol.md): one FIT handler per SPOP_*, each
 * validating its request completely before it calls the ext2 code.
 * Handlers run concurrently in FIT's worker threads; ext2 locks itself,
 * and append_lock orders appends.
 */
#define pr_fmt(fmt) "storage: " fmt

#include <tessera/kernel.h>
#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/ext2.h>
#include <tessera/fit.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/string.h>
#include <tessera/time.h>

#include <uapi/linux/stat.h>

#include "internal.h"

static struct ext2_fs *sfs;
static bool sfs_rdonly;
static int sfs_err = -ENODEV;	/* what every request gets without sfs */
static DEFINE_MUTEX(append_lock);

static atomic64_t nr_requests[SP_NR_OPS], nr_errors[SP_NR_OPS];
static atomic64_t nr_malformed;
static DEFINE_RATELIMIT_STATE(malformed_rs, 5 * HZ, 10);

static const char *const op_names[SP_NR_OPS] = {
	"lookup", "create", "link", "unlink", "rename", "getattr", "setattr",
	"read", "write", "readdir", "readlink", "fsync", "statfs",
};

const char *storage_op_name(u16 op)
{
	if (op < SPOP_LOOKUP || op >= SPOP_LAST)
		return "?";
	return op_names[op - SPOP_LOOKUP];
}

bool storage_has_fs(void)
{
	return sfs;
}

void storage_get_stats(struct storage_stats *st)
{
	int i;

	for (i = 0; i < SP_NR_OPS; i++) {
		st->requests[i] = atomic64_read(&nr_requests[i]);
		st->errors[i] = atomic64_read(&nr_errors[i]);
	}
	st->malformed = atomic64_read(&nr_malformed);
}

/* A request the protocol does not allow: counted, logged (rate-limited). */
static int malformed(u16 op, u32 node, const char *why)
{
	atomic64_inc(&nr_malformed);
	if (__ratelimit(&malformed_rs))
		pr_warn("malformed %s request from node %u: %s\n",
			storage_op_name(op), node, why);
	return -EINVAL;
}

/*
 * A path as the protocol carries it: absolute, normalised (no empty,
 * "." or ".." component), no NUL, at most SP_PATH_MAX bytes and names
 * of at most SP_NAME_MAX.  0, -ENAMETOOLONG, or the reason it is
 * malformed in *why (-EINVAL).
 */
static int check_path(const char *p, size_t len, const char **why)
{
	size_t i, start;

	if (len > SP_PATH_MAX)
		return -ENAMETOOLONG;
	if (!len || p[0] != '/') {
		*why = "path not absolute";
		return -EINVAL;
	}
	if (memchr(p, '\0', len)) {
		*why = "NUL in path";
		return -EINVAL;
	}
	if (len == 1)
		return 0;
	for (start = 1, i = 1; i <= len; i++) {
		size_t n;

		if (i < len && p[i] != '/')
			continue;
		n = i - start;
		if (!n || (n == 1 && p[start] == '.') ||
		    (n == 2 && p[start] == '.' && p[start + 1] == '.')) {
			*why = "path not normalised";
			return -EINVAL;
		}
		if (n > SP_NAME_MAX)
			return -ENAMETOOLONG;
		start = i + 1;
	}
	return 0;
}

/* The attributes of a handle: -ESTALE when it names no live inode. */
static int handle_attr(const struct sp_handle *h, struct sp_attr *attr)
{
	if (!h->ino)
		return -ESTALE;
	return ext2_getattr(sfs, h->ino, h->gen, attr);
}

/* Attributes of an inode just found by a walk (its generation unknown). */
static int ino_attr(u32 ino, struct sp_attr *attr)
{
	return ext2_stat(sfs, ino, attr);
}

static int handle_reply(u32 ino, void *reply)
{
	struct sp_handle_reply *r = reply;
	struct sp_attr attr;
	int ret = ino_attr(ino, &attr);

	if (ret)
		return ret;
	r->h.ino = attr.ino;
	r->h.gen = attr.gen;
	r->attr = attr;
	return sizeof(*r);
}

#define CHECK_PATH(op, node, p, len) do {				\
	const char *__why = NULL;					\
	int __ret = check_path(p, len, &__why);				\
	if (__ret)							\
		return __why ? malformed(op, node, __why) : __ret;	\
} while (0)

static int sp_lookup(u32 node, const void *req, size_t len, void *reply,
		     size_t max)
{
	const struct sp_path_req *r = req;
	const char *path = (const char *)(r + 1);
	u32 ino;
	int ret;

	if (len < sizeof(*r) || len - sizeof(*r) != r->path_len)
		return malformed(SPOP_LOOKUP, node, "bad length");
	if (r->flags & ~SP_NOFOLLOW)
		return malformed(SPOP_LOOKUP, node, "unknown flags");
	if (max < sizeof(struct sp_handle_reply))
		return -EMSGSIZE;
	CHECK_PATH(SPOP_LOOKUP, node, path, r->path_len);
	ret = ext2_walk(sfs, path, r->path_len, r->flags & SP_NOFOLLOW, &ino);
	if (ret)
		return ret;
	return handle_reply(ino, reply);
}

static bool valid_kind(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFIFO:
	case S_IFCHR: case S_IFBLK: case S_IFSOCK:
		return true;
	}
	return false;
}

static int sp_create(u32 node, const void *req, size_t len, void *reply,
		     size_t max)
{
	const struct sp_create_req *r = req;
	const char *path = (const char *)(r + 1), *target, *name;
	size_t name_len;
	struct sp_attr attr;
	u32 dir, ino;
	int ret, tries;

	if (len < sizeof(*r) || (u64)r->path_len + r->target_len != len - sizeof(*r))
		return malformed(SPOP_CREATE, node, "bad length");
	if (r->flags & ~SP_EXCL)
		return malformed(SPOP_CREATE, node, "unknown flags");
	if (!valid_kind(r->mode) || (r->mode & ~(S_IFMT | 07777)))
		return malformed(SPOP_CREATE, node, "bad mode");
	if (max < sizeof(struct sp_handle_reply))
		return -EMSGSIZE;
	CHECK_PATH(SPOP_CREATE, node, path, r->path_len);
	target = path + r->path_len;
	if (S_ISLNK(r->mode)) {
		if (!r->target_len)
			return -ENOENT;		/* symlink(2) with "" */
		if (r->target_len > SP_PATH_MAX)
			return -ENAMETOOLONG;
		if (memchr(target, '\0', r->target_len))
			return malformed(SPOP_CREATE, node, "NUL in target");
	} else if (r->target_len) {
		return malformed(SPOP_CREATE, node, "target for a non-symlink");
	}
	if (r->path_len == 1)
		return -EEXIST;			/* "/" */
	if (sfs_rdonly)
		return -EROFS;
	ret = ext2_walk_parent(sfs, path, r->path_len, &dir, &name, &name_len);
	if (ret)
		return ret;
	/* open(O_CREAT) races with unlink: a name gone after -EEXIST is retried. */
	for (tries = 0; tries < 3; tries++) {
		ret = ext2_create(sfs, dir, name, name_len, r->mode, r->uid,
				  r->gid, r->rdev, target, r->target_len, &ino);
		if (!ret)
			return handle_reply(ino, reply);
		if (ret != -EEXIST || (r->flags & SP_EXCL) || !S_ISREG(r->mode))
			return ret;
		ret = ext2_walk(sfs, path, r->path_len, false, &ino);
		if (ret == -ENOENT)
			continue;
		if (ret)
			return ret;
		ret = ino_attr(ino, &attr);
		if (ret == -ESTALE)
			continue;
		if (ret)
			return ret;
		if (S_ISDIR(attr.mode))
			return -EISDIR;
		return handle_reply(ino, reply);
	}
	return ret;
}

/* LINK and RENAME: the header and the two paths, checked. */
static int two_paths(u16 op, u32 node, const void *req, size_t len,
		     const char **oldp, const char **newp)
{
	const struct sp_2path_req *r = req;
	u32 flags_ok = op == SPOP_LINK ? SP_FOLLOW : 0;

	if (len < sizeof(*r) || (u64)r->old_len + r->new_len != len - sizeof(*r))
		return malformed(op, node, "bad length");
	if (r->flags & ~flags_ok)
		return malformed(op, node, "unknown flags");
	*oldp = (const char *)(r + 1);
	*newp = *oldp + r->old_len;
	CHECK_PATH(op, node, *oldp, r->old_len);
	CHECK_PATH(op, node, *newp, r->new_len);
	return sfs_rdonly ? -EROFS : 0;
}

static int sp_link(u32 node, const void *req, size_t len, void *reply,
		   size_t max)
{
	const struct sp_2path_req *r = req;
	const char *oldp, *newp, *name;
	struct sp_attr attr;
	size_t name_len;
	u32 ino, dir;
	int ret;

	ret = two_paths(SPOP_LINK, node, req, len, &oldp, &newp);
	if (ret)
		return ret;
	ret = ext2_walk(sfs, oldp, r->old_len, !(r->flags & SP_FOLLOW), &ino);
	if (ret)
		return ret;
	ret = ino_attr(ino, &attr);
	if (ret)
		return ret;
	if (S_ISDIR(attr.mode))
		return -EPERM;			/* link(2) of a directory */
	if (r->new_len == 1)
		return -EEXIST;
	ret = ext2_walk_parent(sfs, newp, r->new_len, &dir, &name, &name_len);
	if (ret)
		return ret;
	return ext2_link(sfs, ino, dir, name, name_len);
}

static int sp_rename(u32 node, const void *req, size_t len, void *reply,
		     size_t max)
{
	const struct sp_2path_req *r = req;
	const char *oldp, *newp, *oname, *nname;
	size_t olen, nlen;
	u32 odir, ndir;
	int ret;

	ret = two_paths(SPOP_RENAME, node, req, len, &oldp, &newp);
	if (ret)
		return ret;
	if (r->old_len == 1 || r->new_len == 1)
		return -EBUSY;			/* the root */
	ret = ext2_walk_parent(sfs, oldp, r->old_len, &odir, &oname, &olen);
	if (ret)
		return ret;
	ret = ext2_walk_parent(sfs, newp, r->new_len, &ndir, &nname, &nlen);
	if (ret)
		return ret;
	return ext2_rename(sfs, odir, oname, olen, ndir, nname, nlen);
}

static int sp_unlink(u32 node, const void *req, size_t len, void *reply,
		     size_t max)
{
	const struct sp_path_req *r = req;
	const char *path = (const char *)(r + 1), *name;
	size_t name_len;
	u32 dir;
	int ret;

	if (len < sizeof(*r) || len - sizeof(*r) != r->path_len)
		return malformed(SPOP_UNLINK, node, "bad length");
	if (r->flags & ~SP_RMDIR)
		return malformed(SPOP_UNLINK, node, "unknown flags");
	CHECK_PATH(SPOP_UNLINK, node, path, r->path_len);
	if (r->path_len == 1)
		return r->flags & SP_RMDIR ? -EBUSY : -EISDIR;
	if (sfs_rdonly)
		return -EROFS;
	ret = ext2_walk_parent(sfs, path, r->path_len, &dir, &name, &name_len);
	if (ret)
		return ret;
	return ext2_unlink(sfs, dir, name, name_len, r->flags & SP_RMDIR);
}

static int sp_getattr(u32 node, const void *req, size_t len, void *reply,
		      size_t max)
{
	const struct sp_handle_req *r = req;

	if (len != sizeof(*r))
		return malformed(SPOP_GETATTR, node, "bad length");
	if (r->flags)
		return malformed(SPOP_GETATTR, node, "unknown flags");
	if (max < sizeof(struct sp_attr))
		return -EMSGSIZE;
	return handle_attr(&r->h, reply) ?: sizeof(struct sp_attr);
}

static int sp_setattr(u32 node, const void *req, size_t len, void *reply,
		      size_t max)
{
	const u32 known = SP_ATTR_MODE | SP_ATTR_UID | SP_ATTR_GID |
		SP_ATTR_SIZE | SP_ATTR_ATIME | SP_ATTR_MTIME |
		SP_ATTR_ATIME_NOW | SP_ATTR_MTIME_NOW;
	const struct sp_setattr_req *r = req;
	struct sp_attr cur, attr = { 0 };
	u32 valid;
	int ret;

	if (len != sizeof(*r))
		return malformed(SPOP_SETATTR, node, "bad length");
	valid = r->valid;
	if (valid & ~known)
		return malformed(SPOP_SETATTR, node, "unknown attribute bits");
	if ((valid & SP_ATTR_MODE) && (r->mode & ~07777))
		return malformed(SPOP_SETATTR, node, "mode beyond the permission bits");
	if (((valid & SP_ATTR_ATIME) && r->atime_nsec >= NSEC_PER_SEC) ||
	    ((valid & SP_ATTR_MTIME) && r->mtime_nsec >= NSEC_PER_SEC))
		return malformed(SPOP_SETATTR, node, "nanoseconds out of range");
	if ((valid & SP_ATTR_SIZE) && (s64)r->size < 0)
		return -EINVAL;			/* truncate(2) with a negative length */
	if (max < sizeof(struct sp_attr))
		return -EMSGSIZE;
	ret = handle_attr(&r->h, &cur);
	if (ret)
		return ret;
	if (valid & SP_ATTR_SIZE) {
		if (S_ISDIR(cur.mode))
			return -EISDIR;
		if (!S_ISREG(cur.mode))
			return -EINVAL;
	}
	if (sfs_rdonly)
		return -EROFS;
	attr.mode = r->mode;
	attr.uid = r->uid;
	attr.gid = r->gid;
	attr.size = r->size;
	attr.atime_sec = r->atime_sec;
	attr.atime_nsec = r->atime_nsec;
	attr.mtime_sec = r->mtime_sec;
	attr.mtime_nsec = r->mtime_nsec;
	/* The receiver's clock: resolved here, ext2 sees plain times. */
	if (valid & (SP_ATTR_ATIME_NOW | SP_ATTR_MTIME_NOW)) {
		s64 sec;
		u32 nsec;

		ext2_time_now(&sec, &nsec);
		if (valid & SP_ATTR_ATIME_NOW) {
			attr.atime_sec = sec;
			attr.atime_nsec = nsec;
			valid = (valid & ~SP_ATTR_ATIME_NOW) | SP_ATTR_ATIME;
		}
		if (valid & SP_ATTR_MTIME_NOW) {
			attr.mtime_sec = sec;
			attr.mtime_nsec = nsec;
			valid = (valid & ~SP_ATTR_MTIME_NOW) | SP_ATTR_MTIME;
		}
	}
	ret = ext2_setattr(sfs, r->h.ino, valid, &attr);
	if (ret)
		return ret;
	return handle_attr(&r->h, reply) ?: sizeof(struct sp_attr);
}

/* READ and WRITE are for regular files only. */
static int io_target(const struct sp_handle *h, struct sp_attr *attr)
{
	int ret = handle_attr(h, attr);

	if (ret)
		return ret;
	if (S_ISDIR(attr->mode))
		return -EISDIR;
	return S_ISREG(attr->mode) ? 0 : -EINVAL;
}

static int sp_read(u32 node, const void *req, size_t len, void *reply,
		   size_t max)
{
	const struct sp_io_req *r = req;
	struct sp_attr attr;
	long n;
	int ret;

	if (len != sizeof(*r))
		return malformed(SPOP_READ, node, "bad length");
	if (r->flags)
		return malformed(SPOP_READ, node, "unknown flags");
	if (r->len > SP_IO_MAX)
		return malformed(SPOP_READ, node, "length above SP_IO_MAX");
	if (r->len > max)
		return malformed(SPOP_READ, node, "length above the reply buffer");
	if ((s64)r->offset < 0)
		return -EINVAL;
	ret = io_target(&r->h, &attr);
	if (ret)
		return ret;
	n = ext2_read(sfs, r->h.ino, r->offset, reply, r->len);
	return n < 0 ? n : (int)min(n, (long)r->len);
}

static int sp_write(u32 node, const void *req, size_t len, void *reply,
		    size_t max)
{
	const struct sp_io_req *r = req;
	struct sp_write_reply *w = reply;
	struct sp_attr attr;
	u64 off = r->offset;
	long n;
	int ret;

	if (len < sizeof(*r) || len - sizeof(*r) != r->len)
		return malformed(SPOP_WRITE, node, "bad length");
	if (r->flags & ~SP_APPEND)
		return malformed(SPOP_WRITE, node, "unknown flags");
	if (r->len > SP_IO_MAX)
		return malformed(SPOP_WRITE, node, "length above SP_IO_MAX");
	if (max < sizeof(*w))
		return -EMSGSIZE;
	if (!(r->flags & SP_APPEND) &&
	    ((s64)off < 0 || (s64)(off + r->len) < 0))
		return (s64)off < 0 ? -EINVAL : -EFBIG;
	ret = io_target(&r->h, &attr);
	if (ret)
		return ret;
	if (sfs_rdonly)
		return -EROFS;
	if (r->flags & SP_APPEND) {
		/* The size read and the write at it are one step for appenders. */
		mutex_lock(&append_lock);
		ret = handle_attr(&r->h, &attr);
		off = attr.size;
		n = ret ? ret : ext2_write(sfs, r->h.ino, off, r + 1, r->len);
		mutex_unlock(&append_lock);
	} else {
		n = ext2_write(sfs, r->h.ino, off, r + 1, r->len);
	}
	if (n < 0)
		return n;
	ret = handle_attr(&r->h, &attr);
	if (ret)
		return ret;
	memset(w, 0, sizeof(*w));
	w->offset = off;
	w->size = attr.size;
	w->written = n;
	return sizeof(*w);
}

struct readdir_fill {
	u8 *buf;
	size_t max, used;
	unsigned int count;
	bool full;		/* an entry did not fit */
};

static bool readdir_emit(void *arg, const char *name, size_t len, u32 ino,
			 u8 type, u64 next)
{
	struct readdir_fill *f = arg;
	struct sp_dirent d = {
		.ino = ino, .next = next, .name_len = len, .type = type,
	};

	if (len > SP_NAME_MAX || f->max - f->used < sizeof(d) + len) {
		f->full = true;
		return false;
	}
	memcpy(f->buf + f->used, &d, sizeof(d));
	memcpy(f->buf + f->used + sizeof(d), name, len);
	f->used += sizeof(d) + len;
	f->count++;
	return true;
}

static int sp_readdir(u32 node, const void *req, size_t len, void *reply,
		      size_t max)
{
	const struct sp_readdir_req *r = req;
	struct readdir_fill f = { .buf = reply, .max = max };
	struct sp_attr attr;
	int ret;

	if (len != sizeof(*r))
		return malformed(SPOP_READDIR, node, "bad length");
	ret = handle_attr(&r->h, &attr);
	if (ret)
		return ret;
	if (!S_ISDIR(attr.mode))
		return -ENOTDIR;
	ret = ext2_readdir(sfs, r->h.ino, r->cursor, readdir_emit, &f);
	if (ret < 0)
		return ret;
	/* Entries left but none fitted: getdents(2)'s "buffer too small". */
	if (!f.count && f.full)
		return -EINVAL;
	return f.used;
}

static int sp_readlink(u32 node, const void *req, size_t len, void *reply,
		       size_t max)
{
	const struct sp_path_req *r = req;
	const char *path = (const char *)(r + 1);
	long n;
	u32 ino;
	int ret;

	if (len < sizeof(*r) || len - sizeof(*r) != r->path_len)
		return malformed(SPOP_READLINK, node, "bad length");
	if (r->flags)
		return malformed(SPOP_READLINK, node, "unknown flags");
	CHECK_PATH(SPOP_READLINK, node, path, r->path_len);
	ret = ext2_walk(sfs, path, r->path_len, true, &ino);
	if (ret)
		return ret;
	n = ext2_readlink(sfs, ino, reply, max);
	if (n < 0)
		return n;
	/* readlink(2) truncates to the caller's buffer. */
	return min(n, (long)max);
}

static void log_stats(void)
{
	struct storage_stats st;
	char line[256];
	size_t pos = 0;
	u64 total = 0, errs = 0;
	int i;

	storage_get_stats(&st);
	for (i = 0; i < SP_NR_OPS; i++) {
		total += st.requests[i];
		errs += st.errors[i];
		if (st.requests[i])
			pos += scnprintf(line + pos, sizeof(line) - pos, " %s %llu/%llu",
					 op_names[i], st.requests[i], st.errors[i]);
	}
	pr_info("requests %llu, errors %llu, malformed %llu; per op (requests/errors):%s\n",
		total, errs, st.malformed, pos ? line : " none");
}

static int sp_fsync(u32 node, const void *req, size_t len, void *reply,
		    size_t max)
{
	const struct sp_handle_req *r = req;
	struct sp_attr attr;
	int ret;

	if (len != sizeof(*r))
		return malformed(SPOP_FSYNC, node, "bad length");
	if (r->flags & ~(SP_DATASYNC | SP_SHUTDOWN))
		return malformed(SPOP_FSYNC, node, "unknown flags");
	if ((r->flags & SP_SHUTDOWN) && r->h.ino)
		return malformed(SPOP_FSYNC, node, "shutdown of one file");
	if (r->h.ino) {
		ret = handle_attr(&r->h, &attr);
		if (ret)
			return ret;
	}
	/* ext2 writes back all or nothing: a file's fsync syncs them all. */
	ret = sfs_rdonly ? 0 : ext2_sync(sfs);
	if (ret) {
		pr_err("sync failed: error %d\n", ret);
		return ret;
	}
	if (r->flags & SP_SHUTDOWN) {
		pr_info("shutdown from node %u: file system synced%s\n", node,
			sfs_rdonly ? " (read-only)" : " and clean");
		log_stats();
	}
	return 0;
}

static int sp_statfs(u32 node, const void *req, size_t len, void *reply,
		     size_t max)
{
	struct sp_statfs *st = reply;
	int ret;

	if (len)
		return malformed(SPOP_STATFS, node, "bad length");
	if (max < sizeof(*st))
		return -EMSGSIZE;
	ret = ext2_statfs(sfs, st);
	if (ret)
		return ret;
	if (sfs_rdonly)
		st->flags |= ST_RDONLY;
	return sizeof(*st);
}

typedef int (*sp_fn)(u32 node, const void *req, size_t len, void *reply,
		     size_t max);

static const sp_fn sp_fns[SP_NR_OPS] = {
	sp_lookup, sp_create, sp_link, sp_unlink, sp_rename, sp_getattr,
	sp_setattr, sp_read, sp_write, sp_readdir, sp_readlink, sp_fsync,
	sp_statfs,
};

/* Every opcode comes through here: counting, and the no-fs answer. */
static int sp_handler(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	unsigned long i = (unsigned long)priv;
	int ret;

	atomic64_inc(&nr_requests[i]);
	if (!max) {
		/* A one-way message: nobody hears the answer. */
		ret = malformed(SPOP_LOOKUP + i, node, "sent without a reply");
	} else {
		ret = sfs ? sp_fns[i](node, req, len, reply, max) : sfs_err;
	}
	if (ret < 0)
		atomic64_inc(&nr_errors[i]);
	return ret;
}

void storage_server_start(struct ext2_fs *fs, bool rdonly, int err)
{
	unsigned long i;
	int ret;

	sfs = fs;
	sfs_rdonly = rdonly;
	sfs_err = err;
	for (i = 0; i < SP_NR_OPS; i++) {
		ret = fit_register_handler(SPOP_LOOKUP + i, sp_handler, (void *)i);
		if (ret) {
			pr_err("cannot serve %s: error %d\n", op_names[i], ret);
			return;
		}
	}
	pr_info("serving the file protocol v%d%s\n", STORPROTO_VERSION,
		fs ? (rdonly ? " (read-only)" : "") :
		err == -ENODEV ? " (-ENODEV: no disk)" : " (-EIO: no file system)");
}
