/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_CONFIGFS_H
#define SGBLK_CONFIGFS_H

int sgblk_configfs_init(void);
void sgblk_configfs_exit(void);

#endif /* SGBLK_CONFIGFS_H */
