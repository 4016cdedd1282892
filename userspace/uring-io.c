// SPDX-License-Identifier: GPL-2.0
/*
 * One worker per thread: its ring, its I/O slots, and the submit/reap loop
 * in the style of fio's t/io_uring.  A worker runs up to three phases, with
 * a barrier (shared with the main thread) after the first two:
 *   fill   (--verify with a read mode, unless --no-fill) write the
 *          pattern over its slice
 *   main   the measured workload, until --runtime or its --ios share
 *   check  (--verify with a write mode) read back every unit it wrote
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "uring.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

int worker_setup(struct run *r, struct worker *w, unsigned int id)
{
	const struct opts *o = r->o;
	long page = sysconf(_SC_PAGESIZE);
	size_t region = slot_region(o, page);
	unsigned int segs = o->layout == LAYOUT_SCATTER ? o->layout_arg : 1;
	unsigned int i, flags = o->poll ? IORING_SETUP_IOPOLL : 0;
	struct iovec *regs;
	int ret;

	w->o = o;
	w->run = r;
	w->id = id;
	w->fd = r->fd;
	w->rng = (o->seed + 1) * 0x9e3779b97f4a7c15ULL + id * 0x2545f4914f6cdd1dULL;
	if (!w->rng)
		w->rng = 1;
	w->lat.min_ns = UINT64_MAX;
	w->unit_lo = r->units * id / o->threads;
	w->unit_hi = r->units * (id + 1) / o->threads;
	w->quota = o->ios ? o->ios / o->threads + (id < o->ios % o->threads) : UINT64_MAX;

	w->mem_len = region * o->depth;
	w->mem = mmap(NULL, w->mem_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (w->mem == MAP_FAILED) {
		w->mem = NULL;
		fprintf(stderr, PROG ": buffers (%zu bytes): %s\n", w->mem_len, strerror(errno));
		return -1;
	}
	w->slots = calloc(o->depth, sizeof(*w->slots));
	w->iovs = calloc((size_t)o->depth * segs, sizeof(*w->iovs));
	w->free_slots = calloc(o->depth, sizeof(*w->free_slots));
	w->batch = calloc(o->submit_batch, sizeof(*w->batch));
	if (!w->slots || !w->iovs || !w->free_slots || !w->batch) {
		fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < o->depth; i++) {
		struct slot *s = &w->slots[i];

		s->iov = &w->iovs[(size_t)i * segs];
		s->iovcnt = segs;
		slot_iovecs(o, page, (char *)w->mem + i * region, i, s->iov);
		w->free_slots[w->nr_free++] = i;
	}

	ret = io_uring_queue_init(o->depth, &w->ring, flags);
	if (ret < 0) {
		fprintf(stderr, PROG ": io_uring_queue_init(%u%s): %s\n", o->depth,
			o->poll ? ", IOPOLL" : "", strerror(-ret));
		return -1;
	}
	w->ring_ok = true;
	if (o->registered_files) {
		ret = io_uring_register_files(&w->ring, &r->fd, 1);
		if (ret < 0) {
			fprintf(stderr, PROG ": io_uring_register_files: %s\n", strerror(-ret));
			return -1;
		}
		w->fd = 0;
	}
	if (o->fixed_buffers) {
		regs = calloc(o->depth, sizeof(*regs));
		if (!regs) {
			fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
			return -1;
		}
		for (i = 0; i < o->depth; i++) {
			regs[i].iov_base = (char *)w->mem + i * region;
			regs[i].iov_len = region;
		}
		ret = io_uring_register_buffers(&w->ring, regs, o->depth);
		free(regs);
		if (ret < 0) {
			fprintf(stderr, PROG ": io_uring_register_buffers (%u x %zu bytes): %s\n",
				o->depth, region, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

void worker_teardown(struct worker *w)
{
	if (w->ring_ok)
		io_uring_queue_exit(&w->ring);
	if (w->mem)
		munmap(w->mem, w->mem_len);
	free(w->slots);
	free(w->iovs);
	free(w->free_slots);
	free(w->batch);
}

static bool unit_written(struct run *r, uint64_t u)
{
	return atomic_load_explicit(&r->written[u / 64], memory_order_relaxed) &
	       (1ULL << (u % 64));
}

/* The next I/O of @phase: false when the phase has nothing more to issue. */
static bool next_io(struct worker *w, enum phase phase, uint64_t *unit, bool *is_read)
{
	struct run *r = w->run;
	const struct opts *o = w->o;

	if (atomic_load_explicit(&r->aborted, memory_order_relaxed))
		return false;
	switch (phase) {
	case PHASE_FILL:
		*is_read = false;
		*unit = w->cursor++;
		return *unit < w->unit_hi;
	case PHASE_CHECK:
		while (w->cursor < w->unit_hi && !unit_written(r, w->cursor))
			w->cursor++;
		*is_read = true;
		*unit = w->cursor++;
		return *unit < w->unit_hi;
	case PHASE_MAIN:
		break;
	}
	if (!w->quota || atomic_load_explicit(&r->stop, memory_order_relaxed))
		return false;
	w->quota--;
	switch (o->rw) {
	case RW_READ:
	case RW_WRITE:
		*unit = w->cursor;
		w->cursor = (w->cursor + 1) % r->units;
		break;
	default:
		*unit = xorshift64(&w->rng) % r->units;
	}
	if (o->rw == RW_RANDRW)
		*is_read = xorshift64(&w->rng) % 100 < o->mix;
	else
		*is_read = rw_reads(o->rw);
	return true;
}

