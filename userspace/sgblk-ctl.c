// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-ctl: drive the sgblk bio builder (/dev/sgblk-ctl) and read or set
 * the per-disk debugfs files (stats, hist, profile).
 *
 * Exit status: 0 success; 1 a system call failed (the reason, with its errno
 * name, goes to stderr); 2 usage error; 3 the job ran but found bio errors,
 * data mismatches or a checksum disagreement.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sgblk_ioctl.h>

#define EXIT_SYS	1
#define EXIT_USAGE	2
#define EXIT_DATA	3

#define PAGE		4096UL
#define CTL_DEV		"/dev/" SGBLK_CTL_NAME
#define DBG_ROOT	"/sys/kernel/debug/sgblk"

static const char *prog = "sgblk-ctl";

static void usage(FILE *f)
{
	fprintf(f,
"usage: sgblk-ctl COMMAND [options]\n"
"\n"
"commands:\n"
"  biogen   build bios in the kernel and submit them to an sgblk disk\n"
"  stats    [--disk D] [--json] [reset]   show (or reset) the counters\n"
"  hist     [--disk D] [--json]           show the per-request histograms\n"
"  profile  [--disk D] [VALUE...]         show or set the DMA profile\n"
"           (a preset name: none page boundary-1k align-4k dma28 desc-4,\n"
"           or key=value pairs: seg_boundary= max_seg_size= max_descs=\n"
"           dma_align= dma_mask_bits= bounce_pool_kb=)\n"
"  help     this text\n"
"\n"
"biogen options (sizes take k/m/g suffixes, powers of 1024):\n"
"  --disk D            disk name (sgblk0) or index (0)       [sgblk0]\n"
"  --source S          user | vmalloc | kmalloc (alias pages) [vmalloc]\n"
"  --op O              read | write                          [read]\n"
"  --offset SECTOR     first 512-byte sector                 [0]\n"
"  --len BYTES         bytes per repetition (<= 64M)         [1M]\n"
"  --bio-size BYTES    bytes per bio                         [64k]\n"
"  --inflight N        bios in flight at most (1-256)        [8]\n"
"  --repeat N          repetitions                           [1]\n"
"  --buf-offset N      vmalloc/kmalloc: data offset in the first page [0]\n"
"  --iovec-layout L    user: how the buffer is cut into iovecs  [contig]\n"
"                      LEN@OFF,LEN@OFF,...: each iovec LEN bytes starting\n"
"                      OFF bytes into its own page-aligned region; the list\n"
"                      repeats until --len is covered (last one cut short).\n"
"                      Named: contig (one iovec), subpage (512 B at odd\n"
"                      offsets), scatter (4 KiB at page offsets 512..3584),\n"
"                      odd (odd lengths and offsets), tiny (512 B pieces)\n"
"  --seed N            pattern seed                          [1]\n"
"  --verify            reads: check the pattern (kernel and, for user, here)\n"
"  --checksum          report the FNV-1a 64 checksum of the data\n"
"  --plug              submit under a blk_plug (lets bios merge)\n"
"  --json              one JSON object on stdout\n"
"  --fault F[,F...]    send a deliberately bad request (tests): null-iov,\n"
"                      unmapped-iov, unmapped-buf, readonly-buf, reserved,\n"
"                      tail, size=N, flags=N, iovcnt=N, len=N, op=N,\n"
"                      source=N, index=N\n"
"\n"
"exit status: 0 ok, 1 system error (errno name on stderr), 2 usage,\n"
"3 bio errors, data mismatches or checksum disagreement\n");
}

static int sys_fail(const char *what)
{
	int e = errno;

	fprintf(stderr, "%s: %s: %s (%s)\n", prog, what, strerror(e),
		strerrorname_np(e) ? strerrorname_np(e) : "?");
	return EXIT_SYS;
}

/* With --json, a failed call is still one JSON object on stdout. */
static void json_error(bool json)
{
	int e = errno;

	if (json)
		printf("{\"error\":\"%s\",\"errno\":%d,\"message\":\"%s\"}\n",
		       strerrorname_np(e) ? strerrorname_np(e) : "?", e, strerror(e));
	errno = e;
}

static int usage_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s help)\n", prog);
	return EXIT_USAGE;
}

/*
 * "4096", "64k", "1M", "0x1000": bytes; false on garbage or overflow.  It
 * must start with a digit: strtoull() would skip blanks and negate a sign.
 */
