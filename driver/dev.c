// SPDX-License-Identifier: GPL-2.0
/*
 * The module's devices: each one's allocation, its disk's addition and
 * removal, the list they are on, and lookups by index or disk name.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include "sgblk.h"
#include "dev.h"
#include "blk.h"
#include "debugfs.h"

static LIST_HEAD(sgblk_devices);
static DEFINE_MUTEX(sgblk_devices_lock);
static DEFINE_IDA(sgblk_ida);

#define SGBLK_MAX_DEVICES	1024	/* module parameters and configfs */
/**
 * sgblk_dev_alloc - allocate one device, its disk not yet added
 * @conf: its configuration (validated here)
 *
 * Return: the device, for sgblk_dev_add() or sgblk_dev_put_unadded(); or an
 * ERR_PTR, with nothing left behind.
 */
struct sgblk_dev *sgblk_dev_alloc(const struct sgblk_conf *conf)
{
	struct sgblk_dev *dev;
	int ret;

	ret = sgblk_conf_check(conf);
	if (ret)
		return ERR_PTR(ret);
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->conf = *conf;
	sgblk_knobs_init(dev->knobs);
	ret = ida_alloc_max(&sgblk_ida, SGBLK_MAX_DEVICES - 1, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	dev->index = ret;
	sgblk_store_init(&dev->store);
	ret = sgblk_blk_alloc(dev);
	if (ret)
		goto err_ida;
	return dev;

err_ida:
	ida_free(&sgblk_ida, dev->index);
err_free:
	kfree(dev);
	return ERR_PTR(ret);
}

/* Free a device from sgblk_dev_alloc() whose disk was never added. */
void sgblk_dev_put_unadded(struct sgblk_dev *dev)
{
	sgblk_blk_free(dev);
	sgblk_store_destroy(&dev->store);
	ida_free(&sgblk_ida, dev->index);
	kfree(dev);
}

/**
 * sgblk_dev_add - add the disk of a device from sgblk_dev_alloc() and list it
 * @dev: the device
 *
 * Return: 0, or a negative errno with @dev freed.
 */
static int sgblk_dev_add(struct sgblk_dev *dev)
{
	int ret = sgblk_blk_add(dev);

	if (ret) {
		sgblk_dev_put_unadded(dev);
		return ret;
	}
	sgblk_debugfs_add(dev);
	mutex_lock(&sgblk_devices_lock);
	list_add_tail(&dev->list, &sgblk_devices);
	mutex_unlock(&sgblk_devices_lock);
	return 0;
}

/**
 * sgblk_dev_create - create, register and list one device
 * @conf: its configuration (validated here)
 *
 * Return: the device, or an ERR_PTR; nothing is left behind on failure.
 */
struct sgblk_dev *sgblk_dev_create(const struct sgblk_conf *conf)
{
	struct sgblk_dev *dev = sgblk_dev_alloc(conf);
	int ret;

	if (IS_ERR(dev))
		return dev;
	ret = sgblk_dev_add(dev);
	return ret ? ERR_PTR(ret) : dev;
}

static void sgblk_dev_free(struct sgblk_dev *dev)
{
	sgblk_debugfs_remove(dev);
	sgblk_blk_destroy(dev);
	sgblk_store_destroy(&dev->store);
	ida_free(&sgblk_ida, dev->index);
	kfree(dev);
}

/**
 * sgblk_dev_destroy - unlist, unregister and free one device
 * @dev: a device from sgblk_dev_create(); del_gendisk() drains its I/O
 */
void sgblk_dev_destroy(struct sgblk_dev *dev)
{
	mutex_lock(&sgblk_devices_lock);
	list_del(&dev->list);
	mutex_unlock(&sgblk_devices_lock);
	sgblk_dev_free(dev);
}

/**
 * sgblk_dev_find_devt - the dev_t of a device, by index or by disk name
 * @index: N of sgblkN, or -1 to match @name
 * @name: disk name ("sgblk3"), used when @index is -1
 * @devt: filled in
 *
 * No reference is held: the device may go away, and its dev_t be reused by
 * another disk, before the caller opens @devt.  The caller must check what
 * it opened with sgblk_dev_check_bdev().
 * Return: 0, or -ENODEV.
 */
int sgblk_dev_find_devt(int index, const char *name, dev_t *devt)
{
	struct sgblk_dev *dev;
	int ret = -ENODEV;

	mutex_lock(&sgblk_devices_lock);
	list_for_each_entry(dev, &sgblk_devices, list) {
		if (index >= 0 ? dev->index == index :
		    !strcmp(dev->disk->disk_name, name)) {
			*devt = disk_devt(dev->disk);
			ret = 0;
			break;
		}
	}
	mutex_unlock(&sgblk_devices_lock);
	return ret;
}

/**
 * sgblk_dev_check_bdev - is @bdev the whole disk of the device named so?
 * @bdev: a block device opened by the dev_t sgblk_dev_find_devt() returned
 * @index: as for sgblk_dev_find_devt()
 * @name: as for sgblk_dev_find_devt()
 *
 * Between the lookup and the open the device can be removed and its dev_t
 * handed to another disk or partition.  While the device is listed here its
 * disk is not deleted, and the open @bdev pins its gendisk, so comparing the
 * gendisk pointers under the lock is enough.
 * Return: 0, or -ENODEV if @bdev is not (or no longer) that sgblk disk.
 */
int sgblk_dev_check_bdev(struct block_device *bdev, int index, const char *name)
{
	struct sgblk_dev *dev;
	int ret = -ENODEV;

	if (bdev_is_partition(bdev))
		return -ENODEV;
	mutex_lock(&sgblk_devices_lock);
	list_for_each_entry(dev, &sgblk_devices, list) {
		if (index >= 0 ? dev->index == index :
		    !strcmp(dev->disk->disk_name, name)) {
			if (dev->disk == bdev->bd_disk &&
			    bdev->bd_disk->private_data == dev)
				ret = 0;
			break;
		}
	}
	mutex_unlock(&sgblk_devices_lock);
	return ret;
}

/* Module exit: every device left (those module parameters made). */
void sgblk_dev_remove_all(void)
{
	struct sgblk_dev *dev, *tmp;

	mutex_lock(&sgblk_devices_lock);
	list_for_each_entry_safe(dev, tmp, &sgblk_devices, list) {
		list_del(&dev->list);
		sgblk_dev_free(dev);
	}
	mutex_unlock(&sgblk_devices_lock);
	ida_destroy(&sgblk_ida);
}

/*
 * Add the disks of the devices module init allocated.  A disk added starts
 * a partition scan whose close runs only when insmod returns to user space:
 * once one is added, module init must not fail (the close would run in
 * freed module memory).  Should a later add_disk() fail, the module stays
 * with the disks added so far, and says so.
 * Return: the disks added, or the first disk's error with every device
 * freed.
 */
int sgblk_dev_add_all(struct sgblk_dev **devs, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = sgblk_dev_add(devs[i]);
		if (!ret)
			continue;
		if (!i) {
			for (i = 1; i < n; i++)
				sgblk_dev_put_unadded(devs[i]);
			return ret;
		}
		pr_err("adding disk %u of %u failed (%d): loaded with %u\n",
		       i + 1, n, ret, i);
		for (ret = i; ++i < n;)
			sgblk_dev_put_unadded(devs[i]);
		return ret;
	}
	return n;
}
