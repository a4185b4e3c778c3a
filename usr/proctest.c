// SPDX-License-Identifier: GPL-2.0
/*
 * proctest: the pseudo files of /proc and /sys, and getrusage(), times(),
 * sysinfo() and prctl(PR_SET_NAME).  Every line it prints is the same on
 * Linux (figures that differ between machines are checked, not printed),
 * so a host run is the reference.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <unistd.h>
#include "utest.h"

static char buf[256 * 1024];

/* The whole file into buf (NUL-terminated): its length, or -1. */
static long read_file(const char *path)
{
	long n, len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -1 : len;
}

/* Each section prints one line: "NAME: ok", or its FAIL lines and "NAME: FAIL". */
static unsigned long section_failed;

static void section_start(void)
{
	section_failed = utest_failed;
}

static void section_end(const char *name)
{
	say("%s: %s", name, utest_failed == section_failed ? "ok" : "FAIL");
}

static void test_maps(void)
{
	unsigned long start, end, stack = (unsigned long)&start;
	unsigned long text = (unsigned long)&test_maps;
	int stack_ok = 0, text_ok = 0;
	char perms[8], *line, *save;

	section_start();
	if (!check(read_file("/proc/self/maps") > 0, "read /proc/self/maps: %s",
		   strerror(errno)))
		goto out;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3) {
			check(0, "maps line not parsed: %s", line);
			continue;
		}
		check(start < end && !(start & 4095) && !(end & 4095),
		      "maps range: %s", line);
		if (strstr(line, "[stack]") && start <= stack && stack < end)
			stack_ok = check(!strcmp(perms, "rw-p"),
					 "stack perms: %s", line);
		if (start <= text && text < end)
			text_ok = check(perms[0] == 'r' && perms[2] == 'x',
					"text perms: %s", line);
	}
	check(stack_ok, "no [stack] line holds %#lx", stack);
	check(text_ok, "no line holds the text at %#lx", text);
out:
	section_end("/proc/self/maps");
}

/* The fields of a stat line after "pid (comm)", split on spaces. */
static int stat_fields(char *s, char **f, int max)
{
	int n = 0;

	while (n < max && (f[n] = strtok_r(n ? NULL : s, " \n", &s)))
		n++;
	return n;
}

static void test_stat(const char *path)
{
	const char *name = strncmp(path, "/proc/self/", 11) ? "/proc/PID/stat" : path;

	char *f[64], *rp, want[64];
	int n;

	section_start();
	if (!check(read_file(path) > 0, "read %s: %s", path, strerror(errno)))
		goto out;
	check(atoi(buf) == getpid(), "pid field %d, getpid %d", atoi(buf),
	      getpid());
	rp = strrchr(buf, ')');
	if (!check(rp != NULL, "no comm in %s", buf))
		goto out;
	*rp = '\0';
	snprintf(want, sizeof(want), "%d (proctest", getpid());
	check(!strcmp(buf, want), "comm: '%s', expected '%s)'", buf, want);
	n = stat_fields(rp + 2, f, 64);
	/* 52 fields, the first two being pid and (comm). */
	check(n == 50, "%d fields after comm, expected 50", n);
	if (n < 50)
		goto out;
	check(!strcmp(f[0], "R"), "state %s, expected R", f[0]);
	check(atoi(f[1]) == getppid(), "ppid %s, getppid %d", f[1], getppid());
	/* Without getpgid() the first process leads its own group. */
	check(atoi(f[2]) == (getpgrp() < 0 ? getpid() : getpgrp()),
	      "pgrp %s, getpgrp %d", f[2], getpgrp());
	check(atoi(f[17]) == 1, "num_threads %s", f[17]);
	check(strtoul(f[20], NULL, 10) > 0, "vsize %s", f[20]);
out:
	section_end(name);
}

/* The value after "Name:" in buf (status, meminfo), or NULL. */
static const char *field(const char *name)
{
	static char val[128];
	size_t len = strlen(name);
	const char *p = buf;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, name, len) && p[len] == ':') {
			p += len + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			snprintf(val, sizeof(val), "%.*s", (int)strcspn(p, "\n"), p);
			return val;
		}
	}
	return NULL;
}

