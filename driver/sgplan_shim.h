/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only environment sgplan.c needs: fixed-width types and errno values.
 * The same planner source builds into the module and into host tests,
 * fuzzers and micro-benchmarks.
 */
#ifndef SGPLAN_SHIM_H
#define SGPLAN_SHIM_H

#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/errno.h>
#else
#include <linux/types.h>
#include <stdbool.h>
#include <errno.h>
#include <sys/cdefs.h>
typedef __u64 u64;
typedef __u32 u32;
typedef __u16 u16;
typedef __u8 u8;
#define noinline __attribute_noinline__
#define likely(x) __builtin_expect(!!(x), 1)
#endif

#endif /* SGPLAN_SHIM_H */
