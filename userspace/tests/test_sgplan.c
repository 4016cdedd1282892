// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the sgplan descriptor planner (driver/sgplan.c).
 *
 * Three layers:
 *  - a table of hand-computed plans (profile, segments, expected
 *    descriptors, counters or error);
 *  - ref_check_invariants(), the contract of sgplan_build() written as a
 *    checker, applied to every successful plan;
 *  - a seeded random sweep comparing sgplan_build() against ref_plan(), a
 *    deliberately naive reference (128-bit arithmetic, divisions, an
 *    O(n^2) budget search) of the same design.
 * The checker and the reference are sgplan_ref.c's, shared with the fuzzer.
 *
 * Output is TAP; the exit status is 1 if any test failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgplan.h"
#include "sgplan_ref.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SZ_1K		1024u
#define SZ_1M		(1024u * 1024u)
#define SZ_4G		(1ull << 32)

#define A	SGPLAN_WHY_ALIGN
#define M	SGPLAN_WHY_MASK
#define DS	SGPLAN_WHY_DESCS

/* ------------------------------------------------------------------ */
/* TAP helpers */

static unsigned int tap_n;
static unsigned int tap_failed;

/* One TAP line; a failure gets its first ref_fail() reason */
static void tap_result(bool ok, const char *name)
{
	const char *why = ref_why();

	tap_n++;
	if (ok) {
		printf("ok %u - %s\n", tap_n, name);
	} else {
		tap_failed++;
		printf("not ok %u - %s\n", tap_n, name);
		printf("# %s\n", why);
	}
}

/* ------------------------------------------------------------------ */
/* The table */

#define MAXS	8
#define MAXD	12

struct exp_desc {
	u64 addr;
	u32 len;	/* 0 ends the list */
	u32 flags;
};

struct tcase {
	const char *name;
	struct sgplan_profile p;
	u32 nsegs;
	struct sgplan_seg segs[MAXS];
	bool fixed_out;
	u32 max_out;
	int err;
	struct sgplan_result res;
	struct exp_desc d[MAXD];
};

#define P(b, m, dd, a, bits, bs)					\
	.p = { .seg_boundary = (b), .max_seg_size = (m),		\
	       .max_descs = (dd), .dma_align = (a),			\
	       .dma_mask_bits = (bits), .bounce_size = (bs) }
#define S(a, l)		{ .addr = (a), .len = (l) }
#define SEGS(...)	.segs = { __VA_ARGS__ },			\
	.nsegs = sizeof((struct sgplan_seg[]){ __VA_ARGS__ }) /		\
		 sizeof(struct sgplan_seg)
#define D(a, l)		{ .addr = (a), .len = (l), .flags = 0 }
#define B(l)		{ .addr = 0, .len = (l), .flags = SGPLAN_DESC_BOUNCE }
#define DESCS(...)	.d = { __VA_ARGS__ }
/* ndescs, splits_boundary, splits_maxseg, bounce_segs, bounce_bytes,
 * nbounce, why
 */
#define R(nd, sb, sm, bsg, bb, nb, w)					\
	.res = { .ndescs = (nd), .splits_boundary = (sb),		\
		 .splits_maxseg = (sm), .bounce_segs = (bsg),		\
		 .bounce_bytes = (bb), .nbounce = (nb), .why = (w) }
#define ERR(e)		.err = (e)
#define OUT(n)		.fixed_out = true, .max_out = (n)

/* the common profile: 4 SZ_1K boundary, 64 SZ_1K segments, 4-byte alignment */
#define P4K(bits)	P(4096, 64 * SZ_1K, 0, 4, bits, 4096)