static void test_status(void)
{
	const char *v;

	section_start();
	if (!check(read_file("/proc/self/status") > 0, "read status: %s",
		   strerror(errno)))
		goto out;
	v = field("Name");
	check(v && !strcmp(v, "proctest"), "Name: %s", v ? v : "missing");
	v = field("State");
	check(v && !strcmp(v, "R (running)"), "State: %s", v ? v : "missing");
	v = field("Pid");
	check(v && atoi(v) == getpid(), "Pid: %s", v ? v : "missing");
	v = field("Tgid");
	check(v && atoi(v) == getpid(), "Tgid: %s", v ? v : "missing");
	v = field("PPid");
	check(v && atoi(v) == getppid(), "PPid: %s", v ? v : "missing");
	v = field("Threads");
	check(v && atoi(v) == 1, "Threads: %s", v ? v : "missing");
	v = field("VmSize");
	check(v && atol(v) > 0 && strstr(v, " kB"), "VmSize: %s", v ? v : "missing");
	v = field("VmRSS");
	check(v && atol(v) > 0 && strstr(v, " kB"), "VmRSS: %s", v ? v : "missing");
	v = field("SigBlk");
	check(v && strlen(v) == 16, "SigBlk: %s", v ? v : "missing");
	v = field("Umask");
	check(v && strlen(v) == 4, "Umask: %s", v ? v : "missing");
out:
	section_end("/proc/self/status");
}

static void test_cmdline(int argc, char **argv)
{
	long len = read_file("/proc/self/cmdline"), off = 0;
	int i;

	section_start();
	check(len > 0, "read cmdline: %s", strerror(errno));
	for (i = 0; i < argc && off < len; i++) {
		check(!strcmp(buf + off, argv[i]), "cmdline arg %d '%s', expected '%s'",
		      i, buf + off, argv[i]);
		off += strlen(buf + off) + 1;
	}
	check(i == argc && off == len, "cmdline: %d args in %ld bytes", i, len);
	section_end("/proc/self/cmdline");
}

static void test_meminfo(void)
{
	const char *v;
	long total = 0, free = 0;

	section_start();
	if (!check(read_file("/proc/meminfo") > 0, "read meminfo: %s",
		   strerror(errno)))
		goto out;
	v = field("MemTotal");
	check(v && (total = atol(v)) > 0 && strstr(v, " kB"), "MemTotal: %s",
	      v ? v : "missing");
	v = field("MemFree");
	check(v && (free = atol(v)) > 0 && free <= total, "MemFree: %s",
	      v ? v : "missing");
	v = field("MemAvailable");
	check(v && atol(v) <= total, "MemAvailable: %s", v ? v : "missing");
	check(field("Buffers") && field("Cached") && field("SwapTotal") &&
	      field("SwapFree"), "Buffers, Cached, SwapTotal, SwapFree missing");
out:
	section_end("/proc/meminfo");
}

static int count_lines(const char *prefix)
{
	const char *p = buf;
	int n = 0;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
	return n;
}

static void test_cpuinfo(long ncpu)
{
	int n;

	section_start();
	check(read_file("/proc/cpuinfo") > 0, "read cpuinfo: %s", strerror(errno));
	n = count_lines("processor\t:");
	check(n == ncpu, "%d processor lines, %ld CPUs online", n, ncpu);
	check(count_lines("vendor_id\t:") == n && count_lines("model name\t:") == n &&
	      count_lines("flags\t\t:") == n && count_lines("cpu MHz\t\t:") == n,
	      "vendor_id, model name, flags or cpu MHz missing");
	check(strstr(buf, " fpu ") && strstr(buf, " sse2"), "flags without fpu, sse2");
	section_end("/proc/cpuinfo");
}

static void test_proc_stat(long ncpu)
{
	char name[32];
	unsigned long long v[4];
	int i;

	section_start();
	check(read_file("/proc/stat") > 0, "read /proc/stat: %s", strerror(errno));
	check(sscanf(buf, "cpu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3]) == 4,
	      "cpu line: %.60s", buf);
	for (i = 0; i < ncpu; i++) {
		snprintf(name, sizeof(name), "cpu%d ", i);
		check(count_lines(name) == 1, "no %s line", name);
	}
	check(count_lines("btime ") == 1 && count_lines("processes ") == 1 &&
	      count_lines("procs_running ") == 1 && count_lines("ctxt ") == 1,
	      "btime, processes, procs_running or ctxt missing");
	section_end("/proc/stat");
}

static void test_uptime_loadavg(void)
{
	double up, idle, l1, l5, l15;
	int run, total, last;

	section_start();
	check(read_file("/proc/uptime") > 0, "read uptime: %s", strerror(errno));
	check(sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0 && idle >= 0,
	      "uptime: %s", buf);
	check(read_file("/proc/loadavg") > 0, "read loadavg: %s", strerror(errno));
	check(sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &total,
		     &last) == 6 && run >= 1 && total >= run && last >= 1,
	      "loadavg: %s", buf);
	check(read_file("/proc/version") > 0 && !strncmp(buf, "Linux version ", 14),
	      "version: %s", buf);
	check(read_file("/proc/filesystems") > 0 && strstr(buf, "nodev\tproc\n"),
	      "filesystems: %s", buf);
	section_end("/proc/uptime, /proc/loadavg, /proc/version, /proc/filesystems");
}

