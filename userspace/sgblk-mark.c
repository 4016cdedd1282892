// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-mark: print the guest's CLOCK_MONOTONIC time in ns, then execute
 * the marker instruction (a no-op: xchg %bx,%bx on x86, orr x3,x3,x3 on
 * arm64) that make profile's QEMU plugin (scripts/lib/qemu-plugin/tbcount.c)
 * opens or closes its counting window on.  Harmless anywhere else.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: sgblk-mark\n"
		       "Prints CLOCK_MONOTONIC in ns, then executes xchg %%bx,%%bx (x86) or\n"
		       "orr x3,x3,x3 (arm64): the marker make profile's QEMU plugin counts\n"
		       "instructions between.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "sgblk-mark: no arguments expected (--help)\n");
		return 2;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &ts)) {
		perror("sgblk-mark: clock_gettime");
		return 1;
	}
	printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	fflush(stdout);
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("xchg %%bx, %%bx" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("orr x3, x3, x3" ::: "x3", "memory");
#endif
	return 0;
}