static const struct tcase cases[] = {
	/* --- splitting at seg_boundary --- */
	{ "aligned page, no split", P4K(64), SEGS(S(0x10000, 4096)),
	  DESCS(D(0x10000, 4096)), R(1, 0, 0, 0, 0, 0, 0) },
	{ "ends exactly on a boundary", P4K(64), SEGS(S(0x10800, 2048)),
	  DESCS(D(0x10800, 2048)), R(1, 0, 0, 0, 0, 0, 0) },
	{ "starts exactly on a boundary", P4K(64), SEGS(S(0x11000, 4096)),
	  DESCS(D(0x11000, 4096)), R(1, 0, 0, 0, 0, 0, 0) },
	{ "crosses one boundary", P4K(64), SEGS(S(0x10800, 4096)),
	  DESCS(D(0x10800, 2048), D(0x11000, 2048)),
	  R(2, 1, 0, 0, 0, 0, 0) },
	{ "crosses four boundaries", P4K(64), SEGS(S(0x10800, 16384)),
	  DESCS(D(0x10800, 2048), D(0x11000, 4096), D(0x12000, 4096),
		D(0x13000, 4096), D(0x14000, 2048)),
	  R(5, 4, 0, 0, 0, 0, 0) },
	{ "1 KiB boundary, 4 KiB pages", P(1024, 64 * SZ_1K, 0, 4, 64, 512),
	  SEGS(S(0x20000, 4096), S(0x30000, 4096)),
	  DESCS(D(0x20000, 1024), D(0x20400, 1024), D(0x20800, 1024),
		D(0x20c00, 1024), D(0x30000, 1024), D(0x30400, 1024),
		D(0x30800, 1024), D(0x30c00, 1024)),
	  R(8, 6, 0, 0, 0, 0, 0) },
	{ "512 B boundary, 4 KiB page", P(512, 64 * SZ_1K, 0, 1, 64, 512),
	  SEGS(S(0x40000, 4096)),
	  DESCS(D(0x40000, 512), D(0x40200, 512), D(0x40400, 512),
		D(0x40600, 512), D(0x40800, 512), D(0x40a00, 512),
		D(0x40c00, 512), D(0x40e00, 512)),
	  R(8, 7, 0, 0, 0, 0, 0) },
	{ "512 B boundary, align == boundary", P(512, 4096, 0, 512, 64, 512),
	  SEGS(S(0x10000, 2048)),
	  DESCS(D(0x10000, 512), D(0x10200, 512), D(0x10400, 512),
		D(0x10600, 512)),
	  R(4, 3, 0, 0, 0, 0, 0) },
	{ "1 MiB segment, 1 KiB boundary = 1024 descs",
	  P(1024, 64 * SZ_1K, 0, 4, 64, 512), SEGS(S(0x100000, SZ_1M)),
	  DESCS(D(0x100000, 1024), D(0x100400, 1024), D(0x100800, 1024)),
	  R(1024, 1023, 0, 0, 0, 0, 0) },
	{ "partial-whole-partial windows stress the bound",
	  P4K(64),
	  SEGS(S(0x10e00, 5120), S(0x20e00, 5120), S(0x30e00, 5120),
	       S(0x40e00, 5120), S(0x50e00, 5120), S(0x60e00, 5120),
	       S(0x70e00, 5120), S(0x80e00, 5120)),
	  OUT(26),
	  DESCS(D(0x10e00, 512), D(0x11000, 4096), D(0x12000, 512),
		D(0x20e00, 512), D(0x21000, 4096), D(0x22000, 512)),
	  R(24, 16, 0, 0, 0, 0, 0) },

	/* --- max_seg_size --- */
	{ "max_seg below boundary", P(64 * SZ_1K, 3072, 0, 512, 64, 2048),
	  SEGS(S(0x100000, 8192)),
	  DESCS(D(0x100000, 3072), D(0x100c00, 3072), D(0x101800, 2048)),
	  R(3, 0, 2, 0, 0, 0, 0) },
	{ "max_seg and boundary interleave", P(4096, 3072, 0, 512, 64, 2048),
	  SEGS(S(0x1000, 8192)),
	  DESCS(D(0x1000, 3072), D(0x1c00, 1024), D(0x2000, 3072),
		D(0x2c00, 1024)),
	  R(4, 1, 2, 0, 0, 0, 0) },
	{ "max_seg above boundary", P(4096, SZ_1M, 0, 1, 64, 4096),
	  SEGS(S(0x5000, 12288)),
	  DESCS(D(0x5000, 4096), D(0x6000, 4096), D(0x7000, 4096)),
	  R(3, 2, 0, 0, 0, 0, 0) },
	{ "tie max_seg == boundary counts as boundary",
	  P(4096, 4096, 0, 1, 64, 4096), SEGS(S(0x6000, 8192)),
	  DESCS(D(0x6000, 4096), D(0x7000, 4096)), R(2, 1, 0, 0, 0, 0, 0) },
	{ "tie max_seg == distance to boundary",
	  P(8192, 4096, 0, 1, 64, 4096), SEGS(S(0x7000, 8192)),
	  DESCS(D(0x7000, 4096), D(0x8000, 4096)), R(2, 1, 0, 0, 0, 0, 0) },
	{ "1 MiB segment, 64 KiB max_seg, 4 GiB boundary",
	  P(SZ_4G, 64 * SZ_1K, 0, 4, 64, 4096), SEGS(S(0x100000, SZ_1M)),
	  DESCS(D(0x100000, 64 * SZ_1K), D(0x110000, 64 * SZ_1K)),
	  R(16, 0, 15, 0, 0, 0, 0) },

	/* --- 4 GiB line --- */
	{ "crossing 4 GiB with a 4 GiB boundary",
	  P(SZ_4G, SZ_1M, 0, 4, 64, 4096), SEGS(S(0xfffff000, 8192)),
	  DESCS(D(0xfffff000, 4096), D(0x100000000ull, 4096)),
	  R(2, 1, 0, 0, 0, 0, 0) },
	{ "3 MiB across 4 GiB, huge max_seg",
	  P(SZ_4G, 0xfffffe00u, 0, 512, 64, 64 * SZ_1K),
	  SEGS(S(0xfff00000, 3 * SZ_1M)),
	  DESCS(D(0xfff00000, SZ_1M), D(0x100000000ull, 2 * SZ_1M)),
	  R(2, 1, 0, 0, 0, 0, 0) },
	{ "below 4 GiB, no split with 4 GiB boundary",
	  P(SZ_4G, SZ_1M, 0, 4, 64, 4096), SEGS(S(0x80000000, SZ_1M)),
	  DESCS(D(0x80000000, SZ_1M)), R(1, 0, 0, 0, 0, 0, 0) },

	/* --- alignment --- */
	{ "unaligned start (addr+1), single segment", P4K(64),
	  SEGS(S(0x10001, 512)), DESCS(B(512)), R(1, 0, 0, 1, 512, 1, A) },
	{ "unaligned start in the middle", P4K(64),
	  SEGS(S(0x10000, 4096), S(0x20002, 4096), S(0x30000, 4096)),
	  DESCS(D(0x10000, 4096), B(4096), D(0x30000, 4096)),
	  R(3, 0, 0, 1, 4096, 1, A) },
	{ "addr+1 with align 2 between direct segments",
	  P(4096, 64 * SZ_1K, 0, 2, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20001, 4096), S(0x30000, 4096)),
	  DESCS(D(0x10000, 4096), B(4096), D(0x30000, 4096)),
	  R(3, 0, 0, 1, 4096, 1, A) },
	{ "consecutive unaligned segments join one run", P4K(64),
	  SEGS(S(0x10001, 4096), S(0x20003, 4096), S(0x30000, 4096)),
	  DESCS(B(4096), B(4096), D(0x30000, 4096)),
	  R(3, 0, 0, 2, 8192, 2, A) },
	{ "unaligned length in the middle absorbs the next segment",
	  P(4096, 64 * SZ_1K, 0, 512, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20000, 1000), S(0x30000, 3096)),
	  DESCS(D(0x10000, 4096), B(4096)), R(2, 0, 0, 2, 4096, 1, A) },
	{ "unaligned length in the last segment stays direct",
	  P(4096, 64 * SZ_1K, 0, 4096, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20000, 512)),
	  DESCS(D(0x10000, 4096), D(0x20000, 512)), R(2, 0, 0, 0, 0, 0, 0) },
	{ "short middle length, run realigns and closes",
	  P(4096, 64 * SZ_1K, 0, 4096, 64, 4096),
	  SEGS(S(0x10000, 512), S(0x20000, 3584), S(0x30000, 4096)),
	  DESCS(B(4096), D(0x30000, 4096)), R(2, 0, 0, 2, 4096, 1, A) },
	{ "run absorbs several segments until aligned",
	  P(4096, 64 * SZ_1K, 0, 4096, 64, 4096),
	  SEGS(S(0x10000, 512), S(0x20000, 1024), S(0x30000, 1024),
	       S(0x40000, 1536), S(0x50000, 4096)),
	  DESCS(B(4096), D(0x50000, 4096)), R(2, 0, 0, 4, 4096, 1, A) },
	{ "run absorbs an eligible segment and keeps going",
	  P(4096, 64 * SZ_1K, 0, 512, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20000, 1000), S(0x30000, 4096),
	       S(0x40000, 24), S(0x50800, 4096)),
	  DESCS(D(0x10000, 4096), B(4096), B(1024), D(0x50800, 2048),
		D(0x51000, 2048)),
	  R(5, 1, 0, 3, 5120, 2, A) },
	{ "run absorbs the eligible last segment",
	  P(4096, 64 * SZ_1K, 0, 512, 64, 4096),
	  SEGS(S(0x10000, 700), S(0x20000, 8516)),
	  DESCS(B(4096), B(4096), B(1024)), R(3, 0, 0, 2, 9216, 3, A) },
	{ "run remainder in the middle of the request",
	  P(4096, 64 * SZ_1K, 0, 512, 64, 1024),
	  SEGS(S(0x10100, 2560), S(0x20000, 512)),
	  DESCS(B(1024), B(1024), B(512), D(0x20000, 512)),
	  R(4, 0, 0, 1, 2560, 3, A) },
	{ "bounced tail with unaligned last length",
	  P(4096, 64 * SZ_1K, 0, 4096, 64, 4096), SEGS(S(0x10200, 4608)),
	  DESCS(B(4096), B(512)), R(2, 0, 0, 1, 4608, 2, A) },
	{ "align 1: odd lengths and addresses go direct",
	  P(4096, 64 * SZ_1K, 0, 1, 64, 4096),
	  SEGS(S(0x10001, 100), S(0x20003, 412)),
	  DESCS(D(0x10001, 100), D(0x20003, 412)), R(2, 0, 0, 0, 0, 0, 0) },

	/* --- DMA mask --- */
	{ "mask 28: segment above the mask", P4K(28),
	  SEGS(S(0x10000000, 4096)), DESCS(B(4096)),
	  R(1, 0, 0, 1, 4096, 1, M) },
	{ "mask 28: segment straddles the mask", P4K(28),
	  SEGS(S(0x0ffff000, 8192)), DESCS(B(4096), B(4096)),
	  R(2, 0, 0, 1, 8192, 2, M) },
	{ "mask 28: segment ends exactly at the mask", P4K(28),
	  SEGS(S(0x0fffe000, 8192)),
	  DESCS(D(0x0fffe000, 4096), D(0x0ffff000, 4096)),
	  R(2, 1, 0, 0, 0, 0, 0) },
	{ "mask 28: below, above, below", P4K(28),
	  SEGS(S(0x1000, 4096), S(0x20000000, 4096), S(0x2000, 4096)),
	  DESCS(D(0x1000, 4096), B(4096), D(0x2000, 4096)),
	  R(3, 0, 0, 1, 4096, 1, M) },
	{ "mask 28: misaligned and above the mask", P4K(28),
	  SEGS(S(0x20000001, 4096)), DESCS(B(4096)),
	  R(1, 0, 0, 1, 4096, 1, A | M) },
	{ "mask 24 (minimum)", P4K(24),
	  SEGS(S(0xfff000, 4096), S(0x1000000, 4096)),
	  DESCS(D(0xfff000, 4096), B(4096)), R(2, 0, 0, 1, 4096, 1, M) },
	{ "mask 32: straddles 4 GiB", P(SZ_4G, 64 * SZ_1K, 0, 4, 32, 4096),
	  SEGS(S(0xfffff000, 8192)), DESCS(B(4096), B(4096)),
	  R(2, 0, 0, 1, 8192, 2, M) },
	{ "mask 32: ends exactly at 4 GiB",
	  P(SZ_4G, 64 * SZ_1K, 0, 4, 32, 4096),
	  SEGS(S(0xffffe000, 8192)), DESCS(D(0xffffe000, 8192)),
	  R(1, 0, 0, 0, 0, 0, 0) },
	{ "mask 36: below and above", P4K(36),
	  SEGS(S(0xffffff000ull, 4096), S(0x1000000000ull, 4096)),
	  DESCS(D(0xffffff000ull, 4096), B(4096)),
	  R(2, 0, 0, 1, 4096, 1, M) },
	{ "mask 64: ends exactly at 2^64", P4K(64),
	  SEGS(S(0xffffffffffffe000ull, 8192)),
	  DESCS(D(0xffffffffffffe000ull, 4096),
		D(0xfffffffffffff000ull, 4096)),
	  R(2, 1, 0, 0, 0, 0, 0) },
	{ "mask 64: wraps past 2^64", P4K(64),
	  SEGS(S(0xfffffffffffff000ull, 8192)), DESCS(B(4096), B(4096)),
	  R(2, 0, 0, 1, 8192, 2, M) },

	/* --- descriptor budget --- */
	{ "budget fits exactly", P(4096, 64 * SZ_1K, 4, 4, 64, 4096),
	  SEGS(S(0x10800, 12288)),
	  DESCS(D(0x10800, 2048), D(0x11000, 4096), D(0x12000, 4096),
		D(0x13000, 2048)),
	  R(4, 3, 0, 0, 0, 0, 0) },
	{ "budget overflow bounces everything",
	  P(4096, 64 * SZ_1K, 3, 4, 64, 4096), SEGS(S(0x10800, 12288)),
	  DESCS(B(4096), B(4096), B(4096)), R(3, 0, 0, 1, 12288, 3, DS) },
	{ "budget overflow keeps the longest prefix",
	  P(4096, 64 * SZ_1K, 4, 4, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20000, 4096), S(0x30800, 4096),
	       S(0x40800, 4096)),
	  DESCS(D(0x10000, 4096), D(0x20000, 4096), B(4096), B(4096)),
	  R(4, 0, 0, 2, 8192, 2, DS) },
	{ "budget: later prefix fits where bouncing all does not",
	  P(SZ_4G, SZ_1M, 2, 4, 64, 4096),
	  SEGS(S(0x100000, SZ_1M), S(0xfffff800, 4096)),
	  DESCS(D(0x100000, SZ_1M), B(4096)), R(2, 0, 0, 1, 4096, 1, DS) },
	{ "budget keeps an earlier align run",
	  P(4096, 64 * SZ_1K, 4, 4, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20002, 4096), S(0x30000, 4096),
	       S(0x40800, 4096)),
	  DESCS(D(0x10000, 4096), B(4096), D(0x30000, 4096), B(4096)),
	  R(4, 0, 0, 2, 8192, 2, A | DS) },
	{ "budget cut never falls inside a run",
	  P(4096, 64 * SZ_1K, 3, 512, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20000, 1000), S(0x30000, 4096),
	       S(0x40000, 24), S(0x50800, 3072)),
	  DESCS(D(0x10000, 4096), B(4096), B(4096)),
	  R(3, 0, 0, 4, 8192, 2, A | DS) },
	{ "budget 1: single direct descriptor fits",
	  P(4096, 64 * SZ_1K, 1, 4, 64, 4096), SEGS(S(0x10000, 4096)),
	  DESCS(D(0x10000, 4096)), R(1, 0, 0, 0, 0, 0, 0) },
	{ "budget 1: split replaced by one bounce",
	  P(4096, 64 * SZ_1K, 1, 4, 64, 4096), SEGS(S(0x10800, 4096)),
	  DESCS(B(4096)), R(1, 0, 0, 1, 4096, 1, DS) },
	{ "budget impossible: -E2BIG", P(4096, 64 * SZ_1K, 2, 4, 64, 4096),
	  SEGS(S(0x10800, 12288)), ERR(-E2BIG) },
	{ "budget impossible with a run: -E2BIG",
	  P(4096, 64 * SZ_1K, 3, 512, 64, 4096),
	  SEGS(S(0x10000, 4096), S(0x20000, 1000), S(0x30000, 4096),
	       S(0x40000, 24), S(0x50800, 4096)),
	  ERR(-E2BIG) },
	{ "budget cut with a small output array",
	  P(4096, 64 * SZ_1K, 3, 4, 64, 4096), SEGS(S(0x10800, 12288)),
	  OUT(3), DESCS(B(4096), B(4096), B(4096)),
	  R(3, 0, 0, 1, 12288, 3, DS) },

	/* --- output space --- */
	{ "max_out one short: -ENOSPC", P4K(64), SEGS(S(0x10800, 16384)),
	  OUT(4), ERR(-ENOSPC) },
	{ "max_out exact", P4K(64), SEGS(S(0x10800, 8192)), OUT(3),
	  DESCS(D(0x10800, 2048), D(0x11000, 4096), D(0x12000, 2048)),
	  R(3, 2, 0, 0, 0, 0, 0) },
	{ "max_out 0, NULL descs: -ENOSPC", P4K(64), SEGS(S(0x10000, 4096)),
	  OUT(0), ERR(-ENOSPC) },
	{ "max_out too small for a budget-legal plan: -ENOSPC",
	  P(4096, 64 * SZ_1K, 3, 4, 64, 4096), SEGS(S(0x10800, 12288)),
	  OUT(2), ERR(-ENOSPC) },

	/* --- invalid input --- */
	{ "zero segments", P4K(64), .nsegs = 0, ERR(-EINVAL) },
	{ "zero-length segment", P4K(64),
	  SEGS(S(0x10000, 4096), S(0x20000, 0)), ERR(-EINVAL) },
	{ "request of 4 GiB", P(SZ_4G, SZ_1M, 0, 512, 64, 4096),
	  SEGS(S(0, 0xfffffe00u), S(0x100000000ull, 512)), OUT(64),
	  ERR(-EINVAL) },

	/* --- invalid profiles, one rule each --- */
	{ "profile: boundary not a power of two",
	  P(3072, 64 * SZ_1K, 0, 4, 64, 512),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: boundary below 512", P(256, 64 * SZ_1K, 0, 4, 64, 256),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: boundary above 4 GiB", P(1ull << 33, SZ_1M, 0, 4, 64, 4096),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: boundary 0", P(0, 64 * SZ_1K, 0, 4, 64, 4096),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: max_seg below 512", P(4096, 256, 0, 4, 64, 512),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: max_seg not a multiple of align",
	  P(4096, 1004, 0, 8, 64, 512), SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: align 0", P(4096, 64 * SZ_1K, 0, 0, 64, 4096),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: align not a power of two",
	  P(4096, 3 * 4096, 0, 3, 64, 4096),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: align above boundary",
	  P(4096, 64 * SZ_1K, 0, 8192, 64, 4096),
	  SEGS(S(0, 8192)), ERR(-EINVAL) },
	{ "profile: mask bits 23", P4K(23), SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: mask bits 65", P4K(65), SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: bounce_size not a power of two",
	  P(4096, 64 * SZ_1K, 0, 4, 64, 3072), SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: bounce_size below 512", P(4096, 64 * SZ_1K, 0, 4, 64, 256),
	  SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: bounce_size above boundary",
	  P(1024, 64 * SZ_1K, 0, 4, 64, 2048), SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: bounce_size above max_seg",
	  P(4096, 1536, 0, 4, 64, 2048), SEGS(S(0, 4096)), ERR(-EINVAL) },
	{ "profile: bounce_size above 2^dma_mask_bits",
	  P(1u << 26, 1u << 26, 0, 4, 24, 1u << 25), SEGS(S(0, 4096)),
	  ERR(-EINVAL) },
	{ "profile: bounce_size == 2^dma_mask_bits is valid",
	  P(1u << 26, 1u << 26, 0, 4, 24, 1u << 24), SEGS(S(0x1000, 4096)),
	  DESCS(D(0x1000, 4096)), R(1, 0, 0, 0, 0, 0, 0) },
	{ "profile: bounce_size not a multiple of align",
	  P(4096, 4096, 0, 1024, 64, 512), SEGS(S(0, 4096)), ERR(-EINVAL) },
};

