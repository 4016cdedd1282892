// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-ctl stats --interval: a live view of every sgblk disk (or one), one
 * line per disk per interval, the way iostat -x shows a device.  Rates are
 * counter differences over the interval (the driver's stats); levels are
 * read at its end: requests in flight (the block layer's
 * /sys/block/D/inflight), mappings outstanding (dma_maps - dma_unmaps) and
 * the bounce bytes requests hold (the dma file's pool_bytes_in_use).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ctl.h"

#define WATCH_MAX_DISKS	256
#define WATCH_HEADER_EVERY 20	/* rows between headers with one disk */

/* The counters a row needs, by their names in the stats file. */
enum watch_ctr {
	W_READS, W_WRITES, W_BYTES_READ, W_BYTES_WRITTEN, W_SPLITS_BOUNDARY,
	W_SPLITS_MAXSEG, W_BOUNCE_BYTES, W_DMA_MERGED, W_ENGINE_FAULTS,
	W_DMA_MAPS, W_DMA_UNMAPS, W_NR
};

static const char *const watch_ctr_names[W_NR] = {
	"reads", "writes", "bytes_read", "bytes_written", "splits_boundary",
	"splits_maxseg", "bounce_bytes", "dma_merged", "engine_faults",
	"dma_maps", "dma_unmaps",
};

/* One disk at one moment. */
struct watch_sample {
	char disk[SGBLK_DISK_NAME_LEN];
	unsigned long long c[W_NR];
	long long inflight;
	long long pool_bytes;
};

/* Everything one report needs: the disks at the interval's two ends. */
struct watch_state {
	const char *only;	/* --disk, or NULL: every disk */
	bool json;
	struct watch_sample prev[WATCH_MAX_DISKS], cur[WATCH_MAX_DISKS];
	int nprev, ncur;
	double tprev, tcur;
	unsigned long rows;
};

static double clock_secs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_mono(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

/* The counters of @s->disk's stats file; false if it cannot be read. */
static bool read_counters(const char *root, struct watch_sample *s)
{
	char path[PATH_MAX], name[64];
	unsigned long long v;
	int i, seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/stats", root, s->disk);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fscanf(f, "%63s %llu", name, &v) == 2) { /* NOLINT(cert-err34-c) */
		for (i = 0; i < W_NR; i++) {
			if (!strcmp(name, watch_ctr_names[i])) {
				s->c[i] = v;
				seen++;
			}
		}
	}
	fclose(f);
	return seen == W_NR;
}

/* @key's number in @s->disk's dma file ("key: value" lines); -1 if none. */
static long long read_dma_key(const char *root, const char *disk, const char *key)
{
	char path[PATH_MAX], line[256];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/dma", root, disk);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Reads plus writes in flight, from the block layer; -1 if unreadable. */
static long long read_inflight(const char *disk)
{
	char path[PATH_MAX];
	long long r, w;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/block/%s/inflight", disk);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%lld %lld", &r, &w); /* NOLINT(cert-err34-c) */
	fclose(f);
	return n == 2 ? r + w : -1;
}

static int disk_cmp(const void *a, const void *b)
{
	const struct watch_sample *x = a, *y = b;
	size_t lx = strlen(x->disk), ly = strlen(y->disk);

	/* sgblk2 before sgblk10 */
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->disk, y->disk);
}

/*
 * Sample every disk (or --disk) into @w->cur.  A disk that goes away
 * between its directory and its files is left out of this round.
 * Return: 0, or -errno if the debugfs directory cannot be read.
 */
static int sample_disks(struct watch_state *w, const char *root)
{
	struct dirent *de;
	DIR *d;

	w->ncur = 0;
	w->tcur = now_mono();
	d = opendir(root);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && w->ncur < WATCH_MAX_DISKS) {
		struct watch_sample *s = &w->cur[w->ncur];
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len >= sizeof(s->disk) ||
		    (w->only && strcmp(de->d_name, w->only) != 0))
			continue;
		memcpy(s->disk, de->d_name, len + 1);
		if (!read_counters(root, s))
			continue;	/* not a disk (presets), or gone */
		s->inflight = read_inflight(s->disk);
		s->pool_bytes = read_dma_key(root, s->disk, "pool_bytes_in_use");
		w->ncur++;
	}
	closedir(d);
	qsort(w->cur, w->ncur, sizeof(w->cur[0]), disk_cmp);
	return 0;
}

static const struct watch_sample *find_prev(const struct watch_state *w,
					    const char *disk)
{
	int i;

	for (i = 0; i < w->nprev; i++)
		if (!strcmp(w->prev[i].disk, disk))
			return &w->prev[i];
	return NULL;
}

/* A counter's rise since @p; a counter that fell was reset: all of it. */
static unsigned long long rise(const struct watch_sample *c,
			       const struct watch_sample *p, enum watch_ctr i)
{
	return c->c[i] >= p->c[i] ? c->c[i] - p->c[i] : c->c[i];
}

static void print_header(void)
{
	printf("%-8s %-10s %9s %9s %8s %8s %9s %9s %9s %6s %6s %6s %10s\n",
	       "time", "disk", "r/s", "w/s", "rMB/s", "wMB/s", "splits/s",
	       "bncMB/s", "merges/s", "faults", "inflt", "maps", "bounce_kB");
}

