// SPDX-License-Identifier: GPL-2.0
/*
 * The sgplan contract checker and reference planner (see sgplan_ref.h),
 * linked by the host unit test and the fuzzer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgplan_ref.h"

#define A	SGPLAN_WHY_ALIGN
#define M	SGPLAN_WHY_MASK
#define DS	SGPLAN_WHY_DESCS

typedef unsigned __int128 u128;

/* ------------------------------------------------------------------ */
/* Failure reasons */

static char why_buf[512];

bool ref_fail(const char *fmt, ...)
{
	va_list ap;

	if (why_buf[0])
		return false;
	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	return false;
}

const char *ref_why(void)
{
	static char taken[sizeof(why_buf)];

	memcpy(taken, why_buf, sizeof(taken));
	why_buf[0] = 0;
	return taken[0] ? taken : "(no reason)";
}

bool ref_fail_result(const char *what, const struct sgplan_result *got,
		     const struct sgplan_result *exp)
{
	return ref_fail("%s: got nd=%u sb=%u sm=%u bsegs=%u bbytes=%u nb=%u why=%#x, expected nd=%u sb=%u sm=%u bsegs=%u bbytes=%u nb=%u why=%#x",
			what, got->ndescs, got->splits_boundary,
			got->splits_maxseg, got->bounce_segs, got->bounce_bytes,
			got->nbounce, got->why, exp->ndescs,
			exp->splits_boundary, exp->splits_maxseg,
			exp->bounce_segs, exp->bounce_bytes, exp->nbounce,
			exp->why);
}

/* ------------------------------------------------------------------ */
/* Independent helpers (not shared with the planner) */

u64 ref_seg_total(const struct sgplan_seg *segs, u32 n)
{
	u64 t = 0;
	u32 i;

	for (i = 0; i < n; i++)
		t += segs[i].len;
	return t;
}

bool ref_same_result(const struct sgplan_result *a,
		     const struct sgplan_result *b)
{
	return a->ndescs == b->ndescs &&
	       a->splits_boundary == b->splits_boundary &&
	       a->splits_maxseg == b->splits_maxseg &&
	       a->bounce_segs == b->bounce_segs &&
	       a->bounce_bytes == b->bounce_bytes &&
	       a->nbounce == b->nbounce && a->why == b->why;
}

bool ref_result_zero(const struct sgplan_result *r)
{
	static const struct sgplan_result zero;

	return ref_same_result(r, &zero);
}

static bool range_below_mask(u32 bits, u64 addr, u32 len)
{
	return (u128)addr + len <= ((u128)1 << bits);
}

static u32 ref_seg_why(const struct sgplan_profile *p,
		       const struct sgplan_seg *s, bool last)
{
	u32 why = 0;

	if (s->addr % p->dma_align || (!last && s->len % p->dma_align))
		why |= A;
	if (!range_below_mask(p->dma_mask_bits, s->addr, s->len))
		why |= M;
	return why;
}

/* ------------------------------------------------------------------ */
/* ref_check_invariants: the contract, checked on any successful plan */

/* sgplan_max_bounce() covers segments that do not wrap past 2^64 */
static bool segs_wrap(const struct sgplan_seg *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (s[i].addr + s[i].len - 1 < s[i].addr)
			return true;
	return false;
}

/* The plan's size against the bounds and the profile's budget */
static bool check_bounds(const struct sgplan_profile *p,
			 const struct sgplan_seg *segs, u32 n, u64 total,
			 const struct sgplan_result *res)
{
	u64 bound;

	if (!res->ndescs)
		return ref_fail("no descriptors");
	bound = sgplan_max_descs(p, n, total);
	if (res->ndescs > bound)
		return ref_fail("ndescs %u > sgplan_max_descs %llu",
				res->ndescs, (unsigned long long)bound);
	bound = sgplan_max_bounce(p, n, total);
	if (!segs_wrap(segs, n) && res->nbounce > bound)
		return ref_fail("nbounce %u > sgplan_max_bounce %llu",
				res->nbounce, (unsigned long long)bound);
	if (p->max_descs && res->ndescs > p->max_descs)
		return ref_fail("ndescs %u > max_descs %u", res->ndescs,
				p->max_descs);
	if (res->why & ~(u32)(A | M | DS))
		return ref_fail("unknown why bits %#x", res->why);
	return true;
}

/* What the checker learns walking the descriptors in order */
struct ref_walk {
	const struct sgplan_profile *p;
	const struct sgplan_seg *segs;
	u32 n;
	u64 total;
	u64 top;		/* a bs-aligned bounce address at the mask's top */
	u64 off;		/* request offset of the next descriptor */
	u32 j;			/* the segment holding byte off ... */
	u64 seg_start;		/* ... and where it starts */
	u32 nbounce, ndirect;
	u64 bounce_bytes;
	unsigned char *kind;	/* per segment: 1 has direct bytes, 2 bounced */
};

