// SPDX-License-Identifier: GPL-2.0
/*
 * fstest DIR [BIG_KIB]: file calls on a writable file system, with the
 * same output on Linux and on Tessera (nothing printed depends on inode
 * numbers, times or the file system type).  DIR must not exist; the
 * program creates it, works in it and removes all of it but DIR/keep
 * (hello.txt, data.bin: the host reads them back from the image).
 * BIG_KIB (default 4096) is the size of a file written and read back in
 * full: pass more than the caches hold.
 *
 * fstest -k DIR SECONDS: for a storage node killed mid-run: writes and
 * fsyncs DIR/kept, then writes and reads a file in DIR until a call
 * fails (it must be with EIO, within SECONDS), then checks that
 * anonymous memory still works and exits 0.
 *
 * fstest -c DIR: after that, on the storage node rebooted on the same
 * disk: DIR/kept holds what was fsynced.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "utest.h"

static char dir[256];

/* The seed of the file fstest -k fsyncs before the kill. */
#define KEPT_SEED	7

/* The path DIR/name in a static buffer (one of four in turn). */
static const char *P(const char *name)
{
	static char bufs[4][PATH_MAX + 512];
	static int i;
	char *b = bufs[i++ & 3];

	snprintf(b, PATH_MAX + 512, "%s/%s", dir, name);
	return b;
}

/* The byte at offset off of a pattern file. */
static unsigned char pat(uint64_t off, unsigned int seed)
{
	uint64_t x = (off + seed) * 0x9e3779b97f4a7c15ULL;

	return (unsigned char)(x >> 56) ^ (unsigned char)(off >> 12);
}

static void fill(unsigned char *b, size_t n, uint64_t off, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = pat(off + i, seed);
}

/* FNV-1a, 64 bits. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}
#define FNV_INIT	0xcbf29ce484222325ULL

/* Write n pattern bytes to a new file; 0 on success. */
static int write_file(const char *path, size_t n, unsigned int seed)
{
	unsigned char buf[8192];
	size_t done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (!check(fd >= 0, "create %s: %s", path, strerror(errno)))
		return -1;
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		ssize_t w;

		fill(buf, k, done, seed);
		w = write(fd, buf, k);
		if (!check(w == (ssize_t)k, "write %s at %zu: %zd (%s)", path,
			   done, w, strerror(errno))) {
			close(fd);
			return -1;
		}
		done += k;
	}
	return check(!close(fd), "close %s", path) ? 0 : -1;
}

/* The checksum of a whole file, its size in *size; 0 on error. */
static uint64_t sum_file(const char *path, off_t *size)
{
	unsigned char buf[16384];
	uint64_t h = FNV_INIT;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	*size = 0;
	if (!check(fd >= 0, "open %s: %s", path, strerror(errno)))
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		h = fnv(h, buf, n);
		*size += n;
	}
	check(n == 0, "read %s: %s", path, strerror(errno));
	close(fd);
	return h;
}

/* The checksum of n pattern bytes. */
static uint64_t sum_pattern(size_t n, unsigned int seed)
{
	unsigned char buf[8192];
	uint64_t h = FNV_INIT;
	size_t done = 0;

	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);

		fill(buf, k, done, seed);
		h = fnv(h, buf, k);
		done += k;
	}
	return h;
}

static off_t size_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	return st.st_size;
}

