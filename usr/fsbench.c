// SPDX-License-Identifier: GPL-2.0
/*
 * fsbench DIR MB NFILES - file system figures for scripts/bench-storage:
 * a sequential write of an MB MiB file (1 MiB writes, then fsync), its
 * sequential read, and a small-file workload (create and write 1 KiB,
 * stat, read, unlink NFILES files).  The same binary runs on Tessera and
 * on Linux; the data is checked, so a fast wrong answer fails.
 *
 * Prints "fsbench: NAME MS ms" lines and "fsbench: OK".
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utest.h"

#define CHUNK		(1024 * 1024)
#define SMALL		1024

static char *buf;

static void fill(char *p, size_t len, uint64_t seed)
{
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t v = mix64(seed + i);

		memcpy(p + i, &v, 8);
	}
}

static double ms_since(uint64_t t0)
{
	return (now_ns() - t0) / 1e6;
}

static void report(const char *what, double ms, double mb)
{
	if (mb > 0)
		say("%s %.1f ms (%.1f MiB/s)", what, ms, mb * 1000.0 / ms);
	else
		say("%s %.1f ms", what, ms);
}

static void big_file(const char *dir, long mb)
{
	char path[512], *want = malloc(CHUNK);
	uint64_t t0;
	long i;
	int fd, bad = 0;

	snprintf(path, sizeof(path), "%s/big", dir);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (!check(fd >= 0, "open %s for writing: %s", path, strerror(errno)))
		return;
	t0 = now_ns();
	for (i = 0; i < mb; i++) {
		fill(buf, CHUNK, i);
		if (write(fd, buf, CHUNK) != CHUNK) {
			check(0, "write chunk %ld: %s", i, strerror(errno));
			close(fd);
			return;
		}
	}
	check(fsync(fd) == 0, "fsync: %s", strerror(errno));
	check(close(fd) == 0, "close after writing");
	report("seq-write", ms_since(t0), mb);

	fd = open(path, O_RDONLY);
	if (!check(fd >= 0, "open %s for reading: %s", path, strerror(errno)))
		return;
	t0 = now_ns();
	for (i = 0; i < mb; i++) {
		if (read(fd, buf, CHUNK) != CHUNK) {
			check(0, "read chunk %ld: %s", i, strerror(errno));
			break;
		}
		fill(want, CHUNK, i);
		bad += memcmp(buf, want, CHUNK) != 0;
	}
	report("seq-read", ms_since(t0), mb);
	check(bad == 0, "%d chunks read back wrong", bad);
	close(fd);
	check(unlink(path) == 0, "unlink %s", path);
	free(want);
}

static void small_files(const char *dir, long n)
{
	char path[512];
	struct stat st;
	uint64_t t0;
	long i, bad = 0;
	int fd;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%05ld", dir, i);
		fill(buf, SMALL, i);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || write(fd, buf, SMALL) != SMALL) {
			check(0, "create %s: %s", path, strerror(errno));
			return;
		}
		close(fd);
	}
	report("small-create", ms_since(t0), 0);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%05ld", dir, i);
		bad += stat(path, &st) != 0 || st.st_size != SMALL;
	}
	report("small-stat", ms_since(t0), 0);
	check(bad == 0, "%ld stats wrong", bad);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		char want[SMALL];

		snprintf(path, sizeof(path), "%s/f%05ld", dir, i);
		fd = open(path, O_RDONLY);
		fill(want, SMALL, i);
		bad += fd < 0 || read(fd, buf, SMALL) != SMALL ||
		       memcmp(buf, want, SMALL);
		if (fd >= 0)
			close(fd);
	}
	report("small-read", ms_since(t0), 0);
	check(bad == 0, "%ld small files read back wrong", bad);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%05ld", dir, i);
		bad += unlink(path) != 0;
	}
	report("small-unlink", ms_since(t0), 0);
	check(bad == 0, "%ld unlinks failed", bad);
}

int main(int argc, char **argv)
{
	long mb, n;

	utest_init("fsbench");
	if (argc != 4) {
		fprintf(stderr, "usage: fsbench DIR MB NFILES\n");
		return 2;
	}
	mb = atol(argv[2]);
	n = atol(argv[3]);
	buf = malloc(CHUNK);
	if (!buf || (mkdir(argv[1], 0755) && errno != EEXIST)) {
		perror("fsbench: setup");
		return 1;
	}
	big_file(argv[1], mb);
	small_files(argv[1], n);
	rmdir(argv[1]);
	return utest_finish();
}
