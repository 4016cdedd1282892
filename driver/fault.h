/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_FAULT_H
#define SGBLK_FAULT_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/types.h>

/*
 * Per-device knobs, all off (0) by default, each a debugfs file.  The
 * kernels we target are built without CONFIG_FAULT_INJECTION, so the fault
 * knobs are our own, in the spirit of null_blk's: every Nth event or a
 * percentage.
 */
enum sgblk_knob_id {
	SGBLK_KNOB_CORRUPT_BOUNCE,	/* flip a byte in every bounce copy */
	SGBLK_KNOB_OWN_FATAL,		/* WARN on an ownership violation */
	SGBLK_KNOB_FAIL_REQUEST_EVERY,	/* every Nth read/write: I/O error */
	SGBLK_KNOB_FAIL_REQUEST_PERCENT, /* that, for this % of them */
	SGBLK_KNOB_FAIL_POOL_EVERY,	/* every Nth bounce buffer: none */
	SGBLK_KNOB_FAIL_MAP_EVERY,	/* every Nth DMA mapping: fails */
	SGBLK_KNOB_DROP_REQUEST_EVERY,	/* every Nth read/write: lost */
	SGBLK_KNOB_FAIL_STORE_EVERY,	/* every Nth write: no store page */
	SGBLK_KNOB_BAD_DMA_ADDR_EVERY,	/* every Nth mapping: one address bad */
	SGBLK_KNOB_MISDIRECT_EVERY,	/* every Nth request: one run misplaced */
	SGBLK_KNOB_PLAN_DIGEST,		/* sum a hash of every request's plan */
	SGBLK_NR_KNOBS
};

/**
 * struct sgblk_knob - one knob
 * @val: the value written, 0 = off; read locklessly on the I/O path
 * @max: the largest value accepted
 * @seen: events since @val was last written (every-Nth knobs)
 */
struct sgblk_knob {
	u32 val;
	u32 max;
	atomic_t seen;
};

const char *sgblk_knob_name(enum sgblk_knob_id id);
void sgblk_knobs_init(struct sgblk_knob *knobs);
int sgblk_knob_set(struct sgblk_knob *k, u64 val);
bool sgblk_fault_every_hit(struct sgblk_knob *k);
bool sgblk_fault_percent_hit(struct sgblk_knob *k);

/* Off is the common case: one load and a not-taken branch. */
static inline bool sgblk_fault_every(struct sgblk_knob *k)
{
	return unlikely(READ_ONCE(k->val)) && sgblk_fault_every_hit(k);
}

static inline bool sgblk_fault_percent(struct sgblk_knob *k)
{
	return unlikely(READ_ONCE(k->val)) && sgblk_fault_percent_hit(k);
}

#endif /* SGBLK_FAULT_H */
