// SPDX-License-Identifier: GPL-2.0
/*
 * Memory manager self-tests (selftest=memory_*): they drive the handlers
 * through FIT's loopback transport exactly as a processor would, against
 * the archive tests/70-memory.sh builds (tiny static and static-PIE
 * programs, busybox, a dynamic program, symlinks and a few text files).
 * Each test uses its own tgids and leaves no process behind.
 */
#define pr_fmt(fmt) "selftest: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/delay.h>
#include <tessera/fit.h>
#include <tessera/fit_loopback.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include <uapi/linux/mman.h>

#include "elf.h"
#include "internal.h"

#define ST_TIMEOUT	10000
#define MAP_ANON_PRIV	(MAP_PRIVATE | MAP_ANONYMOUS)
#define RW		(MP_PROT_READ | MP_PROT_WRITE)
#define PG		PAGE_SIZE

static ssize_t mcall(u16 op, const void *req, size_t len, void *reply,
		     size_t max)
{
	return fit_call_self(op, req, len, reply, max, ST_TIMEOUT);
}

static int st_stats(struct mp_stats_reply *st)
{
	ssize_t n = mcall(MEMOP_STATS, NULL, 0, st, sizeof(*st));

	return n == sizeof(*st) ? 0 : -EIO;
}

/*
 * Exec path with the NULL-terminated argv and envp for tgid; the reply
 * goes to rep (header then VMAs, room for MEMPROTO_MAX_VMAS).
 */
