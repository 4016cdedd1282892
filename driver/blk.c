// SPDX-License-Identifier: GPL-2.0
/*
 * The blk-mq side of sgblk: tag set, gendisk, queue_rq, the completion
 * modes (inline, softirq, hrtimer), poll queues, and profile changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/slab.h>
#include "sgblk.h"
#include "blk.h"
#include "dma.h"
#include "map.h"
#include "engine.h"
#include "account.h"
#include "compat.h"

/* Requests completed by ->poll on a poll queue wait here. */
struct sgblk_queue {
	spinlock_t lock;	/* protects poll_list */
	struct list_head poll_list;
};

static const struct block_device_operations sgblk_fops = {
	.owner = THIS_MODULE,
};

/*
 * Injected faults strike before any data moves: a failed request leaves
 * the medium (writes) and the buffer (reads) as they were.
 */
static bool sgblk_inject_error(struct sgblk_dev *dev)
{
	if (sgblk_fault_every(&dev->knobs[SGBLK_KNOB_FAIL_REQUEST_EVERY]) ||
	    sgblk_fault_percent(&dev->knobs[SGBLK_KNOB_FAIL_REQUEST_PERCENT])) {
		sgblk_stat_inc(dev, injected_errors);
		return true;
	}
	return false;
}

/*
 * A dropped request stays mapped, as if the device had taken the command
 * and lost it; sgblk_timeout() unmaps and ends it.
 */
static bool sgblk_inject_drop(struct sgblk_dev *dev, struct sgblk_cmd *cmd)
{
	if (!sgblk_fault_every(&dev->knobs[SGBLK_KNOB_DROP_REQUEST_EVERY]))
		return false;
	sgblk_stat_inc(dev, injected_drops);
	WRITE_ONCE(cmd->dropped, true);
	return true;
}

/*
 * Map, plan and execute one read or write.  *@dropped: fault injection lost
 * it, and only the timeout ends it (decided here, before anyone else can
 * see the request).
 */
static blk_status_t sgblk_do_rw(struct sgblk_dev *dev, struct sgblk_cmd *cmd,
				struct request *rq, bool *dropped)
{
	blk_status_t sts;

	if (unlikely(READ_ONCE(dev->dma_gone))) {
		sgblk_stat_inc(dev, dma_dev_gone);
		cmd->status = BLK_STS_IOERR;
		return BLK_STS_OK;
	}
	if (sgblk_inject_error(dev)) {
		cmd->status = BLK_STS_IOERR;
		return BLK_STS_OK;
	}
	sts = sgblk_dma_map(dev, cmd, rq);
	if (sts != BLK_STS_OK)
		return sts;
	if (sgblk_inject_drop(dev, cmd)) {
		/* Mapped and planned: it counts, like any accepted request. */
		sgblk_account_dma(dev, cmd, rq);
		sgblk_account_rq(dev, rq);
		*dropped = true;
		return BLK_STS_OK;
	}
	sts = sgblk_engine_run(dev, cmd, rq);
	if (sts == BLK_STS_RESOURCE) {
		/* No store page: undo the mapping, then retry or give up. */
		cmd->status = sts;
		sgblk_dma_unmap(dev, cmd, rq);
		return sgblk_wait_or_fail(dev, cmd, rq, SGBLK_WAIT_STORE);
	}
	cmd->wait_since = 0;
	cmd->status = sts;
	sgblk_account_dma(dev, cmd, rq);
	sgblk_account_rq(dev, rq);
	return BLK_STS_OK;
}

/*
 * Completion side of a request: DMA teardown, then end it, or leave it in
 * @iob (may be NULL) for the caller to end with the rest of a batch.
 */
static void sgblk_finish(struct request *rq, struct io_comp_batch *iob)
{
	struct sgblk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct sgblk_dev *dev = cmd->dev;

	if (cmd->owner != SGBLK_OWN_UNMAPPED)
		sgblk_dma_unmap(dev, cmd, rq);
	cmd->wait_since = 0;
	if (cmd->status != BLK_STS_OK)
		sgblk_stat_inc(dev, errors);
	if (blk_mq_add_to_batch(rq, iob, cmd->status != BLK_STS_OK,
				blk_mq_end_request_batch))
		sgblk_stat_inc(dev, batched_completions);
	else
		blk_mq_end_request(rq, cmd->status);
}