static bool parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		return false;
	}
	if (shift) {
		end++;
		if (!strcasecmp(end, "ib") || !strcasecmp(end, "b"))
			end += strlen(end);
		if (*end || v > (UINT64_MAX >> shift))
			return false;
	}
	*out = (uint64_t)v << shift;
	return true;
}


/* --disk: "sgblk3" or "3"; fills the debugfs name too. */
static bool parse_disk(const char *s, int32_t *index, char *name)
{
	char *end;
	long v;

	if (isdigit((unsigned char)s[0])) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || *end || v > INT32_MAX)
			return false;
		*index = (int32_t)v;
		snprintf(name, SGBLK_DISK_NAME_LEN, "sgblk%ld", v);
		return true;
	}
	if (!*s || strlen(s) >= SGBLK_DISK_NAME_LEN)
		return false;
	for (end = (char *)s; *end; end++)
		if (!isalnum((unsigned char)*end) && *end != '-' && *end != '_')
			return false;
	*index = -1;
	snprintf(name, SGBLK_DISK_NAME_LEN, "%s", s);
	return true;
}

/* ---- the data check (the pattern is sgblk_pattern.h's) ---- */

struct check {
	uint64_t seed;
	uint64_t bad_block;	/* last block counted + 1; 0 = none */
	uint64_t mismatches;
	uint64_t first;
};

static void check_range(struct check *ck, const uint8_t *p, uint64_t len,
			uint64_t devoff)
{
	while (len) {
		uint64_t blk = devoff / 512;
		uint64_t n = 512 - devoff % 512;

		if (n > len)
			n = len;
		if (ck->bad_block != blk + 1 && !sgblk_pattern_same(p, n, ck->seed, devoff)) {
			if (!ck->mismatches)
				ck->first = blk * 512;
			ck->mismatches++;
			ck->bad_block = blk + 1;
		}
		p += n;
		devoff += n;
		len -= n;
	}
}

/* ---- the user buffer: iovecs, each in its own page-aligned mapping ---- */

struct layout_ent {
	uint64_t len;	/* 0: the whole remaining length (contig) */
	uint64_t off;
};

struct ubuf {
	struct sgblk_iovec *iov;
	void **region;
	size_t *region_len;
	unsigned int n;
};

static const struct {
	const char *name;
	const char *spec;
} named_layouts[] = {
	{ "contig", "0@0" },
	{ "subpage", "512@7,512@1000,512@1537,512@2600,512@3584,512@511,512@2047,512@3000" },
	{ "scatter", "4096@512,4096@1024,4096@1536,4096@2048,4096@2560,4096@3072,4096@3584" },
	{ "odd", "100@1,924@4000,3000@333,72@4095" },
	{ "tiny", "512@0" },
};

static int parse_layout(const char *arg, struct layout_ent **out, unsigned int *n)
{
	struct layout_ent *ents = NULL;
	unsigned int cnt = 0, i;
	char *copy, *tok, *save = NULL;
	const char *spec = arg;

	for (i = 0; i < sizeof(named_layouts) / sizeof(named_layouts[0]); i++)
		if (!strcmp(arg, named_layouts[i].name))
			spec = named_layouts[i].spec;
	copy = strdup(spec);
	if (!copy)
		return sys_fail("strdup");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *at = strchr(tok, '@');
		struct layout_ent e, *tmp;

		if (!at) {
			free(copy);
			free(ents);
			return usage_fail("iovec layout '%s': want LEN@OFF,...", arg);
		}
		*at = '\0';
		if (!parse_size(tok, &e.len) || !parse_size(at + 1, &e.off) ||
		    (!e.len && spec == arg) || e.off >= (1ULL << 32)) {
			free(copy);
			free(ents);
			return usage_fail("iovec layout '%s': bad LEN@OFF entry", arg);
		}
		tmp = realloc(ents, (cnt + 1) * sizeof(*ents));
		if (!tmp) {
			free(copy);
			free(ents);
			return sys_fail("realloc");
		}
		ents = tmp;
		ents[cnt++] = e;
	}
	free(copy);
	if (!cnt)
		return usage_fail("iovec layout '%s' is empty", arg);
	*out = ents;
	*n = cnt;
	return 0;
}

static void ubuf_free(struct ubuf *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (b->region[i])
			munmap(b->region[i], b->region_len[i]);
	free(b->iov);
	free(b->region);
	free(b->region_len);
	memset(b, 0, sizeof(*b));
}

