// SPDX-License-Identifier: GPL-2.0
/*
 * The file protocol (storproto.h) as the memory node serves it to its
 * processors: READ and WRITE from the page cache; SETATTR of the size,
 * FSYNC, GETATTR, LOOKUP and CREATE go to S with what the cache knows
 * better taken into account; everything else goes to S unchanged.
 * Documentation/memory-protocol.md, "File requests".
 */
#define pr_fmt(fmt) "memory: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fabric.h>
#include <tessera/fit.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/string.h>

#include <uapi/linux/stat.h>

#include "pagecache.h"

/* ext2's largest file is smaller; past this no offset makes sense. */
#define SP_OFFSET_MAX		(1ULL << 62)

static const char *const sp_names[] = {
	[SPOP_LOOKUP - SPOP_LOOKUP] = "lookup",
	[SPOP_CREATE - SPOP_LOOKUP] = "create",
	[SPOP_LINK - SPOP_LOOKUP] = "link",
	[SPOP_UNLINK - SPOP_LOOKUP] = "unlink",
	[SPOP_RENAME - SPOP_LOOKUP] = "rename",
	[SPOP_GETATTR - SPOP_LOOKUP] = "getattr",
	[SPOP_SETATTR - SPOP_LOOKUP] = "setattr",
	[SPOP_READ - SPOP_LOOKUP] = "read",
	[SPOP_WRITE - SPOP_LOOKUP] = "write",
	[SPOP_READDIR - SPOP_LOOKUP] = "readdir",
	[SPOP_READLINK - SPOP_LOOKUP] = "readlink",
	[SPOP_FSYNC - SPOP_LOOKUP] = "fsync",
	[SPOP_STATFS - SPOP_LOOKUP] = "statfs",
};

static int bad_file_req(u32 node, u16 op, const char *why)
{
	pr_warn_ratelimited("file %s request from node %u rejected: %s\n",
			    sp_names[op - SPOP_LOOKUP], node, why);
	return -EINVAL;
}

/* The file of handle h, with its attributes, for a READ or WRITE. */
static struct pc_file *io_file(const struct sp_handle *h, int *err)
{
	struct pc_file *f = pc_file_get(h->ino, h->gen);

	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = pc_file_attr(f);
	if (!*err && !S_ISREG(f->mode))
		*err = S_ISDIR(f->mode) ? -EISDIR : -EINVAL;
	if (*err) {
		pc_file_put(f);
		return NULL;
	}
	return f;
}

static int fs_read(u32 node, const void *req, size_t len, void *reply,
		   size_t max)
{
	const struct sp_io_req *r = req;
	struct pc_file *f;
	int ret;

	if (len != sizeof(*r))
		return bad_file_req(node, SPOP_READ, "bad payload size");
	if (r->len > SP_IO_MAX || r->len > max || r->flags || !r->h.ino ||
	    r->offset > SP_OFFSET_MAX)
		return bad_file_req(node, SPOP_READ, "bad length, flags or handle");
	mutex_lock(&pc_mutex);
	f = io_file(&r->h, &ret);
	if (f) {
		ret = pc_read(f, r->offset, reply, r->len);
		pc_file_put(f);
	}
	mutex_unlock(&pc_mutex);
	return ret;
}

static int fs_write(u32 node, const void *req, size_t len, void *reply,
		    size_t max)
{
	const struct sp_io_req *r = req;
	struct sp_write_reply *rep = reply;
	struct pc_file *f;
	u64 off;
	ssize_t n;
	int ret;

	if (len < sizeof(*r) || r->len != len - sizeof(*r))
		return bad_file_req(node, SPOP_WRITE, "bad payload size");
	if (r->len > SP_IO_MAX || (r->flags & ~SP_APPEND) || !r->h.ino)
		return bad_file_req(node, SPOP_WRITE, "bad length, flags or handle");
	if (max < sizeof(*rep))
		return -EMSGSIZE;
	mutex_lock(&pc_mutex);
	f = io_file(&r->h, &ret);
	if (!f)
		goto out;
	/* O_APPEND: M's size is the file's, with its unwritten pages. */
	off = (r->flags & SP_APPEND) ? f->size : r->offset;
	if (off > SP_OFFSET_MAX || off + r->len > SP_OFFSET_MAX) {
		ret = -EFBIG;
	} else {
		n = pc_write(f, off, r + 1, r->len);
		if (n >= 0) {
			rep->offset = off;
			rep->size = f->size;
			rep->written = n;
			rep->reserved = 0;
			ret = sizeof(*rep);
		} else {
			ret = n;
		}
	}
	pc_file_put(f);
out:
	mutex_unlock(&pc_mutex);
	return ret;
}

/* Tell the cached file of h (if any) what S said about it. */
static void learn(const struct sp_handle *h, struct sp_attr *a)
{
	struct pc_file *f = pc_file_find(h->ino, h->gen);

	if (f)
		pc_file_learn(f, a);
}

