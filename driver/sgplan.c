// SPDX-License-Identifier: GPL-2.0
/*
 * sgplan - plan the device descriptors of one request.
 *
 * The simulated DMA engine has the constraints of real, awkward hardware
 * (segment boundary, maximum segment size, alignment, DMA mask, descriptor
 * budget).  Given the DMA-mapped segments of one request, this file decides
 * which descriptors the device gets.
 *
 * Splitting is free (only more descriptors), bouncing costs a copy, so a
 * segment is bounced only when no split can make it legal:
 *
 * - A segment is direct-eligible when it starts on dma_align, lies wholly
 *   below the DMA mask and its length is a multiple of dma_align (the
 *   request's last segment may have any length: the device pads the tail).
 * - Non-eligible segments open a bounce run, a request-linear byte range.
 *   Following non-eligible segments join it.  A run whose length is not a
 *   multiple of dma_align also absorbs the next segment, eligible or not,
 *   because the descriptor after the run would otherwise start on a
 *   misaligned bounce offset.  A run of L bytes becomes ceil(L / bounce_size)
 *   bounce descriptors.
 * - Direct segments are cut at seg_boundary multiples and after
 *   max_seg_size bytes, whichever comes first (a tie is counted as a
 *   boundary split).
 * - If the result exceeds max_descs, the longest prefix of whole segments
 *   that ends outside any bounce run and still fits once the rest of the
 *   request is bounced is kept, and the rest becomes one bounce run.
 *
 * The planner is one pass over the segments, O(nsegs + descriptors written),
 * and stops early once the descriptor count cannot fit any more.  It uses
 * no library calls so the same source builds in the module and on the host.
 */
#include "sgplan.h"

#define SGPLAN_U32_MAX	0xffffffffu

struct sgplan_state {
	const struct sgplan_profile *p;
	struct sgplan_desc *descs;
	u32 max_out;
	/* planning is pointless once ndescs exceeds this */
	u32 stop;
	u32 bshift;
	/* request bytes planned so far */
	u32 off;
	struct sgplan_result r;
};

/* A clean point where the rest of the request may be bounced instead */
struct sgplan_cut {
	bool valid;
	u32 seg;
	u32 off;
	struct sgplan_result r;
};

static bool sgplan_is_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

static u32 sgplan_log2(u64 pow2)
{
	u32 shift = 0;

	while (pow2 > 1) {
		pow2 >>= 1;
		shift++;
	}
	return shift;
}

static void sgplan_zero(struct sgplan_result *r)
{
	r->ndescs = 0;
	r->splits_boundary = 0;
	r->splits_maxseg = 0;
	r->bounce_segs = 0;
	r->bounce_bytes = 0;
	r->nbounce = 0;
	r->why = 0;
}

static void sgplan_desc_set(struct sgplan_desc *d, u64 addr, u32 len,
			    u32 req_off, u32 flags)
{
	d->addr = addr;
	d->len = len;
	d->req_off = req_off;
	d->flags = flags;
	d->reserved = 0;
}

/* No alignment rule and no mask: only a wrap past 2^64 is out of reach. */
static bool sgplan_plain(const struct sgplan_profile *p)
{
	return p->dma_align == 1 && p->dma_mask_bits >= 64;
}

/* SGPLAN_WHY_* reasons this segment cannot be sent directly, 0 if none */
static u32 sgplan_seg_why(const struct sgplan_profile *p,
			  const struct sgplan_seg *s, bool last)
{
	u64 amask = p->dma_align - 1;
	u32 why = 0;

	if ((s->addr & amask) || (!last && (s->len & amask)))
		why |= SGPLAN_WHY_ALIGN;
	if (!sgplan_below_mask(p->dma_mask_bits, s->addr, s->len))
		why |= SGPLAN_WHY_MASK;
	return why;
}

/*
 * Append one descriptor.  Counting continues past max_out so that the
 * caller learns how many would be needed; only the storage is skipped.
 */