/* Cut @len bytes into iovecs following the layout, cycling through it. */
static int ubuf_build(struct ubuf *b, const struct layout_ent *ents,
		      unsigned int nents, uint64_t len)
{
	uint64_t done = 0;
	unsigned int i = 0;

	memset(b, 0, sizeof(*b));
	while (done < len) {
		const struct layout_ent *e = &ents[i++ % nents];
		uint64_t l = e->len ? e->len : len - done;
		size_t rlen;
		void *r;

		if (l > len - done)
			l = len - done;
		if (b->n % 256 == 0) {
			size_t cap = b->n + 256;
			void *t1 = realloc(b->iov, cap * sizeof(*b->iov));
			void *t2 = t1 ? realloc(b->region, cap * sizeof(*b->region)) : NULL;
			void *t3 = t2 ? realloc(b->region_len, cap * sizeof(*b->region_len)) : NULL;

			if (t1)
				b->iov = t1;
			if (t2)
				b->region = t2;
			if (!t3) {
				ubuf_free(b);
				return sys_fail("realloc");
			}
			b->region_len = t3;
		}
		rlen = (e->off + l + PAGE - 1) & ~(PAGE - 1);
		r = mmap(NULL, rlen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == MAP_FAILED) {
			ubuf_free(b);
			return sys_fail("mmap user buffer");
		}
		b->region[b->n] = r;
		b->region_len[b->n] = rlen;
		b->iov[b->n].base = (uintptr_t)r + e->off;
		b->iov[b->n].len = l;
		b->n++;
		done += l;
	}
	return 0;
}

static void ubuf_fill(struct ubuf *b, uint64_t seed, uint64_t devoff)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		sgblk_pattern_fill((void *)(uintptr_t)b->iov[i].base,
				   b->iov[i].len, seed, devoff);
		devoff += b->iov[i].len;
	}
}

static void ubuf_poison(struct ubuf *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		memset((void *)(uintptr_t)b->iov[i].base, 0xa5, b->iov[i].len);
}

static uint64_t ubuf_checksum(struct ubuf *b)
{
	uint64_t h = SGBLK_FNV_INIT;
	unsigned int i;

	for (i = 0; i < b->n; i++)
		h = sgblk_fnv1a64(h, (const void *)(uintptr_t)b->iov[i].base,
				  b->iov[i].len);
	return h;
}

static void ubuf_check(struct ubuf *b, struct check *ck, uint64_t devoff)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		check_range(ck, (const uint8_t *)(uintptr_t)b->iov[i].base,
			    b->iov[i].len, devoff);
		devoff += b->iov[i].len;
	}
}

/* ---- biogen ---- */

enum { FK_SIZE, FK_FLAGS, FK_IOVCNT, FK_LEN, FK_OP, FK_SOURCE, FK_INDEX, FK_NR };
static const char *const fk_names[FK_NR] = {
	"size", "flags", "iovcnt", "len", "op", "source", "index",
};

struct faults {
	bool null_iov, unmapped_iov, unmapped_buf, readonly_buf, reserved, tail;
	bool set[FK_NR];
	uint64_t val[FK_NR];
};

/* parse_size syntax, or '-' and that: stored as two's complement. */
static bool parse_signed(const char *s, uint64_t *out)
{
	uint64_t v;

	if (*s != '-')
		return parse_size(s, out);
	if (!parse_size(s + 1, &v) || v > (uint64_t)INT64_MAX + 1)
		return false;
	*out = -v;
	return true;
}

static int parse_faults(char *arg, struct faults *f)
{
	char *tok, *save = NULL;
	unsigned int i;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!strcmp(tok, "null-iov")) {
			f->null_iov = true;
		} else if (!strcmp(tok, "unmapped-iov")) {
			f->unmapped_iov = true;
		} else if (!strcmp(tok, "unmapped-buf")) {
			f->unmapped_buf = true;
		} else if (!strcmp(tok, "readonly-buf")) {
			f->readonly_buf = true;
		} else if (!strcmp(tok, "reserved")) {
			f->reserved = true;
		} else if (!strcmp(tok, "tail")) {
			f->tail = true;
		} else if (eq) {
			*eq = '\0';
			for (i = 0; i < FK_NR; i++)
				if (!strcmp(tok, fk_names[i]))
					break;
			if (i == FK_NR)
				return usage_fail("unknown fault '%s'", tok);
			/* Negative values (index=-1) are meaningful faults too. */
			if (!parse_signed(eq + 1, &f->val[i]))
				return usage_fail("fault '%s': bad value '%s'", tok, eq + 1);
			f->set[i] = true;
		} else {
			return usage_fail("unknown fault '%s'", tok);
		}
	}
	return 0;
}

