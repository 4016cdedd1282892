// SPDX-License-Identifier: GPL-2.0
/*
 * Mapping a request for its DMA device: with blk_rq_map_sg() and
 * dma_map_sg() (dma_map_page() for a single element), or with map=iter by
 * the block layer's DMA iterator, without a scatterlist.  Either way the
 * mapped ranges are planned by sgplan into the descriptors the engine
 * runs, whatever the device cannot take goes through bounce buffers
 * (bounce.c), and no table is ever written past its end.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/dma-direct.h>
#include <linux/blktrace_api.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include "sgblk.h"
#include "map.h"
#include "dma.h"
#include "bounce.h"
#include "compat.h"

static void sgblk_own_violation(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
				enum sgblk_owner from)
{
	sgblk_stat_inc(dev, own_violations);
	WARN_ONCE(READ_ONCE(dev->knobs[SGBLK_KNOB_OWN_FATAL].val),
		  "%s: mapping owned by %d, expected %d\n",
		  dev->disk->disk_name, cmd->owner, from);
}

/**
 * sgblk_own_move - move a mapping between owners, checking the transition
 * @dev: device (for counters and the own_fatal knob)
 * @cmd: the request whose mapping changes hands
 * @from: the owner the caller believes it has
 * @to: the new owner
 *
 * A mismatch (double map, unmap of an unmapped buffer, sync in the wrong
 * state, CPU access while the device owns it) is counted, and WARNs when
 * own_fatal is set.  Inline: it runs twice per request, and the check is
 * one compare.
 */
static inline void sgblk_own_move(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
				  enum sgblk_owner from, enum sgblk_owner to)
{
	if (unlikely(cmd->owner != from))
		sgblk_own_violation(dev, cmd, from);
	/* Mappings made and ended: their difference is what is still mapped. */
	if (from == SGBLK_OWN_UNMAPPED)
		sgblk_stat_inc(dev, dma_maps);
	else if (to == SGBLK_OWN_UNMAPPED)
		sgblk_stat_inc(dev, dma_unmaps);
	cmd->owner = to;
}

/*
 * One-element requests (most small I/O) are mapped as a single page, which
 * also checks the result with dma_mapping_error(); longer ones as a
 * scatterlist.  These two keep that choice in one place.
 */
static unsigned int sgblk_map_sgl(struct device *d, struct sgblk_cmd *cmd,
				  enum dma_data_direction dir)
{
	struct scatterlist *sg = cmd->sgl;
	dma_addr_t addr;

	if (cmd->nents > 1)
		return dma_map_sg(d, sg, cmd->nents, dir);
	addr = dma_map_page(d, sg_page(sg), sg->offset, sg->length, dir);
	if (dma_mapping_error(d, addr))
		return 0;
	sg_dma_address(sg) = addr;
	sg_dma_len(sg) = sg->length;
	return 1;
}

static void sgblk_unmap_sgl(struct device *d, struct sgblk_cmd *cmd,
			    enum dma_data_direction dir)
{
	if (cmd->nents > 1)
		dma_unmap_sg(d, cmd->sgl, cmd->nents, dir);
	else
		dma_unmap_page(d, sg_dma_address(cmd->sgl), sg_dma_len(cmd->sgl),
			       dir);
}

/*
 * As nvme-pci does: an IOVA range (or a mapping that needs no unmap) is
 * ended by blk_rq_dma_unmap(); otherwise each range the iterator mapped is
 * unmapped on its own, from the planner's input, which nothing changes.
 */
static void sgblk_unmap_iter(struct device *d, struct sgblk_cmd *cmd,
			     struct request *rq, enum dma_data_direction dir)
{
	unsigned int i;

	if (sgblk_dma_iter_unmap(rq, d, &cmd->iova, cmd->map_len))
		return;
	for (i = 0; i < cmd->mapped; i++)
		sgblk_dma_iter_unmap_range(d, &cmd->iova, cmd->segs[i].addr,
					   cmd->segs[i].len, dir);
}

