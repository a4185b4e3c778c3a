// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz fs/ext2/ (built with ASan and UBSan): images made by mke2fs get
 * random damage in the superblock, the group descriptors, the inode
 * table and the blocks a clean walk reads (directories, indirect blocks,
 * symlinks), then are mounted, walked, read and changed.  Anything but
 * a crash, a sanitizer report or a hang passes; the run is bounded in
 * iterations and time.  "test_ext2_fuzz SEED" replays one iteration.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "ext2_host.h"

#define ITERATIONS	4000
#define TIME_LIMIT	45	/* seconds for the whole run */
#define READ_CAP	(64 << 10)	/* bytes read per file */

struct image {
	const char *label;
	u8 *data;
	u64 size;
	u32 bsize;
	u32 *blocks;		/* blocks a clean walk read */
	size_t nblocks;
	u32 itable, itable_len;	/* group 0's inode table, in blocks */
};

static struct image images[2];
static u64 cur_seed;
static u64 rs;
static unsigned long mounted, files_read;

static u64 rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}


static void on_alarm(int sig)
{
	(void)sig;
	fprintf(stderr, "test_ext2_fuzz: seed %llu hangs\n",
		(unsigned long long)cur_seed);
	_exit(1);
}

/* A disk that records which blocks are read. */
static struct image *tracing;

static int trace_read(void *dev, u64 off, void *buf, size_t len)
{
	struct host_disk *d = dev;
	struct image *im = tracing;

	if (off > d->size || len > d->size - off)
		return -5;
	memcpy(buf, d->mem + off, len);
	if (im && len == im->bsize) {
		im->blocks = realloc(im->blocks, (im->nblocks + 1) * 4);
		im->blocks[im->nblocks++] = off / im->bsize;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

struct walk {
	struct ext2_fs *fs;
	u32 names[64];
	char paths[64][300];
	int n;
	int entries;
};

static bool emit(void *arg, const char *name, size_t len, u32 ino, u8 type,
		 u64 next)
{
	struct walk *w = arg;

	if (++w->entries > 2000)
		return false;
	if (w->n < 64 && len < 200 && !memchr(name, '/', len) &&
	    !memchr(name, 0, len)) {
		w->names[w->n] = ino;
		memcpy(w->paths[w->n], name, len);
		w->paths[w->n][len] = 0;
		w->n++;
	}
	return true;
}

static u8 rbuf[READ_CAP];
static u8 *scratch;	/* the damaged image, as big as the largest */

/* Keep ASan's quarantine small: the run frees a lot of cache buffers. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=32:malloc_context_size=8";
}

static void walk_dir(struct ext2_fs *fs, u32 dir, const char *path, int depth,
		     int *budget)
{
	struct walk *w;
	u64 cursor = 0;
	int i;

	if (depth > 12 || --*budget < 0)
		return;
	w = calloc(1, sizeof(*w));
	w->fs = fs;
	/* Twice: once whole, once from a cursor in the middle. */
	ext2_readdir(fs, dir, 0, emit, w);
	cursor = rnd() % 4096;
	ext2_readdir(fs, dir, cursor, emit, w);
	for (i = 0; i < w->n; i++) {
		char p[700], t[4096];
		struct sp_attr a;
		u32 ino;

		if (!strcmp(w->paths[i], ".") || !strcmp(w->paths[i], ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, w->paths[i]);
		ext2_walk(fs, p, strlen(p), false, &ino);
		ext2_walk(fs, p, strlen(p), true, &ino);
		if (ext2_stat(fs, w->names[i], &a))
			continue;
		ext2_getattr(fs, w->names[i], a.gen, &a);
		switch (a.mode & 0170000) {
		case 0100000:
			if (ext2_read(fs, w->names[i], 0, rbuf, READ_CAP) > 0)
				files_read++;
			if (a.size > READ_CAP)
				ext2_read(fs, w->names[i], a.size - 5000, rbuf,
					  8192);
			ext2_read(fs, w->names[i], rnd() % (a.size + 1), rbuf,
				  4096);
			break;
		case 0120000:
			ext2_readlink(fs, w->names[i], t, sizeof(t));
			break;
		case 0040000:
			if (strlen(p) < 250)
				walk_dir(fs, w->names[i], p, depth + 1, budget);
			break;
		}
	}
	free(w);
}

static void changes(struct ext2_fs *fs)
{
	static u8 wbuf[70000];
	u32 ino, dir;
	const char *name;
	size_t nl;
	struct sp_attr a = { 0 };
	char p[64];

	memset(wbuf, 0x5a, sizeof(wbuf));
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "fz%d", i);
		if (!ext2_create(fs, EXT2_ROOT_INO, p, strlen(p),
				 0100644, 0, 0, 0, NULL, 0, &ino)) {
			ext2_write(fs, ino, rnd() % 300000, wbuf,
				   rnd() % sizeof(wbuf));
			a.size = rnd() % 100000;
			ext2_setattr(fs, ino, SP_ATTR_SIZE, &a);
		}
	}
	ext2_create(fs, EXT2_ROOT_INO, "fzd", 3, 040755, 0, 0, 0, NULL, 0, &ino);
	ext2_create(fs, ino, "l", 1, 0120777, 0, 0, 0,
		    "a-rather-long-symlink-target-that-needs-a-block-of-its-own-xxxxx",
		    64, &dir);
	ext2_rename(fs, EXT2_ROOT_INO, "fz0", 3, ino, "moved", 5);
	ext2_rename(fs, EXT2_ROOT_INO, "d", 1, ino, "d", 1);
	ext2_rename(fs, EXT2_ROOT_INO, "fzd", 3, EXT2_ROOT_INO, "d", 1);
	ext2_unlink(fs, EXT2_ROOT_INO, "fz1", 3, false);
	ext2_unlink(fs, EXT2_ROOT_INO, "big", 3, false);
	ext2_unlink(fs, EXT2_ROOT_INO, "e", 1, true);
	if (!ext2_walk_parent(fs, "/d/sub/f", 8, &dir, &name, &nl))
		ext2_unlink(fs, dir, name, nl, false);
	if (!ext2_walk(fs, "/f2", 3, false, &ino)) {
		ext2_link(fs, ino, EXT2_ROOT_INO, "f2b", 3);
		ext2_write(fs, ino, 5000, wbuf, 3000);
	}
	if (!ext2_walk(fs, "/mid", 4, false, &ino)) {
		a.size = 1000;
		ext2_setattr(fs, ino, SP_ATTR_SIZE | SP_ATTR_MODE, &a);
	}
}

