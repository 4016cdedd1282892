/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_PROFILE_H
#define SGBLK_PROFILE_H

#include <linux/seq_file.h>
#include "sgplan.h"
#include "compat.h"

#define SGBLK_PROFILE_NAME_LEN	16
/* Descriptor ring entries per request: the most any plan may use. */
#define SGBLK_RING_DESCS	512
/* Scatterlist elements per request the block layer may send. */
#define SGBLK_MAX_SEGMENTS	128
#define SGBLK_MAX_RQ_BYTES	SZ_1M
#define SGBLK_MAX_BOUNCE_SIZE	SZ_64K

/**
 * struct sgblk_profile - the DMA constraints of one simulated device
 * @name: the preset it came from, or "custom" once a field was changed
 * @plan: the rules the planner and the engine enforce; plan.bounce_size is
 *	derived (see sgblk_profile_derive()), not set by the user
 * @bounce_pool_kb: cap on bounce memory held at once; requests that find
 *	it exhausted wait (requeued) for up to their io_timeout
 * @max_rq_bytes: largest request, derived: what the descriptor ring holds
 *	and the bounce pool serves in the worst case
 */
struct sgblk_profile {
	char name[SGBLK_PROFILE_NAME_LEN];
	struct sgplan_profile plan;
	u32 bounce_pool_kb;
	u32 max_rq_bytes;
};

int sgblk_profile_preset(const char *name, struct sgblk_profile *p);
int sgblk_profile_parse(char *buf, struct sgblk_profile *p);
u32 sgblk_profile_bounce_bufs(const struct sgblk_profile *p);
void sgblk_presets_show(struct seq_file *m);
void sgblk_profile_show(struct seq_file *m, const struct sgblk_profile *p);
void sgblk_profile_qlimits(const struct sgblk_profile *p, unsigned int lbs,
			   struct sgblk_qlimits *l);

#endif /* SGBLK_PROFILE_H */
