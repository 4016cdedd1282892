// SPDX-License-Identifier: GPL-2.0
/*
 * What the I/O path counts of each request the device takes: its size and
 * direction, and what mapping and planning made of it (elements, merges,
 * descriptors, splits, bounces, histograms, the block trace's notes and
 * the plan digest).  The counters themselves are stats.c's.
 */
#include <linux/blk-mq.h>
#include <linux/blktrace_api.h>
#include "sgblk.h"
#include "account.h"

/* Annotate the block trace with the driver's own decisions (blkparse "m"). */
static void sgblk_trace_plan(struct request *rq, const struct sgplan_result *r)
{
	if (r->splits_boundary || r->splits_maxseg)
		blk_add_trace_msg(rq->q,
				  "sgblk split %llu+%u: %u boundary %u maxseg, %u descs",
				  (u64)blk_rq_pos(rq), blk_rq_sectors(rq),
				  r->splits_boundary, r->splits_maxseg, r->ndescs);
	if (r->nbounce)
		blk_add_trace_msg(rq->q,
				  "sgblk bounce %llu+%u: %u segs %u bytes in %u buffers, why 0x%x",
				  (u64)blk_rq_pos(rq), blk_rq_sectors(rq),
				  r->bounce_segs, r->bounce_bytes, r->nbounce, r->why);
}

/* FNV-1a, a 64-bit word at a time: enough to tell two plans apart. */
static inline u64 sgblk_digest_mix(u64 h, u64 v)
{
	return (h ^ v) * 0x100000001b3ULL;
}

/*
 * The plan_digest knob's hash of one request: where it goes, the mapped
 * ranges and the descriptors.  A bounce descriptor's address is the pool's
 * pick, not the plan's, so it is left out.  Summed over requests, the
 * digest of a repeatable workload is the same whatever the order, and the
 * same for two mapping paths only if they planned every request alike.
 */
static u64 sgblk_plan_digest(const struct sgblk_cmd *cmd, struct request *rq)
{
	u64 h = 0xcbf29ce484222325ULL;
	unsigned int i;

	h = sgblk_digest_mix(h, blk_rq_pos(rq));
	h = sgblk_digest_mix(h, ((u64)rq_data_dir(rq) << 32) | blk_rq_bytes(rq));
	h = sgblk_digest_mix(h, cmd->mapped);
	for (i = 0; i < cmd->mapped; i++) {
		h = sgblk_digest_mix(h, cmd->segs[i].addr);
		h = sgblk_digest_mix(h, cmd->segs[i].len);
	}
	h = sgblk_digest_mix(h, cmd->plan.ndescs);
	for (i = 0; i < cmd->plan.ndescs; i++) {
		const struct sgplan_desc *ds = &cmd->descs[i];

		if (!(ds->flags & SGPLAN_DESC_BOUNCE))
			h = sgblk_digest_mix(h, ds->addr);
		h = sgblk_digest_mix(h, ((u64)ds->len << 32) | ds->req_off);
		h = sgblk_digest_mix(h, ds->flags);
	}
	return h;
}

/**
 * sgblk_account_dma - count what mapping and planning did for a request
 * @dev: the device
 * @cmd: the request's driver data, mapped and planned
 * @rq: the request
 *
 * Called once per request the device accepts, not per attempt: a request
 * retried after a resource shortage is counted when it finally goes
 * through, so every histogram sums to "requests".
 */
void sgblk_account_dma(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
		       struct request *rq)
{
	const struct sgplan_result *r = &cmd->plan;
	struct sgblk_stats __percpu *s = dev->stats;

	sgblk_stats_add(s, sg_elems, cmd->nents);
	/* An IOMMU joins scattered elements into one IOVA range. */
	if (cmd->mapped < cmd->nents)
		sgblk_stats_add(s, dma_merged, cmd->nents - cmd->mapped);
	sgblk_stats_add(s, descs, r->ndescs);
	if (r->splits_boundary)
		sgblk_stats_add(s, splits_boundary, r->splits_boundary);
	if (r->splits_maxseg)
		sgblk_stats_add(s, splits_maxseg, r->splits_maxseg);
	if (r->nbounce) {
		sgblk_stats_add(s, bounce_segs, r->bounce_segs);
		sgblk_stats_add(s, bounce_bytes, r->bounce_bytes);
		sgblk_stats_add(s, bounce_descs, r->nbounce);
		if (r->why & SGPLAN_WHY_ALIGN)
			sgblk_stats_add(s, bounce_align, 1);
		if (r->why & SGPLAN_WHY_MASK)
			sgblk_stats_add(s, bounce_mask, 1);
	}
	sgblk_hist_add(s, SGBLK_HIST_SG_ELEMS, cmd->nents);
	sgblk_hist_add(s, SGBLK_HIST_SEG_MIN, cmd->seg_min);
	sgblk_hist_add(s, SGBLK_HIST_DESCS, r->ndescs);
	sgblk_hist_add(s, SGBLK_HIST_BOUNCE, r->bounce_bytes);
	sgblk_hist_add(s, SGBLK_HIST_MAPPED, cmd->mapped);
	sgblk_trace_plan(rq, r);
	if (unlikely(READ_ONCE(dev->knobs[SGBLK_KNOB_PLAN_DIGEST].val))) {
		sgblk_stat_inc(dev, plan_digests);
		sgblk_stat_add(dev, plan_digest, sgblk_plan_digest(cmd, rq));
	}
}
