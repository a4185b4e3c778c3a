// SPDX-License-Identifier: GPL-2.0
/*
 * mmtest - the semantics of mmap, munmap, mremap, mprotect, brk and
 * madvise(MADV_DONTNEED) that must hold without signals: zero fill,
 * MAP_FIXED replacement, partial munmap, mremap grow/move/shrink, mprotect
 * round trips, the errno of invalid calls, brk grow/shrink, a private file
 * mapping of our own executable compared with read(), and DONTNEED pages
 * reading back zero.  Nothing here faults on purpose.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "utest.h"

#define PG 4096ul

static unsigned char *map_anon(size_t pages, int prot)
{
	void *p = mmap(NULL, pages * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!check(p != MAP_FAILED, "mmap of %zu anonymous pages failed: %s", pages,
		   strerror(errno)))
		return NULL;
	return p;
}

/* Page i of a mapping holds byte (tag + i) everywhere. */
static void pattern(unsigned char *p, size_t first, size_t n, unsigned char tag)
{
	for (size_t i = first; i < first + n; i++)
		memset(p + i * PG, (unsigned char)(tag + i), PG);
}

static int page_is(const unsigned char *p, size_t i, unsigned char v)
{
	const volatile unsigned char *q = p + i * PG;

	for (size_t b = 0; b < PG; b += 64)
		if (q[b] != v || q[b + 63] != v)
			return 0;
	return 1;
}

static int pages_are(const unsigned char *p, size_t first, size_t n, unsigned char tag)
{
	for (size_t i = first; i < first + n; i++)
		if (!page_is(p, i, (unsigned char)(tag + i)))
			return 0;
	return 1;
}

static int pages_zero(const unsigned char *p, size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++)
		if (!page_is(p, i, 0))
			return 0;
	return 1;
}

static void test_anon(void)
{
	unsigned char *p = map_anon(16, PROT_READ | PROT_WRITE);

	if (!p)
		return;
	check(((unsigned long)p & (PG - 1)) == 0, "mmap returned unaligned %p", (void *)p);
	check(pages_zero(p, 0, 16), "fresh anonymous memory is not zero");
	pattern(p, 0, 16, 0x10);
	check(pages_are(p, 0, 16, 0x10), "anonymous memory does not keep what was written");
	check(munmap(p, 16 * PG) == 0, "munmap of 16 pages failed");
	say("anonymous zero fill and read-back: done");
}