static void sgplan_put(struct sgplan_state *st, u64 addr, u32 len, u32 flags)
{
	if (st->r.ndescs < st->max_out)
		sgplan_desc_set(&st->descs[st->r.ndescs], addr, len, st->off, flags);
	st->r.ndescs++;
	st->off += len;
}

/*
 * A boundary no larger than the maximum segment decides every cut: a first
 * piece up to the boundary, then whole boundary-sized pieces and a tail,
 * each cut a boundary split.  Same output and counts as the general loop in
 * sgplan_direct(), including where it stops, in one pass that only stores
 * (a 1 KiB boundary makes four descriptors per page).
 */
static void sgplan_direct_bounded(struct sgplan_state *st, u64 addr, u32 len)
{
	u32 step = (u32)st->p->seg_boundary;
	u64 to_bound = step - (addr & (step - 1));
	u32 piece = len <= to_bound ? len : (u32)to_bound;
	u32 i = st->r.ndescs, n, end, wend, left = len;
	u32 off = st->off;

	n = 1 + (len - piece + step - 1) / step;
	/* stop: ndescs <= stop on entry, and planning ends once it is passed */
	if (n > st->stop + 1 - i) {
		n = st->stop + 1 - i;
		st->r.splits_boundary += n;
		st->off += piece + (n - 1) * step;
	} else {
		st->r.splits_boundary += n - 1;
		st->off += len;
	}
	end = i + n;
	wend = end < st->max_out ? end : st->max_out;
	for (; i < wend; i++) {
		sgplan_desc_set(&st->descs[i], addr, piece, off, 0);
		addr += piece;
		off += piece;
		left -= piece;
		piece = left < step ? left : step;
	}
	st->r.ndescs = end;
}

static void sgplan_direct(struct sgplan_state *st, u64 addr, u32 len)
{
	const struct sgplan_profile *p = st->p;
	u64 bmask = p->seg_boundary - 1;

	if (p->seg_boundary <= p->max_seg_size) {
		sgplan_direct_bounded(st, addr, len);
		return;
	}
	while (len) {
		u64 to_bound = p->seg_boundary - (addr & bmask);
		u32 piece = len;

		if (to_bound < piece)
			piece = to_bound;
		if (p->max_seg_size < piece)
			piece = p->max_seg_size;
		if (piece < len) {
			/* tie goes to the boundary: it would cut here anyway */
			if (to_bound <= p->max_seg_size)
				st->r.splits_boundary++;
			else
				st->r.splits_maxseg++;
		}
		sgplan_put(st, addr, piece, 0);
		addr += piece;
		len -= piece;
		if (st->r.ndescs > st->stop)
			return;
	}
}

/* Bounce len request bytes: whole bounce buffers, then the remainder */
static void sgplan_bounce(struct sgplan_state *st, u32 len)
{
	u32 bsize = st->p->bounce_size;

	st->r.bounce_bytes += len;
	while (len) {
		u32 piece = len < bsize ? len : bsize;

		sgplan_put(st, 0, piece, SGPLAN_DESC_BOUNCE);
		st->r.nbounce++;
		len -= piece;
		if (st->r.ndescs > st->stop)
			return;
	}
}

/*
 * Called at every point where segments [0, seg) are planned and no bounce
 * run is open.  Remember the latest such point at which bouncing all the
 * remaining bytes would fit max_descs; the scan goes forward, so the last
 * one remembered is the longest usable prefix.
 */
static void sgplan_try_cut(const struct sgplan_state *st,
			   struct sgplan_cut *cut, u32 seg, u32 total)
{
	u32 rest = total - st->off;
	u64 need = (u64)st->r.ndescs + (rest >> st->bshift) +
		   !!(rest & (st->p->bounce_size - 1));

	if (need > st->p->max_descs)
		return;
	cut->valid = true;
	cut->seg = seg;
	cut->off = st->off;
	cut->r = st->r;
}

/**
 * sgplan_profile_check() - validate a device profile
 * @p: profile
 *
 * The rules are those documented in struct sgplan_profile, plus
 * bounce_size <= 2^dma_mask_bits, without which no bounce buffer could lie
 * below the mask.  The planner relies on them to make every bounce buffer a
 * legal descriptor by construction and to use masks instead of divisions.
 *
 * Return: 0 if @p is usable, -EINVAL otherwise.
 */
