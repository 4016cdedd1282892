/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_PCI_H
#define SGBLK_PCI_H

/* PCI functions bound to sgblk, as DMA devices. */
struct device;

/**
 * struct sgblk_pci_user - a disk, as the PCI function it maps through sees
 *	it
 * @stop: called from the function's remove() while the disk holds it, with
 *	the function's DMA ops still in place: the disk must stop using it
 * @index: N of the disk's sgblkN, for the log
 */
struct sgblk_pci_user {
	void (*stop)(struct sgblk_pci_user *user);
	int index;
};

int sgblk_pci_init(void);
void sgblk_pci_exit(void);
int sgblk_pci_check(const char *name);
struct device *sgblk_pci_claim(const char *name, struct sgblk_pci_user *me);
void sgblk_pci_release(struct device *d);

#endif /* SGBLK_PCI_H */
