// SPDX-License-Identifier: GPL-2.0
/*
 * Planner micro-benchmark: plans one request ITERATIONS times, for
 * callgrind to count the instructions (see the Makefile).  The request is
 * a 128 KiB read from user pages: 32 4 KiB segments, as the block layer
 * hands them to a device whose profile is under a page.  --run-pages 4
 * makes them physically contiguous in 16 KiB runs, like make bench's
 * buffer; --check also runs the engine's descriptor check on each plan.
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
	fprintf(f, "usage: bench_sgplan [--profile NAME] [--segments N] [--run-pages K]\n"
		"                    [--check] [ITERATIONS]\n"
		"Plans a request of N [%d] 4 KiB segments, physically contiguous\n"
		"in runs of K pages [1], ITERATIONS times [1000]; with --check also\n"
		"runs the engine's check (bench_check) on each plan.  Prints the\n"
		"descriptors per plan.  Profiles:", NSEGS);
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		fprintf(f, " %s", profiles[i].name);
	fprintf(f, " [boundary-1k]\n");
}

/* NAME's value S as an int in 1..max, or 0 after saying why */
static int count_arg(const char *name, const char *s, int max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 1 || v > max) {
		fprintf(stderr, "bench_sgplan: %s takes 1..%d\n", name, max);
		return 0;
	}
	return (int)v;
}

/* The engine's per-request check (driver/engine.c), for callgrind */
static noinline u32 bench_check(const struct sgplan_profile *p,
				const struct sgplan_desc *d, u32 n)
{
	u32 i, j, len, bad = 0;

	for (i = 0; i < n; i = j)
		bad += sgplan_check_run(p, d, i, n, &j, &len);
	return bad;
}

int main(int argc, char **argv)
{
	static struct sgplan_desc descs[MAXOUT];
	struct sgplan_seg segs[NSEGS];
	const struct bench_profile *bp = &profiles[2];
	struct sgplan_result r;
	long iters = 1000;
	int i, a, nsegs = NSEGS, run = 1;
	bool check = false;

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
		} else if (!strcmp(argv[a], "--check")) {
			check = true;
		} else if (!strcmp(argv[a], "--run-pages") && a + 1 < argc) {
			run = count_arg("--run-pages", argv[++a], NSEGS);
			if (!run)
				return 2;
		} else if (!strcmp(argv[a], "--segments") && a + 1 < argc) {
			nsegs = count_arg("--segments", argv[++a], NSEGS);
			if (!nsegs)
				return 2;
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
	/* runs in descending physical order, as after some uptime */
	for (i = 0; i < NSEGS; i++) {
		segs[i].addr = 0x7f000000ull - (u64)(i / run) * (run + 2) * 4096 +
			       (u64)(i % run) * 4096;
		segs[i].len = 4096;
	}
	for (long n = 0; n < iters; n++) {
		if (sgplan_build(&bp->p, segs, nsegs, descs, MAXOUT, &r)) {
			fprintf(stderr, "bench_sgplan: no plan for %s\n", bp->name);
			return 1;
		}
		if (check && bench_check(&bp->p, descs, r.ndescs)) {
			fprintf(stderr, "bench_sgplan: the engine rejects the plan\n");
			return 1;
		}
	}
	printf("profile %s segments %d bytes %d descs %u iterations %ld\n",
	       bp->name, nsegs, nsegs * 4096, r.ndescs, iters);
	return 0;
}
