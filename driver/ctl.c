// SPDX-License-Identifier: GPL-2.0
/* Control device and bio builder: placeholder until implemented. */
#include "sgblk.h"

int sgblk_ctl_init(void)
{
	return 0;
}

void sgblk_ctl_exit(void)
{
}