/* One disk's line for the interval that ended at @w->tcur. */
static void print_row(struct watch_state *w, const struct watch_sample *c,
		      const struct watch_sample *p, double dt)
{
	unsigned long long splits = rise(c, p, W_SPLITS_BOUNDARY) +
				    rise(c, p, W_SPLITS_MAXSEG);
	long long maps = (long long)(c->c[W_DMA_MAPS] - c->c[W_DMA_UNMAPS]);

	if (w->json) {
		printf("{\"time\":%.3f,\"disk\":\"%s\",\"interval_s\":%.3f,"
		       "\"reads_per_s\":%.1f,\"writes_per_s\":%.1f,"
		       "\"read_bytes_per_s\":%.0f,\"write_bytes_per_s\":%.0f,"
		       "\"splits_per_s\":%.1f,\"bounce_bytes_per_s\":%.0f,"
		       "\"dma_merges_per_s\":%.1f,\"engine_faults\":%llu,"
		       "\"inflight\":%lld,\"maps_outstanding\":%lld,"
		       "\"bounce_pool_bytes\":%lld}\n",
		       clock_secs(CLOCK_REALTIME), c->disk, dt,
		       rise(c, p, W_READS) / dt, rise(c, p, W_WRITES) / dt,
		       rise(c, p, W_BYTES_READ) / dt,
		       rise(c, p, W_BYTES_WRITTEN) / dt, splits / dt,
		       rise(c, p, W_BOUNCE_BYTES) / dt,
		       rise(c, p, W_DMA_MERGED) / dt,
		       rise(c, p, W_ENGINE_FAULTS), c->inflight, maps,
		       c->pool_bytes);
		return;
	}
	{
		char hms[16];
		time_t t = time(NULL);
		struct tm tm;

		strftime(hms, sizeof(hms), "%H:%M:%S", localtime_r(&t, &tm));
		printf("%-8s %-10s %9.1f %9.1f %8.2f %8.2f %9.1f %9.2f %9.1f %6llu %6lld %6lld %10lld\n",
		       hms, c->disk, rise(c, p, W_READS) / dt,
		       rise(c, p, W_WRITES) / dt,
		       rise(c, p, W_BYTES_READ) / dt / 1e6,
		       rise(c, p, W_BYTES_WRITTEN) / dt / 1e6, splits / dt,
		       rise(c, p, W_BOUNCE_BYTES) / dt / 1e6,
		       rise(c, p, W_DMA_MERGED) / dt,
		       rise(c, p, W_ENGINE_FAULTS), c->inflight, maps,
		       c->pool_bytes < 0 ? -1 : c->pool_bytes / 1024);
	}
}

/* The rows of one interval: every disk seen at both of its ends. */
static void report_interval(struct watch_state *w)
{
	double dt = w->tcur - w->tprev;
	bool header = false;
	int i;

	for (i = 0; i < w->ncur; i++) {
		const struct watch_sample *p = find_prev(w, w->cur[i].disk);

		if (!p)
			continue;	/* new this interval: from the next one */
		if (!w->json && !header &&
		    (w->ncur > 1 || w->rows % WATCH_HEADER_EVERY == 0)) {
			print_header();
			header = true;
		}
		print_row(w, &w->cur[i], p, dt);
		w->rows++;
	}
	fflush(stdout);
}

static void sleep_for(double secs)
{
	struct timespec ts;

	if (secs <= 0)
		return;
	ts = (struct timespec){
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (time_t)secs) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/**
 * stats_watch - the live view
 * @root: the driver's debugfs directory
 * @only: one disk, or NULL for every disk
 * @interval: seconds between reports
 * @count: reports to print, 0 for no end
 * @json: one JSON object per disk and interval, a line each
 *
 * Return: 0, or EXIT_SYS when there is no disk to watch at the start.
 */
int stats_watch(const char *root, const char *only, double interval,
		unsigned long count, bool json)
{
	static struct watch_state w;
	unsigned long n;
	int ret;

	w.only = only;
	w.json = json;
	ret = sample_disks(&w, root);
	if (ret) {
		fprintf(stderr, "%s: stats: cannot read %s: %s (%s)%s\n", PROG,
			root, strerror(-ret),
			strerrorname_np(-ret) ? strerrorname_np(-ret) : "?",
			ret == -ENOENT ? " - is sgblk loaded and debugfs mounted?" : "");
		return EXIT_SYS;
	}
	if (!w.ncur) {
		fprintf(stderr, "%s: stats: no %s under %s\n", PROG,
			only ? only : "sgblk disk", root);
		return EXIT_SYS;
	}
	for (n = 0; !count || n < count; n++) {
		memcpy(w.prev, w.cur, sizeof(w.cur[0]) * w.ncur);
		w.nprev = w.ncur;
		w.tprev = w.tcur;
		sleep_for(interval - (now_mono() - w.tprev));
		if (sample_disks(&w, root))
			w.ncur = 0;	/* debugfs gone (unload): no rows */
		report_interval(&w);
	}
	return 0;
}
