/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_STATS_H
#define SGBLK_STATS_H

#include <linux/percpu.h>
#include <linux/seq_file.h>

/* Counters, in the order debugfs prints them (see sgblk_stat_names). */
enum sgblk_stat {
	SGBLK_STAT_requests,
	SGBLK_STAT_reads,
	SGBLK_STAT_writes,
	SGBLK_STAT_bytes_read,
	SGBLK_STAT_bytes_written,
	SGBLK_STAT_other_requests,
	SGBLK_STAT_sg_elems,
	SGBLK_STAT_descs,
	SGBLK_STAT_splits_boundary,
	SGBLK_STAT_splits_maxseg,
	SGBLK_STAT_bounce_segs,
	SGBLK_STAT_bounce_bytes,
	SGBLK_STAT_bounce_align,
	SGBLK_STAT_bounce_mask,
	SGBLK_STAT_bounce_descs,
	SGBLK_STAT_bounce_cached,
	SGBLK_STAT_bounce_cache_drains,
	SGBLK_STAT_pool_exhausted,
	SGBLK_STAT_pool_giveups,
	SGBLK_STAT_map_errors,
	SGBLK_STAT_map_giveups,
	SGBLK_STAT_store_giveups,
	SGBLK_STAT_own_violations,
	SGBLK_STAT_rule_violations,
	SGBLK_STAT_oversized_requests,
	SGBLK_STAT_engine_faults,
	SGBLK_STAT_requeues,
	SGBLK_STAT_errors,
	SGBLK_STAT_timeouts,
	SGBLK_STAT_timeout_rearms,
	SGBLK_STAT_poll_timeouts,
	SGBLK_STAT_dma_dev_gone,
	SGBLK_STAT_injected_errors,
	SGBLK_STAT_injected_pool_failures,
	SGBLK_STAT_injected_drops,
	SGBLK_STAT_injected_map_failures,
	SGBLK_STAT_injected_store_failures,
	SGBLK_STAT_injected_bad_addrs,
	SGBLK_STAT_injected_misdirects,
	SGBLK_STAT_dma_merged,
	SGBLK_STAT_dma_bounced_elems,
	SGBLK_STAT_dma_maps,
	SGBLK_STAT_dma_unmaps,
	SGBLK_STAT_cache_map_to_dev,
	SGBLK_STAT_cache_map_from_dev,
	SGBLK_STAT_cache_unmap_from_dev,
	SGBLK_STAT_engine_cache_bytes,
	SGBLK_STAT_batched_requests,
	SGBLK_STAT_batched_completions,
	SGBLK_STAT_plan_digests,
	SGBLK_STAT_plan_digest,
	SGBLK_NR_STATS
};

/* Per-request histograms; each one's total equals "requests". */
enum sgblk_hist {
	SGBLK_HIST_SG_ELEMS,		/* scatterlist elements */
	SGBLK_HIST_SEG_MIN,		/* smallest element, bytes */
	SGBLK_HIST_DESCS,		/* descriptors */
	SGBLK_HIST_BOUNCE,		/* bounced bytes (0 = none) */
	SGBLK_HIST_MAPPED,		/* entries dma_map_sg returned */
	SGBLK_NR_HISTS
};

#define SGBLK_HIST_BUCKETS	22	/* log2 buckets: 0, 1, 2-3, ... >=1M */

struct sgblk_stats {
	u64 c[SGBLK_NR_STATS];
	u64 h[SGBLK_NR_HISTS][SGBLK_HIST_BUCKETS];
};

/* By the stats pointer: a caller counting many keeps it in a register. */
#define sgblk_stats_add(s, name, n) \
	this_cpu_add((s)->c[SGBLK_STAT_##name], (n))
#define sgblk_stat_add(dev, name, n) sgblk_stats_add((dev)->stats, name, n)
#define sgblk_stat_inc(dev, name) sgblk_stat_add(dev, name, 1)

static inline void sgblk_hist_add(struct sgblk_stats __percpu *s,
				  enum sgblk_hist h, u64 v)
{
	/* fls64(0) is 0, bucket 0 */
	this_cpu_inc(s->h[h][min_t(unsigned int, fls64(v), SGBLK_HIST_BUCKETS - 1)]);
}

u64 sgblk_stats_read(struct sgblk_stats __percpu *s, enum sgblk_stat i);
void sgblk_stats_show(struct seq_file *m, struct sgblk_stats __percpu *s);
void sgblk_hist_show(struct seq_file *m, struct sgblk_stats __percpu *s);
void sgblk_stats_reset(struct sgblk_stats __percpu *s);

#endif /* SGBLK_STATS_H */
