/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_H
#define SGBLK_H

#include <linux/blk-mq.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/dmapool.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include "conf.h"
#include "store.h"
#include "stats.h"
#include "profile.h"
#include "fault.h"
#include "pci.h"

#define SGBLK_NAME "sgblk"

/* Who owns a request's data mapping (as the DMA-API debug code tracks). */
enum sgblk_owner {
	SGBLK_OWN_UNMAPPED,
	SGBLK_OWN_DEVICE,
};

/**
 * struct sgblk_cmd - per-request driver data, preallocated per tag
 * @sgl: scatterlist, conf.sgl_entries entries (map=sg only)
 * @nents: elements blk_rq_map_sg produced; for map=iter, the ranges the
 *	iterator returned, or, when it linked them into one IOVA range, the
 *	elements blk_rq_map_sg would have produced
 * @mapped: elements dma_map_sg returned (map=iter: ranges the iterator
 *	returned)
 * @via_iter: this mapping was made by the DMA iterator (map=iter)
 * @iova: map=iter: what unmapping needs
 * @map_len: map=iter: bytes mapped
 * @segs: planner input, conf.sgl_entries + 1 entries
 * @descs: planner output, SGBLK_RING_DESCS entries
 * @bounce_va: CPU address of each bounce buffer, indexed like @descs
 * @plan: what the planner did
 * @seg_min: the smallest mapped element, bytes
 * @owner: mapping ownership state
 * @status: completion status
 * @dropped: fault injection lost this request: only the timeout ends it
 * @wait_since: when this request first had to wait for a DMA mapping,
 *	bounce buffers or store pages (0: it has not, or it since went through)
 * @timer: modelled latency for completion=timer
 * @dev: back pointer
 */
struct sgblk_cmd {
	struct scatterlist *sgl;
	unsigned int nents;
	unsigned int mapped;
	bool via_iter;
	struct sgblk_iova iova;
	size_t map_len;
	struct sgplan_seg *segs;
	struct sgplan_desc *descs;
	void **bounce_va;
	struct sgplan_result plan;
	u32 seg_min;
	enum sgblk_owner owner;
	blk_status_t status;
	bool dropped;
	u64 wait_since;
	struct hrtimer timer;
	struct sgblk_dev *dev;
};

struct sgblk_bcache;

/**
 * struct sgblk_pool - a bounce pool and the coherent mask it was filled
 *	under, which it must be destroyed under (or under a wider one)
 * @pool: the dma_pool
 * @mask: the device's coherent mask when it was filled
 * @node: on the device's retired list once another pool replaced it
 */
struct sgblk_pool {
	struct dma_pool *pool;
	u64 mask;
	struct list_head node;
};

/**
 * struct sgblk_dev - one sgblk disk
 * @list: on the module's device list
 * @index: N in sgblkN
 * @conf: creation parameters (conf.dma_dev: the PCI function to map
 *	through, empty for @pdev; conf.sgl_entries: the size of each request's
 *	scatterlist and planner input); conf.profile and conf.map are the
 *	active ones, changed only with the queue frozen, so the I/O path
 *	reads them without a lock; readers elsewhere take @conf_lock
 * @profile_lock: serialises profile and map changes, and the DMA
 *	device's teardown; held across a queue freeze
 * @conf_lock: protects conf.profile and conf.map for readers outside the
 *	I/O path (configfs, debugfs): they never wait on a freeze
 * @dma_gone: the DMA device was removed (PCI hot-remove): every request
 *	fails, no mapping is made, the pool is gone
 * @pci_user: what a PCI function it maps through knows of the disk: its
 *	removal stops the disk (sgblk_blk_stop())
 * @tag_set: blk-mq tag set
 * @disk: the gendisk
 * @store: the memory backend's pages
 * @pdev: the simulated DMA-capable device, when no dma_dev is given
 * @dmadev: the device the mappings are made for: @pdev's or the PCI
 *	function's
 * @iommu: its IOMMU domain, if any (looked up once, not per descriptor;
 *	NULL once the device is gone)
 * @xen: its DMA ops are swiotlb-xen's (a Xen PV domain): DMA addresses are
 *	machine addresses, translated back through the domain's p2m
 * @noncoherent: the device is not cache-coherent: the DMA API maintains
 *	the caches at map and unmap, and the engine accesses memory as such a
 *	device does, at the point of coherency (sgblk_engine_poc())
 * @poc_line: the smallest data cache line of any CPU, the stride of the
 *	engine's maintenance (0 when @noncoherent is false)
 * @dma_bounces: the DMA layer may bounce a mapping itself (swiotlb,
 *	swiotlb-xen): each mapped element is checked (dma_bounced_elems)
 * @backend_name: for debugfs dma: iommu, swiotlb or direct (gone once the
 *	device is); @domain_name: the domain's type, likewise
 * @sample: the engine's first translation, DMA address to physical (for
 *	debugfs dma: an IOVA differs from the address it reaches), with the
 *	machine address between them under Xen
 * @pool: bounce buffers, plan.bounce_size each, below the profile's mask
 *	(@cur_pool's dma_pool, for the I/O path)
 * @pool_mask: the coherent mask @pool was filled under
 * @cur_pool: the active pool
 * @retired: pools a profile switch replaced, destroyed once the queue runs
 *	again and the device's coherent mask covers theirs (sgblk_dma_reap())
 * @pool_foreign_frees: pools destroyed under a coherent mask that does not
 *	cover the one they were filled under (must stay 0; debugfs dma)
 * @pool_bytes: bounce bytes held now (capped by bounce_pool_kb)
 * @bcache: per-CPU caches of free bounce buffers (bcache.c)
 * @bcache_size: buffers each may keep, set with the profile
 * @stats: per-CPU counters and histograms
 * @dbg: debugfs directory
 * @knobs: debugfs knobs: fault injection, corrupt_bounce, own_fatal
 */
struct sgblk_dev {
	struct list_head list;
	int index;
	struct sgblk_conf conf;
	struct mutex profile_lock;	/* serialises profile changes */
	spinlock_t conf_lock;		/* conf.profile, conf.map for readers */
	bool dma_gone;
	struct sgblk_pci_user pci_user;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	struct sgblk_store store;
	struct platform_device *pdev;
	struct device *dmadev;
	struct iommu_domain *iommu;
	bool xen;
	bool noncoherent;
	unsigned int poc_line;
	bool dma_bounces;
	const char *backend_name;
	const char *domain_name;
	struct {
		atomic_t state;		/* 0 empty, 1 being written, 2 ready */
		dma_addr_t dma;
		phys_addr_t mach;
		phys_addr_t phys;
	} sample;
	struct dma_pool *pool;
	u64 pool_mask;
	struct sgblk_pool *cur_pool;
	struct list_head retired;
	atomic_t pool_foreign_frees;
	atomic_long_t pool_bytes;
	struct sgblk_bcache __percpu *bcache;
	unsigned int bcache_size;
	struct sgblk_stats __percpu *stats;
	struct dentry *dbg;
	struct sgblk_knob knobs[SGBLK_NR_KNOBS];
};

/* What a request waited for before it gave up (sgblk_wait_or_fail()). */
enum sgblk_wait {
	SGBLK_WAIT_MAP,
	SGBLK_WAIT_POOL,
	SGBLK_WAIT_STORE,
};

#endif /* SGBLK_H */