static bool check_bounce_desc(struct ref_walk *w, const struct sgplan_desc *d,
			      u32 i, bool last)
{
	const struct sgplan_profile *p = w->p;

	if (d->addr || d->len > p->bounce_size)
		return ref_fail("bounce desc %u: addr %#llx len %u", i,
				(unsigned long long)d->addr, d->len);
	if (sgplan_desc_ok(p, 0, d->len, last) ||
	    sgplan_desc_ok(p, w->top, d->len, last))
		return ref_fail("bounce desc %u len %u illegal", i, d->len);
	w->nbounce++;
	w->bounce_bytes += d->len;
	return true;
}

static bool check_direct_desc(struct ref_walk *w, const struct sgplan_desc *d,
			      u32 i, bool last)
{
	const struct sgplan_seg *s = &w->segs[w->j];
	u64 in = w->off - w->seg_start;

	if (in + d->len > s->len)
		return ref_fail("direct desc %u spans segments", i);
	if (d->addr != s->addr + in)
		return ref_fail("direct desc %u addr %#llx, segment %u maps it to %#llx",
				i, (unsigned long long)d->addr, w->j,
				(unsigned long long)(s->addr + in));
	if (sgplan_desc_ok(w->p, d->addr, d->len, last))
		return ref_fail("direct desc %u (%#llx, %u) illegal", i,
				(unsigned long long)d->addr, d->len);
	w->ndirect++;
	return true;
}

/* Descriptor @i: in place, legal, and marked on the segments it covers */
static bool check_desc(struct ref_walk *w, const struct sgplan_desc *d,
		       u32 i, bool last)
{
	const struct sgplan_seg *segs = w->segs;
	bool bounce = d->flags & SGPLAN_DESC_BOUNCE;
	u64 end = w->off + d->len, ks;
	u32 k;

	if (d->req_off != w->off)
		return ref_fail("desc %u req_off %u, expected %llu", i,
				d->req_off, (unsigned long long)w->off);
	if (!d->len || d->flags & ~SGPLAN_DESC_BOUNCE || d->reserved)
		return ref_fail("desc %u: len 0 or bad flags/reserved", i);
	if (end > w->total)
		return ref_fail("desc %u runs past the request", i);
	while (w->off >= w->seg_start + segs[w->j].len) {
		w->seg_start += segs[w->j].len;
		w->j++;
	}
	/* mark every segment the descriptor touches */
	for (k = w->j, ks = w->seg_start; k < w->n && ks < end;
	     ks += segs[k].len, k++)
		w->kind[k] |= bounce ? 2 : 1;
	if (bounce ? !check_bounce_desc(w, d, i, last) :
		     !check_direct_desc(w, d, i, last))
		return false;
	w->off = end;
	return true;
}

/* After the walk: full coverage, and the counters match what it saw */
static bool check_counters(const struct ref_walk *w,
			   const struct sgplan_result *res)
{
	u32 i, direct_segs = 0, bounce_segs = 0;

	if (w->off != w->total)
		return ref_fail("descs cover %llu of %llu bytes",
				(unsigned long long)w->off,
				(unsigned long long)w->total);
	for (i = 0; i < w->n; i++) {
		if (w->kind[i] == 3)
			return ref_fail("segment %u both bounced and direct", i);
		direct_segs += w->kind[i] == 1;
		bounce_segs += w->kind[i] == 2;
	}
	if (w->nbounce != res->nbounce ||
	    w->bounce_bytes != res->bounce_bytes ||
	    bounce_segs != res->bounce_segs)
		return ref_fail("bounce counters %u/%u/%u, counted %u/%llu/%u",
				res->nbounce, res->bounce_bytes,
				res->bounce_segs, w->nbounce,
				(unsigned long long)w->bounce_bytes,
				bounce_segs);
	if (res->splits_boundary + res->splits_maxseg !=
	    w->ndirect - direct_segs)
		return ref_fail("splits %u+%u, but %u direct descs for %u segments",
				res->splits_boundary, res->splits_maxseg,
				w->ndirect, direct_segs);
	return true;
}

/* The why bits: set exactly when bouncing, and backed by the segments */
static bool check_why(const struct ref_walk *w,
		      const struct sgplan_result *res)
{
	u32 i, any_why = 0;

	for (i = 0; i < w->n; i++)
		any_why |= ref_seg_why(w->p, &w->segs[i], i == w->n - 1);
	if (!res->why != !w->nbounce)
		return ref_fail("why %#x with %u bounce descs", res->why,
				w->nbounce);
	/* bouncing needs a reason: an ineligible segment or the budget */
	if ((res->why & (A | M)) & ~any_why)
		return ref_fail("why %#x not backed by segments (%#x)",
				res->why, any_why);
	/* without a budget cut, exactly the ineligible reasons show up */
	if (!(res->why & DS) && (res->why & (A | M)) != any_why)
		return ref_fail("why %#x, segments say %#x", res->why, any_why);
	return true;
}

