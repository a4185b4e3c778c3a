// SPDX-License-Identifier: GPL-2.0
/*
 * Storage server self-tests (selftest=storage_server_*): they call the
 * handlers through FIT's loopback transport exactly as a memory node
 * would, on the image tests/92-storage-server.sh makes with mke2fs -d
 * (marked by /storage-selftest).  The host then checks the image with
 * e2fsck -fn and reads back what they wrote.  They may run in any
 * order: each one that changes the disk syncs it before it returns.
 */
#define pr_fmt(fmt) "selftest: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/fit_loopback.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>

#include <uapi/linux/stat.h>

#include "internal.h"

#ifdef CONFIG_SELFTEST

#define ST_TIMEOUT	10000
#define HELLO		"hello from the disk\n"
#define BIG_SIZE	(100 * 1024 + 123)

/* The pattern of /big (the test script writes the same). */
static u8 big_byte(u64 i)
{
	return (u8)(i * 7 + (i >> 10) + 3);
}

static ssize_t scall(u16 op, const void *req, size_t len, void *reply,
		     size_t max)
{
	return fit_call_self(op, req, len, reply, max, ST_TIMEOUT);
}

/* A request of a header and up to two strings, in buf (SP_PATH_MAX * 2 + 64). */
static size_t build(void *buf, const void *hdr, size_t hlen, const char *a,
		    size_t alen, const char *b, size_t blen)
{
	u8 *p = buf;

	memcpy(p, hdr, hlen);
	memcpy(p + hlen, a, alen);
	if (b)
		memcpy(p + hlen + alen, b, blen);
	return hlen + alen + blen;
}

static u8 *reqbuf(void)
{
	return kmalloc(2 * SP_PATH_MAX + 64, GFP_KERNEL);
}

static int path_op(u16 op, u32 flags, const char *path, void *reply,
		   size_t max)
{
	struct sp_path_req r = { .flags = flags, .path_len = strlen(path) };
	u8 *buf = reqbuf();
	ssize_t ret;

	if (!buf)
		return -ENOMEM;
	ret = scall(op, buf, build(buf, &r, sizeof(r), path, r.path_len, NULL, 0),
		    reply, max);
	kfree(buf);
	return ret;
}

static int lookup(const char *path, u32 flags, struct sp_handle_reply *rep)
{
	int ret = path_op(SPOP_LOOKUP, flags, path, rep, sizeof(*rep));

	if (ret >= 0 && ret != sizeof(*rep))
		return -EPROTO;
	return ret < 0 ? ret : 0;
}

static int create(const char *path, u32 mode, u32 flags, const char *target,
		  struct sp_handle_reply *rep)
{
	struct sp_create_req r = {
		.flags = flags, .mode = mode, .uid = 0, .gid = 0,
		.path_len = strlen(path), .target_len = target ? strlen(target) : 0,
	};
	u8 *buf = reqbuf();
	ssize_t ret;

	if (!buf)
		return -ENOMEM;
	ret = scall(SPOP_CREATE, buf, build(buf, &r, sizeof(r), path, r.path_len,
					    target, r.target_len),
		    rep, sizeof(*rep));
	kfree(buf);
	if (ret >= 0 && ret != sizeof(*rep))
		return -EPROTO;
	return ret < 0 ? ret : 0;
}

static int two_path(u16 op, u32 flags, const char *a, const char *b)
{
	struct sp_2path_req r = {
		.flags = flags, .old_len = strlen(a), .new_len = strlen(b),
	};
	u8 *buf = reqbuf();
	ssize_t ret;

	if (!buf)
		return -ENOMEM;
	ret = scall(op, buf, build(buf, &r, sizeof(r), a, r.old_len, b, r.new_len),
		    NULL, 0);
	kfree(buf);
	return ret;
}

static int getattr(struct sp_handle h, struct sp_attr *attr)
{
	struct sp_handle_req r = { .h = h };
	ssize_t ret = scall(SPOP_GETATTR, &r, sizeof(r), attr, sizeof(*attr));

	if (ret >= 0 && ret != sizeof(*attr))
		return -EPROTO;
	return ret < 0 ? ret : 0;
}

