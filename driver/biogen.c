// SPDX-License-Identifier: GPL-2.0
/*
 * The bio builder: build bios by hand from pinned user pages, a vmalloc
 * buffer or physically contiguous pages, submit them to an sgblk disk with a
 * bounded number in flight, and check the data.  What the block layer does
 * internally for direct I/O (bio_iov_iter_get_pages) and for vmalloc'ed
 * filesystem buffers (XFS, bio_add_vmalloc) is done here explicitly, so each
 * way of building I/O can be measured and checked against the same device.
 *
 * Every argument check, the buffer allocation and every pin happen before
 * the first bio is submitted.  After that a job runs to the end unless a
 * fatal signal (-EINTR) or a bio that cannot be built (-ENOMEM) stops
 * submission; either way every bio in flight is waited for before return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <sgblk_ioctl.h>
#include "sgblk.h"
#include "biogen.h"
#include "dev.h"
#include "compat.h"

/*
 * Test hook: sleep this many milliseconds (at most 10 s) between looking the
 * disk up and opening it, so that a test can remove the disk and give its
 * dev_t to another in that window (guest test 32-biogen-devt-reuse).  0, the
 * default, is off; the parameter is root-only (0600).
 */
static unsigned int sgblk_biogen_open_delay_ms;
module_param_named(biogen_open_delay_ms, sgblk_biogen_open_delay_ms, uint, 0600);
MODULE_PARM_DESC(biogen_open_delay_ms,
		 "test only: ms between the bio builder's disk lookup and open (0)");

/* Read buffers start out holding this: a block no read filled fails the check. */
#define SGBLK_BG_POISON		0xa5
#define SGBLK_BG_BLOCK		512

/* One USER iovec, and where its pinned pages start in sgblk_bg.pages. */
struct sgblk_bg_iov {
	unsigned long base;
	size_t len;
	unsigned int first_page;
	unsigned int npages;
};

/**
 * struct sgblk_bg - one bio builder job
 * @a: arguments in, results out
 * @bdev: the open disk
 * @write: the job writes
 * @iov: USER: the iovecs, @iovcnt of them
 * @iovcnt: entries in @iov
 * @pages: USER: pinned pages of every iovec, in order
 * @npinned: entries of @pages holding a pin
 * @npages: entries of @pages
 * @kbuf: VMALLOC/CONTIG: the allocation; data starts at @kbuf + buf_offset
 * @korder: CONTIG: page allocation order
 * @max_segs: most pieces any bio needs (its bio_alloc nr_vecs)
 * @slot: completed once per finished bio, consumed once per submitted bio
 * @errors: bios completed with an error
 */
struct sgblk_bg {
	struct sgblk_biogen *a;
	struct block_device *bdev;
	bool write;
	struct sgblk_bg_iov *iov;
	unsigned int iovcnt;
	struct page **pages;
	unsigned int npinned;
	unsigned int npages;
	void *kbuf;
	unsigned int korder;
	unsigned int max_segs;
	struct completion slot;
	atomic64_t errors;
};

/* Position in the data stream (the @len bytes, in device order). */
struct sgblk_bg_cursor {
	u64 pos;
	unsigned int iov;
	size_t iov_pos;
};

static char *sgblk_bg_data(const struct sgblk_bg *bg)
{
	return (char *)bg->kbuf + bg->a->buf_offset;
}

/*
 * The next piece of the stream at @c, at most @max bytes: the largest run
 * that one bio_add_page() can take (within a page for USER and VMALLOC, the
 * whole run for the physically contiguous CONTIG buffer).
 */
static unsigned int sgblk_bg_piece(struct sgblk_bg *bg,
				   struct sgblk_bg_cursor *c, u64 max,
				   struct page **page, unsigned int *off)
{
	u64 n;

	switch (bg->a->source) {
	case SGBLK_BIOGEN_SRC_USER: {
		const struct sgblk_bg_iov *v = &bg->iov[c->iov];
		u64 voff = offset_in_page(v->base) + c->iov_pos;

		*page = bg->pages[v->first_page + (voff >> PAGE_SHIFT)];
		*off = offset_in_page(voff);
		n = min3(max, (u64)(PAGE_SIZE - *off), (u64)(v->len - c->iov_pos));
		c->iov_pos += n;
		if (c->iov_pos == v->len) {
			c->iov++;
			c->iov_pos = 0;
		}
		break;
	}
	case SGBLK_BIOGEN_SRC_VMALLOC: {
		char *p = sgblk_bg_data(bg) + c->pos;

		*page = vmalloc_to_page(p);
		*off = offset_in_page(p);
		n = min_t(u64, max, PAGE_SIZE - *off);
		break;
	}
	default: {
		char *p = sgblk_bg_data(bg) + c->pos;

		*page = virt_to_page(p);
		*off = offset_in_page(p);
		n = max;
		break;
	}
	}
	c->pos += n;
	return n;
}

