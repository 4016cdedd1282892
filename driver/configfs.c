// SPDX-License-Identifier: GPL-2.0
/* configfs interface: placeholder until implemented. */
#include "sgblk.h"

int sgblk_configfs_init(void)
{
	return 0;
}

void sgblk_configfs_exit(void)
{
}
