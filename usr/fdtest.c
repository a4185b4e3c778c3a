// SPDX-License-Identifier: GPL-2.0
/*
 * fdtest - file descriptors as Linux has them: pipes (capacity, end of
 * file, partial and atomic writes, FIONREAD), dup/dup2/dup3 and fcntl
 * flags, poll/ppoll/select with timeouts, the working directory and
 * relative paths, getdents64 on the directory of this program, access,
 * the memory devices of /dev, and EPIPE.  Run it by an absolute path: it
 * prints the same lines on Linux and on Tessera.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "utest.h"

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char self[PATH_MAX], self_dir[PATH_MAX], self_base[NAME_MAX + 1];

static void test_pipe_basics(void)
{
	int p[2];
	struct stat st;
	struct iovec iov[2];
	char buf[16];

	if (!check(pipe(p) == 0, "pipe: %s", strerror(errno)))
		return;
	check(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode),
	      "fstat of a pipe is not S_IFIFO (%o)", st.st_mode);
	check(fcntl(p[0], F_GETFL) == O_RDONLY, "read end F_GETFL %#x",
	      fcntl(p[0], F_GETFL));
	check(fcntl(p[1], F_GETFL) == O_WRONLY, "write end F_GETFL %#x",
	      fcntl(p[1], F_GETFL));
	check(write(p[1], "abc", 3) == 3, "write 3 to a pipe");
	check(read(p[0], buf, 2) == 2 && !memcmp(buf, "ab", 2),
	      "read back what was written");
	iov[0] = (struct iovec){ .iov_base = buf, .iov_len = 1 };
	iov[1] = (struct iovec){ .iov_base = buf + 1, .iov_len = 1 };
	check(writev(p[1], iov, 2) == 2, "writev to a pipe");
	check(readv(p[0], iov, 2) == 2 && !memcmp(buf, "ca", 2),
	      "readv from a pipe: \"%.2s\"", buf);
	check(read(p[0], buf, sizeof(buf)) == 1 && buf[0] == 'b', "the rest");
	close(p[1]);
	check(read(p[0], buf, sizeof(buf)) == 0,
	      "read after the last writer closed is not end of file");
	say("pipe: end of file after the writer closed");
	CHECK_ERR(read(p[1], buf, 1), EBADF, "read of a closed fd");
	CHECK_ERR(write(p[0], buf, 1), EBADF, "write to a read end");
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe");
	CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE, "pread on a pipe");
	close(p[0]);
}

static void test_pipe_capacity(void)
{
	static char chunk[8192];
	long total = 0, n;
	int p[2], avail = -1;

	if (!check(pipe2(p, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK): %s",
		   strerror(errno)))
		return;
	check(fcntl(p[0], F_GETFL) & O_NONBLOCK, "pipe2 O_NONBLOCK not in F_GETFL");
	CHECK_ERR(read(p[0], chunk, 1), EAGAIN, "read of an empty O_NONBLOCK pipe");
	while ((n = write(p[1], chunk, 1024)) > 0)
		total += n;
	check(n == -1 && errno == EAGAIN, "filling ended with %ld errno %d", n, errno);
	say("pipe: capacity %ld", total);
	check(ioctl(p[0], FIONREAD, &avail) == 0 && avail == total,
	      "FIONREAD %d", avail);
	CHECK_ERR(write(p[1], chunk, 1), EAGAIN, "write of 1 to a full pipe");
	check(read(p[0], chunk, 4096) == 4096, "read 4096 from a full pipe");
	/* Room for 4096: an 8192 write goes in part, a second not at all. */
	n = write(p[1], chunk, 8192);
	say("pipe: 8192-byte write with 4096 free wrote %ld", n);
	CHECK_ERR(write(p[1], chunk, 100), EAGAIN, "write to a full pipe again");
	close(p[0]);
	close(p[1]);
}

