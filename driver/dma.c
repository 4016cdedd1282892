// SPDX-License-Identifier: GPL-2.0
/*
 * DMA mapping for sgblk: each device has its own platform device, or maps
 * through a PCI function bound to sgblk (dma_dev, see pci.c), whose DMA
 * parameters come from the profile.  A request is mapped with dma_map_sg
 * (dma_map_page for a single element), or with map=iter by the block
 * layer's DMA iterator, without a scatterlist; either way the mapped ranges
 * are planned by sgplan, and whatever the device cannot take is carried by
 * bounce buffers from a dma_pool created with the profile's boundary.
 *
 * The streaming mask stays 64 bits: the profile's mask is a limit of the
 * simulated device that the planner enforces, so a high page becomes an
 * sgblk bounce (counted) instead of a silent swiotlb bounce or a mapping
 * failure inside dma-direct.  The coherent mask, which dma_pool allocations
 * obey, is the profile's.  For the same reason the segment boundary and
 * maximum segment size the DMA layer sees are the block layer's (never
 * below a page): sub-page ones are the planner's to split.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/blktrace_api.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/iommu.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/swiotlb.h>
#include "sgblk.h"
#include "compat.h"

/* Bounce buffers kept warm in the pool after a profile change. */
#define SGBLK_POOL_PREWARM	32

/* The device every mapping of @dev is made for. */
struct device *sgblk_dma_dev(struct sgblk_dev *dev)
{
	return dev->dmadev;
}

static const char *const sgblk_map_names[] = {
	[SGBLK_MAP_SG] = "sg",
	[SGBLK_MAP_ITER] = "iter",
};

/**
 * sgblk_map_parse - a mapping path by name
 * @s: "sg" or "iter" (a trailing newline is ignored)
 *
 * Return: the enum sgblk_map value, or -EINVAL.
 */
int sgblk_map_parse(const char *s)
{
	return sysfs_match_string(sgblk_map_names, s);
}

const char *sgblk_map_str(enum sgblk_map map)
{
	return map < ARRAY_SIZE(sgblk_map_names) ? sgblk_map_names[map] : "?";
}

/**
 * sgblk_map_check - can this kernel map requests this way?
 * @map: the mapping path
 *
 * Return: 0, or -EOPNOTSUPP with the missing kernel feature logged.
 */