static bool run_case(const struct tcase *tc)
{
	u64 total = ref_seg_total(tc->segs, tc->nsegs);
	u32 cap = tc->fixed_out ? tc->max_out :
		  sgplan_max_descs(&tc->p, tc->nsegs, total);
	/* exactly cap entries, so ASan catches any write past max_out */
	struct sgplan_desc *descs = cap ? malloc(cap * sizeof(*descs)) : NULL;
	struct sgplan_result res;
	bool ok = true;
	u32 i, listed = 0;
	int err;

	memset(&res, 0xa5, sizeof(res));
	err = sgplan_build(&tc->p, tc->segs, tc->nsegs, descs, cap, &res);
	if (err != tc->err) {
		ok = ref_fail("returned %d, expected %d (nd=%u)", err, tc->err,
			  res.ndescs);
		goto out;
	}
	if (err) {
		if (!ref_result_zero(&res))
			ok = ref_fail("result not zeroed on error");
		goto out;
	}
	if (res.ndescs > cap) {
		ok = ref_fail("plan claims %u descs, room for %u", res.ndescs, cap);
		goto out;
	}
	if (!ref_same_result(&res, &tc->res)) {
		ok = ref_fail_result("counters", &res, &tc->res);
		goto out;
	}
	while (listed < MAXD && tc->d[listed].len)
		listed++;
	if (listed != res.ndescs && res.ndescs <= MAXD) {
		ok = ref_fail("table lists %u descs, plan has %u", listed,
			  res.ndescs);
		goto out;
	}
	for (i = 0; i < listed && i < res.ndescs; i++) {
		const struct exp_desc *e = &tc->d[i];
		const struct sgplan_desc *d = &descs[i];

		if (d->addr != e->addr || d->len != e->len ||
		    d->flags != e->flags) {
			ok = ref_fail("desc %u is (%#llx, %u, %#x), expected (%#llx, %u, %#x)",
				  i, (unsigned long long)d->addr, d->len,
				  d->flags, (unsigned long long)e->addr, e->len,
				  e->flags);
			goto out;
		}
	}
	ok = ref_check_invariants(&tc->p, tc->segs, tc->nsegs, descs, &res) &&
	     ref_check_against_ref(&tc->p, tc->segs, tc->nsegs, err, descs, &res);
out:
	free(descs);
	return ok;
}