/* Undo the mapping the way it was made. */
static void sgblk_unmap_rq(struct device *d, struct sgblk_cmd *cmd,
			   struct request *rq, enum dma_data_direction dir)
{
	if (cmd->via_iter)
		sgblk_unmap_iter(d, cmd, rq, dir);
	else
		sgblk_unmap_sgl(d, cmd, dir);
}

/**
 * sgblk_count_cache - the bytes a non-coherent device's mapping maintains
 * @dev: the device, not cache-coherent
 * @rq: the request, mapped whole
 * @map: true at map, false at unmap
 *
 * The DMA API hands a buffer to a non-coherent device at map (arm64:
 * clean to the point of coherency, whatever the direction) and back at
 * unmap (invalidate, where the device wrote it); the byte counts follow
 * that contract, per direction: cache_map_to_dev, cache_map_from_dev,
 * cache_unmap_from_dev.
 */
static noinline void sgblk_count_cache(struct sgblk_dev *dev,
				       struct request *rq, bool map)
{
	unsigned int bytes = blk_rq_payload_bytes(rq);

	if (rq_dma_dir(rq) == DMA_TO_DEVICE) {
		if (map)
			sgblk_stat_add(dev, cache_map_to_dev, bytes);
	} else if (map) {
		sgblk_stat_add(dev, cache_map_from_dev, bytes);
	} else {
		sgblk_stat_add(dev, cache_unmap_from_dev, bytes);
	}
}

/* End the device's mapping of a request, however it was made. */
static void sgblk_unmap_owned(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			      struct request *rq)
{
	sgblk_unmap_rq(sgblk_dma_dev(dev), cmd, rq, rq_dma_dir(rq));
	sgblk_own_move(dev, cmd, SGBLK_OWN_DEVICE, SGBLK_OWN_UNMAPPED);
	if (unlikely(dev->noncoherent))
		sgblk_count_cache(dev, rq, false);
}

/*
 * A request with more elements than its table holds: failed, never mapped
 * past the table's end (see sgblk_map_rq_sg()).
 */
static void sgblk_oversized(struct sgblk_dev *dev, struct request *rq)
{
	sgblk_stat_inc(dev, oversized_requests);
	pr_err_ratelimited("%s: %u bytes at sector %llu need more than %u DMA elements: failed\n",
			   dev->disk->disk_name, blk_rq_bytes(rq),
			   (u64)blk_rq_pos(rq), dev->conf.sgl_entries);
}

/* The longest element the block layer starts at @paddr. */
static u32 sgblk_elem_max(const struct queue_limits *lim, phys_addr_t paddr)
{
	unsigned long mask = lim->seg_boundary_mask;

	return min(mask - (mask & paddr), (unsigned long)lim->max_segment_size - 1) + 1;
}

/*
 * The pieces a physically contiguous range is cut into at the queue's
 * segment boundary and maximum segment size, counting no further than
 * @cap + 1.
 */
static unsigned int sgblk_range_pieces(const struct queue_limits *lim,
				       phys_addr_t p, u32 len, unsigned int cap)
{
	unsigned int n = 0;
	u32 take;

	while (len && n <= cap) {
		take = min(len, sgblk_elem_max(lim, p));
		p += take;
		len -= take;
		n++;
	}
	return n;
}

/**
 * sgblk_rq_elems_bound - a bound on blk_rq_map_sg()'s elements, per bio
 * @rq: the request
 *
 * Without visiting a bio_vec: a range of L bytes cut at the queue's
 * segment boundary B and maximum segment size M (as the block layer cuts a
 * bio_vec) touches at most L/B + 2 boundary windows, each cut into at most
 * w/M + 1 pieces, so it makes at most L/M + L/B + 2 pieces.  Summed over
 * the request's bio_vecs, with integer division (one more for each sum):
 * 2 + 2 * bio_vecs + bytes/M + bytes/B.  A bio that owns its bio_vec table
 * (not a clone) covers at most bi_vcnt of them; a clone's bi_vcnt says
 * nothing (the kernel keeps it 0), so there is no bound here.
 *
 * Return: the bound, or UINT_MAX where a bio is a clone.
 */
