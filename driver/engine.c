// SPDX-License-Identifier: GPL-2.0
/*
 * The software DMA engine: executes a request's descriptors the way a
 * device would, reaching memory only through the DMA addresses in them
 * (DMA address -> physical address -> the direct map, or a page and
 * kmap_local), never through the request's own page pointers.  A wrong
 * mapping or a wrong bounce therefore moves the wrong bytes, and fio's
 * verification sees it.  For a device that is not cache-coherent it also
 * reaches memory as such a device does, at the point of coherency
 * (sgblk_engine_poc()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include "sgblk.h"
#include "engine.h"
#include "dma.h"
#include "compat.h"

/*
 * An IOVA outside the domain's aperture faults in the IOMMU, as an address
 * its page tables cannot hold.  The IOMMU API need not say so: arm's
 * io-pgtable (SMMUv3) indexes its tables with the bits below its input
 * size and ignores those above, so it would translate such an address to
 * the page its low bits name.  0: no translation.
 */
static inline phys_addr_t sgblk_iommu_to_phys(struct iommu_domain *dom,
					      dma_addr_t addr)
{
	const struct iommu_domain_geometry *g = &dom->geometry;

	if (g->force_aperture &&
	    (addr < g->aperture_start || addr > g->aperture_end))
		return 0;
	return iommu_iova_to_phys(dom, addr);
}

/**
 * sgblk_dma_to_phys - translate one DMA address as the device's bus would
 * @dev: the device
 * @addr: a DMA address
 * @phys: the physical address it reaches
 *
 * With an IOMMU domain the IOMMU translates (an identity domain returns the
 * address itself; one outside the domain's aperture faults).  Under Xen
 * the address is a machine address (dma-direct's inverse first, no offset
 * on x86), and the p2m takes the machine frame back to this domain's page;
 * a frame that is not the domain's is a fault.
 * Otherwise dma-direct mapped it, and its own inverse (dma_to_phys: no
 * offset on x86, swiotlb slots are physical memory) does.  The IOMMU API
 * returns 0 for an address nothing is mapped at, and page 0 is a valid pfn
 * on x86: 0 is never treated as memory.
 *
 * Return: true if @addr reaches a valid page.
 */
static bool sgblk_dma_to_phys(struct sgblk_dev *dev, dma_addr_t addr,
			      phys_addr_t *phys)
{
	phys_addr_t p, mach = 0;

	if (dev->iommu) {
		p = sgblk_iommu_to_phys(dev->iommu, addr);
	} else if (dev->xen) {
		mach = dma_to_phys(sgblk_dma_dev(dev), addr);
		p = sgblk_xen_mach_to_phys(mach);
	} else {
		p = dma_to_phys(sgblk_dma_dev(dev), addr);
	}
	*phys = p;
	if (!p || !pfn_valid(PHYS_PFN(p)))
		return false;
	/* One CPU, once, records a sample; then this is a load and a branch. */
	if (unlikely(atomic_read(&dev->sample.state) == 0) &&
	    atomic_cmpxchg(&dev->sample.state, 0, 1) == 0) {
		dev->sample.dma = addr;
		dev->sample.mach = mach;
		dev->sample.phys = p;
		atomic_set_release(&dev->sample.state, 2);
	}
	return true;
}

/*
 * pfn_valid() gives one answer for a whole subsection (SPARSEMEM keeps its
 * validity per section and subsection), so a physically linear run needs
 * one check per subsection it touches, not one per page.
 */
#ifdef SUBSECTION_SIZE
#define SGBLK_PFN_VALID_SPAN	SUBSECTION_SIZE
#else
#define SGBLK_PFN_VALID_SPAN	PAGE_SIZE
#endif

