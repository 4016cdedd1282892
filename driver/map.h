/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_MAP_H
#define SGBLK_MAP_H

#include <linux/blk_types.h>
#include "sgblk.h"

blk_status_t sgblk_dma_map(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			   struct request *rq);
void sgblk_dma_unmap(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
		     struct request *rq);
blk_status_t sgblk_wait_or_fail(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
				struct request *rq, enum sgblk_wait what);

#endif /* SGBLK_MAP_H */