int sgplan_profile_check(const struct sgplan_profile *p)
{
	if (!p)
		return -EINVAL;
	if (!sgplan_is_pow2(p->seg_boundary) || p->seg_boundary < 512 ||
	    p->seg_boundary > (1ull << 32))
		return -EINVAL;
	if (!sgplan_is_pow2(p->dma_align) || p->dma_align > p->seg_boundary)
		return -EINVAL;
	if (p->max_seg_size < 512 || (p->max_seg_size & (p->dma_align - 1)))
		return -EINVAL;
	if (p->dma_mask_bits < 24 || p->dma_mask_bits > 64)
		return -EINVAL;
	if (!sgplan_is_pow2(p->bounce_size) || p->bounce_size < 512 ||
	    p->bounce_size > p->seg_boundary ||
	    p->bounce_size > p->max_seg_size ||
	    (p->bounce_size & (p->dma_align - 1)))
		return -EINVAL;
	/* a bounce buffer must fit below the mask (bits >= 24 here) */
	if (p->dma_mask_bits < 64 &&
	    p->bounce_size > (1ull << p->dma_mask_bits))
		return -EINVAL;
	return 0;
}

/*
 * Misaligned or out-of-mask segments are bounced one by one; otherwise only
 * a descriptor budget can make the planner bounce (one tail run).
 */
static bool sgplan_bounces_segments(const struct sgplan_profile *p)
{
	return p->dma_align > 1 || p->dma_mask_bits < 64;
}

/**
 * sgplan_max_bounce() - most bounce buffers one request can need
 * @p: valid profile
 * @nsegs: input segments of the request, at most
 * @bytes: request bytes, at most
 *
 * A run of L bytes takes ceil(L / bounce_size) <= L / bounce_size + 1
 * buffers.  Two runs are always separated by a direct segment (a run ends
 * only at an eligible segment it does not absorb), so there are at most
 * ceil(nsegs / 2) of them, plus the tail run of a budget cut.  Without
 * per-segment bouncing that tail run is the only one.  (A segment that
 * wraps past 2^64, never a real DMA mapping, is bounced under any mask and
 * is not covered.)
 *
 * Return: the bound; what a bounce pool must hold to serve any request.
 */
u32 sgplan_max_bounce(const struct sgplan_profile *p, u32 nsegs, u64 bytes)
{
	u64 runs, n;

	runs = p->max_descs ? 1 : 0;
	if (sgplan_bounces_segments(p))
		runs += nsegs / 2 + (nsegs & 1);
	if (!runs)
		return 0;
	n = (bytes >> sgplan_log2(p->bounce_size)) + runs;
	if (p->max_descs && n > p->max_descs)
		n = p->max_descs;
	return n > SGPLAN_U32_MAX ? SGPLAN_U32_MAX : n;
}

static int sgplan_fail(struct sgplan_result *res, int err)
{
	sgplan_zero(res);
	return err;
}

/*
 * The common case, checked first because it is cheap: every segment is
 * already a legal descriptor and there are few enough of them.  The full
 * planner would produce exactly this plan.
 */
static bool sgplan_plan_as_is(const struct sgplan_profile *p,
			      const struct sgplan_seg *segs, u32 nsegs,
			      struct sgplan_desc *descs, u32 max_out,
			      struct sgplan_result *res)
{
	u32 i, off = 0;

	if (nsegs > max_out || (p->max_descs && nsegs > p->max_descs))
		return false;
	for (i = 0; i < nsegs; i++)
		if (!sgplan_legal(p, segs[i].addr, segs[i].len, i == nsegs - 1))
			return false;
	for (i = 0; i < nsegs; i++) {
		sgplan_desc_set(&descs[i], segs[i].addr, segs[i].len, off, 0);
		off += segs[i].len;
	}
	sgplan_zero(res);
	res->ndescs = nsegs;
	return true;
}

