/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_BOUNCE_H
#define SGBLK_BOUNCE_H

#include <linux/types.h>

struct request;
struct sgblk_cmd;
struct sgblk_dev;

int sgblk_bounce_alloc(struct sgblk_dev *dev, struct sgblk_cmd *cmd);
void sgblk_bounce_copy(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
		       struct request *rq, bool to_device);
void sgblk_bounce_free(struct sgblk_dev *dev, struct sgblk_cmd *cmd);

#endif /* SGBLK_BOUNCE_H */