static enum hrtimer_restart sgblk_timer_fn(struct hrtimer *t)
{
	struct sgblk_cmd *cmd = container_of(t, struct sgblk_cmd, timer);

	blk_mq_complete_request(blk_mq_rq_from_pdu(cmd));
	return HRTIMER_NORESTART;
}

/*
 * Start @rq and do it.  BLK_STS_RESOURCE: it is to be tried again.  Inline
 * completions go into @iob when the caller ends a batch (may be NULL).
 */
static blk_status_t sgblk_issue(struct blk_mq_hw_ctx *hctx, struct request *rq,
				struct io_comp_batch *iob)
{
	struct sgblk_dev *dev = hctx->queue->queuedata;
	struct sgblk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	blk_status_t sts = BLK_STS_OK;
	bool dropped = false;

	blk_mq_start_request(rq);
	cmd->status = BLK_STS_OK;
	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		sts = sgblk_do_rw(dev, cmd, rq, &dropped);
		if (sts == BLK_STS_RESOURCE) {
			sgblk_stat_inc(dev, requeues);
			return sts;
		}
		if (sts != BLK_STS_OK)
			cmd->status = sts;
		/*
		 * A dropped request belongs to the timeout handler from here
		 * on: the decision was latched above, cmd is not read again.
		 */
		if (unlikely(dropped))
			return BLK_STS_OK;
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		sgblk_stat_inc(dev, other_requests);
		if (dev->conf.backend == SGBLK_BACKEND_MEMORY)
			sgblk_store_discard(&dev->store,
					    (u64)blk_rq_pos(rq) << SECTOR_SHIFT,
					    blk_rq_bytes(rq));
		break;
	case REQ_OP_FLUSH:
		sgblk_stat_inc(dev, other_requests);
		break;
	default:
		cmd->status = BLK_STS_NOTSUPP;
	}

	if (hctx->type == HCTX_TYPE_POLL) {
		struct sgblk_queue *sq = hctx->driver_data;

		spin_lock(&sq->lock);
		list_add_tail(&rq->queuelist, &sq->poll_list);
		spin_unlock(&sq->lock);
		return BLK_STS_OK;
	}
	switch (dev->conf.completion) {
	case SGBLK_COMP_INLINE:
		sgblk_finish(rq, iob);
		break;
	case SGBLK_COMP_SOFTIRQ:
		blk_mq_complete_request(rq);
		break;
	case SGBLK_COMP_TIMER:
		hrtimer_start(&cmd->timer, ns_to_ktime(dev->conf.completion_nsec),
			      HRTIMER_MODE_REL);
		break;
	}
	return BLK_STS_OK;
}

static blk_status_t sgblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	return sgblk_issue(hctx, bd->rq, NULL);
}

/*
 * A plug's worth of requests (io_uring submitting several at once), each
 * done as queue_rq would; the inline completions end together, their tags
 * freed in one go.  A request to be tried again goes back through the
 * requeue list, since it was started.
 */
static void sgblk_queue_rqs(sgblk_rq_list *rqlist)
{
	DEFINE_IO_COMP_BATCH(iob);
	struct request *rq;

	while ((rq = rq_list_pop(rqlist))) {
		struct sgblk_dev *dev = rq->q->queuedata;

		sgblk_stat_inc(dev, batched_requests);
		sgblk_rq_own_tag(rq);
		if (sgblk_issue(rq->mq_hctx, rq, &iob) == BLK_STS_RESOURCE)
			blk_mq_requeue_request(rq, true);
	}
	if (iob.complete)
		iob.complete(&iob);
}

static int sgblk_poll(struct blk_mq_hw_ctx *hctx, struct io_comp_batch *iob)
{
	struct sgblk_queue *sq = hctx->driver_data;
	struct request *rq, *next;
	LIST_HEAD(done);
	int n = 0;

	/*
	 * Marked complete under the lock, as null_blk does: the timeout
	 * handler, which takes the same lock, then leaves them to us.
	 */
	spin_lock(&sq->lock);
	list_splice_init(&sq->poll_list, &done);
	list_for_each_entry(rq, &done, queuelist)
		blk_mq_set_request_complete(rq);
	spin_unlock(&sq->lock);
	list_for_each_entry_safe(rq, next, &done, queuelist) {
		list_del_init(&rq->queuelist);
		sgblk_finish(rq, iob);
		n++;
	}
	return n;
}

