// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the sgplan descriptor planner (driver/sgplan.c).
 *
 * The input bytes become a device profile (often invalid on purpose) and a
 * segment list; every call must either fail with the documented error or
 * produce a plan that keeps the planner's contract.  Any violation prints
 * "FUZZ-FAIL:" lines with the decoded input and abort()s.  Checked:
 *
 *  - sgplan_profile_check() and sgplan_desc_ok() against the rules
 *    re-derived here (128-bit arithmetic, divisions);
 *  - invalid profile, empty request, zero-length segment, >= 4 GiB:
 *    -EINVAL with the result zeroed; other errors only -E2BIG (never when
 *    bouncing everything fits) or -ENOSPC (never with the bound's room);
 *  - each plan: descriptors cover the request once, in order (req_off
 *    contiguous, direct addr = segment addr + offset); every descriptor
 *    legal (bounce ones in bounce_size-aligned buffers below the mask);
 *    ndescs <= max_descs and <= sgplan_max_descs(); counters match the
 *    descriptors; a bounced segment is ineligible, absorbed by a misaligned
 *    bounce run, or cut by the budget; all-eligible requests whose split
 *    fits the budget bounce nothing;
 *  - the same plan as the unit test's reference planner and its
 *    contract checker (../tests/sgplan_ref.c), as sgplan_plan(), and with
 *    exactly ndescs of room; -ENOSPC, zeroed, with one less.
 *
 * Input layout (missing bytes read as 0):
 *
 *   header, HDR_BYTES bytes
 *     h[0]      profile: h[0] % 8 = 0..5 a driver preset (none, page,
 *               boundary-1k, align-4k, dma28, desc-4), 6..7 raw fields
 *     h[1]      bit 0: presets take max_descs from h[10..11]
 *               bit 1: flip one profile bit (h[12..13]; mostly invalid)
 *               bit 2: presets take dma_mask_bits from h[8]
 *               bits 3-4: max_out is the sgplan_max_descs() bound, one
 *               more, OUT_LIMIT (as the driver passes its ring size), or
 *               twice the bound + 7; never above OUT_LIMIT
 *     h[2]      raw seg_boundary = 2^(h[2] % 64)
 *     h[3]      raw dma_align = 2^(h[3] % 16)
 *     h[4..7]   raw max_seg_size, mode h[4] % 4: the boundary, 2^(h[5] % 32),
 *               512 + ((h[5] | h[6] << 8) << h[7] % 12) rounded down to the
 *               alignment, or h[4..7] as a raw u32
 *     h[8]      raw dma_mask_bits: < 0xc0: 24 + h[8] % 41, else h[8] % 80
 *     h[9]      raw bounce_size: 0 derives it like the driver, else
 *               2^(h[9] % 32)
 *     h[10..11] max_descs: h[11] bit 7 set: h[10] % 17 (0 = unlimited), else
 *               (h[10] | h[11] << 8) % 4096
 *     h[12..13] with h[1] bit 1: field h[12] % 6 (boundary, max_seg_size,
 *               max_descs, dma_align, dma_mask_bits, bounce_size), bit h[13]
 *   then SEG_BYTES per segment, at most MAX_SEGS
 *     s[0]      address base (s[0] % 8): 1 MiB, 4 GiB, 2^dma_mask_bits (0,
 *               i.e. 2^64, for a 64-bit mask), 0, the previous segment's
 *               end, 2^(s[1] % 64), a page below 64 GiB, the previous
 *               segment's start; delta scale (s[0] >> 3) % 4: 1, 512, 4K,
 *               64K bytes
 *     s[1..3]   signed 24-bit delta (16-bit from s[2..3] for base 5, none
 *               for base 6)
 *     s[4..7]   length, mode s[4] >> 6: bytes 0..64K-1, 1..16K sectors,
 *               0..4095 pages, or a raw 30-bit value (0 can be encoded
 *               and must give -EINVAL)
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgplan.h"
#include "../tests/sgplan_ref.h"

#define HDR_BYTES	14
#define SEG_BYTES	8
#define MAX_SEGS	256
/*
 * Descriptors allocated at most (twice the driver's ring): a request
 * whose sgplan_max_descs() bound is larger may fail -ENOSPC, and is not
 * run through the reference, whose cost grows with the bound.
 */
#define OUT_LIMIT	1024u
#define SZ_64K		(64u * 1024u)

typedef unsigned __int128 u128;

struct preset {
	const char *name;
	u64 seg_boundary;
	u32 max_seg_size, max_descs, dma_align, dma_mask_bits;
};

/* driver/profile.c sgblk_presets[] */
static const struct preset presets[] = {
	{ "none",	 1ull << 32, 1u << 30, 0, 1, 64 },
	{ "page",	 4096, 4096, 0, 1, 64 },
	{ "boundary-1k", 1024, 1024, 0, 1, 64 },
	{ "align-4k",	 1ull << 32, 1u << 30, 0, 4096, 64 },
	{ "dma28",	 1ull << 32, 1u << 30, 0, 1, 28 },
	{ "desc-4",	 1ull << 32, 1u << 30, 4, 1, 64 },
};

/* the decoded input, for the failure report */
static struct sgplan_profile prof;
static struct sgplan_seg segs[MAX_SEGS];
static u32 nsegs;
static const char *prof_name;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;
	u32 i;

	fprintf(stderr, "FUZZ-FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nFUZZ-FAIL: profile %s b=%#llx m=%u d=%u a=%u bits=%u bs=%u, %u segs\n",
		prof_name, (unsigned long long)prof.seg_boundary,
		prof.max_seg_size, prof.max_descs, prof.dma_align,
		prof.dma_mask_bits, prof.bounce_size, nsegs);
	for (i = 0; i < nsegs && i < 16; i++)
		fprintf(stderr, "FUZZ-FAIL: seg %u: %#llx %u\n", i,
			(unsigned long long)segs[i].addr, segs[i].len);
	abort();
}