bool ref_check_invariants(const struct sgplan_profile *p,
			  const struct sgplan_seg *segs, u32 n,
			  const struct sgplan_desc *descs,
			  const struct sgplan_result *res)
{
	struct ref_walk w = {
		.p = p, .segs = segs, .n = n,
		.total = ref_seg_total(segs, n), .kind = calloc(n, 1),
	};
	bool ok = false;
	u32 i;

	if (!check_bounds(p, segs, n, w.total, res))
		goto out;
	w.top = p->dma_mask_bits >= 64 ? 0 - (u64)p->bounce_size :
		(1ull << p->dma_mask_bits) - p->bounce_size;
	for (i = 0; i < res->ndescs; i++)
		if (!check_desc(&w, &descs[i], i, i == res->ndescs - 1))
			goto out;
	ok = check_counters(&w, res) && check_why(&w, res);
out:
	free(w.kind);
	return ok;
}

/* ------------------------------------------------------------------ */
/* ref_plan: naive reference of the agreed design */

/* A run of segments planned alike: direct (one segment) or bounced */
struct ref_unit {
	u32 first, nsegs;
	u64 off, len;
	bool bounce;
	u32 why;
	u64 ndescs;
};

static u64 ceil_div(u64 a, u64 b)
{
	return (a + b - 1) / b;
}

static u32 ref_direct(const struct sgplan_profile *p, u64 addr, u64 len,
		      struct sgplan_desc *out, u32 nout, u64 off,
		      struct sgplan_result *r)
{
	u32 n = 0;

	while (len) {
		u128 next = ((u128)addr / p->seg_boundary + 1) *
			    p->seg_boundary;
		u64 to_b = (u64)(next - addr);
		u64 piece = len;

		if (to_b < piece)
			piece = to_b;
		if (p->max_seg_size < piece)
			piece = p->max_seg_size;
		if (piece < len && r) {
			if (to_b <= p->max_seg_size)
				r->splits_boundary++;
			else
				r->splits_maxseg++;
		}
		if (out) {
			out[nout + n].addr = addr;
			out[nout + n].len = (u32)piece;
			out[nout + n].req_off = (u32)off;
			out[nout + n].flags = 0;
			out[nout + n].reserved = 0;
		}
		n++;
		addr += piece;
		off += piece;
		len -= piece;
	}
	return n;
}

static u32 ref_bounce(const struct sgplan_profile *p, u64 len, u64 off,
		      struct sgplan_desc *out, u32 nout)
{
	u32 n = 0;

	while (len) {
		u64 piece = len < p->bounce_size ? len : p->bounce_size;

		if (out) {
			out[nout + n].addr = 0;
			out[nout + n].len = (u32)piece;
			out[nout + n].req_off = (u32)off;
			out[nout + n].flags = SGPLAN_DESC_BOUNCE;
			out[nout + n].reserved = 0;
		}
		n++;
		off += piece;
		len -= piece;
	}
	return n;
}

static u32 ref_unit_descs(const struct sgplan_profile *p,
			  const struct sgplan_seg *segs,
			  const struct ref_unit *u)
{
	if (u->bounce)
		return (u32)ceil_div(u->len, p->bounce_size);
	return ref_direct(p, segs[u->first].addr, u->len, NULL, 0, 0, NULL);
}

/*
 * Group the segments into units: an eligible segment is a direct unit; an
 * ineligible one opens a bounce unit, which absorbs the segments after it
 * while its length is misaligned or they are ineligible too.  Returns the
 * number of units, each with its descriptor count.
 */
static u32 ref_units(const struct sgplan_profile *p,
		     const struct sgplan_seg *segs, u32 n, struct ref_unit *u)
{
	u64 off = 0;
	u32 nu = 0, i;

	for (i = 0; i < n; i++) {
		u32 why = ref_seg_why(p, &segs[i], i == n - 1);
		struct ref_unit *open = nu ? &u[nu - 1] : NULL;

		if (open && open->bounce &&
		    (open->len % p->dma_align || why)) {
			open->nsegs++;
			open->len += segs[i].len;
			open->why |= why;
			if ((open->len - segs[i].len) % p->dma_align)
				open->why |= A;
		} else {
			u[nu].first = i;
			u[nu].nsegs = 1;
			u[nu].off = off;
			u[nu].len = segs[i].len;
			u[nu].bounce = why != 0;
			u[nu].why = why;
			nu++;
		}
		off += segs[i].len;
	}
	for (i = 0; i < nu; i++)
		u[i].ndescs = ref_unit_descs(p, segs, &u[i]);
	return nu;
}