static int fs_setattr(u32 node, const void *req, size_t len, void *reply,
		      size_t max)
{
	const struct sp_setattr_req *r = req;
	struct pc_file *f;
	ssize_t n;

	if (len != sizeof(*r))
		return bad_file_req(node, SPOP_SETATTR, "bad payload size");
	if (max < sizeof(struct sp_attr))
		return -EMSGSIZE;
	/*
	 * S first: if it refuses a truncate, no cached data is lost.  The
	 * flusher waits for the mutex, so no page past the new size
	 * reaches S before it is dropped.
	 */
	mutex_lock(&pc_mutex);
	n = pc_call(SPOP_SETATTR, req, len, reply, max);
	if (n == sizeof(struct sp_attr)) {
		f = pc_file_find(r->h.ino, r->h.gen);
		if (f && (r->valid & SP_ATTR_SIZE))
			pc_truncate(f, r->size);
		if (f)
			pc_file_learn(f, reply);
	} else if (n >= 0) {
		n = -EIO;
	}
	mutex_unlock(&pc_mutex);
	return n;
}

/* GETATTR, LOOKUP, CREATE: S's answer, with M's size when longer. */
static int fs_attr_op(u32 node, u16 op, const void *req, size_t len,
		      void *reply, size_t max)
{
	ssize_t n;

	mutex_lock(&pc_mutex);
	n = pc_call(op, req, len, reply, max);
	if (op == SPOP_GETATTR && n == sizeof(struct sp_attr)) {
		struct sp_attr *a = reply;
		struct sp_handle h = { .ino = a->ino, .gen = a->gen };

		learn(&h, a);
	} else if (op != SPOP_GETATTR && n == sizeof(struct sp_handle_reply)) {
		struct sp_handle_reply *hr = reply;

		learn(&hr->h, &hr->attr);
	}
	mutex_unlock(&pc_mutex);
	return n;
}

/*
 * Forward a request as it is.  An empty reply still needs a buffer: a
 * call without one would look to S like a one-way message.
 */
static int forward(u16 op, const void *req, size_t len, void *reply,
		   size_t max)
{
	u8 none[8];
	ssize_t n;

	if (max)
		return pc_call(op, req, len, reply, max);
	n = pc_call(op, req, len, none, sizeof(none));
	return n > 0 ? -EMSGSIZE : n;
}

static int fs_fsync(u32 node, const void *req, size_t len, void *reply,
		    size_t max)
{
	const struct sp_handle_req *r = req;
	struct pc_file *f;
	int ret = 0;

	if (len != sizeof(*r))
		return bad_file_req(node, SPOP_FSYNC, "bad payload size");
	if (r->flags & ~(SP_DATASYNC | SP_SHUTDOWN))
		return bad_file_req(node, SPOP_FSYNC, "unknown flags");
	mutex_lock(&pc_mutex);
	if (!r->h.ino) {
		ret = pc_writeback_all();
		if (r->flags & SP_SHUTDOWN)
			pc_log_stats(ret ? "at shutdown (write-back failed)" :
					   "at shutdown");
	} else if ((f = pc_file_find(r->h.ino, r->h.gen))) {
		ret = pc_writeback_file(f);
		/* A write-back S refused earlier is this fsync's error. */
		if (!ret && f->wb_err) {
			ret = f->wb_err;
			f->wb_err = 0;
		}
	}
	mutex_unlock(&pc_mutex);
	if (ret)
		return ret;
	return forward(SPOP_FSYNC, req, len, reply, max);
}

static int fs_handler(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	u16 op = (unsigned long)priv;

	if (!pagecache_active())
		return -ENODEV;
	switch (op) {
	case SPOP_READ:
		return fs_read(node, req, len, reply, max);
	case SPOP_WRITE:
		return fs_write(node, req, len, reply, max);
	case SPOP_SETATTR:
		return fs_setattr(node, req, len, reply, max);
	case SPOP_GETATTR:
		if (len != sizeof(struct sp_handle_req))
			return bad_file_req(node, op, "bad payload size");
		return fs_attr_op(node, op, req, len, reply, max);
	case SPOP_LOOKUP:
	case SPOP_CREATE:
		return fs_attr_op(node, op, req, len, reply, max);
	case SPOP_FSYNC:
		return fs_fsync(node, req, len, reply, max);
	default:
		/* S validates what it alone understands. */
		return forward(op, req, len, reply, max);
	}
}

int fileserv_init(void)
{
	u16 op;
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(sp_names) != SPOP_LAST - SPOP_LOOKUP);
	for (op = SPOP_LOOKUP; op < SPOP_LAST; op++) {
		ret = fit_register_handler(op, fs_handler,
					   (void *)(unsigned long)op);
		if (ret) {
			pr_err("cannot serve file opcode %#x: %d\n", op, ret);
			return ret;
		}
	}
	return 0;
}