static const char *const op_names[] = { "read", "write" };
static const char *const src_names[] = { "user", "vmalloc", "kmalloc" };

static void print_hex_or_null(bool json, const char *key, bool have, uint64_t v)
{
	if (!json)
		return;
	if (have)
		printf(",\"%s\":\"0x%016" PRIx64 "\"", key, v);
	else
		printf(",\"%s\":null", key);
}

/*
 * biogen's numeric options (sizes, counts, the seed: parse_size syntax) into
 * the request; the 32-bit fields are range-checked.  A bad value is a usage
 * error naming the option as the user spelled it.
 */
static int biogen_num(struct sgblk_biogen *a, const struct option *opts,
		      int c, const char *arg)
{
	bool wide = c == 'O' || c == 'l' || c == 'S';
	char what[64];
	uint64_t v;

	if (!parse_size(arg, &v) || (!wide && v > UINT32_MAX)) {
		while (opts->name && opts->val != c)
			opts++;
		snprintf(what, sizeof(what), "--%s '%s'",
			 opts->name ? opts->name : "?", arg);
		return usage_fail("bad %s", what);
	}
	switch (c) {
	case 'O':
		a->sector = v;
		break;
	case 'l':
		a->len = v;
		break;
	case 'S':
		a->seed = v;
		break;
	case 'b':
		a->bio_size = (uint32_t)v;
		break;
	case 'i':
		a->inflight = (uint32_t)v;
		break;
	case 'r':
		a->repeat = (uint32_t)v;
		break;
	case 'B':
		a->buf_offset = (uint32_t)v;
		break;
	}
	return 0;
}

