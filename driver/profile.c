// SPDX-License-Identifier: GPL-2.0
/*
 * Device DMA profiles: presets, parsing of "key=value" updates, validation,
 * and the split of each profile into what the block layer can enforce (page
 * sized or larger boundaries and segments) and what is left to the planner
 * (sub-page boundaries and segments, alignment beyond 512, the DMA mask and
 * the descriptor budget).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include "profile.h"

struct sgblk_preset {
	const char *name;
	u64 seg_boundary;
	u32 max_seg_size;
	u32 max_descs;
	u32 dma_align;
	u32 dma_mask_bits;
};

/* Fields not named take the "none" values. */
static const struct sgblk_preset sgblk_presets[] = {
	{ "none",	 SZ_4G, SZ_1G, 0, 1, 64 },
	{ "page",	 SZ_4K, SZ_4K, 0, 1, 64 },
	{ "boundary-1k", SZ_1K, SZ_1K, 0, 1, 64 },
	{ "align-4k",	 SZ_4G, SZ_1G, 0, SZ_4K, 64 },
	{ "dma28",	 SZ_4G, SZ_1G, 0, 1, 28 },
	{ "desc-4",	 SZ_4G, SZ_1G, 4, 1, 64 },
};

#define SGBLK_DEFAULT_POOL_KB	4096

/*
 * Bounce buffers of a device that bounces segment by segment (alignment,
 * mask): each bounce run takes whole buffers, so the pool's worst case
 * grows with the buffer size times the runs a request can hold.
 */
#define SGBLK_SEG_BOUNCE_SIZE	SZ_16K

/**
 * sgblk_profile_bounce_bufs - bounce buffers the largest request can need
 * @p: a derived profile
 *
 * The one worst case both the profile check and the pool's prefill use.
 * Return: the count (0 for a profile that never bounces).
 */
u32 sgblk_profile_bounce_bufs(const struct sgblk_profile *p)
{
	return sgplan_max_bounce(&p->plan, SGBLK_MAX_SEGMENTS, p->max_rq_bytes);
}

/*
 * One bounce buffer must be one legal descriptor: no larger than the
 * boundary or the maximum segment, a multiple of the alignment.  The largest
 * request is what the descriptor ring holds in the worst case, and what
 * the bounce pool can serve in the worst case.
 */
static int sgblk_profile_derive(struct sgblk_profile *p)
{
	struct sgplan_profile *pl = &p->plan;
	u64 bsize = min_t(u64, pl->seg_boundary, SGBLK_MAX_BOUNCE_SIZE);
	u64 rq, pool_bufs, min_bufs;
	u32 runs;

	if (pl->max_seg_size >= 512)
		bsize = min_t(u64, bsize, rounddown_pow_of_two(pl->max_seg_size));
	pl->bounce_size = bsize;
	if (sgplan_profile_check(pl))
		return -EINVAL;
	/* bounce buffers every run of a request may need beyond its bytes */
	runs = sgplan_max_bounce(pl, SGBLK_MAX_SEGMENTS, 0);
	if (runs > 1) {
		/* still a multiple of dma_align, which bsize is */
		bsize = min_t(u64, bsize, max_t(u32, SGBLK_SEG_BOUNCE_SIZE,
						pl->dma_align));
		pl->bounce_size = bsize;
	}
	rq = (u64)(SGBLK_RING_DESCS - 2 * SGBLK_MAX_SEGMENTS) * bsize;
	if (pl->max_descs)
		rq = min_t(u64, rq, (u64)pl->max_descs * bsize);
	rq = min_t(u64, rq, SGBLK_MAX_RQ_BYTES);
	/* Whatever its layout, one request must fit the pool. */
	pool_bufs = (u64)p->bounce_pool_kb * SZ_1K / bsize;
	min_bufs = runs ? runs + DIV_ROUND_UP(PAGE_SIZE, bsize) : 1;
	if (pool_bufs < min_bufs) {
		pr_info_ratelimited("profile refused: bounce_pool_kb must be at least %llu for %llu-byte bounce buffers\n",
				    min_bufs * bsize / SZ_1K, bsize);
		return -EINVAL;
	}
	if (runs)
		rq = min_t(u64, rq, (pool_bufs - runs) * bsize);
	rq = round_down(rq, PAGE_SIZE);
	if (rq < PAGE_SIZE)
		return -EINVAL;	/* the block layer needs one page per request */
	p->max_rq_bytes = rq;
	return 0;
}

/**
 * sgblk_profile_preset - fill @p from a preset name
 * @name: preset name (trailing newline tolerated)
 * @p: the profile
 *
 * Return: 0, or -EINVAL for an unknown name (@p unchanged).
 */
int sgblk_profile_preset(const char *name, struct sgblk_profile *p)
{
	struct sgblk_profile np = { };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sgblk_presets); i++) {
		const struct sgblk_preset *ps = &sgblk_presets[i];

		if (!sysfs_streq(name, ps->name))
			continue;
		strscpy(np.name, ps->name, sizeof(np.name));
		np.plan.seg_boundary = ps->seg_boundary;
		np.plan.max_seg_size = ps->max_seg_size;
		np.plan.max_descs = ps->max_descs;
		np.plan.dma_align = ps->dma_align;
		np.plan.dma_mask_bits = ps->dma_mask_bits;
		np.bounce_pool_kb = SGBLK_DEFAULT_POOL_KB;
		if (sgblk_profile_derive(&np))
			return -EINVAL;
		*p = np;
		return 0;
	}
	return -EINVAL;
}