static void sgblk_complete(struct request *rq)
{
	sgblk_finish(rq, NULL);
}

/*
 * A request on a poll queue's list that nobody reaps (the submitter stopped
 * polling): taken off the list here unless ->poll already took it.
 * Return: true if it is the caller's to end.
 */
static bool sgblk_poll_timeout(struct request *rq)
{
	struct sgblk_queue *sq = rq->mq_hctx->driver_data;
	bool mine;

	spin_lock(&sq->lock);
	mine = !blk_mq_request_completed(rq);
	if (mine)
		list_del_init(&rq->queuelist);
	spin_unlock(&sq->lock);
	return mine;
}

/**
 * sgblk_timeout - blk-mq timeout handler
 * @rq: the request that has been in flight for the queue's io_timeout
 *
 * Two kinds of request are ended here with BLK_STS_TIMEOUT, after their
 * DMA teardown: one lost by fault injection, and one waiting on a poll
 * queue that nobody polls (its submitter stopped reaping; as null_blk and
 * nvme do, or a profile switch, power-off or rmmod would wait for it
 * forever).  Any other request is still being worked on (a long
 * completion_nsec), so its timer restarts.
 *
 * Return: BLK_EH_DONE for a request ended (or being ended by ->poll), else
 * BLK_EH_RESET_TIMER.
 */
static enum blk_eh_timer_return sgblk_timeout(struct request *rq)
{
	struct sgblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	if (READ_ONCE(cmd->dropped)) {
		WRITE_ONCE(cmd->dropped, false);
	} else if (rq->mq_hctx->type == HCTX_TYPE_POLL) {
		if (!sgblk_poll_timeout(rq))
			return BLK_EH_DONE;
		sgblk_stat_inc(cmd->dev, poll_timeouts);
	} else {
		sgblk_stat_inc(cmd->dev, timeout_rearms);
		return BLK_EH_RESET_TIMER;
	}
	sgblk_stat_inc(cmd->dev, timeouts);
	cmd->status = BLK_STS_TIMEOUT;
	blk_mq_complete_request(rq);
	return BLK_EH_DONE;
}

static int sgblk_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			   unsigned int idx)
{
	struct sgblk_queue *sq = kzalloc(sizeof(*sq), GFP_KERNEL);

	if (!sq)
		return -ENOMEM;
	spin_lock_init(&sq->lock);
	INIT_LIST_HEAD(&sq->poll_list);
	hctx->driver_data = sq;
	return 0;
}

static void sgblk_exit_hctx(struct blk_mq_hw_ctx *hctx, unsigned int idx)
{
	kfree(hctx->driver_data);
	hctx->driver_data = NULL;
}

static void sgblk_exit_request(struct blk_mq_tag_set *set, struct request *rq,
			       unsigned int hctx_idx)
{
	struct sgblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	kfree(cmd->sgl);
	kfree(cmd->segs);
	kvfree(cmd->descs);
	kvfree(cmd->bounce_va);
}

/* Everything the I/O path needs is allocated here, once per tag. */
static int sgblk_init_request(struct blk_mq_tag_set *set, struct request *rq,
			      unsigned int hctx_idx, sgblk_numa_node_t numa_node)
{
	struct sgblk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct sgblk_dev *dev = set->driver_data;
	unsigned int n = dev->conf.sgl_entries;

	cmd->dev = dev;
	cmd->owner = SGBLK_OWN_UNMAPPED;
	cmd->sgl = kcalloc_node(n, sizeof(*cmd->sgl), GFP_KERNEL, numa_node);
	/* One spare: sgblk_map_iter() catches a request with too many. */
	cmd->segs = kcalloc_node(n + 1, sizeof(*cmd->segs), GFP_KERNEL,
				 numa_node);
	cmd->descs = kvcalloc(SGBLK_RING_DESCS, sizeof(*cmd->descs), GFP_KERNEL);
	cmd->bounce_va = kvcalloc(SGBLK_RING_DESCS, sizeof(*cmd->bounce_va),
				  GFP_KERNEL);
	if (!cmd->sgl || !cmd->segs || !cmd->descs || !cmd->bounce_va) {
		sgblk_exit_request(set, rq, hctx_idx);
		return -ENOMEM;
	}
	sg_init_table(cmd->sgl, n);
	sgblk_hrtimer_setup(&cmd->timer, sgblk_timer_fn);
	return 0;
}

