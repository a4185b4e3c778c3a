/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory manager's pieces: the archive of files (archive.c), the
 * address spaces (space.c), the ELF loader (exec.c) and the FIT handlers
 * that serve include/tessera/memproto.h (core.c).
 * Documentation/memory-manager.md describes them.
 */
#ifndef _MEMORY_INTERNAL_H
#define _MEMORY_INTERNAL_H

#include <tessera/types.h>
#include <tessera/memproto.h>
#include <tessera/mutex.h>
#include <tessera/rbtree.h>
#include <tessera/refcount.h>

/* --------------------------------------------------------- file sources -- */

/*
 * Where the bytes of a file VMA and of an executable come from: a file
 * of the boot archives (archive.c) or a file of the storage node through
 * the page cache (pagecache.c).  The loader and the address spaces only
 * see this.
 */
struct fsource;
struct fsource_ops {
	/* Up to len bytes at off: the count (short at the end), or -errno. */
	ssize_t (*read)(struct fsource *src, u64 off, void *buf, size_t len);
	/*
	 * MAP_SHARED: a page stored through a mapping becomes the file's
	 * page index (dirty).  NULL: the source is read-only.
	 */
	int (*write_page)(struct fsource *src, u64 index, const void *page);
	/*
	 * Bring [off, off + len) into memory now (exec: a program's pages
	 * must not need a storage node that dies later).  NULL: they are.
	 */
	int (*populate)(struct fsource *src, u64 off, u64 len);
	void (*get)(struct fsource *src);
	void (*put)(struct fsource *src);
};

struct fsource {
	const struct fsource_ops *ops;
};

static inline void fsource_get(struct fsource *src)
{
	if (src && src->ops->get)
		src->ops->get(src);
}

static inline void fsource_put(struct fsource *src)
{
	if (src && src->ops->put)
		src->ops->put(src);
}

/* ------------------------------------------------------------- archive -- */

/* A file, directory or symlink served from the boot archives. */
struct mfile {
	struct fsource src;	/* its bytes, for the loader and mappings */
	struct rb_node rb;	/* in the path tree */
	const char *path;	/* absolute, normalised: "/bin/sh" */
	u64 ino;
	u64 size;
	u32 mode;
	u32 nlink;
	u32 uid;
	u32 gid;
	u64 mtime;
	const u8 *data;		/* size bytes (a symlink's target) */
};

#define MF_ISREG(f)	(((f)->mode & 0170000) == 0100000)
#define MF_ISDIR(f)	(((f)->mode & 0170000) == 0040000)
#define MF_ISLNK(f)	(((f)->mode & 0170000) == 0120000)

void archive_init(void);
/*
 * Find path (len bytes, need not be NUL-terminated), following symlinks
 * (the last one too if follow).  0 with *out, or -ENOENT, -ENOTDIR,
 * -ELOOP, -ENAMETOOLONG, -EINVAL (empty or relative path), -ENOMEM.
 */
int archive_lookup(const char *path, size_t len, bool follow,
		   const struct mfile **out);
void archive_stat(const struct mfile *f, struct mp_stat *st);
int archive_getdents(const struct mfile *dir, u64 cursor, void *reply,
		     size_t max);
unsigned int archive_nr_files(void);

/* Open files of processor nodes (MEMOP_OPEN handles). */
int handle_open(u32 node, const struct mfile *f, u64 *handle);
int handle_close(u32 node, u64 handle);
const struct mfile *handle_file(u32 node, u64 handle);
/* Drop every handle of node; returns how many there were. */
unsigned int handle_close_all(u32 node);

/* ------------------------------------------------------- address spaces -- */

#define MM_TASK_SIZE	0x7ffffffff000ULL
#define MM_STACK_TOP	MM_TASK_SIZE
#define MM_STACK_SIZE	(8ULL << 20)
/* Linux's smallest stack gap: mmap() searches top-down from here. */
#define MM_MMAP_BASE	(MM_STACK_TOP - (128ULL << 20))
#define MM_MMAP_MIN	0x10000ULL	/* Linux's default mmap_min_addr */
#define MM_MAX_VMAS	65530		/* Linux's default max_map_count */

/* Internal VMA flags, above the MP_VMA_* ones that travel. */
#define MV_NOWRITE	0x10000		/* shared read-only file mapping */
#define MV_WIRE_FLAGS	0xffff
/* fend of a storage file's mapping: the file's size decides, at each miss. */
#define MV_FEND_FILE	(1ULL << 62)

struct mvma {
	struct rb_node rb;
	u64 start, end;
	u32 prot;		/* MP_PROT_* */
	u32 flags;		/* MP_VMA_*, MV_* */
	struct fsource *file;	/* a reference, for a file VMA */
	u64 off;		/* file offset at start */
	u64 fend;		/* file bytes show below this address, zeros above */
};

struct mpage {
	struct rb_node rb;
	u64 addr;
	void *data;		/* one page, direct-mapped */
};