static unsigned int sgblk_rq_elems_bound(struct request *rq)
{
	const struct queue_limits *lim = &rq->q->limits;
	unsigned int bytes = blk_rq_bytes(rq);
	unsigned int wshift = fls64(lim->seg_boundary_mask);
	u64 n = 2 + bytes / lim->max_segment_size;
	struct bio *bio;

	if (wshift < 64)
		n += (u64)bytes >> wshift;
	__rq_for_each_bio(bio, rq) {
		if (bio_flagged(bio, BIO_CLONED) || (!bio->bi_vcnt && bio->bi_iter.bi_size))
			return UINT_MAX;
		n += 2 * (u64)bio->bi_vcnt;
	}
	return min_t(u64, n, UINT_MAX);
}

/**
 * sgblk_rq_fits - can blk_rq_map_sg() map @rq into @cap entries?
 * @rq: the request
 * @cap: the entries the request's table has
 *
 * An upper bound on what blk_rq_map_sg() writes, under the limits the
 * queue has now (a request may have been built under others: 6.1 splits
 * bios before it waits for a profile switch's freeze): each bio_vec cut
 * at the segment boundary and maximum segment size, as the block layer
 * cuts it, and none joined (the block layer joins only whole bio_vecs, so
 * it makes no more).  The block layer's own count, nr_phys_segments, is
 * not trusted for memory safety: it was made under the limits of the day
 * the request was built, and blk_rq_map_sg() complains only after the
 * write.  sgblk_rq_elems_bound() answers most requests first, without
 * the walk.
 *
 * Return: true if the bound is at most @cap.
 */
static bool sgblk_rq_fits(struct request *rq, unsigned int cap)
{
	const struct queue_limits *lim = &rq->q->limits;
	struct req_iterator ri;
	struct bio_vec bv;
	unsigned int n = 0;

	if (sgblk_rq_elems_bound(rq) <= cap)
		return true;
	rq_for_each_bvec(bv, rq, ri) {
		n += sgblk_range_pieces(lim, page_to_phys(bv.bv_page) + bv.bv_offset,
					bv.bv_len, cap);
		if (n > cap)
			return false;
	}
	return true;
}

/**
 * sgblk_map_rq_sg - build the request's scatterlist, within its table
 * @dev: the device (the table's size, the oversized count)
 * @cmd: the request's driver data: cmd->sgl gets the elements
 * @rq: the request
 *
 * A request that is one physical segment in its first bio (most small I/O)
 * needs no walk over bios and bvecs.  Any other is checked against the
 * table's size before blk_rq_map_sg() writes into it; one that might not
 * fit is failed, counted and logged, never written past the table.
 *
 * Return: the elements, or 0 for a request too large for the table.
 */
static unsigned int sgblk_map_rq_sg(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
				    struct request *rq)
{
	struct scatterlist *sgl = cmd->sgl;

	if (blk_rq_nr_phys_segments(rq) == 1) {
		struct bio_vec bv = req_bvec(rq);

		if (bv.bv_len == blk_rq_bytes(rq)) {
			sg_set_page(sgl, bv.bv_page, bv.bv_len, bv.bv_offset);
			sg_mark_end(sgl);
			return 1;
		}
	}
	if (unlikely(!sgblk_rq_fits(rq, dev->conf.sgl_entries))) {
		sgblk_oversized(dev, rq);
		return 0;
	}
	return sgblk_rq_map_sg(rq, sgl);
}

/*
 * map=iter writes one planner segment per range the iterator hands out:
 * no more than the elements blk_rq_map_sg() would make, so the same bound
 * is checked first (the iterator's loop stops at the table's end too).
 */