static ssize_t st_exec(u32 tgid, const char *path, const char *const *argv,
		       const char *const *envp, struct mp_exec_reply *rep)
{
	size_t max = sizeof(*rep) + MEMPROTO_MAX_VMAS * sizeof(struct mp_vma);
	struct mp_exec_req *r;
	const char *const *s;
	char *p;
	ssize_t ret;
	size_t len = strlen(path) + 1;
	u32 argc = 0, envc = 0;

	for (s = argv; *s; s++, argc++)
		len += strlen(*s) + 1;
	for (s = envp; *s; s++, envc++)
		len += strlen(*s) + 1;
	r = kmalloc(sizeof(*r) + len, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->tgid = tgid;
	r->argc = argc;
	r->envc = envc;
	r->strings_len = len;
	p = (char *)(r + 1);
	p += strscpy(p, path, len) + 1;
	for (s = argv; *s; s++)
		p += strscpy(p, *s, len) + 1;
	for (s = envp; *s; s++)
		p += strscpy(p, *s, len) + 1;
	ret = mcall(MEMOP_EXEC, r, sizeof(*r) + len, rep, max);
	kfree(r);
	return ret;
}

static int st_exec_simple(u32 tgid, const char *path,
			  struct mp_exec_reply *rep)
{
	static const char *const argv[] = { "prog", NULL }, *const envp[] = { NULL };
	ssize_t n = st_exec(tgid, path, argv, envp, rep);

	return n < 0 ? n : 0;
}

static int st_exit(u32 tgid)
{
	struct mp_exit_req r = { .tgid = tgid };

	return mcall(MEMOP_EXIT, &r, sizeof(r), NULL, 0);
}

/* A page: 1 with its contents in buf, 0 for MP_FILL_ZERO, or an errno. */
static int st_miss(u32 tgid, u64 addr, bool write, void *buf, u32 *prot)
{
	struct mp_miss_req r = { .tgid = tgid, .addr = addr,
				 .flags = write ? MP_MISS_WRITE : 0 };
	struct mp_miss_reply *rep;
	ssize_t n;
	int ret;

	rep = kmalloc(sizeof(*rep) + PG, GFP_KERNEL);
	if (!rep)
		return -ENOMEM;
	n = mcall(MEMOP_MISS, &r, sizeof(r), rep, sizeof(*rep) + PG);
	if (n < 0) {
		ret = n;
	} else if (rep->fill & MP_FILL_ZERO) {
		ret = n == sizeof(*rep) ? 0 : -EPROTO;
		if (buf)
			memset(buf, 0, PG);
	} else {
		ret = n == sizeof(*rep) + PG ? 1 : -EPROTO;
		if (buf)
			memcpy(buf, rep + 1, PG);
	}
	if (prot && ret >= 0)
		*prot = rep->prot;
	kfree(rep);
	return ret;
}

static void st_pattern(u8 *buf, u32 seed)
{
	u32 x = seed * 2654435761U + 1, i;

	for (i = 0; i < PG; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = x;
	}
}

static int st_wb(u32 tgid, u64 addr, const void *page)
{
	struct mp_wb_hdr *h = kmalloc(sizeof(*h) + PG, GFP_KERNEL);
	int ret;

	if (!h)
		return -ENOMEM;
	h->tgid = tgid;
	h->reserved = 0;
	h->addr = addr;
	memcpy(h + 1, page, PG);
	ret = mcall(MEMOP_WRITEBACK, h, sizeof(*h) + PG, NULL, 0);
	kfree(h);
	return ret;
}

/* Write back the pattern seed to addr, then check a miss returns it. */
static int st_wb_check(u32 tgid, u64 addr, u32 seed, u8 *a, u8 *b)
{
	int ret;

	st_pattern(a, seed);
	ret = st_wb(tgid, addr, a);
	if (ret)
		return ret;
	ret = st_miss(tgid, addr, false, b, NULL);
	if (ret != 1)
		return ret < 0 ? ret : -ENODATA;
	return memcmp(a, b, PG) ? -EBADMSG : 0;
}

/* Does addr hold the pattern seed? */
static int st_has(u32 tgid, u64 addr, u32 seed, u8 *a, u8 *b)
{
	int ret = st_miss(tgid, addr, false, b, NULL);

	if (ret != 1)
		return ret < 0 ? ret : -ENODATA;
	st_pattern(a, seed);
	return memcmp(a, b, PG) ? -EBADMSG : 0;
}

static s64 st_mmap(u32 tgid, u64 addr, u64 len, u32 prot, u32 flags,
		   u64 handle, u64 off, struct mp_vma *vma)
{
	struct mp_mmap_req r = { .tgid = tgid, .prot = prot, .flags = flags,
				 .addr = addr, .len = len,
				 .fd_handle = handle, .offset = off };
	struct mp_addr_reply rep;
	ssize_t n = mcall(MEMOP_MMAP, &r, sizeof(r), &rep, sizeof(rep));

	if (n < 0)
		return n;
	if (n != sizeof(rep))
		return -EPROTO;
	if (vma)
		memcpy(vma, &rep.vma, sizeof(*vma));
	return rep.addr;
}

static int st_range(u16 op, u32 tgid, u64 addr, u64 len, u32 arg)
{
	struct mp_range_req r = { .tgid = tgid, .arg = arg, .addr = addr,
				  .len = len };

	return mcall(op, &r, sizeof(r), NULL, 0);
}

static s64 st_brk(u32 tgid, u64 brk)
{
	struct mp_brk_req r = { .tgid = tgid, .brk = brk };
	u64 v;
	ssize_t n = mcall(MEMOP_BRK, &r, sizeof(r), &v, sizeof(v));

	return n < 0 ? n : (n == sizeof(v) ? (s64)v : -EPROTO);
}

static s64 st_mremap(u32 tgid, u64 old, u64 old_len, u64 new_len, u32 flags,
		     u64 new_addr, struct mp_vma *vma)
{
	struct mp_mremap_req r = { .tgid = tgid, .flags = flags,
				   .old_addr = old, .old_len = old_len,
				   .new_len = new_len, .new_addr = new_addr };
	struct mp_addr_reply rep;
	ssize_t n = mcall(MEMOP_MREMAP, &r, sizeof(r), &rep, sizeof(rep));

	if (n < 0)
		return n;
	if (vma)
		memcpy(vma, &rep.vma, sizeof(*vma));
	return n == sizeof(rep) ? (s64)rep.addr : -EPROTO;
}

static s64 st_open(const char *path, u32 flags, struct mp_stat *st)
{
	u8 buf[sizeof(struct mp_open_req) + 128];
	struct mp_open_req *r = (void *)buf;
	struct mp_open_reply rep;
	size_t len = strlen(path);
	ssize_t n;

	r->flags = flags;
	r->path_len = len;
	memcpy(r + 1, path, len);
	n = mcall(MEMOP_OPEN, r, sizeof(*r) + len, &rep, sizeof(rep));
	if (n < 0)
		return n;
	if (n != sizeof(rep) || !rep.handle)
		return -EPROTO;
	if (st)
		memcpy(st, &rep.st, sizeof(*st));
	return rep.handle;
}

static int st_stat(const char *path, u32 flags, struct mp_stat *st)
{
	u8 buf[sizeof(struct mp_open_req) + 128];
	struct mp_open_req *r = (void *)buf;
	size_t len = strlen(path);
	ssize_t n;

	r->flags = flags;
	r->path_len = len;
	memcpy(r + 1, path, len);
	n = mcall(MEMOP_STAT, r, sizeof(*r) + len, st, sizeof(*st));
	return n < 0 ? n : (n == sizeof(*st) ? 0 : -EPROTO);
}

/* A symlink's target into buf (max bytes): its length or an errno. */
static ssize_t st_readlink(const char *path, char *buf, size_t max)
{
	u8 req[sizeof(struct mp_open_req) + 128];
	struct mp_open_req *r = (void *)req;
	size_t len = strlen(path);

	r->flags = 0;
	r->path_len = len;
	memcpy(r + 1, path, len);
	return mcall(MEMOP_READLINK, r, sizeof(*r) + len, buf, max);
}

static ssize_t st_pread(u64 handle, u64 off, u32 len, void *buf, size_t max)
{
	struct mp_pread_req r = { .handle = handle, .offset = off, .len = len };

	return mcall(MEMOP_PREAD, &r, sizeof(r), buf, max);
}

static int st_close(u64 handle)
{
	return mcall(MEMOP_CLOSE, &handle, sizeof(handle), NULL, 0);
}

static const struct mfile *st_file(const char *path)
{
	const struct mfile *f = NULL;

	archive_lookup(path, strlen(path), true, &f);
	return f;
}

/* Read len bytes of tgid's memory at addr through misses. */
static int st_read(u32 tgid, u64 addr, void *out, size_t len, u8 *page)
{
	while (len) {
		u64 base = ALIGN_DOWN(addr, PG);
		size_t n = min((u64)len, base + PG - addr);
		int ret = st_miss(tgid, base, false, page, NULL);

		if (ret < 0)
			return ret;
		memcpy(out, page + (addr - base), n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

static int st_read_str(u32 tgid, u64 addr, char *out, size_t max, u8 *page)
{
	size_t n = max - 1;
	int ret;

	/* Strings near the top of the stack: stop at its end. */
	if (addr < MM_STACK_TOP && MM_STACK_TOP - addr < n)
		n = MM_STACK_TOP - addr;
	ret = st_read(tgid, addr, out, n, page);
	out[n] = '\0';
	return ret;
}

/* Scratch pages for a test. */
struct st_bufs {
	u8 *a, *b, *c;
	struct mp_exec_reply *rep;
};

static int st_bufs_get(struct st_bufs *s)
{
	s->a = kmalloc(PG, GFP_KERNEL);
	s->b = kmalloc(PG, GFP_KERNEL);
	s->c = kmalloc(PG, GFP_KERNEL);
	s->rep = kmalloc(sizeof(*s->rep) +
			 MEMPROTO_MAX_VMAS * sizeof(struct mp_vma), GFP_KERNEL);
	return s->a && s->b && s->c && s->rep ? 0 : -ENOMEM;
}

static void st_bufs_put(struct st_bufs *s)
{
	kfree(s->a);
	kfree(s->b);
	kfree(s->c);
	kfree(s->rep);
}

#define ST_OK(expr) do {						\
	long long __r = (long long)(expr);				\
	if (__r < 0)							\
		return selftest_fail("%s:%d: %s failed: %lld",		\
				     __FILE__, __LINE__, #expr, __r);	\
} while (0)

/*
 * The tests need the archive tests/70-memory.sh builds, which it marks
 * with /etc/memory-selftest.  Booted without it (selftest=all in the
 * boot tests, or a cluster's own archive) they say so and pass; the
 * memory tests check that they did not skip.
 */
static bool st_no_archive(const char *test)
{
	const struct mfile *f;

	if (!archive_lookup("/etc/memory-selftest", 20, true, &f))
		return false;
	pr_info("%s: skipped: no test archive\n", test);
	return true;
}

#define ST_NEED_ARCHIVE() do {						\
	if (st_no_archive(__func__ + sizeof("__selftest_fn_") - 1))	\
		return 0;						\
} while (0)

/* ------------------------------------------------------------- archive -- */

SELFTEST(memory_archive)
{
	const struct mfile *f, *bb;

	ST_NEED_ARCHIVE();
	ST_ASSERT(archive_nr_files() >= 10);
	bb = st_file("/bin/busybox");
	ST_ASSERT(bb && MF_ISREG(bb) && bb->size > 100000);
	ST_EQ(archive_lookup("/bin/sh", 7, true, &f), 0);
	ST_ASSERT(f == bb);
	ST_EQ(archive_lookup("/bin/sh", 7, false, &f), 0);
	ST_ASSERT(MF_ISLNK(f) && f->size == 7);
	ST_EQ(archive_lookup("bin//./sh", 9, true, &f), 0);
	ST_ASSERT(f == bb);
	ST_EQ(archive_lookup("/lib/data.txt", 13, true, &f), 0);
	ST_ASSERT(f->size == 9 && !memcmp(f->data, "lib data\n", 9));
	ST_EQ(archive_lookup("/etc/../lib/../../usr/lib/data.txt", 34, true, &f), 0);
	ST_ASSERT(f->size == 9);
	ST_EQ(archive_lookup("/", 1, true, &f), 0);
	ST_ASSERT(MF_ISDIR(f));
	ST_EQ(archive_lookup("/usr", 4, true, &f), 0);
	ST_ASSERT(MF_ISDIR(f));
	ST_EQ(archive_lookup("/bin/loop1", 10, true, &f), -ELOOP);
	ST_EQ(archive_lookup("/bin/loop1", 10, false, &f), 0);
	ST_EQ(archive_lookup("/nope", 5, true, &f), -ENOENT);
	ST_EQ(archive_lookup("/etc/hello.txt/x", 16, true, &f), -ENOTDIR);
	ST_EQ(archive_lookup("/etc/hello.txt/", 15, true, &f), -ENOTDIR);
	ST_EQ(archive_lookup("/etc/hello.txt/.", 16, true, &f), -ENOTDIR);
	ST_EQ(archive_lookup("/bin/sh/", 8, true, &f), -ENOTDIR);
	ST_EQ(archive_lookup("/etc/", 5, true, &f), 0);
	ST_EQ(archive_lookup("", 0, true, &f), -ENOENT);
	ST_EQ(archive_lookup("/bin\0/sh", 8, true, &f), -EINVAL);
	/* A later archive's file replaces an earlier one's. */
	ST_EQ(archive_lookup("/etc/over.txt", 13, true, &f), 0);
	ST_ASSERT(f->size == 5 && !memcmp(f->data, "late\n", 5));
	/* The corrupt and truncated modules added nothing. */
	ST_ASSERT(!st_file("/TRAILER!!!"));
	return 0;
}

SELFTEST(memory_open_pread)
{
	const struct mfile *bb = st_file("/bin/busybox");
	struct mp_stat st;
	s64 h, hd, hb;
	u8 *buf;
	ssize_t n;

	ST_NEED_ARCHIVE();
	ST_ASSERT(bb);
	buf = kmalloc(MEMPROTO_READ_MAX, GFP_KERNEL);
	ST_ASSERT(buf);
	h = st_open("/etc/hello.txt", 0, &st);
	ST_OK(h);
	ST_EQ(st.size, 23);
	ST_EQ(st.mode & 0170000, 0100000);
	n = st_pread(h, 0, 100, buf, 100);
	ST_EQ(n, 23);
	ST_ASSERT(!memcmp(buf, "hello from the archive\n", 23));
	ST_EQ(st_pread(h, 6, 4, buf, 100), 4);
	ST_ASSERT(!memcmp(buf, "from", 4));
	ST_EQ(st_pread(h, 23, 10, buf, 100), 0);
	ST_EQ(st_pread(h, 1ULL << 40, 10, buf, 100), 0);
	ST_EQ(st_pread(h, 0, MEMPROTO_READ_MAX + 1, buf, 100), -EINVAL);

	hb = st_open("/bin/sh", 0, &st);
	ST_OK(hb);
	ST_EQ(st.size, bb->size);
	ST_EQ(st_pread(hb, 65536 + 7, MEMPROTO_READ_MAX, buf, MEMPROTO_READ_MAX),
	      MEMPROTO_READ_MAX);
	ST_ASSERT(!memcmp(buf, bb->data + 65536 + 7, MEMPROTO_READ_MAX));
	ST_EQ(st_pread(hb, bb->size - 5, 100, buf, 100), 5);
	ST_ASSERT(!memcmp(buf, bb->data + bb->size - 5, 5));
	ST_ASSERT(hb != h);

	hd = st_open("/etc", 0, &st);
	ST_OK(hd);
	ST_EQ(st.mode & 0170000, 0040000);
	ST_EQ(st_pread(hd, 0, 10, buf, 100), -EISDIR);

	ST_EQ(st_close(h), 0);
	ST_EQ(st_close(h), -EBADF);
	ST_EQ(st_pread(h, 0, 10, buf, 100), -EBADF);
	ST_EQ(st_close(hd), 0);
	ST_EQ(st_close(hb), 0);
	ST_EQ(st_close(0), -EBADF);
	ST_EQ(st_close(0xdeadbeef), -EBADF);

	ST_EQ(st_open("/etc/hello.txt", 01, NULL), -EROFS);	/* O_WRONLY */
	ST_EQ(st_open("/etc/hello.txt", 02, NULL), -EROFS);	/* O_RDWR */
	ST_EQ(st_open("/etc/hello.txt", 01000, NULL), -EROFS);	/* O_TRUNC */
	ST_EQ(st_open("/etc/new", 0101, NULL), -EROFS);		/* O_CREAT */
	ST_EQ(st_open("/etc/hello.txt", 0300, NULL), -EEXIST);	/* O_EXCL */
	ST_EQ(st_open("/etc", 02, NULL), -EISDIR);
	ST_EQ(st_open("/etc", 0100, NULL), -EISDIR);		/* O_CREAT */
	ST_EQ(st_open("/etc/missing", 0, NULL), -ENOENT);
	ST_EQ(st_open("/etc/hello.txt", 0200000, NULL), -ENOTDIR);
	ST_EQ(st_open("/bin/sh", 0400000, NULL), -ELOOP);	/* O_NOFOLLOW */
	kfree(buf);
	return 0;
}

SELFTEST(memory_stat)
{
	const struct mfile *bb = st_file("/bin/busybox");
	struct mp_stat st;
	char *t;

	ST_NEED_ARCHIVE();
	ST_ASSERT(bb);
	ST_EQ(st_stat("/bin/sh", 0, &st), 0);
	ST_EQ(st.size, bb->size);
	ST_EQ(st.mode & 0170000, 0100000);
	ST_ASSERT(st.mode & 0111);
	ST_EQ(st.ino, bb->ino);
	ST_EQ(st_stat("/bin/sh", 0x100, &st), 0);	/* AT_SYMLINK_NOFOLLOW */
	ST_EQ(st.mode & 0170000, 0120000);
	ST_EQ(st.size, 7);
	ST_EQ(st_stat("/usr/lib", 0, &st), 0);
	ST_EQ(st.mode & 0170000, 0040000);
	ST_EQ(st_stat("/nope/x", 0, &st), -ENOENT);
	ST_EQ(st_stat("/etc/hello.txt/x", 0, &st), -ENOTDIR);
	/* MEMOP_READLINK: the link itself, never followed. */
	t = kmalloc(MEMPROTO_PATH_MAX, GFP_KERNEL);
	ST_ASSERT(t);
	ST_EQ(st_readlink("/bin/sh", t, MEMPROTO_PATH_MAX), 7);
	ST_ASSERT(!memcmp(t, "busybox", 7));
	ST_EQ(st_readlink("/bin/loop1", t, MEMPROTO_PATH_MAX), 10);
	ST_ASSERT(!memcmp(t, "/bin/loop2", 10));
	ST_EQ(st_readlink("/lib", t, MEMPROTO_PATH_MAX), 7);
	ST_EQ(st_readlink("/bin/busybox", t, MEMPROTO_PATH_MAX), -EINVAL);
	ST_EQ(st_readlink("/nope", t, MEMPROTO_PATH_MAX), -ENOENT);
	kfree(t);
	return 0;
}

static ssize_t st_getdents(u64 handle, u64 cursor, void *buf, size_t max)
{
	struct mp_getdents_req r = { .handle = handle, .cursor = cursor };

	return mcall(MEMOP_GETDENTS, &r, sizeof(r), buf, max);
}

/*
 * The names of a MEMOP_GETDENTS reply, "name/type/next " each, into out;
 * the number of records or -EPROTO.
 */
static int st_dirents(const u8 *buf, ssize_t n, char *out, size_t max)
{
	struct mp_dirent d;
	ssize_t off = 0;
	size_t used = 0;
	int nr = 0;

	out[0] = '\0';
	while (off < n) {
		if (off + (ssize_t)sizeof(d) > n)
			return -EPROTO;
		memcpy(&d, buf + off, sizeof(d));
		off += sizeof(d);
		if (off + d.name_len > n)
			return -EPROTO;
		used += snprintf(out + used, max - used, "%.*s/%u/%llu ",
				 d.name_len, buf + off, d.type, d.next);
		off += d.name_len;
		nr++;
	}
	return nr;
}

SELFTEST(memory_getdents)
{
	const struct mfile *etc = st_file("/etc"), *root = st_file("/");
	struct mp_dirent d;
	char names[256];
	s64 h, hf;
	u8 *buf;
	ssize_t n;

	ST_NEED_ARCHIVE();
	ST_ASSERT(etc && root);
	buf = kmalloc(MEMPROTO_READ_MAX, GFP_KERNEL);
	ST_ASSERT(buf);
	h = st_open("/etc", 0200000, NULL);	/* O_DIRECTORY */
	ST_OK(h);
	n = st_getdents(h, 0, buf, MEMPROTO_READ_MAX);
	ST_EQ(st_dirents(buf, n, names, sizeof(names)), 6);
	ST_ASSERT(!strcmp(names, "./4/1 ../4/2 hello.txt/8/3 memory-selftest/8/4 noexec/8/5 over.txt/8/6 "));
	memcpy(&d, buf, sizeof(d));
	ST_EQ(d.ino, etc->ino);
	memcpy(&d, buf + sizeof(d) + 1, sizeof(d));
	ST_EQ(d.ino, root->ino);
	/* Resumed from a cursor; a reply buffer that takes one record. */
	n = st_getdents(h, 3, buf, sizeof(d) + 20);
	ST_EQ(st_dirents(buf, n, names, sizeof(names)), 1);
	ST_ASSERT(!strcmp(names, "memory-selftest/8/4 "));
	ST_EQ(st_getdents(h, 6, buf, MEMPROTO_READ_MAX), 0);
	ST_EQ(st_getdents(h, 1ULL << 40, buf, MEMPROTO_READ_MAX), 0);
	ST_EQ(st_getdents(h, 0, buf, 4), 0);	/* not even one fits */
	ST_EQ(st_close(h), 0);
	ST_EQ(st_getdents(h, 0, buf, MEMPROTO_READ_MAX), -EBADF);

	/* "/": its own parent; children only (not /usr/lib); a symlink. */
	h = st_open("/", 0, NULL);
	ST_OK(h);
	n = st_getdents(h, 0, buf, MEMPROTO_READ_MAX);
	ST_EQ(st_dirents(buf, n, names, sizeof(names)), 6);
	ST_ASSERT(!strcmp(names, "./4/1 ../4/2 bin/4/3 etc/4/4 lib/10/5 usr/4/6 "));
	memcpy(&d, buf + sizeof(d) + 1, sizeof(d));
	ST_EQ(d.ino, root->ino);
	ST_EQ(st_close(h), 0);

	hf = st_open("/etc/hello.txt", 0, NULL);
	ST_OK(hf);
	ST_EQ(st_getdents(hf, 0, buf, MEMPROTO_READ_MAX), -ENOTDIR);
	ST_EQ(st_close(hf), 0);
	ST_EQ(mcall(MEMOP_GETDENTS, buf, 3, buf, 100), -EINVAL);
	kfree(buf);
	return 0;
}

/* ---------------------------------------------------------------- exec -- */

/* Find type in the auxv read back from the stack; -1 if absent. */
static s64 st_auxv(const u64 *auxv, unsigned int n, u64 type)
{
	unsigned int i;

	for (i = 0; i + 1 < n && auxv[i] != 0; i += 2)
		if (auxv[i] == type)
			return auxv[i + 1];
	return -1;
}

static const struct mp_vma *st_vmas(const struct mp_exec_reply *rep)
{
	return (const struct mp_vma *)(rep + 1);
}

SELFTEST(memory_exec_tiny)
{
	static const char *const argv[] = { "tiny", "a1", "arg two", NULL };
	static const char *const envp[] = { "HOME=/", "X=1", NULL };
	/* binutils' -z separate-code: a page each from 0x400000. */
	static const struct mp_vma want[] = {
		{ 0x400000, 0x401000, MP_PROT_READ, MP_VMA_FILE },
		{ 0x401000, 0x402000, MP_PROT_READ | MP_PROT_EXEC, MP_VMA_FILE },
		{ 0x402000, 0x403000, MP_PROT_READ, MP_VMA_FILE },
		{ 0x403000, 0x404000, RW, MP_VMA_FILE },
		{ 0x404000, 0x406000, RW, MP_VMA_ANON },
		{ MM_STACK_TOP - MM_STACK_SIZE, MM_STACK_TOP, RW,
		  MP_VMA_ANON | MP_VMA_STACK },
	};
	const struct mfile *tiny = st_file("/bin/tiny");
	struct st_bufs s;
	const struct mp_vma *v;
	u64 words[64], *auxv;
	char str[32];
	u64 sp, p;
	ssize_t n;
	unsigned int i;
	u32 prot;
	s64 a;

	ST_NEED_ARCHIVE();
	ST_ASSERT(tiny);
	ST_OK(st_bufs_get(&s));
	n = st_exec(101, "/bin/tiny", argv, envp, s.rep);
	ST_EQ(n, sizeof(*s.rep) + ARRAY_SIZE(want) * sizeof(struct mp_vma));
	ST_EQ(s.rep->entry, 0x401000);
	ST_EQ(s.rep->brk, 0x406000);
	ST_EQ(s.rep->nr_vmas, ARRAY_SIZE(want));
	v = st_vmas(s.rep);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (memcmp(&v[i], &want[i], sizeof(want[i])))
			return selftest_fail("VMA %u: %#llx-%#llx prot %u flags %#x",
					     i, v[i].start, v[i].end, v[i].prot,
					     v[i].flags);
	}

	/* The stack, read back like the processor would. */
	sp = s.rep->sp;
	ST_ASSERT(IS_ALIGNED(sp, 16));
	ST_ASSERT(sp > MM_STACK_TOP - PG * 4 && sp < MM_STACK_TOP);
	memset(words, 0, sizeof(words));
	ST_OK(st_read(101, sp, words, min(sizeof(words), MM_STACK_TOP - sp), s.a));
	ST_EQ(words[0], 3);
	for (i = 0; i < 3; i++) {
		ST_OK(st_read_str(101, words[1 + i], str, sizeof(str), s.a));
		ST_STREQ(str, argv[i]);
		ST_ASSERT(words[1 + i] > sp && words[1 + i] < MM_STACK_TOP);
	}
	ST_EQ(words[4], 0);
	for (i = 0; i < 2; i++) {
		ST_OK(st_read_str(101, words[5 + i], str, sizeof(str), s.a));
		ST_STREQ(str, envp[i]);
	}
	ST_EQ(words[7], 0);
	auxv = &words[8];
	n = ARRAY_SIZE(words) - 8;
	ST_EQ(st_auxv(auxv, n, 3), 0x400040);		/* AT_PHDR */
	ST_EQ(st_auxv(auxv, n, 4), 56);			/* AT_PHENT */
	ST_EQ(st_auxv(auxv, n, 5), ((struct elf64_hdr *)tiny->data)->e_phnum);
	ST_EQ(st_auxv(auxv, n, 6), 4096);		/* AT_PAGESZ */
	ST_EQ(st_auxv(auxv, n, 7), 0);			/* AT_BASE */
	ST_EQ(st_auxv(auxv, n, 8), 0);			/* AT_FLAGS */
	ST_EQ(st_auxv(auxv, n, 9), 0x401000);		/* AT_ENTRY */
	for (i = 11; i <= 14; i++)			/* AT_UID .. AT_EGID */
		ST_EQ(st_auxv(auxv, n, i), 0);
	ST_EQ(st_auxv(auxv, n, 23), 0);			/* AT_SECURE */
	ST_EQ(st_auxv(auxv, n, 17), 100);		/* AT_CLKTCK */
	ST_ASSERT(st_auxv(auxv, n, 16) > 0);		/* AT_HWCAP */
	a = st_auxv(auxv, n, 25);			/* AT_RANDOM */
	ST_ASSERT(a > (s64)sp && a + 16 <= (s64)MM_STACK_TOP);
	ST_OK(st_read(101, a, str, 16, s.a));
	ST_ASSERT(memchr_inv(str, 0, 16));
	a = st_auxv(auxv, n, 15);			/* AT_PLATFORM */
	ST_ASSERT(a > (s64)sp);
	ST_OK(st_read_str(101, a, str, sizeof(str), s.a));
	ST_STREQ(str, "x86_64");
	a = st_auxv(auxv, n, 31);			/* AT_EXECFN */
	ST_OK(st_read_str(101, a, str, sizeof(str), s.a));
	ST_STREQ(str, "/bin/tiny");
	/* AT_NULL ends it: 18 pairs. */
	ST_EQ(auxv[34], 0);
	ST_ASSERT(auxv[32] != 0);

	/* Text comes from the file; the data page's tail past p_filesz is zero. */
	ST_EQ(st_miss(101, 0x401000, false, s.a, &prot), 1);
	ST_EQ(prot, MP_PROT_READ | MP_PROT_EXEC);
	ST_ASSERT(!memcmp(s.a, tiny->data + 0x1000, PG));
	ST_EQ(st_miss(101, 0x400abc, false, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, tiny->data, PG));
	ST_EQ(st_miss(101, 0x403000, true, s.a, &prot), 1);
	ST_EQ(prot, RW);
	ST_EQ(*(u32 *)s.a, 7);				/* int counter = 7 */
	/* The file goes on past p_filesz: the zeros are M's doing. */
	ST_ASSERT(tiny->size > 0x3004 &&
		  memchr_inv(tiny->data + 0x3004, 0,
			     min(tiny->size - 0x3004, (u64)PG - 4)));
	ST_ASSERT(!memchr_inv(s.a + 4, 0, PG - 4));
	ST_EQ(st_miss(101, 0x404000, true, NULL, NULL), 0);	/* bss */
	ST_EQ(st_miss(101, 0x405fff, false, NULL, NULL), 0);
	ST_EQ(st_miss(101, 0x406000, false, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(101, 0x401000, true, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(101, 0x1000, false, NULL, NULL), -EFAULT);
	/* The unused part of the stack reads as zero. */
	ST_EQ(st_miss(101, MM_STACK_TOP - MM_STACK_SIZE, true, NULL, NULL), 0);
	for (p = ALIGN_DOWN(sp, PG); p < MM_STACK_TOP; p += PG)
		ST_EQ(st_miss(101, p, false, NULL, NULL), 1);
	ST_EQ(st_exit(101), 0);
	ST_EQ(st_miss(101, 0x401000, false, NULL, NULL), -ESRCH);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_exec_pie)
{
	const struct mfile *f = st_file("/bin/tinypie");
	const struct elf64_hdr *eh;
	struct st_bufs s;
	const struct mp_vma *v;
	u64 words[48];
	unsigned int i;

	ST_NEED_ARCHIVE();
	ST_ASSERT(f);
	eh = (const void *)f->data;
	ST_EQ(eh->e_type, ET_DYN);
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(102, "/bin/tinypie", s.rep));
	v = st_vmas(s.rep);
	ST_EQ(v[0].start, ELF_DYN_BASE);
	ST_EQ(s.rep->entry, ELF_DYN_BASE + eh->e_entry);
	for (i = 0; i + 1 < s.rep->nr_vmas; i++)
		ST_ASSERT(v[i].start >= ELF_DYN_BASE && v[i].end <= s.rep->brk);
	memset(words, 0, sizeof(words));
	ST_OK(st_read(102, s.rep->sp, words,
		      min(sizeof(words), MM_STACK_TOP - s.rep->sp), s.a));
	ST_EQ(st_auxv(&words[4], 44, 9), s.rep->entry);
	ST_EQ(st_auxv(&words[4], 44, 3), ELF_DYN_BASE + eh->e_phoff);
	ST_EQ(st_miss(102, s.rep->entry, false, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, f->data + ALIGN_DOWN(eh->e_entry, PG), PG));
	ST_EQ(st_exit(102), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_exec_busybox)
{
	static const char *const argv[] = { "sh", "-c", "echo hi", NULL };
	static const char *const envp[] = { "PATH=/bin", NULL };
	const struct mfile *f = st_file("/bin/busybox");
	const struct elf64_hdr *eh;
	const struct mp_vma *v;
	struct st_bufs s;
	unsigned int i, text = 0;
	ssize_t n;

	ST_NEED_ARCHIVE();
	ST_ASSERT(f);
	eh = (const void *)f->data;
	ST_OK(st_bufs_get(&s));
	n = st_exec(103, "/bin/sh", argv, envp, s.rep);
	ST_OK(n);
	ST_EQ(n, sizeof(*s.rep) + s.rep->nr_vmas * sizeof(struct mp_vma));
	ST_ASSERT(s.rep->nr_vmas >= 4);
	v = st_vmas(s.rep);
	for (i = 0; i < s.rep->nr_vmas; i++) {
		ST_ASSERT(v[i].start < v[i].end);
		ST_ASSERT(!i || v[i].start >= v[i - 1].end);
		if (v[i].start <= s.rep->entry && s.rep->entry < v[i].end) {
			ST_ASSERT(v[i].prot & MP_PROT_EXEC);
			ST_EQ(v[i].flags, MP_VMA_FILE);
			text++;
		}
	}
	ST_EQ(text, 1);
	ST_EQ(s.rep->entry, (eh->e_type == ET_DYN ? ELF_DYN_BASE : 0) + eh->e_entry);
	ST_EQ(v[s.rep->nr_vmas - 1].flags, MP_VMA_ANON | MP_VMA_STACK);
	ST_ASSERT(s.rep->brk == v[s.rep->nr_vmas - 2].end);
	ST_EQ(st_miss(103, s.rep->entry, false, s.a, NULL), 1);
	ST_EQ(st_exit(103), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_exec_errors)
{
	struct mp_stats_reply before, after;
	struct st_bufs s;
	struct mp_exec_req *r;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_stats(&before));
	ST_EQ(st_exec_simple(104, "/bin/dyn", s.rep), -ENOEXEC);
	ST_EQ(st_exec_simple(104, "/bin/garbage", s.rep), -ENOEXEC);
	ST_EQ(st_exec_simple(104, "/etc/noexec", s.rep), -EACCES);
	ST_EQ(st_exec_simple(104, "/etc", s.rep), -EACCES);
	ST_EQ(st_exec_simple(104, "/bin/missing", s.rep), -ENOENT);
	ST_EQ(st_exec_simple(104, "/bin/loop1", s.rep), -ELOOP);
	ST_EQ(st_exec_simple(104, "/etc/hello.txt/x", s.rep), -ENOTDIR);

	/* Strings that do not add up. */
	r = kzalloc(sizeof(*r) + 32, GFP_KERNEL);
	ST_ASSERT(r);
	memcpy(r + 1, "/bin/tiny\0a\0b\0", 14);
	r->tgid = 104;
	r->argc = 2;
	r->strings_len = 14;
	ST_EQ(mcall(MEMOP_EXEC, r, sizeof(*r) + 14, s.rep, 4096),
	      sizeof(*s.rep) + 6 * sizeof(struct mp_vma));
	ST_EQ(st_exit(104), 0);
	r->argc = 3;
	ST_EQ(mcall(MEMOP_EXEC, r, sizeof(*r) + 14, s.rep, 4096), -EINVAL);
	r->argc = 1;
	ST_EQ(mcall(MEMOP_EXEC, r, sizeof(*r) + 14, s.rep, 4096), -EINVAL);
	r->argc = 2;
	r->strings_len = 13;
	ST_EQ(mcall(MEMOP_EXEC, r, sizeof(*r) + 14, s.rep, 4096), -EINVAL);
	r->strings_len = 14;
	((char *)(r + 1))[13] = 'x';
	ST_EQ(mcall(MEMOP_EXEC, r, sizeof(*r) + 14, s.rep, 4096), -EINVAL);
	r->argc = 0xffffffff;
	r->envc = 0xffffffff;
	ST_EQ(mcall(MEMOP_EXEC, r, sizeof(*r) + 14, s.rep, 4096), -EINVAL);
	/* A reply buffer too small for the VMAs. */
	memcpy(r + 1, "/bin/tiny\0a\0b\0", 14);
	r->argc = 2;
	r->envc = 0;
	ST_EQ(mcall(MEMOP_EXEC, r, sizeof(*r) + 14, s.rep, sizeof(*s.rep) + 8), -EMSGSIZE);
	kfree(r);

	ST_OK(st_stats(&after));
	ST_EQ(after.nr_processes, before.nr_processes);
	ST_EQ(after.nr_backing_pages, before.nr_backing_pages);
	ST_EQ(st_exit(104), -ESRCH);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_exec_replace)
{
	struct mp_stats_reply before, mid, after;
	struct st_bufs s;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_stats(&before));
	ST_OK(st_exec_simple(105, "/bin/tiny", s.rep));
	ST_OK(st_wb_check(105, 0x404000, 1, s.a, s.b));
	ST_OK(st_stats(&mid));
	ST_EQ(mid.nr_processes, before.nr_processes + 1);
	ST_OK(st_exec_simple(105, "/bin/tinypie", s.rep));
	ST_OK(st_stats(&after));
	ST_EQ(after.nr_processes, before.nr_processes + 1);
	/* The old space is gone: its pages and its VMAs. */
	ST_EQ(st_miss(105, 0x404000, false, NULL, NULL), -EFAULT);
	ST_EQ(after.nr_backing_pages, before.nr_backing_pages +
	      (MM_STACK_TOP - ALIGN_DOWN(s.rep->sp, PG)) / PG);
	ST_EQ(st_exit(105), 0);
	ST_OK(st_stats(&after));
	ST_EQ(after.nr_processes, before.nr_processes);
	ST_EQ(after.nr_backing_pages, before.nr_backing_pages);
	st_bufs_put(&s);
	return 0;
}

/* ---------------------------------------------------- misses and pages -- */

SELFTEST(memory_miss_writeback)
{
	const struct mfile *tiny = st_file("/bin/tiny");
	struct mp_stats_reply a0, a1;
	struct st_bufs s;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(106, "/bin/tiny", s.rep));
	ST_OK(st_stats(&a0));
	ST_EQ(st_miss(106, 0x404000, false, NULL, NULL), 0);
	ST_OK(st_wb_check(106, 0x404000, 2, s.a, s.b));
	ST_OK(st_wb_check(106, 0x404000, 3, s.a, s.b));	/* again */
	ST_OK(st_wb_check(106, 0x403000, 4, s.a, s.b));	/* file page */
	/* A page M never saw is not zero-filled when it has file bytes. */
	ST_EQ(st_miss(106, 0x402000, false, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, tiny->data + 0x2000, 0x34));
	/* Written while writable, flushed after mprotect: still taken. */
	ST_OK(st_wb_check(106, 0x401000, 5, s.a, s.b));
	ST_OK(st_stats(&a1));
	ST_EQ(a1.nr_backing_pages, a0.nr_backing_pages + 3);
	ST_EQ(st_wb(106, 0x10000000, s.a), -EFAULT);
	ST_EQ(st_wb(106, 0x404001, s.a), -EINVAL);
	ST_EQ(st_wb(106, 0xfffffffffffff000ULL, s.a), -EFAULT);
	ST_EQ(st_wb(999, 0x404000, s.a), -ESRCH);
	ST_EQ(st_range(MEMOP_MPROTECT, 106, 0x404000, PG, 0), 0);
	ST_EQ(st_miss(106, 0x404000, false, NULL, NULL), -EFAULT);
	ST_EQ(st_exit(106), 0);
	st_bufs_put(&s);
	return 0;
}

static int st_fork(u32 parent, u32 child)
{
	struct mp_fork_req r = { .parent = parent, .child = child };

	return mcall(MEMOP_FORK, &r, sizeof(r), NULL, 0);
}

/*
 * MEMOP_FORK: the child sees the parent's pages, frames are shared until
 * either side writes one back, each side then keeps its own data, and
 * the last space to go frees a shared frame.
 */
SELFTEST(memory_fork)
{
	struct mp_stats_reply s0, s1, s2, s3;
	struct st_bufs s;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_stats(&s0));
	ST_OK(st_exec_simple(150, "/bin/tiny", s.rep));
	ST_OK(st_wb_check(150, 0x404000, 1, s.a, s.b));
	ST_OK(st_wb_check(150, 0x403000, 2, s.a, s.b));
	ST_OK(st_stats(&s1));
	ST_OK(st_fork(150, 151));
	ST_OK(st_stats(&s2));
	ST_EQ(s2.nr_backing_pages, s1.nr_backing_pages);	/* shared */
	ST_EQ(s2.nr_processes, s1.nr_processes + 1);
	ST_OK(st_has(151, 0x404000, 1, s.a, s.b));
	ST_OK(st_has(151, 0x403000, 2, s.a, s.b));
	/* The child writes: a copy for it, the parent keeps its data. */
	ST_OK(st_wb_check(151, 0x404000, 3, s.a, s.b));
	ST_OK(st_has(150, 0x404000, 1, s.a, s.b));
	/* The parent writes the other page: the child keeps the old one. */
	ST_OK(st_wb_check(150, 0x403000, 4, s.a, s.b));
	ST_OK(st_has(151, 0x403000, 2, s.a, s.b));
	ST_OK(st_stats(&s3));
	ST_EQ(s3.nr_backing_pages, s1.nr_backing_pages + 2);
	/* A page M never saw stays a zero fill for both. */
	ST_EQ(st_miss(151, 0x405000, false, NULL, NULL), 0);
	/* Bad requests. */
	ST_EQ(st_fork(150, 151), -EEXIST);
	ST_EQ(st_fork(150, 150), -EINVAL);
	ST_EQ(st_fork(999, 152), -ESRCH);
	ST_EQ(st_exit(152), -ESRCH);
	/* Parent first: the child's shared frames survive it. */
	ST_EQ(st_exit(150), 0);
	ST_OK(st_has(151, 0x403000, 2, s.a, s.b));
	ST_OK(st_fork(151, 153));
	ST_EQ(st_exit(151), 0);
	ST_OK(st_has(153, 0x404000, 3, s.a, s.b));
	ST_EQ(st_exit(153), 0);
	ST_OK(st_stats(&s3));
	ST_EQ(s3.nr_backing_pages, s0.nr_backing_pages);
	ST_EQ(s3.nr_processes, s0.nr_processes);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_piggyback)
{
	size_t len = sizeof(struct mp_miss_req) + sizeof(struct mp_wb_hdr) + PG;
	struct mp_miss_req *r;
	struct mp_wb_hdr *wb;
	struct mp_miss_reply *rep;
	struct st_bufs s;

	ST_NEED_ARCHIVE();
	r = kzalloc(len, GFP_KERNEL);
	rep = kmalloc(sizeof(*rep) + PG, GFP_KERNEL);
	ST_ASSERT(r && rep);
	wb = (void *)(r + 1);
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(107, "/bin/tiny", s.rep));
	r->tgid = 107;
	r->flags = MP_MISS_WRITE | MP_MISS_WB_PIGGYBACK;
	r->addr = 0x405000;
	wb->tgid = 107;
	wb->addr = 0x404000;
	st_pattern((u8 *)(wb + 1), 8);
	ST_EQ(mcall(MEMOP_MISS, r, len, rep, sizeof(*rep) + PG), sizeof(*rep));
	ST_EQ(rep->fill, MP_FILL_ZERO);
	ST_EQ(rep->prot, RW);
	ST_OK(st_has(107, 0x404000, 8, s.a, s.b));
	/* The victim is the page that missed: its new contents come back. */
	r->addr = 0x404010;
	st_pattern((u8 *)(wb + 1), 9);
	ST_EQ(mcall(MEMOP_MISS, r, len, rep, sizeof(*rep) + PG), sizeof(*rep) + PG);
	st_pattern(s.a, 9);
	ST_ASSERT(!memcmp(rep + 1, s.a, PG));
	/* A stale victim (unmapped since) does not fail the miss. */
	wb->addr = 0x10000000;
	ST_EQ(mcall(MEMOP_MISS, r, len, rep, sizeof(*rep) + PG), sizeof(*rep) + PG);
	wb->addr = 0x404001;
	ST_EQ(mcall(MEMOP_MISS, r, len, rep, sizeof(*rep) + PG), -EINVAL);
	ST_EQ(mcall(MEMOP_MISS, r, len - 1, rep, sizeof(*rep) + PG), -EINVAL);
	ST_EQ(mcall(MEMOP_MISS, r, sizeof(*r), rep, sizeof(*rep) + PG), -EINVAL);
	ST_EQ(st_exit(107), 0);
	st_bufs_put(&s);
	kfree(r);
	kfree(rep);
	return 0;
}

