// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-ctl biogen: build the SGBLK_IOC_BIOGEN request from the options
 * (and, for tests, deliberately bad ones), run it, check a user buffer and
 * report.  cmd_biogen() is biogen_parse() (options into struct
 * biogen_opts), biogen_run() (user buffer, faults, the ioctl, the user-side
 * check), then report_json() or report_text() and biogen_verdict().
 */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ctl.h"

#define CTL_DEV		"/dev/" SGBLK_CTL_NAME

enum { FK_SIZE, FK_FLAGS, FK_IOVCNT, FK_LEN, FK_OP, FK_SOURCE, FK_INDEX, FK_NR };
static const char *const fk_names[FK_NR] = {
	"size", "flags", "iovcnt", "len", "op", "source", "index",
};

struct faults {
	bool null_iov, unmapped_iov, unmapped_buf, readonly_buf, reserved, tail;
	bool set[FK_NR];
	uint64_t val[FK_NR];
};

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
static const char *const src_names[] = { "user", "vmalloc", "contig" };

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
 * biogen's numeric options (sizes, counts, the seed) into the request, the
 * 32-bit fields range-checked, through opt_num() under the option's name.
 */
static int biogen_num(struct sgblk_biogen *a, const struct option *opts,
		      int c, const char *arg)
{
	bool wide = c == 'O' || c == 'l' || c == 'S';
	char name[32];
	uint64_t v;
	int ret;

	while (opts->name && opts->val != c)
		opts++;
	snprintf(name, sizeof(name), "--%s", opts->name ? opts->name : "?");
	ret = opt_num(name, arg, wide ? UINT64_MAX : UINT32_MAX, &v);
	if (ret)
		return ret;
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

/*
 * What biogen's options asked for: the request (faults not yet applied) and
 * how to report it.
 */
struct biogen_opts {
	struct sgblk_biogen a;
	char disk[SGBLK_DISK_NAME_LEN];
	const char *layout;		/* --iovec-layout */
	const char *len_arg;		/* the last --len, as spelled */
	struct faults f;
	bool json;
};

/* One run's user side: the buffer, its data check and checksum. */
struct biogen_user {
	struct ubuf ub;
	struct check ck;
	bool user_sum;			/* checksum a user buffer here too */
	uint64_t usum;
};

static const struct option biogen_options[] = {
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

static int parse_source(const char *arg, struct sgblk_biogen *a)
{
	if (!strcmp(arg, "user"))
		a->source = SGBLK_BIOGEN_SRC_USER;
	else if (!strcmp(arg, "vmalloc"))
		a->source = SGBLK_BIOGEN_SRC_VMALLOC;
	else if (!strcmp(arg, "contig") || !strcmp(arg, "kmalloc") ||
		 !strcmp(arg, "pages"))
		a->source = SGBLK_BIOGEN_SRC_CONTIG;
	else
		return usage_fail("bad --source '%s'", arg);
	return 0;
}

static int parse_op(const char *arg, struct sgblk_biogen *a)
{
	if (!strcmp(arg, "read"))
		a->op = SGBLK_BIOGEN_OP_READ;
	else if (!strcmp(arg, "write"))
		a->op = SGBLK_BIOGEN_OP_WRITE;
	else
		return usage_fail("bad --op '%s'", arg);
	return 0;
}

/* One option (getopt's @c) into @o: 0, CMD_HELP or a usage error. */
static int biogen_opt(struct biogen_opts *o, int c, char *arg)
{
	struct sgblk_biogen *a = &o->a;

	switch (c) {
	case 'd':
		if (!parse_disk(arg, &a->disk_index, o->disk))
			return usage_fail("bad --disk '%s'", arg);
		return 0;
	case 's':
		return parse_source(arg, a);
	case 'o':
		return parse_op(arg, a);
	case 'l':
		o->len_arg = arg;
		return biogen_num(a, biogen_options, c, arg);
	case 'O':
	case 'S':
	case 'b':
	case 'i':
	case 'r':
	case 'B':
		return biogen_num(a, biogen_options, c, arg);
	case 'L':
		o->layout = arg;
		return 0;
	case 'v':
		a->flags |= SGBLK_BIOGEN_F_VERIFY | SGBLK_BIOGEN_F_CHECKSUM;
		return 0;
	case 'c':
		a->flags |= SGBLK_BIOGEN_F_CHECKSUM;
		return 0;
	case 'p':
		a->flags |= SGBLK_BIOGEN_F_PLUG;
		return 0;
	case 'j':
		o->json = true;
		return 0;
	case 'F':
		return parse_faults(arg, &o->f);
	case 'h':
		return CMD_HELP;
	default:
		return usage_fail("bad biogen option");
	}
}

/* The command line into @o, defaults first: 0, CMD_HELP or a usage error. */
static int biogen_parse(int argc, char **argv, struct biogen_opts *o)
{
	static const struct sgblk_biogen defaults = {
		.size = sizeof(defaults), .disk_index = 0,
		.op = SGBLK_BIOGEN_OP_READ, .source = SGBLK_BIOGEN_SRC_VMALLOC,
		.len = 1 << 20, .bio_size = 64 << 10, .inflight = 8, .repeat = 1,
		.seed = 1,
	};
	int c, ret;

	memset(o, 0, sizeof(*o));
	o->a = defaults;
	snprintf(o->disk, sizeof(o->disk), "sgblk0");
	o->layout = "contig";
	o->len_arg = "1m";
	while ((c = getopt_long(argc, argv, "h", biogen_options, NULL)) != -1) {
		ret = biogen_opt(o, c, optarg);
		if (ret)
			return ret;
	}
	if (optind != argc)
		return usage_fail("unexpected argument '%s'", argv[optind]);
	if (o->a.disk_index < 0)
		snprintf(o->a.disk_name, sizeof(o->a.disk_name), "%s", o->disk);
	return 0;
}

/*
 * --source user: build the buffer from the layout, fill it (write) or
 * poison it (read), and point the request at its iovecs.
 */
static int biogen_user_buffer(struct biogen_opts *o, struct biogen_user *r)
{
	struct sgblk_biogen *a = &o->a;
	struct layout_ent *ents = NULL;
	unsigned int nents = 0;
	int ret;

	ret = parse_layout(o->layout, &ents, &nents);
	if (ret)
		return ret;
	/* The kernel judges the length; keep ours sane for mmap. */
	if (a->len > (1ULL << 30)) {
		free(ents);
		return usage_fail("bad --len '%s': more than 1g for a user buffer",
				  o->len_arg);
	}
	ret = ubuf_build(&r->ub, ents, nents, a->len);
	free(ents);
	if (ret)
		return ret;
	if (a->op == SGBLK_BIOGEN_OP_WRITE)
		ubuf_fill(&r->ub, a->seed, a->sector * 512);
	else
		ubuf_poison(&r->ub);
	r->user_sum = a->flags & SGBLK_BIOGEN_F_CHECKSUM;
	if (r->user_sum && a->op == SGBLK_BIOGEN_OP_WRITE)
		r->usum = ubuf_checksum(&r->ub);
	a->iov = (uintptr_t)r->ub.iov;
	a->iovcnt = r->ub.n;
	return 0;
}

/* Faults that break the memory: the iovec array or the user buffer. */
static int fault_memory(const struct faults *f, struct sgblk_biogen *a,
			struct ubuf *ub)
{
	if (f->null_iov)
		a->iov = 0;
	if (f->unmapped_iov) {
		void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return sys_fail("mmap");
		munmap(p, PAGE);
		a->iov = (uintptr_t)p;
	}
	if ((f->unmapped_buf || f->readonly_buf) && !ub->n)
		return usage_fail("unmapped-buf/readonly-buf need --source user");
	if (f->unmapped_buf) {
		munmap(ub->region[ub->n - 1], ub->region_len[ub->n - 1]);
		ub->region[ub->n - 1] = NULL;
	}
	if (f->readonly_buf &&
	    mprotect(ub->region[ub->n - 1], ub->region_len[ub->n - 1], PROT_READ))
		return sys_fail("mprotect");
	return 0;
}

/* Faults that overwrite request fields, and the tail byte's room. */
static int fault_fields(const struct faults *f, struct sgblk_biogen *a)
{
	if (f->reserved)
		a->reserved_in[1] = 1;
	if (f->set[FK_FLAGS])
		a->flags = f->val[FK_FLAGS];
	if (f->set[FK_IOVCNT])
		a->iovcnt = f->val[FK_IOVCNT];
	if (f->set[FK_LEN])
		a->len = f->val[FK_LEN];
	if (f->set[FK_OP])
		a->op = f->val[FK_OP];
	if (f->set[FK_SOURCE])
		a->source = f->val[FK_SOURCE];
	if (f->set[FK_INDEX])
		a->disk_index = (int32_t)f->val[FK_INDEX];
	if (f->set[FK_SIZE])
		a->size = f->val[FK_SIZE];
	/* The tail byte at +3 past the struct must lie inside @size. */
	if (f->tail && !f->set[FK_SIZE])
		a->size = sizeof(*a) + 8;
	if (f->tail && a->size < sizeof(*a) + 4)
		return usage_fail("fault 'tail' needs size=%zu or more, not %u",
				  sizeof(*a) + 4, a->size);
	return 0;
}

/*
 * The request as the kernel reads it: @a->size bytes (at most 1 MiB), the
 * tail past the struct zero unless the 'tail' fault sets a byte.
 */
static unsigned char *biogen_request(const struct sgblk_biogen *a, bool tail)
{
	size_t req_size = a->size > sizeof(*a) ? a->size : sizeof(*a);
	unsigned char *req;

	if (req_size > (1 << 20))
		req_size = 1 << 20;
	req = calloc(1, req_size);
	if (!req)
		return NULL;
	memcpy(req, a, sizeof(*a));
	if (tail)
		req[sizeof(*a) + 3] = 1;
	return req;
}

/* Run the request through the bio builder; @a gets the results. */
static int biogen_submit(struct sgblk_biogen *a, bool tail, bool json)
{
	unsigned char *req = biogen_request(a, tail);
	int fd, ret = 0;

	if (!req)
		return sys_fail("calloc");
	fd = open(CTL_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		json_error(json);
		ret = sys_fail("open " CTL_DEV);
	} else if (ioctl(fd, SGBLK_IOC_BIOGEN, req)) {
		json_error(json);
		ret = sys_fail("biogen: ioctl SGBLK_IOC_BIOGEN");
		close(fd);
	} else {
		close(fd);
		memcpy(a, req, sizeof(*a));
	}
	free(req);
	return ret;
}

/* After a read into a user buffer: its checksum and pattern check here. */
static void biogen_user_check(const struct sgblk_biogen *a,
			      struct biogen_user *r)
{
	if (!r->ub.n || a->op != SGBLK_BIOGEN_OP_READ)
		return;
	if (r->user_sum)
		r->usum = ubuf_checksum(&r->ub);
	if (a->flags & SGBLK_BIOGEN_F_VERIFY) {
		r->ck.seed = a->seed;
		ubuf_check(&r->ub, &r->ck, a->sector * 512);
	}
}

static const char *op_name(uint32_t op)
{
	return op < 2 ? op_names[op] : "?";
}

static const char *src_name(uint32_t source)
{
	return source < 3 ? src_names[source] : "?";
}

static void report_json(const struct biogen_opts *o,
			const struct biogen_user *r)
{
	const struct sgblk_biogen *a = &o->a;
	uint64_t v = a->elapsed_ns ? a->elapsed_ns : 1;

	printf("{\"disk\":\"%s\",\"op\":\"%s\",\"source\":\"%s\"", o->disk,
	       op_name(a->op), src_name(a->source));
	printf(",\"sector\":%" PRIu64 ",\"len\":%" PRIu64
	       ",\"bio_size\":%u,\"inflight\":%u,\"repeat\":%u"
	       ",\"buf_offset\":%u,\"iovcnt\":%u,\"lbs\":%u",
	       (uint64_t)a->sector, (uint64_t)a->len, a->bio_size,
	       a->inflight, a->repeat, a->buf_offset, a->iovcnt, a->lbs);
	printf(",\"bios\":%" PRIu64 ",\"segments\":%" PRIu64
	       ",\"max_bio_segs\":%u,\"bytes\":%" PRIu64
	       ",\"elapsed_ns\":%" PRIu64 ",\"errors\":%" PRIu64,
	       (uint64_t)a->bios, (uint64_t)a->segments, a->max_bio_segs,
	       (uint64_t)a->bytes, (uint64_t)a->elapsed_ns,
	       (uint64_t)a->errors);
	printf(",\"bios_per_s\":%.1f,\"mib_per_s\":%.2f",
	       a->bios * 1e9 / v, a->bytes * 1e9 / v / (1 << 20));
	print_hex_or_null(true, "checksum",
			  a->flags & (SGBLK_BIOGEN_F_CHECKSUM | SGBLK_BIOGEN_F_VERIFY),
			  a->checksum);
	print_hex_or_null(true, "user_checksum", r->user_sum, r->usum);
	printf(",\"mismatches\":%" PRIu64, (uint64_t)a->mismatches);
	if (a->mismatches)
		printf(",\"first_mismatch\":%" PRIu64, (uint64_t)a->first_mismatch);
	else
		printf(",\"first_mismatch\":null");
	if (r->ub.n && (a->flags & SGBLK_BIOGEN_F_VERIFY) &&
	    a->op == SGBLK_BIOGEN_OP_READ)
		printf(",\"user_mismatches\":%" PRIu64, r->ck.mismatches);
	printf("}\n");
}

static void report_text(const struct biogen_opts *o,
			const struct biogen_user *r)
{
	const struct sgblk_biogen *a = &o->a;
	uint64_t v = a->elapsed_ns ? a->elapsed_ns : 1;

	printf("%s: %s %" PRIu64 " bytes at sector %" PRIu64 " from %s",
	       o->disk, op_name(a->op), (uint64_t)a->len,
	       (uint64_t)a->sector, src_name(a->source));
	if (a->source == SGBLK_BIOGEN_SRC_USER)
		printf(" (%u iovecs, layout %s)", a->iovcnt, o->layout);
	else if (a->buf_offset)
		printf(" (buffer offset %u)", a->buf_offset);
	printf(", bio %u, inflight %u, repeat %u\n", a->bio_size,
	       a->inflight, a->repeat);
	printf("  bios %" PRIu64 "  segments %" PRIu64 " (max %u per bio)"
	       "  bytes %" PRIu64 "  errors %" PRIu64 "\n",
	       (uint64_t)a->bios, (uint64_t)a->segments, a->max_bio_segs,
	       (uint64_t)a->bytes, (uint64_t)a->errors);
	printf("  elapsed %.3f ms  %.1f bios/s  %.2f MiB/s\n",
	       a->elapsed_ns / 1e6, a->bios * 1e9 / v,
	       a->bytes * 1e9 / v / (1 << 20));
	if (a->flags & (SGBLK_BIOGEN_F_CHECKSUM | SGBLK_BIOGEN_F_VERIFY))
		printf("  checksum 0x%016" PRIx64 "\n", (uint64_t)a->checksum);
	if ((a->flags & SGBLK_BIOGEN_F_VERIFY) && a->op == SGBLK_BIOGEN_OP_READ)
		printf("  verify: %" PRIu64 " bad 512-byte blocks\n",
		       (uint64_t)(a->mismatches > r->ck.mismatches ?
				  a->mismatches : r->ck.mismatches));
}

/* Each way the data went wrong, on stderr: EXIT_DATA if any, else 0. */
static int biogen_verdict(const struct sgblk_biogen *a,
			  const struct biogen_user *r)
{
	int ret = 0;

	if (a->errors) {
		fprintf(stderr, "%s: biogen: %" PRIu64 " bios failed\n", PROG,
			(uint64_t)a->errors);
		ret = EXIT_DATA;
	}
	if (a->mismatches) {
		fprintf(stderr, "%s: verify: %" PRIu64 " 512-byte blocks differ from "
			"the pattern (kernel check), first at device byte %" PRIu64 "\n",
			PROG, (uint64_t)a->mismatches, (uint64_t)a->first_mismatch);
		ret = EXIT_DATA;
	}
	if (r->ck.mismatches) {
		fprintf(stderr, "%s: verify: %" PRIu64 " 512-byte blocks differ from "
			"the pattern (user buffer), first at device byte %" PRIu64 "\n",
			PROG, r->ck.mismatches, r->ck.first);
		ret = EXIT_DATA;
	}
	if (r->user_sum && r->usum != a->checksum) {
		fprintf(stderr, "%s: checksum: kernel saw 0x%016" PRIx64
			", user buffer holds 0x%016" PRIx64 "\n", PROG,
			(uint64_t)a->checksum, r->usum);
		ret = EXIT_DATA;
	}
	return ret;
}

/* Prepare the buffer, apply the faults, submit, check: 0 or an exit code. */
static int biogen_run(struct biogen_opts *o, struct biogen_user *r)
{
	int ret;

	if (o->a.source == SGBLK_BIOGEN_SRC_USER) {
		ret = biogen_user_buffer(o, r);
		if (ret)
			return ret;
	}
	/* Deliberately bad requests, for the tests. */
	ret = fault_memory(&o->f, &o->a, &r->ub);
	if (!ret)
		ret = fault_fields(&o->f, &o->a);
	if (!ret)
		ret = biogen_submit(&o->a, o->f.tail, o->json);
	if (ret)
		return ret;
	biogen_user_check(&o->a, r);
	return 0;
}

int cmd_biogen(int argc, char **argv)
{
	struct biogen_opts o;
	struct biogen_user r = { .ck = { .first = UINT64_MAX } };
	int ret;

	ret = biogen_parse(argc, argv, &o);
	if (ret)
		return ret;
	ret = biogen_run(&o, &r);
	if (!ret) {
		if (o.json)
			report_json(&o, &r);
		else
			report_text(&o, &r);
		ret = biogen_verdict(&o.a, &r);
	}
	ubuf_free(&r.ub);
	return ret;
}