static ssize_t sread(struct sp_handle h, u64 off, void *buf, u32 len)
{
	struct sp_io_req r = { .h = h, .offset = off, .len = len };

	return scall(SPOP_READ, &r, sizeof(r), buf, len);
}

static ssize_t swrite(struct sp_handle h, u64 off, const void *data, u32 len,
		      u32 flags, struct sp_write_reply *w)
{
	struct sp_io_req r = { .h = h, .offset = off, .len = len, .flags = flags };
	u8 *buf = kmalloc(sizeof(r) + len, GFP_KERNEL);
	ssize_t ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, &r, sizeof(r));
	memcpy(buf + sizeof(r), data, len);
	ret = scall(SPOP_WRITE, buf, sizeof(r) + len, w, sizeof(*w));
	kfree(buf);
	return ret;
}

static int truncate(struct sp_handle h, u64 size, struct sp_attr *attr)
{
	struct sp_setattr_req r = { .h = h, .valid = SP_ATTR_SIZE, .size = size };
	ssize_t ret = scall(SPOP_SETATTR, &r, sizeof(r), attr, sizeof(*attr));

	return ret < 0 ? ret : ret == sizeof(*attr) ? 0 : -EPROTO;
}

static int sync_all(u32 flags)
{
	struct sp_handle_req r = { .flags = flags };

	return scall(SPOP_FSYNC, &r, sizeof(r), NULL, 0);
}

/* Only on the image the test script made. */
static int need_image(void)
{
	struct sp_handle_reply rep;

	if (!storage_has_fs())
		return selftest_skip("no file system");
	if (lookup("/storage-selftest", 0, &rep))
		return selftest_skip("no test image");
	return 0;
}

#define NEED_IMAGE() do {					\
	int __r = need_image();					\
	if (__r)						\
		return __r;					\
} while (0)

SELFTEST(storage_server_lookup)
{
	struct sp_handle_reply hello, link, nofollow, root;
	struct sp_handle stale;
	struct sp_statfs st;
	struct sp_attr attr;
	char target[64];

	NEED_IMAGE();
	ST_EQ(lookup("/hello.txt", 0, &hello), 0);
	ST_ASSERT(S_ISREG(hello.attr.mode));
	ST_EQ(hello.attr.size, strlen(HELLO));
	ST_EQ(hello.h.ino, hello.attr.ino);
	ST_EQ(hello.attr.nlink, 1);
	ST_EQ(hello.attr.mode & 07777, 0644);
	ST_EQ(lookup("/", 0, &root), 0);
	ST_EQ(root.h.ino, 2);
	ST_ASSERT(S_ISDIR(root.attr.mode));
	/* A final symlink is followed unless SP_NOFOLLOW. */
	ST_EQ(lookup("/link", 0, &link), 0);
	ST_EQ(link.h.ino, hello.h.ino);
	ST_EQ(lookup("/link", SP_NOFOLLOW, &nofollow), 0);
	ST_ASSERT(S_ISLNK(nofollow.attr.mode));
	ST_EQ(lookup("/dirlink/a.txt", SP_NOFOLLOW, &link), 0);
	ST_ASSERT(S_ISREG(link.attr.mode));
	ST_EQ(lookup("/nonexistent", 0, &link), -ENOENT);
	ST_EQ(lookup("/hello.txt/x", 0, &link), -ENOTDIR);
	ST_EQ(lookup("/loop1", 0, &link), -ELOOP);
	/* READLINK by path: the final component is not followed. */
	ST_EQ(path_op(SPOP_READLINK, 0, "/link", target, sizeof(target)), 9);
	ST_ASSERT(!memcmp(target, "hello.txt", 9));
	ST_EQ(path_op(SPOP_READLINK, 0, "/link", target, 4), 4);
	ST_EQ(path_op(SPOP_READLINK, 0, "/hello.txt", target, sizeof(target)), -EINVAL);
	ST_EQ(getattr(hello.h, &attr), 0);
	ST_EQ(attr.size, strlen(HELLO));
	stale = hello.h;
	stale.gen++;
	ST_EQ(getattr(stale, &attr), -ESTALE);
	ST_EQ(scall(SPOP_STATFS, NULL, 0, &st, sizeof(st)), sizeof(st));
	ST_EQ(st.bsize, 1024);
	ST_EQ(st.namelen, 255);
	ST_ASSERT(st.bfree > 0 && st.bfree <= st.blocks);
	ST_ASSERT(st.ffree > 0 && st.ffree < st.files);
	return 0;
}

