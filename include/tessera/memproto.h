/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processor <-> memory manager protocol: FIT opcodes and the layout
 * of their request and reply payloads.  Defined once here; described in
 * Documentation/memory-protocol.md.  Fixed-width little-endian fields, no
 * pointers, packed: the same on every node and in host tools.
 *
 * A process is named on M by (the FIT source node of the request, tgid):
 * a processor can only ever reach its own processes.  Errors travel as
 * FIT error replies (fit_call() returns the negative errno); a payload
 * below is only what a successful reply carries.
 */
#ifndef _TESSERA_MEMPROTO_H
#define _TESSERA_MEMPROTO_H

#include <tessera/wire_types.h>

#define MEMPROTO_VERSION	1

/*
 * FIT opcode ranges (one list for the tree):
 *   0x1000-0x10ff  processor -> memory (this file)
 *   0x2000-0x20ff  file operations (storproto.h): processor -> memory,
 *                  and memory -> storage
 *   0xf000-0xffff  self-tests and benchmarks
 */
enum memproto_op {
	MEMOP_EXEC = 0x1001,	/* build an address space from an ELF file */
	MEMOP_EXIT,		/* the process is gone: free everything */
	MEMOP_MISS,		/* a pcache miss: the page's contents */
	MEMOP_WRITEBACK,	/* a dirty page evicted or flushed */
	MEMOP_MMAP,
	MEMOP_MUNMAP,
	MEMOP_BRK,
	MEMOP_MREMAP,
	MEMOP_MPROTECT,
	MEMOP_MADVISE,		/* MADV_DONTNEED: drop the pages */
	MEMOP_OPEN,		/* a file from M's archive: a handle */
	MEMOP_CLOSE,
	MEMOP_PREAD,		/* bytes of an open file */
	MEMOP_STAT,		/* by path, like newfstatat */
	MEMOP_STATS,		/* M's free-memory counters */
	MEMOP_FORK,		/* a copy-on-write copy of an address space */
	MEMOP_GETDENTS,		/* entries of an open directory */
	MEMOP_READLINK,		/* a symlink's target */
	MEMOP_LAST,
};

#define MEMPROTO_PAGE_SIZE	4096
/* Longest path, argument or environment block M accepts. */
#define MEMPROTO_PATH_MAX	4096
#define MEMPROTO_ARGS_MAX	(128 * 1024)
/* Most VMAs an exec reply lists. */
#define MEMPROTO_MAX_VMAS	64
/* Largest MEMOP_PREAD reply. */
#define MEMPROTO_READ_MAX	(32 * 1024)

/* prot bits: Linux's PROT_* values. */
#define MP_PROT_READ		0x1
#define MP_PROT_WRITE		0x2
#define MP_PROT_EXEC		0x4

/* vma flags */
#define MP_VMA_ANON		0x0001	/* zero-filled when first touched */
#define MP_VMA_FILE		0x0002	/* private copy of a file range */
#define MP_VMA_STACK		0x0004	/* the main stack (grows down) */
#define MP_VMA_HEAP		0x0008	/* the brk area */
#define MP_VMA_SHARED		0x0010	/* MAP_SHARED; with MP_VMA_FILE: M's page cache pages */

struct mp_vma {
	u64 start;		/* page aligned */
	u64 end;		/* page aligned, exclusive */
	u32 prot;		/* MP_PROT_* */
	u32 flags;		/* MP_VMA_* */
} __packed;

/*
 * MEMOP_EXEC request: the header, then strings_len bytes: the path, argc
 * argument strings and envc environment strings, each NUL-terminated.
 * Replaces (node, tgid)'s address space if it has one.
 */
struct mp_exec_req {
	u32 tgid;
	u32 argc;
	u32 envc;
	u32 strings_len;
} __packed;

/* MEMOP_EXEC reply: the header, then nr_vmas struct mp_vma. */
struct mp_exec_reply {
	u64 entry;		/* AT_ENTRY: first instruction */
	u64 sp;			/* initial stack pointer: argc, argv, envp, auxv */
	u64 brk;		/* initial program break (end of bss, aligned) */
	u32 nr_vmas;
	u32 reserved;
} __packed;

/* MEMOP_EXIT request; the reply is empty. */
struct mp_exit_req {
	u32 tgid;
	u32 reserved;
} __packed;

/*
 * MEMOP_MISS request: the page containing addr, for a read or a write.
 * With MP_MISS_WB_PIGGYBACK the request goes on with a struct
 * mp_wb_hdr and MEMPROTO_PAGE_SIZE bytes: a dirty victim written back
 * in the same message.
 */
#define MP_MISS_WRITE		0x1
#define MP_MISS_WB_PIGGYBACK	0x2
struct mp_miss_req {
	u32 tgid;
	u32 flags;		/* MP_MISS_* */
	u64 addr;
} __packed;

