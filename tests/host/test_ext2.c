// SPDX-License-Identifier: GPL-2.0
/*
 * fs/ext2/ against real images: a generated tree goes into images made
 * by mke2fs -d (1 KiB and 4 KiB blocks); the code must read back every
 * file, link and attribute.  Then the same changes go to the image
 * through the code and to a copy of the tree through Linux (the two must
 * agree on every result and errno), the disk is filled to ENOSPC and
 * freed, and e2fsck -fn and debugfs check the image.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include "check.h"
#include "ext2_host.h"

#define BIG_FILE_BYTES	(4500ull << 20)	/* past 4 KiB blocks' triple indirect */

static char tmpdir[] = "/tmp/ext2test.XXXXXX";
static struct ext2_fs *fs;
static char img_path[512];

static u64 rng_state = 88172645463325252ull;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_pattern(u8 *buf, size_t len, u64 seed)
{
	u64 s = seed * 6364136223846793005ull + 1;

	for (size_t i = 0; i < len; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		buf[i] = s;
	}
}


static void host_write_file(const char *path, u64 off, size_t len, u64 seed)
{
	u8 *buf = malloc(len ? len : 1);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);

	fill_pattern(buf, len, seed);
	if (fd < 0 || pwrite(fd, buf, len, off) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
	free(buf);
}

/* ------------------------------------------------------------------ */

static void gen_tree(const char *root)
{
	static const size_t sizes[] = {
		0, 1, 59, 60, 61, 1023, 1024, 1025, 4095, 4096, 4097,
		12 * 1024, 12 * 1024 + 1, 48 * 1024 + 7, 268 * 1024 + 5,
		300 * 1024, 1100 * 1024 + 3, 5 << 20,
	};
	char p[600], q[600];
	int fd;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(p, sizeof(p), "%s/f%zu", root, sizes[i]);
		host_write_file(p, 0, sizes[i], sizes[i] + 1);
	}
	/* Data past 1 KiB blocks' triple indirect threshold (64.3 MiB)
	 * and past 4 KiB blocks' (4 GiB), holes around it. */
	snprintf(p, sizeof(p), "%s/sparse", root);
	host_write_file(p, 66ull << 20, 5000, 7);
	host_write_file(p, 4200ull << 20, 70000, 8);
	host_write_file(p, 10ull << 20, 3, 9);
	fd = open(p, O_WRONLY);
	if (fd < 0 || ftruncate(fd, BIG_FILE_BYTES))
		exit(2);
	close(fd);

	snprintf(p, sizeof(p), "%s/d1/d2/d3", root);
	host_sh("mkdir -p %s", p);
	snprintf(p, sizeof(p), "%s/d1/d2/d3/deep", root);
	host_write_file(p, 0, 777, 11);
	snprintf(p, sizeof(p), "%s/d1/x", root);
	host_write_file(p, 0, 3000, 12);
	snprintf(p, sizeof(p), "%s/emptydir", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/many", root);
	mkdir(p, 0750);
	for (int i = 0; i < 600; i++) {
		snprintf(p, sizeof(p), "%s/many/entry-with-a-longish-name-%04d", root, i);
		host_write_file(p, 0, i % 97, 1000 + i);
	}
	snprintf(p, sizeof(p), "%s/short", root);
	if (symlink("f1024", p))
		exit(2);
	memset(q, 'a', 59);
	q[59] = 0;
	snprintf(p, sizeof(p), "%s/link59", root);
	if (symlink(q, p))
		exit(2);
	memset(q, 'b', 300);
	memcpy(q, "d1/", 3);
	q[300] = 0;
	snprintf(p, sizeof(p), "%s/long", root);
	if (symlink(q, p))
		exit(2);
	snprintf(p, sizeof(p), "%s/todeep", root);
	if (symlink("d1/d2/d3", p))
		exit(2);
	snprintf(p, sizeof(p), "%s/f4096", root);
	snprintf(q, sizeof(q), "%s/d1/hardlink", root);
	if (link(p, q))
		exit(2);
	snprintf(p, sizeof(p), "%s/fifo", root);
	mkfifo(p, 0600);
	snprintf(p, sizeof(p), "%s/f60", root);
	chmod(p, 04711);
}

/* ------------------------------------------------------------------ */

struct dent {
	char name[256];
	u32 ino;
	u8 type;
	u64 next;
};

struct dlist {
	struct dent *v;
	size_t n, cap;
};

