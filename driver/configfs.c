// SPDX-License-Identifier: GPL-2.0
/*
 * configfs: /sys/kernel/config/sgblk/<name>/, as null_blk does.
 *
 * mkdir makes a device configuration (not yet a disk) holding the module
 * parameters' defaults; its attributes carry the module parameters' names:
 *   capacity_mb backend bs submit_queues poll_queues queue_depth completion
 *   completion_nsec profile dma_dev map
 *                             read/write while powered off; a write while
 *                             powered on returns -EBUSY, an invalid value
 *                             -EINVAL (dma_dev: -ENODEV if no PCI function
 *                             of that name is bound to sgblk; none: the
 *                             disk's own platform device, the default
 *                             here), and both leave the value unchanged
 *   power                     0/1: 1 creates the disk, 0 destroys it
 *   index                     read-only: N of sgblkN, -1 when powered off
 *   disk                      read-only: the disk name, empty when off
 * A value longer than SGBLK_CFS_WRITE_MAX bytes is refused with -EINVAL.
 * rmdir of a powered-on item destroys the disk first (del_gendisk() drains
 * its I/O).  /sys/kernel/config/sgblk/features lists the item attributes.
 * configfs takes a module reference per item, so rmmod fails while any item
 * exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "sgblk.h"

/**
 * struct sgblk_cfs_dev - one configfs item
 * @item: the configfs item, /sys/kernel/config/sgblk/<name>
 * @conf: the configuration the disk is created with
 * @dev: the disk while powered on, else NULL
 *
 * @conf and @dev are protected by sgblk_cfs_lock.
 */
struct sgblk_cfs_dev {
	struct config_item item;
	struct sgblk_conf conf;
	struct sgblk_dev *dev;
};

/*
 * The longest value any attribute takes, with room to spare.  configfs
 * hands a store at most 4095 bytes of a write and sends the rest as another
 * write, so a longer value would be acted on in pieces: refused instead.
 */
#define SGBLK_CFS_WRITE_MAX	64

/* Serialises power transitions and attribute accesses of every item. */
static DEFINE_MUTEX(sgblk_cfs_lock);

static struct sgblk_cfs_dev *to_sgblk_cfs_dev(struct config_item *item)
{
	return container_of(item, struct sgblk_cfs_dev, item);
}

/* The configuration attributes, one per module parameter. */
enum sgblk_cfs_field {
	SGBLK_CFS_CAPACITY_MB,
	SGBLK_CFS_BACKEND,
	SGBLK_CFS_BS,
	SGBLK_CFS_SUBMIT_QUEUES,
	SGBLK_CFS_POLL_QUEUES,
	SGBLK_CFS_QUEUE_DEPTH,
	SGBLK_CFS_COMPLETION,
	SGBLK_CFS_COMPLETION_NSEC,
	SGBLK_CFS_PROFILE,
	SGBLK_CFS_DMA_DEV,
	SGBLK_CFS_MAP,
};

/* Parse @page into one field of @conf; the caller validates the result. */
static int sgblk_cfs_conf_set(struct sgblk_conf *conf,
			      enum sgblk_cfs_field field, const char *page)
{
	unsigned int v;
	int ret;

	switch (field) {
	case SGBLK_CFS_CAPACITY_MB:
		return kstrtou64(page, 0, &conf->capacity_mb) ? -EINVAL : 0;
	case SGBLK_CFS_COMPLETION_NSEC:
		return kstrtou64(page, 0, &conf->completion_nsec) ? -EINVAL : 0;
	case SGBLK_CFS_BACKEND:
		ret = sgblk_backend_parse(page);
		if (ret < 0)
			return -EINVAL;
		conf->backend = ret;
		return 0;
	case SGBLK_CFS_COMPLETION:
		ret = sgblk_completion_parse(page);
		if (ret < 0)
			return -EINVAL;
		conf->completion = ret;
		return 0;
	case SGBLK_CFS_PROFILE:
		return sgblk_profile_preset(page, &conf->profile);
	case SGBLK_CFS_DMA_DEV:
		return sgblk_dma_conf_dev(conf, page);
	case SGBLK_CFS_MAP:
		ret = sgblk_map_parse(page);
		if (ret < 0)
			return -EINVAL;
		conf->map = ret;
		return 0;
	default:
		break;
	}

	if (kstrtouint(page, 0, &v))
		return -EINVAL;
	switch (field) {
	case SGBLK_CFS_BS:
		conf->bs = v;
		break;
	case SGBLK_CFS_SUBMIT_QUEUES:
		/* 0 means one per CPU, as for the module parameter */
		conf->submit_queues = v ?: nr_cpu_ids;
		break;
	case SGBLK_CFS_POLL_QUEUES:
		conf->poll_queues = v;
		break;
	case SGBLK_CFS_QUEUE_DEPTH:
		conf->queue_depth = v;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static ssize_t sgblk_cfs_conf_show(struct config_item *item, char *page,
				   enum sgblk_cfs_field field)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);
	const struct sgblk_conf *c = &cd->conf;
	ssize_t ret;

