// SPDX-License-Identifier: GPL-2.0
/*
 * The memory manager: serves include/tessera/memproto.h over FIT.  Every
 * request is checked here (sizes, then the process, then the arguments)
 * before space.c, exec.c or archive.c see it; a bad one gets an error
 * reply and, if it is malformed rather than merely failing, a
 * rate-limited log line.  Documentation/memory-protocol.md lists the
 * opcodes and their errors.
 */
#define pr_fmt(fmt) "memory: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/manager.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/sched.h>
#include <tessera/string.h>

#include <uapi/linux/fcntl.h>

#include "internal.h"


static const char *const op_names[] = {
	[MEMOP_EXEC - MEMOP_EXEC] = "exec",
	[MEMOP_EXIT - MEMOP_EXEC] = "exit",
	[MEMOP_MISS - MEMOP_EXEC] = "miss",
	[MEMOP_WRITEBACK - MEMOP_EXEC] = "writeback",
	[MEMOP_MMAP - MEMOP_EXEC] = "mmap",
	[MEMOP_MUNMAP - MEMOP_EXEC] = "munmap",
	[MEMOP_BRK - MEMOP_EXEC] = "brk",
	[MEMOP_MREMAP - MEMOP_EXEC] = "mremap",
	[MEMOP_MPROTECT - MEMOP_EXEC] = "mprotect",
	[MEMOP_MADVISE - MEMOP_EXEC] = "madvise",
	[MEMOP_OPEN - MEMOP_EXEC] = "open",
	[MEMOP_CLOSE - MEMOP_EXEC] = "close",
	[MEMOP_PREAD - MEMOP_EXEC] = "pread",
	[MEMOP_STAT - MEMOP_EXEC] = "stat",
	[MEMOP_STATS - MEMOP_EXEC] = "stats",
	[MEMOP_FORK - MEMOP_EXEC] = "fork",
	[MEMOP_GETDENTS - MEMOP_EXEC] = "getdents",
	[MEMOP_READLINK - MEMOP_EXEC] = "readlink",
};

/* A malformed request: one rate-limited line for all of them. */
static int bad_req(u32 node, u16 op, const char *why, int err)
{
	pr_warn_ratelimited("%s request from node %u rejected: %s (%d)\n",
			    op_names[op - MEMOP_EXEC], node, why, err);
	return err;
}

#define CHECK_LEN(node, op, len, want) do {				\
	if ((len) != (want))						\
		return bad_req(node, op, "bad payload size", -EINVAL);	\
} while (0)

/* (node, tgid)'s live space, locked; or NULL after logging. */
static struct mspace *lock_space(u32 node, u16 op, u32 tgid)
{
	struct mspace *ms = space_get(node, tgid);

	if (ms) {
		mutex_lock(&ms->lock);
		if (!ms->dead)
			return ms;
		mutex_unlock(&ms->lock);
		space_put(ms);
	}
	pr_warn_ratelimited("%s request from node %u: no process %u\n",
			    op_names[op - MEMOP_EXEC], node, tgid);
	return NULL;
}

static void unlock_space(struct mspace *ms)
{
	mutex_unlock(&ms->lock);
	space_put(ms);
}

static int h_exec(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	int ret = memory_exec(node, req, len, reply, max);

	if (ret == -EINVAL)
		bad_req(node, MEMOP_EXEC, "malformed strings", ret);
	return ret;
}

static int h_exit(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	const struct mp_exit_req *r = req;
	struct mspace *ms;
	unsigned long pages;

	CHECK_LEN(node, MEMOP_EXIT, len, sizeof(*r));
	ms = space_unpublish(node, r->tgid);
	if (!ms) {
		pr_warn_ratelimited("exit request from node %u: no process %u\n",
				    node, r->tgid);
		return -ESRCH;
	}
	mutex_lock(&ms->lock);
	pages = space_teardown(ms);
	mutex_unlock(&ms->lock);
	space_put(ms);
	/* The totals let a test see that nothing is left behind. */
	pr_info("process %u:%u exited, %lu pages freed; %lu processes, %lu backing pages left\n",
		node, r->tgid, pages, space_nr_processes(),
		space_nr_backing_pages());
	return 0;
}