static bool collect(void *arg, const char *name, size_t len, u32 ino, u8 type,
		    u64 next)
{
	struct dlist *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
	}
	memcpy(l->v[l->n].name, name, len);
	l->v[l->n].name[len] = 0;
	l->v[l->n].ino = ino;
	l->v[l->n].type = type;
	l->v[l->n].next = next;
	l->n++;
	return true;
}

/* Stop after a few entries to exercise cursors. */
struct few {
	struct dlist *l;
	int left;
};

static bool collect_few(void *arg, const char *name, size_t len, u32 ino,
			u8 type, u64 next)
{
	struct few *f = arg;

	if (!f->left)
		return false;
	f->left--;
	return collect(f->l, name, len, ino, type, next);
}

static int read_dir(u32 ino, struct dlist *l, bool chunked)
{
	u64 cursor = 0;
	int ret;

	memset(l, 0, sizeof(*l));
	if (!chunked)
		return ext2_readdir(fs, ino, 0, collect, l);
	for (;;) {
		struct few f = { l, 7 };
		size_t before = l->n;

		ret = ext2_readdir(fs, ino, cursor, collect_few, &f);
		if (ret || l->n == before)
			return ret;
		cursor = l->v[l->n - 1].next;
	}
}

#define CMP_TIMES	1
#define CMP_OWNER	2

static u64 files_checked;

static void compare_content(u32 ino, const char *hpath, u64 size)
{
	size_t chunk = 1 << 20;
	u8 *a = malloc(chunk), *b = malloc(chunk);
	int fd = open(hpath, O_RDONLY);
	u64 off = 0, end;
	long n;

	CHECK(fd >= 0);
	if (size > (256ull << 20)) {
		/* Huge sparse files: the data ranges, and samples of holes. */
		for (;;) {
			off = lseek(fd, off, SEEK_DATA);
			if ((off_t)off < 0)
				break;
			end = lseek(fd, off, SEEK_HOLE);
			for (; off < end; off += n) {
				size_t want = end - off < chunk ? end - off : chunk;

				n = ext2_read(fs, ino, off, a, want);
				if (!CHECK_INT(n, want))
					goto out;
				CHECK(pread(fd, b, n, off) == n);
				if (!CHECK(!memcmp(a, b, n))) {
					printf("  %s differs near %llu\n", hpath,
					       (unsigned long long)off);
					goto out;
				}
			}
		}
		for (int i = 0; i < 64; i++) {
			u64 o = rng() % size;

			n = ext2_read(fs, ino, o, a, 4096);
			CHECK(n > 0);
			CHECK(pread(fd, b, n, o) == n);
			CHECK(!memcmp(a, b, n));
		}
		n = ext2_read(fs, ino, size - 10, a, 100);
		CHECK_INT(n, 10);
		CHECK_INT(ext2_read(fs, ino, size, a, 100), 0);
		goto out;
	}
	for (off = 0; off < size; off += n) {
		n = ext2_read(fs, ino, off, a, chunk);
		if (!CHECK(n > 0))
			break;
		CHECK(pread(fd, b, n, off) == n);
		if (!CHECK(!memcmp(a, b, n))) {
			printf("  %s differs in [%llu, +%ld)\n", hpath,
			       (unsigned long long)off, n);
			break;
		}
	}
	CHECK_INT(ext2_read(fs, ino, size, a, 10), 0);
out:
	close(fd);
	free(a);
	free(b);
}

static int cmp_name(const void *x, const void *y)
{
	return strcmp(((const struct dent *)x)->name,
		      ((const struct dent *)y)->name);
}

