// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU caches of bounce buffers in front of the dma_pool.
 *
 * Under init_on_alloc (Debian's default) dma_pool_alloc() zeroes every
 * object it hands out: a 64 KiB memset for a buffer the request then
 * overwrites.  A buffer given back stays with its CPU instead and serves
 * the next request there as it is.  What it holds never reaches anyone:
 * a write fills it before the engine reads it, a read's engine writes it
 * before it is copied back, and a read that failed or went to the null
 * backend is not copied back.
 *
 * Cached buffers are free: they do not count in pool_bytes.  A pool keeps
 * its pages until it is destroyed, cached or not; what caching adds is the
 * growth a pool needs while its free buffers sit with other CPUs, at most
 * SGBLK_BCACHE_BYTES per CPU.  Where that growth is not to be had (memory
 * below a small DMA mask is scarce), the CPU takes every CPU's cache back
 * before it gives up, so the worst request the pool was filled for is
 * still served.
 */
#include <linux/dmapool.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include "sgblk.h"
#include "bcache.h"

#define SGBLK_BCACHE_BYTES	SZ_256K
#define SGBLK_BCACHE_MAX	16

struct sgblk_bcache {
	spinlock_t lock;	/* its CPU's I/O, or a drain from any CPU */
	unsigned int n;
	void *va[SGBLK_BCACHE_MAX];
	dma_addr_t dma[SGBLK_BCACHE_MAX];
};

int sgblk_bcache_init(struct sgblk_dev *dev)
{
	int cpu;

	dev->bcache = alloc_percpu(struct sgblk_bcache);
	if (!dev->bcache)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		spin_lock_init(&per_cpu_ptr(dev->bcache, cpu)->lock);
	return 0;
}

/* The device's pool is gone or about to be: nothing may be cached. */
void sgblk_bcache_exit(struct sgblk_dev *dev)
{
	free_percpu(dev->bcache);
	dev->bcache = NULL;
}

/**
 * sgblk_bcache_size - how many buffers each CPU keeps for a profile
 * @pl: the profile's rules
 *
 * Return: what SGBLK_BCACHE_BYTES holds, one at least and
 * SGBLK_BCACHE_MAX at most.
 */
unsigned int sgblk_bcache_size(const struct sgplan_profile *pl)
{
	return clamp_t(u32, SGBLK_BCACHE_BYTES / pl->bounce_size, 1, SGBLK_BCACHE_MAX);
}

/**
 * sgblk_bcache_drain - give every CPU's cached buffers back to the pool
 * @dev: the device
 *
 * Safe against I/O on any CPU.
 */
void sgblk_bcache_drain(struct sgblk_dev *dev)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct sgblk_bcache *c = per_cpu_ptr(dev->bcache, cpu);
		unsigned long flags;

		spin_lock_irqsave(&c->lock, flags);
		while (c->n) {
			c->n--;
			dma_pool_free(dev->pool, c->va[c->n], c->dma[c->n]);
		}
		spin_unlock_irqrestore(&c->lock, flags);
	}
}

/* The pool, and every CPU's cache once the pool cannot grow. */
static void *sgblk_pool_get(struct sgblk_dev *dev, dma_addr_t *dma)
{
	void *va = dma_pool_alloc(dev->pool, GFP_NOWAIT | __GFP_NOWARN, dma);

	if (unlikely(!va)) {
		sgblk_stat_inc(dev, bounce_cache_drains);
		sgblk_bcache_drain(dev);
		va = dma_pool_alloc(dev->pool, GFP_NOWAIT | __GFP_NOWARN, dma);
	}
	return va;
}

/**
 * sgblk_bounce_get - bounce buffers for a planned request
 * @dev: the device
 * @cmd: the request: each bounce descriptor it gets a buffer for, in
 *	order, takes the buffer's DMA address, and @cmd->bounce_va its
 *	kernel address
 * @want: how many buffers, at most the plan's nbounce
 *
 * This CPU's cache serves first, under one lock for the whole request,
 * then the pool.  Any CPU's cache will do: a migration between the lookup
 * and the lock only means another CPU's is used.  Atomic context.
 * Return: how many buffers it got; fewer than @want when the pool is out.
 */
unsigned int sgblk_bounce_get(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			      unsigned int want)
{
	struct sgblk_bcache *c = raw_cpu_ptr(dev->bcache);
	struct sgplan_desc *d = cmd->descs;
	unsigned int i = 0, got = 0;
	unsigned long flags;

	/* want <= nbounce: while got < want, a bounce descriptor lies ahead */
	spin_lock_irqsave(&c->lock, flags);
	for (; got < want && c->n; i++) {
		if (!(d[i].flags & SGPLAN_DESC_BOUNCE))
			continue;
		c->n--;
		cmd->bounce_va[i] = c->va[c->n];
		d[i].addr = c->dma[c->n];
		got++;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (got)
		sgblk_stat_add(dev, bounce_cached, got);
	for (; got < want; i++) {
		dma_addr_t dma;

		if (!(d[i].flags & SGPLAN_DESC_BOUNCE))
			continue;
		cmd->bounce_va[i] = sgblk_pool_get(dev, &dma);
		if (!cmd->bounce_va[i])
			break;
		d[i].addr = dma;
		got++;
	}
	return got;
}

/**
 * sgblk_bounce_put - give a request's bounce buffers back
 * @dev: the device
 * @cmd: the request; its @bounce_va entries are NULL afterwards
 *
 * This CPU's cache keeps what it has room for, under one lock for the
 * whole request; the pool takes the rest.
 * Return: how many buffers it gave back.
 */
unsigned int sgblk_bounce_put(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
{
	struct sgblk_bcache *c = raw_cpu_ptr(dev->bcache);
	unsigned int i = 0, n = cmd->plan.ndescs, put = 0;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	for (; i < n && c->n < dev->bcache_size; i++) {
		if (!cmd->bounce_va[i])
			continue;
		c->va[c->n] = cmd->bounce_va[i];
		c->dma[c->n] = cmd->descs[i].addr;
		c->n++;
		cmd->bounce_va[i] = NULL;
		put++;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	for (; i < n; i++) {
		if (!cmd->bounce_va[i])
			continue;
		dma_pool_free(dev->pool, cmd->bounce_va[i], cmd->descs[i].addr);
		cmd->bounce_va[i] = NULL;
		put++;
	}
	return put;
}