unsigned int memory_forget_node(u32 node)
{
	unsigned long pages = 0;
	unsigned int procs = 0, handles;
	struct mspace *ms;

	/*
	 * Unpublished first: new requests for these processes fail with
	 * -ESRCH.  A handler that took its reference before still holds
	 * the space: it waits for the mutex and then finds it dead (as
	 * when MEMOP_EXIT races with misses); the last reference frees it.
	 */
	while ((ms = space_unpublish_node(node))) {
		mutex_lock(&ms->lock);
		pages += space_teardown(ms);
		mutex_unlock(&ms->lock);
		space_put(ms);
		procs++;
		cond_resched();
	}
	handles = handle_close_all(node);
	pr_info("node %u is gone: %u process%s, %lu pages and %u handle%s freed; %lu processes, %lu backing pages left\n",
		node, procs, procs == 1 ? "" : "es", pages, handles,
		handles == 1 ? "" : "s", space_nr_processes(),
		space_nr_backing_pages());
	return procs;
}

static void memory_peer_event(struct fit_peer_notifier *n, u32 node,
			      enum fit_peer_event ev)
{
	memory_forget_node(node);
}

static struct fit_peer_notifier memory_peer_notifier = {
	.fn = memory_peer_event,
};

static int do_writeback(u32 node, u16 op, const struct mp_wb_hdr *wb)
{
	struct mspace *ms;
	int ret;

	if (wb->addr & (PAGE_SIZE - 1))
		return bad_req(node, op, "unaligned write-back address", -EINVAL);
	ms = lock_space(node, op, wb->tgid);
	if (!ms)
		return -ESRCH;
	ret = space_writeback(ms, wb->addr, wb + 1);
	unlock_space(ms);
	if (ret == -EFAULT)
		pr_warn_ratelimited("write-back from node %u: %u:%#llx is not mapped\n",
				    node, wb->tgid, wb->addr);
	return ret;
}

static int h_miss(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	const struct mp_miss_req *r = req;
	struct mp_miss_reply *rep = reply;
	struct mspace *ms;
	size_t want = sizeof(*r);
	u32 prot = 0;
	int ret;

	if (len >= sizeof(*r) && (r->flags & MP_MISS_WB_PIGGYBACK))
		want += sizeof(struct mp_wb_hdr) + MEMPROTO_PAGE_SIZE;
	CHECK_LEN(node, MEMOP_MISS, len, want);
	if (r->flags & ~(MP_MISS_WRITE | MP_MISS_WB_PIGGYBACK))
		return bad_req(node, MEMOP_MISS, "unknown flags", -EINVAL);
	if (max < sizeof(*rep) + MEMPROTO_PAGE_SIZE)
		return bad_req(node, MEMOP_MISS, "reply buffer too small", -EMSGSIZE);
	/* The victim first: it may be the very page that missed. */
	if (r->flags & MP_MISS_WB_PIGGYBACK) {
		ret = do_writeback(node, MEMOP_MISS,
				   (const struct mp_wb_hdr *)(r + 1));
		/* A victim unmapped meanwhile is stale, not an error. */
		if (ret && ret != -EFAULT)
			return ret;
	}
	ms = lock_space(node, MEMOP_MISS, r->tgid);
	if (!ms)
		return -ESRCH;
	ret = space_miss(ms, r->addr, r->flags & MP_MISS_WRITE, rep + 1,
			 &prot);
	unlock_space(ms);
	if (ret < 0)
		return ret;
	rep->prot = prot;
	rep->fill = ret ? 0 : MP_FILL_ZERO;
	return sizeof(*rep) + (ret ? MEMPROTO_PAGE_SIZE : 0);
}

