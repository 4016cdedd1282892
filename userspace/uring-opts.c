// SPDX-License-Identifier: GPL-2.0
/* sgblk-uring option parsing and validation. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "uring.h"

#define DEF_DEPTH	32u
#define DEF_BATCH	8u
#define DEF_BS		4096u
#define DEF_MIX		50u
#define DEF_RUNTIME	10u
#define MAX_DEPTH	4096
#define MAX_THREADS	64
#define MAX_BS		(64ULL << 20)
#define MAX_SEGS	1024	/* UIO_MAXIOV */

static const char *const rw_names[] = {
	[RW_READ] = "read", [RW_WRITE] = "write", [RW_RANDREAD] = "randread",
	[RW_RANDWRITE] = "randwrite", [RW_RANDRW] = "randrw",
};

const char *rw_name(enum rw_mode rw)
{
	return rw_names[rw];
}

bool rw_reads(enum rw_mode rw)
{
	return rw == RW_READ || rw == RW_RANDREAD || rw == RW_RANDRW;
}

bool rw_writes(enum rw_mode rw)
{
	return rw == RW_WRITE || rw == RW_RANDWRITE || rw == RW_RANDRW;
}

void layout_name(const struct opts *o, char *buf, size_t len)
{
	if (o->layout == LAYOUT_MISALIGNED)
		snprintf(buf, len, "misaligned:%u", o->layout_arg);
	else if (o->layout == LAYOUT_SCATTER)
		snprintf(buf, len, "scatter:%u", o->layout_arg);
	else
		snprintf(buf, len, "aligned");
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: " PROG " [options] DEVICE-OR-FILE\n"
"io_uring benchmark, O_DIRECT always.  Defaults in brackets.\n"
"  -d, --depth N           queue depth per thread [%u]\n"
"      --submit-batch N    SQEs submitted per io_uring_enter [min(%u, depth)]\n"
"      --complete-batch N  completions waited for per call [min(%u, depth)]\n"
"  -b, --bs BYTES          block size, a multiple of 512 (k/m suffixes) [%u]\n"
"      --rw MODE           read|write|randread|randwrite|randrw [randread]\n"
"      --mix PCT           percent reads for randrw [%u]\n"
"      --fixed-buffers     register buffers, READ_FIXED/WRITE_FIXED [off]\n"
"      --registered-files  register the file with the ring [off]\n"
"      --poll              IORING_SETUP_IOPOLL (needs driver poll queues) [off]\n"
"      --hold              submit --depth I/Os, print \"held N\", then never reap\n"
"                          them: sleep until killed (a submitter that stops\n"
"                          polling, for the driver's timeout handling) [off]\n"
"  -j, --threads N         threads, one ring each [1]\n"
"  -t, --runtime SEC       run time [%u, or unlimited with --ios]\n"
"      --ios N             stop after N I/Os in total [unlimited]\n"
"      --size BYTES        region of the device used, from offset 0 [whole device]\n"
"      --layout L          buffer layout [aligned]:\n"
"                            aligned        page-aligned buffers\n"
"                            misaligned:N   start N bytes past a page (N %% 512 == 0)\n"
"                            scatter:SEGS   readv/writev of SEGS sub-page iovecs,\n"
"                                           each in its own page at a 512-multiple\n"
"      --verify            write a pattern of (seed, offset), check every read;\n"
"                          read modes fill --size first, write modes read back\n"
"      --no-fill           with --verify and read or randread: check the data\n"
"                          already there (same --seed, written by an earlier run\n"
"                          or by sgblk-ctl biogen) instead of writing it first\n"
"      --seed N            pattern seed [1]\n"
"      --json              machine-readable summary on stdout\n"
"  -q, --quiet             no progress lines on stderr\n"
"  -h, --help              this help\n",
		DEF_DEPTH, DEF_BATCH, DEF_BATCH, DEF_BS, DEF_MIX, DEF_RUNTIME);
}

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, PROG ": invalid %s '%s': %s\n", opt, val, why);
	return -1;
}

/*
 * Unsigned decimal (or 0x hex) with an optional k/m/g/t binary suffix.  It
 * must start with a digit: strtoull() would skip any blank and negate a sign.
 */