/*
 * No alignment rule, no mask and no budget, and a boundary that decides
 * every cut (boundary-1k, page): each segment is cut at the boundary and
 * nothing is bounced.  The general planner would produce exactly this plan,
 * with a loop per segment that costs more than the descriptors it writes.
 * Return: false, having written only into @descs, for what it leaves to
 * the general planner: a segment that wraps past 2^64, or too small a @descs.
 */
static bool sgplan_plan_cut(const struct sgplan_profile *p,
			    const struct sgplan_seg *segs, u32 nsegs,
			    struct sgplan_desc *descs, u32 max_out,
			    struct sgplan_result *res)
{
	struct sgplan_desc *d = descs, *dend = descs + max_out;
	u64 wmask = p->seg_boundary - 1;
	u32 i, off = 0;

	for (i = 0; i < nsegs; i++) {
		u64 a = segs[i].addr, last = a + segs[i].len - 1, pend;

		if (last < a)
			return false;
		do {
			/* the piece ends at its window's last byte or the segment's */
			pend = (a | wmask) < last ? (a | wmask) : last;
			if (d == dend)
				return false;
			sgplan_desc_set(d, a, (u32)(pend - a + 1), off, 0);
			off += d->len;
			d++;
			a = pend + 1;
		} while (pend != last);
	}
	sgplan_zero(res);
	res->ndescs = (u32)(d - descs);
	res->splits_boundary = res->ndescs - nsegs;
	return true;
}

/* The planning state of one request, before its first segment. */
static inline void sgplan_state_init(struct sgplan_state *st,
				     struct sgplan_cut *cut,
				     const struct sgplan_profile *p,
				     struct sgplan_desc *descs, u32 max_out)
{
	st->p = p;
	st->descs = descs;
	st->max_out = max_out;
	st->stop = p->max_descs ? p->max_descs : max_out;
	st->bshift = sgplan_log2(p->bounce_size);
	st->off = 0;
	sgplan_zero(&st->r);
	/* field by field: an initializer makes clang -O0 call memset() */
	cut->valid = false;
	cut->seg = 0;
	cut->off = 0;
	sgplan_zero(&cut->r);
}

/* Bounce an open run of segments: @len bytes from @segs segments. */
static inline void sgplan_run_close(struct sgplan_state *st, u32 len, u32 segs,
				    u32 why)
{
	sgplan_bounce(st, len);
	st->r.bounce_segs += segs;
	st->r.why |= why;
}

/*
 * Over the descriptor budget: everything planned before the cut stays as
 * it was (the descriptors already written are kept) and the rest of the
 * request, from the cut on, is bounced.  why gets the reasons the tail
 * segments had on their own too, so that the mask stays the union of all
 * reasons.  Return: 0, or -E2BIG when no cut fits the budget.
 */
static inline int sgplan_apply_cut(struct sgplan_state *st,
				   const struct sgplan_cut *cut,
				   const struct sgplan_seg *segs, u32 nsegs,
				   u32 total)
{
	u32 i;

	if (!cut->valid)
		return -E2BIG;
	st->r = cut->r;
	st->off = cut->off;
	st->r.why |= SGPLAN_WHY_DESCS;
	st->r.bounce_segs += nsegs - cut->seg;
	for (i = cut->seg; i < nsegs; i++)
		st->r.why |= sgplan_seg_why(st->p, &segs[i], i == nsegs - 1);
	sgplan_bounce(st, total - cut->off);
	return 0;
}

/*
 * Everything the as-is and cut paths leave, out of line: its frame and
 * setup are what a request they serve would otherwise pay for.  Segments
 * the device can take go direct; runs of those it cannot are bounced; a
 * descriptor budget exceeded bounces the tail from the best cut point.
 */
static noinline int sgplan_plan_split(const struct sgplan_profile *p,
				      const struct sgplan_seg *segs, u32 nsegs,
				      struct sgplan_desc *descs, u32 max_out,
				      struct sgplan_result *res)
{
	struct sgplan_state st;
	struct sgplan_cut cut;
	u32 run_len = 0, run_segs = 0, run_why = 0;
	bool plain = sgplan_plain(p);
	u64 total = 0, amask = p->dma_align - 1;
	u32 i;

