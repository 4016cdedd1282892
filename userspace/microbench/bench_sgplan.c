// SPDX-License-Identifier: GPL-2.0
/*
 * Planner micro-benchmark: plans one request ITERATIONS times, for
 * callgrind to count the instructions (see the Makefile).  The request is
 * a 128 KiB read from user pages: 32 scattered 4 KiB segments, as the
 * block layer hands them to a device whose profile is under a page.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sgplan.h"

#define NSEGS	32
#define MAXOUT	1024

struct bench_profile {
	const char *name;
	struct sgplan_profile p;
};

/* driver/profile.c's presets, bounce_size as it derives them */
static const struct bench_profile profiles[] = {
	{ "none",        { 1ull << 32, 1u << 30, 0, 1, 64, 16384 } },
	{ "page",        { 4096, 4096, 0, 1, 64, 4096 } },
	{ "boundary-1k", { 1024, 1024, 0, 1, 64, 1024 } },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_sgplan [--profile NAME] [--segments N] [ITERATIONS]\n"
		"Plans a request of N [%d] scattered 4 KiB segments ITERATIONS\n"
		"times [1000]; prints the descriptors per plan.  Profiles:", NSEGS);
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		fprintf(f, " %s", profiles[i].name);
	fprintf(f, " [boundary-1k]\n");
}

int main(int argc, char **argv)
{
	static struct sgplan_desc descs[MAXOUT];
	struct sgplan_seg segs[NSEGS];
	const struct bench_profile *bp = &profiles[2];
	struct sgplan_result r;
	long iters = 1000;
	int i, a, nsegs = NSEGS;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[a], "--profile") && a + 1 < argc) {
			size_t k, n = sizeof(profiles) / sizeof(profiles[0]);

			for (k = 0; k < n && strcmp(profiles[k].name, argv[a + 1]); k++)
				;
			if (k == n) {
				fprintf(stderr, "bench_sgplan: unknown profile '%s'\n", argv[a + 1]);
				return 2;
			}
			bp = &profiles[k];
			a++;
		} else if (!strcmp(argv[a], "--segments") && a + 1 < argc) {
			char *end;

			nsegs = (int)strtol(argv[++a], &end, 10);
			if (*end || nsegs < 1 || nsegs > NSEGS) {
				fprintf(stderr, "bench_sgplan: --segments takes 1..%d\n", NSEGS);
				return 2;
			}
		} else {
			char *end;

			iters = strtol(argv[a], &end, 10);
			if (*end || iters <= 0) {
				fprintf(stderr, "bench_sgplan: bad iteration count '%s'\n", argv[a]);
				usage(stderr);
				return 2;
			}
		}
	}
	/* scattered pages: descending physical addresses, as after some uptime */
	for (i = 0; i < NSEGS; i++) {
		segs[i].addr = 0x7f000000ull - (u64)i * 3 * 4096;
		segs[i].len = 4096;
	}
	for (long n = 0; n < iters; n++) {
		if (sgplan_build(&bp->p, segs, nsegs, descs, MAXOUT, &r)) {
			fprintf(stderr, "bench_sgplan: no plan for %s\n", bp->name);
			return 1;
		}
	}
	printf("profile %s segments %d bytes %d descs %u iterations %ld\n",
	       bp->name, nsegs, nsegs * 4096, r.ndescs, iters);
	return 0;
}
