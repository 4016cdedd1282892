// SPDX-License-Identifier: GPL-2.0
/*
 * configfs: /sys/kernel/config/sgblk/<name>/, as null_blk does.
 *
 * mkdir makes a device configuration (not yet a disk) holding the module
 * parameters' defaults; its attributes carry the module parameters' names:
 *   capacity_mb backend bs submit_queues poll_queues queue_depth completion
 *   completion_nsec profile dma_dev map coherent
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
#include "configfs.h"
#include "dev.h"
#include "blk.h"

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

/*
 * The attribute types: how a value is parsed into its field of a
 * configuration, and shown from it.  Parsers leave validation to
 * sgblk_conf_check(); they return 0 or -EINVAL (dma_dev: -ENODEV).
 */
static int sgblk_cfs_parse_u64(void *v, const char *page)
{
	return kstrtou64(page, 0, v) ? -EINVAL : 0;
}

static ssize_t sgblk_cfs_show_u64(const struct sgblk_cfs_dev *cd,
				  const void *v, char *page)
{
	return sysfs_emit(page, "%llu\n", *(const u64 *)v);
}

static int sgblk_cfs_parse_uint(void *v, const char *page)
{
	return kstrtouint(page, 0, v) ? -EINVAL : 0;
}

static ssize_t sgblk_cfs_show_uint(const struct sgblk_cfs_dev *cd,
				   const void *v, char *page)
{
	return sysfs_emit(page, "%u\n", *(const unsigned int *)v);
}

/* A queue count where 0 means one per CPU, as for the module parameter. */
static int sgblk_cfs_parse_queues(void *v, const char *page)
{
	unsigned int n;

	if (kstrtouint(page, 0, &n))
		return -EINVAL;
	*(unsigned int *)v = n ?: nr_cpu_ids;
	return 0;
}

#define sgblk_cfs_show_queues sgblk_cfs_show_uint

static int sgblk_cfs_parse_backend(void *v, const char *page)
{
	int ret = sgblk_backend_parse(page);

	if (ret < 0)
		return -EINVAL;
	*(enum sgblk_backend *)v = ret;
	return 0;
}

static ssize_t sgblk_cfs_show_backend(const struct sgblk_cfs_dev *cd,
				      const void *v, char *page)
{
	return sysfs_emit(page, "%s\n",
			  sgblk_backend_str(*(const enum sgblk_backend *)v));
}

static int sgblk_cfs_parse_completion(void *v, const char *page)
{
	int ret = sgblk_completion_parse(page);

	if (ret < 0)
		return -EINVAL;
	*(enum sgblk_completion *)v = ret;
	return 0;
}

static ssize_t sgblk_cfs_show_completion(const struct sgblk_cfs_dev *cd,
					 const void *v, char *page)
{
	return sysfs_emit(page, "%s\n",
			  sgblk_completion_str(*(const enum sgblk_completion *)v));
}

static int sgblk_cfs_parse_profile(void *v, const char *page)
{
	return sgblk_profile_preset(page, v);
}

/*
 * A live disk's profile may have been changed in debugfs; it is read
 * without waiting on a switch's freeze (this file is world readable, and
 * sgblk_cfs_lock is held).
 */
static ssize_t sgblk_cfs_show_profile(const struct sgblk_cfs_dev *cd,
				      const void *v, char *page)
{
	struct sgblk_profile p;

	if (!cd->dev)
		return sysfs_emit(page, "%s\n",
				  ((const struct sgblk_profile *)v)->name);
	sgblk_conf_read(cd->dev, &p, NULL);
	return sysfs_emit(page, "%s\n", p.name);
}

static int sgblk_cfs_parse_dma_dev(void *v, const char *page)
{
	return sgblk_conf_dma_dev(v, page);
}

static ssize_t sgblk_cfs_show_dma_dev(const struct sgblk_cfs_dev *cd,
				      const void *v, char *page)
{
	const char *name = v;

	return sysfs_emit(page, "%s\n", name[0] ? name : "none");
}

static int sgblk_cfs_parse_map(void *v, const char *page)
{
	int ret = sgblk_map_parse(page);

	if (ret < 0)
		return -EINVAL;
	*(enum sgblk_map *)v = ret;
	return 0;
}

/* As profile: debugfs may have switched a live disk. */
static ssize_t sgblk_cfs_show_map(const struct sgblk_cfs_dev *cd,
				  const void *v, char *page)
{
	enum sgblk_map map = *(const enum sgblk_map *)v;

	if (cd->dev)
		sgblk_conf_read(cd->dev, NULL, &map);
	return sysfs_emit(page, "%s\n", sgblk_map_str(map));
}

