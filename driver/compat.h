/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block-layer calls that differ between the kernels sgblk supports
 * (6.1 LTS: queue setters; 6.12 LTS: atomic struct queue_limits).  Every
 * such test lives here and nowhere else.  We key on a feature, not a version
 * number: BLK_FEAT_POLL arrived (6.11) with queue_limits carrying features,
 * after blk_mq_alloc_disk() started taking limits (6.9).  Changes the
 * preprocessor cannot see (signatures, enum members) are keyed on the
 * SGBLK_HAVE_* probes driver/Kbuild runs on the kernel's headers.
 */
#ifndef SGBLK_COMPAT_H
#define SGBLK_COMPAT_H

#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/dma-mapping.h>
#include <linux/hrtimer.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>

/*
 * 6.13+: hrtimer_setup() takes the callback (hrtimer_init() is gone in
 * 6.15).  The timer is relative, on the monotonic clock.
 */
static inline void sgblk_hrtimer_setup(struct hrtimer *t,
				       enum hrtimer_restart (*fn)(struct hrtimer *))
{
#ifdef SGBLK_HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
#else
	hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->function = fn;
#endif
}

/* 6.14+: blk_mq_ops.init_request takes the NUMA node as an int. */
#ifdef SGBLK_HAVE_INIT_REQUEST_INT_NODE
#define sgblk_numa_node_t int
#else
#define sgblk_numa_node_t unsigned int
#endif

/*
 * 6.13+ (and 6.12.y): a plug's requests reach ->queue_rqs as a struct
 * rq_list; before, as the head of a singly linked list.  rq_list_pop()
 * takes a pointer to either.
 */
#ifdef SGBLK_HAVE_RQ_LIST
#define sgblk_rq_list struct rq_list
#else
#define sgblk_rq_list struct request *
#endif

/*
 * While a queue is frozen, memory reclaim must not issue I/O that would
 * wait on it: the frozen section runs in a noio scope.  6.14+ freezing
 * enters it and returns the saved flags, which unfreezing takes back.
 */
static inline unsigned int sgblk_freeze_queue(struct request_queue *q)
{
#ifdef SGBLK_HAVE_FREEZE_MEMFLAGS
	return blk_mq_freeze_queue(q);
#else
	blk_mq_freeze_queue(q);
	return memalloc_noio_save();
#endif
}

static inline void sgblk_unfreeze_queue(struct request_queue *q,
					unsigned int memflags)
{
#ifdef SGBLK_HAVE_FREEZE_MEMFLAGS
	blk_mq_unfreeze_queue(q, memflags);
#else
	memalloc_noio_restore(memflags);
	blk_mq_unfreeze_queue(q);
#endif
}

/*
 * A request a driver takes through ->queue_rqs must be in its hardware
 * queue's tag table, or blk-mq's timeout handler, in-flight counts and
 * debugfs never find it: newer kernels enter it in blk_mq_start_request(),
 * 6.1 only when it hands out a driver tag on the ->queue_rq path, so its
 * nvme-pci enters it itself.  Entering it again is harmless.
 */
static inline void sgblk_rq_own_tag(struct request *rq)
{
	rq->mq_hctx->tags->rqs[rq->tag] = rq;
}

/* 6.14+: requests merge unless the queue says otherwise; no flag for it. */
#ifdef SGBLK_HAVE_SHOULD_MERGE
#define SGBLK_MQ_F_MERGE BLK_MQ_F_SHOULD_MERGE
#else
#define SGBLK_MQ_F_MERGE 0
#endif

/* 6.15+: blk_rq_map_sg() takes the queue from the request. */
static inline int sgblk_rq_map_sg(struct request *rq, struct scatterlist *sgl)
{
#ifdef SGBLK_HAVE_MAP_SG_NO_QUEUE
	return blk_rq_map_sg(rq, sgl);
#else
	return blk_rq_map_sg(rq->q, rq, sgl);
#endif
}

