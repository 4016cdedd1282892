// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-membuf [--above MIB] [--json] FILE KB RUN_KB: make FILE, on tmpfs, a buffer of KB KiB whose
 * pages are runs of RUN_KB physically contiguous bytes in ascending order,
 * no run continuing the one before: make bench's fio buffer
 * (iomem=mmapshared:FILE), so a request's scatterlist is the same in every
 * run and boot.  fio's own buffer is contiguous by chance.
 *
 * The page allocator hands out fresh pages in ascending order on some
 * kernels (6.1) and descending on others (7.x), and the pages freed lately
 * first, in no order.  So every run is written in the order the last one
 * showed, checked against /proc/self/pagemap (root: it hides the PFNs
 * otherwise), and written again while it is not right; the pages it had go
 * to FILE.pad, which also takes RUN_KB after each run (the gap) and a fill
 * before the first, and which the caller may remove afterwards.  With
 * --above, a run below MIB MiB of physical memory goes to the pad too, so a
 * DMA mask profile (dma28) bounces the same on every kernel.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096UL
#define FILL_PAGES 4096UL	/* 16 MiB: the pages a boot freed lately */
#define MAX_RETRIES 8192UL
#define FLOOR_STEP 16384UL	/* pages skipped at once on the way to --above */

static int fd, pad, pm;
static const volatile uint8_t *map;
static off_t padoff;
static uint8_t page[PG];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(int f, off_t off)
{
	if (pwrite(f, page, PG, off) != (ssize_t)PG)
		die("sgblk-membuf: write");
}

/* n pages to the pad: a gap, or pages taken back from a run */
static void eat(unsigned long n)
{
	while (n--) {
		put(pad, padoff);
		padoff += PG;
	}
}

static uint64_t pfn_of(unsigned long pg)
{
	uint64_t e;

	(void)map[pg * PG];	/* map the page, or pagemap has nothing */
	if (pread(pm, &e, sizeof(e), (off_t)(((uintptr_t)map / PG + pg) * sizeof(e))) !=
	    (ssize_t)sizeof(e))
		die("sgblk-membuf: pagemap");
	e &= (1ULL << 55) - 1;
	if (!e) {
		fprintf(stderr, "sgblk-membuf: no PFNs in pagemap (run as root)\n");
		exit(1);
	}
	return e;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: sgblk-membuf [--above MIB] [--json] FILE KB RUN_KB\n"
"Make FILE (on tmpfs) a buffer of KB KiB: runs of RUN_KB physically\n"
"contiguous bytes, each followed by a gap, checked in /proc/self/pagemap\n"
"(root).  As fio's buffer (iomem=mmapshared:FILE) a request then has the\n"
"same scatterlist in every run.  FILE.pad holds the gaps.\n"
"  --above MIB   every run at or above MIB MiB of physical memory\n"
"  --json        the summary as one JSON object\n"
"  -h, --help    this text\n");
}

/* a whole decimal number, or exit 2 naming what */
static unsigned long num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || !isdigit((unsigned char)*s) || *end) {
		fprintf(stderr, "sgblk-membuf: %s '%s': want a whole number\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "above", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long kb, rkb, r, nruns, j, n, retries = 0, above = 0, min_pfn = 0;
	uint64_t base = 0, prev_end = 0, lo = UINT64_MAX, hi = 0;
	char padname[4096];
	int down = 0, ok, rev, json = 0, c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			min_pfn = num(optarg, "--above");
			if (min_pfn > (1UL << 20)) {
				fprintf(stderr, "sgblk-membuf: --above %lu: more than 1 TiB\n", min_pfn);
				return 2;
			}
			min_pfn = min_pfn * (1UL << 20) / PG;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 3) {
		usage(stderr);
		return 2;
	}
	kb = num(argv[optind + 1], "KB");
	rkb = num(argv[optind + 2], "RUN_KB");
	if (!rkb || rkb % 4 || !kb || kb % rkb) {
		fprintf(stderr, "sgblk-membuf: RUN_KB: a multiple of 4, KB: of RUN_KB\n");
		return 2;
	}
	n = rkb / 4;
	nruns = kb / rkb;
	snprintf(padname, sizeof(padname), "%s.pad", argv[optind]);
	fd = open(argv[optind], O_RDWR | O_CREAT | O_TRUNC, 0644);
	pad = open(padname, O_RDWR | O_CREAT | O_TRUNC, 0644);
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pad < 0 || pm < 0)
		die("sgblk-membuf: open");
	if (ftruncate(fd, (off_t)(kb * 1024)))
		die("sgblk-membuf: ftruncate");
	map = mmap(NULL, kb * 1024, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die("sgblk-membuf: mmap");
	memset(page, 's', PG);
	eat(FILL_PAGES);

	for (r = 0; r < nruns; r++) {
		for (;;) {
			for (j = 0; j < n; j++)
				put(fd, (off_t)((r * n + (down ? n - 1 - j : j)) * PG));
			base = pfn_of(r * n);
			ok = 1;
			rev = n > 1;
			for (j = 1; j < n; j++) {
				uint64_t p = pfn_of(r * n + j);

				ok &= p == base + j;
				rev &= p == base - j;
			}
			if (ok && base != prev_end + 1 && base >= min_pfn)
				break;
			/* written against the allocator's direction: turn */
			if (rev)
				down = !down;
			if (++retries > MAX_RETRIES) {
				fprintf(stderr, "sgblk-membuf: no contiguous run of %lu KiB%s after %lu tries\n",
					rkb, min_pfn ? " above the floor" : "", retries);
				return 1;
			}
			/* the run's pages to the pad, so the next try gets others */
			if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				      (off_t)(r * n * PG), (off_t)(n * PG)))
				die("sgblk-membuf: punch");
			eat(n);
			/* ascending below the floor: skip to it at once */
			if (ok && !down && base < min_pfn)
				eat(min_pfn - base < FLOOR_STEP ? min_pfn - base : FLOOR_STEP);
		}
		prev_end = base + n - 1;
		lo = base < lo ? base : lo;
		hi = prev_end > hi ? prev_end : hi;
		above += base >= (1ULL << 28) / PG;
		eat(n);
	}
	if (json)
		printf("{\"file\": \"%s\", \"runs\": %lu, \"run_kb\": %lu, \"allocator\": \"%s\", "
		       "\"retries\": %lu, \"pfn_lo\": %llu, \"pfn_hi\": %llu, \"runs_above_256m\": %lu}\n",
		       argv[optind], nruns, rkb, down ? "descending" : "ascending", retries,
		       (unsigned long long)lo, (unsigned long long)hi, above);
	else
		printf("sgblk-membuf: %s: %lu runs of %lu KiB, %s, %lu retries, PFNs %#llx-%#llx, %lu runs at or above 256 MiB\n",
		       argv[optind], nruns, rkb, down ? "allocator descending" : "allocator ascending",
		       retries, (unsigned long long)lo, (unsigned long long)hi, above);
	return 0;
}