static int parse_u64(const char *s, bool suffix, uint64_t *v)
{
	unsigned int shift = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (suffix && *end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return -1;
		}
		end++;
		if (*v > (UINT64_MAX >> shift))
			return -1;
		*v <<= shift;
	}
	return *end ? -1 : 0;
}

static int parse_uint(const char *opt, const char *s, unsigned int lo,
		      unsigned int hi, unsigned int *out)
{
	char why[64];
	uint64_t v;

	if (parse_u64(s, false, &v))
		return bad(opt, s, "not a number");
	if (v < lo || v > hi) {
		snprintf(why, sizeof(why), "must be %u..%u", lo, hi);
		return bad(opt, s, why);
	}
	*out = v;
	return 0;
}

static int parse_layout(struct opts *o, const char *s)
{
	const char *colon = strchr(s, ':');
	uint64_t v;

	if (!strcmp(s, "aligned")) {
		o->layout = LAYOUT_ALIGNED;
		return 0;
	}
	if (!colon || parse_u64(colon + 1, false, &v))
		return bad("--layout", s, "want aligned, misaligned:N or scatter:SEGS");
	if (!strncmp(s, "misaligned:", 11)) {
		if (v % 512 || v >= (uint64_t)sysconf(_SC_PAGESIZE))
			return bad("--layout", s, "N must be a multiple of 512 below the page size");
		o->layout = LAYOUT_MISALIGNED;
	} else if (!strncmp(s, "scatter:", 8)) {
		if (v < 1 || v > MAX_SEGS)
			return bad("--layout", s, "SEGS must be 1..1024");
		o->layout = LAYOUT_SCATTER;
	} else {
		return bad("--layout", s, "want aligned, misaligned:N or scatter:SEGS");
	}
	o->layout_arg = v;
	return 0;
}

/* Cross-option checks, once everything is parsed. */
static int opts_check(struct opts *o, bool runtime_set)
{
	long page = sysconf(_SC_PAGESIZE);
	char buf[32];

	if (!o->submit_batch)
		o->submit_batch = o->depth < DEF_BATCH ? o->depth : DEF_BATCH;
	if (!o->complete_batch)
		o->complete_batch = o->depth < DEF_BATCH ? o->depth : DEF_BATCH;
	snprintf(buf, sizeof(buf), "%u", o->submit_batch);
	if (o->submit_batch > o->depth)
		return bad("--submit-batch", buf, "larger than --depth");
	snprintf(buf, sizeof(buf), "%u", o->complete_batch);
	if (o->complete_batch > o->depth)
		return bad("--complete-batch", buf, "larger than --depth");
	if (!runtime_set)
		o->runtime = o->ios ? 0 : DEF_RUNTIME;
	if (o->no_fill && (!o->verify || (o->rw != RW_READ && o->rw != RW_RANDREAD))) {
		fprintf(stderr, PROG ": --no-fill needs --verify and --rw read or randread\n");
		return -1;
	}
	if (o->layout == LAYOUT_SCATTER) {
		uint64_t piece = o->bs / o->layout_arg;

		snprintf(buf, sizeof(buf), "scatter:%u", o->layout_arg);
		if (o->bs % o->layout_arg || piece % 512)
			return bad("--layout", buf, "bs must split into SEGS pieces of a multiple of 512 bytes");
		if (piece >= (uint64_t)page)
			return bad("--layout", buf, "pieces must be smaller than a page (use more SEGS)");
		if (o->fixed_buffers) {
			fprintf(stderr, PROG ": --fixed-buffers does not combine with --layout scatter (readv/writev)\n");
			return -1;
		}
	}
	return 0;
}

enum { O_SUBMIT = 256, O_COMPLETE, O_RW, O_MIX, O_FIXED, O_REGFILES, O_POLL,
       O_HOLD, O_IOS, O_SIZE, O_LAYOUT, O_VERIFY, O_NOFILL, O_SEED, O_JSON };

