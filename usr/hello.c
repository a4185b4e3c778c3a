// SPDX-License-Identifier: GPL-2.0
/* hello - the smallest program: one line, exit 0. */
#include <stdio.h>

int main(void)
{
	if (puts("hello, world") == EOF || fflush(stdout) == EOF)
		return 1;
	return 0;
}