/* CPUs in a cpulist ("0-3,5"), or -1. */
static long cpulist_count(const char *s)
{
	long n = 0, a, b;
	char *end;

	while (*s && *s != '\n') {
		a = b = strtol(s, &end, 10);
		if (end == s)
			return -1;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		n += b - a + 1;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

static void test_sys_cpu(long ncpu)
{
	long n;

	section_start();
	check(read_file("/sys/devices/system/cpu/online") > 0, "read online: %s",
	      strerror(errno));
	n = cpulist_count(buf);
	check(n == ncpu, "online '%s': %ld CPUs, sysconf %ld", buf, n, ncpu);
	check(read_file("/sys/devices/system/cpu/possible") > 0 &&
	      cpulist_count(buf) >= ncpu, "possible: %s", buf);
	check(read_file("/sys/devices/system/cpu/present") > 0 &&
	      cpulist_count(buf) >= ncpu, "present: %s", buf);
	section_end("/sys/devices/system/cpu");
}

static void test_links(const char *argv0)
{
	char path[4096], want[32];
	struct stat a, b;
	ssize_t n;

	section_start();
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	check(n > 0 && path[0] == '/', "readlink exe: %zd %s", n, strerror(errno));
	check(!stat("/proc/self/exe", &a) && !stat(argv0, &b) &&
	      a.st_ino == b.st_ino && a.st_size == b.st_size,
	      "stat /proc/self/exe is not the program");
	check(!lstat("/proc/self/exe", &a) && S_ISLNK(a.st_mode),
	      "lstat /proc/self/exe: not a link");
	n = readlink("/proc/self", path, sizeof(path) - 1);
	snprintf(want, sizeof(want), "%d", getpid());
	check(n == (ssize_t)strlen(want) && !memcmp(path, want, n),
	      "readlink /proc/self: %zd", n);
	n = readlink("/proc/self/exe", path, 3);	/* truncated, no NUL */
	check(n == 3, "readlink into 3 bytes: %zd", n);
	check(!stat("/proc/self", &a) && S_ISDIR(a.st_mode), "stat /proc/self");
	check(!stat("/proc/meminfo", &a) && S_ISREG(a.st_mode) && a.st_size == 0,
	      "stat /proc/meminfo");
	CHECK_ERR(readlink("/proc/meminfo", path, sizeof(path)), EINVAL,
		  "readlink of a file");
	section_end("/proc/self links");
}

static void test_dirs(void)
{
	char pid[32], path[64], link[64];
	int fd;

	section_start();
	snprintf(pid, sizeof(pid), "%d", getpid());
	check(dir_has("/proc", "self"), "/proc has no self");
	check(dir_has("/proc", "meminfo"), "/proc has no meminfo");
	check(dir_has("/proc", pid), "/proc has no %s", pid);
	check(dir_has("/proc/self", "maps") && dir_has("/proc/self", "status") &&
	      dir_has("/proc/self", "fd"), "/proc/self lacks maps, status or fd");
	check(dir_has("/proc/self/fd", "0") && dir_has("/proc/self/fd", "1") &&
	      dir_has("/proc/self/fd", "2"), "/proc/self/fd lacks 0, 1 or 2");
	check(dir_has("/sys/devices/system/cpu", "online"), "cpu/ lacks online");
	fd = open("/proc/meminfo", O_RDONLY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	check(fd >= 0 && dir_has("/proc/self/fd", path + 14), "fd %d not listed", fd);
	check(readlink(path, link, sizeof(link)) == 13 &&
	      !memcmp(link, "/proc/meminfo", 13), "fd link of /proc/meminfo");
	close(fd);
	fd = open("/proc", O_RDONLY | O_DIRECTORY);
	check(fd >= 0, "open /proc: %s", strerror(errno));
	CHECK_ERR(read(fd, path, sizeof(path)), EISDIR, "read of /proc");
	close(fd);
	fd = open("/proc/uptime", O_RDONLY);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR,
		  "getdents64 of a file");
	close(fd);
	CHECK_ERR(open("/proc/uptime", O_RDONLY | O_DIRECTORY), ENOTDIR,
		  "O_DIRECTORY of a file");
	CHECK_ERR(open("/proc/nonexistent", O_RDONLY), ENOENT, "open missing");
	CHECK_ERR(open("/proc/999999/stat", O_RDONLY), ENOENT, "open no such pid");
	CHECK_ERR(open("/proc/meminfo/x", O_RDONLY), ENOTDIR, "open under a file");
	section_end("directories");
}

static void burn_cpu(long ms)
{
	struct timespec t;
	volatile unsigned long x = 0;
	long long end;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	end = t.tv_sec * 1000000000LL + t.tv_nsec + ms * 1000000LL;
	do {
		for (int i = 0; i < 100000; i++)
			x += i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while (t.tv_sec * 1000000000LL + t.tv_nsec < end);
}

static void test_usage(void)
{
	struct rusage ru;
	struct tms t;
	clock_t now;
	long us;

	section_start();
	burn_cpu(400);
	check(!getrusage(RUSAGE_SELF, &ru), "getrusage: %s", strerror(errno));
	us = ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
	     ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
	check(us >= 200000, "400 ms of CPU, getrusage says %ld us", us);
	check(ru.ru_utime.tv_usec < 1000000, "utime usec %ld", (long)ru.ru_utime.tv_usec);
	check(ru.ru_maxrss > 0, "maxrss %ld", ru.ru_maxrss);
	check(!getrusage(RUSAGE_CHILDREN, &ru) && !ru.ru_utime.tv_sec &&
	      !ru.ru_utime.tv_usec && !ru.ru_maxrss, "children's usage without children");
	CHECK_ERR(getrusage(5, &ru), EINVAL, "getrusage(5)");
	CHECK_ERR(syscall(SYS_getrusage, RUSAGE_SELF, (void *)8), EFAULT,
		  "getrusage into a bad pointer");
	check(sysconf(_SC_CLK_TCK) == 100, "CLK_TCK %ld", sysconf(_SC_CLK_TCK));
	now = times(&t);
	check(now != (clock_t)-1 && now > 0, "times: %ld", (long)now);
	check(t.tms_utime + t.tms_stime >= 20, "times: %ld + %ld ticks after 400 ms",
	      (long)t.tms_utime, (long)t.tms_stime);
	check(!t.tms_cutime && !t.tms_cstime, "times: children's ticks");
	section_end("getrusage, times");
}

static void test_sysinfo(void)
{
	struct sysinfo si;

	section_start();
	check(!sysinfo(&si), "sysinfo: %s", strerror(errno));
	check(si.uptime > 0, "uptime %ld", si.uptime);
	check(si.totalram > 0 && si.mem_unit > 0, "totalram %lu", si.totalram);
	check(si.freeram <= si.totalram, "freeram %lu > totalram", si.freeram);
	check(si.procs >= 1, "procs %u", si.procs);
	CHECK_ERR(syscall(SYS_sysinfo, (void *)8), EFAULT, "sysinfo(bad)");
	section_end("sysinfo");
}

static void test_prctl(void)
{
	char name[32] = "";

	section_start();
	check(!prctl(PR_GET_NAME, name), "PR_GET_NAME: %s", strerror(errno));
	check(!strcmp(name, "proctest"), "name '%s'", name);
	check(!prctl(PR_SET_NAME, "a-much-longer-name-than-16"), "PR_SET_NAME: %s",
	      strerror(errno));
	check(!prctl(PR_GET_NAME, name) && !strcmp(name, "a-much-longer-n"),
	      "name after PR_SET_NAME '%s'", name);
	check(read_file("/proc/self/comm") > 0 && !strcmp(buf, "a-much-longer-n\n"),
	      "comm '%s'", buf);
	check(read_file("/proc/self/status") > 0 && field("Name") &&
	      !strcmp(field("Name"), "a-much-longer-n"), "status Name after prctl");
	check(!prctl(PR_SET_NAME, "proctest"), "PR_SET_NAME back");
	CHECK_ERR(prctl(PR_SET_NAME, (char *)8), EFAULT, "PR_SET_NAME(bad)");
	CHECK_ERR(prctl(0x7fff0000, 0), EINVAL, "unknown prctl option");
	section_end("prctl");
}

int main(int argc, char **argv)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	utest_init("proctest");
	test_maps();
	test_stat("/proc/self/stat");
	snprintf(buf, sizeof(buf), "/proc/%d/stat", getpid());
	test_stat(strdup(buf));
	test_status();
	test_cmdline(argc, argv);
	test_meminfo();
	test_cpuinfo(ncpu);
	test_proc_stat(ncpu);
	test_uptime_loadavg();
	test_sys_cpu(ncpu);
	test_links(argv[0]);
	test_dirs();
	test_usage();
	test_sysinfo();
	test_prctl();
	return utest_finish();
}
