/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sgblk control device (/dev/sgblk-ctl): the ioctl interface shared by the
 * driver and the tools.
 *
 * Conventions (as for other extensible kernel ABIs, e.g. clone3, openat2):
 *  - every struct starts with a __u32 @size the caller sets to
 *    sizeof(struct) as it knows it; the kernel accepts a smaller size down to
 *    the first published one (SGBLK_BIOGEN_SIZE_VER0) and a larger one if
 *    the bytes it does not know are zero (else -E2BIG);
 *  - fixed-width types only, explicit padding, no pointers (user addresses
 *    travel as __u64), so 32-bit callers need no translation;
 *  - reserved and padding fields must be zero (else -EINVAL);
 *  - the ioctl number's size bits are not used to find the struct size:
 *    @size is.
 * Every ioctl needs CAP_SYS_ADMIN (-EPERM); the node is mode 0600.
 */
#ifndef _UAPI_SGBLK_IOCTL_H
#define _UAPI_SGBLK_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include "sgblk_pattern.h"

#define SGBLK_CTL_NAME		"sgblk-ctl"
#define SGBLK_IOC_MAGIC		0xB9
#define SGBLK_DISK_NAME_LEN	32

/* struct sgblk_biogen.op */
#define SGBLK_BIOGEN_OP_READ	0
#define SGBLK_BIOGEN_OP_WRITE	1

/*
 * struct sgblk_biogen.source: where the bio pages come from.
 *  USER     the caller's buffer, an array of struct sgblk_iovec; pages are
 *           pinned (pin_user_pages_fast), any offset and length, unpinned
 *           (and dirtied for reads) after the job.  The kernel neither fills
 *           nor needs the pattern: the caller fills it for writes.
 *  VMALLOC  a kernel vmalloc buffer of @len + @buf_offset bytes, the data
 *           starting @buf_offset bytes into its first page; one bio_vec per
 *           page at most (vmalloc_to_page).
 *  CONTIG   physically contiguous pages from the page allocator (what
 *           kmalloc hands out above 8 KiB), page aligned, data at
 *           @buf_offset; each bio is one multi-page bio_vec.
 *           @len + @buf_offset <= SGBLK_BIOGEN_MAX_CONTIG.
 */
#define SGBLK_BIOGEN_SRC_USER		0
#define SGBLK_BIOGEN_SRC_VMALLOC	1
#define SGBLK_BIOGEN_SRC_CONTIG		2
/* The first name of CONTIG, kept for existing callers. */
#define SGBLK_BIOGEN_SRC_KMALLOC	SGBLK_BIOGEN_SRC_CONTIG

/* struct sgblk_biogen.flags */
/* Reads: compare the data with the seeded pattern (output: mismatches). */
#define SGBLK_BIOGEN_F_VERIFY		0x1U
/* Compute @checksum over the data (FNV-1a 64, in device order). */
#define SGBLK_BIOGEN_F_CHECKSUM		0x2U
/* Submit under a blk_plug: lets the block layer merge consecutive bios. */
#define SGBLK_BIOGEN_F_PLUG		0x4U
#define SGBLK_BIOGEN_F_ALL		(SGBLK_BIOGEN_F_VERIFY | \
					 SGBLK_BIOGEN_F_CHECKSUM | \
					 SGBLK_BIOGEN_F_PLUG)

/* Caps: beyond them -E2BIG (counts and sizes), zero is -EINVAL. */
#define SGBLK_BIOGEN_MAX_LEN		(64U << 20)	/* @len */
#define SGBLK_BIOGEN_MAX_CONTIG		(4U << 20)	/* CONTIG buffer */
#define SGBLK_BIOGEN_MAX_BIO		(4U << 20)	/* @bio_size */
#define SGBLK_BIOGEN_MAX_IOVCNT		1024U		/* @iovcnt */
#define SGBLK_BIOGEN_MAX_INFLIGHT	256U		/* @inflight (-EINVAL) */
#define SGBLK_BIOGEN_MAX_REPEAT		1048576U	/* @repeat (-EINVAL) */
/* Pieces (page or iovec fragments) one bio may need: BIO_MAX_VECS. */
#define SGBLK_BIOGEN_MAX_SEGS		256U

/**
 * struct sgblk_iovec - one piece of a USER buffer
 * @base: user address, any alignment
 * @len: bytes, > 0, any length
 */
struct sgblk_iovec {
	__u64 base;
	__u64 len;
};

