/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgblk-uring: an io_uring benchmark with buffer layouts that stress a
 * driver's scatterlist mapper, and data verification.  Shared declarations
 * for uring-opts.c (options), uring-io.c (rings and the I/O loop),
 * uring-verify.c (buffer layouts and the verify pattern) and uring-stats.c
 * (latency histogram, error lines and the report).
 */
#ifndef SGBLK_URING_H
#define SGBLK_URING_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>
#include <liburing.h>

#define PROG "sgblk-uring"

enum rw_mode { RW_READ, RW_WRITE, RW_RANDREAD, RW_RANDWRITE, RW_RANDRW };
enum layout_kind { LAYOUT_ALIGNED, LAYOUT_MISALIGNED, LAYOUT_SCATTER };

struct opts {
	const char *path;
	unsigned int depth;
	unsigned int submit_batch;	/* 0 until set: default min(8, depth) */
	unsigned int complete_batch;
	uint64_t bs;
	enum rw_mode rw;
	unsigned int mix;		/* percent reads for randrw */
	bool fixed_buffers;
	bool registered_files;
	bool poll;
	bool hold;			/* submit depth I/Os, never reap them */
	unsigned int threads;
	unsigned int runtime;		/* seconds, 0 = no limit (--ios only) */
	uint64_t ios;			/* total over all threads, 0 = no limit */
	uint64_t size;			/* 0 until resolved from the device */
	enum layout_kind layout;
	unsigned int layout_arg;	/* misaligned: byte offset; scatter: segs */
	bool verify;
	bool no_fill;			/* read modes: check what is there */
	uint64_t seed;
	bool json;
	bool quiet;
};

/* Latency histogram: log-linear buckets, 64 per power of two (~1.6%). */
#define LAT_SUB_BITS	6
#define LAT_BUCKETS	((40 - LAT_SUB_BITS + 1) << LAT_SUB_BITS)

struct lat_hist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t min_ns;
	uint64_t max_ns;
	uint64_t b[LAT_BUCKETS];
};

/* One in-flight I/O slot: its buffer (or iovecs) and what it is doing. */
struct slot {
	struct iovec *iov;		/* iovcnt entries */
	unsigned int iovcnt;
	uint64_t off;
	uint64_t t_submit;
	bool is_read;
};

enum phase { PHASE_FILL, PHASE_MAIN, PHASE_CHECK };

struct run;

struct worker {
	const struct opts *o;
	struct run *run;
	unsigned int id;
	int fd;				/* the file, or 0 with registered files */
	struct io_uring ring;
	bool ring_ok;
	void *mem;			/* all slot buffers, one mapping */
	size_t mem_len;
	struct slot *slots;
	struct iovec *iovs;		/* depth * iov per slot */
	unsigned int *free_slots;
	unsigned int nr_free;
	unsigned int *batch;		/* slots prepared for this submit */
	unsigned int inflight;
	uint64_t rng;
	uint64_t cursor;		/* next unit: sequential modes, fill, check */
	uint64_t unit_lo, unit_hi;	/* this thread's slice for fill/check */
	uint64_t quota;			/* --ios share, UINT64_MAX if none */
	pthread_t tid;
	/* results */
	struct lat_hist lat;
	uint64_t reads, writes, errors, mismatches, verify_ios;
	uint64_t t_start, t_end;	/* main phase, ns */
	_Atomic uint64_t done_ios;	/* main phase, for the progress line */
	_Atomic uint64_t done_bytes;
	_Atomic bool main_done;
};

/* State shared by all workers. */
struct run {
	const struct opts *o;
	int fd;
	uint64_t units;			/* size / bs */
	_Atomic uint64_t *written;	/* bitmap of units written (verify) */
	_Atomic bool stop;
	_Atomic bool aborted;
	_Atomic uint64_t err_msgs;	/* error and mismatch lines printed */
	pthread_barrier_t barrier;
	struct worker *w;
};

/* uring-opts.c */
int opts_parse(struct opts *o, int argc, char **argv);
const char *rw_name(enum rw_mode rw);
void layout_name(const struct opts *o, char *buf, size_t len);
bool rw_reads(enum rw_mode rw);
bool rw_writes(enum rw_mode rw);

/* uring-verify.c */
size_t slot_region(const struct opts *o, long page);
void slot_iovecs(const struct opts *o, long page, void *region,
		 unsigned int slot_idx, struct iovec *iov);
void pattern_fill(uint64_t seed, const struct iovec *iov, unsigned int n,
		  uint64_t devoff);
uint64_t pattern_check(struct run *r, const struct iovec *iov, unsigned int n,
		       uint64_t devoff);

/* uring-io.c */
uint64_t now_ns(void);
int worker_setup(struct run *r, struct worker *w, unsigned int id);
void worker_teardown(struct worker *w);
void *worker_main(void *arg);

/* uring-stats.c: what a run prints, error lines included */
void lat_add(struct lat_hist *h, uint64_t ns);
void lat_merge(struct lat_hist *dst, const struct lat_hist *src);
double lat_pct_us(const struct lat_hist *h, double pct);
int report(const struct run *r, bool json);
void report_error(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