/* Pieces per bio, before anything is submitted: the bio_vec budget. */
static int sgblk_bg_plan(struct sgblk_bg *bg)
{
	const struct sgblk_biogen *a = bg->a;
	struct sgblk_bg_cursor c = { };
	unsigned int off, segs;
	struct page *page;
	u64 left;

	bg->max_segs = 0;
	while (c.pos < a->len) {
		left = min_t(u64, a->bio_size, a->len - c.pos);
		for (segs = 0; left; segs++)
			left -= sgblk_bg_piece(bg, &c, left, &page, &off);
		if (segs > SGBLK_BIOGEN_MAX_SEGS) {
			pr_debug("biogen: a bio at +%llu needs %u pieces, max %u\n",
				 c.pos, segs, SGBLK_BIOGEN_MAX_SEGS);
			return -EINVAL;
		}
		bg->max_segs = max(bg->max_segs, segs);
		cond_resched();
	}
	return 0;
}

static void sgblk_bg_end_io(struct bio *bio)
{
	struct sgblk_bg *bg = bio->bi_private;

	if (bio->bi_status)
		atomic64_inc(&bg->errors);
	bio_put(bio);
	/* Last touch of @bg: the submitter may return once it has them all. */
	complete(&bg->slot);
}

/* Build one bio for stream bytes [c->pos, c->pos + len). */
static struct bio *sgblk_bg_build(struct sgblk_bg *bg, struct sgblk_bg_cursor *c,
				  u64 len)
{
	const struct sgblk_biogen *a = bg->a;
	struct bio *bio;
	unsigned int off, n;
	struct page *page;

	bio = bio_alloc(bg->bdev, bg->max_segs,
			bg->write ? REQ_OP_WRITE : REQ_OP_READ, GFP_KERNEL);
	if (!bio)
		return NULL;
	bio->bi_iter.bi_sector = a->sector + (c->pos >> SECTOR_SHIFT);
	bio->bi_end_io = sgblk_bg_end_io;
	bio->bi_private = bg;
	while (len) {
		n = sgblk_bg_piece(bg, c, len, &page, &off);
		/* sgblk_bg_plan() sized the bio; falling short is a bug here. */
		if (WARN_ON_ONCE(bio_add_page(bio, page, n, off) != n)) {
			bio_put(bio);
			return NULL;
		}
		len -= n;
	}
	return bio;
}

/* Submit the job @repeat times, at most @inflight bios outstanding. */
static int sgblk_bg_submit(struct sgblk_bg *bg)
{
	struct sgblk_biogen *a = bg->a;
	unsigned int inflight = 0, rep;
	struct blk_plug plug;
	struct bio *bio;
	u64 start, len;
	int ret = 0;

	init_completion(&bg->slot);
	atomic64_set(&bg->errors, 0);
	if (a->flags & SGBLK_BIOGEN_F_PLUG)
		blk_start_plug(&plug);
	start = ktime_get_ns();
	for (rep = 0; rep < a->repeat && !ret; rep++) {
		struct sgblk_bg_cursor c = { };

		while (c.pos < a->len) {
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				break;
			}
			if (inflight == a->inflight) {
				wait_for_completion_io(&bg->slot);
				inflight--;
			}
			len = min_t(u64, a->bio_size, a->len - c.pos);
			bio = sgblk_bg_build(bg, &c, len);
			if (!bio) {
				ret = -ENOMEM;
				break;
			}
			a->bios++;
			a->segments += bio->bi_vcnt;
			a->bytes += len;
			inflight++;
			submit_bio(bio);
		}
	}
	if (a->flags & SGBLK_BIOGEN_F_PLUG)
		blk_finish_plug(&plug);
	/* Never return with a bio that still points at our pages or @bg. */
	for (; inflight; inflight--)
		wait_for_completion_io(&bg->slot);
	a->elapsed_ns = ktime_get_ns() - start;
	a->errors = atomic64_read(&bg->errors);
	return ret;
}

