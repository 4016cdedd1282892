// SPDX-License-Identifier: GPL-2.0
/*
 * A disk's DMA device and its bounce pools.  Each disk has its own platform
 * device, or maps through a PCI function bound to sgblk (dma_dev, see
 * pci.c), whose DMA parameters come from the profile.  Bounce buffers come
 * from a dma_pool made with the profile's boundary; a profile switch makes
 * the next pool before the queue freezes and retires the old one after.
 * Requests are mapped in map.c and bounced in bounce.c.
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

#include <linux/cpu.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/iommu.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/swiotlb.h>
#include "sgblk.h"
#include "dma.h"
#include "bcache.h"
#include "pci.h"
#include "compat.h"

/* Bounce buffers kept warm in the pool after a profile change. */
#define SGBLK_POOL_PREWARM	32

/* The disk's DMA device: the PCI function named in its conf, or its own. */
static int sgblk_dma_dev_get(struct sgblk_dev *dev)
{
	struct platform_device *pdev;
	struct device *d;

	if (dev->conf.dma_dev[0]) {
		d = sgblk_pci_claim(dev->conf.dma_dev, &dev->pci_user);
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

/*
 * What debugfs dma shows of the DMA device, and whether the DMA layer may
 * bounce its mappings itself: fixed when it is looked up.
 */
static void sgblk_dma_names(struct sgblk_dev *dev)
{
	const struct iommu_domain *dom = dev->iommu;

	dev->backend_name = "direct";
	dev->dma_bounces = false;
	if (dom && (dom->type & __IOMMU_DOMAIN_DMA_API)) {
		dev->backend_name = "iommu";
	} else if (dev->xen) {
		dev->backend_name = "xen-swiotlb";
		dev->dma_bounces = true;
	} else if (is_swiotlb_force_bounce(sgblk_dma_dev(dev))) {
		dev->backend_name = "swiotlb";
		dev->dma_bounces = true;
	}
	dev->domain_name = sgblk_domain_str(dom);
}

static void sgblk_dma_release_pools(struct sgblk_dev *dev);

static void sgblk_dcache_line_of(void *line)
{
	*(unsigned int *)line = sgblk_dcache_line();
}

/*
 * The smallest data cache line of the online CPUs: a clean by virtual
 * address reaches every cache the line may be in, each at its own line
 * size, so the engine's maintenance strides by the smallest.
 */
static unsigned int sgblk_poc_line(void)
{
	unsigned int cpu, line, min = sgblk_dcache_line();

	cpus_read_lock();
	for_each_online_cpu(cpu)
		if (!smp_call_function_single(cpu, sgblk_dcache_line_of, &line, 1))
			min = min(min, line);
	cpus_read_unlock();
	return min;
}

/**
 * sgblk_dma_coherence - the DMA device's cache coherence
 * @dev: the disk; conf.coherent checked by sgblk_conf_check() (yes or no
 *	only for its own platform device, where the kernel has the accessor)
 * @d: its DMA device, before its DMA mask is set
 *
 * A non-coherent device reads and writes memory at the point of
 * coherency; the DMA API's maintenance at map and unmap makes that safe
 * for the CPU, and the engine, standing in for the device, must then reach
 * memory the same way (sgblk_engine_poc()).  Where it cannot, the device is
 * refused.
 * Return: 0, or -EOPNOTSUPP.
 */
static int sgblk_dma_coherence(struct sgblk_dev *dev, struct device *d)
{
	if (dev->conf.coherent != SGBLK_COHERENT_AUTO)
		sgblk_set_dma_coherent(d, dev->conf.coherent == SGBLK_COHERENT_YES);
	dev->noncoherent = !dev_is_dma_coherent(d);
	if (!dev->noncoherent)
		return 0;
	if (!SGBLK_POC_MAINT_AVAILABLE) {
		dev_err(d, "DMA is not cache-coherent here, and the engine cannot reach memory past the CPU caches on this architecture: not supported\n");
		return -EOPNOTSUPP;
	}
	dev->poc_line = sgblk_poc_line();
	return 0;
}

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
	ret = sgblk_dma_coherence(dev, d);
	if (ret)
		goto err_put;
	/*
	 * After the coherence: from 6.10 the DMA layer decides here whether
	 * the device's mappings need syncs.
	 */
	ret = dma_set_mask(d, DMA_BIT_MASK(64));
	if (ret)
		goto err_put;
	dev->iommu = iommu_get_domain_for_dev(d);
	dev->xen = !dev->iommu && sgblk_dma_is_xen(d);
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
 * mask; -EOPNOTSUPP: the DMA layer cannot serve the mask at all) with the
 * device's coherent mask as it was.
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
	if (ret) {
		/*
		 * No memory the DMA layer allocates from lies below the mask:
		 * a machine whose RAM starts above it (arm64 virt: 1 GiB), or
		 * swiotlb-xen, whose bounce buffer lies above it.
		 */
		pr_err("%s: profile %s: the DMA layer refuses a %u-bit DMA mask (%d): no memory it can allocate from lies below it on this machine\n",
		       dev_name(d), p->name, pl->dma_mask_bits, ret);
		return -EOPNOTSUPP;
	}
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

/**
 * sgblk_dma_show - the disk's DMA device, one "key: value" a line
 * @m: the debugfs file
 * @dev: the disk
 *
 * device (name), backend (iommu: an IOMMU DMA domain translates; swiotlb:
 * dma-direct bounces everything; xen-swiotlb: a Xen PV domain's DMA ops,
 * DMA addresses are machine addresses; direct), domain (none, identity, dma,
 * dma-fq: lazy IOTLB flushes; both "gone" once the device was removed),
 * map (sg: dma_map_sg; iter: the block layer's DMA iterator), coherent
 * (yes, or no: the DMA API maintains the caches, the engine reaches memory
 * past them), coherent_conf (auto: the platform's; yes, no: set), mask and
 * coherent_mask (bits), pool_mask (bits: the mask the bounce pool was filled
 * under, 0 when there is none), pool_foreign_frees (pools destroyed under
 * a coherent mask that does not cover theirs: must stay 0), maps_outstanding
 * (mappings made minus ended since the last stats reset), pool_bytes_in_use
 * (bounce buffer bytes requests hold now, as the pool's cap counts them; a
 * CPU's cached buffers are not held), sample (the
 * engine's first translation: "DMA -> physical", under Xen "DMA -> machine
 * M -> physical", or "none" before it made one).
 */
void sgblk_dma_show(struct seq_file *m, struct sgblk_dev *dev)
{
	struct device *d = sgblk_dma_dev(dev);

	seq_printf(m, "device: %s\n", dev_name(d));
	seq_printf(m, "backend: %s\n", READ_ONCE(dev->backend_name));
	seq_printf(m, "domain: %s\n", READ_ONCE(dev->domain_name));
	seq_printf(m, "map: %s\n", sgblk_map_str(READ_ONCE(dev->conf.map)));
	seq_printf(m, "coherent: %s\n", dev->noncoherent ? "no" : "yes");
	seq_printf(m, "coherent_conf: %s\n", sgblk_coherent_str(dev->conf.coherent));
	seq_printf(m, "mask: %d\n", fls64(dma_get_mask(d)));
	seq_printf(m, "coherent_mask: %d\n", fls64(d->coherent_dma_mask));
	seq_printf(m, "pool_mask: %d\n", fls64(READ_ONCE(dev->pool_mask)));
	seq_printf(m, "pool_foreign_frees: %d\n",
		   atomic_read(&dev->pool_foreign_frees));
	seq_printf(m, "maps_outstanding: %lld\n",
		   (s64)(sgblk_stats_read(dev->stats, SGBLK_STAT_dma_maps) -
			 sgblk_stats_read(dev->stats, SGBLK_STAT_dma_unmaps)));
	seq_printf(m, "pool_bytes_in_use: %ld\n",
		   atomic_long_read(&dev->pool_bytes));
	if (atomic_read_acquire(&dev->sample.state) != 2)
		seq_puts(m, "sample: none\n");
	else if (dev->xen)
		seq_printf(m, "sample: %pad -> machine %pa -> %pa\n",
			   &dev->sample.dma, &dev->sample.mach,
			   &dev->sample.phys);
	else
		seq_printf(m, "sample: %pad -> %pa\n", &dev->sample.dma,
			   &dev->sample.phys);
}