int sgblk_map_check(enum sgblk_map map)
{
	if (map == SGBLK_MAP_ITER && !SGBLK_MAP_ITER_AVAILABLE) {
		pr_err("map=iter needs the block layer's DMA iterator (blk_rq_dma_map_iter_start/next and blk_rq_dma_unmap as in 7.x), which this kernel lacks: use map=sg\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * sgblk_dma_conf_dev - set the PCI function a disk will map through
 * @conf: the configuration
 * @name: a PCI device name bound to sgblk ("0000:00:03.0"), or "none" for
 *	the disk's own platform device (a trailing newline is ignored)
 *
 * Return: 0, or -EINVAL (empty or too long) / -ENODEV (not a function
 * bound to sgblk) with the reason logged and @conf unchanged.
 */
int sgblk_dma_conf_dev(struct sgblk_conf *conf, const char *name)
{
	size_t len = strcspn(name, "\n");
	char buf[SGBLK_DMA_DEV_LEN];
	int ret;

	if (!len || len >= sizeof(buf)) {
		pr_err("dma_dev: a PCI function's name (shorter than %zu bytes) or none\n",
		       sizeof(buf));
		return -EINVAL;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (!strcmp(buf, "none")) {
		conf->dma_dev[0] = '\0';
		return 0;
	}
	ret = sgblk_pci_check(buf);
	if (ret)
		return ret;
	strscpy(conf->dma_dev, buf, sizeof(conf->dma_dev));
	return 0;
}

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

/* The disk's DMA device: the PCI function named in its conf, or its own. */
static int sgblk_dma_dev_get(struct sgblk_dev *dev)
{
	struct platform_device *pdev;
	struct device *d;

	if (dev->conf.dma_dev[0]) {
		d = sgblk_pci_claim(dev->conf.dma_dev, dev);
		if (IS_ERR(d))
			return PTR_ERR(d);
		dev->dmadev = d;
		return 0;
	}
	pdev = platform_device_register_simple(SGBLK_NAME, dev->index, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	dev->pdev = pdev;
	dev->dmadev = &pdev->dev;
	return 0;
}

static void sgblk_dma_dev_put(struct sgblk_dev *dev)
{
	if (dev->pdev)
		platform_device_unregister(dev->pdev);
	else
		sgblk_pci_release(dev->dmadev);
	dev->pdev = NULL;
	dev->dmadev = NULL;
}

static const char *sgblk_domain_str(const struct iommu_domain *dom)
{
	if (!dom)
		return "none";
	switch (dom->type) {
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_DMA:
		return "dma";
	case IOMMU_DOMAIN_DMA_FQ:
		return "dma-fq";
	default:
		return "other";
	}
}

/* What debugfs dma shows of the DMA device: fixed when it is looked up. */
static void sgblk_dma_names(struct sgblk_dev *dev)
{
	const struct iommu_domain *dom = dev->iommu;

	dev->backend_name = "direct";
	if (dom && (dom->type & __IOMMU_DOMAIN_DMA_API))
		dev->backend_name = "iommu";
	else if (is_swiotlb_force_bounce(sgblk_dma_dev(dev)))
		dev->backend_name = "swiotlb";
	dev->domain_name = sgblk_domain_str(dom);
}

static void sgblk_dma_release_pools(struct sgblk_dev *dev);

int sgblk_dma_init(struct sgblk_dev *dev)
{
	struct sgblk_pool *next;
	struct device *d;
	int ret;

	INIT_LIST_HEAD(&dev->retired);
	ret = sgblk_bcache_init(dev);
	if (ret)
		return ret;
	ret = sgblk_dma_dev_get(dev);
	if (ret)
		goto err_bcache;
	d = sgblk_dma_dev(dev);
	/*
	 * The engine writes through the kernel's cached mapping of the pages
	 * it reaches by DMA address; without coherent DMA an unmap would
	 * invalidate those writes away on real hardware.
	 */
	if (!dev_is_dma_coherent(d)) {
		dev_err(d, "DMA is not cache-coherent here: not supported\n");
		ret = -EOPNOTSUPP;
		goto err_put;
	}
	ret = dma_set_mask(d, DMA_BIT_MASK(64));
	if (ret)
		goto err_put;
	dev->iommu = iommu_get_domain_for_dev(d);
	sgblk_dma_names(dev);
	next = sgblk_dma_pool_new(dev, &dev->conf.profile);
	if (!next) {
		ret = -ENOMEM;
		goto err_put;
	}
	ret = sgblk_dma_prepare(dev, &dev->conf.profile, next);
	if (ret) {
		sgblk_dma_abort(dev, next);
		goto err_pools;
	}
	sgblk_dma_commit(dev, &dev->conf.profile, next);
	return 0;

err_pools:
	sgblk_dma_release_pools(dev);
err_put:
	sgblk_dma_dev_put(dev);
err_bcache:
	sgblk_bcache_exit(dev);
	return ret;
}

/**
 * sgblk_pool_destroy - destroy a bounce pool under the mask it was filled under
 * @dev: the device (for the count of foreign-mask frees)
 * @bp: the pool, off any list
 * @restore: put the pool's own mask back for its destruction (nothing may
 *	allocate from the device meanwhile: no I/O, the queue not live)
 *
 * Coherent memory must be freed under a mask that covers it: swiotlb-xen
 * checks a freed buffer against the device's current coherent mask and
 * keeps (leaks) one above it.  Without @restore the caller has made sure
 * the device's mask covers the pool's (sgblk_dma_reap()).
 */
static void sgblk_pool_destroy(struct sgblk_dev *dev, struct sgblk_pool *bp,
			       bool restore)
{
	struct device *d = sgblk_dma_dev(dev);
	u64 cur = d->coherent_dma_mask;

	/* Setting a mask the device accepted before cannot fail. */
	if (restore && cur != bp->mask)
		dma_set_coherent_mask(d, bp->mask);
	if (d->coherent_dma_mask < bp->mask)
		atomic_inc(&dev->pool_foreign_frees);
	dma_pool_destroy(bp->pool);
	if (restore && cur != bp->mask)
		dma_set_coherent_mask(d, cur);
	kfree(bp);
}

/*
 * Every pool the device has, destroyed while nothing can allocate from it
 * (teardown, or a removed DMA device whose requests all fail), each under
 * its own mask, and while the device still has its DMA ops; every buffer
 * back from the CPU caches first.
 */
static void sgblk_dma_release_pools(struct sgblk_dev *dev)
{
	struct sgblk_pool *bp, *tmp;

	sgblk_bcache_drain(dev);
	if (dev->cur_pool)
		list_add(&dev->cur_pool->node, &dev->retired);
	dev->cur_pool = NULL;
	dev->pool = NULL;
	list_for_each_entry_safe(bp, tmp, &dev->retired, node) {
		list_del(&bp->node);
		sgblk_pool_destroy(dev, bp, true);
	}
}

/**
 * sgblk_dma_reap - destroy the pools profile switches replaced, where safe
 * @dev: the device, its profile_lock held, its queue running
 *
 * Not under a queue freeze: dma_pool_destroy() takes the DMA pool
 * registry's lock, under which others allocate memory, and reclaim may
 * wait for this very queue (lockdep saw that cycle on 7.3).  A retired
 * pool no request uses any more; one whose mask the device's present mask
 * covers is destroyed now, one filled under a wider mask waits until the
 * device's mask covers it again, or teardown.
 */
void sgblk_dma_reap(struct sgblk_dev *dev)
{
	u64 cur = sgblk_dma_dev(dev)->coherent_dma_mask;
	struct sgblk_pool *bp, *tmp;

	list_for_each_entry_safe(bp, tmp, &dev->retired, node) {
		if (bp->mask > cur)
			continue;
		list_del(&bp->node);
		sgblk_pool_destroy(dev, bp, false);
	}
}

/**
 * sgblk_dma_stop - forget the DMA device: it is being removed
 * @dev: the disk, dev->dma_gone set and its requests drained: no request
 *	holds a mapping or a bounce buffer, and none will make one
 *
 * The pools go now, through the device's own DMA ops (its driver's remove
 * is running; the IOMMU core tears the device down after it), and nothing
 * of its IOMMU domain is kept.
 */
void sgblk_dma_stop(struct sgblk_dev *dev)
{
	sgblk_dma_release_pools(dev);
	dev->pool_mask = 0;
	dev->iommu = NULL;
	WRITE_ONCE(dev->backend_name, "gone");
	WRITE_ONCE(dev->domain_name, "gone");
	atomic_set(&dev->sample.state, 0);
}

void sgblk_dma_exit(struct sgblk_dev *dev)
{
	long held = atomic_long_read(&dev->pool_bytes);

	if (held)
		dev_err(sgblk_dma_dev(dev), "%ld bounce bytes leaked at teardown\n",
			held);
	mutex_lock(&dev->profile_lock);
	sgblk_dma_release_pools(dev);
	mutex_unlock(&dev->profile_lock);
	sgblk_bcache_exit(dev);
	sgblk_dma_dev_put(dev);
}

/*
 * Take @n objects from @pool and give them back: dma_pool keeps the pages
 * until it is destroyed, so it can then serve @n at once without allocating.
 * Return: how many it got (allocation stops at the first failure).
 */
static unsigned int sgblk_pool_fill(struct dma_pool *pool, unsigned int n,
				    gfp_t gfp)
{
	dma_addr_t *dma;
	unsigned int i, got;
	void **va;

	va = kcalloc(n, sizeof(*va), GFP_KERNEL);
	dma = kcalloc(n, sizeof(*dma), GFP_KERNEL);
	got = 0;
	if (va && dma) {
		while (got < n) {
			va[got] = dma_pool_alloc(pool, gfp, &dma[got]);
			if (!va[got])
				break;
			got++;
		}
		for (i = 0; i < got; i++)
			dma_pool_free(pool, va[i], dma[i]);
	}
	kfree(va);
	kfree(dma);
	return got;
}

/**
 * sgblk_dma_pool_new - an empty bounce pool for a profile
 * @dev: the device; its queue running (a switch calls this before it
 *	freezes the queue: creating a dma_pool takes the pool registry's lock,
 *	see sgblk_dma_reap())
 * @p: the profile
 *
 * Objects are bounce_size aligned and bounce_size divides the segment
 * boundary, so none can cross it; the pool's own boundary guarantee is
 * passed as well, except at 4 GiB and up, which 6.1's dma_pool keeps in an
 * unsigned int (it would wrap to 0 and loop forever).
 * Return: the pool, for sgblk_dma_prepare(), or NULL (no memory).
 */
struct sgblk_pool *sgblk_dma_pool_new(struct sgblk_dev *dev,
				      const struct sgblk_profile *p)
{
	const struct sgplan_profile *pl = &p->plan;
	struct sgblk_pool *bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	char name[32];

	if (!bp)
		return NULL;
	snprintf(name, sizeof(name), SGBLK_NAME "%d-bounce", dev->index);
	bp->pool = dma_pool_create(name, sgblk_dma_dev(dev), pl->bounce_size,
				   pl->bounce_size,
				   pl->seg_boundary < SZ_4G ? pl->seg_boundary : 0);
	if (!bp->pool) {
		kfree(bp);
		return NULL;
	}
	INIT_LIST_HEAD(&bp->node);
	return bp;
}

/**
 * sgblk_dma_prepare - the DMA side of a profile, made ready but not used
 * @dev: the device; its queue is frozen (or not live yet): no bounce buffer
 *	is held and none is being taken
 * @p: the profile
 * @next: its pool from sgblk_dma_pool_new(), filled here, for
 *	sgblk_dma_commit() or sgblk_dma_abort()
 *
 * The coherent mask, which dma_pool allocations obey, is set to the
 * profile's (the old pool, filled under the old mask, is destroyed under
 * one that covers it: sgblk_dma_reap()); the new pool holds, from the
 * start, the buffers the worst request needs: memory below a small DMA
 * mask is scarce (a mask under 32 bits leaves dma-direct the 16 MiB
 * ZONE_DMA once a DMA32 page proves out of reach) and a pool that could
 * never grow would leave such a request waiting for its whole timeout.  A
 * device that cannot have them is refused, as a driver whose probe cannot
 * get its DMA memory.
 *
 * Return: 0, or a negative errno (-ENOMEM: no bounce memory below the
 * mask) with the device's coherent mask as it was.
 */
int sgblk_dma_prepare(struct sgblk_dev *dev, const struct sgblk_profile *p,
		      struct sgblk_pool *next)
{
	const struct sgplan_profile *pl = &p->plan;
	struct device *d = sgblk_dma_dev(dev);
	u64 old_mask = d->coherent_dma_mask;
	unsigned int need, extra;
	int ret;

	ret = dma_set_coherent_mask(d, DMA_BIT_MASK(pl->dma_mask_bits));
	if (ret)
		return ret;
	next->mask = d->coherent_dma_mask;
	need = sgblk_profile_bounce_bufs(p);
	if (sgblk_pool_fill(next->pool, need, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN) < need) {
		pr_warn("%s: no %u KiB of bounce memory below the %u-bit DMA mask\n",
			dev_name(d), need * pl->bounce_size / SZ_1K, pl->dma_mask_bits);
		/* Setting back a mask that was accepted before cannot fail. */
		if (old_mask)
			dma_set_coherent_mask(d, old_mask);
		return -ENOMEM;
	}
	/* Where memory is plentiful, a little more so I/O rarely allocates. */
	extra = min_t(u32, SGBLK_POOL_PREWARM, p->bounce_pool_kb * SZ_1K / pl->bounce_size);
	if (pl->dma_mask_bits >= 32 && extra > need)
		sgblk_pool_fill(next->pool, extra, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	return 0;
}

/**
 * sgblk_dma_commit - switch the device to a prepared profile's DMA state
 * @dev: the device, its queue frozen or not live yet
 * @p: the profile sgblk_dma_prepare() was given
 * @next: the pool it filled; the old one, its buffers taken back from the
 *	CPU caches, is retired for sgblk_dma_reap()
 *
 * The DMA layer gets the limits the block layer gets (a page at least),
 * not the profile's: sub-page rules are the planner's job, as the DMA mask
 * is.  The DMA layer honours its limits for every element it maps, and the
 * block layer builds elements up to a page: swiotlb cannot place a 4 KiB
 * element in bounce slots (2 KiB each) without crossing a 1 KiB boundary,
 * so it would fail every such mapping.
 */
void sgblk_dma_commit(struct sgblk_dev *dev, const struct sgblk_profile *p,
		      struct sgblk_pool *next)
{
	struct device *d = sgblk_dma_dev(dev);
	struct sgblk_qlimits lim = { };

	sgblk_profile_qlimits(p, dev->conf.bs, &lim);
	dma_set_max_seg_size(d, lim.max_segment_size);
	dma_set_seg_boundary(d, lim.seg_boundary_mask);
	sgblk_bcache_drain(dev);
	if (dev->cur_pool)
		list_add_tail(&dev->cur_pool->node, &dev->retired);
	dev->cur_pool = next;
	dev->pool = next->pool;
	dev->pool_mask = next->mask;
	dev->bcache_size = sgblk_bcache_size(&p->plan);
}

/**
 * sgblk_dma_abort - drop a prepared profile, keeping the active one
 * @dev: the device, its queue frozen or not live yet
 * @next: the pool from sgblk_dma_pool_new(), filled or not: retired, for
 *	sgblk_dma_reap() (or teardown) to destroy
 */
void sgblk_dma_abort(struct sgblk_dev *dev, struct sgblk_pool *next)
{
	if (!next->mask)
		next->mask = sgblk_dma_dev(dev)->coherent_dma_mask;
	list_add_tail(&next->node, &dev->retired);
	if (dev->pool_mask)
		dma_set_coherent_mask(sgblk_dma_dev(dev), dev->pool_mask);
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

/**
 * sgblk_dma_qlimits - fit the block layer's limits to the DMA layer's
 * @dev: the device
 * @l: limits from the profile, adjusted in place
 *
 * A scatterlist element larger than the DMA layer can map (swiotlb: 256
 * KiB) would fail dma_map_sg on every retry; the block layer must not build
 * one.
 */
void sgblk_dma_qlimits(struct sgblk_dev *dev, struct sgblk_qlimits *l)
{
	size_t max = dma_max_mapping_size(sgblk_dma_dev(dev));

	if (max < l->max_segment_size)
		l->max_segment_size = max_t(size_t, round_down(max, PAGE_SIZE),
					    PAGE_SIZE);
}

/*
 * A walk over the request's bytes.  Bounce descriptors come in request
 * order, so one walk serves all of a request's buffers.
 */
struct sgblk_rq_cur {
	struct request *rq;
	struct bio *bio;
	struct bvec_iter it;
	u32 pos;	/* request offset the walk has reached */
};

static void sgblk_rq_cur_init(struct sgblk_rq_cur *c, struct request *rq)
{
	c->rq = rq;
	c->bio = rq->bio;
	c->it = rq->bio->bi_iter;
	c->pos = 0;
}

/*
 * The walk's next stretch that one kernel address reaches.  A bio_vec is
 * physically contiguous, and so is the direct map where there is no
 * highmem: there it is the whole rest of the bio_vec, else the rest of
 * its page.
 */
static struct bio_vec sgblk_rq_cur_seg(const struct sgblk_rq_cur *c)
{
	if (IS_ENABLED(CONFIG_HIGHMEM))
		return bio_iter_iovec(c->bio, c->it);
	return mp_bvec_iter_bvec(c->bio->bi_io_vec, c->it);
}

static void *sgblk_seg_map(struct bio_vec *bv)
{
	if (IS_ENABLED(CONFIG_HIGHMEM))
		return bvec_kmap_local(bv);
	return bvec_virt(bv);
}

static void sgblk_seg_unmap(void *va)
{
	if (IS_ENABLED(CONFIG_HIGHMEM))
		kunmap_local(va);
}

/* The reader's pages were written through the kernel's mapping. */
static void sgblk_flush_dcache(const struct bio_vec *bv)
{
	unsigned long pfn = page_to_pfn(bv->bv_page);
	unsigned int i = bv->bv_offset >> PAGE_SHIFT;
	unsigned int end = (bv->bv_offset + bv->bv_len - 1) >> PAGE_SHIFT;

	for (; i <= end; i++)
		flush_dcache_page(pfn_to_page(pfn + i));
}

/**
 * sgblk_rq_copy - copy between a bounce buffer and the request's pages
 * @c: the walk, at or before @off
 * @buf: the bounce buffer
 * @len: bytes
 * @off: where in the request's data they start
 * @to_buf: true to copy from the request into @buf
 *
 * Both mapping paths copy this way: map=iter has no scatterlist, and the
 * request's bio_vecs are the bytes a scatterlist would describe.
 */
static void sgblk_rq_copy(struct sgblk_rq_cur *c, void *buf, u32 len, u32 off,
			  bool to_buf)
{
	if (off < c->pos)
		sgblk_rq_cur_init(c, c->rq);
	while (len) {
		struct bio_vec bv;
		void *va;
		u32 n;

		if (!c->it.bi_size) {
			c->bio = c->bio->bi_next;
			c->it = c->bio->bi_iter;
			continue;
		}
		bv = sgblk_rq_cur_seg(c);
		if (c->pos < off) {
			n = min(bv.bv_len, off - c->pos);
		} else {
			n = min(bv.bv_len, len);
			bv.bv_len = n;
			va = sgblk_seg_map(&bv);
			if (to_buf) {
				memcpy(buf, va, n);
			} else {
				memcpy(va, buf, n);
				sgblk_flush_dcache(&bv);
			}
			sgblk_seg_unmap(va);
			buf += n;
			len -= n;
		}
		bio_advance_iter_single(c->bio, &c->it, n);
		c->pos += n;
	}
}

static void sgblk_bounce_free(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
{
	long freed = sgblk_bounce_put(dev, cmd);

	if (freed)
		atomic_long_sub(freed * dev->conf.profile.plan.bounce_size,
				&dev->pool_bytes);
}

/*
 * Flip a byte of each bounce copy: the negative control for verification.
 * Reads flip a different byte than writes, so data bounced both ways is
 * not silently repaired by the second flip.
 */
static void sgblk_bounce_corrupt(struct sgblk_dev *dev, void *va, u32 len,
				 bool to_device)
{
	if (unlikely(READ_ONCE(dev->knobs[SGBLK_KNOB_CORRUPT_BOUNCE].val)))
		((u8 *)va)[to_device ? len / 2 : len - 1] ^= 0x5a;
}

static int sgblk_bounce_alloc(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
{
	const struct sgblk_profile *p = &dev->conf.profile;
	unsigned int want = cmd->plan.nbounce;
	long need = (long)want * p->plan.bounce_size;
	long cap = (long)p->bounce_pool_kb * SZ_1K;
	unsigned int got;
	bool inject;

	if (unlikely(need > cap))
		return -E2BIG;
	/*
	 * An injected failure counts per request, not per buffer, so a retry
	 * can succeed; it strikes halfway to exercise the unwind below.
	 */
	inject = sgblk_fault_every(&dev->knobs[SGBLK_KNOB_FAIL_POOL_EVERY]);
	if (inject)
		want /= 2;
	if (atomic_long_add_return(need, &dev->pool_bytes) > cap) {
		atomic_long_sub(need, &dev->pool_bytes);
		return -ENOMEM;
	}
	got = sgblk_bounce_get(dev, cmd, want);
	if (got == cmd->plan.nbounce)
		return 0;
	if (inject && got == want)
		sgblk_stat_inc(dev, injected_pool_failures);
	atomic_long_sub(need, &dev->pool_bytes);
	sgblk_bounce_put(dev, cmd);
	return -ENOMEM;
}

/*
 * Writes: the CPU copies into the (coherent) bounce buffers before the
 * engine runs.  It only reads the request's pages, which a DMA_TO_DEVICE
 * mapping leaves valid, so they need no sync (under swiotlb one would
 * copy the whole request to its slots again).
 */
static void sgblk_bounce_fill(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			      struct request *rq)
{
	struct sgblk_rq_cur c;
	unsigned int i;

	sgblk_rq_cur_init(&c, rq);
	for (i = 0; i < cmd->plan.ndescs; i++) {
		const struct sgplan_desc *ds = &cmd->descs[i];

		if (!cmd->bounce_va[i])
			continue;
		sgblk_rq_copy(&c, cmd->bounce_va[i], ds->len, ds->req_off, true);
		sgblk_bounce_corrupt(dev, cmd->bounce_va[i], ds->len, true);
	}
}

/* Reads: after unmap the CPU owns the pages and copies the bounces back. */
static void sgblk_bounce_drain(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			       struct request *rq)
{
	struct sgblk_rq_cur c;
	unsigned int i;

	sgblk_rq_cur_init(&c, rq);
	for (i = 0; i < cmd->plan.ndescs; i++) {
		const struct sgplan_desc *ds = &cmd->descs[i];

		if (!cmd->bounce_va[i])
			continue;
		sgblk_bounce_corrupt(dev, cmd->bounce_va[i], ds->len, false);
		sgblk_rq_copy(&c, cmd->bounce_va[i], ds->len, ds->req_off, false);
	}
}

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
 * sgblk_dma_account - count what mapping and planning did for a request
 * @dev: the device
 * @cmd: the request's driver data, mapped and planned
 * @rq: the request
 *
 * Called once per request the device accepts, not per attempt: a request
 * retried after a resource shortage is counted when it finally goes
 * through, so every histogram sums to "requests".
 */
void sgblk_dma_account(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
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

/**
 * sgblk_dma_show - the disk's DMA device, one "key: value" a line
 * @m: the debugfs file
 * @dev: the disk
 *
 * device (name), backend (iommu: an IOMMU DMA domain translates; swiotlb:
 * dma-direct bounces everything; direct), domain (none, identity, dma,
 * dma-fq: lazy IOTLB flushes; both "gone" once the device was removed),
 * map (sg: dma_map_sg; iter: the block layer's DMA iterator), mask and
 * coherent_mask (bits), pool_mask (bits: the mask the bounce pool was filled
 * under, 0 when there is none), pool_foreign_frees (pools destroyed under
 * a coherent mask that does not cover theirs: must stay 0), maps_outstanding
 * (mappings made minus ended since the last stats reset), sample (the
 * engine's first translation: "DMA -> physical", or "none" before it made
 * one).
 */
void sgblk_dma_show(struct seq_file *m, struct sgblk_dev *dev)
{
	struct device *d = sgblk_dma_dev(dev);

	seq_printf(m, "device: %s\n", dev_name(d));
	seq_printf(m, "backend: %s\n", READ_ONCE(dev->backend_name));
	seq_printf(m, "domain: %s\n", READ_ONCE(dev->domain_name));
	seq_printf(m, "map: %s\n", sgblk_map_str(READ_ONCE(dev->conf.map)));
	seq_printf(m, "mask: %d\n", fls64(dma_get_mask(d)));
	seq_printf(m, "coherent_mask: %d\n", fls64(d->coherent_dma_mask));
	seq_printf(m, "pool_mask: %d\n", fls64(READ_ONCE(dev->pool_mask)));
	seq_printf(m, "pool_foreign_frees: %d\n",
		   atomic_read(&dev->pool_foreign_frees));
	seq_printf(m, "maps_outstanding: %lld\n",
		   (s64)(sgblk_stats_read(dev->stats, SGBLK_STAT_dma_maps) -
			 sgblk_stats_read(dev->stats, SGBLK_STAT_dma_unmaps)));
	if (atomic_read_acquire(&dev->sample.state) == 2)
		seq_printf(m, "sample: %pad -> %pa\n", &dev->sample.dma,
			   &dev->sample.phys);
	else
		seq_puts(m, "sample: none\n");
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
 * write.
 *
 * Return: true if the bound is at most @cap.
 */
static bool sgblk_rq_fits(struct request *rq, unsigned int cap)
{
	const struct queue_limits *lim = &rq->q->limits;
	struct req_iterator ri;
	struct bio_vec bv;
	unsigned int n = 0;

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
 * memory below the mask gone to other devices): it fails.
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

/**
 * sgblk_dma_map - map a read or write request and plan its descriptors
 * @dev: the device
 * @cmd: the request's driver data
 * @rq: the request
 *
 * On success the device owns the mapping and cmd->descs is ready for the
 * engine; the caller accounts it (sgblk_dma_account()) once the device
 * takes it.  Return: BLK_STS_OK; BLK_STS_RESOURCE when mapping or bounce
 * memory is short (nothing is left mapped or held: blk-mq retries);
 * BLK_STS_IOERR when the planner rejects the request, its bounce buffers
 * exceed the pool, or it waited its whole timeout for mapping space or
 * bounce buffers.
 */
blk_status_t sgblk_dma_map(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			   struct request *rq)
{
	enum dma_data_direction dir = rq_dma_dir(rq);
	struct device *d = sgblk_dma_dev(dev);
	struct scatterlist *sg;
	unsigned int i, seg_min;
	int ret;

	/* The path changes only with the queue frozen; unmap follows this one. */
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
		cmd->mapped = sgblk_map_sgl(d, cmd, dir);
	}
	if (!cmd->mapped) {
		sgblk_stat_inc(dev, map_errors);
		return sgblk_wait_or_fail(dev, cmd, rq, SGBLK_WAIT_MAP);
	}
	sgblk_own_move(dev, cmd, SGBLK_OWN_UNMAPPED, SGBLK_OWN_DEVICE);

	/*
	 * The table is one flat array, never chained (sgblk_init_request), so
	 * the mapped elements are its first ones: no sg_next() call each.
	 * The iterator wrote its ranges to segs itself.
	 */
	if (!cmd->via_iter) {
		seg_min = U32_MAX;
		for (i = 0; i < cmd->mapped; i++) {
			sg = &cmd->sgl[i];
			cmd->segs[i].addr = sg_dma_address(sg);
			cmd->segs[i].len = sg_dma_len(sg);
			seg_min = min(seg_min, sg_dma_len(sg));
		}
		cmd->seg_min = seg_min;
	}
	/* The profile was validated when it was set. */
	ret = sgplan_plan(&dev->conf.profile.plan, cmd->segs, cmd->mapped,
			  cmd->descs, SGBLK_RING_DESCS, &cmd->plan);
	if (ret) {
		pr_err_ratelimited("%s: no plan for %u segments, %u bytes: %d\n",
				   dev->disk->disk_name, cmd->mapped,
				   blk_rq_bytes(rq), ret);
		sgblk_stat_inc(dev, rule_violations);
		goto err_unmap;
	}
	if (cmd->plan.nbounce) {
		ret = sgblk_bounce_alloc(dev, cmd);
		if (unlikely(ret == -E2BIG)) {
			pr_err_ratelimited("%s: %u bounce buffers for %u bytes exceed the pool\n",
					   dev->disk->disk_name, cmd->plan.nbounce,
					   blk_rq_bytes(rq));
			sgblk_stat_inc(dev, pool_giveups);
			goto err_unmap;
		}
		if (ret) {
			sgblk_stat_inc(dev, pool_exhausted);
			blk_add_trace_msg(rq->q, "sgblk pool exhausted %llu+%u: %u buffers",
					  (u64)blk_rq_pos(rq), blk_rq_sectors(rq),
					  cmd->plan.nbounce);
			sgblk_unmap_rq(d, cmd, rq, dir);
			sgblk_own_move(dev, cmd, SGBLK_OWN_DEVICE, SGBLK_OWN_UNMAPPED);
			return sgblk_wait_or_fail(dev, cmd, rq, SGBLK_WAIT_POOL);
		}
		if (dir == DMA_TO_DEVICE)
			sgblk_bounce_fill(dev, cmd, rq);
	}
	sgblk_bad_dma_addr(dev, cmd);
	return BLK_STS_OK;

err_unmap:
	cmd->plan.ndescs = 0;
	sgblk_unmap_rq(d, cmd, rq, dir);
	sgblk_own_move(dev, cmd, SGBLK_OWN_DEVICE, SGBLK_OWN_UNMAPPED);
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
	enum dma_data_direction dir = rq_dma_dir(rq);

	sgblk_unmap_rq(sgblk_dma_dev(dev), cmd, rq, dir);
	sgblk_own_move(dev, cmd, SGBLK_OWN_DEVICE, SGBLK_OWN_UNMAPPED);
	if (cmd->plan.nbounce) {
		/*
		 * Only what the engine wrote goes back to the reader: the null
		 * backend writes nothing, and a pool object still holds an
		 * earlier request's data (its owner's, not the reader's).
		 */
		if (dir == DMA_FROM_DEVICE && cmd->status == BLK_STS_OK &&
		    dev->conf.backend == SGBLK_BACKEND_MEMORY)
			sgblk_bounce_drain(dev, cmd, rq);
		sgblk_bounce_free(dev, cmd);
	}
}
