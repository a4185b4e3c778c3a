// SPDX-License-Identifier: GPL-2.0
/*
 * fdcheck - the program forktest execs: prints its argv and checks what
 * the exec must have given it, from specifications on its command line
 * (any other argument is only printed):
 *
 *   argc=N          argc is N
 *   argv:I=S        argv[I] is S
 *   env:NAME=VALUE  the environment has NAME=VALUE
 *   noenv:NAME      the environment has no NAME
 *   open:N          fd N is open and not close-on-exec
 *   closed:N        fd N is not open (fcntl F_GETFD fails with EBADF)
 *
 * Exit status 0 if every check held, else 1.  As the interpreter of a
 * "#!" script it sees the script's path and optional argument in argv.
 */
#include <fcntl.h>
#include <stdlib.h>
#include "utest.h"

static void check_fd(const char *spec, int want_open)
{
	int fd = atoi(spec), flags;

	errno = 0;
	flags = fcntl(fd, F_GETFD);
	if (want_open) {
		if (check(flags >= 0 && !(flags & FD_CLOEXEC),
			  "fd %d: F_GETFD gives %d (errno %d), expected open without FD_CLOEXEC",
			  fd, flags, flags < 0 ? errno : 0))
			say("fd %d is open, FD_CLOEXEC clear", fd);
	} else {
		if (check(flags == -1 && errno == EBADF,
			  "fd %d: F_GETFD gives %d (errno %d), expected -1 EBADF",
			  fd, flags, flags < 0 ? errno : 0))
			say("fd %d is closed", fd);
	}
}

int main(int argc, char **argv)
{
	utest_init("fdcheck");
	say("argc %d", argc);
	for (int i = 0; i < argc; i++)
		say("argv[%d] \"%s\"", i, argv[i]);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "argc=", 5)) {
			check(argc == atoi(a + 5), "argc is %d, expected %s", argc, a + 5);
		} else if (!strncmp(a, "argv:", 5)) {
			char *eq;
			long idx = strtol(a + 5, &eq, 10);

			if (check(*eq == '=' && idx >= 0 && idx < argc, "bad spec or index: %s", a))
				check(!strcmp(argv[idx], eq + 1), "argv[%ld] is \"%s\", expected \"%s\"",
				      idx, argv[idx], eq + 1);
		} else if (!strncmp(a, "env:", 4)) {
			const char *eq = strchr(a + 4, '=');
			char name[64];
			const char *v;

			if (!check(eq && eq - (a + 4) < (long)sizeof(name), "bad spec %s", a))
				continue;
			memcpy(name, a + 4, eq - (a + 4));
			name[eq - (a + 4)] = '\0';
			v = getenv(name);
			if (check(v && !strcmp(v, eq + 1), "env %s is %s%s%s, expected \"%s\"", name,
				  v ? "\"" : "", v ? v : "unset", v ? "\"" : "", eq + 1))
				say("env %s=%s", name, v);
		} else if (!strncmp(a, "noenv:", 6)) {
			if (check(!getenv(a + 6), "env %s is set", a + 6))
				say("env %s unset", a + 6);
		} else if (!strncmp(a, "open:", 5)) {
			check_fd(a + 5, 1);
		} else if (!strncmp(a, "closed:", 7)) {
			check_fd(a + 7, 0);
		}
	}
	return utest_finish();
}
