// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-uring: io_uring benchmark in the spirit of fio's t/io_uring, with
 * buffer layouts that stress a driver's mapper (misaligned, scattered
 * sub-page iovecs) and data verification.  See --help.
 *
 * main() opens the target, sets up one ring per thread, runs the phases
 * (see uring-io.c) while printing a progress line per second, and reports.
 * Exit status: 0 success, 1 run failure (setup, I/O error, verify
 * mismatch), 2 bad options.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include "uring.h"

static struct run *g_run;

static void on_signal(int sig)
{
	(void)sig;
	if (g_run)
		atomic_store(&g_run->stop, true);
}

/* Open the target and settle --size against its capacity. */
static int open_target(struct opts *o)
{
	bool wr = rw_writes(o->rw) || o->verify;
	uint64_t cap = 0;
	struct stat st;
	int fd, lbs = 512;

	fd = open(o->path, (wr ? O_RDWR : O_RDONLY) | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG ": open %s: %s%s\n", o->path, strerror(errno),
			errno == EINVAL ? " (O_DIRECT not supported?)" : "");
		return -1;
	}
	if (fstat(fd, &st)) {
		fprintf(stderr, PROG ": stat %s: %s\n", o->path, strerror(errno));
		goto err;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &cap) || ioctl(fd, BLKSSZGET, &lbs)) {
			fprintf(stderr, PROG ": %s: size ioctl: %s\n", o->path, strerror(errno));
			goto err;
		}
	} else if (S_ISREG(st.st_mode)) {
		cap = st.st_size;
	} else {
		fprintf(stderr, PROG ": %s: not a block device or regular file\n", o->path);
		goto err;
	}
	if (o->bs % lbs) {
		fprintf(stderr, PROG ": --bs %" PRIu64 " is not a multiple of %s's logical block size %d\n",
			o->bs, o->path, lbs);
		goto err;
	}
	if (!o->size)
		o->size = cap;
	if (o->size > cap) {
		fprintf(stderr, PROG ": --size %" PRIu64 " is larger than %s (%" PRIu64 " bytes)\n",
			o->size, o->path, cap);
		goto err;
	}
	if (o->size < o->bs) {
		fprintf(stderr, PROG ": %s: region of %" PRIu64 " bytes is smaller than --bs %" PRIu64 "\n",
			o->path, o->size, o->bs);
		goto err;
	}
	o->size -= o->size % o->bs;
	return fd;
err:
	close(fd);
	return -1;
}

static void progress(struct run *r, unsigned int sec, uint64_t *last_ios,
		     uint64_t *last_bytes)
{
	uint64_t ios = 0, bytes = 0;
	unsigned int i;

	for (i = 0; i < r->o->threads; i++) {
		ios += atomic_load_explicit(&r->w[i].done_ios, memory_order_relaxed);
		bytes += atomic_load_explicit(&r->w[i].done_bytes, memory_order_relaxed);
	}
	fprintf(stderr, PROG ": [%4us] IOPS %8" PRIu64 ", %9.2f MiB/s\n", sec,
		ios - *last_ios, (bytes - *last_bytes) / 1048576.0);
	*last_ios = ios;
	*last_bytes = bytes;
}

/* Main thread during the main phase: progress lines and the run time. */
static void supervise(struct run *r)
{
	const struct opts *o = r->o;
	uint64_t t0 = now_ns(), next = t0 + 1000000000ULL;
	uint64_t last_ios = 0, last_bytes = 0;
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	unsigned int i, sec = 0;

	for (;;) {
		uint64_t t = now_ns();

		for (i = 0; i < o->threads; i++)
			if (!atomic_load(&r->w[i].main_done))
				break;
		if (i == o->threads)
			return;
		if (o->runtime && t - t0 >= o->runtime * 1000000000ULL)
			atomic_store(&r->stop, true);
		if (t >= next) {
			if (!o->quiet)
				progress(r, ++sec, &last_ios, &last_bytes);
			next += 1000000000ULL;
		}
		nanosleep(&tick, NULL);
	}
}

static int run(struct opts *o)
{
	struct run r = { .o = o };
	unsigned int i, started = 0;
	int ret = 1;

	r.fd = open_target(o);
	if (r.fd < 0)
		return 1;
	r.units = o->size / o->bs;
	if (o->verify && !rw_reads(o->rw)) {
		r.written = calloc((r.units + 63) / 64, sizeof(*r.written));
		if (!r.written) {
			fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
			goto out;
		}
	}
	r.w = calloc(o->threads, sizeof(*r.w));
	if (!r.w) {
		fprintf(stderr, PROG ": %s\n", strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < o->threads; i++)
		if (worker_setup(&r, &r.w[i], i))
			goto out;
	pthread_barrier_init(&r.barrier, NULL, o->threads + 1);
	g_run = &r;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o->verify && rw_reads(o->rw) && !o->no_fill && !o->quiet)
		fprintf(stderr, PROG ": verify: writing the pattern over %" PRIu64 " bytes first\n",
			o->size);
	for (i = 0; i < o->threads; i++) {
		errno = pthread_create(&r.w[i].tid, NULL, worker_main, &r.w[i]);
		if (errno) {
			/* the barrier counts every thread: nothing started can finish */
			fprintf(stderr, PROG ": pthread_create: %s\n", strerror(errno));
			exit(1);
		}
		started++;
	}
	pthread_barrier_wait(&r.barrier);	/* fill done */
	supervise(&r);
	pthread_barrier_wait(&r.barrier);	/* main done */
	if (o->verify && !rw_reads(o->rw) && !o->quiet)
		fprintf(stderr, PROG ": verify: reading back what was written\n");
	for (i = 0; i < started; i++)
		pthread_join(r.w[i].tid, NULL);
	g_run = NULL;
	pthread_barrier_destroy(&r.barrier);
	ret = report(&r, o->json);
out:
	for (i = 0; r.w && i < o->threads; i++)
		worker_teardown(&r.w[i]);
	free(r.w);
	free(r.written);
	close(r.fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct opts o;
	int ret = opts_parse(&o, argc, argv);

	if (ret)
		return ret > 0 ? 0 : 2;
	return run(&o);
}