static void test_dup(void)
{
	int p[2], saved, fd, i, fds[100];
	char buf[64];
	ssize_t n;

	if (!check(pipe(p) == 0, "pipe: %s", strerror(errno)))
		return;
	saved = dup(1);
	check(saved > 2, "dup(1) = %d", saved);
	check(dup2(p[1], 1) == 1, "dup2(pipe, 1)");
	n = write(1, "into the pipe\n", 14);
	dup2(saved, 1);
	close(saved);
	check(n == 14, "write to the redirected stdout: %zd", n);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	check(n == 14 && !strcmp(buf, "into the pipe\n"), "read back \"%s\"", buf);
	say("dup2: stdout redirected into a pipe and read back");

	check(dup2(p[0], p[0]) == p[0], "dup2(fd, fd) is fd");
	CHECK_ERR(dup3(p[0], p[0], 0), EINVAL, "dup3(fd, fd)");
	CHECK_ERR(syscall(SYS_dup3, p[0], 50, 1), EINVAL, "dup3 with a bad flag");
	CHECK_ERR(dup2(1000000, 50), EBADF, "dup2 of a bad fd");
	CHECK_ERR(dup2(p[0], -1), EBADF, "dup2 to -1");
	check(dup3(p[0], 50, O_CLOEXEC) == 50, "dup3 to 50");
	check(fcntl(50, F_GETFD) == FD_CLOEXEC, "dup3 O_CLOEXEC: F_GETFD %d",
	      fcntl(50, F_GETFD));
	check(dup2(p[0], 50) == 50 && fcntl(50, F_GETFD) == 0,
	      "dup2 onto an open fd clears FD_CLOEXEC");
	close(50);
	fd = fcntl(p[0], F_DUPFD, 70);
	check(fd == 70, "F_DUPFD 70 gave %d", fd);
	fd = fcntl(p[0], F_DUPFD_CLOEXEC, 70);
	check(fd == 71 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC");
	close(70);
	close(71);

	for (i = 0; i < 100; i++)
		fds[i] = dup(p[0]);
	check(fds[99] > 64, "100 dups: the last is %d", fds[99]);
	for (i = 0; i < 100; i++)
		close(fds[i]);

	check(fcntl(p[0], F_SETFD, FD_CLOEXEC) == 0 &&
	      fcntl(p[0], F_GETFD) == FD_CLOEXEC, "F_SETFD FD_CLOEXEC");
	check(ioctl(p[0], FIONCLEX) == 0 && fcntl(p[0], F_GETFD) == 0, "FIONCLEX");
	check(ioctl(p[0], FIOCLEX) == 0 && fcntl(p[0], F_GETFD) == FD_CLOEXEC,
	      "FIOCLEX");
	check(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 &&
	      (fcntl(p[0], F_GETFL) & O_NONBLOCK), "F_SETFL O_NONBLOCK");
	i = 0;
	check(ioctl(p[0], FIONBIO, &i) == 0 && !(fcntl(p[0], F_GETFL) & O_NONBLOCK),
	      "FIONBIO 0");
	CHECK_ERR(fcntl(p[0], 12345), EINVAL, "an unknown fcntl");
	CHECK_ERR(fcntl(1000000, F_GETFD), EBADF, "F_GETFD of a bad fd");
	CHECK_ERR(ioctl(p[0], 0x12345678), ENOTTY, "an unknown ioctl on a pipe");
	say("fcntl: FD_CLOEXEC and O_NONBLOCK round trips");
	close(p[0]);
}

static void test_poll(void)
{
	struct pollfd pfd[2];
	struct timeval tv;
	struct timespec ts = { 0, 0 };
	fd_set rd;
	uint64_t t0, dt;
	int p[2], r;

	if (!check(pipe(p) == 0, "pipe: %s", strerror(errno)))
		return;
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	t0 = now_ns();
	r = poll(pfd, 1, 200);
	dt = now_ns() - t0;
	check(r == 0 && dt >= 190000000ull && dt < 5000000000ull,
	      "poll of an empty pipe for 200 ms: %d after %llu ms", r,
	      (unsigned long long)(dt / 1000000));
	say("poll: an empty pipe times out");
	r = poll(pfd, 2, 0);
	check(r == 1 && !pfd[0].revents && pfd[1].revents == POLLOUT,
	      "poll: write end %#x", pfd[1].revents);
	write(p[1], "x", 1);
	r = poll(pfd, 2, -1);
	check(r == 2 && pfd[0].revents == POLLIN, "poll of a ready pipe: %d %#x",
	      r, pfd[0].revents);
	check(ppoll(pfd, 1, &ts, NULL) == 1, "ppoll with a zero timeout");

	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ 0, 0 };
	check(select(p[0] + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rd),
	      "select of a ready pipe");
	read(p[0], &r, 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ 0, 100000 };
	t0 = now_ns();
	/* The system call: musl's select() does not write the time left back. */
	r = syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv);
	dt = now_ns() - t0;
	check(r == 0 && !FD_ISSET(p[0], &rd) && dt >= 90000000ull,
	      "select of an empty pipe for 100 ms: %d after %llu ms", r,
	      (unsigned long long)(dt / 1000000));
	check(tv.tv_sec == 0 && tv.tv_usec == 0, "select left %ld.%06ld",
	      (long)tv.tv_sec, (long)tv.tv_usec);
	say("select: an empty pipe times out, the timeout reads 0");
	FD_ZERO(&rd);
	FD_SET(100, &rd);
	tv = (struct timeval){ 0, 0 };
	CHECK_ERR(select(101, &rd, NULL, NULL, &tv), EBADF, "select of a closed fd");

	pfd[0] = (struct pollfd){ .fd = 100, .events = POLLIN };
	check(poll(pfd, 1, 0) == 1 && pfd[0].revents == POLLNVAL, "POLLNVAL");
	close(p[1]);
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	check(poll(pfd, 1, 1000) == 1 && (pfd[0].revents & POLLHUP),
	      "no writers: %#x", pfd[0].revents);
	close(p[0]);
	pipe(p);
	close(p[0]);
	pfd[0] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	check(poll(pfd, 1, 0) == 1 && (pfd[0].revents & POLLERR),
	      "no readers: %#x", pfd[0].revents);
	close(p[1]);
	say("poll: POLLNVAL, POLLHUP, POLLERR");
}