static void test_fixed(void)
{
	unsigned char *p = map_anon(4, PROT_READ | PROT_WRITE), *q;

	if (!p)
		return;
	pattern(p, 0, 4, 0x20);
	q = mmap(p + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	check(q == p + PG, "MAP_FIXED returned %p, expected %p", (void *)q, (void *)(p + PG));
	check(pages_zero(p, 1, 2), "MAP_FIXED replacement does not read zero");
	check(page_is(p, 0, 0x20) && page_is(p, 3, 0x23),
	      "MAP_FIXED changed the pages around the replaced range");
	munmap(p, 4 * PG);
	say("MAP_FIXED replace: done");
}

static void test_munmap_middle(void)
{
	unsigned char *p = map_anon(8, PROT_READ | PROT_WRITE), *q;

	if (!p)
		return;
	pattern(p, 0, 8, 0x30);
	check(munmap(p + 3 * PG, 2 * PG) == 0, "munmap of the middle 2 pages failed");
	check(pages_are(p, 0, 3, 0x30) && pages_are(p, 5, 3, 0x30),
	      "the pages around an munmap()ed hole changed");
	/* Map the hole again: it is fresh memory. */
	q = mmap(p + 3 * PG, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(q == p + 3 * PG, "remapping the hole returned %p", (void *)q);
	check(pages_zero(p, 3, 2), "the remapped hole is not zero");
	check(munmap(p, 8 * PG) == 0, "munmap of a range with two mappings failed");
	/* munmap of a range that is no longer mapped succeeds. */
	check(munmap(p, 8 * PG) == 0, "munmap of an unmapped range failed");
	say("munmap of a middle part: done");
}

static void test_mremap(void)
{
	unsigned char *p = map_anon(5, PROT_READ | PROT_WRITE), *q, *r;

	if (!p)
		return;
	/* Pages 0-3 are the mapping; page 4 blocks growth in place. */
	pattern(p, 0, 5, 0x40);
	q = mremap(p, 4 * PG, 16 * PG, 0);
	CHECK_ERR(q == MAP_FAILED ? -1 : 0, ENOMEM, "mremap grow without MAYMOVE, no room");
	q = mremap(p, 4 * PG, 16 * PG, MREMAP_MAYMOVE);
	if (check(q != MAP_FAILED, "mremap grow with MREMAP_MAYMOVE failed: %s", strerror(errno))) {
		check(q != p, "mremap MAYMOVE did not move although page 4 was in the way");
		check(pages_are(q, 0, 4, 0x40), "mremap MAYMOVE lost the contents");
		check(pages_zero(q, 4, 12), "the grown part is not zero");
		pattern(q, 4, 12, 0x50);
		check(page_is(p, 4, 0x44), "the blocking page changed");
		/* Shrink in place. */
		r = mremap(q, 16 * PG, 2 * PG, 0);
		check(r == q, "mremap shrink returned %p, expected %p", (void *)r, (void *)q);
		check(pages_are(q, 0, 2, 0x40), "mremap shrink lost the contents");
		munmap(q, 2 * PG);
	}
	munmap(p + 4 * PG, PG);

	/* Grow in place where there is room. */
	p = map_anon(8, PROT_READ | PROT_WRITE);
	if (!p)
		return;
	pattern(p, 0, 4, 0x60);
	munmap(p + 4 * PG, 4 * PG);
	q = mremap(p, 4 * PG, 8 * PG, 0);
	if (check(q == p, "mremap grow in place returned %p (%s), expected %p", (void *)q,
		  q == MAP_FAILED ? strerror(errno) : "moved", (void *)p)) {
		check(pages_are(p, 0, 4, 0x60), "mremap in place lost the contents");
		check(pages_zero(p, 4, 4), "the part grown in place is not zero");
		munmap(p, 8 * PG);
	}
	say("mremap grow, move and shrink: done");
}

static void test_mprotect(void)
{
	unsigned char *p = map_anon(2, PROT_READ | PROT_WRITE);

	if (!p)
		return;
	pattern(p, 0, 2, 0x70);
	check(mprotect(p, 2 * PG, PROT_READ) == 0, "mprotect PROT_READ failed");
	check(pages_are(p, 0, 2, 0x70), "contents changed under mprotect PROT_READ");
	check(mprotect(p, PG, PROT_READ | PROT_WRITE) == 0, "mprotect back to RW failed");
	pattern(p, 0, 1, 0x80);
	check(page_is(p, 0, 0x80) && page_is(p, 1, 0x71), "write after mprotect RW");
	/* musl rounds the address down itself: ask the kernel directly. */
	CHECK_ERR(syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL, "mprotect unaligned");
	munmap(p, 2 * PG);

	/* PROT_NONE, never touched, then made usable. */
	p = map_anon(3, PROT_NONE);
	if (!p)
		return;
	check(mprotect(p, 3 * PG, PROT_READ | PROT_WRITE) == 0, "mprotect NONE -> RW failed");
	check(pages_zero(p, 0, 3), "PROT_NONE memory made RW is not zero");
	pattern(p, 0, 3, 0x90);
	check(pages_are(p, 0, 3, 0x90), "PROT_NONE memory made RW does not keep data");
	munmap(p, 3 * PG);
	say("mprotect: done");
}

static void test_errors(void)
{
	unsigned char *p = map_anon(2, PROT_READ | PROT_WRITE);
	void *q;

	if (!p)
		return;
	CHECK_ERR(munmap(p + 1, PG), EINVAL, "munmap unaligned");
	CHECK_ERR(munmap(p, 0), EINVAL, "munmap length 0");
	q = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_ERR(q == MAP_FAILED ? -1 : 0, EINVAL, "mmap length 0");
	q = mmap(p + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK_ERR(q == MAP_FAILED ? -1 : 0, EINVAL, "mmap MAP_FIXED unaligned");
	q = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0);
	CHECK_ERR(q == MAP_FAILED ? -1 : 0, EBADF, "mmap of fd -1 without MAP_ANONYMOUS");
	CHECK_ERR(madvise(p + 1, PG, MADV_DONTNEED), EINVAL, "madvise unaligned");
	check(page_is(p, 0, 0), "failed calls changed the mapping");
	munmap(p, 2 * PG);
	say("errno of invalid calls: done");
}

static void test_brk(void)
{
	unsigned long cur = syscall(SYS_brk, 0), r;
	unsigned char *b = (unsigned char *)cur;

	if (!check(cur != 0 && cur != (unsigned long)-1, "brk(0) returned 0x%lx", cur))
		return;
	say("brk starts at 0x%lx", cur);
	r = syscall(SYS_brk, cur + 64 * 1024);
	if (!check(r == cur + 64 * 1024, "brk grow by 64 KiB returned 0x%lx", r))
		return;
	/* The program break need not be page aligned: start at the next page. */
	b = (unsigned char *)((cur + PG - 1) & ~(PG - 1));
	check(pages_zero(b, 0, 8), "memory above the break is not zero");
	memset(b, 0xa5, 8 * PG);
	check(page_is(b, 7, 0xa5), "memory above the break does not keep data");
	r = syscall(SYS_brk, (unsigned long)b + PG);
	check(r == (unsigned long)b + PG, "brk shrink returned 0x%lx", r);
	check(page_is(b, 0, 0xa5), "brk shrink lost the page below the new break");
	r = syscall(SYS_brk, cur + 64 * 1024);
	check(r == cur + 64 * 1024, "brk grow again returned 0x%lx", r);
	check(pages_zero(b, 1, 7), "memory given back by brk and taken again is not zero");
	/* A break below the start is refused: the break stays. */
	r = syscall(SYS_brk, 0x1000);
	check(r == cur + 64 * 1024, "brk(0x1000) returned 0x%lx, expected the old break", r);
	r = syscall(SYS_brk, cur);
	check(r == cur, "brk back to the start returned 0x%lx", r);
	say("brk grow and shrink: done");
}

static void test_file_mapping(const char *argv0)
{
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	struct stat st;
	unsigned char *buf, *m;
	size_t size, tail;
	int fd;

	if (n > 0) {
		path[n] = 0;
		say("/proc/self/exe -> %s", path);
	} else {
		check(0, "readlink(/proc/self/exe) failed: %s", strerror(errno));
		snprintf(path, sizeof(path), "%s", argv0);
	}
	fd = open(path, O_RDONLY);
	if (!check(fd >= 0, "open %s: %s", path, strerror(errno)))
		return;
	if (!check(fstat(fd, &st) == 0 && st.st_size > (off_t)(2 * PG), "fstat %s", path))
		goto out;
	size = st.st_size;
	buf = malloc(size);
	if (!buf)
		goto out;
	for (size_t off = 0; off < size; off += (size_t)n) {
		n = pread(fd, buf + off, size - off, off);
		if (!check(n > 0, "pread at %zu: %s", off, n ? strerror(errno) : "EOF"))
			goto out_free;
	}
	m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (check(m != MAP_FAILED, "mmap of %s: %s", path, strerror(errno))) {
		check(memcmp(m, buf, size) == 0, "the file mapping differs from read()");
		check(memcmp(m, "\177ELF", 4) == 0, "the file mapping does not start with ELF");
		/* Bytes past the end of the file in its last page read zero. */
		tail = size & (PG - 1);
		if (tail) {
			const volatile unsigned char *t = m + size;
			int zero = 1;

			for (size_t i = 0; i < PG - tail; i++)
				zero &= t[i] == 0;
			check(zero, "the last page of the file mapping is not zero past EOF");
		}
		munmap(m, size);
	}
	/* An offset mapping, written privately: the file does not change. */
	m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
	if (check(m != MAP_FAILED, "mmap at offset 4096: %s", strerror(errno))) {
		unsigned char again[64];

		check(memcmp(m, buf + PG, 2 * PG) == 0, "the offset file mapping differs from read()");
		memset(m, 0xee, 64);
		check(m[0] == 0xee && m[64] == buf[PG + 64], "a private file page does not keep a write");
		check(pread(fd, again, 64, PG) == 64 && memcmp(again, buf + PG, 64) == 0,
		      "writing a MAP_PRIVATE mapping changed the file");
		munmap(m, 2 * PG);
	}
	check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, path, 4) == 4 && !memcmp(path, "\177ELF", 4),
	      "lseek + read of the ELF header");
	say("private file mapping of %zu bytes: done", size);
out_free:
	free(buf);
out:
	close(fd);
}

