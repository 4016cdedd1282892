// SPDX-License-Identifier: GPL-2.0
/*
 * Knobs and fault injection: which events fail.  Where a fault lands and
 * what it does is up to the caller (blk.c, map.c, bounce.c, engine.c); see fault.h.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include "fault.h"

static const struct {
	const char *name;
	u32 max;
} sgblk_knob_defs[SGBLK_NR_KNOBS] = {
	[SGBLK_KNOB_CORRUPT_BOUNCE] = { "corrupt_bounce", 1 },
	[SGBLK_KNOB_OWN_FATAL] = { "own_fatal", 1 },
	[SGBLK_KNOB_FAIL_REQUEST_EVERY] = { "fail_request_every", U32_MAX },
	[SGBLK_KNOB_FAIL_REQUEST_PERCENT] = { "fail_request_percent", 100 },
	[SGBLK_KNOB_FAIL_POOL_EVERY] = { "fail_pool_every", U32_MAX },
	[SGBLK_KNOB_FAIL_MAP_EVERY] = { "fail_map_every", U32_MAX },
	[SGBLK_KNOB_DROP_REQUEST_EVERY] = { "drop_request_every", U32_MAX },
	[SGBLK_KNOB_FAIL_STORE_EVERY] = { "fail_store_every", U32_MAX },
	[SGBLK_KNOB_BAD_DMA_ADDR_EVERY] = { "bad_dma_addr_every", U32_MAX },
	[SGBLK_KNOB_MISDIRECT_EVERY] = { "misdirect_every", U32_MAX },
	[SGBLK_KNOB_PLAN_DIGEST] = { "plan_digest", 1 },
};

const char *sgblk_knob_name(enum sgblk_knob_id id)
{
	return sgblk_knob_defs[id].name;
}

void sgblk_knobs_init(struct sgblk_knob *knobs)
{
	unsigned int i;

	for (i = 0; i < SGBLK_NR_KNOBS; i++) {
		knobs[i].val = 0;
		knobs[i].max = sgblk_knob_defs[i].max;
		atomic_set(&knobs[i].seen, 0);
	}
}

/**
 * sgblk_knob_set - set a knob, restarting its every-Nth count
 * @k: the knob
 * @val: the new value
 *
 * Return: 0, or -EINVAL (nothing changed) if @val is out of range.
 */
int sgblk_knob_set(struct sgblk_knob *k, u64 val)
{
	if (val > k->max)
		return -EINVAL;
	atomic_set(&k->seen, 0);
	WRITE_ONCE(k->val, val);
	return 0;
}

/* Every val-th call since the knob was written hits: exactly 1 in val. */
bool sgblk_fault_every_hit(struct sgblk_knob *k)
{
	u32 every = READ_ONCE(k->val);

	return every && (u32)atomic_inc_return(&k->seen) % every == 0;
}

bool sgblk_fault_percent_hit(struct sgblk_knob *k)
{
	return get_random_u32_below(100) < READ_ONCE(k->val);
}
