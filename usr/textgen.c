// SPDX-License-Identifier: GPL-2.0
/*
 * textgen - write deterministic text for wordcount (usr/textgen.h).
 *
 *   textgen SEED MBYTES FILE     (FILE "-" is stdout)
 *
 * The file is MBYTES MiB exactly, the same bytes "wordcount -g SEED:MBYTES"
 * generates in memory.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "textgen.h"

static int parse_ulong(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && end != s && !*end;
}

int main(int argc, char **argv)
{
	static struct textgen g;
	unsigned long seed, mb;
	size_t size, done = 0;
	char *buf;
	int fd;

	if (argc != 4 || !parse_ulong(argv[1], &seed) || !parse_ulong(argv[2], &mb) ||
	    !mb || mb > 4096) {
		fprintf(stderr, "usage: textgen SEED MBYTES FILE|-   (1 <= MBYTES <= 4096)\n");
		return 2;
	}
	size = mb << 20;
	buf = malloc(size);
	if (!buf) {
		fprintf(stderr, "textgen: no memory for %lu MiB\n", mb);
		return 1;
	}
	textgen_init(&g, seed);
	textgen_fill(&g, buf, size);
	fd = strcmp(argv[3], "-") ? open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
	if (fd < 0) {
		fprintf(stderr, "textgen: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	while (done < size) {
		ssize_t n = write(fd, buf + done, size - done);

		if (n <= 0) {
			fprintf(stderr, "textgen: write: %s\n", n ? strerror(errno) : "short write");
			return 1;
		}
		done += n;
	}
	if (fd != 1 && close(fd)) {
		fprintf(stderr, "textgen: close: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