static int h_writeback(u32 node, const void *req, size_t len, void *reply,
		       size_t max, void *priv)
{
	CHECK_LEN(node, MEMOP_WRITEBACK, len,
		  sizeof(struct mp_wb_hdr) + MEMPROTO_PAGE_SIZE);
	return do_writeback(node, MEMOP_WRITEBACK, req);
}

static int h_mmap(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	const struct mp_mmap_req *r = req;
	struct mspace *ms;
	int ret;

	CHECK_LEN(node, MEMOP_MMAP, len, sizeof(*r));
	if (max < sizeof(struct mp_addr_reply))
		return -EMSGSIZE;
	ms = lock_space(node, MEMOP_MMAP, r->tgid);
	if (!ms)
		return -ESRCH;
	ret = space_mmap(ms, node, r, reply);
	unlock_space(ms);
	return ret ? ret : sizeof(struct mp_addr_reply);
}

static int h_range(u32 node, u16 op, const void *req, size_t len)
{
	const struct mp_range_req *r = req;
	struct mspace *ms;
	u64 end;
	int ret;

	CHECK_LEN(node, op, len, sizeof(*r));
	if (op == MEMOP_MUNMAP) {
		/* Linux's checks, before it looks at the process. */
		end = PAGE_ALIGN(r->len);
		if ((r->addr & (PAGE_SIZE - 1)) || !r->len || !end ||
		    end > MM_TASK_SIZE || r->addr > MM_TASK_SIZE - end)
			return -EINVAL;
	}
	ms = lock_space(node, op, r->tgid);
	if (!ms)
		return -ESRCH;
	if (op == MEMOP_MUNMAP)
		ret = space_unmap(ms, r->addr, r->addr + PAGE_ALIGN(r->len));
	else if (op == MEMOP_MPROTECT)
		ret = space_mprotect(ms, r->addr, r->len, r->arg);
	else
		ret = space_madvise(ms, r->addr, r->len, r->arg);
	unlock_space(ms);
	return ret;
}

static int h_munmap(u32 node, const void *req, size_t len, void *reply,
		    size_t max, void *priv)
{
	return h_range(node, MEMOP_MUNMAP, req, len);
}

static int h_mprotect(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	return h_range(node, MEMOP_MPROTECT, req, len);
}

static int h_madvise(u32 node, const void *req, size_t len, void *reply,
		     size_t max, void *priv)
{
	return h_range(node, MEMOP_MADVISE, req, len);
}

static int h_brk(u32 node, const void *req, size_t len, void *reply,
		 size_t max, void *priv)
{
	const struct mp_brk_req *r = req;
	struct mspace *ms;
	u64 brk;

	CHECK_LEN(node, MEMOP_BRK, len, sizeof(*r));
	if (max < sizeof(u64))
		return -EMSGSIZE;
	ms = lock_space(node, MEMOP_BRK, r->tgid);
	if (!ms)
		return -ESRCH;
	brk = space_brk(ms, r->brk);
	unlock_space(ms);
	memcpy(reply, &brk, sizeof(brk));
	return sizeof(brk);
}

static int h_mremap(u32 node, const void *req, size_t len, void *reply,
		    size_t max, void *priv)
{
	const struct mp_mremap_req *r = req;
	struct mspace *ms;
	int ret;

	CHECK_LEN(node, MEMOP_MREMAP, len, sizeof(*r));
	if (max < sizeof(struct mp_addr_reply))
		return -EMSGSIZE;
	ms = lock_space(node, MEMOP_MREMAP, r->tgid);
	if (!ms)
		return -ESRCH;
	ret = space_mremap(ms, r, reply);
	unlock_space(ms);
	return ret ? ret : sizeof(struct mp_addr_reply);
}

/* An open or stat request's path; NULL after logging. */
static const char *req_path(u32 node, u16 op, const void *req, size_t len)
{
	const struct mp_open_req *r = req;

	if (len < sizeof(*r) || r->path_len != len - sizeof(*r)) {
		bad_req(node, op, "bad payload size", -EINVAL);
		return NULL;
	}
	return (const char *)(r + 1);
}

