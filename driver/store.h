/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_STORE_H
#define SGBLK_STORE_H

#include <linux/xarray.h>
#include <linux/types.h>

/**
 * struct sgblk_store - the "media" behind a memory-backed device
 * @pages: one page per PAGE_SIZE of capacity, allocated on first write,
 *	indexed by page number (as brd does); unwritten ranges read as zero
 * @nr_pages: pages currently allocated, for debugfs
 */
struct sgblk_store {
	struct xarray pages;
	atomic_long_t nr_pages;
};

void sgblk_store_init(struct sgblk_store *st);
void sgblk_store_destroy(struct sgblk_store *st);
/*
 * A position in the store kept across descriptors of one request: the
 * page last looked up, and an xarray walk that reaches the next page from
 * there (@walk: @xas is at @idx).
 */
struct sgblk_store_cur {
	unsigned long idx;
	struct page *page;
	struct xa_state xas;
	bool walk;
};

#define SGBLK_STORE_CUR_INIT { .idx = ULONG_MAX, .page = NULL, .walk = false }

int sgblk_store_copy(struct sgblk_store *st, struct sgblk_store_cur *cur,
		     u64 pos, void *buf, unsigned int len, bool write);
void sgblk_store_discard(struct sgblk_store *st, u64 pos, u64 len);

#endif /* SGBLK_STORE_H */