static void sgblk_map_queues(struct blk_mq_tag_set *set)
{
	struct sgblk_dev *dev = set->driver_data;
	unsigned int i, off = 0;

	for (i = 0; i < set->nr_maps; i++) {
		struct blk_mq_queue_map *map = &set->map[i];

		switch (i) {
		case HCTX_TYPE_DEFAULT:
			map->nr_queues = dev->conf.submit_queues;
			break;
		case HCTX_TYPE_READ:
			map->nr_queues = 0;
			continue;
		case HCTX_TYPE_POLL:
			map->nr_queues = dev->conf.poll_queues;
			break;
		}
		map->queue_offset = off;
		off += map->nr_queues;
		blk_mq_map_queues(map);
	}
}

#ifdef CONFIG_BLK_DEBUG_FS
/**
 * sgblk_show_rq - sgblk's part of a request in blk-mq's debugfs
 * @m: the busy (or dispatch, requeue_list) file being read
 * @rq: a request
 *
 * Where sgblk holds a request tells a lost one from a slow one: mapped,
 * dropped by fault injection (the timeout ends it), on a poll list (only
 * ->poll ends it), waiting for its completion timer, or retried for want
 * of mapping space, bounce buffers or store pages.
 */
static void sgblk_show_rq(struct seq_file *m, struct request *rq)
{
	struct sgblk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	u64 since = READ_ONCE(cmd->wait_since);

	seq_printf(m, ", .sgblk={%s", cmd->owner == SGBLK_OWN_DEVICE ?
		   "mapped" : "unmapped");
	if (READ_ONCE(cmd->dropped))
		seq_puts(m, ", dropped");
	/* Started on a poll queue and not lost: on its list, or about to be. */
	if (rq->mq_hctx->type == HCTX_TYPE_POLL && !READ_ONCE(cmd->dropped) &&
	    blk_mq_rq_state(rq) == MQ_RQ_IN_FLIGHT)
		seq_puts(m, ", poll_list");
	if (hrtimer_is_queued(&cmd->timer))
		seq_puts(m, ", timer");
	if (since)
		seq_printf(m, ", waiting %llu ms",
			   div_u64(ktime_get_ns() - since, NSEC_PER_MSEC));
	seq_putc(m, '}');
}
#endif

static const struct blk_mq_ops sgblk_mq_ops = {
	.queue_rq = sgblk_queue_rq,
	.queue_rqs = sgblk_queue_rqs,
	.complete = sgblk_complete,
	.timeout = sgblk_timeout,
	.poll = sgblk_poll,
	.map_queues = sgblk_map_queues,
	.init_hctx = sgblk_init_hctx,
	.exit_hctx = sgblk_exit_hctx,
	.init_request = sgblk_init_request,
	.exit_request = sgblk_exit_request,
#ifdef CONFIG_BLK_DEBUG_FS
	.show_rq = sgblk_show_rq,
#endif
};

/*
 * The queue limits of a device under a profile: built here only, for
 * creation and for every profile switch alike.
 */
static void sgblk_dev_qlimits(struct sgblk_dev *dev,
			      const struct sgblk_profile *p,
			      struct sgblk_qlimits *lim)
{
	sgblk_profile_qlimits(p, dev->conf.bs, lim);
	sgblk_dma_qlimits(dev, lim);
	lim->max_discard_sectors = dev->conf.backend == SGBLK_BACKEND_MEMORY ?
				   UINT_MAX >> SECTOR_SHIFT : 0;
	lim->poll = dev->conf.poll_queues;
}

/**
 * sgblk_set_profile - switch a live device to another DMA profile
 * @dev: the device
 * @p: the new profile, already validated
 *
 * The queue is frozen for the switch: requests in flight complete under the
 * old profile, later ones start under the new one; the switch itself
 * fails or loses none.  The limits update starts before the freeze: the
 * kernel takes the queue's limits lock, then freezes (6.14+ sysfs stores),
 * and so does this.
 * Return: 0, or a negative errno (-ENODEV: the DMA device is gone) with the
 * old profile, its limits and its bounce pool still active.
 */
