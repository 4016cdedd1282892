/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_ACCOUNT_H
#define SGBLK_ACCOUNT_H

struct request;
struct sgblk_cmd;
struct sgblk_dev;

void sgblk_account_rq(struct sgblk_dev *dev, struct request *rq);
void sgblk_account_dma(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
		       struct request *rq);

#endif /* SGBLK_ACCOUNT_H */