static int cmd_biogen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "disk", required_argument, NULL, 'd' },
		{ "source", required_argument, NULL, 's' },
		{ "op", required_argument, NULL, 'o' },
		{ "offset", required_argument, NULL, 'O' },
		{ "len", required_argument, NULL, 'l' },
		{ "bio-size", required_argument, NULL, 'b' },
		{ "inflight", required_argument, NULL, 'i' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "buf-offset", required_argument, NULL, 'B' },
		{ "iovec-layout", required_argument, NULL, 'L' },
		{ "seed", required_argument, NULL, 'S' },
		{ "verify", no_argument, NULL, 'v' },
		{ "checksum", no_argument, NULL, 'c' },
		{ "plug", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "fault", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct sgblk_biogen a = {
		.size = sizeof(a), .disk_index = 0, .op = SGBLK_BIOGEN_OP_READ,
		.source = SGBLK_BIOGEN_SRC_VMALLOC, .len = 1 << 20,
		.bio_size = 64 << 10, .inflight = 8, .repeat = 1, .seed = 1,
	};
	char disk[SGBLK_DISK_NAME_LEN] = "sgblk0";
	const char *layout = "contig", *len_arg = "1m";
	struct layout_ent *ents = NULL;
	struct check ck = { .first = UINT64_MAX };
	struct ubuf ub = { 0 };
	struct faults f = { 0 };
	bool json = false, user_sum = false;
	uint64_t v, usum = 0;
	unsigned char *req = NULL;
	size_t req_size;
	unsigned int nents = 0;
	int c, fd, ret = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_disk(optarg, &a.disk_index, disk))
				return usage_fail("bad --disk '%s'", optarg);
			break;
		case 's':
			if (!strcmp(optarg, "user"))
				a.source = SGBLK_BIOGEN_SRC_USER;
			else if (!strcmp(optarg, "vmalloc"))
				a.source = SGBLK_BIOGEN_SRC_VMALLOC;
			else if (!strcmp(optarg, "kmalloc") || !strcmp(optarg, "pages"))
				a.source = SGBLK_BIOGEN_SRC_KMALLOC;
			else
				return usage_fail("bad --source '%s'", optarg);
			break;
		case 'o':
			if (!strcmp(optarg, "read"))
				a.op = SGBLK_BIOGEN_OP_READ;
			else if (!strcmp(optarg, "write"))
				a.op = SGBLK_BIOGEN_OP_WRITE;
			else
				return usage_fail("bad --op '%s'", optarg);
			break;
		case 'O':
		case 'l':
			len_arg = optarg;
			ret = biogen_num(&a, opts, c, optarg);
			if (ret)
				return ret;
			break;
		case 'S':
		case 'b':
		case 'i':
		case 'r':
		case 'B':
			ret = biogen_num(&a, opts, c, optarg);
			if (ret)
				return ret;
			break;
		case 'L':
			layout = optarg;
			break;
		case 'v':
			a.flags |= SGBLK_BIOGEN_F_VERIFY | SGBLK_BIOGEN_F_CHECKSUM;
			break;
		case 'c':
			a.flags |= SGBLK_BIOGEN_F_CHECKSUM;
			break;
		case 'p':
			a.flags |= SGBLK_BIOGEN_F_PLUG;
			break;
		case 'j':
			json = true;
			break;
		case 'F':
			ret = parse_faults(optarg, &f);
			if (ret)
				return ret;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_fail("bad biogen option");
		}
	}
	if (optind != argc)
		return usage_fail("unexpected argument '%s'", argv[optind]);
	if (a.disk_index < 0)
		snprintf(a.disk_name, sizeof(a.disk_name), "%s", disk);

	if (a.source == SGBLK_BIOGEN_SRC_USER) {
		ret = parse_layout(layout, &ents, &nents);
		if (ret)
			return ret;
		/* The kernel judges the length; keep ours sane for mmap. */
		if (a.len > (1ULL << 30)) {
			free(ents);
			return usage_fail("bad --len '%s': more than 1g for a user buffer",
					  len_arg);
		}
		ret = ubuf_build(&ub, ents, nents, a.len);
		free(ents);
		if (ret)
			return ret;
		if (a.op == SGBLK_BIOGEN_OP_WRITE)
			ubuf_fill(&ub, a.seed, a.sector * 512);
		else
			ubuf_poison(&ub);
		user_sum = a.flags & SGBLK_BIOGEN_F_CHECKSUM;
		if (user_sum && a.op == SGBLK_BIOGEN_OP_WRITE)
			usum = ubuf_checksum(&ub);
		a.iov = (uintptr_t)ub.iov;
		a.iovcnt = ub.n;
	}

	/* Deliberately bad requests, for the tests. */
	if (f.null_iov)
		a.iov = 0;
	if (f.unmapped_iov) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			ret = sys_fail("mmap");
			goto out;
		}
		munmap(p, PAGE);
		a.iov = (uintptr_t)p;
	}
	if ((f.unmapped_buf || f.readonly_buf) && !ub.n) {
		ret = usage_fail("unmapped-buf/readonly-buf need --source user");
		goto out;
	}
	if (f.unmapped_buf) {
		munmap(ub.region[ub.n - 1], ub.region_len[ub.n - 1]);
		ub.region[ub.n - 1] = NULL;
	}
	if (f.readonly_buf &&
	    mprotect(ub.region[ub.n - 1], ub.region_len[ub.n - 1], PROT_READ)) {
		ret = sys_fail("mprotect");
		goto out;
	}
	if (f.reserved)
		a.reserved_in[1] = 1;
	if (f.set[FK_FLAGS])
		a.flags = f.val[FK_FLAGS];
	if (f.set[FK_IOVCNT])
		a.iovcnt = f.val[FK_IOVCNT];
	if (f.set[FK_LEN])
		a.len = f.val[FK_LEN];
	if (f.set[FK_OP])
		a.op = f.val[FK_OP];
	if (f.set[FK_SOURCE])
		a.source = f.val[FK_SOURCE];
	if (f.set[FK_INDEX])
		a.disk_index = (int32_t)f.val[FK_INDEX];
	if (f.set[FK_SIZE])
		a.size = f.val[FK_SIZE];
	/* The tail byte at +3 past the struct must lie inside @size. */
	if (f.tail && !f.set[FK_SIZE])
		a.size = sizeof(a) + 8;
	if (f.tail && a.size < sizeof(a) + 4) {
		ret = usage_fail("fault 'tail' needs size=%zu or more, not %u",
				 sizeof(a) + 4, a.size);
		goto out;
	}
	/* The request as the kernel reads it: @size bytes, tail zero or not. */
	req_size = a.size > sizeof(a) ? a.size : sizeof(a);
	if (req_size > (1 << 20))
		req_size = 1 << 20;
	req = calloc(1, req_size);
	if (!req) {
		ret = sys_fail("calloc");
		goto out;
	}
	memcpy(req, &a, sizeof(a));
	if (f.tail)
		req[sizeof(a) + 3] = 1;

	fd = open(CTL_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		json_error(json);
		ret = sys_fail("open " CTL_DEV);
		goto out;
	}
	if (ioctl(fd, SGBLK_IOC_BIOGEN, req)) {
		json_error(json);
		ret = sys_fail("biogen: ioctl SGBLK_IOC_BIOGEN");
		close(fd);
		goto out;
	}
	close(fd);
	memcpy(&a, req, sizeof(a));

	if (ub.n && a.op == SGBLK_BIOGEN_OP_READ) {
		if (user_sum)
			usum = ubuf_checksum(&ub);
		if (a.flags & SGBLK_BIOGEN_F_VERIFY) {
			ck.seed = a.seed;
			ubuf_check(&ub, &ck, a.sector * 512);
		}
	}

	v = a.elapsed_ns ? a.elapsed_ns : 1;
	if (json) {
		printf("{\"disk\":\"%s\",\"op\":\"%s\",\"source\":\"%s\"", disk,
		       a.op < 2 ? op_names[a.op] : "?",
		       a.source < 3 ? src_names[a.source] : "?");
		printf(",\"sector\":%" PRIu64 ",\"len\":%" PRIu64
		       ",\"bio_size\":%u,\"inflight\":%u,\"repeat\":%u"
		       ",\"buf_offset\":%u,\"iovcnt\":%u,\"lbs\":%u",
		       (uint64_t)a.sector, (uint64_t)a.len, a.bio_size,
		       a.inflight, a.repeat, a.buf_offset, a.iovcnt, a.lbs);
		printf(",\"bios\":%" PRIu64 ",\"segments\":%" PRIu64
		       ",\"max_bio_segs\":%u,\"bytes\":%" PRIu64
		       ",\"elapsed_ns\":%" PRIu64 ",\"errors\":%" PRIu64,
		       (uint64_t)a.bios, (uint64_t)a.segments, a.max_bio_segs,
		       (uint64_t)a.bytes, (uint64_t)a.elapsed_ns,
		       (uint64_t)a.errors);
		printf(",\"bios_per_s\":%.1f,\"mib_per_s\":%.2f",
		       a.bios * 1e9 / v, a.bytes * 1e9 / v / (1 << 20));
		print_hex_or_null(true, "checksum",
				  a.flags & (SGBLK_BIOGEN_F_CHECKSUM | SGBLK_BIOGEN_F_VERIFY),
				  a.checksum);
		print_hex_or_null(true, "user_checksum", user_sum, usum);
		printf(",\"mismatches\":%" PRIu64, (uint64_t)a.mismatches);
		if (a.mismatches)
			printf(",\"first_mismatch\":%" PRIu64, (uint64_t)a.first_mismatch);
		else
			printf(",\"first_mismatch\":null");
		if (ub.n && (a.flags & SGBLK_BIOGEN_F_VERIFY) &&
		    a.op == SGBLK_BIOGEN_OP_READ)
			printf(",\"user_mismatches\":%" PRIu64, ck.mismatches);
		printf("}\n");
	} else {
		printf("%s: %s %" PRIu64 " bytes at sector %" PRIu64 " from %s",
		       disk, a.op < 2 ? op_names[a.op] : "?", (uint64_t)a.len,
		       (uint64_t)a.sector, a.source < 3 ? src_names[a.source] : "?");
		if (a.source == SGBLK_BIOGEN_SRC_USER)
			printf(" (%u iovecs, layout %s)", a.iovcnt, layout);
		else if (a.buf_offset)
			printf(" (buffer offset %u)", a.buf_offset);
		printf(", bio %u, inflight %u, repeat %u\n", a.bio_size,
		       a.inflight, a.repeat);
		printf("  bios %" PRIu64 "  segments %" PRIu64 " (max %u per bio)"
		       "  bytes %" PRIu64 "  errors %" PRIu64 "\n",
		       (uint64_t)a.bios, (uint64_t)a.segments, a.max_bio_segs,
		       (uint64_t)a.bytes, (uint64_t)a.errors);
		printf("  elapsed %.3f ms  %.1f bios/s  %.2f MiB/s\n",
		       a.elapsed_ns / 1e6, a.bios * 1e9 / v,
		       a.bytes * 1e9 / v / (1 << 20));
		if (a.flags & (SGBLK_BIOGEN_F_CHECKSUM | SGBLK_BIOGEN_F_VERIFY))
			printf("  checksum 0x%016" PRIx64 "\n", (uint64_t)a.checksum);
		if ((a.flags & SGBLK_BIOGEN_F_VERIFY) && a.op == SGBLK_BIOGEN_OP_READ)
			printf("  verify: %" PRIu64 " bad 512-byte blocks\n",
			       (uint64_t)(a.mismatches > ck.mismatches ?
					  a.mismatches : ck.mismatches));
	}

	if (a.errors) {
		fprintf(stderr, "%s: biogen: %" PRIu64 " bios failed\n", prog,
			(uint64_t)a.errors);
		ret = EXIT_DATA;
	}
	if (a.mismatches) {
		fprintf(stderr, "%s: verify: %" PRIu64 " 512-byte blocks differ from "
			"the pattern (kernel check), first at device byte %" PRIu64 "\n",
			prog, (uint64_t)a.mismatches, (uint64_t)a.first_mismatch);
		ret = EXIT_DATA;
	}
	if (ck.mismatches) {
		fprintf(stderr, "%s: verify: %" PRIu64 " 512-byte blocks differ from "
			"the pattern (user buffer), first at device byte %" PRIu64 "\n",
			prog, ck.mismatches, ck.first);
		ret = EXIT_DATA;
	}
	if (user_sum && usum != a.checksum) {
		fprintf(stderr, "%s: checksum: kernel saw 0x%016" PRIx64
			", user buffer holds 0x%016" PRIx64 "\n", prog,
			(uint64_t)a.checksum, usum);
		ret = EXIT_DATA;
	}