/*
 * The scatterlist-free mapping path (map=iter): blk_rq_dma_map_iter_start()
 * and _next() hand out one DMA range at a time, IOVA-linked into a single
 * range under an IOMMU, dma_map_phys() per segment otherwise.  Only the
 * form of the API 7.x has is used (Kbuild's probe); elsewhere these stubs
 * keep map.c free of tests, and map=iter is refused before they are reached.
 */
#ifdef SGBLK_HAVE_BLK_RQ_DMA_MAP_ITER
#include <linux/blk-mq-dma.h>

#define SGBLK_MAP_ITER_AVAILABLE	true

/**
 * struct sgblk_iova - what unmapping a request mapped by the iterator needs
 * @state: the IOVA range, when the mapping is one (see dma_use_iova())
 * @p2p: the P2P mapping type the iterator chose (never P2P for sgblk's pages)
 */
struct sgblk_iova {
	struct dma_iova_state state;
	enum pci_p2pdma_map_type p2p;
};

struct sgblk_dma_iter {
	struct blk_dma_iter it;
};

static inline bool sgblk_dma_iter_start(struct request *rq, struct device *d,
					struct sgblk_iova *io,
					struct sgblk_dma_iter *it,
					dma_addr_t *addr, u32 *len,
					blk_status_t *sts)
{
	bool more = blk_rq_dma_map_iter_start(rq, d, &io->state, &it->it);

	io->p2p = it->it.p2pdma.map;
	*addr = it->it.addr;
	*len = it->it.len;
	*sts = it->it.status;
	return more;
}

static inline bool sgblk_dma_iter_next(struct request *rq, struct device *d,
				       struct sgblk_dma_iter *it,
				       dma_addr_t *addr, u32 *len,
				       blk_status_t *sts)
{
	bool more = blk_rq_dma_map_iter_next(rq, d, &it->it);

	*addr = it->it.addr;
	*len = it->it.len;
	*sts = it->it.status;
	return more;
}

/* True: nothing is left to unmap; false: unmap every range on its own. */
static inline bool sgblk_dma_iter_unmap(struct request *rq, struct device *d,
					struct sgblk_iova *io, size_t len)
{
	return blk_rq_dma_unmap(rq, d, &io->state, len, io->p2p);
}

/* The whole request became one IOVA range. */
static inline bool sgblk_dma_iter_coalesced(struct sgblk_iova *io)
{
	return blk_rq_dma_map_coalesce(&io->state);
}

/* One range sgblk_dma_iter_unmap() left: it was mapped with dma_map_phys(). */
static inline void sgblk_dma_iter_unmap_range(struct device *d,
					      struct sgblk_iova *io,
					      dma_addr_t addr, u32 len,
					      enum dma_data_direction dir)
{
	unsigned long attrs = 0;

	if (io->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE)
		attrs |= DMA_ATTR_MMIO;
	dma_unmap_phys(d, addr, len, dir, attrs);
}

#else

#define SGBLK_MAP_ITER_AVAILABLE	false

struct sgblk_iova {
	int unused;
};

struct sgblk_dma_iter {
	int unused;
};

static inline bool sgblk_dma_iter_start(struct request *rq, struct device *d,
					struct sgblk_iova *io,
					struct sgblk_dma_iter *it,
					dma_addr_t *addr, u32 *len,
					blk_status_t *sts)
{
	*sts = BLK_STS_NOTSUPP;
	return false;
}

static inline bool sgblk_dma_iter_next(struct request *rq, struct device *d,
				       struct sgblk_dma_iter *it,
				       dma_addr_t *addr, u32 *len,
				       blk_status_t *sts)
{
	*sts = BLK_STS_NOTSUPP;
	return false;
}

static inline bool sgblk_dma_iter_unmap(struct request *rq, struct device *d,
					struct sgblk_iova *io, size_t len)
{
	return false;
}

