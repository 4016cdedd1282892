// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters and histograms: the hot path only ever touches its own
 * CPU's copy; readers sum them.  What each request is counted by is
 * account.c's.
 */
#include <linux/string.h>
#include "stats.h"

static const char *const sgblk_stat_names[SGBLK_NR_STATS] = {
	[SGBLK_STAT_requests] = "requests",
	[SGBLK_STAT_reads] = "reads",
	[SGBLK_STAT_writes] = "writes",
	[SGBLK_STAT_bytes_read] = "bytes_read",
	[SGBLK_STAT_bytes_written] = "bytes_written",
	[SGBLK_STAT_other_requests] = "other_requests",
	[SGBLK_STAT_sg_elems] = "sg_elems",
	[SGBLK_STAT_descs] = "descs",
	[SGBLK_STAT_splits_boundary] = "splits_boundary",
	[SGBLK_STAT_splits_maxseg] = "splits_maxseg",
	[SGBLK_STAT_bounce_segs] = "bounce_segs",
	[SGBLK_STAT_bounce_bytes] = "bounce_bytes",
	[SGBLK_STAT_bounce_align] = "bounce_align",
	[SGBLK_STAT_bounce_mask] = "bounce_mask",
	[SGBLK_STAT_bounce_descs] = "bounce_descs",
	[SGBLK_STAT_bounce_cached] = "bounce_cached",
	[SGBLK_STAT_bounce_cache_drains] = "bounce_cache_drains",
	[SGBLK_STAT_pool_exhausted] = "pool_exhausted",
	[SGBLK_STAT_pool_giveups] = "pool_giveups",
	[SGBLK_STAT_map_errors] = "map_errors",
	[SGBLK_STAT_map_giveups] = "map_giveups",
	[SGBLK_STAT_store_giveups] = "store_giveups",
	[SGBLK_STAT_own_violations] = "own_violations",
	[SGBLK_STAT_rule_violations] = "rule_violations",
	[SGBLK_STAT_oversized_requests] = "oversized_requests",
	[SGBLK_STAT_engine_faults] = "engine_faults",
	[SGBLK_STAT_requeues] = "requeues",
	[SGBLK_STAT_errors] = "errors",
	[SGBLK_STAT_timeouts] = "timeouts",
	[SGBLK_STAT_timeout_rearms] = "timeout_rearms",
	[SGBLK_STAT_poll_timeouts] = "poll_timeouts",
	[SGBLK_STAT_dma_dev_gone] = "dma_dev_gone",
	[SGBLK_STAT_injected_errors] = "injected_errors",
	[SGBLK_STAT_injected_pool_failures] = "injected_pool_failures",
	[SGBLK_STAT_injected_drops] = "injected_drops",
	[SGBLK_STAT_injected_map_failures] = "injected_map_failures",
	[SGBLK_STAT_injected_store_failures] = "injected_store_failures",
	[SGBLK_STAT_injected_bad_addrs] = "injected_bad_addrs",
	[SGBLK_STAT_injected_misdirects] = "injected_misdirects",
	[SGBLK_STAT_dma_merged] = "dma_merged",
	[SGBLK_STAT_dma_bounced_elems] = "dma_bounced_elems",
	[SGBLK_STAT_dma_maps] = "dma_maps",
	[SGBLK_STAT_dma_unmaps] = "dma_unmaps",
	[SGBLK_STAT_cache_map_to_dev] = "cache_map_to_dev",
	[SGBLK_STAT_cache_map_from_dev] = "cache_map_from_dev",
	[SGBLK_STAT_cache_unmap_from_dev] = "cache_unmap_from_dev",
	[SGBLK_STAT_engine_cache_bytes] = "engine_cache_bytes",
	[SGBLK_STAT_batched_requests] = "batched_requests",
	[SGBLK_STAT_batched_completions] = "batched_completions",
	[SGBLK_STAT_plan_digests] = "plan_digests",
	[SGBLK_STAT_plan_digest] = "plan_digest",
};

static const char *const sgblk_hist_names[] = {
	[SGBLK_HIST_SG_ELEMS] = "sg_elems_per_request",
	[SGBLK_HIST_SEG_MIN] = "min_segment_bytes",
	[SGBLK_HIST_DESCS] = "descs_per_request",
	[SGBLK_HIST_BOUNCE] = "bounce_bytes_per_request",
	[SGBLK_HIST_MAPPED] = "mapped_per_request",
};

u64 sgblk_stats_read(struct sgblk_stats __percpu *s, enum sgblk_stat i)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(s, cpu)->c[i];
	return sum;
}

void sgblk_stats_show(struct seq_file *m, struct sgblk_stats __percpu *s)
{
	unsigned int i;

	for (i = 0; i < SGBLK_NR_STATS; i++)
		seq_printf(m, "%s %llu\n", sgblk_stat_names[i],
			   sgblk_stats_read(s, i));
}

/*
 * One line per bucket: "name lo-hi count", lo and hi inclusive; bucket b
 * holds values v with fls64(v) == b.
 */
void sgblk_hist_show(struct seq_file *m, struct sgblk_stats __percpu *s)
{
	unsigned int h, b;
	int cpu;

	for (h = 0; h < SGBLK_NR_HISTS; h++) {
		for (b = 0; b < SGBLK_HIST_BUCKETS; b++) {
			u64 lo = b ? 1ULL << (b - 1) : 0;
			u64 hi = b ? (1ULL << b) - 1 : 0;
			u64 sum = 0;

			for_each_possible_cpu(cpu)
				sum += per_cpu_ptr(s, cpu)->h[h][b];
			if (b == SGBLK_HIST_BUCKETS - 1)
				hi = U64_MAX;
			seq_printf(m, "%s %llu-%llu %llu\n", sgblk_hist_names[h],
				   lo, hi, sum);
		}
	}
}

/* Not atomic against concurrent I/O: counts racing with the reset may stay. */
void sgblk_stats_reset(struct sgblk_stats __percpu *s)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(s, cpu), 0, sizeof(struct sgblk_stats));
}