static bool sgblk_iter_fits(struct sgblk_dev *dev, struct request *rq)
{
	if (likely(sgblk_rq_fits(rq, dev->conf.sgl_entries)))
		return true;
	sgblk_oversized(dev, rq);
	return false;
}

/**
 * sgblk_rq_count_elems - the elements blk_rq_map_sg() would make of @rq
 * @rq: the request
 *
 * bio_vecs are cut at the queue's segment boundary and maximum segment
 * size, and a whole bio_vec joins the element before it when both are
 * physically contiguous and fit those limits, as the block layer's own walk
 * does.  Only an IOVA-linked map=iter request needs this: the iterator
 * hands out one range for it, and sg_elems and dma_merged must count what
 * they count on the sg path.  blk_rq_nr_phys_segments() would not do: it
 * does not join contiguous bio_vecs.
 *
 * Return: the element count.
 */
static unsigned int sgblk_rq_count_elems(struct request *rq)
{
	const struct queue_limits *lim = &rq->q->limits;
	phys_addr_t start = 0, p;
	u32 len, take, elen = 0, emax = 0;
	struct req_iterator ri;
	struct bio_vec bv;
	unsigned int n = 0;

	rq_for_each_bvec(bv, rq, ri) {
		p = page_to_phys(bv.bv_page) + bv.bv_offset;
		len = bv.bv_len;
		if (n && start + elen == p && elen + len <= emax &&
		    (start | lim->seg_boundary_mask) ==
		    ((p + len - 1) | lim->seg_boundary_mask)) {
			elen += len;
			continue;
		}
		while (len) {
			emax = sgblk_elem_max(lim, p);
			take = min(len, emax);
			start = p;
			elen = take;
			p += take;
			len -= take;
			n++;
		}
	}
	return n;
}

/**
 * sgblk_map_iter - map a request with the block layer's DMA iterator
 * @d: the DMA device
 * @cmd: the request's driver data; cmd->segs gets the mapped ranges
 * @rq: the request
 *
 * No scatterlist: every range the iterator hands out is one planner
 * segment.  Without an IOMMU each range is one element, exactly as
 * blk_rq_map_sg() builds them (the same walk does both), mapped with
 * dma_map_phys().  Under an IOMMU the iterator usually links the whole
 * request into one IOVA range: then the elements merged away are those
 * blk_rq_map_sg() would have made but one.
 *
 * Return: the ranges mapped; 0 if mapping failed, with nothing left mapped.
 */
static unsigned int sgblk_map_iter(struct device *d, struct sgblk_cmd *cmd,
				   struct request *rq)
{
	struct sgblk_dma_iter it;
	u32 len, seg_min = U32_MAX;
	unsigned int n = 0;
	size_t total = 0;
	dma_addr_t addr;
	blk_status_t sts;
	bool more;

	more = sgblk_dma_iter_start(rq, d, &cmd->iova, &it, &addr, &len, &sts);
	while (more) {
		cmd->segs[n].addr = addr;
		cmd->segs[n].len = len;
		seg_min = min(seg_min, len);
		total += len;
		/*
		 * sgblk_iter_fits() bounded the ranges; should the iterator
		 * still hand out more, segs has a spare entry: one too many is
		 * caught there and unmapped, never written past (the request
		 * then fails as a mapping failure: counted, retried, failed).
		 */
		if (unlikely(++n > cmd->dev->conf.sgl_entries)) {
			sgblk_oversized(cmd->dev, rq);
			sts = BLK_STS_IOERR;
			break;
		}
		if (sgblk_dma_iter_coalesced(&cmd->iova))
			break;
		more = sgblk_dma_iter_next(rq, d, &it, &addr, &len, &sts);
	}
	cmd->mapped = n;
	cmd->map_len = total;
	if (sts != BLK_STS_OK || !n) {
		if (n)
			sgblk_unmap_iter(d, cmd, rq, rq_dma_dir(rq));
		cmd->mapped = 0;
		return 0;
	}
	cmd->seg_min = seg_min;
	cmd->nents = n;
	if (sgblk_dma_iter_coalesced(&cmd->iova) && blk_rq_nr_phys_segments(rq) > 1)
		cmd->nents = sgblk_rq_count_elems(rq);
	return n;
}