static inline bool sgblk_dma_iter_coalesced(struct sgblk_iova *io)
{
	return false;
}

static inline void sgblk_dma_iter_unmap_range(struct device *d,
					      struct sgblk_iova *io,
					      dma_addr_t addr, u32 len,
					      enum dma_data_direction dir)
{
}

#endif

/**
 * struct sgblk_qlimits - the queue limits sgblk hands to the block layer
 * @lbs: logical (and physical) block size
 * @max_hw_sectors: largest request, in 512-byte sectors
 * @max_segments: scatterlist elements per request
 * @max_segment_size: bytes per element, >= PAGE_SIZE
 * @seg_boundary_mask: element boundary mask, >= PAGE_SIZE - 1
 * @dma_alignment: buffer alignment mask for user and vmalloc buffers
 * @max_discard_sectors: 0 disables discard and write-zeroes
 * @poll: the tag set has poll queues
 */
struct sgblk_qlimits {
	unsigned int lbs;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned int max_segment_size;
	unsigned long seg_boundary_mask;
	unsigned int dma_alignment;
	unsigned int max_discard_sectors;
	bool poll;
};

#ifdef BLK_FEAT_POLL

static inline void sgblk_fill_limits(struct queue_limits *lim,
				     const struct sgblk_qlimits *l)
{
	lim->logical_block_size = l->lbs;
	lim->physical_block_size = l->lbs;
	lim->io_min = l->lbs;
	lim->max_hw_sectors = l->max_hw_sectors;
	lim->max_segments = l->max_segments;
	lim->max_segment_size = l->max_segment_size;
	lim->seg_boundary_mask = l->seg_boundary_mask;
	lim->dma_alignment = l->dma_alignment;
	lim->max_hw_discard_sectors = l->max_discard_sectors;
	lim->max_write_zeroes_sectors = l->max_discard_sectors;
	if (l->max_discard_sectors)
		lim->discard_granularity = PAGE_SIZE;
	lim->features &= ~BLK_FEAT_ROTATIONAL;
	if (l->poll)
		lim->features |= BLK_FEAT_POLL;
}

static inline struct gendisk *sgblk_alloc_disk(struct blk_mq_tag_set *set,
					       const struct sgblk_qlimits *l,
					       void *queuedata)
{
	struct queue_limits lim = { };

	sgblk_fill_limits(&lim, l);
	return blk_mq_alloc_disk(set, &lim, queuedata);
}

/*
 * A limits update in three steps, in the kernel's lock order (6.14+ sysfs
 * stores take the limits lock, then freeze): start (takes the limits
 * lock) before freezing the queue; commit or cancel (drops it) while frozen.
 */
struct sgblk_lim_update {
	struct queue_limits lim;
};

static inline void sgblk_limits_start(struct request_queue *q,
				      struct sgblk_lim_update *u)
{
	u->lim = queue_limits_start_update(q);
}

static inline int sgblk_limits_commit(struct request_queue *q,
				      struct sgblk_lim_update *u,
				      const struct sgblk_qlimits *l)
{
	sgblk_fill_limits(&u->lim, l);
	return queue_limits_commit_update(q, &u->lim);
}

static inline void sgblk_limits_cancel(struct request_queue *q)
{
	queue_limits_cancel_update(q);
}

/*
 * Open a block device by dev_t for the bio builder, non-exclusively: 6.9+
 * returns a struct file (bdev_file_open_by_dev), closed with fput.
 */
struct sgblk_bdev_ref {
	struct file *file;
	struct block_device *bdev;
};

static inline int sgblk_bdev_open(dev_t devt, bool write,
				  struct sgblk_bdev_ref *ref)
{
	blk_mode_t mode = BLK_OPEN_READ | (write ? BLK_OPEN_WRITE : 0);
	struct file *file = bdev_file_open_by_dev(devt, mode, NULL, NULL);

