// SPDX-License-Identifier: GPL-2.0
/*
 * fsbench DIR MIB NFILES: file system timings for scripts/bench-storage,
 * the same on Linux and on Tessera.  In DIR (which must exist):
 *   - write a MIB MiB file in 1 MiB write()s, then fsync it;
 *   - read it back in 1 MiB read()s (checking every byte);
 *   - NFILES small files: create and write 100 bytes each, then stat,
 *     read and unlink each, and fsync DIR's file system at the end.
 * One line per figure: "fsbench: NAME: MS ms (RATE)", then "fsbench: OK".
 * Each phase checks what it reads; the first failure ends the run.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "utest.h"

#define CHUNK	(1 << 20)

static char buf[CHUNK];

static void fill(unsigned char *p, size_t len, uint64_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)mix64((off + i) >> 3 ^ (off + i) << 7);
}

static double ms_since(uint64_t t0)
{
	return (double)(now_ns() - t0) / 1e6;
}

static int fail(const char *what)
{
	check(0, "%s: %s", what, strerror(errno));
	return utest_finish();
}

int main(int argc, char **argv)
{
	static unsigned char want[CHUNK];
	char path[4096], small[100];
	long mib, nfiles, i;
	uint64_t t0;
	struct stat st;
	double ms;
	int fd;

	utest_init("fsbench");
	if (argc != 4 || (mib = atol(argv[2])) <= 0 || (nfiles = atol(argv[3])) <= 0) {
		printf("usage: fsbench DIR MIB NFILES\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/fsbench.big", argv[1]);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	if (fd < 0)
		return fail("create the big file");
	t0 = now_ns();
	for (i = 0; i < mib; i++) {
		fill((unsigned char *)buf, CHUNK, (uint64_t)i * CHUNK);
		if (write(fd, buf, CHUNK) != CHUNK)
			return fail("write");
	}
	if (fsync(fd))
		return fail("fsync");
	ms = ms_since(t0);
	close(fd);
	say("sequential write %ld MiB: %.1f ms (%.2f MiB/s)", mib, ms,
	       mib * 1000.0 / ms);

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open the big file");
	t0 = now_ns();
	for (i = 0; i < mib; i++) {
		if (read(fd, buf, CHUNK) != CHUNK)
			return fail("read");
		fill(want, CHUNK, (uint64_t)i * CHUNK);
		if (memcmp(buf, want, CHUNK)) {
			check(0, "the big file differs in MiB %ld", i);
			return utest_finish();
		}
	}
	ms = ms_since(t0);
	close(fd);
	if (unlink(path))
		return fail("unlink the big file");
	say("sequential read %ld MiB: %.1f ms (%.2f MiB/s)", mib, ms,
	       mib * 1000.0 / ms);

	memset(small, 'x', sizeof(small));
	t0 = now_ns();
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", argv[1], i);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || write(fd, small, sizeof(small)) != sizeof(small))
			return fail("create a small file");
		close(fd);
	}
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", argv[1], i);
		if (stat(path, &st) || st.st_size != sizeof(small))
			return fail("stat a small file");
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(small) + 1) != sizeof(small))
			return fail("read a small file");
		close(fd);
		if (unlink(path))
			return fail("unlink a small file");
	}
	sync();
	ms = ms_since(t0);
	say("small files %ld (create, stat, read, unlink): %.1f ms (%.0f files/s)",
	       nfiles, ms, nfiles * 1000.0 / ms);
	check(1, "done");
	return utest_finish();
}
