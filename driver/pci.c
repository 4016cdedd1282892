// SPDX-License-Identifier: GPL-2.0
/*
 * A PCI function as a disk's DMA device.  sgblk registers a PCI driver
 * with no ID table: it binds only to a function whose driver_override says
 * "sgblk", as pci-stub and vfio-pci are bound.  The function never does DMA
 * itself (bus mastering stays off); sgblk only maps through it, so its
 * mappings go through whatever the platform puts in front of the function:
 * the IOMMU's DMA ops (IOVA allocation, merging up to dma_parms, lazy or
 * strict IOTLB flushes), an identity domain, or dma-direct.
 *
 * A function serves one disk at a time: the profile sets its dma_parms and
 * coherent mask.  The driver has no bind/unbind files; the function is
 * bound when the driver registers or through /sys/bus/pci/drivers_probe.
 * A function removed while a disk maps through it (hot unplug, or its
 * sysfs remove file) stops that disk first: see sgblk_pci_remove().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include "pci.h"

/* Serialises claiming and releasing functions against remove. */
static DEFINE_MUTEX(sgblk_pci_lock);

static int sgblk_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	/* drvdata: the sgblk_pci_user mapping through it, NULL when free */
	pci_set_drvdata(pdev, NULL);
	pci_info(pdev, "bound to sgblk as a DMA device (no bus mastering)\n");
	return 0;
}

/*
 * Only a hot unplug (or sysfs remove) gets here while a disk maps through
 * the function.  Its DMA ops are still there while this runs, and go right
 * after (the IOMMU core releases the device): the disk is stopped now, as
 * nvme-pci's remove stops its namespaces (the disk's stop: sgblk_blk_stop()).  The claim
 * lock keeps the disk from going meanwhile: it releases the function only
 * through sgblk_pci_release().
 */
static void sgblk_pci_remove(struct pci_dev *pdev)
{
	struct sgblk_pci_user *user;

	mutex_lock(&sgblk_pci_lock);
	user = pci_get_drvdata(pdev);
	if (user) {
		pci_warn(pdev, "removed under sgblk%d: its I/O fails from now on\n",
			 user->index);
		user->stop(user);
	}
	mutex_unlock(&sgblk_pci_lock);
}

static struct pci_driver sgblk_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = NULL,	/* driver_override only */
	.probe = sgblk_pci_probe,
	.remove = sgblk_pci_remove,
	.driver.suppress_bind_attrs = true,
};

/* The function named @name if sgblk drives it, with a reference; or NULL. */
static struct pci_dev *sgblk_pci_find(const char *name)
{
	struct device *d = bus_find_device_by_name(&pci_bus_type, NULL, name);

	if (!d)
		return NULL;
	if (d->driver != &sgblk_pci_driver.driver) {
		put_device(d);
		return NULL;
	}
	return to_pci_dev(d);
}

/**
 * sgblk_pci_check - is @name a PCI function bound to sgblk
 * @name: a PCI device name ("0000:00:03.0")
 *
 * Return: 0, or -ENODEV with the reason logged.
 */
int sgblk_pci_check(const char *name)
{
	struct pci_dev *pdev = sgblk_pci_find(name);

	if (!pdev) {
		pr_err("dma_dev '%s': no PCI function of that name bound to sgblk (set its driver_override to sgblk and probe it)\n",
		       name);
		return -ENODEV;
	}
	pci_dev_put(pdev);
	return 0;
}

/**
 * sgblk_pci_claim - take a PCI function bound to sgblk as a disk's DMA device
 * @name: its name ("0000:00:03.0")
 * @me: the disk that will map through it: its stop() runs if the function
 *	is removed while claimed
 *
 * Return: the function's struct device, with a reference, for
 * sgblk_pci_release(); ERR_PTR(-ENODEV) if no function of that name is
 * bound to sgblk, ERR_PTR(-EBUSY) if another disk maps through it,
 * ERR_PTR(-EIO) if it has no dma_parms; the reason is logged.
 */
struct device *sgblk_pci_claim(const char *name, struct sgblk_pci_user *me)
{
	struct pci_dev *pdev;
	struct sgblk_pci_user *user;
	int ret = 0;

	mutex_lock(&sgblk_pci_lock);
	pdev = sgblk_pci_find(name);
	if (!pdev) {
		mutex_unlock(&sgblk_pci_lock);
		sgblk_pci_check(name);
		return ERR_PTR(-ENODEV);
	}
	user = pci_get_drvdata(pdev);
	if (user) {
		pci_err(pdev, "dma_dev: already the DMA device of another sgblk disk\n");
		ret = -EBUSY;
	} else if (!pdev->dev.dma_parms) {
		/* The profile's segment limits would not reach the DMA layer. */
		pci_err(pdev, "dma_dev: no dma_parms\n");
		ret = -EIO;
	} else {
		pci_set_drvdata(pdev, me);
	}
	mutex_unlock(&sgblk_pci_lock);
	if (ret) {
		pci_dev_put(pdev);
		return ERR_PTR(ret);
	}
	return &pdev->dev;
}

/* Give back a function from sgblk_pci_claim(). */
void sgblk_pci_release(struct device *d)
{
	struct pci_dev *pdev = to_pci_dev(d);

	mutex_lock(&sgblk_pci_lock);
	pci_set_drvdata(pdev, NULL);
	mutex_unlock(&sgblk_pci_lock);
	pci_dev_put(pdev);
}

/* Registering binds every function whose driver_override already says sgblk. */
int sgblk_pci_init(void)
{
	return pci_register_driver(&sgblk_pci_driver);
}

void sgblk_pci_exit(void)
{
	pci_unregister_driver(&sgblk_pci_driver);
}
