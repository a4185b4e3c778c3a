// SPDX-License-Identifier: GPL-2.0
/*
 * segv - touch a PROT_NONE page; the kernel must kill the process.
 * "segv: NOT KILLED" must never appear.
 */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
	volatile unsigned long *p;

	setvbuf(stdout, NULL, _IONBF, 0);
	p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("segv: FAIL: mmap PROT_NONE failed\n");
		return 2;
	}
	printf("segv: touching the PROT_NONE page at %p\n", (void *)p);
	(void)*p;
	printf("segv: NOT KILLED\n");
	return 1;
}
