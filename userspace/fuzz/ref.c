// SPDX-License-Identifier: GPL-2.0
/*
 * Reuse the host unit test's checker and reference planner verbatim rather
 * than copying them: test_sgplan.c is compiled here as part of this unit,
 * its main() renamed and unused, and its static helpers exported through
 * the wrappers below.  A change to the reference there is picked up here.
 */
#include "ref.h"

#define main sgplan_unit_tests_main
#include "../tests/test_sgplan.c" /* NOLINT(bugprone-suspicious-include): on purpose, see above */
#undef main

static char ref_why_copy[sizeof(why_buf)];

bool ref_check_invariants(const struct sgplan_profile *p,
			  const struct sgplan_seg *segs, u32 n,
			  const struct sgplan_desc *descs,
			  const struct sgplan_result *res)
{
	why_buf[0] = 0;
	return check_invariants(p, segs, n, descs, res);
}

bool ref_check_against_ref(const struct sgplan_profile *p,
			   const struct sgplan_seg *segs, u32 n, int err,
			   const struct sgplan_desc *descs,
			   const struct sgplan_result *res)
{
	why_buf[0] = 0;
	return check_against_ref(p, segs, n, err, descs, res);
}

const char *ref_why(void)
{
	memcpy(ref_why_copy, why_buf, sizeof(ref_why_copy));
	why_buf[0] = 0;
	return ref_why_copy[0] ? ref_why_copy : "(no reason)";
}