/* SGPLAN_FUZZ_DUMP=1 in the environment: print each decoded input */
static void dump_input(int err, const struct sgplan_result *r)
{
	static int on = -1;
	u32 i;

	if (on < 0)
		on = getenv("SGPLAN_FUZZ_DUMP") != NULL;
	if (!on)
		return;
	printf("profile %s b=%#llx m=%u d=%u a=%u bits=%u bs=%u: err %d nd %u sb %u sm %u bsegs %u bbytes %u nb %u why %#x\n",
	       prof_name, (unsigned long long)prof.seg_boundary,
	       prof.max_seg_size, prof.max_descs, prof.dma_align,
	       prof.dma_mask_bits, prof.bounce_size, err, r->ndescs,
	       r->splits_boundary, r->splits_maxseg, r->bounce_segs,
	       r->bounce_bytes, r->nbounce, r->why);
	for (i = 0; i < nsegs; i++)
		printf("  seg %u: %#llx %u\n", i,
		       (unsigned long long)segs[i].addr, segs[i].len);
}

#define CHECK(cond, ...)	do { if (!(cond)) die(__VA_ARGS__); } while (0)

/* ------------------------------------------------------------------ */
/* Decoding */

static u64 le(const uint8_t *b, int n)
{
	u64 v = 0;

	while (n--)
		v = v << 8 | b[n];
	return v;
}

static u64 rounddown_pow2(u64 x)
{
	while (x & (x - 1))
		x &= x - 1;
	return x;
}

/* sgblk_profile_derive(): the largest bounce buffer the profile allows */
static u32 derive_bounce(const struct sgplan_profile *p)
{
	u64 bs = p->seg_boundary < SZ_64K ? p->seg_boundary : SZ_64K;

	if (p->max_seg_size >= 512 && rounddown_pow2(p->max_seg_size) < bs)
		bs = rounddown_pow2(p->max_seg_size);
	return (u32)bs;
}

