/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgplan - turn the DMA-mapped segments of one request into descriptors a
 * constrained device can execute, bouncing what splitting cannot fix.
 *
 * Plain C: no kernel headers beyond sgplan_shim.h.
 */
#ifndef SGPLAN_H
#define SGPLAN_H

#include "sgplan_shim.h"

/**
 * struct sgplan_profile - DMA constraints of the simulated device
 * @seg_boundary: no descriptor may cross a multiple of this; power of two,
 *	512 .. 2^32 (sub-page allowed)
 * @max_seg_size: longest descriptor; >= 512, multiple of @dma_align
 * @max_descs: descriptors per request; 0 means unlimited
 * @dma_align: every descriptor starts on a multiple of this, and every
 *	descriptor but the request's last has a length that is a multiple of
 *	it (the device pads the tail); power of two, 1 .. @seg_boundary
 * @dma_mask_bits: the device reaches DMA addresses below 2^bits; 24 .. 64
 * @bounce_size: size of one bounce buffer (one dma_pool object); power of
 *	two, 512 .. min(@seg_boundary, @max_seg_size, 2^@dma_mask_bits),
 *	multiple of @dma_align.
 *	Bounce buffers are @bounce_size aligned and below the mask, so one
 *	bounce buffer is always exactly one legal descriptor.
 */
struct sgplan_profile {
	u64 seg_boundary;
	u32 max_seg_size;
	u32 max_descs;
	u32 dma_align;
	u32 dma_mask_bits;
	u32 bounce_size;
};

/** struct sgplan_seg - one DMA-mapped scatterlist element */
struct sgplan_seg {
	u64 addr;
	u32 len;
};

#define SGPLAN_DESC_BOUNCE	0x1u

/**
 * struct sgplan_desc - one device descriptor
 * @addr: DMA address for a direct descriptor; for a bounce descriptor the
 *	planner sets 0 and the caller fills in the bounce buffer's DMA address
 * @len: bytes
 * @req_off: byte offset of this descriptor's data within the request
 * @flags: SGPLAN_DESC_BOUNCE when the data goes through a bounce buffer
 */
struct sgplan_desc {
	u64 addr;
	u32 len;
	u32 req_off;
	u32 flags;
	u32 reserved;
};

/** Why segments were bounced (bit mask in struct sgplan_result) */
#define SGPLAN_WHY_ALIGN	0x1u	/* start or length misaligned */
#define SGPLAN_WHY_MASK		0x2u	/* beyond the DMA mask */
#define SGPLAN_WHY_DESCS	0x4u	/* descriptor budget exceeded */

/**
 * struct sgplan_result - what the planner did, for counters and traces
 * @ndescs: descriptors written
 * @splits_boundary: extra descriptors caused by seg_boundary
 * @splits_maxseg: extra descriptors caused by max_seg_size
 * @bounce_segs: input segments (wholly or partly) carried by bounce buffers
 * @bounce_bytes: bytes carried by bounce buffers
 * @nbounce: bounce descriptors (= bounce buffers needed)
 * @why: SGPLAN_WHY_* bits
 */
struct sgplan_result {
	u32 ndescs;
	u32 splits_boundary;
	u32 splits_maxseg;
	u32 bounce_segs;
	u32 bounce_bytes;
	u32 nbounce;
	u32 why;
};

/*
 * True if [addr, addr + len) lies below 2^bits.  A range that wraps past
 * 2^64 is never reachable; testing the last byte (not addr + len) keeps a
 * range ending exactly at 2^64 legal for a 64-bit mask.
 */
static inline bool sgplan_below_mask(u32 bits, u64 addr, u32 len)
{
	u64 last = addr + len - 1;

	if (last < addr)
		return false;
	if (bits >= 64)
		return true;
	return !(last >> bits);
}

/*
 * One descriptor against every rule but the budget; @p is valid.  Inline:
 * the planner and the engine run it once per descriptor.
 */
static inline bool sgplan_legal(const struct sgplan_profile *p, u64 addr,
				u32 len, bool last)
{
	u64 amask = p->dma_align - 1;

	if (!len || len > p->max_seg_size)
		return false;
	if ((addr & amask) || (!last && (len & amask)))
		return false;
	/* also rules out a wrap past 2^64, needed by the boundary test */
	if (!sgplan_below_mask(p->dma_mask_bits, addr, len))
		return false;
	return !((addr ^ (addr + len - 1)) & ~(p->seg_boundary - 1));
}

/**
 * sgplan_check_run - check the run of descriptors that starts at @i
 * @p: a valid profile
 * @d: the request's descriptors
 * @i: the run's first one
 * @n: how many @d holds
 * @end: set to one past the run: the descriptors that continue @d[@i]
 *	both in DMA space and in the request (a boundary's pieces of one
 *	element), which an engine moves as one copy
 * @bytes: set to the run's length
 *
 * Same count as sgplan_legal() on each descriptor, with less work per
 * piece: a piece starts where an aligned predecessor of aligned length
 * ended, so only the first start is tested for alignment, and the run lies
 * below the mask if its end does, which is tested once.  The rules are
 * gathered without a branch each; only a run that breaks one is counted
 * descriptor by descriptor.
 *
 * Return: how many descriptors of the run break a rule.
 */
static __always_inline u32 sgplan_check_run(const struct sgplan_profile *p,
					    const struct sgplan_desc *d, u32 i, u32 n,
					    u32 *end, u32 *bytes)
{
	u64 bmask = ~(p->seg_boundary - 1);
	u64 start = d[i].addr, a = start;
	u32 amask = p->dma_align - 1;
	u32 l = d[i].len, off = d[i].req_off, lens = 0, lmax = 0, j, bad;
	u64 viol = start & amask;

	for (j = i + 1; ; j++) {
		/* a zero length wraps to U32_MAX here, over any maximum */
		lmax = lmax > l - 1 ? lmax : l - 1;
		viol |= (a ^ (a + l - 1)) & bmask;
		a += l;
		off += l;
		if (j == n || d[j].addr != a || d[j].req_off != off)
			break;
		lens |= l;
		l = d[j].len;
	}
	/* the request's last descriptor may have any length */
	if (j < n)
		lens |= l;
	*end = j;
	*bytes = (u32)(a - start);
	/* below the mask, and not wrapped past 2^64, if its last byte is */
	a--;
	if (likely(!viol && !(lens & amask) && lmax < p->max_seg_size && a >= start &&
		   (p->dma_mask_bits >= 64 || !(a >> p->dma_mask_bits))))
		return 0;
	for (bad = 0; i < j; i++)
		bad += !sgplan_legal(p, d[i].addr, d[i].len, i == n - 1);
	return bad;
}

int sgplan_profile_check(const struct sgplan_profile *p);
u32 sgplan_max_bounce(const struct sgplan_profile *p, u32 nsegs, u64 bytes);
int sgplan_plan(const struct sgplan_profile *p,
		const struct sgplan_seg *segs, u32 nsegs,
		struct sgplan_desc *descs, u32 max_out,
		struct sgplan_result *res);

#ifndef __KERNEL__
u32 sgplan_max_descs(const struct sgplan_profile *p, u32 nsegs, u64 bytes);
int sgplan_build(const struct sgplan_profile *p,
		 const struct sgplan_seg *segs, u32 nsegs,
		 struct sgplan_desc *descs, u32 max_out,
		 struct sgplan_result *res);
int sgplan_desc_ok(const struct sgplan_profile *p, u64 addr, u32 len,
		   bool last);
#endif

#endif /* SGPLAN_H */
