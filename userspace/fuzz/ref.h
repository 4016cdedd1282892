/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host unit test's contract checker and naive reference planner
 * (userspace/tests/test_sgplan.c), exported for the fuzzer by ref.c.
 */
#ifndef SGPLAN_FUZZ_REF_H
#define SGPLAN_FUZZ_REF_H

#include <stdbool.h>
#include "sgplan.h"

/* check_invariants() of test_sgplan.c; false with the reason in ref_why() */
bool ref_check_invariants(const struct sgplan_profile *p,
			  const struct sgplan_seg *segs, u32 n,
			  const struct sgplan_desc *descs,
			  const struct sgplan_result *res);
/* ref_plan() of test_sgplan.c run on the same input, compared in full */
bool ref_check_against_ref(const struct sgplan_profile *p,
			   const struct sgplan_seg *segs, u32 n, int err,
			   const struct sgplan_desc *descs,
			   const struct sgplan_result *res);
/* the first failure reason since the last call, then cleared */
const char *ref_why(void);

#endif /* SGPLAN_FUZZ_REF_H */