/* ------------------------------------------------------------------ */
/* sgplan_desc_ok() table */

struct okcase {
	const char *name;
	struct sgplan_profile p;
	u64 addr;
	u32 len;
	bool last;
	int err;
};

#define OK(n, prof, a, l, la, e)					\
	{ .name = "desc_ok: " n, prof, .addr = (a), .len = (l),		\
	  .last = (la), .err = (e) }

static const struct okcase okcases[] = {
	OK("legal page", P4K(64), 0x1000, 4096, false, 0),
	OK("ends on a boundary", P4K(64), 0x1800, 2048, false, 0),
	OK("crosses a boundary", P4K(64), 0x1800, 4096, false, -EINVAL),
	OK("misaligned address", P4K(64), 0x1002, 512, false, -EINVAL),
	OK("misaligned length, not last", P4K(64), 0x1000, 510, false,
	   -EINVAL),
	OK("misaligned length, last", P4K(64), 0x1000, 510, true, 0),
	OK("zero length", P4K(64), 0x1000, 0, true, -EINVAL),
	OK("len == max_seg", P(64 * SZ_1K, 4096, 0, 4, 64, 4096), 0, 4096,
	   false, 0),
	OK("len > max_seg", P(64 * SZ_1K, 4096, 0, 4, 64, 4096), 0, 4100,
	   false, -EINVAL),
	OK("mask 32: below", P(SZ_4G, 64 * SZ_1K, 0, 4, 32, 4096), 0xfffff000,
	   4096, false, 0),
	OK("mask 32: straddles", P(SZ_4G, 64 * SZ_1K, 0, 4, 32, 4096),
	   0xfffff000, 8192, false, -EINVAL),
	OK("mask 64: top page", P4K(64), 0xfffffffffffff000ull, 4096, true,
	   0),
	OK("mask 64: wraps", P4K(64), 0xfffffffffffff800ull, 4096, true,
	   -EINVAL),
	OK("4 GiB boundary crossed", P(SZ_4G, 64 * SZ_1K, 0, 4, 64, 4096),
	   0xfffff000, 8192, false, -EINVAL),
	OK("4 GiB boundary, above it", P(SZ_4G, 64 * SZ_1K, 0, 4, 64, 4096),
	   0x100000000ull, 8192, false, 0),
};

