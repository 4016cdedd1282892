/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_BLK_H
#define SGBLK_BLK_H

#include "conf.h"

struct sgblk_dev;

int sgblk_blk_alloc(struct sgblk_dev *dev);
int sgblk_blk_add(struct sgblk_dev *dev);
void sgblk_blk_free(struct sgblk_dev *dev);
void sgblk_blk_destroy(struct sgblk_dev *dev);
void sgblk_blk_stop(struct sgblk_dev *dev);
int sgblk_set_profile(struct sgblk_dev *dev, const struct sgblk_profile *p);
int sgblk_set_map(struct sgblk_dev *dev, enum sgblk_map map);
void sgblk_conf_read(struct sgblk_dev *dev, struct sgblk_profile *p,
		     enum sgblk_map *map);

#endif /* SGBLK_BLK_H */