static void decode_profile(const uint8_t *h, struct sgplan_profile *p)
{
	u32 mode = h[0] % 8;
	u32 md = h[11] & 0x80 ? h[10] % 17u : (u32)le(h + 10, 2) & 0xfff;
	u32 bits = h[8] < 0xc0 ? 24u + h[8] % 41u : h[8] % 80u;

	if (mode < 6) {
		const struct preset *ps = &presets[mode];

		prof_name = ps->name;
		p->seg_boundary = ps->seg_boundary;
		p->max_seg_size = ps->max_seg_size;
		p->max_descs = h[1] & 1 ? md : ps->max_descs;
		p->dma_align = ps->dma_align;
		p->dma_mask_bits = h[1] & 4 ? bits : ps->dma_mask_bits;
		p->bounce_size = derive_bounce(p);
	} else {
		u64 m;

		prof_name = "raw";
		p->seg_boundary = 1ull << (h[2] % 64);
		p->dma_align = 1u << (h[3] % 16);
		switch (h[4] % 4) {
		case 0:
			m = p->seg_boundary > 0xffffffffu ? 0xffffffffu :
			    p->seg_boundary;
			m &= ~(u64)(p->dma_align - 1);
			break;
		case 1:
			m = 1ull << (h[5] % 32);
			break;
		case 2:
			m = 512 + (le(h + 5, 2) << (h[7] % 12));
			m &= ~(u64)(p->dma_align - 1);
			break;
		default:
			m = le(h + 4, 4);
			break;
		}
		p->max_seg_size = m > 0xffffffffu ? 0xffffffffu : (u32)m;
		p->max_descs = md;
		p->dma_mask_bits = bits;
		p->bounce_size = h[9] ? 1u << (h[9] % 32) : derive_bounce(p);
	}
	if (h[1] & 2) {
		u32 bit = h[13] % 64;

		switch (h[12] % 6) {
		case 0:
			p->seg_boundary ^= 1ull << bit;
			break;
		case 1:
			p->max_seg_size ^= 1u << (bit % 32);
			break;
		case 2:
			p->max_descs ^= 1u << (bit % 32);
			break;
		case 3:
			p->dma_align ^= 1u << (bit % 32);
			break;
		case 4:
			p->dma_mask_bits ^= 1u << (bit % 32);
			break;
		default:
			p->bounce_size ^= 1u << (bit % 32);
			break;
		}
	}
}