static void test_cwd(void)
{
	char buf[PATH_MAX], parent[PATH_MAX], *s;
	int fd, dfd;
	mode_t old;

	check(chdir("/") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/"),
	      "chdir / then getcwd");
	check(chdir(self_dir) == 0 && getcwd(buf, sizeof(buf)) &&
	      !strcmp(buf, self_dir), "getcwd after chdir to the program's directory");
	fd = open(self_base, O_RDONLY);
	check(fd >= 0, "relative open of %s: %s", self_base, strerror(errno));
	close(fd);
	CHECK_ERR(getcwd(buf, 1) ? 0 : -1, ERANGE, "getcwd into a 1-byte buffer");
	strcpy(parent, self_dir);
	s = strrchr(parent, '/');
	s[s == parent] = '\0';
	check(chdir(".//..//.") == 0 && getcwd(buf, sizeof(buf)) &&
	      !strcmp(buf, parent), "getcwd after chdir \".//..//.\": %s", buf);
	CHECK_ERR(chdir(self), ENOTDIR, "chdir to a file");
	CHECK_ERR(chdir("/no/such/dir"), ENOENT, "chdir to nothing");
	dfd = open(self_dir, O_RDONLY | O_DIRECTORY);
	check(dfd >= 0, "open O_DIRECTORY: %s", strerror(errno));
	fd = openat(dfd, self_base, O_RDONLY);
	check(fd >= 0, "openat(dirfd, \"%s\"): %s", self_base, strerror(errno));
	close(fd);
	CHECK_ERR(openat(0x7ff, self_base, O_RDONLY), EBADF, "openat of a bad dirfd");
	CHECK_ERR(open(self, O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
	check(chdir("/") == 0 && fchdir(dfd) == 0 && getcwd(buf, sizeof(buf)) &&
	      !strcmp(buf, self_dir), "fchdir");
	close(dfd);
	chdir("/");
	say("cwd: chdir, fchdir, getcwd, relative and *at paths");

	umask(022);
	old = umask(077);
	check(old == 022 && umask(022) == 077, "umask round trip");
}

static void test_dirs(void)
{
	static char big[65536];
	char small[80];
	int fd, dots = 0, self_seen = 0, n_big = 0, n_small = 0, ok = 1;
	long n, off;
	struct stat st;

	fd = open(self_dir, O_RDONLY | O_DIRECTORY);
	if (!check(fd >= 0, "open %s: %s", self_dir, strerror(errno)))
		return;
	check(fstat(fd, &st) == 0 && S_ISDIR(st.st_mode), "fstat of a directory");
	CHECK_ERR(read(fd, small, 1), EISDIR, "read of a directory");
	while ((n = syscall(SYS_getdents64, fd, big, sizeof(big))) > 0) {
		for (off = 0; off < n; n_big++) {
			struct dirent64_raw *d = (void *)(big + off);

			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				dots += d->d_type == DT_DIR;
			if (!strcmp(d->d_name, self_base))
				self_seen += d->d_type == DT_REG;
			off += d->d_reclen;
		}
	}
	check(n == 0, "getdents64 ended with %ld", n);
	check(dots == 2, "\".\" and \"..\" as DT_DIR: %d", dots);
	check(self_seen == 1, "%s as DT_REG: %d", self_base, self_seen);
	say("getdents64: \".\", \"..\" and %s listed", self_base);

	/* Again from the start, one entry at a time. */
	check(lseek(fd, 0, SEEK_SET) == 0, "rewind a directory");
	while ((n = syscall(SYS_getdents64, fd, small, sizeof(small))) > 0) {
		struct dirent64_raw *d = (void *)small;

		ok &= d->d_reclen <= n && d->d_reclen % 8 == 0;
		for (off = 0; off < n; off += ((struct dirent64_raw *)(small + off))->d_reclen)
			n_small++;
	}
	check(n == 0 && ok && n_small == n_big,
	      "small-buffer listing: %d entries, %d with a big buffer", n_small, n_big);
	say("getdents64: the same entries through a small buffer");
	lseek(fd, 0, SEEK_SET);
	CHECK_ERR(syscall(SYS_getdents64, fd, small, 8), EINVAL,
		  "getdents64 into an 8-byte buffer");
	close(fd);
	fd = open(self, O_RDONLY);
	CHECK_ERR(syscall(SYS_getdents64, fd, big, sizeof(big)), ENOTDIR,
		  "getdents64 of a file");
	CHECK_ERR(pwrite(fd, big, 1, 0), EBADF, "pwrite to a read-only file");
	close(fd);

	check(stat("/", &st) == 0 && S_ISDIR(st.st_mode), "stat /");
	check(stat("/dev", &st) == 0 && S_ISDIR(st.st_mode), "stat /dev");
	snprintf(big, sizeof(big), "%s/", self);
	CHECK_ERR(open(big, O_RDONLY), ENOTDIR, "open of \"file/\"");
	snprintf(big, sizeof(big), "%s/.", self);
	CHECK_ERR(stat(big, &st), ENOTDIR, "stat of \"file/.\"");
	fd = open(self, O_RDONLY | O_CLOEXEC);
	/* 64-bit Linux adds O_LARGEFILE (0100000) to every open. */
	check(fcntl(fd, F_GETFL) == (O_RDONLY | 0100000) &&
	      fcntl(fd, F_GETFD) == FD_CLOEXEC, "open O_CLOEXEC: F_GETFL %#x",
	      fcntl(fd, F_GETFL));
	check(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode),
	      "fstatat AT_EMPTY_PATH");
	close(fd);
	check(access(self, X_OK) == 0, "access X_OK of this program");
	check(access("/", R_OK | X_OK) == 0, "access of /");
	CHECK_ERR(access("/no/such/file", F_OK), ENOENT, "access of nothing");
	CHECK_ERR(access(self, 8), EINVAL, "access with a bad mode");
	check(faccessat(AT_FDCWD, self, R_OK, 0) == 0, "faccessat");
	n = readlink("/proc/self/exe", big, sizeof(big) - 1);
	big[n > 0 ? n : 0] = '\0';
	check(!strcmp(big, self), "readlink /proc/self/exe: \"%s\"", big);
	CHECK_ERR(readlink("/dev/null", big, sizeof(big)), EINVAL,
		  "readlink of a device");
	CHECK_ERR(readlink(self, big, sizeof(big)), EINVAL, "readlink of a file");
	say("access: existence and modes");
}

static void test_dev(void)
{
	static const struct { const char *path; unsigned int major, minor; } devs[] = {
		{ "/dev/null", 1, 3 }, { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 },
		{ "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 },
	};
	unsigned char buf[4096];
	struct stat st;
	unsigned int i;
	int fd, nonzero = 0;

	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		check(stat(devs[i].path, &st) == 0 && S_ISCHR(st.st_mode) &&
		      major(st.st_rdev) == devs[i].major &&
		      minor(st.st_rdev) == devs[i].minor,
		      "stat %s: mode %o rdev %u:%u", devs[i].path, st.st_mode,
		      major(st.st_rdev), minor(st.st_rdev));
	}
	fd = open("/dev/null", O_RDWR);
	check(read(fd, buf, sizeof(buf)) == 0, "/dev/null reads end of file");
	check(write(fd, buf, 100) == 100, "/dev/null takes writes");
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof(buf));
	check(read(fd, buf, sizeof(buf)) == sizeof(buf) &&
	      !memchr(buf, 1, sizeof(buf)) && !buf[0], "/dev/zero reads zeros");
	close(fd);
	fd = open("/dev/full", O_RDWR);
	CHECK_ERR(write(fd, buf, 1), ENOSPC, "write to /dev/full");
	check(read(fd, buf, 10) == 10, "/dev/full reads");
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	check(read(fd, buf, 64) == 64, "/dev/urandom reads");
	for (i = 0; i < 64; i++)
		nonzero += buf[i] != 0;
	check(nonzero > 32, "/dev/urandom: %d of 64 bytes nonzero", nonzero);
	close(fd);
	CHECK_ERR(open("/dev/no-such-device", O_RDONLY), ENOENT, "open of a missing device");
	say("dev: null, zero, full, random, urandom");
}

/* Last: SIGPIPE is ignored, or pending where signals are not delivered yet. */
static void test_epipe(void)
{
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	if (!check(pipe(p) == 0, "pipe: %s", strerror(errno)))
		return;
	close(p[0]);
	CHECK_ERR(write(p[1], "x", 1), EPIPE, "write without readers");
	close(p[1]);
	say("pipe: EPIPE without readers");
}

int main(int argc __attribute__((unused)), char **argv)
{
	char *s;

	utest_init("fdtest");
	if (argv[0][0] != '/' || !realpath(argv[0], self)) {
		say("run me by an absolute path");
		return 2;
	}
	strcpy(self_dir, self);
	s = strrchr(self_dir, '/');
	snprintf(self_base, sizeof(self_base), "%s", s + 1);
	s[s == self_dir] = '\0';

	test_pipe_basics();
	test_pipe_capacity();
	test_dup();
	test_poll();
	test_cwd();
	test_dirs();
	test_dev();
	test_epipe();
	return utest_finish();
}