out:
	free(req);
	ubuf_free(&ub);
	return ret;
}

/* ---- debugfs: stats, hist, profile ---- */

static void dbg_path(char *buf, size_t n, const char *disk, const char *file)
{
	const char *root = getenv("SGBLK_DEBUGFS");

	snprintf(buf, n, "%s/%s/%s", root && *root ? root : DBG_ROOT, disk, file);
}

static FILE *dbg_open(const char *disk, const char *file, const char *mode)
{
	char path[PATH_MAX];
	FILE *f;

	dbg_path(path, sizeof(path), disk, file);
	f = fopen(path, mode);
	if (!f) {
		int e = errno;

		fprintf(stderr, "%s: open %s: %s (%s)%s\n", prog, path, strerror(e),
			strerrorname_np(e) ? strerrorname_np(e) : "?",
			e == ENOENT ? " - is sgblk loaded and debugfs mounted?" : "");
	}
	return f;
}

/* Write @val to a debugfs file; the kernel's verdict comes back at fclose. */
static int dbg_write(const char *disk, const char *file, const char *val)
{
	char path[PATH_MAX];
	ssize_t w;
	int fd;

	dbg_path(path, sizeof(path), disk, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		char what[PATH_MAX + 8];

		snprintf(what, sizeof(what), "open %s", path);
		return sys_fail(what);
	}
	w = write(fd, val, strlen(val));
	if (w < 0) {
		char what[PATH_MAX + 64];

		snprintf(what, sizeof(what), "%s: cannot set '%s'", file, val);
		close(fd);
		return sys_fail(what);
	}
	close(fd);
	return 0;
}