	mutex_lock(&sgblk_cfs_lock);
	switch (field) {
	case SGBLK_CFS_CAPACITY_MB:
		ret = sysfs_emit(page, "%llu\n", c->capacity_mb);
		break;
	case SGBLK_CFS_BACKEND:
		ret = sysfs_emit(page, "%s\n", sgblk_backend_str(c->backend));
		break;
	case SGBLK_CFS_BS:
		ret = sysfs_emit(page, "%u\n", c->bs);
		break;
	case SGBLK_CFS_SUBMIT_QUEUES:
		ret = sysfs_emit(page, "%u\n", c->submit_queues);
		break;
	case SGBLK_CFS_POLL_QUEUES:
		ret = sysfs_emit(page, "%u\n", c->poll_queues);
		break;
	case SGBLK_CFS_QUEUE_DEPTH:
		ret = sysfs_emit(page, "%u\n", c->queue_depth);
		break;
	case SGBLK_CFS_COMPLETION:
		ret = sysfs_emit(page, "%s\n",
				 sgblk_completion_str(c->completion));
		break;
	case SGBLK_CFS_COMPLETION_NSEC:
		ret = sysfs_emit(page, "%llu\n", c->completion_nsec);
		break;
	case SGBLK_CFS_PROFILE:
		/*
		 * A live disk's profile may have been changed in debugfs; read
		 * without waiting on a switch's freeze (this file is world
		 * readable, and sgblk_cfs_lock is held).
		 */
		if (cd->dev) {
			struct sgblk_profile p;

			sgblk_conf_read(cd->dev, &p, NULL);
			ret = sysfs_emit(page, "%s\n", p.name);
		} else {
			ret = sysfs_emit(page, "%s\n", c->profile.name);
		}
		break;
	case SGBLK_CFS_DMA_DEV:
		ret = sysfs_emit(page, "%s\n", c->dma_dev[0] ? c->dma_dev : "none");
		break;
	case SGBLK_CFS_MAP:
		/* As profile: debugfs may have switched a live disk. */
		if (cd->dev) {
			enum sgblk_map map;

			sgblk_conf_read(cd->dev, NULL, &map);
			ret = sysfs_emit(page, "%s\n", sgblk_map_str(map));
		} else {
			ret = sysfs_emit(page, "%s\n", sgblk_map_str(c->map));
		}
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&sgblk_cfs_lock);
	return ret;
}

/**
 * sgblk_cfs_conf_store - write one configuration attribute
 * @item: the item
 * @page: the value written
 * @count: its length
 * @field: which attribute
 *
 * The new value is applied to a copy of the configuration, which must pass
 * sgblk_conf_check() before it replaces the item's.
 * Return: @count; -EBUSY while powered on; -EINVAL for an invalid value.
 * The configuration is unchanged on error.
 */
static ssize_t sgblk_cfs_conf_store(struct config_item *item, const char *page,
				    size_t count, enum sgblk_cfs_field field)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);
	struct sgblk_conf conf;
	int ret;

	if (count > SGBLK_CFS_WRITE_MAX)
		return -EINVAL;
	mutex_lock(&sgblk_cfs_lock);
	if (cd->dev) {
		ret = -EBUSY;
		goto out;
	}
	conf = cd->conf;
	ret = sgblk_cfs_conf_set(&conf, field, page);
	if (ret)
		goto out;
	ret = sgblk_conf_check(&conf);
	if (ret)
		goto out;
	cd->conf = conf;
out:
	mutex_unlock(&sgblk_cfs_lock);
	return ret ? ret : count;
}

#define SGBLK_CFS_CONF_SHOW(_name, _field)				\
static ssize_t sgblk_cfs_##_name##_show(struct config_item *item,	\
					char *page)			\
{									\
	return sgblk_cfs_conf_show(item, page, _field);			\
}

#define SGBLK_CFS_CONF_STORE(_name, _field)				\
static ssize_t sgblk_cfs_##_name##_store(struct config_item *item,	\
					 const char *page, size_t count) \
{									\
	return sgblk_cfs_conf_store(item, page, count, _field);	\
}