static void test_create_read(void)
{
	off_t size;
	uint64_t h;
	char buf[64];
	int fd;

	if (write_file(P("a"), 100000, 1))
		return;
	h = sum_file(P("a"), &size);
	check(size == 100000 && h == sum_pattern(100000, 1),
	      "a: size %lld, checksum differs", (long long)size);
	say("create: a 100000 bytes, checksum %016llx", (unsigned long long)h);

	/* O_CREAT on an existing file keeps it; O_EXCL refuses. */
	fd = open(P("a"), O_RDWR | O_CREAT, 0600);
	check(fd >= 0 && size_of(P("a")) == 100000, "O_CREAT kept a");
	close(fd);
	CHECK_ERR(open(P("a"), O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST,
		  "O_EXCL on a");

	/* O_APPEND writes at the end, whatever the position. */
	fd = open(P("ap"), O_WRONLY | O_CREAT | O_APPEND, 0644);
	check(fd >= 0, "create ap");
	check(write(fd, "hello ", 6) == 6, "append 1");
	lseek(fd, 0, SEEK_SET);
	check(write(fd, "world\n", 6) == 6, "append 2");
	check(lseek(fd, 0, SEEK_CUR) == 12, "position after append");
	close(fd);
	fd = open(P("ap"), O_RDWR);
	memset(buf, 0, sizeof(buf));
	check(read(fd, buf, sizeof(buf)) == 12 && !strcmp(buf, "hello world\n"),
	      "ap reads \"%s\"", buf);
	/* pread, pwrite, lseek SEEK_END, readv/writev */
	check(pwrite(fd, "W", 1, 6) == 1, "pwrite");
	check(pread(fd, buf, 5, 6) == 5 && !memcmp(buf, "World", 5), "pread");
	check(lseek(fd, 0, SEEK_END) == 12, "SEEK_END");
	check(lseek(fd, -3, SEEK_END) == 9, "SEEK_END -3");
	{
		struct iovec iov[2] = { { "ab", 2 }, { "cd\n", 3 } };
		char x[6] = { 0 }, y[6] = { 0 };
		struct iovec riov[2] = { { x, 2 }, { y, 3 } };

		check(lseek(fd, 0, SEEK_END) == 12, "SEEK_END");
		check(writev(fd, iov, 2) == 5, "writev");
		check(lseek(fd, 12, SEEK_SET) == 12, "SEEK_SET");
		check(readv(fd, riov, 2) == 5 && !strcmp(x, "ab") &&
		      !strcmp(y, "cd\n"), "readv");
	}
	close(fd);
	check(size_of(P("ap")) == 17, "ap size %lld", (long long)size_of(P("ap")));

	/* O_TRUNC empties it. */
	fd = open(P("ap"), O_WRONLY | O_TRUNC);
	check(fd >= 0 && size_of(P("ap")) == 0, "O_TRUNC");
	close(fd);
	say("create: O_CREAT, O_EXCL, O_APPEND, O_TRUNC, pread, pwrite, readv, writev");
}

static void test_rename(void)
{
	off_t size;

	write_file(P("r1"), 5000, 2);
	write_file(P("r2"), 7000, 3);
	check(!rename(P("r1"), P("r3")), "rename r1 r3: %s", strerror(errno));
	CHECK_ERR(access(P("r1"), F_OK), ENOENT, "r1 after rename");
	check(sum_file(P("r3"), &size) == sum_pattern(5000, 2) && size == 5000,
	      "r3 content");
	/* Over an existing file: it is replaced. */
	check(!rename(P("r3"), P("r2")), "rename r3 over r2: %s", strerror(errno));
	check(sum_file(P("r2"), &size) == sum_pattern(5000, 2) && size == 5000,
	      "r2 has r3's content");
	CHECK_ERR(access(P("r3"), F_OK), ENOENT, "r3 after rename");
	/* Directories, and a file into one. */
	check(!mkdir(P("rd"), 0755), "mkdir rd");
	check(!rename(P("rd"), P("rd2")), "rename rd rd2");
	check(!rename(P("r2"), P("rd2/r2")), "rename into rd2");
	check(size_of(P("rd2/r2")) == 5000, "rd2/r2");
	check(!unlink(P("rd2/r2")) && !rmdir(P("rd2")), "clean rd2");
	say("rename: files, over a file, directories");
}

static void test_truncate(void)
{
	unsigned char buf[10000], want[10000];
	int fd, i, bad = 0;

	write_file(P("t"), 10000, 4);
	check(!truncate(P("t"), 1000), "truncate 1000: %s", strerror(errno));
	check(size_of(P("t")) == 1000, "size after shrink");
	check(!truncate(P("t"), 10000), "truncate 10000");
	fd = open(P("t"), O_RDWR);
	check(read(fd, buf, sizeof(buf)) == 10000, "read t");
	fill(want, 1000, 0, 4);
	memset(want + 1000, 0, 9000);
	check(!memcmp(buf, want, 10000), "shrink then extend: zeros past 1000");
	check(!ftruncate(fd, 3), "ftruncate 3");
	check(!ftruncate(fd, 8192 * 3), "ftruncate 24576");
	check(pread(fd, buf, 10000, 0) == 10000, "pread t");
	for (i = 3; i < 10000; i++)
		bad += buf[i] != 0;
	check(!memcmp(buf, want, 3) && !bad, "ftruncate: zeros past 3");
	/* A write past the end leaves a hole that reads as zeros. */
	check(pwrite(fd, "end", 3, 200000) == 3, "pwrite at 200000");
	check(size_of(P("t")) == 200003, "size with hole");
	check(pread(fd, buf, 10000, 100000) == 10000, "read hole");
	for (i = 0, bad = 0; i < 10000; i++)
		bad += buf[i] != 0;
	check(!bad, "the hole reads as zeros");
	CHECK_ERR(ftruncate(fd, -1), EINVAL, "ftruncate -1");
	close(fd);
	fd = open(P("t"), O_RDONLY);
	CHECK_ERR(ftruncate(fd, 0), EINVAL, "ftruncate read-only fd");
	close(fd);
	CHECK_ERR(truncate(dir, 0), EISDIR, "truncate a directory");
	check(!unlink(P("t")), "unlink t");
	say("truncate: shrink, extend, holes read as zeros");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_list(void)
{
	char name[32], *names[64];
	unsigned int n = 0, i, sum_ok = 1;
	struct dirent *e;
	DIR *d;
	off_t size;

	check(!mkdir(P("l"), 0755), "mkdir l");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "l/file-%02u", i);
		write_file(P(name), 100 * i + 1, i);
	}
	check(!mkdir(P("l/sub"), 0700), "mkdir l/sub");
	d = opendir(P("l"));
	if (!check(d != NULL, "opendir l"))
		return;
	while ((e = readdir(d)) && n < 64) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, "sub"))
			check(e->d_type == DT_DIR, "sub's d_type %d", e->d_type);
		else
			check(e->d_type == DT_REG, "%s's d_type %d", e->d_name,
			      e->d_type);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	say("list: %u entries, first %s, last %s", n, n ? names[0] : "-",
	    n ? names[n - 1] : "-");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "l/file-%02u", i);
		if (sum_file(P(name), &size) != sum_pattern(100 * i + 1, i) ||
		    size != 100 * i + 1)
			sum_ok = 0;
	}
	check(sum_ok, "the 40 files' checksums");
	CHECK_ERR(rmdir(P("l")), ENOTEMPTY, "rmdir non-empty l");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "l/%s", names[i]);
		if (!strcmp(names[i], "sub"))
			check(!rmdir(P(name)), "rmdir %s", name);
		else
			check(!unlink(P(name)), "unlink %s", name);
		free(names[i]);
	}
	check(!rmdir(P("l")), "rmdir l: %s", strerror(errno));
	CHECK_ERR(access(P("l"), F_OK), ENOENT, "l after rmdir");
	say("list: deleted");
}