/* ------------------------------------------------------------------ */
/* Seeded random sweep */

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static u64 rnd_below(u64 n)
{
	return n ? rnd() % n : 0;
}

static u32 log2_floor(u64 x)
{
	u32 l = 0;

	while (x > 1) {
		x >>= 1;
		l++;
	}
	return l;
}

static void rand_profile(struct sgplan_profile *p)
{
	static const u32 lbs[] = { 9, 10, 12, 12, 16, 21, 32 };
	static const u32 bitss[] = { 24, 28, 32, 32, 36, 40, 48, 64, 64 };
	u32 lb, la, lo, hi;
	u64 m;

	lb = rnd_below(2) ? lbs[rnd_below(ARRAY_SIZE(lbs))] :
	     9 + (u32)rnd_below(24);
	p->seg_boundary = 1ull << lb;
	la = (u32)rnd_below((lb < 13 ? lb : 13) + 1);
	if (!rnd_below(4))
		la = rnd_below(2) ? 0 : 9;
	if (la > lb)
		la = lb;
	p->dma_align = 1u << la;

	switch (rnd_below(4)) {
	case 0:		/* equal to the boundary (capped) */
		m = p->seg_boundary;
		break;
	case 1:		/* a power of two */
		m = 1ull << (9 + rnd_below(12));
		break;
	default:	/* anything, around the boundary */
		m = 512 + rnd_below(2 * p->seg_boundary < (1u << 22) ?
				    2 * p->seg_boundary : (1u << 22));
		break;
	}
	if (m > 0xffffffffu)
		m = 0xffffffffu;
	m &= ~(u64)(p->dma_align - 1);
	if (m < 512)
		m = p->dma_align > 512 ? p->dma_align : 512;
	p->max_seg_size = (u32)m;

	p->dma_mask_bits = rnd_below(2) ? bitss[rnd_below(ARRAY_SIZE(bitss))]
					: 24 + (u32)rnd_below(41);

	lo = log2_floor(p->dma_align > 512 ? p->dma_align : 512);
	hi = log2_floor(p->seg_boundary < m ? p->seg_boundary : m);
	if (hi > p->dma_mask_bits)
		hi = p->dma_mask_bits;
	/* the largest legal size half the time: budget cuts need it */
	p->bounce_size = 1u << (rnd_below(2) ? hi :
				lo + rnd_below(hi - lo + 1));

	/* sweep_one() picks max_descs once it knows the segments */
	p->max_descs = 0;
}

