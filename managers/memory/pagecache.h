/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file page cache's insides, shared by pagecache.c (the cache),
 * fileserv.c (the file protocol handlers) and the self-tests.  Every
 * function here is called with pc_mutex held.
 */
#ifndef _MEMORY_PAGECACHE_H
#define _MEMORY_PAGECACHE_H

#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/rbtree.h>
#include <tessera/storproto.h>

#include "internal.h"

/* Calls to S: below a processor's default timeout, so P sees -EIO. */
#define PC_CALL_TIMEOUT_MS	5000
/* The storage node id while a fake backend stands in for S. */
#define PC_FAKE_NODE		0xfffffffeU

/* A storage node's file M caches pages of, or that something maps. */
struct pc_file {
	struct fsource src;	/* for mappings and the loader */
	struct rb_node rb;	/* in pc_files by (node, ino, gen) */
	u32 node, ino, gen;
	unsigned int ref;	/* mappings, loaders, handlers at work */
	unsigned int maps;	/* of those, fsource references: while
				 * mapped, no page of the file is evicted */
	struct rb_root pages;	/* struct pc_page by index */
	unsigned long nr_pages, nr_dirty;
	bool attr_known;	/* size and mode below came from S */
	u32 mode;
	u64 size;		/* M's idea: S's, or longer with dirty pages */
	u64 ra_next;		/* the page a sequential read asks next */
	int wb_err;		/* a write-back S refused, for the next FSYNC */
};

struct pc_page {
	struct mpage mp;	/* in the file's pages by offset; the data */
	struct list_head lru;
	struct pc_file *file;
	bool dirty;
};

static inline u64 pc_index(const struct pc_page *pg)
{
	return pg->mp.addr >> PAGE_SHIFT;
}

struct pc_stats {
	unsigned long hits, misses, readahead, writebacks, evictions;
	unsigned long dirty, pages, files;
};

extern struct mutex pc_mutex;
extern struct pc_stats pc_stats;
extern unsigned long pc_budget;

/*
 * The storage node's answer to a file request (fit_call()'s result);
 * a dead or unreachable S is -EIO.
 */
ssize_t pc_call(u16 op, const void *req, size_t len, void *reply, size_t max);
u32 pagecache_storage_node(void);

/* A stand-in for S (self-tests): NULL gives the real one back. */
typedef ssize_t (*pc_backend_t)(u16 op, const void *req, size_t len,
				void *reply, size_t max);
void pagecache_set_backend(pc_backend_t fn);

struct pc_file *pc_file_find(u32 ino, u32 gen);
struct pc_file *pc_file_get(u32 ino, u32 gen);
void pc_file_put(struct pc_file *f);
/* Ask S for f's size and mode unless known. */
int pc_file_attr(struct pc_file *f);
/* Take S's attributes; a->size is patched if M knows a longer file. */
void pc_file_learn(struct pc_file *f, struct sp_attr *a);

ssize_t pc_read(struct pc_file *f, u64 off, void *buf, size_t len);
ssize_t pc_write(struct pc_file *f, u64 off, const void *buf, size_t len);
void pc_truncate(struct pc_file *f, u64 size);
int pc_writeback_file(struct pc_file *f);
int pc_writeback_all(void);
void pc_log_stats(const char *when);

#endif /* _MEMORY_PAGECACHE_H */