static void test_big(size_t kib)
{
	size_t n = kib * 1024;
	off_t size;
	uint64_t h;

	if (write_file(P("big"), n, 7))
		return;
	h = sum_file(P("big"), &size);
	check(size == (off_t)n && h == sum_pattern(n, 7),
	      "big: size %lld, checksum differs", (long long)size);
	say("big: %zu KiB written and read back, checksum %016llx", kib,
	    (unsigned long long)h);
	check(!unlink(P("big")), "unlink big");
}

static void test_errors(void)
{
	char longname[300];
	int fd;

	write_file(P("f"), 10, 0);
	check(!mkdir(P("d"), 0755), "mkdir d");
	check(!mkdir(P("d/x"), 0755), "mkdir d/x");
	CHECK_ERR(open(P("nope"), O_RDONLY), ENOENT, "open missing");
	CHECK_ERR(open(P("nope/x"), O_RDONLY | O_CREAT, 0644), ENOENT,
		  "create in missing dir");
	CHECK_ERR(mkdir(P("d"), 0755), EEXIST, "mkdir existing");
	CHECK_ERR(mkdir(P("f"), 0755), EEXIST, "mkdir over a file");
	CHECK_ERR(rmdir(P("d")), ENOTEMPTY, "rmdir non-empty");
	CHECK_ERR(open(P("d"), O_WRONLY), EISDIR, "open dir for writing");
	CHECK_ERR(open(P("d"), O_RDWR | O_CREAT, 0644), EISDIR, "O_CREAT dir");
	CHECK_ERR(unlink(P("d")), EISDIR, "unlink dir");
	CHECK_ERR(rmdir(P("f")), ENOTDIR, "rmdir file");
	CHECK_ERR(open(P("f/x"), O_RDONLY), ENOTDIR, "file as dir");
	CHECK_ERR(mkdir(P("f/x"), 0755), ENOTDIR, "mkdir under file");
	CHECK_ERR(open(P("f"), O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY");
	CHECK_ERR(open(P("f/"), O_RDONLY), ENOTDIR, "f/");
	CHECK_ERR(unlink(P("nope")), ENOENT, "unlink missing");
	CHECK_ERR(rename(P("nope"), P("x")), ENOENT, "rename missing");
	CHECK_ERR(rename(P("d"), P("f")), ENOTDIR, "rename dir over file");
	CHECK_ERR(rename(P("f"), P("d")), EISDIR, "rename file over dir");
	check(!mkdir(P("e"), 0755) && !mkdir(P("e2"), 0755), "mkdir e, e2");
	check(!mkdir(P("e2/y"), 0755), "mkdir e2/y");
	CHECK_ERR(rename(P("e"), P("e2")), ENOTEMPTY, "rename over non-empty dir");
	check(!rename(P("e2/y"), P("e")), "rename dir over empty dir: %s",
	      strerror(errno));
	CHECK_ERR(rename(P("e"), P("e/z")), EINVAL, "rename dir into itself");
	CHECK_ERR(link(P("f"), P("e")), EEXIST, "link over existing");
	CHECK_ERR(link(P("d"), P("dl")), EPERM, "link a directory");
	CHECK_ERR(symlink("x", P("f")), EEXIST, "symlink over existing");
	check(!symlink("loop2", P("loop1")) && !symlink("loop1", P("loop2")),
	      "symlink loop");
	CHECK_ERR(open(P("loop1"), O_RDONLY), ELOOP, "open a loop");
	memset(longname, 'n', 256);
	longname[256] = '\0';
	CHECK_ERR(open(P(longname), O_RDWR | O_CREAT, 0644), ENAMETOOLONG,
		  "256-byte name");
	CHECK_ERR(mkdir(P(longname), 0755), ENAMETOOLONG, "mkdir 256-byte name");
	longname[255] = '\0';
	fd = open(P(longname), O_RDWR | O_CREAT, 0644);
	check(fd >= 0, "255-byte name: %s", strerror(errno));
	close(fd);
	check(!unlink(P(longname)), "unlink 255-byte name");
	/* musl has no renameat2() wrapper. */
	CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, P("f"), AT_FDCWD, P("g"), 1 << 3),
		  EINVAL, "renameat2 bad flags");
	CHECK_ERR(unlinkat(AT_FDCWD, P("f"), 0x1), EINVAL, "unlinkat bad flags");
	check(!unlinkat(AT_FDCWD, P("d/x"), AT_REMOVEDIR), "unlinkat AT_REMOVEDIR");
	check(!rmdir(P("d")) && !rmdir(P("e")) && !rmdir(P("e2")) &&
	      !unlink(P("f")) && !unlink(P("loop1")) && !unlink(P("loop2")),
	      "clean up errors");
	say("errors: ENOENT EEXIST ENOTEMPTY EISDIR ENOTDIR ELOOP ENAMETOOLONG EINVAL EPERM");
}