/* The directory dino at image path epath holds what host dir hpath does. */
static void compare_tree(u32 dino, const char *epath, const char *hpath,
			 int flags, int depth)
{
	struct dlist l;
	size_t nhost = 0, i;
	DIR *d;
	struct dirent *e;
	bool dot = false, dotdot = false, lost_found = false;

	CHECK_INT(read_dir(dino, &l, depth % 2), 0);
	d = opendir(hpath);
	CHECK(d != NULL);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			nhost++;
	if (d)
		closedir(d);
	qsort(l.v, l.n, sizeof(*l.v), cmp_name);
	for (i = 0; i < l.n; i++) {
		struct dent *de = &l.v[i];
		char hp[1024], ep[1024], t1[4096], t2[4096];
		struct sp_attr at;
		struct stat st;
		u32 ino;

		if (!strcmp(de->name, ".")) {
			dot = true;
			CHECK_INT(de->ino, dino);
			continue;
		}
		if (!strcmp(de->name, "..")) {
			dotdot = true;
			continue;
		}
		/* mke2fs's own; the host trees have none. */
		if (!depth && !strcmp(de->name, "lost+found")) {
			lost_found = true;
			CHECK_INT(de->type, DT_DIR);
			continue;
		}
		snprintf(hp, sizeof(hp), "%s/%s", hpath, de->name);
		snprintf(ep, sizeof(ep), "%s/%s", epath, de->name);
		if (!CHECK(lstat(hp, &st) == 0)) {
			printf("  extra entry %s\n", ep);
			continue;
		}
		if (!CHECK_INT(ext2_stat(fs, de->ino, &at), 0))
			continue;
		CHECK_INT(ext2_walk(fs, ep, strlen(ep), true, &ino), 0);
		CHECK_INT(ino, de->ino);
		CHECK_INT(de->type, (at.mode >> 12) & 15);
		if (!CHECK_INT(at.mode, st.st_mode))
			printf("  %s\n", ep);
		CHECK_INT(at.nlink, st.st_nlink);
		if (!S_ISDIR(st.st_mode) && !CHECK_INT(at.size, st.st_size))
			printf("  %s\n", ep);
		CHECK_INT(at.blksize, fs ? at.blksize : 0);
		if (flags & CMP_OWNER) {
			CHECK_INT(at.uid, st.st_uid);
			CHECK_INT(at.gid, st.st_gid);
		}
		if (flags & CMP_TIMES)
			CHECK_INT(at.mtime_sec, st.st_mtim.tv_sec);
		if (S_ISREG(st.st_mode)) {
			compare_content(de->ino, hp, st.st_size);
			files_checked++;
		} else if (S_ISLNK(st.st_mode)) {
			long n = ext2_readlink(fs, de->ino, t1, sizeof(t1));
			ssize_t m = readlink(hp, t2, sizeof(t2));

			CHECK_INT(n, m);
			if (n == m && n > 0)
				CHECK(!memcmp(t1, t2, n));
		} else if (S_ISDIR(st.st_mode)) {
			CHECK_INT(ext2_readlink(fs, de->ino, t1, 10), -EINVAL);
			compare_tree(de->ino, ep, hp, flags, depth + 1);
		}
	}
	CHECK(dot && dotdot);
	CHECK_INT(l.n, nhost + 2 + lost_found);
	free(l.v);
}

/* ------------------------------------------------------------------ */

static int img_mount(unsigned int flags, struct host_disk *disk)
{
	int fd = open(img_path, O_RDWR);
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -errno;
	host_disk_file(disk, fd, st.st_size);
	return ext2_mount(&disk->bdev, flags, &fs);
}

static void img_umount(struct host_disk *disk)
{
	CHECK_INT(ext2_umount(fs), 0);
	fs = NULL;
	close(disk->fd);
}

static u16 disk_state(void)
{
	u16 state = 0;
	int fd = open(img_path, O_RDONLY);

	CHECK(pread(fd, &state, 2, 1024 + 58) == 2);
	close(fd);
	return state;
}

static int fsck(void)
{
	return host_sh("e2fsck -fn %s > %s/fsck.log 2>&1 || { cat %s/fsck.log; exit 1; }",
		  img_path, tmpdir, tmpdir);
}

/* ------------------------------------------------------------------
 * The same change through ext2 and through Linux on the shadow tree.
 */
static char shadow[600];

static int e_parent(const char *path, u32 *dir, const char **name, size_t *nl)
{
	return ext2_walk_parent(fs, path, strlen(path), dir, name, nl);
}

static int h_ret(int r)
{
	return r < 0 ? -errno : 0;
}

static const char *hp(const char *path)
{
	static char buf[2][1024];
	static int k;

	k ^= 1;
	snprintf(buf[k], sizeof(buf[k]), "%s%s", shadow, path);
	return buf[k];
}

#define SAME(e, h, what) do {						\
	int e_ = (e), h_ = (h);						\
	if (!CHECK_INT(e_, h_))						\
		printf("  %s\n", what);					\
} while (0)

static int e_create(const char *path, u32 mode, const char *target)
{
	u32 dir, ino;
	const char *name;
	size_t nl;
	int ret = e_parent(path, &dir, &name, &nl);

	if (ret)
		return ret;
	return ext2_create(fs, dir, name, nl, mode, getuid(), getgid(), 0,
			   target, target ? strlen(target) : 0, &ino);
}