/*
 * The first unit bounced to the end under the budget: the longest prefix
 * of whole units that fits with the rest bounced (O(n^2) on purpose), @nu
 * if the whole plan fits.  -E2BIG if nothing fits.
 */
static int ref_cut(const struct sgplan_profile *p, const struct ref_unit *u,
		   u32 nu, u64 total, u32 *cut_unit)
{
	u64 full = 0;
	u32 i, k;

	for (i = 0; i < nu; i++)
		full += u[i].ndescs;
	*cut_unit = nu;
	if (!p->max_descs || full <= p->max_descs)
		return 0;
	for (k = nu; k-- > 0;) {
		u64 pre = 0, rest = total - u[k].off;
		u32 x;

		for (x = 0; x < k; x++)
			pre += u[x].ndescs;
		if (pre + ceil_div(rest, p->bounce_size) <= p->max_descs) {
			*cut_unit = k;
			return 0;
		}
	}
	return -E2BIG;
}

/* The plan: units before @cut_unit as planned, the rest bounced at once */
static struct sgplan_desc *ref_write(const struct sgplan_profile *p,
				     const struct sgplan_seg *segs, u32 n,
				     const struct ref_unit *u, u32 nu,
				     u32 cut_unit, struct sgplan_result *r)
{
	u64 total = ref_seg_total(segs, n);
	struct sgplan_desc *out;
	u32 i, nd = 0;

	for (i = 0; i < cut_unit; i++)
		nd += u[i].ndescs;
	if (cut_unit < nu)
		nd += (u32)ceil_div(total - u[cut_unit].off, p->bounce_size);
	/* one entry at least: calloc(0) may return NULL */
	out = calloc(nd ? nd : 1, sizeof(*out));
	nd = 0;
	for (i = 0; i < cut_unit; i++) {
		if (u[i].bounce) {
			nd += ref_bounce(p, u[i].len, u[i].off, out, nd);
			r->bounce_segs += u[i].nsegs;
			r->bounce_bytes += (u32)u[i].len;
			r->why |= u[i].why;
		} else {
			nd += ref_direct(p, segs[u[i].first].addr, u[i].len,
					 out, nd, u[i].off, r);
		}
	}
	if (cut_unit < nu) {
		u64 rest = total - u[cut_unit].off;

		nd += ref_bounce(p, rest, u[cut_unit].off, out, nd);
		r->bounce_bytes += (u32)rest;
		r->bounce_segs += n - u[cut_unit].first;
		r->why |= DS;
		for (i = cut_unit; i < nu; i++)
			r->why |= u[i].why;
	}
	r->ndescs = nd;
	for (i = 0; i < nd; i++)
		if (out[i].flags & SGPLAN_DESC_BOUNCE)
			r->nbounce++;
	return out;
}

int ref_plan(const struct sgplan_profile *p, const struct sgplan_seg *segs,
	     u32 n, struct sgplan_desc **outp, struct sgplan_result *r)
{
	struct ref_unit *u = calloc(n + 1, sizeof(*u));
	u32 nu, cut_unit;
	int err;

	memset(r, 0, sizeof(*r));
	nu = ref_units(p, segs, n, u);
	err = ref_cut(p, u, nu, ref_seg_total(segs, n), &cut_unit);
	if (!err)
		*outp = ref_write(p, segs, n, u, nu, cut_unit, r);
	free(u);
	return err;
}

/* ------------------------------------------------------------------ */
/* The planner against the reference */

bool ref_check_against_ref(const struct sgplan_profile *p,
			   const struct sgplan_seg *segs, u32 n, int err,
			   const struct sgplan_desc *descs,
			   const struct sgplan_result *res)
{
	struct sgplan_desc *ref = NULL;
	struct sgplan_result rr;
	bool ok = true;
	int rerr;
	u32 i;

	rerr = ref_plan(p, segs, n, &ref, &rr);
	if (rerr != err) {
		ok = ref_fail("planner returned %d, reference %d", err, rerr);
	} else if (!err && !ref_same_result(res, &rr)) {
		ok = ref_fail_result("vs reference", res, &rr);
	} else if (!err) {
		for (i = 0; i < rr.ndescs; i++) {
			const struct sgplan_desc *a = &descs[i];
			const struct sgplan_desc *b = &ref[i];

			if (a->addr == b->addr && a->len == b->len &&
			    a->req_off == b->req_off && a->flags == b->flags)
				continue;
			ok = ref_fail("desc %u differs from reference: (%#llx,%u,%u,%u) vs (%#llx,%u,%u,%u)",
				      i, (unsigned long long)a->addr, a->len,
				      a->req_off, a->flags,
				      (unsigned long long)b->addr, b->len,
				      b->req_off, b->flags);
			break;
		}
	}
	free(ref);
	return ok;
}