static void test_links(void)
{
	char buf[PATH_MAX];
	struct stat st, lst;
	ssize_t n;
	int fd;

	write_file(P("tgt"), 1234, 9);
	check(!symlink("tgt", P("sl")), "symlink: %s", strerror(errno));
	n = readlink(P("sl"), buf, sizeof(buf));
	check(n == 3 && !memcmp(buf, "tgt", 3), "readlink sl");
	check(readlink(P("sl"), buf, 2) == 2, "readlink truncates");
	check(!stat(P("sl"), &st) && S_ISREG(st.st_mode) && st.st_size == 1234,
	      "stat through link");
	check(!lstat(P("sl"), &lst) && S_ISLNK(lst.st_mode) && lst.st_size == 3,
	      "lstat link");
	CHECK_ERR(open(P("sl"), O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW");
	CHECK_ERR(readlink(P("tgt"), buf, sizeof(buf)), EINVAL, "readlink file");
	fd = open(P("sl"), O_RDONLY);
	check(fd >= 0, "open through link");
	close(fd);
	/* A dangling link: stat fails, lstat works, O_CREAT makes the target. */
	check(!symlink("made", P("dl")), "dangling symlink");
	CHECK_ERR(stat(P("dl"), &st), ENOENT, "stat dangling");
	fd = open(P("dl"), O_WRONLY | O_CREAT, 0644);
	check(fd >= 0, "O_CREAT through a dangling link: %s", strerror(errno));
	check(!access(P("made"), F_OK), "the link's target made");
	close(fd);
	/* An absolute link, and a directory link in the middle of a path. */
	check(!mkdir(P("sd"), 0755) && !symlink(P("sd"), P("sdl")), "dir link");
	fd = open(P("sdl/inner"), O_WRONLY | O_CREAT, 0644);
	check(fd >= 0 && !access(P("sd/inner"), F_OK), "create through a dir link");
	close(fd);

	/* Hard links share the inode. */
	check(!link(P("tgt"), P("hl")), "link: %s", strerror(errno));
	check(!stat(P("hl"), &st) && st.st_nlink == 2, "nlink 2");
	check(!stat(P("tgt"), &lst) && st.st_ino == lst.st_ino, "same inode");
	fd = open(P("hl"), O_WRONLY);
	check(pwrite(fd, "XY", 2, 0) == 2, "write through hl");
	close(fd);
	fd = open(P("tgt"), O_RDONLY);
	check(read(fd, buf, 2) == 2 && !memcmp(buf, "XY", 2), "seen through tgt");
	close(fd);
	check(!unlink(P("tgt")), "unlink tgt");
	check(!stat(P("hl"), &st) && st.st_nlink == 1 && st.st_size == 1234,
	      "hl after unlink");
	/* linkat AT_SYMLINK_FOLLOW links the target, without it the link. */
	check(!symlink("hl", P("sl2")), "symlink sl2");
	check(!linkat(AT_FDCWD, P("sl2"), AT_FDCWD, P("h2"), AT_SYMLINK_FOLLOW),
	      "linkat follow");
	check(!lstat(P("h2"), &st) && S_ISREG(st.st_mode) && st.st_nlink == 2,
	      "h2 is hl");
	check(!linkat(AT_FDCWD, P("sl2"), AT_FDCWD, P("h3"), 0), "linkat");
	check(!lstat(P("h3"), &st) && S_ISLNK(st.st_mode), "h3 is a link");
	check(!unlink(P("sl")) && !unlink(P("dl")) && !unlink(P("made")) &&
	      !unlink(P("sd/inner")) && !unlink(P("sdl")) && !rmdir(P("sd")) &&
	      !unlink(P("hl")) && !unlink(P("sl2")) && !unlink(P("h2")) &&
	      !unlink(P("h3")), "clean up links");
	say("links: symlink, readlink, lstat, O_NOFOLLOW, link, linkat");
}

static void test_attrs(void)
{
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1200000000, 987654321 } };
	struct stat st;
	time_t now;
	int fd;
	mode_t old;

	write_file(P("m"), 10, 0);
	check(!chmod(P("m"), 0640), "chmod");
	check(!stat(P("m"), &st) && (st.st_mode & 07777) == 0640, "mode 0640: %o",
	      st.st_mode & 07777);
	fd = open(P("m"), O_RDONLY);
	check(!fchmod(fd, 0604), "fchmod");
	check(!fstat(fd, &st) && (st.st_mode & 07777) == 0604, "mode 0604");
	check(!fchmodat(AT_FDCWD, P("m"), 01755, 0), "fchmodat");
	check(!stat(P("m"), &st) && (st.st_mode & 07777) == 01755, "mode 01755");
	/* Owners: -1 keeps; root may give the file away. */
	check(!chown(P("m"), -1, -1), "chown -1 -1");
	check(!stat(P("m"), &st) && st.st_uid == getuid() && st.st_gid == getgid(),
	      "owner kept");
	if (getuid() == 0) {
		check(!chown(P("m"), 1234, -1) && !fchown(fd, -1, 5678), "chown");
		check(!stat(P("m"), &st) && st.st_uid == 1234 && st.st_gid == 5678,
		      "owner 1234:5678");
		check(!symlink("m", P("ml")) && !lchown(P("ml"), 42, 43), "lchown");
		check(!lstat(P("ml"), &st) && st.st_uid == 42 && st.st_gid == 43,
		      "link owner");
		check(!stat(P("m"), &st) && st.st_uid == 1234, "target untouched");
		check(!fchownat(AT_FDCWD, P("m"), 0, 0, 0), "fchownat");
		check(!unlink(P("ml")), "unlink ml");
	}
	close(fd);
	/* Times: exact, UTIME_OMIT keeps, UTIME_NOW is now. */
	check(!utimensat(AT_FDCWD, P("m"), ts, 0), "utimensat: %s", strerror(errno));
	check(!stat(P("m"), &st) && st.st_atim.tv_sec == ts[0].tv_sec &&
	      st.st_atim.tv_nsec == ts[0].tv_nsec &&
	      st.st_mtim.tv_sec == ts[1].tv_sec &&
	      st.st_mtim.tv_nsec == ts[1].tv_nsec, "times set exactly");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	now = time(NULL);
	check(!utimensat(AT_FDCWD, P("m"), ts, 0), "utimensat OMIT/NOW");
	check(!stat(P("m"), &st) && st.st_atim.tv_sec == 1000000000 &&
	      st.st_mtim.tv_sec >= now - 2 && st.st_mtim.tv_sec <= now + 2,
	      "UTIME_OMIT kept atime, UTIME_NOW set mtime");
	fd = open(P("m"), O_RDONLY);
	check(!futimens(fd, NULL), "futimens");
	close(fd);
	ts[0].tv_nsec = 1000000000;
	CHECK_ERR(utimensat(AT_FDCWD, P("m"), ts, 0), EINVAL, "bad nsec");
	/* The umask applies to new files and directories. */
	old = umask(027);
	fd = open(P("um"), O_WRONLY | O_CREAT, 0666);
	check(!fstat(fd, &st) && (st.st_mode & 0777) == 0640, "umask file: %o",
	      st.st_mode & 0777);
	close(fd);
	check(!mkdir(P("umd"), 0777) && !stat(P("umd"), &st) &&
	      (st.st_mode & 0777) == 0750, "umask dir");
	umask(old);
	/* access as the caller's ids: no x bit, no X_OK. */
	chmod(P("m"), 0644);
	check(!access(P("m"), R_OK | W_OK), "access rw");
	CHECK_ERR(access(P("m"), X_OK), EACCES, "access x of 0644");
	check(!faccessat(AT_FDCWD, P("umd"), X_OK, 0), "access x of dir");
	CHECK_ERR(access(P("nope"), F_OK), ENOENT, "access missing");
	check(!unlink(P("m")) && !unlink(P("um")) && !rmdir(P("umd")), "clean attrs");
	say("attrs: chmod, chown, utimensat, umask, access");
}