/*
 * Bits no DMA address has: an IOMMU's address width ends below them, and
 * no physical memory lies above 2^52 (x86's limit).  The low bits are
 * kept, so the descriptor still obeys the profile's boundary and alignment.
 */
#define SGBLK_BAD_DMA_BITS	GENMASK_ULL(62, 52)

/*
 * The negative control for the engine's translation: one descriptor of the
 * request (not a bounce buffer, whose address frees it) points where
 * nothing is mapped, so the engine must fault rather than touch memory.
 */
static void sgblk_bad_dma_addr(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
{
	unsigned int i;

	if (!sgblk_fault_every(&dev->knobs[SGBLK_KNOB_BAD_DMA_ADDR_EVERY]))
		return;
	for (i = 0; i < cmd->plan.ndescs; i++) {
		if (cmd->bounce_va[i])
			continue;
		cmd->descs[i].addr ^= SGBLK_BAD_DMA_BITS;
		sgblk_stat_inc(dev, injected_bad_addrs);
		return;
	}
}

static const char *const sgblk_wait_what[] = {
	[SGBLK_WAIT_MAP] = "DMA mapping",
	[SGBLK_WAIT_POOL] = "bounce buffers",
	[SGBLK_WAIT_STORE] = "backing store pages",
};

/**
 * sgblk_wait_or_fail - a request found a resource short: retry or give up
 * @dev: the device
 * @cmd: the request's driver data, holding nothing (unmapped, no buffers)
 * @rq: the request
 * @what: what was short
 *
 * Mapping space (IOMMU, swiotlb), bounce buffers and store pages run short
 * while other requests or the rest of the system hold them, and come back:
 * the request is retried (BLK_STS_RESOURCE).  One still without them after
 * its whole timeout will not get them (swiotlb slots too small for it, the
 * memory below the mask gone to other devices): it fails.  Bounce buffers
 * are the exception while the disk's own requests hold some: they come
 * back as those complete, and blk-mq gives no order among the requests
 * that want them (one issued directly can pass one requeued), so a request
 * can wait longer than its timeout behind its peers without anything being
 * wrong; it waits on.  Only an idle pool that still cannot serve it after
 * the timeout fails it.
 *
 * Return: BLK_STS_RESOURCE, or BLK_STS_IOERR once the timeout has passed.
 */
blk_status_t sgblk_wait_or_fail(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
				struct request *rq, enum sgblk_wait what)
{
	u64 now = ktime_get_ns();

	if (!cmd->wait_since)
		cmd->wait_since = now;
	if (now - cmd->wait_since < jiffies_to_nsecs(rq->timeout))
		return BLK_STS_RESOURCE;
	if (what == SGBLK_WAIT_POOL && atomic_long_read(&dev->pool_bytes) > 0)
		return BLK_STS_RESOURCE;
	cmd->wait_since = 0;
	switch (what) {
	case SGBLK_WAIT_MAP:
		sgblk_stat_inc(dev, map_giveups);
		break;
	case SGBLK_WAIT_POOL:
		sgblk_stat_inc(dev, pool_giveups);
		break;
	case SGBLK_WAIT_STORE:
		sgblk_stat_inc(dev, store_giveups);
		break;
	}
	pr_err_ratelimited("%s: no %s for %u bytes at sector %llu in %u ms, failing them\n",
			   dev->disk->disk_name, sgblk_wait_what[what],
			   blk_rq_bytes(rq), (u64)blk_rq_pos(rq),
			   jiffies_to_msecs(rq->timeout));
	return BLK_STS_IOERR;
}

/*
 * Where the DMA layer can bounce (swiotlb, swiotlb-xen), an element it
 * bounced has a DMA address other than its own page's: count those.  Under
 * Xen that is an element whose pages are one run in the domain but not in
 * machine memory; swiotlb=force bounces every one.  The DMA layer joins no
 * elements there: the i-th mapped element is the i-th built.
 */
static void sgblk_count_dma_bounces(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
{
	struct device *d = sgblk_dma_dev(dev);
	unsigned int i, n = 0;

	for (i = 0; i < cmd->mapped; i++) {
		phys_addr_t p = sg_phys(&cmd->sgl[i]);
		dma_addr_t own = dev->xen ?
			phys_to_dma(d, sgblk_xen_phys_to_mach(p)) : phys_to_dma(d, p);

		n += sg_dma_address(&cmd->sgl[i]) != own;
	}
	if (n)
		sgblk_stat_add(dev, dma_bounced_elems, n);
}

/*
 * Map the request by the path the disk has now (it changes only with the
 * queue frozen; unmap follows the one taken), within its table.  On
 * success the device owns the mapping and cmd->segs holds the mapped
 * ranges: the table is one flat array, never chained
 * (sgblk_init_request()), so the mapped elements are its first ones; the
 * iterator wrote its ranges to segs itself.
 */
static blk_status_t sgblk_map_rq(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
				 struct request *rq)
{
	struct device *d = sgblk_dma_dev(dev);
	unsigned int i;
	u32 seg_min;

	cmd->via_iter = dev->conf.map == SGBLK_MAP_ITER;
	if (!cmd->via_iter) {
		cmd->nents = sgblk_map_rq_sg(dev, cmd, rq);
		if (unlikely(!cmd->nents))
			return BLK_STS_IOERR;
	} else if (unlikely(!sgblk_iter_fits(dev, rq))) {
		return BLK_STS_IOERR;
	}
	if (sgblk_fault_every(&dev->knobs[SGBLK_KNOB_FAIL_MAP_EVERY])) {
		sgblk_stat_inc(dev, injected_map_failures);
		cmd->mapped = 0;
	} else if (cmd->via_iter) {
		cmd->mapped = sgblk_map_iter(d, cmd, rq);
	} else {
		cmd->mapped = sgblk_map_sgl(d, cmd, rq_dma_dir(rq));
	}
	if (!cmd->mapped) {
		sgblk_stat_inc(dev, map_errors);
		return sgblk_wait_or_fail(dev, cmd, rq, SGBLK_WAIT_MAP);
	}
	sgblk_own_move(dev, cmd, SGBLK_OWN_UNMAPPED, SGBLK_OWN_DEVICE);
	if (unlikely(dev->noncoherent))
		sgblk_count_cache(dev, rq, true);
	if (cmd->via_iter)
		return BLK_STS_OK;
	seg_min = U32_MAX;
	for (i = 0; i < cmd->mapped; i++) {
		const struct scatterlist *sg = &cmd->sgl[i];

		cmd->segs[i].addr = sg_dma_address(sg);
		cmd->segs[i].len = sg_dma_len(sg);
		seg_min = min(seg_min, sg_dma_len(sg));
	}
	cmd->seg_min = seg_min;
	if (unlikely(dev->dma_bounces))
		sgblk_count_dma_bounces(dev, cmd);
	return BLK_STS_OK;
}

/* Plan the mapped ranges into descriptors; the profile was validated when set. */
static int sgblk_plan_rq(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			 struct request *rq)
{
	int ret = sgplan_plan(&dev->conf.profile.plan, cmd->segs, cmd->mapped,
			      cmd->descs, SGBLK_RING_DESCS, &cmd->plan);

	if (ret) {
		pr_err_ratelimited("%s: no plan for %u segments, %u bytes: %d\n",
				   dev->disk->disk_name, cmd->mapped,
				   blk_rq_bytes(rq), ret);
		sgblk_stat_inc(dev, rule_violations);
	}
	return ret;
}

/*
 * Take the bounce buffers the plan needs, and fill them for a write.
 * Return: 0; -E2BIG for a request larger than the whole pool (counted as
 * a give-up: it can never run); -ENOMEM when the pool is short now.
 */
static int sgblk_bounce_rq(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			   struct request *rq)
{
	int ret = sgblk_bounce_alloc(dev, cmd);

	if (unlikely(ret == -E2BIG)) {
		pr_err_ratelimited("%s: %u bounce buffers for %u bytes exceed the pool\n",
				   dev->disk->disk_name, cmd->plan.nbounce,
				   blk_rq_bytes(rq));
		sgblk_stat_inc(dev, pool_giveups);
		return ret;
	}
	if (ret) {
		sgblk_stat_inc(dev, pool_exhausted);
		blk_add_trace_msg(rq->q, "sgblk pool exhausted %llu+%u: %u buffers",
				  (u64)blk_rq_pos(rq), blk_rq_sectors(rq),
				  cmd->plan.nbounce);
		return ret;
	}
	if (rq_dma_dir(rq) == DMA_TO_DEVICE)
		sgblk_bounce_copy(dev, cmd, rq, true);
	return 0;
}

/**
 * sgblk_dma_map - map a read or write request and plan its descriptors
 * @dev: the device
 * @cmd: the request's driver data
 * @rq: the request
 *
 * On success the device owns the mapping and cmd->descs is ready for the
 * engine; the caller accounts it (sgblk_account_dma()) once the device
 * takes it.  Return: BLK_STS_OK; BLK_STS_RESOURCE when mapping or bounce
 * memory is short (nothing is left mapped or held: blk-mq retries);
 * BLK_STS_IOERR when the request does not fit its table, the planner
 * rejects it, its bounce buffers exceed the pool, or it waited its whole
 * timeout for mapping space or bounce buffers.
 */
blk_status_t sgblk_dma_map(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			   struct request *rq)
{
	blk_status_t sts;
	int ret;

	sts = sgblk_map_rq(dev, cmd, rq);
	if (sts != BLK_STS_OK)
		return sts;
	if (unlikely(sgblk_plan_rq(dev, cmd, rq)))
		goto err_unmap;
	if (cmd->plan.nbounce) {
		ret = sgblk_bounce_rq(dev, cmd, rq);
		if (ret == -ENOMEM) {
			sgblk_unmap_owned(dev, cmd, rq);
			return sgblk_wait_or_fail(dev, cmd, rq, SGBLK_WAIT_POOL);
		}
		if (unlikely(ret))
			goto err_unmap;
	}
	sgblk_bad_dma_addr(dev, cmd);
	return BLK_STS_OK;

err_unmap:
	cmd->plan.ndescs = 0;
	sgblk_unmap_owned(dev, cmd, rq);
	return BLK_STS_IOERR;
}

/**
 * sgblk_dma_unmap - end a request's DMA: unmap, copy bounced reads back,
 *	return bounce buffers
 * @dev: the device
 * @cmd: the request's driver data
 * @rq: the request
 */
void sgblk_dma_unmap(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
		     struct request *rq)
{
	sgblk_unmap_owned(dev, cmd, rq);
	if (cmd->plan.nbounce) {
		/*
		 * Only what the engine wrote goes back to the reader: the null
		 * backend writes nothing, and a pool object still holds an
		 * earlier request's data (its owner's, not the reader's).
		 */
		if (rq_dma_dir(rq) == DMA_FROM_DEVICE && cmd->status == BLK_STS_OK &&
		    dev->conf.backend == SGBLK_BACKEND_MEMORY)
			sgblk_bounce_copy(dev, cmd, rq, false);
		sgblk_bounce_free(dev, cmd);
	}
}