/**
 * struct sgblk_biogen - SGBLK_IOC_BIOGEN: build, submit and check bios
 *
 * The job covers device bytes [@sector * 512, @sector * 512 + @len), cut
 * into bios of @bio_size bytes (the last may be shorter), at most @inflight
 * of them outstanding, all of it @repeat times.  @len, @bio_size and
 * @sector * 512 must be multiples of the disk's logical block size and the
 * range must lie inside the disk (-EINVAL); every check is made before
 * anything is submitted.  A bio needing more than SGBLK_BIOGEN_MAX_SEGS
 * pieces is -EINVAL.
 *
 * Input:
 * @size: sizeof(struct sgblk_biogen) as the caller knows it
 * @flags: SGBLK_BIOGEN_F_*
 * @disk_index: N of sgblkN, or -1 to use @disk_name
 * @op: SGBLK_BIOGEN_OP_*
 * @source: SGBLK_BIOGEN_SRC_*
 * @bio_size: bytes per bio, <= SGBLK_BIOGEN_MAX_BIO
 * @disk_name: NUL-terminated disk name ("sgblk0") when @disk_index is -1
 * @sector: first 512-byte sector
 * @len: bytes per repetition, <= SGBLK_BIOGEN_MAX_LEN
 * @inflight: bios outstanding at most, 1..SGBLK_BIOGEN_MAX_INFLIGHT
 * @repeat: repetitions, 1..SGBLK_BIOGEN_MAX_REPEAT
 * @buf_offset: VMALLOC/CONTIG: data offset in the first page (< 4096);
 *	must be 0 for USER
 * @iovcnt: USER: entries at @iov, 1..SGBLK_BIOGEN_MAX_IOVCNT; their lengths
 *	must add up to @len.  0 for the other sources.
 * @iov: USER: user address of struct sgblk_iovec[@iovcnt]; 0 otherwise
 * @seed: pattern seed (sgblk_pattern.h): VMALLOC/CONTIG writes
 *	store it, F_VERIFY reads check it
 * @reserved_in: must be zero
 *
 * Output (ignored on input, written on success):
 * @bios: bios submitted
 * @segments: bio_vecs in them (after bio_add_page merged adjacent pieces)
 * @bytes: bytes transferred
 * @elapsed_ns: first submission to last completion
 * @errors: bios that completed with an error (the ioctl still returns 0)
 * @checksum: F_CHECKSUM or F_VERIFY: FNV-1a 64 of the @len data bytes in
 *	device order (the data written, or read by the last repetition)
 * @mismatches: F_VERIFY reads: 512-byte device blocks not holding the
 *	pattern after the last repetition (any source)
 * @first_mismatch: device byte offset of the first such block, or ~0
 * @lbs: the disk's logical block size
 * @max_bio_segs: most pieces any bio needed
 * @reserved_out: written as zero
 */
struct sgblk_biogen {
	__u32 size;
	__u32 flags;
	__s32 disk_index;
	__u32 op;
	__u32 source;
	__u32 bio_size;
	char disk_name[SGBLK_DISK_NAME_LEN];
	__u64 sector;
	__u64 len;
	__u32 inflight;
	__u32 repeat;
	__u32 buf_offset;
	__u32 iovcnt;
	__u64 iov;
	__u64 seed;
	__u64 reserved_in[4];
	/* output */
	__u64 bios;
	__u64 segments;
	__u64 bytes;
	__u64 elapsed_ns;
	__u64 errors;
	__u64 checksum;
	__u64 mismatches;
	__u64 first_mismatch;
	__u32 lbs;
	__u32 max_bio_segs;
	__u64 reserved_out[4];
};

#define SGBLK_BIOGEN_SIZE_VER0	240	/* the first published size */

#define SGBLK_IOC_BIOGEN	_IOWR(SGBLK_IOC_MAGIC, 1, struct sgblk_biogen)

/* FNV-1a 64 (@checksum): start from SGBLK_FNV_INIT, feed bytes in order. */
#define SGBLK_FNV_INIT		0xcbf29ce484222325ULL
#define SGBLK_FNV_PRIME		0x00000100000001b3ULL

static inline __u64 sgblk_fnv1a64(__u64 h, const void *buf, __u64 len)
{
	const __u8 *p = (const __u8 *)buf;

	while (len--)
		h = (h ^ *p++) * SGBLK_FNV_PRIME;
	return h;
}

#endif /* _UAPI_SGBLK_IOCTL_H */