SELFTEST(storage_server_read)
{
	struct sp_handle_reply hello, big, dir;
	char buf[64];
	u8 *data;
	u64 off, i;
	ssize_t n;
	int ret = 0;

	NEED_IMAGE();
	ST_EQ(lookup("/hello.txt", 0, &hello), 0);
	ST_EQ(sread(hello.h, 0, buf, sizeof(buf)), strlen(HELLO));
	ST_ASSERT(!memcmp(buf, HELLO, strlen(HELLO)));
	ST_EQ(sread(hello.h, 6, buf, 4), 4);
	ST_ASSERT(!memcmp(buf, "from", 4));
	ST_EQ(sread(hello.h, strlen(HELLO), buf, sizeof(buf)), 0);
	ST_EQ(sread(hello.h, 1 << 30, buf, sizeof(buf)), 0);
	ST_EQ(lookup("/dir", 0, &dir), 0);
	ST_EQ(sread(dir.h, 0, buf, sizeof(buf)), -EISDIR);
	ST_EQ(lookup("/big", 0, &big), 0);
	ST_EQ(big.attr.size, BIG_SIZE);
	data = vmalloc(SP_IO_MAX);
	if (!data)
		return selftest_fail("out of memory");
	/* Odd offsets: reads that straddle blocks. */
	for (off = 0; off < BIG_SIZE && !ret; off += n) {
		n = sread(big.h, off, data, SP_IO_MAX - 1);
		if (n <= 0) {
			ret = selftest_fail("read of /big at %llu: %zd", off, n);
			break;
		}
		for (i = 0; i < n; i++) {
			if (data[i] != big_byte(off + i)) {
				ret = selftest_fail("/big differs at byte %llu", off + i);
				break;
			}
		}
	}
	if (!ret && off != BIG_SIZE)
		ret = selftest_fail("read %llu bytes of /big, expected %u", off, BIG_SIZE);
	vfree(data);
	return ret;
}