/*
 * MEMOP_MISS reply: the header, then MEMPROTO_PAGE_SIZE bytes of
 * contents, unless MP_FILL_ZERO: M never saw the page, the processor
 * zero-fills it locally (and writes it back when it is dirty).
 * -EFAULT: no VMA covers addr, or it forbids the access.
 */
#define MP_FILL_ZERO		0x1
struct mp_miss_reply {
	u32 fill;		/* MP_FILL_* */
	u32 prot;		/* the VMA's MP_PROT_* */
} __packed;

/* MEMOP_WRITEBACK request: the header, then MEMPROTO_PAGE_SIZE bytes. */
struct mp_wb_hdr {
	u32 tgid;
	u32 reserved;
	u64 addr;		/* page aligned */
} __packed;

/*
 * MEMOP_MMAP: Linux's mmap() arguments; flags are Linux's MAP_* bits.
 * fd_handle is a MEMOP_OPEN handle for a file mapping; with a storage
 * node, the S file's handle as (u64)gen << 32 | ino.  The reply is a
 * struct mp_addr_reply with the address M chose and the VMA to mirror.
 */
struct mp_mmap_req {
	u32 tgid;
	u32 prot;
	u32 flags;
	u32 reserved;
	u64 addr;
	u64 len;
	u64 fd_handle;		/* 0: anonymous */
	u64 offset;
} __packed;

struct mp_addr_reply {
	u64 addr;
	struct mp_vma vma;	/* what now covers [addr, addr + len) */
} __packed;

/* MEMOP_MUNMAP, MEMOP_MPROTECT, MEMOP_MADVISE; the reply is empty. */
struct mp_range_req {
	u32 tgid;
	u32 arg;		/* prot for mprotect, advice for madvise */
	u64 addr;
	u64 len;
} __packed;

/* MEMOP_BRK: like the brk syscall; the reply is a u64 new break. */
struct mp_brk_req {
	u32 tgid;
	u32 reserved;
	u64 brk;
} __packed;

/* MEMOP_MREMAP: Linux's mremap(); the reply is a struct mp_addr_reply. */
struct mp_mremap_req {
	u32 tgid;
	u32 flags;		/* MREMAP_MAYMOVE, MREMAP_FIXED */
	u64 old_addr;
	u64 old_len;
	u64 new_len;
	u64 new_addr;
} __packed;

/* MEMOP_OPEN request: the header, then the path (path_len bytes, no NUL). */
struct mp_open_req {
	u32 flags;		/* Linux O_* flags; only O_RDONLY succeeds */
	u32 path_len;
} __packed;

/* Linux's struct stat fields that matter, fixed-width. */
struct mp_stat {
	u64 ino;
	u64 size;
	u32 mode;		/* S_IF* | permissions */
	u32 nlink;
	u32 uid;
	u32 gid;
	u64 mtime;		/* seconds */
} __packed;

struct mp_open_reply {
	u64 handle;		/* never 0 */
	struct mp_stat st;
} __packed;

/* MEMOP_CLOSE: u64 handle; the reply is empty. */
/* MEMOP_PREAD request; the reply is the bytes read (0 at end of file). */
struct mp_pread_req {
	u64 handle;
	u64 offset;
	u32 len;		/* at most MEMPROTO_READ_MAX */
	u32 reserved;
} __packed;

/* MEMOP_STAT request is a struct mp_open_req and path; reply mp_stat. */
/*
 * MEMOP_READLINK request: as MEMOP_STAT's (flags 0); the reply is the
 * target's bytes (no NUL), at most MEMPROTO_PATH_MAX; -EINVAL for a
 * path that is no symlink.
 */

/*
 * MEMOP_FORK: make (node, child) a copy of (node, parent): the same VMAs,
 * and every backing page shared until either space writes it (M copies
 * the page at that write-back).  The processor writes back the parent's
 * dirty lines first.  The reply is empty; -EEXIST if child exists.
 */
struct mp_fork_req {
	u32 parent;
	u32 child;
} __packed;

/* MEMOP_STATS: no request payload; the reply. */
struct mp_stats_reply {
	u64 free_pages;		/* M's page allocator */
	u64 nr_processes;	/* address spaces alive */
	u64 nr_backing_pages;	/* pages backing them */
	u64 total_pages;	/* M's page allocator was given */
} __packed;

/*
 * MEMOP_GETDENTS request: the entries of the directory open as handle,
 * from cursor on (0 is the start).  The reply is as many struct
 * mp_dirent records as fit in the reply buffer, each followed by its
 * name_len name bytes (no NUL, no padding); empty at the end.  Cursor 0
 * is ".", 1 "..", then the children in the order of their names.
 * -ENOTDIR for a file that is not a directory.
 */
struct mp_getdents_req {
	u64 handle;
	u64 cursor;
} __packed;

struct mp_dirent {
	u64 ino;
	u64 next;		/* the cursor of the entry after this one */
	u16 name_len;
	u8 type;		/* DT_*: the mode's S_IFMT bits >> 12 */
	u8 reserved;
} __packed;

#endif /* _TESSERA_MEMPROTO_H */
