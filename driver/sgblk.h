/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_H
#define SGBLK_H

#include <linux/blk-mq.h>
#include <linux/list.h>
#include "store.h"

#define SGBLK_NAME "sgblk"

enum sgblk_backend {
	SGBLK_BACKEND_MEMORY,
	SGBLK_BACKEND_NULL,
};

enum sgblk_completion {
	SGBLK_COMP_INLINE,
	SGBLK_COMP_SOFTIRQ,
	SGBLK_COMP_TIMER,
};

/**
 * struct sgblk_conf - what a device is created with (module parameters or
 *	configfs attributes); fixed while the device is powered on
 */
struct sgblk_conf {
	u64 capacity_mb;
	enum sgblk_backend backend;
	unsigned int bs;
	unsigned int submit_queues;
	unsigned int poll_queues;
	unsigned int queue_depth;
	enum sgblk_completion completion;
	u64 completion_nsec;
};

/**
 * struct sgblk_dev - one sgblk disk
 * @list: on the module's device list
 * @index: N in sgblkN
 * @conf: creation parameters
 * @tag_set: blk-mq tag set
 * @disk: the gendisk
 * @store: the memory backend's pages
 */
struct sgblk_dev {
	struct list_head list;
	int index;
	struct sgblk_conf conf;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	struct sgblk_store store;
};

int sgblk_conf_check(const struct sgblk_conf *conf);
int sgblk_blk_create(struct sgblk_dev *dev);
void sgblk_blk_destroy(struct sgblk_dev *dev);

#endif /* SGBLK_H */
