/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_DMA_H
#define SGBLK_DMA_H

#include "sgblk.h"

struct seq_file;

/* The device every mapping of @dev is made for (on every request: inline). */
static inline struct device *sgblk_dma_dev(struct sgblk_dev *dev)
{
	return dev->dmadev;
}

int sgblk_dma_init(struct sgblk_dev *dev);
void sgblk_dma_exit(struct sgblk_dev *dev);
void sgblk_dma_stop(struct sgblk_dev *dev);
struct sgblk_pool *sgblk_dma_pool_new(struct sgblk_dev *dev,
				      const struct sgblk_profile *p);
int sgblk_dma_prepare(struct sgblk_dev *dev, const struct sgblk_profile *p,
		      struct sgblk_pool *next);
void sgblk_dma_commit(struct sgblk_dev *dev, const struct sgblk_profile *p,
		      struct sgblk_pool *next);
void sgblk_dma_abort(struct sgblk_dev *dev, struct sgblk_pool *next);
void sgblk_dma_reap(struct sgblk_dev *dev);
void sgblk_dma_qlimits(struct sgblk_dev *dev, struct sgblk_qlimits *l);
void sgblk_dma_show(struct seq_file *m, struct sgblk_dev *dev);

#endif /* SGBLK_DMA_H */