	if (IS_ERR(file))
		return PTR_ERR(file);
	ref->file = file;
	ref->bdev = file_bdev(file);
	return 0;
}

static inline void sgblk_bdev_close(struct sgblk_bdev_ref *ref)
{
	fput(ref->file);
}

#else /* 6.1 */

static inline void sgblk_set_limits(struct request_queue *q,
				    const struct sgblk_qlimits *l)
{
	blk_queue_logical_block_size(q, l->lbs);
	blk_queue_physical_block_size(q, l->lbs);
	blk_queue_io_min(q, l->lbs);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_max_segment_size(q, l->max_segment_size);
	blk_queue_segment_boundary(q, l->seg_boundary_mask);
	blk_queue_dma_alignment(q, l->dma_alignment);
	blk_queue_max_discard_sectors(q, l->max_discard_sectors);
	blk_queue_max_write_zeroes_sectors(q, l->max_discard_sectors);
	if (l->max_discard_sectors)
		q->limits.discard_granularity = PAGE_SIZE;
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
}

static inline struct gendisk *sgblk_alloc_disk(struct blk_mq_tag_set *set,
					       const struct sgblk_qlimits *l,
					       void *queuedata)
{
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);

	if (!IS_ERR(disk))
		sgblk_set_limits(disk->queue, l);
	return disk;
}

/* 6.1 has no limits lock: the update is the setters, with the queue frozen. */
struct sgblk_lim_update {
	int unused;
};

static inline void sgblk_limits_start(struct request_queue *q,
				      struct sgblk_lim_update *u)
{
}

static inline int sgblk_limits_commit(struct request_queue *q,
				      struct sgblk_lim_update *u,
				      const struct sgblk_qlimits *l)
{
	sgblk_set_limits(q, l);
	return 0;
}

static inline void sgblk_limits_cancel(struct request_queue *q)
{
}

/* 6.1: blkdev_get_by_dev() hands out the block_device; blkdev_put closes. */
struct sgblk_bdev_ref {
	fmode_t mode;
	struct block_device *bdev;
};

static inline int sgblk_bdev_open(dev_t devt, bool write,
				  struct sgblk_bdev_ref *ref)
{
	fmode_t mode = FMODE_READ | (write ? FMODE_WRITE : 0);
	struct block_device *bdev = blkdev_get_by_dev(devt, mode, NULL);

	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	ref->mode = mode;
	ref->bdev = bdev;
	return 0;
}

static inline void sgblk_bdev_close(struct sgblk_bdev_ref *ref)
{
	blkdev_put(ref->bdev, ref->mode);
}

#endif

/*
 * 6.2+: a seq_file show with a write, for debugfs files that take input.
 * Kernels without it get the same definition.
 */
#ifndef DEFINE_SHOW_STORE_ATTRIBUTE
#define DEFINE_SHOW_STORE_ATTRIBUTE(__name)				\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.write		= __name ## _write,				\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}
#endif

/*
 * Xen PV (x86): a PV domain's pseudo-physical frames are not the machine's,
 * and where it has DMA ops at all they are swiotlb-xen's (set for the
 * initial domain, or for swiotlb in a domU): a DMA address is a machine
 * (bus) address.  The device reaches the machine frame; the frame is this
 * domain's page only if the p2m maps that page back to it
 * (bfn_to_local_pfn(), ~0 otherwise, which no pfn_valid() accepts).
 */
#ifdef CONFIG_XEN_PV
#include <linux/dma-map-ops.h>
#include <xen/xen.h>
#include <xen/page.h>

static inline bool sgblk_dma_is_xen(struct device *d)
{
	return xen_pv_domain() && get_dma_ops(d);
}

/* The machine address of one of this domain's physical addresses. */
static inline phys_addr_t sgblk_xen_phys_to_mach(phys_addr_t phys)
{
	return ((phys_addr_t)pfn_to_bfn(XEN_PFN_DOWN(phys)) << XEN_PAGE_SHIFT) |
	       (phys & ~XEN_PAGE_MASK);
}

