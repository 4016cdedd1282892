/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_CTL_H
#define SGBLK_CTL_H

/* The misc control device. */
int sgblk_ctl_init(void);
void sgblk_ctl_exit(void);

#endif /* SGBLK_CTL_H */