static void prep(struct worker *w, unsigned int idx, uint64_t unit, bool is_read)
{
	const struct opts *o = w->o;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
	struct slot *s = &w->slots[idx];

	s->off = unit * o->bs;
	s->is_read = is_read;
	if (!is_read && o->verify)
		pattern_fill(o->seed, s->iov, s->iovcnt, s->off);
	if (o->layout == LAYOUT_SCATTER) {
		if (is_read)
			io_uring_prep_readv(sqe, w->fd, s->iov, s->iovcnt, s->off);
		else
			io_uring_prep_writev(sqe, w->fd, s->iov, s->iovcnt, s->off);
	} else if (o->fixed_buffers) {
		if (is_read)
			io_uring_prep_read_fixed(sqe, w->fd, s->iov[0].iov_base, o->bs, s->off,
						 (int)idx);
		else
			io_uring_prep_write_fixed(sqe, w->fd, s->iov[0].iov_base, o->bs, s->off,
						  (int)idx);
	} else {
		if (is_read)
			io_uring_prep_read(sqe, w->fd, s->iov[0].iov_base, o->bs, s->off);
		else
			io_uring_prep_write(sqe, w->fd, s->iov[0].iov_base, o->bs, s->off);
	}
	if (o->registered_files)
		io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	io_uring_sqe_set_data64(sqe, idx);
}

/* An I/O failed: count it and end the run (as fio does by default). */
static void io_failed(struct worker *w)
{
	w->errors++;
	atomic_store(&w->run->aborted, true);
	atomic_store(&w->run->stop, true);
}

/* One completion; returns true if it counts as a good main-phase I/O. */
static bool complete(struct worker *w, enum phase phase, struct io_uring_cqe *cqe)
{
	struct run *r = w->run;
	const struct opts *o = w->o;
	unsigned int idx = (unsigned int)io_uring_cqe_get_data64(cqe);
	struct slot *s = &w->slots[idx];
	const char *what = s->is_read ? "read" : "write";
	uint64_t t = now_ns();

	w->free_slots[w->nr_free++] = idx;
	w->inflight--;
	if (cqe->res < 0) {
		report_error(r, "%s of %" PRIu64 " bytes at offset %" PRIu64 ": %s%s",
			     what, o->bs, s->off, strerror(-cqe->res),
			     o->poll && cqe->res == -EOPNOTSUPP ?
			     " (--poll needs a file that supports polled I/O)" : "");
		io_failed(w);
		return false;
	}
	if ((uint64_t)cqe->res != o->bs) {
		report_error(r, "short %s at offset %" PRIu64 ": %d of %" PRIu64 " bytes",
			     what, s->off, cqe->res, o->bs);
		io_failed(w);
		return false;
	}
	if (s->is_read && o->verify)
		w->mismatches += pattern_check(r, s->iov, s->iovcnt, s->off);
	if (phase != PHASE_MAIN) {
		w->verify_ios++;
		return false;
	}
	if (!s->is_read && r->written) {
		uint64_t u = s->off / o->bs;

		atomic_fetch_or_explicit(&r->written[u / 64], 1ULL << (u % 64),
					 memory_order_relaxed);
	}
	lat_add(&w->lat, t - s->t_submit);
	if (s->is_read)
		w->reads++;
	else
		w->writes++;
	return true;
}