/* Streaming data check: counts 512-byte device blocks with a bad byte. */
struct sgblk_bg_check {
	u64 seed;
	u64 bad_block;		/* last block counted, +1; 0 = none yet */
	u64 mismatches;
	u64 first;
};

static void sgblk_bg_check(struct sgblk_bg_check *ck, const u8 *p, u64 len,
			   u64 devoff)
{
	while (len) {
		u64 blk = devoff / SGBLK_BG_BLOCK;
		u64 n = min_t(u64, len, SGBLK_BG_BLOCK - devoff % SGBLK_BG_BLOCK);

		if (ck->bad_block != blk + 1 && !sgblk_pattern_same(p, n, ck->seed, devoff)) {
			if (!ck->mismatches)
				ck->first = blk * SGBLK_BG_BLOCK;
			ck->mismatches++;
			ck->bad_block = blk + 1;
		}
		p += n;
		devoff += n;
		len -= n;
	}
}

/*
 * Walk the data after the job: checksum and/or pattern check.  USER pages
 * are read through kmap_local_page(), kernel buffers through their own
 * (vmalloc) mapping, the one invalidate_kernel_vmap_range() made coherent.
 */
static void sgblk_bg_inspect(struct sgblk_bg *bg, bool sum, bool check)
{
	struct sgblk_biogen *a = bg->a;
	struct sgblk_bg_check ck = { .seed = a->seed, .first = U64_MAX };
	u64 h = SGBLK_FNV_INIT, devoff0 = a->sector << SECTOR_SHIFT;
	struct sgblk_bg_cursor c = { };
	unsigned int off, n;
	struct page *page;
	const u8 *p;

	while (c.pos < a->len) {
		u64 pos = c.pos;

		if (a->source == SGBLK_BIOGEN_SRC_USER) {
			n = sgblk_bg_piece(bg, &c, a->len - c.pos, &page, &off);
			p = (u8 *)kmap_local_page(page) + off;
		} else {
			n = min_t(u64, a->len - c.pos, SZ_64K);
			p = (u8 *)sgblk_bg_data(bg) + c.pos;
			c.pos += n;
		}
		if (sum)
			h = sgblk_fnv1a64(h, p, n);
		if (check)
			sgblk_bg_check(&ck, p, n, devoff0 + pos);
		if (a->source == SGBLK_BIOGEN_SRC_USER)
			kunmap_local(p);
		cond_resched();
	}
	if (sum)
		a->checksum = h;
	a->mismatches = ck.mismatches;
	a->first_mismatch = ck.first;
}

/* USER: copy the iovec array in, check it and pin every page. */
static int sgblk_bg_pin(struct sgblk_bg *bg)
{
	struct sgblk_biogen *a = bg->a;
	struct sgblk_iovec __user *uiov = u64_to_user_ptr(a->iov);
	unsigned int gup = bg->write ? 0 : FOLL_WRITE;
	u64 total = 0, npages = 0;
	unsigned int i;
	int ret;

	bg->iov = kvcalloc(a->iovcnt, sizeof(*bg->iov), GFP_KERNEL);
	if (!bg->iov)
		return -ENOMEM;
	bg->iovcnt = a->iovcnt;
	for (i = 0; i < a->iovcnt; i++) {
		struct sgblk_iovec v;
		u64 end;

		if (copy_from_user(&v, &uiov[i], sizeof(v)))
			return -EFAULT;
		if (!v.len || v.len > SGBLK_BIOGEN_MAX_LEN)
			return -EINVAL;
		if (check_add_overflow(v.base, v.len, &end) || end > TASK_SIZE)
			return -EFAULT;
		total += v.len;
		if (total > a->len)
			return -EINVAL;
		bg->iov[i].base = v.base;
		bg->iov[i].len = v.len;
		bg->iov[i].first_page = npages;
		bg->iov[i].npages = DIV_ROUND_UP(offset_in_page(v.base) + v.len,
						 PAGE_SIZE);
		npages += bg->iov[i].npages;
	}
	if (total != a->len)
		return -EINVAL;
	/* At most MAX_LEN / PAGE_SIZE + 2 * MAX_IOVCNT: fits easily. */
	bg->pages = kvmalloc_array(npages, sizeof(*bg->pages), GFP_KERNEL);
	if (!bg->pages)
		return -ENOMEM;
	bg->npages = npages;
	for (i = 0; i < bg->iovcnt; i++) {
		const struct sgblk_bg_iov *v = &bg->iov[i];

		ret = pin_user_pages_fast(v->base & PAGE_MASK, v->npages, gup,
					  bg->pages + v->first_page);
		if (ret > 0) {
			/* Pins are released in order: keep the prefix dense. */
			bg->npinned += ret;
			if (ret == v->npages)
				continue;
		}
		return ret == -ENOMEM ? -ENOMEM : -EFAULT;
	}
	return 0;
}