SELFTEST(storage_server_create_write)
{
	struct sp_handle_reply f, again, dir, viasym, sym;
	struct sp_write_reply w;
	struct sp_attr attr;
	char buf[32];
	int i;

	NEED_IMAGE();
	ST_EQ(create("/dir/new.txt", S_IFREG | 0640, SP_EXCL, NULL, &f), 0);
	ST_ASSERT(S_ISREG(f.attr.mode));
	ST_EQ(f.attr.mode & 07777, 0640);
	ST_EQ(f.attr.size, 0);
	ST_EQ(create("/dir/new.txt", S_IFREG | 0640, SP_EXCL, NULL, &again), -EEXIST);
	/* open(O_CREAT) without O_EXCL: the existing file. */
	ST_EQ(create("/dir/new.txt", S_IFREG | 0600, 0, NULL, &again), 0);
	ST_EQ(again.h.ino, f.h.ino);
	ST_EQ(again.h.gen, f.h.gen);
	ST_EQ(create("/dir", S_IFREG | 0644, 0, NULL, &again), -EISDIR);
	ST_EQ(create("/nodir/x", S_IFREG | 0644, 0, NULL, &again), -ENOENT);
	ST_EQ(create("/", S_IFDIR | 0755, 0, NULL, &again), -EEXIST);
	ST_EQ(swrite(f.h, 0, "abc", 3, 0, &w), sizeof(w));
	ST_EQ(w.offset, 0);
	ST_EQ(w.written, 3);
	ST_EQ(w.size, 3);
	ST_EQ(swrite(f.h, 0, "def", 3, SP_APPEND, &w), sizeof(w));
	ST_EQ(w.offset, 3);
	ST_EQ(w.size, 6);
	ST_EQ(sread(f.h, 0, buf, sizeof(buf)), 6);
	ST_ASSERT(!memcmp(buf, "abcdef", 6));
	/* Truncate down, then up: the new bytes read as zeros. */
	ST_EQ(truncate(f.h, 2, &attr), 0);
	ST_EQ(attr.size, 2);
	ST_EQ(truncate(f.h, 20, &attr), 0);
	ST_EQ(sread(f.h, 0, buf, sizeof(buf)), 20);
	ST_ASSERT(!memcmp(buf, "ab", 2));
	for (i = 2; i < 20; i++)
		ST_EQ(buf[i], 0);
	ST_EQ(truncate(f.h, 6, &attr), 0);
	ST_EQ(swrite(f.h, 2, "CDEF", 4, 0, &w), sizeof(w));
	/* A directory, a symlink into it, and O_CREAT through the symlink. */
	ST_EQ(create("/newdir", S_IFDIR | 0755, 0, NULL, &dir), 0);
	ST_ASSERT(S_ISDIR(dir.attr.mode));
	ST_EQ(dir.attr.nlink, 2);
	ST_EQ(create("/newdir", S_IFDIR | 0755, 0, NULL, &again), -EEXIST);
	ST_EQ(create("/newdir/sym", S_IFLNK | 0777, 0, "/dir/new.txt", &sym), 0);
	ST_ASSERT(S_ISLNK(sym.attr.mode));
	ST_EQ(sym.attr.size, 12);
	ST_EQ(create("/newdir/sym", S_IFREG | 0644, 0, NULL, &viasym), 0);
	ST_EQ(viasym.h.ino, f.h.ino);
	ST_EQ(create("/newdir/fifo", S_IFIFO | 0644, 0, NULL, &again), 0);
	ST_ASSERT(S_ISFIFO(again.attr.mode));
	ST_EQ(sread(again.h, 0, buf, sizeof(buf)), -EINVAL);
	/* chmod, and the reply is the new attributes. */
	{
		struct sp_setattr_req r = {
			.h = f.h, .valid = SP_ATTR_MODE | SP_ATTR_MTIME,
			.mode = 0604, .mtime_sec = 1000000000, .mtime_nsec = 5,
		};

		ST_EQ(scall(SPOP_SETATTR, &r, sizeof(r), &attr, sizeof(attr)),
		      sizeof(attr));
		ST_EQ(attr.mode, S_IFREG | 0604);
		ST_EQ(attr.mtime_sec, 1000000000);
	}
	ST_EQ(sync_all(0), 0);
	return 0;
}

/* Collect the names of a directory, READDIR by READDIR of max bytes each. */
static int list_dir(struct sp_handle h, size_t max, char *names, size_t size,
		    unsigned int *calls)
{
	struct sp_readdir_req r = { .h = h, .cursor = 0 };
	u8 *buf = kmalloc(max, GFP_KERNEL);
	size_t used = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	names[0] = '\0';
	for (*calls = 0; *calls < 1000; (*calls)++) {
		size_t pos = 0;

		n = scall(SPOP_READDIR, &r, sizeof(r), buf, max);
		if (n <= 0)
			break;
		while (pos < n) {
			struct sp_dirent d;

			if (n - pos < sizeof(d)) {
				n = -EPROTO;
				goto out;
			}
			memcpy(&d, buf + pos, sizeof(d));
			pos += sizeof(d);
			if (n - pos < d.name_len || used + d.name_len + 2 > size) {
				n = -EPROTO;
				goto out;
			}
			names[used++] = '/';
			memcpy(names + used, buf + pos, d.name_len);
			used += d.name_len;
			names[used] = '\0';
			pos += d.name_len;
			r.cursor = d.next;
		}
	}
out:
	kfree(buf);
	return n < 0 ? n : 0;
}

static bool has_name(const char *names, const char *name)
{
	size_t len = strlen(name);
	const char *p = names;

	while ((p = strstr(p, name))) {
		if (p > names && p[-1] == '/' && (p[len] == '/' || !p[len]))
			return true;
		p++;
	}
	return false;
}