static void test_statfs_sync(void)
{
	struct statfs sf;
	int fd;

	check(!statfs(dir, &sf), "statfs: %s", strerror(errno));
	check(sf.f_bsize > 0 && sf.f_blocks >= sf.f_bfree &&
	      sf.f_bfree >= sf.f_bavail && sf.f_namelen == 255,
	      "statfs fields");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	check(!fstatfs(fd, &sf) && sf.f_bsize > 0, "fstatfs");
	check(!syncfs(fd), "syncfs");
	close(fd);
	write_file(P("s"), 5000, 5);
	fd = open(P("s"), O_RDWR);
	check(write(fd, "x", 1) == 1, "write s");
	check(!fsync(fd), "fsync: %s", strerror(errno));
	check(!fdatasync(fd), "fdatasync");
	check(!fallocate(fd, 0, 0, 20000), "fallocate: %s", strerror(errno));
	check(size_of(P("s")) == 20000, "fallocate extended");
	close(fd);
	sync();
	check(!unlink(P("s")), "unlink s");
	say("statfs, fsync, fdatasync, fallocate, sync, syncfs");
}

static void test_mmap(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char buf[64];
	char *m;
	int fd;

	write_file(P("mm"), 3 * pg, 6);
	fd = open(P("mm"), O_RDWR);
	m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(m != MAP_FAILED, "mmap shared: %s", strerror(errno)))
		return;
	check((unsigned char)m[pg + 5] == pat(pg + 5, 6), "mapping has the file");
	/* write() is seen through an existing mapping. */
	check(pwrite(fd, "written", 7, 100) == 7, "pwrite");
	check(!memcmp(m + 100, "written", 7), "write() seen in the mapping");
	/* A store through the mapping is seen by read(). */
	memcpy(m + pg + 10, "stored", 6);
	check(pread(fd, buf, 6, pg + 10) == 6 && !memcmp(buf, "stored", 6),
	      "store seen by read()");
	memcpy(m + 2 * pg + 20, "synced", 6);
	check(!msync(m, 3 * pg, MS_SYNC), "msync: %s", strerror(errno));
	CHECK_ERR(msync(m + 1, pg, MS_SYNC), EINVAL, "msync unaligned");
	check(!munmap(m, 3 * pg), "munmap");
	close(fd);
	fd = open(P("mm"), O_RDONLY);
	check(pread(fd, buf, 6, 2 * pg + 20) == 6 && !memcmp(buf, "synced", 6),
	      "msync then a fresh read");
	CHECK_ERR((long)mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		  EACCES, "shared writable map of a read-only fd");
	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(m != MAP_FAILED, "private writable map of a read-only fd");
	if (m != MAP_FAILED) {
		m[0] = 'P';
		check(pread(fd, buf, 1, 0) == 1 && buf[0] == pat(0, 6),
		      "a private store stays private");
		munmap(m, pg);
	}
	close(fd);
	/* Stores reach the file at munmap without msync, too. */
	fd = open(P("mm"), O_RDWR);
	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (check(m != MAP_FAILED, "mmap again")) {
		memcpy(m + 300, "unmapped", 8);
		munmap(m, pg);
	}
	check(pread(fd, buf, 8, 300) == 8 && !memcmp(buf, "unmapped", 8),
	      "store kept after munmap");
	close(fd);
	check(!unlink(P("mm")), "unlink mm");
	say("mmap: write() seen by a mapping, stores seen by read(), msync");
}