static void sgblk_bg_unpin(struct sgblk_bg *bg)
{
	/* Pages a read wrote into must be marked dirty (under the page lock). */
	if (bg->npinned)
		unpin_user_pages_dirty_lock(bg->pages, bg->npinned, !bg->write);
	bg->npinned = 0;
	kvfree(bg->pages);
	kvfree(bg->iov);
}

/*
 * VMALLOC / CONTIG: allocate and fill (writes) or poison (reads).  CONTIG
 * comes straight from the page allocator: one physically contiguous,
 * page-aligned block of 2^order pages, as kmalloc would hand out above
 * KMALLOC_MAX_CACHE_SIZE.
 */
static int sgblk_bg_alloc(struct sgblk_bg *bg)
{
	struct sgblk_biogen *a = bg->a;
	size_t size = a->len + a->buf_offset;
	u64 pos, n;

	if (a->source == SGBLK_BIOGEN_SRC_VMALLOC) {
		bg->kbuf = vmalloc(size);
	} else {
		bg->korder = get_order(size);
		bg->kbuf = (void *)__get_free_pages(GFP_KERNEL | __GFP_NOWARN,
						    bg->korder);
	}
	if (!bg->kbuf)
		return -ENOMEM;
	memset(bg->kbuf, 0, a->buf_offset);
	for (pos = 0; pos < a->len; pos += n) {
		n = min_t(u64, a->len - pos, SZ_64K);
		if (bg->write)
			sgblk_pattern_fill(sgblk_bg_data(bg) + pos, n, a->seed,
					   (a->sector << SECTOR_SHIFT) + pos);
		else
			memset(sgblk_bg_data(bg) + pos, SGBLK_BG_POISON, n);
		cond_resched();
	}
	return 0;
}

static void sgblk_bg_free(struct sgblk_bg *bg)
{
	if (!bg->kbuf)
		return;
	if (bg->a->source == SGBLK_BIOGEN_SRC_VMALLOC)
		vfree(bg->kbuf);
	else
		free_pages((unsigned long)bg->kbuf, bg->korder);
	bg->kbuf = NULL;
}

static void sgblk_bg_clear_out(struct sgblk_biogen *a)
{
	a->bios = 0;
	a->segments = 0;
	a->bytes = 0;
	a->elapsed_ns = 0;
	a->errors = 0;
	a->checksum = 0;
	a->mismatches = 0;
	a->first_mismatch = U64_MAX;
	a->lbs = 0;
	a->max_bio_segs = 0;
	memset(a->reserved_out, 0, sizeof(a->reserved_out));
}

/* Everything that can be checked without the disk. */
static int sgblk_bg_check_args(const struct sgblk_biogen *a)
{
	if (a->flags & ~SGBLK_BIOGEN_F_ALL)
		return -EINVAL;
	if (memchr_inv(a->reserved_in, 0, sizeof(a->reserved_in)))
		return -EINVAL;
	if (a->op > SGBLK_BIOGEN_OP_WRITE || a->source > SGBLK_BIOGEN_SRC_CONTIG)
		return -EINVAL;
	if (a->disk_index < -1 ||
	    !memchr(a->disk_name, '\0', sizeof(a->disk_name)))
		return -EINVAL;
	if (!a->len || !a->bio_size)
		return -EINVAL;
	if (a->len > SGBLK_BIOGEN_MAX_LEN || a->bio_size > SGBLK_BIOGEN_MAX_BIO)
		return -E2BIG;
	if (!a->inflight || a->inflight > SGBLK_BIOGEN_MAX_INFLIGHT ||
	    !a->repeat || a->repeat > SGBLK_BIOGEN_MAX_REPEAT)
		return -EINVAL;
	if (a->source == SGBLK_BIOGEN_SRC_USER) {
		/* A NULL @iov is -EFAULT, found when it is read. */
		if (a->buf_offset || !a->iovcnt)
			return -EINVAL;
		if (a->iovcnt > SGBLK_BIOGEN_MAX_IOVCNT)
			return -E2BIG;
		return 0;
	}
	if (a->iov || a->iovcnt || a->buf_offset >= PAGE_SIZE)
		return -EINVAL;
	if (a->source == SGBLK_BIOGEN_SRC_CONTIG &&
	    a->len + a->buf_offset > SGBLK_BIOGEN_MAX_CONTIG)
		return -E2BIG;
	return 0;
}