/* Common "[--disk D] [--json] [ARGS...]" parsing. */
static int parse_dbg_opts(int argc, char **argv, char *disk, bool *json)
{
	static const struct option opts[] = {
		{ "disk", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	int32_t idx;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_disk(optarg, &idx, disk))
				return usage_fail("bad --disk '%s'", optarg);
			break;
		case 'j':
			*json = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return usage_fail("bad option");
		}
	}
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	char disk[SGBLK_DISK_NAME_LEN] = "sgblk0", name[64];
	bool json = false, first = true;
	unsigned long long v;
	FILE *f;
	int ret;

	ret = parse_dbg_opts(argc, argv, disk, &json);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (optind < argc) {
		if (optind + 1 != argc ||
		    (strcmp(argv[optind], "reset") != 0 && strcmp(argv[optind], "0") != 0))
			return usage_fail("stats: only 'reset' may follow, not '%s'",
					  argv[optind]);
		ret = dbg_write(disk, "stats", "0\n");
		if (!ret && !json)
			printf("%s: counters reset\n", disk);
		return ret;
	}
	f = dbg_open(disk, "stats", "r");
	if (!f)
		return EXIT_SYS;
	if (json)
		printf("{\"disk\":\"%s\"", disk);
	else
		printf("%s counters\n", disk);
	/*
	 * The driver's own seq_printf of u64 counters; a line that does not
	 * scan ends the loop, and no counters at all is an error below.
	 */
	while (fscanf(f, "%63s %llu", name, &v) == 2) { /* NOLINT(cert-err34-c) */
		if (json)
			printf(",\"%s\":%llu", name, v);
		else
			printf("  %-18s %20llu\n", name, v);
		first = false;
	}
	if (json)
		printf("}\n");
	fclose(f);
	if (first) {
		fprintf(stderr, "%s: stats: no counters read\n", prog);
		return EXIT_SYS;
	}
	return 0;
}