/*
 * Pages in a red-black tree by addr (an address space's, or a file's by
 * offset in the page cache): the page at addr, the first at or above it.
 */
struct mpage *mpage_find(struct rb_root *root, u64 addr);
struct mpage *mpage_ceil(struct rb_root *root, u64 addr);
void mpage_insert(struct rb_root *root, struct mpage *pg);
/*
 * A structure of size bytes that starts with a struct mpage, with a
 * zeroed page at addr; NULL: no memory.
 */
struct mpage *mpage_alloc(size_t size, u64 addr);

struct mspace {
	struct rb_node rb;	/* in the process table */
	u32 node, tgid;
	refcount_t ref;
	struct mutex lock;	/* everything below */
	bool dead;
	struct rb_root vmas;
	struct rb_root pages;
	unsigned long nr_vmas;
	unsigned long nr_pages;
	u64 start_brk, brk;
	u64 mmap_base;
	char path[64];		/* for log lines */
};

struct mspace *space_alloc(u32 node, u32 tgid);
/* Publish ms under (node, tgid); returns the one it replaced, if any. */
struct mspace *space_publish(struct mspace *ms);
/* A reference to (node, tgid)'s space, or NULL. */
struct mspace *space_get(u32 node, u32 tgid);
void space_put(struct mspace *ms);
/* Unpublish (node, tgid)'s space; NULL if there is none. */
struct mspace *space_unpublish(u32 node, u32 tgid);
/* Unpublish one space of node, any; NULL once there is none. */
struct mspace *space_unpublish_node(u32 node);
/* Free every page and VMA of ms; returns the pages freed. */
unsigned long space_teardown(struct mspace *ms);
unsigned long space_nr_processes(void);
unsigned long space_nr_backing_pages(void);

/* The operations, on a locked live space. */
struct mvma *vma_find(struct mspace *ms, u64 addr);
int vma_map(struct mspace *ms, u64 start, u64 end, u32 prot, u32 flags,
	    struct fsource *file, u64 off, u64 fend, struct mvma **out);
int space_unmap(struct mspace *ms, u64 start, u64 end);
int space_write(struct mspace *ms, u64 addr, const void *buf, size_t len);
int space_miss(struct mspace *ms, u64 addr, bool write, void *page,
	       u32 *prot);
int space_writeback(struct mspace *ms, u64 addr, const void *page);
int space_fork(struct mspace *parent, struct mspace *child);
int space_mmap(struct mspace *ms, u32 node, const struct mp_mmap_req *r,
	       struct mp_addr_reply *out);
int space_mprotect(struct mspace *ms, u64 addr, u64 len, u32 prot);
int space_madvise(struct mspace *ms, u64 addr, u64 len, u32 advice);
u64 space_brk(struct mspace *ms, u64 brk);
int space_mremap(struct mspace *ms, const struct mp_mremap_req *r,
		 struct mp_addr_reply *out);
void vma_to_wire(const struct mvma *v, struct mp_vma *w);

/*
 * Node is gone (FIT said it went down or restarted): tear down every
 * address space and close every handle it had, as MEMOP_EXIT and
 * MEMOP_CLOSE would, and log one line with what was freed and what is
 * left.  Handlers still running for the node see the spaces dead.
 * Sleeps.  Returns the number of processes torn down.
 */
unsigned int memory_forget_node(u32 node);

/* ----------------------------------------------------------------- exec -- */

/*
 * Build a new address space for node from the MEMOP_EXEC request and
 * publish it.  Fills reply (header and VMAs, at most max bytes); returns
 * the reply length or a negative errno.
 */
int memory_exec(u32 node, const void *req, size_t len, void *reply,
		size_t max);

/* ----------------------------------------------------------- page cache -- */

/*
 * The file page cache (pagecache.c) over the storage node's files, and
 * the file protocol handlers (storproto.h) it serves processors with.
 */
void pagecache_init(void);
/* Serve the file protocol's opcodes: 0 or fit_register_handler()'s error. */
int fileserv_init(void);
/* Is there a storage node: is the processors' root its file system? */
bool pagecache_active(void);
/*
 * The file of path on the storage node, for exec: a regular file with
 * an execute bit (-EACCES otherwise).  *src holds a reference; *size is
 * the file's size.
 */
int pagecache_open_exec(const char *path, size_t len, struct fsource **src,
			u64 *size);
/*
 * The file of an MEMOP_MMAP fd_handle ((u64)gen << 32 | ino) with a
 * reference: -EBADF for a handle S does not know, -ENODEV if it is no
 * regular file, -EIO if S is unreachable.
 */
int pagecache_open_handle(u64 handle, struct fsource **src);
/* Is src a page-cache file (MAP_SHARED goes to the cache itself)? */
bool fsource_is_cache(const struct fsource *src);

#endif /* _MEMORY_INTERNAL_H */