/**
 * sgblk_engine_poc - move bytes as a non-coherent device does
 * @dev: the device, not cache-coherent
 * @cur: the store cursor
 * @pos: the store offset
 * @va: the bytes' address in the kernel's cacheable linear map
 * @n: how many
 * @write: true for a write request (the device reads memory)
 *
 * A non-coherent master reads and writes memory at the point of coherency
 * (PoC), never a CPU cache.  The engine's copy goes through the cacheable
 * linear map, so it is bracketed with a clean and invalidate to PoC of the
 * lines it touches.  Before it, in both directions: no line of the range
 * stays cached, so the copy reads (or fills the lines it partly writes)
 * from PoC; a clean line a speculative fetch brought in meanwhile holds
 * PoC's data too.  That matters where the CPU wrote the buffer through
 * another alias (dma_pool memory is mapped non-cacheable for a
 * non-coherent device) and the linear map could hold a stale line.  After
 * a device write: the new bytes reach PoC before the request completes,
 * and no dirty line is left for the unmap's invalidate to discard (on real
 * hardware it would, and the data would be lost).  The cleans never drop
 * CPU data: a line the CPU dirtied (which the DMA API forbids while the
 * device owns the buffer) is written back, not discarded.  Counted in
 * engine_cache_bytes, once per byte moved; the instructions are
 * this function's in make profile.
 *
 * Return: as sgblk_store_copy().
 */
static noinline int sgblk_engine_poc(struct sgblk_dev *dev,
				     struct sgblk_store_cur *cur, u64 pos,
				     void *va, unsigned int n, bool write)
{
	int ret;

	sgblk_poc_clean_inval(va, n, dev->poc_line);
	ret = sgblk_store_copy(&dev->store, cur, pos, va, n, write);
	if (!write)
		sgblk_poc_clean_inval(va, n, dev->poc_line);
	sgblk_stat_add(dev, engine_cache_bytes, n);
	return ret;
}

/* One run of bytes at @va, as the device's coherence asks. */
static inline int sgblk_engine_bytes(struct sgblk_dev *dev,
				     struct sgblk_store_cur *cur, u64 pos,
				     void *va, unsigned int n, bool write)
{
	if (unlikely(dev->noncoherent))
		return sgblk_engine_poc(dev, cur, pos, va, n, write);
	return sgblk_store_copy(&dev->store, cur, pos, va, n, write);
}

/*
 * Move @len bytes at DMA address @addr to or from the store at @pos.
 * Contiguous DMA addresses are not contiguous physical memory behind an
 * IOMMU (merged elements, dma_pool pages), nor under Xen (consecutive
 * machine frames may be any of the domain's pages), so there every page is
 * translated and mapped on its own.  dma-direct maps linearly, and so does
 * the kernel's direct map where there is no highmem: there one translation
 * and one copy reach to the end of the span over which pfn_valid() gives
 * one answer.  An address that does not translate is a device fault, never
 * a memory access.
 */
static int sgblk_engine_copy(struct sgblk_dev *dev, struct sgblk_store_cur *cur,
			     dma_addr_t addr, u32 len, u64 pos, bool write)
{
	bool linear = !dev->iommu && !dev->xen && !IS_ENABLED(CONFIG_HIGHMEM);

	while (len) {
		phys_addr_t phys;
		unsigned int n;
		int ret;

		if (!sgblk_dma_to_phys(dev, addr, &phys))
			return -EFAULT;
		if (linear) {
			n = min_t(u64, len, SGBLK_PFN_VALID_SPAN -
				  (phys & (SGBLK_PFN_VALID_SPAN - 1)));
			ret = sgblk_engine_bytes(dev, cur, pos,
						 phys_to_virt(phys), n, write);
		} else {
			void *va = kmap_local_page(pfn_to_page(PHYS_PFN(phys)));

			n = min_t(u32, len, PAGE_SIZE - offset_in_page(phys));
			ret = sgblk_engine_bytes(dev, cur, pos,
						 va + offset_in_page(phys), n, write);
			kunmap_local(va);
		}
		if (ret)
			return ret;
		addr += n;
		pos += n;
		len -= n;
	}
	return 0;
}