SELFTEST(storage_server_readdir)
{
	struct sp_handle_reply root, dir, hello;
	struct sp_readdir_req r;
	unsigned int calls, calls_small;
	char *names;
	u8 small[16];
	int ret;

	NEED_IMAGE();
	names = kmalloc(4096, GFP_KERNEL);
	if (!names)
		return selftest_fail("out of memory");
	ST_EQ(lookup("/", 0, &root), 0);
	ret = list_dir(root.h, 4096, names, 4096, &calls);
	if (ret)
		goto fail;
	ret = -1;
	if (!has_name(names, ".") || !has_name(names, "..") ||
	    !has_name(names, "hello.txt") || !has_name(names, "dir") ||
	    !has_name(names, "big") || !has_name(names, "link"))
		goto fail;
	/* Small replies: many calls, the same names through the cursors. */
	ST_EQ(lookup("/many", 0, &dir), 0);
	ret = list_dir(dir.h, 4096, names, 4096, &calls);
	if (ret)
		goto fail;
	ret = -1;
	if (!has_name(names, "file-0") || !has_name(names, "file-99"))
		goto fail;
	ret = list_dir(dir.h, 40, names, 4096, &calls_small);
	if (ret)
		goto fail;
	ret = -1;
	if (!has_name(names, "file-0") || !has_name(names, "file-99") ||
	    calls_small <= calls)
		goto fail;
	kfree(names);
	/* Not a directory; a reply too small for one entry. */
	ST_EQ(lookup("/hello.txt", 0, &hello), 0);
	r = (struct sp_readdir_req){ .h = hello.h };
	ST_EQ(scall(SPOP_READDIR, &r, sizeof(r), small, sizeof(small)), -ENOTDIR);
	r = (struct sp_readdir_req){ .h = root.h };
	ST_EQ(scall(SPOP_READDIR, &r, sizeof(r), small, sizeof(small)), -EINVAL);
	return 0;
fail:
	kfree(names);
	return ret < 0 && ret != -1 ? selftest_fail("readdir: error %d", ret) :
		selftest_fail("readdir: names missing (%u calls)", calls);
}

SELFTEST(storage_server_rename_unlink)
{
	struct sp_handle_reply a, b, d;
	struct sp_attr attr;

	NEED_IMAGE();
	ST_EQ(create("/r1", S_IFREG | 0644, SP_EXCL, NULL, &a), 0);
	ST_EQ(two_path(SPOP_RENAME, 0, "/r1", "/r2"), 0);
	ST_EQ(lookup("/r1", 0, &b), -ENOENT);
	ST_EQ(lookup("/r2", 0, &b), 0);
	ST_EQ(b.h.ino, a.h.ino);
	/* A link, then the names go one by one; the handle goes stale. */
	ST_EQ(two_path(SPOP_LINK, 0, "/r2", "/r3"), 0);
	ST_EQ(getattr(a.h, &attr), 0);
	ST_EQ(attr.nlink, 2);
	ST_EQ(two_path(SPOP_LINK, 0, "/r2", "/r3"), -EEXIST);
	ST_EQ(two_path(SPOP_LINK, 0, "/dir", "/dir2"), -EPERM);
	ST_EQ(path_op(SPOP_UNLINK, 0, "/r2", NULL, 0), 0);
	ST_EQ(getattr(a.h, &attr), 0);
	ST_EQ(attr.nlink, 1);
	ST_EQ(path_op(SPOP_UNLINK, 0, "/r3", NULL, 0), 0);
	ST_EQ(getattr(a.h, &attr), -ESTALE);
	ST_EQ(path_op(SPOP_UNLINK, 0, "/r3", NULL, 0), -ENOENT);
	/* Rename over an existing file replaces it. */
	ST_EQ(create("/r4", S_IFREG | 0644, SP_EXCL, NULL, &a), 0);
	ST_EQ(create("/r5", S_IFREG | 0644, SP_EXCL, NULL, &b), 0);
	ST_EQ(two_path(SPOP_RENAME, 0, "/r4", "/r5"), 0);
	ST_EQ(lookup("/r5", 0, &d), 0);
	ST_EQ(d.h.ino, a.h.ino);
	ST_EQ(getattr(b.h, &attr), -ESTALE);
	ST_EQ(path_op(SPOP_UNLINK, 0, "/r5", NULL, 0), 0);
	/* Directories: unlink, rmdir, moving one under itself. */
	ST_EQ(path_op(SPOP_UNLINK, 0, "/dir", NULL, 0), -EISDIR);
	ST_EQ(path_op(SPOP_UNLINK, SP_RMDIR, "/dir", NULL, 0), -ENOTEMPTY);
	ST_EQ(path_op(SPOP_UNLINK, SP_RMDIR, "/hello.txt", NULL, 0), -ENOTDIR);
	ST_EQ(path_op(SPOP_UNLINK, SP_RMDIR, "/", NULL, 0), -EBUSY);
	ST_EQ(create("/e", S_IFDIR | 0755, SP_EXCL, NULL, &d), 0);
	ST_EQ(two_path(SPOP_RENAME, 0, "/e", "/e/f"), -EINVAL);
	ST_EQ(two_path(SPOP_RENAME, 0, "/e", "/moved"), 0);
	ST_EQ(path_op(SPOP_UNLINK, SP_RMDIR, "/moved", NULL, 0), 0);
	ST_EQ(getattr(d.h, &attr), -ESTALE);
	ST_EQ(sync_all(0), 0);
	return 0;
}