static void test_cwd(void)
{
	char buf[PATH_MAX];
	int fd, dfd;

	check(!mkdir(P("c"), 0755), "mkdir c");
	check(!chdir(P("c")), "chdir: %s", strerror(errno));
	check(getcwd(buf, sizeof(buf)) && !strcmp(buf, P("c")), "getcwd %s", buf);
	fd = open("rel", O_WRONLY | O_CREAT, 0644);
	check(fd >= 0 && !access(P("c/rel"), F_OK), "relative create");
	close(fd);
	CHECK_ERR(chdir("rel"), ENOTDIR, "chdir to a file");
	CHECK_ERR(chdir("nope"), ENOENT, "chdir missing");
	check(!chdir(".."), "chdir ..");
	dfd = open("c", O_RDONLY | O_DIRECTORY);
	check(dfd >= 0, "open c");
	check(!mkdirat(dfd, "sub", 0755) && !unlinkat(dfd, "sub", AT_REMOVEDIR),
	      "mkdirat, unlinkat");
	check(!renameat(dfd, "rel", dfd, "rel2") && !unlinkat(dfd, "rel2", 0),
	      "renameat, unlinkat");
	check(!fchdir(dfd) && getcwd(buf, sizeof(buf)) && !strcmp(buf, P("c")),
	      "fchdir");
	close(dfd);
	check(!chdir("/") && !rmdir(P("c")), "rmdir c");
	say("cwd: chdir, fchdir, getcwd, *at calls");
}