static void op_create(const char *path, u32 mode)
{
	int h;

	if (S_ISDIR(mode))
		h = h_ret(mkdir(hp(path), mode & 07777));
	else if (S_ISFIFO(mode))
		h = h_ret(mkfifo(hp(path), mode & 07777));
	else {
		int fd = open(hp(path), O_CREAT | O_EXCL | O_WRONLY, mode & 07777);

		h = h_ret(fd);
		if (fd >= 0)
			close(fd);
	}
	SAME(e_create(path, mode, NULL), h, path);
}

static void op_symlink(const char *target, const char *path)
{
	SAME(e_create(path, S_IFLNK | 0777, target),
	     h_ret(symlink(target, hp(path))), path);
}

static void op_write(const char *path, u64 off, size_t len, u64 seed)
{
	u8 *buf = malloc(len);
	u32 ino;
	int ret, fd;
	long n = 0;

	fill_pattern(buf, len, seed);
	ret = ext2_walk(fs, path, strlen(path), false, &ino);
	if (!ret) {
		n = ext2_write(fs, ino, off, buf, len);
		ret = n < 0 ? n : 0;
		CHECK(n < 0 || n == (long)len);
	}
	fd = open(hp(path), O_WRONLY);
	SAME(ret, fd < 0 ? -errno : (pwrite(fd, buf, len, off) < 0 ? -errno : 0),
	     path);
	if (fd >= 0)
		close(fd);
	free(buf);
}

static void op_trunc(const char *path, u64 size)
{
	struct sp_attr a = { .size = size };
	u32 ino;
	int ret = ext2_walk(fs, path, strlen(path), false, &ino);

	if (!ret)
		ret = ext2_setattr(fs, ino, SP_ATTR_SIZE, &a);
	SAME(ret, h_ret(truncate(hp(path), size)), path);
}

static void op_unlink(const char *path, bool dir)
{
	u32 d;
	const char *name;
	size_t nl;
	int ret = e_parent(path, &d, &name, &nl);

	if (!ret)
		ret = ext2_unlink(fs, d, name, nl, dir);
	SAME(ret, h_ret(dir ? rmdir(hp(path)) : unlink(hp(path))), path);
}

static void op_rename(const char *a, const char *b)
{
	u32 da, db;
	const char *na, *nb;
	size_t la, lb;
	int ret = e_parent(a, &da, &na, &la);

	if (!ret)
		ret = e_parent(b, &db, &nb, &lb);
	if (!ret)
		ret = ext2_rename(fs, da, na, la, db, nb, lb);
	SAME(ret, h_ret(rename(hp(a), hp(b))), a);
}

static void op_link(const char *a, const char *b)
{
	u32 ino, d;
	const char *n;
	size_t l;
	int ret = ext2_walk(fs, a, strlen(a), true, &ino);

	if (!ret)
		ret = e_parent(b, &d, &n, &l);
	if (!ret)
		ret = ext2_link(fs, ino, d, n, l);
	SAME(ret, h_ret(link(hp(a), hp(b))), b);
}

static void op_chmod(const char *path, u32 mode)
{
	struct sp_attr a = { .mode = mode };
	u32 ino;
	int ret = ext2_walk(fs, path, strlen(path), false, &ino);

	if (!ret)
		ret = ext2_setattr(fs, ino, SP_ATTR_MODE, &a);
	SAME(ret, h_ret(chmod(hp(path), mode)), path);
}

