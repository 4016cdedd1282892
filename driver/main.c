// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk - a blk-mq block device for measuring and validating how user pages
 * and vmalloc buffers become bios, scatterlists and DMA mappings for devices
 * with awkward DMA constraints.
 *
 * This file: module init and exit.  What a device is made of is conf.c's;
 * the devices themselves are dev.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include "conf.h"
#include "dev.h"
#include "pci.h"
#include "debugfs.h"
#include "configfs.h"
#include "ctl.h"

#define SGBLK_MAX_PARAM_DEVICES	64

static unsigned int sgblk_nr_devices = 1;
module_param_named(nr_devices, sgblk_nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "Devices created at load (0-64, default 1)");

static unsigned int sgblk_fail_init_at;
module_param_named(fail_init_at, sgblk_fail_init_at, uint, 0444);
MODULE_PARM_DESC(fail_init_at,
		 "Test hook: module init fails (-ENOMEM) at step N: 1..nr_devices the Nth device, nr_devices+1 the control device (default 0: never)");

/* The configuration the module parameters give every device they make. */
static int sgblk_param_conf(struct sgblk_conf *conf)
{
	int ret = sgblk_conf_from_params(conf);

	if (ret)
		return ret;
	if (conf->dma_dev[0] && sgblk_nr_devices > 1) {
		pr_err("dma_dev %s: a PCI function serves one disk, not nr_devices=%u\n",
		       conf->dma_dev, sgblk_nr_devices);
		return -EINVAL;
	}
	return 0;
}

/* Free the first @n devices of @devs, never added, and the array. */
static void sgblk_param_devs_free(struct sgblk_dev **devs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		sgblk_dev_put_unadded(devs[i]);
	kfree(devs);
}

/*
 * Allocate the nr_devices devices the module parameters ask for, their
 * disks not yet added (fail_init_at may fail the Nth).
 * Return: the array, or an ERR_PTR with nothing left allocated.
 */
static struct sgblk_dev **sgblk_param_devs(const struct sgblk_conf *conf)
{
	struct sgblk_dev **devs;
	unsigned int n;
	int ret;

	devs = kcalloc(max(sgblk_nr_devices, 1U), sizeof(*devs), GFP_KERNEL);
	if (!devs)
		return ERR_PTR(-ENOMEM);
	for (n = 0; n < sgblk_nr_devices; n++) {
		devs[n] = sgblk_fail_init_at == n + 1 ? ERR_PTR(-ENOMEM) :
			  sgblk_dev_alloc(conf);
		if (IS_ERR(devs[n])) {
			ret = PTR_ERR(devs[n]);
			pr_err("creating device %u of %u failed: %d\n", n + 1,
			       sgblk_nr_devices, ret);
			sgblk_param_devs_free(devs, n);
			return ERR_PTR(ret);
		}
	}
	return devs;
}

static int __init sgblk_init(void)
{
	unsigned int n = sgblk_nr_devices;
	struct sgblk_conf conf = { };
	struct sgblk_dev **devs;
	int ret;

	if (n > SGBLK_MAX_PARAM_DEVICES) {
		pr_err("nr_devices %u: at most %u\n", n, SGBLK_MAX_PARAM_DEVICES);
		return -EINVAL;
	}
	/* Functions whose driver_override says sgblk bind here, before dma_dev is looked up. */
	ret = sgblk_pci_init();
	if (ret)
		return ret;
	ret = sgblk_param_conf(&conf);
	if (ret)
		goto err_pci;
	sgblk_debugfs_init();
	/* Everything that can fail comes before the first add_disk(). */
	devs = sgblk_param_devs(&conf);
	if (IS_ERR(devs)) {
		ret = PTR_ERR(devs);
		goto err_debugfs;
	}
	ret = sgblk_configfs_init();
	if (ret)
		goto err_devs;
	ret = sgblk_fail_init_at == n + 1 ? -ENOMEM : sgblk_ctl_init();
	if (ret) {
		pr_err("registering the control device failed: %d\n", ret);
		goto err_configfs;
	}
	ret = sgblk_dev_add_all(devs, n);
	if (ret < 0)
		goto err_ctl;
	kfree(devs);
	pr_info("loaded, %d device(s)\n", ret);
	return 0;

err_ctl:
	n = 0;		/* sgblk_dev_add_all() freed them */
	sgblk_ctl_exit();
err_configfs:
	sgblk_configfs_exit();
err_devs:
	sgblk_param_devs_free(devs, n);
err_debugfs:
	sgblk_debugfs_exit();
err_pci:
	sgblk_pci_exit();
	return ret;
}

static void __exit sgblk_exit(void)
{
	sgblk_ctl_exit();
	sgblk_configfs_exit();
	sgblk_dev_remove_all();
	sgblk_debugfs_exit();
	sgblk_pci_exit();
}

module_init(sgblk_init);
module_exit(sgblk_exit);
MODULE_DESCRIPTION("sgblk: block device for DMA mapping benchmarks and checks");
MODULE_LICENSE("GPL");
