/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_DEBUGFS_H
#define SGBLK_DEBUGFS_H

struct sgblk_dev;

void sgblk_debugfs_init(void);
void sgblk_debugfs_exit(void);
void sgblk_debugfs_add(struct sgblk_dev *dev);
void sgblk_debugfs_remove(struct sgblk_dev *dev);

#endif /* SGBLK_DEBUGFS_H */