static void changes(u32 bsize)
{
	char big[400];

	op_create("/new", S_IFREG | 0644);
	op_create("/new", S_IFREG | 0644);			/* EEXIST */
	op_write("/new", 0, 5000, 1);
	op_write("/new", 100000, 3000, 2);			/* hole */
	op_write("/new", 70ull << 20, 10000, 3);		/* triple (1K) */
	op_trunc("/new", 70ull << 20);
	op_trunc("/new", 90000);
	op_trunc("/new", 200000);				/* grows: zeros */
	op_write("/new", 4999, 2, 4);
	op_trunc("/f5242880", 12 * 1024 + 5);
	op_trunc("/f1025", 0);
	op_write("/f1025", 3, 10, 5);
	op_trunc("/sparse", 66ull << 20);			/* frees triple */
	op_write("/sparse", (66ull << 20) + 4000, 9000, 6);
	op_create("/nd", S_IFDIR | 0755);
	op_create("/nd/sub", S_IFDIR | 0700);
	op_create("/nd/sub/file", S_IFREG | 0600);
	op_write("/nd/sub/file", 0, 123, 7);
	op_create("/nd/fifo", S_IFIFO | 0640);
	op_symlink("sub/file", "/nd/rel");
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	op_symlink(big, "/nd/slowlink");
	op_symlink("short", "/nd/fastlink");
	op_write("/nd/rel", 50, 10, 8);				/* through a link */
	op_link("/f4097", "/nd/hl");
	op_link("/nd", "/ndlink");				/* EPERM */
	op_link("/nd/fastlink", "/nd/fl2");
	op_unlink("/nd", false);				/* EISDIR */
	op_unlink("/nd", true);					/* ENOTEMPTY */
	op_unlink("/f0", true);					/* ENOTDIR */
	op_unlink("/nope", false);				/* ENOENT */
	op_unlink("/emptydir", true);
	op_unlink("/f1", false);
	op_unlink("/d1/hardlink", false);			/* nlink 2 -> 1 */
	op_rename("/nd", "/nd/sub/x");				/* EINVAL */
	op_rename("/f59", "/nd");				/* EISDIR */
	op_rename("/nd", "/f61");				/* ENOTDIR */
	op_rename("/nd/sub", "/d1/moved");			/* across parents */
	op_rename("/d1/moved", "/d1/d2/moved2");
	op_create("/d1/d2/e", S_IFDIR | 0755);
	op_rename("/d1/d2/moved2", "/d1/d2/e");			/* over an empty dir */
	op_create("/nd/y", S_IFDIR | 0755);
	op_create("/nd/y/z", S_IFREG | 0644);
	op_rename("/d1/d2/e", "/nd/y");				/* ENOTEMPTY */
	op_rename("/f1023", "/f4095");				/* over a file */
	op_rename("/f4097", "/nd/hl");				/* same inode */
	op_rename("/many/entry-with-a-longish-name-0007", "/many/short");
	for (int i = 0; i < 600; i += 3) {
		char p[128];

		snprintf(p, sizeof(p), "/many/entry-with-a-longish-name-%04d", i);
		op_unlink(p, false);
	}
	for (int i = 0; i < 300; i++) {
		char p[128];

		snprintf(p, sizeof(p), "/many/n%d", i);
		op_create(p, S_IFREG | 0644);
		if (i % 50 == 0)
			op_write(p, 0, 100 + i, 100 + i);
	}
	op_unlink("/f12288", false);		/* drops its xattr block */
	op_trunc("/d1/x", 10);			/* keeps it */
	op_chmod("/f48", 0600);
	op_chmod("/nd", 01777);
	op_create("/nd/sub2", S_IFDIR | 0755);
	op_unlink("/nd/sub2", true);
	op_create("/bigfile", S_IFREG | 0644);
	for (int i = 0; i < 8; i++)
		op_write("/bigfile", (u64)i * 300000 + bsize / 3, 200000,
			 200 + i);
	op_trunc("/bigfile", 1234567);
	(void)bsize;
}

/* ------------------------------------------------------------------ */

static void check_api(void)
{
	struct sp_attr a, b;
	u32 ino, dir, root;
	const char *name;
	size_t nl;
	char path[5000];

	CHECK_INT(ext2_walk(fs, "/", 1, false, &root), 0);
	CHECK_INT(root, EXT2_ROOT_INO);
	CHECK_INT(ext2_walk_parent(fs, "/", 1, &dir, &name, &nl), 0);
	CHECK_INT(nl, 0);
	CHECK_INT(ext2_walk_parent(fs, "/todeep/deep", 12, &dir, &name, &nl), 0);
	CHECK_INT(nl, 4);
	CHECK_INT(ext2_lookup(fs, dir, "deep", 4, &ino), 0);
	CHECK_INT(ext2_walk(fs, "/todeep/deep", 12, false, &dir), 0);
	CHECK_INT(dir, ino);
	CHECK_INT(ext2_walk(fs, "/f0/x", 5, false, &ino), -ENOTDIR);
	CHECK_INT(ext2_walk(fs, "/f0/", 4, false, &ino), -ENOTDIR);
	CHECK_INT(ext2_walk(fs, "/nope/x", 7, false, &ino), -ENOENT);
	CHECK_INT(ext2_walk(fs, "/d1/..", 6, false, &ino), 0);
	CHECK_INT(ino, EXT2_ROOT_INO);
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	CHECK_INT(ext2_walk(fs, path, 300, false, &ino), -ENAMETOOLONG);
	CHECK_INT(ext2_walk(fs, path, 4097, false, &ino), -ENAMETOOLONG);
	CHECK_INT(ext2_walk(fs, "/short", 6, true, &ino), 0);
	CHECK_INT(ext2_stat(fs, ino, &a), 0);
	CHECK_INT(a.mode & S_IFMT, S_IFLNK);
	CHECK_INT(ext2_getattr(fs, ino, a.gen, &b), 0);
	CHECK_INT(ext2_getattr(fs, ino, a.gen + 1, &b), -ESTALE);
	CHECK_INT(ext2_getattr(fs, 0, 0, &b), -ESTALE);
	CHECK_INT(ext2_getattr(fs, 7, 0, &b), -ESTALE);
	CHECK_INT(ext2_getattr(fs, 0xfffffff0u, 0, &b), -ESTALE);
	CHECK_INT(ext2_read(fs, EXT2_ROOT_INO, 0, path, 10), -EISDIR);
}