static int h_open(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	const struct mp_open_req *r = req;
	struct mp_open_reply *rep = reply;
	const struct mfile *f;
	const char *path = req_path(node, MEMOP_OPEN, req, len);
	struct mp_stat st;
	u64 handle;
	int ret;

	if (!path)
		return -EINVAL;
	if (max < sizeof(*rep))
		return -EMSGSIZE;
	ret = archive_lookup(path, r->path_len, !(r->flags & O_NOFOLLOW), &f);
	if (ret)
		return ret == -ENOENT && (r->flags & O_CREAT) ? -EROFS : ret;
	if ((r->flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (MF_ISLNK(f))
		return -ELOOP;	/* O_NOFOLLOW on a link */
	if (MF_ISDIR(f) && ((r->flags & O_ACCMODE) != O_RDONLY ||
			    (r->flags & O_CREAT)))
		return -EISDIR;
	if ((r->flags & O_ACCMODE) != O_RDONLY || (r->flags & O_TRUNC))
		return -EROFS;
	if ((r->flags & O_DIRECTORY) && !MF_ISDIR(f))
		return -ENOTDIR;
	ret = handle_open(node, f, &handle);
	if (ret)
		return ret;
	archive_stat(f, &st);
	rep->handle = handle;
	memcpy(&rep->st, &st, sizeof(st));
	return sizeof(*rep);
}

static int h_close(u32 node, const void *req, size_t len, void *reply,
		   size_t max, void *priv)
{
	u64 handle;

	CHECK_LEN(node, MEMOP_CLOSE, len, sizeof(handle));
	memcpy(&handle, req, sizeof(handle));
	return handle_close(node, handle);
}

static int h_pread(u32 node, const void *req, size_t len, void *reply,
		   size_t max, void *priv)
{
	const struct mp_pread_req *r = req;
	const struct mfile *f;
	u64 n;

	CHECK_LEN(node, MEMOP_PREAD, len, sizeof(*r));
	if (r->len > MEMPROTO_READ_MAX || (s64)r->offset < 0)
		return -EINVAL;
	f = handle_file(node, r->handle);
	if (!f)
		return -EBADF;
	if (MF_ISDIR(f))
		return -EISDIR;
	if (r->offset >= f->size)
		return 0;
	n = min(min((u64)r->len, f->size - r->offset), (u64)max);
	memcpy(reply, f->data + r->offset, n);
	return n;
}

static int h_stat(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	const struct mp_open_req *r = req;
	const struct mfile *f;
	const char *path = req_path(node, MEMOP_STAT, req, len);
	int ret;

	if (!path)
		return -EINVAL;
	if (max < sizeof(struct mp_stat))
		return -EMSGSIZE;
	ret = archive_lookup(path, r->path_len,
			     !(r->flags & AT_SYMLINK_NOFOLLOW), &f);
	if (ret)
		return ret;
	archive_stat(f, reply);
	return sizeof(struct mp_stat);
}

static int h_readlink(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	const struct mp_open_req *r = req;
	const struct mfile *f;
	const char *path = req_path(node, MEMOP_READLINK, req, len);
	int ret;

	if (!path)
		return -EINVAL;
	ret = archive_lookup(path, r->path_len, false, &f);
	if (ret)
		return ret;
	if (!MF_ISLNK(f))
		return -EINVAL;
	if (f->size > min(max, (size_t)MEMPROTO_PATH_MAX))
		return -ENAMETOOLONG;
	memcpy(reply, f->data, f->size);
	return f->size;
}

static int h_stats(u32 node, const void *req, size_t len, void *reply,
		   size_t max, void *priv)
{
	struct mp_stats_reply *rep = reply;

	if (max < sizeof(*rep))
		return -EMSGSIZE;
	rep->free_pages = nr_free_pages();
	rep->nr_processes = space_nr_processes();
	rep->nr_backing_pages = space_nr_backing_pages();
	rep->total_pages = totalram_pages;
	return sizeof(*rep);
}

static int h_fork(u32 node, const void *req, size_t len, void *reply,
		  size_t max, void *priv)
{
	const struct mp_fork_req *r = req;
	struct mspace *parent, *child, *old;
	int ret;

	CHECK_LEN(node, MEMOP_FORK, len, sizeof(*r));
	if (r->child == r->parent)
		return bad_req(node, MEMOP_FORK, "child is its parent", -EINVAL);
	old = space_get(node, r->child);
	if (old) {
		space_put(old);
		return bad_req(node, MEMOP_FORK, "child exists", -EEXIST);
	}
	child = space_alloc(node, r->child);
	if (!child)
		return -ENOMEM;
	parent = lock_space(node, MEMOP_FORK, r->parent);
	if (!parent) {
		space_put(child);
		return -ESRCH;
	}
	ret = space_fork(parent, child);
	unlock_space(parent);
	if (ret) {
		space_teardown(child);
		space_put(child);
		return ret;
	}
	old = space_publish(child);
	if (WARN_ON(old)) {	/* the processor raced its own ids */
		mutex_lock(&old->lock);
		space_teardown(old);
		mutex_unlock(&old->lock);
		space_put(old);
	}
	return 0;
}

static int h_getdents(u32 node, const void *req, size_t len, void *reply,
		      size_t max, void *priv)
{
	const struct mp_getdents_req *r = req;
	const struct mfile *f;

	CHECK_LEN(node, MEMOP_GETDENTS, len, sizeof(*r));
	f = handle_file(node, r->handle);
	if (!f)
		return -EBADF;
	return archive_getdents(f, r->cursor, reply,
				min(max, (size_t)MEMPROTO_READ_MAX));
}

static const fit_handler_t handlers[] = {
	[MEMOP_EXEC - MEMOP_EXEC] = h_exec,
	[MEMOP_EXIT - MEMOP_EXEC] = h_exit,
	[MEMOP_MISS - MEMOP_EXEC] = h_miss,
	[MEMOP_WRITEBACK - MEMOP_EXEC] = h_writeback,
	[MEMOP_MMAP - MEMOP_EXEC] = h_mmap,
	[MEMOP_MUNMAP - MEMOP_EXEC] = h_munmap,
	[MEMOP_BRK - MEMOP_EXEC] = h_brk,
	[MEMOP_MREMAP - MEMOP_EXEC] = h_mremap,
	[MEMOP_MPROTECT - MEMOP_EXEC] = h_mprotect,
	[MEMOP_MADVISE - MEMOP_EXEC] = h_madvise,
	[MEMOP_OPEN - MEMOP_EXEC] = h_open,
	[MEMOP_CLOSE - MEMOP_EXEC] = h_close,
	[MEMOP_PREAD - MEMOP_EXEC] = h_pread,
	[MEMOP_STAT - MEMOP_EXEC] = h_stat,
	[MEMOP_STATS - MEMOP_EXEC] = h_stats,
	[MEMOP_FORK - MEMOP_EXEC] = h_fork,
	[MEMOP_GETDENTS - MEMOP_EXEC] = h_getdents,
	[MEMOP_READLINK - MEMOP_EXEC] = h_readlink,
};

void memory_manager_init(void)
{
	unsigned int i;
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(handlers) != MEMOP_LAST - MEMOP_EXEC);
	BUILD_BUG_ON(ARRAY_SIZE(op_names) != MEMOP_LAST - MEMOP_EXEC);
	archive_init();
	pagecache_init();
#ifdef CONFIG_FIT
	for (i = 0; i < ARRAY_SIZE(handlers); i++) {
		ret = fit_register_handler(MEMOP_EXEC + i, handlers[i], NULL);
		if (ret) {
			pr_err("cannot serve opcode %#x: %d\n", MEMOP_EXEC + i,
			       ret);
			return;
		}
	}
	if (fileserv_init())
		return;
	fit_register_peer_notifier(&memory_peer_notifier);
	pr_info("serving %u archive entries to processors (memproto v%d)\n",
		archive_nr_files(), MEMPROTO_VERSION);
#else
	pr_err("built without FIT: nothing to serve\n");
#endif
}