/* The range lies inside the disk, in whole logical blocks. */
static int sgblk_bg_check_disk(struct sgblk_bg *bg)
{
	struct sgblk_biogen *a = bg->a;
	sector_t nr = bdev_nr_sectors(bg->bdev);
	unsigned int lbs = bdev_logical_block_size(bg->bdev);

	a->lbs = lbs;
	if (a->sector >= nr || a->len >> SECTOR_SHIFT > nr - a->sector)
		return -EINVAL;
	if (!IS_ALIGNED(a->len, lbs) || !IS_ALIGNED(a->bio_size, lbs) ||
	    !IS_ALIGNED(a->sector << SECTOR_SHIFT, lbs))
		return -EINVAL;
	return 0;
}

/**
 * sgblk_biogen_run - run one bio builder job (SGBLK_IOC_BIOGEN)
 * @a: the arguments, copied in; the outputs are filled in on success
 *
 * Return: 0 (bio errors and data mismatches are reported in @a), or a
 * negative errno: before submission nothing was submitted (-ENODEV also when
 * the disk found is not the one opened); -EINTR (fatal signal) and -ENOMEM
 * (a bio could not be built) can stop a job part way, and what was
 * submitted has completed.
 */
int sgblk_biogen_run(struct sgblk_biogen *a)
{
	struct sgblk_bg bg = { .a = a, .write = a->op == SGBLK_BIOGEN_OP_WRITE };
	size_t kbuf_size = a->len + a->buf_offset;
	struct sgblk_bdev_ref ref;
	bool vmap;
	dev_t devt;
	int ret;

	ret = sgblk_bg_check_args(a);
	if (ret)
		return ret;
	sgblk_bg_clear_out(a);
	ret = sgblk_dev_find_devt(a->disk_index, a->disk_name, &devt);
	if (ret)
		return ret;
	if (sgblk_biogen_open_delay_ms)
		msleep_interruptible(min(sgblk_biogen_open_delay_ms, 10000U));
	ret = sgblk_bdev_open(devt, bg.write, &ref);
	if (ret)
		return ret;
	bg.bdev = ref.bdev;
	/* @devt may belong to another disk by now: write nothing there. */
	ret = sgblk_dev_check_bdev(ref.bdev, a->disk_index, a->disk_name);
	if (ret)
		goto out_close;
	ret = sgblk_bg_check_disk(&bg);
	if (ret)
		goto out_close;

	if (a->source == SGBLK_BIOGEN_SRC_USER)
		ret = sgblk_bg_pin(&bg);
	else
		ret = sgblk_bg_alloc(&bg);
	if (ret)
		goto out_free;
	ret = sgblk_bg_plan(&bg);
	if (ret)
		goto out_free;
	a->max_bio_segs = bg.max_segs;

	/*
	 * The vmap alias rule: the device reaches vmalloc pages through their
	 * physical (linear map) addresses, the CPU wrote them through the
	 * vmalloc alias.  On VIVT or aliasing caches the alias's dirty lines
	 * must be written back before the device owns the pages (the pattern
	 * of a write, and the poison of a read so that it cannot be evicted on
	 * top of the data), and discarded after a read before the CPU looks
	 * through the alias again.  Both are no-ops on x86.
	 */
	vmap = a->source == SGBLK_BIOGEN_SRC_VMALLOC;
	if (vmap)
		flush_kernel_vmap_range(bg.kbuf, kbuf_size);
	ret = sgblk_bg_submit(&bg);
	if (vmap && !bg.write)
		invalidate_kernel_vmap_range(bg.kbuf, kbuf_size);
	if (!ret)
		sgblk_bg_inspect(&bg, a->flags & (SGBLK_BIOGEN_F_CHECKSUM |
						  SGBLK_BIOGEN_F_VERIFY),
				 !bg.write && (a->flags & SGBLK_BIOGEN_F_VERIFY));

out_free:
	if (a->source == SGBLK_BIOGEN_SRC_USER)
		sgblk_bg_unpin(&bg);
	else
		sgblk_bg_free(&bg);
out_close:
	sgblk_bdev_close(&ref);
	return ret;
}