	/* only a descriptor budget needs the total (cut points) */
	for (i = 0; p->max_descs && i < nsegs; i++)
		total += segs[i].len;
	sgplan_state_init(&st, &cut, p, descs, max_out);

	for (i = 0; i < nsegs; i++) {
		const struct sgplan_seg *s = &segs[i];
		u32 why = plain ? (s->addr + s->len - 1 < s->addr) * SGPLAN_WHY_MASK :
				  sgplan_seg_why(p, s, i == nsegs - 1);

		if (run_len) {
			/*
			 * Ending the run on a misaligned length would leave
			 * the next descriptor misaligned in the bounce
			 * buffer, so the next segment rides along.
			 */
			if (run_len & amask)
				why |= SGPLAN_WHY_ALIGN;
			if (why) {
				run_len += s->len;
				run_segs++;
				run_why |= why;
				continue;
			}
			sgplan_run_close(&st, run_len, run_segs, run_why);
			run_len = 0;
		}
		/* Every later cut point has at least this many descs */
		if (st.r.ndescs > st.stop)
			break;
		if (p->max_descs)
			sgplan_try_cut(&st, &cut, i, (u32)total);
		if (why) {
			run_len = s->len;
			run_segs = 1;
			run_why = why;
			continue;
		}
		sgplan_direct(&st, s->addr, s->len);
	}
	/* the loop only breaks with no run open */
	if (run_len)
		sgplan_run_close(&st, run_len, run_segs, run_why);
	if (p->max_descs && st.r.ndescs > p->max_descs &&
	    sgplan_apply_cut(&st, &cut, segs, nsegs, (u32)total))
		return sgplan_fail(res, -E2BIG);
	if (st.r.ndescs > max_out)
		return sgplan_fail(res, -ENOSPC);
	*res = st.r;
	return 0;
}

/*
 * What the one-segment case leaves, out of line: inlined, its registers
 * would be saved and restored on every one-segment request.
 */
static noinline int sgplan_plan_many(const struct sgplan_profile *p,
				     const struct sgplan_seg *segs, u32 nsegs,
				     struct sgplan_desc *descs, u32 max_out,
				     struct sgplan_result *res)
{
	if (sgplan_plan_as_is(p, segs, nsegs, descs, max_out, res))
		return 0;
	if (sgplan_plain(p) && !p->max_descs && p->seg_boundary <= p->max_seg_size &&
	    sgplan_plan_cut(p, segs, nsegs, descs, max_out, res))
		return 0;
	return sgplan_plan_split(p, segs, nsegs, descs, max_out, res);
}

/**
 * sgplan_plan() - sgplan_build() without the argument checks
 * @p: device profile, valid (sgplan_profile_check())
 * @segs: at least one segment, each len > 0, totalling less than 4 GiB
 * @nsegs: number of segments
 * @descs: output array
 * @max_out: capacity of @descs
 * @res: counters of what was done
 *
 * For callers that validated the profile once when it was set and whose
 * segments come from the block layer (never empty, at most a few MiB):
 * the I/O path should not pay for the checks on every request.
 *
 * Return: as sgplan_build().
 */
int sgplan_plan(const struct sgplan_profile *p,
		const struct sgplan_seg *segs, u32 nsegs,
		struct sgplan_desc *descs, u32 max_out,
		struct sgplan_result *res)
{
	/* one legal segment (most small I/O): one descriptor, no loops */
	if (nsegs == 1 && max_out && sgplan_legal(p, segs->addr, segs->len, true)) {
		sgplan_desc_set(descs, segs->addr, segs->len, 0, 0);
		sgplan_zero(res);
		res->ndescs = 1;
		return 0;
	}
	return sgplan_plan_many(p, segs, nsegs, descs, max_out, res);
}

#ifndef __KERNEL__
/*
 * Entry points with argument checks for host tests, fuzzers and
 * benchmarks; the module calls sgplan_plan() with what it has validated.
 */

