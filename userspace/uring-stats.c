// SPDX-License-Identifier: GPL-2.0
/*
 * Latency histogram, the error and mismatch lines of a run, and the final
 * summary (text or JSON).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include "uring.h"

#define LAT_SUB		(1u << LAT_SUB_BITS)
#define MAX_ERR_MSGS	20

/* Print an error or mismatch line; the first MAX_ERR_MSGS only. */
void report_error(struct run *r, const char *fmt, ...)
{
	uint64_t n = atomic_fetch_add(&r->err_msgs, 1);
	char line[256];
	va_list ap;

	if (n > MAX_ERR_MSGS)
		return;
	if (n == MAX_ERR_MSGS) {
		fprintf(stderr, PROG ": further errors not shown\n");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": %s\n", line);
}

/* Values below 2*LAT_SUB are exact; above, LAT_SUB buckets per power of 2. */
static unsigned int lat_index(uint64_t ns)
{
	unsigned int msb, shift, idx;

	if (ns < 2 * LAT_SUB)
		return ns;
	msb = 63 - __builtin_clzll(ns);
	shift = msb - LAT_SUB_BITS;
	idx = (shift + 1) * LAT_SUB + ((ns >> shift) & (LAT_SUB - 1));
	return idx < LAT_BUCKETS ? idx : LAT_BUCKETS - 1;
}

/* The middle of a bucket, in ns. */
static double lat_value(unsigned int idx)
{
	unsigned int shift;

	if (idx < 2 * LAT_SUB)
		return idx;
	shift = idx / LAT_SUB - 1;
	return (double)((uint64_t)(LAT_SUB + idx % LAT_SUB) << shift) +
	       (double)(1ULL << shift) / 2;
}

void lat_add(struct lat_hist *h, uint64_t ns)
{
	h->count++;
	h->sum_ns += ns;
	if (ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->b[lat_index(ns)]++;
}

void lat_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	unsigned int i;

	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	for (i = 0; i < LAT_BUCKETS; i++)
		dst->b[i] += src->b[i];
}

