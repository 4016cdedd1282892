// SPDX-License-Identifier: GPL-2.0
/*
 * The memory backend: pages allocated on first write in an xarray, freed by
 * discard and write-zeroes.  Callers run in queue_rq, which must not sleep,
 * so allocations are GFP_NOWAIT and a failure is reported for a requeue.
 * Copies run under the caller's RCU read lock and discard frees pages after
 * a grace period, so a discard racing with I/O to the same range loses data,
 * never memory safety.
 */
#include <linux/highmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include "store.h"

static void sgblk_store_free_rcu(struct rcu_head *head)
{
	__free_page(container_of(head, struct page, rcu_head));
}

void sgblk_store_init(struct sgblk_store *st)
{
	xa_init(&st->pages);
	atomic_long_set(&st->nr_pages, 0);
}

void sgblk_store_destroy(struct sgblk_store *st)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(&st->pages, idx, page) {
		__free_page(page);
		cond_resched();
	}
	xa_destroy(&st->pages);
	rcu_barrier();	/* pages discarded earlier */
	atomic_long_set(&st->nr_pages, 0);
}

static struct page *sgblk_store_page_get(struct sgblk_store *st,
					 unsigned long idx)
{
	struct page *page, *cur;

	page = xa_load(&st->pages, idx);
	if (page)
		return page;
	page = alloc_page(GFP_NOWAIT | __GFP_NOWARN | __GFP_ZERO);
	if (!page)
		return NULL;
	cur = xa_cmpxchg(&st->pages, idx, NULL, page, GFP_NOWAIT | __GFP_NOWARN);
	if (unlikely(cur)) {
		__free_page(page);
		return xa_is_err(cur) ? NULL : cur;
	}
	atomic_long_inc(&st->nr_pages);
	return page;
}

/*
 * The page at @idx, NULL if never written.  Requests move consecutive
 * pages: from the previous one the cursor steps to the next slot (mostly
 * in the same xarray node) instead of descending from the root each time.
 * Under rcu_read_lock(), as any xarray walk.
 */
static struct page *sgblk_store_find(struct sgblk_store *st,
				     struct sgblk_store_cur *cur,
				     unsigned long idx)
{
	void *entry;

	if (cur->walk && idx == cur->idx + 1) {
		entry = xas_next(&cur->xas);
	} else {
		cur->xas = (struct xa_state)__XA_STATE(&st->pages, idx, 0, 0);
		entry = xas_load(&cur->xas);
	}
	/* a node freed by a concurrent discard: load again from the root */
	while (xas_retry(&cur->xas, entry))
		entry = xas_load(&cur->xas);
	cur->walk = true;
	return entry;
}

/**
 * sgblk_store_copy - move bytes between the media at @pos and @buf
 * @st: the store
 * @cur: the caller's cursor: the last page looked up, so consecutive
 *	descriptors on one page cost one xarray lookup, not one each, and
 *	the next page is one step away
 * @pos: byte offset on the device
 * @buf: kernel mapping of the other side
 * @len: bytes
 * @write: true moves @buf to the media (allocating pages), false the reverse
 *	(unwritten pages read as zeroes)
 *
 * The caller holds rcu_read_lock() for as long as it uses @cur.
 * Return: 0, or -ENOMEM when a page could not be allocated without sleeping
 * (the caller requeues; pages already written stay valid).
 */
int sgblk_store_copy(struct sgblk_store *st, struct sgblk_store_cur *cur,
		     u64 pos, void *buf, unsigned int len, bool write)
{
	while (len) {
		unsigned long idx = pos >> PAGE_SHIFT;
		unsigned int off = offset_in_page(pos);
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - off);

		if (idx != cur->idx || (write && !cur->page)) {
			cur->page = sgblk_store_find(st, cur, idx);
			if (write && !cur->page) {
				cur->page = sgblk_store_page_get(st, idx);
				/* the tree changed: the next page is looked up afresh */
				cur->walk = false;
			}
			cur->idx = idx;
			if (write && !cur->page)
				return -ENOMEM;
		}
		if (write)
			memcpy_to_page(cur->page, off, buf, n);
		else if (cur->page)
			memcpy_from_page(buf, cur->page, off, n);
		else
			memset(buf, 0, n);
		pos += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Whole pages in the range are freed; partial ones are zeroed. */
void sgblk_store_discard(struct sgblk_store *st, u64 pos, u64 len)
{
	while (len) {
		unsigned int off = offset_in_page(pos);
		unsigned int n = min_t(u64, len, PAGE_SIZE - off);
		unsigned long idx = pos >> PAGE_SHIFT;
		struct page *page;

		if (n == PAGE_SIZE) {
			page = xa_erase(&st->pages, idx);
			if (page) {
				call_rcu(&page->rcu_head, sgblk_store_free_rcu);
				atomic_long_dec(&st->nr_pages);
			}
		} else {
			rcu_read_lock();
			page = xa_load(&st->pages, idx);
			if (page)
				memzero_page(page, off, n);
			rcu_read_unlock();
		}
		pos += n;
		len -= n;
	}
}