static u32 rand_segs(const struct sgplan_profile *p, struct sgplan_seg *s,
		     u32 maxn)
{
	u32 n, i;
	u64 base, mtop = p->dma_mask_bits >= 64 ? 0 :
			 1ull << p->dma_mask_bits;
	u64 total = 0;
	u32 misalign;

	n = 1 + (u32)rnd_below(rnd_below(20) ? 12 : maxn);
	switch (rnd_below(6)) {
	case 0:
	case 1:
		base = 0x100000;
		break;
	case 2:		/* around the mask (or 2^64) */
		base = mtop - 0x40000;
		break;
	case 3:		/* around 4 GiB */
		base = 0xfffc0000ull;
		break;
	case 4:		/* anywhere below the mask */
		base = (rnd() & (mtop - 1)) & ~0xfffull;
		break;
	default:
		base = rnd() & ~0xfffull;
		break;
	}
	/* half the lists are perfectly aligned page lists */
	misalign = rnd_below(2) ? 0 : 4 + (u32)rnd_below(20);
	for (i = 0; i < n; i++) {
		u64 addr = base + (rnd_below(128) << 12);
		u32 len;

		switch (misalign ? rnd_below(misalign) : 3) {
		case 0:		/* byte misaligned */
			addr += rnd_below(4096);
			break;
		case 1:		/* sector aligned */
			addr += rnd_below(8) << 9;
			break;
		case 2:
			addr += 1;
			break;
		default:
			break;
		}
		switch (rnd_below(10)) {
		case 0:
			len = 1 + (u32)rnd_below(4096);
			break;
		case 1:
			len = (u32)(1 + rnd_below(256)) << 12;
			break;
		case 2:
			len = 1 + (u32)rnd_below(512 * SZ_1K);
			break;
		default:
			len = (u32)(1 + rnd_below(64)) << 9;
			break;
		}
		s[i].addr = addr;
		s[i].len = len;
		total += len;
	}
	/* the block layer hands over whole sectors; mostly respect that */
	if (total % 512 && rnd_below(5))
		s[n - 1].len += 512 - total % 512;
	return n;
}