static int cmd_hist(int argc, char **argv)
{
	char disk[SGBLK_DISK_NAME_LEN] = "sgblk0", name[64], prev[64] = "";
	unsigned long long lo, hi, n;
	bool json = false, any = false;
	FILE *f;
	int ret;

	ret = parse_dbg_opts(argc, argv, disk, &json);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (optind != argc)
		return usage_fail("hist: unexpected argument '%s'", argv[optind]);
	f = dbg_open(disk, "hist", "r");
	if (!f)
		return EXIT_SYS;
	if (json)
		printf("{\"disk\":\"%s\"", disk);
	/* The driver's own u64 buckets, as for stats above. */
	while (fscanf(f, "%63s %llu-%llu %llu", name, &lo, &hi, &n) == 4) { /* NOLINT(cert-err34-c) */
		bool new = strcmp(name, prev) != 0;

		if (json) {
			if (new)
				printf("%s,\"%s\":[", any ? "]" : "", name);
			printf("%s{\"lo\":%llu,\"hi\":%llu,\"count\":%llu}",
			       new ? "" : ",", lo, hi, n);
		} else {
			if (new)
				printf("%s%s\n", any ? "\n" : "", name);
			if (n) {
				char range[48];

				if (hi == ULLONG_MAX)
					snprintf(range, sizeof(range), ">= %llu", lo);
				else if (lo == hi)
					snprintf(range, sizeof(range), "%llu", lo);
				else
					snprintf(range, sizeof(range), "%llu-%llu", lo, hi);
				printf("  %-24s %14llu\n", range, n);
			}
		}
		snprintf(prev, sizeof(prev), "%s", name);
		any = true;
	}
	fclose(f);
	if (json)
		printf("%s}\n", any ? "]" : "");
	if (!any) {
		fprintf(stderr, "%s: hist: nothing read\n", prog);
		return EXIT_SYS;
	}
	return 0;
}

static int cmd_profile(int argc, char **argv)
{
	char disk[SGBLK_DISK_NAME_LEN] = "sgblk0", line[256], key[64], val[128];
	bool json = false, first = true;
	FILE *f;
	int ret;

	ret = parse_dbg_opts(argc, argv, disk, &json);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (optind < argc) {
		char buf[512] = "";
		size_t used = 0;
		int i;

		for (i = optind; i < argc; i++) {
			int w = snprintf(buf + used, sizeof(buf) - used, "%s%s",
					 i > optind ? " " : "", argv[i]);

			if (w < 0 || (size_t)w >= sizeof(buf) - used)
				return usage_fail("profile: value too long");
			used += w;
		}
		ret = dbg_write(disk, "profile", buf);
		if (ret)
			return ret;
	}
	f = dbg_open(disk, "profile", "r");
	if (!f)
		return EXIT_SYS;
	if (json)
		printf("{\"disk\":\"%s\"", disk);
	else
		printf("%s profile\n", disk);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %127s", key, val) != 2)
			continue;
		if (json) {
			/* A JSON number: digits, no sign, no leading zero. */
			bool num = val[0] >= '1' && val[0] <= '9' &&
				   strspn(val, "0123456789") == strlen(val);

			num |= !strcmp(val, "0");
			printf(num ? ",\"%s\":%s" : ",\"%s\":\"%s\"", key, val);
		} else {
			printf("  %-16s %s\n", key, val);
		}
		first = false;
	}
	if (json)
		printf("}\n");
	fclose(f);
	return first ? EXIT_SYS : 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	/* Subcommand options start after the command word. */
	argv[1] = argv[0];
	argc--;
	argv++;
	if (!strcmp(cmd, "biogen"))
		return cmd_biogen(argc, argv);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc, argv);
	if (!strcmp(cmd, "hist"))
		return cmd_hist(argc, argv);
	if (!strcmp(cmd, "profile"))
		return cmd_profile(argc, argv);
	return usage_fail("unknown command '%s'", cmd);
}
