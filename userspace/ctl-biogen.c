// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-ctl biogen: build the SGBLK_IOC_BIOGEN request from the options
 * (and, for tests, deliberately bad ones), run it, check a user buffer and
 * report.
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

int cmd_biogen(int argc, char **argv)
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
			else if (!strcmp(optarg, "contig") || !strcmp(optarg, "kmalloc") ||
				 !strcmp(optarg, "pages"))
				a.source = SGBLK_BIOGEN_SRC_CONTIG;
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
		fprintf(stderr, "%s: biogen: %" PRIu64 " bios failed\n", PROG,
			(uint64_t)a.errors);
		ret = EXIT_DATA;
	}
	if (a.mismatches) {
		fprintf(stderr, "%s: verify: %" PRIu64 " 512-byte blocks differ from "
			"the pattern (kernel check), first at device byte %" PRIu64 "\n",
			PROG, (uint64_t)a.mismatches, (uint64_t)a.first_mismatch);
		ret = EXIT_DATA;
	}
	if (ck.mismatches) {
		fprintf(stderr, "%s: verify: %" PRIu64 " 512-byte blocks differ from "
			"the pattern (user buffer), first at device byte %" PRIu64 "\n",
			PROG, ck.mismatches, ck.first);
		ret = EXIT_DATA;
	}
	if (user_sum && usum != a.checksum) {
		fprintf(stderr, "%s: checksum: kernel saw 0x%016" PRIx64
			", user buffer holds 0x%016" PRIx64 "\n", PROG,
			(uint64_t)a.checksum, usum);
		ret = EXIT_DATA;
	}
out:
	free(req);
	ubuf_free(&ub);
	return ret;
}