/* Each descriptor checked as hardware would; a violation is only counted. */
static void sgblk_engine_check(struct sgblk_dev *dev,
			       const struct sgplan_profile *pl,
			       const struct sgplan_desc *ds, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i = j) {
		u32 len, bad = sgplan_check_run(pl, ds, i, n, &j, &len);

		if (unlikely(bad))
			sgblk_stat_add(dev, rule_violations, bad);
	}
}

/*
 * The memory backend's half of sgblk_engine_run(), out of line: the null
 * backend, which moves nothing, would otherwise pay for its frame.
 */
static noinline blk_status_t sgblk_engine_move(struct sgblk_dev *dev,
					       struct sgblk_cmd *cmd,
					       struct request *rq)
{
	const struct sgplan_profile *pl = &dev->conf.profile.plan;
	bool write = rq_data_dir(rq) == WRITE;
	u64 base = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	struct sgblk_store_cur cur = SGBLK_STORE_CUR_INIT;
	unsigned int i, j, n = cmd->plan.ndescs;
	blk_status_t sts = BLK_STS_OK;
	bool mis;
	int ret;

	if (write && sgblk_fault_every(&dev->knobs[SGBLK_KNOB_FAIL_STORE_EVERY])) {
		sgblk_stat_inc(dev, injected_store_failures);
		return BLK_STS_RESOURCE;
	}
	mis = n > 1 && sgblk_fault_every(&dev->knobs[SGBLK_KNOB_MISDIRECT_EVERY]);
	/* The store cursor stays valid for the whole request. */
	rcu_read_lock();
	for (i = 0; i < n; i = j) {
		const struct sgplan_desc *ds = &cmd->descs[i];
		dma_addr_t addr = ds->addr;
		u32 len, bad;

		/* A run moves as one copy; each descriptor is still checked. */
		bad = sgplan_check_run(pl, cmd->descs, i, n, &j, &len);
		if (unlikely(bad))
			sgblk_stat_add(dev, rule_violations, bad);
		if (unlikely(mis) && i == 0) {
			/* The negative control: the request's own last buffer. */
			addr = cmd->descs[n - 1].addr;
			len = min(len, cmd->descs[n - 1].len);
			sgblk_stat_inc(dev, injected_misdirects);
		}
		ret = sgblk_engine_copy(dev, &cur, addr, len, base + ds->req_off, write);
		if (unlikely(ret == -ENOMEM)) {
			sts = BLK_STS_RESOURCE;
			break;
		}
		if (unlikely(ret)) {
			sgblk_stat_inc(dev, engine_faults);
			sts = BLK_STS_IOERR;
			break;
		}
	}
	rcu_read_unlock();
	return sts;
}

/**
 * sgblk_engine_run - execute a mapped request's descriptors
 * @dev: the device
 * @cmd: the request's driver data, its mapping owned by the device
 * @rq: the request
 *
 * Every descriptor is checked against the profile as hardware would; a
 * violation is counted (and still executed, so the data shows the damage).
 * The null backend only checks them.
 * Return: BLK_STS_OK; BLK_STS_RESOURCE when the memory backend could not
 * allocate a page without sleeping; BLK_STS_IOERR for an address that does
 * not translate to memory (counted in engine_faults).
 */
blk_status_t sgblk_engine_run(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			      struct request *rq)
{
	const struct sgplan_profile *pl = &dev->conf.profile.plan;
	unsigned int n = cmd->plan.ndescs;

	if (unlikely(cmd->owner != SGBLK_OWN_DEVICE))
		sgblk_stat_inc(dev, own_violations);
	if (unlikely(pl->max_descs && n > pl->max_descs))
		sgblk_stat_inc(dev, rule_violations);
	if (dev->conf.backend == SGBLK_BACKEND_MEMORY)
		return sgblk_engine_move(dev, cmd, rq);
	sgblk_engine_check(dev, pl, cmd->descs, n);
	return BLK_STS_OK;
}