static int sgblk_cfs_parse_coherent(void *v, const char *page)
{
	int ret = sgblk_coherent_parse(page);

	if (ret < 0)
		return -EINVAL;
	*(enum sgblk_coherent *)v = ret;
	return 0;
}

static ssize_t sgblk_cfs_show_coherent(const struct sgblk_cfs_dev *cd,
				       const void *v, char *page)
{
	return sysfs_emit(page, "%s\n",
			  sgblk_coherent_str(*(const enum sgblk_coherent *)v));
}

/* An attribute's parser and printer, made by SGBLK_CFS_ATTR(). */
typedef ssize_t (*sgblk_cfs_io_t)(const struct sgblk_cfs_dev *cd,
				  struct sgblk_conf *c, const char *in,
				  char *out);

static ssize_t sgblk_cfs_conf_show(struct config_item *item, char *page,
				   sgblk_cfs_io_t io)
{
	struct sgblk_cfs_dev *cd = to_sgblk_cfs_dev(item);
	ssize_t ret;

	mutex_lock(&sgblk_cfs_lock);
	ret = io(cd, &cd->conf, NULL, page);
	mutex_unlock(&sgblk_cfs_lock);
	return ret;
}

/**
 * sgblk_cfs_conf_store - write one configuration attribute
 * @item: the item
 * @page: the value written
 * @count: its length
 * @io: the attribute's parser (SGBLK_CFS_ATTR())
 *
 * The new value is applied to a copy of the configuration, which must pass
 * sgblk_conf_check() before it replaces the item's.
 * Return: @count; -EBUSY while powered on; -EINVAL for an invalid value.
 * The configuration is unchanged on error.
 */
static ssize_t sgblk_cfs_conf_store(struct config_item *item, const char *page,
				    size_t count, sgblk_cfs_io_t io)
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
	ret = io(cd, &conf, page, NULL);
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

/*
 * One configuration attribute, by the name of its field in struct
 * sgblk_conf and its type (the parser and printer above): a new attribute
 * is one line here and its entry in sgblk_cfs_dev_attrs, as in null_blk.
 * Its _io function parses @in into @c, or shows @c into @out; the type's
 * functions take the field by address, as the type names it.
 */
#define SGBLK_CFS_ATTR(_name, _type)					\
static ssize_t sgblk_cfs_##_name##_io(const struct sgblk_cfs_dev *cd,	\
				      struct sgblk_conf *c,		\
				      const char *in, char *out)	\
{									\
	void *v = (u8 *)c + offsetof(struct sgblk_conf, _name);	\
									\
	if (in)								\
		return sgblk_cfs_parse_##_type(v, in);			\
	return sgblk_cfs_show_##_type(cd, v, out);			\
}									\
static ssize_t sgblk_cfs_##_name##_show(struct config_item *item,	\
					char *page)			\
{									\
	return sgblk_cfs_conf_show(item, page, sgblk_cfs_##_name##_io);	\
}									\
static ssize_t sgblk_cfs_##_name##_store(struct config_item *item,	\
					 const char *page, size_t count) \
{									\
	return sgblk_cfs_conf_store(item, page, count,			\
				    sgblk_cfs_##_name##_io);		\
}									\
static struct configfs_attribute sgblk_cfs_attr_##_name = {			\
	.ca_owner = THIS_MODULE,					\
	.ca_name = #_name,						\
	.ca_mode = 0644,						\
	.show = sgblk_cfs_##_name##_show,				\
	.store = sgblk_cfs_##_name##_store,				\
}

SGBLK_CFS_ATTR(capacity_mb, u64);
SGBLK_CFS_ATTR(backend, backend);
SGBLK_CFS_ATTR(bs, uint);
SGBLK_CFS_ATTR(submit_queues, queues);
SGBLK_CFS_ATTR(poll_queues, uint);
SGBLK_CFS_ATTR(queue_depth, uint);
SGBLK_CFS_ATTR(completion, completion);
SGBLK_CFS_ATTR(completion_nsec, u64);
SGBLK_CFS_ATTR(profile, profile);
SGBLK_CFS_ATTR(dma_dev, dma_dev);
SGBLK_CFS_ATTR(map, map);
SGBLK_CFS_ATTR(coherent, coherent);

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
	&sgblk_cfs_attr_coherent,
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