static void test_dontneed(void)
{
	unsigned char *p = map_anon(8, PROT_READ | PROT_WRITE);

	if (!p)
		return;
	pattern(p, 0, 8, 0xa0);
	check(madvise(p + 2 * PG, 4 * PG, MADV_DONTNEED) == 0, "madvise DONTNEED failed: %s",
	      strerror(errno));
	check(pages_zero(p, 2, 4), "anonymous pages read back non-zero after MADV_DONTNEED");
	check(pages_are(p, 0, 2, 0xa0) && pages_are(p, 6, 2, 0xa0),
	      "MADV_DONTNEED changed pages outside its range");
	pattern(p, 2, 4, 0xb0);
	check(pages_are(p, 2, 4, 0xb0), "pages after MADV_DONTNEED do not keep data");
	munmap(p, 8 * PG);
	say("madvise(MADV_DONTNEED): done");
}

static void test_large_lazy(void)
{
	/* 256 MiB reserved, 3 pages touched: nothing else is backed. */
	unsigned char *p = map_anon(65536, PROT_READ | PROT_WRITE);

	if (!p)
		return;
	p[0] = 1;
	p[32768 * PG] = 2;
	p[65535 * PG + PG - 1] = 3;
	check(p[0] == 1 && p[32768 * PG] == 2 && p[65535 * PG + PG - 1] == 3 && p[PG] == 0,
	      "sparse writes to a 256 MiB mapping");
	check(munmap(p, 65536 * PG) == 0, "munmap of 256 MiB failed");
	say("a sparse 256 MiB mapping: done");
}

int main(int argc, char **argv)
{
	(void)argc;
	utest_init("mmtest");
	say("start");
	test_anon();
	test_fixed();
	test_munmap_middle();
	test_mremap();
	test_mprotect();
	test_errors();
	test_brk();
	test_file_mapping(argv[0]);
	test_dontneed();
	test_large_lazy();
	return utest_finish();
}
