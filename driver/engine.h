/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_ENGINE_H
#define SGBLK_ENGINE_H

#include <linux/blk_types.h>

struct request;
struct sgblk_cmd;
struct sgblk_dev;

blk_status_t sgblk_engine_run(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			      struct request *rq);

#endif /* SGBLK_ENGINE_H */
