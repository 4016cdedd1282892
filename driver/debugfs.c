// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/sgblk/<disk>/
 *   stats           counters, "name value" per line; write 0 to reset
 *   hist            per-request histograms, "name lo-hi count" per line
 *   profile         the active DMA profile; write a preset name or
 *                   key=value pairs (applied with the queue frozen)
 *   corrupt_bounce  fault knob (0/1): flip a byte in every bounce copy
 *   own_fatal       0/1: WARN on a DMA ownership violation
 *   fail_request_every, fail_request_percent
 *                   fail every Nth / this % of reads and writes (EIO)
 *   fail_pool_every fail every Nth request's bounce allocation (requeue;
 *                   1 holds bouncing requests until it is cleared)
 *   fail_map_every  every Nth DMA mapping fails (requeue; a request failing
 *                   for its whole io_timeout ends with EIO)
 *   drop_request_every
 *                   never complete every Nth read/write; the blk-mq
 *                   timeout handler ends it (ETIMEDOUT), see io_timeout
 *   bad_dma_addr_every
 *                   every Nth mapped read/write: one descriptor's DMA
 *                   address points where nothing is mapped (engine fault,
 *                   EIO; counted in injected_bad_addrs)
 *   misdirect_every every Nth memory-backend read/write of two descriptors
 *                   or more: the engine moves the first run's bytes at the
 *                   last descriptor's DMA address (as many as it holds),
 *                   within the request's own memory, so only its data is
 *                   wrong (counted in injected_misdirects)
 *   plan_digest     0/1: sum a hash of every request's mapped ranges and
 *                   descriptors into the plan_digest counter (stats)
 *   map             the DMA mapping path, sg or iter; write one to switch
 *                   (queue frozen; -EOPNOTSUPP where the kernel lacks it)
 *   dma             the DMA device, "key: value" per line (see dma.c)
 *   store_pages     pages held by the memory backend
 * Every file is root-only; a bad write returns -EINVAL and changes nothing.
 * blk-mq's own debugfs (block/<disk>/hctxN/busy) shows, with each request,
 * where sgblk holds it (blk.c's ->show_rq).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "sgblk.h"
#include "debugfs.h"
#include "blk.h"
#include "dma.h"
#include "compat.h"

#define SGBLK_PROFILE_WRITE_MAX	256
/*
 * kstrtou64_from_user() parses at most 23 bytes of a write: never accept
 * more ("18446744073709551615\n" is 21).
 */
#define SGBLK_NUM_WRITE_MAX	23

static struct dentry *sgblk_dbg_root;

/**
 * sgblk_dbg_get_u64 - parse a number written to a debugfs file
 * @ubuf: the user buffer
 * @len: its length
 * @val: the number
 *
 * kstrtou64_from_user() and simple_attr_write() quietly parse only the
 * first few bytes of a long write ("0000...0001" would read as 0): a write
 * longer than any u64 in decimal is refused instead.
 *
 * Return: 0, or -EINVAL / -ERANGE / -EFAULT with @val untouched.
 */
static int sgblk_dbg_get_u64(const char __user *ubuf, size_t len, u64 *val)
{
	if (!len || len > SGBLK_NUM_WRITE_MAX)
		return -EINVAL;
	return kstrtou64_from_user(ubuf, len, 0, val);
}

static int sgblk_dbg_stats_show(struct seq_file *m, void *unused)
{
	struct sgblk_dev *dev = m->private;

	sgblk_stats_show(m, dev->stats);
	return 0;
}

static ssize_t sgblk_dbg_stats_write(struct file *file, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	struct sgblk_dev *dev = file_inode(file)->i_private;
	u64 v;
	int ret;

	ret = sgblk_dbg_get_u64(ubuf, len, &v);
	if (ret)
		return ret;
	if (v)
		return -EINVAL;
	sgblk_stats_reset(dev->stats);
	return len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(sgblk_dbg_stats);

static int sgblk_dbg_hist_show(struct seq_file *m, void *unused)
{
	struct sgblk_dev *dev = m->private;

	sgblk_hist_show(m, dev->stats);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgblk_dbg_hist);

static int sgblk_dbg_profile_show(struct seq_file *m, void *unused)
{
	struct sgblk_profile p;

	sgblk_conf_read(m->private, &p, NULL);
	sgblk_profile_show(m, &p);
	return 0;
}

static ssize_t sgblk_dbg_profile_write(struct file *file, const char __user *ubuf,
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
	sgblk_conf_read(dev, &p, NULL);
	ret = sgblk_profile_parse(buf, &p);
	kfree(buf);
	if (ret)
		return ret;
	ret = sgblk_set_profile(dev, &p);
	return ret ? ret : len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(sgblk_dbg_profile);

static int sgblk_dbg_map_show(struct seq_file *m, void *unused)
{
	enum sgblk_map map;

	sgblk_conf_read(m->private, NULL, &map);
	seq_printf(m, "%s\n", sgblk_map_str(map));
	return 0;
}

/* "sg" or "iter", a newline allowed; anything else: -EINVAL, no change. */
static ssize_t sgblk_dbg_map_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct sgblk_dev *dev = file_inode(file)->i_private;
	char buf[8];
	int ret;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = sgblk_map_parse(buf);
	if (ret < 0)
		return -EINVAL;
	ret = sgblk_set_map(dev, ret);
	return ret ? ret : len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(sgblk_dbg_map);

static int sgblk_store_pages_get(void *data, u64 *val)
{
	struct sgblk_dev *dev = data;

	*val = atomic_long_read(&dev->store.nr_pages);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sgblk_store_pages_fops, sgblk_store_pages_get, NULL,
			 "%llu\n");

static int sgblk_dbg_dma_show(struct seq_file *m, void *unused)
{
	sgblk_dma_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgblk_dbg_dma);

static ssize_t sgblk_knob_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct sgblk_knob *k = file_inode(file)->i_private;
	char buf[16];
	int n;

	n = scnprintf(buf, sizeof(buf), "%u\n", READ_ONCE(k->val));
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

/* Out of range, negative, junk or overlong: -EINVAL, knob unchanged. */
static ssize_t sgblk_knob_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct sgblk_knob *k = file_inode(file)->i_private;
	u64 v;
	int ret;

	ret = sgblk_dbg_get_u64(ubuf, len, &v);
	if (!ret)
		ret = sgblk_knob_set(k, v);
	return ret ? ret : len;
}

static const struct file_operations sgblk_knob_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = sgblk_knob_read,
	.write = sgblk_knob_write,
	.llseek = default_llseek,
};

void sgblk_debugfs_add(struct sgblk_dev *dev)
{
	struct dentry *d;
	unsigned int i;

	d = debugfs_create_dir(dev->disk->disk_name, sgblk_dbg_root);
	dev->dbg = d;
	debugfs_create_file("stats", 0600, d, dev, &sgblk_dbg_stats_fops);
	debugfs_create_file("hist", 0400, d, dev, &sgblk_dbg_hist_fops);
	debugfs_create_file("profile", 0600, d, dev, &sgblk_dbg_profile_fops);
	for (i = 0; i < SGBLK_NR_KNOBS; i++)
		debugfs_create_file(sgblk_knob_name(i), 0600, d,
				    &dev->knobs[i], &sgblk_knob_fops);
	debugfs_create_file("map", 0600, d, dev, &sgblk_dbg_map_fops);
	debugfs_create_file("dma", 0400, d, dev, &sgblk_dbg_dma_fops);
	debugfs_create_file_unsafe("store_pages", 0400, d, dev,
				   &sgblk_store_pages_fops);
}

void sgblk_debugfs_remove(struct sgblk_dev *dev)
{
	debugfs_remove_recursive(dev->dbg);
	dev->dbg = NULL;
}

static int sgblk_dbg_presets_show(struct seq_file *m, void *unused)
{
	sgblk_presets_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgblk_dbg_presets);

void sgblk_debugfs_init(void)
{
	sgblk_dbg_root = debugfs_create_dir(SGBLK_NAME, NULL);
	debugfs_create_file("presets", 0400, sgblk_dbg_root, NULL,
			    &sgblk_dbg_presets_fops);
}

void sgblk_debugfs_exit(void)
{
	debugfs_remove_recursive(sgblk_dbg_root);
}