static u32 decode_segs(const uint8_t *b, size_t size,
		       const struct sgplan_profile *p, struct sgplan_seg *s)
{
	static const u32 scale[4] = { 0, 9, 12, 16 };
	u32 n = 0;
	u64 prev_addr = 0x100000, prev_end = 0x100000;

	for (; size >= SEG_BYTES && n < MAX_SEGS; size -= SEG_BYTES,
	     b += SEG_BYTES, n++) {
		u32 sh = scale[(b[0] >> 3) % 4];
		/* sign-extend 24 bits; shift as unsigned (wraps by design) */
		u64 delta = (u64)(int64_t)((int32_t)((u32)le(b + 1, 3) << 8) >> 8)
			    << sh;
		u64 base;
		u32 v = (u32)le(b + 5, 3);

		switch (b[0] % 8) {
		case 0:
			base = 0x100000;
			break;
		case 1:
			base = 1ull << 32;
			break;
		case 2:
			base = p->dma_mask_bits < 64 ? 1ull << p->dma_mask_bits
						     : 0;
			break;
		case 3:
			base = 0;
			break;
		case 4:
			base = prev_end;
			break;
		case 5:
			base = 1ull << (b[1] % 64);
			delta = (u64)(int64_t)(int16_t)le(b + 2, 2) << sh;
			break;
		case 6:
			base = 0x100000 + (le(b + 1, 3) << 12);
			delta = 0;
			break;
		default:
			base = prev_addr;
			break;
		}
		s[n].addr = base + delta;
		switch (b[4] >> 6) {
		case 0:
			s[n].len = v & 0xffff;
			break;
		case 1:
			s[n].len = ((v & 0x3fff) + 1) << 9;
			break;
		case 2:
			s[n].len = (v & 0xfff) << 12;
			break;
		default:
			s[n].len = (v << 6 | (b[4] & 0x3f)) & 0x3fffffff;
			break;
		}
		prev_addr = s[n].addr;
		prev_end = s[n].addr + s[n].len;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Independent rules: 128-bit arithmetic and divisions, no planner code */

static bool pow2(u64 x)
{
	return x && !(x & (x - 1));
}

static bool ind_profile_valid(const struct sgplan_profile *p)
{
	u128 reach;

	if (!pow2(p->seg_boundary) || p->seg_boundary < 512 ||
	    p->seg_boundary > 1ull << 32)
		return false;
	if (!pow2(p->dma_align) || p->dma_align > p->seg_boundary)
		return false;
	if (p->max_seg_size < 512 || p->max_seg_size % p->dma_align)
		return false;
	if (p->dma_mask_bits < 24 || p->dma_mask_bits > 64)
		return false;
	reach = (u128)1 << p->dma_mask_bits;
	return pow2(p->bounce_size) && p->bounce_size >= 512 &&
	       p->bounce_size <= p->seg_boundary &&
	       p->bounce_size <= p->max_seg_size &&
	       p->bounce_size % p->dma_align == 0 && p->bounce_size <= reach;
}

static bool ind_below_mask(const struct sgplan_profile *p, u64 addr, u64 len)
{
	return (u128)addr + len <= (u128)1 << p->dma_mask_bits;
}

/* one descriptor against every rule but the budget; @p valid */
static bool ind_legal(const struct sgplan_profile *p, u64 addr, u32 len,
		      bool last)
{
	u128 end = (u128)addr + len;

	if (!len || len > p->max_seg_size)
		return false;
	if (addr % p->dma_align || (!last && len % p->dma_align))
		return false;
	if (!ind_below_mask(p, addr, len))
		return false;
	return (u128)addr / p->seg_boundary == (end - 1) / p->seg_boundary;
}

/* start aligned, below the mask, length aligned unless last */
static bool ind_eligible(const struct sgplan_profile *p,
			 const struct sgplan_seg *s, bool last)
{
	return !(s->addr % p->dma_align) &&
	       (last || !(s->len % p->dma_align)) &&
	       ind_below_mask(p, s->addr, s->len);
}

static u64 ceil_div64(u64 a, u64 b)
{
	return a / b + !!(a % b);
}

/*
 * Descriptors an eligible segment needs when split at every boundary and
 * every max_seg_size bytes within a boundary window: each window of w
 * bytes takes ceil(w / max_seg_size).
 */
static u64 ind_pieces(const struct sgplan_profile *p, u64 addr, u64 len)
{
	u64 b = p->seg_boundary, m = p->max_seg_size;
	u64 first = b - addr % b, rest;

	if (first >= len)
		return ceil_div64(len, m);
	rest = len - first;
	return ceil_div64(first, m) + rest / b * ceil_div64(b, m) +
	       ceil_div64(rest % b, m);
}

static bool same_descs(const struct sgplan_desc *a,
		       const struct sgplan_desc *b, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (a[i].addr != b[i].addr || a[i].len != b[i].len ||
		    a[i].req_off != b[i].req_off || a[i].flags != b[i].flags)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* The contract of one successful plan, checked independently */

#define KIND_DIRECT	1
#define KIND_BOUNCE	2

static void check_plan(const struct sgplan_profile *p,
		       const struct sgplan_seg *s, u32 n, u64 total, u32 cap,
		       const struct sgplan_desc *d, const struct sgplan_result *r)
{
	static unsigned char kind[MAX_SEGS];
	const u32 why_all = SGPLAN_WHY_ALIGN | SGPLAN_WHY_MASK |
			    SGPLAN_WHY_DESCS;
	u64 bs = p->bounce_size, off = 0, seg_start = 0, bbytes = 0;
	/* bounce_size-aligned synthetic buffers below the mask */
	u64 reach_mask = p->dma_mask_bits >= 64 ? ~0ull :
			 (1ull << p->dma_mask_bits) - 1;
	u64 top = (reach_mask - bs) + 1;
	u32 i, j = 0, nb = 0, ndirect = 0, dsegs = 0, bsegs = 0;
	u64 pieces = 0, run = 0;
	bool all_eligible = true;

	CHECK(r->ndescs >= 1, "success with 0 descriptors");
	CHECK(r->ndescs <= cap, "ndescs %u > sgplan_max_descs() %u",
	      r->ndescs, cap);
	CHECK(!p->max_descs || r->ndescs <= p->max_descs,
	      "ndescs %u > max_descs %u", r->ndescs, p->max_descs);
	CHECK(!(r->why & ~why_all), "unknown why bits %#x", r->why);

	memset(kind, 0, n);
	for (i = 0; i < r->ndescs; i++) {
		bool last = i == r->ndescs - 1;
		u64 end = off + d[i].len, ks;
		u32 k;

		CHECK(d[i].req_off == off, "desc %u req_off %u, expected %llu",
		      i, d[i].req_off, (unsigned long long)off);
		CHECK(d[i].len, "desc %u has length 0", i);
		CHECK(!(d[i].flags & ~SGPLAN_DESC_BOUNCE) && !d[i].reserved,
		      "desc %u flags %#x reserved %#x", i, d[i].flags,
		      d[i].reserved);
		CHECK(end <= total, "desc %u ends at %llu, past the request",
		      i, (unsigned long long)end);
		while (off >= seg_start + s[j].len)
			seg_start += s[j++].len;
		for (k = j, ks = seg_start; k < n && ks < end;
		     ks += s[k].len, k++)
			kind[k] |= d[i].flags ? KIND_BOUNCE : KIND_DIRECT;

		if (d[i].flags & SGPLAN_DESC_BOUNCE) {
			u64 mid = ((u64)i * bs) & reach_mask;

			CHECK(!d[i].addr && d[i].len <= bs,
			      "bounce desc %u: addr %#llx len %u", i,
			      (unsigned long long)d[i].addr, d[i].len);
			CHECK(ind_legal(p, top, d[i].len, last) &&
			      ind_legal(p, mid, d[i].len, last) &&
			      !sgplan_desc_ok(p, top, d[i].len, last) &&
			      !sgplan_desc_ok(p, mid, d[i].len, last),
			      "bounce desc %u (len %u) illegal in a buffer at %#llx/%#llx",
			      i, d[i].len, (unsigned long long)top,
			      (unsigned long long)mid);
			nb++;
			bbytes += d[i].len;
		} else {
			u64 in = off - seg_start;

			CHECK(in + d[i].len <= s[j].len,
			      "direct desc %u crosses the end of segment %u",
			      i, j);
			CHECK(d[i].addr == s[j].addr + in,
			      "direct desc %u addr %#llx, segment %u maps it to %#llx",
			      i, (unsigned long long)d[i].addr, j,
			      (unsigned long long)(s[j].addr + in));
			CHECK(ind_legal(p, d[i].addr, d[i].len, last) &&
			      !sgplan_desc_ok(p, d[i].addr, d[i].len, last),
			      "direct desc %u (%#llx, %u, last %d) breaks a rule",
			      i, (unsigned long long)d[i].addr, d[i].len, last);
			ndirect++;
		}
		off = end;
	}
	CHECK(off == total, "descriptors cover %llu of %llu bytes",
	      (unsigned long long)off, (unsigned long long)total);

	for (i = 0; i < n; i++) {
		CHECK(kind[i] == KIND_DIRECT || kind[i] == KIND_BOUNCE,
		      "segment %u is %s", i,
		      kind[i] ? "both bounced and direct" : "not covered");
		dsegs += kind[i] == KIND_DIRECT;
		bsegs += kind[i] == KIND_BOUNCE;
	}
	CHECK(r->nbounce == nb && r->bounce_bytes == bbytes &&
	      r->bounce_segs == bsegs,
	      "counters nbounce %u bounce_bytes %u bounce_segs %u, plan has %u/%llu/%u",
	      r->nbounce, r->bounce_bytes, r->bounce_segs, nb,
	      (unsigned long long)bbytes, bsegs);
	CHECK(r->splits_boundary + r->splits_maxseg == ndirect - dsegs,
	      "splits %u+%u, but %u direct descs for %u direct segments",
	      r->splits_boundary, r->splits_maxseg, ndirect, dsegs);
	CHECK(!r->why == !nb, "why %#x with %u bounce descs", r->why, nb);

	/*
	 * Bounce only when splitting cannot satisfy a rule.  Per segment: a
	 * bounced segment is ineligible, or rides along after a bounce run
	 * of misaligned length, or the budget forced a cut.  Per request:
	 * all segments eligible and the split plan within budget means no
	 * bouncing at all, and exactly the split plan.
	 */
	for (i = 0; i < n; i++) {
		bool last = i == n - 1;
		bool elig = ind_eligible(p, &s[i], last);

		all_eligible &= elig;
		if (elig)
			pieces += ind_pieces(p, s[i].addr, s[i].len);
		if (kind[i] == KIND_BOUNCE) {
			CHECK(!elig || (r->why & SGPLAN_WHY_DESCS) ||
			      (run && run % p->dma_align),
			      "segment %u bounced although eligible (run before it %llu bytes)",
			      i, (unsigned long long)run);
			run += s[i].len;
		} else {
			run = 0;
		}
	}
	if (all_eligible && (!p->max_descs || pieces <= p->max_descs))
		CHECK(!nb && r->ndescs == pieces,
		      "all segments eligible, %llu split descs fit, but plan has %u descs, %u bounced",
		      (unsigned long long)pieces, r->ndescs, nb);
}

/* ------------------------------------------------------------------ */

static struct sgplan_desc *alloc_descs(u32 n)
{
	/* exactly n entries, so ASan catches a write past max_out */
	struct sgplan_desc *d = n ? malloc(n * sizeof(*d)) : NULL;

	CHECK(!n || d, "out of memory for %u descriptors", n);
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t h[HDR_BYTES] = { 0 };
	struct sgplan_profile *p = &prof;
	struct sgplan_desc *d, *d2;
	struct sgplan_result res, res2;
	bool valid, zero_len = false, clamped;
	u64 total = 0;
	u32 i, cap, max_out;
	int err;

	memcpy(h, data, size < HDR_BYTES ? size : HDR_BYTES);
	memset(p, 0, sizeof(*p));
	decode_profile(h, p);
	nsegs = size > HDR_BYTES ?
		decode_segs(data + HDR_BYTES, size - HDR_BYTES, p, segs) : 0;
	for (i = 0; i < nsegs; i++) {
		total += segs[i].len;
		zero_len |= !segs[i].len;
	}

	/* profile validation */
	valid = ind_profile_valid(p);
	err = sgplan_profile_check(p);
	CHECK(err == (valid ? 0 : -EINVAL),
	      "sgplan_profile_check() %d, profile is %s", err,
	      valid ? "valid" : "invalid");
	cap = sgplan_max_descs(p, nsegs, total);
	CHECK(valid ? cap || !nsegs : !cap,
	      "sgplan_max_descs() %u for a%s profile and %u segments", cap,
	      valid ? " valid" : "n invalid", nsegs);

	/* sgplan_desc_ok() on each raw segment against the rules */
	for (i = 0; valid && i < nsegs; i++) {
		bool last = i == nsegs - 1;

		CHECK(!sgplan_desc_ok(p, segs[i].addr, segs[i].len, last) ==
		      ind_legal(p, segs[i].addr, segs[i].len, last),
		      "sgplan_desc_ok(%#llx, %u, last %d) = %d disagrees",
		      (unsigned long long)segs[i].addr, segs[i].len, last,
		      sgplan_desc_ok(p, segs[i].addr, segs[i].len, last));
	}

	/* invalid profile or input: -EINVAL, result zeroed, nothing else */
	if (!valid || !nsegs || zero_len || total > 0xffffffffull) {
		struct sgplan_desc few[4];

		memset(&res, 0xa5, sizeof(res));
		err = sgplan_build(p, segs, nsegs, few, 4, &res);
		CHECK(err == -EINVAL && ref_result_zero(&res),
		      "invalid %s: returned %d, result %szeroed",
		      !valid ? "profile" : !nsegs ? "empty request" :
		      zero_len ? "zero-length segment" : "request >= 4 GiB",
		      err, ref_result_zero(&res) ? "" : "not ");
		dump_input(err, &res);
		return 0;
	}

	clamped = cap > OUT_LIMIT;
	switch ((h[1] >> 3) & 3) {
	case 0:
		max_out = cap;
		break;
	case 1:
		max_out = cap + 1;
		break;
	case 2:
		max_out = OUT_LIMIT;
		break;
	default:
		max_out = 2 * cap + 7;
		break;
	}
	if (clamped || max_out > OUT_LIMIT)
		max_out = OUT_LIMIT;
	d = alloc_descs(max_out);
	memset(&res, 0xa5, sizeof(res));
	err = sgplan_build(p, segs, nsegs, d, max_out, &res);
	dump_input(err, &res);
	CHECK(!err || err == -E2BIG || (err == -ENOSPC && clamped),
	      "returned %d (max_out %u of bound %u)", err, max_out, cap);
	CHECK(!err || ref_result_zero(&res), "result not zeroed on error %d", err);
	/* bouncing the whole request is always a candidate plan */
	CHECK(err != -E2BIG ||
	      (p->max_descs &&
	       ceil_div64(total, p->bounce_size) > p->max_descs),
	      "-E2BIG although bouncing all %llu bytes takes %llu <= %u descs",
	      (unsigned long long)total,
	      (unsigned long long)ceil_div64(total, p->bounce_size),
	      p->max_descs);
	CHECK(clamped || ref_check_against_ref(p, segs, nsegs, err, d, &res),
	      "differs from the reference planner: %s", ref_why());
	if (err) {
		free(d);
		return 0;
	}
	CHECK(ref_check_invariants(p, segs, nsegs, d, &res),
	      "test_sgplan check_invariants(): %s", ref_why());
	check_plan(p, segs, nsegs, total, cap, d, &res);

	/* exactly enough room: the same plan, through both entry points */
	d2 = alloc_descs(res.ndescs);
	err = sgplan_build(p, segs, nsegs, d2, res.ndescs, &res2);
	CHECK(!err && ref_same_result(&res, &res2) &&
	      same_descs(d, d2, res.ndescs),
	      "max_out %u (exact): returned %d or a different plan",
	      res.ndescs, err);
	err = sgplan_plan(p, segs, nsegs, d2, res.ndescs, &res2);
	CHECK(!err && ref_same_result(&res, &res2) &&
	      same_descs(d, d2, res.ndescs),
	      "sgplan_plan(): returned %d or a different plan", err);
	free(d2);

	/* one short: -ENOSPC, zeroed, no write past the array */
	if (res.ndescs > 1) {
		d2 = alloc_descs(res.ndescs - 1);
		memset(&res2, 0xa5, sizeof(res2));
		err = sgplan_build(p, segs, nsegs, d2, res.ndescs - 1, &res2);
		CHECK(err == -ENOSPC && ref_result_zero(&res2),
		      "max_out %u (one short): returned %d", res.ndescs - 1,
		      err);
		free(d2);
	}
	free(d);
	return 0;
}
