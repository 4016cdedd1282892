/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_BIOGEN_H
#define SGBLK_BIOGEN_H

/* The bio builder behind SGBLK_IOC_BIOGEN (sgblk_ioctl.h). */
struct sgblk_biogen;
int sgblk_biogen_run(struct sgblk_biogen *a);

#endif /* SGBLK_BIOGEN_H */
