/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_BCACHE_H
#define SGBLK_BCACHE_H

/* Per-CPU caches of free bounce buffers. */
struct sgblk_cmd;
struct sgblk_dev;
struct sgplan_profile;

int sgblk_bcache_init(struct sgblk_dev *dev);
void sgblk_bcache_exit(struct sgblk_dev *dev);
unsigned int sgblk_bcache_size(const struct sgplan_profile *pl);
void sgblk_bcache_drain(struct sgblk_dev *dev);
unsigned int sgblk_bounce_get(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
			      unsigned int want);
unsigned int sgblk_bounce_put(struct sgblk_dev *dev, struct sgblk_cmd *cmd);

#endif /* SGBLK_BCACHE_H */
