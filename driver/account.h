/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_ACCOUNT_H
#define SGBLK_ACCOUNT_H

#include <linux/blk-mq.h>
#include "sgblk.h"

/* A read or write the device took: what every request is counted by (inline: every request). */
static inline void sgblk_account_rq(struct sgblk_dev *dev, struct request *rq)
{
	sgblk_stat_inc(dev, requests);
	if (rq_data_dir(rq) == WRITE) {
		sgblk_stat_inc(dev, writes);
		sgblk_stat_add(dev, bytes_written, blk_rq_bytes(rq));
	} else {
		sgblk_stat_inc(dev, reads);
		sgblk_stat_add(dev, bytes_read, blk_rq_bytes(rq));
	}
}

void sgblk_account_dma(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
		       struct request *rq);

#endif /* SGBLK_ACCOUNT_H */