struct sweep_stats {
	u32 plans, bounced, cut, e2big, split_b, split_m, nospc;
};

static bool sweep_one(struct sweep_stats *st)
{
	struct sgplan_profile p;
	struct sgplan_seg segs[300];
	struct sgplan_desc *descs;
	struct sgplan_result res, res2;
	u32 n, cap;
	int err;
	bool ok;

	rand_profile(&p);
	if (sgplan_profile_check(&p))
		return ref_fail("generated profile rejected (b=%llu m=%u a=%u bits=%u bs=%u)",
			    (unsigned long long)p.seg_boundary,
			    p.max_seg_size, p.dma_align, p.dma_mask_bits,
			    p.bounce_size);
	n = rand_segs(&p, segs, ARRAY_SIZE(segs));
	switch (rnd_below(5)) {
	case 0:
	case 1:
		break;
	case 2:
		p.max_descs = 1 + (u32)rnd_below(64);
		break;
	default:
		/* around the unbudgeted plan size, to exercise cuts */
		cap = sgplan_max_descs(&p, n, ref_seg_total(segs, n));
		descs = malloc(cap * sizeof(*descs));
		if (sgplan_build(&p, segs, n, descs, cap, &res)) {
			free(descs);
			return ref_fail("unbudgeted plan failed");
		}
		free(descs);
		if (rnd_below(2) || res.ndescs < 3)
			p.max_descs = 1 + (u32)rnd_below(res.ndescs + 1);
		else
			p.max_descs = res.ndescs - 1 -
				      (u32)rnd_below(res.ndescs / 3);
		break;
	}
	cap = sgplan_max_descs(&p, n, ref_seg_total(segs, n));
	descs = malloc(cap * sizeof(*descs));
	err = sgplan_build(&p, segs, n, descs, cap, &res);
	if (err && err != -E2BIG) {
		free(descs);
		return ref_fail("unexpected error %d", err);
	}
	if (err == -E2BIG) {
		st->e2big++;
		ok = ref_result_zero(&res) ||
		     ref_fail("result not zeroed on -E2BIG");
		ok = ok && ref_check_against_ref(&p, segs, n, err, descs, &res);
		free(descs);
		return ok;
	}
	st->plans++;
	st->bounced += !!res.nbounce;
	st->cut += !!(res.why & DS);
	st->split_b += !!res.splits_boundary;
	st->split_m += !!res.splits_maxseg;
	ok = ref_check_invariants(&p, segs, n, descs, &res) &&
	     ref_check_against_ref(&p, segs, n, err, descs, &res);
	free(descs);
	if (!ok) {
		u32 i;

		printf("# profile b=%#llx m=%u d=%u a=%u bits=%u bs=%u\n",
		       (unsigned long long)p.seg_boundary, p.max_seg_size,
		       p.max_descs, p.dma_align, p.dma_mask_bits,
		       p.bounce_size);
		for (i = 0; i < n; i++)
			printf("# seg %u: %#llx %u\n", i,
			       (unsigned long long)segs[i].addr, segs[i].len);
		return false;
	}

	/* one entry short must fail cleanly without writing past it */
	descs = malloc(res.ndescs * sizeof(*descs));
	if (res.ndescs > 1) {
		err = sgplan_build(&p, segs, n, descs, res.ndescs - 1, &res2);
		if (err != -ENOSPC || !ref_result_zero(&res2)) {
			free(descs);
			return ref_fail("max_out %u: returned %d, expected -ENOSPC",
				    res.ndescs - 1, err);
		}
		st->nospc++;
	}
	/* exactly enough gives the same plan */
	err = sgplan_build(&p, segs, n, descs, res.ndescs, &res2);
	ok = !err && ref_same_result(&res, &res2);
	if (!ok)
		ref_fail("max_out %u exact: returned %d or different plan",
		     res.ndescs, err);
	free(descs);
	return ok;
}

static void test_sweep(void)
{
	struct sweep_stats st = { 0 };
	const u32 iters = 25000;
	u32 i;
	bool ok = true;

	rng_state = 0x5eed5eed12345678ull;
	for (i = 0; i < iters && ok; i++) {
		ok = sweep_one(&st);
		if (!ok) {
			char tmp[512];

			snprintf(tmp, sizeof(tmp), "iteration %u: %.400s", i,
				 ref_why());
			ref_fail("%s", tmp);
		}
	}
	printf("# sweep: %u plans, %u bounced, %u budget cuts, %u -E2BIG, %u boundary splits, %u max_seg splits, %u -ENOSPC probes\n",
	       st.plans, st.bounced, st.cut, st.e2big, st.split_b, st.split_m,
	       st.nospc);
	/* a sweep that never reaches a path proves nothing about it */
	if (ok && (st.bounced < 1000 || st.cut < 500 || st.e2big < 100 ||
		   st.split_b < 1000 || st.split_m < 1000))
		ok = ref_fail("sweep coverage too thin");
	tap_result(ok,
		   "random sweep: 25000 profiles vs invariants and reference");
}

/* ------------------------------------------------------------------ */
/* Small API-edge tests */