SGBLK_CFS_CONF_SHOW(capacity_mb, SGBLK_CFS_CAPACITY_MB)
SGBLK_CFS_CONF_STORE(capacity_mb, SGBLK_CFS_CAPACITY_MB)
CONFIGFS_ATTR(sgblk_cfs_, capacity_mb);
SGBLK_CFS_CONF_SHOW(backend, SGBLK_CFS_BACKEND)
SGBLK_CFS_CONF_STORE(backend, SGBLK_CFS_BACKEND)
CONFIGFS_ATTR(sgblk_cfs_, backend);
SGBLK_CFS_CONF_SHOW(bs, SGBLK_CFS_BS)
SGBLK_CFS_CONF_STORE(bs, SGBLK_CFS_BS)
CONFIGFS_ATTR(sgblk_cfs_, bs);
SGBLK_CFS_CONF_SHOW(submit_queues, SGBLK_CFS_SUBMIT_QUEUES)
SGBLK_CFS_CONF_STORE(submit_queues, SGBLK_CFS_SUBMIT_QUEUES)
CONFIGFS_ATTR(sgblk_cfs_, submit_queues);
SGBLK_CFS_CONF_SHOW(poll_queues, SGBLK_CFS_POLL_QUEUES)
SGBLK_CFS_CONF_STORE(poll_queues, SGBLK_CFS_POLL_QUEUES)
CONFIGFS_ATTR(sgblk_cfs_, poll_queues);
SGBLK_CFS_CONF_SHOW(queue_depth, SGBLK_CFS_QUEUE_DEPTH)
SGBLK_CFS_CONF_STORE(queue_depth, SGBLK_CFS_QUEUE_DEPTH)
CONFIGFS_ATTR(sgblk_cfs_, queue_depth);
SGBLK_CFS_CONF_SHOW(completion, SGBLK_CFS_COMPLETION)
SGBLK_CFS_CONF_STORE(completion, SGBLK_CFS_COMPLETION)
CONFIGFS_ATTR(sgblk_cfs_, completion);
SGBLK_CFS_CONF_SHOW(completion_nsec, SGBLK_CFS_COMPLETION_NSEC)
SGBLK_CFS_CONF_STORE(completion_nsec, SGBLK_CFS_COMPLETION_NSEC)
CONFIGFS_ATTR(sgblk_cfs_, completion_nsec);
SGBLK_CFS_CONF_SHOW(profile, SGBLK_CFS_PROFILE)
SGBLK_CFS_CONF_STORE(profile, SGBLK_CFS_PROFILE)
CONFIGFS_ATTR(sgblk_cfs_, profile);
SGBLK_CFS_CONF_SHOW(dma_dev, SGBLK_CFS_DMA_DEV)
SGBLK_CFS_CONF_STORE(dma_dev, SGBLK_CFS_DMA_DEV)
CONFIGFS_ATTR(sgblk_cfs_, dma_dev);
SGBLK_CFS_CONF_SHOW(map, SGBLK_CFS_MAP)
SGBLK_CFS_CONF_STORE(map, SGBLK_CFS_MAP)
CONFIGFS_ATTR(sgblk_cfs_, map);

static ssize_t sgblk_cfs_power_show(struct config_item *item, char *page)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);
	ssize_t ret;

	mutex_lock(&sgblk_cfs_lock);
	ret = sysfs_emit(page, "%d\n", cd->dev ? 1 : 0);
	mutex_unlock(&sgblk_cfs_lock);
	return ret;
}

/**
 * sgblk_cfs_power_store - create or destroy the item's disk
 * @item: the item
 * @page: "1" or "0" (a trailing newline is fine); kstrtobool() is not used
 *	as it would take "1x", "yes please" or "nonsense" (false)
 * @count: its length
 *
 * Writing the current state again does nothing.
 * Return: @count, -EINVAL for a value that is not a boolean, or the error
 * sgblk_dev_create() failed with (the item then stays powered off).
 */
static ssize_t sgblk_cfs_power_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);
	struct sgblk_dev *dev;
	unsigned int on;
	int ret = 0;

	if (count > SGBLK_CFS_WRITE_MAX || kstrtouint(page, 10, &on) || on > 1)
		return -EINVAL;
	mutex_lock(&sgblk_cfs_lock);
	if (on && !cd->dev) {
		dev = sgblk_dev_create(&cd->conf);
		if (IS_ERR(dev))
			ret = PTR_ERR(dev);
		else
			cd->dev = dev;
	} else if (!on && cd->dev) {
		sgblk_dev_destroy(cd->dev);
		cd->dev = NULL;
	}
	mutex_unlock(&sgblk_cfs_lock);
	return ret ? ret : count;
}
CONFIGFS_ATTR(sgblk_cfs_, power);

static ssize_t sgblk_cfs_index_show(struct config_item *item, char *page)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);
	ssize_t ret;

	mutex_lock(&sgblk_cfs_lock);
	ret = sysfs_emit(page, "%d\n", cd->dev ? cd->dev->index : -1);
	mutex_unlock(&sgblk_cfs_lock);
	return ret;
}
CONFIGFS_ATTR_RO(sgblk_cfs_, index);

