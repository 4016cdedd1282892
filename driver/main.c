// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk - a blk-mq block device for measuring and validating how user pages
 * and vmalloc buffers become bios, scatterlists and DMA mappings for devices
 * with awkward DMA constraints.
 *
 * This file: module parameters, their validation, the device list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/idr.h>
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include "sgblk.h"

static unsigned int sgblk_nr_devices = 1;
module_param_named(nr_devices, sgblk_nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Devices created at load (0-64, default 1)");

static unsigned long long sgblk_capacity_mb = 1024;
module_param_named(capacity_mb, sgblk_capacity_mb, ullong, 0444);
MODULE_PARM_DESC(capacity_mb, "Capacity in MiB (1-1048576, default 1024)");

static char *sgblk_backend = "memory";
module_param_named(backend, sgblk_backend, charp, 0444);
MODULE_PARM_DESC(backend, "memory | null (default memory)");

static unsigned int sgblk_bs = 512;
module_param_named(bs, sgblk_bs, uint, 0444);
MODULE_PARM_DESC(bs, "Logical block size: 512 or 4096 (default 512)");

static unsigned int sgblk_submit_queues;
module_param_named(submit_queues, sgblk_submit_queues, uint, 0444);
MODULE_PARM_DESC(submit_queues, "Hardware submit queues (default: one per CPU)");

static unsigned int sgblk_poll_queues;
module_param_named(poll_queues, sgblk_poll_queues, uint, 0444);
MODULE_PARM_DESC(poll_queues, "Polled queues for io_uring IOPOLL (default 0)");

static unsigned int sgblk_queue_depth = 64;
module_param_named(queue_depth, sgblk_queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "Tags per hardware queue (1-4096, default 64)");

static char *sgblk_completion = "inline";
module_param_named(completion, sgblk_completion, charp, 0444);
MODULE_PARM_DESC(completion, "inline | softirq | timer (default inline)");

static char *sgblk_profile = "none";
module_param_named(profile, sgblk_profile, charp, 0444);
MODULE_PARM_DESC(profile,
		 "DMA profile preset: none, page, boundary-1k, align-4k, dma28, desc-4");

static char *sgblk_dma_dev_name = "none";
module_param_named(dma_dev, sgblk_dma_dev_name, charp, 0444);
MODULE_PARM_DESC(dma_dev,
		 "PCI function to map through, bound to sgblk by driver_override, or none: a platform device per disk (default none)");

static char *sgblk_map = "sg";
module_param_named(map, sgblk_map, charp, 0444);
MODULE_PARM_DESC(map,
		 "DMA mapping path: sg (blk_rq_map_sg + dma_map_sg) or iter (the block layer's DMA iterator, 7.x kernels) (default sg)");

static unsigned int sgblk_sgl_entries = SGBLK_MAX_SEGMENTS;
module_param_named(sgl_entries, sgblk_sgl_entries, uint, 0444);
MODULE_PARM_DESC(sgl_entries,
		 "Test hook: scatterlist entries per request (1-" __stringify(SGBLK_MAX_SEGMENTS)
		 ", default " __stringify(SGBLK_MAX_SEGMENTS)
		 "); the queue still takes requests of up to " __stringify(SGBLK_MAX_SEGMENTS)
		 " segments, so a smaller table meets requests that do not fit it");

static unsigned int sgblk_fail_init_at;
module_param_named(fail_init_at, sgblk_fail_init_at, uint, 0444);
MODULE_PARM_DESC(fail_init_at,
		 "Test hook: module init fails (-ENOMEM) at step N: 1..nr_devices the Nth device, nr_devices+1 the control device (default 0: never)");

static unsigned long long sgblk_completion_nsec = 10000;
module_param_named(completion_nsec, sgblk_completion_nsec, ullong, 0444);
MODULE_PARM_DESC(completion_nsec,
		 "Modelled latency for completion=timer (ns, default 10000)");

/* Names shared by the module parameters and the configfs attributes. */
static const char *const sgblk_backend_names[] = {
	[SGBLK_BACKEND_MEMORY] = "memory",
	[SGBLK_BACKEND_NULL] = "null",
};

static const char *const sgblk_completion_names[] = {
	[SGBLK_COMP_INLINE] = "inline",
	[SGBLK_COMP_SOFTIRQ] = "softirq",
	[SGBLK_COMP_TIMER] = "timer",
};

/**
 * sgblk_backend_parse - a backend by name
 * @s: "memory" or "null" (trailing newline tolerated)
 *
 * Return: the enum sgblk_backend value, or -EINVAL.
 */
int sgblk_backend_parse(const char *s)
{
	return sysfs_match_string(sgblk_backend_names, s);
}

const char *sgblk_backend_str(enum sgblk_backend b)
{
	return b < ARRAY_SIZE(sgblk_backend_names) ? sgblk_backend_names[b] : "?";
}

/**
 * sgblk_completion_parse - a completion mode by name
 * @s: "inline", "softirq" or "timer" (trailing newline tolerated)
 *
 * Return: the enum sgblk_completion value, or -EINVAL.
 */
int sgblk_completion_parse(const char *s)
{
	return sysfs_match_string(sgblk_completion_names, s);
}

const char *sgblk_completion_str(enum sgblk_completion c)
{
	return c < ARRAY_SIZE(sgblk_completion_names) ?
	       sgblk_completion_names[c] : "?";
}

static LIST_HEAD(sgblk_devices);
static DEFINE_MUTEX(sgblk_devices_lock);
static DEFINE_IDA(sgblk_ida);

#define SGBLK_MAX_DEVICES	1024	/* module parameters and configfs */
#define SGBLK_MAX_PARAM_DEVICES	64
#define SGBLK_MAX_CAPACITY_MB	BIT_ULL(20)
#define SGBLK_MAX_QUEUE_DEPTH	4096

/**
 * sgblk_conf_check - validate a device configuration
 * @conf: the configuration
 *
 * Return: 0, or -EINVAL (-EOPNOTSUPP: a mapping path this kernel lacks)
 * with the reason logged.
 */
int sgblk_conf_check(const struct sgblk_conf *conf)
{
	if (!conf->capacity_mb || conf->capacity_mb > SGBLK_MAX_CAPACITY_MB) {
		pr_err("capacity_mb %llu out of range 1-%llu\n",
		       conf->capacity_mb, SGBLK_MAX_CAPACITY_MB);
		return -EINVAL;
	}
	if (conf->bs != 512 && conf->bs != 4096) {
		pr_err("bs %u: must be 512 or 4096\n", conf->bs);
		return -EINVAL;
	}
	if (!conf->submit_queues) {
		pr_err("submit_queues must be at least 1\n");
		return -EINVAL;
	}
	if (!conf->queue_depth || conf->queue_depth > SGBLK_MAX_QUEUE_DEPTH) {
		pr_err("queue_depth %u out of range 1-%u\n", conf->queue_depth,
		       SGBLK_MAX_QUEUE_DEPTH);
		return -EINVAL;
	}
	if (conf->submit_queues > nr_cpu_ids || conf->poll_queues > nr_cpu_ids) {
		pr_err("submit_queues %u / poll_queues %u: at most %u\n",
		       conf->submit_queues, conf->poll_queues, nr_cpu_ids);
		return -EINVAL;
	}
	if (!conf->sgl_entries || conf->sgl_entries > SGBLK_MAX_SEGMENTS) {
		pr_err("sgl_entries %u out of range 1-%u\n", conf->sgl_entries,
		       SGBLK_MAX_SEGMENTS);
		return -EINVAL;
	}
	if (conf->completion_nsec > NSEC_PER_SEC) {
		pr_err("completion_nsec %llu: at most one second\n",
		       conf->completion_nsec);
		return -EINVAL;
	}
	return sgblk_map_check(conf->map);
}

/**
 * sgblk_conf_from_params - the configuration the module parameters give
 * @conf: filled in; also the defaults of a device made through configfs
 *
 * Return: 0, or -EINVAL with the reason logged.
 */
int sgblk_conf_from_params(struct sgblk_conf *conf)
{
	int ret;

	ret = sgblk_backend_parse(sgblk_backend);
	if (ret < 0) {
		pr_err("backend '%s': must be memory or null\n", sgblk_backend);
		return -EINVAL;
	}
	conf->backend = ret;
	ret = sgblk_completion_parse(sgblk_completion);
	if (ret < 0) {
		pr_err("completion '%s': must be inline, softirq or timer\n",
		       sgblk_completion);
		return -EINVAL;
	}
	conf->completion = ret;
	ret = sgblk_map_parse(sgblk_map);
	if (ret < 0) {
		pr_err("map '%s': must be sg or iter\n", sgblk_map);
		return -EINVAL;
	}
	conf->map = ret;
	if (sgblk_profile_preset(sgblk_profile, &conf->profile)) {
		pr_err("profile '%s': unknown preset\n", sgblk_profile);
		return -EINVAL;
	}
	conf->capacity_mb = sgblk_capacity_mb;
	conf->bs = sgblk_bs;
	conf->submit_queues = sgblk_submit_queues ?: nr_cpu_ids;
	conf->poll_queues = sgblk_poll_queues;
	conf->queue_depth = sgblk_queue_depth;
	conf->completion_nsec = sgblk_completion_nsec;
	conf->sgl_entries = sgblk_sgl_entries;
	ret = sgblk_dma_conf_dev(conf, sgblk_dma_dev_name);
	if (ret)
		return ret;
	return sgblk_conf_check(conf);
}

/**
 * sgblk_dev_alloc - allocate one device, its disk not yet added
 * @conf: its configuration (validated here)
 *
 * Return: the device, for sgblk_dev_add() or sgblk_dev_put_unadded(); or an
 * ERR_PTR, with nothing left behind.
 */
static struct sgblk_dev *sgblk_dev_alloc(const struct sgblk_conf *conf)
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
static void sgblk_dev_put_unadded(struct sgblk_dev *dev)
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

static void sgblk_remove_all(void)
{
	struct sgblk_dev *dev, *tmp;

	mutex_lock(&sgblk_devices_lock);
	list_for_each_entry_safe(dev, tmp, &sgblk_devices, list) {
		list_del(&dev->list);
		sgblk_dev_free(dev);
	}
	mutex_unlock(&sgblk_devices_lock);
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
static int sgblk_add_all(struct sgblk_dev **devs, unsigned int n)
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

static int __init sgblk_init(void)
{
	struct sgblk_conf conf = { };
	struct sgblk_dev **devs;
	unsigned int i, n = 0;
	int ret;

	if (sgblk_nr_devices > SGBLK_MAX_PARAM_DEVICES) {
		pr_err("nr_devices %u: at most %u\n", sgblk_nr_devices,
		       SGBLK_MAX_PARAM_DEVICES);
		return -EINVAL;
	}
	/* Functions whose driver_override says sgblk bind here, before dma_dev is looked up. */
	ret = sgblk_pci_init();
	if (ret)
		return ret;
	ret = sgblk_conf_from_params(&conf);
	if (ret)
		goto err_pci;
	if (conf.dma_dev[0] && sgblk_nr_devices > 1) {
		pr_err("dma_dev %s: a PCI function serves one disk, not nr_devices=%u\n",
		       conf.dma_dev, sgblk_nr_devices);
		ret = -EINVAL;
		goto err_pci;
	}
	devs = kcalloc(max(sgblk_nr_devices, 1U), sizeof(*devs), GFP_KERNEL);
	if (!devs) {
		ret = -ENOMEM;
		goto err_pci;
	}
	sgblk_debugfs_init();
	/* Everything that can fail comes before the first add_disk(). */
	for (n = 0; n < sgblk_nr_devices; n++) {
		devs[n] = sgblk_fail_init_at == n + 1 ? ERR_PTR(-ENOMEM) :
			  sgblk_dev_alloc(&conf);
		if (IS_ERR(devs[n])) {
			ret = PTR_ERR(devs[n]);
			pr_err("creating device %u of %u failed: %d\n", n + 1,
			       sgblk_nr_devices, ret);
			goto err_devs;
		}
	}
	ret = sgblk_configfs_init();
	if (ret)
		goto err_devs;
	ret = sgblk_fail_init_at == n + 1 ? -ENOMEM : sgblk_ctl_init();
	if (ret) {
		pr_err("registering the control device failed: %d\n", ret);
		goto err_configfs;
	}
	ret = sgblk_add_all(devs, n);
	if (ret < 0)
		goto err_ctl;
	kfree(devs);
	pr_info("loaded, %d device(s)\n", ret);
	return 0;

err_ctl:
	n = 0;
	sgblk_ctl_exit();
err_configfs:
	sgblk_configfs_exit();
err_devs:
	for (i = 0; i < n; i++)
		sgblk_dev_put_unadded(devs[i]);
	kfree(devs);
	sgblk_debugfs_exit();
err_pci:
	sgblk_pci_exit();
	return ret;
}

static void __exit sgblk_exit(void)
{
	sgblk_ctl_exit();
	sgblk_configfs_exit();
	sgblk_remove_all();
	sgblk_debugfs_exit();
	sgblk_pci_exit();
	ida_destroy(&sgblk_ida);
}

module_init(sgblk_init);
module_exit(sgblk_exit);
MODULE_DESCRIPTION("sgblk: block device for DMA mapping benchmarks and checks");
MODULE_LICENSE("GPL");
