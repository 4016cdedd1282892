/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sgplan planner's contract written as a checker, and a deliberately
 * naive reference planner of the same design (128-bit arithmetic,
 * divisions, an O(n^2) budget search).  Shared by the host unit test
 * (test_sgplan.c) and the fuzzer (../fuzz/fuzz_sgplan.c); nothing here
 * calls the planner's own helpers but its public checks.
 *
 * A check that fails records why (the first reason only) and returns false;
 * ref_why() hands the reason over.
 */
#ifndef SGPLAN_REF_H
#define SGPLAN_REF_H

#include <stdbool.h>
#include "sgplan.h"

/* Record the first failure reason since the last ref_why(); false. */
bool ref_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ref_fail() with both results' counters, @what first */
bool ref_fail_result(const char *what, const struct sgplan_result *got,
		     const struct sgplan_result *exp);
/* The reason recorded since the last call, or "(no reason)"; then cleared. */
const char *ref_why(void);

/* Bytes in @n segments */
u64 ref_seg_total(const struct sgplan_seg *segs, u32 n);
/* Every counter equal */
bool ref_same_result(const struct sgplan_result *a,
		     const struct sgplan_result *b);
/* Every counter 0, as an error leaves the result */
bool ref_result_zero(const struct sgplan_result *r);

/* The contract of a successful plan of @segs: true if @descs keep it */
bool ref_check_invariants(const struct sgplan_profile *p,
			  const struct sgplan_seg *segs, u32 n,
			  const struct sgplan_desc *descs,
			  const struct sgplan_result *res);

/*
 * The reference plan of @segs: 0 with *outp malloc()ed (free() it), or
 * -E2BIG; @p and the input must be valid.
 */
int ref_plan(const struct sgplan_profile *p, const struct sgplan_seg *segs,
	     u32 n, struct sgplan_desc **outp, struct sgplan_result *r);

/* The planner's answer (@err, @descs, @res) against ref_plan(), in full */
bool ref_check_against_ref(const struct sgplan_profile *p,
			   const struct sgplan_seg *segs, u32 n, int err,
			   const struct sgplan_desc *descs,
			   const struct sgplan_result *res);

#endif /* SGPLAN_REF_H */