static void run_phase(struct worker *w, enum phase phase)
{
	struct run *r = w->run;
	const struct opts *o = w->o;
	bool exhausted = false;

	w->cursor = w->unit_lo;
	for (;;) {
		unsigned int prepped = 0, want = 0, head, n = 0, good = 0, i;
		struct io_uring_cqe *cqe;
		uint64_t t;
		int ret;

		while (!exhausted && w->nr_free && prepped < o->submit_batch &&
		       io_uring_sq_space_left(&w->ring)) {
			uint64_t unit;
			bool is_read;

			if (!next_io(w, phase, &unit, &is_read)) {
				exhausted = true;
				break;
			}
			w->batch[prepped] = w->free_slots[--w->nr_free];
			prep(w, w->batch[prepped++], unit, is_read);
		}
		if (!prepped && !w->inflight)
			break;
		w->inflight += prepped;
		if (exhausted || !w->nr_free)
			want = w->inflight < o->complete_batch ? w->inflight : o->complete_batch;
		t = now_ns();
		for (i = 0; i < prepped; i++)
			w->slots[w->batch[i]].t_submit = t;
		ret = io_uring_submit_and_wait(&w->ring, want);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			report_error(r, "io_uring_enter: %s", strerror(-ret));
			io_failed(w);
			return;
		}
		io_uring_for_each_cqe(&w->ring, head, cqe) {
			n++;
			good += complete(w, phase, cqe);
		}
		io_uring_cq_advance(&w->ring, n);
		if (good) {
			atomic_fetch_add_explicit(&w->done_ios, good, memory_order_relaxed);
			atomic_fetch_add_explicit(&w->done_bytes, good * o->bs,
						  memory_order_relaxed);
		}
	}
}

/*
 * io_uring_submit() on an IOPOLL ring also enters with GETEVENTS, which
 * polls: this hands the kernel the queued SQEs and nothing else.
 */
static int submit_only(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned int n = sq->sqe_tail - sq->sqe_head;

	sq->sqe_head = sq->sqe_tail;
	io_uring_smp_store_release(sq->ktail, sq->sqe_tail);
	return io_uring_enter(ring->ring_fd, n, 0, 0, NULL);
}

/*
 * --hold: submit a queue's worth and never look for completions, as a
 * submitter that stopped polling (or reaping) would leave them.
 */
static void hold_forever(struct worker *w)
{
	uint64_t unit;
	bool is_read;
	int ret;

	w->cursor = w->unit_lo;
	while (w->nr_free && io_uring_sq_space_left(&w->ring) &&
	       next_io(w, PHASE_MAIN, &unit, &is_read))
		prep(w, w->free_slots[--w->nr_free], unit, is_read);
	ret = submit_only(&w->ring);
	if (ret < 0) {
		report_error(w->run, "io_uring_enter: %s", strerror(-ret));
		io_failed(w);
		return;
	}
	printf("held %d\n", ret);
	fflush(stdout);
	for (;;)
		pause();
}

void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	const struct opts *o = w->o;

	if (o->hold)
		hold_forever(w);

	if (o->verify && rw_reads(o->rw) && !o->no_fill)
		run_phase(w, PHASE_FILL);
	pthread_barrier_wait(&r->barrier);
	w->t_start = now_ns();
	run_phase(w, PHASE_MAIN);
	w->t_end = now_ns();
	atomic_store(&w->main_done, true);
	pthread_barrier_wait(&r->barrier);
	if (o->verify && !rw_reads(o->rw))
		run_phase(w, PHASE_CHECK);
	return NULL;
}