static void test_misc(void)
{
	static const struct sgplan_profile good = {
		.seg_boundary = 4096, .max_seg_size = 65536,
		.dma_align = 4, .dma_mask_bits = 64, .bounce_size = 4096,
	};
	struct sgplan_profile bad = good;
	struct sgplan_seg seg = { .addr = 0x1000, .len = 4096 };
	struct sgplan_desc d;
	struct sgplan_result res;
	bool ok = true;

	bad.bounce_size = 3000;
	if (sgplan_profile_check(NULL) != -EINVAL)
		ok = ref_fail("profile_check(NULL)");
	if (sgplan_profile_check(&good))
		ok = ref_fail("good profile rejected");
	if (sgplan_max_descs(&bad, 1, 4096))
		ok = ref_fail("max_descs of a bad profile not 0");
	if (sgplan_build(&good, &seg, 1, &d, 1, NULL) != -EINVAL)
		ok = ref_fail("NULL result accepted");
	if (sgplan_build(&good, NULL, 1, &d, 1, &res) != -EINVAL)
		ok = ref_fail("NULL segments accepted");
	if (sgplan_build(&good, &seg, 1, NULL, 1, &res) != -EINVAL)
		ok = ref_fail("NULL descs with max_out 1 accepted");
	if (sgplan_max_descs(&good, 1, 4096) < 1)
		ok = ref_fail("max_descs bound below 1");
	tap_result(ok, "API edges: NULL pointers, bad profile bound");
}

/*
 * sgplan_check_run() against sgplan_legal() on every descriptor: random
 * runs that cross boundaries, the DMA mask and 2^64, with lengths that are
 * zero, misaligned or too long now and then.  Every run must be a
 * maximal stretch of continuing descriptors and count the same.
 */
static u32 rand_piece(const struct sgplan_profile *p)
{
	u32 units = p->max_seg_size / p->dma_align;

	switch (rnd_below(8)) {
	case 0:
		return 0;
	case 1:
		return p->max_seg_size + 1 + (u32)rnd_below(4096);
	case 2:
		return 1 + (u32)rnd_below(p->max_seg_size ? p->max_seg_size : 1);
	default:
		return p->dma_align * (1 + (u32)rnd_below(units ? units : 1));
	}
}

static void test_check_run(void)
{
	struct sgplan_desc d[40];
	u32 iter, runs = 0, masked = 0;
	bool ok = true;

	for (iter = 0; iter < 20000 && ok; iter++) {
		struct sgplan_profile p;
		u32 n = 1 + (u32)rnd_below(ARRAY_SIZE(d)), i, j, bytes, want = 0, got = 0;
		u64 top;

		rand_profile(&p);
		top = p.dma_mask_bits >= 64 ? 0 : 1ull << p.dma_mask_bits;
		for (i = 0; i < n; i++) {
			d[i].len = rand_piece(&p);
			d[i].flags = 0;
			d[i].reserved = 0;
			if (i && rnd_below(5)) {
				d[i].addr = d[i - 1].addr + d[i - 1].len;
				d[i].req_off = d[i - 1].req_off + d[i - 1].len;
			} else {
				/* near the mask's top or 2^64 half the time */
				d[i].addr = rnd_below(2) ? top - rnd_below(4ull * p.max_seg_size + 2) :
					    rnd() & ~(u64)(p.dma_align - 1);
				d[i].req_off = (u32)rnd();
			}
		}
		for (i = 0; i < n; i++)
			want += !sgplan_legal(&p, d[i].addr, d[i].len, i == n - 1);
		for (i = 0; i < n && ok; i = j) {
			u64 sum = 0;
			u32 k;

			got += sgplan_check_run(&p, d, i, n, &j, &bytes);
			runs++;
			if (j <= i || j > n)
				ok = ref_fail("run at %u ends at %u of %u", i, j, n);
			for (k = i; ok && k < j; k++) {
				if (k > i && (d[k].addr != d[i].addr + sum ||
					      d[k].req_off != (u32)(d[i].req_off + sum)))
					ok = ref_fail("run %u..%u holds a gap at %u", i, j, k);
				sum += d[k].len;
			}
			if (ok && j < n && d[j].addr == d[i].addr + sum &&
			    d[j].req_off == (u32)(d[i].req_off + sum))
				ok = ref_fail("run %u..%u stops before a continuing %u", i, j, j);
			if (ok && bytes != (u32)sum)
				ok = ref_fail("run %u..%u: %u bytes, expected %u", i, j, bytes,
					  (u32)sum);
			if (j > i + 1 && (d[i].addr + sum - 1 < d[i].addr ||
					  (p.dma_mask_bits < 64 &&
					   (d[i].addr + sum - 1) >> p.dma_mask_bits)))
				masked++;
		}
		if (ok && got != want)
			ok = ref_fail("iteration %u: %u violations counted, %u expected", iter, got,
				  want);
	}
	if (ok && !masked)
		ok = ref_fail("no run crossed the mask: the sweep misses the recount");
	tap_result(ok, "check_run: same violations as sgplan_legal per descriptor");
}

int main(void)
{
	u32 i;

	printf("1..%zu\n", ARRAY_SIZE(cases) + ARRAY_SIZE(okcases) + 3);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		tap_result(run_case(&cases[i]), cases[i].name);
	for (i = 0; i < ARRAY_SIZE(okcases); i++) {
		const struct okcase *c = &okcases[i];
		int err = sgplan_desc_ok(&c->p, c->addr, c->len, c->last);

		if (err != c->err)
			ref_fail("returned %d, expected %d", err, c->err);
		tap_result(err == c->err, c->name);
	}
	test_misc();
	test_sweep();
	test_check_run();
	return tap_failed ? 1 : 0;
}