static ssize_t sgblk_cfs_disk_show(struct config_item *item, char *page)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);
	ssize_t ret;

	mutex_lock(&sgblk_cfs_lock);
	ret = sysfs_emit(page, "%s\n",
			 cd->dev ? cd->dev->disk->disk_name : "");
	mutex_unlock(&sgblk_cfs_lock);
	return ret;
}
CONFIGFS_ATTR_RO(sgblk_cfs_, disk);

static struct configfs_attribute *sgblk_cfs_dev_attrs[] = {
	&sgblk_cfs_attr_capacity_mb,
	&sgblk_cfs_attr_backend,
	&sgblk_cfs_attr_bs,
	&sgblk_cfs_attr_submit_queues,
	&sgblk_cfs_attr_poll_queues,
	&sgblk_cfs_attr_queue_depth,
	&sgblk_cfs_attr_completion,
	&sgblk_cfs_attr_completion_nsec,
	&sgblk_cfs_attr_profile,
	&sgblk_cfs_attr_dma_dev,
	&sgblk_cfs_attr_map,
	&sgblk_cfs_attr_power,
	&sgblk_cfs_attr_index,
	&sgblk_cfs_attr_disk,
	NULL,
};

static void sgblk_cfs_dev_release(struct config_item *item)
{
	kfree(to_sgblk_cfs_dev(item));
}

static struct configfs_item_operations sgblk_cfs_dev_ops = {
	.release = sgblk_cfs_dev_release,
};

static const struct config_item_type sgblk_cfs_dev_type = {
	.ct_item_ops = &sgblk_cfs_dev_ops,
	.ct_attrs = sgblk_cfs_dev_attrs,
	.ct_owner = THIS_MODULE,
};

/* mkdir: a new configuration with the module parameters' values. */
static struct config_item *sgblk_cfs_make_item(struct config_group *group,
					       const char *name)
{
	struct sgblk_cfs_dev *cd;
	int ret;

	cd = kzalloc(sizeof(*cd), GFP_KERNEL);
	if (!cd)
		return ERR_PTR(-ENOMEM);
	ret = sgblk_conf_from_params(&cd->conf);
	if (ret)
		goto err_free;
	/* A function serves one disk: the module parameter's is taken. */
	cd->conf.dma_dev[0] = '\0';
	config_item_init_type_name(&cd->item, name, &sgblk_cfs_dev_type);
	return &cd->item;

err_free:
	kfree(cd);
	return ERR_PTR(ret);
}

/* rmdir: destroy the disk if powered on, then drop the item. */
static void sgblk_cfs_drop_item(struct config_group *group,
				struct config_item *item)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);

	mutex_lock(&sgblk_cfs_lock);
	if (cd->dev) {
		sgblk_dev_destroy(cd->dev);
		cd->dev = NULL;
	}
	mutex_unlock(&sgblk_cfs_lock);
	config_item_put(item);
}

/* The item attribute names, comma separated, as null_blk's "features". */
static ssize_t sgblk_cfs_features_show(struct config_item *item, char *page)
{
	struct configfs_attribute **a;
	int len = 0;

	for (a = sgblk_cfs_dev_attrs; *a; a++)
		len += sysfs_emit_at(page, len, "%s%s",
				     a == sgblk_cfs_dev_attrs ? "" : ",",
				     (*a)->ca_name);
	len += sysfs_emit_at(page, len, "\n");
	return len;
}
CONFIGFS_ATTR_RO(sgblk_cfs_, features);

static struct configfs_attribute *sgblk_cfs_group_attrs[] = {
	&sgblk_cfs_attr_features,
	NULL,
};

static struct configfs_group_operations sgblk_cfs_group_ops = {
	.make_item = sgblk_cfs_make_item,
	.drop_item = sgblk_cfs_drop_item,
};

static const struct config_item_type sgblk_cfs_group_type = {
	.ct_group_ops = &sgblk_cfs_group_ops,
	.ct_attrs = sgblk_cfs_group_attrs,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem sgblk_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = SGBLK_NAME,
			.ci_type = &sgblk_cfs_group_type,
		},
	},
};

int sgblk_configfs_init(void)
{
	int ret;

	config_group_init(&sgblk_cfs_subsys.su_group);
	mutex_init(&sgblk_cfs_subsys.su_mutex);
	ret = configfs_register_subsystem(&sgblk_cfs_subsys);
	if (ret)
		pr_err("configfs registration failed: %d\n", ret);
	return ret;
}

/*
 * Every item holds a module reference, so none is left here; the disks made
 * by module parameters are not configfs's to remove.
 */
void sgblk_configfs_exit(void)
{
	configfs_unregister_subsystem(&sgblk_cfs_subsys);
}