/**
 * sgblk_presets_show - list the presets, one per line, in their order
 * @m: the file being read
 *
 * Each line is the name, then the fields as key=value pairs in the form a
 * profile write takes: what tests and tools read instead of a copy of
 * the table.
 */
void sgblk_presets_show(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sgblk_presets); i++) {
		const struct sgblk_preset *ps = &sgblk_presets[i];

		seq_printf(m, "%s seg_boundary=%llu max_seg_size=%u max_descs=%u dma_align=%u dma_mask_bits=%u\n",
			   ps->name, ps->seg_boundary, ps->max_seg_size,
			   ps->max_descs, ps->dma_align, ps->dma_mask_bits);
	}
}

static int sgblk_profile_set(struct sgblk_profile *p, const char *key,
			     const char *val)
{
	struct sgplan_profile *pl = &p->plan;
	u64 v;

	if (kstrtou64(val, 0, &v))
		return -EINVAL;
	if (!strcmp(key, "seg_boundary"))
		pl->seg_boundary = v;
	else if (!strcmp(key, "max_seg_size") && v <= U32_MAX)
		pl->max_seg_size = v;
	else if (!strcmp(key, "max_descs") && v <= U32_MAX)
		pl->max_descs = v;
	else if (!strcmp(key, "dma_align") && v <= U32_MAX)
		pl->dma_align = v;
	else if (!strcmp(key, "dma_mask_bits") && v <= U32_MAX)
		pl->dma_mask_bits = v;
	else if (!strcmp(key, "bounce_pool_kb") && v <= U32_MAX)
		p->bounce_pool_kb = v;
	else
		return -EINVAL;
	return 0;
}

/**
 * sgblk_profile_parse - apply a debugfs/configfs profile write
 * @buf: a preset name, or whitespace-separated key=value pairs applied on
 *	top of @p (modified in place by the parser)
 * @p: the current profile; replaced only if the whole input is valid
 *
 * Return: 0, or -EINVAL with @p unchanged.
 */
int sgblk_profile_parse(char *buf, struct sgblk_profile *p)
{
	struct sgblk_profile np = *p;
	char *tok, *val;
	bool any = false;

	buf = strim(buf);
	if (!*buf)
		return -EINVAL;
	if (!strchr(buf, '='))
		return sgblk_profile_preset(buf, p);
	while ((tok = strsep(&buf, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val || val == tok)
			return -EINVAL;
		*val++ = '\0';
		if (sgblk_profile_set(&np, tok, val))
			return -EINVAL;
		any = true;
	}
	if (!any || sgblk_profile_derive(&np))
		return -EINVAL;
	strscpy(np.name, "custom", sizeof(np.name));
	*p = np;
	return 0;
}

void sgblk_profile_show(struct seq_file *m, const struct sgblk_profile *p)
{
	const struct sgplan_profile *pl = &p->plan;

	seq_printf(m, "preset %s\n", p->name);
	seq_printf(m, "seg_boundary %llu\n", pl->seg_boundary);
	seq_printf(m, "max_seg_size %u\n", pl->max_seg_size);
	seq_printf(m, "max_descs %u\n", pl->max_descs);
	seq_printf(m, "dma_align %u\n", pl->dma_align);
	seq_printf(m, "dma_mask_bits %u\n", pl->dma_mask_bits);
	seq_printf(m, "bounce_pool_kb %u\n", p->bounce_pool_kb);
	seq_printf(m, "bounce_size %u\n", pl->bounce_size);
	seq_printf(m, "max_rq_bytes %u\n", p->max_rq_bytes);
}

/**
 * sgblk_profile_qlimits - the part of a profile the block layer enforces
 * @p: the profile
 * @lbs: logical block size
 * @l: filled in
 *
 * Boundaries and segment sizes of a page or more go to the block layer, so
 * it splits there and the planner never has to; smaller ones are clamped
 * to a page (the block layer's minimum) and left to the planner.
 * dma_alignment stays 511 so 512-aligned O_DIRECT buffers reach the driver
 * and are bounced when the device needs more.
 */
void sgblk_profile_qlimits(const struct sgblk_profile *p, unsigned int lbs,
			   struct sgblk_qlimits *l)
{
	const struct sgplan_profile *pl = &p->plan;

	l->lbs = lbs;
	l->max_hw_sectors = p->max_rq_bytes >> SECTOR_SHIFT;
	l->max_segments = SGBLK_MAX_SEGMENTS;
	l->max_segment_size = max_t(u32, pl->max_seg_size, PAGE_SIZE);
	l->seg_boundary_mask = max_t(u64, pl->seg_boundary, PAGE_SIZE) - 1;
	l->dma_alignment = 511;
}