/* ---------------------------------------------------------------- mmap -- */

SELFTEST(memory_mmap)
{
	struct st_bufs s;
	struct mp_vma v;
	s64 a1, a2, a3;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(108, "/bin/tiny", s.rep));
	a1 = st_mmap(108, 0, 3 * PG, RW, MAP_ANON_PRIV, 0, 0, &v);
	ST_OK(a1);
	ST_ASSERT(IS_ALIGNED(a1, PG) && a1 + 3 * PG <= MM_MMAP_BASE);
	ST_EQ(a1, MM_MMAP_BASE - 3 * PG);
	ST_EQ(v.start, a1);
	ST_EQ(v.end, a1 + 3 * PG);
	ST_EQ(v.prot, RW);
	ST_EQ(v.flags, MP_VMA_ANON);
	/* Top-down: the next one ends where the first begins. */
	a2 = st_mmap(108, 0, 5000, MP_PROT_READ, MAP_SHARED | MAP_ANONYMOUS, 0, 0, &v);
	ST_EQ(a2, a1 - 2 * PG);
	ST_EQ(v.flags, MP_VMA_ANON | MP_VMA_SHARED);
	ST_EQ(v.prot, MP_PROT_READ);
	/* A free hint is taken, rounded down; a busy one is not. */
	ST_EQ(st_mmap(108, 0x20000123, PG, RW, MAP_ANON_PRIV, 0, 0, NULL), 0x20000000);
	a3 = st_mmap(108, 0x20000000, PG, RW, MAP_ANON_PRIV, 0, 0, NULL);
	ST_ASSERT(a3 != 0x20000000 && a3 > 0);
	/* MAP_FIXED replaces, and the old pages go. */
	ST_OK(st_wb_check(108, a1, 10, s.a, s.b));
	ST_EQ(st_mmap(108, a1, PG, MP_PROT_READ, MAP_ANON_PRIV | MAP_FIXED, 0, 0, &v), a1);
	ST_EQ(v.end, a1 + PG);
	ST_EQ(st_miss(108, a1, false, NULL, NULL), 0);
	ST_EQ(st_miss(108, a1, true, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(108, a1 + PG, true, NULL, NULL), 0);
	ST_EQ(st_mmap(108, a1, PG, RW, MAP_ANON_PRIV | MAP_FIXED_NOREPLACE, 0, 0, NULL), -EEXIST);
	ST_EQ(st_mmap(108, a1, PG, RW,
		      MAP_ANON_PRIV | MAP_FIXED | MAP_FIXED_NOREPLACE, 0, 0,
		      NULL), -EEXIST);
	ST_EQ(st_mmap(108, 0x30000000, PG, RW,
		      MAP_ANON_PRIV | MAP_FIXED_NOREPLACE, 0, 0, NULL), 0x30000000);
	/* Linux's errors. */
	ST_EQ(st_mmap(108, a1 + 1, PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), -EINVAL);
	ST_EQ(st_mmap(108, 0, 0, RW, MAP_ANON_PRIV, 0, 0, NULL), -EINVAL);
	ST_EQ(st_mmap(108, 0, 1ULL << 62, RW, MAP_ANON_PRIV, 0, 0, NULL), -ENOMEM);
	ST_EQ(st_mmap(108, 0, -1ULL, RW, MAP_ANON_PRIV, 0, 0, NULL), -ENOMEM);
	ST_EQ(st_mmap(108, 0, PG, RW, MAP_ANONYMOUS, 0, 0, NULL), -EINVAL);
	ST_EQ(st_mmap(108, 0, PG, RW, MAP_ANON_PRIV, 0, 100, NULL), -EINVAL);
	ST_EQ(st_mmap(108, 0x1000, PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), -EPERM);
	ST_EQ(st_mmap(108, MM_TASK_SIZE - PG, 2 * PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), -ENOMEM);
	ST_EQ(st_mmap(108, 0, PG, RW,
		      MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x8000000, 0, 0,
		      NULL), -EOPNOTSUPP);
	ST_EQ(st_mmap(108, 0, PG, RW, MAP_PRIVATE, 12345, 0, NULL), -EBADF);
	ST_EQ(st_mmap(999, 0, PG, RW, MAP_ANON_PRIV, 0, 0, NULL), -ESRCH);
	ST_EQ(st_exit(108), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_mmap_file)
{
	const struct mfile *bb = st_file("/bin/busybox");
	struct st_bufs s;
	struct mp_vma v;
	s64 h, hh, hd, a;

	ST_NEED_ARCHIVE();
	ST_ASSERT(bb);
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(109, "/bin/tiny", s.rep));
	h = st_open("/bin/busybox", 0, NULL);
	hh = st_open("/etc/hello.txt", 0, NULL);
	hd = st_open("/etc", 0, NULL);
	ST_OK(h);
	ST_OK(hh);
	ST_OK(hd);
	a = st_mmap(109, 0, 3 * PG, MP_PROT_READ, MAP_PRIVATE, h, 2 * PG, &v);
	ST_OK(a);
	ST_EQ(v.flags, MP_VMA_FILE);
	ST_EQ(st_miss(109, a + PG, false, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, bb->data + 3 * PG, PG));
	/* Private: a written-back copy does not touch the file. */
	ST_OK(st_range(MEMOP_MPROTECT, 109, a, 3 * PG, RW));
	ST_OK(st_wb_check(109, a + PG, 11, s.a, s.b));
	ST_EQ(st_miss(109, a + 2 * PG, true, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, bb->data + 4 * PG, PG));
	/* Growing a file mapping in place shows more of the file. */
	ST_EQ(st_mmap(109, 0x70000000, PG, MP_PROT_READ, MAP_PRIVATE | MAP_FIXED, h, 0, NULL), 0x70000000);
	ST_EQ(st_mremap(109, 0x70000000, PG, 2 * PG, 0, 0, NULL), 0x70000000);
	ST_EQ(st_miss(109, 0x70000000 + PG, false, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, bb->data + PG, PG));
	/* Past the end of the file: zeros. */
	a = st_mmap(109, 0, 2 * PG, MP_PROT_READ, MAP_PRIVATE, hh, 0, NULL);
	ST_OK(a);
	ST_EQ(st_miss(109, a, false, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, "hello from the archive\n", 23));
	ST_ASSERT(!memchr_inv(s.a + 23, 0, PG - 23));
	ST_EQ(st_miss(109, a + PG, false, NULL, NULL), 0);
	/* Mapped file pages survive the handle's close. */
	ST_EQ(st_close(hh), 0);
	ST_EQ(st_miss(109, a, false, s.a, NULL), 1);
	/* Errors. */
	ST_EQ(st_mmap(109, 0, PG, MP_PROT_READ, MAP_PRIVATE, hh, 0, NULL), -EBADF);
	ST_EQ(st_mmap(109, 0, PG, MP_PROT_READ, MAP_PRIVATE, hd, 0, NULL), -ENODEV);
	ST_EQ(st_mmap(109, 0, PG, RW, MAP_SHARED, h, 0, NULL), -EACCES);
	ST_EQ(st_mmap(109, 0, PG, MP_PROT_READ, MAP_PRIVATE, h, 1 + PG, NULL), -EINVAL);
	a = st_mmap(109, 0, PG, MP_PROT_READ, MAP_SHARED, h, 0, &v);
	ST_OK(a);
	ST_EQ(st_range(MEMOP_MPROTECT, 109, a, PG, RW), -EACCES);
	ST_EQ(st_close(h), 0);
	ST_EQ(st_close(hd), 0);
	ST_EQ(st_exit(109), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_munmap)
{
	struct mp_stats_reply a0, a1;
	struct st_bufs s;
	s64 a;
	int i;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(110, "/bin/tiny", s.rep));
	a = st_mmap(110, 0, 4 * PG, RW, MAP_ANON_PRIV, 0, 0, NULL);
	ST_OK(a);
	for (i = 0; i < 4; i++)
		ST_OK(st_wb_check(110, a + i * PG, 20 + i, s.a, s.b));
	ST_OK(st_stats(&a0));
	ST_EQ(st_range(MEMOP_MUNMAP, 110, a + PG, 2 * PG - 100, 0), 0);
	ST_OK(st_stats(&a1));
	ST_EQ(a1.nr_backing_pages, a0.nr_backing_pages - 2);
	ST_OK(st_has(110, a, 20, s.a, s.b));
	ST_OK(st_has(110, a + 3 * PG, 23, s.a, s.b));
	ST_EQ(st_miss(110, a + PG, false, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(110, a + 2 * PG, false, NULL, NULL), -EFAULT);
	/* The hole can be mapped again, fresh. */
	ST_EQ(st_mmap(110, a + PG, PG, RW, MAP_ANON_PRIV | MAP_FIXED_NOREPLACE, 0, 0, NULL), a + PG);
	ST_EQ(st_miss(110, a + PG, false, NULL, NULL), 0);
	/* Unmapping across several VMAs and holes. */
	ST_EQ(st_range(MEMOP_MUNMAP, 110, a - 8 * PG, 16 * PG, 0), 0);
	ST_EQ(st_miss(110, a + 3 * PG, false, NULL, NULL), -EFAULT);
	ST_EQ(st_range(MEMOP_MUNMAP, 110, 0x50000000, PG, 0), 0);	/* nothing there */
	ST_EQ(st_range(MEMOP_MUNMAP, 110, a + 1, PG, 0), -EINVAL);
	ST_EQ(st_range(MEMOP_MUNMAP, 110, a, 0, 0), -EINVAL);
	ST_EQ(st_range(MEMOP_MUNMAP, 110, a, -1ULL, 0), -EINVAL);
	ST_EQ(st_range(MEMOP_MUNMAP, 110, MM_TASK_SIZE - PG, 2 * PG, 0), -EINVAL);
	ST_EQ(st_range(MEMOP_MUNMAP, 999, a, PG, 0), -ESRCH);
	/* Unmapping the text page: misses there fault now. */
	ST_EQ(st_range(MEMOP_MUNMAP, 110, 0x401000, PG, 0), 0);
	ST_EQ(st_miss(110, 0x401000, false, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(110, 0x402000, false, NULL, NULL), 1);
	ST_OK(st_stats(&a1));
	ST_EQ(st_exit(110), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_mprotect)
{
	struct st_bufs s;
	u32 prot;
	s64 a;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(111, "/bin/tiny", s.rep));
	a = st_mmap(111, 0x40000000, 3 * PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL);
	ST_EQ(a, 0x40000000);
	ST_OK(st_wb_check(111, a + PG, 30, s.a, s.b));
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a + PG, PG, MP_PROT_READ), 0);
	ST_EQ(st_miss(111, a + PG, true, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(111, a + PG, false, s.b, &prot), 1);
	ST_EQ(prot, MP_PROT_READ);
	ST_EQ(st_miss(111, a, true, NULL, &prot), 0);
	ST_EQ(prot, RW);
	ST_EQ(st_miss(111, a + 2 * PG, true, NULL, NULL), 0);
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a + 2 * PG, 1, 0), 0);
	ST_EQ(st_miss(111, a + 2 * PG, false, NULL, NULL), -EFAULT);
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a, 3 * PG, RW | MP_PROT_EXEC), 0);
	ST_EQ(st_miss(111, a + 2 * PG, true, NULL, &prot), 0);
	ST_EQ(prot, RW | MP_PROT_EXEC);
	ST_OK(st_has(111, a + PG, 30, s.a, s.b));
	/* A hole, bad arguments. */
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a, 4 * PG, MP_PROT_READ), -ENOMEM);
	ST_EQ(st_range(MEMOP_MPROTECT, 111, 0x60000000, PG, MP_PROT_READ), -ENOMEM);
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a + 1, PG, MP_PROT_READ), -EINVAL);
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a, PG, 0x40), -EINVAL);
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a, 0, MP_PROT_READ), 0);
	ST_EQ(st_range(MEMOP_MPROTECT, 111, a, -1ULL, MP_PROT_READ), -ENOMEM);
	ST_EQ(st_range(MEMOP_MPROTECT, 999, a, PG, MP_PROT_READ), -ESRCH);
	ST_EQ(st_exit(111), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_brk)
{
	struct st_bufs s;
	u64 b0;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(112, "/bin/tiny", s.rep));
	b0 = s.rep->brk;
	ST_EQ(st_brk(112, 0), b0);
	ST_EQ(st_miss(112, b0, false, NULL, NULL), -EFAULT);
	ST_EQ(st_brk(112, b0 + 3 * PG + 5), b0 + 3 * PG + 5);
	ST_EQ(st_miss(112, b0, true, NULL, NULL), 0);
	ST_EQ(st_miss(112, b0 + 3 * PG, true, NULL, NULL), 0);
	ST_EQ(st_miss(112, b0 + 4 * PG, true, NULL, NULL), -EFAULT);
	ST_OK(st_wb_check(112, b0 + 3 * PG, 40, s.a, s.b));
	ST_OK(st_wb_check(112, b0, 41, s.a, s.b));
	/* Grows the same VMA. */
	ST_EQ(st_brk(112, b0 + 6 * PG), b0 + 6 * PG);
	ST_OK(st_has(112, b0 + 3 * PG, 40, s.a, s.b));
	/* Shrinking frees; growing again gives zeros. */
	ST_EQ(st_brk(112, b0 + PG), b0 + PG);
	ST_EQ(st_miss(112, b0 + 3 * PG, false, NULL, NULL), -EFAULT);
	ST_EQ(st_brk(112, b0 + 4 * PG), b0 + 4 * PG);
	ST_EQ(st_miss(112, b0 + 3 * PG, false, NULL, NULL), 0);
	ST_OK(st_has(112, b0, 41, s.a, s.b));
	/* Never below the initial break; never over a mapping. */
	ST_EQ(st_brk(112, b0 - PG), b0 + 4 * PG);
	ST_EQ(st_brk(112, 0x1000), b0 + 4 * PG);
	ST_EQ(st_mmap(112, b0 + 10 * PG, PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), b0 + 10 * PG);
	ST_EQ(st_brk(112, b0 + 10 * PG), b0 + 4 * PG);
	ST_EQ(st_brk(112, b0 + 12 * PG), b0 + 4 * PG);
	ST_EQ(st_brk(112, b0 + 9 * PG), b0 + 9 * PG);	/* a page of gap */
	ST_EQ(st_brk(112, -1ULL), b0 + 9 * PG);
	ST_EQ(st_brk(112, MM_TASK_SIZE + PG), b0 + 9 * PG);
	ST_EQ(st_brk(112, b0), b0);
	ST_EQ(st_miss(112, b0, false, NULL, NULL), -EFAULT);
	ST_EQ(st_brk(999, b0), -ESRCH);
	ST_EQ(st_exit(112), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_mremap)
{
	const u64 base = 0x10000000;
	struct st_bufs s;
	struct mp_vma v;
	s64 a;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(113, "/bin/tiny", s.rep));
	ST_EQ(st_mmap(113, base, 2 * PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), base);
	ST_OK(st_wb_check(113, base, 50, s.a, s.b));
	ST_OK(st_wb_check(113, base + PG, 51, s.a, s.b));
	/* Grow in place. */
	ST_EQ(st_mremap(113, base, 2 * PG, 4 * PG, 0, 0, &v), base);
	ST_EQ(v.start, base);
	ST_EQ(v.end, base + 4 * PG);
	ST_EQ(st_miss(113, base + 3 * PG, true, NULL, NULL), 0);
	/* Blocked above: -ENOMEM unless it may move. */
	ST_EQ(st_mmap(113, base + 4 * PG, PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), base + 4 * PG);
	ST_EQ(st_mremap(113, base, 4 * PG, 6 * PG, 0, 0, NULL), -ENOMEM);
	a = st_mremap(113, base, 4 * PG, 6 * PG, 1, 0, &v);
	ST_OK(a);
	ST_ASSERT(a != base);
	ST_EQ(v.start, a);
	ST_EQ(v.end, a + 6 * PG);
	ST_EQ(v.prot, RW);
	ST_OK(st_has(113, a, 50, s.a, s.b));
	ST_OK(st_has(113, a + PG, 51, s.a, s.b));
	ST_EQ(st_miss(113, a + 5 * PG, false, NULL, NULL), 0);
	ST_EQ(st_miss(113, base, false, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(113, base + 4 * PG, false, NULL, NULL), 0);
	/* Shrink. */
	ST_EQ(st_mremap(113, a, 6 * PG, PG, 0, 0, &v), a);
	ST_EQ(v.end, a + PG);
	ST_EQ(st_miss(113, a + PG, false, NULL, NULL), -EFAULT);
	ST_OK(st_has(113, a, 50, s.a, s.b));
	/* MREMAP_FIXED moves to the address given. */
	ST_EQ(st_mremap(113, a, PG, 2 * PG, 3, 0x20000000, &v), 0x20000000);
	ST_OK(st_has(113, 0x20000000, 50, s.a, s.b));
	ST_EQ(st_miss(113, a, false, NULL, NULL), -EFAULT);
	/* Errors. */
	ST_EQ(st_mremap(113, 0x20000000, PG, 2 * PG, 2, 0x30000000, NULL), -EINVAL);
	ST_EQ(st_mremap(113, 0x20000000, PG, 2 * PG, 3, 0x1ffff000, NULL), -EINVAL);
	ST_EQ(st_mremap(113, 0x20000000, PG, 2 * PG, 3, 0x30000001, NULL), -EINVAL);
	ST_EQ(st_mremap(113, 0x20000001, PG, 2 * PG, 1, 0, NULL), -EINVAL);
	ST_EQ(st_mremap(113, 0x20000000, PG, 0, 1, 0, NULL), -EINVAL);
	ST_EQ(st_mremap(113, 0x20000000, PG, PG, 0x80, 0, NULL), -EINVAL);
	ST_EQ(st_mremap(113, 0x50000000, PG, 2 * PG, 1, 0, NULL), -EFAULT);
	ST_EQ(st_mremap(113, 0x20000000, 8 * PG, 9 * PG, 1, 0, NULL), -EFAULT);
	ST_EQ(st_mremap(113, 0x20000000, PG, 1ULL << 62, 1, 0, NULL), -EINVAL);
	ST_EQ(st_mremap(999, 0x20000000, PG, PG, 0, 0, NULL), -ESRCH);
	ST_EQ(st_exit(113), 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_madvise)
{
	const struct mfile *bb = st_file("/bin/busybox");
	struct mp_stats_reply a0, a1;
	struct st_bufs s;
	s64 a, h;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_exec_simple(114, "/bin/tiny", s.rep));
	a = st_mmap(114, 0, 2 * PG, RW, MAP_ANON_PRIV, 0, 0, NULL);
	ST_OK(a);
	ST_OK(st_wb_check(114, a, 60, s.a, s.b));
	ST_OK(st_wb_check(114, a + PG, 61, s.a, s.b));
	ST_OK(st_stats(&a0));
	ST_EQ(st_range(MEMOP_MADVISE, 114, a, 2 * PG, 4), 0);	/* DONTNEED */
	ST_OK(st_stats(&a1));
	ST_EQ(a1.nr_backing_pages, a0.nr_backing_pages - 2);
	ST_EQ(st_miss(114, a, false, NULL, NULL), 0);
	ST_EQ(st_miss(114, a + PG, false, NULL, NULL), 0);
	/* A private file page goes back to the file's bytes. */
	h = st_open("/bin/busybox", 0, NULL);
	ST_OK(h);
	a = st_mmap(114, 0, PG, RW, MAP_PRIVATE, h, 0, NULL);
	ST_OK(a);
	ST_OK(st_wb_check(114, a, 62, s.a, s.b));
	ST_EQ(st_range(MEMOP_MADVISE, 114, a, PG, 4), 0);
	ST_EQ(st_miss(114, a, false, s.a, NULL), 1);
	ST_ASSERT(!memcmp(s.a, bb->data, PG));
	ST_EQ(st_close(h), 0);
	/* Other advice is accepted and changes nothing. */
	ST_OK(st_wb_check(114, a, 63, s.a, s.b));
	ST_EQ(st_range(MEMOP_MADVISE, 114, a, PG, 3), 0);	/* WILLNEED */
	ST_OK(st_has(114, a, 63, s.a, s.b));
	ST_EQ(st_range(MEMOP_MADVISE, 114, a, PG, 999), -EINVAL);
	ST_EQ(st_range(MEMOP_MADVISE, 114, a + 1, PG, 4), -EINVAL);
	ST_EQ(st_range(MEMOP_MADVISE, 114, 0x50000000, PG, 4), -ENOMEM);
	ST_EQ(st_range(MEMOP_MADVISE, 114, a, 0, 4), 0);
	ST_EQ(st_range(MEMOP_MADVISE, 999, a, PG, 4), -ESRCH);
	ST_EQ(st_exit(114), 0);
	st_bufs_put(&s);
	return 0;
}

