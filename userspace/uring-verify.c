// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer layouts and the verify pattern.
 *
 * Every I/O slot owns one region of memory; the layout decides where in it
 * the I/O's bytes live:
 *   aligned        one buffer at the start of the region (page aligned)
 *   misaligned:N   one buffer N bytes past the region's page boundary
 *   scatter:SEGS   SEGS pieces of bs/SEGS bytes, each in its own page (every
 *                  other page, so no two are virtually contiguous) at a
 *                  512-multiple offset that varies with the piece and slot
 *
 * The pattern is sgblk_pattern.h's, the one the bio builder and sgblk-ctl
 * use: a function of (seed, device byte offset) only, so any write of a
 * block writes the same bytes, a read of a block can be checked wherever its
 * bytes sit in memory, and data one tool wrote can be checked by another.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sgblk_pattern.h>
#include "uring.h"

#define VBLOCK	512

size_t slot_region(const struct opts *o, long page)
{
	size_t len;

	switch (o->layout) {
	case LAYOUT_SCATTER:
		return (size_t)2 * o->layout_arg * page;
	case LAYOUT_MISALIGNED:
		len = o->bs + o->layout_arg;
		break;
	default:
		len = o->bs;
	}
	return (len + page - 1) / page * page;
}

void slot_iovecs(const struct opts *o, long page, void *region,
		 unsigned int slot_idx, struct iovec *iov)
{
	char *base = region;
	size_t piece, choices;
	unsigned int k;

	switch (o->layout) {
	case LAYOUT_SCATTER:
		piece = o->bs / o->layout_arg;
		choices = (page - piece) / VBLOCK + 1;
		for (k = 0; k < o->layout_arg; k++) {
			size_t off = ((k * 3 + slot_idx) % choices) * VBLOCK;

			iov[k].iov_base = base + (size_t)2 * k * page + off;
			iov[k].iov_len = piece;
		}
		break;
	case LAYOUT_MISALIGNED:
		iov[0].iov_base = base + o->layout_arg;
		iov[0].iov_len = o->bs;
		break;
	default:
		iov[0].iov_base = base;
		iov[0].iov_len = o->bs;
	}
}

void pattern_fill(uint64_t seed, const struct iovec *iov, unsigned int n,
		  uint64_t devoff)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		sgblk_pattern_fill(iov[i].iov_base, iov[i].iov_len, seed, devoff);
		devoff += iov[i].iov_len;
	}
}

static void report_block(struct run *r, const uint8_t *got, uint64_t devoff)
{
	uint64_t seed = r->o->seed;
	unsigned int k;

	for (k = 0; k < VBLOCK - 1 && got[k] == sgblk_pattern_byte(seed, devoff + k); k++)
		;
	report_error(r, "verify: mismatch in 512-byte block %" PRIu64
		     " (device offset %" PRIu64 "): byte +%u is 0x%02x, want 0x%02x",
		     devoff / VBLOCK, devoff, k, got[k],
		     sgblk_pattern_byte(seed, devoff + k));
}

/* Check a completed read; return the number of bad 512-byte blocks. */
uint64_t pattern_check(struct run *r, const struct iovec *iov, unsigned int n,
		       uint64_t devoff)
{
	uint64_t bad = 0, seed = r->o->seed;
	unsigned int i;
	size_t b;

	for (i = 0; i < n; i++) {
		const uint8_t *base = iov[i].iov_base;

		for (b = 0; b < iov[i].iov_len; b += VBLOCK, devoff += VBLOCK) {
			if (!sgblk_pattern_same(base + b, VBLOCK, seed, devoff)) {
				bad++;
				report_block(r, base + b, devoff);
			}
		}
	}
	return bad;
}