int sgblk_set_profile(struct sgblk_dev *dev, const struct sgblk_profile *p)
{
	struct request_queue *q = dev->disk->queue;
	struct sgblk_qlimits lim = { };
	struct sgblk_lim_update u;
	struct sgblk_pool *next;
	unsigned int memflags;
	int ret;

	mutex_lock(&dev->profile_lock);
	if (dev->dma_gone) {
		ret = -ENODEV;
		goto unlock;
	}
	/* The pool registry's lock is not taken under the freeze. */
	next = sgblk_dma_pool_new(dev, p);
	if (!next) {
		ret = -ENOMEM;
		goto unlock;
	}
	sgblk_limits_start(q, &u);
	memflags = sgblk_freeze_queue(q);
	ret = sgblk_dma_prepare(dev, p, next);
	if (ret) {
		sgblk_limits_cancel(q);
		sgblk_dma_abort(dev, next);
		goto out;
	}
	sgblk_dev_qlimits(dev, p, &lim);
	ret = sgblk_limits_commit(q, &u, &lim);
	if (ret) {
		sgblk_dma_abort(dev, next);
		goto out;
	}
	sgblk_dma_commit(dev, p, next);
	spin_lock(&dev->conf_lock);
	dev->conf.profile = *p;
	spin_unlock(&dev->conf_lock);
out:
	sgblk_unfreeze_queue(q, memflags);
	sgblk_dma_reap(dev);
unlock:
	mutex_unlock(&dev->profile_lock);
	return ret;
}

/**
 * sgblk_set_map - switch a live device to another DMA mapping path
 * @dev: the device
 * @map: the new path
 *
 * As a profile switch: with the queue frozen, so every request is unmapped
 * the way it was mapped.  Nothing else changes: both paths take the same
 * limits, planner and bounce pool.
 * Return: 0, or -EOPNOTSUPP (this kernel cannot map that way, logged) with
 * the old path still active.
 */
int sgblk_set_map(struct sgblk_dev *dev, enum sgblk_map map)
{
	struct request_queue *q = dev->disk->queue;
	unsigned int memflags;
	int ret;

	ret = sgblk_map_check(map);
	if (ret)
		return ret;
	mutex_lock(&dev->profile_lock);
	memflags = sgblk_freeze_queue(q);
	spin_lock(&dev->conf_lock);
	dev->conf.map = map;
	spin_unlock(&dev->conf_lock);
	sgblk_unfreeze_queue(q, memflags);
	mutex_unlock(&dev->profile_lock);
	return 0;
}

/**
 * sgblk_conf_read - the active profile and mapping path, for readers
 *	outside the I/O path
 * @dev: the device
 * @p: filled in with the profile, unless NULL
 * @map: filled in with the path, unless NULL
 *
 * Never waits on a profile switch's freeze: a reader (configfs, debugfs;
 * some world-readable) cannot stall the writers behind it.
 */
void sgblk_conf_read(struct sgblk_dev *dev, struct sgblk_profile *p,
		     enum sgblk_map *map)
{
	spin_lock(&dev->conf_lock);
	if (p)
		*p = dev->conf.profile;
	if (map)
		*map = dev->conf.map;
	spin_unlock(&dev->conf_lock);
}

/**
 * sgblk_blk_stop - the disk's DMA device is being removed (PCI hot-remove)
 * @dev: the disk; the device's remove() is running, so it still has its
 *	DMA ops, and the disk exists until its claim on the device is released
 *
 * As nvme-pci's remove: the disk is marked dead, so new I/O fails at once;
 * requests blk-mq retries fail (dma_dev_gone); those in flight drain
 * (completed, or ended by their timeout); then the bounce pool is
 * destroyed through the device's own DMA ops and its IOMMU domain is
 * forgotten.  The disk stays, failing all I/O, until it is powered off or
 * removed; profile switches are refused.
 */