/**
 * sgplan_max_descs() - upper bound of descriptors for a request
 * @p: profile
 * @nsegs: number of input segments
 * @bytes: total request bytes
 *
 * Lets the caller size the descriptor array before planning.  Let m be
 * bounce_size: the profile rules make it a power of two that divides
 * seg_boundary and is <= max_seg_size.  A direct segment is cut into
 * boundary windows; a whole window yields ceil(seg_boundary / max_seg_size)
 * <= seg_boundary / m pieces, and each of the at most two partial windows
 * at its ends (w bytes) yields <= w / m + 1.  So a segment of len bytes
 * gives <= len / m + 2 descriptors.  A bounce run of L bytes gives
 * ceil(L / m) <= L / m + 1 and holds at least one segment.  Summing gives
 * bytes / m + 2 * nsegs.  A budget cut only lowers the count, and a
 * successful plan never exceeds max_descs, so a non-zero max_descs caps
 * the bound too.
 *
 * Return: the bound (saturated to U32_MAX), or 0 for an invalid profile.
 */
u32 sgplan_max_descs(const struct sgplan_profile *p, u32 nsegs, u64 bytes)
{
	u64 n;

	if (sgplan_profile_check(p))
		return 0;
	n = (bytes >> sgplan_log2(p->bounce_size)) + 2 * (u64)nsegs;
	if (p->max_descs && n > p->max_descs)
		n = p->max_descs;
	if (n > SGPLAN_U32_MAX)
		n = SGPLAN_U32_MAX;
	return n;
}

/**
 * sgplan_build() - turn one request's DMA segments into device descriptors
 * @p: device profile
 * @segs: DMA-mapped segments in request order, each len > 0
 * @nsegs: number of segments
 * @descs: output array; bounce descriptors get addr 0 for the caller to
 *	fill with a bounce buffer address
 * @max_out: capacity of @descs (sgplan_max_descs() is always enough)
 * @res: counters of what was done
 *
 * Descriptors cover the request exactly once and in order, each one obeys
 * every rule of @p, and bytes are bounced only where splitting cannot meet
 * a rule.  The request must be shorter than 4 GiB (req_off is 32-bit).
 * On error *@res is zeroed and the contents of @descs are undefined.
 *
 * Return: 0 on success; -EINVAL for an invalid profile, an empty request,
 * a zero-length segment or a request of 4 GiB or more; -E2BIG if no plan
 * fits max_descs; -ENOSPC if @max_out is too small for the plan.
 */
int sgplan_build(const struct sgplan_profile *p,
		 const struct sgplan_seg *segs, u32 nsegs,
		 struct sgplan_desc *descs, u32 max_out,
		 struct sgplan_result *res)
{
	u64 total = 0;
	u32 i;

	if (!res)
		return -EINVAL;
	sgplan_zero(res);
	if (sgplan_profile_check(p) || !segs || !nsegs || (!descs && max_out))
		return -EINVAL;
	for (i = 0; i < nsegs; i++) {
		if (!segs[i].len)
			return -EINVAL;
		total += segs[i].len;
	}
	if (total > SGPLAN_U32_MAX)
		return -EINVAL;
	return sgplan_plan(p, segs, nsegs, descs, max_out, res);
}

/**
 * sgplan_desc_ok() - check one descriptor against a profile
 * @p: profile
 * @addr: DMA address
 * @len: bytes
 * @last: this is the request's last descriptor (its length may be
 *	unaligned)
 *
 * The descriptor budget is a property of the whole request and is not
 * checked here.  @p must be valid (sgplan_profile_check()): this runs once
 * per descriptor on the I/O path and does not check it again.
 *
 * Return: 0 if the descriptor is legal, -EINVAL if it breaks a rule.
 */
int sgplan_desc_ok(const struct sgplan_profile *p, u64 addr, u32 len,
		   bool last)
{
	return sgplan_legal(p, addr, len, last) ? 0 : -EINVAL;
}
#endif /* !__KERNEL__ */