SELFTEST(storage_server_malformed)
{
	struct sp_handle_reply hello, rep;
	struct storage_stats before, after;
	struct sp_path_req pr;
	struct sp_io_req io;
	struct sp_handle_req hr;
	char *path;
	u8 *buf;
	u8 small[8];
	int i, bad = 0;

	NEED_IMAGE();
	ST_EQ(lookup("/hello.txt", 0, &hello), 0);
	storage_get_stats(&before);
	buf = reqbuf();
	path = kmalloc(SP_PATH_MAX + 2, GFP_KERNEL);
	if (!buf || !path) {
		kfree(buf);
		kfree(path);
		return selftest_fail("out of memory");
	}
#define BAD(expr, err) do {						\
	long __r = (expr);						\
	if (__r != (err)) {						\
		kfree(buf);						\
		kfree(path);						\
		return selftest_fail("%s:%d: %s == %ld, expected %d",	\
				     __FILE__, __LINE__, #expr, __r, err); \
	}								\
} while (0)
	/* Short, and a path length that disagrees with the message. */
	BAD(scall(SPOP_LOOKUP, &pr, 4, &rep, sizeof(rep)), -EINVAL); bad++;
	pr = (struct sp_path_req){ .path_len = 20 };
	BAD(scall(SPOP_LOOKUP, buf, build(buf, &pr, sizeof(pr), "/hello.txt", 10, NULL, 0),
		  &rep, sizeof(rep)), -EINVAL); bad++;
	pr = (struct sp_path_req){ .path_len = 0xffffffff };
	BAD(scall(SPOP_LOOKUP, buf, build(buf, &pr, sizeof(pr), "/hello.txt", 10, NULL, 0),
		  &rep, sizeof(rep)), -EINVAL); bad++;
	/* NUL, relative, not normalised, unknown flags. */
	pr = (struct sp_path_req){ .path_len = 10 };
	BAD(scall(SPOP_LOOKUP, buf, build(buf, &pr, sizeof(pr), "/hello\0txt", 10, NULL, 0),
		  &rep, sizeof(rep)), -EINVAL); bad++;
	BAD(path_op(SPOP_LOOKUP, 0, "hello.txt", &rep, sizeof(rep)), -EINVAL); bad++;
	BAD(path_op(SPOP_LOOKUP, 0, "/dir//a.txt", &rep, sizeof(rep)), -EINVAL); bad++;
	BAD(path_op(SPOP_LOOKUP, 0, "/dir/../hello.txt", &rep, sizeof(rep)), -EINVAL); bad++;
	BAD(path_op(SPOP_LOOKUP, 0, "", &rep, sizeof(rep)), -EINVAL); bad++;
	BAD(path_op(SPOP_LOOKUP, 0x80, "/hello.txt", &rep, sizeof(rep)), -EINVAL); bad++;
	BAD(path_op(SPOP_UNLINK, 0x4, "/hello.txt", NULL, 0), -EINVAL); bad++;
	/* Too long: a path, a name (not malformed: ENAMETOOLONG). */
	path[0] = '/';
	for (i = 1; i <= SP_PATH_MAX; i++)
		path[i] = i % 200 ? 'a' : '/';
	path[SP_PATH_MAX + 1] = '\0';
	BAD(path_op(SPOP_LOOKUP, 0, path, &rep, sizeof(rep)), -ENAMETOOLONG);
	path[SP_NAME_MAX + 2] = '\0';
	for (i = 1; i <= SP_NAME_MAX + 1; i++)
		path[i] = 'b';
	BAD(path_op(SPOP_LOOKUP, 0, path, &rep, sizeof(rep)), -ENAMETOOLONG);
	BAD(create(path, S_IFREG | 0644, 0, NULL, &rep), -ENAMETOOLONG);
	path[SP_NAME_MAX + 1] = '\0';
	BAD(lookup(path, 0, &rep), -ENOENT);
	/* CREATE: a bad kind, a target for a file, a NUL in a target. */
	BAD(create("/x", 0170000 | 0644, 0, NULL, &rep), -EINVAL); bad++;
	BAD(create("/x", S_IFREG | 0644, 0, "t", &rep), -EINVAL); bad++;
	BAD(create("/x", S_IFREG | 0644, 0x10, NULL, &rep), -EINVAL); bad++;
	/* Handles: stale generation, inode 0, out of range. */
	hr = (struct sp_handle_req){ .h = hello.h };
	hr.h.gen ^= 0x5a5a;
	BAD(scall(SPOP_GETATTR, &hr, sizeof(hr), &rep.attr, sizeof(rep.attr)), -ESTALE);
	hr.h.ino = 0;
	BAD(scall(SPOP_GETATTR, &hr, sizeof(hr), &rep.attr, sizeof(rep.attr)), -ESTALE);
	hr.h.ino = 0x7fffffff;
	BAD(scall(SPOP_GETATTR, &hr, sizeof(hr), &rep.attr, sizeof(rep.attr)), -ESTALE);
	hr = (struct sp_handle_req){ .h = hello.h, .flags = 1 };
	BAD(scall(SPOP_GETATTR, &hr, sizeof(hr), &rep.attr, sizeof(rep.attr)), -EINVAL); bad++;
	BAD(scall(SPOP_GETATTR, &hr, sizeof(hr) - 1, &rep.attr, sizeof(rep.attr)), -EINVAL); bad++;
	/* READ: above SP_IO_MAX, above the reply buffer; WRITE: bad length. */
	io = (struct sp_io_req){ .h = hello.h, .len = SP_IO_MAX + 1 };
	BAD(scall(SPOP_READ, &io, sizeof(io), buf, SP_PATH_MAX), -EINVAL); bad++;
	io.len = sizeof(small) + 1;
	BAD(scall(SPOP_READ, &io, sizeof(io), small, sizeof(small)), -EINVAL); bad++;
	io = (struct sp_io_req){ .h = hello.h, .len = 10 };
	memcpy(buf, &io, sizeof(io));
	BAD(scall(SPOP_WRITE, buf, sizeof(io) + 5, &rep, sizeof(rep)), -EINVAL); bad++;
	io.h.gen ^= 1;
	io.len = 5;
	memcpy(buf, &io, sizeof(io));
	BAD(scall(SPOP_WRITE, buf, sizeof(io) + 5, &rep, sizeof(rep)), -ESTALE);
	BAD(scall(SPOP_STATFS, buf, 4, &rep, sizeof(rep)), -EINVAL); bad++;
	BAD(scall(SPOP_FSYNC, &hr, 3, NULL, 0), -EINVAL); bad++;
	storage_get_stats(&after);
	kfree(buf);
	kfree(path);
#undef BAD
	ST_EQ(after.malformed - before.malformed, bad);
	ST_ASSERT(after.errors[SPOP_LOOKUP - SPOP_LOOKUP] >
		  before.errors[SPOP_LOOKUP - SPOP_LOOKUP]);
	/* The file is as it was. */
	ST_EQ(lookup("/hello.txt", 0, &rep), 0);
	ST_EQ(rep.attr.size, strlen(HELLO));
	return 0;
}

/* What the cluster's power-off does: a sync that says it is clean. */
SELFTEST(storage_server_shutdown)
{
	struct storage_stats st;

	NEED_IMAGE();
	ST_EQ(sync_all(SP_SHUTDOWN), 0);
	storage_get_stats(&st);
	ST_ASSERT(st.requests[SPOP_FSYNC - SPOP_LOOKUP] > 0);
	return 0;
}

#endif /* CONFIG_SELFTEST */