static const struct option longopts[] = {
	{ "depth", required_argument, NULL, 'd' },
	{ "submit-batch", required_argument, NULL, O_SUBMIT },
	{ "complete-batch", required_argument, NULL, O_COMPLETE },
	{ "bs", required_argument, NULL, 'b' },
	{ "rw", required_argument, NULL, O_RW },
	{ "mix", required_argument, NULL, O_MIX },
	{ "fixed-buffers", no_argument, NULL, O_FIXED },
	{ "registered-files", no_argument, NULL, O_REGFILES },
	{ "poll", no_argument, NULL, O_POLL },
	{ "hold", no_argument, NULL, O_HOLD },
	{ "threads", required_argument, NULL, 'j' },
	{ "runtime", required_argument, NULL, 't' },
	{ "ios", required_argument, NULL, O_IOS },
	{ "size", required_argument, NULL, O_SIZE },
	{ "layout", required_argument, NULL, O_LAYOUT },
	{ "verify", no_argument, NULL, O_VERIFY },
	{ "no-fill", no_argument, NULL, O_NOFILL },
	{ "seed", required_argument, NULL, O_SEED },
	{ "json", no_argument, NULL, O_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Fill @o from the command line.  Return: 0 to run, 1 after --help, -1 on a
 * bad option (a message has been printed).
 */
int opts_parse(struct opts *o, int argc, char **argv)
{
	bool runtime_set = false;
	unsigned int i;
	uint64_t v;
	int c;

	*o = (struct opts){ .depth = DEF_DEPTH, .bs = DEF_BS, .rw = RW_RANDREAD,
			    .mix = DEF_MIX, .threads = 1, .seed = 1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:b:j:t:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_uint("--depth", optarg, 1, MAX_DEPTH, &o->depth))
				return -1;
			break;
		case O_SUBMIT:
			if (parse_uint("--submit-batch", optarg, 1, MAX_DEPTH, &o->submit_batch))
				return -1;
			break;
		case O_COMPLETE:
			if (parse_uint("--complete-batch", optarg, 1, MAX_DEPTH, &o->complete_batch))
				return -1;
			break;
		case 'b':
			if (parse_u64(optarg, true, &v))
				return bad("--bs", optarg, "not a size");
			if (v < 512 || v % 512 || v > MAX_BS)
				return bad("--bs", optarg, "must be a multiple of 512, at most 64M");
			o->bs = v;
			break;
		case O_RW:
			for (i = 0; i < sizeof(rw_names) / sizeof(rw_names[0]); i++)
				if (!strcmp(optarg, rw_names[i]))
					break;
			if (i == sizeof(rw_names) / sizeof(rw_names[0]))
				return bad("--rw", optarg, "want read, write, randread, randwrite or randrw");
			o->rw = i;
			break;
		case O_MIX:
			if (parse_uint("--mix", optarg, 0, 100, &o->mix))
				return -1;
			break;
		case O_FIXED: o->fixed_buffers = true; break;
		case O_REGFILES: o->registered_files = true; break;
		case O_POLL: o->poll = true; break;
		case O_HOLD: o->hold = true; break;
		case 'j':
			if (parse_uint("--threads", optarg, 1, MAX_THREADS, &o->threads))
				return -1;
			break;
		case 't':
			if (parse_uint("--runtime", optarg, 1, 86400, &o->runtime))
				return -1;
			runtime_set = true;
			break;
		case O_IOS:
			if (parse_u64(optarg, true, &v) || !v)
				return bad("--ios", optarg, "must be a positive number");
			o->ios = v;
			break;
		case O_SIZE:
			if (parse_u64(optarg, true, &v) || !v || v % 512)
				return bad("--size", optarg, "must be a positive multiple of 512");
			o->size = v;
			break;
		case O_LAYOUT:
			if (parse_layout(o, optarg))
				return -1;
			break;
		case O_VERIFY: o->verify = true; break;
		case O_NOFILL: o->no_fill = true; break;
		case O_SEED:
			if (parse_u64(optarg, false, &o->seed))
				return bad("--seed", optarg, "not a number");
			break;
		case O_JSON: o->json = true; break;
		case 'q': o->quiet = true; break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			fprintf(stderr, PROG ": option %s needs a value\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, PROG ": unknown option %s (see --help)\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, PROG ": %s (see --help)\n", optind >= argc ?
			"no device or file given" : "exactly one device or file, please");
		return -1;
	}
	o->path = argv[optind];
	return opts_check(o, runtime_set);
}