void sgblk_blk_stop(struct sgblk_dev *dev)
{
	struct request_queue *q;
	unsigned int memflags;

	mutex_lock(&dev->profile_lock);
	WRITE_ONCE(dev->dma_gone, true);
	/* No disk yet (still being created): nothing can be in flight. */
	if (!dev->disk) {
		sgblk_dma_stop(dev);
		goto out;
	}
	q = dev->disk->queue;
	blk_mark_disk_dead(dev->disk);
	/* Drained: with dma_gone set, no request takes a buffer again. */
	memflags = sgblk_freeze_queue(q);
	sgblk_unfreeze_queue(q, memflags);
	sgblk_dma_stop(dev);
out:
	mutex_unlock(&dev->profile_lock);
}

static void sgblk_pci_stop(struct sgblk_pci_user *user)
{
	sgblk_blk_stop(container_of(user, struct sgblk_dev, pci_user));
}

/**
 * sgblk_blk_alloc - set up DMA, the tag set and the disk, not yet added
 * @dev: the device, its conf filled in
 *
 * Everything that can fail for want of memory or a DMA device happens
 * here, before any disk is visible: module init allocates every device
 * first and adds the disks last (sgblk_blk_add()), so a failure never has
 * to delete a disk whose partition scan is still closing it.
 * Return: 0 or a negative errno; nothing is left allocated on failure.
 */
int sgblk_blk_alloc(struct sgblk_dev *dev)
{
	struct blk_mq_tag_set *set = &dev->tag_set;
	struct sgblk_qlimits lim = { };
	struct gendisk *disk;
	int ret;

	mutex_init(&dev->profile_lock);
	spin_lock_init(&dev->conf_lock);
	dev->pci_user.stop = sgblk_pci_stop;
	dev->pci_user.index = dev->index;
	dev->stats = alloc_percpu(struct sgblk_stats);
	if (!dev->stats)
		return -ENOMEM;
	ret = sgblk_dma_init(dev);
	if (ret)
		goto err_stats;

	set->ops = &sgblk_mq_ops;
	set->nr_hw_queues = dev->conf.submit_queues + dev->conf.poll_queues;
	set->nr_maps = dev->conf.poll_queues ? HCTX_MAX_TYPES : 1;
	set->queue_depth = dev->conf.queue_depth;
	set->numa_node = NUMA_NO_NODE;
	set->cmd_size = sizeof(struct sgblk_cmd);
	/* No I/O scheduler by default, as null_blk: we measure the driver. */
	set->flags = SGBLK_MQ_F_MERGE | BLK_MQ_F_NO_SCHED_BY_DEFAULT;
	set->driver_data = dev;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		goto err_dma;

	sgblk_dev_qlimits(dev, &dev->conf.profile, &lim);
	disk = sgblk_alloc_disk(set, &lim, dev);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto err_tagset;
	}
	disk->fops = &sgblk_fops;
	disk->private_data = dev;
	snprintf(disk->disk_name, DISK_NAME_LEN, SGBLK_NAME "%d", dev->index);
	set_capacity(disk, dev->conf.capacity_mb << (20 - SECTOR_SHIFT));
	/* Under the lock sgblk_blk_stop() reads it with. */
	mutex_lock(&dev->profile_lock);
	dev->disk = disk;
	mutex_unlock(&dev->profile_lock);
	return 0;

err_tagset:
	blk_mq_free_tag_set(set);
err_dma:
	sgblk_dma_exit(dev);
err_stats:
	free_percpu(dev->stats);
	return ret;
}

/**
 * sgblk_blk_add - add the disk of a device from sgblk_blk_alloc()
 * @dev: the device
 *
 * Return: 0, or a negative errno with the device as sgblk_blk_alloc() left
 * it (sgblk_blk_free() frees it).
 */
int sgblk_blk_add(struct sgblk_dev *dev)
{
	return add_disk(dev->disk);
}

/*
 * Free a device from sgblk_blk_alloc() whose disk was never added.  The
 * DMA device goes first: until it is released, a PCI remove may stop the
 * disk (sgblk_blk_stop()).
 */
void sgblk_blk_free(struct sgblk_dev *dev)
{
	sgblk_dma_exit(dev);
	put_disk(dev->disk);
	dev->disk = NULL;
	blk_mq_free_tag_set(&dev->tag_set);
	free_percpu(dev->stats);
}

void sgblk_blk_destroy(struct sgblk_dev *dev)
{
	del_gendisk(dev->disk);
	sgblk_dma_exit(dev);
	put_disk(dev->disk);
	blk_mq_free_tag_set(&dev->tag_set);
	free_percpu(dev->stats);
}