/* ---------------------------------------------------------- robustness -- */

SELFTEST(memory_malformed)
{
	static const u16 with_tgid[] = { MEMOP_EXIT, MEMOP_MMAP, MEMOP_MUNMAP,
		MEMOP_BRK, MEMOP_MREMAP, MEMOP_MPROTECT, MEMOP_MADVISE };
	struct mp_stats_reply before, after;
	u8 *req, *rep;
	u32 x = 12345, i, len;
	u16 op;
	int ret;

	ST_NEED_ARCHIVE();
	req = kzalloc(8192, GFP_KERNEL);
	rep = kmalloc(65536, GFP_KERNEL);
	ST_ASSERT(req && rep);
	ST_OK(st_stats(&before));
	/* Short payloads: every opcode that takes one says -EINVAL. */
	for (op = MEMOP_EXEC; op < MEMOP_LAST; op++) {
		if (op == MEMOP_STATS)
			continue;
		ret = mcall(op, req, 3, rep, 65536);
		if (ret != -EINVAL)
			return selftest_fail("opcode %#x with 3 bytes: %d", op, ret);
	}
	/* Unknown processes. */
	for (i = 0; i < ARRAY_SIZE(with_tgid); i++) {
		static const size_t sz[] = { sizeof(struct mp_exit_req),
			sizeof(struct mp_mmap_req), sizeof(struct mp_range_req),
			sizeof(struct mp_brk_req), sizeof(struct mp_mremap_req),
			sizeof(struct mp_range_req), sizeof(struct mp_range_req) };

		memset(req, 0, 64);
		*(u32 *)req = 0xfffffff0;
		((struct mp_range_req *)req)->len = PG;
		ret = mcall(with_tgid[i], req, sz[i], rep, 65536);
		if (ret != -ESRCH)
			return selftest_fail("opcode %#x, unknown tgid: %d",
					     with_tgid[i], ret);
	}
	ST_EQ(st_miss(0xfffffff0, 0x400000, false, NULL, NULL), -ESRCH);
	/* Wild addresses on a live process. */
	ST_OK(st_exec_simple(115, "/bin/tiny", (void *)rep));
	ST_EQ(st_miss(115, 0xffff800000000000ULL, false, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(115, -1ULL, true, NULL, NULL), -EFAULT);
	ST_EQ(st_miss(115, 0, false, NULL, NULL), -EFAULT);
	/* Unknown miss flags, short reply buffer. */
	((struct mp_miss_req *)req)->tgid = 115;
	((struct mp_miss_req *)req)->flags = 0x80;
	((struct mp_miss_req *)req)->addr = 0x401000;
	ST_EQ(mcall(MEMOP_MISS, req, sizeof(struct mp_miss_req), rep, 65536), -EINVAL);
	((struct mp_miss_req *)req)->flags = 0;
	ST_EQ(mcall(MEMOP_MISS, req, sizeof(struct mp_miss_req), rep, 100), -EMSGSIZE);
	/* Path lengths that disagree with the payload. */
	((struct mp_open_req *)req)->flags = 0;
	((struct mp_open_req *)req)->path_len = 100;
	memcpy(req + 8, "/etc/hello.txt", 14);
	ST_EQ(mcall(MEMOP_OPEN, req, 8 + 14, rep, 65536), -EINVAL);
	ST_EQ(mcall(MEMOP_STAT, req, 8 + 14, rep, 65536), -EINVAL);
	((struct mp_open_req *)req)->path_len = 0xffffffff;
	ST_EQ(mcall(MEMOP_OPEN, req, 8 + 14, rep, 65536), -EINVAL);

	/* Garbage of every size to every opcode: errors, never a crash. */
	for (i = 0; i < 3000; i++) {
		u32 j;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		op = MEMOP_EXEC + x % (MEMOP_LAST - MEMOP_EXEC);
		len = (x >> 8) % 96;
		if (i % 64 == 0)
			len = sizeof(struct mp_wb_hdr) + PG + sizeof(struct mp_miss_req);
		for (j = 0; j < len; j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			req[j] = x;
		}
		/* Half of them aimed at the live process. */
		if (i & 1 && len >= 4 && op != MEMOP_EXIT && op != MEMOP_EXEC)
			*(u32 *)req = 115;
		if (op == MEMOP_EXEC && len >= 4)
			*(u32 *)req = 116 + i;	/* never a real process's */
		if (op == MEMOP_FORK && len >= 8)
			((u32 *)req)[1] = 116 + i;	/* the child: likewise */
		mcall(op, req, len, rep, 65536);
	}
	ST_EQ(st_exit(115), 0);
	ST_OK(st_stats(&after));
	/* Stray execs (unlikely, but possible) are cleaned up. */
	for (i = 0; i < 3000 && after.nr_processes != before.nr_processes; i++)
		if (!st_exit(116 + i))
			ST_OK(st_stats(&after));
	ST_EQ(after.nr_processes, before.nr_processes);
	ST_EQ(after.nr_backing_pages, before.nr_backing_pages);
	kfree(req);
	kfree(rep);
	return 0;
}

/* Exec, use and exit two programs; M's memory is back where it was. */
static int st_workload(u32 tgid, u8 *a, u8 *b, struct mp_exec_reply *rep)
{
	s64 m;
	int i, ret;

	ret = st_exec_simple(tgid, "/bin/sh", rep);
	if (ret)
		return ret;
	ret = st_exec_simple(tgid + 1, "/bin/tiny", rep);
	if (ret)
		return ret;
	m = st_mmap(tgid, 0, 64 * PG, RW, MAP_ANON_PRIV, 0, 0, NULL);
	if (m < 0)
		return m;
	for (i = 0; i < 64; i++) {
		ret = st_wb_check(tgid, m + i * PG, i, a, b);
		if (ret)
			return ret;
	}
	ret = st_range(MEMOP_MPROTECT, tgid, m + 8 * PG, 8 * PG, MP_PROT_READ);
	if (ret)
		return ret;
	if (st_brk(tgid + 1, rep->brk + 32 * PG) != rep->brk + 32 * PG)
		return -ENOMEM;
	for (i = 0; i < 32; i++) {
		ret = st_wb(tgid + 1, rep->brk + i * PG, a);
		if (ret)
			return ret;
	}
	ret = st_exit(tgid);
	return ret ? ret : st_exit(tgid + 1);
}

SELFTEST(memory_exit_frees)
{
	struct mp_stats_reply s0, s1, s2;
	struct st_bufs s;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	/* Once to warm the slab caches up, then measured. */
	ST_OK(st_workload(120, s.a, s.b, s.rep));
	ST_OK(st_stats(&s0));
	ST_OK(st_workload(120, s.a, s.b, s.rep));
	ST_OK(st_stats(&s1));
	pr_info("memory_exit_frees: %llu free pages before, %llu after; %llu backing pages\n",
		s0.free_pages, s1.free_pages, s1.nr_backing_pages);
	ST_EQ(s1.free_pages, s0.free_pages);
	ST_EQ(s1.nr_backing_pages, s0.nr_backing_pages);
	ST_EQ(s1.nr_processes, s0.nr_processes);
	ST_EQ(st_exit(120), -ESRCH);
	/* While it runs, the pages are counted. */
	ST_OK(st_exec_simple(122, "/bin/tiny", s.rep));
	ST_OK(st_wb_check(122, 0x404000, 1, s.a, s.b));
	ST_OK(st_stats(&s2));
	ST_ASSERT(s2.nr_backing_pages >= s0.nr_backing_pages + 2);
	ST_ASSERT(s2.free_pages < s0.free_pages);
	ST_EQ(s2.nr_processes, s0.nr_processes + 1);
	ST_EQ(st_exit(122), 0);
	st_bufs_put(&s);
	return 0;
}

/* -------------------------------------------------------- node failure -- */

/* Misses on a process until it is gone; every answer is data or -ESRCH. */
static int st_gone_fn(void *arg)
{
	int *result = arg;
	int ret;

	do {
		ret = st_miss(141, 0x404000, false, NULL, NULL);
	} while (ret >= 0 && !kthread_should_stop());
	*result = ret == -ESRCH || ret >= 0 ? 0 : ret;
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/*
 * A processor node is gone: every process and handle of it goes, those
 * of other nodes stay; a miss running meanwhile sees the process or
 * -ESRCH.  Then the same through FIT: the loopback peer (this node)
 * goes down and M's peer notifier forgets it.
 */
SELFTEST(memory_forget_node)
{
	u32 self = fit_self_id(), other = self + 1;
	struct mp_stats_reply s0, s1;
	struct mspace *ms, *foreign;
	struct task_struct *t;
	struct st_bufs s;
	s64 h[3];
	int i, miss_result = -1;
	u8 page[64];

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_stats(&s0));
	/* Another node's process, straight into the table. */
	foreign = space_alloc(other, 140);
	ST_ASSERT(foreign);
	ST_ASSERT(!space_publish(foreign));

	ST_OK(st_exec_simple(140, "/bin/tiny", s.rep));
	ST_OK(st_exec_simple(141, "/bin/tiny", s.rep));
	ST_OK(st_wb_check(140, 0x404000, 1, s.a, s.b));
	ST_OK(st_wb_check(141, 0x404000, 2, s.a, s.b));
	for (i = 0; i < 3; i++) {
		h[i] = st_open("/etc/hello.txt", 0, NULL);
		ST_OK(h[i]);
	}
	ST_OK(st_stats(&s1));
	ST_EQ(s1.nr_processes, s0.nr_processes + 3);
	ST_ASSERT(s1.nr_backing_pages >= s0.nr_backing_pages + 2);

	t = kthread_run(st_gone_fn, &miss_result, "memgone");
	ST_ASSERT(!IS_ERR(t));
	msleep(20);
	ST_EQ(memory_forget_node(self), 2);
	kthread_stop(t);
	ST_EQ(miss_result, 0);

	ST_OK(st_stats(&s1));
	ST_EQ(s1.nr_processes, s0.nr_processes + 1);
	ST_EQ(s1.nr_backing_pages, s0.nr_backing_pages);
	ST_EQ(st_exit(140), -ESRCH);
	ST_EQ(st_miss(141, 0x404000, false, NULL, NULL), -ESRCH);
	for (i = 0; i < 3; i++)
		ST_EQ(st_pread(h[i], 0, 4, page, sizeof(page)), -EBADF);
	/* The other node's process is untouched; nothing to do twice. */
	ms = space_get(other, 140);
	ST_ASSERT(ms == foreign);
	space_put(ms);
	ST_EQ(memory_forget_node(self), 0);

	/* Through FIT: the peer goes down, M's notifier forgets it. */
	ST_OK(st_exec_simple(142, "/bin/tiny", s.rep));
	ST_OK(st_wb_check(142, 0x404000, 3, s.a, s.b));
	ST_EQ(space_nr_processes(), s0.nr_processes + 2);
	fit_loopback_set_down();
	fit_flush_peer_notifiers();
	ST_EQ(fit_loopback_revive(), 0);
	ST_EQ(space_nr_processes(), s0.nr_processes + 1);
	ST_EQ(st_exit(142), -ESRCH);

	/* The other node's process goes when it does. */
	ST_EQ(memory_forget_node(other), 1);
	ST_OK(st_stats(&s1));
	ST_EQ(s1.nr_processes, s0.nr_processes);
	ST_EQ(s1.nr_backing_pages, s0.nr_backing_pages);
	st_bufs_put(&s);
	return 0;
}

/* ---------------------------------------------------------- concurrency -- */

#define ST_CONC_THREADS	4
#define ST_CONC_ROUNDS	150
#define ST_CONC_BASE	0x10000000ULL

struct st_conc {
	u32 tgid;
	unsigned int id;
	int result;
};

/* Write back and read back pages of its own, as a pcache under load would. */
static int st_conc_pages(struct st_conc *c)
{
	u8 *a = kmalloc(PG, GFP_KERNEL), *b = kmalloc(PG, GFP_KERNEL);
	unsigned int i;
	int ret = 0;

	if (!a || !b)
		ret = -ENOMEM;
	for (i = 0; !ret && i < ST_CONC_ROUNDS; i++) {
		u64 addr = ST_CONC_BASE + ((i % 16) * ST_CONC_THREADS + c->id) * PG;

		ret = st_wb_check(c->tgid, addr, c->id * 100000 + i, a, b);
	}
	kfree(a);
	kfree(b);
	return ret;
}

/* Meanwhile, change the address space elsewhere. */
static int st_conc_churn(struct st_conc *c)
{
	unsigned int i;
	s64 m;
	int ret = 0;

	for (i = 0; !ret && i < ST_CONC_ROUNDS; i++) {
		m = st_mmap(c->tgid, 0, (1 + i % 7) * PG, RW, MAP_ANON_PRIV, 0, 0, NULL);
		if (m < 0)
			return m;
		ret = st_range(MEMOP_MPROTECT, c->tgid, m, PG, MP_PROT_READ);
		if (!ret)
			ret = st_range(MEMOP_MUNMAP, c->tgid, m, (1 + i % 7) * PG, 0);
		if (!ret && st_brk(c->tgid, 0x406000 + (i % 9) * PG) !=
		    (s64)(0x406000 + (i % 9) * PG))
			ret = -ENOMEM;
	}
	return ret;
}

static int st_conc_fn(void *arg)
{
	struct st_conc *c = arg;

	c->result = c->id < ST_CONC_THREADS ? st_conc_pages(c) : st_conc_churn(c);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/* Misses until the process is gone: every answer is data or -ESRCH. */
static int st_race_fn(void *arg)
{
	struct st_conc *c = arg;
	int ret;

	do {
		ret = st_miss(c->tgid, ST_CONC_BASE, false, NULL, NULL);
	} while (ret >= 0 && !kthread_should_stop());
	c->result = ret == -ESRCH || ret >= 0 ? 0 : ret;
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static int st_run_threads(struct st_conc *c, unsigned int n,
			  int (*fn)(void *), u32 exit_tgid)
{
	struct task_struct *t[ST_CONC_THREADS + 1];
	unsigned int i;

	for (i = 0; i < n; i++) {
		t[i] = kthread_run(fn, &c[i], "memtest/%u", i);
		if (IS_ERR(t[i]))
			return PTR_ERR(t[i]);
	}
	if (exit_tgid) {
		msleep(20);
		st_exit(exit_tgid);
	}
	for (i = 0; i < n; i++)
		kthread_stop(t[i]);
	return 0;
}

SELFTEST(memory_concurrent)
{
	struct st_conc c[ST_CONC_THREADS + 1];
	struct mp_stats_reply s0, s1;
	struct st_bufs s;
	unsigned int i;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	ST_OK(st_stats(&s0));
	ST_OK(st_exec_simple(130, "/bin/tiny", s.rep));
	ST_EQ(st_mmap(130, ST_CONC_BASE, 16 * ST_CONC_THREADS * PG, RW,
		      MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), ST_CONC_BASE);
	for (i = 0; i <= ST_CONC_THREADS; i++)
		c[i] = (struct st_conc){ .tgid = 130, .id = i };
	ST_OK(st_run_threads(c, ST_CONC_THREADS + 1, st_conc_fn, 0));
	for (i = 0; i <= ST_CONC_THREADS; i++)
		if (c[i].result)
			return selftest_fail("thread %u: %d", i, c[i].result);
	ST_EQ(st_exit(130), 0);

	/* An exit while misses are in flight. */
	ST_OK(st_exec_simple(131, "/bin/tiny", s.rep));
	ST_EQ(st_mmap(131, ST_CONC_BASE, PG, RW, MAP_ANON_PRIV | MAP_FIXED, 0, 0, NULL), ST_CONC_BASE);
	ST_OK(st_wb_check(131, ST_CONC_BASE, 1, s.a, s.b));
	for (i = 0; i < ST_CONC_THREADS; i++)
		c[i] = (struct st_conc){ .tgid = 131, .id = i };
	ST_OK(st_run_threads(c, ST_CONC_THREADS, st_race_fn, 131));
	for (i = 0; i < ST_CONC_THREADS; i++)
		if (c[i].result)
			return selftest_fail("racing thread %u: %d", i, c[i].result);
	ST_EQ(st_exit(131), -ESRCH);
	ST_OK(st_stats(&s1));
	ST_EQ(s1.nr_processes, s0.nr_processes);
	ST_EQ(s1.nr_backing_pages, s0.nr_backing_pages);
	st_bufs_put(&s);
	return 0;
}

/* ---------------------------------------------------------- page cache -- */

#include <tessera/mutex.h>
#include <tessera/vmalloc.h>
#include "pagecache.h"

/*
 * A storage node in memory, standing in for S behind the page cache: a
 * few regular files by path, with counters and failures to inject.
 */
#define FAKE_FILES	6
#define FAKE_CAP	(512 * 1024)

static struct fake_s {
	struct mutex lock;
	struct {
		const char *path;
		u32 mode;
		u64 size;
		u8 *data;
	} f[FAKE_FILES];
	unsigned int nr;
	unsigned long reads, writes, fsyncs, pages_read;
	int fail;		/* every call: FIT's -EIO (dead S) */
	int fail_write;		/* WRITE only: S's refusal */
} fake;

static void fake_attr(unsigned int i, struct sp_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = i + 2;
	a->gen = 7;
	a->mode = fake.f[i].mode;
	a->nlink = 1;
	a->size = fake.f[i].size;
	a->blksize = 4096;
}

/* The file of handle h, or -ESTALE. */
static int fake_file(const struct sp_handle *h)
{
	if (h->ino < 2 || h->ino - 2 >= fake.nr || h->gen != 7)
		return -ESTALE;
	return h->ino - 2;
}

static ssize_t fake_call_locked(u16 op, const void *req, size_t len,
				void *reply, size_t max)
{
	const struct sp_io_req *io = req;
	int i;

	if (fake.fail)
		return fake.fail;
	/* As S: a call without a reply buffer is a one-way message. */
	if (!max)
		return -EINVAL;
	switch (op) {
	case SPOP_LOOKUP: {
		const struct sp_path_req *r = req;
		struct sp_handle_reply *rep = reply;

		for (i = 0; i < fake.nr; i++)
			if (strlen(fake.f[i].path) == r->path_len &&
			    !memcmp(fake.f[i].path, r + 1, r->path_len))
				break;
		if (i == fake.nr)
			return -ENOENT;
		fake_attr(i, &rep->attr);
		rep->h.ino = rep->attr.ino;
		rep->h.gen = rep->attr.gen;
		return sizeof(*rep);
	}
	case SPOP_GETATTR:
		i = fake_file(req);
		if (i < 0)
			return i;
		fake_attr(i, reply);
		return sizeof(struct sp_attr);
	case SPOP_SETATTR: {
		const struct sp_setattr_req *r = req;

		i = fake_file(&r->h);
		if (i < 0)
			return i;
		if (r->valid & SP_ATTR_SIZE) {
			if (r->size > FAKE_CAP)
				return -EFBIG;
			if (r->size > fake.f[i].size)
				memset(fake.f[i].data + fake.f[i].size, 0,
				       r->size - fake.f[i].size);
			fake.f[i].size = r->size;
		}
		fake_attr(i, reply);
		return sizeof(struct sp_attr);
	}
	case SPOP_READ:
		i = fake_file(&io->h);
		if (i < 0)
			return i;
		fake.reads++;
		if (io->offset >= fake.f[i].size)
			return 0;
		len = min((u64)io->len, fake.f[i].size - io->offset);
		fake.pages_read += DIV_ROUND_UP(len, PG);
		memcpy(reply, fake.f[i].data + io->offset, len);
		return len;
	case SPOP_WRITE: {
		struct sp_write_reply *rep = reply;

		i = fake_file(&io->h);
		if (i < 0)
			return i;
		if (fake.fail_write)
			return fake.fail_write;
		if (io->offset + io->len > FAKE_CAP)
			return -EFBIG;
		fake.writes++;
		if (io->offset > fake.f[i].size)
			memset(fake.f[i].data + fake.f[i].size, 0,
			       io->offset - fake.f[i].size);
		memcpy(fake.f[i].data + io->offset, io + 1, io->len);
		if (io->offset + io->len > fake.f[i].size)
			fake.f[i].size = io->offset + io->len;
		rep->offset = io->offset;
		rep->size = fake.f[i].size;
		rep->written = io->len;
		return sizeof(*rep);
	}
	case SPOP_FSYNC:
		fake.fsyncs++;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static ssize_t fake_call(u16 op, const void *req, size_t len, void *reply,
			 size_t max)
{
	ssize_t ret;

	mutex_lock(&fake.lock);
	ret = fake_call_locked(op, req, len, reply, max);
	mutex_unlock(&fake.lock);
	return ret;
}

/* Add a file of size bytes (the pattern seed page by page, or data). */
static int fake_add(const char *path, u32 mode, u64 size, u32 seed,
		    const void *data)
{
	unsigned int i = fake.nr;
	u64 off;

	if (i == FAKE_FILES || size > FAKE_CAP)
		return -ENOSPC;
	fake.f[i].data = vzalloc(FAKE_CAP);
	if (!fake.f[i].data)
		return -ENOMEM;
	fake.f[i].path = path;
	fake.f[i].mode = mode;
	fake.f[i].size = size;
	if (data) {
		memcpy(fake.f[i].data, data, size);
	} else {
		u8 *pg = kmalloc(PG, GFP_KERNEL);

		if (!pg)
			return -ENOMEM;
		for (off = 0; off < size; off += PG) {
			st_pattern(pg, seed + off / PG);
			memcpy(fake.f[i].data + off, pg, min((u64)PG, size - off));
		}
		kfree(pg);
	}
	fake.nr++;
	return i;
}

static void fake_start(void)
{
	memset(&fake, 0, sizeof(fake));
	mutex_init(&fake.lock);
	pagecache_set_backend(fake_call);
}

static void fake_stop(void)
{
	unsigned int i;

	pagecache_set_backend(NULL);
	for (i = 0; i < fake.nr; i++)
		vfree(fake.f[i].data);
	fake.nr = 0;
}

/* The file protocol, as a processor sends it to M. */
static int sp_lookup(const char *path, struct sp_handle *h, u64 *size)
{
	struct {
		struct sp_path_req r;
		char path[64];
	} req = { .r = { .path_len = strlen(path) } };
	struct sp_handle_reply rep;
	ssize_t n;

	memcpy(req.path, path, req.r.path_len);
	n = mcall(SPOP_LOOKUP, &req, sizeof(req.r) + req.r.path_len, &rep,
		  sizeof(rep));
	if (n < 0)
		return n;
	if (n != sizeof(rep))
		return -EPROTO;
	*h = rep.h;
	if (size)
		*size = rep.attr.size;
	return 0;
}

static ssize_t sp_read(struct sp_handle h, u64 off, u32 len, void *buf)
{
	struct sp_io_req r = { .h = h, .offset = off, .len = len };

	return mcall(SPOP_READ, &r, sizeof(r), buf, len);
}

static ssize_t sp_write(struct sp_handle h, u64 off, const void *buf,
			u32 len, u32 flags, struct sp_write_reply *rep)
{
	struct sp_io_req *r = kmalloc(sizeof(*r) + len, GFP_KERNEL);
	struct sp_write_reply tmp;
	ssize_t n;

	if (!r)
		return -ENOMEM;
	r->h = h;
	r->offset = off;
	r->len = len;
	r->flags = flags;
	memcpy(r + 1, buf, len);
	n = mcall(SPOP_WRITE, r, sizeof(*r) + len, rep ? rep : &tmp,
		  sizeof(tmp));
	kfree(r);
	if (n < 0)
		return n;
	return n == sizeof(tmp) ? (rep ? rep : &tmp)->written : -EPROTO;
}

static s64 sp_getattr_size(struct sp_handle h)
{
	struct sp_handle_req r = { .h = h };
	struct sp_attr a;
	ssize_t n = mcall(SPOP_GETATTR, &r, sizeof(r), &a, sizeof(a));

	if (n < 0)
		return n;
	return n == sizeof(a) ? (s64)a.size : -EPROTO;
}

static int sp_truncate(struct sp_handle h, u64 size)
{
	struct sp_setattr_req r = { .h = h, .valid = SP_ATTR_SIZE,
				    .size = size };
	struct sp_attr a;
	ssize_t n = mcall(SPOP_SETATTR, &r, sizeof(r), &a, sizeof(a));

	if (n < 0)
		return n;
	return n == sizeof(a) && a.size == size ? 0 : -EPROTO;
}

static int sp_fsync(struct sp_handle h, u32 flags)
{
	struct sp_handle_req r = { .h = h, .flags = flags };

	return mcall(SPOP_FSYNC, &r, sizeof(r), NULL, 0);
}

/*
 * Do bytes [off, off + len) of fake file i hold the patterns fake_add()
 * writes: page n has the pattern of seed + n?
 */
static bool fake_has(int i, u64 off, u64 len, u32 seed, u8 *pg)
{
	u64 p;

	for (p = off; p < off + len; p = ALIGN_DOWN(p, PG) + PG) {
		u64 in = p % PG, n = min(PG - in, off + len - p);

		st_pattern(pg, seed + p / PG);
		if (memcmp(fake.f[i].data + p, pg + in, n))
			return false;
	}
	return true;
}

SELFTEST(memory_pagecache_io)
{
	struct sp_handle h, hd, g, bad = { .ino = 99, .gen = 7 };
	struct sp_write_reply wr;
	unsigned long reads, ra;
	struct st_bufs s;
	u8 *big;
	int fi, gi, i;
	u64 off;

	ST_OK(st_bufs_get(&s));
	big = kmalloc(SP_IO_MAX, GFP_KERNEL);
	ST_ASSERT(big);
	fake_start();
	fi = fake_add("/f", 0100644, 100 * 1024, 1, NULL);
	ST_OK(fi);
	ST_OK(fake_add("/d", 0040755, 0, 0, NULL));
	ST_OK(sp_lookup("/f", &h, NULL));
	ST_OK(sp_lookup("/d", &hd, NULL));
	ST_EQ(sp_lookup("/nope", &h, NULL), -ENOENT);

	/* Sequential reads: S sees a few large reads, not one per page. */
	reads = fake.reads;
	ra = pc_stats.readahead;
	for (off = 0; off < 100 * 1024; off += PG) {
		ST_EQ(sp_read(h, off, PG, s.a), PG);
		st_pattern(s.b, 1 + off / PG);
		ST_ASSERT(!memcmp(s.a, s.b, PG));
	}
	ST_ASSERT(fake.reads - reads <= 5);
	ST_ASSERT(pc_stats.readahead - ra >= 20);
	/* Cached now: no more reads; a read across the end is short. */
	reads = fake.reads;
	ST_EQ(sp_read(h, 100 * 1024 - 100, 4000, big), 100);
	ST_EQ(sp_read(h, 200 * 1024, 4000, big), 0);
	ST_EQ(fake.reads, reads);

	/* A partial write of an uncached page reads it first... */
	gi = fake_add("/g", 0100644, 2 * PG, 50, NULL);
	ST_OK(gi);
	ST_OK(sp_lookup("/g", &g, NULL));
	reads = fake.reads;
	ST_EQ(sp_write(g, PG + 10, "0123456789", 10, 0, NULL), 10);
	ST_EQ(fake.reads, reads + 1);
	/* ... unless it is past the end of the file. */
	ST_EQ(sp_write(g, 3 * PG + 10, "0123456789", 10, 0, NULL), 10);
	ST_EQ(fake.reads, reads + 1);
	ST_OK(sp_fsync(g, 0));
	ST_EQ(fake.f[gi].size, 3 * PG + 20);
	ST_ASSERT(fake_has(gi, 0, PG + 10, 50, s.c));
	ST_ASSERT(!memcmp(fake.f[gi].data + PG + 10, "0123456789", 10));
	ST_ASSERT(fake_has(gi, PG + 20, PG - 20, 50, s.c));
	ST_ASSERT(!memchr_inv(fake.f[gi].data + 2 * PG, 0, PG + 10));
	ST_ASSERT(!memcmp(fake.f[gi].data + 3 * PG + 10, "0123456789", 10));

	ST_OK(sp_truncate(h, 100 * 1024));	/* same size: pages stay */
	reads = fake.reads;
	memset(big, 0xab, 10);
	ST_EQ(sp_write(h, 5000, big, 10, 0, &wr), 10);
	ST_EQ(fake.reads, reads);
	ST_EQ(wr.offset, 5000);
	ST_EQ(wr.size, 100 * 1024);
	/* Growing the file: S does not know yet, GETATTR says M's size. */
	st_pattern(s.a, 500);
	ST_EQ(sp_write(h, 200 * 1024, s.a, PG, 0, &wr), PG);
	ST_EQ(wr.size, 204 * 1024);
	ST_EQ(sp_getattr_size(h), 204 * 1024);
	ST_EQ(sp_read(h, 150 * 1024, PG, s.b), PG);
	ST_ASSERT(!memchr_inv(s.b, 0, PG));	/* the hole */
	ST_EQ(sp_read(h, 200 * 1024, PG, s.b), PG);
	ST_ASSERT(!memcmp(s.a, s.b, PG));
	/* O_APPEND goes to M's end of the file. */
	ST_EQ(sp_write(h, 0, "tail", 4, SP_APPEND, &wr), 4);
	ST_EQ(wr.offset, 204 * 1024);
	ST_EQ(wr.size, 204 * 1024 + 4);
	/* FSYNC: S has it all. */
	ST_OK(sp_fsync(h, 0));
	ST_EQ(fake.f[fi].size, 204 * 1024 + 4);
	ST_ASSERT(fake_has(fi, 0, 5000, 1, s.c));
	ST_ASSERT(!memchr_inv(fake.f[fi].data + 5000, 0xab, 10));
	ST_ASSERT(fake_has(fi, 5010, 100 * 1024 - 5010, 1, s.c));
	ST_ASSERT(!memchr_inv(fake.f[fi].data + 100 * 1024, 0, 100 * 1024));
	ST_ASSERT(!memcmp(fake.f[fi].data + 200 * 1024, s.a, PG));
	ST_ASSERT(!memcmp(fake.f[fi].data + 204 * 1024, "tail", 4));
	ST_EQ(pc_stats.dirty, 0);

	/* Truncate: cached pages past the size go, the tail reads zeros. */
	ST_OK(sp_truncate(h, 3000));
	ST_EQ(sp_getattr_size(h), 3000);
	ST_EQ(sp_read(h, 3000, 100, big), 0);
	ST_OK(sp_truncate(h, 3 * PG));
	ST_EQ(sp_read(h, 0, 3 * PG, big), 3 * PG);
	st_pattern(s.a, 1);
	ST_ASSERT(!memcmp(big, s.a, 3000));
	ST_ASSERT(!memchr_inv(big + 3000, 0, 3 * PG - 3000));

	/* Dead S: writes stay dirty, requests that need S get -EIO. */
	fake.fail = -EIO;
	ST_EQ(sp_write(h, 0, "live", 4, 0, NULL), 4);
	ST_EQ(sp_fsync(h, 0), -EIO);
	ST_ASSERT(pc_stats.dirty >= 1);
	ST_EQ(sp_getattr_size(h), -EIO);
	fake.fail = 0;
	ST_OK(sp_fsync(h, 0));
	ST_EQ(pc_stats.dirty, 0);
	ST_ASSERT(!memcmp(fake.f[fi].data, "live", 4));
	/* S refuses (full): the data goes, the next FSYNC says so. */
	fake.fail_write = -ENOSPC;
	ST_EQ(sp_write(h, 0, "lost", 4, 0, NULL), 4);
	ST_EQ(sp_fsync(h, 0), -ENOSPC);
	fake.fail_write = 0;
	ST_OK(sp_fsync(h, 0));
	ST_ASSERT(!memcmp(fake.f[fi].data, "live", 4));
	ST_EQ(sp_read(h, 0, 4, big), 4);
	ST_ASSERT(!memcmp(big, "live", 4));

	/* Bad requests. */
	ST_EQ(sp_read(hd, 0, 10, big), -EISDIR);
	ST_EQ(sp_write(hd, 0, "x", 1, 0, NULL), -EISDIR);
	ST_EQ(sp_read(bad, 0, 10, big), -ESTALE);
	{
		struct sp_io_req r = { .h = h, .len = SP_IO_MAX + 1 };

		ST_EQ(mcall(SPOP_READ, &r, sizeof(r), big, SP_IO_MAX), -EINVAL);
		r.len = 10;
		ST_EQ(mcall(SPOP_READ, &r, sizeof(r) - 1, big, SP_IO_MAX), -EINVAL);
		r.flags = 8;
		ST_EQ(mcall(SPOP_READ, &r, sizeof(r), big, SP_IO_MAX), -EINVAL);
		r.flags = 0;
		r.len = 5;	/* says 5, carries 4 */
		memcpy(big, &r, sizeof(r));
		ST_EQ(mcall(SPOP_WRITE, big, sizeof(r) + 4, s.a, PG), -EINVAL);
		r.h.ino = 0;
		ST_EQ(mcall(SPOP_READ, &r, sizeof(r), big, SP_IO_MAX), -EINVAL);
		ST_EQ(mcall(SPOP_FSYNC, &r, 3, NULL, 0), -EINVAL);
	}
	for (i = 0; i < 3; i++)	/* unknown to the fake: forwarded as they are */
		ST_EQ(mcall(SPOP_STATFS, NULL, 0, big, 64), -EOPNOTSUPP);

	fake_stop();
	ST_EQ(pc_stats.pages, 0);
	kfree(big);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_pagecache_evict)
{
	unsigned long budget = pc_budget, ev, wb;
	struct sp_handle h;
	struct st_bufs s;
	int fi;
	u64 p;

	ST_OK(st_bufs_get(&s));
	fake_start();
	fi = fake_add("/big", 0100644, 0, 0, NULL);
	ST_OK(fi);
	ST_OK(sp_lookup("/big", &h, NULL));
	mutex_lock(&pc_mutex);
	pc_budget = 16;
	mutex_unlock(&pc_mutex);
	ev = pc_stats.evictions;
	wb = pc_stats.writebacks;
	/* 100 pages through a 16-page cache. */
	for (p = 0; p < 100; p++) {
		st_pattern(s.a, 1000 + p);
		ST_EQ(sp_write(h, p * PG, s.a, PG, 0, NULL), PG);
		ST_ASSERT(pc_stats.pages <= 16);
	}
	ST_ASSERT(pc_stats.evictions - ev >= 80);
	ST_ASSERT(pc_stats.writebacks - wb >= 80);
	ST_EQ(sp_getattr_size(h), 100 * PG);
	for (p = 0; p < 100; p += 7) {
		ST_EQ(sp_read(h, p * PG, PG, s.b), PG);
		st_pattern(s.a, 1000 + p);
		ST_ASSERT(!memcmp(s.a, s.b, PG));
	}
	ST_OK(sp_fsync(h, 0));
	ST_EQ(fake.f[fi].size, 100 * PG);
	ST_ASSERT(fake_has(fi, 0, 100 * PG, 1000, s.c));
	/* S dead while over the budget: the cache grows, nothing is lost. */
	fake.fail = -EIO;
	for (p = 0; p < 20; p++) {
		st_pattern(s.a, 2000 + p);
		ST_EQ(sp_write(h, p * PG, s.a, PG, 0, NULL), PG);
	}
	ST_ASSERT(pc_stats.dirty >= 20);
	fake.fail = 0;
	ST_OK(sp_fsync(h, 0));
	ST_ASSERT(fake_has(fi, 0, 20 * PG, 2000, s.c));
	mutex_lock(&pc_mutex);
	pc_budget = budget;
	mutex_unlock(&pc_mutex);
	fake_stop();
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_pagecache_exec)
{
	const struct mfile *tiny = st_file("/bin/tiny");
	const struct mfile *garbage = st_file("/bin/garbage");
	struct st_bufs s;
	struct mp_vma *v;
	u32 prot;
	int i;

	ST_NEED_ARCHIVE();
	ST_ASSERT(tiny && garbage);
	ST_OK(st_bufs_get(&s));
	fake_start();
	/* The archive's program, now on "S": the same layout. */
	ST_OK(fake_add("/sbin/tiny", 0100755, tiny->size, 0, tiny->data));
	ST_OK(fake_add("/sbin/noexec", 0100644, tiny->size, 0, tiny->data));
	ST_OK(fake_add("/sbin/garbage", 0100755, garbage->size, 0, garbage->data));
	ST_OK(fake_add("/sbin", 0040755, 0, 0, NULL));
	ST_OK(st_exec_simple(140, "/sbin/tiny", s.rep));
	ST_EQ(s.rep->nr_vmas, 6);
	ST_EQ(s.rep->entry, 0x401000);
	v = (struct mp_vma *)(s.rep + 1);
	/* The text page comes from the page cache. */
	for (i = 0; i < 6 && v[i].start != 0x401000; i++)
		;
	ST_ASSERT(i < 6);
	ST_EQ(st_miss(140, 0x401000, false, s.a, &prot), 1);
	ST_ASSERT(!memcmp(s.a, tiny->data + PG, PG));
	ST_EQ(prot, MP_PROT_READ | MP_PROT_EXEC);
	/* Read at exec and kept while mapped: S may die, the program runs. */
	fake.fail = -EIO;
	for (i = 0; i < 6; i++) {
		u64 a;

		if (!(v[i].flags & MP_VMA_FILE))
			continue;
		for (a = v[i].start; a < v[i].end; a += PG)
			ST_EQ(st_miss(140, a, false, s.a, NULL), 1);
	}
	fake.fail = 0;
	/* Not in the archive's namespace any more. */
	ST_EQ(st_exec_simple(141, "/bin/tiny", s.rep), -ENOENT);
	ST_EQ(st_exec_simple(141, "/sbin/noexec", s.rep), -EACCES);
	ST_EQ(st_exec_simple(141, "/sbin", s.rep), -EACCES);
	ST_EQ(st_exec_simple(141, "/sbin/garbage", s.rep), -ENOEXEC);
	fake.fail = -EIO;
	ST_EQ(st_exec_simple(141, "/sbin/tiny", s.rep), -EIO);
	fake.fail = 0;
	ST_EQ(st_exit(140), 0);
	fake_stop();
	ST_EQ(pc_stats.files, 0);
	st_bufs_put(&s);
	return 0;
}

SELFTEST(memory_pagecache_mmap)
{
	struct sp_handle h, hd;
	struct mp_vma v;
	struct st_bufs s;
	u64 handle, hdl;
	s64 a, p;
	int fi;

	ST_NEED_ARCHIVE();
	ST_OK(st_bufs_get(&s));
	fake_start();
	fi = fake_add("/m", 0100644, 3 * PG, 300, NULL);
	ST_OK(fi);
	ST_OK(fake_add("/md", 0040755, 0, 0, NULL));
	ST_OK(sp_lookup("/m", &h, NULL));
	ST_OK(sp_lookup("/md", &hd, NULL));
	handle = (u64)h.gen << 32 | h.ino;
	hdl = (u64)hd.gen << 32 | hd.ino;
	/* A process to map into: tiny from the fake S. */
	ST_OK(fake_add("/t", 0100755, st_file("/bin/tiny")->size, 0,
		       st_file("/bin/tiny")->data));
	ST_OK(st_exec_simple(150, "/t", s.rep));

	a = st_mmap(150, 0, 4 * PG, RW, MAP_SHARED, handle, 0, &v);
	ST_OK(a);
	ST_EQ(v.flags, MP_VMA_FILE | MP_VMA_SHARED);
	ST_OK(st_has(150, a + PG, 301, s.a, s.b));
	/* Past the end of the file: zeros. */
	ST_EQ(st_miss(150, a + 3 * PG, false, s.a, NULL), 0);
	/* write() is seen by the mapping... */
	st_pattern(s.a, 777);
	ST_EQ(sp_write(h, PG, s.a, PG, 0, NULL), PG);
	ST_OK(st_has(150, a + PG, 777, s.a, s.b));
	/* ... and a store through it by read(), one copy. */
	st_pattern(s.a, 778);
	ST_OK(st_wb(150, a + 2 * PG, s.a));
	ST_EQ(sp_read(h, 2 * PG, PG, s.b), PG);
	ST_ASSERT(!memcmp(s.a, s.b, PG));
	/* A fork shares the pages. */
	{
		struct mp_fork_req fr = { .parent = 150, .child = 151 };

		ST_OK(mcall(MEMOP_FORK, &fr, sizeof(fr), NULL, 0));
	}
	st_pattern(s.a, 779);
	ST_OK(st_wb(151, a, s.a));
	ST_OK(st_has(150, a, 779, s.a, s.b));
	ST_EQ(st_exit(151), 0);
	/* A private mapping copies: the file does not change. */
	p = st_mmap(150, 0, PG, RW, MAP_PRIVATE, handle, 0, &v);
	ST_OK(p);
	ST_EQ(v.flags, MP_VMA_FILE);
	ST_OK(st_has(150, p, 779, s.a, s.b));
	ST_OK(st_wb_check(150, p, 780, s.a, s.b));
	ST_OK(st_has(150, a, 779, s.a, s.b));
	/* munmap and exit leave the cache's pages; FSYNC writes them. */
	ST_OK(st_range(MEMOP_MUNMAP, 150, a, 4 * PG, 0));
	ST_OK(sp_fsync(h, 0));
	ST_ASSERT(fake_has(fi, 0, PG, 779, s.c));
	ST_ASSERT(fake_has(fi, PG, 2 * PG, 776, s.c));	/* 777, 778 */
	/* Errors. */
	ST_EQ(st_mmap(150, 0, PG, MP_PROT_READ, MAP_SHARED, hdl, 0, NULL), -ENODEV);
	ST_EQ(st_mmap(150, 0, PG, MP_PROT_READ, MAP_SHARED, (7ULL << 32) | 99, 0, NULL), -EBADF);
	ST_EQ(st_mmap(150, 0, PG, MP_PROT_READ, MAP_SHARED, 0, 0, NULL), -EBADF);
	ST_EQ(st_exit(150), 0);
	fake_stop();
	ST_EQ(pc_stats.files, 0);
	st_bufs_put(&s);
	return 0;
}
