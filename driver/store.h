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
int sgblk_store_write(struct sgblk_store *st, u64 pos, const void *src,
		      unsigned int len);
void sgblk_store_read(struct sgblk_store *st, u64 pos, void *dst,
		      unsigned int len);
void sgblk_store_discard(struct sgblk_store *st, u64 pos, u64 len);

#endif /* SGBLK_STORE_H */