/* The @pct percentile in microseconds (bucket middle, clamped to min/max). */
double lat_pct_us(const struct lat_hist *h, double pct)
{
	uint64_t target, cum = 0;
	unsigned int i;
	double v;

	if (!h->count)
		return 0;
	target = (uint64_t)(pct / 100.0 * h->count + 0.999999);
	if (!target)
		target = 1;
	for (i = 0; i < LAT_BUCKETS; i++) {
		cum += h->b[i];
		if (cum >= target)
			break;
	}
	v = lat_value(i < LAT_BUCKETS ? i : LAT_BUCKETS - 1);
	if (v < h->min_ns)
		v = h->min_ns;
	if (v > h->max_ns)
		v = h->max_ns;
	return v / 1000.0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

struct totals {
	struct lat_hist lat;
	uint64_t ios, reads, writes, errors, mismatches, verify_ios;
	double secs, iops, mib_s;
};

static void sum_up(const struct run *r, struct totals *t)
{
	uint64_t t0 = UINT64_MAX, t1 = 0;
	unsigned int i;

	*t = (struct totals){ .lat.min_ns = UINT64_MAX };
	for (i = 0; i < r->o->threads; i++) {
		const struct worker *w = &r->w[i];

		lat_merge(&t->lat, &w->lat);
		t->reads += w->reads;
		t->writes += w->writes;
		t->errors += w->errors;
		t->mismatches += w->mismatches;
		t->verify_ios += w->verify_ios;
		if (w->t_start < t0)
			t0 = w->t_start;
		if (w->t_end > t1)
			t1 = w->t_end;
	}
	if (!t->lat.count)
		t->lat.min_ns = 0;
	t->ios = t->reads + t->writes;
	t->secs = t1 > t0 ? (t1 - t0) / 1e9 : 0;
	if (t->secs > 0) {
		t->iops = t->ios / t->secs;
		t->mib_s = t->ios * (double)r->o->bs / t->secs / (1 << 20);
	}
}

static void report_json(const struct run *r, const struct totals *t)
{
	const struct opts *o = r->o;
	const struct lat_hist *h = &t->lat;
	char layout[32];

	layout_name(o, layout, sizeof(layout));
	printf("{\"tool\":\"" PROG "\",\"device\":");
	json_string(o->path);
	printf(",\"options\":{\"depth\":%u,\"submit_batch\":%u,\"complete_batch\":%u,"
	       "\"bs\":%" PRIu64 ",\"rw\":\"%s\",\"mix\":%u,\"fixed_buffers\":%s,"
	       "\"registered_files\":%s,\"poll\":%s,\"threads\":%u,\"runtime\":%u,"
	       "\"ios\":%" PRIu64 ",\"size\":%" PRIu64 ",\"layout\":\"%s\","
	       "\"verify\":%s,\"seed\":%" PRIu64 "},",
	       o->depth, o->submit_batch, o->complete_batch, o->bs, rw_name(o->rw),
	       o->mix, o->fixed_buffers ? "true" : "false",
	       o->registered_files ? "true" : "false", o->poll ? "true" : "false",
	       o->threads, o->runtime, o->ios, o->size, layout,
	       o->verify ? "true" : "false", o->seed);
	printf("\"elapsed_s\":%.3f,\"iops\":%.1f,\"mib_s\":%.2f,\"ios\":%" PRIu64
	       ",\"reads\":%" PRIu64 ",\"writes\":%" PRIu64 ",",
	       t->secs, t->iops, t->mib_s, t->ios, t->reads, t->writes);
	printf("\"lat_us\":{\"min\":%.1f,\"mean\":%.1f,\"p50\":%.1f,\"p99\":%.1f,"
	       "\"p99_9\":%.1f,\"max\":%.1f},",
	       h->min_ns / 1000.0, h->count ? (double)h->sum_ns / h->count / 1000.0 : 0,
	       lat_pct_us(h, 50), lat_pct_us(h, 99), lat_pct_us(h, 99.9),
	       h->max_ns / 1000.0);
	printf("\"errors\":%" PRIu64 ",\"verify_mismatches\":%" PRIu64
	       ",\"verify_ios\":%" PRIu64 "}\n", t->errors, t->mismatches, t->verify_ios);
}

static void report_text(const struct run *r, const struct totals *t)
{
	const struct opts *o = r->o;
	const struct lat_hist *h = &t->lat;
	char layout[32];

	layout_name(o, layout, sizeof(layout));
	printf("%s: %s bs=%" PRIu64 " depth=%u threads=%u layout=%s%s%s%s%s\n",
	       o->path, rw_name(o->rw), o->bs, o->depth, o->threads, layout,
	       o->fixed_buffers ? " fixed-buffers" : "",
	       o->registered_files ? " registered-files" : "",
	       o->poll ? " poll" : "", o->verify ? " verify" : "");
	printf("  ios %" PRIu64 " (reads %" PRIu64 ", writes %" PRIu64 ") in %.2f s\n",
	       t->ios, t->reads, t->writes, t->secs);
	printf("  IOPS %.0f, %.2f MiB/s\n", t->iops, t->mib_s);
	printf("  lat us: min %.1f mean %.1f p50 %.1f p99 %.1f p99.9 %.1f max %.1f\n",
	       h->min_ns / 1000.0, h->count ? (double)h->sum_ns / h->count / 1000.0 : 0,
	       lat_pct_us(h, 50), lat_pct_us(h, 99), lat_pct_us(h, 99.9),
	       h->max_ns / 1000.0);
	printf("  errors %" PRIu64 ", verify mismatches %" PRIu64
	       " (512-byte blocks), verify ios %" PRIu64 "\n",
	       t->errors, t->mismatches, t->verify_ios);
}

/* Print the summary; return the exit status (0 only without any failure). */
int report(const struct run *r, bool json)
{
	struct totals t;

	sum_up(r, &t);
	if (json)
		report_json(r, &t);
	else
		report_text(r, &t);
	fflush(stdout);
	if (t.mismatches)
		fprintf(stderr, PROG ": FAILED: %" PRIu64 " mismatching 512-byte blocks\n",
			t.mismatches);
	if (t.errors)
		fprintf(stderr, PROG ": FAILED: %" PRIu64 " I/O errors\n", t.errors);
	return t.mismatches || t.errors || atomic_load(&r->aborted) ? 1 : 0;
}