static void one(u64 seed, bool verbose)
{
	struct image *im = &images[seed & 1];
	struct host_disk disk;
	struct ext2_fs *fs;
	struct sp_statfs st;
	u8 *img = scratch;
	int n, budget = 200;

	rs = seed * 0x9E3779B97F4A7C15ull + 1;
	rnd();
	memcpy(img, im->data, im->size);
	n = 1 + rnd() % 8;
	for (int i = 0; i < n; i++) {
		u32 r = rnd() % 100, blk;
		u64 off;

		if (r < 20)
			off = 1024 + rnd() % 256;	/* the superblock's fields */
		else if (r < 35)
			off = (u64)(im->bsize == 1024 ? 2 : 1) * im->bsize +
			      rnd() % 64;
		else if (r < 55)
			off = (u64)(im->itable + rnd() % im->itable_len) *
			      im->bsize + rnd() % im->bsize;
		else {
			blk = im->blocks[rnd() % im->nblocks];
			off = (u64)blk * im->bsize + rnd() % im->bsize;
		}
		switch (rnd() % 4) {
		case 0:
			img[off] ^= 1u << (rnd() % 8);
			break;
		case 1:
			img[off] = rnd();
			break;
		case 2:
			img[off] = (rnd() & 1) ? 0 : 0xff;
			break;
		default:
			off &= ~3ull;
			{
				u32 v = rnd() % 3 ? rnd() % 70000 : (u32)rnd();

				memcpy(img + off, &v, 4);
			}
		}
	}
	if (verbose)
		ext2_host_quiet = 0;
	host_disk_mem(&disk, img, im->size);
	if (!ext2_mount(&disk.bdev, rnd() % 4 ? 0 : EXT2_MOUNT_RDONLY, &fs)) {
		mounted++;
		ext2_statfs(fs, &st);
		walk_dir(fs, EXT2_ROOT_INO, "", 0, &budget);
		changes(fs);
		budget = 200;
		walk_dir(fs, EXT2_ROOT_INO, "", 0, &budget);
		ext2_sync(fs);
		ext2_umount(fs);
	}
}