/* Writable: loops, devices, ESTALE after unlink, owners and times. */
static void check_api_rw(void)
{
	struct sp_attr a, b;
	u32 ino, ino2;
	char buf[64];

	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "loop1", 5, S_IFLNK | 0777, 0, 0,
			      0, "loop2", 5, &ino), 0);
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "loop2", 5, S_IFLNK | 0777, 0, 0,
			      0, "loop1", 5, &ino), 0);
	CHECK_INT(ext2_walk(fs, "/loop1", 6, false, &ino), -ELOOP);
	CHECK_INT(ext2_walk(fs, "/loop1", 6, true, &ino), 0);
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "chr", 3, S_IFCHR | 0600, 0, 0,
			      makedev(4, 64), NULL, 0, &ino), 0);
	CHECK_INT(ext2_stat(fs, ino, &a), 0);
	CHECK_INT(a.rdev, makedev(4, 64));
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "blk", 3, S_IFBLK | 0600, 0, 0,
			      makedev(259, 70000), NULL, 0, &ino), 0);
	CHECK_INT(ext2_stat(fs, ino, &a), 0);
	CHECK_INT(a.rdev, makedev(259, 70000));
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "x/y", 3, S_IFREG, 0, 0, 0, NULL,
			      0, &ino), -EINVAL);
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "own", 3, S_IFREG | 0644, 100000,
			      70000, 0, NULL, 0, &ino), 0);
	CHECK_INT(ext2_stat(fs, ino, &a), 0);
	CHECK_INT(a.uid, 100000);
	CHECK_INT(a.gid, 70000);
	b = a;
	b.uid = 65536 * 3 + 5;
	b.atime_sec = 1234567890;
	b.atime_nsec = 123456789;
	b.mtime_sec = 0x1ffffffffll;	/* past 2038: the epoch bits */
	b.mtime_nsec = 999999999;
	CHECK_INT(ext2_setattr(fs, ino, SP_ATTR_UID | SP_ATTR_ATIME |
			       SP_ATTR_MTIME, &b), 0);
	CHECK_INT(ext2_stat(fs, ino, &a), 0);
	CHECK_INT(a.uid, 65536 * 3 + 5);
	CHECK_INT(a.gid, 70000);
	CHECK_INT(a.atime_sec, 1234567890);
	CHECK_INT(a.atime_nsec, 123456789);
	CHECK_INT(a.mtime_sec, 0x1ffffffffll);
	CHECK_INT(a.mtime_nsec, 999999999);
	CHECK_INT(ext2_unlink(fs, EXT2_ROOT_INO, "own", 3, false), 0);
	CHECK_INT(ext2_getattr(fs, ino, a.gen, &b), -ESTALE);
	/* The inode comes back with a new generation. */
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "own2", 4, S_IFREG | 0644, 0, 0,
			      0, NULL, 0, &ino2), 0);
	CHECK_INT(ino2, ino);
	CHECK_INT(ext2_stat(fs, ino2, &b), 0);
	CHECK(b.gen != a.gen);
	CHECK_INT(ext2_readlink(fs, ino2, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(ext2_write(fs, EXT2_ROOT_INO, 0, buf, 1), -EISDIR);
}

static void unlink_extras(void)
{
	static const char *const names[] = { "loop1", "loop2", "chr", "blk",
					     "own2" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK_INT(ext2_unlink(fs, EXT2_ROOT_INO, names[i],
				      strlen(names[i]), false), 0);
}

/* Fill the disk: ENOSPC, then everything comes back. */
static void fill_disk(void)
{
	struct sp_statfs s0, s1, s2;
	size_t chunk = 1 << 20;
	u8 *buf = malloc(chunk);
	u32 ino;
	u64 off = 0;
	long n;

	fill_pattern(buf, chunk, 77);
	CHECK_INT(ext2_statfs(fs, &s0), 0);
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "fill", 4, S_IFREG | 0644, 0, 0, 0,
			      NULL, 0, &ino), 0);
	for (;;) {
		n = ext2_write(fs, ino, off, buf, chunk);
		if (n < 0) {
			CHECK_INT(n, -ENOSPC);
			break;
		}
		off += n;
		if (n < (long)chunk) {
			CHECK_INT(ext2_write(fs, ino, off, buf, chunk), -ENOSPC);
			break;
		}
		if (!CHECK(off < (8ull << 30)))
			break;
	}
	CHECK_INT(ext2_statfs(fs, &s1), 0);
	CHECK_INT(s1.bfree, 0);
	{
		struct sp_attr a;

		CHECK_INT(ext2_stat(fs, ino, &a), 0);
		CHECK_INT(a.size, off);
		n = ext2_read(fs, ino, off - 100, buf, 100);
		CHECK_INT(n, 100);
		/* Creating a directory now fails cleanly. */
		CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "nospc", 5,
				      S_IFDIR | 0755, 0, 0, 0, NULL, 0, &ino),
			  -ENOSPC);
		CHECK_INT(ext2_lookup(fs, EXT2_ROOT_INO, "nospc", 5, &ino),
			  -ENOENT);
	}
	CHECK_INT(ext2_unlink(fs, EXT2_ROOT_INO, "fill", 4, false), 0);
	CHECK_INT(ext2_statfs(fs, &s2), 0);
	CHECK_INT(s2.bfree, s0.bfree);
	CHECK_INT(s2.ffree, s0.ffree);
	free(buf);
}

