/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The sgblk data pattern, one definition for the driver's bio builder,
 * sgblk-ctl and sgblk-uring, so data written by any of them can be checked
 * by any other.  It is a function of the seed and the absolute device byte
 * offset only: the 8 bytes at device offset 8 * k are
 * sgblk_pattern_word(seed, k) (splitmix64) in little-endian byte order, on
 * every host.
 */
#ifndef _UAPI_SGBLK_PATTERN_H
#define _UAPI_SGBLK_PATTERN_H

#include <linux/types.h>

static inline __u64 sgblk_pattern_word(__u64 seed, __u64 k)
{
	__u64 z = seed + (k + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline __u8 sgblk_pattern_byte(__u64 seed, __u64 devoff)
{
	return (__u8)(sgblk_pattern_word(seed, devoff >> 3) >> ((devoff & 7) * 8));
}

/* Fill @len bytes at @buf with the pattern of device bytes from @devoff. */
static inline void sgblk_pattern_fill(void *buf, __u64 len, __u64 seed,
				      __u64 devoff)
{
	__u8 *p = (__u8 *)buf;
	__u64 w;
	unsigned int i;

	for (; len && (devoff & 7); len--)
		*p++ = sgblk_pattern_byte(seed, devoff++);
	for (; len >= 8; len -= 8, devoff += 8) {
		w = sgblk_pattern_word(seed, devoff >> 3);
		for (i = 0; i < 8; i++)
			*p++ = (__u8)(w >> (i * 8));
	}
	for (; len; len--)
		*p++ = sgblk_pattern_byte(seed, devoff++);
}

/* Non-zero if the @len bytes at @buf hold the pattern from @devoff. */
static inline int sgblk_pattern_same(const void *buf, __u64 len, __u64 seed,
				     __u64 devoff)
{
	const __u8 *p = (const __u8 *)buf;
	__u64 w;
	unsigned int i;

	for (; len && (devoff & 7); len--)
		if (*p++ != sgblk_pattern_byte(seed, devoff++))
			return 0;
	for (; len >= 8; len -= 8, devoff += 8) {
		w = sgblk_pattern_word(seed, devoff >> 3);
		for (i = 0; i < 8; i++)
			if (*p++ != (__u8)(w >> (i * 8)))
				return 0;
	}
	for (; len; len--)
		if (*p++ != sgblk_pattern_byte(seed, devoff++))
			return 0;
	return 1;
}

#endif /* _UAPI_SGBLK_PATTERN_H */
