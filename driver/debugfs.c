// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/sgblk/<disk>/
 *   stats           counters, "name value" per line; write 0 to reset
 *   hist            per-request histograms, "name lo-hi count" per line
 *   profile         the active DMA profile; write a preset name or
 *                   key=value pairs (applied with the queue frozen)
 *   corrupt_bounce  fault knob (0/1): flip a byte in every bounce copy
 *   own_fatal       0/1: WARN on a DMA ownership violation
 *   store_pages     pages held by the memory backend
 * Every file is root-only; a bad write returns -EINVAL and changes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "sgblk.h"

#define SGBLK_PROFILE_WRITE_MAX	256

/*
 * simple_attr_write() and kstrto*_from_user() parse only the first 23 (34)
 * bytes of a write yet report all of it written, so a long "000...01"
 * would act on its prefix, 0.  A number never needs more than 23 bytes
 * (a u64 in octal), so longer writes to numeric files are refused.
 */
#define SGBLK_DBG_NUM_WRITE_MAX	23

static struct dentry *sgblk_dbg_root;

static int sgblk_stats_open_show(struct seq_file *m, void *unused)
{
	struct sgblk_dev *dev = m->private;

	sgblk_stats_show(m, dev->stats);
	return 0;
}

static int sgblk_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, sgblk_stats_open_show, inode->i_private);
}

static ssize_t sgblk_stats_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	struct sgblk_dev *dev = file_inode(file)->i_private;
	unsigned int v;
	int ret;

	if (len > SGBLK_DBG_NUM_WRITE_MAX)
		return -EINVAL;
	ret = kstrtouint_from_user(ubuf, len, 0, &v);
	if (ret)
		return ret;
	if (v)
		return -EINVAL;
	sgblk_stats_reset(dev->stats);
	return len;
}

static const struct file_operations sgblk_stats_fops = {
	.owner = THIS_MODULE,
	.open = sgblk_stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = sgblk_stats_write,
};

static int sgblk_dbg_hist_show(struct seq_file *m, void *unused)
{
	struct sgblk_dev *dev = m->private;

	sgblk_hist_show(m, dev->stats);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgblk_dbg_hist);

static int sgblk_profile_show_one(struct seq_file *m, void *unused)
{
	struct sgblk_dev *dev = m->private;

	mutex_lock(&dev->profile_lock);
	sgblk_profile_show(m, &dev->conf.profile);
	mutex_unlock(&dev->profile_lock);
	return 0;
}

static int sgblk_profile_open(struct inode *inode, struct file *file)
{
	return single_open(file, sgblk_profile_show_one, inode->i_private);
}

static ssize_t sgblk_profile_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct sgblk_dev *dev = file_inode(file)->i_private;
	struct sgblk_profile p;
	char *buf;
	int ret;

	if (!len || len > SGBLK_PROFILE_WRITE_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&dev->profile_lock);
	p = dev->conf.profile;
	mutex_unlock(&dev->profile_lock);
	ret = sgblk_profile_parse(buf, &p);
	kfree(buf);
	if (ret)
		return ret;
	ret = sgblk_set_profile(dev, &p);
	return ret ? ret : len;
}

static const struct file_operations sgblk_profile_fops = {
	.owner = THIS_MODULE,
	.open = sgblk_profile_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = sgblk_profile_write,
};

static int sgblk_store_pages_get(void *data, u64 *val)
{
	struct sgblk_dev *dev = data;

	*val = atomic_long_read(&dev->store.nr_pages);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sgblk_store_pages_fops, sgblk_store_pages_get, NULL,
			 "%llu\n");

/*
 * 0/1 knobs.  debugfs_create_bool() would accept "2" or "abc" and report
 * success; these reject anything but 0 and 1 with -EINVAL.
 */
static int sgblk_knob_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(bool *)data);
	return 0;
}

static int sgblk_knob_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	WRITE_ONCE(*(bool *)data, val);
	return 0;
}

static int sgblk_knob_open(struct inode *inode, struct file *file)
{
	return simple_attr_open(inode, file, sgblk_knob_get, sgblk_knob_set,
				"%llu\n");
}

/* debugfs_attr_write(), refusing what simple_attr_write() would cut short. */
static ssize_t sgblk_dbg_num_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	if (len > SGBLK_DBG_NUM_WRITE_MAX)
		return -EINVAL;
	return debugfs_attr_write(file, ubuf, len, ppos);
}

/* DEFINE_DEBUGFS_ATTRIBUTE()'s fops with the length check on write. */
static const struct file_operations sgblk_knob_fops = {
	.owner = THIS_MODULE,
	.open = sgblk_knob_open,
	.release = simple_attr_release,
	.read = debugfs_attr_read,
	.write = sgblk_dbg_num_write,
	.llseek = generic_file_llseek,
};

void sgblk_debugfs_add(struct sgblk_dev *dev)
{
	struct dentry *d;

	d = debugfs_create_dir(dev->disk->disk_name, sgblk_dbg_root);
	dev->dbg = d;
	debugfs_create_file("stats", 0600, d, dev, &sgblk_stats_fops);
	debugfs_create_file("hist", 0400, d, dev, &sgblk_dbg_hist_fops);
	debugfs_create_file("profile", 0600, d, dev, &sgblk_profile_fops);
	debugfs_create_file_unsafe("corrupt_bounce", 0600, d,
				   &dev->corrupt_bounce, &sgblk_knob_fops);
	debugfs_create_file_unsafe("own_fatal", 0600, d, &dev->own_fatal,
				   &sgblk_knob_fops);
	debugfs_create_file_unsafe("store_pages", 0400, d, dev,
				   &sgblk_store_pages_fops);
}

void sgblk_debugfs_remove(struct sgblk_dev *dev)
{
	debugfs_remove_recursive(dev->dbg);
	dev->dbg = NULL;
}

void sgblk_debugfs_init(void)
{
	sgblk_dbg_root = debugfs_create_dir(SGBLK_NAME, NULL);
}

void sgblk_debugfs_exit(void)
{
	debugfs_remove_recursive(sgblk_dbg_root);
}