static void debugfs_cat(const char *path)
{
	CHECK_INT(host_sh("debugfs -R 'cat %s' %s 2>/dev/null | cmp -s - '%s%s'",
		     path, img_path, shadow, path), 0);
}

static void one_image(const char *label, const char *mkfs_opts,
		      const char *size, u32 bsize)
{
	struct host_disk disk;
	struct sp_statfs st;
	char tree[600];

	printf("ext2: %s\n", label);
	snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
	snprintf(img_path, sizeof(img_path), "%s/img", tmpdir);
	snprintf(shadow, sizeof(shadow), "%s/shadow", tmpdir);
	unlink(img_path);
	if (!CHECK_INT(host_sh("mke2fs -q -F -t ext2 %s -d %s %s %s > /dev/null",
			  mkfs_opts, tree, img_path, size), 0))
		return;
	host_sh("rm -rf %s && cp -a %s %s", shadow, tree, shadow);

	/* Read-only: everything as mke2fs wrote it. */
	if (!CHECK_INT(img_mount(EXT2_MOUNT_RDONLY, &disk), 0))
		return;
	CHECK_INT(ext2_statfs(fs, &st), 0);
	CHECK_INT(st.bsize, bsize);
	CHECK_INT(st.flags, 1);
	files_checked = 0;
	compare_tree(EXT2_ROOT_INO, "", tree, CMP_TIMES | CMP_OWNER, 0);
	CHECK(files_checked > 600);
	check_api();
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "z", 1, S_IFREG | 0644, 0, 0, 0,
			      NULL, 0, &bsize), -EROFS);
	CHECK_INT(disk.writes, 0);
	img_umount(&disk);

	/* Extended attribute blocks (debugfs puts big values in one). */
	CHECK_INT(host_sh("V=$(head -c 600 /dev/zero | tr '\\0' v); for f in /f12288 /d1/x; do "
		     "debugfs -w -R \"ea_set $f user.big $V\" %s 2>/dev/null; done; "
		     "debugfs -R 'stat /f12288' %s 2>/dev/null | grep -q 'File ACL: [1-9]'",
		     img_path, img_path), 0);

	/* Read-write: the clean state follows changes and syncs. */
	if (!CHECK_INT(img_mount(0, &disk), 0))
		return;
	CHECK(disk_state() & 1);
	check_api_rw();
	CHECK(!(disk_state() & 1));
	CHECK_INT(ext2_sync(fs), 0);
	CHECK(disk_state() & 1);
	CHECK_INT(fsck(), 0);
	unlink_extras();
	changes(bsize);
	compare_tree(EXT2_ROOT_INO, "", shadow, 0, 0);
	fill_disk();
	img_umount(&disk);
	CHECK(disk_state() & 1);
	CHECK_INT(fsck(), 0);
	debugfs_cat("/new");
	debugfs_cat("/nd/hl");
	debugfs_cat("/bigfile");
	debugfs_cat("/d1/d2/e/file");

	/* And once more from the disk alone. */
	if (!CHECK_INT(img_mount(EXT2_MOUNT_RDONLY, &disk), 0))
		return;
	compare_tree(EXT2_ROOT_INO, "", shadow, 0, 0);
	img_umount(&disk);
}