/* A machine address as this domain's physical address (~0: not its). */
static inline phys_addr_t sgblk_xen_mach_to_phys(phys_addr_t mach)
{
	unsigned long pfn = bfn_to_local_pfn(XEN_PFN_DOWN(mach));

	if (pfn == ~0UL)
		return ~(phys_addr_t)0;
	return PFN_PHYS(pfn) | (mach & ~XEN_PAGE_MASK);
}
#else
static inline bool sgblk_dma_is_xen(struct device *d)
{
	return false;
}

static inline phys_addr_t sgblk_xen_phys_to_mach(phys_addr_t phys)
{
	return phys;
}

static inline phys_addr_t sgblk_xen_mach_to_phys(phys_addr_t mach)
{
	return ~(phys_addr_t)0;
}
#endif

/*
 * Cache coherence of a disk's DMA device.  A non-coherent bus master reads
 * and writes memory at the point of coherency (PoC), past the CPU caches;
 * the DMA API's maintenance at map and unmap (arm64: clean to PoC at map,
 * invalidate at unmap of a device-written buffer) makes that safe.  The
 * engine, standing in for such a master, reaches the pages through the
 * kernel's cacheable linear map, so it brackets each access with a clean
 * and invalidate to PoC by virtual address (DC CIVAC; see
 * sgblk_engine_poc()).  Only arm64 has that here: elsewhere a non-coherent
 * device is refused.  The kernels' own helpers (dcache_clean_inval_poc(),
 * arch_sync_dma_*()) are not exported to modules.
 */
#ifdef CONFIG_ARM64
#include <asm/barrier.h>
#include <asm/cputype.h>

#define SGBLK_POC_MAINT_AVAILABLE	true

/* This CPU's smallest data cache line, from CTR_EL0.DminLine (log2 words). */
static inline unsigned int sgblk_dcache_line(void)
{
	return 4U << ((read_cpuid_cachetype() >> 16) & 0xf);
}

/*
 * Clean and invalidate [@va, @va + @len) to the point of coherency, by
 * lines of @line bytes (the smallest line of any CPU: a DC by VA acts on
 * every cache the address may be in, each at its own line size); the DSB
 * waits for it to complete.
 */
static inline void sgblk_poc_clean_inval(const void *va, size_t len,
					 unsigned int line)
{
	unsigned long p = (unsigned long)va & ~(unsigned long)(line - 1);
	unsigned long end = (unsigned long)va + len;

	for (; p < end; p += line)
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
	dsb(sy);
}
#else
#define SGBLK_POC_MAINT_AVAILABLE	false

static inline unsigned int sgblk_dcache_line(void)
{
	return 0;
}

static inline void sgblk_poc_clean_inval(const void *va, size_t len,
					 unsigned int line)
{
}
#endif

/*
 * Making a device coherent or not, with the kernel's own accessor
 * (dev_assign_dma_coherent(), 7.x, where coherence is one of the device's
 * flags), on architectures whose devices may be non-coherent.  Kernels
 * without it (6.1 and 6.12 keep a bit-field only architecture code sets)
 * and architectures whose devices are all coherent (x86) leave coherence
 * to the platform.
 */
#if (defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU_ALL)) && \
	defined(SGBLK_HAVE_DEV_ASSIGN_DMA_COHERENT)
#define SGBLK_DMA_COHERENCE_SETTABLE	true

static inline void sgblk_set_dma_coherent(struct device *d, bool coherent)
{
	dev_assign_dma_coherent(d, coherent);
}
#else
#define SGBLK_DMA_COHERENCE_SETTABLE	false

static inline void sgblk_set_dma_coherent(struct device *d, bool coherent)
{
}
#endif

#endif /* SGBLK_COMPAT_H */