static void make_keep(void)
{
	const char *hello = "hello from fstest\n";
	unsigned char *b = malloc(100000);
	int fd;

	check(!mkdir(P("keep"), 0755), "mkdir keep");
	fd = open(P("keep/hello.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	check(fd >= 0 && write(fd, hello, strlen(hello)) == (ssize_t)strlen(hello),
	      "hello.txt");
	check(!fsync(fd), "fsync hello.txt");
	close(fd);
	fill(b, 100000, 0, 11);
	fd = open(P("keep/data.bin"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	check(fd >= 0 && write(fd, b, 100000) == 100000, "data.bin");
	close(fd);
	free(b);
	say("keep: hello.txt, data.bin checksum %016llx",
	    (unsigned long long)sum_pattern(100000, 11));
}

/* The linker's bounds of the program's image (static, GNU ld). */
extern char __executable_start[], end[];

/*
 * Read every page of the program's image once: its text comes from the
 * disk, and a page first needed after the disk is gone could not be
 * loaded (on Linux too: SIGBUS).
 */
static void touch_image(void)
{
	volatile char *p;
	long pg = sysconf(_SC_PAGESIZE);

	for (p = __executable_start; p < end; p += pg)
		(void)*p;
}

static int kill_mode(const char *d, int seconds)
{
	static char buf[65536];
	time_t end = time(NULL) + seconds;
	unsigned long rounds = 0, i;
	uint64_t h = FNV_INIT, want = FNV_INIT;
	char *mem;
	int fd, err = 0;

	strcpy(dir, d);
	touch_image();
	check(!mkdir(dir, 0755) || errno == EEXIST, "mkdir %s", dir);
	fill((unsigned char *)buf, sizeof(buf), 0, KEPT_SEED);
	fd = open(P("kept"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	check(fd >= 0 && write(fd, buf, sizeof(buf)) == sizeof(buf) &&
	      !fsync(fd) && !close(fd), "write and fsync %s", P("kept"));
	say("kill: file calls until the storage node goes");
	while (time(NULL) < end && !err) {
		fd = open(P("k"), O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			err = errno;
			break;
		}
		fill((unsigned char *)buf, sizeof(buf), rounds, 3);
		if (write(fd, buf, sizeof(buf)) != sizeof(buf) ||
		    pread(fd, buf, sizeof(buf), 0) != sizeof(buf) || fsync(fd))
			err = errno;
		close(fd);
		rounds++;
	}
	check(err == EIO, "file calls ended with errno %d (%s), expected EIO",
	      err, strerror(err));
	say("kill: a file call failed with %s", err == EIO ? "EIO" : "something else");
	CHECK_ERR(open(P("k2"), O_RDWR | O_CREAT, 0644), EIO, "open after the kill");
	/* Anonymous memory lives on M: it still works. */
	mem = malloc(16 << 20);
	if (check(mem != NULL, "malloc")) {
		for (i = 0; i < (16 << 20); i++)
			mem[i] = (char)(i * 7);
		for (i = 0; i < (16 << 20); i++)
			h = (h ^ (unsigned char)mem[i]) * 0x100000001b3ULL;
		for (i = 0; i < (16 << 20); i++)
			want = (want ^ (unsigned char)(i * 7)) * 0x100000001b3ULL;
		check(h == want, "anonymous memory reads back what was stored");
		say("kill: anonymous memory works, checksum %016llx",
		    (unsigned long long)h);
		free(mem);
	}
	return utest_finish();
}

/* fstest -c DIR: DIR/kept as kill_mode() fsynced it. */
static int check_kept(const char *d)
{
	static unsigned char want[65536], buf[sizeof(want) + 1];
	int fd;

	strcpy(dir, d);
	fill(want, sizeof(want), 0, KEPT_SEED);
	fd = open(P("kept"), O_RDONLY);
	if (check(fd >= 0, "open %s: %s", P("kept"), strerror(errno))) {
		/* One byte more than it should hold: it must be exact. */
		check(read(fd, buf, sizeof(buf)) == sizeof(want) &&
		      !memcmp(buf, want, sizeof(want)),
		      "%s holds what was fsynced before the kill", P("kept"));
		close(fd);
	}
	say("kept: %s", utest_failed ? "damaged" : "intact");
	return utest_finish();
}

int main(int argc, char **argv)
{
	size_t big = 4096;

	utest_init("fstest");
	if (argc == 4 && !strcmp(argv[1], "-k"))
		return kill_mode(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "-c"))
		return check_kept(argv[2]);
	if (argc < 2 || strlen(argv[1]) > 200 || argv[1][0] != '/') {
		fprintf(stderr, "usage: fstest /ABSOLUTE/DIR [BIG_KIB]\n");
		return 2;
	}
	if (argc > 2)
		big = strtoul(argv[2], NULL, 0);
	strcpy(dir, argv[1]);
	if (!check(!mkdir(dir, 0755), "mkdir %s: %s", dir, strerror(errno)))
		return utest_finish();
	test_create_read();
	test_rename();
	test_truncate();
	test_list();
	test_errors();
	test_links();
	test_attrs();
	test_statfs_sync();
	test_mmap();
	test_cwd();
	test_big(big);
	check(!unlink(P("a")) && !unlink(P("ap")), "clean up");
	make_keep();
	return utest_finish();
}