/* Create files (128 a directory) until the inodes run out; remove them. */
static void use_all_inodes(void)
{
	struct sp_statfs s0, s1;
	u32 dir = 0, ino, n = 0;
	char name[32];
	int ret;

	CHECK_INT(ext2_statfs(fs, &s0), 0);
	for (;;) {
		if (n % 128 == 0) {
			snprintf(name, sizeof(name), "d%u", n / 128);
			ret = ext2_create(fs, EXT2_ROOT_INO, name, strlen(name),
					  S_IFDIR | 0755, 0, 0, 0, NULL, 0, &dir);
			if (ret)
				break;
		}
		snprintf(name, sizeof(name), "f%u", n);
		ret = ext2_create(fs, dir, name, strlen(name), S_IFREG | 0644, 0,
				  0, 0, NULL, 0, &ino);
		if (ret)
			break;
		n++;
	}
	CHECK_INT(ret, -ENOSPC);
	CHECK_INT(ext2_statfs(fs, &s1), 0);
	CHECK_INT(s1.ffree, 0);
	CHECK(n > 1000);
	for (u32 i = 0; i < n; i++) {
		u32 d;

		snprintf(name, sizeof(name), "d%u", i / 128);
		CHECK_INT(ext2_lookup(fs, EXT2_ROOT_INO, name, strlen(name), &d), 0);
		snprintf(name, sizeof(name), "f%u", i);
		CHECK_INT(ext2_unlink(fs, d, name, strlen(name), false), 0);
	}
	for (u32 i = 0; i <= n / 128; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		ret = ext2_unlink(fs, EXT2_ROOT_INO, name, strlen(name), true);
		/* The last one exists if its first file found no inode. */
		if (i < n / 128 || ret != -ENOENT)
			CHECK_INT(ret, 0);
	}
	CHECK_INT(ext2_statfs(fs, &s1), 0);
	CHECK_INT(s1.ffree, s0.ffree);
	CHECK_INT(s1.bfree, s0.bfree);
}

/* Without large_file, a file growing past 2 GiB sets the feature. */
static void large_file(void)
{
	struct host_disk disk;
	struct sp_attr a;
	u32 ino, ro_compat = 0;
	char buf[16];
	int fd;

	printf("ext2: large_file, inodes to ENOSPC\n");
	snprintf(img_path, sizeof(img_path), "%s/img", tmpdir);
	unlink(img_path);
	if (!CHECK_INT(host_sh("mke2fs -q -F -t ext2 -O ^large_file -b 4096 %s 64M > /dev/null",
			  img_path), 0))
		return;
	if (!CHECK_INT(img_mount(0, &disk), 0))
		return;
	CHECK_INT(ext2_create(fs, EXT2_ROOT_INO, "big", 3, S_IFREG | 0644, 0, 0, 0,
			      NULL, 0, &ino), 0);
	CHECK_INT(ext2_write(fs, ino, 3ull << 30, "0123456789", 10), 10);
	use_all_inodes();
	img_umount(&disk);
	fd = open(img_path, O_RDONLY);
	CHECK(pread(fd, &ro_compat, 4, 1024 + 100) == 4);
	close(fd);
	CHECK(ro_compat & 2);
	CHECK_INT(fsck(), 0);
	if (!CHECK_INT(img_mount(EXT2_MOUNT_RDONLY, &disk), 0))
		return;
	CHECK_INT(ext2_stat(fs, ino, &a), 0);
	CHECK_INT(a.size, (3ull << 30) + 10);
	CHECK_INT(ext2_read(fs, ino, (3ull << 30) - 2, buf, 16), 12);
	CHECK(!memcmp(buf, "\0\0" "0123456789", 12));
	img_umount(&disk);
}

int main(void)
{
	char tree[600];

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(0);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	if (host_sh("command -v mke2fs e2fsck debugfs > /dev/null") &&
	    host_sh("test -x /usr/sbin/mke2fs")) {
		printf("e2fsprogs missing: run scripts/setup\n");
		return 1;
	}
	setenv("PATH", "/usr/sbin:/sbin:/usr/bin:/bin", 1);
	snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
	mkdir(tree, 0755);
	gen_tree(tree);
	one_image("64 MiB, 1 KiB blocks", "-b 1024", "64M", 1024);
	one_image("2 GiB sparse, 4 KiB blocks", "-b 4096", "2G", 4096);
	large_file();
	host_sh("rm -rf %s", tmpdir);
	return check_report();
}
