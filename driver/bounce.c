// SPDX-License-Identifier: GPL-2.0
/*
 * Bounce buffers for a mapped request: taken from the disk's pool (through
 * the per-CPU caches of bcache.c), filled from the request's pages before
 * a write runs, copied back to them after a read, and given back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/blk-mq.h>
#include "sgblk.h"
#include "bounce.h"
#include "bcache.h"

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
static __always_inline void sgblk_rq_copy(struct sgblk_rq_cur *c, void *buf,
					  u32 len, u32 off, bool to_buf)
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

/* Give a request's bounce buffers back. */
void sgblk_bounce_free(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
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

/**
 * sgblk_bounce_alloc - take the bounce buffers a request's plan needs
 * @dev: the device
 * @cmd: the request's driver data, planned (cmd->plan.nbounce buffers)
 *
 * Return: 0 with cmd->bounce_va filled; -E2BIG if the request needs more
 * than the whole pool; -ENOMEM if the pool is short now (or an injected
 * failure struck): nothing is held then.
 */
int sgblk_bounce_alloc(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
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
 * The walk over a request's bounce descriptors, for one direction: always
 * inlined with a constant @to_device, so each direction's copy is built
 * without a test per segment.
 */
static __always_inline void sgblk_bounce_walk(struct sgblk_dev *dev,
					      struct sgblk_cmd *cmd,
					      struct request *rq,
					      const bool to_device)
{
	struct sgblk_rq_cur c;
	unsigned int i;

	sgblk_rq_cur_init(&c, rq);
	for (i = 0; i < cmd->plan.ndescs; i++) {
		const struct sgplan_desc *ds = &cmd->descs[i];
		void *va = cmd->bounce_va[i];

		if (!va)
			continue;
		if (to_device)
			sgblk_rq_copy(&c, va, ds->len, ds->req_off, true);
		sgblk_bounce_corrupt(dev, va, ds->len, to_device);
		if (!to_device)
			sgblk_rq_copy(&c, va, ds->len, ds->req_off, false);
	}
}

/**
 * sgblk_bounce_copy - move a request's bounced bytes between its pages and
 *	its bounce buffers
 * @dev: the device (the corrupt_bounce knob)
 * @cmd: the request's driver data, its bounce buffers allocated
 * @rq: the request
 * @to_device: true for a write, before the engine runs: the CPU copies the
 *	request's pages into the (coherent) bounce buffers.  It only reads
 *	the pages, which a DMA_TO_DEVICE mapping leaves valid, so they need no
 *	sync (under swiotlb one would copy the whole request to its slots
 *	again).  False for a read, after unmap: the CPU owns the pages and
 *	copies the bounce buffers back into them.
 *
 * corrupt_bounce strikes while the bytes are in the bounce buffer: after a
 * write's copy in, before a read's copy out.
 */
void sgblk_bounce_copy(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
		       struct request *rq, bool to_device)
{
	if (to_device)
		sgblk_bounce_walk(dev, cmd, rq, true);
	else
		sgblk_bounce_walk(dev, cmd, rq, false);
}
