/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_DEV_H
#define SGBLK_DEV_H

#include <linux/types.h>

struct block_device;
struct sgblk_conf;
struct sgblk_dev;

struct sgblk_dev *sgblk_dev_alloc(const struct sgblk_conf *conf);
int sgblk_dev_add_all(struct sgblk_dev **devs, unsigned int n);
void sgblk_dev_put_unadded(struct sgblk_dev *dev);
void sgblk_dev_remove_all(void);
struct sgblk_dev *sgblk_dev_create(const struct sgblk_conf *conf);
void sgblk_dev_destroy(struct sgblk_dev *dev);
int sgblk_dev_find_devt(int index, const char *name, dev_t *devt);
int sgblk_dev_check_bdev(struct block_device *bdev, int index, const char *name);

#endif /* SGBLK_DEV_H */