/* ------------------------------------------------------------------ */

static int load_image(struct image *im, const char *dir, const char *opts,
		      const char *size)
{
	char path[600];
	struct host_disk disk;
	struct ext2_fs *fs;
	struct stat st;
	int fd, budget = 1000;

	snprintf(path, sizeof(path), "%s/img", dir);
	unlink(path);
	if (host_sh("mke2fs -q -F -t ext2 %s -d %s/tree %s %s > /dev/null", opts, dir,
	       path, size))
		return -1;
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return -1;
	im->size = st.st_size;
	im->data = malloc(im->size);
	if (pread(fd, im->data, im->size, 0) != (ssize_t)im->size)
		return -1;
	close(fd);
	host_disk_mem(&disk, im->data, im->size);
	disk.bdev.read = trace_read;
	tracing = im;
	if (ext2_mount(&disk.bdev, EXT2_MOUNT_RDONLY, &fs))
		return -1;
	im->bsize = 1024u << *(u32 *)(im->data + 1024 + 24);
	im->itable = *(u32 *)(im->data + (im->bsize == 1024 ? 2 : 1) *
			      im->bsize + 8);
	im->itable_len = 16;
	walk_dir(fs, EXT2_ROOT_INO, "", 0, &budget);
	ext2_umount(fs);
	tracing = NULL;
	return im->nblocks ? 0 : -1;
}

static void make_tree(const char *dir)
{
	host_sh("set -e; cd %s; mkdir -p tree/d/sub tree/e tree/many; cd tree;"
	   "head -c 300000 /dev/urandom > big; head -c 5000 /dev/urandom > mid;"
	   "echo hello > f2; ln -s f2 fast;"
	   "ln -s d/sub/$(printf 'x%%.0s' $(seq 120)) slow; echo deep > d/sub/f;"
	   "ln f2 d/hard; for i in $(seq 80); do echo $i > many/entry-$i; done;"
	   "ln -s loop1 loop2; ln -s loop2 loop1", dir);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ext2fuzz.XXXXXX";
	time_t start = time(NULL);
	u64 base, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("PATH", "/usr/sbin:/sbin:/usr/bin:/bin", 1);
	if (!mkdtemp(dir))
		return 1;
	make_tree(dir);
	if (load_image(&images[0], dir, "-b 1024", "2M") ||
	    load_image(&images[1], dir, "-b 4096 -N 128", "4M")) {
		printf("test_ext2_fuzz: cannot make the images (e2fsprogs?)\n");
		host_sh("rm -rf %s", dir);
		return 1;
	}
	host_sh("rm -rf %s", dir);
	scratch = malloc(images[0].size > images[1].size ? images[0].size :
			 images[1].size);
	signal(SIGALRM, on_alarm);
	ext2_host_quiet = 1;
	if (argc > 1) {
		cur_seed = strtoull(argv[1], NULL, 0);
		one(cur_seed, true);
		printf("seed %llu done\n", (unsigned long long)cur_seed);
		return 0;
	}
	base = (u64)start * ITERATIONS;	/* runs never repeat seeds */
	for (i = 0; i < ITERATIONS; i++) {
		if (time(NULL) - start > TIME_LIMIT)
			break;
		cur_seed = base + i;
		alarm(10);
		one(cur_seed, false);
	}
	alarm(0);
	printf("test_ext2_fuzz: %llu images in %lds (%lu mounted, %lu file reads), %lu log lines, no crash\n",
	       (unsigned long long)i, (long)(time(NULL) - start), mounted,
	       files_read, ext2_host_log_lines);
	/* Slow only on a loaded host; a handful would mean a real problem. */
	if (i < 500) {
		printf("test_ext2_fuzz: too slow, only %llu images\n",
		       (unsigned long long)i);
		return 1;
	}
	return 0;
}
