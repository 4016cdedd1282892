// SPDX-License-Identifier: GPL-2.0
/*
 * The control device /dev/sgblk-ctl (misc, mode 0600): ioctls that need
 * more than debugfs or configfs can carry.  Every ioctl requires
 * CAP_SYS_ADMIN.  The structures are in include/sgblk_ioctl.h; each starts
 * with its size so it can grow (copy_struct_from_user() semantics).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <sgblk_ioctl.h>
#include "sgblk.h"
#include "ctl.h"
#include "biogen.h"

static long sgblk_ctl_biogen(void __user *argp)
{
	struct sgblk_biogen a;
	u32 usize;
	int ret;

	BUILD_BUG_ON(sizeof(a) != SGBLK_BIOGEN_SIZE_VER0);
	BUILD_BUG_ON(offsetof(struct sgblk_biogen, sector) != 56);
	BUILD_BUG_ON(offsetof(struct sgblk_biogen, bios) != 136);
	BUILD_BUG_ON(sizeof(struct sgblk_iovec) != 16);

	if (get_user(usize, (u32 __user *)argp))
		return -EFAULT;
	if (usize < SGBLK_BIOGEN_SIZE_VER0 || usize > PAGE_SIZE)
		return -EINVAL;
	/* A larger struct from newer userspace is fine if the rest is zero. */
	ret = copy_struct_from_user(&a, sizeof(a), argp, usize);
	if (ret)
		return ret;
	ret = sgblk_biogen_run(&a);
	if (ret)
		return ret;
	a.size = min_t(u32, usize, sizeof(a));
	if (copy_to_user(argp, &a, a.size))
		return -EFAULT;
	return 0;
}

static long sgblk_ctl_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	/* The struct size travels in the struct, not in the number. */
	if (_IOC_TYPE(cmd) != SGBLK_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(SGBLK_IOC_BIOGEN):
		return sgblk_ctl_biogen(argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations sgblk_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sgblk_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice sgblk_ctl_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SGBLK_CTL_NAME,
	.fops = &sgblk_ctl_fops,
	.mode = 0600,
};

int sgblk_ctl_init(void)
{
	int ret = misc_register(&sgblk_ctl_dev);

	if (ret)
		pr_err("registering /dev/%s failed: %d\n", SGBLK_CTL_NAME, ret);
	return ret;
}

void sgblk_ctl_exit(void)
{
	misc_deregister(&sgblk_ctl_dev);
}
