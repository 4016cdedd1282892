// SPDX-License-Identifier: GPL-2.0
/*
 * The blk-mq side of sgblk: tag set, gendisk, queue_rq and completion.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/highmem.h>
#include "sgblk.h"
#include "compat.h"

static const struct block_device_operations sgblk_fops = {
	.owner = THIS_MODULE,
};

static blk_status_t sgblk_do_rw(struct sgblk_dev *dev, struct request *rq)
{
	u64 pos = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bv;

	rq_for_each_segment(bv, rq, iter) {
		void *p = bvec_kmap_local(&bv);
		int ret = 0;

		if (rq_data_dir(rq) == WRITE)
			ret = sgblk_store_write(&dev->store, pos, p, bv.bv_len);
		else
			sgblk_store_read(&dev->store, pos, p, bv.bv_len);
		kunmap_local(p);
		if (ret)
			return BLK_STS_RESOURCE;
		pos += bv.bv_len;
	}
	return BLK_STS_OK;
}

static blk_status_t sgblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	struct sgblk_dev *dev = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	blk_status_t sts = BLK_STS_OK;

	blk_mq_start_request(rq);
	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (dev->conf.backend == SGBLK_BACKEND_MEMORY)
			sts = sgblk_do_rw(dev, rq);
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		if (dev->conf.backend == SGBLK_BACKEND_MEMORY)
			sgblk_store_discard(&dev->store,
					    (u64)blk_rq_pos(rq) << SECTOR_SHIFT,
					    blk_rq_bytes(rq));
		break;
	case REQ_OP_FLUSH:
		break;
	default:
		sts = BLK_STS_NOTSUPP;
	}
	if (sts == BLK_STS_RESOURCE)
		return sts;
	blk_mq_end_request(rq, sts);
	return BLK_STS_OK;
}

static const struct blk_mq_ops sgblk_mq_ops = {
	.queue_rq = sgblk_queue_rq,
};

/**
 * sgblk_blk_create - set up the tag set and register the disk
 * @dev: the device, its conf filled in
 *
 * Return: 0 or a negative errno; nothing is left allocated on failure.
 */
int sgblk_blk_create(struct sgblk_dev *dev)
{
	struct blk_mq_tag_set *set = &dev->tag_set;
	struct sgblk_qlimits lim = {
		.lbs = dev->conf.bs,
		.max_hw_sectors = 2048,
		.max_segments = 128,
		.max_segment_size = UINT_MAX,
		.seg_boundary_mask = ULONG_MAX,
		.dma_alignment = 511,
		.max_discard_sectors = UINT_MAX >> SECTOR_SHIFT,
	};
	struct gendisk *disk;
	int ret;

	set->ops = &sgblk_mq_ops;
	set->nr_hw_queues = dev->conf.submit_queues;
	set->queue_depth = dev->conf.queue_depth;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->driver_data = dev;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		return ret;

	disk = sgblk_alloc_disk(set, &lim, dev);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto err_tagset;
	}
	disk->fops = &sgblk_fops;
	disk->private_data = dev;
	snprintf(disk->disk_name, DISK_NAME_LEN, SGBLK_NAME "%d", dev->index);
	set_capacity(disk, dev->conf.capacity_mb << (20 - SECTOR_SHIFT));
	ret = add_disk(disk);
	if (ret)
		goto err_disk;
	dev->disk = disk;
	return 0;

err_disk:
	put_disk(disk);
err_tagset:
	blk_mq_free_tag_set(set);
	return ret;
}

void sgblk_blk_destroy(struct sgblk_dev *dev)
{
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	blk_mq_free_tag_set(&dev->tag_set);
}
